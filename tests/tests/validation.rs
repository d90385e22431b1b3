//! Every validation rule of the spec loader has a failing fixture, and the diagnostic it renders
//! is an insta snapshot, so the wording, the `file:line:col`, the caret and the hint are reviewed
//! like code.
//!
//! Each case is `fixtures/mini` with ONE deliberate mistake, written as a small edit in
//! `fixtures/invalid/<case>.edit` (the format is described in `apigen_tests::spec_edit`). The
//! harness applies the edit to an in-memory copy of mini and loads it with
//! `apigen::load_api_from`. Diagnostics name files as `<case>/<file>.yaml`, so the snapshots are
//! the same on every machine, and each test checks that no absolute path leaks into the text.
//! The few cases that need real files (`invalid_utf8`, `no_yaml_files`, `missing_folder`) are
//! loaded from disk with `apigen::load_api`.
//!
//! Besides the snapshot, every case asserts how many `error:` lines it renders: one mistake gives
//! one diagnostic, not a cascade of echo errors; only the cases with several mistakes expect more.
//! `rust_keyword_field` must load, so its fixture lives in `fixtures/valid/`.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use apigen::model::{Api, Retry};
use apigen_tests::{read_yaml_files, spec_edit};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn invalid_dir() -> PathBuf {
    manifest_dir().join("fixtures/invalid")
}

/// The workspace root: no snapshot may contain it (or anything below it).
fn workspace_root() -> String {
    manifest_dir().parent().unwrap().display().to_string()
}

// ---------------------------------------------------------------------------------------------
// The harness.
// ---------------------------------------------------------------------------------------------

/// The rendered diagnostics of a failed load: the only place that handles the loader's error.
fn render(report: impl Display) -> String {
    report.to_string()
}

/// Load a spec folder from disk.
fn load_dir(path: &Path) -> Result<Api, String> {
    apigen::load_api(path).map_err(render)
}

/// Load in-memory files given as (display name, text).
fn load_files(files: Vec<(String, String)>) -> Result<Api, String> {
    apigen::load_api_from(files).map_err(render)
}

/// The rendered diagnostics of `result`, which must be a failed load of `what`.
fn expect_err(what: &str, result: Result<Api, String>) -> String {
    match result {
        Ok(_) => panic!("{what} loaded, but it holds a deliberate mistake"),
        Err(rendered) => rendered,
    }
}

/// `fixtures/mini` as (name relative to the folder, text), read once.
fn mini() -> &'static [(String, String)] {
    static MINI: OnceLock<Vec<(String, String)>> = OnceLock::new();
    MINI.get_or_init(|| read_yaml_files(&manifest_dir().join("fixtures/mini")))
}

/// `files` named `<folder>/<file>`, as `apigen::load_api` names the files of a folder.
fn in_folder(folder: &str, files: Vec<(String, String)>) -> Vec<(String, String)> {
    files
        .into_iter()
        .map(|(name, text)| (format!("{folder}/{name}"), text))
        .collect()
}

