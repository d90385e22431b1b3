//! The idempotency ledger of money calls: per endpoint and key, a digest of the first body and
//! the first reply's exact bytes, whose `data` is the record the call created. Bounded: past
//! its capacity the oldest entry is forgotten (first in, first out).
//!
//! Records are kept only as the bytes of the reply (no parsed copy), copied to an allocation
//! of their exact size, so an entry costs about the size of its reply (about 1 KB for an
//! `open_card` of the card spec; see BENCHMARKS.md). Lookups scan the entries for the serialized `"field":value` pairs
//! of the filter before parsing a candidate.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

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
    /// Where the created record (`data`) is in `reply`, if the call created one.
    record: Option<Range<usize>>,
}

/// Key of an entry: endpoint position and idempotency key value.
type Key = (usize, Box<str>);

/// The ledger; not synchronized (the server holds it behind a mutex).
#[derive(Debug)]
pub struct Ledger {
    capacity: usize,
    /// Endpoint position -> spec key of the object its records are (`Order`).
    record_types: Vec<Option<String>>,
    order: VecDeque<Key>,
    entries: HashMap<Key, Entry>,
}

impl Ledger {
    /// An empty ledger keeping at most `capacity` entries (at least one); the records of
    /// endpoint `i` are objects of `record_types[i]`.
    pub fn new(capacity: usize, record_types: Vec<Option<String>>) -> Self {
        Ledger {
            capacity: capacity.max(1),
            record_types,
            order: VecDeque::new(),
            entries: HashMap::new(),
        }
    }

    /// What is known of `key` at `endpoint` for a call with `body`.
    pub fn seen(&self, endpoint: usize, key: &str, body: &Value) -> Seen {
        match self.entries.get(&(endpoint, Box::from(key))) {
            None => Seen::Fresh,
            Some(entry) if entry.body_digest == digest(body) => Seen::Replay(entry.reply.clone()),
            Some(_) => Seen::Conflict,
        }
    }

    /// Remembers the first reply to `key` at `endpoint`, and where in it the created record is.
    pub fn insert(
        &mut self,
        endpoint: usize,
        key: &str,
        body: &Value,
        reply: Bytes,
        record: Option<Range<usize>>,
    ) {
        let id: Key = (endpoint, Box::from(key));
        let record = record.filter(|r| r.end <= reply.len() && r.start <= r.end);
        let entry = Entry {
            body_digest: digest(body),
            // The reply was built in a buffer with spare capacity.
            reply: Bytes::copy_from_slice(&reply),
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

    /// The JSON bytes of the records of type `object_key` whose top-level fields equal every
    /// `(field, value)` of `filter`, newest first.
    pub fn records<'a>(
        &'a self,
        object_key: &'a str,
        filter: &'a [(String, Value)],
    ) -> impl Iterator<Item = Bytes> + 'a {
        let needles = needles(filter);
        self.candidates(needles, filter)
            .filter(move |(endpoint, _)| {
                self.record_types.get(*endpoint).and_then(Option::as_deref) == Some(object_key)
            })
            .map(|(_, bytes)| bytes)
    }

    /// The newest record matching every field of `filter`, of type `preferred` if there is
    /// one, else of any type; with its object key.
    pub fn any_record(
        &self,
        preferred: &str,
        filter: &[(String, Value)],
    ) -> Option<(String, Bytes)> {
        let typed = |(endpoint, bytes): (usize, Bytes)| {
            let key = self.record_types.get(endpoint)?.clone()?;
            Some((key, bytes))
        };
        self.candidates(needles(filter), filter)
            .filter_map(typed)
            .find(|(key, _)| key == preferred)
            .or_else(|| self.candidates(needles(filter), filter).find_map(typed))
    }

