//! Webhook runtime: parsing, (optional) signature verification and acknowledgement.
//!
//! A generated crate implements [`WebhookEvent`] on its `Event` enum (one variant per tag,
//! plus one holding an [`UnknownEvent`]) and gives its [`WebhookSpec`]; this module holds the
//! machinery every such enum uses.
//!
//! # Receiving a webhook
//!
//! 1. **Verify (optional, off by default).** Run a [`Verifier`] over the headers and the *raw*
//!    body bytes, before parsing. See [Signatures](#signatures) below.
//! 2. **Parse.** A [`Parser`] turns the body into the event type. The tag is read from the
//!    spec's top-level tag field; the object from the data field when that key is present,
//!    otherwise from the rest of the body (the "flat" shape, tag beside the fields). An unknown
//!    tag is not an error: the event type keeps it as an [`UnknownEvent`], object as raw JSON.
//! 3. **Acknowledge.** Answer with the spec's [`Ack`] ([`WebhookSpec::ack`]). Anything else
//!    makes the vendor retry, so answer quickly; deliveries are at-least-once and may arrive
//!    out of order.
//! 4. **Re-fetch before acting on money.** Without a verified signature the body is untrusted:
//!    read the current object through the API and act on *that*.
//!
//! # Signatures
//!
//! [`HmacSha256Verifier`] implements a common scheme (HMAC-SHA256 over the raw body, hex or
//! base64 in a header, optionally bound to a timestamp). Check the header name, the signed
//! string and the secret against what the vendor documents, or implement [`Verifier`] for the
//! scheme they describe.
//!
//! # Secrets and logs
//!
//! No error message here contains body content (serde messages have values replaced by `…`),
//! [`UnknownEvent`]'s `Debug` hides the raw JSON, and the `tracing` events emitted here carry
//! only the tag (when it looks like one), the event kind and error kinds.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde_json::value::RawValue;
use sha2::Sha256;

use crate::envelope::{json_path, sanitize, without_position};

/// Default largest accepted body: 1 MiB.
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Spec
// ---------------------------------------------------------------------------------------------

/// Where the tag and the object travel, and what the vendor expects as an answer; emitted by
/// the generator from the spec's `webhooks` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSpec {
    /// Top-level field holding the event tag (the spec's `webhooks.tag_field`).
    pub tag_field: &'static str,
    /// Top-level field holding the object in the enveloped shape (`webhooks.data_field`).
    pub data_field: &'static str,
    /// HTTP status of the acknowledgement (`webhooks.ack.status`).
    pub ack_status: u16,
    /// Body of the acknowledgement, JSON text (`webhooks.ack.body`).
    pub ack_body: &'static str,
}

impl WebhookSpec {
    /// The acknowledgement the vendor expects.
    ///
    /// Send it as soon as the delivery is parsed (or stored): the vendor retries anything else,
    /// and expects the answer within a few seconds.
    pub const fn ack(&self) -> Ack {
        Ack {
            status: self.ack_status,
            body: self.ack_body,
        }
    }
}

/// A webhook event type: one variant per known tag and one for unknown tags. Implemented by
/// the generated `Event` enum.
pub trait WebhookEvent: Sized {
    /// Where the tag and the object travel, and the acknowledgement.
    const SPEC: WebhookSpec;

    /// The event for `tag` with object JSON `data`: the tag's payload decoded with [`decode`],
    /// or an [`UnknownEvent`] for a tag the type does not know.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Decode`] when the object does not fit the tag's payload type.
    fn from_parts(tag: &str, data: &str) -> Result<Self, WebhookError>;

    /// The tag as sent.
    fn tag(&self) -> &str;

