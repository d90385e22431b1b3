//! Tests of the hand-written runtime against a mock server, with hand-written stand-ins for
//! generated request/response types and operations.

use std::pin::pin;
use std::str::FromStr as _;
use std::time::Duration;

use card_wallet::runtime::redact::{Last4, Redacted};
use card_wallet::runtime::{Empty, Operation, PageRequest, Paged, RetryClass, codes, paginate};
use card_wallet::{Client, Credentials, Error, ErrorCode, RetryPolicy};
use futures_util::TryStreamExt as _;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, PrimitiveDateTime};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{body_json, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const CARD_NO: &str = "4111111111111111";

const WALLET_DETAIL: Operation = Operation {
    name: "wallet.getWalletDetail",
    path: "/{version}/openApi/wallet/getWalletDetail",
    retry: RetryClass::Safe,
};
const RECHARGE: Operation = Operation {
    name: "card.rechargeCard",
    path: "/{version}/openApi/card/rechargeCard",
    retry: RetryClass::Never,
};
const TRANSACTIONS: Operation = Operation {
    name: "wallet.getTransactionList",
    path: "/{version}/openApi/wallet/getTransactionList",
    retry: RetryClass::Safe,
};

#[derive(Serialize)]
struct WalletDetailRequest {
    wallet_sn: String,
}

#[derive(Debug, Deserialize)]
struct Wallet {
    wallet_id: i64,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    available_balance: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    freeze_balance: Decimal,
    #[serde(with = "card_wallet::runtime::serde::datetime")]
    create_at: PrimitiveDateTime,
    #[serde(with = "card_wallet::runtime::serde::datetime_opt", default)]
    close_at: Option<PrimitiveDateTime>,
}

#[derive(Serialize)]
struct RechargeRequest {
    card_id: String,
    out_order_id: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    amount: Decimal,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: i64,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    amount: Decimal,
}

#[derive(Debug, Deserialize)]
struct Page<T> {
    total: i64,
    list: Vec<T>,
}

impl<T> Paged for Page<T> {
    type Item = T;
    fn total(&self) -> i64 {
        self.total
    }
    fn into_items(self) -> Vec<T> {
        self.list
    }
}

#[derive(Clone, Serialize)]
struct ListRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<i32>,
    page_size: i32,
}

impl PageRequest for ListRequest {
    fn set_page(&mut self, page: i32) {
        self.page = Some(page);
    }
    fn page(&self) -> i32 {
        self.page.unwrap_or(1)
    }
}

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .jitter(false)
}

fn client_for(server: &MockServer) -> Client {
    client_with(&server.uri(), |b| b)
}

fn client_with(
    base_url: &str,
    configure: impl FnOnce(card_wallet::ClientBuilder) -> card_wallet::ClientBuilder,
) -> Client {
    let builder = Client::builder(base_url)
        .credentials(Credentials::new(10001, 20002, KEY))
        .retry_policy(fast_retries(3));
    match configure(builder).build() {
        Ok(client) => client,
        Err(e) => panic!("client should build: {e}"),
    }
}

fn envelope(data: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        format!(r#"{{"code":0,"message":"success","data":{data}}}"#),
        "application/json",
    )
}

fn wallet_request() -> WalletDetailRequest {
    WalletDetailRequest {
        wallet_sn: "a1b2c3".into(),
    }
}

fn recharge_request() -> RechargeRequest {
    RechargeRequest {
        card_id: "cid_sxdwXPRxtXt6Ch4n".into(),
        out_order_id: "ord-1".into(),
        amount: Decimal::from_str("100.10").unwrap(),
    }
}

/// Asserts that neither `Display` nor `Debug` of `error` leaks the key or a card number.
fn assert_clean(error: &Error) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(!text.contains(CARD_NO), "card number leaked: {text}");
    }
}

const WALLET_JSON: &str = r#"{"wallet_id":7,"available_balance":10165.27,"freeze_balance":12345678901234567.89,"create_at":"2023-10-30 05:35:14","close_at":""}"#;

#[tokio::test]
async fn body_has_auth_and_request_fields_and_money_is_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/openApi/wallet/getWalletDetail"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "customer_id": 10001,
            "app_id": 20002,
            "key": KEY,
            "wallet_sn": "a1b2c3",
        })))
        .respond_with(envelope(WALLET_JSON))
        .expect(1)
        .mount(&server)
        .await;

    let wallet: Wallet = client_for(&server)
        .execute(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap();
    assert_eq!(wallet.wallet_id, 7);
    assert_eq!(
        wallet.available_balance,
        Decimal::from_str("10165.27").unwrap()
    );
    assert_eq!(wallet.available_balance.to_string(), "10165.27");
    assert_eq!(wallet.freeze_balance.to_string(), "12345678901234567.89");
    assert_eq!(wallet.create_at, datetime!(2023-10-30 05:35:14));
    assert_eq!(wallet.close_at, None);
}

