//! Drift checks of one decoded response: its business error code, and its `data` against
//! the endpoint's shape.

use serde_json::Value;

use super::{Drift, DriftKind, DriftMonitor, Shape};
use crate::redact::mask_card_numbers;
use crate::{BusinessCode, CallInfo, Error, Operation, Service};

/// Reports what the decoded response `result` of `op` (from `body`) shows of drift, and in
/// strict mode turns drift in a successful response into [`Error::Drift`].
///
/// `result` carries, on success, whether the probe saw something that may be
/// drift: then `data` is checked against the endpoint's shape when the monitor says so
/// ([`DriftMonitor::should_check`]: every flagged response at first, a sample of them once
/// drift keeps coming, and a sample of all responses), and so is one that failed to decode (a
/// `null` or a missing field where the spec promises a value is a decode error, and drift
/// too).
pub(crate) fn check_response<S: Service, Resp>(
    monitor: &DriftMonitor,
    op: &'static Operation,
    body: &[u8],
    result: Result<(Resp, bool), Error<S::ErrorCode>>,
) -> Result<Resp, Error<S::ErrorCode>> {
    if !monitor.is_enabled() {
        return result.map(|(value, _)| value);
    }
    match result {
        Err(Error::Api { ref code, .. }) if !code.is_known() => {
            let code = code.code().to_string();
            monitor.record(&Drift {
                endpoint: op.name,
                path: S::SPEC.envelope.code.to_owned(),
                kind: DriftKind::UnknownErrorCode,
                sample: Some(mask_card_numbers(&code).into_owned()),
            });
            result.map(|(value, _)| value)
        }
        Ok((value, suspect)) => {
            let Some(shape) = S::response_shape(op.name) else {
                return Ok(value);
            };
            if !monitor.should_check(op.name, suspect) {
                return Ok(value);
            }
            match check_data::<S>(monitor, op, shape, body) {
                Some(drift) => Err(Error::Drift {
                    endpoint: op.name,
                    drift: Box::new(drift),
                    call: CallInfo::new(op),
                }),
                None => Ok(value),
            }
        }
        Err(Error::Decode { .. }) => {
            if let Some(shape) = S::response_shape(op.name) {
                // The decode error is what the caller gets, strict or not.
                check_data::<S>(monitor, op, shape, body);
            }
            result.map(|(value, _)| value)
        }
        Err(error) => Err(error),
    }
}

/// Parses `body` again and compares its `data` with `shape` (see [`DriftMonitor::check`]).
fn check_data<S: Service>(
    monitor: &DriftMonitor,
    op: &'static Operation,
    shape: &Shape,
    body: &[u8],
) -> Option<Drift> {
    // The envelope decoded already, so it is a JSON object; `data` may be absent (null).
    let Ok(Value::Object(mut envelope)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let data = envelope
        .remove(S::SPEC.envelope.data)
        .unwrap_or(Value::Null);
    monitor.check(op.name, shape, &data)
}
