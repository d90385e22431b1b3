//! Webhook runtime: parsing every kind, error paths, size limit, signatures, redaction (Debug
//! and tracing) and refetch against a loopback server.
//!
//! Decode-error paths are paths **in the received body**: `data.balance` for the enveloped
//! shape, `balance` for the flat one.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use card_wallet::enums::{CardStatus, CardTradeResult, OrderStatus, PayeeStatus, PaymentStatus};
use card_wallet::runtime::webhook::{SignatureError, ack};
use card_wallet::webhooks::{
    self, Ack, Event, HmacSha256Verifier, Parser, Refetched, UnknownEvent, Verifier, WebhookError,
};
use card_wallet::{Client, Credentials};
use reqwest::header::{HeaderMap, HeaderValue};
use rust_decimal::Decimal;
use time::macros::datetime;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---- realistic objects (the examples in spec/webhooks.yaml) ---------------------------------

const ORDER: &str = r#"{
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "order_type": 1,
    "status": 3,
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_type": 1,
    "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
    "currency": "USD",
    "amount": 10,
    "fee": 2.15,
    "total_amount": 12.15,
    "fail_reason": "",
    "mark": "",
    "create_at": "2025-03-03 02:40:57",
    "finish_at": "2025-03-03 02:42:11"
  }"#;

/// The OBSERVED card object.
const CARD: &str = r#"{
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100005,
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
    "mark": ""
  }"#;

const CARD_TRADE: &str = r#"{
    "trade_id": "trd_Xc81LmPq02",
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "card_no": "491090***********2345",
    "trade_type": 1,
    "trade_result": 1,
    "trade_amount": 8.5,
    "trade_currency": "EUR",
    "billing_amount": 9.23,
    "billing_currency": "USD",
    "fee": 0.1,
    "merchant_name": "FACEBK ADS",
    "mcc": "7311",
    "merchant_country": "IE",
    "auth_code": "A1B2C3",
    "fail_reason": "",
    "related_trade_id": "",
    "trade_at": "2025-03-04 11:20:05",
    "settle_at": ""
  }"#;

const PAYEE: &str = r#"{
    "payee_id": 300021,
    "status": 4,
    "reject_reason": "bank code does not match the SWIFT code",
    "account_name": "Acme Trading Limited",
    "currency": "USD",
    "update_at": "2025-03-02 09:12:33"
  }"#;

const PAYMENT: &str = r#"{
    "payment_id": 500031,
    "payment_sn": "8d1f0c2b7a6e4d3c9b8a7f6e5d4c3b2a",
    "out_order_id": "platform_pay_20250306_0001",
    "payee_id": 300021,
    "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
    "pay_method": "SWIFT",
    "amount": 2000,
    "currency": "USD",
    "payee_amount": 2000,
    "payee_currency": "USD",
    "rate": 1,
    "fee": 25,
    "fee_mode": 2,
    "total_amount": 2025,
    "reason": "GOODS_PURCHASE",
    "remark": "INV-2025-0042",
    "status": 4,
    "fail_reason": "",
    "create_at": "2025-03-06 10:00:00",
    "finish_at": "2025-03-07 03:21:45"
  }"#;

const WALLET: &str = r#"{
    "transaction_id": 2000160,
    "transaction_sn": "c7e2a9b0d3f44e1a8b6c5d4e3f2a1b0c",
    "wallet_id": 100006,
    "wallet_sn": "037c90d5c0204d6c87bf21d569209b3a",
    "currency": "USD",
    "amount": 5000,
    "fee": 0,
    "before_balance": 10165.27,
    "after_balance": 15165.27,
    "in_out_type": 1,
    "transaction_type": 1,
    "status": 2,
    "biz_no": "",
    "remark": "bank transfer",
    "create_at": "2025-03-06 09:00:00",
    "finish_at": "2025-03-06 09:05:31",
    "available_balance": 15165.27,
    "freeze_balance": 1746.62
  }"#;

