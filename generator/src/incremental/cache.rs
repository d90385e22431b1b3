//! The local cache of an output folder: what the last run wrote, kept outside the output
//! folder (under the cargo target dir for `cargo xtask gen`), never checked in.
//!
//! It records, for each generated file written, its length and modification time just after
//! writing and the hash of its bytes (so a file whose length and time still match is trusted
//! without reading it; a hand edit changes the time), and, for each spliced file
//! (`openapi.json`, `docs/api.md`), where each fragment is in its text (`emit/splice.rs`).
//!
//! The cache is a speed-up only: it ends with the hash of everything before, is ignored when
//! that does not match or when another generator build wrote it, and the spans of a file are
//! used only if the file's bytes are the ones they were recorded for. A missing or damaged
//! cache means a full render, never a different output.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::digest;
use crate::emit::splice::Spans;

/// The file's name in the cache folder.
const FILE: &str = "state";

/// The first line; a new layout gets a new number.
const HEADER: &str = "apigen-cache 1";

/// A generated file's length and modification time (nanoseconds since the epoch) on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stat {
    pub(crate) len: u64,
    pub(crate) mtime: u128,
}

impl Stat {
    /// The file's length and modification time; `None` if it cannot be read.
    pub(crate) fn of(path: &Path) -> Option<Stat> {
        let m = std::fs::metadata(path).ok()?;
        let mtime = m
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stat {
            len: m.len(),
            mtime,
        })
    }
}

/// What the cache holds about one generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    /// As it was just after the last run wrote (or checked) it.
    pub(crate) stat: Stat,
    /// The SHA-256 of its bytes then.
    pub(crate) hash: String,
}

/// The cache of one output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Cache {
    /// The generator build that wrote it.
    pub(crate) generator: String,
    /// By path relative to the output folder.
    pub(crate) files: BTreeMap<PathBuf, Written>,
    /// By path of a spliced file: the hash of the text the spans are in, and the spans.
    pub(crate) spans: BTreeMap<PathBuf, (String, Spans)>,
    /// When the cache was saved (its file's modification time), once loaded: a file whose
    /// recorded time is not before it may have been written again within the same tick of
    /// the file system's clock without its time changing, so it is not trusted (git's
    /// "racily clean" rule).
    pub(crate) saved: Option<u128>,
}

impl Cache {
    /// Does the file at `path` (relative to `out_dir`) still hold the bytes with `hash`, as
    /// far as its length and modification time tell (without reading it)?
    pub(crate) fn trusts(&self, out_dir: &Path, path: &Path, hash: &str) -> bool {
        self.files.get(path).is_some_and(|w| {
            w.hash == hash
                && self.saved.is_some_and(|saved| w.stat.mtime < saved)
                && Stat::of(&out_dir.join(path)).is_some_and(|s| s == w.stat)
        })
    }

    /// The text form: one fact per line, then `end <hash of the lines before>`.
    pub(crate) fn render(&self) -> String {
        let mut out = format!("{HEADER}\ngenerator {}\n", self.generator);
        for (path, w) in &self.files {
            let _ = writeln!(
                out,
                "file {} {} {} {}",
                w.stat.len,
                w.stat.mtime,
                w.hash,
                path.display()
            );
        }
        for (path, (hash, spans)) in &self.spans {
            let _ = writeln!(out, "spans {} {hash} {}", spans.len(), path.display());
            // Over a hundred thousand lines at thousands of endpoints (about 50 bytes each):
            // written piece by piece, in about 0.6× the time `writeln!` takes.
            out.reserve(spans.len() * 56);
            for (key, r) in spans {
                out.push_str(key);
                push_number(&mut out, r.start);
                push_number(&mut out, r.end);
                out.push('\n');
            }
        }
        let end = digest::of_bytes(out.as_bytes());
        let _ = writeln!(out, "end {end}");
        out
    }

    /// Read the text form back; `None` if it is not exactly what [`Cache::render`] writes
    /// (the final hash included).
    pub(crate) fn parse(text: &str) -> Option<Cache> {
        let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
        let (body, last) = text.split_at(body_end);
        if last.strip_prefix("end ")?.strip_suffix('\n')? != digest::of_bytes(body.as_bytes()) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut cache = Cache {
            generator: lines.next()?.strip_prefix("generator ")?.to_owned(),
            ..Cache::default()
        };
        while let Some(line) = lines.next() {
            if let Some(rest) = line.strip_prefix("file ") {
                let mut it = rest.splitn(4, ' ');
                let len = it.next()?.parse().ok()?;
                let mtime = it.next()?.parse().ok()?;
                let hash = it.next()?.to_owned();
                let path = PathBuf::from(it.next()?);
                cache.files.insert(
                    path,
                    Written {
                        stat: Stat { len, mtime },
                        hash,
                    },
                );
            } else if let Some(rest) = line.strip_prefix("spans ") {
                let mut it = rest.splitn(3, ' ');
                let count: usize = it.next()?.parse().ok()?;
                let hash = it.next()?.to_owned();
                let path = PathBuf::from(it.next()?);
                let mut spans = Vec::with_capacity(count);
                for _ in 0..count {
                    let mut f = lines.next()?.split(' ');
                    let key = f.next()?.to_owned();
                    let start = f.next()?.parse().ok()?;
                    let end = f.next()?.parse().ok()?;
                    spans.push((key, Range { start, end }));
                }
                cache.spans.insert(path, (hash, spans));
            } else {
                return None;
            }
        }
        Some(cache)
    }

