//! The generated `card-wallet` client's drift detection against the mock, which answers as
//! the spec says: in strict mode its examples, synthesized objects and pages pass (the
//! generated shapes agree with the spec the mock serves), and a business code the spec does
//! not list is reported once per endpoint; the mock's `drift` fault is reported, and fails
//! strict mode.

use std::pin::pin;
use std::str::FromStr;
use std::time::Duration;

use apigen_mock::{FAULT_HEADER, Options, Running};
use card_wallet::runtime::drift::{DriftCount, DriftKind};
use card_wallet::{Client, ClientBuilder, Credentials, RetryPolicy, requests};
use futures_util::TryStreamExt as _;
use rust_decimal::Decimal;

async fn mock() -> Running {
    let api = apigen::load_api(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec"
    )))
    .unwrap();
    apigen_mock::spawn(
        api,
        Options {
            list_rows: 3,
            ..Options::default()
        },
    )
    .await
    .unwrap()
}

fn client(
    mock: &Running,
    fault: Option<&str>,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(fault) = fault {
        headers.insert(FAULT_HEADER, fault.parse().unwrap());
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    configure(
        Client::builder(mock.base_url())
            .credentials(Credentials::new(
                10001001,
                100001,
                "ae9ae3f5ad284ef4836de18aa3d41c47",
            ))
            .http_client(http)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(5)),
    )
    .build()
    .unwrap()
}

fn open_card(out_order_id: &str) -> requests::OpenCardRequest {
    requests::OpenCardRequest::new(
        out_order_id,
        "cpi_6530de6a2f1c7",
        "037c90d5c0204d6c87bf21d569209b3a",
        Decimal::from_str("10.25").unwrap(),
    )
}

#[tokio::test]
async fn responses_as_the_spec_says_pass_strict_mode() {
    let mock = mock().await;
    let client = client(&mock, None, |b| b.strict(true));
    client
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(
            "037c90d5c0204d6c87bf21d569209b3a",
        ))
        .await
        .unwrap();
    for key in ["D-1", "D-2"] {
        client.order().open_card(&open_card(key)).await.unwrap();
    }
    let stream = client
        .order()
        .list_orders_stream(requests::ListOrdersRequest::new().page_size(2));
    let orders: Vec<_> = pin!(stream).try_collect().await.unwrap();
    assert_eq!(orders.len(), 5);
    assert_eq!(client.runtime().drift().snapshot(), []);
}

#[tokio::test]
async fn an_unlisted_business_code_is_reported_once_per_endpoint() {
    let mock = mock().await;
    let client = client(&mock, Some("code=7777"), |b| b);
    for key in ["U-1", "U-2"] {
        let error = client.order().open_card(&open_card(key)).await.unwrap_err();
        assert_eq!(error.api_code().map(|c| c.code()), Some(7777));
    }
    assert_eq!(
        client.runtime().drift().snapshot(),
        [DriftCount {
            endpoint: "open_card",
            path: "code".to_owned(),
            kind: DriftKind::UnknownErrorCode,
            count: 2,
        }]
    );
}

/// The mock's `drift` fault adds an undeclared field to every object of `data`: reported once
/// per path and response (every row of a page under one path), and a strict client fails the
/// call naming the path.
#[tokio::test]
async fn the_drift_fault_is_reported_and_fails_strict_mode() {
    let mock = mock().await;
    let lenient = client(&mock, Some("drift"), |b| b);
    let request = requests::GetWalletDetailRequest::new("037c90d5c0204d6c87bf21d569209b3a");
    for _ in 0..2 {
        lenient.wallet().get_wallet_detail(&request).await.unwrap();
    }
    let stream = lenient
        .order()
        .list_orders_stream(requests::ListOrdersRequest::new().page_size(3));
    let orders: Vec<_> = pin!(stream).try_collect().await.unwrap();
    assert_eq!(orders.len(), 3);
    let unknown: Vec<(&str, String, u64)> = lenient
        .runtime()
        .drift()
        .snapshot()
        .into_iter()
        .filter(|c| c.kind == DriftKind::UnknownField)
        .map(|c| (c.endpoint, c.path, c.count))
        .collect();
    assert!(
        unknown.contains(&("get_wallet_detail", "data.mock_drift".to_owned(), 2)),
        "{unknown:?}"
    );
    assert!(
        unknown.contains(&("list_orders", "data.list[].mock_drift".to_owned(), 1)),
        "{unknown:?}"
    );

    let strict = client(&mock, Some("drift"), |b| b.strict(true));
    let error = strict
        .wallet()
        .get_wallet_detail(&request)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, card_wallet::Error::Drift { drift, .. } if drift.path == "data.mock_drift"),
        "{error:?}"
    );
}
