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

/// Deserializes an `i64` written either as a JSON integer (`5`) or as a string holding one
/// (`"5"`, surrounding whitespace ignored).
pub fn int_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(IntOrString)
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
