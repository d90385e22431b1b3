//! The framework-neutral receiver: verify → parse → deduplicate → handle → acknowledge.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use reqwest::header::HeaderMap;

use crate::drift::DriftMonitor;

use super::{
    Begin, Delivery, DeliveryKey, DeliveryStore, MemoryStore, Parser, Verifier, WebhookError,
    WebhookEvent,
};

/// Receives webhook deliveries for the event type `E`, remembering handled ones in `S`.
///
/// [`receive`](Self::receive) takes the headers and raw body of one `POST` and the handler,
/// and gives the [`Receipt`] whose status and body to send back:
///
/// 1. **verify** (unless built with [`without_verification`](Self::without_verification))
///    → `401`;
/// 2. **parse** ([`Parser`]) → `413` for an oversized body, `400` for any other error;
/// 3. **deduplicate** by [`DeliveryKey`]: a delivery already handled gets the spec's
///    acknowledgement without calling the handler; one being handled by a concurrent request
///    gets `409` (the vendor retries later);
/// 4. **handle**: the acknowledgement goes out only when the handler returns `Ok`; an `Err`
///    (or a panic, or the request being dropped) forgets the claim and gives `500`, so the
///    vendor retries. Delivery is at least once: make the handler persist the event and
///    return quickly, and do slow work (re-fetching) from what it persisted.
///
/// ```
/// use apigen_runtime::webhook::{HmacSha256Verifier, MemoryStore, Receiver, WebhookEvent};
/// use reqwest::header::HeaderMap;
///
/// async fn on_post<E: WebhookEvent>(
///     receiver: &Receiver<E>,
///     headers: &HeaderMap,
///     body: &[u8],
/// ) -> (u16, &'static str) {
///     let receipt = receiver
///         .receive(headers, body, |delivery| async move {
///             // Persist `delivery.event` under `delivery.key` here; `Err` makes the vendor retry.
///             let _ = delivery;
///             Ok::<(), std::io::Error>(())
///         })
///         .await;
///     (receipt.status(), receipt.body())
/// }
///
/// # fn build<E: WebhookEvent>() -> Result<Receiver<E>, Box<dyn std::error::Error>> {
/// let verifier = HmacSha256Verifier::new("shared-secret")?;
/// Ok(Receiver::new(verifier, MemoryStore::default()))
/// # }
/// ```
pub struct Receiver<E, S = MemoryStore> {
    verifier: Option<Box<dyn Verifier>>,
    parser: Parser<E>,
    store: S,
    drift: Option<Arc<DriftMonitor>>,
}

impl<E, S: fmt::Debug> fmt::Debug for Receiver<E, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("verifies", &self.verifier.is_some())
            .field("parser", &self.parser)
            .field("store", &self.store)
            .field("drift", &self.drift)
            .finish()
    }
}

impl<E: WebhookEvent, S: DeliveryStore> Receiver<E, S> {
    /// A receiver that verifies every delivery with `verifier` and remembers handled ones in
    /// `store`.
    pub fn new(verifier: impl Verifier + 'static, store: S) -> Self {
        Self {
            verifier: Some(Box::new(verifier)),
            parser: Parser::new(),
            store,
            drift: None,
        }
    }

    /// A receiver that **does not verify** deliveries: anyone who can reach it can make it
    /// call your handler. Only for a vendor that signs nothing; then act only on objects
    /// re-fetched through the API, and limit the rate of those re-fetches.
    pub fn without_verification(store: S) -> Self {
        Self {
            verifier: None,
            parser: Parser::new(),
            store,
            drift: None,
        }
    }

    /// Uses `parser` (for its body limit) instead of the default one.
    #[must_use]
    pub fn parser(mut self, parser: Parser<E>) -> Self {
        self.parser = parser;
        self
    }

    /// Reports the drift of every delivery to `monitor` (typically the API client's,
    /// [`Client::drift`](crate::Client::drift)): unknown event tags, and payloads that differ
    /// from their declared shape (see [`DriftMonitor::observe_webhook`]).
    #[must_use]
    pub fn drift(mut self, monitor: Arc<DriftMonitor>) -> Self {
        self.drift = Some(monitor);
        self
    }

    /// Whether deliveries are verified.
    pub fn verifies(&self) -> bool {
        self.verifier.is_some()
    }

