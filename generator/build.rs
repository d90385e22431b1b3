//! Sets `APIGEN_BUILD_HASH`: a SHA-256 of everything that decides what the generator emits
//! for a given model (its own sources and manifest, and the locked versions of the crates
//! that print code), so incremental generation re-emits every file after any change to the
//! generator (`src/incremental/`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The crates whose version can change the emitted text.
const PRINTING_CRATES: &[&str] = &["prettyplease", "proc-macro2", "quote", "serde_json", "syn"];

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    collect(&dir.join("src"), &mut files);
    files.sort();
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    for file in std::iter::once(dir.join("Cargo.toml")).chain(files) {
        let rel = file.strip_prefix(&dir).unwrap_or(&file);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&file).expect("generator sources are readable");
        hash.update((rel.len() as u64).to_le_bytes());
        hash.update(rel.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    // The workspace's lock file, when building inside it: the printing crates' entries only,
    // so an unrelated dependency bump does not invalidate every generated file.
    let lock = dir.join("../Cargo.lock");
    if let Ok(text) = std::fs::read_to_string(&lock) {
        for block in text.split("[[package]]") {
            let printing = block.lines().any(|l| {
                PRINTING_CRATES
                    .iter()
                    .any(|c| l.trim() == format!("name = \"{c}\""))
            });
            if printing {
                hash.update(block.trim().as_bytes());
            }
        }
        println!("cargo:rerun-if-changed={}", lock.display());
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=APIGEN_BUILD_HASH={hex}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
}

/// Every file below `dir`, recursively.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
