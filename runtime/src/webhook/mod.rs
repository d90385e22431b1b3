//! Webhook runtime: verification, parsing, deduplication and acknowledgement.
//!
//! A generated crate implements [`WebhookEvent`] on its `Event` enum (one variant per tag,
//! plus one holding an [`UnknownEvent`]) and gives its [`WebhookSpec`]; this module holds the
//! machinery every such enum uses.
//!
//! # Receiving a webhook
//!
//! [`Receiver`] does every step below, framework-neutral: hand it the headers and raw body of
//! a `POST`, and your handler; send back the [`Receipt`]'s status and body.
//!
//! 1. **Verify** the headers and the *raw* body bytes with a [`Verifier`], before parsing.
//!    A receiver verifies unless you build it with [`Receiver::without_verification`]: see
//!    [Signatures](#signatures) below.
//! 2. **Parse.** A [`Parser`] turns the body into the event type. The tag is read from the
//!    spec's top-level tag field; the object from the data field when that key is present,
//!    otherwise from the rest of the body (the "flat" shape, tag beside the fields); a body
//!    with both is refused. An unknown tag is not an error: the event type keeps it as an
//!    [`UnknownEvent`], object as raw JSON. Where the spec states the status a tag implies,
//!    a payload contradicting it is refused ([`WebhookError::Contradiction`]).
//! 3. **Deduplicate.** Each delivery has a [`DeliveryKey`]: the tag plus the payload fields
//!    the spec names for the kind (object id and status or update time), or the whole object
//!    when it names none. A [`DeliveryStore`] remembers the keys of handled deliveries
//!    ([`MemoryStore`] keeps a bounded number in memory); a duplicate is acknowledged without
//!    calling the handler again.
//! 4. **Handle, then acknowledge.** The handler runs before the answer goes out; only when it
//!    returns `Ok` does the vendor get the spec's [`Ack`]. A handler error gives a `500`, so
//!    the vendor retries. Delivery is therefore **at least once**: persist the event (a
//!    journal, a queue, a table) in the handler and do slow work (re-fetching, booking) from
//!    there, so that the answer stays fast and nothing acknowledged is lost.
//! 5. **Re-fetch before acting on money.** Without a verified signature the body is untrusted:
//!    read the current object through the API (the generated `Event::refetch`, which checks
//!    that the API answered about the same object) and act on *that*. Limit the rate and
//!    concurrency of re-fetches: every delivery, even a forged one when verification is off,
//!    can cause one.
//!
//! # Signatures
//!
//! [`HmacSha256Verifier`] implements a common scheme (HMAC-SHA256 over the raw body, hex in a
//! header, optionally bound to a timestamp), with several secrets (key rotation) and several
//! signature headers: any one valid signature passes. Check the header name, the signed
//! string and the secret against what the vendor documents, or implement [`Verifier`] for the
//! scheme they describe. An empty or blank secret is refused ([`BlankSecret`]).
//!
//! # Tolerated vendor quirks
//!
//! A UTF-8 byte order mark before the JSON is skipped. An optional or nullable datetime sent
//! as `""` or as the zero date `0000-00-00 00:00:00` reads as `None` (see
//! [`crate::serde::datetime_opt`]); a required one is still an error.
//!
//! # Secrets and logs
//!
//! No error message here contains body content (serde messages have values replaced by `…`),
//! [`UnknownEvent`]'s `Debug` hides the raw JSON, [`WebhookEvent::tag`] is log-safe
//! (control characters escaped, card-like digit runs masked: [`crate::redact::log_safe`]),
//! and the `tracing` events emitted here carry only that tag, the event kind and error kinds.

mod dedupe;
mod error;
mod parse;
mod path_at;
mod receiver;
mod verify;

use std::fmt;

pub use dedupe::{Begin, DeliveryKey, DeliveryStore, MemoryStore};
pub use error::{RefetchError, SignatureError, WebhookError, check_identity};
pub(crate) use parse::UTF8_BOM;
pub use parse::{Delivery, Parser, decode};
pub use receiver::{Handling, Receipt, Receiver};
pub use verify::{BlankSecret, HmacSha256Verifier, Verifier};

// ---------------------------------------------------------------------------------------------
// Spec
// ---------------------------------------------------------------------------------------------

/// Where the tag and the object travel, what the vendor expects as an answer, and what each
/// known tag promises; emitted by the generator from the spec's `webhooks` section.
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
    /// What the spec says about each known tag: the fields of its delivery key and the value
    /// it implies. Tags not listed get a key made from the whole object and no check.
    pub events: &'static [EventRule],
}

