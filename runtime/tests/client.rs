//! `Client::execute` against a mock server, for a test API described by hand
//! (`common`): the request body (the query string of a GET), envelope decoding with the spec's
//! field names, error variants, bounded bodies, redaction of secrets and card numbers, and
//! builder validation.

mod common;

use std::time::Duration;

use apigen_runtime::{BusinessCode as _, Client, Empty, RetryPolicy};
use common::{
    ACCOUNT, CARD_NO, Classic, Code, Error, GET_ITEM, Key, LIST_ITEMS, PAY, Page, Remit, RemitCode,
    Row, SECRET, Shop, assert_clean, client_for, client_with, envelope, get_item, ok, pay,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use time::PrimitiveDateTime;
use time::macros::datetime;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{body_json, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize)]
struct Item {
    id: i64,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    price: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    stock_value: Decimal,
    #[serde(with = "apigen_runtime::serde::datetime")]
    create_at: PrimitiveDateTime,
    #[serde(with = "apigen_runtime::serde::datetime_opt", default)]
    close_at: Option<PrimitiveDateTime>,
}

const ITEM_JSON: &str = r#"{"id":7,"price":10165.27,"stock_value":12345678901234567.89,"create_at":"2023-10-30 05:35:14","close_at":""}"#;

fn assert_item(item: &Item) {
    assert_eq!(item.id, 7);
    assert_eq!(item.price, Decimal::new(1_016_527, 2));
    assert_eq!(item.price.to_string(), "10165.27");
    assert_eq!(item.stock_value.to_string(), "12345678901234567.89");
    assert_eq!(item.create_at, datetime!(2023-10-30 05:35:14));
    assert_eq!(item.close_at, None);
}

#[tokio::test]
async fn body_has_auth_and_request_fields_and_money_is_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/items/get"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("user-agent", "shop-tests/0.0.0"))
        .and(body_json(json!({
            "account": ACCOUNT,
            "api_secret": SECRET,
            "item_id": "it-1",
        })))
        .respond_with(ok(ITEM_JSON))
        .expect(1)
        .mount(&server)
        .await;

    let item: Item = client_for(&server)
        .execute(&GET_ITEM, &get_item())
        .await
        .unwrap();
    assert_item(&item);
}

