//! Stage 3: render every generated file in memory.

mod api_surface;
mod crate_files;
mod docs;
mod json_text;
mod openapi;
mod parallel;
mod prose;
mod rust;
mod test_files;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::Api;
use parallel::Job;

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

/// The files that take longest to render, longest first (measured at 3,900 endpoints); the
/// others follow in the order they are listed in [`emit`].
const LARGEST_FIRST: [&str; 6] = [
    "src/generated/requests.rs",
    "openapi.json",
    "src/generated/api.rs",
    "src/generated/types.rs",
    "src/generated/enums.rs",
    "src/generated/service.rs",
];

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
    // Every file is built (and the Rust ones formatted) on a thread of its own; the output
    // maps keep them in path order whatever finishes first.
    type Rendered = Result<Option<String>, EmitError>;
    let module = |name: &str, build: fn(&Api) -> rust::Module<'_>| {
        let path = dir.join(format!("{name}.rs")).display().to_string();
        let label = path.clone();
        let job: Job<'_, Rendered> =
            Box::new(move || rust::format_module(&label, build(api)).map(Some));
        (path, job)
    };
    let mut names = vec!["service", "enums", "types", "requests", "api"];
    let mut jobs: Vec<(String, Job<'_, Rendered>)> = vec![
        module("service", |api| rust::service_module(api).into()),
        module("enums", rust::enums_module),
        module("types", rust::types_module),
        module("requests", rust::requests_module),
        module("api", |api| rust::api_module(api).into()),
    ];
    if let Some(w) = &api.webhooks {
        names.push("webhooks");
        let path = dir.join("webhooks.rs").display().to_string();
        let label = path.clone();
        jobs.push((
            path,
            Box::new(move || rust::format_module(&label, rust::webhooks_module(api, w)).map(Some)),
        ));
    }
    let test_error = |path: &'static str| move |m: String| EmitError::new(path, m);
    jobs.push((
        "tests/endpoints.rs".into(),
        Box::new(move || {
            test_files::endpoints_test(api)
                .map(Some)
                .map_err(test_error("tests/endpoints.rs"))
        }),
    ));
    jobs.push((
        "tests/webhook_examples.rs".into(),
        Box::new(move || {
            test_files::webhook_examples_test(api).map_err(test_error("tests/webhook_examples.rs"))
        }),
    ));
    jobs.push((
        "docs/api.md".into(),
        Box::new(|| Ok(Some(docs::api_markdown(api)))),
    ));
    jobs.push((
        "API.txt".into(),
        Box::new(|| Ok(Some(api_surface::api_surface(api)))),
    ));
    jobs.push((
        "openapi.json".into(),
        Box::new(|| openapi::openapi_json(api).map(Some)),
    ));
    // The workers take the jobs in order: the largest files first, so that none of them
    // starts last and leaves the other cores idle while it runs.
    jobs.sort_by_key(|(path, _)| {
        LARGEST_FIRST
            .iter()
            .position(|p| p == path)
            .unwrap_or(LARGEST_FIRST.len())
    });
    for (path, rendered) in parallel::run_all(jobs) {
        let rendered = rendered.map_err(|m| EmitError::new(&path, m))??;
        match rendered {
            Some(text) => {
                out.files.insert(PathBuf::from(path), text);
            }
            // Only `tests/webhook_examples.rs` has nothing to say (a spec without webhooks).
            None => out.retired.push(PathBuf::from(path)),
        }
    }
    names.sort_unstable();
    let mods = names
        .iter()
        .map(|n| {
            // The one optional module: `webhooks` is behind the crate's feature of that name.
            let cfg = if *n == "webhooks" {
                "#[cfg(feature = \"webhooks\")]\n"
            } else {
                ""
            };
            format!("{cfg}#[rustfmt::skip]\npub mod {n};\n")
        })
        .collect::<String>();
    out.files.insert(
        dir.join("mod.rs"),
        format!(
            "{}//! Everything generated from the spec lives below this module; `src/lib.rs` re-exports it.\n//!\n//! The files are formatted by prettyplease when generated; `rustfmt::skip`\n//! keeps `cargo fmt` from rewriting them, so `cargo xtask gen --check` stays exact.\n\n{mods}",
            rust::HEADER
        ),
    );
    Ok(out)
}
