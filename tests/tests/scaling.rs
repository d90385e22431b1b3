//! `synthetic_spec(n)` is a valid spec n times the real one: every renamed definition and every
//! reference agree (a missed rename would be a duplicate or an unknown name). A correctness test
//! only; the timing is measured by `examples/load_timing.rs`.

use apigen_tests::{one_file, read_yaml_files, spec_dir, synthetic_spec};

#[test]
fn three_copies_load_with_three_times_the_endpoints() {
    let api = apigen::load_api_from(synthetic_spec(3))
        .unwrap_or_else(|e| panic!("synthetic_spec(3):\n{e}"));
    let real = apigen::load_api(&spec_dir()).unwrap_or_else(|e| panic!("the real spec:\n{e}"));
    assert_eq!(api.endpoints.len(), 117);
    assert_eq!(api.endpoints.len(), 3 * real.endpoints.len());
    assert_eq!(api.enums.len(), 3 * real.enums.len());
    assert_eq!(api.objects.len(), 3 * real.objects.len());
    assert_eq!(api.groups.len(), 3 * real.groups.len());
    // The singletons are kept once.
    assert_eq!(api.errors.len(), real.errors.len());
    assert_eq!(
        api.webhooks.as_ref().unwrap().kinds.len(),
        real.webhooks.as_ref().unwrap().kinds.len()
    );

    // Each copy is renamed consistently.
    let ep = api
        .endpoint("get_wallet_detail_2")
        .expect("get_wallet_detail_2");
    assert_eq!(ep.full_path, "/{version}/openApi/wallet/getWalletDetail_2");
    assert_eq!(ep.group_key, "wallet_2");
    assert_eq!(
        ep.response,
        apigen::model::Response::Object("Wallet_2".into())
    );
    let hooks = api.webhooks.as_ref().unwrap();
    let card = hooks.kinds.iter().find(|k| k.spec_key == "card").unwrap();
    assert_eq!(card.payload, "Card_0");
    assert_eq!(card.refetch.as_ref().unwrap().endpoint, "get_card_detail_0");
}

#[test]
fn one_copy_is_the_real_spec_renamed() {
    let api = apigen::load_api_from(synthetic_spec(1))
        .unwrap_or_else(|e| panic!("synthetic_spec(1):\n{e}"));
    let real = apigen::load_api(&spec_dir()).unwrap();
    let names = |a: &apigen::model::Api| {
        a.endpoints
            .iter()
            .map(|e| e.spec_name.clone())
            .collect::<Vec<_>>()
    };
    let expected: Vec<String> = names(&real).iter().map(|n| format!("{n}_0")).collect();
    assert_eq!(names(&api), expected);
    // Same examples, same texts: only names changed.
    let files = synthetic_spec(1);
    assert_eq!(files.len(), read_yaml_files(&spec_dir()).len());
    for ((name, text), (rel, original)) in files.iter().zip(read_yaml_files(&spec_dir())) {
        assert_eq!(name, &format!("synthetic/copy0/{rel}"));
        assert_eq!(text.lines().count(), original.lines().count(), "{rel}");
    }
}

#[test]
fn zero_copies_is_empty() {
    assert!(synthetic_spec(0).is_empty());
}

/// The YAML library refuses more than 250,000 nodes by default; the loader's limits grow with
/// the file, so a spec of several megabytes in one file loads, and is the same spec as when it
/// is split.
#[test]
fn a_spec_of_megabytes_in_one_file_loads() {
    let split = synthetic_spec(25);
    let text = one_file(&split);
    assert!(text.len() > 2_500_000, "{} bytes", text.len());
    let whole = apigen::load_api_from(vec![("big.yaml".into(), text)])
        .unwrap_or_else(|e| panic!("one large file:\n{e}"));
    let parts = apigen::load_api_from(split).unwrap_or_else(|e| panic!("split:\n{e}"));
    assert_eq!(whole.endpoints.len(), 25 * 39);
    assert_eq!(whole.endpoints.len(), parts.endpoints.len());
    assert_eq!(whole.objects.len(), parts.objects.len());
}

/// A file that breaches a parser limit gets one diagnostic naming the limit and how to avoid
/// it, not one per item (the loader used to blank the item and parse again, 20 times).
#[test]
fn a_parser_limit_is_reported_once_with_a_hint() {
    // One anchor, 200 aliases of it: the alias-to-anchor heuristic against expansion bombs.
    let mut text = String::from("enums:\n");
    for i in 0..200 {
        let title = if i == 0 { "&t Title" } else { "*t" };
        text.push_str(&format!(
            "  E{i}:\n    zh: {title}\n    en: e\n    source: modeled\n    repr: int\n    values:\n      - {{ code: 1, name: A, zh: a, en: a }}\n"
        ));
    }
    let err = apigen::load_api_from(vec![("aliases.yaml".into(), text)])
        .expect_err("200 aliases of one anchor");
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    let shown = err.to_string();
    assert!(shown.contains("aliases.yaml:"), "{shown}");
    assert!(shown.contains("aliases of 1 anchor(s)"), "{shown}");
    assert!(shown.contains("write the repeated part out"), "{shown}");
}
