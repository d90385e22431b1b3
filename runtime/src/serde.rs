//! `#[serde(with = "…")]` modules for the API's date and datetime strings.
//!
//! * [`datetime`]: `PrimitiveDateTime` ↔ `"YYYY-MM-DD HH:MM:SS"` (no offset on the wire).
//! * [`datetime_opt`]: `Option<PrimitiveDateTime>`; reads `""` and `null` as `None` (the server
//!   sends `""` for unset datetimes) and writes `None` as `null`. Add `#[serde(default)]` so a
//!   missing field is `None` too, and on request fields
//!   `skip_serializing_if = "Option::is_none"` to leave it out.
//! * [`date`] / [`date_opt`]: the same for `Date` ↔ `"YYYY-MM-DD"`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use time::PrimitiveDateTime;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Row {
//!     #[serde(with = "apigen_runtime::serde::datetime")]
//!     create_at: PrimitiveDateTime,
//!     #[serde(with = "apigen_runtime::serde::datetime_opt", default)]
//!     close_at: Option<PrimitiveDateTime>,
//! }
//!
//! let row: Row = serde_json::from_str(r#"{"create_at":"2023-10-30 05:35:14","close_at":""}"#)?;
//! assert!(row.close_at.is_none());
//! assert_eq!(
//!     serde_json::to_string(&row)?,
//!     r#"{"create_at":"2023-10-30 05:35:14","close_at":null}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use time::format_description::StaticFormatDescription;

const DATETIME_FORMAT: StaticFormatDescription =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
const DATE_FORMAT: StaticFormatDescription =
    time::macros::format_description!("[year]-[month]-[day]");

// The same formats as above, spelled out so that error messages show them.
time::serde::format_description!(
    datetime_format,
    PrimitiveDateTime,
    "[year]-[month]-[day] [hour]:[minute]:[second]"
);
time::serde::format_description!(date_format, Date, "[year]-[month]-[day]");

/// `PrimitiveDateTime` as `"YYYY-MM-DD HH:MM:SS"`.
pub mod datetime {
    use ::serde::{Deserializer, Serializer};
    use time::PrimitiveDateTime;

    /// Writes `"YYYY-MM-DD HH:MM:SS"`.
    pub fn serialize<S: Serializer>(
        value: &PrimitiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::datetime_format::serialize(value, serializer)
    }

    /// Reads `"YYYY-MM-DD HH:MM:SS"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<PrimitiveDateTime, D::Error> {
        super::datetime_format::deserialize(deserializer)
    }
}

/// `Option<PrimitiveDateTime>` as `"YYYY-MM-DD HH:MM:SS"`; `""`/`null` read as `None`, `None`
/// written as `null`.
pub mod datetime_opt {
    use ::serde::{Deserializer, Serializer};
    use time::PrimitiveDateTime;

    /// Writes `"YYYY-MM-DD HH:MM:SS"`, or `null` for `None`.
    pub fn serialize<S: Serializer>(
        value: &Option<PrimitiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::datetime_format::option::serialize(value, serializer)
    }

    /// Reads `"YYYY-MM-DD HH:MM:SS"`; `""` and `null` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PrimitiveDateTime>, D::Error> {
        deserializer.deserialize_option(super::EmptyAsNone::new(
            "a datetime \"YYYY-MM-DD HH:MM:SS\", \"\" or null",
            |s| PrimitiveDateTime::parse(s, super::DATETIME_FORMAT),
        ))
    }
}

/// `Date` as `"YYYY-MM-DD"`.
pub mod date {
    use ::serde::{Deserializer, Serializer};
    use time::Date;

    /// Writes `"YYYY-MM-DD"`.
    pub fn serialize<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        super::date_format::serialize(value, serializer)
    }

    /// Reads `"YYYY-MM-DD"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        super::date_format::deserialize(deserializer)
    }
}

/// `Option<Date>` as `"YYYY-MM-DD"`; `""`/`null` read as `None`, `None` written as `null`.
pub mod date_opt {
    use ::serde::{Deserializer, Serializer};
    use time::Date;

    /// Writes `"YYYY-MM-DD"`, or `null` for `None`.
    pub fn serialize<S: Serializer>(
        value: &Option<Date>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::date_format::option::serialize(value, serializer)
    }

    /// Reads `"YYYY-MM-DD"`; `""` and `null` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        deserializer.deserialize_option(super::EmptyAsNone::new(
            "a date \"YYYY-MM-DD\", \"\" or null",
            |s| Date::parse(s, super::DATE_FORMAT),
        ))
    }
}

/// Visitor for optional date strings where `""` means absent.
struct EmptyAsNone<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, time::error::Parse>,
    marker: PhantomData<fn() -> T>,
}

impl<T> EmptyAsNone<T> {
    fn new(expecting: &'static str, parse: fn(&str) -> Result<T, time::error::Parse>) -> Self {
        Self {
            expecting,
            parse,
            marker: PhantomData,
        }
    }
}

impl<'de, T> ::serde::de::Visitor<'de> for EmptyAsNone<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_none<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: ::serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }

    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.is_empty() {
            return Ok(None);
        }
        // time's parse errors name the failing component, never the input.
        (self.parse)(value).map(Some).map_err(E::custom)
    }
}
