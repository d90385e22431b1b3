//! What a response is declared to look like ([`Shape`], emitted by the generator as `static`
//! data) and the walk that compares a received JSON value with it.

use serde_json::Value;

use super::DriftKind;
use crate::redact::mask_card_numbers;

/// The declared shape of a JSON value: what the spec says a response (or a part of one) is.
///
/// A generated crate emits one `static` per object and a [`Shape`] per endpoint response
/// ([`Service::response_shape`](crate::Service::response_shape)); objects that refer to each
/// other refer to each other's statics, so cycles are fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Anything: not checked.
    Any,
    /// A string (including money, dates and datetimes, which travel as strings or numbers).
    Text,
    /// A number (integer, money or decimal).
    Number,
    /// `true` or `false`.
    Bool,
    /// An open enum with integer codes: the known codes.
    IntCodes(&'static [i64]),
    /// An open enum with string codes: the known codes.
    StrCodes(&'static [&'static str]),
    /// An object with declared fields.
    Object(&'static ObjectShape),
    /// An array of values of one shape.
    Array(&'static Shape),
    /// A JSON object with free keys (ids, currency codes) and values of one shape.
    Map(&'static Shape),
}

/// The declared fields of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectShape {
    /// The object's name in the spec (for messages and the capture file).
    pub name: &'static str,
    /// Its fields, in spec order.
    pub fields: &'static [FieldShape],
}

/// One declared field of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldShape {
    /// Wire name.
    pub name: &'static str,
    /// Its value's shape.
    pub shape: &'static Shape,
    /// The spec says it is always sent and never `null`/empty (required and not nullable).
    pub always_present: bool,
    /// Its value is secret: never copied into a sample.
    pub sensitive: bool,
}

impl FieldShape {
    /// A field the spec says is always sent and never `null` or empty (required and not
    /// nullable).
    pub const fn required(name: &'static str, shape: &'static Shape) -> Self {
        FieldShape {
            name,
            shape,
            always_present: true,
            sensitive: false,
        }
    }

    /// A field that may be absent, `null` or empty.
    pub const fn optional(name: &'static str, shape: &'static Shape) -> Self {
        FieldShape {
            name,
            shape,
            always_present: false,
            sensitive: false,
        }
    }

    /// The same field, its value secret: never copied into a sample.
    #[must_use]
    pub const fn sensitive(self) -> Self {
        FieldShape {
            sensitive: true,
            ..self
        }
    }
}

/// One difference between a value and its shape, at a normalised JSON path (array indices as
/// `[]`, free map keys as `*`, so every row of a list reports under one path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub path: String,
    pub kind: DriftKind,
    /// Redacted detail: the JSON type of an unknown field, or an unknown code with card-like
    /// digit runs masked (never for a sensitive field).
    pub sample: Option<String>,
}

/// What one walk saw: the findings (one per path and kind), and for every optional field
/// whether it arrived (for "declared but never arrives", which only many responses can tell).
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub findings: Vec<Finding>,
    pub optional_fields: Vec<(String, bool)>,
}

impl Walk {
    /// Records a finding at `path`, unless one of its kind is there already (every row of a
    /// list reports under one path, once per response): no allocation for a repeat.
    fn find(&mut self, path: &str, kind: DriftKind, sample: impl FnOnce() -> Option<String>) {
        if !self
            .findings
            .iter()
            .any(|f| f.kind == kind && f.path == path)
        {
            self.findings.push(Finding {
                path: path.to_owned(),
                kind,
                sample: sample(),
            });
        }
    }

    /// Records whether the optional field at `path` arrived (once per path and response).
    fn optional(&mut self, path: &str, arrived: bool) {
        match self.optional_fields.iter_mut().find(|(p, _)| p == path) {
            Some((_, seen)) => *seen |= arrived,
            None => self.optional_fields.push((path.to_owned(), arrived)),
        }
    }
}

/// Longest unknown code kept as a sample.
const SAMPLE_CHARS: usize = 32;

/// Compares `value` (found at `path`) with `shape`.
pub(crate) fn walk(shape: &Shape, value: &Value, path: &mut String, out: &mut Walk) {
    match (shape, value) {
        (Shape::Object(object), Value::Object(map)) => {
            for field in object.fields {
                let len = path.len();
                path.push('.');
                path.push_str(field.name);
                match map.get(field.name) {
                    None if field.always_present => {
                        out.find(path, DriftKind::MissingField, || None);
                    }
                    None => out.optional(path, false),
                    Some(found) => {
                        if !field.always_present {
                            out.optional(path, true);
                        }
                        if field.always_present && is_empty(found) {
                            out.find(path, DriftKind::EmptyValue, || {
                                Some(json_type(found).to_owned())
                            });
                        } else if field.sensitive {
                            walk_sensitive(field.shape, found, path, out);
                        } else {
                            walk(field.shape, found, path, out);
                        }
                    }
                }
                path.truncate(len);
            }
            for (key, found) in map {
                if object.fields.iter().all(|f| f.name != key) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(if super::is_field_name(key) { key } else { "?" });
                    out.find(path, DriftKind::UnknownField, || {
                        Some(json_type(found).to_owned())
                    });
                    path.truncate(len);
                }
            }
        }
        (Shape::Array(item), Value::Array(items)) => {
            path.push_str("[]");
            for found in items {
                walk(item, found, path, out);
            }
            path.truncate(path.len() - 2);
        }
        (Shape::Map(item), Value::Object(map)) => {
            path.push_str(".*");
            for found in map.values() {
                walk(item, found, path, out);
            }
            path.truncate(path.len() - 2);
        }
        (Shape::IntCodes(known), Value::Number(n))
            if n.as_i64().is_none_or(|code| !known.contains(&code)) =>
        {
            out.find(path, DriftKind::UnknownEnumCode, || {
                unknown_code(&n.to_string())
            });
        }
        // Integer codes may arrive as strings (`codes::int_or_string`).
        (Shape::IntCodes(known), Value::String(s))
            if s.trim()
                .parse::<i64>()
                .is_ok_and(|code| !known.contains(&code)) =>
        {
            out.find(path, DriftKind::UnknownEnumCode, || unknown_code(s));
        }
        (Shape::StrCodes(known), Value::String(s)) if !known.contains(&s.as_str()) => {
            out.find(path, DriftKind::UnknownEnumCode, || unknown_code(s));
        }
        // Type mismatches are decode errors, reported as such; nothing to add here.
        _ => {}
    }
}

