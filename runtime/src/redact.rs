//! `Debug` stand-ins for sensitive fields, used by the generated `Debug` impls.
//!
//! ```
//! use apigen_runtime::redact::{Last4, Redacted};
//!
//! assert_eq!(format!("{:?}", Redacted), r#""<redacted>""#);
//! assert_eq!(format!("{:?}", Last4("4111111111111234")), r#""…1234""#);
//! assert_eq!(format!("{:?}", Last4("123")), r#""<redacted>""#);
//! assert_eq!(format!("{:?}", Some("4111111111111234").map(Last4)), r#"Some("…1234")"#);
//! ```

use std::fmt;

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
