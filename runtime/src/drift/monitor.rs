//! [`DriftMonitor`]: one client's record of drift (sampling, counts, log-once, hooks, strict
//! mode, capture).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use super::shape::{Finding, Walk, walk};
use super::{
    CHECK_EVERY, CHECK_FIRST, Capture, Drift, DriftKind, FLAGGED_EVERY, FLAGGED_FIRST,
    NEVER_ARRIVED_AFTER, Shape,
};

/// A function called with every drift occurrence (see [`ClientBuilder::on_drift`](crate::ClientBuilder::on_drift)).
pub(crate) type Hook = Arc<dyn Fn(&Drift) + Send + Sync>;

/// How often one (endpoint, path, kind) was seen, from [`DriftMonitor::snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftCount {
    /// The endpoint (or webhook event).
    pub endpoint: &'static str,
    /// Normalised JSON path.
    pub path: String,
    /// What was seen.
    pub kind: DriftKind,
    /// In how many checked responses (or deliveries) it was seen.
    pub count: u64,
}

/// How many responses one endpoint answered, and how many the probe flagged, from
/// [`DriftMonitor::responses`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCount {
    /// The endpoint.
    pub endpoint: &'static str,
    /// Responses decoded (drift detection on).
    pub responses: u64,
    /// Of those, the ones the probe flagged as possible drift.
    pub flagged: u64,
}

/// One client's drift record: which responses to check, what was seen how often, who to
/// tell. A [`Client`](crate::Client) owns one ([`Client::drift`](crate::Client::drift)); a
/// webhook `Receiver` (feature `webhooks`) can share it.
pub struct DriftMonitor {
    enabled: bool,
    strict: bool,
    hooks: Vec<Hook>,
    capture: Option<Capture>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Responses seen and flagged per endpoint (checked or not).
    responses: HashMap<&'static str, Counts>,
    counts: BTreeMap<(&'static str, String, DriftKind), u64>,
    /// Per optional field: whether it ever arrived, and in how many checks it did not.
    optional: HashMap<(&'static str, String), Presence>,
}

#[derive(Default)]
struct Counts {
    seen: u64,
    flagged: u64,
}

#[derive(Default)]
struct Presence {
    arrived: bool,
    absent: u32,
}

impl fmt::Debug for DriftMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriftMonitor")
            .field("enabled", &self.enabled)
            .field("strict", &self.strict)
            .field("hooks", &self.hooks.len())
            .field("capture", &self.capture)
            .finish_non_exhaustive()
    }
}

impl Default for DriftMonitor {
    fn default() -> Self {
        Self::new()
    }
}

impl DriftMonitor {
    /// A monitor that logs and counts (not strict, no hooks, no capture): for a webhook
    /// parser used without a client.
    pub fn new() -> Self {
        Self::with(true, false, Vec::new(), None)
    }

    pub(crate) fn with(
        enabled: bool,
        strict: bool,
        hooks: Vec<Hook>,
        capture: Option<Capture>,
    ) -> Self {
        Self {
            enabled,
            strict,
            hooks,
            capture,
            state: Mutex::new(State::default()),
        }
    }

    /// Whether drift is detected at all ([`ClientBuilder::drift_detection`](crate::ClientBuilder::drift_detection)).
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether drift fails the call ([`ClientBuilder::strict`](crate::ClientBuilder::strict)).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Every (endpoint, path, kind) seen so far with its count, sorted.
    pub fn snapshot(&self) -> Vec<DriftCount> {
        self.lock()
            .counts
            .iter()
            .map(|((endpoint, path, kind), count)| DriftCount {
                endpoint,
                path: path.clone(),
                kind: *kind,
                count: *count,
            })
            .collect()
    }

    /// Records one drift occurrence: counted, logged at `warn` the first time its (endpoint,
    /// path, kind) is seen, and passed to the hooks.
    pub fn report(&self, drift: &Drift) {
        let first = {
            let mut state = self.lock();
            let count = state
                .counts
                .entry((drift.endpoint, drift.path.clone(), drift.kind))
                .or_insert(0);
            *count += 1;
            *count == 1
        };
        if first {
            tracing::warn!(
                endpoint = drift.endpoint,
                path = %drift.path,
                kind = drift.kind.as_str(),
                sample = drift.sample.as_deref(),
                "the response differs from the spec"
            );
        }
        for hook in &self.hooks {
            hook(drift);
        }
    }

