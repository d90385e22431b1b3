//! Retries per `RetryClass`: safe operations are retried after transient failures within the
//! `RetryPolicy`, honouring `Retry-After`; `Never` operations are only re-sent when the
//! request provably never left (connect errors).

mod common;

use std::time::{Duration, Instant};

use apigen_runtime::{Empty, RetryPolicy};
use common::{
    Code, Error, GET_ITEM, PAY, assert_clean, client_for, client_with, envelope, fast_retries,
    get_item, ok, pay, request_count,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const RATE_LIMITED: &str = r#"{"status":429,"msg":"too many requests","result":null}"#;

#[tokio::test]
async fn slow_response_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok("{}").set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| {
        b.timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::none())
    });
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                endpoint: "get_item",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.to_string(), "get_item: request timed out");
}

#[tokio::test]
async fn safe_op_retries_after_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok("{}").set_delay(Duration::from_millis(500)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| {
        b.timeout(Duration::from_millis(100))
            .retry_policy(fast_retries(2))
    });
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn safe_op_retries_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok(r#""done""#))
        .expect(1)
        .mount(&server)
        .await;
    let done: String = client_for(&server)
        .execute(&GET_ITEM, &get_item())
        .await
        .unwrap();
    assert_eq!(done, "done");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn safe_op_retries_rate_limit_code_and_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(RATE_LIMITED))
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
        .respond_with(ok("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let _: Empty = client_for(&server)
        .execute(&GET_ITEM, &get_item())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn retry_after_is_reported_on_429_and_503_only() {
    for (status, expected) in [
        (429, Some(Duration::from_secs(7))),
        (503, Some(Duration::from_secs(7))),
        (500, None),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "7"))
            .expect(1)
            .mount(&server)
            .await;
        let client = client_with(&server.uri(), |b| b.retry_policy(RetryPolicy::none()));
        let err = client
            .execute::<_, Empty>(&GET_ITEM, &get_item())
            .await
            .unwrap_err();
        match err {
            Error::Http { retry_after, .. } => assert_eq!(retry_after, expected, "{status}"),
            other => panic!("expected Http, got {other:?}"),
        }
    }
    // The HTTP-date form is ignored.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        )
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.retry_policy(RetryPolicy::none()));
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Http {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
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
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status, .. } if status.as_u16() == 503));
}

#[tokio::test]
async fn safe_op_is_not_retried_after_a_permanent_error() {
    for response in [
        ResponseTemplate::new(400),
        envelope(r#"{"status":404,"msg":"item not found"}"#),
        ok(r#"{"unexpected":"shape"}"#),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let err = client_for(&server)
            .execute::<_, i64>(&GET_ITEM, &get_item())
            .await
            .unwrap_err();
        assert!(!err.is_retryable(), "{err:?}");
    }
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
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Http {
                endpoint: "pay",
                ..
            }
        ),
        "{err:?}"
    );
    // Transient, but not safe to re-send for this operation: the outcome is unknown.
    assert!(err.is_transient());
    assert!(!err.is_retryable());
    assert_eq!(err.outcome(), apigen_runtime::Outcome::Unknown);
    assert_eq!(
        err.to_string(),
        "pay: outcome unknown (unexpected HTTP status 503 Service Unavailable): the payment may \
         have been made; look it up by reference before paying again"
    );
}

#[tokio::test]
async fn never_op_is_not_retried_after_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok("null").set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server.uri(), |b| b.timeout(Duration::from_millis(100)));
    let err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn never_op_is_not_retried_after_429_or_rate_limit_code() {
    for response in [
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        envelope(RATE_LIMITED),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let err = client_for(&server)
            .execute::<_, Empty>(&PAY, &pay())
            .await
            .unwrap_err();
        // Transient but refused: not processed, yet a money call is not re-sent for it.
        assert!(err.is_transient(), "{err:?}");
        assert!(!err.is_retryable(), "{err:?}");
        assert_eq!(err.outcome(), apigen_runtime::Outcome::Rejected);
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(envelope(RATE_LIMITED))
        .mount(&server)
        .await;
    let err = client_for(&server)
        .execute::<_, Empty>(&PAY, &pay())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(Code::RateLimited));
}

/// A local port with nothing listening, so that connecting is refused.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn never_op_is_retried_after_a_connect_error() {
    // The request never left, so even a Never op is retried: 3 attempts, 50 + 100 ms apart.
    let client = client_with(&format!("http://127.0.0.1:{}", closed_port()), |b| {
        b.retry_policy(
            fast_retries(3)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_secs(1)),
        )
    });
    let started = Instant::now();
    let err = client.execute::<_, Empty>(&PAY, &pay()).await.unwrap_err();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "not retried"
    );
    assert!(
        matches!(
            err,
            Error::Connect {
                endpoint: "pay",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.outcome(), apigen_runtime::Outcome::NotSent);
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        err.to_string(),
        "pay: could not connect to the server after 3 attempts"
    );
    assert_clean(&err);
}

#[tokio::test]
async fn no_retry_policy_means_one_attempt() {
    let client = client_with(&format!("http://127.0.0.1:{}", closed_port()), |b| {
        b.retry_policy(RetryPolicy::none().initial_backoff(Duration::from_secs(5)))
    });
    let started = Instant::now();
    let err = client
        .execute::<_, Empty>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "retried");
}
