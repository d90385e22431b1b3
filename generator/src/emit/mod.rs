//! Stage 3: render every generated file in memory.

mod api_surface;
mod crate_files;
mod docs;
mod json_text;
mod openapi;
mod parallel;
mod prose;
mod rust;
pub(crate) mod splice;
mod test_files;
mod test_values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::depends::{self, Inputs};
use crate::model::Api;
use crate::naming;
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
    /// Generated files known to be on disk already with the right bytes (an incremental run
    /// checked them): counted as unchanged, neither read nor written.
    pub kept: BTreeSet<PathBuf>,
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

/// A file's text, or `None` when the spec produces no such file.
type Rendered = Result<Option<String>, EmitError>;

/// How a per-group module is built: from the group's slice of the model and the group key.
type GroupModule = for<'x> fn(&'x Api, &'x str) -> rust::Module<'x>;

/// The files that take longest to render, longest first (measured at 3,900 endpoints); the
/// others follow in path order. The per-group files are each small.
const LARGEST_FIRST: [&str; 5] = [
    "openapi.json",
    "src/generated/types.rs",
    "docs/api.md",
    "src/generated/enums.rs",
    "src/generated/service.rs",
];

/// One file the generator owns: its path, what it is made from, and how to render it.
pub(crate) struct Unit<'a> {
    /// Relative to the output folder.
    pub(crate) path: PathBuf,
    /// The part of the model (and options) it is made from.
    pub(crate) inputs: Inputs,
    /// Its text, or `None` when this spec produces no such file (it is then retired).
    pub(crate) render: Job<'a, Rendered>,
}

/// Every file the generator would write, not yet rendered.
pub(crate) struct Plan<'a> {
    /// The generated files, in path order.
    pub(crate) units: Vec<Unit<'a>>,
    /// As [`Output::scaffolds`].
    pub(crate) scaffolds: BTreeMap<PathBuf, String>,
    /// As [`Output::owned_dirs`].
    pub(crate) owned_dirs: Vec<PathBuf>,
}

/// Every generated file of `api`, each with its inputs and its (deferred) emitter. A
/// file made from a part of the model renders from [`crate::depends::part`] alone, so what it
/// depends on is exactly what its [`Inputs`] name.
///
/// With `reuse`, the spliced files (`openapi.json`, `docs/api.md`, `service.rs`, `API.txt`) copy the fragments whose inputs did not
/// change from their previous text (see `splice.rs`).
pub(crate) fn plan<'a>(
    api: &'a Api,
    options: &'a Options,
    reuse: Option<&'a splice::Reuse<'a>>,
) -> Plan<'a> {
    let dir = PathBuf::from("src/generated");
    let mut units: Vec<Unit<'a>> = Vec::new();
    let whole = |path: PathBuf, render: Job<'a, Rendered>| Unit {
        path,
        inputs: Inputs::Model,
        render,
    };
    units.push(whole(
        PathBuf::from("Cargo.toml"),
        Box::new(move || Ok(Some(crate_files::cargo_toml(api, &options.runtime)))),
    ));
    units.push(whole(
        PathBuf::from("src/lib.rs"),
        Box::new(move || Ok(Some(crate_files::lib_rs(api)))),
    ));
    let module = |path: PathBuf, build: fn(&Api) -> rust::Module<'_>| {
        let label = path.display().to_string();
        let job: Job<'a, Rendered> =
            Box::new(move || rust::format_module(&label, build(api)).map(Some));
        (path, job)
    };
    let mut names = vec!["service", "enums", "types", "requests", "api"];
    units.push(whole(
        dir.join("service.rs"),
        Box::new(move || rust::service_file(api, reuse).map(Some)),
    ));
    for (path, job) in [
        module(dir.join("requests/mod.rs"), |api| {
            rust::requests_index_module(api).into()
        }),
        module(dir.join("api/mod.rs"), |api| {
            rust::api_index_module(api).into()
        }),
    ] {
        units.push(whole(path, job));
    }
    // Files made from a part of the model render from that part alone.
    let sliced = |path: PathBuf, inputs: Inputs, build: fn(&Api) -> rust::Module<'_>| {
        let label = path.display().to_string();
        let part = inputs.clone();
        let render: Job<'a, Rendered> = Box::new(move || {
            let slice = depends::part(api, &part).map(|p| p.to_api(api));
            rust::format_module(&label, build(slice.as_ref().unwrap_or(api))).map(Some)
        });
        Unit {
            path,
            inputs,
            render,
        }
    };
    units.push(sliced(
        dir.join("enums.rs"),
        Inputs::Enums,
        rust::enums_module,
    ));
    units.push(sliced(
        dir.join("types.rs"),
        Inputs::Types,
        rust::types_module,
    ));
    if let Some(w) = &api.webhooks {
        names.push("webhooks");
        let path = dir.join("webhooks.rs");
        let label = path.display().to_string();
        units.push(whole(
            path,
            Box::new(move || rust::format_module(&label, rust::webhooks_module(api, w)).map(Some)),
        ));
    }
    let test_error = |path: &'static str| move |m: String| EmitError::new(path, m);
    units.push(whole(
        PathBuf::from("tests/endpoints.rs"),
        Box::new(move || {
            test_files::endpoints_test(api)
                .map(Some)
                .map_err(test_error("tests/endpoints.rs"))
        }),
    ));
    units.push(whole(
        PathBuf::from("tests/webhook_examples.rs"),
        Box::new(move || {
            test_files::webhook_examples_test(api).map_err(test_error("tests/webhook_examples.rs"))
        }),
    ));
    units.push(whole(
        PathBuf::from("docs/api.md"),
        Box::new(move || Ok(Some(docs::api_markdown(api, reuse)))),
    ));
    units.push(whole(
        PathBuf::from("API.txt"),
        Box::new(move || Ok(Some(api_surface::api_surface(api, reuse)))),
    ));
    units.push(whole(
        PathBuf::from("openapi.json"),
        Box::new(move || openapi::openapi_json(api, reuse).map(Some)),
    ));
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
    units.push(whole(
        dir.join("mod.rs"),
        Box::new(move || {
            Ok(Some(format!(
                "{}//! Everything generated from the spec lives below this module; `src/lib.rs` re-exports it.\n//!\n//! The files are formatted by prettyplease when generated; `rustfmt::skip`\n//! keeps `cargo fmt` from rewriting them, so `cargo xtask gen --check` stays exact.\n\n{mods}",
                rust::HEADER
            )))
        }),
    ));
    for g in &api.groups {
        if api.group_endpoints(&g.spec_key).next().is_none() {
            continue;
        }
        let file = format!("{}.rs", naming::unraw(&naming::group_module(&g.spec_key)));
        let key = g.spec_key.as_str();
        // The group's three files render from one slice, made by whichever renders first.
        let slice: Arc<OnceLock<Api>> = Arc::new(OnceLock::new());
        for (folder, build) in [
            ("api", rust::api_group_module as GroupModule),
            ("requests", rust::requests_group_module),
        ] {
            let path = dir.join(folder).join(&file);
            let label = path.display().to_string();
            let slice = Arc::clone(&slice);
            units.push(Unit {
                path,
                inputs: Inputs::Group(g.spec_key.clone()),
                render: Box::new(move || {
                    rust::format_module(&label, build(group_part(&slice, api, key), key)).map(Some)
                }),
            });
        }
        let path = PathBuf::from("tests/endpoints").join(&file);
        let label = path.display().to_string();
        units.push(Unit {
            path,
            inputs: Inputs::Group(g.spec_key.clone()),
            render: Box::new(move || {
                test_files::endpoints_group_test(group_part(&slice, api, key), key)
                    .map_err(|m| EmitError::new(label, m))
            }),
        });
    }
    units.sort_by(|a, b| a.path.cmp(&b.path));
    let mut scaffolds = BTreeMap::new();
    scaffolds.insert(
        PathBuf::from(crate_files::CUSTOM_MODULE),
        crate_files::custom_scaffold(),
    );
    Plan {
        units,
        scaffolds,
        owned_dirs: vec![
            dir.clone(),
            dir.join("api"),
            dir.join("requests"),
            PathBuf::from("tests/endpoints"),
        ],
    }
}

