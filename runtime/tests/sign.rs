//! Auth fields carried in headers and computed per attempt by a signer: a retried request is
//! signed afresh, the signature covers the canonical body (the sorted query string of a GET), and
//! secrets stay out of errors.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use apigen_runtime::sign::{ComputedField, HmacSha256Signer, SignRequest, Signer, canonical_json};
use apigen_runtime::testing::FixedSigner;
use apigen_runtime::{Auth, AuthHeader, Client, Error, Service, ServiceSpec};
use common::{Code, GET_ITEM, SECRET, fast_retries, get_item, ok};
use serde::ser::SerializeMap;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An API whose key travels in `X-App-Key`, with a computed `sign` in the body and a computed
/// `timestamp` in `X-Timestamp`.
#[derive(Debug)]
enum Signed {}

impl Service for Signed {
    type Credentials = HeaderKey;
    type ErrorCode = Code;
    type Client = Client<Signed>;
    const SPEC: ServiceSpec = ServiceSpec {
        name: "signed",
        ..<common::Shop as Service>::SPEC
    };
}

#[derive(Clone)]
struct HeaderKey {
    merchant: String,
    app_key: String,
}

impl fmt::Debug for HeaderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderKey")
            .field("merchant", &self.merchant)
            .finish_non_exhaustive()
    }
}

impl Auth for HeaderKey {
    const COMPUTED: &'static [ComputedField] = &[
        ComputedField {
            name: "sign",
            header: None,
        },
        ComputedField {
            name: "timestamp",
            header: Some("X-Timestamp"),
        },
    ];

    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("merchant", &self.merchant)
    }

    fn headers(&self) -> Vec<AuthHeader<'_>> {
        vec![AuthHeader {
            name: "X-App-Key",
            value: &self.app_key,
            sensitive: true,
        }]
    }
}

fn key() -> HeaderKey {
    HeaderKey {
        merchant: "M-1".into(),
        app_key: SECRET.into(),
    }
}

const SIGNING_SECRET: &str = "signing-s3cr3t-value";

