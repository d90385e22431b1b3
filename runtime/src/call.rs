//! The single request path every generated endpoint goes through.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::{Retryable as _, TokioSleeper};
use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::body_buffer::BodyBuffer;
use crate::envelope::{self, Scrubber};
use crate::query;
use crate::retry::effective_delay;
use crate::service::AuthFields;
use crate::sign::{self, SignError, SignRequest, Signer};
use crate::{BusinessCode, CallInfo, Client, Error, Method, Operation, Outcome, Service};

/// At most this much of a non-2xx body is read (for the error excerpt).
const ERROR_BODY_READ_LIMIT: usize = 8 * 1024;
/// Length bound of the body excerpt of [`Error::Http`].
const EXCERPT_BYTES: usize = 512;

/// The request body: auth fields and request fields in one JSON object.
#[derive(Serialize)]
#[serde(bound(serialize = "R: Serialize"))]
struct Body<'a, A: crate::Auth, R: ?Sized> {
    #[serde(flatten)]
    auth: AuthFields<'a, A>,
    #[serde(flatten)]
    request: &'a R,
}

impl<S: Service> Client<S> {
    /// Calls `op` with `request` and decodes the envelope's `data` into `Resp`.
    ///
    /// For a [`Method::Post`] the body is one JSON object holding the auth fields carried in
    /// the body and the fields of `request` (which must serialize as a struct or map); for a
    /// [`Method::Get`] the same fields go in the query string, sorted by name, with no body
    /// (strings as they are, numbers by their exact JSON text, bools as `true`/`false`, `null`
    /// left out; an array or an object is an [`Error::Encode`]). The auth fields carried in
    /// headers go in their headers. With a [`signer`](crate::ClientBuilder::signer), every
    /// attempt adds the computed auth fields it returns for that attempt (see
    /// [`sign`](crate::sign)). Failed attempts are retried when
    /// [`Error::is_retryable`] (per `op.retry`, see [`RetryClass`](crate::RetryClass)) and the
    /// client's [`RetryPolicy`](crate::RetryPolicy) allows, within the client's
    /// [`deadline`](crate::ClientBuilder::deadline) for the whole call (no wait is started that
    /// would end past it). A response from another URL than the one requested (a redirect
    /// followed by a caller-supplied HTTP client) fails with [`Error::Redirected`].
    /// A missing or `null` `data` is decoded as JSON `null`, so `Option<T>` and
    /// [`Empty`](crate::Empty) work for empty payloads.
    ///
    /// Emits one `info` span per call (`endpoint`) and, inside it, one span per attempt
    /// (`attempt`) with a `debug` event (`outcome`, `status`, `elapsed_ms`); retries are logged
    /// at `warn`. Neither the key nor any body content is ever logged.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a business error code, otherwise a transport, HTTP, decode or encode
    /// [`Error`] naming `op`.
    pub async fn execute<Req, Resp>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<Resp, Error<S::ErrorCode>>
    where
        Req: Serialize + ?Sized + Sync,
        Resp: DeserializeOwned,
    {
        let span = tracing::info_span!("api.call", service = S::SPEC.name, endpoint = op.name);
        self.execute_inner(op, request).instrument(span).await
    }