/// The model slice of group `key`'s files, made once into `slice`.
fn group_part<'s>(slice: &'s OnceLock<Api>, api: &Api, key: &str) -> &'s Api {
    slice.get_or_init(|| depends::group_inputs(api, key).to_api(api))
}

/// Render the units on the workers of [`parallel::run_all`] (the Rust ones formatted): (path,
/// text or `None` for a retired file, time its rendering took), in path order whatever
/// finishes first.
pub(crate) fn render(units: Vec<Unit<'_>>) -> Result<Vec<Finished>, EmitError> {
    let mut jobs: Vec<(String, Job<'_, (Rendered, Duration)>)> = units
        .into_iter()
        .map(|u| {
            let render = u.render;
            let timed: Job<'_, (Rendered, Duration)> = Box::new(move || {
                let started = Instant::now();
                let text = crate::case_memo::remembering(render);
                (text, started.elapsed())
            });
            (u.path.display().to_string(), timed)
        })
        .collect();
    // The workers take the jobs in order: the largest files first, so that none of them
    // starts last and leaves the other cores idle while it runs.
    jobs.sort_by_key(|(path, _)| {
        LARGEST_FIRST
            .iter()
            .position(|p| p == path)
            .unwrap_or(LARGEST_FIRST.len())
    });
    let mut finished = parallel::run_all(jobs)
        .into_iter()
        .map(|(path, rendered)| {
            let (text, took) = rendered.map_err(|m| EmitError::new(&path, m))?;
            Ok((PathBuf::from(path), text?, took))
        })
        .collect::<Result<Vec<Finished>, EmitError>>()?;
    finished.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(finished)
}

/// A rendered file: its path, its text (`None`: not produced), and how long it took.
pub(crate) type Finished = (PathBuf, Option<String>, Duration);

/// Run every emitter. Nothing is written; an emitter bug is an error, not a panic.
pub fn emit(api: &Api, options: &Options) -> Result<Output, EmitError> {
    let plan = plan(api, options, None);
    let mut out = Output {
        scaffolds: plan.scaffolds,
        owned_dirs: plan.owned_dirs,
        ..Output::default()
    };
    for (path, text, _) in render(plan.units)? {
        match text {
            Some(text) => {
                out.files.insert(path, text);
            }
            // Only `tests/webhook_examples.rs` has nothing to say (a spec without webhooks).
            None => out.retired.push(path),
        }
    }
    Ok(out)
}
