//! Your own additions to this crate: helpers, `impl` blocks on the generated types,
//! re-exports. `cargo xtask gen` created this file once and never touches it again.