/// Every tag of the spec, with its kind, its variant name and a realistic object.
const ALL: [(&str, &str, &str, &str); 25] = [
    ("order.status.processing", "order", "OrderProcessing", ORDER),
    ("order.status.success", "order", "OrderSucceeded", ORDER),
    ("order.status.fail", "order", "OrderFailed", ORDER),
    ("card.status.active", "card", "CardActivated", CARD),
    ("card.status.freeze", "card", "CardFrozen", CARD),
    ("card.status.unfreeze", "card", "CardUnfrozen", CARD),
    ("card.status.closing", "card", "CardCloseRequested", CARD),
    ("card.status.closed", "card", "CardClosed", CARD),
    ("card.status.lost", "card", "CardLost", CARD),
    ("card.status.replace", "card", "CardReplaced", CARD),
    (
        "card.trade.auth",
        "card_trade",
        "CardTradeAuthorized",
        CARD_TRADE,
    ),
    (
        "card.trade.settle",
        "card_trade",
        "CardTradeSettled",
        CARD_TRADE,
    ),
    (
        "card.trade.refund",
        "card_trade",
        "CardTradeRefunded",
        CARD_TRADE,
    ),
    (
        "card.trade.reversal",
        "card_trade",
        "CardTradeReversed",
        CARD_TRADE,
    ),
    (
        "card.trade.fee",
        "card_trade",
        "CardTradeFeeCharged",
        CARD_TRADE,
    ),
    (
        "card.trade.decline",
        "card_trade",
        "CardTradeDeclined",
        CARD_TRADE,
    ),
    ("payee.status.approved", "payee", "PayeeApproved", PAYEE),
    ("payee.status.rejected", "payee", "PayeeRejected", PAYEE),
    ("payee.status.disabled", "payee", "PayeeDisabled", PAYEE),
    (
        "payment.status.processing",
        "payment",
        "PaymentProcessing",
        PAYMENT,
    ),
    (
        "payment.status.success",
        "payment",
        "PaymentSucceeded",
        PAYMENT,
    ),
    ("payment.status.fail", "payment", "PaymentFailed", PAYMENT),
    (
        "payment.status.returned",
        "payment",
        "PaymentReturned",
        PAYMENT,
    ),
    ("wallet.balance.in", "wallet", "WalletCredited", WALLET),
    ("wallet.balance.out", "wallet", "WalletDebited", WALLET),
];

const CARD_NO: &str = "491090123456789012345";

/// `{"eventTag": tag, "data": object}`.
fn enveloped(tag: &str, object: &str) -> String {
    format!("{{\n  \"eventTag\": \"{tag}\",\n  \"data\": {object}\n}}")
}

/// The object's members with `"eventTag": tag` first.
fn flat(tag: &str, object: &str) -> String {
    let inner = object.trim().strip_prefix('{').expect("an object");
    format!("{{\"eventTag\": \"{tag}\",{inner}")
}

fn variant(event: &Event) -> &'static str {
    match event {
        Event::OrderProcessing(_) => "OrderProcessing",
        Event::OrderSucceeded(_) => "OrderSucceeded",
        Event::OrderFailed(_) => "OrderFailed",
        Event::CardActivated(_) => "CardActivated",
        Event::CardFrozen(_) => "CardFrozen",
        Event::CardUnfrozen(_) => "CardUnfrozen",
        Event::CardCloseRequested(_) => "CardCloseRequested",
        Event::CardClosed(_) => "CardClosed",
        Event::CardLost(_) => "CardLost",
        Event::CardReplaced(_) => "CardReplaced",
        Event::CardTradeAuthorized(_) => "CardTradeAuthorized",
        Event::CardTradeSettled(_) => "CardTradeSettled",
        Event::CardTradeRefunded(_) => "CardTradeRefunded",
        Event::CardTradeReversed(_) => "CardTradeReversed",
        Event::CardTradeFeeCharged(_) => "CardTradeFeeCharged",
        Event::CardTradeDeclined(_) => "CardTradeDeclined",
        Event::PayeeApproved(_) => "PayeeApproved",
        Event::PayeeRejected(_) => "PayeeRejected",
        Event::PayeeDisabled(_) => "PayeeDisabled",
        Event::PaymentProcessing(_) => "PaymentProcessing",
        Event::PaymentSucceeded(_) => "PaymentSucceeded",
        Event::PaymentFailed(_) => "PaymentFailed",
        Event::PaymentReturned(_) => "PaymentReturned",
        Event::WalletCredited(_) => "WalletCredited",
        Event::WalletDebited(_) => "WalletDebited",
        Event::Unknown(_) => "Unknown",
        _ => "a variant this test does not know",
    }
}

fn card_of(event: &Event) -> &card_wallet::types::Card {
    match event {
        Event::CardActivated(card) => card,
        other => panic!("expected CardActivated, got {}", variant(other)),
    }
}