    /// The body limit of the parser, to cap bodies in the HTTP server before buffering them.
    pub fn body_limit(&self) -> usize {
        self.parser.body_limit()
    }

    /// The delivery store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Receives one delivery: see the [type docs](Self) for the steps and the answers.
    pub async fn receive<F, Fut, Er>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        handler: F,
    ) -> Receipt<Er>
    where
        F: FnOnce(Delivery<E>) -> Fut,
        Fut: Future<Output = Result<(), Er>>,
    {
        if let Some(verifier) = &self.verifier
            && let Err(error) = verifier.verify(headers, body)
        {
            return Receipt::rejected(error);
        }
        let delivery = match self.parser.parse_delivery(body) {
            Ok(delivery) => delivery,
            Err(error) => return Receipt::rejected(error),
        };
        if let Some(monitor) = &self.drift {
            monitor.observe_webhook(&delivery.event, body);
        }
        let key = delivery.key;
        let ack = E::SPEC.ack();
        match self.store.begin(key) {
            Begin::Duplicate => {
                tracing::debug!(tag = delivery.event.tag(), %key, "webhook duplicate acknowledged");
                return Receipt::new(Handling::Duplicate, ack.status, ack.body);
            }
            Begin::InProgress => {
                return Receipt::new(Handling::InProgress, 409, "delivery in progress");
            }
            Begin::New => {}
        }
        let claim = Claim {
            store: &self.store,
            key,
            done: false,
        };
        match handler(delivery).await {
            Ok(()) => {
                claim.complete();
                Receipt::new(Handling::Handled, ack.status, ack.body)
            }
            Err(error) => {
                drop(claim); // abandons the key, so that the vendor's retry is handled
                Receipt::new(Handling::Failed(error), 500, "handler failed")
            }
        }
    }
}

/// A claimed key: completed explicitly, abandoned when dropped otherwise (handler error,
/// panic, or the request future dropped mid-way).
struct Claim<'a, S: DeliveryStore> {
    store: &'a S,
    key: DeliveryKey,
    done: bool,
}

impl<S: DeliveryStore> Claim<'_, S> {
    fn complete(mut self) {
        self.store.complete(self.key);
        self.done = true;
    }
}

impl<S: DeliveryStore> Drop for Claim<'_, S> {
    fn drop(&mut self) {
        if !self.done {
            self.store.abandon(self.key);
        }
    }
}

/// What happened to one delivery, and the HTTP answer to send.
#[derive(Debug)]
#[must_use = "send its status and body back to the vendor"]
pub struct Receipt<Er> {
    /// What happened.
    pub handling: Handling<Er>,
    status: u16,
    body: &'static str,
}

/// What [`Receiver::receive`] did with a delivery.
#[derive(Debug)]
#[non_exhaustive]
pub enum Handling<Er> {
    /// The handler returned `Ok`; the acknowledgement is sent.
    Handled,
    /// Handled before (same [`DeliveryKey`]); acknowledged without calling the handler.
    Duplicate,
    /// A concurrent request is handling the same delivery; `409`, the vendor retries.
    InProgress,
    /// Refused before the handler: signature (`401`), size (`413`) or body (`400`).
    Rejected(WebhookError),
    /// The handler returned this error; `500`, the vendor retries.
    Failed(Er),
}

impl<Er> Receipt<Er> {
    fn new(handling: Handling<Er>, status: u16, body: &'static str) -> Self {
        Self {
            handling,
            status,
            body,
        }
    }

    fn rejected(error: WebhookError) -> Self {
        let (status, body) = match &error {
            WebhookError::Signature(_) => (401, "invalid signature"),
            WebhookError::TooLarge { .. } => (413, "body too large"),
            _ => (400, "malformed webhook"),
        };
        Self::new(Handling::Rejected(error), status, body)
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body to answer with: the spec's acknowledgement, or a short fixed text that
    /// repeats nothing from the request.
    pub fn body(&self) -> &'static str {
        self.body
    }

    /// The `Content-Type` of [`body`](Self::body): JSON for the acknowledgement, plain text
    /// otherwise.
    pub fn content_type(&self) -> &'static str {
        if self.is_acknowledged() {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        }
    }

    /// Whether the answer tells the vendor to stop sending this delivery.
    pub fn is_acknowledged(&self) -> bool {
        matches!(self.handling, Handling::Handled | Handling::Duplicate)
    }
}
