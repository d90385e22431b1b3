//! Bad requests get the closest error code of the spec, naming the field.

use apigen_mock::Options;
use serde_json::{Value, json};

use crate::support::{auth, call, post_bytes, start, with_auth};

const WALLET_DETAIL: &str = "/v1/openApi/wallet/getWalletDetail";
const LIST_CARDS: &str = "/v1/openApi/card/getCardList";

/// Expects code `code` and a message naming `field` and the code's name.
fn assert_rejected(answer: &crate::support::Answer, code: i64, field: &str, name: &str) {
    assert_eq!(answer.status, 200);
    assert_eq!(answer.code(), code, "{}", answer.message());
    let message = answer.message();
    assert!(message.contains(field), "{message}");
    assert!(message.contains(name), "{message}");
    assert!(answer.json().get("data").is_none());
}

#[tokio::test]
async fn parameter_problems_get_invalid_parameter_naming_the_field() {
    let mock = start(Options::default()).await;
    let cases = [
        (json!({}), "wallet_sn", "missing required field"),
        (json!({"wallet_sn": 7}), "wallet_sn", "must be a string"),
        (
            json!({"wallet_sn": "w", "colour": "red"}),
            "colour",
            "unknown field",
        ),
    ];
    for (fields, field, what) in cases {
        let answer = call(&mock, WALLET_DETAIL, &with_auth(fields)).await;
        assert_rejected(&answer, 1002, field, "INVALID_PARAMETER");
        assert!(answer.message().contains(what), "{}", answer.message());
    }
    let answer = call(&mock, LIST_CARDS, &with_auth(json!({"status": 99}))).await;
    assert_rejected(&answer, 1002, "status", "CardStatus");
    let answer = call(
        &mock,
        LIST_CARDS,
        &with_auth(json!({"start_time": "2025-03-03T02:40:57"})),
    )
    .await;
    assert_rejected(&answer, 1002, "start_time", "YYYY-MM-DD HH:MM:SS");
    let answer = call(&mock, LIST_CARDS, &with_auth(json!({"page": 1.5}))).await;
    assert_rejected(&answer, 1002, "page", "integer");
}

#[tokio::test]
async fn malformed_bodies_get_the_same_treatment() {
    let mock = start(Options::default()).await;
    for body in [&b"{\"wallet_sn\": "[..], b"", b"[1,2]", b"\xff\xfe"] {
        let answer = post_bytes(&mock, WALLET_DETAIL, body.to_vec(), None)
            .await
            .unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "application/json");
        assert_eq!(answer.code(), 1002, "{}", answer.message());
    }
}

#[tokio::test]
async fn auth_problems_get_auth_failed_and_never_echo_the_key() {
    let mock = start(Options::default()).await;
    let mut body = auth();
    body.remove("app_id");
    body.insert("wallet_sn".into(), json!("w"));
    let answer = call(&mock, WALLET_DETAIL, &Value::Object(body)).await;
    assert_rejected(&answer, 1003, "app_id", "AUTH_FAILED");

    let answer = call(
        &mock,
        WALLET_DETAIL,
        &with_auth(json!({"wallet_sn": "w", "customer_id": "10001001"})),
    )
    .await;
    assert_rejected(&answer, 1003, "customer_id", "AUTH_FAILED");

    let credentials = apigen_mock::parse_credentials(
        &crate::support::card_spec(),
        "customer_id=10001001,app_id=100001,key=the-right-key",
    )
    .unwrap();
    let strict = start(Options {
        credentials: Some(credentials),
        ..Options::default()
    })
    .await;
    let answer = call(
        &strict,
        WALLET_DETAIL,
        &with_auth(json!({"wallet_sn": "w"})),
    )
    .await;
    assert_rejected(&answer, 1003, "key", "AUTH_FAILED");
    assert!(
        !answer.message().contains("ae9ae3f5"),
        "{}",
        answer.message()
    );
    assert!(
        !answer.message().contains("the-right-key"),
        "{}",
        answer.message()
    );
    let right = json!({"customer_id": 10001001, "app_id": 100001, "key": "the-right-key", "wallet_sn": "w"});
    assert_eq!(call(&strict, WALLET_DETAIL, &right).await.code(), 0);
}
