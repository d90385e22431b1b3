//! Stage 1: read the YAML files of a spec folder into the raw model.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Sources, span_of};
use crate::raw::SpecFile;

/// The parsed files, each with its id in [`Sources`].
pub(crate) struct Loaded {
    /// Every file read, parsed or not, for diagnostics.
    pub(crate) sources: Sources,
    /// The files that parsed, in load order.
    pub(crate) files: Vec<(FileId, SpecFile)>,
}

/// Read every `*.yaml` / `*.yml` file below `dir` (sorted by path) and parse it.
///
/// A file that does not parse yields one diagnostic (serde stops at the first
/// structural error in a file); the other files are still read, so one run
/// reports a problem in each broken file.
pub(crate) fn load_dir(dir: &Path) -> Result<Loaded, (Sources, Vec<Diagnostic>)> {
    let (inputs, mut diags) = read_dir(dir)?;
    let result = load_sources(inputs);
    match result {
        Ok(loaded) if diags.is_empty() => Ok(loaded),
        Ok(loaded) => Err((loaded.sources, diags)),
        Err((sources, mut more)) => {
            diags.append(&mut more);
            Err((sources, diags))
        }
    }
}

/// The spec files read, as (display name, text), and a diagnostic per file not read.
pub(crate) type ReadDir = (Vec<(String, String)>, Vec<Diagnostic>);

/// The text of every `*.yaml` / `*.yml` file below `dir`, sorted by path, as (display
/// name, text), and a diagnostic for each file that could not be read. A folder that
/// cannot be read or holds no such file is an error.
pub(crate) fn read_dir(dir: &Path) -> Result<ReadDir, (Sources, Vec<Diagnostic>)> {
    let mut paths = Vec::new();
    if let Err(e) = collect(dir, &mut paths) {
        return Err((
            Sources::default(),
            vec![
                Diagnostic::global(format!("cannot read spec folder {}: {e}", dir.display()))
                    .hint("pass the folder holding the *.yaml files with --spec PATH"),
            ],
        ));
    }
    paths.sort();
    if paths.is_empty() {
        return Err((
            Sources::default(),
            vec![
                Diagnostic::global(format!("no *.yaml files in {}", dir.display()))
                    .hint("pass the folder holding the *.yaml files with --spec PATH"),
            ],
        ));
    }
    // A large spec is a thousand files and more: they are read on every core.
    let texts = crate::parallel_map::map(&paths, 16, |path| std::fs::read_to_string(path));
    let mut inputs = Vec::new();
    let mut diags = Vec::new();
    for (path, text) in paths.iter().zip(texts) {
        let name = display_name(dir, path);
        match text {
            Ok(text) => inputs.push((name, text)),
            Err(e) => diags.push(Diagnostic::global(format!("cannot read {name}: {e}"))),
        }
    }
    Ok((inputs, diags))
}

/// Parse in-memory files given as (display name, text), in the order given.
///
/// Every file is parsed; the diagnostics of all files that fail come back together, each
/// file's sorted by place, with the sources for rendering them.
pub(crate) fn load_sources(
    inputs: Vec<(String, String)>,
) -> Result<Loaded, (Sources, Vec<Diagnostic>)> {
    let mut sources = Sources::default();
    let ids: Vec<FileId> = inputs
        .into_iter()
        .map(|(name, text)| sources.add(name, text))
        .collect();
    let texts: Vec<&str> = ids.iter().map(|&id| sources.text(id)).collect();
    let parsed = parse_files(&texts);
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (id, result) in ids.into_iter().zip(parsed) {
        match result {
            Ok(file) => files.push((id, file)),
            Err(errors) => {
                let mut found: Vec<Diagnostic> = errors
                    .iter()
                    .map(|e| yaml_diagnostic(&sources, id, e))
                    .collect();
                found.sort_by_key(|d| d.span.as_ref().map(|s| s.range.start));
                diags.append(&mut found);
            }
        }
    }
    if diags.is_empty() {
        Ok(Loaded { sources, files })
    } else {
        Err((sources, diags))
    }
}

/// [`parse_all_errors`] of every text, results in the order given, the files shared out
/// among the cores one at a time, so a large spec of many files loads in a fraction of the
/// time.
fn parse_files(texts: &[&str]) -> Vec<Result<SpecFile, Vec<serde_saphyr::Error>>> {
    crate::parallel_map::map(texts, 1, |text| parse_all_errors(text))
}

