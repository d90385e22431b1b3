//! The `/__mock/*` routes: health, the request log, reset, and sending a webhook event.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::State;
use crate::synth::rng_for;
use crate::webhooks;

/// `GET /__mock/health`: the spec served and how much state is held.
pub async fn health(Extract(state): Extract<Arc<State>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "service": state.api.service.title_en,
        "endpoints": state.routes.len(),
        "ledger_entries": state.lock_ledger().len(),
        "ledger_capacity": state.options.ledger_capacity,
    }))
}

/// `GET /__mock/requests`: the request log, oldest first, secrets redacted.
pub async fn requests(Extract(state): Extract<Arc<State>>) -> Json<Value> {
    let entries: Vec<Value> = state
        .lock_log()
        .entries()
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    Json(Value::Array(entries))
}

/// `POST /__mock/reset`: forgets the ledger, the records, the log and the fault draws.
pub async fn reset(Extract(state): Extract<Arc<State>>) -> Json<Value> {
    state.lock_ledger().clear();
    state.lock_log().clear();
    state.faults.reset();
    Json(json!({"reset": true}))
}

/// `POST /__mock/webhooks/{kind}/{tag}`: sends that event to the configured URL. The body,
/// if any, is a JSON object of field values picking the record (created through the mock)
/// the event is about, e.g. `{"out_order_id": "A-1"}`; without one the payload is
/// synthesized.
pub async fn send_webhook(
    Extract(state): Extract<Arc<State>>,
    Path((kind, tag)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fail = |status: StatusCode, message: String| {
        (status, Json(json!({"error": message}))).into_response()
    };
    let kind = match webhooks::find_kind(state.api.webhooks.as_ref(), &kind, &tag) {
        Ok(kind) => kind,
        Err(message) => return fail(StatusCode::NOT_FOUND, message),
    };
    let filter: Vec<(String, Value)> = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => map.into_iter().collect(),
            _ => {
                return fail(
                    StatusCode::BAD_REQUEST,
                    "the body must be a JSON object of field values".into(),
                );
            }
        }
    };
    let record = if filter.is_empty() {
        None
    } else {
        let found = state.lock_ledger().any_record(&kind.payload, &filter);
        let parsed = found
            .and_then(|(key, bytes)| Some((key, serde_json::from_slice::<Value>(&bytes).ok()?)));
        match parsed {
            Some(record) => Some(record),
            None => {
                return fail(
                    StatusCode::NOT_FOUND,
                    "no record created through the mock matches the body".into(),
                );
            }
        }
    };
    let mut rng = rng_for(
        state.options.seed,
        &["webhook", &tag, &format!("{filter:?}")],
    );
    let payload = webhooks::payload(
        &state.api,
        &state.synth,
        kind,
        record.as_ref().map(|(k, v)| (k.as_str(), v)),
        &mut rng,
    );
    let Some(hooks) = state.api.webhooks.as_ref() else {
        return fail(
            StatusCode::NOT_FOUND,
            "the spec declares no webhooks".into(),
        );
    };
    match state
        .sender
        .send(webhooks::event_body(hooks, &tag, payload))
        .await
    {
        Ok(delivery) => Json(json!({"tag": tag, "delivery": delivery})).into_response(),
        Err(message) => fail(StatusCode::BAD_GATEWAY, message),
    }
}
