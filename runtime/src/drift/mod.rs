//! Drift: where the server's responses differ from the spec the client was generated from.
//!
//! The client tolerates what the spec does not describe (an unknown field is ignored, an
//! unknown code becomes `Unknown(..)`), which keeps it working but hides that the spec is
//! wrong. Drift detection makes it visible. After a successful decode, the client compares the
//! response's `data` with the endpoint's declared [`Shape`] and reports, with the endpoint and
//! a normalised JSON path (`data.list[].status`), each [`DriftKind`]: an unknown field, an
//! unknown enum code, a `null` or `""` (or a missing field) where the spec says the field is
//! always present, and an optional field that has not arrived in any of many responses. An
//! unknown business error code and an unknown webhook tag are reported by the envelope and the
//! webhook parser.
//!
//! Each distinct (endpoint, path, kind) is logged once per client through `tracing` at `warn`,
//! counted ([`DriftMonitor::snapshot`]), and passed to the hooks registered with
//! [`ClientBuilder::on_drift`](crate::ClientBuilder::on_drift) on every occurrence in a walked
//! response, so a service can export it as a metric. Values are never logged: a report carries the JSON type
//! of an unknown field, and an unknown code bounded and with card-like digit runs masked
//! (nothing for a sensitive field).
//!
//! **Cost.** Every response is decoded through a probe that notices, without building a
//! path, that something may be drift (a struct skipping an unknown field, `""` in a string
//! that is not optional, an enum decoding an unlisted code). Only then, and for a response
//! that failed to decode, is `data` parsed a second time and walked against the shape, which
//! names the paths. Drift that keeps coming is walked from a sample: the first
//! [`FLAGGED_FIRST`] flagged responses of each endpoint, then one in [`FLAGGED_EVERY`]
//! ([`DriftMonitor::responses`] has the exact number flagged). Whether an optional field
//! never arrives can only be told from many responses, so besides those, the first
//! [`CHECK_FIRST`] responses of each endpoint are walked, then one in [`CHECK_EVERY`]. A
//! client in [strict mode](crate::ClientBuilder::strict) or with a
//! [capture file](crate::ClientBuilder::drift_capture) walks every response. BENCHMARKS.md
//! has the numbers.

mod capture;
mod monitor;
pub(crate) mod probe;
mod response;
mod shape;

use std::fmt;

pub use monitor::{DriftCount, DriftMonitor, ResponseCount};
pub use probe::{decode as decode_probed, unknown_code_seen};
pub use shape::{FieldShape, ObjectShape, Shape};

pub(crate) use capture::Capture;
pub(crate) use monitor::Hook;
pub(crate) use response::check_response;

/// The first this many responses of each endpoint are compared with their shape (besides
/// those the probe flags).
pub const CHECK_FIRST: u64 = 32;
/// After the first [`CHECK_FIRST`], one response in this many is compared.
pub const CHECK_EVERY: u64 = 1024;
/// Of the responses the probe flags, the first this many per endpoint are compared with their
/// shape.
pub const FLAGGED_FIRST: u64 = 64;
/// After the first [`FLAGGED_FIRST`] flagged responses, one flagged response in this many is
/// compared (drift that keeps coming does not make every call pay for a second parse).
pub const FLAGGED_EVERY: u64 = 64;
/// An optional field is reported as never arriving once this many checked responses had its
/// object but not the field (and none had it).
pub const NEVER_ARRIVED_AFTER: u32 = 20;

/// What kind of difference from the spec was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DriftKind {
    /// A field the spec does not declare.
    UnknownField,
    /// An enum code the spec does not list.
    UnknownEnumCode,
    /// A business error code the spec does not list.
    UnknownErrorCode,
    /// A webhook event tag the spec does not list.
    UnknownWebhookTag,
    /// `null` or `""` in a field the spec says is always present.
    EmptyValue,
    /// A field the spec says is always present is absent.
    MissingField,
    /// An optional field that has not arrived in any of [`NEVER_ARRIVED_AFTER`] checked
    /// responses.
    NeverArrived,
}

impl DriftKind {
    /// Stable snake-case name, used in logs and the capture file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownField => "unknown_field",
            Self::UnknownEnumCode => "unknown_enum_code",
            Self::UnknownErrorCode => "unknown_error_code",
            Self::UnknownWebhookTag => "unknown_webhook_tag",
            Self::EmptyValue => "empty_value",
            Self::MissingField => "missing_field",
            Self::NeverArrived => "never_arrived",
        }
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownField => "unknown field",
            Self::UnknownEnumCode => "unknown enum code",
            Self::UnknownErrorCode => "unknown business error code",
            Self::UnknownWebhookTag => "unknown webhook tag",
            Self::EmptyValue => "null or empty value in an always-present field",
            Self::MissingField => "always-present field missing",
            Self::NeverArrived => "declared field never arrives",
        })
    }
}

/// One observed difference from the spec, as passed to the drift hooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The endpoint (operation name), or the webhook event for webhook drift.
    pub endpoint: &'static str,
    /// Normalised JSON path: `data.list[].status` (array rows as `[]`, free map keys as `*`,
    /// keys that do not look like field names as `?`).
    pub path: String,
    /// What was seen.
    pub kind: DriftKind,
    /// Redacted detail: the JSON type of an unknown field or of an empty value, or the
    /// unknown code (at most 32 characters, card-like digit runs masked; `None` for a
    /// sensitive field).
    pub sample: Option<String>,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} at {}", self.endpoint, self.kind, self.path)?;
        if let Some(sample) = &self.sample {
            write!(f, " ({sample})")?;
        }
        Ok(())
    }
}

/// Whether a JSON key may be shown in a path (a card number used as a key may not).
pub(crate) fn is_field_name(key: &str) -> bool {
    crate::envelope::looks_like_field_name(key)
}
