//! The idempotency ledger of money calls: per endpoint and key, a digest of the first body,
//! the first reply's exact bytes and the record it created. Bounded: past its capacity the
//! oldest entry is forgotten (first in, first out).

use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What the ledger says about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Never seen (or forgotten): process the call.
    Fresh,
    /// Seen with the same body: send these bytes again.
    Replay(Bytes),
    /// Seen with a different body.
    Conflict,
}

#[derive(Debug)]
struct Entry {
    body_digest: [u8; 32],
    reply: Bytes,
    /// The object created, and the spec key of its type (`Order`).
    record: Option<(String, Value)>,
}

/// Key of an entry: endpoint position and idempotency key value.
type Key = (usize, String);

/// The ledger; not synchronized (the server holds it behind a mutex).
#[derive(Debug)]
pub struct Ledger {
    capacity: usize,
    order: VecDeque<Key>,
    entries: HashMap<Key, Entry>,
}

impl Ledger {
    /// An empty ledger keeping at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Ledger {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            entries: HashMap::new(),
        }
    }

    /// What is known of `key` at `endpoint` for a call with `body`.
    pub fn seen(&self, endpoint: usize, key: &str, body: &Value) -> Seen {
        match self.entries.get(&(endpoint, key.to_owned())) {
            None => Seen::Fresh,
            Some(entry) if entry.body_digest == digest(body) => Seen::Replay(entry.reply.clone()),
            Some(_) => Seen::Conflict,
        }
    }

    /// Remembers the first reply to `key` at `endpoint`, and the record it created.
    pub fn insert(
        &mut self,
        endpoint: usize,
        key: &str,
        body: &Value,
        reply: Bytes,
        record: Option<(String, Value)>,
    ) {
        let id = (endpoint, key.to_owned());
        let entry = Entry {
            body_digest: digest(body),
            reply,
            record,
        };
        if self.entries.insert(id.clone(), entry).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.entries.remove(&oldest);
            }
        }
    }

    /// Records of type `object_key` whose fields equal every `(field, value)` of `filter`,
    /// newest first.
    pub fn records<'a>(
        &'a self,
        object_key: &'a str,
        filter: &'a [(String, Value)],
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.order
            .iter()
            .rev()
            .filter_map(|id| self.entries.get(id)?.record.as_ref())
            .filter(move |(key, _)| key == object_key)
            .map(|(_, record)| record)
            .filter(move |record| filter.iter().all(|(f, v)| record.get(f) == Some(v)))
    }

    /// The newest record matching every field of `filter`, of type `preferred` if there is
    /// one, else of any type; with its object key.
    pub fn any_record(
        &self,
        preferred: &str,
        filter: &[(String, Value)],
    ) -> Option<(&str, &Value)> {
        let matching = || {
            self.order
                .iter()
                .rev()
                .filter_map(|id| self.entries.get(id)?.record.as_ref())
                .filter(|(_, record)| filter.iter().all(|(f, v)| record.get(f) == Some(v)))
                .map(|(key, record)| (key.as_str(), record))
        };
        matching()
            .find(|(key, _)| *key == preferred)
            .or_else(|| matching().next())
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.order.clear();
        self.entries.clear();
    }
}

/// SHA-256 of the body's canonical JSON (keys sorted), so key order does not matter.
fn digest(body: &Value) -> [u8; 32] {
    let canonical = serde_json::to_vec(body).unwrap_or_default();
    Sha256::digest(&canonical).into()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn same_body_replays_and_other_body_conflicts() {
        let mut ledger = Ledger::new(10);
        let body = json!({"out_order_id": "a", "amount": 10});
        assert_eq!(ledger.seen(0, "a", &body), Seen::Fresh);
        ledger.insert(0, "a", &body, Bytes::from_static(b"reply"), None);
        let reordered: Value =
            serde_json::from_str(r#"{"amount": 10, "out_order_id": "a"}"#).unwrap();
        assert_eq!(
            ledger.seen(0, "a", &reordered),
            Seen::Replay(Bytes::from_static(b"reply"))
        );
        assert_eq!(
            ledger.seen(0, "a", &json!({"out_order_id": "a", "amount": 11})),
            Seen::Conflict
        );
        assert_eq!(
            ledger.seen(1, "a", &body),
            Seen::Fresh,
            "keys are per endpoint"
        );
    }

    #[test]
    fn the_oldest_entry_goes_past_capacity() {
        let mut ledger = Ledger::new(2);
        for key in ["a", "b", "c"] {
            ledger.insert(
                0,
                key,
                &json!({}),
                Bytes::new(),
                Some(("Order".into(), json!({"id": key}))),
            );
        }
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger.seen(0, "a", &json!({})), Seen::Fresh);
        let ids: Vec<&Value> = ledger.records("Order", &[]).collect();
        assert_eq!(ids, [&json!({"id": "c"}), &json!({"id": "b"})]);
    }

    #[test]
    fn records_match_every_filter_field() {
        let mut ledger = Ledger::new(10);
        ledger.insert(
            0,
            "a",
            &json!({}),
            Bytes::new(),
            Some(("Order".into(), json!({"id": "a", "s": 1}))),
        );
        ledger.insert(
            0,
            "b",
            &json!({}),
            Bytes::new(),
            Some(("Order".into(), json!({"id": "b", "s": 1}))),
        );
        ledger.insert(
            1,
            "c",
            &json!({}),
            Bytes::new(),
            Some(("Card".into(), json!({"id": "c", "s": 1}))),
        );
        let filter = [("s".to_owned(), json!(1))];
        assert_eq!(ledger.records("Order", &filter).count(), 2);
        let filter = [("id".to_owned(), json!("a")), ("s".to_owned(), json!(1))];
        assert_eq!(
            ledger.records("Order", &filter).collect::<Vec<_>>(),
            [&json!({"id": "a", "s": 1})]
        );
        ledger.clear();
        assert_eq!(ledger.len(), 0);
    }
}