    async fn execute_inner<Req, Resp>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<Resp, Error<S::ErrorCode>>
    where
        Req: Serialize + ?Sized + Sync,
        Resp: DeserializeOwned,
    {
        let body = Body {
            auth: AuthFields(self.credentials()),
            request,
        };
        let encode_error = |source| Error::Encode {
            endpoint: op.name,
            source,
            call: CallInfo::new(op),
        };
        // Parsed once per path and client: the response's final URL is compared with it
        // (redirect check).
        let url = self
            .inner
            .urls
            .get_or_parse(op.path, || {
                let url = format!(
                    "{}{}",
                    self.inner.base_url,
                    op.path.replace("{version}", &self.inner.version)
                );
                reqwest::Url::parse(&url)
            })
            .map_err(|_| Error::Config(format!("{}: the request URL is not valid", op.name)))?;
        // Serialized once; every attempt sends a cheap clone of the same bytes (or URL), or
        // (with a signer) the same fields with their freshly computed ones.
        let payload = match (op.method, &self.inner.signer) {
            (Method::Post, None) => Payload::Fixed {
                url,
                body: Some(Bytes::from(
                    serde_json::to_vec(&body).map_err(encode_error)?,
                )),
            },
            (Method::Get, None) => {
                let mut pairs = query_fields(op, &body)?;
                Payload::Fixed {
                    url: query::with_query(&url, &mut pairs),
                    body: None,
                }
            }
            (Method::Post, Some(signer)) => {
                let value = serde_json::to_value(&body).map_err(encode_error)?;
                Payload::Signed {
                    canonical: crate::sign::canonical_json(&value),
                    fields: Fields::Body(match value {
                        serde_json::Value::Object(map) => map,
                        _ => serde_json::Map::new(),
                    }),
                    url,
                    signer: signer.as_ref(),
                }
            }
            (Method::Get, Some(signer)) => {
                let mut pairs = query_fields(op, &body)?;
                let canonical = query::with_query(&url, &mut pairs)
                    .query()
                    .unwrap_or_default()
                    .to_owned();
                Payload::Signed {
                    canonical,
                    fields: Fields::Query(pairs),
                    url,
                    signer: signer.as_ref(),
                }
            }
        };

        let deadline = self.inner.deadline;
        let started = Instant::now();
        let progress = Progress::default();
        let (progress, payload) = (&progress, &payload);
        let attempt = move || {
            let prepared = payload.for_attempt::<S>(op);
            async move {
                let prepared = prepared?;
                // The call's deadline bounds each attempt through the attempt's own timeout
                // (reqwest arms that timer anyway): no second timer per call.
                let remaining = deadline.saturating_sub(started.elapsed());
                if remaining.is_zero() {
                    return Err(Error::Deadline {
                        endpoint: op.name,
                        deadline,
                        maybe_sent: progress.maybe_sent.load(Ordering::Relaxed),
                        call: CallInfo::new(op),
                    });
                }
                let timeout = self.inner.timeout.min(remaining);
                let number = progress.attempts.fetch_add(1, Ordering::Relaxed) + 1;
                let span = tracing::info_span!("attempt", attempt = number);
                let result = self
                    .attempt::<Resp>(op, prepared, timeout)
                    .instrument(span)
                    .await;
                if let Err(error) = &result
                    && error.outcome() != Outcome::NotSent
                {
                    progress.maybe_sent.store(true, Ordering::Relaxed);
                }
                result
            }
        };
        let calls = attempt
            .retry(self.inner.retry.backoff())
            .sleep(TokioSleeper)
            .when(Error::is_retryable)
            .adjust(|error, delay| {
                let delay = effective_delay(delay?, retry_after(error));
                // Waiting past the deadline only to fail with `Deadline`: return this error.
                (started.elapsed() + delay < deadline).then_some(delay)
            })
            .notify(|error, delay| {
                tracing::warn!(
                    attempt = progress.attempts.load(Ordering::Relaxed),
                    error = error.kind(),
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "retrying"
                );
            });
        let result = match calls.await {
            // An attempt cut short by what was left of the deadline: the call's deadline.
            Err(Error::Timeout { .. }) if started.elapsed() >= deadline => Err(Error::Deadline {
                endpoint: op.name,
                deadline,
                maybe_sent: true,
                call: CallInfo::new(op),
            }),
            other => other,
        };
        result.map_err(|error| error.with_attempts(progress.attempts.load(Ordering::Relaxed)))
    }

