//! Client benchmarks (see BENCHMARKS.md):
//!
//! * `call_wallet_detail/*`: one `get_wallet_detail` over loopback, ours vs raw reqwest +
//!   serde_json (into naive types, and into our types);
//! * `call_list_wallets_100/*`: one 100-row `list_wallets` page over loopback, ours vs raw (naive
//!   types, our types);
//! * `drift_list_wallets_100/*`: the same page call with drift detection off, probed (the
//!   default) and checked in full on every response (strict mode), on pages without and with
//!   drift;
//! * `drift_probe_decode_100/*`: a 100-row wallet and card page decoded plainly and through the
//!   drift probe (no I/O);
//! * `decode_wallet_page_100/*`, `decode_card_page_100/*`: decoding a 100-row page (no I/O) into
//!   our types vs naive `f64`/`String` structs;
//! * `decode_wallet_page_wire_forms_100/*`: the same wallet page with string money and RFC 3339
//!   datetimes vs today's wire forms.

use std::hint::black_box;
use std::time::Duration;

use apigen_benches::client::*;
use apigen_benches::wire_forms::*;
use criterion::{Criterion, criterion_group, criterion_main};

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

fn calls(c: &mut Criterion) {
    let rt = client_runtime();

    let server = Server::start(&rt, &wallet_detail_body());
    let ours = ours_client(&server.base_url);
    let raw = http_client();
    let mut g = c.benchmark_group("call_wallet_detail");
    // Loopback round trips are short and noisy on a shared 2-core machine: more samples.
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("ours", |b| {
        b.iter(|| rt.block_on(ours_wallet_detail(&ours)))
    });
    g.bench_function("raw_naive", |b| {
        b.iter(|| rt.block_on(raw_wallet_detail_naive(&raw, &server.base_url)))
    });
    g.bench_function("raw_our_types", |b| {
        b.iter(|| rt.block_on(raw_wallet_detail_typed(&raw, &server.base_url)))
    });
    g.finish();

    let server = Server::start(&rt, &page_body(100, wallet_row));
    let ours = ours_client(&server.base_url);
    let raw = http_client();
    let mut g = c.benchmark_group("call_list_wallets_100");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("ours", |b| b.iter(|| rt.block_on(ours_list_wallets(&ours))));
    g.bench_function("raw_naive", |b| {
        b.iter(|| rt.block_on(raw_list_wallets_naive(&raw, &server.base_url)))
    });
    g.bench_function("raw_our_types", |b| {
        b.iter(|| rt.block_on(raw_list_wallets_typed(&raw, &server.base_url)))
    });
    g.finish();

    // Drift detection: off (the baseline), probed (the default: every response through the
    // probe, checked in full when it flags or is sampled), every response checked in full
    // (strict mode), each on a page as the spec says; then off and probed on a page where
    // every row has an undeclared field and an unknown status.
    let server = Server::start(&rt, &page_body(100, wallet_row));
    let drifting = Server::start(&rt, &page_body(100, drifting_wallet_row));
    let off = ours_client_with(&server.base_url, |b| b.drift_detection(false));
    let probed = ours_client_with(&server.base_url, |b| b);
    let every = ours_client_with(&server.base_url, |b| b.strict(true));
    let off_drifting = ours_client_with(&drifting.base_url, |b| b.drift_detection(false));
    let probed_drifting = ours_client_with(&drifting.base_url, |b| b);
    let mut g = c.benchmark_group("drift_list_wallets_100");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    for (name, client) in [
        ("off", &off),
        ("probed", &probed),
        ("every_response", &every),
        ("off_drifting", &off_drifting),
        ("probed_drifting", &probed_drifting),
    ] {
        g.bench_function(name, |b| b.iter(|| rt.block_on(ours_list_wallets(client))));
    }
    g.finish();
}

fn decoding(c: &mut Criterion) {
    let wallets = page_body(100, wallet_row);
    let mut g = c.benchmark_group("decode_wallet_page_100");
    g.bench_function("ours", |b| {
        b.iter(|| decode_wallet_page_ours(black_box(&wallets)))
    });
    g.bench_function("naive", |b| {
        b.iter(|| decode_wallet_page_naive(black_box(&wallets)))
    });
    g.finish();

    let strings = string_wallet_page_body(100);
    let mut g = c.benchmark_group("decode_wallet_page_wire_forms_100");
    g.bench_function("number_money_vendor_datetime", |b| {
        b.iter(|| decode_wallet_page_ours(black_box(&wallets)))
    });
    g.bench_function("string_money_rfc3339", |b| {
        b.iter(|| decode_string_wallet_page(black_box(&strings)))
    });
    g.finish();

    // The drift probe: the same pages decoded plainly and through the probe, in one group.
    let cards = page_body(100, card_row);
    let mut g = c.benchmark_group("drift_probe_decode_100");
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    g.bench_function("wallets_plain", |b| {
        b.iter(|| decode_wallet_page_ours(black_box(&wallets)))
    });
    g.bench_function("wallets_probed", |b| {
        b.iter(|| decode_wallet_page_probed(black_box(&wallets)))
    });
    g.bench_function("cards_plain", |b| {
        b.iter(|| decode_card_page_ours(black_box(&cards)))
    });
    g.bench_function("cards_probed", |b| {
        b.iter(|| decode_card_page_probed(black_box(&cards)))
    });
    g.finish();

    let mut g = c.benchmark_group("decode_card_page_100");
    g.bench_function("ours", |b| {
        b.iter(|| decode_card_page_ours(black_box(&cards)))
    });
    g.bench_function("naive", |b| {
        b.iter(|| decode_card_page_naive(black_box(&cards)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = calls, decoding
}
criterion_main!(benches);
