//! One pass over the envelope object: the raw JSON of its code, message and data fields,
//! borrowed from the body (no map, no owned keys, nothing else kept).
//!
//! The field names come from the [`EnvelopeSpec`] at run time, so the keys are matched by a
//! visitor rather than a derived struct. The fields may come in any order; the code is read
//! after the pass, so the caller decides how to read `data` once the code is known.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::EnvelopeSpec;

/// The envelope's fields of interest, as the JSON text of each value. A field sent twice
/// keeps its last value, as a JSON object read into a map does.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub(crate) code: Option<&'a RawValue>,
    pub(crate) message: Option<&'a RawValue>,
    pub(crate) data: Option<&'a RawValue>,
}

/// Splits the JSON object `text` into its [`Parts`]; every other member is checked to be JSON
/// and skipped. Fails if `text` is not one JSON object (trailing characters included).
pub(crate) fn split<'a>(
    text: &'a str,
    spec: &EnvelopeSpec,
) -> Result<Parts<'a>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parts = de::Deserializer::deserialize_map(&mut deserializer, PartsVisitor { spec })?;
    deserializer.end()?;
    Ok(parts)
}

/// Which envelope fields a key names (all three when the spec gives them one name).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Names {
    code: bool,
    message: bool,
    data: bool,
}

struct PartsVisitor<'s> {
    spec: &'s EnvelopeSpec,
}

impl<'de> Visitor<'de> for PartsVisitor<'_> {
    type Value = Parts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What serde says for a map, which the envelope used to be read as.
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut parts = Parts::default();
        while let Some(names) = map.next_key_seed(KeySeed { spec: self.spec })? {
            if !(names.code || names.message || names.data) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            for (named, slot) in [
                (names.code, &mut parts.code),
                (names.message, &mut parts.message),
                (names.data, &mut parts.data),
            ] {
                if named {
                    *slot = Some(value);
                }
            }
        }
        Ok(parts)
    }
}

/// Reads a key (borrowed, or unescaped into serde_json's scratch space) and names its fields.
struct KeySeed<'s> {
    spec: &'s EnvelopeSpec,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Names;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Names, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Names;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Names, E> {
        Ok(Names {
            code: key == self.spec.code,
            message: key == self.spec.message,
            data: key == self.spec.data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SuccessCode;

    const SPEC: EnvelopeSpec = EnvelopeSpec {
        code: "code",
        message: "msg",
        data: "data",
        success: SuccessCode::Int(0),
    };

    fn texts(parts: Parts<'_>) -> [Option<&str>; 3] {
        [parts.code, parts.message, parts.data].map(|raw| raw.map(RawValue::get))
    }

    #[test]
    fn fields_in_any_order_others_skipped() {
        let text =
            r#"{"data": {"list": [1, {"code": 9}]}, "extra": [null], "msg": "ok", "code": 0}"#;
        assert_eq!(
            texts(split(text, &SPEC).unwrap()),
            [
                Some("0"),
                Some(r#""ok""#),
                Some(r#"{"list": [1, {"code": 9}]}"#)
            ]
        );
        let text = r#"{"code": "E1", "data": null}"#;
        assert_eq!(
            texts(split(text, &SPEC).unwrap()),
            [Some(r#""E1""#), None, Some("null")]
        );
    }

    #[test]
    fn missing_fields_are_none_and_a_repeated_field_keeps_its_last_value() {
        assert_eq!(texts(split("{}", &SPEC).unwrap()), [None, None, None]);
        let text = r#"{"code": 1, "code": 2, "d\u0061ta": 3}"#;
        assert_eq!(
            texts(split(text, &SPEC).unwrap()),
            [Some("2"), None, Some("3")]
        );
    }

    #[test]
    fn one_name_given_to_two_fields_fills_both() {
        let spec = EnvelopeSpec {
            message: "data",
            ..SPEC
        };
        let text = r#"{"code": 5, "data": "x"}"#;
        assert_eq!(
            texts(split(text, &spec).unwrap()),
            [Some("5"), Some(r#""x""#), Some(r#""x""#)]
        );
    }

    #[test]
    fn anything_but_one_json_object_fails_as_reading_it_into_a_map_did() {
        // The single pass fails where, and as, the map it replaced did.
        for text in [
            "[1]",
            "null",
            r#"{"code": 0} x"#,
            r#"{"code": 0, "other": tru}"#,
            r#"{"code": 0"#,
            "",
            "{",
            r#"{"code": 0, 1: 2}"#,
        ] {
            let ours = split(text, &SPEC).unwrap_err().to_string();
            let map = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(text)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, map, "{text}");
        }
    }
}
