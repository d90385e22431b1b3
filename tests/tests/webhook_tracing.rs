//! No card data in `tracing` output, whatever the webhook: the events of a parse, a refetch and
//! each kind of failure are captured with all their fields, and none holds the card number, CVV,
//! PIN, expiry or key.
//!
//! This test has a binary of its own: it installs a thread-local subscriber, and `tracing`
//! caches per call site whether anyone listens, so tests running in parallel threads of the same
//! binary could cache "nobody" for a call site first hit elsewhere and hide events from the
//! capture.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use card_wallet::webhooks::{self, Refetched};
use card_wallet::{Client, Credentials};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

// ---- refetch -------------------------------------------------------------------------------

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

        let body = enveloped("card.status.active", &object);
        // The happy path in both shapes.
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
    assert!(captured.contains("service=card-wallet"), "{captured}");
    // ...and none of the card data.
    for secret in [
        CARD_NO,
        &CARD_NO[..12],
        &CARD_NO[9..],
        CVV,
        PIN,
        "03/28",
        "test-key-0123456789abcdef",
    ] {
        assert!(!captured.contains(secret), "{secret} leaked:\n{captured}");
    }
}
