//! A small webhook receiver: verify (when configured), parse, acknowledge, re-fetch.
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
//! It listens on `127.0.0.1:$PORT` (default 8080) and accepts `POST /webhook`:
//!
//! 1. **Verify**, only when `CARD_WALLET_WEBHOOK_SECRET` is set: HMAC-SHA256 of the raw body in
//!    the `x-signature` header (`CARD_WALLET_WEBHOOK_SIGNATURE_HEADER` to change it; with
//!    `CARD_WALLET_WEBHOOK_TIMESTAMP_HEADER` the MAC also covers a Unix-seconds timestamp
//!    that must be within 5 minutes). The vendor documents **no** signature: this scheme is an
//!    assumption to confirm with them. Failure → `401`.
//! 2. **Parse** (1 MiB limit; larger bodies get `413` before being buffered). Failure → `400`;
//!    only the error's message is logged, never the body.
//! 3. **Acknowledge** with the spec's answer (`200`, `{"code":0,"message":"success"}`).
//! 4. **Re-fetch** money-relevant events (orders, cards, card trades, payments, wallet
//!    transactions) in the background through the API when the `CARD_WALLET_*` client
//!    settings are present (`CARD_WALLET_VERSION` optional), and print the fresh status. This
//!    is the trust model without a signature: act on the re-fetched object, never on the body.
//!
//! Only tags, kinds, ids and statuses are printed: card numbers, CVVs and PINs never are.
//!
//! Try it (drop the `x-signature` header when no secret is set):
//!
//! ```sh
//! BODY='{"eventTag":"card.trade.auth","data":{"trade_id":"t1","card_id":"c1","trade_type":1,"trade_result":1,"trade_amount":8.5,"trade_currency":"EUR","billing_amount":9.23,"billing_currency":"USD","trade_at":"2025-03-04 11:20:05"}}'
//! SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$CARD_WALLET_WEBHOOK_SECRET" | sed 's/^.* //')
//! curl -i http://127.0.0.1:8080/webhook -H 'content-type: application/json' \
//!      -H "x-signature: $SIG" --data "$BODY"
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use card_wallet::webhooks::ack;
use card_wallet::webhooks::{Event, HmacSha256Verifier, Parser, Refetched, Verifier};
use card_wallet::{Client, Credentials};

/// Timestamp tolerance when a timestamp header is configured.
const TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(300);

struct AppState {
    verifier: Option<HmacSha256Verifier>,
    parser: Parser,
    client: Option<Client>,
}

/// A non-empty, trimmed environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn header_name(variable: &str) -> Result<Option<String>, String> {
    match env(variable) {
        Some(name) if HeaderName::from_bytes(name.as_bytes()).is_err() => {
            Err(format!("{variable} is not a valid header name"))
        }
        other => Ok(other),
    }
}

/// The verifier, when `CARD_WALLET_WEBHOOK_SECRET` is set.
fn verifier() -> Result<Option<HmacSha256Verifier>, String> {
    let Some(secret) = env("CARD_WALLET_WEBHOOK_SECRET") else {
        return Ok(None);
    };
    let mut verifier = HmacSha256Verifier::new(secret);
    if let Some(name) = header_name("CARD_WALLET_WEBHOOK_SIGNATURE_HEADER")? {
        verifier = verifier.signature_header(&name);
    }
    if let Some(name) = header_name("CARD_WALLET_WEBHOOK_TIMESTAMP_HEADER")? {
        verifier = verifier.timestamp(&name, TIMESTAMP_TOLERANCE);
    }
    Ok(Some(verifier))
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

/// Whether the event is about money (and so must be confirmed through the API).
fn money_relevant(event: &Event) -> bool {
    matches!(
        event.kind(),
        Some("order" | "card" | "card_trade" | "payment" | "wallet")
    )
}

async fn receive(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    // 1. Verify the raw bytes, before parsing.
    if let Some(verifier) = &state.verifier
        && let Err(error) = verifier.verify(&headers, &body)
    {
        eprintln!("rejected delivery: {error}");
        return (StatusCode::UNAUTHORIZED, "invalid signature").into_response();
    }

    // 2. Parse.
    let event = match state.parser.parse(&body) {
        Ok(event) => event,
        Err(error) => {
            eprintln!("rejected delivery: {error}");
            return (StatusCode::BAD_REQUEST, "malformed webhook").into_response();
        }
    };
    println!(
        "received {} (kind {})",
        event.tag(),
        event.kind().unwrap_or("unknown")
    );

    // 4. Re-fetch in the background, so that the acknowledgement goes out right away.
    if money_relevant(&event) {
        match state.client.clone() {
            Some(client) => {
                tokio::spawn(async move { refetch(&client, &event).await });
            }
            None => println!(
                "  {}: not re-fetched (no CARD_WALLET_* client settings); do not act on it",
                event.tag()
            ),
        }
    }

    // 3. Acknowledge as the spec says.
    let ack = ack();
    let status = StatusCode::from_u16(ack.status).unwrap_or(StatusCode::OK);
    (
        status,
        [(header::CONTENT_TYPE, ack.content_type())],
        ack.body,
    )
        .into_response()
}

/// Re-reads the event's object and prints its id and fresh status (nothing else).
async fn refetch(client: &Client, event: &Event) {
    let tag = event.tag();
    match event.refetch(client).await {
        Ok(Some(Refetched::Order(order))) => {
            println!("  {tag}: order {} is {}", order.order_id, order.status);
        }
        Ok(Some(Refetched::Card(card))) => {
            println!("  {tag}: card {} is {}", card.card_id, card.status);
        }
        Ok(Some(Refetched::Payee(payee))) => {
            println!("  {tag}: payee {} is {}", payee.payee_id, payee.status);
        }
        Ok(Some(Refetched::Payment(payment))) => {
            println!(
                "  {tag}: payment {} is {}",
                payment.payment_sn, payment.status
            );
        }
        Ok(Some(Refetched::Wallet(transaction))) => {
            println!(
                "  {tag}: transaction {} is {}",
                transaction.transaction_sn, transaction.status
            );
        }
        Ok(Some(_)) => println!("  {tag}: re-fetched"),
        Ok(None) => println!(
            "  {tag}: no detail endpoint; confirm it through the list endpoints before acting"
        ),
        Err(error) => eprintln!("  {tag}: re-fetch failed: {error}"),
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

    println!(
        "signature verification: {}",
        if verifier.is_some() {
            "on (HMAC-SHA256, an assumed scheme)"
        } else {
            "OFF (the vendor documents none; set CARD_WALLET_WEBHOOK_SECRET to enable)"
        }
    );
    println!(
        "refetch: {}",
        if client.is_some() {
            "on"
        } else {
            "off (set the CARD_WALLET_* client settings to enable)"
        }
    );

    let parser = Parser::new();
    let state = Arc::new(AppState {
        verifier,
        parser,
        client,
    });
    let app = Router::new()
        .route("/webhook", post(receive))
        // Refuse oversized bodies before buffering them (413); the parser checks again.
        .layer(DefaultBodyLimit::max(parser.body_limit()))
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
