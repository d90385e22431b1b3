//! Every validation rule of the spec loader has a failing fixture, and the diagnostic it renders
//! is an insta snapshot, so the wording, the `file:line:col`, the caret and the hint are reviewed
//! like code.
//!
//! Each case is a folder `fixtures/invalid/<case>/` holding a copy of `fixtures/mini` with ONE
//! deliberate mistake (`diff -r fixtures/mini fixtures/invalid/<case>` shows it). Diagnostics name
//! files as `<folder>/<file>.yaml`; the folder is the case name, so the snapshots are the same on
//! every machine, and each test checks that no absolute path leaks into the text.
//!
//! Besides the snapshot, every case asserts how many `error:` lines it renders: one mistake should
//! give one diagnostic, not a cascade of echo errors (the few cases that echo today say so).
//! `rust_keyword_field` must load, so its fixture lives in `fixtures/valid/`.
//!
//! The tests at the end pin bugs found while writing these fixtures (echo diagnostics, carets,
//! name collisions); they state the correct behaviour.

use std::path::{Path, PathBuf};

use apigen::model::{Api, Retry};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn invalid(case: &str) -> PathBuf {
    manifest_dir().join("fixtures/invalid").join(case)
}

/// The workspace root: no snapshot may contain it (or anything below it).
fn workspace_root() -> String {
    manifest_dir().parent().unwrap().display().to_string()
}

/// Number of diagnostics rendered (codespan starts each with `error:` in column 0).
fn error_lines(rendered: &str) -> usize {
    rendered.lines().filter(|l| l.starts_with("error:")).count()
}

/// Load `path`, which must fail, and return the rendered diagnostics.
fn load_err(path: &Path) -> String {
    match apigen::load_api(path) {
        Ok(_) => panic!(
            "{} loaded, but it holds a deliberate mistake",
            path.display()
        ),
        Err(rendered) => rendered.to_string(),
    }
}

/// The common checks on a rendered report with `errors` diagnostics, then the snapshot.
fn check_and_snapshot(case: &str, rendered: &str, errors: usize) {
    assert!(
        !rendered.contains(&workspace_root()),
        "an absolute path leaks into the diagnostics of {case}:\n{rendered}"
    );
    assert_eq!(
        error_lines(rendered),
        errors,
        "number of `error:` lines for {case}:\n{rendered}"
    );
    let summary = if errors == 1 {
        "1 error in the spec.\n".to_string()
    } else {
        format!("{errors} errors in the spec.\n")
    };
    assert!(
        rendered.ends_with(&summary),
        "summary line of {case}:\n{rendered}"
    );
    insta::with_settings!({ description => format!("fixtures/invalid/{case}"), omit_expression => true }, {
        insta::assert_snapshot!(case, rendered);
    });
}

/// Load `fixtures/invalid/<case>`, expect `errors` diagnostics, snapshot them.
fn case(case: &str, errors: usize) -> String {
    let rendered = load_err(&invalid(case));
    check_and_snapshot(case, &rendered, errors);
    rendered
}

