//! The reply bodies: the spec's envelope around data or an error, and the HTML page of an
//! injected HTTP error status.

use std::ops::Range;

use apigen::model::{Code, Envelope};
use axum::body::Bytes;
use serde_json::Value;

/// `{code: success, message, data}` as JSON bytes, and where `data` is in them.
pub fn success(envelope: &Envelope, message: &str, data: &Value) -> (Bytes, Range<usize>) {
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    push_key(&mut out, &envelope.code);
    out.extend(envelope.success.to_json().to_string().as_bytes());
    out.push(b',');
    push_key(&mut out, &envelope.message);
    out.extend(serde_json::to_vec(message).unwrap_or_default());
    out.push(b',');
    push_key(&mut out, &envelope.data);
    let start = out.len();
    out.extend(serde_json::to_vec(data).unwrap_or_else(|_| b"null".to_vec()));
    let end = out.len();
    out.push(b'}');
    (Bytes::from(out), start..end)
}

/// `"key":`
fn push_key(out: &mut Vec<u8>, key: &str) {
    out.extend(serde_json::to_vec(key).unwrap_or_default());
    out.push(b':');
}

/// `{code, message}` as JSON bytes (no `data`).
pub fn error(envelope: &Envelope, code: &Code, message: &str) -> Bytes {
    let mut out = Vec::with_capacity(128);
    out.push(b'{');
    push_key(&mut out, &envelope.code);
    out.extend(code.to_json().to_string().as_bytes());
    out.push(b',');
    push_key(&mut out, &envelope.message);
    out.extend(serde_json::to_vec(message).unwrap_or_default());
    out.push(b'}');
    Bytes::from(out)
}

/// `body` with the undeclared field [`DRIFT_FIELD`](crate::faults::DRIFT_FIELD) added to every
/// object inside its `data` (the `drift` fault); a body without `data` (an error) unchanged.
pub fn with_drift(envelope: &Envelope, body: Bytes) -> Bytes {
    fn add(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.values_mut().for_each(add);
                map.insert(
                    crate::faults::DRIFT_FIELD.to_owned(),
                    Value::String("added by the mock".to_owned()),
                );
            }
            Value::Array(items) => items.iter_mut().for_each(add),
            _ => {}
        }
    }
    let Ok(mut reply) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    match reply.get_mut(&envelope.data) {
        Some(data) => add(data),
        None => return body,
    }
    serde_json::to_vec(&reply).map_or(body, Bytes::from)
}

/// The HTML page a proxy in front of the vendor answers an error status with.
pub fn html_page(status: u16) -> Bytes {
    Bytes::from(format!(
        "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope {
            code: "code".into(),
            message: "message".into(),
            data: "data".into(),
            success: Code::Int(0),
            rate_limit_code: None,
            provenance: Vec::new(),
            source: apigen::model::Source::Documented,
        }
    }

    #[test]
    fn success_says_where_the_data_is() {
        let data: serde_json::Value = serde_json::from_str(r#"{"a": 1.50}"#).unwrap();
        let (bytes, range) = success(&envelope(), "ok", &data);
        assert_eq!(
            &bytes[..],
            br#"{"code":0,"message":"ok","data":{"a":1.50}}"#
        );
        assert_eq!(&bytes[range], br#"{"a":1.50}"#);
    }

    #[test]
    fn drift_adds_a_field_to_every_object_in_data_only() {
        let data: Value = serde_json::from_str(r#"{"list":[{"a":1.50},{"b":[]}],"n":2}"#).unwrap();
        let (bytes, _) = success(&envelope(), "ok", &data);
        let drifted: Value = serde_json::from_slice(&with_drift(&envelope(), bytes)).unwrap();
        let expected: Value = serde_json::from_str(concat!(
            r#"{"code":0,"message":"ok","data":{"list":[{"a":1.50,"mock_drift":"added by the mock"},"#,
            r#"{"b":[],"mock_drift":"added by the mock"}],"n":2,"mock_drift":"added by the mock"}}"#
        ))
        .unwrap();
        assert_eq!(drifted, expected);
        let error = error(&envelope(), &Code::Int(1002), "bad");
        assert_eq!(with_drift(&envelope(), error.clone()), error);
    }

    #[test]
    fn errors_have_no_data() {
        assert_eq!(
            &error(&envelope(), &Code::Int(1002), "bad \"x\"")[..],
            br#"{"code":1002,"message":"bad \"x\""}"#
        );
    }
}
