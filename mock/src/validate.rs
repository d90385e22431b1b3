//! Checks a request body as the vendor would: auth fields first, then every request field
//! (required, type, enum code, unknown keys), naming the first offending field by its JSON
//! path. Messages name fields and types, never values, so no secret is echoed.

use apigen::model::{Api, Code, DateTimeFormat, Endpoint, Field, MoneyWire, Type};
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::codes::Problem;

/// The first problem found in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What kind of problem it is (which error code fits).
    pub problem: Problem,
    /// JSON path of the field (`holder.address.city`, `items[1]`); empty for the whole body.
    pub field: String,
    /// What is wrong, in plain English.
    pub message: String,
}

impl Violation {
    fn new(problem: Problem, field: &str, message: impl Into<String>) -> Self {
        Violation {
            problem,
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Every top-level field an endpoint's body may carry: the auth fields carried in the body,
/// the pagination fields of a paginated endpoint, then the endpoint's own request fields.
pub fn request_fields<'a>(api: &'a Api, endpoint: &Endpoint) -> Vec<&'a Field> {
    let auth = api.service.auth.iter().filter(|f| f.header().is_none());
    let paging = api
        .service
        .pagination
        .iter()
        .filter(|_| endpoint.paginated)
        .flat_map(|p| &p.request);
    let own = api
        .request_object(endpoint)
        .into_iter()
        .flat_map(|o| &o.fields);
    auth.chain(paging).chain(own).collect()
}

/// Checks `body` and the auth `headers` against the endpoint; with `credentials`, the auth
/// fields must equal them.
///
/// # Errors
///
/// The first [`Violation`]: auth problems before any other.
pub fn check(
    api: &Api,
    endpoint: &Endpoint,
    body: &Value,
    headers: &HeaderMap,
    credentials: Option<&Map<String, Value>>,
) -> Result<(), Violation> {
    let Value::Object(map) = body else {
        return Err(Violation::new(
            Problem::Parameter,
            "",
            "the body is not a JSON object",
        ));
    };
    for field in &api.service.auth {
        let sent = match field.header() {
            None => {
                check_field(api, field, map, "", Problem::Auth)?;
                map.get(&field.wire_name).cloned()
            }
            Some(header) => header_auth(field, header, map, headers)?,
        };
        if let (Some(expected), Some(sent)) = (
            credentials.and_then(|c| c.get(&field.wire_name)),
            sent.as_ref(),
        ) && expected != sent
        {
            return Err(Violation::new(
                Problem::Auth,
                &field.wire_name,
                format!(
                    "`{}` does not match the configured credentials",
                    field.wire_name
                ),
            ));
        }
    }
    let fields = request_fields(api, endpoint);
    check_fields(api, &fields, map, "")
}

/// The value of auth field `field`, carried in `header`: a string, required unless the field
/// is optional, and not also in the body.
fn header_auth(
    field: &Field,
    header: &str,
    body: &Map<String, Value>,
    headers: &HeaderMap,
) -> Result<Option<Value>, Violation> {
    let name = &field.wire_name;
    if body.contains_key(name) {
        return Err(Violation::new(
            Problem::Auth,
            name,
            format!("`{name}` travels in header `{header}`, not in the body"),
        ));
    }
    match headers.get(header).map(|v| v.to_str()) {
        Some(Ok(value)) => Ok(Some(Value::String(value.to_owned()))),
        Some(Err(_)) => Err(Violation::new(
            Problem::Auth,
            name,
            format!("header `{header}` (auth field `{name}`) is not visible ASCII"),
        )),
        None if field.required => Err(Violation::new(
            Problem::Auth,
            name,
            format!("missing header `{header}` (auth field `{name}`)"),
        )),
        None => Ok(None),
    }
}

fn check_fields(
    api: &Api,
    fields: &[&Field],
    map: &Map<String, Value>,
    path: &str,
) -> Result<(), Violation> {
    if let Some(unknown) = map
        .keys()
        .find(|key| !fields.iter().any(|f| &f.wire_name == *key))
    {
        let at = join(path, unknown);
        return Err(Violation::new(
            Problem::Parameter,
            &at,
            format!("unknown field `{at}`"),
        ));
    }
    for field in fields {
        check_field(api, field, map, path, Problem::Parameter)?;
    }
    Ok(())
}

fn check_field(
    api: &Api,
    field: &Field,
    map: &Map<String, Value>,
    path: &str,
    problem: Problem,
) -> Result<(), Violation> {
    let at = join(path, &field.wire_name);
    match map.get(&field.wire_name) {
        None if field.required => Err(Violation::new(
            problem,
            &at,
            format!("missing required field `{at}`"),
        )),
        None => Ok(()),
        Some(Value::Null) if field.is_option() => Ok(()),
        Some(Value::String(s)) if s.is_empty() && field.nullable => Ok(()),
        Some(value) => check_value(api, &field.ty, value, &at, problem),
    }
}

fn check_value(
    api: &Api,
    ty: &Type,
    value: &Value,
    at: &str,
    problem: Problem,
) -> Result<(), Violation> {
    let wrong = || Violation::new(problem, at, format!("`{at}` must be {}", describe(ty)));
    match ty {
        Type::Long => value.as_i64().map(|_| ()).ok_or_else(wrong),
        Type::Int => value
            .as_i64()
            .filter(|i| i32::try_from(*i).is_ok())
            .map(|_| ())
            .ok_or_else(wrong),
        Type::String => value.as_str().map(|_| ()).ok_or_else(wrong),
        Type::Bool => value.as_bool().map(|_| ()).ok_or_else(wrong),
        Type::Money(MoneyWire::Number) | Type::Decimal(MoneyWire::Number) => match value {
            Value::Number(_) => Ok(()),
            _ => Err(wrong()),
        },
        Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => value
            .as_str()
            .filter(|s| is_decimal_text(s))
            .map(|_| ())
            .ok_or_else(wrong),
        Type::DateTime(DateTimeFormat::Vendor) => value
            .as_str()
            .filter(|s| is_datetime(s))
            .map(|_| ())
            .ok_or_else(wrong),
        Type::DateTime(DateTimeFormat::Rfc3339) => value
            .as_str()
            .filter(|s| is_rfc3339(s))
            .map(|_| ())
            .ok_or_else(wrong),
        Type::DateTime(DateTimeFormat::EpochS | DateTimeFormat::EpochMs) => {
            value.as_i64().map(|_| ()).ok_or_else(wrong)
        }
        Type::Date => value
            .as_str()
            .filter(|s| is_date(s))
            .map(|_| ())
            .ok_or_else(wrong),
        Type::Enum(name) => {
            let known = api.enum_(name).is_some_and(|e| {
                e.values.iter().any(|v| match (&v.code, value) {
                    (Code::Int(code), Value::Number(n)) => n.as_i64() == Some(*code),
                    (Code::Str(code), Value::String(s)) => code == s,
                    _ => false,
                })
            });
            if known {
                Ok(())
            } else {
                Err(Violation::new(
                    problem,
                    at,
                    format!("`{at}` is not a code of {}", describe(ty)),
                ))
            }
        }
        Type::Object(name) => {
            let Value::Object(map) = value else {
                return Err(wrong());
            };
            let fields: Vec<&Field> = api
                .object(name)
                .map(|o| o.fields.iter().collect())
                .unwrap_or_default();
            check_fields(api, &fields, map, at)
        }
        Type::Array(item) => {
            let Value::Array(items) = value else {
                return Err(wrong());
            };
            items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check_value(api, item, v, &format!("{at}[{i}]"), problem))
        }
        Type::Map(item) => {
            let Value::Object(entries) = value else {
                return Err(wrong());
            };
            entries
                .iter()
                .try_for_each(|(key, v)| check_value(api, item, v, &join(at, key), problem))
        }
    }
}

