//! The webhook runtime for a test event type described by hand: both body shapes with the
//! spec's field names, unknown tags, malformed bodies (duplicate keys included), decode paths,
//! the size limit, the HMAC verifier, the acknowledgement, and what reaches `Debug` and
//! `tracing`.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apigen_runtime::webhook::{
    Ack, HmacSha256Verifier, Parser, SignatureError, UnknownEvent, Verifier, WebhookError,
    WebhookEvent, decode,
};
use common::events::{Ev, PAYMENT, Payment, enveloped, flat, parse};
use reqwest::header::{HeaderMap, HeaderValue};

const CARD_NO: &str = "4111111111111111";

// ---- parsing -------------------------------------------------------------------------------

#[test]
fn both_shapes_parse_with_the_spec_field_names() {
    for body in [
        enveloped("payment.paid", PAYMENT),
        flat("payment.paid", PAYMENT),
    ] {
        let event = parse(body.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{body}"));
        let Ev::Paid(payment) = &event else {
            panic!("expected Paid, got {event:?}")
        };
        assert_eq!(payment.id, "pay_1");
        // Exact, past f64 precision, trailing zero kept.
        assert_eq!(payment.amount.to_string(), "12345678901234567.10");
        assert_eq!(event.tag(), "payment.paid");
        assert_eq!(event.kind(), Some("payment"));
    }
    assert_eq!(
        parse(enveloped("payment.refunded", PAYMENT).as_bytes()).unwrap(),
        parse(flat("payment.refunded", PAYMENT).as_bytes()).unwrap()
    );
    // The tag beside a nested object is also found in any member order.
    let body = format!(r#"{{"object": {PAYMENT}, "type": "payment.paid"}}"#);
    assert!(matches!(parse(body.as_bytes()), Ok(Ev::Paid(_))));
}

#[test]
fn unknown_tag_keeps_the_raw_json() {
    let object = r#"{ "id": "pay_9", "card_no": "4111111111111111", "amount": 1.10 }"#;
    let event = parse(enveloped("payment.disputed", object).as_bytes())
        .expect("an unknown tag is not an error");
    assert_eq!(event.tag(), "payment.disputed");
    assert_eq!(event.kind(), None);
    let Ev::Unknown(unknown) = &event else {
        panic!("expected Unknown, got {event:?}")
    };
    assert_eq!(unknown.tag(), "payment.disputed");
    // Exactly as received: whitespace, key order and number text.
    assert_eq!(unknown.raw_json(), object);

    // Flat shape: the other members, values as received.
    let event = parse(flat("payment.disputed", object).as_bytes()).unwrap();
    let Ev::Unknown(unknown) = &event else {
        panic!("expected Unknown")
    };
    assert_eq!(
        unknown.raw_json(),
        r#"{"id":"pay_9","card_no":"4111111111111111","amount":1.10}"#
    );

    // Debug shows the tag and the size only.
    let debug = format!("{event:?}");
    assert!(debug.contains("payment.disputed"), "{debug}");
    assert!(debug.contains("bytes redacted"), "{debug}");
    assert!(!debug.contains("4111"), "{debug}");
    assert!(!debug.contains("pay_9"), "{debug}");

    // A tag that is not tag-shaped is not echoed either.
    let odd = UnknownEvent::new(CARD_NO, "{}");
    assert_eq!(odd.tag(), "…1111");
    assert_eq!(odd.raw_tag(), CARD_NO);
    assert!(!format!("{odd:?}").contains("4111"));
    let event = parse(enveloped(CARD_NO, object).as_bytes()).unwrap();
    assert!(!format!("{event:?}").contains("4111"));
}

#[test]
fn malformed_bodies_are_typed_errors_without_body_text() {
    let cases: [&[u8]; 7] = [
        br#"{"type": "payment.paid", "object": {"card_no": "4111111111111111""#,
        b"not json 4111111111111111",
        br#""4111111111111111""#,
        br#"["payment.paid", "4111111111111111"]"#,
        b"{\"type\": \"payment.paid\", \"card_no\": \"4111\xff\"}",
        br#"{"type": "payment.paid", "object": {}} "4111111111111111""#,
        // A duplicate top-level key: which `type` is meant is ambiguous.
        br#"{"type": "a.b", "type": "payment.paid", "card_no": "4111111111111111"}"#,
    ];
    for body in cases {
        let error = parse(body).expect_err("malformed");
        let WebhookError::Malformed { message } = &error else {
            panic!("expected Malformed, got {error:?}")
        };
        assert!(!message.is_empty());
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("4111"), "{shown}");
    }

    // serde_json's classification with a position.
    assert_eq!(
        parse(b"{\"type\": }").unwrap_err().to_string(),
        "webhook body is malformed: expected value at line 1 column 10"
    );
    assert_eq!(
        parse(br#""4111111111111111""#).unwrap_err().to_string(),
        "webhook body is malformed: invalid type: string \"…\", expected a JSON object at line 1 column 18"
    );
    assert_eq!(
        parse(br#"{"type": "a.b", "object": {}, "type": "a.b"}"#)
            .unwrap_err()
            .to_string(),
        "webhook body is malformed: the body object has a duplicate key"
    );
    assert_eq!(
        parse(b"{\"type\": \"\xff\"}").unwrap_err().to_string(),
        "webhook body is malformed: the body is not valid UTF-8"
    );
    // Duplicate keys inside the enveloped object are refused too, for known and unknown tags.
    for tag in ["payment.paid", "payment.disputed"] {
        let body = format!(
            r#"{{"type": "{tag}", "object": {{"id": "a", "id": "b", "amount": 1, "card_no": ""}}}}"#
        );
        assert_eq!(
            parse(body.as_bytes()).unwrap_err().to_string(),
            "webhook body is malformed: the data object has a duplicate key"
        );
    }
}

#[test]
fn missing_or_non_string_tag() {
    for body in [
        r#"{"object": {"id": "x"}}"#,
        r#"{"type": 7, "object": {}}"#,
        r#"{"type": null}"#,
        r#"{"type": ""}"#,
        r#"{}"#,
        // The card API's tag field means nothing here.
        r#"{"eventTag": "payment.paid", "data": {}}"#,
    ] {
        let error = parse(body.as_bytes()).expect_err(body);
        assert!(
            matches!(error, WebhookError::MissingTag { field: "type" }),
            "{body}: {error:?}"
        );
        assert_eq!(error.to_string(), "webhook body has no `type` string");
    }
}

#[test]
fn decode_errors_name_the_path_in_the_received_body() {
    let bad = PAYMENT.replace("12345678901234567.10", "\"4111-1111-1111-1111\"");

    let error = parse(enveloped("payment.paid", &bad).as_bytes()).unwrap_err();
    let WebhookError::Decode { tag, path, message } = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(tag, "payment.paid");
    assert_eq!(path, "object.amount");
    assert!(message.contains("expected"), "{message}");
    assert!(!format!("{error} {error:?}").contains("4111"), "{error:?}");
    assert!(
        error.to_string().starts_with(
            "webhook `payment.paid`: could not decode the payload at `object.amount`: "
        ),
        "{error}"
    );

    // Flat: the same field is at the top level.
    let error = parse(flat("payment.paid", &bad).as_bytes()).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "amount"),
        "{error:?}"
    );

    // A card number where a string should be: the value is not echoed.
    let bad = PAYMENT.replace(&format!("\"{CARD_NO}\""), CARD_NO);
    let error = parse(enveloped("payment.paid", &bad).as_bytes()).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "object.card_no"),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("4111"), "{error:?}");

    // A missing field is reported at the object.
    let bad = PAYMENT.replace(r#""id": "pay_1","#, "");
    let error = parse(enveloped("payment.paid", &bad).as_bytes()).unwrap_err();
    let WebhookError::Decode { path, message, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, "object");
    assert_eq!(message, "missing field `id`");

    // An object that is not an object.
    let error = parse(br#"{"type": "payment.paid", "object": "4111111111111111"}"#).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "object"),
        "{error:?}"
    );
    assert!(!error.to_string().contains("4111"), "{error}");

    // `decode` alone reports paths relative to the object.
    let error = decode::<Payment>("payment.paid", r#"{"id": 1}"#).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "id"),
        "{error:?}"
    );
    let error = decode::<Vec<Payment>>("x", r#"[{"id": 1}]"#).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "[0].id"),
        "{error:?}"
    );
}

