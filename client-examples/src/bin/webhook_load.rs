//! Loopback load test of the webhook receiver building block, against a baseline in the same
//! run, and the memory of the bounded delivery store. The figures in `BENCHMARKS.md` come from
//! here.
//!
//! ```sh
//! cargo run --release -p client-examples --bin webhook_load              # throughput and latency
//! cargo run --release -p client-examples --bin webhook_load -- memory    # store memory
//! ```
//!
//! **Throughput**: two servers on `127.0.0.1:0` in this process, driven by the same client
//! (16 concurrent connections, every delivery a distinct signed `payment.status.success`
//! body of about 600 bytes):
//!
//! * *baseline*: an axum handler that reads the body and answers the acknowledgement;
//! * *receiver*: `webhooks::Receiver` with HMAC-SHA256 verification and a `MemoryStore`
//!   (verify, parse into the typed event, check the implied status, derive the delivery key,
//!   claim it, call a handler that returns `Ok`, complete it), then the same answer.
//!
//! Rounds alternate baseline / receiver; the report gives each round and the ratio of the
//! medians. **Memory**: resident set growth while a `MemoryStore` remembers 1,000,000 keys,
//! against a plain `Vec` of the same 1,000,000 keys (16 bytes each) in the same run.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use card_wallet::webhooks::{
    DeliveryKey, DeliveryStore as _, HmacSha256Verifier, MemoryStore, Receiver, ack,
};

const SECRET: &str = "whsec-load-test";
const DELIVERIES: usize = 20_000;
const CONNECTIONS: usize = 16;
const ROUNDS: usize = 3;
const KEYS: u32 = 1_000_000;

fn body(n: usize) -> String {
    format!(
        r#"{{"eventTag":"payment.status.success","data":{{"payment_id":{n},"payment_sn":"pay_{n:032}","out_order_id":"platform_pay_{n}","payee_id":300021,"wallet_sn":"037c90d5c0204d6c87bf21d569209b3a","pay_method":"SWIFT","amount":2000.00,"currency":"USD","payee_amount":2000,"payee_currency":"USD","rate":1,"fee":25,"fee_mode":2,"total_amount":2025,"reason":"GOODS_PURCHASE","remark":"INV-2025-0042","status":4,"fail_reason":"","create_at":"2025-03-06 10:00:00","finish_at":"2025-03-07 03:21:45"}}}}"#
    )
}

fn answer(status: u16, content_type: &'static str, body: &'static str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn baseline(_body: Bytes) -> Response {
    let ack = ack();
    answer(ack.status, ack.content_type(), ack.body)
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let receipt = receiver
        .receive(&headers, &body, |_delivery| async { Ok::<(), String>(()) })
        .await;
    answer(receipt.status(), receipt.content_type(), receipt.body())
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let url = format!("http://{}/webhook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// One round's result.
struct Round {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Sends every delivery once over `CONNECTIONS` concurrent connections; every answer must be
/// the acknowledgement.
async fn round(url: &str, deliveries: &Arc<Vec<(String, String)>>) -> Round {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url, next, deliveries) = (
                client.clone(),
                url.to_owned(),
                Arc::clone(&next),
                Arc::clone(deliveries),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some((body, signature)) = deliveries.get(n) else {
                        return latencies;
                    };
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .header("x-signature", signature)
                        .body(body.clone())
                        .send()
                        .await
                        .expect("loopback request");
                    assert_eq!(response.status().as_u16(), ack().status);
                    response.bytes().await.expect("answer body");
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(deliveries.len());
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Round {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn throughput() {
    let signer = HmacSha256Verifier::new(SECRET).expect("a secret");
    let batch = |offset: usize| {
        Arc::new(
            (offset..offset + DELIVERIES)
                .map(|n| {
                    let body = body(n);
                    let signature = signer.sign(body.as_bytes(), None);
                    (body, signature)
                })
                .collect::<Vec<_>>(),
        )
    };
    let base_url = serve(Router::new().route("/webhook", post(baseline))).await;
    let receiver = Arc::new(Receiver::new(
        HmacSha256Verifier::new(SECRET).expect("a secret"),
        MemoryStore::new(1_000_000),
    ));
    let receiver_url = serve(
        Router::new()
            .route("/webhook", post(receive))
            .with_state(receiver),
    )
    .await;

    println!("{DELIVERIES} deliveries per round, {CONNECTIONS} connections, {ROUNDS} rounds each");
    let (mut base, mut ours) = (Vec::new(), Vec::new());
    for r in 0..ROUNDS {
        // Fresh payment numbers every round, so that the receiver handles each one.
        let deliveries = batch(r * DELIVERIES);
        for (name, url, results) in [
            ("baseline", &base_url, &mut base),
            ("receiver", &receiver_url, &mut ours),
        ] {
            let result = round(url, &deliveries).await;
            println!(
                "round {} {name:8}: {:8.0} deliveries/s  p50 {:>7.3} ms  p99 {:>7.3} ms",
                r + 1,
                result.per_second,
                result.p50.as_secs_f64() * 1e3,
                result.p99.as_secs_f64() * 1e3
            );
            results.push(result);
        }
    }
    let rate = |rounds: &[Round]| median(rounds.iter().map(|r| r.per_second).collect());
    let p99 = |rounds: &[Round]| median(rounds.iter().map(|r| r.p99.as_secs_f64() * 1e3).collect());
    println!(
        "median: baseline {:.0}/s p99 {:.3} ms; receiver {:.0}/s p99 {:.3} ms; throughput ratio receiver/baseline {:.2}; p99 ratio {:.2}",
        rate(&base),
        p99(&base),
        rate(&ours),
        p99(&ours),
        rate(&ours) / rate(&base),
        p99(&ours) / p99(&base)
    );
}

/// Resident set size of this process in bytes (Linux `/proc/self/statm`).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory() -> Option<()> {
    let keys: Vec<DeliveryKey> = (0..KEYS)
        .map(|n| DeliveryKey::from_parts(["payment.status.success", &n.to_string()]))
        .collect();
    let before_copy = rss()?;
    let copy = keys.clone();
    let plain = rss()?.saturating_sub(before_copy);
    drop(copy);

    let before_store = rss()?;
    let store = MemoryStore::new(KEYS as usize);
    for key in &keys {
        store.begin(*key);
        store.complete(*key);
    }
    let stored = rss()?.saturating_sub(before_store);
    assert_eq!(store.len(), KEYS as usize);
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "{KEYS} keys: MemoryStore {:.1} MB ({:.1} B/key); plain Vec of the keys {:.1} MB ({:.1} B/key); ratio {:.2}",
        mb(stored),
        stored as f64 / f64::from(KEYS),
        mb(plain),
        plain as f64 / f64::from(KEYS),
        stored as f64 / plain as f64
    );
    Some(())
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("memory") {
        return match memory() {
            Some(()) => ExitCode::SUCCESS,
            None => {
                eprintln!("error: cannot read /proc/self/statm");
                ExitCode::FAILURE
            }
        };
    }
    throughput().await;
    ExitCode::SUCCESS
}
