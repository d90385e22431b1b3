//! `#[serde(with = "…")]` modules for the API's date, datetime and empty-means-none strings.
//!
//! * [`datetime`]: `PrimitiveDateTime` ↔ `"YYYY-MM-DD HH:MM:SS"` (no offset on the wire).
//! * [`datetime_opt`]: `Option<PrimitiveDateTime>`; reads `""`, `null` and the zero date
//!   `"0000-00-00 00:00:00"` as `None` (the server sends `""` for unset datetimes; the zero
//!   date is a known quirk of MySQL-backed senders, tolerated only where the field may be
//!   unset) and writes `None` as `null`. Add `#[serde(default)]` so a
//!   missing field is `None` too, and on request fields
//!   `skip_serializing_if = "Option::is_none"` to leave it out.
//! * [`date`] / [`date_opt`]: the same for `Date` ↔ `"YYYY-MM-DD"` (zero date `"0000-00-00"`).
//! * [`string_opt`]: `Option<String>` where `""` means none, as `datetime_opt` does.
//! * [`rfc3339`] / [`rfc3339_opt`]: `OffsetDateTime` ↔ RFC 3339 text, the offset kept.
//! * [`epoch_s`] / [`epoch_ms`] (and `_opt`): `OffsetDateTime` ↔ a Unix timestamp in seconds or
//!   milliseconds (a JSON integer), read in UTC.
//! * [`decimal`] / [`decimal_string`] (and `_opt`): `Decimal` as an exact JSON number or string.
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

use time::{Date, PrimitiveDateTime};

pub(crate) mod json_text;
mod short_decimal;
mod vendor_datetime;

use json_text::{FromJsonText, Json};
use vendor_datetime::VendorTimeError;

/// `PrimitiveDateTime` as `"YYYY-MM-DD HH:MM:SS"`.
pub mod datetime {
    use ::serde::{Deserializer, Serializer};
    use time::PrimitiveDateTime;

    /// Writes `"YYYY-MM-DD HH:MM:SS"`.
    pub fn serialize<S: Serializer>(
        value: &PrimitiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(super::vendor_datetime::DATETIME_LEN + 1);
        super::vendor_datetime::write_datetime(value, &mut text);
        serializer.serialize_str(&text)
    }

    /// Reads `"YYYY-MM-DD HH:MM:SS"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<PrimitiveDateTime, D::Error> {
        deserializer.deserialize_str(super::VendorText::DATETIME)
    }
}

/// `Option<PrimitiveDateTime>` as `"YYYY-MM-DD HH:MM:SS"`; `""`, `null` and
/// `"0000-00-00 00:00:00"` read as `None`, `None` written as `null`.
pub mod datetime_opt {
    use ::serde::{Deserializer, Serializer};
    use time::PrimitiveDateTime;

    /// Writes `"YYYY-MM-DD HH:MM:SS"`, or `null` for `None`.
    pub fn serialize<S: Serializer>(
        value: &Option<PrimitiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::datetime::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `"YYYY-MM-DD HH:MM:SS"`; `""`, `null` and `"0000-00-00 00:00:00"` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PrimitiveDateTime>, D::Error> {
        deserializer.deserialize_option(super::EmptyAsNone::new(
            "a datetime \"YYYY-MM-DD HH:MM:SS\", \"\" or null",
            "0000-00-00 00:00:00",
            super::vendor_datetime::parse_datetime,
        ))
    }
}

/// `Date` as `"YYYY-MM-DD"`.
pub mod date {
    use ::serde::{Deserializer, Serializer};
    use time::Date;

    /// Writes `"YYYY-MM-DD"`.
    pub fn serialize<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(super::vendor_datetime::DATE_LEN + 1);
        super::vendor_datetime::write_date(*value, &mut text);
        serializer.serialize_str(&text)
    }

    /// Reads `"YYYY-MM-DD"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        deserializer.deserialize_str(super::VendorText::DATE)
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
        match value {
            Some(value) => super::date::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `"YYYY-MM-DD"`; `""` and `null` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        deserializer.deserialize_option(super::EmptyAsNone::new(
            "a date \"YYYY-MM-DD\", \"\" or null",
            "0000-00-00",
            super::vendor_datetime::parse_date,
        ))
    }
}

