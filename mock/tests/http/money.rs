//! The idempotency ledger, lookups of created records and pages over them.

use apigen_mock::Options;
use serde_json::{Value, json};

use crate::support::{admin_get, call, start, with_auth};

const OPEN_CARD: &str = "/v1/openApi/order/openCard";
const ORDER_DETAIL: &str = "/v1/openApi/order/getOrderDetail";
const LIST_ORDERS: &str = "/v1/openApi/order/getOrderList";

fn open_card(out_order_id: &str, amount: &str) -> Value {
    let mut body = with_auth(json!({
        "out_order_id": out_order_id,
        "bin_id": "cpi_6530de6a2f1c7",
        "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
    }));
    body["amount"] = serde_json::from_str(amount).unwrap();
    body
}

#[tokio::test]
async fn the_same_key_and_body_replays_the_first_reply_byte_for_byte() {
    let mock = start(Options::default()).await;
    let first = call(&mock, OPEN_CARD, &open_card("A-1", "10.00")).await;
    assert_eq!(first.code(), 0);
    // Same body, keys in another order: still the same body.
    let reordered = br#"{"amount": 10.00, "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a", "bin_id": "cpi_6530de6a2f1c7", "out_order_id": "A-1", "key": "ae9ae3f5ad284ef4836de18aa3d41c47", "app_id": 100001, "customer_id": 10001001}"#;
    let again = crate::support::post_bytes(&mock, OPEN_CARD, reordered.to_vec(), None)
        .await
        .unwrap();
    assert_eq!(again.bytes, first.bytes);

    let log = admin_get(&mock, "/__mock/requests").await;
    let outcomes: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["created", "replayed"]);
}

#[tokio::test]
async fn the_same_key_with_another_body_gets_the_duplicate_order_error() {
    let mock = start(Options::default()).await;
    assert_eq!(
        call(&mock, OPEN_CARD, &open_card("A-2", "10.00"))
            .await
            .code(),
        0
    );
    let answer = call(&mock, OPEN_CARD, &open_card("A-2", "10.01")).await;
    assert_eq!(answer.code(), 3006, "{}", answer.message());
    assert!(
        answer.message().contains("DUPLICATE_CARD_ORDER"),
        "{}",
        answer.message()
    );
    assert!(
        answer.message().contains("out_order_id"),
        "{}",
        answer.message()
    );

    // Keys are per endpoint: the same out_order_id is new to create_payment.
    let payment = with_auth(json!({
        "out_order_id": "A-2", "payee_id": 7, "wallet_sn": "w", "amount": 5,
        "currency": "USD", "fee_mode": 1, "reason": "x"
    }));
    let create_payment = "/v1/openApi/payment/createPayment";
    assert_eq!(call(&mock, create_payment, &payment).await.code(), 0);
    let mut other = payment.clone();
    other["amount"] = json!(6);
    let answer = call(&mock, create_payment, &other).await;
    assert_eq!(answer.code(), 4006, "{}", answer.message());
    assert!(
        answer.message().contains("DUPLICATE_PAYMENT_ORDER"),
        "{}",
        answer.message()
    );
}

#[tokio::test]
async fn the_recovery_lookup_finds_created_orders_and_only_those() {
    let mock = start(Options::default()).await;
    let created = call(&mock, OPEN_CARD, &open_card("A-3", "25.50"))
        .await
        .json()["data"]
        .clone();
    let found = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "A-3"})),
    )
    .await
    .json();
    assert_eq!(found["data"], created);
    let by_id = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"order_id": created["order_id"]})),
    )
    .await
    .json();
    assert_eq!(by_id["data"], created);

    let missing = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "never-sent"})),
    )
    .await;
    assert_eq!(missing.code(), 3007, "{}", missing.message());
    assert!(missing.message().contains("ORDER_NOT_FOUND"));

    let example = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "platform_ord_5uY0AjUE"})),
    )
    .await;
    assert_eq!(example.code(), 0, "the spec's example order exists");
}

#[tokio::test]
async fn lists_page_over_created_records_then_synthesized_rows() {
    let mock = start(Options {
        list_rows: 3,
        ..Options::default()
    })
    .await;
    for key in ["L-1", "L-2"] {
        call(&mock, OPEN_CARD, &open_card(key, "1")).await;
    }
    let page = |page: i64, size: i64| with_auth(json!({"page": page, "page_size": size}));
    let first = call(&mock, LIST_ORDERS, &page(1, 4)).await.json()["data"].clone();
    assert_eq!(first["total"], json!(5));
    assert_eq!(first["page"], json!(1));
    assert_eq!(first["page_size"], json!(4));
    let list = first["list"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["out_order_id"], "L-2", "newest record first");
    assert_eq!(list[1]["out_order_id"], "L-1");
    let second = call(&mock, LIST_ORDERS, &page(2, 4)).await.json()["data"].clone();
    assert_eq!(second["list"].as_array().unwrap().len(), 1);
    assert_eq!(
        call(&mock, LIST_ORDERS, &page(2, 4)).await.json()["data"],
        second,
        "synthesized rows are stable"
    );

    let filtered = call(
        &mock,
        LIST_ORDERS,
        &with_auth(json!({"out_order_id": "L-1"})),
    )
    .await
    .json()["data"]
        .clone();
    assert_eq!(
        filtered["total"],
        json!(4),
        "one record and three synthesized rows"
    );
    let rows = filtered["list"].as_array().unwrap();
    assert!(
        rows.iter().all(|row| row["out_order_id"] == "L-1"),
        "every row matches the filter"
    );
}

#[tokio::test]
async fn the_ledger_forgets_the_oldest_key_past_its_capacity() {
    let mock = start(Options {
        ledger_capacity: 2,
        ..Options::default()
    })
    .await;
    for key in ["C-1", "C-2", "C-3"] {
        assert_eq!(call(&mock, OPEN_CARD, &open_card(key, "1")).await.code(), 0);
    }
    let health = admin_get(&mock, "/__mock/health").await;
    assert_eq!(health["ledger_entries"], json!(2));
    let forgotten = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "C-1"})),
    )
    .await;
    assert_eq!(forgotten.code(), 3007);
    let kept = call(
        &mock,
        ORDER_DETAIL,
        &with_auth(json!({"out_order_id": "C-3"})),
    )
    .await;
    assert_eq!(kept.code(), 0);
}
