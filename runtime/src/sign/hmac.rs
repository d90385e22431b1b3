//! [`HmacSha256Signer`]: an example signer for one common scheme.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

use super::{SignError, SignRequest, Signer};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 request signing, **an example of one common scheme, not any vendor's
/// documented one**: check it against what your vendor documents, or write a [`Signer`].
///
/// * The timestamp field (if the API has one, named with
///   [`timestamp_field`](Self::timestamp_field)) gets the current Unix time in milliseconds.
/// * The sign field gets the lowercase hex HMAC-SHA256, keyed with the secret, of
///   `"{METHOD}\n{path}\n{timestamp}\n{canonical}"` (`{timestamp}` empty without a timestamp
///   field; `{canonical}` as in [`SignRequest::canonical`]).
/// * Any other computed field is refused with a [`SignError`].
///
/// `Debug` does not show the secret.
///
/// ```
/// use apigen_runtime::sign::{ComputedField, HmacSha256Signer, SignRequest, Signer};
///
/// const FIELDS: &[ComputedField] = &[
///     ComputedField { name: "sign", header: None },
///     ComputedField { name: "timestamp", header: Some("X-Timestamp") },
/// ];
/// let signer = HmacSha256Signer::new("shared-secret", "sign")?
///     .timestamp_field("timestamp")
///     .clock(|| 1_700_000_000_000);
/// let request = SignRequest { method: "POST", path: "/v1/quote", canonical: r#"{"a":1}"#, fields: FIELDS };
/// let values = signer.sign(&request)?;
/// assert_eq!(values["timestamp"], "1700000000000");
/// assert_eq!(values["sign"].len(), 64);
/// assert!(!format!("{signer:?}").contains("shared-secret"));
/// # Ok::<(), apigen_runtime::sign::SignError>(())
/// ```
pub struct HmacSha256Signer {
    secret: SecretString,
    sign_field: String,
    timestamp_field: Option<String>,
    clock: fn() -> i64,
}

impl HmacSha256Signer {
    /// A signer keyed with `secret` that writes the signature into `sign_field`.
    ///
    /// # Errors
    ///
    /// A [`SignError`] if `secret` is empty or only whitespace (every signature would be
    /// forgeable).
    pub fn new(
        secret: impl Into<SecretString>,
        sign_field: impl Into<String>,
    ) -> Result<Self, SignError> {
        let secret = secret.into();
        if secret.expose_secret().trim().is_empty() {
            return Err(SignError::new("the signing secret is empty or blank"));
        }
        Ok(Self {
            secret,
            sign_field: sign_field.into(),
            timestamp_field: None,
            clock: unix_millis,
        })
    }

    /// Also fills `field` with the Unix time in milliseconds, covered by the signature.
    #[must_use]
    pub fn timestamp_field(mut self, field: impl Into<String>) -> Self {
        self.timestamp_field = Some(field.into());
        self
    }

    /// Reads the time (Unix milliseconds) from `clock` instead of the system clock: for tests
    /// that need a deterministic signature.
    #[must_use]
    pub fn clock(mut self, clock: fn() -> i64) -> Self {
        self.clock = clock;
        self
    }

    /// The lowercase hex HMAC-SHA256 of `text` under the secret.
    fn mac_hex(&self, text: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(self.secret.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(text.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }
}

impl Signer for HmacSha256Signer {
    fn sign(&self, request: &SignRequest<'_>) -> Result<BTreeMap<String, String>, SignError> {
        if let Some(other) = request
            .fields
            .iter()
            .find(|f| f.name != self.sign_field && Some(f.name) != self.timestamp_field.as_deref())
        {
            return Err(SignError::new(format!(
                "HmacSha256Signer computes the sign and timestamp fields only; `{}` needs a signer of your own",
                other.name
            )));
        }
        let mut values = BTreeMap::new();
        let timestamp = match &self.timestamp_field {
            Some(field) => {
                let now = (self.clock)().to_string();
                values.insert(field.clone(), now.clone());
                now
            }
            None => String::new(),
        };
        let text = format!(
            "{}\n{}\n{timestamp}\n{}",
            request.method, request.path, request.canonical
        );
        values.insert(self.sign_field.clone(), self.mac_hex(&text));
        Ok(values)
    }
}

impl fmt::Debug for HmacSha256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSha256Signer")
            .field("secret", &crate::redact::Redacted)
            .field("sign_field", &self.sign_field)
            .field("timestamp_field", &self.timestamp_field)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch by the system clock (0 before it, saturating far after).
fn unix_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::ComputedField;

    const FIELDS: &[ComputedField] = &[
        ComputedField {
            name: "sign",
            header: None,
        },
        ComputedField {
            name: "timestamp",
            header: None,
        },
    ];

    fn request(canonical: &str) -> SignRequest<'_> {
        SignRequest {
            method: "POST",
            path: "/gateway/v3/quote/get",
            canonical,
            fields: FIELDS,
        }
    }

    fn signer() -> HmacSha256Signer {
        HmacSha256Signer::new("key", "sign")
            .unwrap()
            .timestamp_field("timestamp")
            .clock(|| 1_700_000_000_000)
    }

    #[test]
    fn signs_method_path_timestamp_and_canonical_body() {
        let values = signer().sign(&request(r#"{"amount":10.50}"#)).unwrap();
        assert_eq!(values["timestamp"], "1700000000000");
        // `printf 'POST\n/gateway/v3/quote/get\n1700000000000\n{"amount":10.50}' |
        //  openssl dgst -sha256 -hmac key`
        assert_eq!(
            values["sign"],
            "c090d39a324ec9593d432771b9fc180d917444da98017aaa2b1c22eb5c8d6784"
        );
        let other = signer().sign(&request(r#"{"amount":10.5}"#)).unwrap();
        assert_ne!(values["sign"], other["sign"]);
    }

    #[test]
    fn the_hmac_is_the_rfc_4231_one() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let signer = HmacSha256Signer::new("Jefe", "sign").unwrap();
        assert_eq!(
            signer.mac_hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn refuses_blank_secrets_and_fields_it_cannot_compute() {
        assert!(HmacSha256Signer::new(" ", "sign").is_err());
        let only_sign = HmacSha256Signer::new("s3cr3t-value", "sign").unwrap();
        let error = only_sign.sign(&request("{}")).unwrap_err();
        assert!(error.to_string().contains("`timestamp`"), "{error}");
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        assert!(!format!("{only_sign:?}").contains("s3cr3t"));
    }
}