    /// One attempt: send, read (bounded), check the status, decode the envelope.
    async fn attempt<Resp: DeserializeOwned>(
        &self,
        op: &'static Operation,
        prepared: Prepared,
        timeout: Duration,
    ) -> Result<Resp, Error<S::ErrorCode>> {
        let started = Instant::now();
        let mut status = None;
        let result = self
            .send_and_decode(op, prepared, timeout, &mut status)
            .await;
        tracing::debug!(
            outcome = match &result {
                Ok(_) => "ok",
                Err(error) => error.kind(),
            },
            status = status.map(|s: StatusCode| s.as_u16()),
            api_code = result
                .as_ref()
                .err()
                .and_then(Error::api_code)
                .map(|c| tracing::field::display(c.code())),
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "attempt finished"
        );
        result
    }

    async fn send_and_decode<Resp: DeserializeOwned>(
        &self,
        op: &'static Operation,
        prepared: Prepared,
        timeout: Duration,
        status_out: &mut Option<StatusCode>,
    ) -> Result<Resp, Error<S::ErrorCode>> {
        let inner = &*self.inner;
        let Prepared { url, body, headers } = prepared;
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut request = inner
            .http
            .request(method, url.clone())
            .timeout(timeout)
            .header(ACCEPT, "application/json")
            .headers(inner.auth_headers.clone())
            .headers(headers);
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Error::from_reqwest(op, e))?;
        let status = response.status();
        *status_out = Some(status);
        // Whatever client the caller passed in: a response from elsewhere means a redirect was
        // followed, and the body (with the key) may have gone there.
        if *response.url() != url {
            return Err(Error::Redirected {
                endpoint: op.name,
                call: CallInfo::new(op),
            });
        }
        let scrubber = Scrubber::new(&inner.secrets, S::SPEC.sensitive_fields);

        if !status.is_success() {
            let retry_after = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                    parse_retry_after(response.headers())
                }
                _ => None,
            };
            // Best effort: whatever part of the body arrives in time, up to a small bound.
            let (bytes, _) = read_bounded(&mut response, ERROR_BODY_READ_LIMIT).await;
            let text = String::from_utf8_lossy(&bytes);
            return Err(Error::Http {
                endpoint: op.name,
                status,
                body_excerpt: scrubber.excerpt(&text, EXCERPT_BYTES),
                retry_after,
                call: CallInfo::new(op),
            });
        }

        let limit = inner.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(Error::ResponseTooLarge {
                endpoint: op.name,
                limit,
                call: CallInfo::new(op),
            });
        }
        let bytes = match read_bounded(&mut response, limit).await {
            (bytes, Ok(())) => bytes,
            (_, Err(ReadError::TooLarge)) => {
                return Err(Error::ResponseTooLarge {
                    endpoint: op.name,
                    limit,
                    call: CallInfo::new(op),
                });
            }
            (_, Err(ReadError::Transport(e))) => return Err(Error::from_reqwest(op, e)),
        };
        let decoded = envelope::decode(
            op,
            &S::SPEC.envelope,
            &bytes,
            &scrubber,
            inner.drift.is_enabled(),
        );
        crate::drift::check_response::<S, Resp>(&inner.drift, op, &bytes, decoded)
    }
}

/// The fields of a call and where they go: the same request for every attempt, or one
/// whose computed auth fields are signed afresh for each.
enum Payload<'a> {
    /// No computed fields: encoded once.
    Fixed {
        /// The URL, with its query string for a `GET`.
        url: reqwest::Url,
        /// The JSON body of a `POST`.
        body: Option<Bytes>,
    },
    /// The fields without the computed ones, their canonical form and the signer.
    Signed {
        fields: Fields,
        /// The URL without a query string.
        url: reqwest::Url,
        canonical: String,
        signer: &'a dyn Signer,
    },
}

/// The fields of a signed call, before the computed ones are added.
enum Fields {
    /// The JSON body of a `POST`.
    Body(serde_json::Map<String, serde_json::Value>),
    /// The query pairs of a `GET`.
    Query(Vec<(String, String)>),
}

/// What one attempt sends.
struct Prepared {
    url: reqwest::Url,
    body: Option<Bytes>,
    /// The computed fields carried in headers.
    headers: HeaderMap,
}

