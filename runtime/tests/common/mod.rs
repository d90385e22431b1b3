//! A small API described to the runtime by hand, the way a generated crate does it, for the
//! runtime's own tests. Its envelope deliberately differs from the card API's
//! (`status`/`msg`/`result`, success `200`), so that nothing card-specific can be hard-coded.

#![allow(dead_code, unreachable_pub)] // each test target uses a different part

pub mod cards;
#[cfg(feature = "webhooks")]
pub mod events;

use std::fmt;
use std::time::Duration;

use apigen_runtime::redact::Redacted;
use apigen_runtime::{
    Auth, BusinessCode, Client, ClientBuilder, CursorPaged, CursorRequest, EnvelopeSpec, Method,
    Operation, PageRequest, Paged, RetryClass, RetryPolicy, Service, ServiceSpec, SuccessCode,
};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use wiremock::{MockServer, ResponseTemplate};

/// The secret of [`Key`]: must never leak into errors, `Debug` or logs.
pub const SECRET: &str = "s3cr3t-0123456789abcdef0123456789";
/// A card number: must never leak into errors, `Debug` or logs.
pub const CARD_NO: &str = "4111111111111111";
pub const ACCOUNT: i64 = 4242;

/// The marker type of the test API.
#[derive(Debug)]
pub enum Shop {}

impl Service for Shop {
    type Credentials = Key;
    type ErrorCode = Code;
    type Client = Client<Shop>;
    const SPEC: ServiceSpec = ServiceSpec {
        name: "shop",
        default_version: "v1",
        user_agent: "shop-tests/0.0.0",
        envelope: EnvelopeSpec {
            code: "status",
            message: "msg",
            data: "result",
            success: SuccessCode::Int(200),
        },
        sensitive_fields: &["api_secret", "cvv", "expiry_date"],
    };
}

/// A second API with the card API's envelope layout (`code`/`message`/`data`, success `0`).
#[derive(Debug)]
pub enum Classic {}

impl Service for Classic {
    type Credentials = Key;
    type ErrorCode = Code;
    type Client = Client<Classic>;
    const SPEC: ServiceSpec = ServiceSpec {
        name: "classic",
        default_version: "v9",
        user_agent: "classic-tests/0.0.0",
        envelope: EnvelopeSpec {
            code: "code",
            message: "message",
            data: "data",
            success: SuccessCode::Int(0),
        },
        sensitive_fields: &["api_secret"],
    };
}

/// A third API whose codes are strings (`retCode`/`retMsg`/`result`, success `"0000"`).
#[derive(Debug)]
pub enum Remit {}

impl Service for Remit {
    type Credentials = Key;
    type ErrorCode = RemitCode;
    type Client = Client<Remit>;
    const SPEC: ServiceSpec = ServiceSpec {
        name: "remit",
        default_version: "v2",
        user_agent: "remit-tests/0.0.0",
        envelope: EnvelopeSpec {
            code: "retCode",
            message: "retMsg",
            data: "result",
            success: SuccessCode::Str("0000"),
        },
        sensitive_fields: &["api_secret"],
    };
}

/// The business codes of [`Remit`]: strings, with a rate-limit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemitCode {
    NoSuchTransfer,
    SlowDown,
    Unknown(String),
}

impl fmt::Display for RemitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "remit code {}", self.code())
    }
}

impl BusinessCode for RemitCode {
    type Code = String;

    fn from_code(code: String) -> Self {
        match code.as_str() {
            "E404" => Self::NoSuchTransfer,
            "E429" => Self::SlowDown,
            _ => Self::Unknown(code),
        }
    }

    fn code(&self) -> String {
        match self {
            Self::NoSuchTransfer => "E404".to_owned(),
            Self::SlowDown => "E429".to_owned(),
            Self::Unknown(code) => code.clone(),
        }
    }

    fn is_rate_limited(&self) -> bool {
        matches!(self, Self::SlowDown)
    }
}

/// Credentials: an account number and a secret string, both sent in the body.
#[derive(Clone)]
pub struct Key {
    pub account: i64,
    pub secret: String,
}

impl Key {
    pub fn new() -> Self {
        Self {
            account: ACCOUNT,
            secret: SECRET.to_owned(),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("account", &self.account)
            .field("secret", &Redacted)
            .finish()
    }
}

impl Auth for Key {
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("account", &self.account)?;
        map.serialize_entry("api_secret", &self.secret)
    }
}

/// The business codes: an open enum with a rate-limit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    NotFound,
    RateLimited,
    Unknown(i64),
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => write!(f, "not found ({})", self.code()),
            Self::RateLimited => write!(f, "slow down ({})", self.code()),
            Self::Unknown(code) => write!(f, "unknown code {code}"),
        }
    }
}

impl BusinessCode for Code {
    type Code = i64;

    fn from_code(code: i64) -> Self {
        match code {
            404 => Self::NotFound,
            429 => Self::RateLimited,
            other => Self::Unknown(other),
        }
    }

    fn code(&self) -> i64 {
        match self {
            Self::NotFound => 404,
            Self::RateLimited => 429,
            Self::Unknown(code) => *code,
        }
    }

    fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited)
    }

    fn is_known(&self) -> bool {
        !matches!(self, Self::Unknown(_))
    }
}

pub type Error = apigen_runtime::Error<Code>;

/// A read: retried after any transient failure.
pub const GET_ITEM: Operation = Operation {
    name: "get_item",
    path: "/{version}/items/get",
    method: Method::Post,
    retry: RetryClass::Safe,
    recovery: None,
    moves_money: false,
};

