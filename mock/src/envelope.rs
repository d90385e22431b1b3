//! The reply bodies: the spec's envelope around data or an error, and the HTML page of an
//! injected HTTP error status.

use apigen::model::Envelope;
use axum::body::Bytes;
use serde_json::{Map, Value};

/// `{code: success, message, data}` as JSON bytes.
pub fn success(envelope: &Envelope, message: &str, data: Value) -> Bytes {
    body(envelope, envelope.success, message, Some(data))
}

/// `{code, message}` as JSON bytes (no `data`).
pub fn error(envelope: &Envelope, code: i64, message: &str) -> Bytes {
    body(envelope, code, message, None)
}

fn body(envelope: &Envelope, code: i64, message: &str, data: Option<Value>) -> Bytes {
    let mut map = Map::new();
    map.insert(envelope.code.clone(), Value::from(code));
    map.insert(envelope.message.clone(), Value::String(message.to_owned()));
    if let Some(data) = data {
        map.insert(envelope.data.clone(), data);
    }
    Bytes::from(serde_json::to_vec(&Value::Object(map)).unwrap_or_default())
}

/// The HTML page a proxy in front of the vendor answers an error status with.
pub fn html_page(status: u16) -> Bytes {
    Bytes::from(format!(
        "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ))
}
