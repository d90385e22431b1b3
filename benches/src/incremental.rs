//! Incremental generation (`apigen::incremental::generate`, what `cargo xtask gen` runs) on a
//! synthetic spec written to a temporary folder: a full generation into an empty folder, a
//! regeneration after a one-line edit in one group, `--check` with nothing changed, and the
//! load + validation every run that sees a spec change pays before anything is rendered.

use std::path::{Path, PathBuf};

use apigen::emit::Options;

use apigen::incremental::{Generated, Timings, generate, generate_cached};

/// The line edited: the English title of `get_wallet_detail` in copy 0 (the group
/// `wallet_0`), toggled between these two texts so every edit is a real change.
const TITLE: [&str; 2] = ["en: Get wallet detail\n", "en: Get wallet details\n"];

/// A synthetic spec on disk, the crate generated from it, and the file the edit touches.
pub struct Workspace {
    root: PathBuf,
    spec: PathBuf,
    out: PathBuf,
    edited: PathBuf,
    toggle: std::cell::Cell<usize>,
}

impl Workspace {
    /// Write `synthetic_spec(copies)` below a fresh temporary folder named after `label`
    /// and generate the crate once.
    ///
    /// # Panics
    ///
    /// If the folder cannot be written or the spec holds no line to edit (a bench setup
    /// failure).
    pub fn new(label: &str, copies: usize) -> Self {
        let root = std::env::temp_dir().join(format!(
            "apigen-bench-incremental-{label}-{copies}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        let spec = root.join("spec");
        let mut edited = None;
        for (rel, text) in crate::generation::synthetic_spec(copies) {
            let path = spec.join(&rel);
            std::fs::create_dir_all(path.parent().expect("a file has a folder"))
                .expect("create spec folder");
            std::fs::write(&path, &text).expect("write spec file");
            if edited.is_none() && text.contains(TITLE[0]) {
                edited = Some(path);
            }
        }
        let ws = Workspace {
            out: root.join("out"),
            root,
            spec,
            edited: edited.expect("the synthetic spec has the wallet detail endpoint"),
            toggle: std::cell::Cell::new(0),
        };
        ws.run(false);
        ws
    }

    /// What `cargo xtask gen` runs: with the local cache (in the workspace's own folder).
    fn run(&self, check: bool) -> Generated {
        generate_cached(
            &self.spec,
            &self.out,
            &Options::default(),
            check,
            &self.root.join("cache"),
        )
        .expect("the spec generates")
    }

    /// Empty the output folder and the local cache (untimed setup of [`Workspace::full`]).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.out);
        let _ = std::fs::remove_dir_all(self.root.join("cache"));
    }

    /// Generate everything (after [`Workspace::clear`]).
    pub fn full(&self) -> Generated {
        self.run(false)
    }

    /// Make the one-line edit (untimed setup of [`Workspace::regenerate`]).
    pub fn edit(&self) {
        let text = std::fs::read_to_string(&self.edited).expect("read edited file");
        let t = self.toggle.get();
        std::fs::write(&self.edited, text.replacen(TITLE[t], TITLE[1 - t], 1)).expect("edit");
        self.toggle.set(1 - t);
    }

    /// Regenerate after an edit: what `cargo xtask gen` does.
    pub fn regenerate(&self) -> Generated {
        self.run(false)
    }

    /// Regenerate after an edit without the local cache (every kept file read and hashed,
    /// every file made from the whole spec rendered in full): the baseline of
    /// [`Workspace::regenerate`].
    pub fn regenerate_uncached(&self) -> Generated {
        generate(&self.spec, &self.out, &Options::default(), false).expect("the spec generates")
    }

    /// `--check` with nothing changed, without the local cache: the baseline of
    /// [`Workspace::check`].
    pub fn check_uncached(&self) -> Generated {
        generate(&self.spec, &self.out, &Options::default(), true).expect("the spec generates")
    }

    /// `cargo xtask gen --check` with nothing changed.
    pub fn check(&self) -> Generated {
        self.run(true)
    }

    /// Read the spec files and load + validate them: the part of a regeneration that does not
    /// depend on how much changed.
    pub fn load(&self) -> usize {
        let files = apigen::read_spec_dir(&self.spec).expect("spec readable");
        apigen::load_api_from(files)
            .expect("spec loads")
            .endpoints
            .len()
    }

    /// `runs` edits (at least one), each followed by a regeneration: what each took, phase by
    /// phase, and the last run's result (its render times and fragment counts).
    pub fn edit_timings(&self, runs: usize) -> (Vec<Timings>, Generated) {
        let mut timings = Vec::new();
        self.edit();
        let mut last = self.regenerate();
        timings.push(last.timings);
        for _ in 1..runs {
            self.edit();
            last = self.regenerate();
            timings.push(last.timings);
        }
        (timings, last)
    }

    /// The floor of any regeneration that changes `openapi.json`, which every edit does (it
    /// holds the whole spec in one document): its bytes written to a new file and renamed
    /// over a scratch copy beside it, the cheapest atomic replace there is (no `fsync`, no
    /// hashing, nothing rendered). Returns the bytes written.
    ///
    /// # Panics
    ///
    /// If the generated `openapi.json` cannot be read or the scratch file written.
    pub fn write_whole_spec_file(&self, bytes: &[u8]) -> usize {
        let temp = self.root.join("floor.json.tmp");
        std::fs::write(&temp, bytes).expect("write the scratch file");
        std::fs::rename(&temp, self.root.join("floor.json")).expect("rename the scratch file");
        bytes.len()
    }

    /// The generated `openapi.json`, as [`Workspace::write_whole_spec_file`] writes it.
    ///
    /// # Panics
    ///
    /// If it cannot be read.
    pub fn openapi_json(&self) -> Vec<u8> {
        std::fs::read(self.out.join("openapi.json")).expect("read the generated openapi.json")
    }

    /// The spec folder.
    pub fn spec(&self) -> &Path {
        &self.spec
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
