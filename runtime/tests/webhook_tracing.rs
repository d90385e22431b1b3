//! What webhook parsing logs through `tracing`: log-safe tags (control characters escaped,
//! card-like digit runs masked), event kinds and error kinds, never body content or the
//! signing secret.
//!
//! A binary of its own: `tracing` caches per call site whether anyone listens, so a test in a
//! parallel thread of the same binary, hitting a call site first, could hide its events from
//! this test's thread-local capture.

mod common;

use apigen_runtime::webhook::{HmacSha256Verifier, Verifier};
use common::Capture;
use common::events::{PAYMENT, enveloped, flat, parse};
use reqwest::header::HeaderMap;

const CARD_NO: &str = "4111111111111111";
const SECRET: &str = "whsec-test-0123456789abcdef";

#[test]
fn tracing_shows_tags_and_error_kinds_only() {
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        let body = enveloped("payment.paid", PAYMENT);
        let _ = HmacSha256Verifier::new(SECRET)
            .unwrap()
            .verify(&HeaderMap::new(), body.as_bytes());
        parse(body.as_bytes()).unwrap();
        parse(flat("payment.paid", PAYMENT).as_bytes()).unwrap();
        parse(enveloped("payment.disputed", PAYMENT).as_bytes()).unwrap();
        parse(enveloped(CARD_NO, PAYMENT).as_bytes()).unwrap();
        parse(enveloped("evil\\nINFO forged", PAYMENT).as_bytes()).unwrap();
        let bad = PAYMENT.replace(&format!("\"{CARD_NO}\""), CARD_NO);
        parse(enveloped("payment.paid", &bad).as_bytes()).unwrap_err();
        parse(format!("[\"{CARD_NO}\"]").as_bytes()).unwrap_err();
    });
    let captured = capture.text();

    assert!(captured.contains("webhook parsed"), "{captured}");
    assert!(captured.contains("tag=payment.paid"), "{captured}");
    assert!(captured.contains("kind=payment"), "{captured}");
    assert!(captured.contains("tag=payment.disputed"), "{captured}");
    assert!(captured.contains("kind=unknown"), "{captured}");
    // A card number sent as the tag is masked; a newline in a tag cannot forge a line.
    assert!(captured.contains("tag=…1111"), "{captured}");
    assert!(captured.contains(r"tag=evil\nINFO forged"), "{captured}");
    assert!(
        !captured.lines().any(|line| line.starts_with("INFO forged")),
        "{captured}"
    );
    assert!(captured.contains("webhook rejected"), "{captured}");
    assert!(captured.contains("error=decode"), "{captured}");
    assert!(captured.contains("error=malformed"), "{captured}");
    assert!(captured.contains("error=signature_missing"), "{captured}");
    for secret in [
        CARD_NO,
        &CARD_NO[..12],
        "pay_1",
        "12345678901234567",
        SECRET,
    ] {
        assert!(!captured.contains(secret), "{secret} leaked:\n{captured}");
    }
}
