//! The helpers generated types use: `redact` (Debug stand-ins), `serde` (date formats),
//! `codes` (integer-or-string codes) and `Empty`.

use apigen_runtime::Empty;
use apigen_runtime::codes;
use apigen_runtime::redact::{Last4, Redacted};
use serde::{Deserialize, Serialize};
use time::macros::{date, datetime};
use time::{Date, PrimitiveDateTime};

const CARD_NO: &str = "4111111111111111";

#[test]
fn redaction_helpers() {
    assert_eq!(format!("{:?}", Redacted), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4(CARD_NO)), r#""…1111""#);
    assert_eq!(format!("{:?}", Last4("12345678")), r#""…5678""#);
    assert_eq!(format!("{:?}", Last4("1234567")), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4("")), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4("ééééééééé1234")), r#""…1234""#);
    assert_eq!(format!("{:?}", Last4("abcdefg\"h\n")), r#""…g\"h\n""#);
    let card_no: Option<String> = Some(CARD_NO.into());
    assert_eq!(
        format!("{:?}", card_no.as_deref().map(Last4)),
        r#"Some("…1111")"#
    );
}

#[test]
fn date_helpers() {
    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Dates {
        #[serde(with = "apigen_runtime::serde::datetime")]
        at: PrimitiveDateTime,
        #[serde(with = "apigen_runtime::serde::datetime_opt", default)]
        maybe_at: Option<PrimitiveDateTime>,
        #[serde(with = "apigen_runtime::serde::date")]
        day: Date,
        #[serde(with = "apigen_runtime::serde::date_opt", default)]
        maybe_day: Option<Date>,
    }
    let full = r#"{"at":"2023-10-30 05:35:14","maybe_at":"2024-01-02 03:04:05","day":"1990-12-31","maybe_day":"2000-02-29"}"#;
    let dates: Dates = serde_json::from_str(full).unwrap();
    assert_eq!(dates.at, datetime!(2023-10-30 05:35:14));
    assert_eq!(dates.maybe_at, Some(datetime!(2024-01-02 03:04:05)));
    assert_eq!(dates.day, date!(1990 - 12 - 31));
    assert_eq!(dates.maybe_day, Some(date!(2000 - 02 - 29)));
    assert_eq!(serde_json::to_string(&dates).unwrap(), full);

    for absent in [
        r#"{"at":"2023-10-30 05:35:14","maybe_at":"","day":"1990-12-31","maybe_day":""}"#,
        r#"{"at":"2023-10-30 05:35:14","maybe_at":null,"day":"1990-12-31","maybe_day":null}"#,
        r#"{"at":"2023-10-30 05:35:14","day":"1990-12-31"}"#,
    ] {
        let dates: Dates = serde_json::from_str(absent).unwrap();
        assert_eq!((dates.maybe_at, dates.maybe_day), (None, None), "{absent}");
        assert_eq!(
            serde_json::to_string(&dates).unwrap(),
            r#"{"at":"2023-10-30 05:35:14","maybe_at":null,"day":"1990-12-31","maybe_day":null}"#
        );
    }
    for bad in [
        r#"{"at":"2023-10-30T05:35:14","day":"1990-12-31"}"#,
        r#"{"at":"2023-10-30 05:35:14","maybe_at":"x","day":"1990-12-31"}"#,
        r#"{"at":"2023-10-30 05:35:14","day":"1990-02-30"}"#,
        r#"{"at":"2023-10-30 05:35:14","day":"1990-12-31","maybe_day":7}"#,
    ] {
        let error = serde_json::from_str::<Dates>(bad).unwrap_err().to_string();
        // The error names the expectation, never the offending text.
        assert!(!error.contains("2023-10-30T"), "{error}");
    }
}

#[test]
fn int_or_string_codes() {
    let read = |s: &str| codes::int_or_string(&mut serde_json::Deserializer::from_str(s)).ok();
    assert_eq!(read("5"), Some(5));
    assert_eq!(read("-5"), Some(-5));
    assert_eq!(read(r#"" 7 ""#), Some(7));
    assert_eq!(read(r#""x""#), None);
    assert_eq!(read("1.5"), None);
    assert_eq!(read("null"), None);
    assert_eq!(read("18446744073709551615"), None);
}

#[test]
fn empty_reads_anything_and_writes_an_object() {
    for json in ["null", "{}", r#"{"a":[1,2]}"#, "3", r#""x""#] {
        assert_eq!(
            serde_json::from_str::<Empty>(json).ok(),
            Some(Empty),
            "{json}"
        );
    }
    assert_eq!(serde_json::to_string(&Empty).unwrap(), "{}");
}