// ---- parsing -------------------------------------------------------------------------------

#[test]
fn every_tag_parses_into_its_variant_in_both_shapes() {
    for (tag, kind, name, object) in ALL {
        for body in [enveloped(tag, object), flat(tag, object)] {
            let event =
                webhooks::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{tag}: {e}\n{body}"));
            assert_eq!(variant(&event), name, "{tag}");
            assert_eq!(event.tag(), tag);
            assert_eq!(event.kind(), Some(kind));
        }
        // Both shapes give the same event.
        assert_eq!(
            webhooks::parse(enveloped(tag, object).as_bytes()).unwrap(),
            webhooks::parse(flat(tag, object).as_bytes()).unwrap(),
            "{tag}"
        );
    }
}

#[test]
fn observed_card_example_exactly() {
    let expected_body = enveloped("card.status.active", CARD);
    for body in [expected_body, flat("card.status.active", CARD)] {
        let event = webhooks::parse(body.as_bytes()).expect("the observed example parses");
        let card = card_of(&event);
        assert_eq!(card.card_id, "cid_sxdwXPRxtXt6Ch4n");
        assert_eq!(card.order_id, "ord_5uY0AjUE");
        assert_eq!(card.out_order_id, "platform_ord_5uY0AjUE");
        assert_eq!(card.app_id, 100005);
        assert_eq!(card.bin_id, "cpi_6530de6a2f1c7");
        assert_eq!(card.holder_id, "");
        assert_eq!(card.card_no, CARD_NO);
        assert_eq!(card.card_no.len(), 21);
        assert_eq!(card.balance, Decimal::from(10));
        assert_eq!(card.balance.to_string(), "10");
        assert_eq!(card.limit, Decimal::from(10));
        assert_eq!(card.expiry, "03/28");
        assert_eq!(card.cvv, "123");
        assert_eq!(card.pin, "");
        assert_eq!(card.status, CardStatus::Active);
        assert_eq!(card.use_at, Some(datetime!(2025-03-03 02:42:11)));
        assert_eq!(card.close_at, None);
        assert_eq!(card.end_at, None);
        assert_eq!(card.mark, "");
        assert_eq!(card.currency, None);
        assert_eq!(card.create_at, None);
    }
}

#[test]
fn money_datetimes_and_open_enums_follow_the_client_rules() {
    let order = webhooks::parse(enveloped("order.status.success", ORDER).as_bytes()).unwrap();
    let Event::OrderSucceeded(order) = order else {
        panic!("order")
    };
    assert_eq!(order.fee, Decimal::new(215, 2));
    assert_eq!(order.total_amount, Decimal::new(1215, 2));
    assert_eq!(order.status, OrderStatus::Success);
    assert_eq!(order.create_at, datetime!(2025-03-03 02:40:57));

    let Event::CardTradeAuthorized(trade) =
        webhooks::parse(enveloped("card.trade.auth", CARD_TRADE).as_bytes()).unwrap()
    else {
        panic!("trade")
    };
    assert_eq!(trade.trade_amount, Decimal::new(85, 1));
    assert_eq!(trade.billing_amount, Decimal::new(923, 2));
    assert_eq!(trade.fee, Some(Decimal::new(1, 1)));
    assert_eq!(trade.trade_result, CardTradeResult::Approved);
    assert_eq!(trade.settle_at, None);

    let Event::PayeeRejected(payee) =
        webhooks::parse(enveloped("payee.status.rejected", PAYEE).as_bytes()).unwrap()
    else {
        panic!("payee")
    };
    assert_eq!(payee.status, PayeeStatus::Rejected);

    let Event::PaymentSucceeded(payment) =
        webhooks::parse(enveloped("payment.status.success", PAYMENT).as_bytes()).unwrap()
    else {
        panic!("payment")
    };
    assert_eq!(payment.total_amount, Decimal::from(2025));
    assert_eq!(payment.status, PaymentStatus::Success);

    let Event::WalletCredited(wallet) =
        webhooks::parse(enveloped("wallet.balance.in", WALLET).as_bytes()).unwrap()
    else {
        panic!("wallet")
    };
    assert_eq!(wallet.before_balance, Some(Decimal::new(1016527, 2)));
    assert_eq!(wallet.freeze_balance, Decimal::new(174662, 2));

    // More digits than an f64 holds, and a trailing zero: exact.
    let hard = CARD
        .replace("\"balance\": 10", "\"balance\": 12345678901234567.89")
        .replace("\"limit\": 10", "\"limit\": 1.10");
    for body in [
        enveloped("card.status.active", &hard),
        flat("card.status.active", &hard),
    ] {
        let event = webhooks::parse(body.as_bytes()).unwrap();
        let card = card_of(&event);
        assert_eq!(card.balance.to_string(), "12345678901234567.89");
        assert_eq!(card.limit.to_string(), "1.10");
    }

    // A status code this version does not know is kept, not an error.
    let future = CARD.replace("\"status\": 2", "\"status\": 42");
    let event = webhooks::parse(enveloped("card.status.active", &future).as_bytes()).unwrap();
    assert_eq!(card_of(&event).status, CardStatus::Unknown(42));
}

