//! Where a full generation's rendering time goes, file by file: `apigen::incremental::generate`
//! run `ROUNDS` times into an empty temporary folder, and each generated file's render time on
//! its worker thread averaged over the rounds, slowest first (the files render side by side,
//! so they add up to more than the render phase's wall time).
//!
//!     cargo run --release -p apigen-benches --bin render_times -- [SPEC_DIR] [ROUNDS]
//!
//! `SPEC_DIR` defaults to the workspace's `spec/`, `ROUNDS` to 30. See BENCHMARKS.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn main() {
    let mut args = std::env::args().skip(1);
    let spec = args.next().map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
        PathBuf::from,
    );
    let rounds: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(30);
    let out = std::env::temp_dir().join(format!("apigen-render-times-{}", std::process::id()));
    let mut per_file: BTreeMap<PathBuf, f64> = BTreeMap::new();
    let (mut load, mut render) = (0.0, 0.0);
    for _ in 0..rounds {
        let _ = std::fs::remove_dir_all(&out);
        let generated =
            apigen::incremental::generate(&spec, &out, &apigen::emit::Options::default(), false)
                .unwrap_or_else(|e| panic!("{} does not generate: {e}", spec.display()));
        for (path, took) in generated.render_times {
            *per_file.entry(path).or_default() += took.as_secs_f64() * 1e3;
        }
        load += generated.timings.load.as_secs_f64() * 1e3;
        render += generated.timings.render.as_secs_f64() * 1e3;
    }
    let _ = std::fs::remove_dir_all(&out);
    let n = f64::from(rounds);
    let mut files: Vec<(PathBuf, f64)> = per_file.into_iter().map(|(p, t)| (p, t / n)).collect();
    files.sort_by(|a, b| b.1.total_cmp(&a.1));
    let sum: f64 = files.iter().map(|f| f.1).sum();
    println!(
        "{}, mean of {rounds} rounds: load {:.2} ms; render {:.2} ms wall, {sum:.2} ms on the workers",
        spec.display(),
        load / n,
        render / n
    );
    for (path, ms) in files {
        println!("{ms:7.2} ms {:5.1} %  {}", 100.0 * ms / sum, path.display());
    }
}
