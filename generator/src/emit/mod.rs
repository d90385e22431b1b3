//! Stage 3: render every generated file in memory.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::Api;

/// Every generated file, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<PathBuf, String>,
    /// Folders that hold only generated files: anything else found there is stale.
    pub owned_dirs: Vec<PathBuf>,
}

/// Run every emitter. Nothing is written; an emitter bug is an error, not a panic.
pub fn emit(api: &Api) -> Result<Output, String> {
    let _ = api;
    Ok(Output::default())
}
