//! The generated `card-wallet` client against the mock: the mock's answers (examples,
//! synthesized data, records, pages, errors and faults) decode into the generated types,
//! and the client's recovery of money calls works against the mock's ledger.

use std::pin::pin;
use std::str::FromStr;
use std::time::Duration;

use apigen_mock::{FAULT_HEADER, FaultRule, Options, Running};
use card_wallet::api::Recovered;
use card_wallet::runtime::Outcome;
use card_wallet::{Client, Credentials, ErrorCode, RetryPolicy, requests};
use futures_util::TryStreamExt as _;
use rust_decimal::Decimal;

async fn mock(options: Options) -> Running {
    let api = apigen::load_api(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec"
    )))
    .unwrap();
    apigen_mock::spawn(api, options).await.unwrap()
}

/// A client of `mock` sending `fault` (if any) with every request, without retries.
fn client(mock: &Running, fault: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(fault) = fault {
        headers.insert(FAULT_HEADER, fault.parse().unwrap());
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    Client::builder(mock.base_url())
        .credentials(Credentials::new(
            10001001,
            100001,
            "ae9ae3f5ad284ef4836de18aa3d41c47",
        ))
        .http_client(http)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
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
async fn the_vendor_example_decodes_exactly() {
    let mock = mock(Options::default()).await;
    let wallet = client(&mock, None)
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(
            "037c90d5c0204d6c87bf21d569209b3a",
        ))
        .await
        .unwrap();
    assert_eq!(
        wallet.available_balance,
        Decimal::from_str("10165.27").unwrap()
    );
    assert_eq!(wallet.freeze_balance, Decimal::from_str("1746.62").unwrap());
}

#[tokio::test]
async fn a_synthesized_order_decodes_and_echoes_the_request() {
    let mock = mock(Options::default()).await;
    let order = client(&mock, None)
        .order()
        .open_card(&open_card("S-1"))
        .await
        .unwrap();
    assert_eq!(order.out_order_id, "S-1");
    assert_eq!(order.amount, Decimal::from_str("10.25").unwrap());
    assert!(order.order_id.starts_with("ord_"), "{}", order.order_id);
}

/// Options faulting every `open_card` call with `fault` (and nothing else, so the lookup
/// of `*_and_recover` gets through).
fn open_card_faulted(fault: &str) -> Options {
    let rule = FaultRule {
        endpoint: "open_card".into(),
        probability: 1.0,
        fault: fault.into(),
    };
    Options {
        faults: vec![rule],
        ..Options::default()
    }
}

#[tokio::test]
async fn a_dropped_reply_is_recovered_through_the_lookup() {
    let mock = mock(open_card_faulted("drop-after")).await;
    let got = client(&mock, None)
        .order()
        .open_card_and_recover(&open_card("S-2"))
        .await
        .unwrap();
    let Recovered::Found(order) = got else {
        panic!("expected Found, got {got:?}");
    };
    assert_eq!(order.out_order_id, "S-2");
    assert_eq!(order.amount, Decimal::from_str("10.25").unwrap());
}

#[tokio::test]
async fn a_call_dropped_before_processing_is_definitively_not_found() {
    for fault in ["drop-before", "status=503"] {
        let mock = mock(open_card_faulted(fault)).await;
        let got = client(&mock, None)
            .order()
            .open_card_and_recover(&open_card("S-3"))
            .await
            .unwrap();
        let Recovered::NotFound {
            error,
            lookup_error,
        } = got
        else {
            panic!("{fault}: expected NotFound, got {got:?}");
        };
        assert_eq!(error.outcome(), Outcome::Unknown, "{fault}");
        assert_eq!(
            lookup_error.api_code(),
            Some(ErrorCode::OrderNotFound),
            "{fault}"
        );
    }
}

#[tokio::test]
async fn a_truncated_reply_is_an_unknown_outcome_and_a_reused_key_with_other_fields_a_duplicate() {
    let mock = mock(Options::default()).await;
    let error = client(&mock, Some("truncate"))
        .order()
        .open_card(&open_card("S-4"))
        .await
        .unwrap_err();
    assert_eq!(error.outcome(), Outcome::Unknown);
    let mut changed = open_card("S-4");
    changed.amount = Decimal::from_str("99.00").unwrap();
    let error = client(&mock, None)
        .order()
        .open_card(&changed)
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::DuplicateCardOrder));
    assert_eq!(error.outcome(), Outcome::Rejected);
}

#[tokio::test]
async fn an_injected_business_code_is_a_typed_error() {
    let mock = mock(Options::default()).await;
    let error = client(&mock, Some("code=2003"))
        .order()
        .open_card(&open_card("S-5"))
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::InsufficientBalance));
}

#[tokio::test]
async fn a_page_stream_walks_records_then_synthesized_rows() {
    let mock = mock(Options {
        list_rows: 3,
        ..Options::default()
    })
    .await;
    let client = client(&mock, None);
    for key in ["P-1", "P-2"] {
        client.order().open_card(&open_card(key)).await.unwrap();
    }
    let stream = client
        .order()
        .list_orders_stream(requests::ListOrdersRequest::new().page_size(2));
    let orders: Vec<_> = pin!(stream).try_collect().await.unwrap();
    assert_eq!(orders.len(), 5);
    assert_eq!(orders[0].out_order_id, "P-2");
    assert_eq!(orders[1].out_order_id, "P-1");
}
