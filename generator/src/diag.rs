//! Diagnostics for people: `file:line:col`, the offending line with a caret,
//! and a hint. Rendered by `codespan-reporting` without colour so the text is
//! the same on every machine (and can be snapshot-tested).

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

use crate::raw::Location;

/// The spec files as read, kept for rendering snippets.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(String, String)>,
}

/// Index of a file in [`Sources`].
pub type FileId = usize;

impl Sources {
    /// Add a file (display name, contents) and return its id.
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.files.push((name, text));
        self.files.len() - 1
    }

    /// The display name of a file.
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id].0
    }

    /// The contents of a file.
    pub fn text(&self, id: FileId) -> &str {
        &self.files[id].1
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A place in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

/// One problem found in the spec.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    /// Where it is; `None` for a problem with the spec as a whole.
    pub span: Option<Span>,
    /// Short text under the caret.
    pub label: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic pointing at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: Some(span),
            label: String::new(),
            hint: None,
        }
    }

    /// A diagnostic about the spec as a whole.
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: None,
            label: String::new(),
            hint: None,
        }
    }

    /// Set the text under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Set the text under the caret of a diagnostic already pushed.
    pub fn set_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }

    /// Set the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Set the hint when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// Turn a serde-saphyr location into a span covering the token that starts there.
///
/// The line and column are used, not the byte offset: after a file is parsed
/// again with an item blanked out (to find more errors), lines keep their
/// numbers but byte offsets move.
pub fn span_of(sources: &Sources, file: FileId, loc: &Location) -> Span {
    let text = sources.text(file);
    let start = offset_of_line_col(text, loc.line(), loc.column()).min(text.len());
    Span {
        file,
        range: start..token_end(text, start),
    }
}

/// Byte offset of a 1-based line and column (columns count characters).
pub fn offset_of_line_col(text: &str, line: u64, col: u64) -> usize {
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

/// Render diagnostics as plain text, in the order given.
pub fn render(diags: &[Diagnostic], sources: &Sources) -> String {
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

/// The closest candidate to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
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

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n中文x\n";
        assert_eq!(offset_of_line_col(text, 2, 3), 9);
        assert_eq!(offset_of_line_col(text, 9, 1), text.len());
    }
}