#[test]
fn unknown_tag_keeps_the_raw_json() {
    let object = r#"{ "card_id": "cid_1", "card_no": "4111111111111111", "amount": 1.10 }"#;
    let body = enveloped("card.status.expired", object);
    let event = webhooks::parse(body.as_bytes()).expect("an unknown tag is not an error");
    assert_eq!(event.tag(), "card.status.expired");
    assert_eq!(event.kind(), None);
    let Event::Unknown(unknown) = &event else {
        panic!("expected Unknown, got {}", variant(&event))
    };
    assert_eq!(unknown.tag(), "card.status.expired");
    // Exactly as received: whitespace, key order and number text.
    assert_eq!(unknown.raw_json(), object);

    // Flat shape: the other members, values as received.
    let event = webhooks::parse(flat("card.status.expired", object).as_bytes()).unwrap();
    let Event::Unknown(unknown) = &event else {
        panic!("expected Unknown")
    };
    assert_eq!(
        unknown.raw_json(),
        r#"{"card_id":"cid_1","card_no":"4111111111111111","amount":1.10}"#
    );

    // Debug shows the tag and the size only.
    let debug = format!("{event:?}");
    assert!(debug.contains("card.status.expired"), "{debug}");
    assert!(debug.contains("bytes redacted"), "{debug}");
    assert!(!debug.contains("4111"), "{debug}");
    assert!(!debug.contains("cid_1"), "{debug}");

    // A tag that is not tag-shaped is not echoed either.
    let odd = UnknownEvent::new("4111111111111111", "{}");
    assert_eq!(odd.tag(), "4111111111111111");
    assert!(!format!("{odd:?}").contains("4111"));
}

#[test]
fn malformed_bodies_are_typed_errors_without_body_text() {
    let cases: [&[u8]; 7] = [
        br#"{"eventTag": "card.status.active", "data": {"card_no": "4111111111111111""#,
        b"not json 4111111111111111",
        br#""4111111111111111""#,
        br#"["card.status.active", "4111111111111111"]"#,
        b"{\"eventTag\": \"card.status.active\", \"card_no\": \"4111\xff\"}",
        br#"{"eventTag": "card.status.active", "data": {}} "4111111111111111""#,
        br#"{"eventTag": "a.b", "eventTag": "card.status.active", "card_no": "4111111111111111"}"#,
    ];
    for body in cases {
        let error = webhooks::parse(body).expect_err("malformed");
        let WebhookError::Malformed { message } = &error else {
            panic!("expected Malformed, got {error:?}")
        };
        assert!(!message.is_empty());
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("4111"), "{shown}");
    }

    // serde_json's classification with a position.
    let error = webhooks::parse(b"{\"eventTag\": }").unwrap_err();
    assert_eq!(
        error.to_string(),
        "webhook body is malformed: expected value at line 1 column 14"
    );
    let error = webhooks::parse(br#""4111111111111111""#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "webhook body is malformed: invalid type: string \"…\", expected a JSON object at line 1 column 18"
    );
}

#[test]
fn missing_or_non_string_tag() {
    for body in [
        r#"{"data": {"card_id": "x"}}"#,
        r#"{"eventTag": 7, "data": {}}"#,
        r#"{"eventTag": null}"#,
        r#"{"eventTag": ""}"#,
        r#"{"event_tag": "card.status.active"}"#,
    ] {
        let error = webhooks::parse(body.as_bytes()).expect_err(body);
        assert!(
            matches!(error, WebhookError::MissingTag { field: "eventTag" }),
            "{body}: {error:?}"
        );
        assert_eq!(error.to_string(), "webhook body has no `eventTag` string");
    }
}

