//! The envelope's business code: the [`BusinessCode`] enum a generated crate implements, the
//! two ways a code is written on the wire ([`WireCode`]: an integer or a string), and the
//! [`SuccessCode`] of the envelope.

use std::fmt;

use serde::Deserialize as _;

use crate::codes::int_or_string;

/// The business error codes of an API's envelope (any code but success), as an open enum:
/// a code the enum does not list is kept, not rejected.
pub trait BusinessCode: fmt::Debug + fmt::Display + Clone + Send + Sync + 'static {
    /// How the API writes its codes: `i64` (`1001`) or `String` (`"E1001"`).
    type Code: WireCode;
    /// The variant for a wire code.
    fn from_code(code: Self::Code) -> Self;
    /// The wire code.
    fn code(&self) -> Self::Code;
    /// Whether this code means "rate limited": retried like HTTP 429 on safe operations.
    fn is_rate_limited(&self) -> bool {
        false
    }
    /// Whether the spec lists this code (an unlisted one is reported as drift). Default: yes.
    fn is_known(&self) -> bool {
        true
    }
}

/// The code that means success, as the generator writes it into
/// [`EnvelopeSpec`](crate::EnvelopeSpec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuccessCode {
    /// An integer code, e.g. `0`.
    Int(i64),
    /// A string code, e.g. `"0000"` or `"SUCCESS"`.
    Str(&'static str),
}

impl fmt::Display for SuccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(code) => write!(f, "{code}"),
            Self::Str(code) => write!(f, "{code:?}"),
        }
    }
}

/// The Rust type of a business code: `i64` or `String` (sealed).
pub trait WireCode:
    Clone + PartialEq + fmt::Debug + fmt::Display + Send + Sync + 'static + sealed::Sealed
{
    /// Reads the code from the JSON text of the envelope's code field.
    ///
    /// # Errors
    ///
    /// The JSON is not a code of this kind.
    fn read(json: &str) -> Result<Self, serde_json::Error>;

    /// Whether this is the success code.
    fn is_success(&self, success: SuccessCode) -> bool;
}

/// An integer code; also read from a string holding one (`"1001"`), as some servers send it.
impl WireCode for i64 {
    fn read(json: &str) -> Result<Self, serde_json::Error> {
        int_or_string(&mut serde_json::Deserializer::from_str(json))
    }

    fn is_success(&self, success: SuccessCode) -> bool {
        match success {
            SuccessCode::Int(code) => *self == code,
            SuccessCode::Str(code) => code.trim().parse() == Ok(*self),
        }
    }
}

/// A string code, compared exactly (`"0000"` is not `"0"`); an integer sent where a string
/// code is expected is read as its decimal text.
impl WireCode for String {
    fn read(json: &str) -> Result<Self, serde_json::Error> {
        let value = serde_json::Value::deserialize(&mut serde_json::Deserializer::from_str(json))?;
        match value {
            serde_json::Value::String(code) => Ok(code),
            serde_json::Value::Number(code) if code.is_i64() || code.is_u64() => {
                Ok(code.to_string())
            }
            other => Err(serde::de::Error::invalid_type(
                unexpected(&other),
                &"a string code or an integer",
            )),
        }
    }

    fn is_success(&self, success: SuccessCode) -> bool {
        match success {
            SuccessCode::Str(code) => self == code,
            SuccessCode::Int(code) => *self == code.to_string(),
        }
    }
}

/// The kind of a JSON value, for a type error that does not repeat the value.
fn unexpected(value: &serde_json::Value) -> serde::de::Unexpected<'static> {
    use serde::de::Unexpected;
    match value {
        serde_json::Value::Null => Unexpected::Unit,
        serde_json::Value::Bool(_) => Unexpected::Other("a boolean"),
        serde_json::Value::Number(_) => Unexpected::Other("a fractional number"),
        serde_json::Value::String(_) => Unexpected::Other("a string"),
        serde_json::Value::Array(_) => Unexpected::Seq,
        serde_json::Value::Object(_) => Unexpected::Map,
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for i64 {}
    impl Sealed for String {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_codes_read_numbers_and_numeric_strings() {
        assert_eq!(i64::read("1001").ok(), Some(1001));
        assert_eq!(i64::read("\" 1001 \"").ok(), Some(1001));
        assert!(i64::read("\"E1001\"").is_err());
        assert!(i64::read("1.5").is_err());
        assert!(0.is_success(SuccessCode::Int(0)));
        assert!(!1.is_success(SuccessCode::Int(0)));
    }

    #[test]
    fn string_codes_compare_exactly() {
        assert_eq!(String::read("\"0000\"").ok().as_deref(), Some("0000"));
        assert_eq!(String::read("429").ok().as_deref(), Some("429"));
        assert!(String::read("null").is_err());
        assert!(String::read("[1]").is_err());
        let success = SuccessCode::Str("0000");
        assert!("0000".to_string().is_success(success));
        assert!(!"0".to_string().is_success(success));
        assert!(!" 0000".to_string().is_success(success));
        assert!(!String::read("0").unwrap().is_success(success));
    }

    #[test]
    fn a_type_error_does_not_echo_the_value() {
        let message = String::read("{\"cvv\": \"123\"}").unwrap_err().to_string();
        assert!(!message.contains("123"), "{message}");
    }

    #[test]
    fn success_codes_display_as_written_in_json() {
        assert_eq!(SuccessCode::Int(0).to_string(), "0");
        assert_eq!(SuccessCode::Str("0000").to_string(), "\"0000\"");
    }
}