/// Visitor for a required vendor date or datetime string, parsed at fixed offsets.
struct VendorText<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, VendorTimeError>,
}

impl VendorText<PrimitiveDateTime> {
    const DATETIME: Self = Self {
        expecting: "a datetime \"YYYY-MM-DD HH:MM:SS\"",
        parse: vendor_datetime::parse_datetime,
    };
}

impl VendorText<Date> {
    const DATE: Self = Self {
        expecting: "a date \"YYYY-MM-DD\"",
        parse: vendor_datetime::parse_date,
    };
}

impl<T> ::serde::de::Visitor<'_> for VendorText<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<T, E> {
        // The error names the wrong part of the text, never the text.
        (self.parse)(value).map_err(E::custom)
    }
}

/// `Option<String>` where the server sends `""` for "none": `""` and `null` read as `None`,
/// `None` written as `null`.
pub mod string_opt {
    use ::serde::{Deserializer, Serialize, Serializer};

    /// Writes the string, or `null` for `None`.
    pub fn serialize<S: Serializer>(
        value: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads a string; `""` and `null` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        // Text has no zero spelling of its own: only `""` is none.
        deserializer.deserialize_option(super::EmptyAsNone::new("a string or null", "", |s| {
            Ok::<_, std::convert::Infallible>(s.to_owned())
        }))
    }
}

/// Visitor for optional strings (dates, datetimes, text) where `""` means absent.
struct EmptyAsNone<T, Why> {
    expecting: &'static str,
    /// The sender's spelling of "no date" besides `""`.
    zero: &'static str,
    parse: fn(&str) -> Result<T, Why>,
    marker: PhantomData<fn() -> T>,
}

impl<T, Why> EmptyAsNone<T, Why> {
    fn new(expecting: &'static str, zero: &'static str, parse: fn(&str) -> Result<T, Why>) -> Self {
        Self {
            expecting,
            zero,
            parse,
            marker: PhantomData,
        }
    }
}

impl<'de, T, Why: fmt::Display> ::serde::de::Visitor<'de> for EmptyAsNone<T, Why> {
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
        if value.is_empty() || value == self.zero {
            return Ok(None);
        }
        // The parse errors (ours and time's) name the failing part, never the input.
        (self.parse)(value).map(Some).map_err(E::custom)
    }
}

/// `Decimal` as a JSON number, read exactly: a number with more significant digits than a
/// `Decimal` holds (28, sometimes 29) or out of its range is an error, never rounded. Written
/// like `rust_decimal::serde::arbitrary_precision` (a JSON number with the scale kept).
///
/// Accepts plain (`12.50`) and exponent (`1.25E1`, `0E-2`) forms, and the same text in a JSON
/// string. Needs serde_json's `arbitrary_precision` feature (which `rust_decimal`'s
/// `serde-with-arbitrary-precision` turns on).
///
/// ```
/// use rust_decimal::Decimal;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct Fee {
///     #[serde(with = "apigen_runtime::serde::decimal")]
///     amount: Decimal,
/// }
///
/// let fee: Fee = serde_json::from_str(r#"{"amount": 10.50}"#)?;
/// assert_eq!(serde_json::to_string(&fee)?, r#"{"amount":10.50}"#);
/// let too_precise = r#"{"amount": 0.1234567890123456789012345678901}"#;
/// assert!(serde_json::from_str::<Fee>(too_precise).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub mod decimal {
    use ::serde::{Deserializer, Serializer};
    use rust_decimal::Decimal;

    /// Writes a JSON number with the scale kept (`10.50`).
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision::serialize(value, serializer)
    }

    /// Reads a JSON number exactly; fails rather than rounding.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        super::json_text::deserialize(deserializer, super::ExactDecimal)
    }
}

/// `Option<Decimal>` like [`decimal`]; `null` reads as `None` and `None` is written as `null`.
/// Add `#[serde(default)]` so a missing field is `None` too.
pub mod decimal_opt {
    use ::serde::{Deserializer, Serializer};
    use rust_decimal::Decimal;

