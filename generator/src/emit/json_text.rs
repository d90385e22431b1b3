//! JSON text kept as written: the spec's examples go into `openapi.json` with their keys in
//! the order the spec gives them and their numbers as written, which a parsed
//! `serde_json::Value` (keys sorted, numbers re-printed) would not keep.

/// The JSON text without the blanks and line breaks between its tokens; strings, numbers and
/// key order stay exactly as written. `text` must be valid JSON (examples are checked when
/// the spec is resolved).
pub(super) fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn keeps_key_order_and_number_text() {
        let text = "{\n    \"b\": 10.50,\n    \"a\": [1, 2e3],\n    \"c\": {}\n}\n";
        assert_eq!(compact(text), r#"{"b":10.50,"a":[1,2e3],"c":{}}"#);
    }

    #[test]
    fn keeps_blanks_and_escapes_inside_strings() {
        let text = r#"{ "k": "a b\"  c\\", "t": "\t" }"#;
        assert_eq!(compact(text), r#"{"k":"a b\"  c\\","t":"\t"}"#);
        let parsed: serde_json::Value = serde_json::from_str(&compact(text)).unwrap();
        assert_eq!(parsed["k"], "a b\"  c\\");
    }
}
