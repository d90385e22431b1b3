//! `apigen`: turns the hand-maintained YAML description of an HTTP API in
//! `spec/` into a Rust client crate.
//!
//! The pipeline is four plain functions with a plain data type between them:
//!
//! ```text
//! spec/*.yaml --load--> raw::SpecFile --resolve--> model::Api --emit--> Output --write--> files
//! ```
//!
//! * [`load_api`] (a folder) or [`load_api_from`] (text in memory) parses the YAML
//!   (unknown keys rejected), validates everything at once and resolves references into a
//!   [`model::Api`], or returns every problem found as a [`LoadError`].
//! * [`emit::emit`] renders every generated file in memory (nothing touches disk).
//! * [`write::write`] replaces changed files atomically, or reports stale ones.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//!
//! let api = apigen::load_api(Path::new("spec"))?;
//! let output = apigen::emit::emit(&api, &apigen::emit::Options::default())?;
//! let report = apigen::write::write(Path::new("generated-client"), &output, false)?;
//! println!("{} files written", report.changed.len());
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod case_memo;
pub mod compare;
pub mod depends;
mod diag;
pub mod emit;
pub mod incremental;
mod load;
pub mod locate;
#[cfg(test)]
mod mini_fixture;
pub mod model;
pub mod naming;
mod parallel_map;
mod raw;
mod resolve;
pub mod write;
mod yaml_budget;

use std::path::Path;

pub use diag::{Diagnostic, FileId, Sources, Span};
pub use emit::{EmitError, Output};

/// Why a spec did not load: every problem found, and the spec files they
/// point into. `Display` renders them for people (`file:line:col`, the
/// offending line, a hint); [`LoadError::diagnostics`] gives them as data.
#[derive(Debug)]
pub struct LoadError {
    diagnostics: Vec<Diagnostic>,
    sources: Sources,
}

impl LoadError {
    fn new(diagnostics: Vec<Diagnostic>, sources: Sources) -> Self {
        LoadError {
            diagnostics,
            sources,
        }
    }

    /// The problems, sorted by place.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The spec files as read, for locating the spans of the diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&diag::render(&self.diagnostics, &self.sources))
    }
}

impl std::error::Error for LoadError {}

/// Load, validate and resolve a spec folder: every `*.yaml` / `*.yml` file below
/// `spec_dir`, read in path order.
///
/// # Errors
///
/// A [`LoadError`] holding every problem found: a folder that cannot be read or holds no
/// YAML file, YAML that does not parse or has unknown keys, names, references or examples
/// that do not check out.
pub fn load_api(spec_dir: &Path) -> Result<model::Api, LoadError> {
    let loaded =
        load::load_dir(spec_dir).map_err(|(sources, diags)| LoadError::new(diags, sources))?;
    resolve_loaded(loaded)
}

/// Load, validate and resolve in-memory files given as (display name, text); the names
/// are used only in diagnostics (`spec/enums.yaml:3:5`).
///
/// # Errors
///
/// A [`LoadError`] holding every problem found, as for [`load_api`].
pub fn load_api_from(files: Vec<(String, String)>) -> Result<model::Api, LoadError> {
    let loaded =
        load::load_sources(files).map_err(|(sources, diags)| LoadError::new(diags, sources))?;
    resolve_loaded(loaded)
}

/// The spec files of a folder as [`load_api_from`] takes them: every `*.yaml` / `*.yml`
/// file below `spec_dir`, sorted by path, as (display name, text). `load_api(dir)` is
/// `load_api_from(read_spec_dir(dir)?)`.
///
/// # Errors
///
/// A [`LoadError`] when the folder cannot be read, holds no YAML file, or a file in it
/// cannot be read.
pub fn read_spec_dir(spec_dir: &Path) -> Result<Vec<(String, String)>, LoadError> {
    match load::read_dir(spec_dir) {
        Ok((inputs, diags)) if diags.is_empty() => Ok(inputs),
        Ok((_, diags)) => Err(LoadError::new(diags, Sources::default())),
        Err((sources, diags)) => Err(LoadError::new(diags, sources)),
    }
}

/// The JSON Schema (draft-07) of one spec file, as pretty JSON ending in a newline: the
/// keys, their types and defaults and the `///` docs of the types the loader reads, for
/// editors (`cargo xtask gen` writes it to `spec/schema.json`). Deterministic: keys are
/// sorted.
///
/// It checks the shape of a file only; names, references, examples and everything else
/// the resolver checks across files are left to [`load_api`].
pub fn spec_schema() -> String {
    let mut text = serde_json::to_string_pretty(&raw::schema()).expect("a schema is JSON");
    text.push('\n');
    text
}

fn resolve_loaded(loaded: load::Loaded) -> Result<model::Api, LoadError> {
    match resolve::resolve(&loaded) {
        Ok(api) => Ok(api),
        Err(diags) => Err(LoadError::new(diags, loaded.sources)),
    }
}
