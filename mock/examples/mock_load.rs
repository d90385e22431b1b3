//! Load test of a running mock: requests per second and latency of `get_wallet_detail` under
//! concurrent clients, against `GET /__mock/health` (the same server with no spec work) as
//! the baseline of the same run; then the mock's resident memory before and after a number of
//! `open_card` calls with distinct idempotency keys.
//!
//! ```sh
//! cargo build --release -p apigen-mock --examples
//! target/release/apigen-mock --spec spec --port 8080 &
//! target/release/examples/mock_load --url http://127.0.0.1:8080 --pid $! \
//!     --concurrency 32 --seconds 10 --money-calls 100000
//! ```
//!
//! The memory figures read `VmRSS` of `--pid` from `/proc` (Linux only).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The settings, from `--name value` pairs.
struct Settings {
    url: String,
    pid: Option<u32>,
    concurrency: usize,
    seconds: u64,
    money_calls: usize,
}

fn settings() -> Result<Settings, String> {
    let mut settings = Settings {
        url: "http://127.0.0.1:8080".to_owned(),
        pid: None,
        concurrency: 32,
        seconds: 10,
        money_calls: 100_000,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let [name, value] = pair else {
            return Err(format!("{} needs a value", pair[0]));
        };
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} takes a number"))
        };
        match name.as_str() {
            "--url" => settings.url = value.trim_end_matches('/').to_owned(),
            "--pid" => {
                settings.pid = Some(
                    u32::try_from(number(value)?).map_err(|_| "--pid is too large".to_owned())?,
                )
            }
            "--concurrency" => {
                settings.concurrency = usize::try_from(number(value)?).unwrap_or(1).max(1)
            }
            "--seconds" => settings.seconds = number(value)?.max(1),
            "--money-calls" => settings.money_calls = usize::try_from(number(value)?).unwrap_or(0),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(settings)
}

/// One request of a load run.
#[derive(Clone)]
enum Target {
    Get(String),
    Post(String, Arc<Vec<u8>>),
}

/// Requests per second and latency percentiles of one run.
struct Run {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// `concurrency` workers sending `target` back to back for `seconds`.
async fn load(
    http: &reqwest::Client,
    target: &Target,
    concurrency: usize,
    seconds: u64,
) -> Result<Run, String> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let http = http.clone();
        let target = target.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let request = match &target {
                    Target::Get(url) => http.get(url),
                    Target::Post(url, body) => http
                        .post(url)
                        .header("content-type", "application/json")
                        .body(body.as_ref().clone()),
                };
                let response = request.send().await.map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("HTTP {}", response.status()));
                }
                response.bytes().await.map_err(|e| e.to_string())?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(Run {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
    })
}

/// `VmRSS` of process `pid` in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `total` open_card calls with distinct keys over `concurrency` workers; every answer must
/// be a success.
async fn money_calls(
    http: &reqwest::Client,
    url: &str,
    total: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let http = http.clone();
        let url = url.to_owned();
        workers.push(tokio::spawn(async move {
            for i in (worker..total).step_by(concurrency) {
                let body = json!({
                    "customer_id": 10001001, "app_id": 100001, "key": "ae9ae3f5ad284ef4836de18aa3d41c47",
                    "out_order_id": format!("load-{i:08}"), "bin_id": "cpi_6530de6a2f1c7",
                    "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a", "amount": 10,
                });
                let answer: Value = http.post(&url).json(&body).send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
                if answer["code"] != json!(0) {
                    return Err(format!("call {i}: {answer}"));
                }
            }
            Ok::<_, String>(())
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| e.to_string())??;
    }
    Ok(started.elapsed())
}

fn print_run(name: &str, run: &Run) {
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} |",
        run.requests,
        run.per_second,
        run.p50.as_secs_f64() * 1000.0,
        run.p99.as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let settings = settings()?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(settings.concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let health = Target::Get(format!("{}/__mock/health", settings.url));
    let wallet_body = serde_json::to_vec(&json!({
        "customer_id": 10001001, "app_id": 100001, "key": "ae9ae3f5ad284ef4836de18aa3d41c47",
        "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
    }))
    .map_err(|e| e.to_string())?;
    let wallet = Target::Post(
        format!("{}/v1/openApi/wallet/getWalletDetail", settings.url),
        Arc::new(wallet_body),
    );

    println!(
        "{} concurrent clients, {} s per run, runs alternating\n",
        settings.concurrency, settings.seconds
    );
    println!("| run | requests | requests/s | p50 ms | p99 ms |\n|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for round in 1..=2 {
        let base = load(&http, &health, settings.concurrency, settings.seconds).await?;
        print_run(&format!("baseline: GET /__mock/health ({round})"), &base);
        let ours = load(&http, &wallet, settings.concurrency, settings.seconds).await?;
        print_run(&format!("get_wallet_detail ({round})"), &ours);
        ratios.push(ours.per_second / base.per_second);
    }
    let ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    println!(
        "\nget_wallet_detail / baseline requests/s: {}",
        ratios.join(", ")
    );

    if settings.money_calls > 0 {
        let before = settings.pid.and_then(rss_kib);
        let took = money_calls(
            &http,
            &format!("{}/v1/openApi/order/openCard", settings.url),
            settings.money_calls,
            settings.concurrency,
        )
        .await?;
        let after = settings.pid.and_then(rss_kib);
        let health: Value = http
            .get(format!("{}/__mock/health", settings.url))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "\n{} open_card calls with distinct keys in {:.1} s; ledger entries {} of capacity {}",
            settings.money_calls,
            took.as_secs_f64(),
            health["ledger_entries"],
            health["ledger_capacity"]
        );
        match (before, after) {
            (Some(before), Some(after)) => println!(
                "mock RSS: {:.1} MiB before, {:.1} MiB after ({:.0} bytes per call)",
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                (after.saturating_sub(before) * 1024) as f64 / settings.money_calls as f64
            ),
            _ => println!("mock RSS: not measured (give --pid of the mock on Linux)"),
        }
    }
    Ok(())
}
