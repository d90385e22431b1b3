//! Helpers shared by the tests and examples of `apigen-tests`.
//!
//! [`synthetic_spec`] builds a spec N times the size of the real one, to measure how loading and
//! validation scale (see `examples/load_timing.rs` and `tests/scaling.rs`). [`spec_edit`] applies
//! the small edits that turn `fixtures/mini` into the invalid fixtures of `tests/validation.rs`.

#![deny(missing_docs)]

pub mod spec_edit;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The real spec folder (`spec/` at the workspace root).
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// Every `*.yaml` file below `dir` as (path relative to `dir` with `/` separators, text), sorted.
pub fn read_yaml_files(dir: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let rel_name = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if path.is_dir() {
                walk(&path, &rel_name, out);
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                out.push((rel_name, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// The real spec made `copies` times larger, as (display name, text) for
/// `apigen::load_api_from`.
///
/// Copy `i` holds every group, enum, object and endpoint of the real spec renamed with the suffix
/// `_{i}` (`Wallet_2`, `get_wallet_detail_2`, group `wallet_2`), its paths suffixed the same way
/// (`/wallet/getWalletDetail_2`), and every reference to them renamed to match. The sections
/// that may appear only once (`service`, `errors`, `webhooks`) are kept in copy 0 only, with
/// their references pointing at copy 0. So `synthetic_spec(n)` has n × 39 endpoints.
pub fn synthetic_spec(copies: usize) -> Vec<(String, String)> {
    synthesize(&read_yaml_files(&spec_dir()), copies)
}

/// [`synthetic_spec`] over any spec given as (relative name, text).
pub fn synthesize(files: &[(String, String)], copies: usize) -> Vec<(String, String)> {
    let names = Names::collect(files);
    let mut out = Vec::new();
    for i in 0..copies {
        let suffix = format!("_{i}");
        for (rel, text) in files {
            let mut body = String::new();
            for section in sections(text) {
                let keep = match section.name.as_deref() {
                    Some(s) if SINGLETONS.contains(&s) => i == 0,
                    // Leading comments: keep them once.
                    None => i == 0,
                    Some(_) => true,
                };
                if keep {
                    body.push_str(&names.rename_section(&section, &suffix));
                }
            }
            if !body.trim().is_empty() {
                out.push((format!("synthetic/copy{i}/{rel}"), body));
            }
        }
    }
    out
}

/// A spec given as several files, as one file: each top-level section once, holding the items
/// of that section from every file in order. Leading comments are dropped.
pub fn one_file(files: &[(String, String)]) -> String {
    let mut order: Vec<String> = Vec::new();
    let mut bodies: HashMap<String, String> = HashMap::new();
    for (_, text) in files {
        for section in sections(text) {
            let Some(name) = section.name else { continue };
            let body = bodies.entry(name.clone()).or_insert_with(|| {
                order.push(name.clone());
                format!("{name}:\n")
            });
            // The key line (`enums:`) is written once, above; the items follow.
            let rest = section.lines[0][name.len() + 1..].trim();
            assert!(
                rest.is_empty() || rest.starts_with('#'),
                "one_file needs block sections, not `{name}: {rest}`"
            );
            for line in &section.lines[1..] {
                body.push_str(line);
            }
        }
    }
    order.iter().map(|name| bodies[name].as_str()).collect()
}

/// Top-level sections that may be defined once only.
const SINGLETONS: [&str; 3] = ["service", "errors", "webhooks"];

/// Top-level sections whose keys are definitions that get renamed.
const DEFINING: [&str; 4] = ["groups", "enums", "objects", "endpoints"];

/// A top-level section of a file: its key (`None` for what comes before the first one) and its
/// lines, the key line included.
struct Section<'a> {
    name: Option<String>,
    lines: Vec<&'a str>,
}

fn sections(text: &str) -> Vec<Section<'_>> {
    let mut out = vec![Section {
        name: None,
        lines: Vec::new(),
    }];
    for line in text.split_inclusive('\n') {
        if let Some(key) = top_level_key(line) {
            out.push(Section {
                name: Some(key.to_string()),
                lines: Vec::new(),
            });
        }
        out.last_mut().unwrap().lines.push(line);
    }
    out
}

/// `enums` for the line `enums:`; only unindented keys count.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let end = line.find(':')?;
    let key = &line[..end];
    key.chars().all(is_ident_char).then_some(key)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The definitions collected from the spec, by kind.
#[derive(Default)]
struct Names {
    groups: HashSet<String>,
    /// Enums and objects: they share one namespace.
    types: HashSet<String>,
    endpoints: HashSet<String>,
}

impl Names {
    fn collect(files: &[(String, String)]) -> Names {
        let mut names = Names::default();
        for (_, text) in files {
            for section in sections(text) {
                let Some(set) = section
                    .name
                    .as_deref()
                    .and_then(|s| names.set_for_section(s))
                else {
                    continue;
                };
                let found: Vec<String> = section
                    .lines
                    .iter()
                    .filter_map(|l| definition_key(l))
                    .map(str::to_string)
                    .collect();
                set.extend(found);
            }
        }
        assert!(
            !names.endpoints.is_empty(),
            "no endpoints found: is this a spec folder?"
        );
        names
    }

    fn set_for_section(&mut self, section: &str) -> Option<&mut HashSet<String>> {
        match section {
            "groups" => Some(&mut self.groups),
            "enums" | "objects" => Some(&mut self.types),
            "endpoints" => Some(&mut self.endpoints),
            _ => None,
        }
    }

    /// Which names a reference `key: value` may point at; `None` for keys that are not references.
    fn set_for_reference(&self, key: &str) -> Option<&HashSet<String>> {
        match key {
            "type" | "object" | "page" | "array" | "payload" => Some(&self.types),
            "group" => Some(&self.groups),
            "endpoint" | "lookup" => Some(&self.endpoints),
            _ => None,
        }
    }

    fn rename_section(&self, section: &Section<'_>, suffix: &str) -> String {
        let defining = section
            .name
            .as_deref()
            .is_some_and(|s| DEFINING.contains(&s));
        let mut out = String::new();
        for line in &section.lines {
            let mut line = line.to_string();
            if defining && let Some(key) = definition_key(&line) {
                // `  Wallet:` -> `  Wallet_1:`
                let key_end = 2 + key.len();
                line.insert_str(key_end, suffix);
            }
            out.push_str(&self.rename_references(&line, suffix));
        }
        out
    }

    /// Rename the value of every `key: value` reference on the line, in block or flow style.
    /// A value is renamed only when it is a known name of the right kind, so prose that happens
    /// to contain `type: something` is left alone, and JSON (`"type": 1`) never matches.
    fn rename_references(&self, line: &str, suffix: &str) -> String {
        let mut out = String::with_capacity(line.len() + 16);
        let mut rest = line;
        let mut prev: Option<char> = None;
        while !rest.is_empty() {
            if prev.is_none_or(|c| c == ' ' || c == '{' || c == ',')
                && let Some((key, after_key)) = key_colon(rest)
            {
                out.push_str(&rest[..rest.len() - after_key.len()]);
                let value_len = if key == "path" {
                    path_value(after_key)
                } else {
                    self.set_for_reference(key)
                        .and_then(|set| name_value(after_key, set))
                };
                match value_len {
                    Some(end) => {
                        out.push_str(&after_key[..end]);
                        out.push_str(suffix);
                        rest = &after_key[end..];
                    }
                    None => rest = after_key,
                }
                prev = Some(' ');
                continue;
            }
            let c = rest.chars().next().unwrap();
            out.push(c);
            prev = Some(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

/// `Wallet` for the line `  Wallet:` (a key indented by exactly two spaces).
fn definition_key(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("  ")?;
    let end = rest.find(|c: char| !is_ident_char(c))?;
    (end > 0 && rest[end..].starts_with(':')).then(|| &rest[..end])
}

/// At `type: X…`: the key and the text after `key: `.
fn key_colon(s: &str) -> Option<(&str, &str)> {
    let end = s.find(|c: char| !is_ident_char(c))?;
    if end == 0 {
        return None;
    }
    let after = s[end..].strip_prefix(": ")?;
    Some((&s[..end], after))
}

/// In `  X, …` / `"[X]" …`: the byte offset just after the name `X` when it is in `set`.
fn name_value(s: &str, set: &HashSet<String>) -> Option<usize> {
    let trimmed = s.trim_start_matches(' ');
    let mut start = s.len() - trimmed.len();
    let mut v = trimmed;
    let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'');
    if quote.is_some() {
        v = &v[1..];
        start += 1;
    }
    let bracket = v.starts_with('[');
    if bracket {
        v = &v[1..];
        start += 1;
    }
    let len = v.find(|c: char| !is_ident_char(c)).unwrap_or(v.len());
    let name = &v[..len];
    let mut after = &v[len..];
    if bracket {
        after = after.strip_prefix(']')?;
    }
    if let Some(q) = quote {
        after = after.strip_prefix(q)?;
    }
    let ends_value = after.is_empty() || after.starts_with([' ', ',', '}', '\n', '\r']);
    (len > 0 && ends_value && set.contains(name)).then_some(start + len)
}

/// In ` /wallet/getWalletDetail …`: the byte offset just after the path.
fn path_value(s: &str) -> Option<usize> {
    let trimmed = s.trim_start_matches(' ');
    let start = s.len() - trimmed.len();
    if !trimmed.starts_with('/') {
        return None;
    }
    let len = trimmed
        .find([' ', ',', '}', '\n', '\r', '#'])
        .unwrap_or(trimmed.len());
    Some(start + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            groups: ["wallet".to_string()].into(),
            types: ["Wallet".to_string(), "WalletStatus".to_string()].into(),
            endpoints: ["get_wallet_detail".to_string()].into(),
        }
    }

    #[test]
    fn references_are_renamed_in_context_only() {
        let n = names();
        let r = |l: &str| n.rename_references(l, "_3");
        assert_eq!(
            r("      status: { type: WalletStatus, zh: x }\n"),
            "      status: { type: WalletStatus_3, zh: x }\n"
        );
        assert_eq!(
            r("      list: { type: \"[Wallet]\" }\n"),
            "      list: { type: \"[Wallet_3]\" }\n"
        );
        assert_eq!(r("    type: Wallet\n"), "    type: Wallet_3\n");
        assert_eq!(
            r("    response: { page: Wallet }\n"),
            "    response: { page: Wallet_3 }\n"
        );
        assert_eq!(r("    group: wallet\n"), "    group: wallet_3\n");
        assert_eq!(
            r("    path: /wallet/getWalletDetail\n"),
            "    path: /wallet/getWalletDetail_3\n"
        );
        assert_eq!(
            r("      refetch: { endpoint: get_wallet_detail, fields: { wallet_sn: wallet_sn } }\n"),
            "      refetch: { endpoint: get_wallet_detail_3, fields: { wallet_sn: wallet_sn } }\n"
        );
        // Not references: other keys, unknown values, prefixes of names, JSON keys, prose.
        for unchanged in [
            "  path_prefix: \"/{version}/openApi\"\n",
            "      wallet: { zh: 钱包, en: Wallet, order: 1 }\n",
            "      page: { type: int, required: false }\n",
            "      x: { type: WalletStatusX }\n",
            "      x: { type: string }\n",
            "            \"type\": 1, \"group\": \"wallet\"\n",
            "      subtype: Wallet\n",
            "    en: a Wallet of type: Walletish\n",
        ] {
            assert_eq!(r(unchanged), unchanged);
        }
    }

    #[test]
    fn definitions_are_renamed_in_their_sections_only() {
        let text = "groups:\n  wallet: { zh: 钱包, en: Wallet, order: 1 }\nobjects:\n  Wallet:\n    zh: 钱包\n    fields:\n      wallet_id: { type: long, zh: id }\n      status: { type: WalletStatus, zh: s }\nwebhooks:\n  tag_field: eventTag\n";
        let files = vec![
            (
                "a.yaml".to_string(),
                "endpoints:\n  get_wallet_detail:\n    group: wallet\n".to_string(),
            ),
            ("b.yaml".to_string(), text.to_string()),
        ];
        let out = synthesize(&files, 2);
        let copy1 = &out
            .iter()
            .find(|(n, _)| n == "synthetic/copy1/b.yaml")
            .unwrap()
            .1;
        assert_eq!(
            copy1,
            "groups:\n  wallet_1: { zh: 钱包, en: Wallet, order: 1 }\nobjects:\n  Wallet_1:\n    zh: 钱包\n    fields:\n      wallet_id: { type: long, zh: id }\n      status: { type: WalletStatus, zh: s }\n"
        );
        let copy0 = &out
            .iter()
            .find(|(n, _)| n == "synthetic/copy0/b.yaml")
            .unwrap()
            .1;
        assert!(
            copy0.ends_with("webhooks:\n  tag_field: eventTag\n"),
            "{copy0}"
        );
        let ep1 = &out
            .iter()
            .find(|(n, _)| n == "synthetic/copy1/a.yaml")
            .unwrap()
            .1;
        assert_eq!(
            ep1,
            "endpoints:\n  get_wallet_detail_1:\n    group: wallet_1\n"
        );
    }
}