    /// The kind of the event's tag (spec key, e.g. `card`); `None` for an unknown tag.
    fn kind(&self) -> Option<&'static str>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a webhook was rejected.
///
/// Display messages never contain body content or secrets: decode messages have the
/// offending values replaced by `…`, and paths hide map keys that do not look like field
/// names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is larger than the parser's limit; it was not parsed.
    #[error("webhook body of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// The size of the body in bytes.
        size: usize,
    },

    /// The body is not a JSON object (not UTF-8, not JSON, another JSON type, a duplicate
    /// top-level key).
    #[error("webhook body is malformed: {message}")]
    Malformed {
        /// What is wrong, with the line and column where serde_json knows them; never body
        /// text.
        message: String,
    },

    /// The body object has no string tag field, or it is empty.
    #[error("webhook body has no `{field}` string")]
    MissingTag {
        /// The name of the tag field.
        field: &'static str,
    },

    /// The object of a known tag does not match its payload type.
    #[error("webhook `{tag}`: could not decode the payload{}: {message}", at(.path))]
    Decode {
        /// The event tag.
        tag: String,
        /// JSON path of the offending value **in the received body**: `data.balance` for the
        /// enveloped shape, `balance` for the flat shape; empty for the object itself
        /// (`Event::from_parts` and `decode` alone report paths relative to the object).
        path: String,
        /// What went wrong; values from the body are replaced by `…`.
        message: String,
    },

    /// Signature verification failed (see [`Verifier`]).
    #[error("webhook signature rejected: {0}")]
    Signature(#[from] SignatureError),
}

/// Formats the ` at `path`` part of a decode error (nothing for the object itself).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

impl WebhookError {
    /// Short, value-free name of the error kind, for logs.
    fn kind(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::Malformed { .. } => "malformed",
            Self::MissingTag { .. } => "missing_tag",
            Self::Decode { .. } => "decode",
            Self::Signature(error) => error.kind(),
        }
    }
}

/// Why a [`Verifier`] rejected a delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature header is absent.
    #[error("missing signature header `{header}`")]
    MissingHeader {
        /// The expected header name.
        header: String,
    },
    /// The signature header is not a hex HMAC-SHA256 (64 hex digits, optionally prefixed with
    /// `sha256=`).
    #[error("signature header `{header}` is not a hex-encoded HMAC-SHA256")]
    Encoding {
        /// The header name.
        header: String,
    },
    /// The signature does not match the body (and timestamp).
    #[error("signature does not match the body")]
    Mismatch,
    /// A timestamp is required but its header is absent.
    #[error("missing timestamp header `{header}`")]
    MissingTimestamp {
        /// The expected header name.
        header: String,
    },
    /// The timestamp header is not an integer number of seconds since the Unix epoch.
    #[error("timestamp header `{header}` is not Unix seconds")]
    InvalidTimestamp {
        /// The header name.
        header: String,
    },
    /// The timestamp is further from the current time than the configured tolerance
    /// (a replay, or badly skewed clocks).
    #[error("timestamp is more than {tolerance_secs} s away from the current time")]
    StaleTimestamp {
        /// The configured tolerance in seconds.
        tolerance_secs: u64,
    },
}

impl SignatureError {
    fn kind(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "signature_missing",
            Self::Encoding { .. } => "signature_encoding",
            Self::Mismatch => "signature_mismatch",
            Self::MissingTimestamp { .. } => "timestamp_missing",
            Self::InvalidTimestamp { .. } => "timestamp_invalid",
            Self::StaleTimestamp { .. } => "timestamp_stale",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Webhook body parser for the event type `E`, with a size limit.
#[must_use]
pub struct Parser<E> {
    max_body_bytes: usize,
    event: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Parser<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser")
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl<E> Clone for Parser<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for Parser<E> {}

impl<E> Default for Parser<E> {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            event: PhantomData,
        }
    }
}

impl<E: WebhookEvent> Parser<E> {
    /// A parser with the default limit of 1 MiB.
    pub fn new() -> Self {
        Self::default()
    }

