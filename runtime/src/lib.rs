//! `apigen-runtime`: the hand-written machinery behind every client crate that `apigen`
//! generates. It knows nothing of any particular API.
//!
//! A generated crate describes its API to this crate as data and trait implementations:
//!
//! * a [`Service`] (one uninhabited marker type per API) names the [`Auth`] credentials, the
//!   [`BusinessCode`] error-code enum and the [`ServiceSpec`] (envelope field names, success
//!   code, default version segment, user agent);
//! * every endpoint is an [`Operation`] constant (name, path, [`Method`], [`RetryClass`],
//!   recovery text);
//! * list endpoints implement [`PageRequest`] and [`Paged`] (page numbers), or
//!   [`CursorRequest`] and [`CursorPaged`] (cursors);
//! * an endpoint with a lookup to settle an unknown outcome gets a method built on [`recover`];
//! * webhook events implement `webhook::WebhookEvent` (module `webhook`, cargo feature
//!   `webhooks`, on by default);
//! * each endpoint's response has a [`drift::Shape`] ([`Service::response_shape`]) that
//!   responses are compared with to report where the server differs from the spec.
//!
//! The generated crate then calls [`Client::execute`] for each endpoint. Everything else —
//! the HTTP request with the auth fields in the JSON body (or, for a `GET`, the query string),
//! bounded response reads, retries with backoff that never re-send a money-moving call,
//! envelope decoding into typed errors with JSON paths, lazy pagination, redaction of secrets
//! and card numbers, and receiving webhooks (signature checks, parsing, deduplication,
//! acknowledgement after the handler) — lives here, is tested here without any spec, and is
//! versioned on its own.
//!
//! ```
//! use apigen_runtime::{Client, Method, Operation, RetryClass, Service, ServiceSpec, EnvelopeSpec, SuccessCode};
//! # use apigen_runtime::{Auth, BusinessCode};
//! # #[derive(Debug, Clone)] struct Key;
//! # impl Auth for Key {
//! #     fn serialize_fields<M: serde::ser::SerializeMap>(&self, _: &mut M) -> Result<(), M::Error> { Ok(()) }
//! # }
//! # #[derive(Debug, Clone, Copy, PartialEq, Eq)] struct Code(i64);
//! # impl std::fmt::Display for Code {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{}", self.0) }
//! # }
//! # impl BusinessCode for Code {
//! #     type Code = i64;
//! #     fn from_code(code: i64) -> Self { Code(code) }
//! #     fn code(&self) -> i64 { self.0 }
//! # }
//!
//! /// The marker type of one API.
//! enum Shop {}
//!
//! impl Service for Shop {
//!     type Credentials = Key;
//!     type ErrorCode = Code;
//!     type Client = Client<Shop>;
//!     const SPEC: ServiceSpec = ServiceSpec {
//!         name: "shop",
//!         default_version: "v1",
//!         user_agent: "shop/1.0",
//!         envelope: EnvelopeSpec {
//!             code: "code",
//!             message: "message",
//!             data: "data",
//!             success: SuccessCode::Int(0),
//!         },
//!         sensitive_fields: &["api_key", "cvv"],
//!     };
//! }
//!
//! const GET_ITEM: Operation = Operation {
//!     name: "get_item",
//!     path: "/{version}/items/get",
//!     method: Method::Post,
//!     retry: RetryClass::Safe,
//!     recovery: None,
//!     moves_money: false,
//! };
//!
//! /// What a generated endpoint method boils down to.
//! async fn get_item(client: &Client<Shop>, id: &str) -> apigen_runtime::Result<String, Code> {
//!     client.execute(&GET_ITEM, &serde_json::json!({ "item_id": id })).await
//! }
//!
//! # fn main() -> Result<(), apigen_runtime::Error<Code>> {
//! let client = Client::<Shop>::builder("https://shop.example").credentials(Key).build()?;
//! assert_eq!(client.base_url(), "https://shop.example");
//! assert_eq!(client.version(), "v1");
//! # let _ = get_item(&client, "it-1"); // a future: not run here (no server)
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod body_buffer;
mod business_code;
mod call;
mod client;
pub mod codes;
pub mod drift;
mod envelope;
mod error;
mod paginate;
mod query;
mod recover;
pub mod redact;
mod retry;
pub mod serde;
pub mod serde_as;
mod service;
pub mod sign;
pub mod testing;
mod url_cache;
#[cfg(feature = "webhooks")]
pub mod webhook;

pub use business_code::{BusinessCode, SuccessCode, WireCode};
pub use client::{Client, ClientBuilder};
pub use error::{CallInfo, Error, Outcome, PageError, Result};
pub use paginate::cursor::{CursorPaged, CursorRequest, paginate_cursor, paginate_cursor_with};
pub use paginate::{PageOptions, PageRequest, Paged, paginate, paginate_with};
pub use recover::{Recovered, recover};
pub use retry::RetryPolicy;
pub use service::{
    Auth, AuthHeader, Empty, EnvelopeSpec, Method, Operation, RetryClass, Service, ServiceSpec,
};
