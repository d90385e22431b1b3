//! Drift checks of one decoded response: its business error code, and its `data` against
//! the endpoint's shape.

use serde_json::Value;

use super::{Drift, DriftKind, DriftMonitor};
use crate::redact::mask_card_numbers;
use crate::{BusinessCode, CallInfo, Error, Operation, Service};

/// Reports what the decoded response `result` of `op` (from `body`) shows of drift, and in
/// strict mode turns drift in a successful response into [`Error::Drift`].
pub(crate) fn check_response<S: Service, Resp>(
    monitor: &DriftMonitor,
    op: &'static Operation,
    body: &[u8],
    result: Result<Resp, Error<S::ErrorCode>>,
) -> Result<Resp, Error<S::ErrorCode>> {
    if !monitor.is_enabled() {
        return result;
    }
    match result {
        Err(Error::Api { ref code, .. }) if !code.is_known() => {
            let code = code.code().to_string();
            monitor.report(&Drift {
                endpoint: op.name,
                path: S::SPEC.envelope.code.to_owned(),
                kind: DriftKind::UnknownErrorCode,
                sample: Some(mask_card_numbers(&code).into_owned()),
            });
            result
        }
        Ok(value) => {
            let Some(shape) = S::response_shape(op.name) else {
                return Ok(value);
            };
            if !monitor.should_check(op.name) {
                return Ok(value);
            }
            // The body decoded already, so it is a JSON object; `data` may be absent (null).
            let Ok(Value::Object(mut envelope)) = serde_json::from_slice::<Value>(body) else {
                return Ok(value);
            };
            let data = envelope
                .remove(S::SPEC.envelope.data)
                .unwrap_or(Value::Null);
            match monitor.check(op.name, shape, &data) {
                Some(drift) => Err(Error::Drift {
                    endpoint: op.name,
                    drift: Box::new(drift),
                    call: CallInfo::new(op),
                }),
                None => Ok(value),
            }
        }
        Err(_) => result,
    }
}
