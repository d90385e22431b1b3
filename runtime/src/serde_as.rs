//! Wire forms for money, decimals, dates and datetimes held *inside* arrays and maps.
//!
//! Adapters: [`Exact`] and [`ExactString`] (money and decimals as JSON numbers or strings),
//! [`VendorDateTime`], [`Rfc3339`], [`EpochSeconds`], [`EpochMillis`] and [`VendorDate`].
//!
//! A field of such a type alone uses a `#[serde(with = "…")]` module of [`crate::serde`]. When
//! the value sits in a `Vec`, a map or both, the generated code names the same wire form with
//! [`serde_with`](https://docs.rs/serde_with)'s `As`, mirroring the field's type:
//! `Vec<Vec<Decimal>>` is written `As::<Vec<Vec<Exact>>>`, `BTreeMap<String, Decimal>` is
//! `As::<BTreeMap<Same, Exact>>`, and [`Same`] keeps a type's own serde form. A response whose
//! whole `data` is such a value (`{ "data": [10.50, 0.10] }`) is decoded through
//! [`DeserializeAsWrap`].
//!
//! ```
//! use std::collections::BTreeMap;
//! use rust_decimal::Decimal;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Fees {
//!     #[serde(with = "apigen_runtime::serde_as::As::<BTreeMap<apigen_runtime::serde_as::Same, Vec<apigen_runtime::serde_as::Exact>>>")]
//!     by_currency: BTreeMap<String, Vec<Decimal>>,
//! }
//!
//! let fees: Fees = serde_json::from_str(r#"{"by_currency": {"USD": [1.50, 0.10]}}"#)?;
//! assert_eq!(serde_json::to_string(&fees)?, r#"{"by_currency":{"USD":[1.50,0.10]}}"#);
//! let too_precise = r#"{"by_currency": {"USD": [0.1234567890123456789012345678901]}}"#;
//! assert!(serde_json::from_str::<Fees>(too_precise).is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

pub use serde_with::de::DeserializeAsWrap;
pub use serde_with::ser::SerializeAsWrap;
pub use serde_with::{As, Same};

/// A `Decimal` as an exact JSON number ([`crate::serde::decimal`]): the scale is kept, and a
/// number a `Decimal` cannot hold exactly is an error, never rounded.
#[derive(Debug, Clone, Copy)]
pub struct Exact;

impl SerializeAs<Decimal> for Exact {
    fn serialize_as<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        crate::serde::decimal::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, Decimal> for Exact {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        crate::serde::decimal::deserialize(deserializer)
    }
}

/// A `PrimitiveDateTime` as `"YYYY-MM-DD HH:MM:SS"` ([`crate::serde::datetime`]).
#[derive(Debug, Clone, Copy)]
pub struct VendorDateTime;