    /// Writes a JSON number with the scale kept, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision_option::serialize(value, serializer)
    }

    /// Reads `null` as `None`, a number exactly as `Some`; fails rather than rounding.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        deserializer.deserialize_option(super::OptionalExactDecimal)
    }
}

/// Why a text is not a decimal number at all.
const NOT_A_NUMBER: &str = "expected a decimal number";

/// Parses decimal text exactly: plain or with an exponent; `Err` says why without echoing it.
fn parse_exact_decimal(text: &str) -> Result<rust_decimal::Decimal, &'static str> {
    const INEXACT: &str = "the number has more significant digits than a Decimal holds (at most 28) or is out of its range; it would be rounded";
    if let Some(value) = short_decimal::parse(text) {
        return Ok(value);
    }
    let text = text.trim();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => {
            let exponent: i64 = text[at + 1..].parse().map_err(|_| NOT_A_NUMBER)?;
            (&text[..at], exponent)
        }
        None => (text, 0),
    };
    let (negative, unsigned) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(NOT_A_NUMBER);
    }
    if exponent == 0 {
        return rust_decimal::Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text))
            .map_err(|_| INEXACT);
    }
    // Move the decimal point by `exponent`, as text, then parse that exactly.
    if exponent.unsigned_abs() > 64 && int.bytes().chain(frac.bytes()).any(|b| b != b'0') {
        return Err(INEXACT);
    }
    let exponent = exponent.clamp(-64, 64);
    let digits: String = format!("{int}{frac}");
    let point = i64::try_from(int.len()).map_err(|_| INEXACT)? + exponent;
    let mut plain = String::with_capacity(digits.len() + 70);
    if negative {
        plain.push('-');
    }
    if point <= 0 {
        plain.push_str("0.");
        plain.extend(std::iter::repeat_n(
            '0',
            usize::try_from(-point).unwrap_or(0),
        ));
        plain.push_str(&digits);
    } else {
        let point = usize::try_from(point).unwrap_or(usize::MAX);
        if point >= digits.len() {
            plain.push_str(&digits);
            plain.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            plain.push_str(&digits[..point]);
            plain.push('.');
            plain.push_str(&digits[point..]);
        }
    }
    rust_decimal::Decimal::from_str_exact(&plain).map_err(|_| INEXACT)
}

/// Visitor reading a `Decimal` exactly from number text.
struct ExactDecimal;

impl<'de> ::serde::de::Visitor<'de> for ExactDecimal {
    type Value = rust_decimal::Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number")
    }

    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(value.into())
    }

    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(value.into())
    }

    fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
        // Only from formats without exact number text; the shortest round-trip form.
        self.visit_str(&value.to_string())
    }

    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse_exact_decimal(value).map_err(|why| {
            if why == NOT_A_NUMBER {
                E::invalid_value(::serde::de::Unexpected::Str(value), &self)
            } else {
                E::custom(why)
            }
        })
    }
}

impl FromJsonText<'_> for ExactDecimal {
    fn visit_json<E: ::serde::de::Error>(self, json: Json<'_>) -> Result<Self::Value, E> {
        match json {
            Json::Number(text) => parse_exact_decimal(text).map_err(E::custom),
            Json::Str(text) => ::serde::de::Visitor::visit_str(self, &text),
            Json::Other(unexpected) => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

/// Visitor for `Option<Decimal>`: `null` is `None`.
struct OptionalExactDecimal;

impl<'de> ::serde::de::Visitor<'de> for OptionalExactDecimal {
    type Value = Option<rust_decimal::Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or null")
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
        json_text::deserialize(deserializer, ExactDecimal).map(Some)
    }
}

/// `Decimal` as a JSON string (`"23.50"`), for vendors that send money as text: written with
/// the scale kept, read exactly like [`decimal`] (a string that is not a decimal number, or
/// one a `Decimal` cannot hold without rounding, is an error). A JSON number is read too.
///
/// ```
/// use rust_decimal::Decimal;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct Fee {
///     #[serde(with = "apigen_runtime::serde::decimal_string")]
///     amount: Decimal,
/// }
///
/// let fee: Fee = serde_json::from_str(r#"{"amount": "10.50"}"#)?;
/// assert_eq!(serde_json::to_string(&fee)?, r#"{"amount":"10.50"}"#);
/// assert!(serde_json::from_str::<Fee>(r#"{"amount": "ten"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub mod decimal_string {
    use ::serde::{Deserializer, Serializer};
    use rust_decimal::Decimal;

    /// Writes a JSON string with the scale kept (`"10.50"`).
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads decimal text (or a number) exactly; fails rather than rounding.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        super::json_text::deserialize(deserializer, super::ExactDecimal)
    }
}

