//! The mock over HTTP, driven with reqwest: serving, validation, money semantics, faults,
//! the admin routes and webhooks, for `spec/` and the corpus specs.

mod admin;
mod corpus;
mod faults;
mod money;
mod serving;
mod support;
mod validation;