#[tokio::test]
async fn request_money_is_sent_exactly_and_version_is_substituted() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/openApi/card/rechargeCard"))
        .and(body_partial_json(
            json!({"key": KEY, "out_order_id": "ord-1"}),
        ))
        .respond_with(envelope("null"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.version("v2"));
    let _: Empty = client
        .execute(&RECHARGE, &recharge_request())
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let body = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(body.contains(r#""amount":100.10"#), "{body}");
}

#[tokio::test]
async fn empty_and_optional_data() {
    for data in [r#","data":null"#, r#","data":{}"#, ""] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                format!(r#"{{"code":0,"message":"success"{data}}}"#),
                "application/json",
            ))
            .mount(&server)
            .await;
        let client = client_for(&server);
        let empty: Empty = client
            .execute(&RECHARGE, &recharge_request())
            .await
            .unwrap();
        assert_eq!(empty, Empty);
        if !data.contains('{') {
            let none: Option<Wallet> = client
                .execute(&WALLET_DETAIL, &wallet_request())
                .await
                .unwrap();
            assert!(none.is_none());
        }
    }
}

#[tokio::test]
async fn business_error_becomes_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":2001,"message":"wallet not found","data":null}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            endpoint,
            code,
            message,
        } => {
            assert_eq!(*endpoint, "wallet.getWalletDetail");
            assert_eq!(*code, ErrorCode::WalletNotFound);
            assert_eq!(message, "wallet not found");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(err.api_code().map(|c| c.code()), Some(2001));
    assert_eq!(err.endpoint(), Some("wallet.getWalletDetail"));
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("wallet.getWalletDetail"));
    assert_clean(&err);
}

#[tokio::test]
async fn unknown_code_and_key_echo_are_handled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"code":"9999","message":"bad key {KEY}"}}"#),
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(ErrorCode::Unknown(9999)));
    assert_clean(&err);
}

#[tokio::test]
async fn http_502_html_gives_bounded_excerpt() {
    let server = MockServer::start().await;
    let html = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}{KEY}</body></html>",
        "é".repeat(400)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.retry_policy(RetryPolicy::none()));
    let err = client
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    match &err {
        Error::Http {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert!(body_excerpt.starts_with("<html><body><h1>502 Bad Gateway"));
            assert!(
                body_excerpt.len() <= 512 + '…'.len_utf8(),
                "{}",
                body_excerpt.len()
            );
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502"));
    assert_clean(&err);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":0,"message":"success","data":{"wallet_id":7,"available_bal"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("wallet.getWalletDetail"));
}

#[tokio::test]
async fn decode_error_names_the_path_and_hides_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&format!(
            r#"{{"total":2,"list":[{{"id":1,"amount":1.5}},{{"id":2,"amount":"card {CARD_NO}"}}]}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Page<Row>>(&TRANSACTIONS, &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "data.list[1].amount");
            assert!(message.starts_with("invalid value: string"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("data.list[1].amount"));
    assert_clean(&err);

    // Same for a wrong type on an integer field.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&format!(
            r#"{{"total":1,"list":[{{"id":"{CARD_NO}","amount":1}}]}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Page<Row>>(&TRANSACTIONS, &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "data.list[0].id");
            assert!(message.contains("expected i64"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_clean(&err);
}

#[tokio::test]
async fn slow_response_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(WALLET_JSON).set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| {
        b.timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::none())
    });
    let err = client
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                endpoint: "wallet.getWalletDetail"
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn safe_op_retries_after_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(WALLET_JSON).set_delay(Duration::from_millis(500)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| {
        b.timeout(Duration::from_millis(100))
            .retry_policy(fast_retries(2))
    });
    let err = client
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn safe_op_retries_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(envelope(WALLET_JSON))
        .expect(1)
        .mount(&server)
        .await;
    let wallet: Wallet = client_for(&server)
        .execute(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap();
    assert_eq!(wallet.wallet_id, 7);
}

#[tokio::test]
async fn safe_op_retries_rate_limit_code_and_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":1005,"message":"too many requests","data":null}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(envelope(WALLET_JSON))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let client = client_with(&server.uri(), |b| b.retry_policy(fast_retries(3)));
    let _: Wallet = client
        .execute(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn safe_op_respects_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(4)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.retry_policy(fast_retries(4)));
    let err = client
        .execute::<_, Wallet>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status, .. } if status.as_u16() == 503));
}

