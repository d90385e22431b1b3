//! The crate's error type.

use std::time::Duration;

use crate::BusinessCode;

/// `Result` with the runtime's [`Error`] for the business codes `C`.
pub type Result<T, C> = std::result::Result<T, Error<C>>;

/// Everything that can go wrong when calling the API; `C` is the API's business error code
/// enum (a generated crate names this type `Error`).
///
/// Display messages name the endpoint (the operation name, e.g. `get_wallet_detail`) and
/// never contain the key or values taken from request or response bodies: decode messages have
/// the offending values replaced by `…`, and HTTP body excerpts are only kept in a field, with
/// the key scrubbed out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C> {
    /// The server answered with a business error (envelope `code` other than success).
    #[error("{endpoint}: API error {code}: {message}")]
    Api {
        /// The operation that failed.
        endpoint: &'static str,
        /// The business error code.
        code: C,
        /// The server's message (bounded in length, key scrubbed).
        message: String,
    },

    /// The server answered with a non-2xx HTTP status.
    #[error("{endpoint}: unexpected HTTP status {status}")]
    Http {
        /// The operation that failed.
        endpoint: &'static str,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The start of the response body (at most 512 bytes, lossy UTF-8, key scrubbed).
        body_excerpt: String,
        /// The `Retry-After` delay the server asked for (429 and 503 only, seconds form only).
        retry_after: Option<Duration>,
    },

    /// The response was not the expected JSON.
    #[error("{endpoint}: could not decode the response{}: {message}", at(.path))]
    Decode {
        /// The operation that failed.
        endpoint: &'static str,
        /// JSON path of the offending value, e.g. `data.list[1].amount`; empty for the
        /// document itself.
        path: String,
        /// What went wrong; values from the body are replaced by `…`.
        message: String,
    },

    /// The request did not complete within the configured timeout (the request may have
    /// reached the server).
    #[error("{endpoint}: request timed out")]
    Timeout {
        /// The operation that failed.
        endpoint: &'static str,
    },

    /// No connection could be established (DNS, TCP connect, TLS handshake, connect timeout):
    /// the request provably never left the client.
    #[error("{endpoint}: could not connect to the server")]
    Connect {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// Any other transport failure (connection reset, broken body, …); the request may have
    /// reached the server.
    #[error("{endpoint}: transport error")]
    Transport {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The response body is larger than the configured limit; it was not read further.
    #[error("{endpoint}: response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The operation that failed.
        endpoint: &'static str,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// The client was misconfigured ([`ClientBuilder::build`](crate::ClientBuilder::build)).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The request could not be serialized into a JSON object.
    #[error("{endpoint}: could not encode the request")]
    Encode {
        /// The operation that failed.
        endpoint: &'static str,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// Formats the `at <path>` part of a decode error (nothing for the document itself).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

impl<C: BusinessCode> Error<C> {
    /// The operation (e.g. `get_wallet_detail`) the error belongs to; `None` for
    /// [`Error::Config`].
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Self::Api { endpoint, .. }
            | Self::Http { endpoint, .. }
            | Self::Decode { endpoint, .. }
            | Self::Timeout { endpoint }
            | Self::Connect { endpoint, .. }
            | Self::Transport { endpoint, .. }
            | Self::ResponseTooLarge { endpoint, .. }
            | Self::Encode { endpoint, .. } => Some(endpoint),
            Self::Config(_) => None,
        }
    }

    /// Whether the failure is transient, i.e. a later identical request may succeed.
    ///
    /// True for [`Error::Connect`], [`Error::Timeout`], [`Error::Transport`] (except request
    /// building errors), HTTP 429 and 5xx, and the envelope's rate-limit business code.
    ///
    /// This says nothing about whether retrying is *safe*: after a timeout, a transport error,
    /// a 5xx or a business error the request may already have been processed. Only
    /// [`Error::Connect`] guarantees it was never sent. The client retries automatically
    /// according to each operation's [`RetryClass`](crate::RetryClass).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::Timeout { .. } => true,
            Self::Transport { source, .. } => !source.is_builder(),
            Self::Http { status, .. } => {
                *status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
            Self::Api { code, .. } => code.is_rate_limited(),
            Self::Decode { .. }
            | Self::ResponseTooLarge { .. }
            | Self::Config(_)
            | Self::Encode { .. } => false,
        }
    }

    /// The business error code, for [`Error::Api`].
    pub fn api_code(&self) -> Option<C> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the request provably never reached the server, so that even a non-idempotent
    /// call may be re-sent.
    pub(crate) fn never_sent(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }

    /// Short, value-free name of the error kind, for logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Api { .. } => "api",
            Self::Http { .. } => "http",
            Self::Decode { .. } => "decode",
            Self::Timeout { .. } => "timeout",
            Self::Connect { .. } => "connect",
            Self::Transport { .. } => "transport",
            Self::ResponseTooLarge { .. } => "too_large",
            Self::Config(_) => "config",
            Self::Encode { .. } => "encode",
        }
    }

    /// Classifies a reqwest error raised while sending or reading.
    pub(crate) fn from_reqwest(endpoint: &'static str, source: reqwest::Error) -> Self {
        // Connect first: a connect timeout is both, and "never sent" is what matters for retries.
        if source.is_connect() {
            Self::Connect { endpoint, source }
        } else if source.is_timeout() {
            Self::Timeout { endpoint }
        } else {
            Self::Transport { endpoint, source }
        }
    }
}
