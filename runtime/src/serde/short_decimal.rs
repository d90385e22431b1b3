//! The common case of exact decimal text, read in one pass: `-?digits(.digits)?` with at most
//! 18 digits (`10000.37`, `-0.01`), which always fits a `Decimal` exactly. Anything else (an
//! exponent, a `+`, spaces, more digits) is left to the general reader, so this only ever
//! answers as that reader would, sooner.

use rust_decimal::Decimal;

/// Digits that always fit a `u64` (and so a `Decimal`'s 96-bit mantissa).
const MAX_DIGITS: usize = 18;

/// The value of plain decimal text of at most [`MAX_DIGITS`] digits, scale kept; `None` when
/// `text` is not of that form.
pub(crate) fn parse(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (at, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if point.is_none() && at > 0 => point = Some(at),
            _ => return None,
        }
        if at >= MAX_DIGITS + usize::from(point.is_some()) {
            return None;
        }
    }
    let scale = match point {
        Some(at) if at + 1 == digits.len() => return None, // `1.`: no fraction digits
        Some(at) => digits.len() - at - 1,
        None if digits.is_empty() => return None,
        None => 0,
    };
    if negative && mantissa == 0 {
        return None; // `-0.00`: the general reader decides what becomes of its sign
    }
    let mut value = Decimal::from_i128_with_scale(i128::from(mantissa), u32::try_from(scale).ok()?);
    value.set_sign_negative(negative);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the general reader (`Decimal::from_str_exact`) makes of `text`: the value, its
    /// scale and its sign bit.
    fn general(text: &str) -> Option<(String, u32, bool)> {
        Decimal::from_str_exact(text)
            .ok()
            .map(|d| (d.to_string(), d.scale(), d.is_sign_negative()))
    }

    fn short(text: &str) -> Option<(String, u32, bool)> {
        parse(text).map(|d| (d.to_string(), d.scale(), d.is_sign_negative()))
    }

    #[test]
    fn answers_as_the_general_reader_does() {
        let mut texts: Vec<String> = [
            "0",
            "0.00",
            "10.50",
            "-0.01",
            "10000.37",
            "7",
            "123456789012345678",
            "-123456789012345678",
            "12345678901234567.8",
            "0.00000000000000001",
            "999999999999999999",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // Every split of a run of digits into integer and fraction, both signs.
        let digits = "918273645546372819";
        for len in 1..=digits.len() {
            for point in 1..len {
                for sign in ["", "-"] {
                    texts.push(format!(
                        "{sign}{}.{}",
                        &digits[..point],
                        &digits[point..len]
                    ));
                }
            }
            texts.push(digits[..len].to_owned());
        }
        for text in &texts {
            let short = short(text);
            assert!(short.is_some(), "{text} is of the short form");
            assert_eq!(short, general(text), "{text}");
        }
    }

    #[test]
    fn leaves_every_other_form_to_the_general_reader() {
        for text in [
            "",
            "-",
            "-0",
            "-0.00",
            ".5",
            "1.",
            "-.5",
            "1.2.3",
            "+1",
            " 1",
            "1 ",
            "1e3",
            "1E-2",
            "1_000",
            "١",
            "1234567890123456789",
            "-1234567890123456789",
            "123456789.0123456789",
            "0.0000000000000000001",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
