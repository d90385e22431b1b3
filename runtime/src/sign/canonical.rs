//! The canonical form of a JSON request a signer signs.

use serde_json::Value;

/// `value` as compact JSON with the keys of every object sorted by their bytes, at any depth;
/// numbers and strings are written as serde_json writes them (numbers keep their decimal text).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_depth_and_numbers_kept() {
        let value: Value = serde_json::from_str(
            r#"{"b": [ {"z": 1, "a": "x\"y"} ], "a": 10.50, "B": null, "é": true}"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&value),
            r#"{"B":null,"a":10.50,"b":[{"a":"x\"y","z":1}],"é":true}"#
        );
    }
}
