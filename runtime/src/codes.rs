//! Helpers for integer-coded ("open") enums.
//!
//! Generated enums map codes with `from_code(i64)` / `code()` and keep unknown codes in an
//! `Unknown(i64)` variant, so a new server-side code is never a decode error. They can read the
//! code with [`int_or_string`] to also accept a code sent as a string:
//!
//! ```
//! # #[derive(Debug, PartialEq)] enum Status { Active, Unknown(i64) }
//! # impl Status { fn from_code(c: i64) -> Self { if c == 1 { Self::Active } else { Self::Unknown(c) } } }
//! impl<'de> serde::Deserialize<'de> for Status {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         apigen_runtime::codes::int_or_string(d).map(Self::from_code)
//!     }
//! }
//! assert_eq!(serde_json::from_str::<Status>("1").ok(), Some(Status::Active));
//! assert_eq!(serde_json::from_str::<Status>("\"7\"").ok(), Some(Status::Unknown(7)));
//! ```

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

use crate::serde::json_text::{self, FromJsonText, Json};

/// Deserializes an `i64` written either as a JSON integer (`5`) or as a string holding one
/// (`"5"`, surrounding whitespace ignored).
pub fn int_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    // From the value's JSON text where serde_json offers it: no number copied into a `String`.
    json_text::deserialize(deserializer, IntOrString)
}

struct IntOrString;

impl Visitor<'_> for IntOrString {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

impl FromJsonText<'_> for IntOrString {
    fn visit_json<E: de::Error>(self, json: Json<'_>) -> Result<i64, E> {
        match json {
            Json::Number(text) if text.starts_with('-') => match text.parse::<i64>() {
                Ok(v) => self.visit_i64(v),
                Err(_) => Err(not_whole(&self)),
            },
            Json::Number(text) => match text.parse::<u64>() {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(not_whole(&self)),
            },
            Json::Str(text) => self.visit_str(&text),
            Json::Other(unexpected) => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

/// The error for a number that is not a whole 64-bit integer, as serde_json words it when it
/// hands such a number out (as a map of its text, with `arbitrary_precision`).
fn not_whole<E: de::Error>(expected: &IntOrString) -> E {
    E::invalid_type(Unexpected::Map, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Code(i64);

    impl<'de> serde::Deserialize<'de> for Code {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            int_or_string(d).map(Code)
        }
    }

    #[test]
    fn reads_integers_and_strings_from_json_text_and_values() {
        for (json, expected) in [
            ("5", 5),
            ("-7", -7),
            ("0", 0),
            (r#"" 12 ""#, 12),
            (r#""-3""#, -3),
            ("9223372036854775807", i64::MAX),
        ] {
            assert_eq!(
                serde_json::from_str::<Code>(json).unwrap(),
                Code(expected),
                "{json}"
            );
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(Code::deserialize_value(value), Code(expected), "{json}");
        }
    }

    #[test]
    fn errors_are_worded_as_reading_any_value_words_them() {
        // `deserialize_any` is how codes were read before: the same message (the position
        // serde_json appends is not compared).
        for json in [
            "1.5",
            "1e3",
            "9223372036854775808",
            "-9223372036854775809",
            "true",
            "null",
            "[1]",
            r#"{"a": 1}"#,
            r#""x""#,
            r#""4111111111111111111111""#,
        ] {
            let ours = serde_json::from_str::<Code>(json).unwrap_err().to_string();
            let any = de::Deserializer::deserialize_any(
                &mut serde_json::Deserializer::from_str(json),
                IntOrString,
            )
            .unwrap_err()
            .to_string();
            let without_position = |m: &str| m.split(" at line ").next().unwrap_or(m).to_owned();
            assert_eq!(without_position(&ours), without_position(&any), "{json}");
        }
    }

    impl Code {
        fn deserialize_value(value: serde_json::Value) -> Self {
            serde::Deserialize::deserialize(value).unwrap()
        }
    }
}
