//! Parsing a webhook body into an event and its delivery key.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::dedupe::DeliveryKey;
use super::path_at::path_at;
use super::{WebhookError, WebhookEvent, WebhookSpec};
use crate::envelope::{sanitize, without_position};

/// Default largest accepted body: 1 MiB.
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The UTF-8 byte order mark some senders put before the JSON.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A parsed delivery: the event and the key that identifies it for deduplication.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<E> {
    /// The event.
    pub event: E,
    /// Its delivery key (see [`DeliveryKey`]).
    pub key: DeliveryKey,
}

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

    /// Parses a webhook body into an event; [`parse_delivery`](Self::parse_delivery) without
    /// the key.
    ///
    /// # Errors
    ///
    /// As [`parse_delivery`](Self::parse_delivery).
    pub fn parse(&self, body: &[u8]) -> Result<E, WebhookError> {
        self.parse_delivery(body).map(|delivery| delivery.event)
    }

    /// Parses a webhook body into an event and its [`DeliveryKey`].
    ///
    /// Accepts both shapes of the delivery model: `{<tag field>: …, <data field>: {…}}` and the
    /// flat `{<tag field>: …, <object fields>…}`, after a UTF-8 byte order mark if there is one. For
    /// a known tag the object is decoded into the tag's payload type (exact money, `""` and
    /// zero datetimes as `None` where optional, open enums) after checking the value the spec
    /// says the tag implies; an unknown tag gives the event type's
    /// [`UnknownEvent`](super::UnknownEvent) with the object kept as JSON (the value of
    /// `data`, exactly as received; in the flat shape, the other top-level members with their
    /// values as received).
    ///
    /// Emits one `debug` event with the log-safe tag and event kind on success, or the error
    /// kind on failure; never body content.
    ///
    /// # Errors
    ///
    /// * [`WebhookError::TooLarge`]: the body exceeds [`max_body_bytes`](Self::max_body_bytes).
    /// * [`WebhookError::Malformed`]: not UTF-8, not JSON, not an object, or a top-level key
    ///   appears twice (also in the enveloped object).
    /// * [`WebhookError::MissingTag`]: no non-empty string at the tag field.
    /// * [`WebhookError::MixedShape`]: the data field *and* other fields beside the tag.
    /// * [`WebhookError::Contradiction`]: the payload contradicts the value its tag implies.
    /// * [`WebhookError::Decode`]: the object of a known tag does not fit its payload type;
    ///   `path` is the path in the received body (`data.balance` or, flat, `balance`).
    pub fn parse_delivery(&self, body: &[u8]) -> Result<Delivery<E>, WebhookError> {
        // Everything but decoding the payload is `split`, not generic: compiled once in the
        // runtime, not again in every crate that has an event type.
        let result = split(&E::SPEC, self.max_body_bytes, body).and_then(|parts| {
            let event = E::from_parts(&parts.tag, &parts.object)
                .map_err(|error| below(parts.prefix, error))?;
            Ok(Delivery {
                event,
                key: parts.key,
            })
        });
        match &result {
            Ok(delivery) => log_parsed(delivery.event.tag(), delivery.event.kind()),
            Err(error) => log_rejected(error),
        }
        result
    }
}

/// The `debug` event of a parsed delivery: the log-safe tag and the kind, never content.
fn log_parsed(tag: &str, kind: Option<&str>) {
    tracing::debug!(tag, kind = kind.unwrap_or("unknown"), "webhook parsed");
}

/// The `debug` event of a refused delivery: the error kind only.
fn log_rejected(error: &WebhookError) {
    tracing::debug!(error = error.kind(), "webhook rejected");
}

/// A body taken apart: the tag, the object's JSON text, where the object is in the body (the
/// data field, or `""` when flat) and the delivery key.
struct Parts {
    tag: String,
    object: String,
    prefix: &'static str,
    key: DeliveryKey,
}

