//! `webhook::Receiver` behind a real HTTP server on loopback (axum), driven as a vendor, a
//! sloppy vendor and an attacker would: signed and unsigned deliveries, duplicates, a failing
//! handler, concurrent copies, replays, key rotation, a flood of unsigned posts, and bodies
//! the parser must refuse or tolerate.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apigen_runtime::webhook::{
    Handling, HmacSha256Verifier, MemoryStore, Receiver, WebhookError, WebhookEvent,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::events::{Ev, enveloped, flat};
use tokio::sync::Semaphore;

const SECRET: &str = "whsec-loopback";
const PAYMENT: &str =
    r#"{"id": "pay_1", "amount": 10.50, "card_no": "4111111111111111", "status": 2}"#;

/// What the test server's handler saw and how it behaves.
struct App {
    receiver: Receiver<Ev>,
    /// Tags of the deliveries the handler was called with.
    handled: Mutex<Vec<String>>,
    /// The handler fails this many more times before succeeding.
    failures_left: AtomicUsize,
    /// When set, the handler waits for a permit (to hold a delivery in progress).
    gate: Option<Semaphore>,
    /// The last rejection kind, to check why a delivery was refused.
    rejections: Mutex<Vec<&'static str>>,
}

async fn receive(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let shared = &app;
    let receipt = app
        .receiver
        .receive(&headers, &body, |delivery| async move {
            let app = shared;
            let tag = delivery.event.tag().to_owned();
            app.handled.lock().unwrap().push(tag);
            if let Some(gate) = &app.gate {
                let _permit = gate.acquire().await.expect("open gate");
            }
            let failing = app
                .failures_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if failing {
                Err("journal unavailable")
            } else {
                Ok(())
            }
        })
        .await;
    if let Handling::Rejected(error) = &receipt.handling {
        app.rejections.lock().unwrap().push(error.kind());
    }
    let status = StatusCode::from_u16(receipt.status()).expect("a valid status");
    (
        status,
        [(header::CONTENT_TYPE, receipt.content_type())],
        receipt.body(),
    )
        .into_response()
}

struct Server {
    app: Arc<App>,
    url: String,
    http: reqwest::Client,
}

