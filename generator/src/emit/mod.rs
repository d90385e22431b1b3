//! Stage 3: render every generated file in memory.

mod api_surface;
mod crate_files;
mod docs;
mod json_text;
mod openapi;
mod prose;
mod rust;
mod test_files;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::Api;

pub(crate) use crate_files::dependency_names;
pub use crate_files::{RUNTIME_VERSION, RuntimeDependency};

/// Every generated file, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Files the generator owns, by path relative to the output folder: rewritten whenever
    /// they differ.
    pub files: BTreeMap<PathBuf, String>,
    /// Files that belong to the user once created: written only when missing.
    pub scaffolds: BTreeMap<PathBuf, String>,
    /// Folders that hold only generated files: anything else found there is stale.
    pub owned_dirs: Vec<PathBuf>,
    /// Generated files this spec does not produce (`tests/webhook_examples.rs` without
    /// webhook examples): stale when found, since an earlier spec produced them.
    pub retired: Vec<PathBuf>,
}

/// An emitter bug: a generated file that does not hold together (tokens
/// that do not parse as Rust, an example that cannot become a test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    /// The generated file being rendered, relative to the output folder.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl EmitError {
    pub(crate) fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        EmitError {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for EmitError {}

/// How to emit: what the spec does not say.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// Where the generated crate finds `apigen-runtime`.
    pub runtime: RuntimeDependency,
}

/// Run every emitter. Nothing is written; an emitter bug is an error, not a panic.
pub fn emit(api: &Api, options: &Options) -> Result<Output, EmitError> {
    let dir = PathBuf::from("src/generated");
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    out.files.insert(
        PathBuf::from("Cargo.toml"),
        crate_files::cargo_toml(api, &options.runtime),
    );
    out.files
        .insert(PathBuf::from("src/lib.rs"), crate_files::lib_rs(api));
    out.scaffolds.insert(
        PathBuf::from(crate_files::CUSTOM_MODULE),
        crate_files::custom_scaffold(),
    );
    let modules = [
        ("service", rust::service_module(api)),
        ("enums", rust::enums_module(api)),
        ("types", rust::types_module(api)),
        ("requests", rust::requests_module(api)),
        ("api", rust::api_module(api)),
    ];
    let mut modules = modules.to_vec();
    if let Some(w) = &api.webhooks {
        modules.push(("webhooks", rust::webhooks_module(api, w)));
    }
    let mut names = Vec::new();
    for (name, tokens) in modules {
        out.files.insert(
            dir.join(format!("{name}.rs")),
            rust::format_module(name, tokens)?,
        );
        names.push(name);
    }
    names.sort_unstable();
    let mods = names
        .iter()
        .map(|n| format!("#[rustfmt::skip]\npub mod {n};\n"))
        .collect::<String>();
    out.files.insert(
        dir.join("mod.rs"),
        format!(
            "{}//! Everything generated from the spec lives below this module; `src/lib.rs` re-exports it.\n//!\n//! The files are formatted by prettyplease when generated; `rustfmt::skip`\n//! keeps `cargo fmt` from rewriting them, so `cargo xtask gen --check` stays exact.\n\n{mods}",
            rust::HEADER
        ),
    );
    out.files.insert(
        PathBuf::from("tests/endpoints.rs"),
        test_files::endpoints_test(api).map_err(|m| EmitError::new("tests/endpoints.rs", m))?,
    );
    let webhook_examples = test_files::webhook_examples_test(api)
        .map_err(|m| EmitError::new("tests/webhook_examples.rs", m))?;
    if webhook_examples.is_none() {
        out.retired.push(PathBuf::from("tests/webhook_examples.rs"));
    }
    if let Some(text) = webhook_examples {
        out.files
            .insert(PathBuf::from("tests/webhook_examples.rs"), text);
    }
    out.files
        .insert(PathBuf::from("docs/api.md"), docs::api_markdown(api));
    out.files
        .insert(PathBuf::from("API.txt"), api_surface::api_surface(api));
    out.files
        .insert(PathBuf::from("openapi.json"), openapi::openapi_json(api)?);
    Ok(out)
}