    /// Largest accepted body in bytes (default 1 MiB); larger bodies fail with
    /// [`WebhookError::TooLarge`] before any parsing. Also cap the body size in your HTTP
    /// server so that an oversized body is not buffered in the first place.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The configured body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Parses a webhook body into an event.
    ///
    /// Accepts both shapes of the delivery model: `{<tag field>: …, <data field>: {…}}` and the
    /// flat `{<tag field>: …, <object fields>…}`. For a known tag the object is decoded into the
    /// tag's payload type (exact money, `""` datetimes as `None`, open enums); an unknown tag
    /// gives the event type's [`UnknownEvent`] with the object kept as JSON (the value of `data`, exactly as
    /// received; in the flat shape, the other top-level members with their values as
    /// received).
    ///
    /// Emits one `debug` event with the tag and event kind on success, or the error kind on
    /// failure; never body content.
    ///
    /// # Errors
    ///
    /// * [`WebhookError::TooLarge`]: the body exceeds [`max_body_bytes`](Self::max_body_bytes).
    /// * [`WebhookError::Malformed`]: not UTF-8, not JSON, not an object, or a top-level key
    ///   appears twice.
    /// * [`WebhookError::MissingTag`]: no non-empty string at the tag field.
    /// * [`WebhookError::Decode`]: the object of a known tag does not fit its payload type;
    ///   `path` is the path in the received body (`data.balance` or, flat, `balance`).
    pub fn parse(&self, body: &[u8]) -> Result<E, WebhookError> {
        let result = self.parse_inner(body);
        match &result {
            Ok(event) => tracing::debug!(
                tag = loggable_tag(event.tag()),
                kind = event.kind().unwrap_or("unknown"),
                "webhook parsed"
            ),
            Err(error) => tracing::debug!(error = error.kind(), "webhook rejected"),
        }
        result
    }

    fn parse_inner(&self, body: &[u8]) -> Result<E, WebhookError> {
        let spec = E::SPEC;
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::TooLarge {
                limit: self.max_body_bytes,
                size: body.len(),
            });
        }
        let malformed = |message: String| WebhookError::Malformed { message };
        let text = std::str::from_utf8(body)
            .map_err(|_| malformed("the body is not valid UTF-8".to_owned()))?;
        let Members(members) =
            serde_json::from_str(text).map_err(|e| malformed(sanitize(&e.to_string())))?;

        let mut seen = HashSet::with_capacity(members.len());
        if !members.iter().all(|(key, _)| seen.insert(key.as_str())) {
            return Err(malformed("the body object has a duplicate key".to_owned()));
        }

        let missing_tag = WebhookError::MissingTag {
            field: spec.tag_field,
        };
        let tag = members
            .iter()
            .find(|(key, _)| key == spec.tag_field)
            .and_then(|(_, raw)| serde_json::from_str::<String>(raw.get()).ok())
            .filter(|tag| !tag.is_empty())
            .ok_or(missing_tag)?;

        match members.iter().find(|(key, _)| key == spec.data_field) {
            // Enveloped: the object is the value of `data`, as received.
            Some((_, data)) => E::from_parts(&tag, data.get()).map_err(|error| match error {
                WebhookError::Decode { tag, path, message } => WebhookError::Decode {
                    tag,
                    path: under(spec.data_field, &path),
                    message,
                },
                other => other,
            }),
            // Flat: the object is every other top-level member.
            None => {
                let mut object = String::with_capacity(text.len());
                object.push('{');
                for (key, value) in members.iter().filter(|(key, _)| key != spec.tag_field) {
                    if object.len() > 1 {
                        object.push(',');
                    }
                    // Serializing a `String` cannot fail.
                    object.push_str(&serde_json::to_string(key).unwrap_or_default());
                    object.push(':');
                    object.push_str(value.get());
                }
                object.push('}');
                E::from_parts(&tag, &object)
            }
        }
    }
}

/// The members of a JSON object in document order, values kept as raw JSON text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key, value));
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

/// Decodes the object of a known tag into its payload type; used by the generated
/// [`WebhookEvent::from_parts`].
///
/// `data` is JSON text, decoded directly (no `Value` round trip) so that money stays exact.
/// The error's `path` is relative to the object (e.g. `balance`).
///
/// # Errors
///
/// [`WebhookError::Decode`] with a sanitized message.
pub fn decode<T: DeserializeOwned>(tag: &str, data: &str) -> Result<T, WebhookError> {
    let mut deserializer = serde_json::Deserializer::from_str(data);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = json_path("", e.path());
        WebhookError::Decode {
            tag: tag.to_owned(),
            path: path.strip_prefix('.').map_or(path.clone(), str::to_owned),
            message: sanitize(&without_position(e.inner())),
        }
    })?;
    deserializer.end().map_err(|e| WebhookError::Decode {
        tag: tag.to_owned(),
        path: String::new(),
        message: sanitize(&without_position(&e)),
    })?;
    Ok(value)
}