impl SerializeAs<PrimitiveDateTime> for VendorDateTime {
    fn serialize_as<S: Serializer>(
        value: &PrimitiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        crate::serde::datetime::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, PrimitiveDateTime> for VendorDateTime {
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<PrimitiveDateTime, D::Error> {
        crate::serde::datetime::deserialize(deserializer)
    }
}

/// A `Date` as `"YYYY-MM-DD"` ([`crate::serde::date`]).
#[derive(Debug, Clone, Copy)]
pub struct VendorDate;

impl SerializeAs<Date> for VendorDate {
    fn serialize_as<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        crate::serde::date::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, Date> for VendorDate {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        crate::serde::date::deserialize(deserializer)
    }
}

/// A `Decimal` as an exact JSON string ([`crate::serde::decimal_string`]): `"10.50"`, read and
/// written with the scale kept, never rounded.
#[derive(Debug, Clone, Copy)]
pub struct ExactString;

impl SerializeAs<Decimal> for ExactString {
    fn serialize_as<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        crate::serde::decimal_string::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, Decimal> for ExactString {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        crate::serde::decimal_string::deserialize(deserializer)
    }
}

/// An `OffsetDateTime` as RFC 3339 text, the offset kept ([`crate::serde::rfc3339`]).
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339;

impl SerializeAs<OffsetDateTime> for Rfc3339 {
    fn serialize_as<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        crate::serde::rfc3339::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, OffsetDateTime> for Rfc3339 {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        crate::serde::rfc3339::deserialize(deserializer)
    }
}

/// An `OffsetDateTime` as a Unix timestamp in seconds, read in UTC ([`crate::serde::epoch_s`]).
#[derive(Debug, Clone, Copy)]
pub struct EpochSeconds;

impl SerializeAs<OffsetDateTime> for EpochSeconds {
    fn serialize_as<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        crate::serde::epoch_s::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, OffsetDateTime> for EpochSeconds {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        crate::serde::epoch_s::deserialize(deserializer)
    }
}

/// An `OffsetDateTime` as a Unix timestamp in milliseconds, read in UTC
/// ([`crate::serde::epoch_ms`]).
#[derive(Debug, Clone, Copy)]
pub struct EpochMillis;

impl SerializeAs<OffsetDateTime> for EpochMillis {
    fn serialize_as<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        crate::serde::epoch_ms::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, OffsetDateTime> for EpochMillis {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        crate::serde::epoch_ms::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    struct Row {
        #[serde(with = "As::<Vec<Vec<VendorDateTime>>>")]
        grid: Vec<Vec<PrimitiveDateTime>>,
        #[serde(with = "As::<BTreeMap<Same, VendorDate>>")]
        days: BTreeMap<String, Date>,
        #[serde(with = "As::<Option<Vec<Exact>>>", default)]
        fees: Option<Vec<Decimal>>,
    }

    #[test]
    fn nested_values_keep_their_wire_form() {
        let text = r#"{"grid":[["2024-02-29 23:59:59"],[]],"days":{"a":"2024-01-31"},"fees":[10.50,0E-2]}"#;
        let row: Row = serde_json::from_str(text).unwrap();
        assert_eq!(row.grid[0].len(), 1);
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            r#"{"grid":[["2024-02-29 23:59:59"],[]],"days":{"a":"2024-01-31"},"fees":[10.50,0.00]}"#
        );
    }

    #[test]
    fn null_and_missing_optional_containers_are_none() {
        for text in [
            r#"{"grid":[],"days":{},"fees":null}"#,
            r#"{"grid":[],"days":{}}"#,
        ] {
            let row: Row = serde_json::from_str(text).unwrap();
            assert!(row.fees.is_none());
        }
    }

    #[test]
    fn a_bad_nested_value_is_an_error_not_a_guess() {
        for text in [
            r#"{"grid":[["2024-02-30 00:00:00"]],"days":{}}"#,
            r#"{"grid":[],"days":{"a":"31/01/2024"}}"#,
            r#"{"grid":[],"days":{},"fees":[0.1234567890123456789012345678901]}"#,
        ] {
            assert!(serde_json::from_str::<Row>(text).is_err(), "{text}");
        }
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct OtherWire {
        #[serde(with = "As::<BTreeMap<Same, Vec<ExactString>>>")]
        fees: BTreeMap<String, Vec<Decimal>>,
        #[serde(with = "As::<Vec<Rfc3339>>")]
        cutoffs: Vec<OffsetDateTime>,
        #[serde(with = "As::<Option<Vec<EpochMillis>>>", default)]
        stamps: Option<Vec<OffsetDateTime>>,
        #[serde(with = "As::<BTreeMap<Same, EpochSeconds>>")]
        seen: BTreeMap<String, OffsetDateTime>,
    }

    #[test]
    fn string_money_and_other_datetimes_keep_their_wire_form_nested() {
        let text = r#"{"fees":{"CNY":["1.00","0.50"]},"cutoffs":["2026-11-28T10:00:00+08:00"],"stamps":[1795838400123],"seen":{"a":1795838400}}"#;
        let row: OtherWire = serde_json::from_str(text).unwrap();
        assert_eq!(row.fees["CNY"][0].to_string(), "1.00");
        assert_eq!(row.cutoffs[0].offset().whole_hours(), 8);
        assert_eq!(serde_json::to_string(&row).unwrap(), text);
        for bad in [
            r#"{"fees":{"CNY":["1,00"]},"cutoffs":[],"seen":{}}"#,
            r#"{"fees":{},"cutoffs":["2026-11-28 10:00:00"],"seen":{}}"#,
            r#"{"fees":{},"cutoffs":[],"stamps":["x"],"seen":{}}"#,
        ] {
            assert!(serde_json::from_str::<OtherWire>(bad).is_err(), "{bad}");
        }
    }
}