/// At most this many structural errors are reported per file.
const MAX_ERRORS_PER_FILE: usize = 20;

/// Parse a file, and on failure keep looking for more problems.
///
/// serde stops at the first error. To report the others in the same run, the
/// item holding the error (an entry of `enums`, `objects`, `endpoints`, …) is
/// blanked out — replaced by empty lines, so every later line keeps its
/// number — and the file is parsed again, until it parses or no item can be
/// isolated (for example a syntax error at the top level).
fn parse_all_errors(text: &str) -> Result<SpecFile, Vec<serde_saphyr::Error>> {
    let mut errors = Vec::new();
    let mut current = text.to_string();
    loop {
        match parse(&current) {
            Ok(file) if errors.is_empty() => return Ok(file),
            Ok(_) => return Err(errors),
            Err(e) if crate::yaml_budget::breach(&e).is_some() => {
                // A limit is about the whole file: blanking an item and parsing again would
                // only hit it again, as slowly.
                return Err(vec![e]);
            }
            Err(e) => {
                let line = e.location().map(|l| l.line() as usize).filter(|l| *l > 0);
                let same = errors
                    .last()
                    .map(|p: &serde_saphyr::Error| p.location().map(|l| l.line()))
                    == Some(e.location().map(|l| l.line()));
                if !same {
                    errors.push(e);
                }
                let blanked = line.and_then(|l| blank_item(&current, l));
                match blanked {
                    Some(next) if !same && errors.len() < MAX_ERRORS_PER_FILE => current = next,
                    _ => return Err(errors),
                }
            }
        }
    }
}

/// Indentation of a line, or `None` for blank and comment-only lines.
fn indent(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    (!trimmed.is_empty() && !trimmed.starts_with('#')).then(|| line.len() - trimmed.len())
}

/// Blank out the second-level item containing 1-based `line_no`.
fn blank_item(text: &str, line_no: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = line_no.checked_sub(1)?.min(lines.len().checked_sub(1)?);
    // The section (a top-level key) the line belongs to. Only sections that
    // are collections of independent items can lose one; `service` and
    // `webhooks` are single structs, where blanking a key only adds noise.
    let section = (0..=at).rev().find(|&i| indent(lines[i]) == Some(0))?;
    let key = lines[section].split(':').next().unwrap_or("").trim();
    if section == at || !matches!(key, "errors" | "groups" | "enums" | "objects" | "endpoints") {
        return None;
    }
    let item_indent = lines[section + 1..].iter().find_map(|l| indent(l))?;
    if item_indent == 0 {
        return None;
    }
    let start = (section + 1..=at)
        .rev()
        .find(|&i| indent(lines[i]) == Some(item_indent))?;
    let end = (start + 1..lines.len())
        .find(|&i| indent(lines[i]).is_some_and(|n| n <= item_indent))
        .unwrap_or(lines.len());
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter().enumerate() {
        if !(start..end).contains(&i) {
            out.push_str(l);
        }
        out.push('\n');
    }
    Some(out)
}

/// The one place that calls the YAML library.
fn parse(text: &str) -> Result<SpecFile, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: Some(crate::yaml_budget::budget_for(text.len())),
    };
    serde_saphyr::from_str_with_options(text, options)
}

/// A serde-saphyr error as a diagnostic: its message without the library's own
/// place and option advice, pointing at the token where it was found, with a hint.
fn yaml_diagnostic(sources: &Sources, file: FileId, err: &serde_saphyr::Error) -> Diagnostic {
    let (message, hint) = match crate::yaml_budget::breach(err) {
        Some(breach) => {
            let (message, hint) = crate::yaml_budget::explain(breach);
            (message, Some(hint))
        }
        None => {
            let message = plain_message(err);
            let hint = yaml_hint(&message);
            (message, hint)
        }
    };
    let diag = match err.location() {
        Some(loc) if loc.line() > 0 => {
            Diagnostic::at(span_of(sources, file, &loc), message).label("here")
        }
        _ => Diagnostic::global(format!("{}: {message}", sources.name(file))),
    };
    diag.maybe_hint(hint)
}

/// serde-saphyr's message without its own place and its advice about its options.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let plain = err.without_snippet().to_string();
    // serde-saphyr appends " at line L column C"; we show the place ourselves.
    let mut message = match plain.find(" at line ") {
        Some(i) => plain[..i].to_string(),
        None => plain,
    };
    // Library advice about its own options is not for spec authors.
    if let Some(i) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(i);
    }
    message
}