/// What the spec says about one tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRule {
    /// The tag (`payment.status.success`).
    pub tag: &'static str,
    /// Top-level payload fields that, with the tag, identify one delivery: the object's id
    /// and its status or update time (`["payment_sn", "status"]`). Empty: the whole object.
    pub key_fields: &'static [&'static str],
    /// Values payload fields must have under this tag (`status` = `2`).
    pub implies: &'static [Implied],
}

/// A payload field value a tag implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Implied {
    /// Top-level payload field (`status`).
    pub field: &'static str,
    /// Its value as JSON text (`2`, `"active"`).
    pub json: &'static str,
}

impl WebhookSpec {
    /// The acknowledgement the vendor expects for a delivery that is handled (or stored).
    pub const fn ack(&self) -> Ack {
        Ack {
            status: self.ack_status,
            body: self.ack_body,
        }
    }

    /// The rule for `tag`, if the spec gives one.
    pub fn rule(&self, tag: &str) -> Option<&'static EventRule> {
        self.events.iter().find(|rule| rule.tag == tag)
    }
}

/// A webhook event type: one variant per known tag and one for unknown tags. Implemented by
/// the generated `Event` enum.
pub trait WebhookEvent: Sized {
    /// Where the tag and the object travel, the acknowledgement and the per-tag rules.
    const SPEC: WebhookSpec;

    /// The event for `tag` with object JSON `data`: the tag's payload decoded with [`decode`],
    /// or an [`UnknownEvent`] for a tag the type does not know.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Decode`] when the object does not fit the tag's payload type.
    fn from_parts(tag: &str, data: &str) -> Result<Self, WebhookError>;

    /// The tag, safe to log: a known tag as the spec spells it, an unknown one through
    /// [`crate::redact::log_safe`] ([`UnknownEvent::raw_tag`] has it as sent).
    fn tag(&self) -> &str;

    /// The kind of the event's tag (spec key, e.g. `card`); `None` for an unknown tag.
    fn kind(&self) -> Option<&'static str>;

    /// For drift checks of payloads: the name drift is reported under (`webhooks.<kind>`) and
    /// the declared shape of the payload of `tag`; `None` (the default) for a tag the type
    /// does not know or does not describe.
    fn payload_shape(tag: &str) -> Option<(&'static str, &'static crate::drift::Shape)> {
        let _ = tag;
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown events
// ---------------------------------------------------------------------------------------------

/// An event whose tag this version of the client does not know.
///
/// The object is kept as JSON text so that nothing is lost; decode it yourself if you need it.
/// `Debug` shows the log-safe tag and only the *size* of the JSON: unknown payloads may carry
/// card data.
#[derive(Clone, PartialEq, Eq)]
pub struct UnknownEvent {
    tag: String,
    raw_tag: String,
    raw: String,
}

impl UnknownEvent {
    /// An unknown event with tag `tag` and object JSON `data`.
    pub fn new(tag: impl Into<String>, data: impl Into<String>) -> Self {
        let raw_tag = tag.into();
        Self {
            tag: crate::redact::log_safe(&raw_tag).into_owned(),
            raw_tag,
            raw: data.into(),
        }
    }

    /// The tag, safe to log: control characters escaped, card-like digit runs masked, cut to
    /// 128 characters ([`crate::redact::log_safe`]).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The tag exactly as sent. Untrusted text: do not log it.
    pub fn raw_tag(&self) -> &str {
        &self.raw_tag
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
            .field("tag", &self.tag)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_comes_from_the_spec() {
        let spec = WebhookSpec {
            tag_field: "type",
            data_field: "object",
            ack_status: 204,
            ack_body: "",
            events: &[],
        };
        assert_eq!(
            spec.ack(),
            Ack {
                status: 204,
                body: ""
            }
        );
    }

    #[test]
    fn rules_are_found_by_tag() {
        const RULE: EventRule = EventRule {
            tag: "a.b",
            key_fields: &["id"],
            implies: &[],
        };
        let spec = WebhookSpec {
            tag_field: "type",
            data_field: "object",
            ack_status: 200,
            ack_body: "",
            events: &[RULE],
        };
        assert_eq!(spec.rule("a.b"), Some(&RULE));
        assert_eq!(spec.rule("a.c"), None);
    }

    #[test]
    fn unknown_tags_are_log_safe_and_kept_as_sent() {
        let event = UnknownEvent::new("x\nINFO 4111111111111111", "{\"pan\":1}");
        assert_eq!(event.tag(), r"x\nINFO …1111");
        assert_eq!(event.raw_tag(), "x\nINFO 4111111111111111");
        let debug = format!("{event:?}");
        assert!(
            !debug.contains("4111111111111111") && !debug.contains('\n'),
            "{debug}"
        );
    }
}