    /// The cache in `dir` if there is a whole one written by generator build `generator`.
    pub(crate) fn load(dir: &Path, generator: &str) -> Option<Cache> {
        let path = dir.join(FILE);
        let text = std::fs::read_to_string(&path).ok()?;
        let mut cache = Cache::parse(&text).filter(|c| c.generator == generator)?;
        cache.saved = Some(Stat::of(&path)?.mtime);
        Some(cache)
    }

    /// Write the cache into `dir` (temporary file + rename, so a crash leaves the old one or
    /// the new one).
    pub(crate) fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, self.render())?;
        std::fs::rename(&tmp, dir.join(FILE))
    }
}

/// Append a space and `n` in decimal.
fn push_number(out: &mut String, n: usize) {
    out.push(' ');
    out.push_str(itoa::Buffer::new().format(n));
}

/// The cache folder of output folder `out_dir` under the cache root `root`: one folder per
/// output folder, named after the hash of its canonical path (its absolute path while it
/// does not exist yet).
pub(crate) fn dir_for(root: &Path, out_dir: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(out_dir)
        .or_else(|_| std::path::absolute(out_dir))
        .unwrap_or_else(|_| out_dir.to_path_buf());
    let hash = digest::of_bytes(abs.to_string_lossy().as_bytes());
    root.join(&hash[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cache {
        let mut c = Cache {
            generator: "g1".into(),
            ..Cache::default()
        };
        c.files.insert(
            PathBuf::from("docs/api.md"),
            Written {
                stat: Stat {
                    len: 12,
                    mtime: 1_700_000_000_123_456_789,
                },
                hash: "ab".repeat(32),
            },
        );
        c.spans.insert(
            PathBuf::from("openapi.json"),
            (
                "cd".repeat(32),
                vec![("k1".into(), 0..4), ("k2".into(), 5..9)],
            ),
        );
        c
    }

    #[test]
    fn numbers_are_written_in_decimal_after_a_space() {
        let mut out = String::new();
        for n in [0, 7, 10, 4096, usize::MAX] {
            push_number(&mut out, n);
        }
        assert_eq!(out, format!(" 0 7 10 4096 {}", usize::MAX));
    }

    #[test]
    fn the_text_form_reads_back() {
        let c = sample();
        assert_eq!(Cache::parse(&c.render()), Some(c));
    }

    #[test]
    fn a_damaged_or_truncated_cache_is_refused() {
        let text = sample().render();
        assert!(Cache::parse(&text.replace("k2 5 9", "k2 5 8")).is_none());
        assert!(Cache::parse(&text[..text.len() / 2]).is_none());
        assert!(Cache::parse("").is_none());
    }

    #[test]
    fn a_file_is_trusted_only_with_its_recorded_length_time_and_hash() {
        let dir = std::env::temp_dir().join(format!("apigen-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.txt"), "hello").unwrap();
        let stat = Stat::of(&dir.join("a.txt")).unwrap();
        let mut c = Cache {
            saved: Some(stat.mtime + 1),
            ..Cache::default()
        };
        c.files.insert(
            PathBuf::from("a.txt"),
            Written {
                stat,
                hash: "h".into(),
            },
        );
        assert!(c.trusts(&dir, Path::new("a.txt"), "h"));
        assert!(!c.trusts(&dir, Path::new("a.txt"), "other"));
        assert!(!c.trusts(&dir, Path::new("b.txt"), "h"));
        // Saved within the same tick as the file was written: not trusted.
        c.saved = Some(stat.mtime);
        assert!(!c.trusts(&dir, Path::new("a.txt"), "h"));
        c.saved = Some(stat.mtime + 1);
        std::fs::write(dir.join("a.txt"), "hello, world").unwrap();
        assert!(!c.trusts(&dir, Path::new("a.txt"), "h"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn each_output_folder_has_its_own_cache_folder() {
        let root = Path::new("/cache");
        assert_ne!(
            dir_for(root, Path::new("/a")),
            dir_for(root, Path::new("/b"))
        );
        assert_eq!(
            dir_for(root, Path::new("/a")),
            dir_for(root, Path::new("/a"))
        );
    }
}