/// `Option<Decimal>` like [`decimal_string`]; `""` and `null` read as `None`, `None` is written
/// as `null`. Add `#[serde(default)]` so a missing field is `None` too.
pub mod decimal_string_opt {
    use ::serde::{Deserializer, Serializer};
    use rust_decimal::Decimal;

    /// Writes a JSON string with the scale kept, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `""` and `null` as `None`, decimal text (or a number) exactly as `Some`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        deserializer.deserialize_option(super::OptionalDecimalText)
    }
}

/// Visitor for `Option<Decimal>` sent as text: `null` and `""` are `None`.
struct OptionalDecimalText;

impl<'de> ::serde::de::Visitor<'de> for OptionalDecimalText {
    type Value = Option<rust_decimal::Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a string, \"\" or null")
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
        json_text::deserialize(deserializer, self)
    }

    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.is_empty() {
            return Ok(None);
        }
        ::serde::de::Visitor::visit_str(ExactDecimal, value).map(Some)
    }

    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.into()))
    }

    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.into()))
    }
}

impl FromJsonText<'_> for OptionalDecimalText {
    fn visit_json<E: ::serde::de::Error>(self, json: Json<'_>) -> Result<Self::Value, E> {
        match json {
            Json::Str(text) => ::serde::de::Visitor::visit_str(self, &text),
            Json::Number(_) => ExactDecimal.visit_json(json).map(Some),
            Json::Other(unexpected) => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

/// `OffsetDateTime` as RFC 3339 text (`"2026-11-28T12:00:00+08:00"`); the offset is kept as
/// sent and written back as it is.
pub mod rfc3339 {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes RFC 3339 text with the value's offset.
    pub fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(value, serializer)
    }

    /// Reads RFC 3339 text, keeping its offset.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        time::serde::rfc3339::deserialize(deserializer)
    }
}

/// `Option<OffsetDateTime>` as RFC 3339 text; `""` and `null` read as `None`, `None` written as
/// `null`.
pub mod rfc3339_opt {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes RFC 3339 text, or `null` for `None`.
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::option::serialize(value, serializer)
    }

    /// Reads RFC 3339 text; `""` and `null` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        // RFC 3339 has no zero spelling: only `""` is none.
        deserializer.deserialize_option(super::EmptyAsNone::new(
            "an RFC 3339 datetime, \"\" or null",
            "",
            |s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339),
        ))
    }
}

/// `OffsetDateTime` as whole seconds since the Unix epoch (a JSON integer), read in UTC.
pub mod epoch_s {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes the Unix timestamp in seconds (fractions of a second are dropped).
    pub fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(value.unix_timestamp())
    }

    /// Reads a Unix timestamp in seconds as a UTC datetime.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        deserializer.deserialize_i64(super::EpochVisitor::SECONDS)
    }
}

/// `Option<OffsetDateTime>` like [`epoch_s`]; `null` and `""` read as `None`, `None` written as
/// `null`.
pub mod epoch_s_opt {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes the Unix timestamp in seconds, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::epoch_s::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a Unix timestamp in seconds as a UTC datetime; `null` and `""` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        deserializer.deserialize_option(super::OptionalEpoch(super::EpochVisitor::SECONDS))
    }
}

