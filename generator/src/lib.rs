//! `apigen`: turns the hand-maintained YAML description of an HTTP API in
//! `spec/` into a Rust client crate.
//!
//! The pipeline is four plain functions with a plain data type between them:
//!
//! ```text
//! spec/*.yaml --load--> raw::SpecFile --resolve--> model::Api --emit--> Output --write--> files
//! ```
//!
//! * [`load::load_dir`] parses YAML into the raw model (unknown keys rejected).
//! * [`resolve::resolve`] validates everything at once and resolves references.
//! * [`emit::emit`] renders every generated file in memory (nothing touches disk).
//! * [`write::write`] replaces changed files atomically, or reports stale ones.

pub mod diag;
pub mod emit;
pub mod load;
pub mod model;
pub mod raw;
pub mod naming;
pub mod resolve;
pub mod write;

use std::path::Path;

pub use emit::Output;

/// Load, validate and resolve a spec folder. On failure, the rendered
/// diagnostics (ready to print).
pub fn load_api(spec_dir: &Path) -> Result<model::Api, String> {
    let loaded = load::load_dir(spec_dir).map_err(|(sources, diags)| diag::render(&diags, &sources))?;
    resolve::resolve(&loaded).map_err(|diags| diag::render(&diags, &loaded.sources))
}

/// Load, validate and resolve in-memory files given as (display name, text).
pub fn load_api_from(files: Vec<(String, String)>) -> Result<model::Api, String> {
    let loaded = load::load_sources(files).map_err(|(sources, diags)| diag::render(&diags, &sources))?;
    resolve::resolve(&loaded).map_err(|diags| diag::render(&diags, &loaded.sources))
}