#[test]
fn oversized_body_is_refused_before_parsing() {
    let body = enveloped("payment.paid", PAYMENT);
    let parser = Parser::<Ev>::new().max_body_bytes(100);
    assert_eq!(parser.body_limit(), 100);
    let error = parser.parse(body.as_bytes()).unwrap_err();
    assert!(
        matches!(error, WebhookError::TooLarge { limit: 100, size } if size == body.len()),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "webhook body of {} bytes exceeds the limit of 100 bytes",
            body.len()
        )
    );

    // Exactly at the limit is accepted.
    assert!(
        Parser::<Ev>::new()
            .max_body_bytes(body.len())
            .parse(body.as_bytes())
            .is_ok()
    );

    // The default limit is 1 MiB, even for a body that is not JSON at all.
    assert_eq!(Parser::<Ev>::default().body_limit(), 1024 * 1024);
    let huge = vec![b'x'; 1024 * 1024 + 1];
    assert!(matches!(
        parse(&huge),
        Err(WebhookError::TooLarge {
            limit: 1_048_576,
            size: 1_048_577
        })
    ));
    let mut padded = body.into_bytes();
    padded.resize(1024 * 1024, b' ');
    assert!(parse(&padded).is_ok());

    // The parser is a small Copy value; its Debug shows the limit.
    let copy = parser;
    assert_eq!(format!("{copy:?}"), "Parser { max_body_bytes: 100 }");
}

