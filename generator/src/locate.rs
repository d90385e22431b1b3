//! Where the objects and enums of a spec folder are written (file and line of each object,
//! field, enum and enum value), for tools that propose edits to the spec (`cargo xtask
//! drift`).

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
    }
    Ok(out)
}

/// A line or column number as `usize`.
fn number(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
