//! Auth fields computed per request (a signature, a timestamp, a nonce): the [`Signer`] a
//! client is built with ([`ClientBuilder::signer`](crate::ClientBuilder::signer)) is called
//! once per attempt, so a retried request is signed afresh.
//!
//! What the signer sees ([`SignRequest`]): the HTTP method, the URL path as sent
//! (`/gateway/v3/quote/get`) and the **canonical request**: the JSON body without the computed
//! fields, with the keys of every object sorted (byte order) and no whitespace, numbers as
//! written (see [`canonical_json`]). For a `GET`, whose fields travel in the query string,
//! the canonical request is that query string without the computed fields: `name=value`
//! pairs sorted by name (byte order), percent-encoded as `application/x-www-form-urlencoded`
//! and joined with `&` (`amount=100.50&from=USD&to=CNY`), exactly as sent. The values it
//! returns go into the body (for a `GET`, the query string) or into their headers, as the
//! spec says for each field ([`ComputedField`]).
//!
//! [`HmacSha256Signer`] implements one common scheme as an example; a vendor's real scheme is
//! whatever its documentation says (for the APIs we generate from, it is not documented yet):
//! write a [`Signer`] of your own for it.

mod canonical;
mod hmac;

use std::collections::BTreeMap;
use std::fmt;

pub use canonical::canonical_json;
pub use hmac::HmacSha256Signer;

/// One auth field computed per request, as the generated crate describes it
/// ([`Auth::COMPUTED`](crate::Auth::COMPUTED)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputedField {
    /// The wire name (`sign`).
    pub name: &'static str,
    /// The header carrying it, or `None` for a member of the JSON body (of the query string
    /// for a `GET`).
    pub header: Option<&'static str>,
}

/// What a [`Signer`] signs: one attempt of one request.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    /// The HTTP method (`POST` or `GET`).
    pub method: &'a str,
    /// The URL path as sent, version filled in (`/gateway/v3/quote/get`).
    pub path: &'a str,
    /// The canonical request: the body without the computed fields, keys sorted, compact; for
    /// a `GET`, the sorted query string without the computed fields.
    pub canonical: &'a str,
    /// The computed fields to return a value for, in spec order.
    pub fields: &'static [ComputedField],
}

/// Computes the computed auth fields of a request; called once per attempt.
///
/// Implementations hold their secrets themselves and must never print them (in `Debug`, in a
/// [`SignError`] or in logs).
pub trait Signer: Send + Sync + 'static {
    /// The value of every field of `request.fields`, by wire name.
    ///
    /// # Errors
    ///
    /// A [`SignError`] saying why no signature could be made; the call then fails with
    /// [`Error::Sign`](crate::Error::Sign) before anything is sent.
    fn sign(&self, request: &SignRequest<'_>) -> Result<BTreeMap<String, String>, SignError>;
}

/// Why a [`Signer`] could not sign a request. Its text must hold no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError(String);

impl SignError {
    /// An error with this (secret-free) explanation.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignError {}

/// The values of one attempt, checked against the fields asked for: split into body members
/// and headers.
pub(crate) struct Signed {
    /// Computed fields carried in the body, by wire name.
    pub(crate) body: Vec<(&'static str, String)>,
    /// Computed fields carried in headers: (header, value).
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// Calls `signer` for `request` and checks that it returned exactly the fields asked for.
pub(crate) fn sign(signer: &dyn Signer, request: &SignRequest<'_>) -> Result<Signed, SignError> {
    let mut values = signer.sign(request)?;
    let mut signed = Signed {
        body: Vec::new(),
        headers: Vec::new(),
    };
    for field in request.fields {
        let value = values.remove(field.name).ok_or_else(|| {
            SignError::new(format!("the signer gave no value for `{}`", field.name))
        })?;
        match field.header {
            None => signed.body.push((field.name, value)),
            Some(header) => signed.headers.push((header, value)),
        }
    }
    if let Some(extra) = values.keys().next() {
        return Err(SignError::new(format!(
            "the signer computed `{extra}`, which is not a computed field of this API"
        )));
    }
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns the given names with fixed values.
    struct Returns(&'static [&'static str]);

    impl Signer for Returns {
        fn sign(&self, _: &SignRequest<'_>) -> Result<BTreeMap<String, String>, SignError> {
            Ok(self
                .0
                .iter()
                .map(|n| ((*n).to_owned(), format!("v-{n}")))
                .collect())
        }
    }

    const FIELDS: &[ComputedField] = &[
        ComputedField {
            name: "sign",
            header: None,
        },
        ComputedField {
            name: "timestamp",
            header: Some("X-Timestamp"),
        },
    ];

    fn request() -> SignRequest<'static> {
        SignRequest {
            method: "POST",
            path: "/v1/x",
            canonical: "{}",
            fields: FIELDS,
        }
    }

    #[test]
    fn values_go_to_the_body_or_their_header() {
        let signed = sign(&Returns(&["sign", "timestamp"]), &request()).unwrap();
        assert_eq!(signed.body, [("sign", "v-sign".to_owned())]);
        assert_eq!(signed.headers, [("X-Timestamp", "v-timestamp".to_owned())]);
    }

    #[test]
    fn a_missing_or_unknown_value_is_an_error() {
        let missing = sign(&Returns(&["sign"]), &request()).err().unwrap();
        assert!(missing.to_string().contains("`timestamp`"), "{missing}");
        let extra = sign(&Returns(&["sign", "timestamp", "nonce"]), &request())
            .err()
            .unwrap();
        assert!(extra.to_string().contains("`nonce`"), "{extra}");
    }
}