/// `OffsetDateTime` as whole milliseconds since the Unix epoch (a JSON integer), read in UTC.
pub mod epoch_ms {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes the Unix timestamp in milliseconds (finer fractions are dropped).
    pub fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let millis = value.unix_timestamp_nanos() / 1_000_000;
        // Every `OffsetDateTime` is within ±10^4 years, far inside i64 milliseconds.
        serializer.serialize_i64(i64::try_from(millis).map_err(::serde::ser::Error::custom)?)
    }

    /// Reads a Unix timestamp in milliseconds as a UTC datetime.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        deserializer.deserialize_i64(super::EpochVisitor::MILLISECONDS)
    }
}

/// `Option<OffsetDateTime>` like [`epoch_ms`]; `null` and `""` read as `None`, `None` written
/// as `null`.
pub mod epoch_ms_opt {
    use ::serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Writes the Unix timestamp in milliseconds, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::epoch_ms::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a Unix timestamp in milliseconds as a UTC datetime; `null` and `""` read as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        deserializer.deserialize_option(super::OptionalEpoch(super::EpochVisitor::MILLISECONDS))
    }
}

/// Visitor reading a Unix timestamp (an integer) in one unit as a UTC `OffsetDateTime`.
#[derive(Clone, Copy)]
struct EpochVisitor {
    /// Nanoseconds per unit.
    nanos_per_unit: i128,
    expecting: &'static str,
}

impl EpochVisitor {
    const SECONDS: Self = Self {
        nanos_per_unit: 1_000_000_000,
        expecting: "a Unix timestamp in seconds (an integer)",
    };
    const MILLISECONDS: Self = Self {
        nanos_per_unit: 1_000_000,
        expecting: "a Unix timestamp in milliseconds (an integer)",
    };
}

impl<'de> ::serde::de::Visitor<'de> for EpochVisitor {
    type Value = time::OffsetDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(value) * self.nanos_per_unit)
            .map_err(E::custom)
    }

    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        let value = i64::try_from(value)
            .map_err(|_| E::invalid_value(::serde::de::Unexpected::Unsigned(value), &self))?;
        self.visit_i64(value)
    }

    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // serde_json with `arbitrary_precision` hands integers out as number text.
        json_text::visit_map(self, map)
    }
}