#[test]
fn wrong_type_names_the_path_in_the_received_body() {
    // (A numeric string would be accepted as money, like in the client.)
    let bad = CARD.replace("\"balance\": 10", "\"balance\": \"4111-1111-1111-1111\"");

    let error = webhooks::parse(enveloped("card.status.active", &bad).as_bytes()).unwrap_err();
    let WebhookError::Decode { tag, path, message } = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(tag, "card.status.active");
    assert_eq!(path, "data.balance");
    assert!(message.contains("expected"), "{message}");
    assert!(!format!("{error} {error:?}").contains("4111"), "{error:?}");
    assert!(
        error.to_string().starts_with(
            "webhook `card.status.active`: could not decode the payload at `data.balance`: "
        ),
        "{error}"
    );

    // Flat: the same field is at the top level.
    let error = webhooks::parse(flat("card.status.active", &bad).as_bytes()).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "balance"),
        "{error:?}"
    );

    // A card number where a number should be a string: the value is not echoed.
    let bad = CARD.replace(&format!("\"{CARD_NO}\""), CARD_NO);
    let error = webhooks::parse(enveloped("card.status.active", &bad).as_bytes()).unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "data.card_no"),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("4910"), "{shown}");

    // A missing field is reported at the object.
    let bad = CARD.replace("\"card_id\": \"cid_sxdwXPRxtXt6Ch4n\",", "");
    let error = webhooks::parse(enveloped("card.status.active", &bad).as_bytes()).unwrap_err();
    let WebhookError::Decode { path, message, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, "data");
    assert_eq!(message, "missing field `card_id`");

    // `data` that is not an object.
    let error =
        webhooks::parse(br#"{"eventTag": "card.status.active", "data": "4111111111111111"}"#)
            .unwrap_err();
    assert!(
        matches!(&error, WebhookError::Decode { path, .. } if path == "data"),
        "{error:?}"
    );
    assert!(!error.to_string().contains("4111"), "{error}");
}