/// The walk below a sensitive field: the same findings, without samples of its values.
fn walk_sensitive(shape: &Shape, value: &Value, path: &mut String, out: &mut Walk) {
    let from = out.findings.len();
    walk(shape, value, path, out);
    for finding in &mut out.findings[from..] {
        if finding.kind == DriftKind::UnknownEnumCode {
            finding.sample = None;
        }
    }
}

/// The sample of an unknown code: bounded, card-like digit runs masked.
fn unknown_code(code: &str) -> Option<String> {
    let code: String = code.chars().take(SAMPLE_CHARS).collect();
    Some(mask_card_numbers(&code).into_owned())
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// The JSON type of a value: `null`, `bool`, `integer`, `number`, `string`, `array`, `object`.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    static STATUS: Shape = Shape::IntCodes(&[1, 2]);
    static TEXT: Shape = Shape::Text;
    static PIN_KIND: Shape = Shape::StrCodes(&["A"]);
    static CARD: ObjectShape = ObjectShape {
        name: "Card",
        fields: &[
            FieldShape::required("card_no", &TEXT),
            FieldShape::required("status", &STATUS),
            FieldShape::optional("nickname", &TEXT),
            FieldShape::optional("pin_kind", &PIN_KIND).sensitive(),
        ],
    };
    static CARDS: Shape = Shape::Array(&Shape::Object(&CARD));

    #[test]
    fn constructors_spell_out_the_flags() {
        assert_eq!(
            CARD.fields[0],
            FieldShape {
                name: "card_no",
                shape: &TEXT,
                always_present: true,
                sensitive: false,
            }
        );
        assert_eq!(
            CARD.fields[3],
            FieldShape {
                name: "pin_kind",
                shape: &PIN_KIND,
                always_present: false,
                sensitive: true,
            }
        );
    }

    fn findings(shape: &Shape, value: &Value) -> Walk {
        let mut out = Walk::default();
        walk(shape, value, &mut "data".to_owned(), &mut out);
        out
    }

    fn finding(path: &str, kind: DriftKind, sample: Option<&str>) -> Finding {
        Finding {
            path: path.to_owned(),
            kind,
            sample: sample.map(str::to_owned),
        }
    }

    #[test]
    fn a_value_as_declared_has_no_findings() {
        let value = json!([{"card_no": "…1234", "status": 1, "nickname": "x"}]);
        let out = findings(&CARDS, &value);
        assert_eq!(out.findings, []);
        assert_eq!(
            out.optional_fields,
            [
                ("data[].nickname".to_owned(), true),
                ("data[].pin_kind".to_owned(), false)
            ]
        );
    }

    #[test]
    fn each_kind_is_found_at_its_normalised_path() {
        let value = json!([
            {"card_no": "", "status": 7, "brand": "visa", "4111111111111111": 1},
            {"status": "2", "pin_kind": "4111111111111111"},
        ]);
        let out = findings(&CARDS, &value);
        assert_eq!(
            out.findings,
            [
                finding("data[].card_no", DriftKind::EmptyValue, Some("string")),
                finding("data[].status", DriftKind::UnknownEnumCode, Some("7")),
                // Unknown keys in the map's (sorted) order.
                finding("data[].?", DriftKind::UnknownField, Some("integer")),
                finding("data[].brand", DriftKind::UnknownField, Some("string")),
                finding("data[].card_no", DriftKind::MissingField, None),
                // A sensitive field's unknown code is reported without its value.
                finding("data[].pin_kind", DriftKind::UnknownEnumCode, None),
            ]
        );
    }

    #[test]
    fn unknown_codes_are_masked_and_bounded() {
        let value = json!("4111111111111111 and a very long tail of text after it");
        let out = findings(&PIN_KIND, &value);
        let sample = out.findings[0].sample.as_deref().unwrap_or_default();
        assert!(!sample.contains("4111111111111111"), "{sample}");
        assert!(sample.chars().count() <= SAMPLE_CHARS, "{sample}");
    }

    #[test]
    fn maps_report_under_a_star() {
        static BALANCES: Shape = Shape::Map(&STATUS);
        let out = findings(&BALANCES, &json!({"USD": 1, "EUR": 3}));
        assert_eq!(
            out.findings,
            [finding("data.*", DriftKind::UnknownEnumCode, Some("3"))]
        );
    }
}
