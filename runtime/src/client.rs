//! [`Client`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;

use crate::drift::{Capture, Drift, DriftMonitor, Hook};
use crate::service::AuthFields;
use crate::sign::Signer;
use crate::url_cache::UrlCache;
use crate::{Error, PageOptions, RetryPolicy, Service};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// The transport of one API `S`: base URL, credentials, HTTP client, timeouts and retries.
/// Cheap to clone (the state is shared behind an `Arc`).
///
/// Build one with [`Client::builder`]. A generated crate wraps it in its own `Client`, whose
/// endpoint methods all go through [`Client::execute`]: auth fields + request fields as one
/// JSON body, a bounded response read, envelope decoding and retries per
/// [`RetryClass`](crate::RetryClass).
///
/// `Debug` does not print the credentials' secrets.
pub struct Client<S: Service> {
    pub(crate) inner: Arc<Inner<S>>,
}

impl<S: Service> Clone for Client<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

pub(crate) struct Inner<S: Service> {
    pub(crate) http: reqwest::Client,
    /// Validated http(s) URL without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) version: String,
    pub(crate) credentials: S::Credentials,
    /// The string values of the auth fields (the key), scrubbed from error texts.
    pub(crate) secrets: Vec<SecretString>,
    /// The auth fields carried in headers, validated once; secret values marked sensitive.
    pub(crate) auth_headers: HeaderMap,
    /// Computes the computed auth fields, once per attempt; set exactly when the API has some.
    pub(crate) signer: Option<Arc<dyn Signer>>,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) pages: PageOptions,
    /// Where this client records drift from the spec.
    pub(crate) drift: Arc<DriftMonitor>,
    /// The parsed request URL of each operation path.
    pub(crate) urls: UrlCache,
}

impl<S: Service> Client<S> {
    /// Starts building a client for `base_url`, e.g. `https://api.example.com` (a path prefix
    /// such as `https://example.com/gateway` is kept; the operation's path is appended).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<S> {
        ClientBuilder::new(base_url)
    }

    /// The credentials sent with every request.
    pub fn credentials(&self) -> &S::Credentials {
        &self.inner.credentials
    }

    /// The base URL (validated, without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The value of the `{version}` path segment.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// This client's drift record: what differed from the spec so far
    /// ([`DriftMonitor::snapshot`]); share it with a webhook `Receiver` (feature `webhooks`)
    /// to count webhook drift with it.
    pub fn drift(&self) -> &Arc<DriftMonitor> {
        &self.inner.drift
    }
}

impl<S: Service> fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("version", &inner.version)
            .field("credentials", &inner.credentials) // its Debug redacts the key
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("pages", &inner.pages)
            .field("signer", &inner.signer.as_ref().map(|_| "<signer>"))
            .field("drift", &inner.drift)
            .finish_non_exhaustive()
    }
}

/// Builder for [`Client`]; see [`Client::builder`].
///
/// `Debug` does not print the credentials' secrets.
#[must_use]
pub struct ClientBuilder<S: Service> {
    base_url: String,
    version: String,
    credentials: Option<S::Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    user_agent: String,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    max_response_bytes: usize,
    pages: PageOptions,
    signer: Option<Arc<dyn Signer>>,
    strict: bool,
    drift_detection: bool,
    drift_hooks: Vec<Hook>,
    drift_capture: Option<std::path::PathBuf>,
}

impl<S: Service> fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("credentials", &self.credentials) // their Debug redacts secrets
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("pages", &self.pages)
            .field("signer", &self.signer.as_ref().map(|_| "<signer>"))
            .field("strict", &self.strict)
            .field("drift_detection", &self.drift_detection)
            .field("drift_hooks", &self.drift_hooks.len())
            .field("drift_capture", &self.drift_capture)
            .finish_non_exhaustive()
    }
}

