//! The mini spec (`tests/fixtures/mini`, crate `mini_api`) loaded for unit tests: a small spec
//! that uses every construct of the format once.

use crate::model::Api;

/// The mini spec, with `edit` applied to its endpoints file.
///
/// # Panics
///
/// If the edited spec does not load (a test bug).
pub(crate) fn mini(edit: impl Fn(&str) -> String) -> Api {
    let files = vec![
        (
            "mini/endpoints.yaml".to_owned(),
            edit(include_str!("../../tests/fixtures/mini/endpoints.yaml")),
        ),
        (
            "mini/service.yaml".to_owned(),
            include_str!("../../tests/fixtures/mini/service.yaml").to_owned(),
        ),
        (
            "mini/types.yaml".to_owned(),
            include_str!("../../tests/fixtures/mini/types.yaml").to_owned(),
        ),
    ];
    crate::load_api_from(files).unwrap_or_else(|e| panic!("mini loads:\n{e}"))
}
