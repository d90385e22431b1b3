//! The functions measured by `cargo bench -p apigen-benches` (see `BENCHMARKS.md`).
//!
//! They live in this library, not in the bench files, so that `tests/smoke.rs` can run each of
//! them once on tiny input (benchmarks are not tests: nothing here asserts on time). The
//! criterion harnesses in `benches/` only time them.
//!
//! * [`generation`]: our generator (`apigen`) vs progenitor on the same API, load/parse alone,
//!   and synthetic specs of growing size.
//! * [`client`]: one call through `card-wallet` vs raw `reqwest` + `serde_json` against a
//!   fixed-response loopback server, and decoding a 100-row page into our types vs naive
//!   `f64`/`String` structs.
//! * [`incremental`]: `cargo xtask gen`'s incremental generation: full, after a one-line
//!   edit, and `--check` with nothing changed, on synthetic specs.
//! * [`plot`]: the SVG chart `bench_report --svg` writes for BENCHMARKS.md.
//! * [`wire_forms`]: decoding a 100-row page with string money and RFC 3339 datetimes vs the
//!   same page in today's forms.

#![deny(missing_docs)]

pub mod client;
pub mod generation;
pub mod incremental;
pub mod plot;
pub mod wire_forms;
