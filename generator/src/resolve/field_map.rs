//! The one check behind `refetch.fields` and `recovery.fields`: a mapping that fills the
//! request of a target endpoint from the fields of a source object.

use indexmap::IndexMap;

use super::Resolver;
use crate::diag::{FileId, did_you_mean};
use crate::model;
use crate::raw::{Key, Location};

/// What a mapping fills and from what, with the words its diagnostics use.
pub(super) struct FieldMap<'a> {
    /// The file the mapping is written in.
    pub file: FileId,
    /// The mapping: target request field -> source field.
    pub fields: &'a IndexMap<Key, String>,
    /// Where the target endpoint is named (for "needs its required field").
    pub endpoint_loc: &'a Location,
    /// The target endpoint's spec name.
    pub endpoint: &'a str,
    /// The target endpoint's request object.
    pub target: &'a model::Object,
    /// The object the values come from.
    pub source: &'a model::Object,
    /// How a source field is named in messages, after "is not": `a field of the payload `Card``.
    pub source_desc: String,
    /// The roles in "{source} field `x` cannot fill {target} field `y`": `payload`/`request`.
    pub roles: (&'a str, &'a str),
    /// "{verb} through `e` needs its required field": `re-fetching`.
    pub verb: &'a str,
    /// The hint's placeholder and section: `payload field`, `refetch`.
    pub add_hint: (String, &'a str),
}

impl Resolver<'_> {
    /// The (target field, source field) pairs of a mapping, and whether every pair named
    /// fields that exist and fit and every required target field was filled (each problem is
    /// reported where it is written).
    pub(super) fn field_map(&mut self, m: &FieldMap<'_>) -> (Vec<(String, String)>, bool) {
        let (source_role, target_role) = m.roles;
        let mut pairs = Vec::new();
        let mut unknown_key = false;
        let mut ok = true;
        for (tk, sf) in m.fields {
            let Some(tfield) = m.target.fields.iter().find(|f| f.wire_name == tk.value) else {
                unknown_key = true;
                ok = false;
                self.report
                    .err(
                        m.file,
                        &tk.loc,
                        format!("`{}` is not a request field of `{}`", tk.value, m.endpoint),
                    )
                    .hint = did_you_mean(
                    &tk.value,
                    m.target.fields.iter().map(|f| f.wire_name.as_str()),
                );
                continue;
            };
            let Some(sfield) = m.source.fields.iter().find(|f| &f.wire_name == sf) else {
                ok = false;
                self.report
                    .err(m.file, &tk.loc, format!("`{sf}` is not {}", m.source_desc))
                    .hint = did_you_mean(sf, m.source.fields.iter().map(|f| f.wire_name.as_str()));
                continue;
            };
            if tfield.ty != sfield.ty || (!tfield.is_option() && sfield.is_option()) {
                ok = false;
                let optional = |f: &model::Field| if f.is_option() { ", optional" } else { "" };
                self.report
                    .err(
                        m.file,
                        &tk.loc,
                        format!(
                            "{source_role} field `{sf}` ({}{}) cannot fill {target_role} field `{}` ({}{})",
                            sfield.ty.spec_name(),
                            optional(sfield),
                            tk.value,
                            tfield.ty.spec_name(),
                            optional(tfield),
                        ),
                    )
                    .hint = Some(format!(
                    "map fields of the same type; a required {target_role} field needs a required {source_role} field"
                ));
                continue;
            }
            pairs.push((tk.value.clone(), sf.clone()));
        }
        // After a misspelt key, the "missing" field is most likely that key: one report.
        if !unknown_key {
            let (placeholder, section) = &m.add_hint;
            for f in m.target.fields.iter().filter(|f| !f.is_option()) {
                if !m.fields.keys().any(|k| k.value == f.wire_name) {
                    ok = false;
                    self.report
                        .err(
                            m.file,
                            m.endpoint_loc,
                            format!(
                                "{} through `{}` needs its required field `{}`",
                                m.verb, m.endpoint, f.wire_name
                            ),
                        )
                        .hint = Some(format!(
                        "add `{}: <{placeholder}>` to `{section}.fields`",
                        f.wire_name
                    ));
                }
            }
        }
        (pairs, ok)
    }
}
