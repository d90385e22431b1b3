//! `cargo xtask diff` classifies spec changes: each case is `fixtures/mini` with one edit
//! (`fixtures/diff/<case>.edit`, the format of `apigen_tests::spec_edit`), compared with mini by
//! `apigen::compare`; the rendered report is an insta snapshot.

use std::path::Path;
use std::sync::OnceLock;

use apigen::compare::{self, Class};
use apigen::model::Api;
use apigen_tests::{read_yaml_files, spec_edit};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn mini_files() -> &'static [(String, String)] {
    static MINI: OnceLock<Vec<(String, String)>> = OnceLock::new();
    MINI.get_or_init(|| read_yaml_files(&manifest_dir().join("fixtures/mini")))
}

fn load(files: Vec<(String, String)>) -> Api {
    apigen::load_api_from(files).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"))
}

/// Compare mini with mini + `fixtures/diff/<case>.edit`, snapshot the report and return the
/// worst class.
fn case(case: &str) -> Option<Class> {
    let path = manifest_dir().join(format!("fixtures/diff/{case}.edit"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let changes = spec_edit::parse(&format!("fixtures/diff/{case}.edit"), &text);
    let mut files = mini_files().to_vec();
    spec_edit::apply(&mut files, &changes);
    let old = load(mini_files().to_vec());
    let new = load(files);
    let changes = compare::compare(&old, &new);
    let report = compare::render(&old, &changes);
    insta::with_settings!({ description => format!("fixtures/diff/{case}"), omit_expression => true }, {
        insta::assert_snapshot!(case, report);
    });
    changes.iter().map(|c| c.class).min()
}

#[test]
fn unchanged_spec_has_no_changes() {
    let api = load(mini_files().to_vec());
    let changes = compare::compare(&api, &api);
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(
        compare::render(&api, &changes),
        "no API changes\nbump: none (version 0.1.0)\n"
    );
}

#[test]
fn added_response_field() {
    // Plain `pub` struct, not #[non_exhaustive]: a struct literal breaks.
    assert_eq!(case("added_response_field"), Some(Class::Breaking));
}

#[test]
fn removed_endpoint() {
    assert_eq!(case("removed_endpoint"), Some(Class::Breaking));
}

#[test]
fn request_field_required() {
    assert_eq!(case("request_field_required"), Some(Class::Breaking));
}

#[test]
fn open_enum_value() {
    assert_eq!(case("open_enum_value"), Some(Class::Additive));
}

#[test]
fn docs_only() {
    assert_eq!(case("docs_only"), Some(Class::Docs));
}

#[test]
fn retry_never_to_safe() {
    assert_eq!(case("retry_never_to_safe"), Some(Class::Breaking));
}

#[test]
fn closed_enum_value() {
    // Closed enums are plain enums: exhaustive matches break, old clients reject the code.
    assert_eq!(case("closed_enum_value"), Some(Class::Breaking));
}

#[test]
fn new_webhook_event() {
    assert_eq!(case("new_webhook_event"), Some(Class::Additive));
}

#[test]
fn business_codes_become_strings() {
    // `ErrorCode::code()` and `ErrorCode::Unknown` change type.
    assert_eq!(case("business_codes_become_strings"), Some(Class::Breaking));
}

#[test]
fn implied_status_changed() {
    assert_eq!(case("implied_status_changed"), Some(Class::Breaking));
}

#[test]
fn delivery_key_changed() {
    assert_eq!(case("delivery_key_changed"), Some(Class::Additive));
}

#[test]
fn method_post_to_get() {
    // Same Rust API; the server now gets the fields in the query string, not the body.
    assert_eq!(case("method_post_to_get"), Some(Class::Breaking));
}

#[test]
fn fn_name_renames_method() {
    assert_eq!(case("fn_name_renames_method"), Some(Class::Breaking));
}

#[test]
fn cursor_pagination_added() {
    assert_eq!(case("cursor_pagination_added"), Some(Class::Breaking));
}