    /// Checks one webhook delivery: an unknown tag (an event whose
    /// [`kind`](crate::webhook::WebhookEvent::kind) is `None`) is reported under the endpoint
    /// `webhook` and the path of the tag field, the sample being the log-safe tag cut to 32
    /// characters; the payload of a known tag is compared with its declared shape
    /// ([`WebhookEvent::payload_shape`](crate::webhook::WebhookEvent::payload_shape)) and
    /// reported under `webhooks.<kind>`, with paths from `data` (the payload object, enveloped
    /// or flat). [`Receiver::drift`](crate::webhook::Receiver::drift) calls it for every
    /// delivery, with the body that parsed into `event`. Drift never rejects a delivery, even
    /// in strict mode: the vendor would only send it again.
    #[cfg(feature = "webhooks")]
    pub fn observe_webhook<E: crate::webhook::WebhookEvent>(&self, event: &E, body: &[u8]) {
        if !self.enabled {
            return;
        }
        let shape = E::payload_shape(event.tag());
        if event.kind().is_some() && shape.is_none() {
            return;
        }
        let payload = || {
            let body = body.strip_prefix(crate::webhook::UTF8_BOM).unwrap_or(body);
            let Ok(Value::Object(mut members)) = serde_json::from_slice::<Value>(body) else {
                return Value::Null;
            };
            match members.remove(E::SPEC.data_field) {
                Some(data) => data,
                None => {
                    members.remove(E::SPEC.tag_field);
                    Value::Object(members)
                }
            }
        };
        match shape {
            Some((endpoint, shape)) if event.kind().is_some() => {
                self.check(endpoint, shape, &payload());
            }
            _ => {
                let tag: String = event.tag().chars().take(32).collect();
                let drift = Drift {
                    endpoint: "webhook",
                    path: E::SPEC.tag_field.to_owned(),
                    kind: DriftKind::UnknownWebhookTag,
                    sample: Some(crate::redact::mask_card_numbers(&tag).into_owned()),
                };
                // The payload's shape lets `cargo xtask drift` tell which kind the tag is of.
                if let Some(capture) = &self.capture {
                    capture.write(drift.endpoint, &payload(), std::slice::from_ref(&drift));
                }
                self.report(&drift);
            }
        }
    }

    /// Reports one drift seen outside `data` (an unknown business error code), writing its
    /// capture line (with no shape) too.
    pub(crate) fn record(&self, drift: &Drift) {
        if let Some(capture) = &self.capture {
            capture.write(drift.endpoint, &Value::Null, std::slice::from_ref(drift));
        }
        self.report(drift);
    }

    /// Whether this response of `endpoint` is to be compared with its shape: all of them in
    /// strict mode or when capturing; else the first [`CHECK_FIRST`] and one in
    /// [`CHECK_EVERY`] after that (for the never-arrives statistics), and of the responses the
    /// probe `flagged`, the first [`FLAGGED_FIRST`] and one in [`FLAGGED_EVERY`] after that
    /// (drift that keeps coming is counted from a sample, so that it does not make every call
    /// pay for a second parse).
    pub(crate) fn should_check(&self, endpoint: &'static str, flagged: bool) -> bool {
        if !self.enabled {
            return false;
        }
        let mut state = self.lock();
        let counts = state.responses.entry(endpoint).or_default();
        counts.seen += 1;
        if flagged {
            counts.flagged += 1;
        }
        if self.strict || self.capture.is_some() {
            return true;
        }
        let sampled =
            |n: u64, first: u64, every: u64| n <= first || (n - first).is_multiple_of(every);
        sampled(counts.seen, CHECK_FIRST, CHECK_EVERY)
            || (flagged && sampled(counts.flagged, FLAGGED_FIRST, FLAGGED_EVERY))
    }

    /// Per endpoint, how many responses it has answered and how many of them the probe
    /// flagged as possible drift (exact, while the walks that name the paths, and so the
    /// counts of [`snapshot`](Self::snapshot), are sampled once drift keeps coming), sorted by
    /// endpoint.
    pub fn responses(&self) -> Vec<ResponseCount> {
        let mut out: Vec<ResponseCount> = self
            .lock()
            .responses
            .iter()
            .map(|(endpoint, counts)| ResponseCount {
                endpoint,
                responses: counts.seen,
                flagged: counts.flagged,
            })
            .collect();
        out.sort_by_key(|c| c.endpoint);
        out
    }

    /// Compares the `data` of a decoded response with `shape`, reports what differs and
    /// writes the capture line. Returns the first drift when strict.
    pub(crate) fn check(
        &self,
        endpoint: &'static str,
        shape: &Shape,
        data: &Value,
    ) -> Option<Drift> {
        let mut walk_result = Walk::default();
        walk(shape, data, &mut "data".to_owned(), &mut walk_result);
        let mut drifts: Vec<Drift> = walk_result
            .findings
            .into_iter()
            .map(|Finding { path, kind, sample }| Drift {
                endpoint,
                path,
                kind,
                sample,
            })
            .collect();
        // The walk keeps one finding per (path, kind); reported in a stable order.
        drifts.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
        drifts.extend(self.never_arrived(endpoint, walk_result.optional_fields));
        if let Some(capture) = &self.capture {
            capture.write(endpoint, data, &drifts);
        }
        for drift in &drifts {
            self.report(drift);
        }
        if self.strict {
            drifts
                .into_iter()
                .find(|d| d.kind != DriftKind::NeverArrived)
        } else {
            None
        }
    }

