//! Fault injection: the faults one request asks for in its `X-Mock-Fault` header, and the
//! faults a run's config file draws per endpoint with seeded probabilities.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng;
use serde::Deserialize;

use crate::synth::rng_for;

/// The request header naming faults, comma-separated.
pub const HEADER: &str = "x-mock-fault";

/// Faults to apply to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// `status=503`: answer this HTTP status with an HTML body, without processing.
    pub status: Option<u16>,
    /// `delay-ms=2000`: wait this long before anything else.
    pub delay: Option<Duration>,
    /// `drop-before`: close the connection without processing or replying.
    pub drop_before: bool,
    /// `drop-after`: process and record the call, then close without replying.
    pub drop_after: bool,
    /// `truncate`: send only the first half of the reply body.
    pub truncate: bool,
    /// `code=1005` (or `code=E429` where codes are strings): answer this business code in the
    /// envelope, without processing. Kept as written; read by the spec's kind of code.
    pub code: Option<String>,
    /// `drift`: process as usual, then add the undeclared field [`DRIFT_FIELD`] to every
    /// object in the reply's `data`, so that a client's drift detection has something to find.
    pub drift: bool,
}

/// The field the `drift` fault adds to every object of a reply's `data`.
pub const DRIFT_FIELD: &str = "mock_drift";

impl Faults {
    /// Parses a header value such as `delay-ms=200, drop-after`.
    ///
    /// # Errors
    ///
    /// A message naming the item that is not a known fault or has a bad value.
    pub fn parse(text: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (item, None),
            };
            let bad = || {
                format!(
                    "bad fault `{item}`: expected status=NNN, delay-ms=N, drop-before, drop-after, truncate, code=N or drift"
                )
            };
            match (name, value) {
                ("status", Some(v)) => {
                    let status = v
                        .parse::<u16>()
                        .ok()
                        .filter(|s| (100..=999).contains(s))
                        .ok_or_else(bad)?;
                    faults.status = Some(status);
                }
                ("delay-ms", Some(v)) => {
                    faults.delay = Some(Duration::from_millis(v.parse().map_err(|_| bad())?));
                }
                ("code", Some(v)) if !v.is_empty() => faults.code = Some(v.to_owned()),
                ("drop-before", None) => faults.drop_before = true,
                ("drop-after", None) => faults.drop_after = true,
                ("truncate", None) => faults.truncate = true,
                ("drift", None) => faults.drift = true,
                _ => return Err(bad()),
            }
        }
        Ok(faults)
    }

    /// Adds the faults of `other`; its values win where both set one.
    pub fn merge(&mut self, other: Faults) {
        self.status = other.status.or(self.status);
        self.delay = other.delay.or(self.delay);
        self.code = other.code.or(self.code.take());
        self.drop_before |= other.drop_before;
        self.drop_after |= other.drop_after;
        self.truncate |= other.truncate;
        self.drift |= other.drift;
    }

    /// The faults in header syntax, for the request log.
    pub fn describe(&self) -> String {
        let mut items = Vec::new();
        if let Some(s) = self.status {
            items.push(format!("status={s}"));
        }
        if let Some(d) = self.delay {
            items.push(format!("delay-ms={}", d.as_millis()));
        }
        if self.drop_before {
            items.push("drop-before".to_owned());
        }
        if self.drop_after {
            items.push("drop-after".to_owned());
        }
        if self.truncate {
            items.push("truncate".to_owned());
        }
        if let Some(c) = &self.code {
            items.push(format!("code={c}"));
        }
        if self.drift {
            items.push("drift".to_owned());
        }
        items.join(",")
    }
}

/// One rule of a run's config: with `probability`, a call of `endpoint` (its spec name, or
/// `*` for every endpoint) gets `fault` (header syntax, possibly several).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Spec name of the endpoint, or `*`.
    pub endpoint: String,
    /// Between 0 and 1.
    pub probability: f64,
    /// Faults in `X-Mock-Fault` syntax.
    pub fault: String,
}

/// The config rules, parsed, with a counter of calls per endpoint: the n-th call of an
/// endpoint draws from a generator seeded with the run's seed, the endpoint and n, so a
/// soak test replays the same faults in the same order.
#[derive(Debug)]
pub struct FaultPlan {
    seed: u64,
    rules: Vec<(String, f64, Faults)>,
    calls: Vec<AtomicU64>,
}

