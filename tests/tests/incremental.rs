//! Incremental generation (`apigen::incremental`): after a one-endpoint edit only that
//! group's files and the files made from the whole model are rendered, the result equals a
//! full generation byte for byte, and a hand-edited generated file is never trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use apigen::emit::Options;
use apigen::incremental::{MANIFEST, generate, generate_cached};

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

/// Replace `from` (which must be there) by `to` in the spec file `name`.
fn edit(spec: &Path, name: &str, from: &str, to: &str) {
    let path = spec.join(name);
    let text = std::fs::read_to_string(&path).expect("read spec file");
    assert!(text.contains(from), "{from:?} in {name}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("edit spec file");
}

#[test]
fn with_the_local_cache_every_kind_of_edit_equals_a_full_generation() {
    let tmp = TempDir::new("cached");
    let spec = mini_copy(&tmp.0);
    let out = tmp.0.join("out");
    let cache = tmp.0.join("cache");
    let options = Options::default();
    let first = generate_cached(&spec, &out, &options, false, &cache).expect("first run");
    assert_eq!(first.fragments.0, 0, "nothing to reuse yet");
    assert!(
        cache.is_dir(),
        "the cache is kept outside the output folder"
    );
    assert!(!files(&out).keys().any(|p| p.starts_with("cache")));

    type Edit = (&'static str, &'static str, &'static str, &'static str);
    let card_endpoints_start = "  open_card:\n";
    let edits: [Edit; 6] = [
        // An endpoint's title: in one group, and in every file made from the whole spec.
        (
            "endpoints.yaml",
            "en: Delete a card",
            "en: Delete one card",
            "a title",
        ),
        // A field of an object one group returns.
        (
            "types.yaml",
            "      create_at: { type: datetime, zh: 创建时间 }\n",
            "      create_at: { type: datetime, zh: 创建时间 }\n      memo: { type: string, required: false, zh: 备注 }\n",
            "a field",
        ),
        // A shared object: `Card` is returned by both groups and is a webhook payload.
        (
            "types.yaml",
            "cvv: { type: string, sensitive: true, zh: CVV }",
            "cvv: { type: string, sensitive: true, zh: CVV 码 }",
            "a shared object",
        ),
        // An enum value.
        (
            "types.yaml",
            "      - { code: 2, name: FROZEN, zh: 冻结, en: frozen }\n",
            "      - { code: 2, name: FROZEN, zh: 冻结, en: frozen }\n      - { code: 3, name: CLOSED, zh: 注销, en: closed }\n",
            "an enum",
        ),
        // A new endpoint.
        (
            "endpoints.yaml",
            "\nwebhooks:\n",
            "  freeze_card:\n    group: card\n    zh: 冻结卡\n    en: Freeze a card\n    path: /card/freezeCard\n    source: modeled\n    retry: never\n    request:\n      card_id: { type: string, zh: 卡id }\n    response: empty\n\nwebhooks:\n",
            "a new endpoint",
        ),
        // A group's title.
        (
            "service.yaml",
            "card: { zh: 卡, en: Card, order: 2 }",
            "card: { zh: 卡片, en: Card, order: 2 }",
            "a group",
        ),
    ];
    let full_equals = |what: &str| {
        let fresh = tmp.0.join(format!("fresh-{}", what.replace(' ', "-")));
        generate(&spec, &fresh, &options, false).expect("full run");
        assert!(
            files(&fresh) == files(&out),
            "after {what}: the cached run differs from a full generation"
        );
    };
    for (file, from, to, what) in edits {
        edit(&spec, file, from, to);
        let g = generate_cached(&spec, &out, &options, false, &cache).expect(what);
        assert!(
            g.rendered.contains(&PathBuf::from("openapi.json")),
            "{what}"
        );
        assert!(
            g.fragments.0 > 0,
            "{what}: fragments reused ({:?})",
            g.fragments
        );
        full_equals(what);
    }
    // The card group removed: its endpoints and its title.
    let endpoints = std::fs::read_to_string(spec.join("endpoints.yaml")).expect("read");
    let start = endpoints.find(card_endpoints_start).expect("open_card");
    let end = endpoints.find("\nwebhooks:\n").expect("webhooks");
    std::fs::write(
        spec.join("endpoints.yaml"),
        format!("{}{}", &endpoints[..start], &endpoints[end + 1..]),
    )
    .expect("remove the card endpoints");
    edit(
        &spec,
        "service.yaml",
        "  card: { zh: 卡片, en: Card, order: 2 }\n",
        "",
    );
    let g = generate_cached(&spec, &out, &options, false, &cache).expect("group removed");
    assert!(
        g.report
            .removed
            .contains(&PathBuf::from("src/generated/api/card.rs"))
    );
    full_equals("a group removed");

    // Nothing changed: nothing is loaded; a hand edit is still found (its time changed).
    let again = generate_cached(&spec, &out, &options, true, &cache).expect("check");
    assert!(again.api.is_none() && again.report.changed.is_empty());
    let api_md = out.join("docs/api.md");
    let mut text = std::fs::read_to_string(&api_md).expect("read");
    text.push_str("hand edit\n");
    std::fs::write(&api_md, text).expect("hand edit");
    let checked = generate_cached(&spec, &out, &options, true, &cache).expect("check");
    assert_eq!(checked.report.changed, vec![PathBuf::from("docs/api.md")]);
}

#[test]
fn a_damaged_cache_or_a_hand_edited_spliced_file_gives_the_same_output() {
    let tmp = TempDir::new("damaged");
    let spec = mini_copy(&tmp.0);
    let out = tmp.0.join("out");
    let cache = tmp.0.join("cache");
    let options = Options::default();
    generate_cached(&spec, &out, &options, false, &cache).expect("first run");
    let state = std::fs::read_dir(&cache)
        .expect("cache folder")
        .flatten()
        .next()
        .expect("one output folder's cache")
        .path()
        .join("state");
    // Every span shifted by one byte, the final hash left as it was: refused as a whole.
    let text = std::fs::read_to_string(&state).expect("read cache");
    let shifted: String = text
        .lines()
        .map(|l| match l.split(' ').collect::<Vec<_>>()[..] {
            // A span line: key, start, end (no other line has three fields).
            [k, a, b] => format!("{k} {} {b}\n", a.parse::<usize>().map_or(0, |a| a + 1)),
            _ => format!("{l}\n"),
        })
        .collect();
    assert_ne!(shifted, text);
    std::fs::write(&state, shifted).expect("damage the cache");
    edit(
        &spec,
        "endpoints.yaml",
        "en: Delete a card",
        "en: Delete one card",
    );
    let g = generate_cached(&spec, &out, &options, false, &cache).expect("damaged cache");
    assert_eq!(g.fragments.0, 0, "a damaged cache is not used");
    let fresh = tmp.0.join("fresh");
    generate(&spec, &fresh, &options, false).expect("full run");
    assert!(files(&fresh) == files(&out));

    // openapi.json edited by hand: its old text is not reused, and it is written again.
    let openapi = out.join("openapi.json");
    let hand = std::fs::read_to_string(&openapi)
        .expect("read")
        .replace("Delete one card", "Delete ONE card");
    std::fs::write(&openapi, hand).expect("hand edit");
    edit(
        &spec,
        "endpoints.yaml",
        "en: Delete one card",
        "en: Delete a card",
    );
    let g = generate_cached(&spec, &out, &options, false, &cache).expect("hand-edited file");
    assert!(g.report.changed.contains(&PathBuf::from("openapi.json")));
    let fresh = tmp.0.join("fresh2");
    generate(&spec, &fresh, &options, false).expect("full run");
    assert!(files(&fresh) == files(&out));
}
