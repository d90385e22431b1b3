//! Prints the figures of BENCHMARKS.md from the last `cargo bench -p apigen-benches` run:
//! every pair as a ratio (ours / baseline) with its spread, and time per endpoint for scaling.
//!
//! `cargo run -p apigen-benches --bin bench_report [CRITERION_DIR] [--svg PATH]` (default
//! `target/criterion`). With `--svg`, it also writes the chart of time per endpoint against spec
//! size for both generators (`scaling_generate`) to PATH.
//!
//! Each figure is criterion's estimate with its 95 % confidence interval, the same three numbers
//! criterion prints as `time:` (the slope of the linear fit for linear sampling, the mean for the
//! flat sampling of the `scaling_*` groups). The spread of a ratio
//! a/b is the conservative interval [a.low / b.high, a.high / b.low].

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Deserialize)]
struct Estimates {
    mean: Estimate,
    /// Present for linear sampling (what criterion prints as `time:`); `null` for flat sampling.
    slope: Option<Estimate>,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Estimate and 95 % CI in nanoseconds.
#[derive(Clone, Copy)]
struct Figure {
    point: f64,
    low: f64,
    high: f64,
}

impl Figure {
    fn scaled(self, by: f64) -> Figure {
        Figure {
            point: self.point / by,
            low: self.low / by,
            high: self.high / by,
        }
    }
}

fn read(dir: &Path, group: &str, bench: &str) -> Option<Figure> {
    let path = dir.join(group).join(bench).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).ok()?;
    let e: Estimates =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let e = e.slope.unwrap_or(e.mean);
    Some(Figure {
        point: e.point_estimate,
        low: e.confidence_interval.lower_bound,
        high: e.confidence_interval.upper_bound,
    })
}

fn time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn fig(f: Figure) -> String {
    format!("{} [{} – {}]", time(f.point), time(f.low), time(f.high))
}

fn ratio(a: Figure, b: Figure) -> String {
    format!(
        "**{:.2}×** [{:.2} – {:.2}]",
        a.point / b.point,
        a.low / b.high,
        a.high / b.low
    )
}

fn main() {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let mut svg: Option<PathBuf> = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--svg" {
            svg = args.next().map(PathBuf::from);
        } else {
            dir = PathBuf::from(arg);
        }
    }

    let pairs: [(&str, &str, &str, &str); 13] = [
        (
            "generate",
            "ours",
            "progenitor",
            "generation end to end (spec text → formatted source)",
        ),
        (
            "generate",
            "ours_emit_only",
            "progenitor_emit_only",
            "generation step alone (from the loaded model)",
        ),
        (
            "generate",
            "ours_emit_only",
            "progenitor_tokens_only",
            "(generation step: ours formatted vs progenitor's unformatted tokens)",
        ),
        ("load", "ours", "progenitor", "load + validate alone"),
        (
            "call_wallet_detail",
            "ours",
            "raw_naive",
            "get_wallet_detail over loopback vs raw reqwest, naive types",
        ),
        (
            "call_wallet_detail",
            "ours",
            "raw_our_types",
            "get_wallet_detail over loopback vs raw reqwest, our types",
        ),
        (
            "call_wallet_detail",
            "raw_our_types",
            "raw_naive",
            "(raw reqwest: our types vs naive types)",
        ),
        (
            "call_list_wallets_100",
            "ours",
            "raw_naive",
            "list_wallets, 100 rows, over loopback vs raw reqwest, naive types",
        ),
        (
            "call_list_wallets_100",
            "ours",
            "raw_our_types",
            "list_wallets, 100 rows, over loopback vs raw reqwest, our types",
        ),
        (
            "call_list_wallets_100",
            "raw_our_types",
            "raw_naive",
            "(raw reqwest, 100 rows: our types vs naive types)",
        ),
        (
            "decode_wallet_page_100",
            "ours",
            "naive",
            "decode a 100-wallet page: our types vs f64/String",
        ),
        (
            "decode_card_page_100",
            "ours",
            "naive",
            "decode a 100-card page: our types vs f64/String",
        ),
        (
            "decode_wallet_page_wire_forms_100",
            "string_money_rfc3339",
            "number_money_vendor_datetime",
            "decode a 100-wallet page: string money + RFC 3339 vs numbers + vendor datetimes",
        ),
    ];

    println!("| figure | ours [95 % CI] | baseline [95 % CI] | ratio ours/baseline [spread] |");
    println!("|---|---|---|---|");
    for (group, a, b, what) in pairs {
        match (read(&dir, group, a), read(&dir, group, b)) {
            (Some(fa), Some(fb)) => println!(
                "| {what} (`{group}/{a}` vs `{b}`) | {} | {} | {} |",
                fig(fa),
                fig(fb),
                ratio(fa, fb)
            ),
            _ => println!("| {what} | not measured | | |"),
        }
    }

    for (group, what) in [
        ("scaling_load", "load + validate"),
        ("scaling_emit", "emit"),
    ] {
        println!();
        println!(
            "| {what}: endpoints | total [95 % CI] | per endpoint | per endpoint vs 39 [spread] |"
        );
        println!("|---|---|---|---|");
        let mut base: Option<Figure> = None;
        for n in [39usize, 390, 3900] {
            let Some(total) = read(&dir, group, &n.to_string()) else {
                println!("| {n} | not measured | | |");
                continue;
            };
            let per = total.scaled(n as f64);
            let vs = base.map_or_else(|| "1.00×".to_string(), |b| ratio(per, b));
            base.get_or_insert(per);
            println!("| {n} | {} | {} | {vs} |", fig(total), fig(per));
        }
    }

    side_by_side(&dir, svg.as_deref());
}