/// Takes a body apart as [`Parser::parse_delivery`] describes, checking all but the payload's
/// type: size, UTF-8, JSON object without duplicate keys, tag, shape, implied values.
fn split(spec: &WebhookSpec, max_body_bytes: usize, body: &[u8]) -> Result<Parts, WebhookError> {
    if body.len() > max_body_bytes {
        return Err(WebhookError::TooLarge {
            limit: max_body_bytes,
            size: body.len(),
        });
    }
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|_| malformed("the body is not valid UTF-8".to_owned()))?;
    let members = members(text, "the body object")?;

    let tag = members
        .iter()
        .find(|(key, _)| key == spec.tag_field)
        .and_then(|(_, raw)| serde_json::from_str::<String>(raw.get()).ok())
        .filter(|tag| !tag.is_empty())
        .ok_or(WebhookError::MissingTag {
            field: spec.tag_field,
        })?;

    let data = members.iter().find(|(key, _)| key == spec.data_field);
    let (object, prefix, fields): (String, &'static str, Vec<(String, &RawValue)>) = match data {
        // Enveloped: the object is the value of `data`, as received.
        Some((_, data)) => {
            if let Some((extra, _)) = members
                .iter()
                .find(|(key, _)| key != spec.tag_field && key != spec.data_field)
            {
                return Err(WebhookError::MixedShape {
                    data_field: spec.data_field,
                    first_extra: crate::redact::log_safe(extra).into_owned(),
                });
            }
            // A non-object `data` has no fields to check; decoding reports it.
            let fields = match members_of_object(data.get()) {
                Some(fields) => fields?,
                None => Vec::new(),
            };
            (data.get().to_owned(), spec.data_field, fields)
        }
        // Flat: the object is every other top-level member.
        None => {
            let fields: Vec<(String, &RawValue)> = members
                .into_iter()
                .filter(|(key, _)| key != spec.tag_field)
                .collect();
            (flat_object(text.len(), &fields), "", fields)
        }
    };

    check_implied(spec, &tag, prefix, &fields)?;
    let key = delivery_key(spec, &tag, &object, &fields);
    Ok(Parts {
        tag,
        object,
        prefix,
        key,
    })
}

/// A decode error's path, relative to the object, made relative to the body (`prefix` is the
/// data field, or `""` for a flat body).
fn below(prefix: &str, error: WebhookError) -> WebhookError {
    match error {
        WebhookError::Decode { tag, path, message } if !prefix.is_empty() => WebhookError::Decode {
            tag,
            path: under(prefix, &path),
            message,
        },
        other => other,
    }
}

fn malformed(message: String) -> WebhookError {
    WebhookError::Malformed { message }
}

/// The members of the JSON object `text`, refusing a duplicate key.
fn members<'a>(text: &'a str, what: &str) -> Result<Vec<(String, &'a RawValue)>, WebhookError> {
    let Members(members) =
        serde_json::from_str(text).map_err(|e| malformed(sanitize(&e.to_string())))?;
    let mut seen = HashSet::with_capacity(members.len());
    if members.iter().all(|(key, _)| seen.insert(key.as_str())) {
        Ok(members)
    } else {
        Err(malformed(format!("{what} has a duplicate key")))
    }
}

/// The members of `text` when it is a JSON object (`None` for any other JSON value); a
/// duplicate key is an error.
fn members_of_object(text: &str) -> Option<Result<Vec<(String, &RawValue)>, WebhookError>> {
    text.trim_start()
        .starts_with('{')
        .then(|| members(text, "the data object"))
}

/// `{…}` made of `fields`, values as received.
fn flat_object(capacity: usize, fields: &[(String, &RawValue)]) -> String {
    let mut object = String::with_capacity(capacity);
    object.push('{');
    for (key, value) in fields {
        if object.len() > 1 {
            object.push(',');
        }
        // Serializing a `String` cannot fail.
        object.push_str(&serde_json::to_string(key).unwrap_or_default());
        object.push(':');
        object.push_str(value.get());
    }
    object.push('}');
    object
}

/// Checks the values the spec says `tag` implies (if any) against the payload fields.
fn check_implied(
    spec: &WebhookSpec,
    tag: &str,
    prefix: &str,
    fields: &[(String, &RawValue)],
) -> Result<(), WebhookError> {
    let implied = spec.rule(tag).map_or(&[][..], |rule| rule.implies);
    for implied in implied {
        let found = fields
            .iter()
            .find(|(key, _)| key == implied.field)
            .map(|(_, raw)| raw.get());
        let expected: Option<serde_json::Value> = serde_json::from_str(implied.json).ok();
        let matches = found
            .and_then(|raw| serde_json::from_str::<serde_json::Value>(raw).ok())
            .is_some_and(|value| Some(value) == expected);
        if !matches {
            return Err(WebhookError::Contradiction {
                tag: tag.to_owned(),
                path: under(prefix, implied.field),
                expected: implied.json,
                found: found.map_or_else(
                    || "missing".to_owned(),
                    |raw| crate::redact::log_safe(raw).into_owned(),
                ),
            });
        }
    }
    Ok(())
}