impl Server {
    async fn start(receiver: Receiver<Ev>, failures: usize, gate: Option<Semaphore>) -> Self {
        let app = Arc::new(App {
            receiver,
            handled: Mutex::default(),
            failures_left: AtomicUsize::new(failures),
            gate,
            rejections: Mutex::default(),
        });
        let router = Router::new()
            .route("/webhook", post(receive))
            .with_state(Arc::clone(&app));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self {
            app,
            url,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, body: &str, headers: &[(&str, String)]) -> (u16, String) {
        let mut request = self.http.post(&self.url).body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    fn handled(&self) -> usize {
        self.app.handled.lock().unwrap().len()
    }

    fn rejections(&self) -> Vec<&'static str> {
        self.app.rejections.lock().unwrap().clone()
    }
}

fn verifier() -> HmacSha256Verifier {
    HmacSha256Verifier::new(SECRET).unwrap()
}

fn signed(body: &str) -> Vec<(&'static str, String)> {
    vec![("x-signature", verifier().sign(body.as_bytes(), None))]
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

fn ack() -> (u16, String) {
    (Ev::SPEC.ack_status, Ev::SPEC.ack_body.to_owned())
}

#[tokio::test]
async fn a_signed_delivery_is_handled_once_and_duplicates_are_acknowledged() {
    let server = Server::start(Receiver::new(verifier(), MemoryStore::new(100)), 0, None).await;
    let body = enveloped("payment.paid", PAYMENT);
    for _ in 0..3 {
        assert_eq!(server.post(&body, &signed(&body)).await, ack());
    }
    assert_eq!(server.handled(), 1, "three copies, one handler call");
    // The flat shape of the same object is the same delivery.
    let flat_body = flat("payment.paid", PAYMENT);
    assert_eq!(server.post(&flat_body, &signed(&flat_body)).await, ack());
    assert_eq!(server.handled(), 1);
    // A status change is a new delivery.
    let failed = enveloped(
        "payment.failed",
        &PAYMENT.replace("\"status\": 2", "\"status\": 4"),
    );
    assert_eq!(server.post(&failed, &signed(&failed)).await, ack());
    assert_eq!(server.handled(), 2);
}

#[tokio::test]
async fn unsigned_forged_and_flooded_posts_never_reach_the_handler() {
    let server = Server::start(Receiver::new(verifier(), MemoryStore::new(100)), 0, None).await;
    let body = enveloped("payment.paid", PAYMENT);
    assert_eq!(server.post(&body, &[]).await.0, 401);
    let forged = HmacSha256Verifier::new("guessed").unwrap();
    let forged = vec![("x-signature", forged.sign(body.as_bytes(), None))];
    assert_eq!(server.post(&body, &forged).await.0, 401);

    // 200 unsigned posts at once: all refused, no handler call.
    let server = Arc::new(server);
    let posts = (0..200).map(|n| {
        let server = Arc::clone(&server);
        let body = enveloped(
            "payment.paid",
            &PAYMENT.replace("pay_1", &format!("pay_{n}")),
        );
        tokio::spawn(async move { server.post(&body, &[]).await.0 })
    });
    for post in posts.collect::<Vec<_>>() {
        assert_eq!(post.await.unwrap(), 401);
    }
    assert_eq!(server.handled(), 0);
    assert!(
        server
            .rejections()
            .iter()
            .all(|kind| kind.starts_with("signature"))
    );
}

#[tokio::test]
async fn a_failing_handler_gives_500_and_the_retry_is_handled() {
    let server = Server::start(Receiver::new(verifier(), MemoryStore::new(100)), 2, None).await;
    let body = enveloped("payment.paid", PAYMENT);
    for _ in 0..2 {
        let (status, text) = server.post(&body, &signed(&body)).await;
        assert_eq!(status, 500);
        assert!(
            !text.contains("journal"),
            "the handler's error is not sent: {text}"
        );
    }
    assert_eq!(server.post(&body, &signed(&body)).await, ack());
    assert_eq!(server.post(&body, &signed(&body)).await, ack());
    assert_eq!(
        server.handled(),
        3,
        "two failures, one success, then a duplicate"
    );
}

#[tokio::test]
async fn a_copy_arriving_while_the_first_is_handled_gets_409() {
    let gate = Semaphore::new(0);
    let server = Arc::new(
        Server::start(
            Receiver::new(verifier(), MemoryStore::new(100)),
            0,
            Some(gate),
        )
        .await,
    );
    let body = enveloped("payment.paid", PAYMENT);
    let first = {
        let server = Arc::clone(&server);
        let body = body.clone();
        tokio::spawn(async move { server.post(&body, &signed(&body)).await })
    };
    while server.handled() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.post(&body, &signed(&body)).await.0, 409);
    server.app.gate.as_ref().unwrap().add_permits(1);
    assert_eq!(first.await.unwrap(), ack());
    assert_eq!(server.post(&body, &signed(&body)).await, ack());
    assert_eq!(server.handled(), 1);
}

#[tokio::test]
async fn the_timestamp_option_refuses_old_replays_and_dedupes_fresh_ones() {
    let verifier = verifier().timestamp("x-timestamp", Duration::from_secs(300));
    let sign = |body: &str, at: i64| {
        vec![
            ("x-signature", verifier.sign(body.as_bytes(), Some(at))),
            ("x-timestamp", at.to_string()),
        ]
    };
    let body = enveloped("payment.paid", PAYMENT);
    let fresh = sign(&body, now());
    let old = sign(&body, now() - 301);
    let server = Server::start(
        Receiver::new(
            HmacSha256Verifier::new(SECRET)
                .unwrap()
                .timestamp("x-timestamp", Duration::from_secs(300)),
            MemoryStore::new(100),
        ),
        0,
        None,
    )
    .await;
    assert_eq!(server.post(&body, &old).await.0, 401);
    assert_eq!(server.rejections(), ["timestamp_stale"]);
    assert_eq!(server.post(&body, &fresh).await, ack());
    assert_eq!(server.post(&body, &fresh).await, ack());
    assert_eq!(
        server.handled(),
        1,
        "the replay inside the window is a duplicate"
    );
}

#[tokio::test]
async fn rotated_secrets_and_a_second_signature_header_are_accepted() {
    let receiver = Receiver::new(
        HmacSha256Verifier::new("new-secret")
            .unwrap()
            .with_secret(SECRET)
            .unwrap()
            .also_signature_header("x-signature-next"),
        MemoryStore::new(100),
    );
    let server = Server::start(receiver, 0, None).await;
    let new = HmacSha256Verifier::new("new-secret").unwrap();
    let one = enveloped("payment.paid", PAYMENT);
    let two = enveloped("payment.paid", &PAYMENT.replace("pay_1", "pay_2"));
    let three = enveloped("payment.paid", &PAYMENT.replace("pay_1", "pay_3"));
    assert_eq!(server.post(&one, &signed(&one)).await, ack());
    let headers = vec![
        ("x-signature", "0".repeat(64)),
        ("x-signature-next", new.sign(two.as_bytes(), None)),
    ];
    assert_eq!(server.post(&two, &headers).await, ack());
    let headers = vec![("x-signature", new.sign(three.as_bytes(), None))];
    assert_eq!(server.post(&three, &headers).await, ack());
    assert_eq!(server.handled(), 3);
}

#[tokio::test]
async fn without_verification_is_explicit_and_still_deduplicates() {
    let receiver: Receiver<Ev> = Receiver::without_verification(MemoryStore::new(100));
    assert!(!receiver.verifies());
    let server = Server::start(receiver, 0, None).await;
    let body = enveloped("payment.paid", PAYMENT);
    assert_eq!(server.post(&body, &[]).await, ack());
    assert_eq!(server.post(&body, &[]).await, ack());
    assert_eq!(server.handled(), 1);
}

#[tokio::test]
async fn bodies_are_refused_or_tolerated_before_the_handler() {
    let server = Server::start(Receiver::new(verifier(), MemoryStore::new(100)), 0, None).await;
    let post = |body: String| {
        let server = &server;
        async move { server.post(&body, &signed(&body)).await.0 }
    };
    // A byte order mark is skipped.
    assert_eq!(
        post(format!("\u{feff}{}", enveloped("payment.paid", PAYMENT))).await,
        204
    );
    // The tag contradicts the status; both shapes at once; money past Decimal's precision.
    let lying = enveloped("payment.failed", PAYMENT);
    let mixed = enveloped("payment.paid", PAYMENT).replacen('{', r#"{"id": "pay_9", "#, 1);
    let precise = enveloped(
        "payment.paid",
        &PAYMENT.replace("10.50", "12345678901234567890.12345678901234567890"),
    );
    for body in [lying, mixed, precise] {
        assert_eq!(post(body).await, 400);
    }
    assert_eq!(
        server.rejections(),
        ["contradiction", "mixed_shape", "decode"]
    );
    assert_eq!(server.handled(), 1);
    // Oversized: 413.
    let big = enveloped(
        "payment.paid",
        &PAYMENT.replace("pay_1", &"x".repeat(2 << 20)),
    );
    assert_eq!(post(big).await, 413);
}

#[test]
fn parse_errors_name_the_path_and_mask_values() {
    let parser = apigen_runtime::webhook::Parser::<Ev>::new();
    let lying = enveloped(
        "payment.failed",
        &PAYMENT.replace("\"status\": 2", "\"status\": 4111111111111111"),
    );
    let error = parser.parse(lying.as_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "webhook `payment.failed` implies `object.status` = 4, but the payload has …1111"
    );
    let precise = flat(
        "payment.paid",
        &PAYMENT.replace("10.50", "12345678901234567890.12345678901234567890"),
    );
    let WebhookError::Decode { path, message, .. } = parser.parse(precise.as_bytes()).unwrap_err()
    else {
        panic!("a decode error")
    };
    assert_eq!(path, "amount");
    assert!(message.contains("more significant digits"), "{message}");
    let mixed = r#"{"type": "payment.paid", "object": {}, "id": "x"}"#;
    assert_eq!(
        parser.parse(mixed.as_bytes()).unwrap_err().to_string(),
        "webhook body has both `object` and payload fields beside it (first: `id`); send one shape"
    );
}