    /// Updates the presence record of the optional fields (one entry per path, from the
    /// walk); the fields that just reached [`NEVER_ARRIVED_AFTER`] absences without ever
    /// arriving.
    fn never_arrived(&self, endpoint: &'static str, fields: Vec<(String, bool)>) -> Vec<Drift> {
        let mut state = self.lock();
        let mut out = Vec::new();
        for (path, arrived) in fields {
            let presence = state.optional.entry((endpoint, path.clone())).or_default();
            if arrived {
                presence.arrived = true;
            } else if !presence.arrived {
                presence.absent += 1;
                if presence.absent == NEVER_ARRIVED_AFTER {
                    out.push(Drift {
                        endpoint,
                        path,
                        kind: DriftKind::NeverArrived,
                        sample: None,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent through a panicking hook (hooks run outside the lock).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;
    use crate::drift::{FieldShape, ObjectShape};

    static TEXT: Shape = Shape::Text;
    static ITEM: ObjectShape = ObjectShape {
        name: "Item",
        fields: &[
            FieldShape::required("id", &TEXT),
            FieldShape::optional("note", &TEXT),
        ],
    };
    static ITEM_SHAPE: Shape = Shape::Object(&ITEM);

    #[test]
    fn each_drift_is_counted_per_response_and_hooked() {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let hook: Hook = Arc::new(move |_: &Drift| {
            seen.fetch_add(1, Ordering::Relaxed);
        });
        let monitor = DriftMonitor::with(true, false, vec![hook], None);
        for _ in 0..3 {
            let strict = monitor.check("get_item", &ITEM_SHAPE, &json!({"id": "a", "extra": 1}));
            assert_eq!(strict, None);
        }
        assert_eq!(
            monitor.snapshot(),
            [DriftCount {
                endpoint: "get_item",
                path: "data.extra".to_owned(),
                kind: DriftKind::UnknownField,
                count: 3,
            }]
        );
        assert_eq!(calls.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn strict_mode_returns_the_first_drift() {
        let monitor = DriftMonitor::with(true, true, Vec::new(), None);
        let drift = monitor.check("get_item", &ITEM_SHAPE, &json!({"id": ""}));
        assert_eq!(
            drift.map(|d| (d.path, d.kind)),
            Some(("data.id".to_owned(), DriftKind::EmptyValue))
        );
        assert!(monitor.should_check("get_item", false));
    }

    #[test]
    fn an_optional_field_never_arriving_is_reported_once_after_the_threshold() {
        let monitor = DriftMonitor::new();
        for _ in 0..NEVER_ARRIVED_AFTER + 5 {
            monitor.check("get_item", &ITEM_SHAPE, &json!({"id": "a"}));
        }
        assert_eq!(
            monitor.snapshot(),
            [DriftCount {
                endpoint: "get_item",
                path: "data.note".to_owned(),
                kind: DriftKind::NeverArrived,
                count: 1,
            }]
        );
        // One that arrived once is never reported.
        let monitor = DriftMonitor::new();
        monitor.check("get_item", &ITEM_SHAPE, &json!({"id": "a", "note": "n"}));
        for _ in 0..NEVER_ARRIVED_AFTER + 5 {
            monitor.check("get_item", &ITEM_SHAPE, &json!({"id": "a"}));
        }
        assert_eq!(monitor.snapshot(), []);
    }

    #[test]
    fn responses_are_sampled_after_the_first_ones() {
        let monitor = DriftMonitor::new();
        let checked = (0..CHECK_FIRST + 2 * CHECK_EVERY)
            .filter(|_| monitor.should_check("list", false))
            .count();
        assert_eq!(checked as u64, CHECK_FIRST + 2);
        // Flagged ones: the first FLAGGED_FIRST, then one in FLAGGED_EVERY (besides the
        // regular sample, which these calls have used up).
        let monitor = DriftMonitor::new();
        for _ in 0..CHECK_FIRST {
            monitor.should_check("list", false);
        }
        let checked = (0..FLAGGED_FIRST + 3 * FLAGGED_EVERY)
            .filter(|_| monitor.should_check("list", true))
            .count();
        assert_eq!(checked as u64, FLAGGED_FIRST + 3);
        assert_eq!(
            monitor.responses(),
            [ResponseCount {
                endpoint: "list",
                responses: CHECK_FIRST + FLAGGED_FIRST + 3 * FLAGGED_EVERY,
                flagged: FLAGGED_FIRST + 3 * FLAGGED_EVERY,
            }]
        );
    }
}
