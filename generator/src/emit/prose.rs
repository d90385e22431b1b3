//! Spec text turned into doc text, shared by the Rust, Markdown and OpenAPI
//! emitters: Markdown escaping, the "中文 — English" pairs and the
//! provenance wording.

use crate::model::Source;

/// Escape spec prose for Markdown: brackets would become links, `<` HTML.
/// Backticks are kept: spec text may mark code on purpose.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// "中文 — English" (either part may be missing).
pub(crate) fn zh_en(zh: &str, en: Option<&str>) -> String {
    match en {
        Some(en) if !en.is_empty() && en != zh => format!("{} — {}", md(zh), md(en)),
        _ => md(zh),
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
