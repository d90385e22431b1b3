//! End-to-end tests of the generated `card-wallet` client over real HTTP on loopback: wiremock
//! where a test needs exact control of an answer (the vendor's bytes, a 503 after the order
//! was made), the spec's mock server (`apigen-mock`) where its behaviour is enough (faults
//! before or after processing, the order lookup, its request log).
//!
//! Only what depends on the card spec is tested here: the vendor's documented wallet-detail
//! example byte for byte, the generated error codes, enums and datetime fields, the retry
//! class generated for a read and for a money-moving endpoint, the stream of a generated list
//! endpoint, and the redaction of the card API's sensitive fields. The runtime's own behaviour
//! (error variants, bounded bodies, decode paths, timeouts, retry rules, pagination rules,
//! tracing) is tested without any spec in `runtime/tests/`.

use std::pin::pin;
use std::time::Duration;

use card_wallet::api::Recovered;
use card_wallet::enums::{CardStatus, WalletStatus};
use card_wallet::runtime::Outcome;
use card_wallet::{Client, Credentials, Error, ErrorCode, RetryPolicy, requests, types};
use futures_util::TryStreamExt as _;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::macros::datetime;
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---- the vendor's documented example (vendor-page-wallet-detail.txt) ----

const CUSTOMER_ID: i64 = 10001001;
const APP_ID: i64 = 100001;
const KEY: &str = "ae9ae3f5ad284ef4836de18aa3d41c47";
const WALLET_SN: &str = "037c90d5c0204d6c87bf21d569209b3a";

/// The vendor's request example, verbatim.
const VENDOR_WALLET_DETAIL_REQUEST: &str = r#"{
    "customer_id": 10001001,
    "app_id": 100001,
    "key": "ae9ae3f5ad284ef4836de18aa3d41c47",
    "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a"
}"#;

/// The vendor's response example, verbatim.
const VENDOR_WALLET_DETAIL_RESPONSE: &str = r#"{
    "code": 0,
    "message": "success",
    "data": {
        "wallet_id": 100006,
        "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
        "wallet_name": "card wallet",
        "customer_id": 10000011,
        "currency": "USD",
        "available_balance": 10165.27,
        "freeze_balance": 1746.62,
        "status": 1,
        "create_at": "2023-10-30 05:35:14"
    }
}"#;

// ---- cards (spec/endpoints/card.yaml examples, `Card` in spec/objects.yaml) ----

/// The full card number, CVV and expiry of [`CARD_DETAIL`]: must never leak.
const CARD_NO: &str = "491090123456789012345";
const CVV: &str = "123";
const EXPIRY: &str = "03/28";

/// `data` of the get_card_detail example (card in clear).
const CARD_DETAIL: &str = r#"{
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100001,
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_no": "491090123456789012345",
    "balance": 10,
    "limit": 10,
    "expiry": "03/28",
    "cvv": "123",
    "pin": "",
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
    "close_at": "",
    "end_at": "",
    "mark": "",
    "currency": "USD",
    "card_type": 1,
    "bin": "491090",
    "organization": "VISA",
    "create_at": "2025-03-03 02:40:57"
}"#;

/// A row of the list_cards example (card number masked, cvv / pin empty).
const CARD_LIST_ROW: &str = r#"{
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100001,
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_no": "491090***********2345",
    "balance": 10,
    "limit": 10,
    "expiry": "03/28",
    "cvv": "",
    "pin": "",
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
    "close_at": "",
    "end_at": "",
    "mark": "",
    "currency": "USD",
    "card_type": 1,
    "bin": "491090",
    "organization": "VISA",
    "create_at": "2025-03-03 02:40:57"
}"#;

// ---- endpoint names and paths as generated ----

const WALLET_DETAIL_PATH: &str = "/v1/openApi/wallet/getWalletDetail";
const CARD_DETAIL_PATH: &str = "/v1/openApi/card/getCardDetail";
const CARD_LIST_PATH: &str = "/v1/openApi/card/getCardList";
const OPEN_CARD_PATH: &str = "/v1/openApi/order/openCard";
const RECHARGE_CARD_PATH: &str = "/v1/openApi/order/rechargeCard";
const ORDER_DETAIL_PATH: &str = "/v1/openApi/order/getOrderDetail";

/// `Error::endpoint()` of each operation (the generated `Operation::name`).
const GET_CARD_DETAIL: &str = "get_card_detail";
const OPEN_CARD: &str = "open_card";
const RECHARGE_CARD: &str = "recharge_card";

// ---- helpers ----

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("test JSON must parse: {e}"))
}

