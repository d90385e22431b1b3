//! The drift probe's cost, measured A/B: a 100-row page decoded plainly and through the probe,
//! alternating in short rounds so that a shared machine's changing load hits both sides alike.
//!
//!     cargo run --release -p apigen-benches --bin probe_ab -- [ROUNDS]
//!
//! Each round times `TRIES` batches of `BATCH` plain decodes and as many probed ones,
//! alternating, and keeps the ratio of the fastest probed batch to the fastest plain one (the
//! fastest batch is the one least disturbed by other processes); the report gives the median
//! ratio over the rounds and the 5th–95th percentile range, for the wallet and the card page;
//! then the same for a whole 100-row `list_wallets` call over loopback, drift detection on
//! (the default) against off. See BENCHMARKS.md.

use std::hint::black_box;
use std::time::Instant;

use apigen_benches::client::{
    Server, card_row, client_runtime, decode_card_page_ours, decode_card_page_probed,
    decode_wallet_page_ours, decode_wallet_page_probed, ours_client_with, ours_list_wallets,
    page_body, wallet_row,
};

/// Decodes per batch: about 0.6–1.6 ms on the 100-row pages.
const BATCH: u32 = 10;
/// Batches per side and round.
const TRIES: u32 = 5;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let wallets = page_body(100, wallet_row);
    let cards = page_body(100, card_row);
    println!(
        "{rounds} rounds of {TRIES} alternating batches of {BATCH} decodes per side; \
         ratio = fastest probed batch / fastest plain batch"
    );
    report(
        "wallet page",
        &ratios(
            rounds,
            &wallets,
            decode_wallet_page_ours,
            decode_wallet_page_probed,
        ),
    );
    report(
        "card page",
        &ratios(
            rounds,
            &cards,
            decode_card_page_ours,
            decode_card_page_probed,
        ),
    );
    report(
        "100-row page call, default / drift_detection(false)",
        &call_ratios(rounds / 4, &wallets),
    );
}

/// The per-round ratios of a whole `list_wallets` call over loopback with drift detection
/// on (the default) to the same call with it off.
fn call_ratios(rounds: usize, body: &str) -> Vec<f64> {
    let rt = client_runtime();
    let server = Server::start(&rt, body);
    let off = ours_client_with(&server.base_url, |b| b.drift_detection(false));
    let on = ours_client_with(&server.base_url, |b| b);
    let batch = |client: &card_wallet::Client| {
        for _ in 0..BATCH {
            black_box(rt.block_on(ours_list_wallets(client)));
        }
    };
    // Past the responses every client checks at first.
    alternate(rounds, 8, || batch(&off), || batch(&on))
}

/// The per-round ratios of `probed` to `plain` on `body`.
fn ratios<A, B>(
    rounds: usize,
    body: &str,
    plain: fn(&str) -> A,
    probed: fn(&str) -> B,
) -> Vec<f64> {
    let batch = |decode: &dyn Fn(&str)| {
        for _ in 0..BATCH {
            decode(black_box(body));
        }
    };
    alternate(
        rounds,
        1,
        || {
            batch(&|b| {
                black_box(plain(b));
            })
        },
        || {
            batch(&|b| {
                black_box(probed(b));
            })
        },
    )
}

/// After `warm_up` runs of each, `rounds` rounds of `TRIES` alternating timed runs of
/// `baseline` and `measured` (which goes first alternates too); per round, the fastest
/// `measured` run over the fastest `baseline` run.
fn alternate(rounds: usize, warm_up: usize, baseline: impl Fn(), measured: impl Fn()) -> Vec<f64> {
    let time = |run: &dyn Fn()| {
        let start = Instant::now();
        run();
        start.elapsed().as_secs_f64()
    };
    for _ in 0..warm_up {
        time(&baseline);
        time(&measured);
    }
    (0..rounds)
        .map(|round| {
            let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
            for attempt in 0..TRIES {
                if (round + attempt as usize).is_multiple_of(2) {
                    a = a.min(time(&baseline));
                    b = b.min(time(&measured));
                } else {
                    b = b.min(time(&measured));
                    a = a.min(time(&baseline));
                }
            }
            b / a
        })
        .collect()
}

fn report(name: &str, ratios: &[f64]) {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = (q * (sorted.len().saturating_sub(1)) as f64).round() as usize;
        sorted.get(i).copied().unwrap_or(f64::NAN)
    };
    println!(
        "{name}: probed / plain median {:.4} [p5 {:.4} – p95 {:.4}]",
        at(0.5),
        at(0.05),
        at(0.95)
    );
}