impl<S: Service> ClientBuilder<S> {
    /// Starts building a client for `base_url`; the same as [`Client::builder`].
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            version: S::SPEC.default_version.to_owned(),
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            user_agent: S::SPEC.user_agent.to_owned(),
            retry: RetryPolicy::default(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            pages: PageOptions::default(),
            signer: None,
            strict: false,
            drift_detection: true,
            drift_hooks: Vec::new(),
            drift_capture: None,
        }
    }

    /// The signer computing the API's computed auth fields (a signature, a timestamp) once per
    /// attempt, so a retried request is signed afresh. Required when the API has computed
    /// fields, refused when it has none; see [`sign`](crate::sign).
    pub fn signer(mut self, signer: impl Signer) -> Self {
        self.signer = Some(Arc::new(signer));
        self
    }

    /// Strict mode (default off): a response that differs from the spec (see
    /// [`drift`](crate::drift)) fails the call with [`Error::Drift`] naming the path, after
    /// its data was decoded. Every response is checked. For tests and runs against a vendor
    /// sandbox, so that CI fails on drift; not for production, where drift is better
    /// reported than fatal (and a failed call that moved money is still a moved payment).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Whether responses are checked for drift at all (default on; see [`drift`](crate::drift)
    /// for what it costs). Off, nothing is checked, logged, counted or captured, unless
    /// [`strict`](Self::strict) mode or a [capture file](Self::drift_capture) is set, which
    /// turn it back on.
    pub fn drift_detection(mut self, enabled: bool) -> Self {
        self.drift_detection = enabled;
        self
    }

    /// Registers a function called with every drift occurrence (a response checked and found
    /// to differ from the spec), e.g. to count it in a metric. Called on the task that
    /// decoded the response: keep it quick. May be called several times.
    pub fn on_drift(mut self, hook: impl Fn(&Drift) + Send + Sync + 'static) -> Self {
        self.drift_hooks.push(Arc::new(hook));
        self
    }

    /// Appends the shape of every response to the JSON Lines file at `path`: the JSON types
    /// of `data` (never values; keys that do not look like field names as `?`) and the drift
    /// found in it, for `cargo xtask drift` to turn into spec edits. Every response is
    /// checked. The file is opened by [`build`](Self::build).
    pub fn drift_capture(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.drift_capture = Some(path.into());
        self
    }

    /// The version path segment (default: the spec's version, [`ServiceSpec::default_version`](crate::ServiceSpec::default_version)).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// The credentials sent in every request body (required).
    pub fn credentials(mut self, credentials: S::Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Timeout for one whole attempt, from connecting until the response body is read
    /// (default 30 s). Applied per request, so it also holds with [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Deadline for a whole call: every attempt and every wait between attempts (backoff,
    /// `Retry-After`) must end within it (default 60 s). A call that hits it fails with
    /// [`Error::Deadline`]; no retry wait is started that would end past it, so a call whose
    /// last attempt failed early returns that failure instead.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Limits of the paged streams ([`paginate`](crate::paginate)); default
    /// [`PageOptions::default`].
    pub fn page_options(mut self, pages: PageOptions) -> Self {
        self.pages = pages;
        self
    }

    /// Timeout for establishing a connection (default 10 s). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default: `<crate name>/<crate version>` of the generated crate,
    /// [`ServiceSpec::user_agent`](crate::ServiceSpec::user_agent)). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Retry schedule (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Uses the caller's `reqwest::Client` (proxies, TLS roots, connection pool, …). Its
    /// connect timeout and user agent are then the caller's business; the per-request
    /// [`timeout`](Self::timeout) and the [`deadline`](Self::deadline) still apply.
    ///
    /// Redirects are refused whatever this client does: a response whose final URL differs
    /// from the requested one fails with [`Error::Redirected`]. Configure it with
    /// `redirect(reqwest::redirect::Policy::none())` all the same: a client that follows a
    /// 307/308 redirect has already sent the body (with the key) to the other URL by the time
    /// the response is checked.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Largest accepted response body in bytes (default 16 MiB); larger bodies fail with
    /// [`Error::ResponseTooLarge`] without being buffered.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Validates the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the credentials are missing, the API has computed auth fields
    /// and no [`signer`](Self::signer) is set (or a signer is set and it has none), a
    /// credential carried in a header is not a valid header value, `base_url` is not an absolute
    /// `http`/`https` URL (or carries user info, a query or a fragment), the version is not a
    /// single path segment, a timeout, the deadline, the page cap or the size limit is zero,
    /// the HTTP client cannot be created, or the drift capture file cannot be opened.
    pub fn build(self) -> Result<S::Client, Error<S::ErrorCode>> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("credentials are required".into()))?;
        let computed = <S::Credentials as crate::Auth>::COMPUTED;
        match (computed.is_empty(), self.signer.is_some()) {
            (false, false) => {
                let names: Vec<&str> = computed.iter().map(|f| f.name).collect();
                return Err(Error::Config(format!(
                    "this API has computed auth fields ({}): set a signer with ClientBuilder::signer",
                    names.join(", ")
                )));
            }
            (true, true) => {
                return Err(Error::Config(
                    "a signer is set but this API has no computed auth fields".into(),
                ));
            }
            _ => {}
        }
        let base_url = validate_base_url(&self.base_url).map_err(Error::Config)?;
        if self.version.is_empty()
            || !self
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(Error::Config(
                "version must be a non-empty path segment of [A-Za-z0-9._-]".into(),
            ));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() || self.deadline.is_zero() {
            return Err(Error::Config(
                "timeouts and the deadline must be greater than zero".into(),
            ));
        }
        if self.pages.max_pages == 0 {
            return Err(Error::Config("max_pages must be greater than zero".into()));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::Config(
                "max_response_bytes must be greater than zero".into(),
            ));
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .user_agent(self.user_agent)
                // The key is in the body: never replay it to wherever a redirect points.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot create the HTTP client: {e}")))?,
        };
        let secrets = secret_strings(&credentials);
        let auth_headers = auth_header_map(&credentials).map_err(Error::Config)?;
        let capture =
            match &self.drift_capture {
                Some(path) => Some(Capture::open(path).map_err(|e| {
                    Error::Config(format!("cannot open the drift capture file: {e}"))
                })?),
                None => None,
            };
        let enabled = self.drift_detection || self.strict || capture.is_some();
        let drift = Arc::new(DriftMonitor::with(
            enabled,
            self.strict,
            self.drift_hooks,
            capture,
        ));
        Ok(S::Client::from(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                version: self.version,
                credentials,
                secrets,
                auth_headers,
                signer: self.signer,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                pages: self.pages,
                drift,
                urls: UrlCache::default(),
            }),
        }))
    }
}

