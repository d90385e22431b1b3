//! Every endpoint is served at its real path, from its examples or synthesized.

use apigen_mock::Options;
use serde_json::{Value, json};

use crate::support::{call, card_spec, post_bytes, reset, start, with_auth};

const WALLET_DETAIL: &str = "/v1/openApi/wallet/getWalletDetail";

#[tokio::test]
async fn every_example_request_gets_its_example_data() {
    let mock = start(Options::default()).await;
    let api = card_spec();
    let mut checked = 0;
    for endpoint in &api.endpoints {
        let path = endpoint.full_path.replace("{version}", "v1");
        for example in &endpoint.examples {
            let (Some(request), Some(response)) = (&example.request, &example.response) else {
                continue;
            };
            let expected: Value = serde_json::from_str(response).unwrap();
            if expected["code"] != json!(0) {
                continue;
            }
            let request: Value = serde_json::from_str(request).unwrap();
            // Records created by earlier examples (open_card's order) would be found first.
            reset(&mock).await;
            let answer = call(&mock, &path, &request).await;
            assert_eq!(answer.status, 200, "{}", endpoint.spec_name);
            let got = answer.json();
            assert_eq!(got["code"], json!(0), "{}: {got}", endpoint.spec_name);
            if endpoint.idempotency_key.is_none() {
                assert_eq!(
                    got["data"], expected["data"],
                    "{}: {}",
                    endpoint.spec_name, example.name
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= api.endpoints.len() - 5,
        "only {checked} examples checked"
    );
}

#[tokio::test]
async fn a_request_unlike_the_examples_gets_its_own_values_echoed() {
    let mock = start(Options::default()).await;
    let answer = call(
        &mock,
        WALLET_DETAIL,
        &with_auth(json!({"wallet_sn": "another-wallet"})),
    )
    .await;
    let data = &answer.json()["data"];
    assert_eq!(answer.code(), 0);
    assert_eq!(data["wallet_sn"], "another-wallet");
    assert!(data["available_balance"].is_number());
}

#[tokio::test]
async fn synthesized_data_is_deterministic_for_a_seed() {
    let open = |seed| async move {
        let mock = start(Options {
            seed,
            ..Options::default()
        })
        .await;
        let body = with_auth(json!({
            "out_order_id": "seeded-1", "bin_id": "cpi_1", "wallet_sn": "w1", "amount": 10.5
        }));
        call(&mock, "/v1/openApi/order/openCard", &body).await.bytes
    };
    let first = open(3).await;
    assert_eq!(open(3).await, first);
    assert_ne!(open(4).await, first);
    let data: Value = serde_json::from_slice::<Value>(&first).unwrap()["data"].clone();
    assert_eq!(data["amount"].to_string(), "10.5", "money echoed exactly");
    assert!(
        data["order_id"].as_str().unwrap().starts_with("ord_"),
        "{data}"
    );
    let created = data["create_at"].as_str().unwrap();
    assert_eq!(created.len(), 19, "{created}");
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_not_html() {
    let mock = start(Options::default()).await;
    let answer = post_bytes(&mock, "/v1/openApi/wallet/nope", b"{}".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(answer.status, 404);
    assert!(answer.message().contains("/v1/openApi/wallet/nope"));
    let answer = post_bytes(
        &mock,
        "/v2/openApi/wallet/getWalletDetail",
        b"{}".to_vec(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 404, "only the spec's version is served");

    let response = reqwest::get(format!("{}{WALLET_DETAIL}", mock.base_url()))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("POST"));
}
