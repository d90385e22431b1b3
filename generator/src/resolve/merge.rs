//! Merging: the sections of every spec file gathered into one list per kind
//! of item, with items defined twice reported (pointing at both places).

use std::collections::HashMap;

use indexmap::IndexMap;

use super::Reporter;
use crate::diag::{Diagnostic, FileId};
use crate::load::Loaded;
use crate::raw::{self, Key, Spanned};

/// An item of the raw model and the file it came from.
pub(super) struct In<'a, T> {
    pub(super) file: FileId,
    pub(super) key: &'a Key,
    pub(super) item: &'a T,
}

/// The sections of every file, gathered: each item once, in file order.
#[derive(Default)]
pub(super) struct Merged<'a> {
    pub(super) service: Option<(FileId, &'a Spanned<raw::Service>)>,
    pub(super) errors: Vec<(FileId, &'a Spanned<raw::ErrorCode>)>,
    pub(super) groups: Vec<In<'a, raw::Group>>,
    pub(super) enums: Vec<In<'a, raw::Enum>>,
    pub(super) objects: Vec<In<'a, raw::Object>>,
    pub(super) endpoints: Vec<In<'a, raw::Endpoint>>,
    pub(super) webhooks: Option<(FileId, &'a Spanned<raw::Webhooks>)>,
}

/// Gather the sections of every file, reporting items defined twice.
pub(super) fn merge<'a>(report: &mut Reporter<'_>, loaded: &'a Loaded) -> Merged<'a> {
    let mut m = Merged::default();
    let mut indexes: [HashMap<&str, usize>; 4] = Default::default();
    for (file, f) in &loaded.files {
        let file = *file;
        if let Some(s) = &f.service {
            if let Some((pf, prev)) = m.service {
                let first = report.place(pf, &prev.referenced);
                let d = Diagnostic::at(
                    report.span(file, &s.referenced),
                    "`service` is defined twice",
                )
                .label("second definition")
                .hint(format!("the first is at {first}; keep one"));
                report.push(d);
            } else {
                m.service = Some((file, s));
            }
        }
        if let Some(w) = &f.webhooks {
            if let Some((pf, prev)) = m.webhooks {
                let first = report.place(pf, &prev.referenced);
                let d = Diagnostic::at(
                    report.span(file, &w.referenced),
                    "`webhooks` is defined twice",
                )
                .label("second definition")
                .hint(format!("the first is at {first}; keep one"));
                report.push(d);
            } else {
                m.webhooks = Some((file, w));
            }
        }
        m.errors.extend(f.errors.iter().map(|e| (file, e)));
        merge_map(
            report,
            file,
            "group",
            &f.groups,
            &mut m.groups,
            &mut indexes[0],
        );
        merge_map(
            report,
            file,
            "enum",
            &f.enums,
            &mut m.enums,
            &mut indexes[1],
        );
        merge_map(
            report,
            file,
            "object",
            &f.objects,
            &mut m.objects,
            &mut indexes[2],
        );
        merge_map(
            report,
            file,
            "endpoint",
            &f.endpoints,
            &mut m.endpoints,
            &mut indexes[3],
        );
    }
    m
}

/// Append the items of one section of one file, reporting a name defined before.
fn merge_map<'a, T>(
    report: &mut Reporter<'_>,
    file: FileId,
    what: &str,
    map: &'a IndexMap<Key, T>,
    out: &mut Vec<In<'a, T>>,
    index: &mut HashMap<&'a str, usize>,
) {
    for (key, item) in map {
        if let Some(prev) = index.get(key.value.as_str()).map(|&i| &out[i]) {
            let first = report.place(prev.file, &prev.key.loc);
            report
                .err(
                    file,
                    &key.loc,
                    format!("duplicate {what} name `{}`", key.value),
                )
                .set_label("defined again here")
                .hint = Some(format!(
                "the first definition is at {first}; rename or remove one"
            ));
        } else {
            index.insert(&key.value, out.len());
            out.push(In { file, key, item });
        }
    }
}
