//! Why a webhook is rejected, and why a re-fetch does not confirm it.

/// Why a webhook was rejected.
///
/// Display messages never contain body content or secrets: decode messages have the
/// offending values replaced by `…`, paths hide map keys that do not look like field names,
/// and the few values shown (a contradicting status) are log-safe with card-like digit runs
/// masked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is larger than the parser's limit; it was not parsed.
    #[error("webhook body of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// The size of the body in bytes.
        size: usize,
    },

    /// The body is not a JSON object (not UTF-8, not JSON, another JSON type, a duplicate
    /// top-level key).
    #[error("webhook body is malformed: {message}")]
    Malformed {
        /// What is wrong, with the line and column where serde_json knows them; never body
        /// text.
        message: String,
    },

    /// The body object has no string tag field, or it is empty.
    #[error("webhook body has no `{field}` string")]
    MissingTag {
        /// The name of the tag field.
        field: &'static str,
    },

    /// The body has the data field *and* other members beside the tag: it is neither the
    /// enveloped nor the flat shape, and which object to trust is a guess.
    #[error(
        "webhook body has both `{data_field}` and payload fields beside it (first: `{first_extra}`); send one shape"
    )]
    MixedShape {
        /// The name of the data field.
        data_field: &'static str,
        /// The first other member (log-safe).
        first_extra: String,
    },

    /// The object of a known tag does not match its payload type.
    #[error("webhook `{tag}`: could not decode the payload{}: {message}", at(.path))]
    Decode {
        /// The event tag.
        tag: String,
        /// JSON path of the offending value **in the received body**: `data.balance` for the
        /// enveloped shape, `balance` for the flat shape; empty for the object itself
        /// (`Event::from_parts` and `decode` alone report paths relative to the object).
        path: String,
        /// What went wrong; values from the body are replaced by `…`.
        message: String,
    },

    /// The payload contradicts its tag: the spec says the tag implies a value of a field
    /// (`payment.status.success` → `status` = `2`) and the payload has another.
    #[error("webhook `{tag}` implies `{path}` = {expected}, but the payload has {found}")]
    Contradiction {
        /// The event tag.
        tag: String,
        /// Path of the field in the received body (`data.status` or `status`).
        path: String,
        /// The implied value, as JSON.
        expected: &'static str,
        /// The value received, as JSON, log-safe (`missing` when absent).
        found: String,
    },

    /// Signature verification failed (see [`Verifier`](super::Verifier)).
    #[error("webhook signature rejected: {0}")]
    Signature(#[from] SignatureError),
}

/// Formats the ` at `path`` part of a decode error (nothing for the object itself).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

impl WebhookError {
    /// Short, value-free name of the error kind, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::Malformed { .. } => "malformed",
            Self::MissingTag { .. } => "missing_tag",
            Self::MixedShape { .. } => "mixed_shape",
            Self::Decode { .. } => "decode",
            Self::Contradiction { .. } => "contradiction",
            Self::Signature(error) => error.kind(),
        }
    }
}

/// Why a [`Verifier`](super::Verifier) rejected a delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// None of the signature headers is present.
    #[error("missing signature header `{header}`")]
    MissingHeader {
        /// The (first) expected header name.
        header: String,
    },
    /// No signature header holds a hex HMAC-SHA256 (64 hex digits, optionally prefixed with
    /// `sha256=`).
    #[error("signature header `{header}` is not a hex-encoded HMAC-SHA256")]
    Encoding {
        /// The header name.
        header: String,
    },
    /// No signature matches the body (and timestamp) under any of the secrets.
    #[error("signature does not match the body")]
    Mismatch,
    /// A timestamp is required but its header is absent.
    #[error("missing timestamp header `{header}`")]
    MissingTimestamp {
        /// The expected header name.
        header: String,
    },
    /// The timestamp header is not an integer number of seconds since the Unix epoch.
    #[error("timestamp header `{header}` is not Unix seconds")]
    InvalidTimestamp {
        /// The header name.
        header: String,
    },
    /// The timestamp is further from the current time than the configured tolerance
    /// (a replay, or badly skewed clocks).
    #[error("timestamp is more than {tolerance_secs} s away from the current time")]
    StaleTimestamp {
        /// The configured tolerance in seconds.
        tolerance_secs: u64,
    },
}

impl SignatureError {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "signature_missing",
            Self::Encoding { .. } => "signature_encoding",
            Self::Mismatch => "signature_mismatch",
            Self::MissingTimestamp { .. } => "timestamp_missing",
            Self::InvalidTimestamp { .. } => "timestamp_invalid",
            Self::StaleTimestamp { .. } => "timestamp_stale",
        }
    }
}

/// Why a generated `Event::refetch` gives no object: the API call failed, or the API answered
/// about another object than the event's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RefetchError<E> {
    /// The detail call failed.
    #[error(transparent)]
    Api(#[from] E),
    /// The detail endpoint returned an object whose id field differs from the event's: do not
    /// act on either.
    #[error("re-fetch for webhook `{tag}` returned another object: `{field}` differs")]
    Mismatch {
        /// The event tag (log-safe).
        tag: String,
        /// The id field that differs (wire name).
        field: &'static str,
    },
}

/// `Ok(())` when every `(field, same)` pair says the re-fetched object has the event's value;
/// otherwise [`RefetchError::Mismatch`] naming the first field that differs. Used by the
/// generated `Event::refetch`.
///
/// # Errors
///
/// [`RefetchError::Mismatch`] as above.
pub fn check_identity<E>(
    tag: &str,
    fields: &[(&'static str, bool)],
) -> Result<(), RefetchError<E>> {
    match fields.iter().find(|(_, same)| !same) {
        None => Ok(()),
        Some(&(field, _)) => Err(RefetchError::Mismatch {
            tag: crate::redact::log_safe(tag).into_owned(),
            field,
        }),
    }
}

impl<E> RefetchError<E> {
    /// Whether the API answered about another object (a vendor bug or a forged event).
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Self::Mismatch { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_check_names_the_first_differing_field() {
        assert!(check_identity::<std::io::Error>("a.b", &[("id", true), ("sn", true)]).is_ok());
        let error =
            check_identity::<std::io::Error>("a.b", &[("id", true), ("sn", false), ("x", false)])
                .unwrap_err();
        assert!(error.is_mismatch());
        assert_eq!(
            error.to_string(),
            "re-fetch for webhook `a.b` returned another object: `sn` differs"
        );
    }

    #[test]
    fn contradiction_message_shows_the_values_and_path() {
        let error = WebhookError::Contradiction {
            tag: "payment.status.success".into(),
            path: "data.status".into(),
            expected: "2",
            found: "3".into(),
        };
        assert_eq!(
            error.to_string(),
            "webhook `payment.status.success` implies `data.status` = 2, but the payload has 3"
        );
        assert_eq!(error.kind(), "contradiction");
    }
}
