//! Incremental generation (`apigen::incremental`): after a one-endpoint edit only that
//! group's files and the files made from the whole model are rendered, the result equals a
//! full generation byte for byte, and a hand-edited generated file is never trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use apigen::emit::Options;
use apigen::incremental::{MANIFEST, generate};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh folder under the system temp dir, removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("apigen-incr-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file below `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below base").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("readable"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A copy of the mini fixture spec in `dir/spec`.
fn mini_copy(dir: &Path) -> PathBuf {
    let spec = dir.join("spec");
    std::fs::create_dir_all(&spec).expect("spec dir");
    for (rel, bytes) in files(&root().join("tests/fixtures/mini")) {
        std::fs::write(spec.join(rel), bytes).expect("copy spec file");
    }
    spec
}

fn is_group_file(path: &Path) -> bool {
    let s = path.to_string_lossy();
    (s.starts_with("src/generated/api/")
        || s.starts_with("src/generated/requests/")
        || s.starts_with("tests/endpoints/"))
        && !s.ends_with("/mod.rs")
}

#[test]
fn a_one_endpoint_edit_renders_its_group_and_equals_a_full_generation() {
    let tmp = TempDir::new("edit");
    let spec = mini_copy(&tmp.0);
    let out = tmp.0.join("out");
    let options = Options::default();

    let first = generate(&spec, &out, &options, false).expect("first run");
    assert!(first.api.is_some());
    assert!(first.report.changed.contains(&PathBuf::from(MANIFEST)));
    let all_rendered = first.rendered.len();
    assert!(all_rendered > 10, "{:?}", first.rendered);

    // Nothing changed: the spec is not even loaded, nothing is rendered or written.
    let again = generate(&spec, &out, &options, false).expect("second run");
    assert!(again.api.is_none() && again.rendered.is_empty());
    assert!(again.report.changed.is_empty());

    // A one-line edit of `delete_card`, in the card group.
    let endpoints = spec.join("endpoints.yaml");
    let text = std::fs::read_to_string(&endpoints).expect("read");
    assert!(text.contains("en: Delete a card"));
    std::fs::write(
        &endpoints,
        text.replace("en: Delete a card", "en: Delete one card"),
    )
    .expect("edit");
    let before = files(&out);
    let edited = generate(&spec, &out, &options, false).expect("incremental run");

    let card = [
        PathBuf::from("src/generated/api/card.rs"),
        PathBuf::from("src/generated/requests/card.rs"),
    ];
    let wallet = [
        PathBuf::from("src/generated/api/wallet.rs"),
        PathBuf::from("src/generated/requests/wallet.rs"),
        PathBuf::from("tests/endpoints/wallet.rs"),
    ];
    for f in &card {
        assert!(
            edited.rendered.contains(f),
            "{f:?} in {:?}",
            edited.rendered
        );
        assert!(edited.report.changed.contains(f), "{f:?} rewritten");
    }
    // Of the group files, only the card group's are rendered or written; the wallet group's
    // are taken from disk, untouched.
    // (The card group has no endpoint test, so its test file is rendered as absent.)
    let card_test = PathBuf::from("tests/endpoints/card.rs");
    assert!(edited.rendered.contains(&card_test) && !out.join(&card_test).exists());
    for f in edited.rendered.iter().chain(&edited.report.changed) {
        assert!(
            !is_group_file(f) || card.contains(f) || *f == card_test,
            "{f:?} rendered or written"
        );
    }
    for f in &wallet {
        assert!(before.contains_key(f), "{f:?} generated");
        assert!(!edited.rendered.contains(f));
    }
    assert!(edited.rendered.len() < all_rendered);
    assert!(edited.report.changed.contains(&PathBuf::from(MANIFEST)));
    // Every file written really changed (the manifest and files made from the whole model,
    // such as the docs that show the endpoint's title, among them).
    let after = files(&out);
    for f in &edited.report.changed {
        assert_ne!(before.get(f), after.get(f), "{f:?} written unchanged");
    }

    // The same spec generated from scratch gives the same bytes, manifest included.
    let fresh = tmp.0.join("fresh");
    generate(&spec, &fresh, &options, false).expect("full run");
    assert_eq!(files(&fresh), after);
}

#[test]
fn check_and_gen_never_trust_a_hand_edited_file() {
    let tmp = TempDir::new("hand");
    let spec = mini_copy(&tmp.0);
    let out = tmp.0.join("out");
    let options = Options::default();
    generate(&spec, &out, &options, false).expect("first run");
    let clean = files(&out);

    let wallet = PathBuf::from("src/generated/api/wallet.rs");
    let mut text = std::fs::read_to_string(out.join(&wallet)).expect("read");
    text.push_str("// a hand edit\n");
    std::fs::write(out.join(&wallet), &text).expect("hand edit");

    let checked = generate(&spec, &out, &options, true).expect("check");
    assert_eq!(checked.report.changed, vec![wallet.clone()]);
    assert_eq!(checked.rendered, vec![wallet.clone()]);
    assert_eq!(
        std::fs::read_to_string(out.join(&wallet)).expect("read"),
        text,
        "--check writes nothing"
    );

    // A deleted file and a stray file in a generated-only folder are found too.
    std::fs::remove_file(out.join("src/generated/requests/card.rs")).expect("delete");
    std::fs::write(out.join("src/generated/api/stray.rs"), "// stray\n").expect("stray");
    let checked = generate(&spec, &out, &options, true).expect("check");
    assert!(
        checked
            .report
            .changed
            .contains(&PathBuf::from("src/generated/requests/card.rs"))
    );
    assert!(
        checked
            .report
            .removed
            .contains(&PathBuf::from("src/generated/api/stray.rs"))
    );

    let fixed = generate(&spec, &out, &options, false).expect("regenerate");
    assert!(fixed.report.changed.contains(&wallet));
    assert_eq!(files(&out), clean);
    assert!(
        generate(&spec, &out, &options, true)
            .expect("check")
            .report
            .changed
            .is_empty()
    );
}

#[test]
fn a_hand_edited_manifest_means_everything_is_rendered_again() {
    let tmp = TempDir::new("manifest");
    let spec = mini_copy(&tmp.0);
    let out = tmp.0.join("out");
    let options = Options::default();
    let first = generate(&spec, &out, &options, false).expect("first run");
    let clean = files(&out);
    let manifest = out.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(
        &manifest,
        text.replacen("# @generated", "# edited, @generated", 1),
    )
    .expect("edit");
    let checked = generate(&spec, &out, &options, true).expect("check");
    assert_eq!(checked.rendered.len(), first.rendered.len());
    assert_eq!(checked.report.changed, vec![PathBuf::from(MANIFEST)]);
    generate(&spec, &out, &options, false).expect("regenerate");
    assert_eq!(files(&out), clean);
}
