//! Incremental generation: render only the files whose inputs changed.
//!
//! [`generate`] is what `cargo xtask gen` runs. The output folder's manifest
//! ([`MANIFEST`], see `manifest.rs`) records, for every generated file, the hash of the
//! model part it is made from ([`crate::depends`]) with the generator build, and the hash of
//! its bytes. A run then:
//!
//! 1. reads the spec files; if they, the generator build and the options hash as recorded
//!    and every generated file on disk still has its recorded bytes, nothing is loaded,
//!    rendered or written;
//! 2. otherwise loads the spec and, per file, renders it again when its input hash differs
//!    from the recorded one, when it was never recorded, or when the file on disk does not
//!    have the recorded bytes (a hand edit is never trusted); every other file is taken
//!    from disk as it is;
//! 3. writes as [`write::write`] does (only files that differ, atomically), the manifest
//!    with them; with `check` it writes nothing and reports what is stale.
//!
//! The result is byte for byte what a full generation gives (`tests/tests/incremental.rs`).

mod digest;
mod manifest;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::LoadError;
use crate::emit::{self, EmitError, Options, Output};
use crate::model::Api;
use crate::write::{self, Report};
use manifest::{Entry, Manifest};

pub use manifest::FILE as MANIFEST;

/// What [`generate`] did.
#[derive(Debug)]
pub struct Generated {
    /// What was written (with `check`: what is stale), as [`write::write`] reports it. The
    /// manifest counts as one of the files.
    pub report: Report,
    /// The files rendered in this run (the others were up to date and taken from disk), in
    /// path order.
    pub rendered: Vec<PathBuf>,
    /// How long each file rendered took on its thread (they run side by side, so these add
    /// up to more than [`Timings::render`]), slowest first.
    pub render_times: Vec<(PathBuf, Duration)>,
    /// The model, unless nothing had changed and the spec was not even loaded.
    pub api: Option<Api>,
    /// Where the time went.
    pub timings: Timings,
}

/// Where the time of a [`generate`] run went, phase by phase.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Reading and hashing the spec files and the manifest; when nothing changed, also
    /// hashing every generated file on disk against the manifest.
    pub read: Duration,
    /// Loading and validating the whole spec: not incremental (zero when nothing changed).
    pub load: Duration,
    /// Hashing each file's inputs, the bytes on disk of each file whose inputs did not
    /// change, and the bytes of every file for the new manifest.
    pub hash: Duration,
    /// Rendering the files whose inputs (or bytes on disk) changed.
    pub render: Duration,
    /// Writing what differs (with `check`: comparing), the manifest included.
    pub write: Duration,
}

impl Timings {
    /// Everything but [`Timings::load`]: the part of a run that incremental generation
    /// makes depend on how much changed.
    pub fn generator(&self) -> Duration {
        self.read + self.hash + self.render + self.write
    }
}

/// Why [`generate`] stopped; nothing was written except, for [`GenerateError::Io`], the files
/// written before the failure.
#[derive(Debug)]
pub enum GenerateError {
    /// The spec does not load.
    Load(LoadError),
    /// An emitter bug.
    Emit(EmitError),
    /// Writing into the output folder failed.
    Io(std::io::Error),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Load(e) => write!(f, "{e}"),
            GenerateError::Emit(e) => write!(f, "generation failed: {e}"),
            GenerateError::Io(e) => write!(f, "writing the generated files: {e}"),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Generate the crate for the spec in `spec_dir` into `out_dir`, rendering only what
/// changed since the manifest there was written (see the module docs). With `check`, write
/// nothing and report what is stale.
///
/// # Errors
///
/// The spec does not load, an emitter fails, or writing fails.
pub fn generate(
    spec_dir: &Path,
    out_dir: &Path,
    options: &Options,
    check: bool,
) -> Result<Generated, GenerateError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let files = crate::read_spec_dir(spec_dir).map_err(GenerateError::Load)?;
    let spec = digest::of_spec(&files);
    let options_hash = digest::of_options(options);
    let old = std::fs::read_to_string(out_dir.join(MANIFEST))
        .ok()
        .and_then(|text| Manifest::parse(&text).filter(|m| m.render() == text));
    if let Some(m) = &old
        && m.generator == digest::GENERATOR
        && m.spec == spec
        && m.options == options_hash
        && on_disk_as_recorded(out_dir, m)
    {
        let report = Report {
            unchanged: m.files.values().filter(|e| e.output.is_some()).count() + 1,
            ..Report::default()
        };
        timings.read = started.elapsed();
        return Ok(Generated {
            report,
            rendered: Vec::new(),
            render_times: Vec::new(),
            api: None,
            timings,
        });
    }
    timings.read = started.elapsed();
    let loading = Instant::now();
    let api = crate::load_api_from(files).map_err(GenerateError::Load)?;
    timings.load = loading.elapsed();
    let (output, rendered) = regenerate(
        &api,
        options,
        out_dir,
        old.as_ref(),
        Stamp {
            generator: digest::GENERATOR,
            spec,
            options: options_hash,
        },
        &mut timings,
    )
    .map_err(GenerateError::Emit)?;
    let writing = Instant::now();
    let report = write::write(out_dir, &output, check).map_err(GenerateError::Io)?;
    timings.write = writing.elapsed();
    let mut render_times = rendered;
    let rendered = render_times.iter().map(|(p, _)| p.clone()).collect();
    render_times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Generated {
        report,
        rendered,
        render_times,
        api: Some(api),
        timings,
    })
}