/// The auth and request fields of a `GET` as query pairs.
fn query_fields<C, B: Serialize>(
    op: &'static Operation,
    body: &B,
) -> Result<Vec<(String, String)>, Error<C>> {
    let encode_error = |source| Error::Encode {
        endpoint: op.name,
        source,
        call: CallInfo::new(op),
    };
    let value = serde_json::to_value(body).map_err(encode_error)?;
    let empty = serde_json::Map::new();
    query::query_pairs(value.as_object().unwrap_or(&empty)).map_err(|name| {
        encode_error(<serde_json::Error as serde::ser::Error>::custom(format!(
            "`{name}` is an array or an object, which a GET query string cannot carry"
        )))
    })
}

impl Payload<'_> {
    /// What one attempt sends.
    fn for_attempt<S: Service>(
        &self,
        op: &'static Operation,
    ) -> Result<Prepared, Error<S::ErrorCode>> {
        let (fields, url, canonical, signer) = match self {
            Payload::Fixed { url, body } => {
                return Ok(Prepared {
                    url: url.clone(),
                    body: body.clone(),
                    headers: HeaderMap::new(),
                });
            }
            Payload::Signed {
                fields,
                url,
                canonical,
                signer,
            } => (fields, url, canonical, *signer),
        };
        let sign_error = |source| Error::Sign {
            endpoint: op.name,
            source,
            call: CallInfo::new(op),
        };
        let request = SignRequest {
            method: op.method.as_str(),
            path: url.path(),
            canonical,
            fields: <S::Credentials as crate::Auth>::COMPUTED,
        };
        let signed = sign::sign(signer, &request).map_err(sign_error)?;
        let mut headers = HeaderMap::new();
        for (name, value) in signed.headers {
            let value = HeaderValue::from_str(&value).map_err(|_| {
                sign_error(SignError::new(format!(
                    "the signer's value for header `{name}` is not a valid header value"
                )))
            })?;
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                sign_error(SignError::new(format!(
                    "`{name}` is not a valid header name"
                )))
            })?;
            headers.insert(name, value);
        }
        match fields {
            Fields::Body(body) => {
                let mut body = body.clone();
                for (name, value) in signed.body {
                    body.insert(name.to_owned(), serde_json::Value::String(value));
                }
                let bytes = serde_json::to_vec(&body).map_err(|source| Error::Encode {
                    endpoint: op.name,
                    source,
                    call: CallInfo::new(op),
                })?;
                Ok(Prepared {
                    url: url.clone(),
                    body: Some(Bytes::from(bytes)),
                    headers,
                })
            }
            Fields::Query(pairs) => {
                let mut pairs = pairs.clone();
                pairs.extend(signed.body.into_iter().map(|(n, v)| (n.to_owned(), v)));
                Ok(Prepared {
                    url: query::with_query(url, &mut pairs),
                    body: None,
                    headers,
                })
            }
        }
    }
}

/// How far a call got, shared by its attempts.
#[derive(Default)]
struct Progress {
    /// Attempts started.
    attempts: AtomicU32,
    /// An attempt ended in a way that may have reached the server.
    maybe_sent: AtomicBool,
}

fn retry_after<C>(error: &Error<C>) -> Option<Duration> {
    match error {
        Error::Http { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// `Retry-After` in its delay-seconds form; the HTTP-date form is ignored.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads the body chunk by chunk, never holding more than `limit` bytes (a body of one chunk
/// is kept as received, not copied). Returns what was read and why reading stopped early, if
/// it did.
async fn read_bounded(response: &mut Response, limit: usize) -> (Bytes, Result<(), ReadError>) {
    let hint = response
        .content_length()
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0);
    let mut buffer = BodyBuffer::new(limit);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if buffer.push(chunk, hint).is_err() {
                    return (buffer.into_bytes(), Err(ReadError::TooLarge));
                }
            }
            Ok(None) => return (buffer.into_bytes(), Ok(())),
            Err(e) => return (buffer.into_bytes(), Err(ReadError::Transport(e))),
        }
    }
}
