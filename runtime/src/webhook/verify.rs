//! Checking that a delivery comes from the vendor: the [`Verifier`] trait and an HMAC-SHA256
//! implementation with key rotation.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

use super::{SignatureError, WebhookError};

/// At most this many signature header values are tried per delivery, so that a sender cannot
/// make the receiver compute an unbounded number of comparisons.
const MAX_SIGNATURES: usize = 8;

/// Checks that a delivery comes from the vendor, from its headers and **raw** body bytes
/// (before parsing).
///
/// A [`Receiver`](super::Receiver) calls it for every delivery unless built with
/// [`Receiver::without_verification`](super::Receiver::without_verification).
/// [`HmacSha256Verifier`] implements the most likely scheme; implement this trait for any
/// other.
pub trait Verifier: Send + Sync {
    /// `Ok(())` when the delivery is authentic.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Signature`] otherwise.
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError>;
}

/// A webhook secret that is empty or only whitespace: it would make every signature
/// trivially forgeable, so it is refused when the verifier is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the webhook secret is empty or blank")]
pub struct BlankSecret;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 signature check, **an assumed scheme** (check it against what the vendor
/// documents).
///
/// * A signature header (default `x-signature`) holds the lowercase or uppercase hex
///   HMAC-SHA256 of the raw body, keyed with a shared secret; a `sha256=` prefix is accepted.
/// * Key rotation: [`with_secret`](Self::with_secret) adds secrets and
///   [`also_signature_header`](Self::also_signature_header) adds headers; every value of every
///   signature header is tried (up to 8) against every secret, and **any one** valid signature
///   passes.
/// * With [`timestamp`](Self::timestamp) (off by default) the MAC covers
///   `"{timestamp}.{body}"`, where `{timestamp}` is the timestamp header's text (Unix
///   seconds), and a timestamp more than the tolerance away from now is rejected, limiting
///   replays to that window (the [`Receiver`](super::Receiver)'s deduplication catches
///   replays inside it).
/// * The comparison is constant-time (`hmac`'s `verify_slice`).
///
/// `Debug` does not show the secrets.
///
/// ```
/// use apigen_runtime::webhook::{HmacSha256Verifier, Verifier};
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let verifier = HmacSha256Verifier::new("shared-secret")?;
/// let body = br#"{"eventTag":"card.status.freeze","data":{}}"#;
/// let mut headers = HeaderMap::new();
/// headers.insert("x-signature", HeaderValue::from_str(&verifier.sign(body, None)).unwrap());
/// assert!(verifier.verify(&headers, body).is_ok());
/// assert!(verifier.verify(&headers, b"{}").is_err());
/// assert!(HmacSha256Verifier::new("  ").is_err());
/// # Ok::<(), apigen_runtime::webhook::BlankSecret>(())
/// ```
pub struct HmacSha256Verifier {
    secrets: Vec<SecretString>,
    signature_headers: Vec<HeaderName>,
    timestamp: Option<(HeaderName, Duration)>,
}

impl HmacSha256Verifier {
    /// The default signature header, `x-signature`.
    pub const DEFAULT_SIGNATURE_HEADER: &'static str = "x-signature";

    /// A verifier keyed with `secret`, reading the signature from `x-signature`, without a
    /// timestamp.
    ///
    /// # Errors
    ///
    /// [`BlankSecret`] if `secret` is empty or only whitespace.
    pub fn new(secret: impl Into<SecretString>) -> Result<Self, BlankSecret> {
        Ok(Self {
            secrets: vec![non_blank(secret.into())?],
            signature_headers: vec![HeaderName::from_static(Self::DEFAULT_SIGNATURE_HEADER)],
            timestamp: None,
        })
    }

    /// Also accepts signatures made with `secret` (key rotation: add the new secret, then
    /// drop the old one once the vendor has switched). The first secret signs
    /// ([`sign`](Self::sign)).
    ///
    /// # Errors
    ///
    /// [`BlankSecret`] if `secret` is empty or only whitespace.
    pub fn with_secret(mut self, secret: impl Into<SecretString>) -> Result<Self, BlankSecret> {
        self.secrets.push(non_blank(secret.into())?);
        Ok(self)
    }

    /// Reads the signature from header `name` (case-insensitive) instead of `x-signature`.
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name.
    #[must_use]
    pub fn signature_header(mut self, name: &str) -> Self {
        self.signature_headers = vec![header_name(name)];
        self
    }

    /// Also reads signatures from header `name` (a second scheme header during a migration).
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name.
    #[must_use]
    pub fn also_signature_header(mut self, name: &str) -> Self {
        self.signature_headers.push(header_name(name));
        self
    }

    /// Requires a timestamp (Unix seconds) in header `name`, covered by the MAC as
    /// `"{timestamp}.{body}"`, and rejects it when it is more than `tolerance` away from the
    /// current time. Off by default.
    ///
    /// # Panics
    ///
    /// If `name` is not a valid header name.
    #[must_use]
    pub fn timestamp(mut self, name: &str, tolerance: Duration) -> Self {
        self.timestamp = Some((header_name(name), tolerance));
        self
    }

    /// The lowercase hex signature of `body` (and `timestamp`, which must then also be sent in
    /// the timestamp header) under the first secret, as a sender would compute it; for tests
    /// and loopback tools.
    pub fn sign(&self, body: &[u8], timestamp: Option<i64>) -> String {
        let timestamp = timestamp.map(|t| t.to_string());
        let tag = mac(&self.secrets[0], timestamp.as_deref(), body)
            .finalize()
            .into_bytes();
        let mut hex = String::with_capacity(tag.len() * 2);
        for byte in tag.iter() {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        hex
    }

    fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), SignatureError> {
        let values: Vec<(&HeaderName, &HeaderValue)> = self
            .signature_headers
            .iter()
            .flat_map(|name| headers.get_all(name).iter().map(move |value| (name, value)))
            .take(MAX_SIGNATURES)
            .collect();
        let Some(&(first_name, _)) = values.first() else {
            return Err(SignatureError::MissingHeader {
                header: self.signature_headers[0].as_str().to_owned(),
            });
        };
        let signatures: Vec<Vec<u8>> = values
            .iter()
            .filter_map(|(_, value)| decode_signature(value))
            .collect();
        if signatures.is_empty() {
            return Err(SignatureError::Encoding {
                header: first_name.as_str().to_owned(),
            });
        }

        let timestamp = match &self.timestamp {
            None => None,
            Some((name, tolerance)) => {
                let value = headers
                    .get(name)
                    .ok_or_else(|| SignatureError::MissingTimestamp {
                        header: name.as_str().to_owned(),
                    })?;
                let invalid = || SignatureError::InvalidTimestamp {
                    header: name.as_str().to_owned(),
                };
                let text = value.to_str().map_err(|_| invalid())?;
                let seconds = text.parse::<i64>().map_err(|_| invalid())?;
                Some((text, seconds, *tolerance))
            }
        };

        let text = timestamp.map(|(text, _, _)| text);
        let valid = self.secrets.iter().any(|secret| {
            let mac = mac(secret, text, body);
            signatures
                .iter()
                .any(|signature| mac.clone().verify_slice(signature).is_ok())
        });
        if !valid {
            return Err(SignatureError::Mismatch);
        }

        if let Some((_, seconds, tolerance)) = timestamp
            && now.abs_diff(seconds) > tolerance.as_secs()
        {
            return Err(SignatureError::StaleTimestamp {
                tolerance_secs: tolerance.as_secs(),
            });
        }
        Ok(())
    }
}

impl Verifier for HmacSha256Verifier {
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let result = self.check(headers, body, unix_now());
        if let Err(error) = &result {
            tracing::debug!(error = error.kind(), "webhook signature rejected");
        }
        result.map_err(WebhookError::Signature)
    }
}

