//! A webhook receiver that loses nothing and trusts nothing: verify, parse, deduplicate,
//! **persist, then acknowledge**, and re-fetch from the journal with bounded concurrency and
//! rate.
//!
//! ```sh
//! PORT=8080 \
//! CARD_WALLET_WEBHOOK_SECRET=whsec-shared-secret \
//! CARD_WALLET_BASE_URL=https://api.example.com \
//! CARD_WALLET_CUSTOMER_ID=10001001 \
//! CARD_WALLET_APP_ID=100001 \
//! CARD_WALLET_KEY=ae9ae3f5ad284ef4836de18aa3d41c47 \
//! cargo run -p client-examples --bin webhook_receiver
//! ```
//!
//! It listens on `127.0.0.1:$PORT` (default 8080) and accepts `POST /webhook` through the
//! runtime's [`Receiver`](card_wallet::webhooks::Receiver):
//!
//! 1. **Verify**: HMAC-SHA256 of the raw body in the `x-signature` header. The secret is
//!    required: a missing, empty or blank `CARD_WALLET_WEBHOOK_SECRET` stops the program at
//!    start. `CARD_WALLET_WEBHOOK_PREVIOUS_SECRET` is also accepted (key rotation);
//!    `CARD_WALLET_WEBHOOK_SIGNATURE_HEADERS` (comma-separated) replaces the header names; with
//!    `CARD_WALLET_WEBHOOK_TIMESTAMP_HEADER` the MAC also covers a Unix-seconds timestamp
//!    that must be within 5 minutes. The vendor documents **no** signature: this scheme is an
//!    assumption to confirm with them. Failure → `401`, and nothing else happens.
//! 2. **Parse** (1 MiB limit; larger bodies get `413` before being buffered). Failure → `400`.
//! 3. **Deduplicate**: a delivery already handled (same tag, object id and status) gets the
//!    acknowledgement without being journaled again.
//! 4. **Persist, then acknowledge**: the delivery is appended to the journal
//!    (`CARD_WALLET_WEBHOOK_JOURNAL`, default `webhook-journal.jsonl`) and synced to disk; only
//!    then does the vendor get `200`. If the write fails the vendor gets `500` and retries.
//!    The journal holds no card data: fields the spec marks sensitive are blanked.
//! 5. **Re-fetch** from the journal, at most 4 at a time and 5 per second, when the
//!    `CARD_WALLET_*` client settings are present (`CARD_WALLET_VERSION` optional): print the
//!    fresh status and mark the entry done. A failed re-fetch is retried (5 times, with a
//!    growing pause); entries still pending are picked up at the next start. A re-fetch that
//!    returns another object than the event's is reported and not acted on.
//!
//! Delivery is at least once: after a crash between the journal write and the answer, the
//! vendor's retry is journaled again and re-fetched twice, which is harmless (a re-fetch
//! only reads). Only log-safe tags, kinds, ids and statuses are printed.
//!
//! Try it:
//!
//! ```sh
//! BODY='{"eventTag":"card.trade.auth","data":{"trade_id":"t1","card_id":"c1","trade_type":1,"trade_result":1,"trade_amount":8.5,"trade_currency":"EUR","billing_amount":9.23,"billing_currency":"USD","trade_at":"2025-03-04 11:20:05"}}'
//! SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$CARD_WALLET_WEBHOOK_SECRET" | sed 's/^.* //')
//! curl -i http://127.0.0.1:8080/webhook -H 'content-type: application/json' \
//!      -H "x-signature: $SIG" --data "$BODY"
//! ```

mod journal;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use card_wallet::runtime::Service as _;
use card_wallet::service::Api;
use card_wallet::webhooks::{
    Event, HmacSha256Verifier, MemoryStore, Parser, Receiver, RefetchError, Refetched,
};
use card_wallet::{Client, Credentials};
use tokio::sync::{Semaphore, mpsc};

use journal::{Entry, Journal, blank_sensitive};

/// Timestamp tolerance when a timestamp header is configured.
const TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(300);
/// Re-fetches running at once.
const REFETCH_CONCURRENCY: usize = 4;
/// Pause between the starts of two re-fetches (5 per second).
const REFETCH_INTERVAL: Duration = Duration::from_millis(200);
/// Attempts per entry before it is left for the next start.
const REFETCH_ATTEMPTS: u32 = 5;
/// Journaled entries waiting for the re-fetch worker; a full queue slows the answers down.
const QUEUE: usize = 1024;