#[test]
fn oversized_body_is_refused_before_parsing() {
    let body = enveloped("card.status.active", CARD);
    let parser = Parser::new().max_body_bytes(100);
    assert_eq!(parser.body_limit(), 100);
    let error = parser.parse(body.as_bytes()).unwrap_err();
    assert!(
        matches!(error, WebhookError::TooLarge { limit: 100, size } if size == body.len()),
        "{error:?}"
    );

    // Exactly at the limit is accepted.
    assert!(
        Parser::new()
            .max_body_bytes(body.len())
            .parse(body.as_bytes())
            .is_ok()
    );

    // The default limit is 1 MiB, even for a body that is not JSON at all.
    assert_eq!(Parser::default().body_limit(), 1024 * 1024);
    let huge = vec![b'x'; 1024 * 1024 + 1];
    assert!(matches!(
        webhooks::parse(&huge),
        Err(WebhookError::TooLarge {
            limit: 1_048_576,
            size: 1_048_577
        })
    ));
    let mut padded = body.clone().into_bytes();
    padded.resize(1024 * 1024, b' ');
    assert!(webhooks::parse(&padded).is_ok());
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
    let verifier = HmacSha256Verifier::new(SECRET);
    let body = enveloped("card.status.active", CARD);
    let signature = verifier.sign(body.as_bytes(), None);
    let signed = headers(&[("x-signature", signature.clone())]);

    assert!(verifier.verify(&signed, body.as_bytes()).is_ok());
    // Uppercase hex is accepted too.
    let upper = headers(&[("x-signature", signature.to_ascii_uppercase())]);
    assert!(verifier.verify(&upper, body.as_bytes()).is_ok());

    // One changed digit in the balance.
    let tampered = body.replace("\"balance\": 10", "\"balance\": 90");
    assert_ne!(tampered, body);
    assert_eq!(
        signature_error(verifier.verify(&signed, tampered.as_bytes())),
        SignatureError::Mismatch
    );

    // Another secret.
    let other = HmacSha256Verifier::new("another-secret");
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
    let custom = HmacSha256Verifier::new(SECRET).signature_header("X-Vendor-Sign");
    let with_custom = headers(&[("x-vendor-sign", signature)]);
    assert!(custom.verify(&with_custom, body.as_bytes()).is_ok());
    assert!(custom.verify(&signed, body.as_bytes()).is_err());

    // Neither errors nor Debug show the secret.
    let shown = format!(
        "{verifier:?} {}",
        verifier.verify(&signed, tampered.as_bytes()).unwrap_err()
    );
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn timestamp_is_checked_only_when_configured() {
    let body = enveloped("payment.status.success", PAYMENT);
    let verifier =
        HmacSha256Verifier::new(SECRET).timestamp("x-timestamp", Duration::from_secs(300));

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

    // Missing timestamp header.
    let no_ts = headers(&[("x-signature", verifier.sign(body.as_bytes(), Some(ts)))]);
    assert_eq!(
        signature_error(verifier.verify(&no_ts, body.as_bytes())),
        SignatureError::MissingTimestamp {
            header: "x-timestamp".into()
        }
    );

    // Without `.timestamp(..)` (the default) no timestamp is involved at all.
    let plain = HmacSha256Verifier::new(SECRET);
    let old_plain = headers(&[
        ("x-signature", plain.sign(body.as_bytes(), None)),
        ("x-timestamp", old.to_string()),
    ]);
    assert!(plain.verify(&old_plain, body.as_bytes()).is_ok());
}

#[test]
fn verifier_is_usable_as_a_trait_object() {
    let verifier: Arc<dyn Verifier> = Arc::new(HmacSha256Verifier::new(SECRET));
    let body = b"{}";
    assert!(verifier.verify(&HeaderMap::new(), body).is_err());
}

// ---- acknowledgement -----------------------------------------------------------------------

#[test]
fn ack_is_the_one_from_the_spec() {
    let ack: Ack = ack();
    assert_eq!(ack.status, 200);
    assert_eq!(ack.content_type(), "application/json");
    let body: serde_json::Value = serde_json::from_str(ack.body).unwrap();
    assert_eq!(body, serde_json::json!({"code": 0, "message": "success"}));
    assert_eq!(Ack::default(), ack);
}

// ---- redaction -----------------------------------------------------------------------------

#[test]
fn debug_shows_only_the_last_four_digits() {
    let body = enveloped(
        "card.status.active",
        &CARD.replace("\"pin\": \"\"", "\"pin\": \"5820\""),
    );
    let event = webhooks::parse(body.as_bytes()).unwrap();
    let debug = format!("{event:?} {event:#?}");
    assert!(debug.contains("…2345"), "{debug}");
    assert!(!debug.contains(CARD_NO), "{debug}");
    assert!(!debug.contains("491090"), "{debug}");
    assert!(!debug.contains("\"123\""), "{debug}");
    assert!(!debug.contains("5820"), "{debug}");
    assert!(!debug.contains("03/28"), "{debug}");
    assert!(debug.contains("cvv: \"<redacted>\""), "{debug}");
    assert!(debug.contains("pin: \"<redacted>\""), "{debug}");
    // Not everything is hidden: the ids are there to correlate.
    assert!(debug.contains("cid_sxdwXPRxtXt6Ch4n"), "{debug}");

    // The refetched object redacts the same way.
    let refetched = Refetched::Card(card_of(&event).clone());
    let debug = format!("{refetched:?}");
    assert!(
        !debug.contains(CARD_NO) && debug.contains("…2345"),
        "{debug}"
    );
}

/// A minimal subscriber that writes every span and event, with all fields, as text.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
}

struct FieldWriter<'a>(&'a mut String);