/// A client for `server` that does not retry.
fn client(server: &MockServer) -> Client {
    client_with(server, RetryPolicy::none())
}

/// Three attempts with millisecond backoff.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .jitter(false)
}

fn client_with(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(server.uri())
        .credentials(Credentials::new(CUSTOMER_ID, APP_ID, KEY))
        .retry_policy(retry)
        .build()
        .unwrap_or_else(|e| panic!("client should build: {e}"))
}

/// A success envelope around `data`.
fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "message": "success", "data": data}))
}

/// A list_cards row with its own ids.
fn card_row(n: usize) -> Value {
    let mut row = parse(CARD_LIST_ROW);
    row["card_id"] = json!(format!("cid_{n}"));
    row["out_order_id"] = json!(format!("platform_ord_{n}"));
    row
}

fn page(total: i64, page: i32, rows: Vec<Value>) -> Value {
    json!({"total": total, "page": page, "page_size": 2, "list": rows})
}

/// Asserts that `text` contains no secret: the key, the full card number, or the CVV / expiry
/// as a quoted value (bare digits like `123` could be a duration or a port).
fn assert_no_secrets(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} leaks the key: {text}");
    assert!(
        !text.contains(CARD_NO),
        "{what} leaks the card number: {text}"
    );
    assert!(
        !text.contains("4910901234"),
        "{what} leaks most of the card number: {text}"
    );
    assert!(
        !text.contains(&format!("\"{CVV}\"")),
        "{what} leaks the cvv: {text}"
    );
    assert!(!text.contains(EXPIRY), "{what} leaks the expiry: {text}");
}

async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |requests| requests.len())
}

// ---- the documented example ----

