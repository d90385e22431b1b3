//! `cargo xtask diff [--base GITREF] [--spec PATH] [--deny-breaking]`
//!
//! Loads the spec as committed at `--base` (default `HEAD`, read with `git ls-tree` and
//! `git show` into memory) and as it is in the working tree, compares the two models with
//! `apigen::compare` and prints every change grouped as breaking, additive or docs only, then
//! the version bump the generated crate needs. Exits 0, or 1 with `--deny-breaking` when
//! anything is breaking (2 for usage errors, 1 when either spec does not load).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use apigen::compare::{self, Class};

pub const USAGE: &str = "usage: cargo xtask diff [--base GITREF] [--spec PATH] [--deny-breaking]

  --base GITREF     the committed spec to compare with (default: HEAD)
  --spec PATH       spec folder in the working tree (default: spec/)
  --deny-breaking   exit 1 when any change is breaking";

struct Args {
    base: String,
    spec: PathBuf,
    deny_breaking: bool,
}

fn parse(root: &Path, args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        base: "HEAD".into(),
        spec: root.join("spec"),
        deny_breaking: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--base" => a.base = it.next().ok_or("--base needs a git ref")?.clone(),
            "--spec" => a.spec = it.next().ok_or("--spec needs a path")?.into(),
            "--deny-breaking" => a.deny_breaking = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

/// Run `git` in `dir`; stdout, or the error text.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("git {}: not UTF-8: {e}", args.join(" ")))
}

/// The YAML files of the spec folder as committed at `base`, as (`<ref>:<path>`, text).
fn files_at(base: &str, spec: &Path) -> Result<Vec<(String, String)>, String> {
    let spec = spec
        .canonicalize()
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    let top = PathBuf::from(git(&spec, &["rev-parse", "--show-toplevel"])?.trim());
    let rel = spec
        .strip_prefix(&top)
        .map_err(|_| format!("{} is not inside the git work tree", spec.display()))?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    let listing = git(&top, &["ls-tree", "-r", "--name-only", base, "--", &rel])?;
    let mut files = Vec::new();
    for path in listing.lines() {
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
            continue;
        }
        let text = git(&top, &["show", &format!("{base}:{path}")])?;
        files.push((format!("{base}:{path}"), text));
    }
    if files.is_empty() {
        return Err(format!("no YAML file under {rel} at {base}"));
    }
    files.sort();
    Ok(files)
}

pub fn run(root: &Path, raw_args: &[String]) -> ExitCode {
    let args = match parse(root, raw_args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let old_files = match files_at(&args.base, &args.spec) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: reading the spec at {}: {e}", args.base);
            return ExitCode::FAILURE;
        }
    };
    let old = match apigen::load_api_from(old_files) {
        Ok(api) => api,
        Err(report) => {
            eprint!("{report}");
            eprintln!("error: the spec at {} does not load", args.base);
            return ExitCode::FAILURE;
        }
    };
    let new = match apigen::load_api(&args.spec) {
        Ok(api) => api,
        Err(report) => {
            eprint!("{report}");
            eprintln!("error: the spec in the working tree does not load");
            return ExitCode::FAILURE;
        }
    };
    let changes = compare::compare(&old, &new);
    println!("spec changes since {}:", args.base);
    print!("{}", compare::render(&old, &changes));
    if args.deny_breaking && changes.iter().any(|c| c.class == Class::Breaking) {
        eprintln!("error: breaking changes (--deny-breaking)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
