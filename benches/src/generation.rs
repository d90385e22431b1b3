//! Code generation: `apigen` on `spec/` vs `progenitor-impl` on our exported `openapi.json`.
//!
//! Both sides start from text already in memory (no file I/O is timed) and end with formatted
//! Rust source text in memory (nothing is written):
//!
//! * ours: [`ours_load`] (YAML → validated, resolved `model::Api`) then [`ours_emit`] (every
//!   generated file, prettyplease-formatted: the Rust modules, plus the endpoint tests, the
//!   Markdown reference and the OpenAPI export that progenitor does not produce);
//! * progenitor: [`progenitor_parse`] (JSON → `openapiv3::OpenAPI`, its only validation is
//!   serde's) then [`progenitor_emit`] (`Generator::generate_tokens`, then `syn::parse2` +
//!   `prettyplease::unparse`, as progenitor's own docs do for build scripts).

use std::path::{Path, PathBuf};

use apigen::model::Api;

/// The files of the real spec (`spec/*.yaml`, `spec/endpoints/*.yaml`) as (name, text).
pub fn spec_files() -> Vec<(String, String)> {
    apigen_tests::read_yaml_files(&apigen_tests::spec_dir())
}

/// The real spec renamed `copies` times: `copies × 39` endpoints (generator in
/// `apigen_tests::synthetic_spec`, shared with the loader's scaling test).
pub fn synthetic_spec(copies: usize) -> Vec<(String, String)> {
    apigen_tests::synthetic_spec(copies)
}

/// `generated-client/openapi.json`: our export of the same API, progenitor's input.
pub fn openapi_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/openapi.json")
}

/// The text of [`openapi_path`].
pub fn openapi_json() -> String {
    let path = openapi_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Both generators' input for the same API of `copies × 39` endpoints: our spec files
/// ([`synthetic_spec`]) and our `openapi.json` export of them, progenitor's input.
pub fn side_by_side_input(copies: usize) -> (Vec<(String, String)>, String) {
    let files = synthetic_spec(copies);
    let output = ours_generate(files.clone());
    let json = output
        .files
        .get(Path::new("openapi.json"))
        .cloned()
        .unwrap_or_else(|| panic!("synthetic_spec({copies}) exported no openapi.json"));
    (files, json)
}

/// Ours, load + validate + resolve.
pub fn ours_load(files: Vec<(String, String)>) -> Api {
    apigen::load_api_from(files).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"))
}

/// Ours, render every generated file in memory.
pub fn ours_emit(api: &Api) -> apigen::Output {
    apigen::emit::emit(api, &apigen::emit::Options::default())
        .unwrap_or_else(|e| panic!("emit failed: {e}"))
}

/// Ours, end to end: spec text → every generated file.
pub fn ours_generate(files: Vec<(String, String)>) -> apigen::Output {
    ours_emit(&ours_load(files))
}

/// Progenitor's load + validate: parse the OpenAPI document into `openapiv3::OpenAPI`.
pub fn progenitor_parse(json: &str) -> openapiv3::OpenAPI {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("openapi.json does not parse: {e}"))
}

/// Progenitor's generation from a parsed document, formatted like ours (prettyplease).
pub fn progenitor_emit(spec: &openapiv3::OpenAPI) -> String {
    let file: syn::File = syn::parse2(progenitor_tokens(spec))
        .unwrap_or_else(|e| panic!("progenitor output does not parse: {e}"));
    prettyplease::unparse(&file)
}

/// Progenitor's generation without formatting: the token stream its `generate_api!` macro
/// hands to the compiler (for reference; our emitter always formats).
pub fn progenitor_tokens(spec: &openapiv3::OpenAPI) -> proc_macro2::TokenStream {
    progenitor_impl::Generator::default()
        .generate_tokens(spec)
        .unwrap_or_else(|e| panic!("progenitor rejects openapi.json: {e}"))
}

/// Progenitor, end to end: OpenAPI text → formatted client source.
pub fn progenitor_generate(json: &str) -> String {
    progenitor_emit(&progenitor_parse(json))
}

/// Files, bytes and lines of our output, for the report.
pub fn output_size(output: &apigen::Output) -> (usize, usize, usize) {
    let bytes = output.files.values().map(String::len).sum();
    let lines = output.files.values().map(|t| t.lines().count()).sum();
    (output.files.len(), bytes, lines)
}

/// Number of endpoints in a loaded spec (the scaling unit).
pub fn endpoint_count(api: &Api) -> usize {
    api.endpoints.len()
}