#[tokio::test]
async fn wallet_detail_matches_the_vendor_example_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(WALLET_DETAIL_PATH))
        .and(body_json(parse(VENDOR_WALLET_DETAIL_REQUEST)))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(VENDOR_WALLET_DETAIL_RESPONSE, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let wallet = client(&server)
        .wallet()
        .get_wallet_detail(&requests::GetWalletDetailRequest::new(WALLET_SN))
        .await
        .unwrap_or_else(|e| panic!("the documented example should decode: {e}"));

    assert_eq!(wallet.wallet_id, 100006);
    assert_eq!(wallet.wallet_sn, WALLET_SN);
    assert_eq!(wallet.wallet_name, "card wallet");
    assert_eq!(wallet.customer_id, 10000011);
    assert_eq!(wallet.currency, "USD");
    assert_eq!(wallet.available_balance, Decimal::new(1016527, 2));
    assert_eq!(wallet.freeze_balance, Decimal::new(174662, 2));
    assert_eq!(wallet.status, WalletStatus::Normal);
    assert_eq!(wallet.create_at, datetime!(2023-10-30 05:35:14));

    // Money goes back out as the exact JSON numbers, not floats and not strings.
    let text = serde_json::to_string(&wallet).unwrap_or_else(|e| panic!("serialize: {e}"));
    assert!(text.contains(r#""available_balance":10165.27"#), "{text}");
    assert!(text.contains(r#""freeze_balance":1746.62"#), "{text}");
    // And the whole re-serialized object is the vendor's `data`.
    assert_eq!(
        parse(&text),
        parse(VENDOR_WALLET_DETAIL_RESPONSE)["data"],
        "round trip of the documented data"
    );

    server.verify().await;
}

// ---- errors ----

#[tokio::test]
async fn business_error_code_is_the_generated_error_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 3004,
            "message": "card not found",
            "data": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .card()
        .get_card_detail(&requests::GetCardDetailRequest::new("cid_missing"))
        .await
        .err()
        .unwrap_or_else(|| panic!("3004 must be an error"));

    assert!(
        matches!(
            &error,
            Error::Api { endpoint, code: ErrorCode::CardNotFound, .. } if *endpoint == GET_CARD_DETAIL
        ),
        "expected Error::Api CardNotFound, got {error:?}"
    );
    assert_eq!(error.api_code().map(|code| code.code()), Some(3004));
    assert!(!error.is_retryable());
    // The generated code's label is part of the message.
    assert_eq!(
        error.to_string(),
        "get_card_detail: API error card not found (3004): card not found"
    );
    server.verify().await;
}

// ---- decoding details ----

#[tokio::test]
async fn unknown_card_status_is_kept_and_written_back() {
    let server = MockServer::start().await;
    let mut card = parse(CARD_DETAIL);
    card["status"] = json!(99);
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .and(body_partial_json(
            json!({"card_id": "cid_sxdwXPRxtXt6Ch4n"}),
        ))
        .respond_with(ok(card))
        .expect(1)
        .mount(&server)
        .await;

    let card = client(&server)
        .card()
        .get_card_detail(&requests::GetCardDetailRequest::new("cid_sxdwXPRxtXt6Ch4n"))
        .await
        .unwrap_or_else(|e| panic!("an unknown status must decode: {e}"));

    assert_eq!(card.status, CardStatus::Unknown(99));
    assert_eq!(card.status.code(), 99);
    let text = serde_json::to_string(&card).unwrap_or_else(|e| panic!("serialize: {e}"));
    assert!(text.contains(r#""status":99"#), "{text}");
    server.verify().await;
}

#[tokio::test]
async fn empty_datetimes_are_none() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .respond_with(ok(parse(CARD_DETAIL)))
        .expect(1)
        .mount(&server)
        .await;

    let card: types::Card = client(&server)
        .card()
        .get_card_detail(&requests::GetCardDetailRequest::new("cid_sxdwXPRxtXt6Ch4n"))
        .await
        .unwrap_or_else(|e| panic!("the card example must decode: {e}"));

    assert_eq!(card.use_at, Some(datetime!(2025-03-03 02:42:11)));
    assert_eq!(card.close_at, None);
    assert_eq!(card.end_at, None);
    assert_eq!(card.create_at, Some(datetime!(2025-03-03 02:40:57)));
    assert_eq!(card.status, CardStatus::Active);
    assert_eq!(card.balance, Decimal::new(10, 0));
    assert_eq!(card.card_no, CARD_NO);
    server.verify().await;
}

// ---- retry classes as generated ----

#[tokio::test]
async fn safe_read_is_retried_after_the_rate_limit_code() {
    let server = MockServer::start().await;
    // 1005 is the spec's rate-limit code; get_card_detail is generated as a safe read.
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1005, "message": "too many requests"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .respond_with(ok(parse(CARD_DETAIL)))
        .expect(1)
        .mount(&server)
        .await;

    let card = client_with(&server, fast_retries())
        .card()
        .get_card_detail(&requests::GetCardDetailRequest::new("cid_sxdwXPRxtXt6Ch4n"))
        .await
        .unwrap_or_else(|e| panic!("the retry should succeed: {e}"));

    assert_eq!(card.card_id, "cid_sxdwXPRxtXt6Ch4n");
    assert_eq!(request_count(&server).await, 2);
    server.verify().await;
}

fn open_card_request() -> requests::OpenCardRequest {
    requests::OpenCardRequest::new(
        "platform_ord_5uY0AjUE",
        "cpi_6530de6a2f1c7",
        WALLET_SN,
        Decimal::new(10, 0),
    )
}

/// The spec's mock server, every call of each `(endpoint, fault)` getting that fault.
async fn card_mock(faults: &[(&str, &str)]) -> apigen_mock::Running {
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = apigen::load_api(&spec_dir).unwrap_or_else(|e| panic!("spec/ loads: {e}"));
    let faults = faults
        .iter()
        .map(|(endpoint, fault)| apigen_mock::FaultRule {
            endpoint: (*endpoint).to_owned(),
            probability: 1.0,
            fault: (*fault).to_owned(),
        })
        .collect();
    let options = apigen_mock::Options {
        faults,
        ..apigen_mock::Options::default()
    };
    apigen_mock::spawn(spec, options)
        .await
        .unwrap_or_else(|e| panic!("the mock starts: {e}"))
}

/// A client of `mock` with [`fast_retries`].
fn mock_client(mock: &apigen_mock::Running) -> Client {
    Client::builder(mock.base_url())
        .credentials(Credentials::new(CUSTOMER_ID, APP_ID, KEY))
        .retry_policy(fast_retries())
        .build()
        .unwrap_or_else(|e| panic!("client should build: {e}"))
}

/// The paths the mock received, in order (its request log).
async fn mock_paths(mock: &apigen_mock::Running) -> Vec<String> {
    let log: Value = reqwest::get(format!("{}/__mock/requests", mock.base_url()))
        .await
        .and_then(reqwest::Response::error_for_status)
        .unwrap_or_else(|e| panic!("the request log answers: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("the request log is JSON: {e}"));
    log.as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e["path"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn money_moving_endpoints_are_not_resent_after_a_503() {
    let mock = card_mock(&[("open_card", "status=503"), ("recharge_card", "status=503")]).await;

    // The policy would allow three attempts; the generated retry class forbids the retry.
    let client = mock_client(&mock);
    let error = client
        .order()
        .open_card(&open_card_request())
        .await
        .err()
        .unwrap_or_else(|| panic!("503 must be an error"));
    assert!(
        matches!(&error, Error::Http { endpoint, status, .. } if *endpoint == OPEN_CARD && status.as_u16() == 503),
        "expected Error::Http 503, got {error:?}"
    );

    let error = client
        .order()
        .recharge_card(&requests::RechargeCardRequest::new(
            "platform_ord_recharge_1",
            "cid_sxdwXPRxtXt6Ch4n",
            Decimal::new(2550, 2),
        ))
        .await
        .err()
        .unwrap_or_else(|| panic!("503 must be an error"));
    assert!(
        matches!(&error, Error::Http { endpoint, status, .. } if *endpoint == RECHARGE_CARD && status.as_u16() == 503),
        "expected Error::Http 503, got {error:?}"
    );

    assert_eq!(
        mock_paths(&mock).await,
        [OPEN_CARD_PATH, RECHARGE_CARD_PATH]
    );
}

// ---- recovery of a money-moving call (open_card_and_recover) ----

/// `data` of get_order_detail for the order of [`open_card_request`].
fn order_detail() -> Value {
    json!({
        "order_id": "ord_5uY0AjUE",
        "out_order_id": "platform_ord_5uY0AjUE",
        "order_type": 1,
        "status": 3,
        "card_id": "cid_sxdwXPRxtXt6Ch4n",
        "bin_id": "cpi_6530de6a2f1c7",
        "holder_id": "",
        "card_type": 1,
        "wallet_sn": WALLET_SN,
        "currency": "USD",
        "amount": 10,
        "fee": 2.15,
        "total_amount": 12.15,
        "fail_reason": "",
        "mark": "",
        "create_at": "2025-03-03 02:40:57",
        "finish_at": "2025-03-03 02:42:11"
    })
}

/// The paths `server` received, in order.
async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

/// Mounts `open_card` answering `open_card` and get_order_detail (by the same out_order_id)
/// answering `lookup`.
async fn order_server(open_card: ResponseTemplate, lookup: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(OPEN_CARD_PATH))
        .respond_with(open_card)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ORDER_DETAIL_PATH))
        .and(body_partial_json(
            json!({"out_order_id": "platform_ord_5uY0AjUE"}),
        ))
        .respond_with(lookup)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn open_card_503_then_order_found() {
    let server = order_server(
        ResponseTemplate::new(503).set_body_string("busy"),
        ok(order_detail()),
    )
    .await;
    let got = client_with(&server, fast_retries())
        .order()
        .open_card_and_recover(&open_card_request())
        .await
        .unwrap_or_else(|e| panic!("the lookup settles it: {e}"));
    let Recovered::Found(order) = got else {
        panic!("expected Found, got {got:?}");
    };
    assert_eq!(order.order_id, "ord_5uY0AjUE");
    assert_eq!(
        paths(&server).await,
        [OPEN_CARD_PATH, ORDER_DETAIL_PATH],
        "open_card is received exactly once"
    );
}

#[tokio::test]
async fn open_card_connection_dropped_then_order_found() {
    // The mock makes the order, then closes the connection without an answer.
    let mock = card_mock(&[("open_card", "drop-after")]).await;
    let client = mock_client(&mock);

    // Without recovery, the dropped connection is an unknown outcome.
    let error = client
        .order()
        .open_card(&open_card_request())
        .await
        .err()
        .unwrap_or_else(|| panic!("a dropped connection must be an error"));
    assert_eq!(error.outcome(), Outcome::Unknown, "{error:?}");

    let got = client
        .order()
        .open_card_and_recover(&open_card_request())
        .await
        .unwrap_or_else(|e| panic!("the lookup settles it: {e}"));
    assert!(
        matches!(&got, Recovered::Found(order) if order.out_order_id == "platform_ord_5uY0AjUE"),
        "expected Found, got {got:?}"
    );
    assert_eq!(
        mock_paths(&mock).await,
        [OPEN_CARD_PATH, OPEN_CARD_PATH, ORDER_DETAIL_PATH],
        "each open_card is received exactly once, then looked up"
    );
}

#[tokio::test]
async fn open_card_503_then_order_not_found_is_definitive() {
    // The mock answers 503 without making the order, and its lookup then has no record.
    let mock = card_mock(&[("open_card", "status=503")]).await;
    // Not the spec's example order, which the mock's lookup knows.
    let request = requests::OpenCardRequest::new(
        "order-never-made",
        "cpi_6530de6a2f1c7",
        WALLET_SN,
        Decimal::new(10, 0),
    );
    let got = mock_client(&mock)
        .order()
        .open_card_and_recover(&request)
        .await
        .unwrap_or_else(|e| panic!("not found settles it: {e}"));
    let Recovered::NotFound {
        error,
        lookup_error,
    } = got
    else {
        panic!("expected NotFound, got {got:?}");
    };
    assert_eq!(error.endpoint(), Some(OPEN_CARD));
    assert_eq!(error.outcome(), Outcome::Unknown);
    assert_eq!(lookup_error.api_code(), Some(ErrorCode::OrderNotFound));
    // Not re-sent: re-sending (with the same out_order_id) is the caller's decision.
    assert_eq!(mock_paths(&mock).await, [OPEN_CARD_PATH, ORDER_DETAIL_PATH]);
}

#[tokio::test]
async fn open_card_business_error_is_returned_without_a_lookup() {
    let server = order_server(
        ResponseTemplate::new(200)
            .set_body_json(json!({"code": 2003, "message": "insufficient balance", "data": null})),
        ok(order_detail()),
    )
    .await;
    let error = client_with(&server, fast_retries())
        .order()
        .open_card_and_recover(&open_card_request())
        .await
        .err()
        .unwrap_or_else(|| panic!("a business error stays an error"));
    assert_eq!(error.api_code(), Some(ErrorCode::InsufficientBalance));
    assert_eq!(error.outcome(), Outcome::Rejected);
    assert_eq!(paths(&server).await, [OPEN_CARD_PATH]);
}

#[tokio::test]
async fn open_card_success_needs_no_lookup() {
    let server = order_server(ok(order_detail()), ok(order_detail())).await;
    let got = client(&server)
        .order()
        .open_card_and_recover(&open_card_request())
        .await
        .unwrap_or_else(|e| panic!("success: {e}"));
    assert!(matches!(got, Recovered::Done(_)), "{got:?}");
    assert_eq!(paths(&server).await, [OPEN_CARD_PATH]);
}

// ---- pagination ----

#[tokio::test]
async fn list_cards_stream_walks_three_pages() {
    let server = MockServer::start().await;
    let pages = [
        (1, vec![card_row(1), card_row(2)]),
        (2, vec![card_row(3), card_row(4)]),
        (3, vec![card_row(5)]),
    ];
    for (number, rows) in pages {
        Mock::given(method("POST"))
            .and(path(CARD_LIST_PATH))
            .and(body_partial_json(json!({"page": number, "page_size": 2})))
            .respond_with(ok(page(5, number, rows)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let client = client(&server);
    let stream = client
        .card()
        .list_cards_stream(requests::ListCardsRequest::new().page_size(2));
    let cards: Vec<types::Card> = pin!(stream)
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("the stream should succeed: {e}"));

    let ids: Vec<&str> = cards.iter().map(|card| card.card_id.as_str()).collect();
    assert_eq!(ids, ["cid_1", "cid_2", "cid_3", "cid_4", "cid_5"]);

    let requests = server.received_requests().await.unwrap_or_default();
    let pages_asked: Vec<Value> = requests
        .iter()
        .map(|request| parse(&String::from_utf8_lossy(&request.body))["page"].clone())
        .collect();
    assert_eq!(pages_asked, [json!(1), json!(2), json!(3)]);
    server.verify().await;
}

// ---- secrets ----

#[tokio::test]
async fn debug_output_hides_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CARD_DETAIL_PATH))
        .respond_with(ok(parse(CARD_DETAIL)))
        .mount(&server)
        .await;
    let client = client(&server);

    let client_debug = format!("{client:?}");
    assert_no_secrets("Debug of the client", &client_debug);
    assert!(client_debug.contains("<redacted>"), "{client_debug}");

    let card = client
        .card()
        .get_card_detail(&requests::GetCardDetailRequest::new("cid_sxdwXPRxtXt6Ch4n"))
        .await
        .unwrap_or_else(|e| panic!("the card example must decode: {e}"));
    assert_eq!(card.cvv, CVV, "the decoded card holds the cvv in clear");

    let card_debug = format!("{card:?}");
    assert_no_secrets("Debug of the card", &card_debug);
    assert!(card_debug.contains(r#"card_no: "…2345""#), "{card_debug}");
    assert!(card_debug.contains(r#"cvv: "<redacted>""#), "{card_debug}");
    assert!(card_debug.contains(r#"pin: "<redacted>""#), "{card_debug}");
    assert!(
        card_debug.contains(r#"expiry: "<redacted>""#),
        "{card_debug}"
    );

    let pretty = format!("{card:#?}");
    assert_no_secrets("Pretty Debug of the card", &pretty);
}
