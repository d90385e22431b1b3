//! Where the objects, enums, business error codes and webhook events of a spec folder are
//! written (file and line of each object, field, enum, enum value, error code and event), for
//! tools that propose edits to the spec (`cargo xtask drift`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::LoadError;
use crate::load::{Loaded, load_dir};
use crate::raw::Code;

/// The places of a spec folder's objects and enums, by key as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecLocations {
    /// Objects under `objects:`, by key.
    pub objects: BTreeMap<String, ObjectLocation>,
    /// Enums under `enums:`, by key.
    pub enums: BTreeMap<String, EnumLocation>,
    /// The business error codes under `errors:`, if the spec lists any.
    pub errors: Option<ListLocation>,
    /// Webhook kinds under `webhooks.kinds`, by key: where their events are written.
    pub webhook_kinds: BTreeMap<String, WebhookKindLocation>,
}

/// Where the items of a list are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLocation {
    /// The file, as diagnostics name it.
    pub file: String,
    /// 1-based line and column of each item, in spec order.
    pub items: Vec<(usize, usize)>,
    /// Whether the codes are integers (else strings).
    pub int_codes: bool,
}

/// Where a webhook kind's events are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookKindLocation {
    /// The file, as diagnostics name it.
    pub file: String,
    /// Each event's tag, and the 1-based line and column of its item, in spec order.
    pub events: Vec<(String, usize, usize)>,
    /// The event names (as written), so that a new one can be told apart.
    pub names: Vec<String>,
    /// The key of the payload object under `objects:`.
    pub payload: String,
}

/// Where an object is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectLocation {
    /// The file, as diagnostics name it (`spec/objects.yaml`).
    pub file: String,
    /// 1-based line of the object's key.
    pub line: usize,
    /// Each field's wire name, 1-based line and 1-based column of its key, in spec order.
    pub fields: Vec<(String, usize, usize)>,
}

/// Where an enum is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumLocation {
    /// The file, as diagnostics name it.
    pub file: String,
    /// 1-based line of the enum's key.
    pub line: usize,
    /// 1-based line and column of each value's item, in spec order.
    pub values: Vec<(usize, usize)>,
    /// Whether its codes are integers (else strings).
    pub int_codes: bool,
}

/// Reads every YAML file of `spec_dir` (as [`load_api`](crate::load_api) does) and returns
/// where its objects and enums are written. Only parsing is needed, not validation.
///
/// # Errors
///
/// A [`LoadError`] when the folder cannot be read or a file does not parse.
pub fn spec_locations(spec_dir: &Path) -> Result<SpecLocations, LoadError> {
    let Loaded { sources, files } =
        load_dir(spec_dir).map_err(|(sources, diags)| LoadError::new(diags, sources))?;
    let mut out = SpecLocations::default();
    for (id, file) in files {
        let name = sources.name(id).to_owned();
        for (key, object) in &file.objects {
            let fields = object
                .fields
                .keys()
                .map(|k| {
                    (
                        k.value.clone(),
                        number(k.loc.line()),
                        number(k.loc.column()),
                    )
                })
                .collect();
            out.objects.insert(
                key.value.clone(),
                ObjectLocation {
                    file: name.clone(),
                    line: number(key.loc.line()),
                    fields,
                },
            );
        }
        for (key, e) in &file.enums {
            let values = e
                .values
                .iter()
                .map(|v| (number(v.referenced.line()), number(v.referenced.column())))
                .collect();
            let int_codes = e
                .values
                .iter()
                .all(|v| matches!(v.value.code.value, Code::Int(_)));
            out.enums.insert(
                key.value.clone(),
                EnumLocation {
                    file: name.clone(),
                    line: number(key.loc.line()),
                    values,
                    int_codes,
                },
            );
        }
        if !file.errors.is_empty() {
            out.errors = Some(ListLocation {
                file: name.clone(),
                items: file
                    .errors
                    .iter()
                    .map(|e| (number(e.referenced.line()), number(e.referenced.column())))
                    .collect(),
                int_codes: file
                    .errors
                    .iter()
                    .all(|e| matches!(e.value.code.value, Code::Int(_))),
            });
        }
        for (key, kind) in file.webhooks.iter().flat_map(|w| &w.value.kinds) {
            out.webhook_kinds.insert(
                key.value.clone(),
                WebhookKindLocation {
                    file: name.clone(),
                    events: kind
                        .events
                        .iter()
                        .map(|e| {
                            (
                                e.value.tag.value.clone(),
                                number(e.referenced.line()),
                                number(e.referenced.column()),
                            )
                        })
                        .collect(),
                    names: kind
                        .events
                        .iter()
                        .map(|e| e.value.name.value.clone())
                        .collect(),
                    payload: kind.payload.value.clone(),
                },
            );
        }
    }
    Ok(out)
}

/// A line or column number as `usize`.
fn number(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