impl FromJsonText<'_> for EpochVisitor {
    fn visit_json<E: ::serde::de::Error>(self, json: Json<'_>) -> Result<Self::Value, E> {
        match json {
            Json::Number(text) => {
                let value: i64 = text.parse().map_err(|_| {
                    E::invalid_value(
                        ::serde::de::Unexpected::Other("a number that is not a whole i64"),
                        &self,
                    )
                })?;
                ::serde::de::Visitor::visit_i64(self, value)
            }
            Json::Str(text) => Err(E::invalid_type(::serde::de::Unexpected::Str(&text), &self)),
            Json::Other(unexpected) => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

/// Visitor for an optional Unix timestamp: `null` and `""` are `None`.
struct OptionalEpoch(EpochVisitor);

impl<'de> ::serde::de::Visitor<'de> for OptionalEpoch {
    type Value = Option<time::OffsetDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, \"\" or null", self.0.expecting)
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
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.is_empty() {
            Ok(None)
        } else {
            Err(E::invalid_value(::serde::de::Unexpected::Str(value), &self))
        }
    }

    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        ::serde::de::Visitor::visit_i64(self.0, value).map(Some)
    }

    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        ::serde::de::Visitor::visit_u64(self.0, value).map(Some)
    }

    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ::serde::de::Visitor::visit_map(self.0, map).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    struct Row {
        #[serde(with = "super::decimal")]
        amount: Decimal,
        #[serde(with = "super::decimal_opt", default)]
        fee: Option<Decimal>,
    }

    fn amount(json_number: &str) -> Result<String, String> {
        serde_json::from_str::<Row>(&format!(r#"{{"amount": {json_number}}}"#))
            .map(|row| row.amount.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn exact_numbers_keep_their_digits_and_scale() {
        for (input, expected) in [
            ("10.50", "10.50"),
            ("-0.01", "-0.01"),
            ("0", "0"),
            (
                "123456789012345678901234.5678",
                "123456789012345678901234.5678",
            ),
            (
                "0.1234567890123456789012345678",
                "0.1234567890123456789012345678",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            ("1.25E1", "12.5"),
            ("125e-2", "1.25"),
            ("-1.5e3", "-1500"),
            ("0E-2", "0.00"),
            (r#""10.10""#, "10.10"),
        ] {
            assert_eq!(amount(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn excess_precision_and_overflow_are_errors_not_rounding() {
        for input in [
            "0.1234567890123456789012345678901", // 31 fraction digits
            "1.00000000000000000000000000001",
            "79228162514264337593543950336", // 2^96
            "1e29",
            "1e-29",
            "1e400",
            "123456789012345678901234567890.5",
        ] {
            let error = amount(input).expect_err(input);
            assert!(
                error.contains("more significant digits"),
                "{input}: {error}"
            );
            assert!(!error.contains("12345"), "the value is not echoed: {error}");
        }
        assert!(amount(r#""abc""#).is_err());
        assert!(amount("true").is_err());
    }

    #[test]
    fn optional_and_written_exactly() {
        let row: Row = serde_json::from_str(r#"{"amount": 1.10, "fee": null}"#).unwrap();
        assert_eq!(row.fee, None);
        let row: Row = serde_json::from_str(r#"{"amount": 1.10, "fee": 0.000}"#).unwrap();
        assert_eq!(row.fee.map(|f| f.to_string()).as_deref(), Some("0.000"));
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            r#"{"amount":1.10,"fee":0.000}"#
        );
        assert!(
            serde_json::from_str::<Row>(r#"{"amount": 1, "fee": 1e-40}"#).is_err(),
            "optional too"
        );
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Card {
        #[serde(with = "super::string_opt", default)]
        mark: Option<String>,
    }

    #[test]
    fn an_empty_string_reads_as_none() {
        for (json, expected) in [
            (r#"{"mark": ""}"#, None),
            (r#"{"mark": null}"#, None),
            (r#"{}"#, None),
            (r#"{"mark": "vip"}"#, Some("vip")),
        ] {
            let card: Card = serde_json::from_str(json).expect(json);
            assert_eq!(card.mark.as_deref(), expected, "{json}");
        }
        assert!(serde_json::from_str::<Card>(r#"{"mark": 1}"#).is_err());
        let written = serde_json::to_string(&Card { mark: None }).unwrap();
        assert_eq!(written, r#"{"mark":null}"#);
    }

    #[derive(Debug, Deserialize)]
    struct Times {
        #[serde(with = "super::datetime_opt", default)]
        closed: Option<time::PrimitiveDateTime>,
        #[serde(with = "super::date_opt", default)]
        born: Option<time::Date>,
        #[serde(with = "super::datetime")]
        created: time::PrimitiveDateTime,
    }

    #[test]
    fn zero_dates_are_none_only_where_optional() {
        let times: Times = serde_json::from_str(
            r#"{"closed": "0000-00-00 00:00:00", "born": "0000-00-00", "created": "2025-03-03 02:40:57"}"#,
        )
        .unwrap();
        assert_eq!((times.closed, times.born), (None, None));
        assert_eq!(times.created.year(), 2025);
        let times: Times =
            serde_json::from_str(r#"{"closed": "", "created": "2025-03-03 02:40:57"}"#).unwrap();
        assert_eq!(times.closed, None);
        for bad in [
            r#"{"created": "0000-00-00 00:00:00"}"#,
            r#"{"closed": "2025-03-03T02:40:57Z", "created": "2025-03-03 02:40:57"}"#,
            r#"{"closed": "0000-00-00", "created": "2025-03-03 02:40:57"}"#,
        ] {
            assert!(serde_json::from_str::<Times>(bad).is_err(), "{bad}");
        }
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct TextMoney {
        #[serde(with = "super::decimal_string")]
        amount: Decimal,
        #[serde(with = "super::decimal_string_opt", default)]
        fee: Option<Decimal>,
    }

    #[test]
    fn string_money_is_exact_and_written_as_text() {
        let row: TextMoney = serde_json::from_str(r#"{"amount": "23.50", "fee": ""}"#).unwrap();
        assert_eq!(row.amount.to_string(), "23.50");
        assert_eq!(row.fee, None);
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            r#"{"amount":"23.50","fee":null}"#
        );
        let row: TextMoney = serde_json::from_str(r#"{"amount": 1, "fee": "0.10"}"#).unwrap();
        assert_eq!(row.fee.map(|f| f.to_string()).as_deref(), Some("0.10"));
        let row: TextMoney = serde_json::from_str(r#"{"amount": "1", "fee": null}"#).unwrap();
        assert_eq!(row.fee, None);
        let row: TextMoney = serde_json::from_str(r#"{"amount": "1"}"#).unwrap();
        assert_eq!(row.fee, None);
    }

    #[test]
    fn string_money_that_is_not_a_decimal_or_too_precise_is_an_error() {
        for bad in [
            r#"{"amount": "23,50"}"#,
            r#"{"amount": ""}"#,
            r#"{"amount": "0.1234567890123456789012345678901"}"#,
            r#"{"amount": "1", "fee": "abc"}"#,
            r#"{"amount": "1", "fee": "1e-40"}"#,
            r#"{"amount": true}"#,
        ] {
            assert!(serde_json::from_str::<TextMoney>(bad).is_err(), "{bad}");
        }
        let error =
            serde_json::from_str::<TextMoney>(r#"{"amount": "1.00000000000000000000000000001"}"#)
                .unwrap_err()
                .to_string();
        assert!(error.contains("more significant digits"), "{error}");
    }

    #[test]
    fn a_string_that_is_not_a_decimal_is_reported_at_its_json_path() {
        let text = r#"[{"amount": "1.00"}, {"amount": "1.00", "fee": "one"}]"#;
        let error = serde_path_to_error::deserialize::<_, Vec<TextMoney>>(
            &mut serde_json::Deserializer::from_str(text),
        )
        .unwrap_err();
        assert_eq!(error.path().to_string(), "[1].fee");
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Stamps {
        #[serde(with = "super::rfc3339")]
        at: time::OffsetDateTime,
        #[serde(with = "super::rfc3339_opt", default)]
        closed: Option<time::OffsetDateTime>,
        #[serde(with = "super::epoch_s")]
        secs: time::OffsetDateTime,
        #[serde(with = "super::epoch_ms_opt", default)]
        millis: Option<time::OffsetDateTime>,
    }

    #[test]
    fn rfc3339_keeps_the_offset_and_epochs_are_utc() {
        let text = r#"{"at":"2026-11-28T12:00:00+08:00","closed":null,"secs":1795838400,"millis":1795838400123}"#;
        let stamps: Stamps = serde_json::from_str(text).unwrap();
        assert_eq!(stamps.at.offset().whole_hours(), 8);
        assert_eq!(stamps.secs, stamps.at);
        assert!(stamps.secs.offset().is_utc());
        let millis = stamps.millis.unwrap();
        assert_eq!(millis.millisecond(), 123);
        assert!(millis.offset().is_utc());
        assert_eq!(serde_json::to_string(&stamps).unwrap(), text);
    }

    #[test]
    fn empty_optional_datetimes_are_none_and_bad_ones_errors() {
        let stamps: Stamps = serde_json::from_str(
            r#"{"at":"2026-11-28T04:00:00Z","closed":"","secs":0,"millis":""}"#,
        )
        .unwrap();
        assert_eq!((stamps.closed, stamps.millis), (None, None));
        let written = serde_json::to_string(&stamps).unwrap();
        assert!(
            written.starts_with(r#"{"at":"2026-11-28T04:00:00Z""#),
            "{written}"
        );
        for bad in [
            r#"{"at":"2026-11-28 12:00:00","secs":0}"#,
            r#"{"at":"2026-11-28T04:00:00Z","secs":"0"}"#,
            r#"{"at":"2026-11-28T04:00:00Z","secs":1.5}"#,
            r#"{"at":"2026-11-28T04:00:00Z","secs":99999999999999999}"#,
            r#"{"at":"2026-11-28T04:00:00Z","secs":0,"millis":"soon"}"#,
            r#"{"at":"","secs":0}"#,
        ] {
            assert!(serde_json::from_str::<Stamps>(bad).is_err(), "{bad}");
        }
    }
}
