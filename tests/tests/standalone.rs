//! The repository stands alone: every relative link in its Markdown and spec files resolves to
//! a file inside it, and nothing points at the machine it was written on.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

/// The hand-written Markdown and spec files.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    let mut dirs = vec![root.join("spec")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of the Markdown links `[text](target)` of `text` that are not web addresses
/// or anchors, without their `#fragment`.
fn relative_links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')')?];
            let path = target.split('#').next().unwrap_or_default();
            (!path.is_empty() && !path.contains("://") && !path.starts_with("mailto:"))
                .then_some(path)
        })
        .collect()
}

#[test]
fn relative_links_finds_file_links_only() {
    let text = "[a](spec/README.md#x) [b](https://e.test/x) [c](#here) [d](../up.md)";
    assert_eq!(relative_links(text), ["spec/README.md", "../up.md"]);
}

#[test]
fn every_link_resolves_inside_the_repository() {
    let root = root();
    let mut broken = Vec::new();
    for file in documents(&root) {
        let text = std::fs::read_to_string(&file).expect("UTF-8 text");
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for needle in ["shared/reference", "api-model", "/work/", "/home/"] {
            if text.contains(needle) {
                broken.push(format!("{shown}: mentions `{needle}`"));
            }
        }
        let dir = file.parent().expect("a folder");
        for link in relative_links(&text) {
            let target = dir.join(link).canonicalize();
            match target {
                Ok(t) if t.starts_with(&root) => {}
                Ok(_) => broken.push(format!("{shown}: `{link}` leaves the repository")),
                Err(_) => broken.push(format!("{shown}: `{link}` does not exist")),
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}
