//! Faults asked for per request (`X-Mock-Fault`) and drawn per run from fault rules.

use std::time::{Duration, Instant};

use apigen_mock::{FaultRule, Options};
use serde_json::json;

use crate::support::{admin_get, call, post, start, with_auth};

const WALLET_DETAIL: &str = "/v1/openApi/wallet/getWalletDetail";
const OPEN_CARD: &str = "/v1/openApi/order/openCard";
const ORDER_DETAIL: &str = "/v1/openApi/order/getOrderDetail";

fn wallet() -> serde_json::Value {
    with_auth(json!({"wallet_sn": "037c90d5c0204d6c87bf21d569209b3a"}))
}

fn open_card(key: &str) -> serde_json::Value {
    with_auth(json!({"out_order_id": key, "bin_id": "b", "wallet_sn": "w", "amount": 3}))
}

#[tokio::test]
async fn status_answers_an_html_page() {
    let mock = start(Options::default()).await;
    let answer = post(&mock, WALLET_DETAIL, &wallet(), Some("status=503"))
        .await
        .unwrap();
    assert_eq!(answer.status, 503);
    assert_eq!(answer.content_type, "text/html");
    assert!(
        String::from_utf8(answer.bytes)
            .unwrap()
            .starts_with("<html>")
    );
}

#[tokio::test]
async fn delay_waits_before_answering() {
    let mock = start(Options::default()).await;
    let started = Instant::now();
    let answer = post(&mock, WALLET_DETAIL, &wallet(), Some("delay-ms=300"))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.code(), 0);
}

#[tokio::test]
async fn drop_before_closes_without_recording() {
    let mock = start(Options::default()).await;
    let error = post(&mock, OPEN_CARD, &open_card("D-1"), Some("drop-before"))
        .await
        .unwrap_err();
    assert!(!error.is_status(), "{error}");
    let lookup = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "D-1"})),
    )
    .await;
    assert_eq!(lookup.code(), 3007, "nothing was recorded");
}

#[tokio::test]
async fn drop_after_records_then_closes_and_a_resend_replays() {
    let mock = start(Options::default()).await;
    assert!(
        post(&mock, OPEN_CARD, &open_card("D-2"), Some("drop-after"))
            .await
            .is_err()
    );
    let lookup = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "D-2"})),
    )
    .await;
    assert_eq!(lookup.code(), 0, "the order exists");
    let resent = call(&mock, OPEN_CARD, &open_card("D-2")).await;
    assert_eq!(resent.json()["data"], lookup.json()["data"]);
    let log = admin_get(&mock, "/__mock/requests").await;
    assert_eq!(log[0]["outcome"], "created, then dropped");
    assert_eq!(log[0]["status"], json!(null));
    assert_eq!(log[2]["outcome"], "replayed");
}

#[tokio::test]
async fn truncate_sends_half_the_body() {
    let mock = start(Options::default()).await;
    let whole = call(&mock, WALLET_DETAIL, &wallet()).await.bytes;
    let half = post(&mock, WALLET_DETAIL, &wallet(), Some("truncate"))
        .await
        .unwrap()
        .bytes;
    assert_eq!(half, whole[..whole.len() / 2]);
}

#[tokio::test]
async fn code_answers_a_business_error_from_the_spec() {
    let mock = start(Options::default()).await;
    let answer = post(&mock, WALLET_DETAIL, &wallet(), Some("code=1005"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.code(), 1005);
    assert_eq!(answer.message(), "rate limited");
}

#[tokio::test]
async fn a_bad_fault_header_is_refused_naming_it() {
    let mock = start(Options::default()).await;
    let answer = post(&mock, WALLET_DETAIL, &wallet(), Some("explode"))
        .await
        .unwrap();
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("explode"), "{}", answer.message());
}

#[tokio::test]
async fn fault_rules_draw_the_same_faults_for_the_same_seed() {
    let rules = vec![FaultRule {
        endpoint: "get_wallet_detail".into(),
        probability: 0.5,
        fault: "code=1005".into(),
    }];
    let run = |seed| {
        let rules = rules.clone();
        async move {
            let mock = start(Options {
                seed,
                faults: rules,
                ..Options::default()
            })
            .await;
            let mut codes = Vec::new();
            for _ in 0..40 {
                codes.push(call(&mock, WALLET_DETAIL, &wallet()).await.code());
            }
            codes
        }
    };
    let first = run(11).await;
    assert_eq!(run(11).await, first);
    let limited = first.iter().filter(|c| **c == 1005).count();
    assert!((8..=32).contains(&limited), "{limited} of 40 at p=0.5");
    assert_ne!(run(12).await, first);
}

#[tokio::test]
async fn fault_rules_naming_an_unknown_endpoint_are_refused_at_start() {
    let rules = vec![FaultRule {
        endpoint: "nope".into(),
        probability: 0.5,
        fault: "truncate".into(),
    }];
    let error = apigen_mock::spawn(
        crate::support::card_spec(),
        Options {
            faults: rules,
            ..Options::default()
        },
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("nope"), "{error}");
}