#[tokio::test]
async fn never_op_is_not_retried_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Empty>(&RECHARGE, &recharge_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err:?}");
}

#[tokio::test]
async fn never_op_is_not_retried_after_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope("null").set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.timeout(Duration::from_millis(100)));
    let err = client
        .execute::<_, Empty>(&RECHARGE, &recharge_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn never_op_is_not_retried_after_rate_limit_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":1005,"message":"too many requests"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Empty>(&RECHARGE, &recharge_request())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(ErrorCode::RateLimited));
    assert!(err.is_retryable()); // transient, but not safe to re-send for this operation
}

#[tokio::test]
async fn connect_refused_is_a_connect_error() {
    // Reserve a free port, then close it so that connecting is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The request never left, so even a Never op is retried: 3 attempts, 50 + 100 ms apart.
    let client = client_with(&format!("http://127.0.0.1:{port}"), |b| {
        b.retry_policy(
            fast_retries(3)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_secs(1)),
        )
    });
    let started = std::time::Instant::now();
    let err = client
        .execute::<_, Empty>(&RECHARGE, &recharge_request())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "not retried"
    );
    assert!(
        matches!(
            err,
            Error::Connect {
                endpoint: "card.rechargeCard",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_clean(&err);
}

#[tokio::test]
async fn oversize_body_with_content_length_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&format!(r#""{}""#, "x".repeat(10_000))))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.max_response_bytes(4096));
    let err = client
        .execute::<_, String>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 4096, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn oversize_chunked_body_is_refused_while_streaming() {
    // wiremock always sends Content-Length; a raw server sends a chunked body instead.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Read the head and the body (the client sends Content-Length).
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request);
            if let Some(head_end) = text.find("\r\n\r\n") {
                let length = text[..head_end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if request.len() >= head_end + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = "x".repeat(1000);
        for _ in 0..20 {
            let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
            if socket.write_all(framed.as_bytes()).await.is_err() {
                return; // the client hung up, as it should
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    let client = client_with(&format!("http://{addr}"), |b| b.max_response_bytes(4096));
    let err = client
        .execute::<_, Empty>(&WALLET_DETAIL, &wallet_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 4096, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn paginate_walks_three_pages_in_order() {
    let server = MockServer::start().await;
    let pages = [
        (1, r#"[{"id":1,"amount":1.10},{"id":2,"amount":2}]"#),
        (2, r#"[{"id":3,"amount":3.30},{"id":4,"amount":4}]"#),
        (3, r#"[{"id":5,"amount":5.55}]"#),
    ];
    for (page, list) in pages {
        Mock::given(path("/v1/openApi/wallet/getTransactionList"))
            .and(body_partial_json(
                json!({"page": page, "page_size": 2, "key": KEY}),
            ))
            .respond_with(envelope(&format!(
                r#"{{"total":5,"page":{page},"page_size":2,"list":{list}}}"#
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let request = ListRequest {
        page: None,
        page_size: 2,
    };
    let rows: Vec<Row> = paginate::<_, Page<Row>>(client_for(&server), &TRANSACTIONS, request)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(rows[0].amount.to_string(), "1.10");
    assert_eq!(rows[4].amount.to_string(), "5.55");
}

#[tokio::test]
async fn paginate_stops_on_empty_page_and_yields_an_error_once() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"page": 1})))
        .respond_with(envelope(r#"{"total":10,"list":[{"id":1,"amount":1}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"page": 2})))
        .respond_with(envelope(r#"{"total":10,"list":[]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let request = ListRequest {
        page: None,
        page_size: 1,
    };
    let rows: Vec<Row> = paginate::<_, Page<Row>>(client_for(&server), &TRANSACTIONS, request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400))
        .expect(1)
        .mount(&server)
        .await;
    let request = ListRequest {
        page: Some(3),
        page_size: 1,
    };
    let mut stream = pin!(paginate::<_, Page<Row>>(
        client_for(&server),
        &TRANSACTIONS,
        request
    ));
    assert!(matches!(stream.try_next().await, Err(Error::Http { .. })));
    assert!(matches!(stream.try_next().await, Ok(None)));
}

#[test]
fn debug_output_hides_the_key() {
    let client = client_with("https://api.example.com/", |b| b);
    let debug = format!("{client:?}");
    assert!(debug.contains("https://api.example.com"));
    assert!(debug.contains("<redacted>"));
    assert!(!debug.contains(KEY));

    let builder =
        Client::builder("https://api.example.com").credentials(Credentials::new(1, 2, KEY));
    assert!(!format!("{builder:?}").contains(KEY));
}

#[test]
fn build_rejects_bad_configuration() {
    let no_credentials = Client::builder("https://api.example.com").build();
    assert!(matches!(no_credentials, Err(Error::Config(_))));
    for url in ["not a url", "ftp://example.com", "https://u:p@example.com"] {
        let result = Client::builder(url)
            .credentials(Credentials::new(1, 2, KEY))
            .build();
        assert!(matches!(result, Err(Error::Config(_))), "{url}");
    }
    let bad_version = Client::builder("https://api.example.com")
        .credentials(Credentials::new(1, 2, KEY))
        .version("v1/../x")
        .build();
    assert!(matches!(bad_version, Err(Error::Config(_))));
    let custom = Client::builder("http://localhost:1")
        .credentials(Credentials::new(1, 2, KEY))
        .http_client(reqwest::Client::new())
        .build();
    assert!(custom.is_ok());
}

#[test]
fn redaction_helpers() {
    assert_eq!(format!("{:?}", Redacted), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4(CARD_NO)), r#""…1111""#);
    assert_eq!(format!("{:?}", Last4("12345678")), r#""…5678""#);
    assert_eq!(format!("{:?}", Last4("1234567")), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4("")), r#""<redacted>""#);
    assert_eq!(format!("{:?}", Last4("ééééééééé1234")), r#""…1234""#);
    let card_no: Option<String> = Some(CARD_NO.into());
    assert_eq!(
        format!("{:?}", card_no.as_deref().map(Last4)),
        r#"Some("…1111")"#
    );
    assert!(!format!("{:?}", Credentials::new(1, 2, KEY)).contains(KEY));
}

#[test]
fn date_helpers() {
    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Dates {
        #[serde(with = "card_wallet::runtime::serde::datetime")]
        at: PrimitiveDateTime,
        #[serde(with = "card_wallet::runtime::serde::datetime_opt", default)]
        maybe_at: Option<PrimitiveDateTime>,
        #[serde(with = "card_wallet::runtime::serde::date")]
        day: Date,
        #[serde(with = "card_wallet::runtime::serde::date_opt", default)]
        maybe_day: Option<Date>,
    }
    let full = r#"{"at":"2023-10-30 05:35:14","maybe_at":"2024-01-02 03:04:05","day":"1990-12-31","maybe_day":"2000-02-29"}"#;
    let dates: Dates = serde_json::from_str(full).unwrap();
    assert_eq!(dates.maybe_at, Some(datetime!(2024-01-02 03:04:05)));
    assert_eq!(dates.maybe_day, Some(date!(2000 - 02 - 29)));
    assert_eq!(serde_json::to_string(&dates).unwrap(), full);

    for absent in [
        r#"{"at":"2023-10-30 05:35:14","maybe_at":"","day":"1990-12-31","maybe_day":""}"#,
        r#"{"at":"2023-10-30 05:35:14","maybe_at":null,"day":"1990-12-31","maybe_day":null}"#,
        r#"{"at":"2023-10-30 05:35:14","day":"1990-12-31"}"#,
    ] {
        let dates: Dates = serde_json::from_str(absent).unwrap();
        assert_eq!((dates.maybe_at, dates.maybe_day), (None, None), "{absent}");
        assert_eq!(
            serde_json::to_string(&dates).unwrap(),
            r#"{"at":"2023-10-30 05:35:14","maybe_at":null,"day":"1990-12-31","maybe_day":null}"#
        );
    }
    assert!(
        serde_json::from_str::<Dates>(r#"{"at":"2023-10-30T05:35:14","day":"1990-12-31"}"#)
            .is_err()
    );
    assert!(
        serde_json::from_str::<Dates>(
            r#"{"at":"2023-10-30 05:35:14","maybe_at":"x","day":"1990-12-31"}"#
        )
        .is_err()
    );
}

#[test]
fn int_or_string_codes() {
    let read = |s: &str| codes::int_or_string(&mut serde_json::Deserializer::from_str(s)).ok();
    assert_eq!(read("5"), Some(5));
    assert_eq!(read("-5"), Some(-5));
    assert_eq!(read(r#"" 7 ""#), Some(7));
    assert_eq!(read(r#""x""#), None);
    assert_eq!(read("1.5"), None);
    assert_eq!(read("18446744073709551615"), None);
}