// ---- acknowledgement -----------------------------------------------------------------------

#[test]
fn ack_comes_from_the_spec() {
    let ack: Ack = Ev::SPEC.ack();
    assert_eq!(
        ack,
        Ack {
            status: 204,
            body: ""
        }
    );
    assert_eq!(ack.content_type(), "application/json");
}

// ---- signatures ----------------------------------------------------------------------------

const SECRET: &str = "whsec-test-0123456789abcdef";

fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn signature_error(result: Result<(), WebhookError>) -> SignatureError {
    match result {
        Err(WebhookError::Signature(error)) => error,
        other => panic!("expected a signature error, got {other:?}"),
    }
}

#[test]
fn signature_accepted_and_tampered_body_rejected() {
    let verifier = HmacSha256Verifier::new(SECRET).unwrap();
    let body = enveloped("payment.paid", PAYMENT);
    let signature = verifier.sign(body.as_bytes(), None);
    let signed = headers(&[("x-signature", signature.clone())]);

    assert!(verifier.verify(&signed, body.as_bytes()).is_ok());
    // Uppercase hex and a `sha256=` prefix are accepted too.
    let upper = headers(&[("x-signature", signature.to_ascii_uppercase())]);
    assert!(verifier.verify(&upper, body.as_bytes()).is_ok());
    let prefixed = headers(&[("x-signature", format!("sha256={signature}"))]);
    assert!(verifier.verify(&prefixed, body.as_bytes()).is_ok());

    // One changed digit in the amount.
    let tampered = body.replace("12345678901234567.10", "92345678901234567.10");
    assert_ne!(tampered, body);
    assert_eq!(
        signature_error(verifier.verify(&signed, tampered.as_bytes())),
        SignatureError::Mismatch
    );

    // Another secret.
    let other = HmacSha256Verifier::new("another-secret").unwrap();
    assert_eq!(
        signature_error(other.verify(&signed, body.as_bytes())),
        SignatureError::Mismatch
    );

    // Missing or garbled header.
    assert_eq!(
        signature_error(verifier.verify(&HeaderMap::new(), body.as_bytes())),
        SignatureError::MissingHeader {
            header: "x-signature".into()
        }
    );
    assert!(matches!(
        signature_error(verifier.verify(
            &headers(&[("x-signature", "not-hex".into())]),
            body.as_bytes()
        )),
        SignatureError::Encoding { .. }
    ));

    // A custom header name.
    let custom = HmacSha256Verifier::new(SECRET)
        .unwrap()
        .signature_header("X-Vendor-Sign");
    let with_custom = headers(&[("x-vendor-sign", signature)]);
    assert!(custom.verify(&with_custom, body.as_bytes()).is_ok());
    assert!(custom.verify(&signed, body.as_bytes()).is_err());

    // Neither errors nor Debug show the secret.
    let shown = format!(
        "{verifier:?} {}",
        verifier.verify(&signed, tampered.as_bytes()).unwrap_err()
    );
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains("signature does not match the body"),
        "{shown}"
    );
}

