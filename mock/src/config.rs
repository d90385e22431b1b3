//! How a run is set up: the options of the library entry points, the YAML config file of
//! a run (`--config`) and the `--credentials` text.

use std::collections::BTreeMap;

use apigen::model::{Api, Type};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::faults::FaultRule;

/// Default number of idempotency-ledger entries kept (`--ledger-capacity`).
pub const DEFAULT_LEDGER_CAPACITY: usize = 100_000;
/// Default number of synthesized rows a paged list shows beside the records (`--list-rows`).
pub const DEFAULT_LIST_ROWS: usize = 5;

/// Everything a mock run is configured with, besides the spec.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed of every synthesized value and fault draw.
    pub seed: u64,
    /// What `{version}` in paths must be; the spec's default when `None`.
    pub version: Option<String>,
    /// When set, the auth fields must equal these values (wire name -> value).
    pub credentials: Option<Map<String, Value>>,
    /// At most this many idempotency keys (and the records they created) are kept; the
    /// oldest is forgotten first.
    pub ledger_capacity: usize,
    /// Synthesized rows a paged list adds to the records created through the mock.
    pub list_rows: usize,
    /// Faults drawn per call.
    pub faults: Vec<FaultRule>,
    /// Where and how webhooks are sent.
    pub webhooks: WebhookOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            version: None,
            credentials: None,
            ledger_capacity: DEFAULT_LEDGER_CAPACITY,
            list_rows: DEFAULT_LIST_ROWS,
            faults: Vec::new(),
            webhooks: WebhookOptions::default(),
        }
    }
}

/// Webhook delivery settings.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookOptions {
    /// Where events are POSTed; no delivery without it.
    pub url: Option<String>,
    /// When set, deliveries carry `x-signature`: the hex HMAC-SHA256 of the body.
    pub secret: Option<String>,
    /// Endpoint spec name -> event tags sent after each successful call of it.
    #[serde(default)]
    pub follow_ups: BTreeMap<String, Vec<String>>,
}

impl std::fmt::Debug for WebhookOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookOptions")
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("follow_ups", &self.follow_ups)
            .finish()
    }
}

/// The YAML config file of a run.
///
/// ```yaml
/// seed: 7
/// faults:
///   - { endpoint: open_card, probability: 0.1, fault: drop-after }
///   - { endpoint: "*", probability: 0.02, fault: "status=503" }
/// webhooks:
///   url: http://127.0.0.1:3000/webhooks
///   secret: shared-secret
///   follow_ups: { open_card: [order.status.success] }
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Seed (the `--seed` flag wins).
    pub seed: Option<u64>,
    /// Fault rules.
    #[serde(default)]
    pub faults: Vec<FaultRule>,
    /// Webhook settings (the `--webhook-*` flags win).
    pub webhooks: Option<WebhookOptions>,
}

impl RunConfig {
    /// Parses the YAML text of a config file.
    ///
    /// # Errors
    ///
    /// The parser's message (with line and column) when the text is not a valid config.
    pub fn parse(text: &str) -> Result<RunConfig, String> {
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    }
}

/// Parses `customer_id=10001001,app_id=100001,key=…` into auth field values, typed as the
/// spec's auth fields are (integers for `long`/`int`, strings otherwise).
///
/// # Errors
///
/// A message naming an item that is not `name=value`, names no auth field, or is not an
/// integer where one is expected. Values never appear in messages.
pub fn parse_credentials(api: &Api, text: &str) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| "credentials must be name=value pairs separated by commas".to_owned())?;
        let field = api
            .service
            .auth
            .iter()
            .find(|f| f.wire_name == name)
            .ok_or_else(|| format!("`{name}` is not an auth field of the spec"))?;
        let value = match field.ty {
            Type::Long | Type::Int => Value::from(
                value
                    .parse::<i64>()
                    .map_err(|_| format!("credential `{name}` must be an integer"))?,
            ),
            _ => Value::String(value.to_owned()),
        };
        map.insert(name.to_owned(), value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_parses() {
        let config = RunConfig::parse(
            "seed: 7\nfaults:\n  - { endpoint: open_card, probability: 0.1, fault: drop-after }\nwebhooks:\n  url: http://x.test/\n  follow_ups: { open_card: [order.status.success] }\n",
        )
        .unwrap();
        assert_eq!(config.seed, Some(7));
        assert_eq!(config.faults[0].endpoint, "open_card");
        let hooks = config.webhooks.unwrap();
        assert_eq!(hooks.follow_ups["open_card"], ["order.status.success"]);
        assert!(RunConfig::parse("sead: 7\n").is_err());
    }

    #[test]
    fn the_secret_stays_out_of_debug() {
        let hooks = WebhookOptions {
            secret: Some("s3cr3t".into()),
            ..WebhookOptions::default()
        };
        assert!(!format!("{hooks:?}").contains("s3cr3t"));
    }
}
