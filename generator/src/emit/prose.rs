//! Spec text turned into doc text, shared by the Rust, Markdown and OpenAPI
//! emitters: one conversion from spec prose to Markdown that rustdoc, a
//! Markdown renderer and an OpenAPI tool (CommonMark) all read the same way,
//! the "中文 — English" pairs and the provenance wording.
//!
//! Spec prose is written as light Markdown. What is kept as Markdown:
//! paragraphs, lists, headings, code spans, `**bold**`, links to `http(s)`
//! addresses (`[text](https://…)`) and autolinks (`<https://…>`). Everything
//! else is literal text and is escaped so that it reads as written: `[x]`,
//! `<T>`, HTML, backslashes, a lone `*`, `_` or `~`, `&amp;`-like entities and
//! unmatched backticks. Code never becomes a Rust doctest: every code block
//! (fenced with backticks or tildes, or indented) comes out as a fence tagged
//! with a non-Rust language (`text` unless the spec names one such as
//! `json`), and bare `http(s)://` addresses become autolinks
//! (`rustdoc::bare_urls`). Code spans and code blocks are never escaped.

use crate::model::{Source, Statement};

/// Fence languages kept as the spec writes them: rustdoc compiles none of them. Any other
/// tag (none, `rust`, `ignore`, `no_run`, a typo, …) becomes `text`: examples in the spec
/// are not our code.
const KEPT_LANGS: &[&str] = &[
    "text",
    "txt",
    "plain",
    "json",
    "jsonc",
    "json5",
    "sh",
    "bash",
    "shell",
    "console",
    "yaml",
    "yml",
    "toml",
    "ini",
    "xml",
    "html",
    "http",
    "sql",
    "csv",
    "diff",
    "markdown",
    "md",
    "js",
    "javascript",
    "ts",
    "typescript",
    "python",
    "py",
    "java",
    "kotlin",
    "go",
    "c",
    "cpp",
    "csharp",
    "php",
    "ruby",
    "swift",
    "graphql",
    "protobuf",
    "proto",
];

/// Spec prose (a description, a note, an action) as a block of Markdown: may span several
/// lines and hold code blocks. Put it on lines of its own, or join it to a sentence with
/// [`run_in`].
pub(crate) fn md(text: &str) -> String {
    block(text)
}

/// A spec label (a name, `zh`, `en`) as Markdown on one line: line breaks become spaces.
pub(crate) fn inline(text: &str) -> String {
    let flat = flatten(text);
    escape_group(&flat, Mode::default())
}

/// A spec text as the cell of a Markdown table: one line, and `|` escaped (inside code
/// spans too, as tables want).
pub(crate) fn cell(text: &str) -> String {
    let flat = flatten(text);
    escape_group(
        &flat,
        Mode {
            cell: true,
            ..Mode::default()
        },
    )
}

/// `lead` followed by the prose `text`: on the same line when the prose starts with a
/// paragraph, else on a paragraph of its own (a code block cannot start mid-line).
pub(crate) fn run_in(lead: &str, text: &str) -> String {
    let body = md(text);
    let first = body.lines().next().unwrap_or_default();
    if body.is_empty() {
        lead.trim_end().to_owned()
    } else if first.starts_with("```") || starts_block(first) {
        format!("{}\n\n{body}", lead.trim_end())
    } else {
        format!("{lead}{body}")
    }
}

