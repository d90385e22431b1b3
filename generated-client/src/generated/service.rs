//! Service-wide items: version, envelope, credentials and business error codes.
//!
//! TEMPORARY hand-written stand-in imitating the generator's output.

use std::fmt;

use crate::runtime::EnvelopeSpec;
use secrecy::{ExposeSecret as _, SecretString};
use serde::ser::SerializeMap as _;

/// The API version segment used when the client builder is not given one.
pub const DEFAULT_VERSION: &str = "v1";

/// Field names and codes of the response envelope `{code, message, data}`.
pub(crate) const ENVELOPE: EnvelopeSpec = EnvelopeSpec {
    code: "code",
    message: "message",
    data: "data",
    success: 0,
    rate_limit_code: Some(1005),
};

/// The authentication fields sent in the JSON body of every request.
///
/// `Debug` never prints the key.
#[derive(Clone)]
pub struct Credentials {
    customer_id: i64,
    app_id: i64,
    key: SecretString,
}

impl Credentials {
    /// Creates credentials from the customer id, application id and authorization key.
    pub fn new(customer_id: i64, app_id: i64, key: impl Into<String>) -> Self {
        Self {
            customer_id,
            app_id,
            key: SecretString::from(key.into()),
        }
    }

    /// The auth fields, serializable as a JSON map (this exposes the key).
    pub fn fields(&self) -> AuthFields<'_> {
        AuthFields(self)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("customer_id", &self.customer_id)
            .field("app_id", &self.app_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Serializes the auth fields as a map; flattened into every request body.
#[doc(hidden)]
pub struct AuthFields<'a>(&'a Credentials);

impl serde::Serialize for AuthFields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("customer_id", &self.0.customer_id)?;
        map.serialize_entry("app_id", &self.0.app_id)?;
        map.serialize_entry("key", self.0.key.expose_secret())?;
        map.end()
    }
}

/// A business error code from the response envelope.
///
/// Open enum: codes this version does not know are kept as [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 1001 — system busy.
    SystemBusy,
    /// 1002 — invalid or missing parameter.
    InvalidParameter,
    /// 1003 — customer_id, app_id or key invalid.
    AuthFailed,
    /// 1005 — rate limited.
    RateLimited,
    /// 2001 — wallet not found.
    WalletNotFound,
    /// A code this version of the client does not know.
    Unknown(i64),
}

impl ErrorCode {
    /// Maps a wire code to its variant.
    pub fn from_code(code: i64) -> Self {
        match code {
            1001 => Self::SystemBusy,
            1002 => Self::InvalidParameter,
            1003 => Self::AuthFailed,
            1005 => Self::RateLimited,
            2001 => Self::WalletNotFound,
            other => Self::Unknown(other),
        }
    }

    /// The wire code.
    pub fn code(&self) -> i64 {
        match self {
            Self::SystemBusy => 1001,
            Self::InvalidParameter => 1002,
            Self::AuthFailed => 1003,
            Self::RateLimited => 1005,
            Self::WalletNotFound => 2001,
            Self::Unknown(code) => *code,
        }
    }

    /// The vendor's Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::SystemBusy => "系统繁忙",
            Self::InvalidParameter => "参数错误",
            Self::AuthFailed => "鉴权失败",
            Self::RateLimited => "请求过于频繁",
            Self::WalletNotFound => "钱包不存在",
            Self::Unknown(_) => "未知错误",
        }
    }

    /// The English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::SystemBusy => "system busy",
            Self::InvalidParameter => "invalid parameter",
            Self::AuthFailed => "authentication failed",
            Self::RateLimited => "rate limited",
            Self::WalletNotFound => "wallet not found",
            Self::Unknown(_) => "unknown error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label_en(), self.code())
    }
}
