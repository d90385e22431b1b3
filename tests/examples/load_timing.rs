//! How long load + validate takes, for the real spec and for a spec 100 times larger.
//!
//! ```text
//! cargo run --release -p apigen-tests --example load_timing
//! ```
//!
//! Prints the median of 15 runs of `apigen::load_api_from` (parse, merge, validate, resolve,
//! check examples) and the time per endpoint, so linear growth shows as a flat per-endpoint
//! time. Two intermediate sizes show the shape of the curve. The files are read once, outside
//! the timed region. The stages are not timed apart: the library exposes load + validate as
//! one call; a profiler (`perf record` on this example) shows how the time splits between YAML
//! parsing and validation.

use std::time::{Duration, Instant};

use apigen_tests::{one_file, read_yaml_files, spec_dir, synthetic_spec};

const RUNS: usize = 15;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

struct Timing {
    total: Duration,
    endpoints: usize,
}

fn measure(files: &[(String, String)]) -> Timing {
    let mut total = Vec::new();
    let mut endpoints = 0;
    for _ in 0..RUNS {
        let input = files.to_vec();
        let start = Instant::now();
        let api =
            apigen::load_api_from(input).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"));
        total.push(start.elapsed());
        endpoints = std::hint::black_box(api).endpoints.len();
    }
    Timing {
        total: median(total),
        endpoints,
    }
}

fn report(label: &str, files: &[(String, String)]) -> f64 {
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let t = measure(files);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let per_endpoint_us = t.total.as_secs_f64() * 1e6 / t.endpoints as f64;
    println!(
        "{label:<31} {:>5} files {:>9} B {:>5} endpoints | median {:>9.2} ms | {per_endpoint_us:>7.1} µs/endpoint",
        files.len(),
        bytes,
        t.endpoints,
        ms(t.total),
    );
    per_endpoint_us
}

fn main() {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for meaningful numbers");
    }
    println!("load + validate (apigen::load_api_from), median of {RUNS} runs");
    let real: Vec<(String, String)> = read_yaml_files(&spec_dir())
        .into_iter()
        .map(|(rel, text)| (format!("spec/{rel}"), text))
        .collect();
    let one = report("real spec", &real);
    for copies in [10, 30] {
        report(
            &format!("synthetic_spec({copies})"),
            &synthetic_spec(copies),
        );
    }
    let hundred = report("synthetic_spec(100)", &synthetic_spec(100));
    let big = one_file(&synthetic_spec(45));
    report(
        "synthetic_spec(45) in one file",
        &[("big.yaml".into(), big)],
    );
    println!(
        "per-endpoint time, synthetic_spec(100) / real spec: {:.2}x (1.00x = linear)",
        hundred / one
    );
}