/// `path` (relative to the object) below `root`.
fn under(root: &str, path: &str) -> String {
    if path.is_empty() {
        root.to_owned()
    } else if path.starts_with('[') {
        format!("{root}{path}")
    } else {
        format!("{root}.{path}")
    }
}

/// The tag if it looks like a tag (`card.status.active`: starts with a letter, only ASCII
/// letters, digits, `.`, `_` and `-`, at most 64 characters, fewer than 8 digits), otherwise
/// `"<redacted>"`: an unknown tag is body content and must not smuggle a card number into logs
/// or `Debug` output.
fn loggable_tag(tag: &str) -> &str {
    let tag_like = tag.len() <= 64
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && tag.chars().filter(char::is_ascii_digit).count() < 8;
    if tag_like { tag } else { "<redacted>" }
}

/// An event whose tag this version of the client does not know.
///
/// The object is kept as JSON text so that nothing is lost; decode it yourself if you need it.
/// `Debug` shows the tag (when it looks like one) and only the *size* of the JSON: unknown
/// payloads may carry card data.
#[derive(Clone, PartialEq, Eq)]
pub struct UnknownEvent {
    tag: String,
    raw: String,
}

impl UnknownEvent {
    /// An unknown event with tag `tag` and object JSON `data`.
    pub fn new(tag: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            tag: tag.into(),
            raw: data.into(),
        }
    }

    /// The tag as sent.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The object as JSON text: the value of `data` exactly as received, or, for a flat body,
    /// the other top-level members (values as received). May contain card data: do not log it.
    pub fn raw_json(&self) -> &str {
        &self.raw
    }
}

impl fmt::Debug for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("tag", &loggable_tag(&self.tag))
            .field(
                "raw",
                &format_args!("\"<{} bytes redacted>\"", self.raw.len()),
            )
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Acknowledgement
// ---------------------------------------------------------------------------------------------

/// The answer the vendor expects for a delivery it should not retry, from the spec
/// ([`WebhookSpec::ack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// HTTP status code.
    pub status: u16,
    /// Response body.
    pub body: &'static str,
}

impl Ack {
    /// The `Content-Type` of [`body`](Self::body): `application/json`.
    pub fn content_type(&self) -> &'static str {
        "application/json"
    }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// Checks that a delivery comes from the vendor, from its headers and **raw** body bytes