struct AppState {
    receiver: Receiver,
    journal: Journal,
    queue: mpsc::Sender<Entry>,
}

/// A non-empty, trimmed environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A secret variable: `None` when unset, an error when set but empty or blank.
fn secret(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(value) if value.trim().is_empty() => Err(format!(
            "{name} is empty or blank: that would accept any signature"
        )),
        Ok(value) => Ok(Some(value)),
    }
}

fn header_name(variable: &str, name: &str) -> Result<String, String> {
    HeaderName::from_bytes(name.as_bytes())
        .map(|_| name.to_owned())
        .map_err(|_| format!("{variable}: `{name}` is not a valid header name"))
}

/// The verifier. Verification is not optional here: without a secret the program stops.
fn verifier() -> Result<HmacSha256Verifier, String> {
    let current = secret("CARD_WALLET_WEBHOOK_SECRET")?.ok_or(
        "set CARD_WALLET_WEBHOOK_SECRET: deliveries are verified (opting out is a code change: \
         `Receiver::without_verification`)",
    )?;
    let mut verifier = HmacSha256Verifier::new(current).map_err(|e| e.to_string())?;
    if let Some(previous) = secret("CARD_WALLET_WEBHOOK_PREVIOUS_SECRET")? {
        verifier = verifier.with_secret(previous).map_err(|e| e.to_string())?;
    }
    if let Some(names) = env("CARD_WALLET_WEBHOOK_SIGNATURE_HEADERS") {
        let variable = "CARD_WALLET_WEBHOOK_SIGNATURE_HEADERS";
        let mut names = names.split(',').map(str::trim).filter(|n| !n.is_empty());
        let first = names.next().ok_or(format!("{variable} names no header"))?;
        verifier = verifier.signature_header(&header_name(variable, first)?);
        for name in names {
            verifier = verifier.also_signature_header(&header_name(variable, name)?);
        }
    }
    if let Some(name) = env("CARD_WALLET_WEBHOOK_TIMESTAMP_HEADER") {
        let name = header_name("CARD_WALLET_WEBHOOK_TIMESTAMP_HEADER", &name)?;
        verifier = verifier.timestamp(&name, TIMESTAMP_TOLERANCE);
    }
    Ok(verifier)
}

/// The API client, when all of its settings are present; an error when only some are.
fn client() -> Result<Option<Client>, String> {
    const REQUIRED: [&str; 4] = [
        "CARD_WALLET_BASE_URL",
        "CARD_WALLET_CUSTOMER_ID",
        "CARD_WALLET_APP_ID",
        "CARD_WALLET_KEY",
    ];
    let values: Vec<Option<String>> = REQUIRED.iter().map(|name| env(name)).collect();
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [Some(base_url), Some(customer_id), Some(app_id), Some(key)] =
        <[Option<String>; 4]>::try_from(values).unwrap_or_default()
    else {
        return Err(format!(
            "set all of {} to enable refetching (or none of them)",
            REQUIRED.join(", ")
        ));
    };
    let number = |name: &str, value: &str| {
        value
            .parse::<i64>()
            .map_err(|_| format!("{name} must be an integer"))
    };
    let credentials = Credentials::new(
        number("CARD_WALLET_CUSTOMER_ID", &customer_id)?,
        number("CARD_WALLET_APP_ID", &app_id)?,
        key,
    );
    let mut builder = Client::builder(base_url)
        .credentials(credentials)
        .timeout(Duration::from_secs(20));
    if let Some(version) = env("CARD_WALLET_VERSION") {
        builder = builder.version(version);
    }
    builder.build().map(Some).map_err(|e| e.to_string())
}

/// Verify, parse, deduplicate, persist, acknowledge.
async fn receive(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let (shared, raw) = (&state, &body);
    let receipt = state
        .receiver
        .receive(&headers, &body, |delivery| async move {
            let state = shared;
            let body = blank_sensitive(raw, Api::SPEC.sensitive_fields)
                .ok_or("the parsed body is not JSON")?;
            let entry = Entry {
                key: delivery.key.to_string(),
                body,
            };
            state
                .journal
                .append(&entry)
                .map_err(|_| "the journal could not be written")?;
            println!(
                "journaled {} (kind {})",
                delivery.event.tag(),
                delivery.event.kind().unwrap_or("unknown")
            );
            state
                .queue
                .send(entry)
                .await
                .map_err(|_| "the re-fetch worker stopped")
        })
        .await;
    match &receipt.handling {
        card_wallet::webhooks::Handling::Rejected(error) => {
            eprintln!("rejected delivery: {error}");
        }
        card_wallet::webhooks::Handling::Failed(reason) => {
            eprintln!("delivery not acknowledged: {reason}");
        }
        _ => {}
    }
    let status =
        StatusCode::from_u16(receipt.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, receipt.content_type())],
        receipt.body(),
    )
        .into_response()
}

