//! Hand-written runtime shared by the generated endpoint modules.
//!
//! Most users only need [`Client`](crate::Client); the items here describe operations
//! ([`Operation`], [`RetryClass`]), pagination ([`paginate`]) and the serde and redaction
//! helpers the generated types use.

mod call;
pub mod codes;
mod envelope;
mod paginate;
pub mod redact;
mod retry;
pub mod serde;
pub mod webhook;

pub use paginate::{PageRequest, Paged, paginate};
pub use retry::RetryPolicy;

/// Static description of one endpoint, emitted by the generator as a `const`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Stable operation name used in errors and logs, e.g. `get_wallet_detail`.
    pub name: &'static str,
    /// Full path template, e.g. `/{version}/openApi/wallet/getWalletDetail`; `{version}` is
    /// replaced by the client's version.
    pub path: &'static str,
    /// Whether the client may re-send the request after a failure.
    pub retry: RetryClass,
}

/// When the client may automatically re-send a request.
///
/// Whatever the class, retries are limited by the client's [`RetryPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Read-only or otherwise idempotent: retried after any transient failure
    /// ([`Error::is_retryable`](crate::Error::is_retryable)): connect errors, timeouts, other
    /// transport errors, HTTP 429 and 5xx, and the envelope's rate-limit business code.
    Safe,
    /// Not idempotent (moves money, creates things): **never re-sent once the request may have
    /// reached the server**. The only failure retried is [`Error::Connect`](crate::Error::Connect)
    /// (DNS, TCP connect, TLS handshake or connect timeout), where no byte of the request was
    /// sent. A timeout, a broken connection, a 5xx, a 429 or any business error is returned to
    /// the caller as is; the caller must find out whether the call took effect (for example by
    /// looking the order up by its `out_order_id`) before sending it again.
    Never,
}

/// Names and codes of the response envelope, emitted by the generator from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeSpec {
    /// Name of the business code field (`code`).
    pub code: &'static str,
    /// Name of the message field (`message`).
    pub message: &'static str,
    /// Name of the payload field (`data`).
    pub data: &'static str,
    /// The code meaning success (`0`).
    pub success: i64,
    /// The business code meaning "rate limited", retried like HTTP 429 for safe operations.
    pub rate_limit_code: Option<i64>,
}

/// Response payload of endpoints that return no data.
///
/// Deserializes from anything (`null`, `{}`, a missing field, any value) and serializes as `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Empty;

impl<'de> ::serde::Deserialize<'de> for Empty {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <::serde::de::IgnoredAny as ::serde::Deserialize>::deserialize(deserializer).map(|_| Empty)
    }
}

impl ::serde::Serialize for Empty {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ::serde::ser::SerializeMap as _;
        serializer.serialize_map(Some(0))?.end()
    }
}