impl fmt::Debug for HmacSha256Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSha256Verifier")
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("signature_headers", &self.signature_headers)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

fn non_blank(secret: SecretString) -> Result<SecretString, BlankSecret> {
    if secret.expose_secret().trim().is_empty() {
        Err(BlankSecret)
    } else {
        Ok(secret)
    }
}

/// The MAC of `"{timestamp}.{body}"` (or of `body` alone) under `secret`.
fn mac(secret: &SecretString, timestamp: Option<&str>, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    if let Some(timestamp) = timestamp {
        mac.update(timestamp.as_bytes());
        mac.update(b".");
    }
    mac.update(body);
    mac
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn header_name(name: &str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes())
        .unwrap_or_else(|_| panic!("invalid header name {name:?}"))
}

/// 64 hex digits (either case), optionally prefixed with `sha256=`, as 32 bytes.
fn decode_signature(value: &HeaderValue) -> Option<Vec<u8>> {
    let text = value.to_str().ok()?.trim();
    let text = match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => &text[7..],
        _ => text,
    };
    if text.len() != 64 {
        return None;
    }
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(header_name(name), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn verifier(secret: &str) -> HmacSha256Verifier {
        HmacSha256Verifier::new(secret).unwrap()
    }

    #[test]
    fn signature_round_trip_and_encodings() {
        let verifier = verifier("k");
        let body = b"{}";
        let sig = verifier.sign(body, None);
        assert_eq!(sig.len(), 64);
        assert!(sig.bytes().all(|b| HEX.contains(&b)));
        for value in [
            sig.clone(),
            sig.to_ascii_uppercase(),
            format!("sha256={sig}"),
            format!("SHA256={sig}"),
        ] {
            assert_eq!(
                verifier.check(&headers(&[("X-Signature", &value)]), body, 0),
                Ok(())
            );
        }
        for bad in ["zz", "", &sig[..62], &format!("{sig}00")] {
            assert!(matches!(
                verifier.check(&headers(&[("x-signature", bad)]), body, 0),
                Err(SignatureError::Encoding { .. })
            ));
        }
        assert_eq!(
            verifier.check(&headers(&[("x-signature", &sig)]), b"{ }", 0),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn known_hmac_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            verifier("Jefe").sign(b"what do ya want for nothing?", None),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn blank_secrets_are_refused() {
        for blank in ["", " ", "\t\n  "] {
            assert_eq!(HmacSha256Verifier::new(blank).unwrap_err(), BlankSecret);
            assert!(verifier("k").with_secret(blank).is_err());
        }
    }

    #[test]
    fn any_secret_and_any_signature_header_value_passes() {
        let old = verifier("old-secret");
        let new = verifier("new-secret");
        let both = verifier("new-secret")
            .with_secret("old-secret")
            .unwrap()
            .also_signature_header("x-signature-v2");
        let body = b"{\"a\":1}";
        let garbage = "0".repeat(64);
        for (name, value) in [
            ("x-signature", old.sign(body, None)),
            ("x-signature", new.sign(body, None)),
            ("x-signature-v2", old.sign(body, None)),
        ] {
            assert_eq!(both.check(&headers(&[(name, &value)]), body, 0), Ok(()));
        }
        // Two values of one header, and a garbage header beside a valid one.
        let old_sig = old.sign(body, None);
        for pairs in [
            [("x-signature", garbage.as_str()), ("x-signature", &old_sig)],
            [("x-signature", "zz"), ("x-signature-v2", &old_sig)],
        ] {
            assert_eq!(both.check(&headers(&pairs), body, 0), Ok(()));
        }
        assert_eq!(
            both.check(&headers(&[("x-signature", &garbage)]), body, 0),
            Err(SignatureError::Mismatch)
        );
        // A verifier with only the new secret refuses the old signature.
        assert_eq!(
            new.check(&headers(&[("x-signature", &old_sig)]), body, 0),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn timestamp_window() {
        let verifier = verifier("k").timestamp("x-timestamp", Duration::from_secs(300));
        let body = b"{}";
        let at = |ts: i64, now: i64| {
            let sig = verifier.sign(body, Some(ts));
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", &ts.to_string())]),
                body,
                now,
            )
        };
        assert_eq!(at(1_000, 1_000), Ok(()));
        assert_eq!(at(1_000, 1_300), Ok(()));
        assert_eq!(at(1_300, 1_000), Ok(()));
        assert_eq!(
            at(1_000, 1_301),
            Err(SignatureError::StaleTimestamp {
                tolerance_secs: 300
            })
        );
        // The timestamp is covered by the MAC.
        let sig = verifier.sign(body, Some(1_000));
        assert_eq!(
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", "1001")]),
                body,
                1_000
            ),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            verifier.check(&headers(&[("x-signature", &sig)]), body, 1_000),
            Err(SignatureError::MissingTimestamp { .. })
        ));
        assert!(matches!(
            verifier.check(
                &headers(&[("x-signature", &sig), ("x-timestamp", "soon")]),
                body,
                1_000
            ),
            Err(SignatureError::InvalidTimestamp { .. })
        ));
    }

    #[test]
    fn debug_hides_the_secrets() {
        let verifier = verifier("hunter2-secret").with_secret("hunter3").unwrap();
        let text = format!("{verifier:?}");
        assert!(!text.contains("hunter"), "{text}");
        assert!(
            text.contains("x-signature") && text.contains("<2 redacted>"),
            "{text}"
        );
    }
}