/// (before parsing).
///
/// The vendor documents no signature, so nothing calls a verifier for you: construct one and
/// call [`verify`](Self::verify) before [`parse`](Parser::parse) when the vendor has confirmed a scheme.
/// [`HmacSha256Verifier`] implements the most likely one; implement this trait for any other.
pub trait Verifier: Send + Sync {
    /// `Ok(())` when the delivery is authentic.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Signature`] otherwise.
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError>;
}

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 signature check, **an assumed scheme** (the vendor documents none; see the
/// [module docs](self#signatures)).
///
/// * The signature header (default `x-signature`) holds the lowercase or uppercase hex
///   HMAC-SHA256 of the raw body, keyed with the shared secret; a `sha256=` prefix is
///   accepted.
/// * With [`timestamp`](Self::timestamp) (off by default) the MAC covers
///   `"{timestamp}.{body}"`, where `{timestamp}` is the timestamp header's text (Unix
///   seconds), and a timestamp more than the tolerance away from now is rejected, limiting
///   replays.
/// * The comparison is constant-time (`hmac`'s `verify_slice`).
///
/// `Debug` does not show the secret.
///
/// ```
/// use apigen_runtime::webhook::{HmacSha256Verifier, Verifier};
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let verifier = HmacSha256Verifier::new("shared-secret");
/// let body = br#"{"eventTag":"card.status.freeze","data":{}}"#;
/// let mut headers = HeaderMap::new();
/// headers.insert("x-signature", HeaderValue::from_str(&verifier.sign(body, None)).unwrap());
/// assert!(verifier.verify(&headers, body).is_ok());
/// assert!(verifier.verify(&headers, b"{}").is_err());
/// ```
pub struct HmacSha256Verifier {
    secret: SecretString,
    signature_header: HeaderName,
    timestamp: Option<(HeaderName, Duration)>,
}

impl HmacSha256Verifier {
    /// The default signature header, `x-signature`.
    pub const DEFAULT_SIGNATURE_HEADER: &'static str = "x-signature";

    /// A verifier keyed with `secret`, reading the signature from `x-signature`, without a
    /// timestamp.
    ///
    /// # Panics
    ///
    /// If `secret` is empty.
    pub fn new(secret: impl Into<SecretString>) -> Self {
        let secret = secret.into();
        assert!(
            !secret.expose_secret().is_empty(),
            "the webhook secret must not be empty"
        );
        Self {
            secret,
            signature_header: HeaderName::from_static(Self::DEFAULT_SIGNATURE_HEADER),
            timestamp: None,
        }
    }

    /// Reads the signature from header `name` instead of `x-signature` (case-insensitive).
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name.
    #[must_use]
    pub fn signature_header(mut self, name: &str) -> Self {
        self.signature_header = header_name(name);
        self
    }

    /// Requires a timestamp (Unix seconds) in header `name`, covered by the MAC as
    /// `"{timestamp}.{body}"`, and rejects it when it is more than `tolerance` away from the
    /// current time. Off by default.
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name.
    #[must_use]
    pub fn timestamp(mut self, name: &str, tolerance: Duration) -> Self {
        self.timestamp = Some((header_name(name), tolerance));
        self
    }

    /// The lowercase hex signature of `body` (and `timestamp`, which must then also be sent in
    /// the timestamp header), as a sender would compute it; for tests and loopback tools.
    pub fn sign(&self, body: &[u8], timestamp: Option<i64>) -> String {
        let timestamp = timestamp.map(|t| t.to_string());
        let tag = self.mac(timestamp.as_deref(), body).finalize().into_bytes();
        let mut hex = String::with_capacity(tag.len() * 2);
        for byte in tag.iter() {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        hex
    }

    fn mac(&self, timestamp: Option<&str>, body: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = HmacSha256::new_from_slice(self.secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        if let Some(timestamp) = timestamp {
            mac.update(timestamp.as_bytes());
            mac.update(b".");
        }
        mac.update(body);
        mac
    }

    fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), SignatureError> {
        let name = &self.signature_header;
        let signature = headers
            .get(name)
            .ok_or_else(|| SignatureError::MissingHeader {
                header: name.as_str().to_owned(),
            })?;
        let signature = decode_signature(signature).ok_or_else(|| SignatureError::Encoding {
            header: name.as_str().to_owned(),
        })?;

        let timestamp = match &self.timestamp {
            None => None,
            Some((name, tolerance)) => {
                let value = headers
                    .get(name)
                    .ok_or_else(|| SignatureError::MissingTimestamp {
                        header: name.as_str().to_owned(),
                    })?;
                let invalid = || SignatureError::InvalidTimestamp {
                    header: name.as_str().to_owned(),
                };
                let text = value.to_str().map_err(|_| invalid())?;
                let seconds = text.parse::<i64>().map_err(|_| invalid())?;
                Some((text, seconds, *tolerance))
            }
        };

        self.mac(timestamp.map(|(text, _, _)| text), body)
            .verify_slice(&signature)
            .map_err(|_| SignatureError::Mismatch)?;

        if let Some((_, seconds, tolerance)) = timestamp
            && now.abs_diff(seconds) > tolerance.as_secs()
        {
            return Err(SignatureError::StaleTimestamp {
                tolerance_secs: tolerance.as_secs(),
            });
        }
        Ok(())
    }
}

impl Verifier for HmacSha256Verifier {
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let result = self.check(headers, body, unix_now());
        if let Err(error) = &result {
            tracing::debug!(error = error.kind(), "webhook signature rejected");
        }
        result.map_err(WebhookError::Signature)
    }
}

impl fmt::Debug for HmacSha256Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSha256Verifier")
            .field("secret", &super::redact::Redacted)
            .field("signature_header", &self.signature_header)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn header_name(name: &str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes())
        .unwrap_or_else(|_| panic!("invalid header name {name:?}"))
}