/// A money-moving call: never re-sent once it may have been sent.
pub const PAY: Operation = Operation {
    name: "pay",
    path: "/{version}/payments/create",
    method: Method::Post,
    retry: RetryClass::Never,
    recovery: Some("the payment may have been made; look it up by reference before paying again"),
    moves_money: true,
};

/// A list endpoint.
pub const LIST_ITEMS: Operation = Operation {
    name: "list_items",
    path: "/{version}/items/list",
    method: Method::Post,
    retry: RetryClass::Safe,
    recovery: None,
    moves_money: false,
};

#[derive(Serialize)]
pub struct GetItem {
    pub item_id: String,
}

pub fn get_item() -> GetItem {
    GetItem {
        item_id: "it-1".into(),
    }
}

#[derive(Serialize)]
pub struct Pay {
    pub reference: String,
    #[serde(with = "apigen_runtime::serde::decimal")]
    pub amount: rust_decimal::Decimal,
}

pub fn pay() -> Pay {
    Pay {
        reference: "ref-1".into(),
        amount: rust_decimal::Decimal::new(10010, 2), // 100.10
    }
}

/// A row of the list endpoint.
#[derive(Debug, Serialize, Deserialize)]
pub struct Row {
    pub id: i64,
    #[serde(with = "apigen_runtime::serde::decimal")]
    pub amount: rust_decimal::Decimal,
}

/// A page of the list endpoint.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub total: i64,
    pub list: Vec<T>,
}

impl<T> Paged for Page<T> {
    type Item = T;
    fn total(&self) -> i64 {
        self.total
    }
    fn into_items(self) -> Vec<T> {
        self.list
    }
}

/// The list request, `page` unset by default.
#[derive(Clone, Serialize)]
pub struct ListItems {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<i32>,
    pub page_size: i32,
}

impl PageRequest for ListItems {
    fn set_page(&mut self, page: i32) {
        self.page = Some(page);
    }
    fn page(&self) -> i32 {
        self.page.unwrap_or(1)
    }
}

/// A cursor-paginated list endpoint.
pub const LIST_BY_CURSOR: Operation = Operation {
    name: "list_by_cursor",
    path: "/{version}/items/scan",
    method: Method::Post,
    retry: RetryClass::Safe,
    recovery: None,
    moves_money: false,
};

/// A page of the cursor list endpoint; `next` may be absent, `null` or `""` on the last page.
#[derive(Debug, Deserialize)]
pub struct CursorPage<T> {
    #[serde(default)]
    pub next: Option<String>,
    pub rows: Vec<T>,
}

impl<T> CursorPaged for CursorPage<T> {
    type Item = T;
    fn next_cursor(&self) -> Option<&str> {
        self.next.as_deref()
    }
    fn into_items(self) -> Vec<T> {
        self.rows
    }
}

/// The cursor list request, `cursor` unset by default.
#[derive(Clone, Serialize)]
pub struct ScanItems {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub limit: i32,
}

impl CursorRequest for ScanItems {
    fn set_cursor(&mut self, cursor: String) {
        self.cursor = Some(cursor);
    }
}

/// Retries with millisecond backoff and no jitter.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .jitter(false)
}

/// A `Shop` client for `base_url` with three fast attempts, adjusted by `configure`.
pub fn client_with(
    base_url: &str,
    configure: impl FnOnce(ClientBuilder<Shop>) -> ClientBuilder<Shop>,
) -> Client<Shop> {
    let builder = Client::<Shop>::builder(base_url)
        .credentials(Key::new())
        .retry_policy(fast_retries(3));
    configure(builder)
        .build()
        .unwrap_or_else(|e| panic!("client should build: {e}"))
}

pub fn client_for(server: &MockServer) -> Client<Shop> {
    client_with(&server.uri(), |b| b)
}

/// A `Shop` success envelope around the raw JSON `result`.
pub fn ok(result: &str) -> ResponseTemplate {
    envelope(&format!(r#"{{"status":200,"msg":"ok","result":{result}}}"#))
}

/// A 200 response with the raw JSON `body`.
pub fn envelope(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// Asserts that neither `Display` nor `Debug` of `error` leaks the secret or a card number.
pub fn assert_clean(error: &Error) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(CARD_NO), "card number leaked: {text}");
    }
}

/// Number of requests `server` received.
pub async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |requests| requests.len())
}

/// A minimal `tracing` subscriber that writes every span and event, with all field values,
/// into a shared string.
#[derive(Clone, Default)]
pub struct Capture {
    out: std::sync::Arc<std::sync::Mutex<String>>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Capture {
    /// Everything captured so far.
    pub fn text(&self) -> String {
        self.out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn write(
        &self,
        kind: &str,
        metadata: &tracing::Metadata<'_>,
        record: impl FnOnce(&mut FieldWriter<'_>),
    ) {
        use std::fmt::Write as _;
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = write!(
            out,
            "{kind} {} {} {}:",
            metadata.level(),
            metadata.target(),
            metadata.name()
        );
        record(&mut FieldWriter(&mut out));
        out.push('\n');
    }
}

pub struct FieldWriter<'a>(&'a mut String);

impl tracing::field::Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        use std::fmt::Write as _;
        let _ = write!(self.0, " {}={value}", field.name());
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
        self.write("span", span.metadata(), |w| span.record(w));
        tracing::span::Id::from_u64(
            self.next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1,
        )
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push_str("record:");
        values.record(&mut FieldWriter(&mut out));
        out.push('\n');
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        self.write("event", event.metadata(), |w| event.record(w));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