/// The spec of a case: mini with the edit `fixtures/invalid/<case>.edit` applied, as (display
/// name `<case>/<file>`, text).
fn case_files(case: &str) -> Vec<(String, String)> {
    let path = invalid_dir().join(format!("{case}.edit"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let changes = spec_edit::parse(&format!("fixtures/invalid/{case}.edit"), &text);
    let mut files = mini().to_vec();
    spec_edit::apply(&mut files, &changes);
    in_folder(case, files)
}

/// Number of diagnostics rendered (codespan starts each with `error:` in column 0).
fn error_lines(rendered: &str) -> usize {
    rendered.lines().filter(|l| l.starts_with("error:")).count()
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

/// Load the case `<case>.edit`, expect `errors` diagnostics, snapshot them.
fn case(case: &str, errors: usize) -> String {
    let rendered = expect_err(case, load_files(case_files(case)));
    check_and_snapshot(case, &rendered, errors);
    rendered
}

/// `(line, column)` (1-based, columns in characters) of the first occurrence of `needle` in a
/// file of a case (after its edit), to assert where a caret points without hard-coding numbers.
fn position(case: &str, file: &str, needle: &str) -> (usize, usize) {
    let name = format!("{case}/{file}");
    let files = case_files(case);
    let text = &files
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no file {name}"))
        .1;
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {name}"));
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
    // An unclosed quote in `service`: one diagnostic at the quote, no "missing key" echoes.
    yaml_unclosed_quote => 1,
    yaml_bad_indentation => 1,
    duplicate_key => 1,
    strict_boolean => 1,
    missing_required_key => 1,
    wrong_value_type => 1,
}

/// A file that is not UTF-8 cannot be given to `apigen::load_api_from` as a `String`: this case is
/// a folder on disk, `fixtures/invalid/invalid_utf8/`, whose one file holds a lone byte 0xE4.
#[test]
fn invalid_utf8() {
    let path = invalid_dir().join("invalid_utf8");
    let rendered = expect_err("invalid_utf8", load_dir(&path));
    check_and_snapshot("invalid_utf8", &rendered, 1);
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
    let rendered = expect_err("missing_folder", load_dir(&path))
        .replace(env!("CARGO_MANIFEST_DIR"), "[tests]");
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
    let path = invalid_dir().join("no_yaml_files");
    assert!(path.join("README.txt").is_file());
    let rendered =
        expect_err("no_yaml_files", load_dir(&path)).replace(env!("CARGO_MANIFEST_DIR"), "[tests]");
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

/// An item's `source` must be the weakest of its `provenance` statements: the caret is on the
/// statement the claim overstates.
#[test]
fn provenance_overstated() {
    let rendered = case("provenance_overstated", 1);
    assert!(rendered.contains("overstates"), "{rendered}");
    let at = position("provenance_overstated", "types.yaml", "observed }");
    assert!(
        points_at(&rendered, "provenance_overstated", "types.yaml", at),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Fields and types.
// ---------------------------------------------------------------------------------------------

cases! {
    wire_on_a_datetime => 1,
    format_on_money => 1,
    datetime_format_misspelled => 1,
    money_wire_misspelled => 1,
    example_money_not_a_string => 1,
    example_datetime_not_epoch => 1,
    example_rfc3339_not_as_written_back => 1,
}

cases! {
    field_name_not_ident => 1,
    field_names_collide => 1,
    redact_without_sensitive => 1,
    inline_object_without_fields => 1,
    inline_object_name_collides => 1,
    fields_on_non_object_type => 1,
    unknown_type_in_array => 1,
    inline_object_collides_after_case_conversion => 1,
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
    auth_header_without_name => 1,
    auth_header_not_string => 1,
    auth_in_unknown => 1,
    auth_header_name_without_in => 1,
    auth_headers_clash => 2,
    header_outside_auth => 1,
    computed_not_string => 1,
    computed_outside_auth => 1,
    method_unknown => 1,
    method_put => 1,
    get_array_field => 1,
    get_moves_money => 1,
    idempotency_field_missing => 1,
    idempotency_field_optional => 1,
    money_moving_retry_safe => 1,
    money_moving_without_idempotency => 1,
    response_is_enum => 1,
    unknown_response_type => 1,
    group_names_collide => 1,
    group_name_not_ident => 1,
    request_type_collides_with_enum => 1,
    inline_object_collides_with_request_type => 1,
    stream_method_collides => 1,
    endpoint_names_collide_after_renaming => 1,
}

// ---------------------------------------------------------------------------------------------
// Names the naming rules cannot make usable.
// ---------------------------------------------------------------------------------------------

cases! {
    version_not_path_segment => 1,
    error_name_not_ident => 1,
    crate_name_is_dependency => 1,
}

// ---------------------------------------------------------------------------------------------
// Structured recovery (`recovery: { lookup, fields, note }`).
// ---------------------------------------------------------------------------------------------

cases! {
    recovery_unknown_lookup => 1,
    recovery_lookup_not_object => 1,
    recovery_lookup_not_safe => 1,
    recovery_lookup_is_itself => 1,
    recovery_without_fields => 1,
    recovery_field_not_in_lookup => 1,
    recovery_field_not_in_request => 1,
    recovery_field_type_mismatch => 1,
    recovery_missing_required_field => 1,
    recovery_unknown_key => 1,
    recover_method_collides => 1,
}

// ---------------------------------------------------------------------------------------------
// Cursor pagination (`service.cursor_pagination`, `pagination: cursor`, `{ cursor_page: T }`).
// ---------------------------------------------------------------------------------------------

cases! {
    cursor_field_not_string => 1,
    next_cursor_field_unknown => 1,
    next_cursor_field_not_string => 1,
    cursor_page_without_convention => 1,
    cursor_marker_on_page => 1,
    example_cursor_page_next_not_string => 1,
    request_field_shadows_cursor => 1,
}

/// A typo in the cursor field: located at `cursor_field`, with the declared field as the hint.
#[test]
fn cursor_field_unknown() {
    let rendered = case("cursor_field_unknown", 1);
    assert!(
        rendered.contains("hint: did you mean `cursor`?"),
        "{rendered}"
    );
    let at = position("cursor_field_unknown", "service.yaml", "cursr");
    assert!(
        points_at(&rendered, "cursor_field_unknown", "service.yaml", at),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Method names within a group (`fn_name`).
// ---------------------------------------------------------------------------------------------

cases! {
    fn_name_not_ident => 1,
    fn_name_collides_with_stream => 1,
    fn_name_collides_with_recover => 1,
}

/// Two `cancel`s in one group: refused at the second, naming the first.
#[test]
fn fn_name_collides() {
    let rendered = case("fn_name_collides", 1);
    assert!(
        rendered.contains("both are the method `cancel` of group `card`"),
        "{rendered}"
    );
    // At the second endpoint's `fn_name`, two lines below its key.
    let (key_line, _) = position("fn_name_collides", "endpoints.yaml", "delete_card:");
    let at = (key_line + 2, "    fn_name: ".len() + 1);
    assert!(
        points_at(&rendered, "fn_name_collides", "endpoints.yaml", at),
        "{rendered}"
    );
}

/// A reference by the method name (`fn_name`) instead of the key is told the key.
#[test]
fn recovery_lookup_by_method_name() {
    let rendered = case("recovery_lookup_by_method_name", 1);
    assert!(
        rendered.contains("did you mean `get_card_detail`?"),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Webhooks.
// ---------------------------------------------------------------------------------------------

cases! {
    ack_body_not_json => 1,
    duplicate_webhook_tag => 1,
    event_name_reserved => 1,
    refetch_unknown_endpoint => 1,
    refetch_endpoint_not_object => 1,
    // The rejected mapping is the only diagnostic: the endpoint's required field it was meant to
    // fill is not reported as unmapped too.
    refetch_field_not_in_request => 1,
    refetch_field_not_in_payload => 1,
    refetch_field_type_mismatch => 1,
    refetch_missing_required_field => 1,
    webhook_example_with_response => 1,
    webhook_example_wrong_tag => 1,
    webhook_example_missing_tag => 1,
    webhook_kind_names_collide => 1,
    webhook_delivery_key_unknown_field => 1,
    webhook_implies_unknown_code => 1,
    webhook_example_contradicts_tag => 1,
}

/// The hint names the place of the other name, not of this one.
#[test]
fn event_names_collide() {
    let case = "event_names_collide";
    let rendered = self::case(case, 1);
    let (line, col) = position(case, "endpoints.yaml", "CardActivated");
    assert!(
        rendered.contains(&format!(
            "the other is at {case}/endpoints.yaml:{line}:{col};"
        )),
        "{rendered}"
    );
}

// ---------------------------------------------------------------------------------------------
// Examples checked against the declared types.
// ---------------------------------------------------------------------------------------------

cases! {
    example_invalid_json => 1,
    example_missing_required_field => 1,
    example_undeclared_field => 1,
    example_bad_datetime => 1,
    example_impossible_datetime => 1,
    refused_field_name_no_echo => 1,
    page_response_without_convention => 1,
    package_name_invalid => 1,
    package_version_invalid => 1,
    example_envelope_code => 1,
    example_envelope_string_code => 1,
    business_code_kinds_differ => 2,
    malformed_type => 2,
    example_envelope_not_object => 1,
    example_request_undeclared_field => 1,
    example_closed_enum_code => 1,
    example_empty_response_with_data => 1,
    example_page_not_object => 1,
}

/// The message names `$.data.list[1]`, and the caret points into the second item.
#[test]
fn example_mismatch_in_later_item() {
    let case = "example_mismatch_in_later_item";
    let rendered = self::case(case, 1);
    let at = position(case, "endpoints.yaml", r#""available_balance": "2.5""#);
    assert!(
        points_at(&rendered, case, "endpoints.yaml", at),
        "expected {at:?}:\n{rendered}"
    );
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

fn load_ok(what: &str, result: Result<Api, String>) -> Api {
    result.unwrap_or_else(|e| panic!("{what} should load:\n{e}"))
}

/// Mini loads, from its folder and in memory as the harness gives it.
#[test]
fn mini_fixture_is_valid() {
    let from_disk = load_ok(
        "fixtures/mini",
        load_dir(&manifest_dir().join("fixtures/mini")),
    );
    let in_memory = load_ok(
        "mini in memory",
        load_files(in_folder("mini", mini().to_vec())),
    );
    for api in [from_disk, in_memory] {
        assert_eq!(api.endpoints.len(), 6);
        let open_card = api.endpoint("open_card").unwrap();
        assert_eq!(open_card.retry, Retry::Never);
        let recover = open_card.recover.as_ref().unwrap();
        assert_eq!(recover.lookup, "get_card_detail");
        assert_eq!(
            recover.fields,
            [("out_order_id".to_owned(), "out_order_id".to_owned())]
        );
        assert_eq!(
            open_card.recovery.as_deref(),
            Some("Look the order up by out_order_id before sending again.")
        );
    }
}

/// A field named after a Rust keyword is escaped, never rejected.
#[test]
fn rust_keyword_field() {
    let path = manifest_dir().join("fixtures/valid/rust_keyword_field");
    let api = load_ok("rust_keyword_field", load_dir(&path));
    let rust_name = |object: &str, field: &str| -> String {
        let o = api
            .objects
            .iter()
            .find(|o| apigen::naming::object_type_name(&o.name) == object)
            .unwrap_or_else(|| panic!("no object {object}"));
        let f = o
            .fields
            .iter()
            .find(|f| f.wire_name == field)
            .unwrap_or_else(|| panic!("no field {object}.{field}"));
        apigen::naming::field_name(&f.wire_name)
    };
    assert_eq!(rust_name("Card", "type"), "r#type");
    assert_eq!(rust_name("Card", "ref"), "r#ref");
    // `self` cannot be a raw identifier.
    assert_eq!(rust_name("Card", "self"), "self_");
    assert_eq!(rust_name("DeleteCardRequest", "type"), "r#type");
    assert_eq!(rust_name("Card", "card_no"), "card_no");
}

// ---------------------------------------------------------------------------------------------
// Every fixture has a snapshot, every snapshot a fixture.
// ---------------------------------------------------------------------------------------------

/// Every `<case>.edit` under `fixtures/invalid`, and each of the few folders loaded from disk, is
/// a case with a reviewed snapshot; a snapshot without its fixture is stale. (When a run creates
/// new snapshots with `INSTA_UPDATE=always`, this check may run before they are written: run
/// again.)
#[test]
fn every_fixture_has_a_snapshot() {
    const ON_DISK: [&str; 2] = ["invalid_utf8", "no_yaml_files"];
    let snapshots = manifest_dir().join("tests/snapshots");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(invalid_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let case = if entry.file_type().unwrap().is_dir() {
            assert!(
                ON_DISK.contains(&name.as_str()),
                "fixtures/invalid/{name}/: a case is a `.edit` file, unless it needs real files"
            );
            name.clone()
        } else {
            name.strip_suffix(".edit")
                .unwrap_or_else(|| panic!("fixtures/invalid/{name} is not a `.edit` file"))
                .to_string()
        };
        let snap = snapshots.join(format!("validation__{case}.snap"));
        assert!(
            snap.is_file(),
            "fixtures/invalid/{name} has no snapshot {}",
            snap.display()
        );
        cases.push(case);
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

// ---------------------------------------------------------------------------------------------
// The harness fails loudly.
// ---------------------------------------------------------------------------------------------

const MINI_LIKE: &str =
    "objects:\n  Wallet:\n    zh: 钱包\n    en: x\n\n  Card:\n    zh: 卡\n    en: x\n";

fn edited(edit: &str) -> Vec<(String, String)> {
    let mut files = vec![
        ("a.yaml".to_string(), MINI_LIKE.to_string()),
        ("c.yaml".to_string(), "c: 1\n".to_string()),
    ];
    spec_edit::apply(&mut files, &spec_edit::parse("test.edit", edit));
    files
}

/// Context lines (an empty line is an empty context line) anchor the edit; `new` adds a file
/// and `delete` removes one.
#[test]
fn an_edit_replaces_adds_and_deletes_files() {
    let files = edited(
        "# A comment.\n=== edit a.yaml\n     en: x\n\n-  Card:\n+  Cards:\n=== new b.yaml\n+b: 1\n+\n=== delete c.yaml\n",
    );
    let expected = [
        (
            "a.yaml",
            "objects:\n  Wallet:\n    zh: 钱包\n    en: x\n\n  Cards:\n    zh: 卡\n    en: x\n",
        ),
        ("b.yaml", "b: 1\n\n"),
    ]
    .map(|(name, text)| (name.to_string(), text.to_string()));
    assert_eq!(files, expected);
}

#[test]
#[should_panic(expected = "test.edit:1: the old text is not in a.yaml")]
fn an_edit_whose_old_text_is_missing_panics() {
    edited("=== edit a.yaml\n-    zh: 钱包钱包\n+    zh: x\n");
}

#[test]
#[should_panic(expected = "test.edit:1: the old text occurs 2 times in a.yaml; add context lines")]
fn an_edit_whose_old_text_is_ambiguous_panics() {
    edited("=== edit a.yaml\n-    en: x\n+    en: y\n");
}

#[test]
#[should_panic(expected = "test.edit:4: no file b.yaml to edit")]
fn an_edit_of_a_missing_file_panics() {
    edited("=== edit a.yaml\n-  Card:\n+  Cards:\n=== edit b.yaml\n-x\n+y\n");
}

#[test]
#[should_panic(expected = "test.edit:1: the edit of a.yaml changes nothing")]
fn an_edit_that_changes_nothing_panics() {
    edited("=== edit a.yaml\n   Card:\n");
}

#[test]
#[should_panic(expected = "test.edit:1: the edit of a.yaml has no old text")]
fn an_edit_without_old_text_panics() {
    edited("=== edit a.yaml\n+x: 1\n");
}

#[test]
#[should_panic(expected = "test.edit:2: an edit line starts with ` `, `-` or `+`")]
fn an_edit_line_without_prefix_panics() {
    edited("=== edit a.yaml\n*  Card:\n");
}

#[test]
#[should_panic(expected = "test.edit:1: a.yaml exists already")]
fn a_new_file_that_exists_panics() {
    edited("=== new a.yaml\n+a: 1\n");
}

#[test]
#[should_panic(expected = "test.edit:2: every line of a new file starts with `+`")]
fn a_new_file_line_without_plus_panics() {
    edited("=== new b.yaml\nb: 1\n");
}

#[test]
#[should_panic(expected = "test.edit:1: no file b.yaml to delete")]
fn deleting_a_missing_file_panics() {
    edited("=== delete b.yaml\n");
}

#[test]
#[should_panic(expected = "test.edit:2: `=== delete c.yaml` takes no lines")]
fn a_delete_with_lines_panics() {
    edited("=== delete c.yaml\n-c: 1\n");
}

#[test]
#[should_panic(expected = "test.edit:1: expected `=== edit|new|delete FILE`")]
fn an_unknown_change_panics() {
    edited("=== rename a.yaml b.yaml\n");
}

#[test]
#[should_panic(expected = "test.edit:1: only comments may come before the first `=== ` header")]
fn text_before_the_first_header_panics() {
    edited("-  Card:\n=== edit a.yaml\n-  Card:\n+  Cards:\n");
}

#[test]
#[should_panic(expected = "test.edit: no `=== ` change in the file")]
fn an_edit_file_without_changes_panics() {
    edited("# nothing\n");
}

#[test]
#[should_panic(expected = "mini loaded, but it holds a deliberate mistake")]
fn a_case_that_loads_panics() {
    expect_err("mini", load_files(in_folder("mini", mini().to_vec())));
}

#[test]
#[should_panic(expected = "`NoSuchText` not in unknown_type/types.yaml")]
fn a_position_not_found_panics() {
    position("unknown_type", "types.yaml", "NoSuchText");
}

/// The case files are named `<case>/<file>` and sorted, new files included.
#[test]
fn case_files_are_named_after_the_case() {
    let names: Vec<String> = case_files("duplicate_webhooks")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        names,
        [
            "duplicate_webhooks/endpoints.yaml",
            "duplicate_webhooks/service.yaml",
            "duplicate_webhooks/types.yaml",
            "duplicate_webhooks/webhooks.yaml",
        ]
    );
    let rendered = case("unknown_type", 1);
    assert!(!points_at(&rendered, "unknown_type", "types.yaml", (1, 1)));
}