/// A clock that ticks one millisecond per reading.
fn ticking_clock() -> i64 {
    static NOW: AtomicI64 = AtomicI64::new(1_700_000_000_000);
    NOW.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn every_attempt_is_signed_afresh_over_the_canonical_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/items/get"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/items/get"))
        .respond_with(ok(r#"{"id":"it-1","price":1.50}"#))
        .mount(&server)
        .await;
    let signer = HmacSha256Signer::new(SIGNING_SECRET, "sign")
        .unwrap()
        .timestamp_field("timestamp")
        .clock(ticking_clock);
    let client = Client::<Signed>::builder(server.uri())
        .credentials(key())
        .signer(signer)
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let _: Value = client.execute(&GET_ITEM, &get_item()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let mut seen = Vec::new();
    for request in &requests {
        assert_eq!(request.headers.get("x-app-key").unwrap(), SECRET);
        let timestamp = request
            .headers
            .get("x-timestamp")
            .unwrap()
            .to_str()
            .unwrap();
        let mut body: Value = serde_json::from_slice(&request.body).unwrap();
        let sign = body
            .as_object_mut()
            .unwrap()
            .remove("sign")
            .expect("sign in the body");
        assert!(body.get("timestamp").is_none(), "the timestamp is a header");
        assert_eq!(body["merchant"], "M-1");
        // The MAC over the canonical body (without `sign`), by a signer pinned to the
        // request's timestamp.
        let pinned = pinned_signer(timestamp.parse().unwrap());
        let values = pinned
            .sign(&SignRequest {
                method: "POST",
                path: "/v1/items/get",
                canonical: &canonical_json(&body),
                fields: HeaderKey::COMPUTED,
            })
            .unwrap();
        assert_eq!(sign, values["sign"]);
        seen.push((timestamp.to_owned(), sign));
    }
    assert_ne!(
        seen[0], seen[1],
        "the retry carries a new timestamp and signature"
    );
}

/// An HMAC signer whose clock always reads `at`.
fn pinned_signer(at: i64) -> HmacSha256Signer {
    static AT: AtomicI64 = AtomicI64::new(0);
    AT.store(at, Ordering::Relaxed);
    HmacSha256Signer::new(SIGNING_SECRET, "sign")
        .unwrap()
        .timestamp_field("timestamp")
        .clock(|| AT.load(Ordering::Relaxed))
}

#[test]
fn a_client_of_an_api_with_computed_fields_needs_a_signer() {
    let error = Client::<Signed>::builder("https://api.example.test")
        .credentials(key())
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let message = error.to_string();
    assert!(message.contains("sign, timestamp"), "{message}");
    assert!(message.contains("signer"), "{message}");

    let error = Client::<common::Shop>::builder("https://api.example.test")
        .credentials(common::Key::new())
        .signer(FixedSigner)
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("no computed auth fields"),
        "{error}"
    );
}

/// A signer that fails, with a message naming no secret.
struct Failing;

impl Signer for Failing {
    fn sign(
        &self,
        _: &SignRequest<'_>,
    ) -> Result<std::collections::BTreeMap<String, String>, apigen_runtime::sign::SignError> {
        Err(apigen_runtime::sign::SignError::new("the HSM is offline"))
    }
}

#[tokio::test]
async fn a_signer_failure_is_not_sent_and_not_retried() {
    let server = MockServer::start().await;
    let client = Client::<Signed>::builder(server.uri())
        .credentials(key())
        .signer(Failing)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let error = client
        .execute::<_, Value>(&GET_ITEM, &get_item())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Sign { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("HSM is offline"), "{error}");
    assert!(!format!("{error} {error:?} {client:?}").contains(SECRET));
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// What a signer was asked to sign: (method, path, canonical request).
type Asked = std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>;

/// Records what it was asked to sign and answers fixed values.
struct Recording(Asked);

impl Signer for Recording {
    fn sign(
        &self,
        request: &SignRequest<'_>,
    ) -> Result<std::collections::BTreeMap<String, String>, apigen_runtime::sign::SignError> {
        self.0.lock().unwrap().push((
            request.method.to_owned(),
            request.path.to_owned(),
            request.canonical.to_owned(),
        ));
        Ok([("sign", "s&ig"), ("timestamp", "17")]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .into())
    }
}

/// A read sent as a GET.
const FIND_ITEMS: apigen_runtime::Operation = apigen_runtime::Operation {
    name: "find_items",
    path: "/{version}/items/find",
    method: apigen_runtime::Method::Get,
    ..GET_ITEM
};

#[tokio::test]
async fn a_get_is_signed_over_its_sorted_query_string_and_carries_the_signature_there() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/items/find"))
        .respond_with(ok("[]"))
        .mount(&server)
        .await;
    let asked = Asked::default();
    let client = Client::<Signed>::builder(server.uri())
        .credentials(key())
        .signer(Recording(asked.clone()))
        .build()
        .unwrap();
    let request = serde_json::json!({
        "name": "a b&c",
        "max_price": rust_decimal::Decimal::new(1_000_000_000_000_000_001, 18),
        "in_stock": true,
        "since": null,
    });
    let _: Value = client.execute(&FIND_ITEMS, &request).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert!(sent.body.is_empty(), "a GET has no body");
    assert_eq!(sent.headers.get("x-timestamp").unwrap(), "17");
    assert_eq!(
        sent.url.query(),
        Some("in_stock=true&max_price=1.000000000000000001&merchant=M-1&name=a+b%26c&sign=s%26ig")
    );
    let asked = asked.lock().unwrap().clone();
    assert_eq!(
        asked,
        [(
            "GET".to_owned(),
            "/v1/items/find".to_owned(),
            "in_stock=true&max_price=1.000000000000000001&merchant=M-1&name=a+b%26c".to_owned()
        )]
    );
}
