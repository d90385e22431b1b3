//! The YAML parser's resource limits for a spec file, and what to tell the author when one is hit.
//!
//! serde-saphyr refuses input beyond fixed limits (250,000 nodes, 1,000,000 parser events) to
//! guard against resource exhaustion. Those defaults refuse a plain spec file of a few megabytes.
//! Without aliases, every node and event costs input bytes, so limits that grow with the file's
//! size never refuse plain YAML; only anchor and alias expansion (the "billion laughs" attack) and
//! absurd nesting can still reach a limit, and those keep the library's defaults.

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Budget, Error};

/// The limits for one file of `len` bytes.
pub(crate) fn budget_for(len: usize) -> Budget {
    let mut budget = Budget::default();
    // A node (scalar, sequence or mapping) takes at least one byte of input when it is not an
    // alias replay; an event at most two (`{a}` is four events in three bytes).
    budget.max_nodes = budget.max_nodes.saturating_add(len);
    budget.max_events = budget.max_events.saturating_add(len.saturating_mul(2));
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(len);
    budget
}

/// The limit an error reports having hit, looking through the library's wrappers.
pub(crate) fn breach(err: &Error) -> Option<&BudgetBreach> {
    let mut err = err;
    loop {
        match err {
            Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => err = error,
            Error::Budget { breach, .. } => return Some(breach),
            _ => return None,
        }
    }
}

/// What was hit, for people, and how to avoid it.
pub(crate) fn explain(breach: &BudgetBreach) -> (String, String) {
    const EXPANSION: &str = "anchors and aliases (`&name`, `*name`) expand to more than a \
        spec can need: write the repeated part out, or split it over several files";
    match breach {
        BudgetBreach::Depth { depth } => (
            format!("the YAML nests {depth} levels deep, past the limit of 64"),
            "no spec item nests that deep: look for a runaway flow collection (`[[[...`) or \
             indentation that keeps growing"
                .into(),
        ),
        BudgetBreach::Documents { documents } => (
            format!("the file holds {documents} YAML documents"),
            "a spec file is one YAML document: remove the `---` separators, or put each part \
             in a file of its own"
                .into(),
        ),
        BudgetBreach::Aliases { aliases } => (
            format!("the file uses {aliases} aliases, past the limit of 50,000"),
            EXPANSION.into(),
        ),
        BudgetBreach::Anchors { anchors } => (
            format!("the file defines {anchors} anchors, past the limit of 50,000"),
            EXPANSION.into(),
        ),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => (
            format!("the file uses {aliases} aliases of {anchors} anchor(s), over 10 per anchor"),
            EXPANSION.into(),
        ),
        other => (
            format!("the YAML parser's limit was hit ({other:?})"),
            format!(
                "limits grow with the file's size, so only alias expansion gets here; {EXPANSION}"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;
    use std::collections::BTreeMap;

    /// Parse a mapping of anything, as only whether it parses matters here.
    fn parse(text: &str) -> Result<BTreeMap<String, IgnoredAny>, Error> {
        let options = serde_saphyr::options! { budget: Some(budget_for(text.len())) };
        serde_saphyr::from_str_with_options(text, options)
    }

    #[test]
    fn a_file_past_the_library_default_node_limit_parses() {
        // 400,000 nodes: over the library's 250,000 default.
        let mut text = String::from("items:\n");
        for i in 0..200_000 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn alias_expansion_is_still_refused_with_a_named_limit() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            let row = (0..10)
                .map(|_| format!("*{prev}"))
                .collect::<Vec<_>>()
                .join(", ");
            text.push_str(&format!("{name}: &{name} [{row}]\n"));
            prev = name;
        }
        let err = parse(&text).expect_err("a billion laughs must not load");
        let hit = breach(&err).expect("refused by a limit");
        let (message, hint) = explain(hit);
        assert!(!message.is_empty());
        assert!(hint.contains("alias"), "{hint}");
    }

    #[test]
    fn deep_nesting_names_the_depth() {
        let text = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        let err = parse(&text).expect_err("too deep");
        let (message, _) = explain(breach(&err).expect("refused by a limit"));
        assert!(message.contains("levels deep"), "{message}");
    }

    #[test]
    fn other_errors_are_not_breaches() {
        let err = parse("a: [").expect_err("unclosed");
        assert!(breach(&err).is_none());
    }
}
