//! What a team using the generated `card-wallet` crate writes as an integration test of its
//! own code, with the mock in place of the vendor's sandbox: open a card whose reply is lost,
//! settle it through the order lookup, then receive and verify the order webhook.
//!
//! The mock runs in-process here (`apigen_mock::spawn`); against a mock started with
//! `cargo run -p apigen-mock -- --spec spec --port 8080 --config faults.yaml --webhook-url …`
//! the same test only needs the base URL.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apigen_mock::{FaultRule, Options, WebhookOptions};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use card_wallet::api::Recovered;
use card_wallet::webhooks::{Event, HmacSha256Verifier, MemoryStore, Receiver, Refetched};
use card_wallet::{Client, Credentials, Error, RetryPolicy, requests, types};
use rust_decimal::Decimal;

const WEBHOOK_SECRET: &str = "consumer-test-secret";

// ---- the consumer's code under test ----

/// Opens a card exactly once: a lost reply is settled by the lookup; when the vendor has
/// no record the same request (same `out_order_id`) is sent again.
async fn open_card_once(
    client: &Client,
    request: &requests::OpenCardRequest,
) -> Result<types::Order, Error> {
    match client.order().open_card_and_recover(request).await? {
        Recovered::Done(order) | Recovered::Found(order) => Ok(order),
        Recovered::NotFound { .. } => client.order().open_card(request).await,
    }
}

/// What the consumer's webhook endpoint shares: the receiver (verify, parse, deduplicate,
/// acknowledge after the handler) and where the handler persists events.
struct Hooks {
    receiver: Receiver,
    events: Mutex<Vec<Event>>,
}

/// The consumer's webhook endpoint: the handler "persists" the event (a list here, a
/// database in a real service) and the vendor gets its acknowledgement only after that.
async fn receive(State(hooks): State<Arc<Hooks>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let receipt = hooks
        .receiver
        .receive(&headers, &body, |delivery| async {
            hooks
                .events
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(delivery.event);
            Ok::<(), std::convert::Infallible>(())
        })
        .await;
    StatusCode::from_u16(receipt.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

// ---- the test ----

#[tokio::test]
async fn a_card_opened_with_a_lost_reply_is_recovered_and_its_webhook_verified() {
    // The consumer's webhook receiver, on loopback.
    let verifier = HmacSha256Verifier::new(WEBHOOK_SECRET).expect("a non-blank secret");
    let hooks = Arc::new(Hooks {
        receiver: Receiver::new(verifier, MemoryStore::default()),
        events: Mutex::default(),
    });
    let app = Router::new()
        .route("/webhooks", post(receive))
        .with_state(Arc::clone(&hooks));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook_url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The mock: every open_card reply is lost after the order is recorded; events are
    // signed and sent to the receiver.
    let spec = apigen::load_api(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec"
    )))
    .unwrap();
    let options = Options {
        faults: vec![FaultRule {
            endpoint: "open_card".into(),
            probability: 1.0,
            fault: "drop-after".into(),
        }],
        webhooks: WebhookOptions {
            url: Some(webhook_url),
            secret: Some(WEBHOOK_SECRET.into()),
            ..WebhookOptions::default()
        },
        ..Options::default()
    };
    let mock = apigen_mock::spawn(spec, options).await.unwrap();
    let client = Client::builder(mock.base_url())
        .credentials(Credentials::new(
            10001001,
            100001,
            "ae9ae3f5ad284ef4836de18aa3d41c47",
        ))
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    // 1. Open the card: the reply is lost, the lookup finds the order.
    let request = requests::OpenCardRequest::new(
        "consumer-order-1",
        "cpi_6530de6a2f1c7",
        "037c90d5c0204d6c87bf21d569209b3a",
        Decimal::from_str("50.00").unwrap(),
    );
    let order = open_card_once(&client, &request).await.unwrap();
    assert_eq!(order.out_order_id, "consumer-order-1");
    assert_eq!(order.amount, Decimal::from_str("50.00").unwrap());

    // 2. The vendor reports the order's outcome: ask the mock to send the event.
    let trigger = reqwest::Client::new()
        .post(format!(
            "{}/__mock/webhooks/order/order.status.success",
            mock.base_url()
        ))
        .body(r#"{"out_order_id": "consumer-order-1"}"#)
        .send()
        .await
        .unwrap();
    assert!(
        trigger.status().is_success(),
        "{}",
        trigger.text().await.unwrap_or_default()
    );

    // 3. The receiver verified and parsed it; re-fetching it finds the same order.
    let event = hooks
        .events
        .lock()
        .unwrap()
        .pop()
        .expect("one event received");
    let Event::OrderSucceeded(payload) = &event else {
        panic!("expected order.status.success, got {}", event.tag());
    };
    assert_eq!(payload.order_id, order.order_id);
    let Some(Refetched::Order(current)) = event.refetch(&client).await.unwrap() else {
        panic!("an order event re-fetches an order");
    };
    assert_eq!(current.order_id, order.order_id);
    assert_eq!(current.out_order_id, "consumer-order-1");
}
