//! The crate's error type.

use std::fmt;
use std::time::Duration;

use crate::{BusinessCode, Operation, RetryClass};

/// `Result` with the runtime's [`Error`] for the business codes `C`.
pub type Result<T, C> = std::result::Result<T, Error<C>>;

/// Whether a failed call may have been processed by the server ([`Error::outcome`]).
///
/// This is what decides whether a call that is not idempotent (moves money, creates things)
/// may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The request provably never left the client (connect failure, encoding or configuration
    /// error): sending it again is safe.
    NotSent,
    /// The server answered and refused the request (a business error or an HTTP 4xx status):
    /// it was not processed.
    Rejected,
    /// The request may have been processed: a timeout, a transport failure after sending, an
    /// HTTP 5xx, a 2xx whose body could not be read or decoded (or, in strict mode, differs
    /// from the spec), a body over the size limit, a
    /// redirect. Before sending a non-idempotent call again, find out whether it took effect.
    Unknown,
}

/// Which call an [`Error`] belongs to and how many attempts were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// The operation that failed.
    pub operation: &'static Operation,
    /// How many times the request was sent (or tried to be sent); at least 1, except for a
    /// deadline hit before the first attempt started.
    pub attempts: u32,
}

impl CallInfo {
    /// One attempt of `operation`.
    pub(crate) fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            attempts: 1,
        }
    }
}

/// Why a paged stream ([`paginate`](crate::paginate)) stopped with an error instead of ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageError {
    /// The server answered page `requested` with page `echoed`: it ignores the page number.
    WrongPage {
        /// The page number sent.
        requested: i64,
        /// The page number the response says it is.
        echoed: i64,
    },
    /// Page `page` has exactly the rows of the page before it: the stream would not advance.
    Repeated {
        /// The page number sent.
        page: i64,
    },
    /// More than `max_pages` pages were fetched ([`PageOptions::max_pages`](crate::PageOptions)).
    TooManyPages {
        /// The configured cap.
        max_pages: u32,
    },
    /// The stream ran out of rows (an empty page) after `seen` of `total` rows.
    Incomplete {
        /// Rows received.
        seen: i64,
        /// Rows announced by the last page.
        total: i64,
    },
    /// Page `page` (counted from 1 in the stream) names a next cursor that was already sent:
    /// the listing loops ([`paginate_cursor`](crate::paginate_cursor)).
    CursorRepeated {
        /// The page, counted from 1 in the stream.
        page: i64,
    },
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongPage { requested, echoed } => write!(
                f,
                "asked for page {requested} and got page {echoed}: the server ignores the page number"
            ),
            Self::Repeated { page } => write!(
                f,
                "page {page} repeats the rows of the page before it: the listing does not advance"
            ),
            Self::TooManyPages { max_pages } => {
                write!(f, "stopped after the page cap of {max_pages} pages")
            }
            Self::Incomplete { seen, total } => write!(
                f,
                "the listing ended after {seen} of {total} rows: rows are missing"
            ),
            Self::CursorRepeated { page } => write!(
                f,
                "page {page} names a next cursor that was already sent: the listing loops"
            ),
        }
    }
}

