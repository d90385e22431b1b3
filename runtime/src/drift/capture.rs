//! The opt-in capture file: one JSON line per checked response with the *shape* of its `data`
//! (JSON types, never values) and the drift found in it.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde_json::{Map, Value, json};

use super::shape::json_type;
use super::{Drift, is_field_name};

/// An open capture file (appended to; see [`ClientBuilder::drift_capture`](crate::ClientBuilder::drift_capture)).
pub(crate) struct Capture {
    path: PathBuf,
    file: Mutex<BufWriter<File>>,
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Capture").field(&self.path).finish()
    }
}

impl Capture {
    /// Opens (creates or appends to) the file at `path`.
    pub(crate) fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(BufWriter::new(file)),
        })
    }

    /// Appends the line of one response. A write failure is logged, never fails the call.
    pub(crate) fn write(&self, endpoint: &str, data: &Value, drifts: &[Drift]) {
        let line = capture_line(endpoint, data, drifts);
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let written = serde_json::to_writer(&mut *file, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.flush());
        if let Err(error) = written {
            tracing::warn!(%error, "cannot write the drift capture file");
        }
    }
}

/// `{"endpoint": …, "shape": …, "drift": [{"path", "kind", "sample"}]}`.
fn capture_line(endpoint: &str, data: &Value, drifts: &[Drift]) -> Value {
    let drift: Vec<Value> = drifts
        .iter()
        .map(|d| json!({"path": d.path, "kind": d.kind.as_str(), "sample": d.sample}))
        .collect();
    json!({"endpoint": endpoint, "shape": shape_of(data), "drift": drift})
}

/// The value with every scalar replaced by its JSON type name, keys that do not look like
/// field names replaced by `?`, and an array by the shape of its first non-null item.
pub(crate) fn shape_of(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let key = if is_field_name(key) {
                    key.as_str()
                } else {
                    "?"
                };
                out.insert(key.to_owned(), shape_of(item));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .find(|item| !item.is_null())
                .map(shape_of)
                .into_iter()
                .collect(),
        ),
        scalar => Value::String(json_type(scalar).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::DriftKind;

    #[test]
    fn shapes_hold_types_and_no_values() {
        let data = json!({
            "card_no": "4111111111111111",
            "cvv": "123",
            "balance": 12.5,
            "status": 1,
            "4111111111111111": true,
            "list": [null, {"id": 7}],
        });
        assert_eq!(
            shape_of(&data),
            json!({
                "card_no": "string",
                "cvv": "string",
                "balance": "number",
                "status": "integer",
                "?": "bool",
                "list": [{"id": "integer"}],
            })
        );
    }

    #[test]
    fn a_line_has_the_endpoint_the_shape_and_the_drift() {
        let drift = Drift {
            endpoint: "get_card",
            path: "data.status".to_owned(),
            kind: DriftKind::UnknownEnumCode,
            sample: Some("9".to_owned()),
        };
        assert_eq!(
            capture_line("get_card", &json!({"status": 9}), &[drift]),
            json!({
                "endpoint": "get_card",
                "shape": {"status": "integer"},
                "drift": [{"path": "data.status", "kind": "unknown_enum_code", "sample": "9"}],
            })
        );
    }
}
