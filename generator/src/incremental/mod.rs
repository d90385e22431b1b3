//! Incremental generation: render only the files whose inputs changed.
//!
//! [`generate_cached`] is what `cargo xtask gen` runs. The output folder's manifest
//! ([`MANIFEST`], see `manifest.rs`) records, for every generated file, the hash of the
//! model part it is made from ([`crate::depends`]) with the generator build, and the hash of
//! its bytes. A run then:
//!
//! 1. reads the spec files; if they, the generator build and the options hash as recorded
//!    and every generated file on disk still has its recorded bytes, nothing is loaded,
//!    rendered or written;
//! 2. otherwise loads the spec and, per file, renders it again when its input hash differs
//!    from the recorded one, when it was never recorded, or when the file on disk does not
//!    have the recorded bytes (a hand edit is never trusted); every other file stays on disk
//!    as it is ([`Output::kept`]), not even read;
//! 3. writes as [`write::write`] does (only files that differ, atomically), the manifest
//!    with them; with `check` it writes nothing and reports what is stale.
//!
//! With the local cache ([`generate_cached`], `cache.rs`), "has its recorded bytes" is
//! answered from the length and modification time recorded after writing when they still
//! match (else by reading and hashing), and the files made from the whole spec copy their
//! unchanged fragments from their previous text (`emit/splice.rs`) instead of rendering them.
//!
//! The result is byte for byte what a full generation gives (`tests/tests/incremental.rs`),
//! with or without the cache.

mod cache;
pub(crate) mod digest;
mod manifest;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::LoadError;
use crate::depends::Inputs;
use crate::emit::splice::{Previous, Reuse};
use crate::emit::{self, EmitError, Options, Output};
use crate::model::Api;
use crate::parallel_map;
use crate::write::{self, Report};
use cache::{Cache, Stat};
use digest::ItemDigests;
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
    /// Of the fragments of the files made from the whole spec (`openapi.json`): how many
    /// were copied from the previous text, and how many rendered.
    pub fragments: (usize, usize),
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
    /// Digesting the model's items, hashing each file's inputs, checking that each file whose
    /// inputs did not change is on disk as recorded (by its length and time in the local
    /// cache, else by reading and hashing it), reading the previous text of the spliced files,
    /// and rendering the manifest.
    pub hash: Duration,
    /// Rendering the files whose inputs (or bytes on disk) changed, each hashed for the
    /// manifest on the worker that rendered it.
    pub render: Duration,
    /// Writing what differs (with `check`: comparing), the manifest included, and saving
    /// the local cache.
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
/// nothing and report what is stale. Keeps no local cache: see [`generate_cached`].
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
    run(spec_dir, out_dir, options, check, None)
}

/// [`generate`], with a local cache of the output folder below `cache_root` (a folder of
/// its own per output folder; `cargo xtask gen` uses the cargo target dir): generated files
/// whose length and modification time are as this cache recorded after writing them are
/// trusted without being read, and the files made from the whole spec (`openapi.json`) copy
/// the fragments whose inputs did not change from their previous text instead of rendering
/// them. The output is the same with or without the cache; a missing, damaged or foreign
/// cache only costs time.
///
/// # Errors
///
/// As [`generate`]. A cache that cannot be written is not an error (the next run renders
/// more).
pub fn generate_cached(
    spec_dir: &Path,
    out_dir: &Path,
    options: &Options,
    check: bool,
    cache_root: &Path,
) -> Result<Generated, GenerateError> {
    let dir = cache::dir_for(cache_root, out_dir);
    run(spec_dir, out_dir, options, check, Some(&dir))
}

