//! Masking of secrets and card data, used by the generated `Debug` impls, error messages and
//! log lines.
//!
//! * [`Redacted`] and [`Last4`] stand in for fields the spec marks sensitive.
//! * [`Masked`] prints any value's `Debug` with card-like digit runs masked
//!   ([`mask_card_numbers`]): generated types wrap every text field and open-enum code in it,
//!   because a card number can arrive in a free-text field (`remark`) or a status code.
//! * [`log_safe`] makes untrusted text (an unknown webhook tag) fit for one log line.
//!
//! ```
//! use apigen_runtime::redact::{Last4, Masked, Redacted, log_safe};
//!
//! assert_eq!(format!("{:?}", Redacted), r#""<redacted>""#);
//! assert_eq!(format!("{:?}", Last4("4111111111111234")), r#""…1234""#);
//! assert_eq!(format!("{:?}", Last4("123")), r#""<redacted>""#);
//! assert_eq!(format!("{:?}", Some("4111111111111234").map(Last4)), r#"Some("…1234")"#);
//! assert_eq!(format!("{:?}", Masked(&"paid with 4111 1111 1111 1234")), r#""paid with …1234""#);
//! assert_eq!(log_safe("evil\nline 4111111111111234"), r"evil\nline …1234");
//! ```

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Values shorter than this are fully redacted by [`Last4`], so that showing 4 characters
/// never gives away most of a short secret (a PIN, a CVV, an expiry).
const MIN_CHARS_FOR_LAST4: usize = 8;

/// Prints `"<redacted>"` in place of a secret (key, CVV, PIN, …).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// Prints only the last four characters of a value, as `"…1234"` (card numbers, account
/// numbers); values shorter than 8 characters print as `"<redacted>"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Last4<'a>(pub &'a str);

impl fmt::Debug for Last4<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars = self.0.chars().count();
        if chars < MIN_CHARS_FOR_LAST4 {
            return Redacted.fmt(f);
        }
        let tail = self
            .0
            .char_indices()
            .nth(chars - 4)
            .map_or("", |(start, _)| &self.0[start..]);
        write!(f, "\"…{}\"", tail.escape_debug())
    }
}

/// Runs of this many digits or more look like card or account numbers.
const CARD_NUMBER_DIGITS: usize = 12;

/// `text` with every run of 12 or more digits replaced by `…` and its last four digits, so a
/// card number in a message, a free-text field or an unknown code is never shown whole. Digit
/// groups joined by a single space or dash count as one run (`4111 1111 1111 1111`,
/// `4111-1111-1111-1111`, `3782 822463 10005`); dates and times (`2023-10-30 12:00:00`) stay
/// as they are. Borrows when there is nothing to mask.
pub fn mask_card_numbers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run: digits, optionally continued by one separator followed by a digit.
        let start = i;
        let mut digits = 0;
        let mut end = i;
        while end < bytes.len() {
            if bytes[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(bytes[end], b' ' | b'-')
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= CARD_NUMBER_DIGITS {
            let run = &text[start..end];
            let mut last4: Vec<char> = run
                .chars()
                .rev()
                .filter(char::is_ascii_digit)
                .take(4)
                .collect();
            last4.reverse();
            out.push_str(&text[copied..start]);
            out.push('…');
            out.extend(last4);
            copied = end;
        }
        i = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Prints the wrapped value's `Debug` (`{:#?}` too) with card-like digit runs masked by
/// [`mask_card_numbers`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Masked<'a, T: ?Sized>(pub &'a T);

impl<T: fmt::Debug + ?Sized> fmt::Debug for Masked<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            format!("{:#?}", self.0)
        } else {
            format!("{:?}", self.0)
        };
        f.write_str(&mask_card_numbers(&text))
    }
}

/// Longest text [`log_safe`] keeps, in characters; longer text is cut and ends with `…`.
const LOG_SAFE_MAX_CHARS: usize = 128;

/// `text` made safe for a single log line: card-like digit runs masked
/// ([`mask_card_numbers`]), control characters (newlines, escape sequences) and quotes
/// escaped as in Rust strings, and cut to 128 characters. Borrows when nothing changes.
pub fn log_safe(text: &str) -> Cow<'_, str> {
    let masked = mask_card_numbers(text);
    let clean = masked.chars().count() <= LOG_SAFE_MAX_CHARS
        && !masked
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '\\') || c.escape_debug().len() > 1);
    if clean {
        return masked;
    }
    let mut out = String::with_capacity(masked.len());
    for (index, c) in masked.chars().enumerate() {
        if index == LOG_SAFE_MAX_CHARS {
            out.push('…');
            break;
        }
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{}", c.escape_debug());
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_like_runs_are_masked_and_the_rest_is_kept() {
        for (input, expected) in [
            ("card 491090123456789012345", "card …2345"),
            ("4111 1111 1111 1234, 4111-1111-1111-9999", "…1234, …9999"),
            ("amex 3782 822463 10005 ok", "amex …0005 ok"),
            (
                "at 2023-10-30 12:00:00 for 100",
                "at 2023-10-30 12:00:00 for 100",
            ),
            ("Unknown(4000056655665556)", "Unknown(…5556)"),
            ("12345678901", "12345678901"),
            ("no 1234 5678", "no 1234 5678"),
            ("", ""),
        ] {
            assert_eq!(mask_card_numbers(input), expected, "{input}");
        }
        assert!(matches!(
            mask_card_numbers("nothing here 42"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn masked_debug_masks_nested_values_in_both_forms() {
        let value = (Some("4111111111111234"), vec!["ok", "5500 0000 0000 0004"]);
        assert_eq!(
            format!("{:?}", Masked(&value)),
            r#"(Some("…1234"), ["ok", "…0004"])"#
        );
        let pretty = format!("{:#?}", Masked(&value));
        assert!(
            pretty.contains('\n') && pretty.contains("…0004"),
            "{pretty}"
        );
        assert!(!pretty.contains("5500"), "{pretty}");
    }

    #[test]
    fn log_safe_escapes_controls_masks_digits_and_cuts() {
        assert_eq!(log_safe("card.status.active"), "card.status.active");
        assert_eq!(log_safe("a\nINFO forged"), r"a\nINFO forged");
        assert_eq!(log_safe("x\u{1b}[31m\r\t\"q\""), r#"x\u{1b}[31m\r\t\"q\""#);
        assert_eq!(log_safe("4111111111111234"), "…1234");
        let long = "a".repeat(500);
        assert_eq!(log_safe(&long).chars().count(), LOG_SAFE_MAX_CHARS + 1);
        assert!(log_safe(&long).ends_with('…'));
    }
}
