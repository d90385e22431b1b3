//! The JSON path of the value a serde_json error points at, found from the error's position in
//! the text.
//!
//! Payloads are decoded without path tracking (`serde_path_to_error` would instantiate a second,
//! wrapped deserializer of every payload type in each generated crate); when decoding fails,
//! this walks the text once up to the error's position instead. It is not generic, so it is
//! compiled once, in the runtime.

use std::fmt::Write as _;

use crate::envelope::looks_like_field_name;

/// The path (`amount`, `list[2].id`; `""` for the whole text) of the value at the error
/// position `line`:`column` of `text`, as serde_json reports it (1-based line, byte column
/// counted up to the last byte read).
///
/// The value is the innermost one the position is in, at its start or at its end: the scalar
/// just read (a type error, a custom error of a `with` module), the object or array about to be
/// read (a type error on `{` or `[`: serde_json has only peeked at it), or the object just
/// read (serde's ``missing field `x` ``, reported after the closing brace of the object that
/// lacks it). Map keys that do not look like field names (a card number used as a key) are
/// shown as `?`. `text` must be valid JSON (it has been parsed before); otherwise the path is
/// `""` or as far as it got.
pub(super) fn path_at(text: &str, line: usize, column: usize) -> String {
    let Some(offset) = offset_of(text, line, column) else {
        return String::new();
    };
    let inside = |start: usize, end: usize| start <= offset && offset <= end;
    let bytes = text.as_bytes();
    // Open containers, outermost first: where each starts, and the segment that leads into it.
    let mut open: Vec<(usize, Segment)> = Vec::new();
    // The segment of the next value: its key in an object, its index in an array.
    let mut next = Segment::Root;
    let mut indices: Vec<usize> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'[' => {
                open.push((at, std::mem::replace(&mut next, Segment::Root)));
                indices.push(0);
                if bytes[at] == b'[' {
                    next = Segment::Index(0);
                }
                at += 1;
            }
            b'}' | b']' => {
                at += 1;
                let Some((start, segment)) = open.pop() else {
                    break;
                };
                indices.pop();
                if inside(start, at) {
                    return render(open.iter().map(|(_, s)| s).chain([&segment]));
                }
            }
            b',' => {
                if let (Some(i), Some((start, _))) = (indices.last_mut(), open.last()) {
                    *i += 1;
                    if bytes[*start] == b'[' {
                        next = Segment::Index(*i);
                    }
                }
                at += 1;
            }
            b'"' => {
                let end = string_end(bytes, at);
                // A string directly inside an object, before its `:`, is a key.
                let is_key = open.last().is_some_and(|(s, _)| bytes[*s] == b'{')
                    && next_significant(bytes, end) == Some(b':');
                if is_key {
                    let key: String = serde_json::from_str(&text[at..end]).unwrap_or_default();
                    next = Segment::Key(key);
                } else if inside(at, end) {
                    return render(open.iter().map(|(_, s)| s).chain([&next]));
                }
                at = end;
            }
            b':' | b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                let end = (at..bytes.len())
                    .find(|&i| {
                        matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    })
                    .unwrap_or(bytes.len());
                if inside(at, end) {
                    return render(open.iter().map(|(_, s)| s).chain([&next]));
                }
                at = end;
            }
        }
    }
    String::new()
}

/// How a value is reached from its container.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// The whole text (or a container's value before its key is known).
    Root,
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// `a.b[2].c` from the segments, without a leading dot.
fn render<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Root => {}
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(if looks_like_field_name(key) { key } else { "?" });
            }
        }
    }
    out
}

/// The byte offset of serde_json's `line`:`column` (line 1-based, column the number of bytes
/// of the line read so far); `None` for line 0 (an error without a position).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = match line {
        0 => return None,
        1 => 0,
        _ => {
            text.match_indices('\n')
                .nth(line - 2)
                .map_or(text.len(), |(i, _)| i)
                + 1
        }
    };
    Some((start + column).min(text.len()))
}

/// The index just past the closing quote of the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The first byte at or after `from` that is not JSON whitespace.
fn next_significant(bytes: &[u8], from: usize) -> Option<u8> {
    bytes[from.min(bytes.len())..]
        .iter()
        .copied()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path serde_json's own error points at, decoding `text` as `T`.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let error = serde_json::from_str::<T>(text).expect_err(text);
        path_at(text, error.line(), error.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only decoded, to make errors")]
    struct Inner {
        id: String,
        n: i64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only decoded, to make errors")]
    struct Outer {
        name: String,
        inner: Inner,
        list: Vec<Inner>,
        tags: std::collections::BTreeMap<String, i64>,
    }

    const GOOD: &str = r#"{"name": "x", "inner": {"id": "a", "n": 1}, "list": [{"id": "b", "n": 2}], "tags": {"k": 1}}"#;

    #[test]
    fn type_errors_point_at_the_scalar() {
        assert_eq!(path_of::<Outer>(&GOOD.replace(r#""x""#, "7")), "name");
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#""n": 1"#, r#""n": "1""#)),
            "inner.n"
        );
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#""n": 2"#, r#""n": true"#)),
            "list[0].n"
        );
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#""k": 1"#, r#""k": null"#)),
            "tags.k"
        );
        let card = GOOD.replace(r#""k": 1"#, r#""4111111111111111": "x""#);
        assert_eq!(path_of::<Outer>(&card), "tags.?");
        assert_eq!(path_of::<i64>(r#""1""#), "");
    }

    #[test]
    fn type_errors_on_containers_point_at_the_container() {
        assert_eq!(path_of::<Outer>(&GOOD.replace(r#""x""#, "[1]")), "name");
        assert_eq!(path_of::<Outer>(&GOOD.replace(r#""x""#, "{}")), "name");
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#"[{"id": "b", "n": 2}]"#, "{}")),
            "list"
        );
        assert_eq!(path_of::<Outer>(r#""text""#), "");
    }

    #[test]
    fn missing_fields_point_at_their_object() {
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#""id": "a", "#, "")),
            "inner"
        );
        assert_eq!(
            path_of::<Outer>(&GOOD.replace(r#""id": "b", "#, "")),
            "list[0]"
        );
        assert_eq!(path_of::<Outer>(&GOOD.replace(r#""name": "x", "#, "")), "");
        assert_eq!(
            path_of::<Outer>(r#"{"name":"x","inner":{"id":"a","n":1},"list":[]}"#),
            ""
        );
        assert_eq!(path_of::<Inner>("{\n  \"id\": \"a\"\n}"), "");
    }

    #[test]
    fn positions_on_later_lines_and_escaped_strings() {
        let text = "{\n \"name\": \"a\\\"b,}\",\n \"inner\": {\"id\": 5, \"n\": 1}}";
        assert_eq!(path_of::<Outer>(text), "inner.id");
        assert_eq!(path_at("{}", 0, 0), "");
        assert_eq!(offset_of("ab\ncd\n", 2, 1), Some(4));
        assert_eq!(offset_of("ab", 1, 9), Some(2));
    }

    #[test]
    fn elements_of_arrays_are_counted() {
        let text = r#"{"name": "x", "inner": {"id": "a", "n": 1}, "list": [{"id": "b", "n": 2}, {"id": "c", "n": []}], "tags": {}}"#;
        assert_eq!(path_of::<Outer>(text), "list[1].n");
        assert_eq!(path_of::<Vec<Vec<i64>>>("[[1], [2, \"x\"]]"), "[1][1]");
    }
}