/// Re-fetches journaled entries, at most [`REFETCH_CONCURRENCY`] at a time and one start per
/// [`REFETCH_INTERVAL`].
async fn refetch_worker(
    mut queue: mpsc::Receiver<Entry>,
    state: Arc<AppState>,
    client: Option<Client>,
) {
    let Some(client) = client else {
        while let Some(entry) = queue.recv().await {
            println!(
                "  {}: kept in the journal (no CARD_WALLET_* client settings to re-fetch it)",
                entry.key
            );
        }
        return;
    };
    let permits = Arc::new(Semaphore::new(REFETCH_CONCURRENCY));
    let mut pace = tokio::time::interval(REFETCH_INTERVAL);
    while let Some(entry) = queue.recv().await {
        pace.tick().await;
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let (state, client) = (Arc::clone(&state), client.clone());
        tokio::spawn(async move {
            if refetch_entry(&client, &entry).await
                && let Err(error) = state.journal.mark_done(&entry.key)
            {
                eprintln!("  {}: could not mark done: {error}", entry.key);
            }
            drop(permit);
        });
    }
}

/// Re-fetches one entry, retrying API failures; true when the entry is settled (re-fetched,
/// nothing to re-fetch, or unusable).
async fn refetch_entry(client: &Client, entry: &Entry) -> bool {
    let event = match Parser::new().parse(entry.body.as_bytes()) {
        Ok(event) => event,
        Err(error) => {
            eprintln!("  {}: journal entry unreadable: {error}", entry.key);
            return true;
        }
    };
    let tag = event.tag();
    for attempt in 1..=REFETCH_ATTEMPTS {
        match event.refetch(client).await {
            Ok(fresh) => {
                report(&event, fresh);
                return true;
            }
            Err(error @ RefetchError::Mismatch { .. }) => {
                eprintln!("  {tag}: NOT acted on: {error}");
                return true;
            }
            Err(error) => {
                eprintln!("  {tag}: re-fetch attempt {attempt} failed: {error}");
                if attempt < REFETCH_ATTEMPTS {
                    tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                }
            }
        }
    }
    eprintln!("  {tag}: still pending; retried at the next start");
    false
}

