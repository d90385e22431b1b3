//! Positions inside JSON text: where a checker path like `$.data.list[1].status`
//! is in an example, and where the JSON token starting at an offset ends.
//!
//! A small scanner, not a parser: the text has already been parsed by
//! `serde_json`, so it is known to be valid JSON.

/// End of the JSON token at `start` (a string with its quotes, or a scalar), within the line.
pub(super) fn token_end_json(src: &str, start: usize, line_end: usize) -> usize {
    let bytes = src.as_bytes();
    if bytes[start] == b'"' {
        let mut i = start + 1;
        while i < line_end {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        return line_end;
    }
    if matches!(bytes[start], b'{' | b'[') {
        return start + 1;
    }
    let mut i = start;
    while i < line_end && !matches!(bytes[i], b',' | b'}' | b']' | b' ') {
        i += 1;
    }
    i.max(start + 1)
}

/// Byte offset in `json` of the key (or, for array items and the root, the
/// value) that a checker path like `$.data.list[1].status` names.
pub(super) fn json_path_offset(json: &str, path: &str) -> Option<usize> {
    let mut segs = Vec::new();
    for part in path
        .trim_start_matches('$')
        .split('.')
        .filter(|p| !p.is_empty())
    {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                segs.push(Seg::Key(&rest[..i]));
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                segs.push(Seg::Index(rest[1..end].parse().ok()?));
                rest = &rest[end + 1..];
            }
        } else {
            segs.push(Seg::Key(rest));
        }
    }
    let mut scanner = JsonScanner {
        b: json.as_bytes(),
        i: 0,
    };
    scanner.find(&segs)
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Just enough of a JSON reader to find where a path is (the text is known to be valid).
struct JsonScanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonScanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some((start + 1, self.i - 1));
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip(&mut self) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while self.i < self.b.len() {
                    match self.b[self.i] {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                None
            }
            _ => {
                while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']') {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// Offset of the path below the value starting here.
    fn find(&mut self, path: &[Seg<'_>]) -> Option<usize> {
        self.ws();
        let Some((seg, rest)) = path.split_first() else {
            return Some(self.i);
        };
        match (seg, *self.b.get(self.i)?) {
            (Seg::Key(key), b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key_at = self.i;
                    let (s, e) = self.string()?;
                    self.ws();
                    self.i += 1; // ':'
                    if &self.b[s..e] == key.as_bytes() {
                        return if rest.is_empty() {
                            Some(key_at)
                        } else {
                            self.find(rest)
                        };
                    }
                    self.skip()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
            }
            (Seg::Index(n), b'[') => {
                self.i += 1;
                for _ in 0..*n {
                    self.skip()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
                self.find(rest)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str =
        r#"{"code": 0, "data": {"list": [{"id": 1}, {"id": 2, "status": "A"}], "total": 2}}"#;

    fn at(path: &str) -> &'static str {
        let i = json_path_offset(JSON, path).expect("path exists");
        &JSON[i..]
    }

    #[test]
    fn keys_and_array_items() {
        assert!(at("$").starts_with("{\"code\""));
        assert!(at("$.code").starts_with("\"code\": 0"));
        assert!(at("$.data.total").starts_with("\"total\": 2"));
        assert!(at("$.data.list[1]").starts_with("{\"id\": 2"));
        assert!(at("$.data.list[1].status").starts_with("\"status\""));
    }

    #[test]
    fn missing_paths() {
        assert_eq!(json_path_offset(JSON, "$.nope"), None);
        assert_eq!(json_path_offset(JSON, "$.data.list[5]"), None);
        assert_eq!(json_path_offset(JSON, "$.code.x"), None);
    }

    #[test]
    fn strings_with_escapes_and_brackets_are_skipped() {
        let json = r#"{"a": "x\"}]", "b": [1, "]"], "c": true}"#;
        let i = json_path_offset(json, "$.c").expect("c exists");
        assert!(json[i..].starts_with("\"c\""));
    }

    #[test]
    fn token_ends() {
        let line = r#"  "status": "A\"B", "n": 12}"#;
        assert_eq!(&line[2..token_end_json(line, 2, line.len())], "\"status\"");
        assert_eq!(
            &line[12..token_end_json(line, 12, line.len())],
            "\"A\\\"B\""
        );
        let n = line.find("12").unwrap();
        assert_eq!(&line[n..token_end_json(line, n, line.len())], "12");
        assert_eq!(token_end_json("{}", 0, 2), 1);
    }
}