#[test]
fn timestamp_is_checked_only_when_configured() {
    let body = enveloped("payment.paid", PAYMENT);
    let verifier = HmacSha256Verifier::new(SECRET)
        .unwrap()
        .timestamp("x-timestamp", Duration::from_secs(300));

    // Fresh: accepted.
    let ts = now();
    let fresh = headers(&[
        ("x-signature", verifier.sign(body.as_bytes(), Some(ts))),
        ("x-timestamp", ts.to_string()),
    ]);
    assert!(verifier.verify(&fresh, body.as_bytes()).is_ok());

    // Correctly signed but an hour old: rejected as stale.
    let old = now() - 3600;
    let stale = headers(&[
        ("x-signature", verifier.sign(body.as_bytes(), Some(old))),
        ("x-timestamp", old.to_string()),
    ]);
    assert_eq!(
        signature_error(verifier.verify(&stale, body.as_bytes())),
        SignatureError::StaleTimestamp {
            tolerance_secs: 300
        }
    );

    // A fresh timestamp header on an old signature: the MAC covers the timestamp.
    let replayed = headers(&[
        ("x-signature", verifier.sign(body.as_bytes(), Some(old))),
        ("x-timestamp", now().to_string()),
    ]);
    assert_eq!(
        signature_error(verifier.verify(&replayed, body.as_bytes())),
        SignatureError::Mismatch
    );

    // Missing or unreadable timestamp header.
    let no_ts = headers(&[("x-signature", verifier.sign(body.as_bytes(), Some(ts)))]);
    assert_eq!(
        signature_error(verifier.verify(&no_ts, body.as_bytes())),
        SignatureError::MissingTimestamp {
            header: "x-timestamp".into()
        }
    );
    let bad_ts = headers(&[
        ("x-signature", verifier.sign(body.as_bytes(), Some(ts))),
        ("x-timestamp", "soon".into()),
    ]);
    assert_eq!(
        signature_error(verifier.verify(&bad_ts, body.as_bytes())),
        SignatureError::InvalidTimestamp {
            header: "x-timestamp".into()
        }
    );

    // Without `.timestamp(..)` (the default) no timestamp is involved at all.
    let plain = HmacSha256Verifier::new(SECRET).unwrap();
    let old_plain = headers(&[
        ("x-signature", plain.sign(body.as_bytes(), None)),
        ("x-timestamp", old.to_string()),
    ]);
    assert!(plain.verify(&old_plain, body.as_bytes()).is_ok());
}

#[test]
fn verifier_is_usable_as_a_trait_object() {
    let verifier: Arc<dyn Verifier> = Arc::new(HmacSha256Verifier::new(SECRET).unwrap());
    assert!(verifier.verify(&HeaderMap::new(), b"{}").is_err());
}

#[test]
fn an_empty_or_blank_secret_is_refused() {
    for blank in ["", "   ", "\t\n"] {
        assert_eq!(
            HmacSha256Verifier::new(blank).unwrap_err(),
            apigen_runtime::webhook::BlankSecret
        );
    }
}
