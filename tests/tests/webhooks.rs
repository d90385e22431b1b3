//! Webhooks of the card spec: every tag into its generated variant in both shapes, the
//! observed card example, money/datetime/enum rules of the generated payloads, unknown tags,
//! the spec's acknowledgement, redaction of card data in `Debug` and refetch against a loopback
//! server. Card data in `tracing` output: `webhook_tracing.rs`.
//!
//! The spec-independent webhook machinery (parser limits, malformed bodies and duplicate keys,
//! missing tags, decode paths, HMAC verifier, unknown events' Debug) is tested in
//! `runtime/tests/webhook.rs`.

use card_wallet::enums::{CardStatus, CardTradeResult, OrderStatus, PayeeStatus, PaymentStatus};
use card_wallet::webhooks::{self, Ack, Event, Refetched, ack};
use card_wallet::{Client, Credentials};
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
        Event::CardActivated(card) | Event::CardReplaced(card) => card,
        other => panic!(
            "expected CardActivated or CardReplaced, got {}",
            variant(other)
        ),
    }
}

/// `object` with the values the spec says `tag` implies (`payment.status.fail` → `status` =
/// 5), so one object per kind serves every tag of the kind.
fn fitting(tag: &str, object: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(object).unwrap();
    for implied in webhooks::SPEC
        .rule(tag)
        .map_or(&[][..], |rule| rule.implies)
    {
        value[implied.field] = serde_json::from_str(implied.json).unwrap();
    }
    value.to_string()
}

// ---- parsing -------------------------------------------------------------------------------