/// How a message names what a type expects.
fn describe(ty: &Type) -> String {
    match ty {
        Type::Long | Type::Int => format!("an integer ({})", ty.spec_name()),
        Type::String => "a string".to_owned(),
        Type::Bool => "true or false".to_owned(),
        Type::Money(MoneyWire::Number) | Type::Decimal(MoneyWire::Number) => {
            format!("a JSON number ({})", ty.spec_name())
        }
        Type::Money(MoneyWire::String) | Type::Decimal(MoneyWire::String) => {
            format!(
                "a decimal in a JSON string such as \"23.50\" ({})",
                ty.spec_name()
            )
        }
        Type::DateTime(DateTimeFormat::Vendor) => "a datetime \"YYYY-MM-DD HH:MM:SS\"".to_owned(),
        Type::DateTime(DateTimeFormat::Rfc3339) => {
            "an RFC 3339 datetime with an offset such as \"2026-11-28T12:00:00+08:00\"".to_owned()
        }
        Type::DateTime(DateTimeFormat::EpochS) => {
            "a Unix timestamp in seconds (an integer)".to_owned()
        }
        Type::DateTime(DateTimeFormat::EpochMs) => {
            "a Unix timestamp in milliseconds (an integer)".to_owned()
        }
        Type::Date => "a date \"YYYY-MM-DD\"".to_owned(),
        Type::Enum(_) => format!("enum {}", ty.spec_name()),
        Type::Object(_) => format!("an object ({})", ty.spec_name()),
        Type::Array(_) => format!("an array ({})", ty.spec_name()),
        Type::Map(_) => format!("an object keyed by strings ({})", ty.spec_name()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `YYYY-MM-DD HH:MM:SS`, a real calendar date and time.
fn is_datetime(text: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(text, format).is_ok()
}

/// Money or a decimal as text: an optional `-`, digits, and optionally `.` and more digits.
fn is_decimal_text(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// RFC 3339 with an offset, a real calendar instant.
fn is_rfc3339(text: &str) -> bool {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).is_ok()
}

/// `YYYY-MM-DD`, a real calendar date.
fn is_date(text: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).is_ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SPEC: &str = r#"
service:
  title: t
  title_en: T
  base_url: https://t.example.test
  path_prefix: "/{version}"
  version: { default: v1, source: documented }
  auth:
    app_id: { type: long, zh: 应用, en: app }
  envelope: { code: code, message: message, data: data, success: 0, source: documented }
  source: documented
enums:
  Colour:
    zh: 色
    en: Colour
    source: documented
    repr: int
    values:
      - { code: 1, name: RED, zh: 红, en: red }
objects:
  Line:
    zh: 行
    en: Line
    source: documented
    fields:
      amount: { type: money, zh: 额, en: amount }
groups:
  g: { zh: g, en: G, order: 1 }
endpoints:
  paint:
    group: g
    zh: 涂
    en: Paint
    path: /paint
    source: documented
    retry: safe
    request:
      colour: { type: Colour, zh: 色, en: colour }
      at: { type: datetime, required: false, zh: 时, en: when }
      lines: { type: "[Line]", required: false, zh: 行, en: lines }
    response: empty
"#;

    fn problem(body: Value, credentials: Option<&Map<String, Value>>) -> Option<(Problem, String)> {
        let api = apigen::load_api_from(vec![("t.yaml".into(), SPEC.into())]).unwrap();
        let endpoint = api.endpoint("paint").unwrap();
        check(&api, endpoint, &body, &HeaderMap::new(), credentials)
            .err()
            .map(|v| (v.problem, v.field))
    }

    const HEADER_SPEC: &str = r#"
service:
  title: t
  title_en: T
  base_url: https://t.example.test
  path_prefix: "/{version}"
  version: { default: v1, source: documented }
  auth:
    app_id: { type: long, zh: 应用, en: app }
    app_key: { type: string, in: header, header: X-App-Key, sensitive: true, zh: 钥, en: key }
  envelope: { code: code, message: message, data: data, success: 0, source: documented }
  source: documented
groups:
  g: { zh: g, en: G, order: 1 }
endpoints:
  ping:
    group: g
    zh: 探
    en: Ping
    path: /ping
    source: documented
    retry: safe
    response: empty
"#;

    fn header_problem(
        body: Value,
        key: Option<&str>,
        credentials: Option<&Map<String, Value>>,
    ) -> Option<Violation> {
        let api = apigen::load_api_from(vec![("t.yaml".into(), HEADER_SPEC.into())]).unwrap();
        let mut headers = HeaderMap::new();
        if let Some(key) = key {
            headers.insert("x-app-key", key.parse().unwrap());
        }
        check(
            &api,
            api.endpoint("ping").unwrap(),
            &body,
            &headers,
            credentials,
        )
        .err()
    }

    #[test]
    fn header_auth_is_read_from_its_header_only() {
        assert_eq!(header_problem(json!({"app_id": 1}), Some("k"), None), None);
        let missing = header_problem(json!({"app_id": 1}), None, None).unwrap();
        assert_eq!(
            (missing.problem, missing.field.as_str()),
            (Problem::Auth, "app_key")
        );
        assert!(missing.message.contains("X-App-Key"), "{}", missing.message);
        let in_body =
            header_problem(json!({"app_id": 1, "app_key": "k"}), Some("k"), None).unwrap();
        assert_eq!(in_body.problem, Problem::Auth);
        assert!(
            in_body.message.contains("not in the body"),
            "{}",
            in_body.message
        );
        let mut credentials = Map::new();
        credentials.insert("app_key".into(), json!("right"));
        let wrong =
            header_problem(json!({"app_id": 1}), Some("wrong"), Some(&credentials)).unwrap();
        assert_eq!(
            (wrong.problem, wrong.field.as_str()),
            (Problem::Auth, "app_key")
        );
        assert!(!wrong.message.contains("wrong"), "{}", wrong.message);
        assert_eq!(
            header_problem(json!({"app_id": 1}), Some("right"), Some(&credentials)),
            None
        );
    }

    #[test]
    fn finds_the_first_problem_and_its_path() {
        let ok = json!({"app_id": 1, "colour": 1, "at": "2025-01-02 03:04:05", "lines": [{"amount": 1.5}]});
        assert_eq!(problem(ok.clone(), None), None);
        assert_eq!(
            problem(json!({"colour": 1}), None),
            Some((Problem::Auth, "app_id".into()))
        );
        assert_eq!(
            problem(json!({"app_id": "1", "colour": 1}), None),
            Some((Problem::Auth, "app_id".into()))
        );
        assert_eq!(
            problem(json!({"app_id": 1, "colour": 2}), None),
            Some((Problem::Parameter, "colour".into()))
        );
        assert_eq!(
            problem(json!({"app_id": 1}), None),
            Some((Problem::Parameter, "colour".into()))
        );
        assert_eq!(
            problem(
                json!({"app_id": 1, "colour": 1, "lines": [{"amount": 1}, {"amount": "1"}]}),
                None
            ),
            Some((Problem::Parameter, "lines[1].amount".into()))
        );
        assert_eq!(
            problem(
                json!({"app_id": 1, "colour": 1, "lines": [{"amount": 1, "x": 0}]}),
                None
            ),
            Some((Problem::Parameter, "lines[0].x".into()))
        );
        assert_eq!(
            problem(json!([1]), None),
            Some((Problem::Parameter, String::new()))
        );
        let mut credentials = Map::new();
        credentials.insert("app_id".into(), json!(2));
        assert_eq!(
            problem(ok, Some(&credentials)),
            Some((Problem::Auth, "app_id".into()))
        );
    }

    #[test]
    fn datetimes_and_dates_must_be_real() {
        assert!(is_datetime("2025-03-03 02:40:57"));
        assert!(!is_datetime("2025-02-30 02:40:57"));
        assert!(!is_datetime("2025-03-03T02:40:57"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
    }

    #[test]
    fn paths_join_with_dots() {
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a.b[1]", "c"), "a.b[1].c");
    }

    #[test]
    fn other_wire_forms_are_checked_as_they_travel() {
        let api = apigen::load_api_from(vec![("t.yaml".into(), SPEC.into())]).unwrap();
        let check =
            |ty: Type, value: Value| check_value(&api, &ty, &value, "x", Problem::Parameter);
        assert!(check(Type::Money(MoneyWire::String), json!("23.50")).is_ok());
        assert!(check(Type::Money(MoneyWire::String), json!(23.50)).is_err());
        assert!(check(Type::Decimal(MoneyWire::String), json!("1,5")).is_err());
        let rfc3339 = Type::DateTime(DateTimeFormat::Rfc3339);
        assert!(check(rfc3339.clone(), json!("2026-11-28T12:00:00+08:00")).is_ok());
        assert!(check(rfc3339, json!("2026-11-28 12:00:00")).is_err());
        assert!(
            check(
                Type::DateTime(DateTimeFormat::EpochMs),
                json!(1_795_838_400_123_i64)
            )
            .is_ok()
        );
        assert!(check(Type::DateTime(DateTimeFormat::EpochS), json!("1795838400")).is_err());
    }
}
