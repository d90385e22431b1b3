//! A JSON example value as the Rust expression a user would write for it, typed by the model:
//! what the generated endpoint tests build their requests with (request types serialize only,
//! so a test cannot decode the example into one).
//!
//! Each value becomes exactly what the client's `Deserialize` would have read from the JSON
//! (so the request serializes back to the example's body): `""` of an optional date, datetime,
//! string money or nullable string is `None`, money keeps the example's scale, datetimes their
//! offset. A value the client could not read is an error naming its JSON path, never a panic.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens as _, format_ident, quote};
use serde_json::Value;

use crate::emit::rust::MAX_NEW_ARGS;
use crate::model::{Api, DateTimeFormat, EnumRepr, Field, MoneyWire, Object, Type};
use crate::naming::{field_ident, object_ident, setter_ident, type_ident};

/// Builds Rust expressions from JSON example values, with paths into crate `krate`.
pub(super) struct Values<'a> {
    api: &'a Api,
    krate: proc_macro2::Ident,
}

impl<'a> Values<'a> {
    /// Expressions for values of `api`'s types, named through the generated crate.
    pub(super) fn new(api: &'a Api) -> Self {
        Values {
            api,
            krate: format_ident!("{}", api.service.package.crate_ident()),
        }
    }

    /// The request `o` (of type `ty`, a path to it) built from the example's `fields` as its
    /// doc says to: `new` with the required fields then a setter per optional field present,
    /// or, for a request with many required fields, a struct literal naming every field.
    pub(super) fn request(
        &self,
        ty: &TokenStream,
        o: &Object,
        fields: &serde_json::Map<String, Value>,
    ) -> Result<TokenStream, String> {
        let required: Vec<&Field> = o.fields.iter().filter(|f| !f.is_option()).collect();
        if required.len() > MAX_NEW_ARGS {
            return self.struct_literal(ty, &o.fields, fields, "$");
        }
        let args = required
            .iter()
            .map(|f| {
                let path = format!("$.{}", f.wire_name);
                let v = fields
                    .get(&f.wire_name)
                    .ok_or_else(|| format!("{path}: required field is missing"))?;
                self.argument(&f.ty, v, &path)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut setters = Vec::new();
        for f in o.fields.iter().filter(|f| f.is_option()) {
            let path = format!("$.{}", f.wire_name);
            if let Some(v) = fields.get(&f.wire_name).filter(|v| !reads_as_none(f, v)) {
                let setter = setter_ident(&f.wire_name);
                let v = self.argument(&f.ty, v, &path)?;
                setters.push(quote!(.#setter(#v)));
            }
        }
        Ok(quote!(#ty::new(#(#args),*) #(#setters)*))
    }

    /// An argument of `new` or of a setter: a string as a literal (they take `impl Into<String>`),
    /// anything else as its value.
    fn argument(&self, ty: &Type, v: &Value, path: &str) -> Result<TokenStream, String> {
        match (ty, v) {
            (Type::String, Value::String(s)) => Ok(quote!(#s)),
            _ => self.value(ty, v, path),
        }
    }

    /// `ty { field: value, .. }` naming every field of `fields` (optional ones `None` when
    /// absent), from the JSON object `map` at `path`.
    fn struct_literal(
        &self,
        ty: &TokenStream,
        fields: &[Field],
        map: &serde_json::Map<String, Value>,
        path: &str,
    ) -> Result<TokenStream, String> {
        let inits = fields
            .iter()
            .map(|f| {
                let n = field_ident(&f.wire_name);
                let v = self.field(f, map.get(&f.wire_name), &format!("{path}.{}", f.wire_name))?;
                Ok(quote!(#n: #v))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(quote!(#ty { #(#inits),* }))
    }

    /// A field's value: `None` for an optional field that is absent or reads as none, the value
    /// (boxed if the field is, in `Some` if optional) otherwise.
    fn field(&self, f: &Field, v: Option<&Value>, path: &str) -> Result<TokenStream, String> {
        let v = match v {
            // Only an optional field reads as none; a required one must hold a value.
            Some(v) if !reads_as_none(f, v) => v,
            _ if f.is_option() => return Ok(quote!(None)),
            _ => return Err(format!("{path}: required field is missing")),
        };
        let mut value = self.value(&f.ty, v, path)?;
        if f.boxed {
            value = quote!(::std::boxed::Box::new(#value));
        }
        Ok(if f.is_option() {
            quote!(Some(#value))
        } else {
            value
        })
    }

    /// The expression for JSON value `v` of type `ty` at `path`.
    fn value(&self, ty: &Type, v: &Value, path: &str) -> Result<TokenStream, String> {
        let bad = |want: &str| format!("{path}: expected {want}, found {v}");
        let krate = &self.krate;
        match ty {
            Type::Long => {
                let n = v.as_i64().ok_or_else(|| bad("an integer (long)"))?;
                Ok(Literal::i64_unsuffixed(n).into_token_stream())
            }
            Type::Int => {
                let n = v
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| bad("a 32-bit integer (int)"))?;
                Ok(Literal::i32_unsuffixed(n).into_token_stream())
            }
            Type::String => {
                let s = v.as_str().ok_or_else(|| bad("a string"))?;
                Ok(quote!(#s.to_owned()))
            }
            Type::Bool => {
                let b = v.as_bool().ok_or_else(|| bad("a boolean"))?;
                Ok(quote!(#b))
            }
            Type::Money(wire) | Type::Decimal(wire) => {
                let text = match (wire, v) {
                    (_, Value::Number(n)) => n.to_string(),
                    (MoneyWire::String, Value::String(s)) => s.clone(),
                    _ => return Err(bad("a decimal number")),
                };
                decimal(&text).ok_or_else(|| bad("a decimal the client holds exactly"))
            }
            Type::DateTime(format) => datetime(*format, v)
                .ok_or_else(|| bad(&format!("a datetime ({})", format.description()))),
            Type::Date => {
                let d = v
                    .as_str()
                    .and_then(parse_date)
                    .ok_or_else(|| bad("a date \"YYYY-MM-DD\""))?;
                let d = date_tokens(d);
                Ok(quote!(::time::macros::date!(#d)))
            }
            Type::Enum(name) => {
                let e =
                    (self.api.enum_(name)).ok_or_else(|| format!("{path}: no enum `{name}`"))?;
                let code = match (e.repr, v) {
                    (EnumRepr::Int, Value::Number(n)) => n.as_i64().map(crate::model::Code::Int),
                    (EnumRepr::String, Value::String(s)) => {
                        Some(crate::model::Code::Str(s.clone()))
                    }
                    _ => None,
                }
                .ok_or_else(|| bad("an enum code"))?;
                let ty = type_ident(&e.name);
                match e.values.iter().find(|x| x.code == code) {
                    Some(x) => {
                        let variant = type_ident(&x.spec_name);
                        Ok(quote!(::#krate::enums::#ty::#variant))
                    }
                    None if e.closed => Err(format!(
                        "{path}: {code} is not a code of the closed enum `{}`",
                        e.name
                    )),
                    None => {
                        let code = match code {
                            crate::model::Code::Int(c) => Literal::i64_unsuffixed(c),
                            crate::model::Code::Str(s) => Literal::string(&s),
                        };
                        Ok(quote!(::#krate::enums::#ty::from_code(#code)))
                    }
                }
            }
            Type::Object(name) => {
                let o = (self.api.object(name))
                    .ok_or_else(|| format!("{path}: no object `{name:?}`"))?;
                let map = v.as_object().ok_or_else(|| bad("an object"))?;
                let ty = object_ident(name);
                self.struct_literal(&quote!(::#krate::types::#ty), &o.fields, map, path)
            }
            Type::Array(inner) => {
                let items = v.as_array().ok_or_else(|| bad("an array"))?;
                if items.is_empty() {
                    return Ok(quote!(::std::vec::Vec::new()));
                }
                let items = (items.iter().enumerate())
                    .map(|(i, x)| self.value(inner, x, &format!("{path}[{i}]")))
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(quote!(vec![#(#items),*]))
            }
            Type::Map(inner) => {
                let entries = v.as_object().ok_or_else(|| bad("an object (a map)"))?;
                if entries.is_empty() {
                    return Ok(quote!(::std::collections::BTreeMap::new()));
                }
                let entries = entries
                    .iter()
                    .map(|(k, x)| {
                        let x = self.value(inner, x, &format!("{path}.{k}"))?;
                        Ok(quote!((#k.to_owned(), #x)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(quote!(::std::collections::BTreeMap::from([#(#entries),*])))
            }
        }
    }
}

/// Does the client read `v` of field `f` as `None`: `null`, and `""` for the optional dates,
/// datetimes, money sent as text and nullable strings (the `*_opt` wire forms), and the vendor's
/// zero datetime?
fn reads_as_none(f: &Field, v: &Value) -> bool {
    if !f.is_option() {
        return false;
    }
    let Some(s) = v.as_str() else {
        return v.is_null();
    };
    match &f.ty {
        Type::DateTime(DateTimeFormat::Vendor) => s.is_empty() || s == "0000-00-00 00:00:00",
        Type::DateTime(_)
        | Type::Date
        | Type::Money(MoneyWire::String)
        | Type::Decimal(MoneyWire::String) => s.is_empty(),
        Type::String => f.nullable && s.is_empty(),
        _ => false,
    }
}

/// A JSON number's (or decimal text's) value as an exact `Decimal` expression with the same
/// scale: `Decimal::new(1250, 2)` for `12.50`; `None` if a `Decimal` cannot hold it exactly.
fn decimal(text: &str) -> Option<TokenStream> {
    let plain = plain_decimal(text)?;
    let d = rust_decimal::Decimal::from_str_exact(&plain).ok()?;
    let scale = Literal::u32_unsuffixed(d.scale());
    let mantissa = d.mantissa();
    Some(match i64::try_from(mantissa) {
        Ok(m) if d.scale() == 0 => {
            let m = Literal::i64_unsuffixed(m);
            quote!(::rust_decimal::Decimal::from(#m))
        }
        Ok(m) => {
            let m = Literal::i64_unsuffixed(m);
            quote!(::rust_decimal::Decimal::new(#m, #scale))
        }
        Err(_) => {
            let m = Literal::i128_unsuffixed(mantissa);
            quote!(::rust_decimal::Decimal::from_i128_with_scale(#m, #scale))
        }
    })
}

/// Decimal text, an exponent folded into the digits as the client reads it (`1.25E+2` → `125`,
/// `7e-3` → `0.007`); `None` for text that is not a decimal number.
fn plain_decimal(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (negative, unsigned) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || exponent.unsigned_abs() > 64
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let point = i64::try_from(int.len()).ok()? + exponent;
    let mut out = String::from(if negative { "-" } else { "" });
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-point).ok()?));
        out.push_str(&digits);
    } else {
        let point = usize::try_from(point).ok()?;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    Some(out)
}

/// `"YYYY-MM-DD"` as the runtime reads it.
fn parse_date(s: &str) -> Option<time::Date> {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, FORMAT).ok()
}

/// A datetime example in wire form `format` as a `time::macros::datetime!` call: vendor text
/// without an offset, RFC 3339 with its offset, epoch seconds or milliseconds in UTC.
fn datetime(format: DateTimeFormat, v: &Value) -> Option<TokenStream> {
    use time::format_description::well_known::Rfc3339;
    let instant = match format {
        DateTimeFormat::Vendor => {
            const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
                time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
            let dt = time::PrimitiveDateTime::parse(v.as_str()?, FORMAT).ok()?;
            let d = date_tokens(dt.date());
            let t = time_tokens(dt.time());
            return Some(quote!(::time::macros::datetime!(#d #t)));
        }
        DateTimeFormat::Rfc3339 => time::OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok()?,
        DateTimeFormat::EpochS => time::OffsetDateTime::from_unix_timestamp(epoch(v)?).ok()?,
        DateTimeFormat::EpochMs => {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch(v)?) * 1_000_000)
                .ok()?
        }
    };
    let d = date_tokens(instant.date());
    let t = time_tokens(instant.time());
    let offset = instant.offset();
    let o: TokenStream = if offset.is_utc() {
        quote!(UTC)
    } else {
        let (h, m, s) = offset.as_hms();
        let sign = if offset.is_negative() { "-" } else { "+" };
        let mut text = format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
        if s != 0 {
            text.push_str(&format!(":{:02}", s.unsigned_abs()));
        }
        text.parse().ok()?
    };
    Some(quote!(::time::macros::datetime!(#d #t #o)))
}

/// A Unix timestamp: a JSON integer, or a string holding one.
fn epoch(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `2025-03-03` as the tokens of a `date!`/`datetime!` date.
fn date_tokens(d: time::Date) -> TokenStream {
    let text = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    text.parse().unwrap_or_default()
}

/// `02:42:11` (with `.5` for a fraction of a second) as the tokens of a `time!`/`datetime!`
/// time.
fn time_tokens(t: time::Time) -> TokenStream {
    let mut text = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    if t.nanosecond() != 0 {
        let frac = format!("{:09}", t.nanosecond());
        text.push('.');
        text.push_str(frac.trim_end_matches('0'));
    }
    text.parse().unwrap_or_default()
}

/// `text` (formatted Rust) with the `date!` and `datetime!` calls written as their docs write
/// them, `datetime!(2025-03-01 00:00:00 +08:00)`: the printer spaces every `-` and `:` of a
/// macro's tokens (`2025 - 03 - 01 00 : 00 : 00 + 08 : 00`). A call of another shape is left
/// as it is (the spacing does not change what it means).
pub(super) fn compact_time_macros(text: &str) -> String {
    const CALLS: [&str; 2] = ["::time::macros::date!(", "::time::macros::datetime!("];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = (CALLS.iter())
            .filter_map(|call| Some((rest.find(call)?, call.len())))
            .min();
        let Some((at, len)) = next else { break };
        let inner = at + len;
        let Some(close) = rest[inner..].find(')') else {
            break;
        };
        out.push_str(&rest[..inner]);
        out.push_str(&compact_moment(&rest[inner..inner + close]));
        rest = &rest[inner + close..];
    }
    out.push_str(rest);
    out
}

/// The inside of a `date!`/`datetime!` call as printed (`2025 - 03 - 01 00 : 00 : 00 UTC`),
/// compacted (`2025-03-01 00:00:00 UTC`); unchanged if it is not of that shape.
fn compact_moment(inner: &str) -> String {
    let tokens: Vec<&str> = inner.split_whitespace().collect();
    let group =
        |t: &[&str], sep: &str| (t.len() == 5 && t[1] == sep && t[3] == sep).then(|| t.concat());
    let compact = match tokens.len() {
        5 => group(&tokens, "-"),
        10 | 11 | 14 => (|| {
            let date = group(&tokens[..5], "-")?;
            let time = group(&tokens[5..10], ":")?;
            let offset = match &tokens[10..] {
                [] => String::new(),
                [utc] => format!(" {utc}"),
                [sign @ ("+" | "-"), h, ":", m] => format!(" {sign}{h}:{m}"),
                _ => return None,
            };
            Some(format!("{date} {time}{offset}"))
        })(),
        _ => None,
    };
    compact.unwrap_or_else(|| inner.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mini_fixture::mini;

    fn tokens(t: Option<TokenStream>) -> String {
        t.map(|t| t.to_string()).unwrap_or_default()
    }

    #[test]
    fn decimals_keep_their_scale_and_fold_exponents() {
        assert_eq!(plain_decimal("12.50").as_deref(), Some("12.50"));
        assert_eq!(plain_decimal("-1.25E+2").as_deref(), Some("-125"));
        assert_eq!(plain_decimal("7e-3").as_deref(), Some("0.007"));
        assert_eq!(plain_decimal("1.5e3").as_deref(), Some("1500"));
        assert_eq!(plain_decimal("abc"), None);
        assert_eq!(plain_decimal("1e999"), None);
        assert_eq!(
            tokens(decimal("12.50")),
            ":: rust_decimal :: Decimal :: new (1250 , 2)"
        );
        assert_eq!(
            tokens(decimal("-0.001")),
            ":: rust_decimal :: Decimal :: new (- 1 , 3)"
        );
        // More than an i64 holds: the 96-bit mantissa as an i128.
        assert_eq!(
            tokens(decimal("12345678901234567890.12")),
            ":: rust_decimal :: Decimal :: from_i128_with_scale (1234567890123456789012 , 2)"
        );
        // A scale of 29 and 30 significant digits: a Decimal would round them.
        assert!(decimal("0.12345678901234567890123456789").is_none());
        assert!(decimal("123456789012345678901234567890").is_none());
    }

    fn card(json: &str) -> Result<String, String> {
        let api = mini(str::to_owned);
        let ty = Type::Object(crate::model::ObjectName::Declared("Card".into()));
        let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Values::new(&api).value(&ty, &v, "$").map(|t| t.to_string())
    }

    #[test]
    fn objects_are_struct_literals_naming_every_field() {
        let text = card(
            r#"{"card_id": "c1", "card_no": "4111", "cvv": "", "type": 1, "close_at": "",
                "birthday": "1990-05-17", "rate": 0.50, "active": true, "fee_modes": ["OUR"],
                "limits": {"daily": 1E+3}}"#,
        );
        assert_eq!(
            text.as_deref(),
            Ok(":: mini_api :: types :: Card { \
                card_id : \"c1\" . to_owned () , \
                card_no : \"4111\" . to_owned () , \
                cvv : \"\" . to_owned () , \
                r#type : 1 , \
                close_at : None , \
                birthday : Some (:: time :: macros :: date ! (1990 - 05 - 17)) , \
                rate : Some (:: rust_decimal :: Decimal :: new (50 , 2)) , \
                active : true , \
                fee_modes : Some (vec ! [:: mini_api :: enums :: FeeMode :: Our]) , \
                limits : Some (:: mini_api :: types :: CardLimits { \
                daily : :: rust_decimal :: Decimal :: from (1000) , tags : None }) }")
        );
    }

    #[test]
    fn open_enums_keep_unknown_codes_and_requests_use_new_and_setters() {
        let api = mini(str::to_owned);
        let values = Values::new(&api);
        let status = Type::Enum("WalletStatus".into());
        let known = values.value(&status, &Value::from(2), "$.status");
        let unknown = values.value(&status, &Value::from(9), "$.status");
        assert_eq!(
            known.map(|t| t.to_string()).as_deref(),
            Ok(":: mini_api :: enums :: WalletStatus :: Frozen")
        );
        assert_eq!(
            unknown.map(|t| t.to_string()).as_deref(),
            Ok(":: mini_api :: enums :: WalletStatus :: from_code (9)")
        );
        let request = |endpoint: &str, json: &str| {
            let e = api.endpoint(endpoint).expect("endpoint");
            let o = api.request_object(e).expect("request");
            let fields: serde_json::Map<String, Value> = serde_json::from_str(json).expect("JSON");
            values
                .request(&quote!(R), o, &fields)
                .map(|t| t.to_string())
        };
        assert_eq!(
            request("get_wallet_detail", r#"{"wallet_sn": "037c"}"#).as_deref(),
            Ok("R :: new (\"037c\")")
        );
        // Optional fields present get their setter; absent or null ones none.
        assert_eq!(
            request("list_wallets", r#"{"status": 1, "page": null}"#).as_deref(),
            Ok("R :: new () . status (:: mini_api :: enums :: WalletStatus :: Normal)")
        );
    }

    #[test]
    fn values_the_client_cannot_read_are_errors_with_their_path() {
        let base = r#""card_id": "c1", "card_no": "4111", "cvv": "", "type": 1, "close_at": "",
                      "active": true"#;
        assert_eq!(
            card(&format!(r#"{{{base}, "fee_modes": ["XYZ"]}}"#)),
            Err("$.fee_modes[0]: \"XYZ\" is not a code of the closed enum `FeeMode`".into())
        );
        assert_eq!(
            card(&format!(r#"{{{base}, "limits": {{}}}}"#)),
            Err("$.limits.daily: required field is missing".into())
        );
        assert_eq!(
            card(&format!(r#"{{{base}, "birthday": "1990-02-30"}}"#)),
            Err("$.birthday: expected a date \"YYYY-MM-DD\", found \"1990-02-30\"".into())
        );
        assert!(
            card(
                r#"{"card_id": "c1", "card_no": "4111", "cvv": "", "type": 1,
                         "close_at": "", "active": null}"#
            )
            .is_err_and(|e| e == "$.active: expected a boolean, found null")
        );
    }

    #[test]
    fn time_macros_are_compacted_and_other_text_kept() {
        let text = "a(::time::macros::datetime!(2025 - 03 - 01 00 : 00 : 00.25 + 08 : 00)), \
                    b(::time::macros::date!(1990 - 05 - 17)), \
                    c(::time::macros::datetime!(2025 - 03 - 01 02 : 42 : 11 UTC)), \
                    d(::time::macros::datetime!(2025 - 03 - 01 02 : 42 : 11)) f(1 - 2)";
        assert_eq!(
            compact_time_macros(text),
            "a(::time::macros::datetime!(2025-03-01 00:00:00.25 +08:00)), \
             b(::time::macros::date!(1990-05-17)), \
             c(::time::macros::datetime!(2025-03-01 02:42:11 UTC)), \
             d(::time::macros::datetime!(2025-03-01 02:42:11)) f(1 - 2)"
        );
        // Another shape (a negative year) stays as printed, and so does text that is not a
        // call or a call left open.
        for odd in [
            "::time::macros::date!(- 5 - 01 - 01)",
            "x ::time::macros::date (1 - 2) y",
            "a ::time::macros::datetime!(2025 - 03 - 01",
        ] {
            assert_eq!(compact_time_macros(odd), odd);
        }
    }

    #[test]
    fn datetimes_become_datetime_macros_in_each_wire_form() {
        let s = |x: &str| Value::String(x.into());
        assert_eq!(
            tokens(datetime(DateTimeFormat::Vendor, &s("2025-03-03 02:42:11"))),
            ":: time :: macros :: datetime ! (2025 - 03 - 03 02 : 42 : 11)"
        );
        assert_eq!(
            tokens(datetime(
                DateTimeFormat::Rfc3339,
                &s("2026-11-28T12:00:00.25+08:00")
            )),
            ":: time :: macros :: datetime ! (2026 - 11 - 28 12 : 00 : 00.25 + 08 : 00)"
        );
        assert_eq!(
            tokens(datetime(
                DateTimeFormat::Rfc3339,
                &s("2026-11-28T12:00:00Z")
            )),
            ":: time :: macros :: datetime ! (2026 - 11 - 28 12 : 00 : 00 UTC)"
        );
        assert_eq!(
            tokens(datetime(
                DateTimeFormat::EpochS,
                &Value::from(1_700_000_000)
            )),
            ":: time :: macros :: datetime ! (2023 - 11 - 14 22 : 13 : 20 UTC)"
        );
        assert_eq!(
            tokens(datetime(
                DateTimeFormat::EpochMs,
                &Value::from(1_700_000_000_123_i64)
            )),
            ":: time :: macros :: datetime ! (2023 - 11 - 14 22 : 13 : 20.123 UTC)"
        );
        assert!(datetime(DateTimeFormat::Vendor, &s("2024-02-30 00:00:00")).is_none());
        assert!(datetime(DateTimeFormat::EpochS, &s("soon")).is_none());
    }
}