/// The string-valued auth fields (the key), found through their serialization (and the
/// header values) so that this does not depend on the generated field names.
fn secret_strings<A: crate::Auth>(credentials: &A) -> Vec<SecretString> {
    let body = match serde_json::to_value(AuthFields(credentials)) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(_, value)| match value {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let headers = credentials
        .headers()
        .into_iter()
        .map(|h| h.value.to_owned());
    body.into_iter()
        .chain(headers)
        .filter(|s| !s.is_empty())
        .map(SecretString::from)
        .collect()
}

/// The auth fields carried in headers as a header map, secret values marked sensitive.
/// Errors name the header, never its value.
fn auth_header_map<A: crate::Auth>(credentials: &A) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for h in credentials.headers() {
        let name = HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| format!("`{}` is not a valid header name", h.name))?;
        let mut value = HeaderValue::from_str(h.value).map_err(|_| {
            format!(
                "the credential for header `{}` holds a character a header value may not hold",
                h.name
            )
        })?;
        value.set_sensitive(h.sensitive);
        map.insert(name, value);
    }
    Ok(map)
}

/// Checks that `raw` is an absolute http(s) URL we can append paths to; returns it without a
/// trailing slash. Error messages do not echo the URL (it might carry a password).
fn validate_base_url(raw: &str) -> Result<String, String> {
    let bad = |why: &str| format!("base_url {why}");
    let url =
        reqwest::Url::parse(raw.trim()).map_err(|e| bad(&format!("is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain user info"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not contain a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_validation() {
        assert_eq!(
            validate_base_url("https://api.example.com/")
                .ok()
                .as_deref(),
            Some("https://api.example.com")
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/gw/")
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/gw")
        );
        for bad in [
            "",
            "api.example.com",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?a=1",
            "https://example.com/#x",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
        let message = validate_base_url("https://user:hunter2@example.com").unwrap_err();
        assert!(!message.contains("hunter2"));
    }

    /// Credentials with one body field and two header fields, one of them secret.
    #[derive(Clone)]
    struct HeaderCredentials {
        merchant: &'static str,
        app_key: &'static str,
        channel: &'static str,
    }

    impl std::fmt::Debug for HeaderCredentials {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("HeaderCredentials").finish_non_exhaustive()
        }
    }

    impl crate::Auth for HeaderCredentials {
        fn serialize_fields<M: serde::ser::SerializeMap>(
            &self,
            map: &mut M,
        ) -> Result<(), M::Error> {
            map.serialize_entry("merchant", self.merchant)
        }

        fn headers(&self) -> Vec<crate::AuthHeader<'_>> {
            vec![
                crate::AuthHeader {
                    name: "X-App-Key",
                    value: self.app_key,
                    sensitive: true,
                },
                crate::AuthHeader {
                    name: "X-Channel",
                    value: self.channel,
                    sensitive: false,
                },
            ]
        }
    }

    #[test]
    fn header_credentials_are_secrets_and_sensitive_headers() {
        let credentials = HeaderCredentials {
            merchant: "M1",
            app_key: "k-123",
            channel: "web",
        };
        let secrets: Vec<String> = secret_strings(&credentials)
            .iter()
            .map(|s| secrecy::ExposeSecret::expose_secret(s).to_owned())
            .collect();
        assert_eq!(secrets, ["M1", "k-123", "web"]);
        let map = auth_header_map(&credentials).unwrap();
        assert_eq!(map.get("x-app-key").unwrap(), "k-123");
        assert!(map.get("x-app-key").unwrap().is_sensitive());
        assert!(!map.get("x-channel").unwrap().is_sensitive());
        assert!(!format!("{:?}", crate::Auth::headers(&credentials)).contains("k-123"));
    }

    #[test]
    fn a_header_value_with_a_newline_is_refused_without_echoing_it() {
        let credentials = HeaderCredentials {
            merchant: "M1",
            app_key: "k-1\nX-Evil: 1",
            channel: "web",
        };
        let message = auth_header_map(&credentials).unwrap_err();
        assert!(message.contains("X-App-Key"), "{message}");
        assert!(!message.contains("k-1"), "{message}");
    }
}
