//! Stage 4: put the rendered files on disk, all or nothing per file.
//!
//! Each changed file is written to a temporary sibling and renamed over the
//! old one, so a reader never sees half a file. This stage runs only after
//! every emitter has succeeded.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::emit::Output;

/// What [`write()`] did (or, with `check`, would do); paths are relative to the output
/// folder.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or stale, with `check`).
    pub changed: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Generated files no longer produced: deleted (or stale, with `check`).
    pub removed: Vec<PathBuf>,
    /// User-owned files created because they were missing (or missing, with `check`).
    pub scaffolded: Vec<PathBuf>,
}

/// Write `output` below `out_dir`: every generated file that differs from the one on disk,
/// each scaffold that is missing, and delete files in an owned folder that `output` no
/// longer holds. With `check`, touch nothing and report what would change.
///
/// # Errors
///
/// The first I/O error creating a folder, writing, renaming or deleting a file; the files
/// handled before it stay written.
pub fn write(out_dir: &Path, output: &Output, check: bool) -> std::io::Result<Report> {
    let mut report = Report {
        unchanged: output.kept.len(),
        ..Report::default()
    };
    for (rel, contents) in &output.files {
        let path = out_dir.join(rel);
        // A file of another length differs without being read (after an edit, the files
        // made from the whole spec are tens of megabytes at thousands of endpoints).
        let same = std::fs::metadata(&path).is_ok_and(|m| m.len() == contents.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == contents.as_bytes());
        if same {
            report.unchanged += 1;
            continue;
        }
        if !check {
            write_atomic(&path, contents.as_bytes())?;
        }
        report.changed.push(rel.clone());
    }
    // The user's files: created once, never overwritten.
    for (rel, contents) in &output.scaffolds {
        let path = out_dir.join(rel);
        if path.exists() {
            continue;
        }
        if !check {
            write_atomic(&path, contents.as_bytes())?;
        }
        report.scaffolded.push(rel.clone());
    }
    // Generated files an earlier spec produced and this one does not.
    for rel in &output.retired {
        if out_dir.join(rel).is_file() {
            if !check {
                std::fs::remove_file(out_dir.join(rel))?;
            }
            report.removed.push(rel.clone());
        }
    }
    // Files in generated-only folders that we no longer produce.
    for dir in &output.owned_dirs {
        let abs = out_dir.join(dir);
        let Ok(entries) = std::fs::read_dir(&abs) else {
            continue;
        };
        let mut stale: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| dir.join(e.file_name()))
            .filter(|rel| {
                !output.files.contains_key(rel)
                    && !output.kept.contains(rel)
                    && out_dir.join(rel).is_file()
            })
            .collect();
        stale.sort();
        for rel in stale {
            if !check {
                std::fs::remove_file(out_dir.join(&rel))?;
            }
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Replace `path` with `bytes` through a temporary sibling and a rename, creating the
/// folder if needed; the temporary file is removed on failure.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.apigen-tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system temp dir, removed at the end of the test.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("apigen-write-{name}-{}", std::process::id()));
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

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
                .collect(),
            ..Output::default()
        }
    }

    #[test]
    fn writes_changed_files_and_reports_unchanged_ones() {
        let dir = TempDir::new("changed");
        let out = output(&[("a/b.rs", "one"), ("c.rs", "two")]);
        let report = write(&dir.0, &out, false).unwrap();
        assert_eq!(report.changed.len(), 2);
        assert_eq!(
            std::fs::read_to_string(dir.0.join("a/b.rs")).unwrap(),
            "one"
        );
        let again = write(&dir.0, &out, true).unwrap();
        assert!(again.changed.is_empty());
        assert_eq!(again.unchanged, 2);
    }

    #[test]
    fn scaffolds_are_created_once_and_never_overwritten() {
        let dir = TempDir::new("scaffold");
        let mut out = output(&[]);
        out.scaffolds
            .insert(PathBuf::from("src/custom.rs"), "//! first\n".into());
        assert_eq!(write(&dir.0, &out, false).unwrap().scaffolded.len(), 1);
        std::fs::write(dir.0.join("src/custom.rs"), "// mine\n").unwrap();
        out.scaffolds
            .insert(PathBuf::from("src/custom.rs"), "//! second\n".into());
        assert!(write(&dir.0, &out, false).unwrap().scaffolded.is_empty());
        assert_eq!(
            std::fs::read_to_string(dir.0.join("src/custom.rs")).unwrap(),
            "// mine\n"
        );
    }

    #[test]
    fn retired_and_stale_owned_files_are_removed_only_without_check() {
        let dir = TempDir::new("retired");
        std::fs::create_dir_all(dir.0.join("tests")).unwrap();
        std::fs::create_dir_all(dir.0.join("src/generated")).unwrap();
        std::fs::write(dir.0.join("tests/webhook_examples.rs"), "old").unwrap();
        std::fs::write(dir.0.join("src/generated/gone.rs"), "old").unwrap();
        std::fs::write(dir.0.join("tests/mine.rs"), "keep").unwrap();
        let mut out = output(&[("src/generated/mod.rs", "mod")]);
        out.retired.push(PathBuf::from("tests/webhook_examples.rs"));
        out.owned_dirs.push(PathBuf::from("src/generated"));

        let checked = write(&dir.0, &out, true).unwrap();
        assert_eq!(checked.removed.len(), 2);
        assert!(dir.0.join("tests/webhook_examples.rs").exists());

        let written = write(&dir.0, &out, false).unwrap();
        assert_eq!(written.removed.len(), 2);
        assert!(!dir.0.join("tests/webhook_examples.rs").exists());
        assert!(!dir.0.join("src/generated/gone.rs").exists());
        assert!(dir.0.join("tests/mine.rs").exists());
    }
}
