//! Drift detection against a loopback server: each kind of drift counted and hooked per
//! response, strict mode failing, the capture file holding shapes and no secrets, unknown
//! business codes and webhook tags. (What is logged: `drift_tracing.rs`.)

mod common;

use std::sync::{Arc, Mutex};

use apigen_runtime::Error;
use apigen_runtime::drift::{Drift, DriftKind};
#[cfg(feature = "webhooks")]
use apigen_runtime::{
    drift::DriftCount,
    webhook::{MemoryStore, Receiver},
};
use common::cards::{
    CVV, Status, card_as_declared, client, count, drifting_card, get_card, get_typed_card, ok,
    server,
};
use common::{CARD_NO, Code, SECRET, envelope};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn each_kind_is_counted_and_hooked_per_response() {
    let hooked: Arc<Mutex<Vec<Drift>>> = Arc::default();
    let seen = Arc::clone(&hooked);
    let server = server(ok(&drifting_card())).await;
    let client = client(&server, |b| {
        b.on_drift(move |drift| {
            seen.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(drift.clone());
        })
    });
    for _ in 0..3 {
        get_card(&client)
            .await
            .unwrap_or_else(|e| panic!("not strict: {e}"));
    }
    assert_eq!(
        client.drift().snapshot(),
        [
            count("data.card_no", DriftKind::EmptyValue, 3),
            count("data.expiry", DriftKind::UnknownField, 3),
            count("data.holder", DriftKind::MissingField, 3),
            count("data.pan_copy", DriftKind::UnknownField, 3),
            count("data.status", DriftKind::UnknownEnumCode, 3),
        ]
    );
    let hooked = hooked.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(hooked.len(), 15);
    let samples: Vec<(&str, Option<&str>)> = hooked[..5]
        .iter()
        .map(|d| (d.path.as_str(), d.sample.as_deref()))
        .collect();
    // Types for unknown fields and empty values, the code for an unknown code: no values.
    assert_eq!(
        samples,
        [
            ("data.card_no", Some("string")),
            ("data.expiry", Some("string")),
            ("data.holder", None),
            ("data.pan_copy", Some("string")),
            ("data.status", Some("7")),
        ]
    );
}

#[tokio::test]
async fn a_declared_field_that_never_arrives_is_reported_after_many_responses() {
    let server = server(ok(&card_as_declared())).await;
    let client = client(&server, |b| b);
    for _ in 0..apigen_runtime::drift::NEVER_ARRIVED_AFTER {
        get_card(&client).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        client.drift().snapshot(),
        [count("data.nickname", DriftKind::NeverArrived, 1)]
    );
}