/// Both generators end to end at each size: the ratio, each side's time per endpoint and its
/// growth from 39 endpoints; with `svg`, the chart of time per endpoint written there.
fn side_by_side(dir: &Path, svg: Option<&Path>) {
    const SIZES: [usize; 3] = [39, 390, 3900];
    println!();
    println!(
        "| generate end to end: endpoints | ours [95 % CI] | progenitor [95 % CI] | ours/progenitor [spread] | ours per endpoint vs 39 | progenitor per endpoint vs 39 |"
    );
    println!("|---|---|---|---|---|---|");
    let mut curves: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    let mut bases: [Option<Figure>; 2] = [None, None];
    for n in SIZES {
        let sides = ["ours", "progenitor"]
            .map(|side| read(dir, "scaling_generate", &format!("{side}/{n}")));
        let [Some(ours), Some(theirs)] = sides else {
            println!("| {n} | not measured | | | | |");
            continue;
        };
        let mut growth = Vec::new();
        for (i, total) in [ours, theirs].into_iter().enumerate() {
            let per = total.scaled(n as f64);
            curves[i].push((n as f64, per.point / 1e6));
            growth.push(bases[i].map_or_else(|| "1.00×".to_string(), |b| ratio(per, b)));
            bases[i].get_or_insert(per);
        }
        println!(
            "| {n} | {} | {} | {} | {} | {} |",
            fig(ours),
            fig(theirs),
            ratio(ours, theirs),
            growth[0],
            growth[1]
        );
    }
    let Some(path) = svg else { return };
    let [ours, theirs] = curves;
    let chart = apigen_benches::plot::line_chart(
        "Generation end to end: time per endpoint",
        "endpoints in the spec (log scale)",
        "ms per endpoint",
        &[
            apigen_benches::plot::Series {
                name: "apigen".into(),
                colour: "#1f77b4",
                points: ours,
            },
            apigen_benches::plot::Series {
                name: "progenitor 0.15".into(),
                colour: "#ff7f0e",
                points: theirs,
            },
        ],
    );
    match std::fs::write(path, chart) {
        Ok(()) => println!("\nwrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}
