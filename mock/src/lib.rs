//! `apigen-mock`: a mock server for any spec the generator accepts.
//!
//! It loads the spec through the generator library and serves every endpoint at its real
//! path, answering in the spec's envelope:
//!
//! * **Validation**: auth fields, required fields, types, enum codes and unknown fields are
//!   checked as the vendor would; a bad request gets the closest business error code of the
//!   spec, and the message names the field and the code chosen.
//! * **Money semantics**: every endpoint with an `idempotency_key` goes through a bounded
//!   ledger. The same key with the same body replays the first reply byte for byte; with a
//!   different body it gets the spec's duplicate-order error. The recovery lookups and the
//!   detail endpoints find the records created; paged lists page over them plus synthesized
//!   rows.
//! * **Faults** per request (`X-Mock-Fault: status=503, delay-ms=200, drop-before,
//!   drop-after, truncate, code=1005`) or per run with seeded probabilities.
//! * **Webhooks** on demand (`POST /__mock/webhooks/{kind}/{tag}`) or as follow-ups of money
//!   calls, signed when a secret is set; `/__mock/health`, `/__mock/requests`, `/__mock/reset`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let api = apigen::load_api(std::path::Path::new("spec"))?;
//! let mock = apigen_mock::spawn(api, apigen_mock::Options::default()).await?;
//! println!("point the client at {}", mock.base_url());
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod admin;
mod app;
mod call;
mod codes;
mod config;
mod envelope;
mod faults;
mod ledger;
mod log;
mod query;
mod routes;
mod server;
mod synth;
mod validate;
mod webhooks;

use std::net::SocketAddr;

pub use app::router;
pub use config::{
    DEFAULT_LEDGER_CAPACITY, DEFAULT_LIST_ROWS, Options, RunConfig, WebhookOptions,
    parse_credentials,
};
pub use faults::{FaultRule, HEADER as FAULT_HEADER};

/// Options that do not fit the spec: a fault rule, follow-up event or credential naming
/// something the spec does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

/// Serves the mock for `api` on `listener` until the future is dropped.
///
/// # Errors
///
/// A [`SetupError`] when the options do not fit the spec.
pub async fn serve(
    listener: tokio::net::TcpListener,
    api: apigen::model::Api,
    options: Options,
) -> Result<(), SetupError> {
    let router = router(api, options)?;
    server::serve(listener, router).await;
    Ok(())
}

/// A mock running on a background task; stopped when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the mock for `api` on `127.0.0.1` at a free port, on a background task (for
/// tests).
///
/// # Errors
///
/// A [`SetupError`] when the options do not fit the spec or no port can be bound.
pub async fn spawn(api: apigen::model::Api, options: Options) -> Result<Running, SetupError> {
    let router = router(api, options)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| SetupError(format!("cannot bind a port: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SetupError(format!("cannot read the bound address: {e}")))?;
    let task = tokio::spawn(server::serve(listener, router));
    Ok(Running { addr, task })
}