#[tokio::test]
async fn an_unknown_business_error_code_is_reported() {
    let server = server(envelope(r#"{"code":4111111111111111,"message":"new"}"#)).await;
    let hooked: Arc<Mutex<Vec<Drift>>> = Arc::default();
    let seen = Arc::clone(&hooked);
    let client = client(&server, |b| {
        b.on_drift(move |drift| {
            seen.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(drift.clone())
        })
    });
    let error = get_card(&client).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                code: Code::Unknown(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        client.drift().snapshot(),
        [count("code", DriftKind::UnknownErrorCode, 1)]
    );
    let hooked = hooked.lock().unwrap_or_else(|e| e.into_inner());
    let sample = hooked[0].sample.clone().unwrap_or_default();
    assert!(
        !sample.contains(CARD_NO) && sample.ends_with("1111"),
        "{sample}"
    );
}

#[tokio::test]
async fn strict_mode_fails_the_call_naming_the_path() {
    let server = server(ok(&drifting_card())).await;
    let client = client(&server, |b| b.strict(true));
    let error = get_card(&client).await.unwrap_err();
    let Error::Drift {
        endpoint, drift, ..
    } = &error
    else {
        panic!("not a drift error: {error:?}");
    };
    assert_eq!(*endpoint, "get_card");
    assert_eq!(
        (drift.path.as_str(), drift.kind),
        ("data.card_no", DriftKind::EmptyValue)
    );
    let message = error.to_string();
    assert!(message.contains("`data.card_no`"), "{message}");
    assert!(!error.is_retryable());

    // A response as declared passes.
    let server = server_as_declared().await;
    let client = self::client(&server, |b| b.strict(true));
    get_card(&client).await.unwrap_or_else(|e| panic!("{e}"));
}

async fn server_as_declared() -> MockServer {
    server(ok(&card_as_declared())).await
}

#[tokio::test]
async fn detection_can_be_turned_off() {
    let server = server(ok(&drifting_card())).await;
    let client = client(&server, |b| b.drift_detection(false));
    get_card(&client).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(client.drift().snapshot(), []);
}

#[tokio::test]
async fn the_capture_file_holds_shapes_and_no_secrets() {
    let dir = std::env::temp_dir().join(format!("apigen-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("capture.jsonl");
    let _ = std::fs::remove_file(&path);
    let server = server(ok(&drifting_card())).await;
    let client = client(&server, |b| b.drift_capture(&path));
    for _ in 0..2 {
        get_card(&client).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    for secret in [SECRET, CARD_NO, CVV, "12/29", "Ann"] {
        assert!(!text.contains(secret), "{secret} captured:\n{text}");
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["endpoint"], "get_card");
    assert_eq!(
        lines[0]["shape"],
        serde_json::json!({
            "card_no": "string", "status": "integer", "cvv": "string",
            "pan_copy": "string", "expiry": "string",
        })
    );
    let kinds: Vec<(&str, &str)> = lines[0]["drift"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|d| {
                    (
                        d["path"].as_str().unwrap_or(""),
                        d["kind"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        kinds.contains(&("data.pan_copy", "unknown_field")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("data.status", "unknown_enum_code")),
        "{kinds:?}"
    );
}

#[cfg(feature = "webhooks")]
#[tokio::test]
async fn unknown_webhook_tags_are_reported_to_the_clients_monitor() {
    let server = server_as_declared().await;
    let client = client(&server, |b| b);
    let receiver: Receiver<common::events::Ev, MemoryStore> =
        Receiver::without_verification(MemoryStore::new(10)).drift(Arc::clone(client.drift()));
    let headers = reqwest::header::HeaderMap::new();
    for tag in ["payment.disputed", "payment.disputed", "payment.paid"] {
        let body = common::events::enveloped(
            tag,
            &format!(r#"{{"id":"p-{tag}","amount":"1.00","card_no":"{CARD_NO}","status":1}}"#),
        );
        let receipt = receiver
            .receive(&headers, body.as_bytes(), |_| async {
                Ok::<(), std::io::Error>(())
            })
            .await;
        assert!(receipt.is_acknowledged());
    }
    assert_eq!(
        client.drift().snapshot(),
        [DriftCount {
            endpoint: "webhook",
            path: "type".to_owned(),
            kind: DriftKind::UnknownWebhookTag,
            count: 2,
        }]
    );
}

/// Past the responses every client checks at first ([`CHECK_FIRST`]), the probe still
/// notices each kind of drift a typed decode can see, in the first response that has it.
#[tokio::test]
async fn drift_is_noticed_in_every_response_not_only_the_first_ones() {
    let first = apigen_runtime::drift::CHECK_FIRST + 8;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok(
            &card_as_declared().replace(r#""cvv""#, r#""nickname":"n","cvv""#)
        ))
        .up_to_n_times(first)
        .with_priority(1)
        .mount(&server)
        .await;
    // Each of these, one after the other, once.
    for (n, drifting) in [
        format!(r#"{{"card_no":"{CARD_NO}","holder":"Ann","status":1,"pan_copy":"x"}}"#),
        format!(r#"{{"card_no":"{CARD_NO}","holder":"Ann","status":9}}"#),
        r#"{"card_no":"","holder":"Ann","status":1}"#.to_owned(),
        format!(r#"{{"card_no":"{CARD_NO}","holder":"Ann","status":1,"cvv":"","nickname":""}}"#),
    ]
    .into_iter()
    .enumerate()
    {
        Mock::given(method("POST"))
            .respond_with(ok(&drifting))
            .up_to_n_times(1)
            .with_priority(u8::try_from(n).unwrap_or(u8::MAX).saturating_add(2))
            .mount(&server)
            .await;
    }
    let client = client(&server, |b| b);
    for _ in 0..first {
        let card = get_typed_card(&client)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(card.status, Status::Active);
    }
    assert_eq!(client.drift().snapshot(), []);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let card = get_typed_card(&client)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        statuses.push(card.status);
    }
    assert_eq!(statuses[1], Status::Unknown(9));
    // `""` in the optional `cvv` and `nickname` is not drift (the last response).
    assert_eq!(
        client.drift().snapshot(),
        [
            count("data.card_no", DriftKind::EmptyValue, 1),
            count("data.pan_copy", DriftKind::UnknownField, 1),
            count("data.status", DriftKind::UnknownEnumCode, 1),
        ]
    );
}

/// A field the spec promises that arrives `null` or not at all fails the decode, and is
/// reported as drift too.
#[tokio::test]
async fn a_response_that_fails_to_decode_is_checked_for_drift() {
    let server = server(ok(r#"{"card_no":null,"status":1}"#)).await;
    let client = client(&server, |b| b.strict(true));
    for _ in 0..apigen_runtime::drift::CHECK_FIRST + 1 {
        let error = get_typed_card(&client).await.err();
        assert!(
            matches!(&error, Some(Error::Decode { path, .. }) if path == "data.card_no"),
            "{error:?}"
        );
    }
    assert_eq!(
        client.drift().snapshot(),
        [
            count("data.card_no", DriftKind::EmptyValue, 33),
            count("data.cvv", DriftKind::NeverArrived, 1),
            count("data.holder", DriftKind::MissingField, 33),
            count("data.nickname", DriftKind::NeverArrived, 1),
        ]
    );
}

#[cfg(feature = "webhooks")]
#[tokio::test]
async fn webhook_payloads_are_compared_with_their_declared_shape() {
    let server = server_as_declared().await;
    let client = client(&server, |b| b);
    let receiver: Receiver<common::events::Ev, MemoryStore> =
        Receiver::without_verification(MemoryStore::new(10)).drift(Arc::clone(client.drift()));
    let headers = reqwest::header::HeaderMap::new();
    let as_declared = format!(r#"{{"id":"p-1","amount":1.00,"card_no":"{CARD_NO}","status":1}}"#);
    let drifting =
        format!(r#"{{"id":"p-2","amount":1.00,"card_no":"","status":8,"{CARD_NO}":1,"fee":0}}"#);
    for body in [
        common::events::enveloped("payment.paid", &as_declared),
        common::events::enveloped("payment.paid", &drifting),
        common::events::flat("payment.refunded", &drifting),
    ] {
        let receipt = receiver
            .receive(&headers, body.as_bytes(), |_| async {
                Ok::<(), std::io::Error>(())
            })
            .await;
        assert!(receipt.is_acknowledged(), "drift never rejects a delivery");
    }
    let counts: Vec<(String, String, DriftKind, u64)> = client
        .drift()
        .snapshot()
        .into_iter()
        .map(|c| (c.endpoint.to_owned(), c.path, c.kind, c.count))
        .collect();
    let at = |path: &str, kind, n| ("webhooks.payment".to_owned(), path.to_owned(), kind, n);
    // The card number used as a key is shown as `?`; the sensitive field's code is not copied.
    assert_eq!(
        counts,
        [
            at("data.?", DriftKind::UnknownField, 2),
            at("data.card_no", DriftKind::EmptyValue, 2),
            at("data.fee", DriftKind::UnknownField, 2),
            at("data.status", DriftKind::UnknownEnumCode, 2),
        ]
    );
}
