//! Webhook events: building an event body for a kind and tag, and delivering it to the
//! configured URL, signed as `apigen_runtime::webhook::HmacSha256Verifier` checks it.

use apigen::model::{Api, ObjectName, WebhookKind, Webhooks};
use apigen_runtime::webhook::HmacSha256Verifier;
use rand::rngs::StdRng;
use serde_json::{Map, Value};

use crate::config::WebhookOptions;
use crate::synth::Synth;

/// What the receiver answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    /// HTTP status of the answer.
    pub status: u16,
    /// Its body (at most 1 KiB of it).
    pub body: String,
}

/// Sends events; without a URL nothing is sent.
#[derive(Debug)]
pub struct Sender {
    url: Option<String>,
    signer: Option<HmacSha256Verifier>,
    http: reqwest::Client,
}

impl Sender {
    /// A sender for these settings (an empty or blank secret means unsigned).
    pub fn new(options: &WebhookOptions) -> Self {
        Sender {
            url: options.url.clone(),
            signer: options
                .secret
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                // Only a blank secret is refused, and blank ones were left out above.
                .and_then(|s| HmacSha256Verifier::new(s.to_owned()).ok()),
            http: reqwest::Client::new(),
        }
    }

    /// Is a URL configured?
    pub fn is_configured(&self) -> bool {
        self.url.is_some()
    }

    /// POSTs `body` as JSON, with `x-signature` when a secret is configured.
    ///
    /// # Errors
    ///
    /// A message when no URL is configured or the receiver cannot be reached.
    pub async fn send(&self, body: Vec<u8>) -> Result<Delivery, String> {
        let url = self
            .url
            .as_deref()
            .ok_or("no webhook URL is configured (--webhook-url)")?;
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/json");
        if let Some(signer) = &self.signer {
            request = request.header(
                HmacSha256Verifier::DEFAULT_SIGNATURE_HEADER,
                signer.sign(&body, None),
            );
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("delivery failed: {}", e.without_url()))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body = text.chars().take(1024).collect();
        Ok(Delivery { status, body })
    }
}

/// The kind named `kind` and check that `tag` is one of its events.
///
/// # Errors
///
/// A message when the spec has no webhooks, no such kind or no such tag in it.
pub fn find_kind<'a>(
    hooks: Option<&'a Webhooks>,
    kind: &str,
    tag: &str,
) -> Result<&'a WebhookKind, String> {
    let hooks = hooks.ok_or("the spec declares no webhooks")?;
    let found = hooks
        .kinds
        .iter()
        .find(|k| k.spec_key == kind)
        .ok_or_else(|| format!("the spec has no webhook kind `{kind}`"))?;
    if found.events.iter().any(|e| e.tag == tag) {
        Ok(found)
    } else {
        Err(format!("webhook kind `{kind}` has no event `{tag}`"))
    }
}

/// The kind that has the event `tag`, if any.
pub fn kind_of_tag<'a>(hooks: &'a Webhooks, tag: &str) -> Option<&'a WebhookKind> {
    hooks
        .kinds
        .iter()
        .find(|k| k.events.iter().any(|e| e.tag == tag))
}

/// The payload of a `kind` event about `record` (its object key and value): a synthesized
/// payload object whose fields take the record's values wherever the record's object has a
/// field of the same name and type.
pub fn payload(
    api: &Api,
    synth: &Synth,
    kind: &WebhookKind,
    record: Option<(&str, &Value)>,
    rng: &mut StdRng,
) -> Value {
    let mut payload = synth.object(api, &ObjectName::Declared(kind.payload.clone()), rng);
    if let Some((record_key, record)) = record {
        copy_shared_fields(api, record_key, record, &kind.payload, &mut payload);
    }
    payload
}

/// Copies into `to` (an object of key `to_key`) every field of `from` (of key `from_key`)
/// that both objects declare with the same type.
pub fn copy_shared_fields(api: &Api, from_key: &str, from: &Value, to_key: &str, to: &mut Value) {
    let (Some(from_object), Some(to_object)) =
        (api.declared_object(from_key), api.declared_object(to_key))
    else {
        return;
    };
    let Value::Object(out) = to else {
        return;
    };
    for field in &to_object.fields {
        let same_type = from_object
            .fields
            .iter()
            .any(|f| f.wire_name == field.wire_name && f.ty == field.ty);
        if let (true, Some(value)) = (same_type, from.get(&field.wire_name)) {
            out.insert(field.wire_name.clone(), value.clone());
        }
    }
}

/// The event body: `{tag_field: tag, data_field: payload}`, with the payload fields the spec
/// says the tag implies (`implies`) set to those values, so the event never contradicts its
/// tag (a receiver refuses one that does).
pub fn event_body(hooks: &Webhooks, tag: &str, mut payload: Value) -> Vec<u8> {
    let implied = hooks
        .kinds
        .iter()
        .flat_map(|k| &k.events)
        .filter(|e| e.tag == tag)
        .flat_map(|e| &e.implies);
    if let Value::Object(fields) = &mut payload {
        for (field, value) in implied {
            fields.insert(field.clone(), value.to_json());
        }
    }
    let mut map = Map::new();
    map.insert(hooks.tag_field.clone(), Value::String(tag.to_owned()));
    map.insert(hooks.data_field.clone(), payload);
    serde_json::to_vec(&Value::Object(map)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_event_carries_the_values_its_tag_implies() {
        let api =
            apigen::load_api(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
                .expect("the card spec loads");
        let hooks = api.webhooks.as_ref().expect("webhooks");
        let event = hooks
            .kinds
            .iter()
            .flat_map(|k| &k.events)
            .find(|e| !e.implies.is_empty())
            .expect("an event that implies a value");
        let (field, value) = &event.implies[0];
        let body = event_body(
            hooks,
            &event.tag,
            json!({ field.as_str(): "something else", "kept": 1 }),
        );
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body[&hooks.data_field][field.as_str()], value.to_json());
        assert_eq!(body[&hooks.data_field]["kept"], json!(1));
        assert_eq!(body[&hooks.tag_field], json!(event.tag));
    }
}
