//! TEMPORARY hand-written stand-in for the generator's output.
//!
//! `cargo xtask gen` overwrites everything under `src/generated/`; keep nothing else here.

pub mod service;