impl FaultPlan {
    /// Checks and parses `rules` for a spec with these endpoint names.
    ///
    /// # Errors
    ///
    /// A message naming the rule with an unknown endpoint, a probability outside 0..=1 or a
    /// bad fault.
    pub fn new(seed: u64, rules: &[FaultRule], endpoint_names: &[&str]) -> Result<Self, String> {
        let mut parsed = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.endpoint != "*" && !endpoint_names.contains(&rule.endpoint.as_str()) {
                return Err(format!(
                    "fault rule {}: the spec has no endpoint `{}`",
                    i + 1,
                    rule.endpoint
                ));
            }
            if !(0.0..=1.0).contains(&rule.probability) {
                return Err(format!(
                    "fault rule {}: probability must be between 0 and 1",
                    i + 1
                ));
            }
            let faults =
                Faults::parse(&rule.fault).map_err(|e| format!("fault rule {}: {e}", i + 1))?;
            parsed.push((rule.endpoint.clone(), rule.probability, faults));
        }
        Ok(FaultPlan {
            seed,
            rules: parsed,
            calls: endpoint_names.iter().map(|_| AtomicU64::new(0)).collect(),
        })
    }

    /// The faults drawn for the next call of endpoint `index` named `name`.
    pub fn draw(&self, index: usize, name: &str) -> Faults {
        let mut faults = Faults::default();
        let applicable: Vec<&(String, f64, Faults)> = self
            .rules
            .iter()
            .filter(|(e, _, _)| e == "*" || e == name)
            .collect();
        if applicable.is_empty() {
            return faults;
        }
        let n = self
            .calls
            .get(index)
            .map_or(0, |c| c.fetch_add(1, Ordering::Relaxed));
        let mut rng = rng_for(self.seed, &["faults", name, &n.to_string()]);
        for (_, probability, rule_faults) in applicable {
            if rng.random::<f64>() < *probability {
                faults.merge(rule_faults.clone());
            }
        }
        faults
    }

    /// Restarts the call counters (the draws start over).
    pub fn reset(&self) {
        for counter in &self.calls {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_fault() {
        let f = Faults::parse(
            "status=503, delay-ms=20,drop-before,drop-after,truncate,code=1005,drift",
        )
        .unwrap();
        assert_eq!(f.status, Some(503));
        assert_eq!(f.delay, Some(Duration::from_millis(20)));
        assert!(f.drop_before && f.drop_after && f.truncate && f.drift);
        assert_eq!(f.code.as_deref(), Some("1005"));
        assert_eq!(
            f.describe(),
            "status=503,delay-ms=20,drop-before,drop-after,truncate,code=1005,drift"
        );
        assert_eq!(Faults::parse("").unwrap(), Faults::default());
    }

    #[test]
    fn rejects_unknown_or_malformed_faults() {
        for bad in [
            "explode",
            "status=abc",
            "status=42",
            "delay-ms",
            "truncate=1",
            "code=",
            "drift=1",
        ] {
            let error = Faults::parse(bad).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
    }

    #[test]
    fn plans_are_reproducible_and_follow_the_probability() {
        let rules = [FaultRule {
            endpoint: "open_card".into(),
            probability: 0.3,
            fault: "drop-after".into(),
        }];
        let names = ["open_card", "get_wallet_detail"];
        let draws = |plan: &FaultPlan| {
            (0..1000)
                .map(|_| plan.draw(0, "open_card").drop_after)
                .collect::<Vec<_>>()
        };
        let plan = FaultPlan::new(9, &rules, &names).unwrap();
        let first = draws(&plan);
        plan.reset();
        assert_eq!(draws(&plan), first);
        let hits = first.iter().filter(|d| **d).count();
        assert!((240..=360).contains(&hits), "{hits} of 1000 at p=0.3");
        assert_eq!(plan.draw(1, "get_wallet_detail"), Faults::default());
    }

    #[test]
    fn rejects_bad_rules() {
        let rule = |endpoint: &str, probability, fault: &str| FaultRule {
            endpoint: endpoint.into(),
            probability,
            fault: fault.into(),
        };
        assert!(
            FaultPlan::new(0, &[rule("nope", 0.1, "truncate")], &["a"])
                .unwrap_err()
                .contains("nope")
        );
        assert!(FaultPlan::new(0, &[rule("*", 1.5, "truncate")], &["a"]).is_err());
        assert!(FaultPlan::new(0, &[rule("a", 0.5, "boom")], &["a"]).is_err());
    }
}