#[tokio::test]
async fn request_money_is_sent_exactly_and_version_and_path_prefix_are_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/gateway/v2/payments/create"))
        .and(body_partial_json(
            json!({"api_secret": SECRET, "reference": "ref-1"}),
        ))
        .respond_with(ok("null"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&format!("{}/gateway/", server.uri()), |b| b.version("v2"));
    assert_eq!(client.version(), "v2");
    assert_eq!(client.base_url(), format!("{}/gateway", server.uri()));
    let _: Empty = client.execute(&PAY, &pay()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let body = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(body.contains(r#""amount":100.10"#), "{body}");
}

#[tokio::test]
async fn envelope_field_names_and_success_code_come_from_the_spec() {
    // The card API's layout (`code`/`message`/`data`, success 0) for an API that declares it.
    let server = MockServer::start().await;
    Mock::given(path("/v9/items/get"))
        .respond_with(envelope(&format!(
            r#"{{"code":0,"message":"success","data":{ITEM_JSON}}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    let classic = Client::<Classic>::builder(server.uri())
        .credentials(Key::new())
        .build()
        .unwrap();
    let item: Item = classic.execute(&GET_ITEM, &get_item()).await.unwrap();
    assert_item(&item);

    // The same body for `Shop` (`status`/`msg`/`result`, success 200) lacks its code field.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&format!(
            r#"{{"code":0,"message":"success","data":{ITEM_JSON}}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Item>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "status");
            assert_eq!(message, "missing field");
        }
        other => panic!("expected Decode, got {other:?}"),
    }

    // `code: 0` is not success for `Shop`, `status: 0` is a business error.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(r#"{"status":0,"msg":"zero","result":{}}"#))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(Code::Unknown(0)));
}

#[tokio::test]
async fn string_codes_compare_exactly_and_keep_unknown_codes() {
    let remit = |server: &MockServer| {
        Client::<Remit>::builder(server.uri())
            .credentials(Key::new())
            .retry_policy(common::fast_retries(3))
            .build()
            .unwrap()
    };
    // "0000" is success.
    let server = MockServer::start().await;
    Mock::given(path("/v2/items/get"))
        .respond_with(envelope(&format!(
            r#"{{"retCode":"0000","retMsg":"ok","result":{ITEM_JSON}}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    let item: Item = remit(&server)
        .execute(&GET_ITEM, &get_item())
        .await
        .unwrap();
    assert_item(&item);

    // "0" (or the number 0) is not "0000": a business error, kept as sent.
    for code in [r#""0""#, "0"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(envelope(&format!(
                r#"{{"retCode":{code},"retMsg":"zero","result":null}}"#
            )))
            .mount(&server)
            .await;
        let err = remit(&server)
            .execute::<_, Empty>(&GET_ITEM, &get_item())
            .await
            .unwrap_err();
        assert_eq!(err.api_code(), Some(RemitCode::Unknown("0".into())));
    }

    // A known string code, and the string rate-limit code retried on a safe operation.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(
            r#"{"retCode":"E429","retMsg":"slow","result":null}"#,
        ))
        .expect(3)
        .mount(&server)
        .await;
    let err = remit(&server)
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(RemitCode::SlowDown));
    assert_eq!(err.attempts(), 3);

    // A code that is neither a string nor an integer is a decode error naming the field.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(
            r#"{"retCode":{"x":1},"retMsg":"?","result":null}"#,
        ))
        .mount(&server)
        .await;
    let err = remit(&server)
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    match &err {
        apigen_runtime::Error::Decode { path, .. } => assert_eq!(path, "retCode"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn empty_and_optional_data() {
    for result in [r#","result":null"#, r#","result":{}"#, ""] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(envelope(&format!(r#"{{"status":200,"msg":"ok"{result}}}"#)))
            .mount(&server)
            .await;
        let client = client_for(&server);
        let empty: Empty = client.execute(&PAY, &pay()).await.unwrap();
        assert_eq!(empty, Empty);
        if !result.contains('{') {
            let none: Option<Item> = client.execute(&GET_ITEM, &get_item()).await.unwrap();
            assert!(none.is_none());
        }
    }
}

#[tokio::test]
async fn business_error_becomes_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(
            r#"{"status":404,"msg":"item not found","result":null}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Item>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            endpoint,
            code,
            message,
            ..
        } => {
            assert_eq!(*endpoint, "get_item");
            assert_eq!(*code, Code::NotFound);
            assert_eq!(message, "item not found");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(err.api_code().map(|c| c.code()), Some(404));
    assert_eq!(err.endpoint(), Some("get_item"));
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "get_item: API error not found (404): item not found"
    );
    assert_clean(&err);
}

#[tokio::test]
async fn unknown_code_as_string_and_echoed_secrets_are_handled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&format!(
            r#"{{"status":"9999","msg":"bad key {SECRET} for card {CARD_NO}"}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Item>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(Code::Unknown(9999)));
    match &err {
        Error::Api { message, .. } => {
            assert_eq!(message, "bad key <redacted> for card …1111");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_clean(&err);
}

#[tokio::test]
async fn http_502_html_gives_a_bounded_scrubbed_excerpt() {
    let server = MockServer::start().await;
    let html = format!(
        "<html><body><h1>502 Bad Gateway</h1><!-- key={SECRET} card={CARD_NO} -->{}</body></html>",
        "é".repeat(400)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.retry_policy(RetryPolicy::none()));
    let err = client
        .execute::<_, Item>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    match &err {
        Error::Http {
            endpoint,
            status,
            body_excerpt,
            retry_after,
            ..
        } => {
            assert_eq!(*endpoint, "get_item");
            assert_eq!(status.as_u16(), 502);
            assert_eq!(*retry_after, None);
            assert!(body_excerpt.starts_with("<html><body><h1>502 Bad Gateway"));
            assert!(body_excerpt.contains("key=<redacted> card=…1111"));
            // At most 512 bytes, cut on a char boundary, plus the `…` marking the cut.
            assert!(
                body_excerpt.len() <= 512 + '…'.len_utf8(),
                "{}",
                body_excerpt.len()
            );
            assert!(body_excerpt.ends_with('…'), "{body_excerpt}");
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "get_item: unexpected HTTP status 502 Bad Gateway"
    );
    assert_clean(&err);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(
            r#"{"status":200,"msg":"ok","result":{"id":7,"pri"#,
        ))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Item>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { endpoint: "get_item", path, .. } if path.is_empty()),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("get_item: could not decode the response: ")
    );
}

#[tokio::test]
async fn decode_error_names_the_path_and_hides_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(&format!(
            r#"{{"total":2,"list":[{{"id":1,"amount":1.5}},{{"id":2,"amount":"card {CARD_NO}"}}]}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Page<Row>>(&LIST_ITEMS, &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            // The root is the spec's data field.
            assert_eq!(path, "result.list[1].amount");
            assert!(message.starts_with("invalid value: string"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        err.to_string().contains("at `result.list[1].amount`"),
        "{err}"
    );
    assert_clean(&err);

    // Same for a wrong type on an integer field.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(&format!(
            r#"{{"total":1,"list":[{{"id":"{CARD_NO}","amount":1}}]}}"#
        )))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Page<Row>>(&LIST_ITEMS, &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "result.list[0].id");
            assert!(message.contains("expected i64"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_clean(&err);

    // A card number used as a map key is not shown in the path.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(&format!(r#"{{"{CARD_NO}":{{"id":"x","amount":1}}}}"#)))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, std::collections::HashMap<String, Row>>(&LIST_ITEMS, &json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { path, .. } if path == "result.?.id"),
        "{err:?}"
    );
    assert_clean(&err);
}

#[tokio::test]
async fn a_request_that_is_not_an_object_is_an_encode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok("null"))
        .expect(0)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Empty>(&PAY, &42)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Encode {
                endpoint: "pay",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn oversize_body_with_content_length_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(&format!(r#""{}""#, "x".repeat(10_000))))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.max_response_bytes(4096));
    let err = client
        .execute::<_, String>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 4096, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());

    // Exactly at the limit is fine.
    let body = format!(
        r#"{{"status":200,"msg":"ok","result":"{}"}}"#,
        "x".repeat(100)
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(&body))
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.max_response_bytes(body.len()));
    let text: String = client.execute(&GET_ITEM, &get_item()).await.unwrap();
    assert_eq!(text.len(), 100);
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
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 4096, .. }),
        "{err:?}"
    );
}

