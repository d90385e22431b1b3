//! Starting a mock and calling it.

use std::path::Path;

use apigen::model::Api;
use apigen_mock::{Options, Running};
use serde_json::{Map, Value, json};

/// The card spec of the repository.
pub fn card_spec() -> Api {
    load(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec"))
}

/// A spec folder, loaded.
pub fn load(dir: &str) -> Api {
    apigen::load_api(Path::new(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

/// The card spec served with `options`.
pub async fn start(options: Options) -> Running {
    apigen_mock::spawn(card_spec(), options)
        .await
        .expect("the mock starts")
}

/// The auth fields of the card spec's examples.
pub fn auth() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "customer_id": 10001001,
        "app_id": 100001,
        "key": "ae9ae3f5ad284ef4836de18aa3d41c47",
    }) else {
        unreachable!()
    };
    map
}

/// `fields` with the auth fields added.
pub fn with_auth(fields: Value) -> Value {
    let mut map = auth();
    if let Value::Object(fields) = fields {
        map.extend(fields);
    }
    Value::Object(map)
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    /// The envelope's `code`.
    pub fn code(&self) -> i64 {
        self.json()["code"].as_i64().expect("an integer code")
    }

    /// The envelope's `message`.
    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// POSTs raw bytes to `path` with an optional `X-Mock-Fault` header.
pub async fn post_bytes(
    mock: &Running,
    path: &str,
    body: Vec<u8>,
    fault: Option<&str>,
) -> Result<Answer, reqwest::Error> {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", mock.base_url()))
        .header("content-type", "application/json")
        .body(body);
    if let Some(fault) = fault {
        request = request.header(apigen_mock::FAULT_HEADER, fault);
    }
    answer_of(request).await
}

/// POSTs JSON to `path` with extra `headers` (auth fields carried in headers) and expects an
/// answer.
pub async fn call_with_headers(
    mock: &Running,
    path: &str,
    body: &Value,
    headers: &[(String, String)],
) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", mock.base_url()))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    answer_of(request).await.expect("an answer")
}

/// GETs `path` with the members of `fields` as query parameters (strings as they are, other
/// values by their JSON text) and extra `headers`, and expects an answer.
pub async fn get_with_headers(
    mock: &Running,
    path: &str,
    fields: &Value,
    headers: &[(String, String)],
) -> Answer {
    let query: Vec<(String, String)> = fields
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect();
    let url = url::Url::parse_with_params(&format!("{}{path}", mock.base_url()), &query)
        .expect("a valid URL");
    let mut request = reqwest::Client::new().get(url.as_str());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    answer_of(request).await.expect("an answer")
}

/// Sends `request` and reads the answer.
async fn answer_of(request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await?.to_vec();
    Ok(Answer {
        status,
        content_type,
        bytes,
    })
}

/// POSTs JSON to `path`.
pub async fn post(
    mock: &Running,
    path: &str,
    body: &Value,
    fault: Option<&str>,
) -> Result<Answer, reqwest::Error> {
    post_bytes(mock, path, serde_json::to_vec(body).unwrap(), fault).await
}

/// POSTs JSON to `path` and expects an answer.
pub async fn call(mock: &Running, path: &str, body: &Value) -> Answer {
    post(mock, path, body, None).await.expect("an answer")
}

/// GETs an admin route as JSON.
pub async fn admin_get(mock: &Running, path: &str) -> Value {
    reqwest::get(format!("{}{path}", mock.base_url()))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

/// `POST /__mock/reset`.
pub async fn reset(mock: &Running) {
    let response = reqwest::Client::new()
        .post(format!("{}/__mock/reset", mock.base_url()))
        .send()
        .await
        .expect("an answer");
    assert!(response.status().is_success());
}