    /// Records (with their endpoint) matching `filter`, newest first.
    fn candidates<'a>(
        &'a self,
        needles: Vec<Vec<u8>>,
        filter: &'a [(String, Value)],
    ) -> impl Iterator<Item = (usize, Bytes)> + 'a {
        self.order.iter().rev().filter_map(move |id| {
            let entry = self.entries.get(id)?;
            let range = entry.record.clone()?;
            let bytes = entry.reply.slice(range);
            let all_found = needles
                .iter()
                .all(|needle| memchr::memmem::find(&bytes, needle).is_some());
            (all_found && matches(&bytes, filter)).then_some((id.0, bytes))
        })
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

/// The `"field":value` texts a matching record must contain (compact JSON, as the mock
/// writes it).
fn needles(filter: &[(String, Value)]) -> Vec<Vec<u8>> {
    filter
        .iter()
        .filter_map(|(field, value)| {
            let mut needle = serde_json::to_vec(field).ok()?;
            needle.push(b':');
            needle.extend(serde_json::to_vec(value).ok()?);
            Some(needle)
        })
        .collect()
}

/// Do the top-level fields of the record equal the filter's? (The needles can also match
/// nested objects.)
fn matches(record: &[u8], filter: &[(String, Value)]) -> bool {
    if filter.is_empty() {
        return true;
    }
    match serde_json::from_slice::<Value>(record) {
        Ok(record) => filter.iter().all(|(f, v)| record.get(f) == Some(v)),
        Err(_) => false,
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

    /// A reply `{"data":…}` and the range of the record in it.
    fn reply(record: &Value) -> (Bytes, Range<usize>) {
        let data = serde_json::to_vec(record).unwrap();
        let mut reply = b"{\"data\":".to_vec();
        let start = reply.len();
        reply.extend(&data);
        let end = reply.len();
        reply.push(b'}');
        (Bytes::from(reply), start..end)
    }

    fn types() -> Vec<Option<String>> {
        vec![Some("Order".into()), Some("Card".into())]
    }

    fn parsed(records: impl Iterator<Item = Bytes>) -> Vec<Value> {
        records
            .map(|b| serde_json::from_slice(&b).unwrap())
            .collect()
    }

    #[test]
    fn same_body_replays_and_other_body_conflicts() {
        let mut ledger = Ledger::new(10, types());
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
        let mut ledger = Ledger::new(2, types());
        for key in ["a", "b", "c"] {
            let (bytes, range) = reply(&json!({"id": key}));
            ledger.insert(0, key, &json!({}), bytes, Some(range));
        }
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger.seen(0, "a", &json!({})), Seen::Fresh);
        assert_eq!(
            parsed(ledger.records("Order", &[])),
            [json!({"id": "c"}), json!({"id": "b"})]
        );
    }

    #[test]
    fn records_match_every_top_level_filter_field() {
        let mut ledger = Ledger::new(10, types());
        let records = [
            (0, json!({"id": "a", "s": 1})),
            (0, json!({"id": "b", "s": 1, "lines": [{"id": "a"}]})),
            (1, json!({"id": "c", "s": 1})),
        ];
        for (endpoint, record) in &records {
            let (bytes, range) = reply(record);
            ledger.insert(
                *endpoint,
                record["id"].as_str().unwrap(),
                &json!({}),
                bytes,
                Some(range),
            );
        }
        let filter = [("s".to_owned(), json!(1))];
        assert_eq!(ledger.records("Order", &filter).count(), 2);
        let filter = [("id".to_owned(), json!("a"))];
        assert_eq!(
            parsed(ledger.records("Order", &filter)),
            [json!({"id": "a", "s": 1})],
            "a nested id does not match"
        );
        let filter = [("id".to_owned(), json!("c"))];
        assert_eq!(
            ledger.any_record("Order", &filter).map(|(k, _)| k),
            Some("Card".to_owned())
        );
        ledger.clear();
        assert_eq!(ledger.len(), 0);
    }

    #[test]
    fn needles_are_compact_json_pairs() {
        assert_eq!(
            needles(&[("a".into(), json!("x\"y"))]),
            [br#""a":"x\"y""#.to_vec()]
        );
    }
}
