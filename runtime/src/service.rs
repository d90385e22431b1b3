//! What a generated crate tells the runtime about its API: the [`Service`] trait with its
//! [`Auth`] credentials and [`BusinessCode`] enum, the [`ServiceSpec`] data, and one
//! [`Operation`] per endpoint.

use std::fmt;

use serde::ser::SerializeMap;

use crate::{BusinessCode, SuccessCode};

/// One API, described to the runtime. Generated crates implement it on an uninhabited marker
/// type (`pub enum Service {}`).
pub trait Service: Send + Sync + Sized + 'static {
    /// The authentication fields sent in every request body.
    type Credentials: Auth;
    /// The business error codes of the envelope (the generated `ErrorCode` enum).
    type ErrorCode: BusinessCode;
    /// The client type [`ClientBuilder::build`](crate::ClientBuilder::build) returns: the
    /// generated crate's own `Client` (which wraps [`Client<Self>`](crate::Client) and adds
    /// the endpoint groups), or `Client<Self>` itself.
    type Client: From<crate::Client<Self>>;
    /// Names, codes and defaults of the API.
    const SPEC: ServiceSpec;

    /// The declared shape of the `data` of the endpoint (operation) named `endpoint`, which
    /// drift detection compares responses with; `None` (the default) skips the comparison.
    fn response_shape(endpoint: &str) -> Option<&'static crate::drift::Shape> {
        let _ = endpoint;
        None
    }
}

/// Names, codes and defaults of one API, emitted by the generator from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Short name of the API for logs (the generated crate's name, e.g. `card-wallet`).
    pub name: &'static str,
    /// Default value of the `{version}` path segment.
    pub default_version: &'static str,
    /// Default `User-Agent` header, e.g. `card-wallet/0.1.0`.
    pub user_agent: &'static str,
    /// Field names and success code of the response envelope.
    pub envelope: EnvelopeSpec,
    /// Wire names of the fields whose values are secret (every auth field and every object
    /// field the spec marks sensitive: CVV, expiry, PIN, …), sorted and deduplicated. A value
    /// that appears next to one of these names in a server message or error page
    /// (`name=value`, `"name": "value"`, `name: value`, `name value`) is masked before it goes
    /// into an [`Error`](crate::Error).
    pub sensitive_fields: &'static [&'static str],
}

/// Field names and success code of the response envelope `{code, message, data}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeSpec {
    /// Name of the business code field (e.g. `code`).
    pub code: &'static str,
    /// Name of the message field (e.g. `message`).
    pub message: &'static str,
    /// Name of the payload field (e.g. `data`).
    pub data: &'static str,
    /// The code meaning success (e.g. `0`, or `"0000"` for an API with string codes).
    pub success: SuccessCode,
}

/// Credentials whose fields travel in the JSON body or in HTTP headers of every request.
///
/// `Debug` implementations must not print secrets; string-valued fields (in the body or in
/// headers) are treated as secrets and scrubbed from every error message (see
/// [`ClientBuilder::build`](crate::ClientBuilder)).
pub trait Auth: fmt::Debug + Clone + Send + Sync + 'static {
    /// Writes the auth fields carried in the body (name and value, secrets exposed) into the
    /// request body map.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// The auth fields computed per request by the client's [`Signer`](crate::sign::Signer)
    /// (a signature, a timestamp); none by default. A client of an API with computed fields
    /// cannot be built without a signer.
    const COMPUTED: &'static [crate::sign::ComputedField] = &[];

    /// The auth fields carried in HTTP headers (secrets exposed); none by default.
    fn headers(&self) -> Vec<AuthHeader<'_>> {
        Vec::new()
    }
}

/// One auth field carried in an HTTP header of every request.
///
/// `Debug` prints the value of a sensitive header as `<redacted>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuthHeader<'a> {
    /// The header name, e.g. `X-App-Key`.
    pub name: &'static str,
    /// The value, as sent.
    pub value: &'a str,
    /// The value is a secret: marked sensitive on the request, never printed.
    pub sensitive: bool,
}

impl fmt::Debug for AuthHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("AuthHeader");
        s.field("name", &self.name);
        if self.sensitive {
            s.field("value", &crate::redact::Redacted);
        } else {
            s.field("value", &self.value);
        }
        s.field("sensitive", &self.sensitive).finish()
    }
}

/// Static description of one endpoint, emitted by the generator as a `const`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Stable operation name used in errors and logs, e.g. `get_wallet_detail`.
    pub name: &'static str,
    /// Full path template, e.g. `/{version}/openApi/wallet/getWalletDetail`; `{version}` is
    /// replaced by the client's version.
    pub path: &'static str,
    /// How the request is sent: the fields in a JSON body, or in the query string.
    pub method: Method,
    /// Whether the client may re-send the request after a failure.
    pub retry: RetryClass,
    /// What the caller should do when the outcome of this call is unknown (it may or may not
    /// have been processed), e.g. `the card order may have been created; look it up by
    /// out_order_id before sending again`. Shown by [`Error`](crate::Error)'s `Display` for a
    /// [`RetryClass::Never`] call whose [`Outcome`](crate::Outcome) is
    /// [`Unknown`](crate::Outcome::Unknown).
    pub recovery: Option<&'static str>,
    /// Whether the call moves money (a payment, a top-up, a card order with a fee).
    pub moves_money: bool,
}

/// The HTTP method of an endpoint, which says where its fields travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: the request fields and the auth fields not carried in headers go in the query
    /// string, sorted by name; there is no body.
    Get,
    /// `POST`: the fields go in one JSON body.
    Post,
}

impl Method {
    /// The method as HTTP writes it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// When the client may automatically re-send a request.
///
/// Whatever the class, retries are limited by the client's [`RetryPolicy`](crate::RetryPolicy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// Read-only or otherwise idempotent: retried after any transient failure
    /// ([`Error::is_transient`](crate::Error::is_transient)): connect errors, timeouts, other
    /// transport errors, HTTP 429 and 5xx, and the envelope's rate-limit business code.
    Safe,
    /// Not idempotent (moves money, creates things): **never re-sent once the request may have
    /// reached the server**. The only failure retried is [`Error::Connect`](crate::Error::Connect)
    /// (DNS, TCP connect, TLS handshake or connect timeout), where no byte of the request was
    /// sent. A timeout, a broken connection, a 5xx, a 429 or any business error is returned to
    /// the caller as is; the caller must find out whether the call took effect (for example by
    /// looking the order up by its own reference) before sending it again.
    Never,
}

/// Response payload of endpoints that return no data.
///
/// Deserializes from anything (`null`, `{}`, a missing field, any value) and serializes as `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Empty;

impl<'de> ::serde::Deserialize<'de> for Empty {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <::serde::de::IgnoredAny as ::serde::Deserialize>::deserialize(deserializer).map(|_| Empty)
    }
}

impl ::serde::Serialize for Empty {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

/// The auth fields of `A` as a serializable map (flattened into the request body).
pub(crate) struct AuthFields<'a, A>(pub(crate) &'a A);

impl<A: Auth> ::serde::Serialize for AuthFields<'_, A> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.0.serialize_fields(&mut map)?;
        map.end()
    }
}
