//! `recover`: a call that must not be sent twice is sent once; an unknown outcome is settled
//! by the lookup, which is retried on its own; nothing else calls the lookup.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use apigen_runtime::{Empty, Outcome, Recovered, recover};
use common::{Code, Error, GET_ITEM, PAY, client_for, envelope, get_item, ok, pay};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAY_PATH: &str = "/v1/payments/create";
const LOOKUP_PATH: &str = "/v1/items/get";
const NOT_FOUND: &str = r#"{"status":404,"msg":"no such payment","result":null}"#;
const RATE_LIMITED: &str = r#"{"status":429,"msg":"too many requests","result":null}"#;

/// How many requests `server` received on `p`.
async fn count(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

async fn mount(server: &MockServer, p: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

/// `pay`, then (if needed) `get_item` as its lookup, on `server`.
async fn pay_and_recover(server: &MockServer) -> Result<Recovered<Empty, i64, Code>, Error> {
    let client = client_for(server);
    recover(client.execute::<_, Empty>(&PAY, &pay()), || async {
        client.execute::<_, i64>(&GET_ITEM, &get_item()).await
    })
    .await
}

#[tokio::test]
async fn success_is_returned_without_a_lookup() {
    let server = MockServer::start().await;
    mount(&server, PAY_PATH, ok("null")).await;
    let got = pay_and_recover(&server).await.unwrap();
    assert!(matches!(got, Recovered::Done(Empty)), "{got:?}");
    assert_eq!(count(&server, PAY_PATH).await, 1);
    assert_eq!(count(&server, LOOKUP_PATH).await, 0);
}

#[tokio::test]
async fn unknown_outcome_then_record_found() {
    let server = MockServer::start().await;
    mount(&server, PAY_PATH, ResponseTemplate::new(503)).await;
    mount(&server, LOOKUP_PATH, ok("7")).await;
    let got = pay_and_recover(&server).await.unwrap();
    assert!(matches!(got, Recovered::Found(7)), "{got:?}");
    assert_eq!(
        count(&server, PAY_PATH).await,
        1,
        "the call is sent exactly once"
    );
    assert_eq!(count(&server, LOOKUP_PATH).await, 1);
}

#[tokio::test]
async fn unknown_outcome_then_lookup_retried_until_found() {
    let server = MockServer::start().await;
    mount(&server, PAY_PATH, ResponseTemplate::new(503)).await;
    Mock::given(method("POST"))
        .and(path(LOOKUP_PATH))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, LOOKUP_PATH, ok("8")).await;
    let got = pay_and_recover(&server).await.unwrap();
    assert!(matches!(got, Recovered::Found(8)), "{got:?}");
    assert_eq!(count(&server, PAY_PATH).await, 1);
    assert_eq!(
        count(&server, LOOKUP_PATH).await,
        2,
        "the lookup has its own retries"
    );
}

#[tokio::test]
async fn unknown_outcome_then_not_found_is_definitive() {
    let server = MockServer::start().await;
    mount(&server, PAY_PATH, ResponseTemplate::new(503)).await;
    mount(&server, LOOKUP_PATH, envelope(NOT_FOUND)).await;
    let got = pay_and_recover(&server).await.unwrap();
    let Recovered::NotFound {
        error,
        lookup_error,
    } = got
    else {
        panic!("expected NotFound, got {got:?}");
    };
    assert_eq!(error.endpoint(), Some("pay"));
    assert_eq!(error.outcome(), Outcome::Unknown);
    assert_eq!(lookup_error.api_code(), Some(Code::NotFound));
    assert_eq!(
        count(&server, PAY_PATH).await,
        1,
        "never re-sent, even when safe"
    );
}

#[tokio::test]
async fn unsettled_lookup_returns_the_calls_unknown_error() {
    for lookup in [ResponseTemplate::new(503), envelope(RATE_LIMITED)] {
        let server = MockServer::start().await;
        mount(&server, PAY_PATH, ResponseTemplate::new(503)).await;
        mount(&server, LOOKUP_PATH, lookup).await;
        let err = pay_and_recover(&server).await.unwrap_err();
        assert_eq!(err.endpoint(), Some("pay"), "{err:?}");
        assert_eq!(err.outcome(), Outcome::Unknown);
        assert_eq!(count(&server, PAY_PATH).await, 1);
        assert_eq!(
            count(&server, LOOKUP_PATH).await,
            3,
            "three attempts of the lookup"
        );
    }
}

#[tokio::test]
async fn rejected_call_is_returned_as_is_without_a_lookup() {
    for response in [
        envelope(r#"{"status":3001,"msg":"insufficient balance","result":null}"#),
        ResponseTemplate::new(400),
    ] {
        let server = MockServer::start().await;
        mount(&server, PAY_PATH, response).await;
        mount(&server, LOOKUP_PATH, ok("7")).await;
        let err = pay_and_recover(&server).await.unwrap_err();
        assert_eq!(err.endpoint(), Some("pay"));
        assert_eq!(err.outcome(), Outcome::Rejected);
        assert_eq!(count(&server, PAY_PATH).await, 1);
        assert_eq!(count(&server, LOOKUP_PATH).await, 0);
    }
}

#[tokio::test]
async fn call_never_sent_is_returned_as_is_without_a_lookup() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = common::client_with(&uri, |b| b);
    let lookups = Arc::new(AtomicUsize::new(0));
    let err = recover(client.execute::<_, Empty>(&PAY, &pay()), || {
        lookups.fetch_add(1, Ordering::SeqCst);
        async { client.execute::<_, i64>(&GET_ITEM, &get_item()).await }
    })
    .await
    .unwrap_err();
    assert_eq!(err.outcome(), Outcome::NotSent, "{err:?}");
    assert_eq!(lookups.load(Ordering::SeqCst), 0);
}
