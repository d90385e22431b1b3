//! Diagnostics for people: `file:line:col`, the offending line with a caret,
//! and a hint. Rendered by `codespan-reporting` without colour so the text is
//! the same on every machine (and can be snapshot-tested).

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

use crate::raw::Location;

/// The spec files as read (display name and text, in load order), kept to render
/// snippets and to turn a [`Span`] back into a place in a file.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(String, String)>,
}

/// Index of a file in [`Sources`], in the order the files were added.
pub type FileId = usize;

impl Sources {
    /// Add a file (display name, contents) and return its id.
    pub(crate) fn add(&mut self, name: String, text: String) -> FileId {
        self.files.push((name, text));
        self.files.len() - 1
    }

    /// The display name of a file (`spec/enums.yaml`).
    ///
    /// # Panics
    ///
    /// If `id` is not the id of a file in these sources.
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id].0
    }

    /// The full text of a file, as read.
    ///
    /// # Panics
    ///
    /// If `id` is not the id of a file in these sources.
    pub fn text(&self, id: FileId) -> &str {
        &self.files[id].1
    }

    /// Number of files; their ids are `0..len()`.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A place in a spec file: a byte range of one file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The file, an index into [`Sources`].
    pub file: FileId,
    /// Byte offsets into the file's text; never empty inside a non-empty file.
    pub range: Range<usize>,
}

/// One problem found in the spec, as data; [`crate::LoadError`] renders a list of them.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The headline: what is wrong (`unknown type `strnig``).
    pub message: String,
    /// Where it is; `None` for a problem with the spec as a whole.
    pub span: Option<Span>,
    /// Short text under the caret; empty when there is none.
    pub label: String,
    /// What to do about it, when there is advice (`did you mean `string`?`).
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic pointing at `span`.
    pub(crate) fn at(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: Some(span),
            label: String::new(),
            hint: None,
        }
    }

    /// A diagnostic about the spec as a whole.
    pub(crate) fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: None,
            label: String::new(),
            hint: None,
        }
    }

    /// Set the text under the caret.
    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Set the text under the caret of a diagnostic already pushed.
    pub(crate) fn set_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }

    /// Set the hint.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Set the hint when there is one.
    pub(crate) fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// Turn a serde-saphyr location into a span covering the token that starts there.
///
/// The line and column are used, not the byte offset: after a file is parsed
/// again with an item blanked out (to find more errors), lines keep their
/// numbers but byte offsets move.
pub(crate) fn span_of(sources: &Sources, file: FileId, loc: &Location) -> Span {
    let text = sources.text(file);
    let start = offset_of_line_col(text, loc.line(), loc.column()).min(text.len());
    Span {
        file,
        range: start..token_end(text, start),
    }
}

/// Byte offset of a 1-based line and column (columns count characters); past the end of
/// a line, the end of that line; past the last line, the end of the text.
pub(crate) fn offset_of_line_col(text: &str, line: u64, col: u64) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            let chars = col.saturating_sub(1) as usize;
            return offset
                + l.char_indices()
                    .nth(chars)
                    .map(|(b, _)| b)
                    .unwrap_or(l.len());
        }
        offset += l.len();
    }
    text.len()
}

/// End of the scalar token starting at `start`: up to a flow delimiter, a
/// comment or the end of the line. A quoted scalar ends at its closing quote.
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    if let Some((_, q @ ('"' | '\''))) = rest.char_indices().next() {
        chars.next();
        for (i, c) in chars {
            if c == q {
                return start + i + 1;
            }
            if c == '\n' {
                return start + i;
            }
        }
        return text.len();
    }
    let mut end = start;
    for (i, c) in rest.char_indices() {
        if matches!(c, '\n' | ',' | '}' | ']')
            || rest[i..].starts_with(" #")
            || rest[i..].starts_with(": ")
        {
            break;
        }
        end = start + i + c.len_utf8();
    }
    // Trim trailing blanks; never return an empty span inside a file.
    let trimmed = text[start..end].trim_end().len();
    if trimmed == 0 {
        (start + 1).min(text.len())
    } else {
        start + trimmed
    }
}

