//! The request log (`GET /__mock/requests`): the latest requests with what the mock did,
//! their bodies with every sensitive field redacted.

use std::collections::VecDeque;

use apigen::model::{Api, Field, Type};
use apigen_runtime::redact::{Last4, Redacted};
use serde::Serialize;
use serde_json::Value;

/// How many requests the log keeps (the oldest is dropped first).
pub const CAPACITY: usize = 1000;

/// One logged request.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Position since start-up (or the last reset), from 1.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// Spec name of the endpoint, if the path names one.
    pub endpoint: Option<String>,
    /// Faults applied, in header syntax (empty for none).
    pub faults: String,
    /// What happened: `answered`, `replayed`, `rejected`, `dropped`, …
    pub outcome: String,
    /// HTTP status sent (none when the connection was dropped).
    pub status: Option<u16>,
    /// Business code sent in the envelope, if any, as JSON (a number or a string).
    pub code: Option<Value>,
    /// The body, sensitive fields redacted; `null` when it was not JSON.
    pub body: Value,
}

/// The log; not synchronized (the server holds it behind a mutex).
#[derive(Debug, Default)]
pub struct RequestLog {
    next: u64,
    entries: VecDeque<Entry>,
}

impl RequestLog {
    /// Appends `entry`, numbering it.
    pub fn push(&mut self, mut entry: Entry) {
        self.next += 1;
        entry.seq = self.next;
        self.entries.push_back(entry);
        if self.entries.len() > CAPACITY {
            self.entries.pop_front();
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Forgets everything and numbers from 1 again.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.next = 0;
    }
}

/// `body` with every field marked sensitive among `fields` (recursively through objects and
/// arrays) replaced: `"<redacted>"`, or `"…1234"` for last-four fields.
pub fn redact(api: &Api, fields: &[&Field], body: &Value) -> Value {
    let Value::Object(map) = body else {
        return body.clone();
    };
    let mut out = map.clone();
    for field in fields {
        if let Some(value) = out.get_mut(&field.wire_name) {
            *value = redact_field(api, field, value);
        }
    }
    Value::Object(out)
}

fn redact_field(api: &Api, field: &Field, value: &Value) -> Value {
    if field.sensitive {
        let shown = match value {
            Value::String(s) if field.redact_last4 => format!("{:?}", Last4(s)),
            _ => format!("{Redacted:?}"),
        };
        return Value::String(shown.trim_matches('"').to_owned());
    }
    redact_typed(api, &field.ty, value)
}

fn redact_typed(api: &Api, ty: &Type, value: &Value) -> Value {
    match (ty, value) {
        (Type::Object(name), Value::Object(_)) => {
            let fields: Vec<&Field> = api
                .object(name)
                .map(|o| o.fields.iter().collect())
                .unwrap_or_default();
            redact(api, &fields, value)
        }
        (Type::Array(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| redact_typed(api, item, v)).collect())
        }
        _ => value.clone(),
    }
}
