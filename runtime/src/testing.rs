//! Exact JSON comparison for the tests generated with every client: the example in the spec
//! and what the client sends or decodes must be the same JSON, numbers compared by their
//! decimal text (never through `f64`), so `12.345678901234567890` stays itself and `10.00`
//! differs from `10.0`.
//!
//! ```
//! use apigen_runtime::testing::normalize;
//!
//! let spec: serde_json::Value = serde_json::from_str(r#"{"fee": 0E-2, "note": "", "at": null}"#)?;
//! let sent: serde_json::Value = serde_json::from_str(r#"{"fee": 0.00}"#)?;
//! assert_eq!(normalize(spec), normalize(sent));
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde_json::Value;

/// `value` with object members that are `null` or `""` dropped (the client reads `""`
/// datetimes as absent and does not send absent optional fields) and every number written as
/// a plain decimal with its scale kept (`1.5e3` → `1500`, `0E-2` → `0.00`, `10.00` stays).
pub fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !(v.is_null() || v.as_str() == Some("")))
                .map(|(k, v)| (k, normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        other => plain_numbers(other),
    }
}

/// `value` with every number written as a plain decimal with its scale kept (see
/// [`plain_decimal`]); nothing else changes. For comparing request bodies exactly.
pub fn plain_numbers(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, plain_numbers(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(plain_numbers).collect()),
        Value::Number(n) => plain_decimal(&n.to_string())
            .and_then(|plain| serde_json::from_str(&plain).ok())
            .unwrap_or(Value::Number(n)),
        other => other,
    }
}

/// Panics unless `actual`, serialized, equals the JSON text `expected`, both
/// [`normalize`]d. The message shows both sides.
///
/// # Panics
///
/// When the two differ, or when `expected` is not JSON or `actual` does not serialize.
pub fn assert_json_matches<T: serde::Serialize + ?Sized>(actual: &T, expected: &str) {
    let expected = normalize(serde_json::from_str(expected).expect("expected JSON parses"));
    let actual = normalize(serde_json::to_value(actual).expect("value serializes"));
    assert_eq!(actual, expected);
}

/// A JSON number's text as a plain decimal with the same value and scale: the exponent is
/// folded into the digits (`-1.25E+2` → `-125`, `7e-3` → `0.007`), leading zeros are dropped.
/// `None` for text that is not a JSON number.
pub fn plain_decimal(text: &str) -> Option<String> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], unsigned[i + 1..].parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    // value = digits × 10^-(scale)
    let scale = i64::try_from(frac.len()).ok()?.checked_sub(exponent)?;
    let mut out = if scale <= 0 {
        let zeros = usize::try_from(-scale).ok()?;
        format!("{digits}{}", "0".repeat(zeros))
    } else {
        let scale = usize::try_from(scale).ok()?;
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale - digits.len() + 1))
        } else {
            digits
        };
        let (i, f) = padded.split_at(padded.len() - scale);
        format!("{i}.{f}")
    };
    let int_len = out.find('.').unwrap_or(out.len());
    let leading = out[..int_len]
        .bytes()
        .take_while(|&b| b == b'0')
        .count()
        .min(int_len - 1);
    out.replace_range(..leading, "");
    if negative {
        out.insert(0, '-');
    }
    Some(out)
}

/// A [`Signer`](crate::sign::Signer) for tests: every computed field gets `test-{name}`
/// (`test-sign`, `test-timestamp`), whatever the request, so the generated endpoint tests
/// know the exact body and headers to expect.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedSigner;

impl crate::sign::Signer for FixedSigner {
    fn sign(
        &self,
        request: &crate::sign::SignRequest<'_>,
    ) -> Result<std::collections::BTreeMap<String, String>, crate::sign::SignError> {
        Ok(request
            .fields
            .iter()
            .map(|f| (f.name.to_owned(), format!("test-{}", f.name)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_keep_value_and_scale() {
        let cases = [
            ("10", "10"),
            ("10.00", "10.00"),
            ("0E-2", "0.00"),
            ("1.5e3", "1500"),
            ("-1.25E+2", "-125"),
            ("7e-3", "0.007"),
            ("12.345678901234567890", "12.345678901234567890"),
            ("00012.50", "12.50"),
            ("0", "0"),
            ("0.5", "0.5"),
        ];
        for (input, expected) in cases {
            assert_eq!(plain_decimal(input).as_deref(), Some(expected), "{input}");
        }
        for bad in ["", "abc", "1.2.3", "1e", "--1", ".5"] {
            assert_eq!(plain_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_compare_by_text() {
        let parse = |s: &str| normalize(serde_json::from_str::<Value>(s).unwrap());
        assert_eq!(
            parse("12.345678901234567890"),
            parse("12.345678901234567890")
        );
        assert_ne!(parse("12.345678901234567890"), parse("12.345678901234567"));
        assert_ne!(parse("10.00"), parse("10.0"));
        assert_eq!(
            parse(r#"{"a": 1, "b": "", "c": null}"#),
            parse(r#"{"a": 1}"#)
        );
    }
}
