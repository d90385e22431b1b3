//! Both generators end to end on the same API, alternately, in one process: `copies × 39`
//! endpoints (`synthetic_spec`, and our `openapi.json` export of it for progenitor), `rounds`
//! rounds of ours then progenitor. Prints each round's wall and CPU time (all threads, from
//! `/proc/self/stat`; 0 where that file is missing) and ours/progenitor, then the medians.
//!
//! For a machine shared with other work, where criterion's separate groups see different
//! load: each ratio here compares two runs made seconds apart.
//!
//! Usage: `gen_side_by_side [COPIES] [ROUNDS]` (default 100 and 5).

use std::hint::black_box;
use std::time::Instant;

use apigen_benches::generation::{
    endpoint_count, ours_generate, ours_load, progenitor_generate, side_by_side_input,
};

/// CPU seconds this process has used so far, user and system, all threads.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces): utime is
    // the 14th field of the line, stime the 15th, both in clock ticks (100 a second on Linux).
    let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Wall and CPU seconds of one call.
fn timed<T>(f: impl FnOnce() -> T) -> (f64, f64) {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    black_box(f());
    (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let copies: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let (files, json) = side_by_side_input(copies);
    let endpoints = endpoint_count(&ours_load(files.clone()));
    println!("{endpoints} endpoints, {rounds} rounds");
    println!("round  ours wall  ours cpu  progenitor wall  progenitor cpu  wall ratio  cpu ratio");
    let (mut wall_ratios, mut cpu_ratios, mut ours_walls, mut theirs_walls) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let input = files.clone();
        let ours = timed(|| ours_generate(input));
        let theirs = timed(|| progenitor_generate(&json));
        let (wall, cpu) = (ours.0 / theirs.0, ours.1 / theirs.1.max(0.01));
        println!(
            "{round:>5}  {:>8.3}s  {:>7.2}s  {:>14.3}s  {:>13.2}s  {wall:>9.3}×  {cpu:>8.3}×",
            ours.0, ours.1, theirs.0, theirs.1
        );
        wall_ratios.push(wall);
        cpu_ratios.push(cpu);
        ours_walls.push(ours.0);
        theirs_walls.push(theirs.0);
    }
    println!(
        "median: ours {:.3}s, progenitor {:.3}s, wall ratio {:.3}× (range {:.3}–{:.3}), cpu ratio {:.3}×",
        median(ours_walls),
        median(theirs_walls),
        median(wall_ratios.clone()),
        wall_ratios.iter().copied().fold(f64::INFINITY, f64::min),
        wall_ratios.iter().copied().fold(0.0, f64::max),
        median(cpu_ratios)
    );
}
