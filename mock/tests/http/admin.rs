//! `/__mock/*`: health, the request log (redacted), reset, and webhooks.

use std::sync::{Arc, Mutex};

use apigen_mock::{Options, WebhookOptions};
use apigen_runtime::webhook::{HmacSha256Verifier, Verifier as _};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{admin_get, call, start, with_auth};

const OPEN_CARD: &str = "/v1/openApi/order/openCard";

/// What a receiver got: headers and body of each delivery.
type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A webhook receiver on loopback that answers 200 and keeps every delivery.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let app = Router::new()
        .route(
            "/hooks",
            post(
                |State(received): State<Received>, headers: HeaderMap, body: Bytes| async move {
                    received.lock().unwrap().push((headers, body));
                    r#"{"code":0,"message":"success"}"#
                },
            ),
        )
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn admin_post(base: &str, path: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn health_reports_the_spec_and_reset_forgets_everything() {
    let mock = start(Options::default()).await;
    let health = admin_get(&mock, "/__mock/health").await;
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["endpoints"],
        json!(crate::support::card_spec().endpoints.len())
    );

    call(
        &mock,
        OPEN_CARD,
        &with_auth(json!({"out_order_id": "R-1", "bin_id": "b", "wallet_sn": "w", "amount": 1})),
    )
    .await;
    assert_eq!(
        admin_get(&mock, "/__mock/health").await["ledger_entries"],
        json!(1)
    );
    let (status, _) = admin_post(&mock.base_url(), "/__mock/reset", "").await;
    assert_eq!(status, 200);
    assert_eq!(
        admin_get(&mock, "/__mock/health").await["ledger_entries"],
        json!(0)
    );
    assert_eq!(admin_get(&mock, "/__mock/requests").await, json!([]));
}

#[tokio::test]
async fn the_request_log_redacts_secrets() {
    let mock = start(Options::default()).await;
    let body = with_auth(json!({"card_no": "4111111111111234"}));
    call(&mock, "/v1/openApi/card/getCardList", &body).await;
    let log = admin_get(&mock, "/__mock/requests").await;
    let text = log.to_string();
    assert!(!text.contains("ae9ae3f5ad284ef4836de18aa3d41c47"), "{text}");
    assert!(!text.contains("4111111111111234"), "{text}");
    assert_eq!(log[0]["body"]["key"], "<redacted>");
    assert_eq!(log[0]["body"]["card_no"], "…1234");
    assert_eq!(log[0]["endpoint"], "list_cards");
    assert_eq!(log[0]["code"], json!(0));
}

#[tokio::test]
async fn a_webhook_is_sent_for_a_created_record_and_signed() {
    let (url, received) = receiver().await;
    let webhooks = WebhookOptions {
        url: Some(url),
        secret: Some("hook-secret".into()),
        ..WebhookOptions::default()
    };
    let mock = start(Options {
        webhooks,
        ..Options::default()
    })
    .await;
    let order = call(
        &mock,
        OPEN_CARD,
        &with_auth(json!({"out_order_id": "W-1", "bin_id": "b", "wallet_sn": "w", "amount": 1})),
    )
    .await
    .json()["data"]
        .clone();

    let (status, answer) = admin_post(
        &mock.base_url(),
        "/__mock/webhooks/order/order.status.success",
        r#"{"out_order_id": "W-1"}"#,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["delivery"]["status"], json!(200));

    let deliveries = received.lock().unwrap().clone();
    let (headers, body) = &deliveries[0];
    HmacSha256Verifier::new("hook-secret")
        .expect("a non-blank secret")
        .verify(headers, body)
        .expect("a valid signature");
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event["eventTag"], "order.status.success");
    assert_eq!(event["data"]["order_id"], order["order_id"]);
    assert_eq!(event["data"]["amount"], order["amount"]);

    // A card event about the same order carries the fields the two objects share.
    let (status, _) = admin_post(
        &mock.base_url(),
        "/__mock/webhooks/card/card.status.active",
        r#"{"out_order_id": "W-1"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let card_event: Value = serde_json::from_slice(&received.lock().unwrap()[1].1).unwrap();
    assert_eq!(card_event["data"]["out_order_id"], "W-1");
    assert_eq!(card_event["data"]["order_id"], order["order_id"]);
}

#[tokio::test]
async fn webhook_requests_naming_nothing_known_are_refused() {
    let (url, _received) = receiver().await;
    let webhooks = WebhookOptions {
        url: Some(url),
        ..WebhookOptions::default()
    };
    let mock = start(Options {
        webhooks,
        ..Options::default()
    })
    .await;
    let base = mock.base_url();
    assert_eq!(
        admin_post(&base, "/__mock/webhooks/nope/x", "").await.0,
        404
    );
    assert_eq!(
        admin_post(&base, "/__mock/webhooks/order/card.status.active", "")
            .await
            .0,
        404
    );
    assert_eq!(
        admin_post(
            &base,
            "/__mock/webhooks/order/order.status.success",
            r#"{"out_order_id": "none"}"#
        )
        .await
        .0,
        404
    );
    assert_eq!(
        admin_post(&base, "/__mock/webhooks/order/order.status.success", "[1]")
            .await
            .0,
        400
    );
    let (status, answer) =
        admin_post(&base, "/__mock/webhooks/order/order.status.success", "").await;
    assert_eq!(
        status, 200,
        "without a body the payload is synthesized: {answer}"
    );

    let unconfigured = start(Options::default()).await;
    let (status, answer) = admin_post(
        &unconfigured.base_url(),
        "/__mock/webhooks/order/order.status.success",
        "",
    )
    .await;
    assert_eq!(status, 502);
    assert!(
        answer["error"].as_str().unwrap().contains("--webhook-url"),
        "{answer}"
    );
}

#[tokio::test]
async fn money_calls_send_their_configured_follow_up_events() {
    let (url, received) = receiver().await;
    let webhooks = WebhookOptions {
        url: Some(url),
        follow_ups: [(
            "open_card".to_owned(),
            vec!["order.status.success".to_owned()],
        )]
        .into(),
        ..WebhookOptions::default()
    };
    let mock = start(Options {
        webhooks,
        ..Options::default()
    })
    .await;
    let body =
        with_auth(json!({"out_order_id": "F-1", "bin_id": "b", "wallet_sn": "w", "amount": 1}));
    call(&mock, OPEN_CARD, &body).await;
    call(&mock, OPEN_CARD, &body).await; // a replay sends nothing more
    for _ in 0..100 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let deliveries = received.lock().unwrap().clone();
    assert_eq!(deliveries.len(), 1);
    let event: Value = serde_json::from_slice(&deliveries[0].1).unwrap();
    assert_eq!(event["data"]["out_order_id"], "F-1");
}