#[test]
fn debug_output_hides_the_secret() {
    let client = client_with("https://api.example.com/", |b| b);
    let debug = format!("{client:?}");
    assert!(debug.contains("https://api.example.com"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!format!("{:?}", client.credentials()).contains(SECRET));

    let builder = Client::<Shop>::builder("https://api.example.com").credentials(Key::new());
    let debug = format!("{builder:?}");
    assert!(debug.contains("shop-tests/0.0.0"), "{debug}");
    assert!(!debug.contains(SECRET), "{debug}");
}

#[test]
fn build_rejects_bad_configuration() {
    let config_error = |result: Result<Client<Shop>, Error>| match result {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected Config, got {other:?}"),
        Ok(client) => panic!("expected Config, got {client:?}"),
    };
    let builder = || Client::<Shop>::builder("https://api.example.com").credentials(Key::new());

    let message = config_error(Client::<Shop>::builder("https://api.example.com").build());
    assert!(message.contains("credentials"), "{message}");
    for url in [
        "",
        "not a url",
        "api.example.com",
        "ftp://example.com",
        "https://user:hunter2@example.com",
        "https://example.com/?a=1",
        "https://example.com/#x",
    ] {
        let message = config_error(Client::<Shop>::builder(url).credentials(Key::new()).build());
        assert!(message.starts_with("base_url"), "{url}: {message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
    for version in ["", "v1/../x", "v 1"] {
        config_error(builder().version(version).build());
    }
    config_error(builder().timeout(Duration::ZERO).build());
    config_error(builder().connect_timeout(Duration::ZERO).build());
    config_error(builder().max_response_bytes(0).build());
    let err = builder().max_response_bytes(0).build().unwrap_err();
    assert_eq!(err.endpoint(), None);
    assert!(!err.is_retryable());

    let client = Client::<Shop>::builder(" http://localhost:1/gw/ ")
        .credentials(Key::new())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://localhost:1/gw");
    assert_eq!(client.version(), "v1");
    assert_eq!(client.credentials().account, ACCOUNT);
}

#[tokio::test]
async fn unknown_field_messages_do_not_echo_the_key() {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        id: i64,
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(&format!(r#"{{"id":1,"{CARD_NO}":true}}"#)))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Strict>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { message, .. } => {
            assert!(
                message.starts_with("unknown field `…`, expected"),
                "{message}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_clean(&err);
}

/// `GET_ITEM` sent as a GET.
const GET_ITEM_BY_QUERY: apigen_runtime::Operation = apigen_runtime::Operation {
    method: apigen_runtime::Method::Get,
    ..GET_ITEM
};

#[tokio::test]
async fn a_get_sends_its_fields_and_body_auth_fields_in_the_query_string_and_no_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/items/get"))
        .respond_with(ok("true"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let request = json!({ "item_id": "it 1", "price": Decimal::new(150, 2), "note": null });
    let found: bool = client.execute(&GET_ITEM_BY_QUERY, &request).await.unwrap();
    assert!(found);
    let requests = server.received_requests().await.unwrap();
    let sent = &requests[0];
    assert!(sent.body.is_empty());
    assert!(sent.headers.get("content-type").is_none());
    let query = sent.url.query().unwrap();
    assert!(query.contains("item_id=it+1&price=1.50"), "{query}");
    assert!(!query.contains("note"), "{query}");
}

#[tokio::test]
async fn a_get_with_an_array_field_fails_to_encode_before_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let request = json!({ "item_id": ["a", "b"] });
    let error = client
        .execute::<_, bool>(&GET_ITEM_BY_QUERY, &request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Encode { .. }), "{error:?}");
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("`item_id`"), "{source}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
