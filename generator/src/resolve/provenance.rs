//! Lowering of `provenance:` lists, the per-statement sources of an item that mixes
//! sources. An item's own `source` must be the weakest of its statements, so that the
//! item as a whole never claims more than its weakest part (and never less).

use super::Resolver;
use crate::diag::FileId;
use crate::model;
use crate::raw::{self, Source, Spanned};

/// The weakest source of a list of statements, and the first statement that has it;
/// `None` for an empty list.
fn weakest(statements: &[Spanned<raw::Statement>]) -> Option<&Spanned<raw::Statement>> {
    statements.iter().fold(None, |acc, s| match acc {
        Some(a) if a.value.source.value.strength() <= s.value.source.value.strength() => Some(a),
        _ => Some(s),
    })
}

impl Resolver<'_> {
    /// The statements of item `what` (`enum \`WalletStatus\``), lowered; reports an item
    /// `source` that differs from the weakest statement's (`None`: the item has no `source`
    /// of its own, as a group).
    pub(super) fn provenance(
        &mut self,
        file: FileId,
        what: &str,
        source: Option<Source>,
        statements: &[Spanned<raw::Statement>],
    ) -> Vec<model::Statement> {
        if let (Some(source), Some(w)) = (source, weakest(statements)) {
            let weakest = w.value.source.value;
            if weakest != source {
                let claim = if source.strength() > weakest.strength() {
                    "overstates"
                } else {
                    "understates"
                };
                self.report
                    .err(
                        file,
                        &w.value.source.referenced,
                        format!(
                            "{what} says `source: {}`, which {claim} its weakest statement ({})",
                            source.as_str(),
                            weakest.as_str()
                        ),
                    )
                    .hint = Some(format!(
                    "an item's `source` is the weakest source among its statements: set it to `{}`",
                    weakest.as_str()
                ));
            }
        }
        statements
            .iter()
            .map(|s| model::Statement {
                about: s.value.about.clone(),
                source: s.value.source.value,
            })
            .collect()
    }

    /// The examples of an item, lowered, each with its source (the item's unless it says)
    /// and its statements.
    pub(super) fn examples(
        &mut self,
        file: FileId,
        raw: &[Spanned<raw::Example>],
        item_source: Source,
    ) -> Vec<model::Example> {
        raw.iter()
            .map(|e| {
                let source = e.value.source.unwrap_or(item_source);
                let provenance = self.provenance(
                    file,
                    &format!("example `{}`", e.value.name),
                    Some(source),
                    &e.value.provenance,
                );
                model::Example {
                    name: e.value.name.clone(),
                    source,
                    provenance,
                    request: e.value.request.as_ref().map(|s| s.value.clone()),
                    response: e.value.response.as_ref().map(|s| s.value.clone()),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::{Location, Spanned};

    fn statement(source: Source) -> Spanned<raw::Statement> {
        let loc = Location::UNKNOWN;
        Spanned {
            value: raw::Statement {
                about: source.as_str().into(),
                source: Spanned {
                    value: source,
                    referenced: loc,
                    defined: loc,
                },
            },
            referenced: loc,
            defined: loc,
        }
    }

    #[test]
    fn weakest_is_the_first_of_the_lowest_strength() {
        assert!(weakest(&[]).is_none());
        let list = [
            statement(Source::Documented),
            statement(Source::Modeled),
            statement(Source::Observed),
        ];
        let w = weakest(&list).expect("non-empty");
        assert_eq!(w.value.source.value, Source::Modeled);
        let list = [statement(Source::Observed), statement(Source::Documented)];
        assert_eq!(
            weakest(&list).map(|s| s.value.source.value),
            Some(Source::Observed)
        );
    }
}
