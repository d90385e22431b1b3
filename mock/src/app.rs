//! The mock's shared state and its router: `/__mock/*` admin routes, every other path an
//! API call.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use apigen::model::Api;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Extract};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::config::Options;
use crate::faults::FaultPlan;
use crate::ledger::Ledger;
use crate::log::RequestLog;
use crate::routes::Routes;
use crate::synth::Synth;
use crate::webhooks::Sender;
use crate::{SetupError, admin, call};

/// Marks a response the server answers by closing the connection without a reply.
#[derive(Debug, Clone, Copy)]
pub struct CloseConnection;

/// What the mock sends back.
#[derive(Debug)]
pub enum Reply {
    /// A reply.
    Send {
        /// HTTP status.
        status: StatusCode,
        /// `Content-Type`.
        content_type: &'static str,
        /// The body, exactly as sent.
        body: Bytes,
    },
    /// No reply: the connection is closed.
    Drop,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: StatusCode, body: Bytes) -> Reply {
        Reply::Send {
            status,
            content_type: "application/json",
            body,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Send {
                status,
                content_type,
                body,
            } => (status, [(header::CONTENT_TYPE, content_type)], body).into_response(),
            Reply::Drop => {
                let mut response = Response::new(Body::empty());
                response.extensions_mut().insert(CloseConnection);
                response
            }
        }
    }
}

/// Everything a running mock holds.
#[derive(Debug)]
pub struct State {
    /// The spec.
    pub api: Api,
    /// Path -> endpoint.
    pub routes: Routes,
    /// Synthesizer of data.
    pub synth: Synth,
    /// The run's options.
    pub options: Options,
    /// `message` of a success envelope (as the examples show it, else `success`).
    pub success_message: String,
    /// Spec names of the endpoints that settle uncertain money calls (`recovery.lookup`).
    pub lookups: HashSet<String>,
    /// Fault rules of the run.
    pub faults: FaultPlan,
    /// Webhook delivery.
    pub sender: Sender,
    ledger: Mutex<Ledger>,
    log: Mutex<RequestLog>,
}

impl State {
    /// The ledger (a panic while it was held does not make it unusable: every update
    /// leaves it consistent).
    pub fn lock_ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The request log.
    pub fn lock_log(&self) -> MutexGuard<'_, RequestLog> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The router of a mock serving `api`.
///
/// # Errors
///
/// A [`SetupError`] when the options do not fit the spec (a fault rule or follow-up naming
/// an unknown endpoint or tag, a bad fault).
pub fn router(api: Api, options: Options) -> Result<Router, SetupError> {
    let names: Vec<&str> = api.endpoints.iter().map(|e| e.spec_name.as_str()).collect();
    let faults = FaultPlan::new(options.seed, &options.faults, &names).map_err(SetupError)?;
    for (endpoint, tags) in &options.webhooks.follow_ups {
        if !names.contains(&endpoint.as_str()) {
            return Err(SetupError(format!(
                "webhook follow-ups: the spec has no endpoint `{endpoint}`"
            )));
        }
        for tag in tags {
            let known = api
                .webhooks
                .as_ref()
                .and_then(|h| crate::webhooks::kind_of_tag(h, tag));
            if known.is_none() {
                return Err(SetupError(format!(
                    "webhook follow-ups: the spec has no event `{tag}`"
                )));
            }
        }
    }
    let version = options
        .version
        .clone()
        .unwrap_or_else(|| api.service.default_version.clone());
    let lookups = api
        .endpoints
        .iter()
        .filter_map(|e| e.recover.as_ref().map(|r| r.lookup.clone()))
        .collect();
    let success_message = success_message(&api);
    let record_types = api
        .endpoints
        .iter()
        .map(|e| match (&e.idempotency_key, &e.response) {
            (Some(_), apigen::model::Response::Object(key)) => Some(key.clone()),
            _ => None,
        })
        .collect();
    let state = State {
        routes: Routes::new(&api, &version),
        synth: Synth::new(&api),
        sender: Sender::new(&options.webhooks),
        ledger: Mutex::new(Ledger::new(options.ledger_capacity, record_types)),
        log: Mutex::new(RequestLog::default()),
        success_message,
        lookups,
        faults,
        options,
        api,
    };
    Ok(Router::new()
        .route("/__mock/health", get(admin::health))
        .route("/__mock/requests", get(admin::requests))
        .route("/__mock/reset", post(admin::reset))
        .route("/__mock/webhooks/{kind}/{tag}", post(admin::send_webhook))
        .fallback(api_call)
        .with_state(Arc::new(state)))
}

async fn api_call(Extract(state): Extract<Arc<State>>, request: Request) -> Reply {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, call::MAX_BODY_BYTES).await.ok();
    call::answer(
        state,
        parts.method,
        parts.uri.path().to_owned(),
        parts.uri.query().unwrap_or_default().to_owned(),
        parts.headers,
        body,
    )
    .await
}

/// The `message` of the first success example, or `success`.
fn success_message(api: &Api) -> String {
    let env = &api.service.envelope;
    api.endpoints
        .iter()
        .flat_map(|e| &e.examples)
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(e.response.as_deref()?).ok())
        .find(|r| r.get(&env.code).and_then(|c| env.read_code(c)).as_ref() == Some(&env.success))
        .and_then(|r| r.get(&env.message)?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "success".to_owned())
}