/// [`generate`] with the local cache in `cache_dir`, if any.
fn run(
    spec_dir: &Path,
    out_dir: &Path,
    options: &Options,
    check: bool,
    cache_dir: Option<&Path>,
) -> Result<Generated, GenerateError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let files = crate::read_spec_dir(spec_dir).map_err(GenerateError::Load)?;
    let spec = digest::of_spec(&files);
    let options_hash = digest::of_options(options);
    let old = std::fs::read_to_string(out_dir.join(MANIFEST))
        .ok()
        .and_then(|text| Manifest::parse(&text).filter(|m| m.render() == text));
    let mut cache = cache_dir
        .and_then(|d| Cache::load(d, digest::GENERATOR))
        .unwrap_or_default();
    if let Some(m) = &old
        && m.generator == digest::GENERATOR
        && m.spec == spec
        && m.options == options_hash
        && on_disk_as_recorded(out_dir, m, &cache)
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
            fragments: (0, 0),
            timings,
        });
    }
    timings.read = started.elapsed();
    let loading = Instant::now();
    let api = crate::load_api_from(files).map_err(GenerateError::Load)?;
    timings.load = loading.elapsed();
    let hashing = Instant::now();
    let digests = ItemDigests::new(&api, options, digest::GENERATOR);
    let mut reuse = Reuse::new(&digests);
    if cache_dir.is_some()
        && let Some(m) = &old
    {
        for (path, (hash, spans)) in std::mem::take(&mut cache.spans) {
            let recorded = m.files.get(&path).and_then(|e| e.output.as_ref());
            if recorded == Some(&hash)
                && let Some(text) = read_as_recorded(out_dir, &path, &hash, &cache)
            {
                reuse.previous.insert(path, Previous::new(text, spans));
            }
        }
    }
    timings.hash = hashing.elapsed();
    let Regenerated {
        output,
        rendered,
        next: mut kept,
        fresh,
    } = regenerate(
        &api,
        options,
        out_dir,
        old.as_ref(),
        &cache,
        &reuse,
        Stamp {
            generator: digest::GENERATOR,
            spec,
            options: options_hash,
        },
        &mut timings,
    )
    .map_err(GenerateError::Emit)?;
    let fragments = reuse.counts.lock().map_or((0, 0), |c| *c);
    let writing = Instant::now();
    let report = write::write(out_dir, &output, check).map_err(GenerateError::Io)?;
    if let Some(dir) = cache_dir
        && !check
    {
        for (path, hash) in &fresh {
            if let Some(stat) = Stat::of(&out_dir.join(path)) {
                let hash = hash.clone();
                kept.files
                    .insert(path.clone(), cache::Written { stat, hash });
            }
        }
        let new_spans = reuse.spans.into_inner().unwrap_or_default();
        for (path, spans) in new_spans {
            if let Some(hash) = fresh.get(&path) {
                kept.spans.insert(path, (hash.clone(), spans));
            }
        }
        for (path, previous) in reuse.previous {
            if output.kept.contains(&path)
                && let Some(w) = kept.files.get(&path)
            {
                let hash = w.hash.clone();
                kept.spans.insert(path, (hash, previous.into_spans()));
            }
        }
        // The cache only saves time: failing to write it costs the next run, nothing else.
        let _ = kept.save(dir);
    }
    timings.write = writing.elapsed();
    let mut render_times = rendered;
    let rendered = render_times.iter().map(|(p, _)| p.clone()).collect();
    render_times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Generated {
        report,
        rendered,
        render_times,
        api: Some(api),
        fragments,
        timings,
    })
}

/// What the new manifest records besides the files.
struct Stamp<'a> {
    generator: &'a str,
    spec: String,
    options: String,
}