/// Everything that can go wrong when calling the API; `C` is the API's business error code
/// enum (a generated crate names this type `Error`).
///
/// Display messages name the endpoint (the operation name, e.g. `get_wallet_detail`) and
/// never contain the key or values taken from request or response bodies: decode messages have
/// the offending values replaced by `…`, and HTTP body excerpts are only kept in a field, with
/// the key, card numbers and sensitive values scrubbed out. They mention the number of
/// attempts when there was more than one, and for a call that is not idempotent
/// ([`RetryClass::Never`]) whose [`outcome`](Self::outcome) is [`Outcome::Unknown`] they say
/// so and name the operation's recovery text, e.g. `open_card: outcome unknown (transport
/// error after the request was sent): the card order may have been created; look it up by
/// out_order_id before sending again`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C> {
    /// The server answered with a business error (envelope `code` other than success).
    Api {
        /// The operation that failed.
        endpoint: &'static str,
        /// The business error code.
        code: C,
        /// The server's message (bounded in length, key and sensitive values scrubbed).
        message: String,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The server answered with a non-2xx HTTP status.
    Http {
        /// The operation that failed.
        endpoint: &'static str,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The start of the response body (at most 512 bytes, lossy UTF-8, key, card numbers
        /// and sensitive values scrubbed).
        body_excerpt: String,
        /// The `Retry-After` delay the server asked for (429 and 503 only, seconds form only).
        retry_after: Option<Duration>,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The response was not the expected JSON.
    Decode {
        /// The operation that failed.
        endpoint: &'static str,
        /// JSON path of the offending value, e.g. `data.list[1].amount`; empty for the
        /// document itself.
        path: String,
        /// What went wrong; values from the body are replaced by `…`.
        message: String,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// Strict mode ([`ClientBuilder::strict`](crate::ClientBuilder::strict)): the response
    /// decoded, but differs from the spec. The server did process the call.
    Drift {
        /// The operation that failed.
        endpoint: &'static str,
        /// What differs, where (its sample is redacted).
        drift: Box<crate::drift::Drift>,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// One attempt did not complete within the configured per-attempt timeout (the request
    /// may have reached the server).
    Timeout {
        /// The operation that failed.
        endpoint: &'static str,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The call (all attempts and the waits between them) did not finish within the client's
    /// [`deadline`](crate::ClientBuilder::deadline).
    Deadline {
        /// The operation that failed.
        endpoint: &'static str,
        /// The configured deadline.
        deadline: Duration,
        /// Whether an attempt may have reached the server (otherwise every attempt failed to
        /// connect, and the outcome is [`Outcome::NotSent`]).
        maybe_sent: bool,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// No connection could be established (DNS, TCP connect, TLS handshake, connect timeout):
    /// the request provably never left the client.
    Connect {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// Any other transport failure (connection reset, broken body, …); the request may have
    /// reached the server.
    Transport {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The response came from another URL than the one requested: the HTTP client followed a
    /// redirect. The request body (with the key) may have reached the other origin, and the
    /// call may have been processed there.
    Redirected {
        /// The operation that failed.
        endpoint: &'static str,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The response body is larger than the configured limit; it was not read further.
    ResponseTooLarge {
        /// The operation that failed.
        endpoint: &'static str,
        /// The configured limit in bytes.
        limit: usize,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// A paged stream stopped because the pages do not add up.
    Paging {
        /// The list operation.
        endpoint: &'static str,
        /// What went wrong.
        problem: PageError,
        /// The list operation; `attempts` is the number of pages fetched.
        call: CallInfo,
    },

    /// The client was misconfigured ([`ClientBuilder::build`](crate::ClientBuilder::build)).
    Config(String),

    /// The client's [`Signer`](crate::sign::Signer) could not compute the computed auth
    /// fields of an attempt; nothing was sent.
    Sign {
        /// The operation that failed.
        endpoint: &'static str,
        /// Why (the signer's text, which holds no secret).
        #[source]
        source: crate::sign::SignError,
        /// The operation and the number of attempts.
        call: CallInfo,
    },

    /// The request could not be serialized into a JSON object.
    Encode {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
        /// The operation and the number of attempts.
        call: CallInfo,
    },
}

impl<C: BusinessCode> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(call) = self.call() else {
            if let Self::Config(message) = self {
                return write!(f, "invalid client configuration: {message}");
            }
            return Ok(());
        };
        let endpoint = call.operation.name;
        let unknown_and_unsafe =
            call.operation.retry == RetryClass::Never && self.outcome() == Outcome::Unknown;
        if unknown_and_unsafe {
            write!(f, "{endpoint}: outcome unknown (")?;
        } else {
            write!(f, "{endpoint}: ")?;
        }
        match self {
            Self::Api { code, message, .. } => write!(f, "API error {code}: {message}")?,
            Self::Http { status, .. } => write!(f, "unexpected HTTP status {status}")?,
            Self::Decode { path, message, .. } => {
                f.write_str("could not decode the response")?;
                if !path.is_empty() {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}")?;
            }
            Self::Drift { drift, .. } => write!(
                f,
                "the response differs from the spec (strict mode): {} at `{}`",
                drift.kind, drift.path
            )?,
            Self::Timeout { .. } => f.write_str("request timed out")?,
            Self::Deadline { deadline, .. } => {
                write!(f, "no answer within the deadline of {deadline:?}")?;
            }
            Self::Connect { .. } => f.write_str("could not connect to the server")?,
            Self::Transport { .. } if unknown_and_unsafe => {
                f.write_str("transport error after the request was sent")?;
            }
            Self::Transport { .. } => f.write_str("transport error")?,
            Self::Redirected { .. } => f.write_str(
                "the response came from another URL (a redirect was followed); \
                 the request may have been sent there",
            )?,
            Self::ResponseTooLarge { limit, .. } => {
                write!(f, "response body exceeds the limit of {limit} bytes")?;
            }
            Self::Paging { problem, .. } => write!(f, "{problem}")?,
            Self::Encode { .. } => f.write_str("could not encode the request")?,
            Self::Sign { source, .. } => write!(f, "could not sign the request: {source}")?,
            Self::Config(_) => {}
        }
        if call.attempts > 1 && !matches!(self, Self::Paging { .. }) {
            write!(f, " after {} attempts", call.attempts)?;
        }
        if unknown_and_unsafe {
            f.write_str("): ")?;
            f.write_str(call.operation.recovery.unwrap_or(
                "the request may have been processed; find out whether it took effect before sending it again",
            ))?;
        }
        Ok(())
    }
}

impl<C: BusinessCode> Error<C> {
    /// The operation (e.g. `get_wallet_detail`) the error belongs to; `None` for
    /// [`Error::Config`].
    pub fn endpoint(&self) -> Option<&'static str> {
        self.call().map(|call| call.operation.name)
    }

    /// The operation and the number of attempts; `None` for [`Error::Config`].
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Self::Api { call, .. }
            | Self::Http { call, .. }
            | Self::Decode { call, .. }
            | Self::Drift { call, .. }
            | Self::Timeout { call, .. }
            | Self::Deadline { call, .. }
            | Self::Connect { call, .. }
            | Self::Transport { call, .. }
            | Self::Redirected { call, .. }
            | Self::ResponseTooLarge { call, .. }
            | Self::Paging { call, .. }
            | Self::Sign { call, .. }
            | Self::Encode { call, .. } => Some(call),
            Self::Config(_) => None,
        }
    }

    fn call_mut(&mut self) -> Option<&mut CallInfo> {
        match self {
            Self::Api { call, .. }
            | Self::Http { call, .. }
            | Self::Decode { call, .. }
            | Self::Drift { call, .. }
            | Self::Timeout { call, .. }
            | Self::Deadline { call, .. }
            | Self::Connect { call, .. }
            | Self::Transport { call, .. }
            | Self::Redirected { call, .. }
            | Self::ResponseTooLarge { call, .. }
            | Self::Paging { call, .. }
            | Self::Sign { call, .. }
            | Self::Encode { call, .. } => Some(call),
            Self::Config(_) => None,
        }
    }

    /// How many times the request was sent (or tried to be sent) before this error; `0` for
    /// [`Error::Config`]. For [`Error::Paging`], the number of pages fetched.
    pub fn attempts(&self) -> u32 {
        self.call().map_or(0, |call| call.attempts)
    }

    /// Whether the failed call may have been processed by the server; see [`Outcome`].
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Config(_) | Self::Encode { .. } | Self::Sign { .. } | Self::Connect { .. } => {
                Outcome::NotSent
            }
            Self::Transport { source, .. } if source.is_builder() => Outcome::NotSent,
            Self::Deadline { maybe_sent, .. } if !maybe_sent => Outcome::NotSent,
            Self::Api { .. } => Outcome::Rejected,
            Self::Http { status, .. } if status.is_client_error() => Outcome::Rejected,
            Self::Http { .. }
            | Self::Decode { .. }
            | Self::Drift { .. }
            | Self::Timeout { .. }
            | Self::Deadline { .. }
            | Self::Transport { .. }
            | Self::Redirected { .. }
            | Self::ResponseTooLarge { .. }
            | Self::Paging { .. } => Outcome::Unknown,
        }
    }

    /// Whether the failure is transient, i.e. a later identical request may succeed.
    ///
    /// True for [`Error::Connect`], [`Error::Timeout`], [`Error::Deadline`],
    /// [`Error::Transport`] (except request building errors), HTTP 429 and 5xx, and the
    /// envelope's rate-limit business code.
    ///
    /// This says nothing about whether re-sending is *safe*: use
    /// [`is_retryable`](Self::is_retryable) for that.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::Timeout { .. } | Self::Deadline { .. } => true,
            Self::Transport { source, .. } => !source.is_builder(),
            Self::Http { status, .. } => {
                *status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
            Self::Api { code, .. } => code.is_rate_limited(),
            Self::Decode { .. }
            | Self::Drift { .. }
            | Self::Redirected { .. }
            | Self::ResponseTooLarge { .. }
            | Self::Paging { .. }
            | Self::Config(_)
            | Self::Sign { .. }
            | Self::Encode { .. } => false,
        }
    }

    /// Whether sending the same request again is both useful and safe: the failure is
    /// [transient](Self::is_transient) and either the operation is idempotent
    /// ([`RetryClass::Safe`]) or the request provably never left ([`Outcome::NotSent`]).
    ///
    /// False for a call that is not idempotent ([`RetryClass::Never`], e.g. a payment) whose
    /// outcome is unknown or that was rejected: a generic retry wrapper must not send a
    /// payment twice. This is also the rule the client applies to its own retries.
    pub fn is_retryable(&self) -> bool {
        let Some(call) = self.call() else {
            return false;
        };
        self.is_transient()
            && (call.operation.retry == RetryClass::Safe || self.outcome() == Outcome::NotSent)
    }

    /// The business error code, for [`Error::Api`].
    pub fn api_code(&self) -> Option<C> {
        match self {
            Self::Api { code, .. } => Some(code.clone()),
            _ => None,
        }
    }

    /// Records the number of attempts made.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        if let Some(call) = self.call_mut() {
            call.attempts = attempts;
        }
        self
    }

    /// Short, value-free name of the error kind, for logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Api { .. } => "api",
            Self::Http { .. } => "http",
            Self::Decode { .. } => "decode",
            Self::Drift { .. } => "drift",
            Self::Timeout { .. } => "timeout",
            Self::Deadline { .. } => "deadline",
            Self::Connect { .. } => "connect",
            Self::Transport { .. } => "transport",
            Self::Redirected { .. } => "redirected",
            Self::ResponseTooLarge { .. } => "too_large",
            Self::Paging { .. } => "paging",
            Self::Config(_) => "config",
            Self::Encode { .. } => "encode",
            Self::Sign { .. } => "sign",
        }
    }

    /// Classifies a reqwest error raised while sending or reading.
    pub(crate) fn from_reqwest(op: &'static Operation, source: reqwest::Error) -> Self {
        let call = CallInfo::new(op);
        let endpoint = op.name;
        // Connect first: a connect timeout is both, and "never sent" is what matters for retries.
        if source.is_connect() {
            Self::Connect {
                endpoint,
                source,
                call,
            }
        } else if source.is_timeout() {
            Self::Timeout { endpoint, call }
        } else {
            Self::Transport {
                endpoint,
                source,
                call,
            }
        }
    }
}