/// Render diagnostics as plain text, in the order given: for each, `error: message`,
/// `file:line:col`, the line with the label under a caret, and the hint; then a count
/// (`2 errors in the spec.`).
pub(crate) fn render(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut files = SimpleFiles::new();
    for i in 0..sources.len() {
        files.add(sources.name(i).to_string(), sources.text(i).to_string());
    }
    let config = Config::default();
    let mut out = String::new();
    for d in diags {
        let mut cs = CsDiagnostic::error().with_message(&d.message);
        if let Some(span) = &d.span {
            cs = cs.with_labels(vec![
                Label::primary(span.file, span.range.clone()).with_message(&d.label),
            ]);
        }
        if let Some(hint) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {hint}")]);
        }
        // Rendering into memory cannot fail on I/O; a failure would mean a bad
        // span, which we fall back from by printing the message alone.
        match term::emit_into_string(&config, &files, &cs) {
            Ok(text) => out.push_str(&text),
            Err(_) => out.push_str(&format!("error: {}\n\n", d.message)),
        }
    }
    let n = diags.len();
    out.push_str(&format!(
        "{n} error{} in the spec.\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// `did you mean `c`?` for the candidate closest to `name` (Jaro-Winkler, ignoring ASCII
/// case), if one is close enough to be a likely typo; ties go to the candidate that sorts
/// first.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.82)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_end_of_plain_scalar_stops_at_delimiters() {
        let text = "type: strnig  # a comment\n";
        assert_eq!(&text[6..token_end(text, 6)], "strnig");
        let flow = "{ type: long, required: true }";
        assert_eq!(&flow[8..token_end(flow, 8)], "long");
        assert_eq!(&flow[2..token_end(flow, 2)], "type");
    }

    #[test]
    fn token_end_of_quoted_scalar_includes_quotes() {
        let text = "code: \"A, B\" # x\n";
        assert_eq!(&text[6..token_end(text, 6)], "\"A, B\"");
        let unclosed = "code: 'abc\nnext";
        assert_eq!(&unclosed[6..token_end(unclosed, 6)], "'abc");
    }

    #[test]
    fn token_end_never_empty() {
        let text = "a:\n";
        assert_eq!(token_end(text, 2), 3);
    }

    fn two_files() -> Sources {
        let mut sources = Sources::default();
        assert!(sources.is_empty());
        assert_eq!(
            sources.add("spec/a.yaml".into(), "type: strnig\n".into()),
            0
        );
        assert_eq!(sources.add("spec/b.yaml".into(), "x: 1\ny: 2\n".into()), 1);
        sources
    }

    #[test]
    fn sources_keep_names_and_texts_by_id() {
        let sources = two_files();
        assert_eq!(sources.len(), 2);
        assert!(!sources.is_empty());
        assert_eq!(sources.name(0), "spec/a.yaml");
        assert_eq!(sources.name(1), "spec/b.yaml");
        assert_eq!(sources.text(0), "type: strnig\n");
        assert_eq!(sources.text(1), "x: 1\ny: 2\n");
    }

    #[test]
    fn builders_set_each_part() {
        let span = Span {
            file: 1,
            range: 3..4,
        };
        let d = Diagnostic::at(span.clone(), "bad")
            .label("here")
            .hint("fix it");
        assert_eq!(d.message, "bad");
        assert_eq!(d.span, Some(span));
        assert_eq!(d.label, "here");
        assert_eq!(d.hint.as_deref(), Some("fix it"));
        let mut g = Diagnostic::global("whole").maybe_hint(Some("h".into()));
        assert_eq!((g.span.clone(), g.label.as_str()), (None, ""));
        assert_eq!(g.hint.as_deref(), Some("h"));
        g.set_label("there");
        assert_eq!(g.label, "there");
        assert_eq!(
            Diagnostic::global("x").hint("h").maybe_hint(None).hint,
            None
        );
    }

    #[test]
    fn render_shows_place_line_label_hint_and_count() {
        let sources = two_files();
        let d = Diagnostic::at(
            Span {
                file: 0,
                range: 6..12,
            },
            "unknown type",
        )
        .label("here")
        .hint("did you mean `string`?");
        let text = render(&[d], &sources);
        assert!(
            text.starts_with(
                "error: unknown type
"
            ),
            "{text}"
        );
        assert!(text.contains("spec/a.yaml:1:7"), "{text}");
        assert!(text.contains("type: strnig"), "{text}");
        assert!(text.contains("^^^^^^ here"), "{text}");
        assert!(text.contains("hint: did you mean `string`?"), "{text}");
        assert!(text.ends_with("\n1 error in the spec.\n"), "{text}");

        let two = render(
            &[Diagnostic::global("a"), Diagnostic::global("b")],
            &sources,
        );
        assert_eq!(two, "error: a\n\nerror: b\n\n2 errors in the spec.\n");
        assert_eq!(render(&[], &sources), "0 errors in the spec.\n");
    }

    #[test]
    fn span_of_covers_the_token_at_line_and_column() {
        use crate::raw::Key;
        use indexmap::IndexMap;
        let mut sources = Sources::default();
        let text = "a:\n  bb: 1\n  c: \"q, r\" # x\n";
        let file = sources.add("spec/x.yaml".into(), text.into());
        let map: IndexMap<Key, IndexMap<Key, serde_saphyr::Spanned<String>>> =
            serde_saphyr::from_str(text).expect("valid YAML");
        let inner = &map[0];
        let keys: Vec<&Key> = inner.keys().collect();
        let at = |loc| &text[span_of(&sources, file, loc).range];
        assert_eq!(at(&keys[0].loc), "bb");
        assert_eq!(at(&keys[1].loc), "c");
        assert_eq!(at(&inner[1].referenced), "\"q, r\"");
        assert_eq!(span_of(&sources, file, &keys[1].loc).file, file);
    }

    #[test]
    fn did_you_mean_picks_the_closest_likely_typo() {
        let types = ["string", "long", "datetime", "date"];
        assert_eq!(
            did_you_mean("strnig", types).as_deref(),
            Some("did you mean `string`?")
        );
        assert_eq!(
            did_you_mean("DATETIM", types).as_deref(),
            Some("did you mean `datetime`?")
        );
        assert_eq!(did_you_mean("wallet", types), None);
        assert_eq!(did_you_mean("x", []), None);
        // A tie goes to the candidate that sorts first, whatever the order given.
        assert_eq!(
            did_you_mean("cardx", ["cardz", "cardy"]).as_deref(),
            Some("did you mean `cardy`?")
        );
        assert_eq!(
            did_you_mean("cardx", ["cardy", "cardz"]).as_deref(),
            Some("did you mean `cardy`?")
        );
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n中文x\n";
        assert_eq!(offset_of_line_col(text, 2, 3), 9);
        assert_eq!(offset_of_line_col(text, 9, 1), text.len());
    }
}