/// `text` as a code span, whatever backticks it holds (a spec value: a code, a tag). An
/// empty text has no code span: it reads `""`.
pub(crate) fn code(text: &str) -> String {
    let text = flatten_lines(text);
    if text.trim().is_empty() {
        return format!("`{text:?}`");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Line breaks become spaces (a code span cannot hold a line that starts a block).
fn flatten_lines(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// "中文 — English" (either part may be missing).
pub(crate) fn zh_en(zh: &str, en: Option<&str>) -> String {
    match en {
        Some(en) if !en.is_empty() && en != zh => format!("{} — {}", inline(zh), inline(en)),
        _ => inline(zh),
    }
}

/// How a provenance reads in the Rust docs.
pub(crate) fn source_word(s: Source) -> &'static str {
    match s {
        Source::Documented => "documented (vendor page)",
        Source::Observed => "observed (vendor excerpt)",
        Source::Modeled => "modeled (our reconstruction; confirm with the vendor)",
    }
}

/// The statements of an item that mixes sources, `about: source` joined by `; `.
fn statements_text(statements: &[Statement]) -> String {
    statements
        .iter()
        .map(|s| format!("{}: {}", inline(&s.about), s.source.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A source, followed by the statements of an item that mixes sources:
/// `modeled — the codes and Chinese labels: documented; the names: modeled`.
pub(crate) fn sourced(source: Source, statements: &[Statement]) -> String {
    if statements.is_empty() {
        source.as_str().to_string()
    } else {
        format!("{} — {}", source.as_str(), statements_text(statements))
    }
}

/// The Rust-doc sentence for the statements of an item that mixes sources
/// (` Per statement: the codes: documented; the names: modeled.`), empty otherwise.
pub(crate) fn per_statement(statements: &[Statement]) -> String {
    if statements.is_empty() {
        String::new()
    } else {
        format!(" Per statement: {}.", statements_text(statements))
    }
}

/// Every run of blanks and line breaks becomes one space, so that no indentation is left
/// to make a code block where the text lands at the start of a line.
fn flatten(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Columns of leading blanks (tabs to the next multiple of 4) and the byte where text starts.
fn indent(line: &str) -> (usize, usize) {
    let mut cols = 0;
    for (i, c) in line.char_indices() {
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4 - cols % 4,
            _ => return (cols, i),
        }
    }
    (cols, line.len())
}

/// `line` without its first `n` columns of indentation (fewer if it has fewer).
fn strip_cols(line: &str, n: usize) -> String {
    let mut cols = 0;
    for (i, c) in line.char_indices() {
        if cols >= n {
            return line[i..].to_owned();
        }
        match c {
            ' ' => cols += 1,
            '\t' => {
                let next = cols + 4 - cols % 4;
                if next > n {
                    // A tab that straddles the cut: keep the columns past it as spaces.
                    return format!("{}{}", " ".repeat(next - n), &line[i + 1..]);
                }
                cols = next;
            }
            _ => return line[i..].to_owned(),
        }
    }
    String::new()
}

/// A fence opener: its character, length and info string.
fn fence_open(rest: &str) -> Option<(char, usize, &str)> {
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = rest.chars().take_while(|x| *x == c).count();
    if n < 3 {
        return None;
    }
    let info = rest[n..].trim();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

fn is_fence_close(line: &str, c: char, n: usize, max_indent: usize) -> bool {
    let (cols, start) = indent(line);
    let rest = line[start..].trim_end();
    cols <= max_indent && rest.chars().count() >= n && rest.chars().all(|x| x == c)
}

/// The info string's language if rustdoc compiles none of it, else `text`.
fn fence_lang(info: &str) -> &'static str {
    let word = info
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let only = info
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .count()
        <= 1;
    match KEPT_LANGS.iter().find(|l| **l == word) {
        Some(l) if only => l,
        _ => "text",
    }
}

/// A list marker at the start of `s` (`-`, `*`, `+`, `1.`, `1)`): its length in bytes.
fn list_marker(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let n = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(b.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    match b.get(n) {
        None | Some(b' ' | b'\t') => Some(n),
        _ => None,
    }
}

/// Could this line start a block that ends a paragraph, read by a CommonMark parser, at
/// any indentation (inside a list item it may)? Conservative: code spans never cross it.
fn starts_block(line: &str) -> bool {
    let rest = &line[indent(line).1..];
    matches!(
        rest.chars().next(),
        Some('#' | '<' | '>' | '-' | '*' | '+' | '=' | '_' | '|' | '`' | '~' | '[')
    ) || list_marker(rest).is_some()
}

/// A heading, thematic break or setext underline (in a list item too): after it, an
/// indented line is code.
fn ends_paragraph(line: &str) -> bool {
    let mut rest = line[indent(line).1..].trim_end();
    while let Some(n) = list_marker(rest) {
        let after = &rest[n..];
        if after.trim().is_empty() {
            break;
        }
        rest = &after[indent(after).1..];
    }
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes)
        && rest[hashes..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
    {
        return true;
    }
    let marks: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let first = marks.chars().next();
    matches!(first, Some('=' | '-' | '*' | '_'))
        && marks.chars().all(|c| Some(c) == first)
        && (marks.len() >= 3 || first == Some('=') || first == Some('-'))
}

/// A fence around `content`, longer than any backtick run that opens one of its lines.
fn push_fence(out: &mut Vec<String>, lang: &str, content: &[String]) {
    let longest = content
        .iter()
        .map(|l| {
            let t = l.trim_start();
            t.chars().take_while(|c| *c == '`').count()
        })
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push(format!("{fence}{lang}"));
    out.extend(content.iter().map(|l| l.trim_end().to_owned()));
    out.push(fence);
}

/// What the line before was, for telling indented code from a paragraph's continuation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of text, a blank line or the end of a block: an indented line is code.
    Break,
    /// A paragraph (or list item) line: an indented line continues it.
    Para,
}

/// Spec text as Markdown that reads literally: blank lines kept single, indented and fenced
/// code as fences, every other group of lines escaped by `escape_group`.
fn block(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    let mut prev = Prev::Break;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let (cols, start) = indent(line);
        if line.trim().is_empty() {
            flush(&mut group, &mut out);
            if !out.is_empty() && out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            prev = Prev::Break;
            i += 1;
            continue;
        }
        if cols >= 4 && prev == Prev::Break {
            flush(&mut group, &mut out);
            i = indented_code(&lines, i, &mut out);
            prev = Prev::Break;
            continue;
        }
        let (markers, rest) = list_markers(&line[start..]);
        if let Some(fence) = fence_open(rest) {
            flush(&mut group, &mut out);
            i = fenced_code(&lines, i, cols, &markers, fence, &mut out);
            prev = Prev::Break;
            continue;
        }
        let normalized = if markers.is_empty() {
            line.to_owned()
        } else {
            format!("{}{markers}{rest}", &line[..start])
        };
        if starts_block(&normalized) {
            flush(&mut group, &mut out);
        }
        group.push(normalized.clone());
        if ends_paragraph(&normalized) {
            flush(&mut group, &mut out);
            prev = Prev::Break;
        } else {
            prev = Prev::Para;
        }
        i += 1;
    }
    flush(&mut group, &mut out);
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// Moves a group of text lines, escaped, to `out`.
fn flush(group: &mut Vec<String>, out: &mut Vec<String>) {
    if !group.is_empty() {
        let joined = group.join("\n");
        out.extend(
            escape_group(&joined, Mode::default())
                .lines()
                .map(|l| l.trim_end().to_owned()),
        );
        group.clear();
    }
}

/// Pushes the indented code starting at line `i` as a `text` fence, content kept literally;
/// returns the index of the line after it.
fn indented_code(lines: &[&str], i: usize, out: &mut Vec<String>) -> usize {
    let mut end = i;
    let mut j = i;
    while j < lines.len() && (lines[j].trim().is_empty() || indent(lines[j]).0 >= 4) {
        if !lines[j].trim().is_empty() {
            end = j + 1;
        }
        j += 1;
    }
    let content: Vec<String> = lines[i..end].iter().map(|l| strip_cols(l, 4)).collect();
    push_fence(out, "text", &content);
    end
}

/// The container markers (list items) before a line's own content, each followed by one
/// blank, and that content: `-     x` would be indented code inside a list item, `- ```` a
/// fence inside one.
fn list_markers(line: &str) -> (String, &str) {
    let mut rest = line;
    let mut markers = String::new();
    while let Some(n) = list_marker(rest) {
        let after = &rest[n..];
        let (gap, text_at) = indent(after);
        if text_at == after.len() {
            break;
        }
        // One blank after the marker: with five or more, the item would start with
        // indented code.
        let _ = gap;
        markers.push_str(&rest[..n]);
        markers.push(' ');
        rest = &after[text_at..];
    }
    (markers, rest)
}

/// Pushes the fenced code opened on line `i` (after `cols` columns and the list `markers`)
/// as a fence of a known language or `text`; returns the index of the line after its close.
fn fenced_code(
    lines: &[&str],
    i: usize,
    cols: usize,
    markers: &str,
    (c, n, info): (char, usize, &str),
    out: &mut Vec<String>,
) -> usize {
    if !markers.is_empty() {
        out.push(escape_group(markers.trim_end(), Mode::default()));
    }
    let lang = fence_lang(info);
    let offset = cols + markers.chars().count();
    let mut content = Vec::new();
    let mut j = i + 1;
    while j < lines.len() && !is_fence_close(lines[j], c, n, offset + 3) {
        content.push(strip_cols(lines[j], offset));
        j += 1;
    }
    push_fence(out, lang, &content);
    j + 1
}

#[derive(Clone, Copy, Default)]
struct Mode {
    /// Inside a table cell: `|` escaped everywhere.
    cell: bool,
    /// Inside a link's text: no autolinks (links do not nest).
    in_link: bool,
}

/// Schemes of the autolinks kept as written.
const LINK_SCHEMES: &[&str] = &["http://", "https://", "mailto:"];

/// The end (exclusive, in chars) of an autolink `<scheme:…>` starting at `i`.
fn autolink_end(c: &[char], i: usize) -> Option<usize> {
    if !LINK_SCHEMES
        .iter()
        .any(|s| starts_with_ascii(&c[i + 1..], s))
    {
        return None;
    }
    let mut j = i + 1;
    while j < c.len() {
        match c[j] {
            '>' => return (j > i + 1).then_some(j + 1),
            '<' => return None,
            x if x.is_whitespace() || x.is_control() => return None,
            _ => j += 1,
        }
    }
    None
}

/// Whether `c` starts with `prefix` (lowercase ASCII), ignoring ASCII case.
fn starts_with_ascii(c: &[char], prefix: &str) -> bool {
    c.len() >= prefix.len()
        && c.iter()
            .zip(prefix.chars())
            .all(|(x, p)| x.to_ascii_lowercase() == p)
}

/// The end (exclusive) of a bare `http(s)://` address starting at `i`.
fn bare_url_end(c: &[char], i: usize) -> Option<usize> {
    let scheme = if starts_with_ascii(&c[i..], "https://") {
        8
    } else if starts_with_ascii(&c[i..], "http://") {
        7
    } else {
        return None;
    };
    let mut j = i + scheme;
    while j < c.len()
        && !c[j].is_whitespace()
        && !c[j].is_control()
        && !matches!(
            c[j],
            '<' | '>' | '`' | '"' | '[' | ']' | '{' | '}' | '|' | '\\' | '^'
        )
    {
        j += 1;
    }
    // Trailing punctuation belongs to the sentence, and so does an unbalanced `)`.
    loop {
        if j <= i + scheme {
            return None;
        }
        let last = c[j - 1];
        let opens = c[i..j].iter().filter(|x| **x == '(').count();
        let closes = c[i..j].iter().filter(|x| **x == ')').count();
        if matches!(
            last,
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_' | '~'
        ) || (last == ')' && closes > opens)
        {
            j -= 1;
        } else {
            return Some(j);
        }
    }
}

/// The end of a backtick code span opening at `i`, if a closing run of the same length
/// follows.
fn code_span_end(c: &[char], i: usize) -> Option<usize> {
    let n = c[i..].iter().take_while(|x| **x == '`').count();
    let mut j = i + n;
    while j < c.len() {
        if c[j] == '`' {
            let m = c[j..].iter().take_while(|x| **x == '`').count();
            if m == n {
                return Some(j + m);
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

/// `[text](http…)` starting at `i`: the end, the text and the address.
fn link_at(c: &[char], i: usize) -> Option<(usize, String, String)> {
    let mut j = i + 1;
    // The text: up to the first `]` outside code spans, on one line, with no `[`.
    while j < c.len() {
        match c[j] {
            ']' => break,
            '[' | '\n' => return None,
            '`' => match code_span_end(c, j) {
                Some(e) => j = e,
                None => return None,
            },
            _ => j += 1,
        }
    }
    if j >= c.len() || j == i + 1 || c.get(j + 1) != Some(&'(') {
        return None;
    }
    let text: String = c[i + 1..j].iter().collect();
    let start = j + 2;
    bare_url_end(c, start)?;
    let mut depth = 0usize;
    let mut k = start;
    while k < c.len() {
        match c[k] {
            '(' => depth += 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            x if x.is_whitespace() || x.is_control() || x == '<' || x == '>' || x == '\\' => {
                return None;
            }
            _ => {}
        }
        k += 1;
    }
    if k >= c.len() {
        return None;
    }
    Some((k + 1, text, c[start..k].iter().collect()))
}

/// Does `&` at `i` start something a Markdown reader takes for an entity (`&amp;`, `&#38;`)?
fn entity_at(c: &[char], i: usize) -> bool {
    let rest: Vec<char> = c[i + 1..].iter().take(34).copied().collect();
    let body = rest.iter().take_while(|x| **x != ';').count();
    if body == 0 || body == rest.len() {
        return false;
    }
    let b = &rest[..body];
    match b {
        ['#', 'x' | 'X', hex @ ..] => {
            (1..=6).contains(&hex.len()) && hex.iter().all(char::is_ascii_hexdigit)
        }
        ['#', dec @ ..] => (1..=7).contains(&dec.len()) && dec.iter().all(char::is_ascii_digit),
        [first, ..] => first.is_ascii_alphabetic() && b.iter().all(char::is_ascii_alphanumeric),
        [] => false,
    }
}

fn at_line_start(c: &[char], i: usize) -> bool {
    c[..i]
        .iter()
        .rev()
        .take_while(|x| **x != '\n')
        .all(|x| *x == ' ' || *x == '\t')
}

/// Where `**` at `i` is closed on the same line, for a bold run written on purpose.
fn bold_close(c: &[char], i: usize) -> Option<usize> {
    let double = |k: usize| c.get(k) == Some(&'*') && c.get(k + 1) == Some(&'*');
    if !double(i) || c.get(i + 2).is_none_or(|x| x.is_whitespace() || *x == '*') {
        return None;
    }
    if i > 0 && c[i - 1] == '*' {
        return None;
    }
    let mut k = i + 3;
    while k + 1 < c.len() && c[k] != '\n' {
        match c[k] {
            '`' => match code_span_end(c, k) {
                Some(e) => k = e,
                None => k += 1,
            },
            '*' if double(k) => {
                if !c[k - 1].is_whitespace() && c.get(k + 2) != Some(&'*') {
                    return Some(k);
                }
                k += 2;
            }
            _ => k += 1,
        }
    }
    None
}

/// Whether [`escape_group`] leaves `text` as it is: no character it escapes or keeps as
/// Markdown (`|` counts, as in a table cell), and no address to link.
fn reads_literally(text: &str) -> bool {
    !text.contains("://")
        && !text.bytes().any(|b| {
            matches!(
                b,
                b'`' | b'<' | b'[' | b'*' | b'_' | b'!' | b'&' | b'\\' | b']' | b'>' | b'~' | b'|'
            )
        })
}

/// Escape the Markdown of a run of text lines (one paragraph-like group) so that it reads
/// literally, keeping code spans, links, autolinks and `**bold**`, and turning bare
/// addresses into autolinks.
//
// Left whole (about 115 lines): it is one `match` on the next character with one arm per
// Markdown construct, all sharing the cursor `i`, `out` and the pending bold closers; the
// arms read as the escaping table itself, and pulling them apart would scatter that table.
fn escape_group(text: &str, mode: Mode) -> String {
    if reads_literally(text) {
        return text.to_owned();
    }
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut bold_closers: Vec<usize> = Vec::new();
    let mut i = 0;
    let pipe = |s: &str| {
        if mode.cell {
            s.replace('|', "\\|")
        } else {
            s.to_owned()
        }
    };
    while i < c.len() {
        let ch = c[i];
        match ch {
            '`' => {
                let n = c[i..].iter().take_while(|x| **x == '`').count();
                match code_span_end(&c, i) {
                    Some(e) => {
                        out.push_str(&pipe(&c[i..e].iter().collect::<String>()));
                        i = e;
                    }
                    None => {
                        out.push_str(&"\\`".repeat(n));
                        i += n;
                    }
                }
            }
            '<' => match autolink_end(&c, i).filter(|_| !mode.in_link) {
                Some(e) => {
                    out.push_str(&pipe(&c[i..e].iter().collect::<String>()));
                    i = e;
                }
                None => {
                    out.push_str("\\<");
                    i += 1;
                }
            },
            '[' => match link_at(&c, i).filter(|_| !mode.in_link) {
                Some((e, label, url)) => {
                    let label = escape_group(
                        &label,
                        Mode {
                            in_link: true,
                            ..mode
                        },
                    );
                    out.push_str(&format!("[{label}]({})", pipe(&url)));
                    i = e;
                }
                None => {
                    out.push_str("\\[");
                    i += 1;
                }
            },
            'h' | 'H' if !mode.in_link && bare_url_end(&c, i).is_some() => {
                let e = bare_url_end(&c, i).unwrap_or(i + 1);
                out.push('<');
                out.push_str(&pipe(&c[i..e].iter().collect::<String>()));
                out.push('>');
                i = e;
            }
            '*' => {
                if bold_closers.contains(&i) {
                    out.push_str("**");
                    i += 2;
                } else if let Some(k) = bold_close(&c, i) {
                    bold_closers.push(k);
                    out.push_str("**");
                    i += 2;
                } else if at_line_start(&c, i)
                    && c.get(i + 1).is_some_and(|x| *x == ' ' || *x == '\t')
                {
                    // A list bullet.
                    out.push('*');
                    i += 1;
                } else {
                    out.push_str("\\*");
                    i += 1;
                }
            }
            '_' => {
                let word = |x: Option<&char>| x.is_some_and(|x| x.is_alphanumeric());
                if i > 0 && word(c.get(i - 1)) && word(c.get(i + 1)) {
                    out.push('_');
                } else {
                    out.push_str("\\_");
                }
                i += 1;
            }
            // `![text](address)` would be an image: the link is kept, the `!` is text.
            '!' if c.get(i + 1) == Some(&'[') && !mode.in_link && link_at(&c, i + 1).is_some() => {
                out.push_str("\\!");
                i += 1;
            }
            '&' if entity_at(&c, i) => {
                out.push_str("\\&");
                i += 1;
            }
            '\\' | ']' | '>' | '~' => {
                out.push('\\');
                out.push(ch);
                i += 1;
            }
            '|' if mode.cell => {
                out.push_str("\\|");
                i += 1;
            }
            _ => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_markdown_is_kept_as_is_and_any_markdown_is_escaped() {
        for plain in ["", "卡状态 — card status", "a b, c. (d) e: 1/2 + 3 = 4 #x"] {
            assert!(reads_literally(plain), "{plain}");
            assert_eq!(inline(plain), plain);
        }
        for marked in [
            "a_b",
            "x*",
            "see https://x.org",
            "[x]",
            "a|b",
            "&amp;",
            "t<T>",
        ] {
            assert!(!reads_literally(marked), "{marked}");
        }
        assert_eq!(inline("hTTps://x.org/a."), "<hTTps://x.org/a>.");
        assert_eq!(inline("<HTTPS://x.org>"), "<HTTPS://x.org>");
    }

    #[test]
    fn fences_become_text_unless_a_known_language() {
        assert_eq!(md("a\n```\nlet x = 1;\n```"), "a\n```text\nlet x = 1;\n```");
        assert_eq!(md("```rust\nfn f() {}\n```"), "```text\nfn f() {}\n```");
        assert_eq!(md("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(md("```sh\nls\n```"), "```sh\nls\n```");
        assert_eq!(md("```ignore\nx\n```"), "```text\nx\n```");
        assert_eq!(md("```json,no_run\nx\n```"), "```text\nx\n```");
        assert_eq!(md("~~~\nx\n~~~"), "```text\nx\n```");
        assert_eq!(md("~~~json\n```\n~~~"), "````json\n```\n````");
        // An unclosed fence is closed at the end of the text.
        assert_eq!(md("```\n[x] <y>"), "```text\n[x] <y>\n```");
        // Content is literal: nothing escaped, URLs not linked.
        assert_eq!(
            md("```\n<a> [b] https://x.org \\ *\n```"),
            "```text\n<a> [b] https://x.org \\ *\n```"
        );
    }

    #[test]
    fn indented_code_becomes_a_text_fence() {
        assert_eq!(
            md("A body:\n\n    {\"a\": [1]}\n      <b>\n\nAfter."),
            "A body:\n\n```text\n{\"a\": [1]}\n  <b>\n```\n\nAfter."
        );
        assert_eq!(md("\tx"), "```text\nx\n```");
        // A paragraph's indented continuation line is not code.
        assert_eq!(md("one\n    two"), "one\n    two");
        // After a heading it is.
        assert_eq!(md("# H\n    x"), "# H\n```text\nx\n```");
        // A list item that would start with indented code, or with a fence.
        assert_eq!(md("-     x"), "- x");
        assert_eq!(md("- ```\n  x\n  ```"), "-\n```text\nx\n```");
    }

    #[test]
    fn urls_become_autolinks_outside_code_and_links() {
        assert_eq!(
            md("See https://a.example/x?y=1#z."),
            "See <https://a.example/x?y=1#z>."
        );
        assert_eq!(md("(http://a.example/b_(c))"), "(<http://a.example/b_(c)>)");
        assert_eq!(md("<https://a.example/>"), "<https://a.example/>");
        assert_eq!(
            md("[docs](https://a.example/d) and `https://a.example`"),
            "[docs](https://a.example/d) and `https://a.example`"
        );
        assert_eq!(
            md("[see https://a.example](https://b.example)"),
            "[see https://a.example](https://b.example)"
        );
        assert_eq!(md("https://"), "https://");
    }

    #[test]
    fn literal_text_stays_literal() {
        assert_eq!(md("[x] <T> #hash"), "\\[x\\] \\<T\\> #hash");
        assert_eq!(
            md("C:\\dir\\ a*b*c _x_ snake_case ~1~"),
            "C:\\\\dir\\\\ a\\*b\\*c \\_x\\_ snake_case \\~1\\~"
        );
        assert_eq!(md("<!-- c --> &amp; & x"), "\\<!-- c --\\> \\&amp; & x");
        assert_eq!(md("> quote"), "\\> quote");
        assert_eq!(md("**bold** and 2 * 3"), "**bold** and 2 \\* 3");
        assert_eq!(md("- a\n* b\n1. c"), "- a\n* b\n1. c");
        // Code spans are kept as written, an unmatched backtick is escaped.
        assert_eq!(md("`<a> [b] \\`"), "`<a> [b] \\`");
        assert_eq!(md("a ` b"), "a \\` b");
        assert_eq!(md("``a ` b``"), "``a ` b``");
        // A code span may wrap, but not across a line that starts a block.
        assert_eq!(md("`a\nb`"), "`a\nb`");
        assert_eq!(md("`a\n<div>`"), "\\`a\n\\<div\\>\\`");
    }

    #[test]
    fn inline_and_cells_are_one_line() {
        assert_eq!(inline("a\n  b [c]"), "a b \\[c\\]");
        assert_eq!(cell("a | `b|c`\nd"), "a \\| `b\\|c` d");
        assert_eq!(zh_en("钱包", Some("wallet <w>")), "钱包 — wallet \\<w\\>");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("a.b"), "`a.b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code(""), "`\"\"`");
        for t in ["a`b", "`", "``", "<x> [y]", "https://a.example", "a\n# b"] {
            assert!(doc_problems(&code(t)).is_empty(), "{t:?}");
            assert!(!code(t).contains('\n'));
        }
    }

    #[test]
    fn run_in_breaks_before_a_block() {
        assert_eq!(run_in("Recovery: ", "look it up"), "Recovery: look it up");
        assert_eq!(
            run_in("Recovery: ", "```\nx\n```"),
            "Recovery:\n\n```text\nx\n```"
        );
        assert_eq!(run_in("Recovery: ", "- a\n- b"), "Recovery:\n\n- a\n- b");
    }

    /// How rustdoc reads Markdown (its options, as in `rustdoc::html::markdown`).
    fn rustdoc_events(text: &str) -> Vec<pulldown_cmark::Event<'_>> {
        use pulldown_cmark::{Options, Parser};
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_SMART_PUNCTUATION;
        Parser::new_ext(text, opts).collect()
    }

    /// What rustdoc would complain about or compile in `doc`, as messages.
    fn doc_problems(doc: &str) -> Vec<String> {
        use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};
        let mut problems = Vec::new();
        let mut in_link = 0usize;
        let mut in_code = false;
        let mut text = String::new();
        for event in rustdoc_events(doc) {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    in_code = true;
                    match kind {
                        CodeBlockKind::Indented => problems.push("indented code block".into()),
                        CodeBlockKind::Fenced(lang) => {
                            if !KEPT_LANGS.contains(&lang.as_ref()) {
                                problems.push(format!("code block tagged `{lang}`"));
                            }
                        }
                    }
                }
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) => {
                    in_link += 1;
                    let absolute = dest_url.starts_with("http://")
                        || dest_url.starts_with("https://")
                        || dest_url.starts_with("mailto:");
                    if !absolute || matches!(link_type, LinkType::Email) {
                        problems.push(format!("link to `{dest_url}` ({link_type:?})"));
                    }
                }
                Event::End(TagEnd::Link) => in_link -= 1,
                Event::Start(Tag::Image { .. } | Tag::FootnoteDefinition(_))
                | Event::FootnoteReference(_) => problems.push(format!("{event:?}")),
                Event::Html(h) | Event::InlineHtml(h) => problems.push(format!("HTML `{h}`")),
                Event::Text(t) if in_link == 0 && !in_code => {
                    text.push_str(&t);
                    continue;
                }
                _ => {}
            }
            if bare_url(&text) {
                problems.push(format!("bare URL in `{text}`"));
            }
            text.clear();
        }
        if bare_url(&text) {
            problems.push(format!("bare URL in `{text}`"));
        }
        problems
    }

    /// What `rustdoc::bare_urls` reports: `https?://` then a host with a dot and a top-level
    /// domain of two or more letters.
    fn bare_url(text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-@:%._+~#=".contains(c);
        ["http://", "https://"].iter().any(|scheme| {
            lower.match_indices(scheme).any(|(at, _)| {
                let host: Vec<char> = lower[at + scheme.len()..]
                    .chars()
                    .take_while(|c| allowed(*c))
                    .collect();
                (2..host.len()).any(|dot| {
                    host[dot] == '.'
                        && host[dot + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphabetic())
                            .count()
                            >= 2
                })
            })
        })
    }

    /// The line-level promise: every fence opens with a kept language and is closed.
    fn fence_problems(doc: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let mut open: Option<String> = None;
        for line in doc.lines() {
            match &open {
                Some(f) => {
                    if line == f {
                        open = None;
                    }
                }
                None => {
                    let t = line.trim_start_matches([' ', '\t']);
                    let fence: String = t.chars().take_while(|c| *c == '`').collect();
                    let lang = &t[fence.len()..];
                    // A run of backticks with more backticks after it opens a code span.
                    let span = fence.len() >= 3 && lang.contains('`');
                    if (fence.len() >= 3 && !span) || t.starts_with("~~~") {
                        if line != t || fence.is_empty() || !KEPT_LANGS.contains(&lang) {
                            problems.push(format!("fence line `{line}`"));
                        }
                        open = Some(fence);
                    }
                }
            }
        }
        if open.is_some() {
            problems.push("unclosed fence".into());
        }
        problems
    }

    /// Pieces of nasty prose: code, fences, indents, addresses, brackets, escapes, Unicode.
    const PIECES: &[&str] = &[
        "a",
        "word",
        " ",
        " ",
        "\n",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "  ",
        "`",
        "``",
        "```",
        "~~~",
        "```rust",
        "```json",
        "~~~sh",
        "```no_run",
        "http://",
        "https://",
        "a.example",
        "/p?q=1",
        "https://x.example/a_(b)",
        "<https://y.example>",
        "<",
        ">",
        "[",
        "]",
        "(",
        ")",
        "[t](https://z.example)",
        "\\",
        "#",
        "# ",
        "*",
        "**",
        "_",
        "~",
        "&amp;",
        "&",
        "|",
        "-",
        "- ",
        "1. ",
        "> ",
        "<div>",
        "<!--",
        "-->",
        "<T>",
        "[x]",
        "[^1]",
        "!",
        ":",
        ".",
        "元",
        "é",
        "ü",
        "½",
        "≤",
        "—",
        "👍",
        "\u{a0}",
        "\r\n",
        "=",
        "---",
        "mailto:a@b.example",
    ];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            // xorshift64*: deterministic, no dependency.
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize
        }
    }

    /// Whatever the prose, the result holds no Rust code block, no unclosed fence, no bare
    /// URL outside code and links, no HTML, and no relative link or footnote that could
    /// be read as an intra-doc link: as a block, run into a sentence, inline and in cells.
    #[test]
    fn any_prose_is_safe_for_rustdoc() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..20_000 {
            let len = 1 + rng.next() % 24;
            let text: String = (0..len)
                .map(|_| PIECES[rng.next() % PIECES.len()])
                .collect();
            let block = md(&text);
            let mut problems = doc_problems(&block);
            problems.extend(fence_problems(&block));
            let lead = format!("Lead: {}\n\n", run_in("Recovery: ", &text));
            problems.extend(doc_problems(&lead));
            problems.extend(fence_problems(&lead));
            for one in [inline(&text), cell(&text)] {
                if one.contains('\n') {
                    problems.push("a line break in inline text".into());
                }
                problems.extend(doc_problems(&one));
            }
            assert!(
                problems.is_empty(),
                "case {case}: {text:?}\nbecame {block:?}\n{problems:#?}"
            );
        }
    }

    /// The conversion does not change text that needs no escaping.
    #[test]
    fn plain_prose_is_unchanged() {
        let plain =
            "Books a shipment (EUR).\n\n- one\n- two\n\n**Note:** `a<b>` is kept; 10 % VAT.";
        assert_eq!(md(plain), plain);
    }

    #[test]
    fn sourced_lists_the_statements_after_the_weakest_source() {
        use crate::model::{Source, Statement};
        assert_eq!(super::sourced(Source::Observed, &[]), "observed");
        let statements = [
            Statement {
                about: "codes and `zh` labels".into(),
                source: Source::Documented,
            },
            Statement {
                about: "names".into(),
                source: Source::Modeled,
            },
        ];
        assert_eq!(
            super::sourced(Source::Modeled, &statements),
            "modeled — codes and `zh` labels: documented; names: modeled"
        );
    }
}
