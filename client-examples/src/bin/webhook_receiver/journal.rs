//! The receiver's journal: an append-only JSON-lines file where every delivery is persisted
//! (and synced to disk) before it is acknowledged, and marked done once it is re-fetched.
//!
//! Two kinds of line:
//!
//! * `{"key":"<delivery key>","body":<the delivery body, sensitive fields blanked>}`
//! * `{"done":"<delivery key>"}`
//!
//! On start, the entries without a `done` line are the pending work. The body is stored with
//! the fields the spec marks sensitive (card number, CVV, PIN, …) set to `""`: the journal
//! holds what a re-fetch needs, not card data.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;

/// A persisted delivery still to be re-fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The delivery key, hex.
    pub key: String,
    /// The body with sensitive fields blanked, as JSON text.
    pub body: String,
}

/// The open journal file; appends are serialized and synced.
pub struct Journal {
    file: Mutex<File>,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and returns it with its pending entries, in
    /// the order they were written.
    pub fn open(path: &Path) -> io::Result<(Self, Vec<Entry>)> {
        let pending = match File::open(path) {
            Ok(file) => pending(
                BufReader::new(file)
                    .lines()
                    .collect::<io::Result<Vec<_>>>()?,
            ),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(error),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok((
            Self {
                file: Mutex::new(file),
            },
            pending,
        ))
    }

    /// Persists a delivery: returns once the line is on disk.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        let body: Value = serde_json::from_str(&entry.body).map_err(io::Error::other)?;
        let line = serde_json::json!({ "key": entry.key, "body": body });
        self.write_line(&line.to_string())
    }

    /// Marks the delivery with `key` as done.
    pub fn mark_done(&self, key: &str) -> io::Result<()> {
        self.write_line(&serde_json::json!({ "done": key }).to_string())
    }

    fn write_line(&self, line: &str) -> io::Result<()> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("journal lock poisoned"))?;
        file.write_all(line.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_data()
    }
}

/// The entries of `lines` without a later `done` line; unreadable lines (a torn last write)
/// are skipped.
fn pending(lines: Vec<String>) -> Vec<Entry> {
    let values: Vec<Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let done: HashSet<&str> = values
        .iter()
        .filter_map(|v| v.get("done").and_then(Value::as_str))
        .collect();
    let mut seen = HashSet::new();
    values
        .iter()
        .filter_map(|v| {
            let key = v.get("key")?.as_str()?;
            let body = v.get("body")?;
            (!done.contains(key) && seen.insert(key)).then(|| Entry {
                key: key.to_owned(),
                body: body.to_string(),
            })
        })
        .collect()
}

/// `body` with every string value of a `sensitive` field (at any depth) replaced by `""`;
/// `None` when the body is not JSON (the parser refuses such bodies before this is called).
pub fn blank_sensitive(body: &[u8], sensitive: &[&str]) -> Option<String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut value: Value = serde_json::from_slice(body).ok()?;
    blank(&mut value, sensitive);
    Some(value.to_string())
}

fn blank(value: &mut Value, sensitive: &[&str]) {
    match value {
        Value::Object(map) => {
            for (name, inner) in map.iter_mut() {
                if sensitive.contains(&name.as_str()) && inner.is_string() {
                    *inner = Value::String(String::new());
                } else {
                    blank(inner, sensitive);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| blank(item, sensitive)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_strings_are_blanked_at_any_depth_and_money_kept_exact() {
        let body = br#"{"eventTag":"card.status.active","data":{"card_id":"c1","card_no":"4111111111111111","cvv":"123","balance":12345678901234567.10,"rows":[{"pin":"0000"}]}}"#;
        let text = blank_sensitive(body, &["card_no", "cvv", "pin"]).unwrap();
        assert!(!text.contains("4111") && !text.contains("123\"") && !text.contains("0000"));
        assert!(text.contains(r#""card_id":"c1""#), "{text}");
        assert!(text.contains("12345678901234567.10"), "{text}");
        assert_eq!(blank_sensitive(b"not json", &[]), None);
    }

    #[test]
    fn pending_entries_are_those_without_done_in_order_once() {
        let lines = [
            r#"{"key":"a","body":{"x":1}}"#,
            r#"{"key":"b","body":{"x":2}}"#,
            r#"{"done":"a"}"#,
            r#"{"key":"c","body":{"x":3}}"#,
            r#"{"key":"b","body":{"x":2}}"#,
            r#"{"key":"d","bo"#,
        ]
        .map(str::to_owned)
        .to_vec();
        let keys: Vec<String> = pending(lines).into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["b", "c"]);
    }

    #[test]
    fn a_reopened_journal_returns_what_is_not_done() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.jsonl");
        let _ = std::fs::remove_file(&path);
        let (journal, pending) = Journal::open(&path).unwrap();
        assert!(pending.is_empty());
        for key in ["k1", "k2"] {
            let entry = Entry {
                key: key.to_owned(),
                body: r#"{"a":1.10}"#.to_owned(),
            };
            journal.append(&entry).unwrap();
        }
        journal.mark_done("k1").unwrap();
        drop(journal);
        let (_, pending) = Journal::open(&path).unwrap();
        assert_eq!(
            pending,
            [Entry {
                key: "k2".to_owned(),
                body: r#"{"a":1.10}"#.to_owned()
            }]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
