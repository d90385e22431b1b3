//! Small text edits of a spec, to describe an invalid fixture as "`fixtures/mini` with one
//! deliberate mistake" without copying the whole folder.
//!
//! An edit file (`fixtures/invalid/<case>.edit`) is a list of changes, each under a header line:
//!
//! ```text
//! # Optional comment lines before the first header.
//! === edit types.yaml
//!    Wallet:
//! -    zh: 钱包
//! +    zh: 錢包
//! === new webhooks.yaml
//! +webhooks:
//! +  tag_field: eventTag
//! === delete service.yaml
//! ```
//!
//! - `=== edit FILE`: each line starts with ` ` (context, kept), `-` (removed) or `+` (added);
//!   an empty line is an empty context line. The old text (context and `-` lines) must occur
//!   exactly once in the file, and is replaced by the new text (context and `+` lines). Add
//!   context lines until the old text is unique.
//! - `=== new FILE`: a file that does not exist yet, every line prefixed with `+`.
//! - `=== delete FILE`: removes an existing file; no lines follow.
//!
//! Every line of a file is taken with its `\n`. Changes apply in order, so a later one sees the
//! result of the earlier ones. Anything unexpected (an unknown line, old text found zero or
//! several times, an edit that changes nothing) panics with the edit file's name and line.

/// One change of an edit file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Replace `old`, which must occur exactly once in `file`, with `new`.
    Edit {
        /// File name inside the fixture (`endpoints.yaml`).
        file: String,
        /// Exact text to find: context and `-` lines.
        old: String,
        /// Its replacement: context and `+` lines.
        new: String,
    },
    /// Add `file`, which must not exist yet.
    New {
        /// File name inside the fixture.
        file: String,
        /// Its whole text.
        text: String,
    },
    /// Remove `file`, which must exist.
    Delete {
        /// File name inside the fixture.
        file: String,
    },
}

/// A change and where it was written, for the panic messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// `<edit file name>:<line of the header>`.
    pub at: String,
    /// The change itself.
    pub change: Change,
}

/// Parse an edit file; `origin` names it in panic messages.
pub fn parse(origin: &str, text: &str) -> Vec<Located> {
    let mut out: Vec<Located> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let at = format!("{origin}:{}", index + 1);
        if let Some(header) = line.strip_prefix("=== ") {
            let (kind, file) = header
                .split_once(' ')
                .unwrap_or_else(|| panic!("{at}: expected `=== edit|new|delete FILE`: {line}"));
            let file = file.to_string();
            let change = match kind {
                "edit" => Change::Edit {
                    file,
                    old: String::new(),
                    new: String::new(),
                },
                "new" => Change::New {
                    file,
                    text: String::new(),
                },
                "delete" => Change::Delete { file },
                _ => panic!("{at}: expected `=== edit|new|delete FILE`: {line}"),
            };
            out.push(Located { at, change });
            continue;
        }
        let Some(current) = out.last_mut() else {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "{at}: only comments may come before the first `=== ` header: {line}"
            );
            continue;
        };
        match &mut current.change {
            Change::Edit { old, new, .. } => {
                let (prefix, rest) = split_prefix(line);
                match prefix {
                    Some(' ') | None => {
                        push_line(old, rest);
                        push_line(new, rest);
                    }
                    Some('-') => push_line(old, rest),
                    Some('+') => push_line(new, rest),
                    _ => panic!("{at}: an edit line starts with ` `, `-` or `+`: {line}"),
                }
            }
            Change::New { text, .. } => match split_prefix(line) {
                (Some('+'), rest) => push_line(text, rest),
                _ => panic!("{at}: every line of a new file starts with `+`: {line}"),
            },
            Change::Delete { file } => {
                panic!("{at}: `=== delete {file}` takes no lines: {line}")
            }
        }
    }
    assert!(!out.is_empty(), "{origin}: no `=== ` change in the file");
    for Located { at, change } in &out {
        if let Change::Edit { file, old, new } = change {
            assert!(
                !old.is_empty(),
                "{at}: the edit of {file} has no old text: add a context line to anchor it"
            );
            assert!(old != new, "{at}: the edit of {file} changes nothing");
        }
    }
    out
}

/// The first character of a line (`None` for an empty line) and the rest.
fn split_prefix(line: &str) -> (Option<char>, &str) {
    let mut chars = line.chars();
    let first = chars.next();
    (first, chars.as_str())
}

fn push_line(to: &mut String, line: &str) {
    to.push_str(line);
    to.push('\n');
}

/// Apply `changes` in order to `files` (relative name, text), which stay sorted by name.
pub fn apply(files: &mut Vec<(String, String)>, changes: &[Located]) {
    for Located { at, change } in changes {
        match change {
            Change::Edit { file, old, new } => {
                assert!(!old.is_empty(), "{at}: the edit of {file} has no old text");
                let text = &mut files
                    .iter_mut()
                    .find(|(name, _)| name == file)
                    .unwrap_or_else(|| panic!("{at}: no file {file} to edit"))
                    .1;
                let start = unique_position(text, old).unwrap_or_else(|found| match found {
                    0 => panic!("{at}: the old text is not in {file}:\n{old}"),
                    n => panic!(
                        "{at}: the old text occurs {n} times in {file}; add context lines until it is unique:\n{old}"
                    ),
                });
                text.replace_range(start..start + old.len(), new);
            }
            Change::New { file, text } => {
                assert!(
                    files.iter().all(|(name, _)| name != file),
                    "{at}: {file} exists already"
                );
                files.push((file.clone(), text.clone()));
            }
            Change::Delete { file } => {
                let before = files.len();
                files.retain(|(name, _)| name != file);
                assert!(files.len() < before, "{at}: no file {file} to delete");
            }
        }
    }
    files.sort();
}

/// The byte offset of the only occurrence of `needle` in `text` (overlapping occurrences count),
/// or how many there are.
fn unique_position(text: &str, needle: &str) -> Result<usize, usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(needle) {
        let start = from + i;
        found.push(start);
        // Step one character, so overlapping occurrences are found too.
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    match found[..] {
        [start] => Ok(start),
        _ => Err(found.len()),
    }
}