#[test]
fn every_tag_parses_into_its_variant_in_both_shapes() {
    for (tag, kind, name, object) in ALL {
        let object = &fitting(tag, object);
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
        assert_eq!(card.holder_id, None, "\"\" reads as none");
        assert_eq!(card.card_no, CARD_NO);
        assert_eq!(card.card_no.len(), 21);
        assert_eq!(card.balance, Decimal::from(10));
        assert_eq!(card.balance.to_string(), "10");
        assert_eq!(card.limit, Decimal::from(10));
        assert_eq!(card.expiry, "03/28");
        assert_eq!(card.cvv, "123");
        assert_eq!(card.pin, None);
        assert_eq!(card.status, CardStatus::Active);
        assert_eq!(card.use_at, Some(datetime!(2025-03-03 02:42:11)));
        assert_eq!(card.close_at, None);
        assert_eq!(card.end_at, None);
        assert_eq!(card.mark, None);
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

    // A status code this version does not know is kept, not an error (under a tag that
    // implies no status).
    let future = CARD.replace("\"status\": 2", "\"status\": 42");
    let event = webhooks::parse(enveloped("card.status.replace", &future).as_bytes()).unwrap();
    assert_eq!(card_of(&event).status, CardStatus::Unknown(42));

    // Money past a Decimal's precision is an error with its path, never rounded.
    let precise = PAYMENT.replace(
        "\"amount\": 2000,",
        "\"amount\": 12345678901234567890.12345678901234567890,",
    );
    let error = webhooks::parse(enveloped("payment.status.success", &precise).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("at `data.amount`") && error.contains("more significant digits"),
        "{error}"
    );

    // Vendor quirks: a byte order mark, and the zero date in an optional datetime.
    let quirky = format!(
        "\u{feff}{}",
        enveloped(
            "card.status.active",
            &CARD.replace(
                "\"close_at\": \"\"",
                "\"close_at\": \"0000-00-00 00:00:00\""
            ),
        )
    );
    let event = webhooks::parse(quirky.as_bytes()).unwrap();
    assert_eq!(card_of(&event).close_at, None);
}

#[test]
fn a_payload_contradicting_its_tag_is_refused() {
    // payment.status.success implies status 4 (SUCCESS); the payload says 5 (FAILED).
    let lying = PAYMENT.replace("\"status\": 4,", "\"status\": 5,");
    for (body, path) in [
        (enveloped("payment.status.success", &lying), "data.status"),
        (flat("payment.status.success", &lying), "status"),
    ] {
        let error = webhooks::parse(body.as_bytes()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("webhook `payment.status.success` implies `{path}` = 4, but the payload has 5")
        );
    }
    // A card number in the status field is masked in the message.
    let lying = PAYMENT.replace("\"status\": 4,", "\"status\": 4000056655665556,");
    let error = webhooks::parse(enveloped("payment.status.success", &lying).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        !error.contains("4000056655665556") && error.contains("…5556"),
        "{error}"
    );
}

#[test]
fn unknown_tag_is_the_unknown_variant() {
    // A tag the spec does not list (card.status.expired) falls through to `Event::Unknown`.
    let object = r#"{ "card_id": "cid_1", "card_no": "4111111111111111", "amount": 1.10 }"#;
    let event = webhooks::parse(enveloped("card.status.expired", object).as_bytes())
        .expect("an unknown tag is not an error");
    assert_eq!(event.tag(), "card.status.expired");
    assert_eq!(event.kind(), None);
    let Event::Unknown(unknown) = &event else {
        panic!("expected Unknown, got {}", variant(&event))
    };
    assert_eq!(unknown.raw_json(), object);
    assert!(!format!("{event:?}").contains("4111"));
}

// ---- acknowledgement -----------------------------------------------------------------------

#[test]
fn ack_is_the_one_from_the_spec() {
    let ack: Ack = ack();
    assert_eq!(ack.status, 200);
    assert_eq!(ack.content_type(), "application/json");
    let body: serde_json::Value = serde_json::from_str(ack.body).unwrap();
    assert_eq!(body, serde_json::json!({"code": 0, "message": "success"}));
    assert_eq!(webhooks::SPEC.ack(), ack);
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

    // Card-like digit runs in free-text fields and unknown codes are masked in every variant.
    for (tag, _, _, object) in ALL {
        let mut value: serde_json::Value = serde_json::from_str(&fitting(tag, object)).unwrap();
        for field in [
            "mark",
            "remark",
            "fail_reason",
            "merchant_name",
            "reject_reason",
        ] {
            if value.get(field).is_some() {
                value[field] = "paid with 4000-0566-5566-5556 ok".into();
            }
        }
        for field in ["card_type", "order_type", "fee_mode", "transaction_type"] {
            if value.get(field).is_some() {
                value[field] = 4000056655665556u64.into();
            }
        }
        let body = enveloped(tag, &value.to_string());
        let event = webhooks::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{tag}: {e}"));
        let debug = format!("{event:?} {event:#?}");
        assert!(!debug.contains("5566"), "{tag}: {debug}");
        assert!(debug.contains("…5556"), "{tag}: {debug}");
    }

    // The refetched object redacts the same way.
    let refetched = Refetched::Card(card_of(&event).clone());
    let debug = format!("{refetched:?}");
    assert!(
        !debug.contains(CARD_NO) && debug.contains("…2345"),
        "{debug}"
    );
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
async fn refetch_refuses_another_object_from_the_detail_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/openApi/card/getCardDetail"))
        .respond_with(card_detail_response(
            &CARD.replace("cid_sxdwXPRxtXt6Ch4n", "cid_SOMEONE_ELSE"),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/openApi/payment/getPaymentDetail"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(
                "{{\"code\": 0, \"message\": \"success\", \"data\": {}}}",
                PAYMENT.replace("8d1f0c2b7a6e4d3c9b8a7f6e5d4c3b2a", "another_payment")
            ),
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    for (body, field) in [
        (enveloped("card.status.active", CARD), "card_id"),
        (enveloped("payment.status.success", PAYMENT), "payment_sn"),
    ] {
        let event = webhooks::parse(body.as_bytes()).unwrap();
        let error = event.refetch(&client).await.unwrap_err();
        assert!(error.is_mismatch(), "{error}");
        assert_eq!(
            error.to_string(),
            format!(
                "re-fetch for webhook `{}` returned another object: `{field}` differs",
                event.tag()
            )
        );
    }
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