/// A hint for the common YAML mistakes, with a did-you-mean for unknown keys
/// and variants (serde lists what it expected).
fn yaml_hint(message: &str) -> Option<String> {
    if message.contains("duplicate mapping key") {
        return Some("each key may appear once in a mapping; remove or rename one of them".into());
    }
    for prefix in ["unknown field `", "unknown variant `"] {
        let Some(start) = message.find(prefix) else {
            continue;
        };
        let rest = &message[start + prefix.len()..];
        let name = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split_once("expected one of ")
            .or_else(|| rest.split_once("expected "))
            .map(|(_, list)| {
                list.split(", ")
                    .map(|w| w.trim_matches(|c: char| c == '`' || c == '"' || c.is_whitespace()))
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(h) = crate::diag::did_you_mean(name, expected.iter().copied()) {
            return Some(h);
        }
        return Some(if prefix.starts_with("unknown field") {
            format!("remove `{name}`; spec/README.md lists the keys each item takes")
        } else {
            "use one of the listed values".to_string()
        });
    }
    if message.contains("invalid boolean") || message.contains("boolean") {
        return Some("write booleans as `true` or `false`".into());
    }
    None
}

/// Append the path of every `*.yaml` / `*.yml` file below `dir`, recursively.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// `spec/endpoints/wallet.yaml`-style name: the folder's own name, then the
/// relative path with `/` separators, so messages read the same on every OS.
fn display_name(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    match dir.file_name() {
        Some(base) => format!("{}/{rel}", base.to_string_lossy()),
        None => rel,
    }
}

#[cfg(test)]
mod tests {
    use super::{blank_item, indent, parse_all_errors, parse_files};

    #[test]
    fn files_parsed_side_by_side_come_back_in_order() {
        let texts: Vec<String> = (0..9)
            .map(|i| {
                if i % 3 == 1 {
                    format!("unknown_section_{i}: 1\n")
                } else {
                    String::new()
                }
            })
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let parsed = parse_files(&texts);
        assert_eq!(parsed.len(), texts.len());
        for (text, result) in texts.iter().zip(&parsed) {
            let alone = parse_all_errors(text);
            assert_eq!(result.is_ok(), alone.is_ok(), "{text:?}");
            if let (Err(side), Err(alone)) = (result, alone) {
                assert_eq!(side[0].to_string(), alone[0].to_string());
                assert!(
                    side[0]
                        .to_string()
                        .contains(text.split(':').next().unwrap())
                );
            }
        }
        assert!(parsed[0].is_ok() && parsed[1].is_err() && parsed[4].is_err());
    }

    #[test]
    fn indent_skips_blank_and_comment_lines() {
        assert_eq!(indent("enums:"), Some(0));
        assert_eq!(indent("    zh: a"), Some(4));
        assert_eq!(indent(""), None);
        assert_eq!(indent("   "), None);
        assert_eq!(indent("  # a comment"), None);
        assert_eq!(indent("#"), None);
    }

    #[test]
    fn blanks_an_item_with_comments_and_blank_lines_inside() {
        let text = "enums:\n  A:\n    # note\n\n    zh: a\n  B:\n    zh: b\n";
        assert_eq!(
            blank_item(text, 5).as_deref(),
            Some("enums:\n\n\n\n\n  B:\n    zh: b\n")
        );
    }

    const SPEC: &str =
        "enums:\n  A:\n    zh: a\n    values: []\n  B:\n    zh: b\nobjects:\n  C:\n    zh: c\n";

    #[test]
    fn blanks_the_item_holding_the_line_and_keeps_line_numbers() {
        let out = blank_item(SPEC, 3).expect("line 3 is inside item A");
        assert_eq!(
            out,
            "enums:\n\n\n\n  B:\n    zh: b\nobjects:\n  C:\n    zh: c\n"
        );
        assert_eq!(out.lines().count(), SPEC.lines().count());
    }

    #[test]
    fn blanks_the_last_item_of_a_section() {
        let out = blank_item(SPEC, 9).expect("line 9 is inside item C");
        assert_eq!(
            out,
            "enums:\n  A:\n    zh: a\n    values: []\n  B:\n    zh: b\nobjects:\n\n\n"
        );
    }

    #[test]
    fn does_not_blank_section_headers_or_single_structs() {
        assert_eq!(blank_item(SPEC, 1), None);
        assert_eq!(blank_item("service:\n  title: x\n", 2), None);
        assert_eq!(blank_item(SPEC, 0), None);
    }
}