/// What the new manifest records besides the files.
struct Stamp<'a> {
    generator: &'a str,
    spec: String,
    options: String,
}

/// The full [`Output`] for `api`, its manifest among the files, rendering only the files
/// whose inputs changed since `old` or whose bytes on disk are not the recorded ones; and
/// the paths rendered.
fn regenerate(
    api: &Api,
    options: &Options,
    out_dir: &Path,
    old: Option<&Manifest>,
    stamp: Stamp<'_>,
    timings: &mut Timings,
) -> Result<(Output, Vec<(PathBuf, Duration)>), EmitError> {
    let hashing = Instant::now();
    let plan = emit::plan(api, options);
    let mut hashes = digest::InputHashes::new(api, options, stamp.generator);
    let mut inputs = BTreeMap::new();
    let mut texts: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    let mut units = Vec::new();
    for unit in plan.units {
        let input = hashes.get(&unit.inputs);
        let kept = old
            .and_then(|m| m.files.get(&unit.path))
            .filter(|e| e.input == input)
            .and_then(|e| as_recorded(out_dir, &unit.path, e));
        inputs.insert(unit.path.clone(), input);
        match kept {
            Some(text) => {
                texts.insert(unit.path.clone(), text);
            }
            None => units.push(unit),
        }
    }
    timings.hash = hashing.elapsed();
    let rendering = Instant::now();
    let mut rendered = Vec::new();
    for (path, text, took) in emit::render(units)? {
        rendered.push((path.clone(), took));
        texts.insert(path, text);
    }
    timings.render = rendering.elapsed();
    let recording = Instant::now();
    let mut out = Output {
        scaffolds: plan.scaffolds,
        owned_dirs: plan.owned_dirs,
        ..Output::default()
    };
    let mut manifest = Manifest {
        generator: stamp.generator.to_owned(),
        spec: stamp.spec,
        options: stamp.options,
        dirs: out.owned_dirs.clone(),
        scaffolds: out.scaffolds.keys().cloned().collect(),
        files: BTreeMap::new(),
    };
    for (path, text) in texts {
        let entry = Entry {
            input: inputs.remove(&path).unwrap_or_default(),
            output: text.as_deref().map(|t| digest::of_bytes(t.as_bytes())),
        };
        manifest.files.insert(path.clone(), entry);
        match text {
            Some(text) => {
                out.files.insert(path, text);
            }
            None => out.retired.push(path),
        }
    }
    out.files.insert(PathBuf::from(MANIFEST), manifest.render());
    timings.hash += recording.elapsed();
    Ok((out, rendered))
}

/// The file's text on disk if it has the recorded bytes (`Some(None)`: recorded as not
/// produced, and absent); `None` if it must be rendered again.
fn as_recorded(out_dir: &Path, path: &Path, entry: &Entry) -> Option<Option<String>> {
    let on_disk = std::fs::read(out_dir.join(path)).ok();
    match (&entry.output, on_disk) {
        (None, None) => Some(None),
        (Some(hash), Some(bytes)) if digest::of_bytes(&bytes) == *hash => {
            String::from_utf8(bytes).ok().map(Some)
        }
        _ => None,
    }
}

/// Does the output folder hold exactly what `m` records: every generated file with its
/// recorded bytes (or absent, when recorded so), every scaffold, and nothing else in the
/// generated-only folders?
fn on_disk_as_recorded(out_dir: &Path, m: &Manifest) -> bool {
    let files_match = m.files.iter().all(|(path, entry)| {
        let on_disk = std::fs::read(out_dir.join(path)).ok();
        match (&entry.output, on_disk) {
            (None, None) => true,
            (Some(hash), Some(bytes)) => digest::of_bytes(&bytes) == *hash,
            _ => false,
        }
    });
    files_match
        && m.scaffolds.iter().all(|s| out_dir.join(s).is_file())
        && m.dirs.iter().all(|dir| {
            // A folder that cannot be listed holds no stale file.
            std::fs::read_dir(out_dir.join(dir)).map_or(true, |entries| {
                entries.filter_map(Result::ok).all(|e| {
                    let rel = dir.join(e.file_name());
                    !out_dir.join(&rel).is_file()
                        || m.files.get(&rel).is_some_and(|f| f.output.is_some())
                })
            })
        })
}