impl tracing::field::Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl Capture {
    fn line(
        &self,
        kind: &str,
        metadata: &tracing::Metadata<'_>,
        fields: impl FnOnce(&mut FieldWriter<'_>),
    ) {
        let mut text = self.text.lock().unwrap();
        let _ = write!(
            text,
            "{kind} {} {} {}:",
            metadata.level(),
            metadata.target(),
            metadata.name()
        );
        fields(&mut FieldWriter(&mut text));
        text.push('\n');
    }

    fn captured(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.line("span", span.metadata(), |w| span.record(w));
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str("record:");
        values.record(&mut FieldWriter(&mut text));
        text.push('\n');
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        self.line("event", event.metadata(), |w| event.record(w));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .version("v1")
        .credentials(Credentials::new(
            100001,
            100002,
            "test-key-0123456789abcdef",
        ))
        .build()
        .expect("client builds")
}

/// The card detail response: the same card, now frozen.
fn card_detail_response(object: &str) -> ResponseTemplate {
    let frozen = object.replace("\"status\": 2", "\"status\": 3");
    ResponseTemplate::new(200).set_body_raw(
        format!("{{\"code\": 0, \"message\": \"success\", \"data\": {frozen}}}"),
        "application/json",
    )
}

#[tokio::test]
async fn tracing_output_never_contains_card_data() {
    const CVV: &str = "7391";
    const PIN: &str = "582046";
    let object = CARD
        .replace("\"cvv\": \"123\"", &format!("\"cvv\": \"{CVV}\""))
        .replace("\"pin\": \"\"", &format!("\"pin\": \"{PIN}\""));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/openApi/card/getCardDetail"))
        .respond_with(card_detail_response(&object))
        .mount(&server)
        .await;
    let client = client(&server);

    let capture = Capture::default();
    {
        let _guard = tracing::subscriber::set_default(capture.clone());

        let verifier = HmacSha256Verifier::new(SECRET);
        let body = enveloped("card.status.active", &object);
        // A rejected signature, then the happy path in both shapes.
        let _ = verifier.verify(&HeaderMap::new(), body.as_bytes());
        let event = webhooks::parse(body.as_bytes()).unwrap();
        let _ = webhooks::parse(flat("card.status.active", &object).as_bytes()).unwrap();
        let fresh = event.refetch(&client).await.unwrap();
        assert!(matches!(fresh, Some(Refetched::Card(_))));

        // Failures that involve card data: wrong type, unknown tag, malformed, bad tag.
        let bad = object.replace(&format!("\"{CARD_NO}\""), CARD_NO);
        let _ = webhooks::parse(enveloped("card.status.active", &bad).as_bytes()).unwrap_err();
        let _ = webhooks::parse(enveloped("card.status.gone", &object).as_bytes()).unwrap();
        let _ = webhooks::parse(enveloped(CARD_NO, &object).as_bytes()).unwrap();
        let _ = webhooks::parse(format!("[\"{CARD_NO}\", \"{CVV}\"]").as_bytes()).unwrap_err();
    }
    let captured = capture.captured();

    // The capture did see the webhook and client events...
    assert!(captured.contains("webhook parsed"), "{captured}");
    assert!(captured.contains("tag=card.status.active"), "{captured}");
    assert!(captured.contains("kind=card"), "{captured}");
    assert!(captured.contains("tag=card.status.gone"), "{captured}");
    assert!(captured.contains("webhook rejected"), "{captured}");
    assert!(captured.contains("error=decode"), "{captured}");
    assert!(captured.contains("error=signature_missing"), "{captured}");
    assert!(captured.contains("card_wallet.call"), "{captured}");
    // ...and none of the card data.
    for secret in [
        CARD_NO,
        &CARD_NO[..12],
        &CARD_NO[9..],
        CVV,
        PIN,
        "03/28",
        SECRET,
    ] {
        assert!(!captured.contains(secret), "{secret} leaked:\n{captured}");
    }
}

// ---- refetch -------------------------------------------------------------------------------

#[tokio::test]
async fn refetch_of_a_card_event_calls_get_card_detail() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/openApi/card/getCardDetail"))
        .and(body_partial_json(serde_json::json!({
            "card_id": "cid_sxdwXPRxtXt6Ch4n",
            "customer_id": 100001,
            "app_id": 100002,
        })))
        .respond_with(card_detail_response(CARD))
        .expect(1)
        .mount(&server)
        .await;

    let event = webhooks::parse(enveloped("card.status.active", CARD).as_bytes()).unwrap();
    assert_eq!(card_of(&event).status, CardStatus::Active);

    let fresh = event
        .refetch(&client(&server))
        .await
        .expect("refetch succeeds");
    let Some(Refetched::Card(card)) = fresh else {
        panic!("expected Refetched::Card, got {fresh:?}")
    };
    // The API's answer, not the webhook body.
    assert_eq!(card.card_id, "cid_sxdwXPRxtXt6Ch4n");
    assert_eq!(card.status, CardStatus::Frozen);
    server.verify().await;
}

#[tokio::test]
async fn refetch_without_a_detail_endpoint_is_none_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);

    let trade = webhooks::parse(enveloped("card.trade.auth", CARD_TRADE).as_bytes()).unwrap();
    assert!(trade.refetch(&client).await.unwrap().is_none());

    let unknown = webhooks::parse(enveloped("card.status.gone", CARD).as_bytes()).unwrap();
    assert!(unknown.refetch(&client).await.unwrap().is_none());
    server.verify().await;
}