/// The delivery key: the tag and the values of the spec's key fields, or the tag and the
/// whole object when the spec names none for the tag.
fn delivery_key(
    spec: &WebhookSpec,
    tag: &str,
    object: &str,
    fields: &[(String, &RawValue)],
) -> DeliveryKey {
    let key_fields = spec.rule(tag).map_or(&[][..], |rule| rule.key_fields);
    if key_fields.is_empty() {
        // Member by member, so that the enveloped and the flat shape of one object agree; a
        // `data` that is not an object has no members and counts as a whole.
        let mut parts = vec![tag, "\0object"];
        if fields.is_empty() {
            parts.push(object);
        }
        for (name, raw) in fields {
            parts.push(name);
            parts.push(raw.get());
        }
        return DeliveryKey::from_parts(parts);
    }
    let value = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("null", |(_, raw)| raw.get())
    };
    let mut parts = vec![tag];
    for name in key_fields {
        parts.push(name);
        parts.push(value(name));
    }
    DeliveryKey::from_parts(parts)
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
/// Decoding does not track the path: only a failure pays for finding it, from the error's
/// position in `data`. This keeps each payload type to one instantiation of its deserializer
/// in a generated crate (path tracking with `serde_path_to_error` took a second, wrapped one).
///
/// # Errors
///
/// [`WebhookError::Decode`] with a sanitized message.
pub fn decode<T: DeserializeOwned>(tag: &str, data: &str) -> Result<T, WebhookError> {
    serde_json::from_str(data).map_err(|error| decode_error(tag, data, &error))
}

/// The [`WebhookError::Decode`] for `error`, met decoding the object text `data` of `tag`:
/// the path of the value at the error's position, and serde's message without the position
/// and with values removed. Not generic, so it is compiled once, in the runtime.
fn decode_error(tag: &str, data: &str, error: &serde_json::Error) -> WebhookError {
    WebhookError::Decode {
        tag: tag.to_owned(),
        path: path_at(data, error.line(), error.column()),
        message: sanitize(&without_position(error)),
    }
}

/// `path` (relative to the object) below `root`.
fn under(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_owned()
    } else if path.is_empty() {
        root.to_owned()
    } else if path.starts_with('[') {
        format!("{root}{path}")
    } else {
        format!("{root}.{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_the_data_field() {
        assert_eq!(under("data", ""), "data");
        assert_eq!(under("data", "balance"), "data.balance");
        assert_eq!(under("data", "[2].x"), "data[2].x");
        assert_eq!(under("", "balance"), "balance");
    }

    #[test]
    fn without_key_fields_both_shapes_of_an_object_have_one_key() {
        const SPEC: WebhookSpec = WebhookSpec {
            tag_field: "t",
            data_field: "d",
            ack_status: 200,
            ack_body: "",
            events: &[],
        };
        let enveloped = members(r#"{"id": "a", "n": [1, 2]}"#, "t").unwrap();
        let flat = members(r#"{"id":"a","n":[1, 2]}"#, "t").unwrap();
        let key = |fields: &[(String, &RawValue)]| delivery_key(&SPEC, "x.y", "", fields);
        assert_eq!(key(&enveloped), key(&flat));
        let other = members(r#"{"id": "b", "n": [1, 2]}"#, "t").unwrap();
        assert_ne!(key(&enveloped), key(&other));
        assert_ne!(
            delivery_key(&SPEC, "x.y", "1", &[]),
            delivery_key(&SPEC, "x.y", "2", &[])
        );
    }

    #[test]
    fn flat_objects_keep_values_as_received() {
        let fields = members(r#"{"a": 1.10, "b" : "x"}"#, "t").unwrap();
        assert_eq!(flat_object(0, &fields), r#"{"a":1.10,"b":"x"}"#);
        assert!(members(r#"{"a":1,"a":2}"#, "the body object").is_err());
        assert!(members_of_object("[1]").is_none());
    }
}
