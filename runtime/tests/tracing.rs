//! What the client logs through `tracing`: one span per call and per attempt, retries and
//! attempt outcomes, and never the secret or body content.

mod common;

use std::time::Duration;

use common::{CARD_NO, Capture, GET_ITEM, PAY, SECRET, client_with, envelope, fast_retries, ok};
use serde::Serialize;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Serialize)]
struct Lookup {
    card_no: &'static str,
}

#[test]
fn tracing_output_hides_secrets_and_bodies() {
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));

    let (found, failed) = tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(async {
            let server = MockServer::start().await;
            // One 503 echoing the secret and a card number first, so that the retry path logs.
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(503).set_body_raw(
                    format!(r#"{{"msg":"busy {SECRET}","card_no":"{CARD_NO}"}}"#),
                    "application/json",
                ))
                .up_to_n_times(1)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .respond_with(ok(&format!(r#"{{"card_no":"{CARD_NO}"}}"#)))
                .up_to_n_times(1)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .respond_with(envelope(&format!(
                    r#"{{"status":404,"msg":"no card {CARD_NO} for {SECRET}"}}"#
                )))
                .mount(&server)
                .await;
            let client = client_with(&server.uri(), |b| {
                b.retry_policy(fast_retries(3))
                    .timeout(Duration::from_secs(10))
            });
            let request = Lookup { card_no: CARD_NO };
            let found: serde_json::Value = client.execute(&GET_ITEM, &request).await?;
            let failed = client
                .execute::<_, serde_json::Value>(&PAY, &request)
                .await
                .unwrap_err();
            Ok::<_, common::Error>((found, failed))
        })
    })
    .unwrap_or_else(|e| panic!("the retried call should succeed: {e}"));
    assert_eq!(found["card_no"], CARD_NO);
    assert!(failed.api_code().is_some());

    let logged = capture.text();
    // The capture works: the call span, the retry and the attempt events are there.
    assert!(logged.contains("span INFO"), "{logged}");
    assert!(logged.contains("service=shop"), "{logged}");
    assert!(logged.contains("endpoint=get_item"), "{logged}");
    assert!(logged.contains("endpoint=pay"), "{logged}");
    assert!(logged.contains("attempt=2"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    assert!(logged.contains("error=http"), "{logged}");
    assert!(logged.contains("attempt finished"), "{logged}");
    assert!(logged.contains("status=503"), "{logged}");
    assert!(logged.contains("api_code=404"), "{logged}");
    // ...and no secret, no card number, no body content.
    for secret in [SECRET, CARD_NO, &CARD_NO[..12], "busy", "no card"] {
        assert!(!logged.contains(secret), "{secret} leaked:\n{logged}");
    }
}
