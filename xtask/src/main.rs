//! `cargo xtask gen [--spec PATH] [--out DIR] [--check]`
//!
//! Loads and validates the spec, renders in memory every file whose inputs changed since
//! the output folder's `.apigen-manifest` was written (`apigen::incremental`), and only
//! then writes the files that changed (atomically). With `--check` it writes nothing and
//! fails if any generated file is stale.
//!
//! Also `cargo xtask diff` (`diff.rs`: what a spec edit means for users) and `cargo xtask
//! drift` (`drift.rs`: spec edits from the drift captures of a client).

mod diff;
mod drift;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask gen [--spec PATH] [--out DIR] [--check]

  --spec PATH   folder of YAML files describing the API (default: spec/)
  --out DIR     folder of the client crate to generate, created if missing
                (default: generated-client/); it depends on runtime/ by a relative path
  --check       write nothing; exit 1 if any generated file is out of date";

struct Args {
    spec: PathBuf,
    out: PathBuf,
    check: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => match parse(&args[1..]) {
            Ok(a) => gen_cmd(&a),
            Err(e) => {
                eprintln!("error: {e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("diff") => diff::run(&root(), &args[1..]),
        Some("drift") => drift::run(&root(), &args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}\n\n{}\n\n{}", diff::USAGE, drift::USAGE);
            ExitCode::SUCCESS
        }
        other => {
            eprintln!(
                "error: unknown command {}\n\n{USAGE}",
                other.map_or_else(|| "(none)".to_string(), |o| format!("`{o}`"))
            );
            ExitCode::from(2)
        }
    }
}

/// The workspace root, so defaults work from any folder inside it.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where `gen` keeps its local cache (what it last wrote, and where the fragments of the
/// files made from the whole spec are): below the cargo target dir, never in the output.
fn cache_root() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root().join(t) })
        .unwrap_or_else(|| root().join("target"))
        .join("apigen-cache")
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        spec: root().join("spec"),
        out: root().join("generated-client"),
        check: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--spec" => a.spec = it.next().ok_or("--spec needs a path")?.into(),
            "--out" => a.out = it.next().ok_or("--out needs a folder")?.into(),
            "--check" => a.check = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

fn gen_cmd(args: &Args) -> ExitCode {
    let started = Instant::now();
    let options = apigen::emit::Options {
        runtime: apigen::emit::RuntimeDependency::beside(&root().join("runtime"), &args.out),
    };
    let generated = match apigen::incremental::generate_cached(
        &args.spec,
        &args.out,
        &options,
        args.check,
        &cache_root(),
    ) {
        Ok(g) => g,
        Err(apigen::incremental::GenerateError::Load(report)) => {
            eprint!("{report}");
            eprintln!("generation stopped: nothing was written.");
            return ExitCode::FAILURE;
        }
        Err(e @ apigen::incremental::GenerateError::Emit(_)) => {
            eprintln!("error: {e}; nothing was written");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: in {}: {e}", args.out.display());
            return ExitCode::FAILURE;
        }
    };
    let report = &generated.report;
    let schema_changed = match schema_file(args) {
        Ok(changed) => changed,
        Err(e) => {
            eprintln!(
                "error: writing {}: {e}",
                args.spec.join("schema.json").display()
            );
            return ExitCode::FAILURE;
        }
    };
    let counts = match &generated.api {
        Some(api) => {
            let t = &generated.timings;
            format!(
                "{} endpoints, {} enums, {} objects, {} webhook kinds; {} files rendered \
                 (load {} ms; hash {} ms, render {} ms, write {} ms)",
                api.endpoints.len(),
                api.enums.len(),
                api.objects.len(),
                api.webhooks.as_ref().map_or(0, |w| w.kinds.len()),
                generated.rendered.len(),
                t.load.as_millis(),
                t.hash.as_millis(),
                t.render.as_millis(),
                t.write.as_millis(),
            )
        }
        None => format!(
            "spec unchanged since {} (nothing loaded or rendered)",
            apigen::incremental::MANIFEST
        ),
    };
    let ms = started.elapsed().as_millis();
    let out = args.out.display();
    if args.check {
        if report.changed.is_empty()
            && report.removed.is_empty()
            && report.scaffolded.is_empty()
            && !schema_changed
        {
            println!(
                "apigen: {counts}; {} files up to date in {out} ({ms} ms)",
                report.unchanged
            );
            return ExitCode::SUCCESS;
        }
        for f in &report.changed {
            eprintln!("stale: {}", args.out.join(f).display());
        }
        for f in &report.removed {
            eprintln!("no longer generated: {}", args.out.join(f).display());
        }
        for f in &report.scaffolded {
            eprintln!("missing: {}", args.out.join(f).display());
        }
        if schema_changed {
            eprintln!("stale: {}", args.spec.join("schema.json").display());
        }
        eprintln!(
            "error: generated files are out of date with the spec; run `cargo xtask gen` and commit the result"
        );
        return ExitCode::FAILURE;
    }
    println!(
        "apigen: {counts}; {} written, {} unchanged, {} removed, {} created for you in {out} ({ms} ms)",
        report.changed.len(),
        report.unchanged,
        report.removed.len(),
        report.scaffolded.len(),
    );
    if schema_changed {
        println!("apigen: wrote {}", args.spec.join("schema.json").display());
    }
    ExitCode::SUCCESS
}

/// Keeps `schema.json` in the spec folder (the JSON Schema editors check spec files
/// against, `apigen::spec_schema()`) up to date: for the default `spec/` folder always, for
/// another folder only if it already holds a `schema.json` (copy `spec/schema.json` there
/// once to opt in). Written atomically; in check mode nothing is written. Returns whether
/// the file changed (or, in check mode, is stale).
fn schema_file(args: &Args) -> std::io::Result<bool> {
    let path = args.spec.join("schema.json");
    let is_default = args.spec.canonicalize().ok() == root().join("spec").canonicalize().ok();
    if !is_default && !path.is_file() {
        return Ok(false);
    }
    let text = apigen::spec_schema();
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    if !args.check {
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &text)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(true)
}
