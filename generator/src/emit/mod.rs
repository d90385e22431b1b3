//! Stage 3: render every generated file in memory.

pub mod crate_files;
pub mod docs;
pub mod openapi;
pub mod rust;
pub mod tests;
pub mod webhooks;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::Api;

pub use crate_files::RuntimeDependency;

/// Every generated file, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Files the generator owns: rewritten whenever they differ.
    pub files: BTreeMap<PathBuf, String>,
    /// Files that belong to the user once created: written only when missing.
    pub scaffolds: BTreeMap<PathBuf, String>,
    /// Folders that hold only generated files: anything else found there is stale.
    pub owned_dirs: Vec<PathBuf>,
}

/// How to emit: what the spec does not say.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// Where the generated crate finds `apigen-runtime`.
    pub runtime: RuntimeDependency,
}

/// Run every emitter. Nothing is written; an emitter bug is an error, not a panic.
pub fn emit(api: &Api, options: &Options) -> Result<Output, String> {
    let dir = PathBuf::from("src/generated");
    let mut out = Output {
        owned_dirs: vec![dir.clone()],
        ..Output::default()
    };
    out.files.insert(PathBuf::from("Cargo.toml"), crate_files::cargo_toml(api, &options.runtime));
    out.files.insert(PathBuf::from("src/lib.rs"), rust::format_module("src/lib.rs", crate_files::lib_rs(api))?);
    out.scaffolds.insert(PathBuf::from(crate_files::CUSTOM_MODULE), crate_files::custom_scaffold());
    let modules = [
        ("service", rust::service_module(api)),
        ("enums", rust::enums_module(api)),
        ("types", rust::types_module(api)),
        ("requests", rust::requests_module(api)),
        ("api", rust::api_module(api)),
    ];
    let mut modules = modules.to_vec();
    if let Some(w) = &api.webhooks {
        modules.push(("webhooks", webhooks::webhooks_module(api, w)));
    }
    let mut names = Vec::new();
    for (name, tokens) in modules {
        out.files.insert(dir.join(format!("{name}.rs")), rust::format_module(name, tokens)?);
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
    out.files.insert(PathBuf::from("tests/endpoints.rs"), tests::endpoints_test(api)?);
    if let Some(text) = tests::webhook_examples_test(api)? {
        out.files.insert(PathBuf::from("tests/webhook_examples.rs"), text);
    }
    out.files.insert(PathBuf::from("docs/api.md"), docs::api_markdown(api));
    out.files.insert(PathBuf::from("openapi.json"), openapi::openapi_json(api)?);
    Ok(out)
}
