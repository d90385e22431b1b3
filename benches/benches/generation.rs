//! Generation benchmarks (see BENCHMARKS.md):
//!
//! * `generate/*`: spec text → formatted client source, ours vs progenitor, end to end and the
//!   generation step alone (plus progenitor's unformatted tokens, for reference);
//! * `load/*`: load + validate alone (ours: `load_api_from`; progenitor: `openapi.json` →
//!   `openapiv3::OpenAPI`);
//! * `scaling_*/*`: ours on synthetic specs of 39, 390 and 3,900 endpoints;
//! * `scaling_generate/{ours,progenitor}/N`: both generators end to end at each of those sizes
//!   (progenitor fed our `openapi.json` export of the same synthetic spec);
//! * `incremental/{full,edit_one_group,check_unchanged,load}/N`: `cargo xtask gen`'s
//!   incremental generation at each of those sizes, in one run (issue 17), and
//!   `incremental/write_openapi_json/N`: the floor of any edit, `openapi.json` written once.

use std::hint::black_box;
use std::time::Duration;

use apigen_benches::generation::*;
use apigen_benches::incremental::Workspace;
use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

fn generate(c: &mut Criterion) {
    let files = spec_files();
    let json = openapi_json();
    let api = ours_load(files.clone());
    let spec = progenitor_parse(&json);

    let (n_files, bytes, lines) = output_size(&ours_emit(&api));
    let theirs = progenitor_generate(&json);
    eprintln!(
        "output: ours {n_files} files, {bytes} bytes, {lines} lines; progenitor 1 file, {} bytes, {} lines",
        theirs.len(),
        theirs.lines().count()
    );

    let mut g = c.benchmark_group("generate");
    g.bench_function("ours", |b| {
        b.iter_batched(
            || files.clone(),
            |f| ours_generate(black_box(f)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("progenitor", |b| {
        b.iter(|| progenitor_generate(black_box(&json)))
    });
    g.bench_function("ours_emit_only", |b| b.iter(|| ours_emit(black_box(&api))));
    g.bench_function("progenitor_emit_only", |b| {
        b.iter(|| progenitor_emit(black_box(&spec)))
    });
    g.bench_function("progenitor_tokens_only", |b| {
        b.iter(|| progenitor_tokens(black_box(&spec)))
    });
    g.finish();

    let mut g = c.benchmark_group("load");
    g.bench_function("ours", |b| {
        b.iter_batched(
            || files.clone(),
            |f| ours_load(black_box(f)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("progenitor", |b| {
        b.iter(|| progenitor_parse(black_box(&json)))
    });
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let sizes = [1, 10, 100];
    let inputs: Vec<_> = sizes
        .iter()
        .map(|&copies| {
            let files = synthetic_spec(copies);
            let api = ours_load(files.clone());
            (endpoint_count(&api), files, api)
        })
        .collect();

    let mut g = c.benchmark_group("scaling_load");
    g.sampling_mode(SamplingMode::Flat);
    for (n, files, _) in &inputs {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), files, |b, files| {
            b.iter_batched(
                || files.clone(),
                |f| ours_load(black_box(f)),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let mut g = c.benchmark_group("scaling_emit");
    g.sampling_mode(SamplingMode::Flat);
    for (n, _, api) in &inputs {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), api, |b, api| {
            b.iter(|| ours_emit(black_box(api)))
        });
    }
    g.finish();
}

/// Both generators end to end, spec text → formatted source, at 39, 390 and 3,900 endpoints.
fn scaling_side_by_side(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling_generate");
    g.sampling_mode(SamplingMode::Flat);
    for copies in [1, 10, 100] {
        let (files, json) = side_by_side_input(copies);
        let n = endpoint_count(&ours_load(files.clone()));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("ours", n), &files, |b, files| {
            b.iter_batched(
                || files.clone(),
                |f| ours_generate(black_box(f)),
                BatchSize::LargeInput,
            )
        });
        g.bench_with_input(BenchmarkId::new("progenitor", n), &json, |b, json| {
            b.iter(|| progenitor_generate(black_box(json)))
        });
    }
    g.finish();
}

/// Incremental generation at 39, 390 and 3,900 endpoints: a full generation into an empty
/// folder, a regeneration after a one-line edit in one group, `--check` with nothing changed,
/// and the load + validation every changed run pays.
fn incremental(c: &mut Criterion) {
    let mut g = c.benchmark_group("incremental");
    g.sampling_mode(SamplingMode::Flat);
    for copies in [1, 10, 100] {
        let ws = Workspace::new("bench", copies);
        let n = ws.load();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("full", n), |b| {
            b.iter_batched(|| ws.clear(), |()| ws.full(), BatchSize::PerIteration)
        });
        // The baseline: the same edit without the local cache (as before it existed); run
        // before the cached edits, so that the cache is up to date for them and for `--check`.
        g.bench_function(BenchmarkId::new("edit_one_group_uncached", n), |b| {
            b.iter_batched(
                || ws.edit(),
                |()| ws.regenerate_uncached(),
                BatchSize::PerIteration,
            )
        });
        g.bench_function(BenchmarkId::new("edit_one_group", n), |b| {
            b.iter_batched(|| ws.edit(), |()| ws.regenerate(), BatchSize::PerIteration)
        });
        g.bench_function(BenchmarkId::new("check_unchanged", n), |b| {
            b.iter(|| ws.check())
        });
        // The baseline: every generated file read and hashed against the manifest.
        g.bench_function(BenchmarkId::new("check_unchanged_uncached", n), |b| {
            b.iter(|| ws.check_uncached())
        });
        g.bench_function(BenchmarkId::new("load", n), |b| b.iter(|| ws.load()));
        // The floor of an edit: writing `openapi.json` (one document, changed by any edit).
        let json = ws.openapi_json();
        g.bench_function(BenchmarkId::new("write_openapi_json", n), |b| {
            b.iter(|| ws.write_whole_spec_file(black_box(&json)))
        });
        report_phases(n, &ws);
    }
    g.finish();
}

/// Where the time of a regeneration after a one-line edit goes, phase by phase (median of
/// five runs), and the slowest files rendered; printed for BENCHMARKS.md.
fn report_phases(n: usize, ws: &Workspace) {
    let (runs, last) = ws.edit_timings(5);
    let median = |f: fn(&apigen::incremental::Timings) -> Duration| {
        let mut v: Vec<Duration> = runs.iter().map(f).collect();
        v.sort();
        v[v.len() / 2]
    };
    eprintln!(
        "phases at {n} endpoints (median of {}): read {:?}, load {:?}, hash {:?}, render {:?}, write {:?}; generator (all but load) {:?}",
        runs.len(),
        median(|t| t.read),
        median(|t| t.load),
        median(|t| t.hash),
        median(|t| t.render),
        median(|t| t.write),
        median(|t| t.generator()),
    );
    eprintln!(
        "fragments at {n} endpoints (last edit): {} copied, {} rendered",
        last.fragments.0, last.fragments.1
    );
    let top: Vec<String> = last
        .render_times
        .iter()
        .take(6)
        .map(|(p, d)| format!("{} {d:?}", p.display()))
        .collect();
    eprintln!(
        "slowest files rendered at {n} endpoints: {}",
        top.join(", ")
    );
}

criterion_group! {
    name = benches;
    config = config();
    targets = generate, scaling, scaling_side_by_side, incremental
}
criterion_main!(benches);