/// Prints the re-fetched object's id and fresh status (nothing else).
fn report(event: &Event, fresh: Option<Refetched>) {
    let tag = event.tag();
    match fresh {
        Some(Refetched::Order(order)) => {
            println!("  {tag}: order {} is {}", order.order_id, order.status);
        }
        Some(Refetched::Card(card)) => {
            println!("  {tag}: card {} is {}", card.card_id, card.status);
        }
        Some(Refetched::Payee(payee)) => {
            println!("  {tag}: payee {} is {}", payee.payee_id, payee.status);
        }
        Some(Refetched::Payment(payment)) => {
            println!(
                "  {tag}: payment {} is {}",
                payment.payment_sn, payment.status
            );
        }
        Some(Refetched::Wallet(transaction)) => {
            println!(
                "  {tag}: transaction {} is {}",
                transaction.transaction_sn, transaction.status
            );
        }
        Some(_) => println!("  {tag}: re-fetched"),
        None => println!(
            "  {tag}: no detail endpoint; confirm it through the list endpoints before acting"
        ),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (verifier, client) = match verifier().and_then(|v| Ok((v, client()?))) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let port = match env("PORT").map(|p| p.parse::<u16>()) {
        None => 8080,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("error: PORT must be a port number");
            return ExitCode::from(2);
        }
    };
    let path = PathBuf::from(
        env("CARD_WALLET_WEBHOOK_JOURNAL").unwrap_or_else(|| "webhook-journal.jsonl".into()),
    );
    let (journal, pending) = match Journal::open(&path) {
        Ok(opened) => opened,
        Err(error) => {
            eprintln!("error: cannot open the journal {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };

    println!("signature verification: on (HMAC-SHA256, an assumed scheme)");
    println!(
        "refetch: {}",
        if client.is_some() {
            "on"
        } else {
            "off (set the CARD_WALLET_* client settings to enable)"
        }
    );
    println!("journal: {} ({} pending)", path.display(), pending.len());

    let (queue, queued) = mpsc::channel(QUEUE);
    let receiver = Receiver::new(verifier, MemoryStore::default());
    let body_limit = receiver.body_limit();
    let state = Arc::new(AppState {
        receiver,
        journal,
        queue,
    });
    tokio::spawn(refetch_worker(queued, Arc::clone(&state), client));
    // Entries left from an earlier run go first.
    let requeue = state.queue.clone();
    tokio::spawn(async move {
        for entry in pending {
            if requeue.send(entry).await.is_err() {
                return;
            }
        }
    });

    let app = Router::new()
        .route("/webhook", post(receive))
        // Refuse oversized bodies before buffering them (413); the parser checks again.
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);

    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://127.0.0.1:{port}/webhook");
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use serde_json::Value;

    use super::*;

    /// A card as the detail endpoint and the webhook carry it.
    fn card(card_id: &str) -> Value {
        serde_json::json!({
            "card_id": card_id, "order_id": "ord_1", "out_order_id": "p_1", "app_id": 1,
            "bin_id": "b", "holder_id": "", "card_no": "491090123456789012345", "balance": 10,
            "limit": 10, "expiry": "03/28", "cvv": "123", "pin": "", "status": 2,
            "use_at": "", "close_at": "", "end_at": "", "mark": ""
        })
    }

    /// Calls in flight now and at most, seen by the fake detail endpoint.
    #[derive(Default)]
    struct Load {
        now: AtomicUsize,
        max: AtomicUsize,
        calls: AtomicUsize,
    }

    /// A fake `card/getCardDetail` that takes 100 ms per call and answers with the card asked
    /// for.
    async fn card_detail(State(load): State<Arc<Load>>, body: Bytes) -> Response {
        let request: Value = serde_json::from_slice(&body).unwrap_or_default();
        let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
        load.max.fetch_max(now, Ordering::SeqCst);
        load.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        load.now.fetch_sub(1, Ordering::SeqCst);
        let card_id = request["card_id"].as_str().unwrap_or_default();
        let answer = serde_json::json!({"code": 0, "message": "success", "data": card(card_id)});
        (
            [(header::CONTENT_TYPE, "application/json")],
            answer.to_string(),
        )
            .into_response()
    }

    #[tokio::test]
    async fn journaled_entries_are_refetched_with_bounded_concurrency_and_rate_then_marked_done() {
        let load = Arc::new(Load::default());
        let api = Router::new()
            .route("/v1/openApi/card/getCardDetail", post(card_detail))
            .with_state(Arc::clone(&load));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, api).await });
        let client = Client::builder(base_url)
            .credentials(Credentials::new(1, 2, "test-key"))
            .build()
            .unwrap();

        let dir = std::env::temp_dir().join(format!("receiver-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.jsonl");
        let (journal, _) = Journal::open(&path).unwrap();
        let (queue, queued) = mpsc::channel(QUEUE);
        let state = Arc::new(AppState {
            receiver: Receiver::new(HmacSha256Verifier::new("k").unwrap(), MemoryStore::new(10)),
            journal,
            queue,
        });
        const ENTRIES: usize = 12;
        for n in 0..ENTRIES {
            let body = serde_json::json!({"eventTag": "card.status.active", "data": card(&format!("cid_{n}"))});
            let entry = Entry {
                key: format!("k{n}"),
                body: body.to_string(),
            };
            state.journal.append(&entry).unwrap();
            state.queue.send(entry).await.unwrap();
        }
        let started = Instant::now();
        tokio::spawn(refetch_worker(queued, Arc::clone(&state), Some(client)));
        while !Journal::open(&path).unwrap().1.is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "re-fetches did not finish"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(load.calls.load(Ordering::SeqCst), ENTRIES);
        assert!(load.max.load(Ordering::SeqCst) <= REFETCH_CONCURRENCY);
        // The first start is immediate, then one per interval.
        let paced = REFETCH_INTERVAL * u32::try_from(ENTRIES - 1).unwrap();
        assert!(
            started.elapsed() >= paced,
            "{:?} < {paced:?}",
            started.elapsed()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