/// `(line, column)` (1-based, columns in characters) of the first occurrence of `needle` in a
/// fixture file, to assert where a caret points without hard-coding numbers.
fn position(case: &str, file: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(invalid(case).join(file)).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {case}/{file}"));
    let line = text[..offset].matches('\n').count() + 1;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// The `┌─ file:line:col` header of the (first) diagnostic.
fn points_at(rendered: &str, case: &str, file: &str, (line, col): (usize, usize)) -> bool {
    rendered.contains(&format!("┌─ {case}/{file}:{line}:{col}\n"))
}

macro_rules! cases {
    ($($name:ident => $errors:expr,)*) => {
        $(
            #[test]
            fn $name() {
                case(stringify!($name), $errors);
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// Stage 1: YAML and the serde model (one diagnostic per broken file).
// ---------------------------------------------------------------------------------------------

cases! {
    // ONE syntax error renders 10 diagnostics: a generator bug (the recovery blanks single keys
    // of `service`, a struct, and reports each as missing). Pinned here, see
    // `one_mistake_one_diagnostic`.
    yaml_unclosed_quote => 1,
    yaml_bad_indentation => 1,
    duplicate_key => 1,
    strict_boolean => 1,
    missing_required_key => 1,
    wrong_value_type => 1,
    invalid_utf8 => 1,
}

/// A typo in a key: the hint names the closest key of that mapping.
#[test]
fn unknown_key() {
    let rendered = case("unknown_key", 1);
    assert!(
        rendered.contains("hint: did you mean `required`?"),
        "{rendered}"
    );
    let at = position("unknown_key", "endpoints.yaml", "requried");
    assert!(
        points_at(&rendered, "unknown_key", "endpoints.yaml", at),
        "{rendered}"
    );
}

#[test]
fn unknown_variant() {
    let rendered = case("unknown_variant", 1);
    assert!(
        rendered.contains("hint: did you mean `never`?"),
        "{rendered}"
    );
}

/// Structural errors in two files: one run reports the problems of every broken file.
#[test]
fn yaml_errors_in_two_files() {
    let rendered = case("yaml_errors_in_two_files", 2);
    assert!(
        rendered.contains("yaml_errors_in_two_files/endpoints.yaml:"),
        "{rendered}"
    );
    assert!(
        rendered.contains("yaml_errors_in_two_files/types.yaml:"),
        "{rendered}"
    );
}

/// serde stops at the first structural error, but the loader blanks the broken item and parses
/// again: two broken endpoints of one file are both reported.
#[test]
fn structural_errors_in_one_file() {
    let rendered = case("structural_errors_in_one_file", 2);
    assert!(
        rendered.contains("hint: did you mean `required`?"),
        "{rendered}"
    );
    assert!(
        rendered.contains("hint: did you mean `never`?"),
        "{rendered}"
    );
}

#[test]
fn missing_folder() {
    // The message names the folder as given; pass it under the crate so it can be redacted.
    let path = manifest_dir().join("fixtures/invalid/missing_folder");
    assert!(!path.exists());
    let rendered = load_err(&path).replace(env!("CARGO_MANIFEST_DIR"), "[tests]");
    // The OS text after the path ("No such file or directory (os error 2)") differs by platform.
    let rendered = rendered
        .lines()
        .map(|l| match l.find("missing_folder: ") {
            Some(i) if l.starts_with("error: cannot read spec folder") => {
                format!("{}[os error]", &l[..i + "missing_folder: ".len()])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    check_and_snapshot("missing_folder", &rendered, 1);
}

#[test]
fn no_yaml_files() {
    let path = invalid("no_yaml_files");
    assert!(path.join("README.txt").is_file());
    let rendered = load_err(&path).replace(env!("CARGO_MANIFEST_DIR"), "[tests]");
    check_and_snapshot("no_yaml_files", &rendered, 1);
}

// ---------------------------------------------------------------------------------------------
// Stage 2: items defined in two files.
// ---------------------------------------------------------------------------------------------

cases! {
    duplicate_service => 1,
    duplicate_webhooks => 1,
    duplicate_group => 1,
    duplicate_enum => 1,
    duplicate_object => 1,
    duplicate_endpoint_name => 1,
}

// ---------------------------------------------------------------------------------------------
// Service, errors, type names.
// ---------------------------------------------------------------------------------------------

cases! {
    missing_service => 1,
    path_prefix_without_version => 1,
    page_field_unknown => 1,
    duplicate_error_code => 1,
    error_names_collide => 1,
    error_name_reserved => 1,
    type_name_not_ident => 1,
    type_names_collide => 1,
}

// ---------------------------------------------------------------------------------------------
// Enums.
// ---------------------------------------------------------------------------------------------

cases! {
    enum_code_not_integer => 1,
    enum_code_not_string => 1,
    duplicate_enum_value => 1,
    enum_variant_not_ident => 1,
    enum_variant_reserved => 1,
    duplicate_enum_name => 1,
    enum_names_collide_after_case_conversion => 1,
    enum_without_values => 1,
}

// ---------------------------------------------------------------------------------------------
// Fields and types.
// ---------------------------------------------------------------------------------------------

cases! {
    field_name_not_ident => 1,
    field_names_collide => 1,
    redact_without_sensitive => 1,
    inline_object_without_fields => 1,
    inline_object_name_collides => 1,
    fields_on_non_object_type => 1,
    unknown_type_in_array => 1,
}

#[test]
fn unknown_type() {
    let rendered = case("unknown_type", 1);
    assert!(
        rendered.contains("hint: did you mean `WalletStatus`?"),
        "{rendered}"
    );
    let at = position("unknown_type", "types.yaml", "WaletStatus");
    assert!(
        points_at(&rendered, "unknown_type", "types.yaml", at),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Endpoints.
// ---------------------------------------------------------------------------------------------

cases! {
    operation_name_not_ident => 1,
    endpoint_names_collide => 1,
    unknown_group => 1,
    path_without_slash => 1,
    duplicate_path => 1,
    request_type_collides => 1,
    pagination_on_non_page => 1,
    auth_field_in_request => 1,
    idempotency_field_missing => 1,
    idempotency_field_optional => 1,
    money_moving_retry_safe => 1,
    money_moving_without_idempotency => 1,
    response_is_enum => 1,
    unknown_response_type => 1,
}

// ---------------------------------------------------------------------------------------------
// Webhooks.
// ---------------------------------------------------------------------------------------------

cases! {
    ack_body_not_json => 1,
    duplicate_webhook_tag => 1,
    event_name_reserved => 1,
    event_names_collide => 1,
    refetch_unknown_endpoint => 1,
    refetch_endpoint_not_object => 1,
    // A rejected mapping also leaves the endpoint's required field unmapped: two diagnostics
    // for one mistake (an echo, see `one_mistake_one_diagnostic`).
    refetch_field_not_in_request => 1,
    refetch_field_not_in_payload => 1,
    refetch_field_type_mismatch => 1,
    refetch_missing_required_field => 1,
    webhook_example_with_response => 1,
    webhook_example_wrong_tag => 1,
    webhook_example_missing_tag => 1,
}

// ---------------------------------------------------------------------------------------------
// Examples checked against the declared types.
// ---------------------------------------------------------------------------------------------

cases! {
    example_invalid_json => 1,
    example_missing_required_field => 1,
    example_undeclared_field => 1,
    example_bad_datetime => 1,
    example_envelope_code => 1,
    example_envelope_not_object => 1,
    example_request_undeclared_field => 1,
    example_closed_enum_code => 1,
    example_empty_response_with_data => 1,
    example_page_not_object => 1,
    // The message names `$.data.list[1]`; the caret should point into the second item (see the
    // ignored test below).
    example_mismatch_in_later_item => 1,
}

/// A string where money is declared: the caret points at the offending key inside the JSON
/// block, not at the block.
#[test]
fn example_type_mismatch() {
    let rendered = case("example_type_mismatch", 1);
    assert!(
        rendered
            .contains("at `$.data.available_balance`: expected a decimal number, found a string")
    );
    let at = position(
        "example_type_mismatch",
        "endpoints.yaml",
        r#""available_balance": "10165.27""#,
    );
    assert!(
        points_at(&rendered, "example_type_mismatch", "endpoints.yaml", at),
        "{rendered}"
    );
    assert!(
        rendered.contains(r#"^^^^^^^^^^^^^^^^^^^ here"#),
        "the caret covers the quoted key:\n{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Several mistakes in two files: all reported in one run, sorted by file then place.
// ---------------------------------------------------------------------------------------------

#[test]
fn several_mistakes() {
    let rendered = case("several_mistakes", 5);
    for expected in [
        "error: idempotency field `out_order_no` is not a request field of `open_card`",
        "error: unknown group `cards`",
        "error: duplicate path `/card/openCard`",
        "error: duplicate code 1 in enum `WalletStatus`",
        "error: unknown type `WaletStatus`",
    ] {
        assert!(
            rendered.contains(expected),
            "missing `{expected}` in:\n{rendered}"
        );
    }
    let endpoints = rendered.find("several_mistakes/endpoints.yaml").unwrap();
    let types = rendered.find("several_mistakes/types.yaml").unwrap();
    assert!(
        endpoints < types,
        "files are reported in path order:\n{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Valid specs.
// ---------------------------------------------------------------------------------------------

fn load_ok(path: &Path) -> Api {
    apigen::load_api(path).unwrap_or_else(|e| panic!("{} should load:\n{e}", path.display()))
}

#[test]
fn mini_fixture_is_valid() {
    let api = load_ok(&manifest_dir().join("fixtures/mini"));
    assert_eq!(api.endpoints.len(), 5);
    assert_eq!(api.endpoint("open_card").unwrap().retry, Retry::Never);
}

/// A field named after a Rust keyword is escaped, never rejected.
#[test]
fn rust_keyword_field() {
    let api = load_ok(&manifest_dir().join("fixtures/valid/rust_keyword_field"));
    let rust_name = |object: &str, field: &str| -> String {
        let o = api
            .object(object)
            .unwrap_or_else(|| panic!("no object {object}"));
        let f = o
            .fields
            .iter()
            .find(|f| f.wire_name == field)
            .unwrap_or_else(|| panic!("no field {object}.{field}"));
        f.rust_name.clone()
    };
    assert_eq!(rust_name("Card", "type"), "r#type");
    assert_eq!(rust_name("Card", "ref"), "r#ref");
    // `self` cannot be a raw identifier.
    assert_eq!(rust_name("Card", "self"), "self_");
    assert_eq!(rust_name("DeleteCardRequest", "type"), "r#type");
    assert_eq!(rust_name("Card", "card_no"), "card_no");
}

// ---------------------------------------------------------------------------------------------
// Known generator bugs. Each test states the correct behaviour and is ignored until the
// generator is fixed (run them with `--ignored`); the fixture shows the bug.
// ---------------------------------------------------------------------------------------------

#[test]
fn example_mismatch_points_at_the_offending_item() {
    let case = "example_mismatch_in_later_item";
    let rendered = load_err(&invalid(case));
    let at = position(case, "endpoints.yaml", r#""available_balance": "2.5""#);
    assert!(
        points_at(&rendered, case, "endpoints.yaml", at),
        "expected {at:?}:\n{rendered}"
    );
}

#[test]
fn event_names_collide_hint_names_the_other_name() {
    let case = "event_names_collide";
    let rendered = load_err(&invalid(case));
    let (line, col) = position(case, "endpoints.yaml", "CardActivated");
    assert!(
        rendered.contains(&format!(
            "the other is at {case}/endpoints.yaml:{line}:{col};"
        )),
        "{rendered}"
    );
}

/// One mistake, one diagnostic: these cases render echo errors today (their snapshots pin the
/// current text).
#[test]
fn one_mistake_one_diagnostic() {
    let mut report = Vec::new();
    for case in [
        "yaml_unclosed_quote",
        "refetch_field_not_in_request",
        "refetch_field_not_in_payload",
        "refetch_field_type_mismatch",
    ] {
        let n = error_lines(&load_err(&invalid(case)));
        if n != 1 {
            report.push(format!("{case}: {n} diagnostics"));
        }
    }
    assert!(report.is_empty(), "{report:#?}");
}

/// Name collisions that produce uncompilable Rust but are not reported yet.
fn assert_rejected(case: &str, needle: &str) {
    match apigen::load_api(&invalid(case)) {
        Ok(_) => panic!("{case} loaded, but it defines two Rust items with the same name"),
        Err(rendered) => assert!(rendered.to_string().contains(needle), "{rendered}"),
    }
}

#[test]
fn group_names_collide() {
    assert_rejected("group_names_collide", "`Card`");
}

#[test]
fn group_name_not_ident() {
    assert_rejected("group_name_not_ident", "`2fa`");
}

#[test]
fn webhook_kind_names_collide() {
    assert_rejected("webhook_kind_names_collide", "`Card`");
}

#[test]
fn inline_object_collides_after_case_conversion() {
    assert_rejected("inline_object_collides_after_case_conversion", "CardLimits");
}

#[test]
fn request_type_collides_with_enum() {
    assert_rejected("request_type_collides_with_enum", "DeleteCardRequest");
}

#[test]
fn inline_object_collides_with_request_type() {
    assert_rejected(
        "inline_object_collides_with_request_type",
        "DeleteCardRequest",
    );
}

/// Every folder under `fixtures/invalid` is a case with a reviewed snapshot, or one of the
/// known-bug fixtures above; a snapshot without its fixture is stale. (When a run creates new
/// snapshots with `INSTA_UPDATE=always`, this check may run before they are written: run again.)
#[test]
fn every_fixture_has_a_snapshot() {
    const KNOWN_BUGS: [&str; 6] = [
        "group_names_collide",
        "group_name_not_ident",
        "webhook_kind_names_collide",
        "inline_object_collides_after_case_conversion",
        "request_type_collides_with_enum",
        "inline_object_collides_with_request_type",
    ];
    let snapshots = manifest_dir().join("tests/snapshots");
    let mut cases: Vec<String> = std::fs::read_dir(manifest_dir().join("fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    cases.sort();
    for case in &cases {
        let snap = snapshots.join(format!("validation__{case}.snap"));
        assert!(
            snap.is_file() || KNOWN_BUGS.contains(&case.as_str()),
            "fixtures/invalid/{case} has no snapshot {}",
            snap.display()
        );
    }
    cases.push("missing_folder".into());
    for entry in std::fs::read_dir(&snapshots).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(case) = name
            .strip_prefix("validation__")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                cases.iter().any(|c| c == case),
                "stale snapshot {name}: no fixture {case}"
            );
        }
    }
}