/// 64 hex digits (either case), optionally prefixed with `sha256=`, as 32 bytes.
fn decode_signature(value: &HeaderValue) -> Option<Vec<u8>> {
    let text = value.to_str().ok()?.trim();
    let text = match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => &text[7..],
        _ => text,
    };
    if text.len() != 64 {
        return None;
    }
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(header_name(name), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn signature_round_trip_and_encodings() {
        let verifier = HmacSha256Verifier::new("k");
        let body = b"{}";
        let sig = verifier.sign(body, None);
        assert_eq!(sig.len(), 64);
        assert!(sig.bytes().all(|b| HEX.contains(&b)));
        for value in [
            sig.clone(),
            sig.to_ascii_uppercase(),
            format!("sha256={sig}"),
            format!("SHA256={sig}"),
        ] {
            assert_eq!(
                verifier.check(&headers(&[("X-Signature", &value)]), body, 0),
                Ok(())
            );
        }
        for bad in ["zz", "", &sig[..62], &format!("{sig}00")] {
            assert!(matches!(
                verifier.check(&headers(&[("x-signature", bad)]), body, 0),
                Err(SignatureError::Encoding { .. })
            ));
        }
        assert_eq!(
            verifier.check(&headers(&[("x-signature", &sig)]), b"{ }", 0),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn known_hmac_vector() {
        // RFC 4231 test case 2.
        let verifier = HmacSha256Verifier::new("Jefe");
        assert_eq!(
            verifier.sign(b"what do ya want for nothing?", None),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn timestamp_window() {
        let verifier =
            HmacSha256Verifier::new("k").timestamp("x-timestamp", Duration::from_secs(300));
        let body = b"{}";
        let at = |ts: i64, now: i64| {
            let sig = verifier.sign(body, Some(ts));
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", &ts.to_string())]),
                body,
                now,
            )
        };
        assert_eq!(at(1_000, 1_000), Ok(()));
        assert_eq!(at(1_000, 1_300), Ok(()));
        assert_eq!(at(1_300, 1_000), Ok(()));
        assert_eq!(
            at(1_000, 1_301),
            Err(SignatureError::StaleTimestamp {
                tolerance_secs: 300
            })
        );
        // The timestamp is covered by the MAC.
        let sig = verifier.sign(body, Some(1_000));
        assert_eq!(
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", "1001")]),
                body,
                1_000
            ),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            verifier.check(&headers(&[("x-signature", &sig)]), body, 1_000),
            Err(SignatureError::MissingTimestamp { .. })
        ));
        assert!(matches!(
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", "soon")]),
                body,
                1_000
            ),
            Err(SignatureError::InvalidTimestamp { .. })
        ));
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", HmacSha256Verifier::new("hunter2-secret"));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("x-signature"), "{text}");
    }

    #[test]
    fn tags_are_only_logged_when_tag_shaped() {
        assert_eq!(loggable_tag("card.status.active"), "card.status.active");
        assert_eq!(
            loggable_tag("v2.thing_happened-now"),
            "v2.thing_happened-now"
        );
        assert_eq!(loggable_tag("4111111111111111"), "<redacted>");
        assert_eq!(loggable_tag("x4111111111111111"), "<redacted>");
        assert_eq!(loggable_tag("card 4111"), "<redacted>");
        assert_eq!(loggable_tag(""), "<redacted>");
    }

    #[test]
    fn paths_below_the_data_field() {
        assert_eq!(under("data", ""), "data");
        assert_eq!(under("data", "balance"), "data.balance");
        assert_eq!(under("data", "[2].x"), "data[2].x");
    }

    #[test]
    fn ack_comes_from_the_spec() {
        let spec = WebhookSpec {
            tag_field: "type",
            data_field: "object",
            ack_status: 204,
            ack_body: "",
        };
        assert_eq!(
            spec.ack(),
            Ack {
                status: 204,
                body: ""
            }
        );
    }
}