/// The text of the generated file `path` if it holds the bytes with `hash` (trusted from the
/// cache's length and time, or read and hashed).
fn read_as_recorded(out_dir: &Path, path: &Path, hash: &str, cache: &Cache) -> Option<String> {
    let bytes = std::fs::read(out_dir.join(path)).ok()?;
    if !cache.trusts(out_dir, path, hash) && digest::of_bytes(&bytes) != hash {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Is the generated file `path` as `entry` records (its bytes, or absent)? Trusts the
/// cache's length and time, else reads and hashes the file. When it is, also what the next
/// cache records of it (a file found as recorded by reading it goes there too, so the next
/// run need not read it).
fn as_recorded(
    out_dir: &Path,
    path: &Path,
    entry: &Entry,
    cache: &Cache,
) -> Option<Option<cache::Written>> {
    let Some(hash) = &entry.output else {
        return (!out_dir.join(path).exists()).then_some(None);
    };
    if cache.trusts(out_dir, path, hash) {
        return Some(cache.files.get(path).cloned());
    }
    let abs = out_dir.join(path);
    let bytes = std::fs::read(&abs).ok()?;
    if digest::of_bytes(&bytes) != *hash {
        return None;
    }
    Some(Stat::of(&abs).map(|stat| cache::Written {
        stat,
        hash: hash.clone(),
    }))
}

/// The full [`Output`] for `api`, its manifest among the files, rendering only the files
/// whose inputs changed since `old` or whose bytes on disk are not the recorded ones (the
/// others are [`Output::kept`]); the paths rendered; and the start of the next cache (the
/// kept files, as verified).
#[allow(clippy::too_many_arguments)]
fn regenerate(
    api: &Api,
    options: &Options,
    out_dir: &Path,
    old: Option<&Manifest>,
    cache: &Cache,
    reuse: &Reuse<'_>,
    stamp: Stamp<'_>,
    timings: &mut Timings,
) -> Result<Regenerated, EmitError> {
    let hashing = Instant::now();
    let plan = emit::plan(api, options, Some(reuse));
    // Each distinct input's hash (a group's files share theirs), then whether each file whose
    // input did not change is on disk as recorded: thousands of each at thousands of
    // endpoints, shared out among the cores.
    let (inputs, on_disk) = {
        let distinct: Vec<&Inputs> = plan
            .units
            .iter()
            .map(|u| &u.inputs)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let hashed = parallel_map::map(&distinct, 16, |inputs| {
            digest::input_hash(api, reuse.digests, inputs)
        });
        let by_inputs: BTreeMap<&Inputs, String> = distinct.into_iter().zip(hashed).collect();
        let inputs: Vec<String> = plan
            .units
            .iter()
            .map(|u| by_inputs.get(&u.inputs).cloned().unwrap_or_default())
            .collect();
        let paths: Vec<(&Path, &str)> = plan
            .units
            .iter()
            .zip(&inputs)
            .map(|(u, input)| (u.path.as_path(), input.as_str()))
            .collect();
        let on_disk = parallel_map::map(&paths, 32, |&(path, input)| {
            let entry = old?.files.get(path).filter(|e| e.input == input)?;
            Some((entry, as_recorded(out_dir, path, entry, cache)?))
        });
        (inputs, on_disk)
    };
    let mut next = Cache {
        generator: stamp.generator.to_owned(),
        ..Cache::default()
    };
    let mut entries = BTreeMap::new();
    let mut units = Vec::new();
    let mut out = Output {
        scaffolds: plan.scaffolds,
        owned_dirs: plan.owned_dirs,
        ..Output::default()
    };
    for ((unit, input), kept) in plan.units.into_iter().zip(inputs).zip(on_disk) {
        match kept {
            Some((e, verified)) => {
                if let Some(w) = verified {
                    next.files.insert(unit.path.clone(), w);
                }
                match &e.output {
                    Some(_) => out.kept.insert(unit.path.clone()),
                    None => {
                        out.retired.push(unit.path.clone());
                        true
                    }
                };
                entries.insert(unit.path.clone(), e.clone());
            }
            None => {
                entries.insert(
                    unit.path.clone(),
                    Entry {
                        input,
                        output: None,
                    },
                );
                units.push(unit);
            }
        }
    }
    timings.hash += hashing.elapsed();
    let rendering = Instant::now();
    let mut rendered = Vec::new();
    // Each text is hashed (for the manifest) on the worker that rendered it, beside the
    // other renders, instead of one after the other once all are done.
    let hashed = std::sync::Mutex::new(BTreeMap::new());
    let units: Vec<emit::Unit<'_>> = units
        .into_iter()
        .map(|mut u| {
            let render = u.render;
            let path = u.path.clone();
            let hashed = &hashed;
            u.render = Box::new(move || {
                let text = render();
                if let Ok(Some(t)) = &text {
                    let hash = digest::of_bytes(t.as_bytes());
                    if let Ok(mut all) = hashed.lock() {
                        all.insert(path, hash);
                    }
                }
                text
            });
            u
        })
        .collect();
    let finished = emit::render(units)?;
    timings.render = rendering.elapsed();
    let recording = Instant::now();
    let mut fresh = hashed.into_inner().unwrap_or_default();
    for (path, text, took) in finished {
        rendered.push((path.clone(), took));
        let hash = text.as_deref().map(|t| match fresh.get(&path) {
            Some(h) => h.clone(),
            None => digest::of_bytes(t.as_bytes()),
        });
        if let Some(h) = &hash {
            fresh.insert(path.clone(), h.clone());
        }
        if let Some(e) = entries.get_mut(&path) {
            e.output = hash;
        }
        match text {
            Some(text) => {
                out.files.insert(path, text);
            }
            None => out.retired.push(path),
        }
    }
    let manifest = Manifest {
        generator: stamp.generator.to_owned(),
        spec: stamp.spec,
        options: stamp.options,
        dirs: out.owned_dirs.clone(),
        scaffolds: out.scaffolds.keys().cloned().collect(),
        files: entries,
    };
    out.files.insert(PathBuf::from(MANIFEST), manifest.render());
    timings.hash += recording.elapsed();
    Ok(Regenerated {
        output: out,
        rendered,
        next,
        fresh,
    })
}

/// What [`regenerate`] gives.
struct Regenerated {
    /// Every file, the kept ones as [`Output::kept`].
    output: Output,
    /// The files rendered, with how long each took.
    rendered: Vec<(PathBuf, Duration)>,
    /// The next cache, so far: the kept files, as verified.
    next: Cache,
    /// The hash of each rendered file's text.
    fresh: BTreeMap<PathBuf, String>,
}

/// Does the output folder hold exactly what `m` records: every generated file with its
/// recorded bytes (or absent, when recorded so; trusted from the cache's length and time, or
/// read and hashed), every scaffold, and nothing else in the generated-only folders?
fn on_disk_as_recorded(out_dir: &Path, m: &Manifest, cache: &Cache) -> bool {
    // Thousands of files at thousands of endpoints (one `stat` each when the cache trusts
    // them): checked on every core.
    let files: Vec<(&PathBuf, &Entry)> = m.files.iter().collect();
    let files_match = parallel_map::map(&files, 64, |(path, entry)| {
        as_recorded(out_dir, path, entry, cache).is_some()
    })
    .into_iter()
    .all(|matches| matches);
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
