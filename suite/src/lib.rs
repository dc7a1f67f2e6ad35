//! The offline proof suite: proves on a machine without network, with parts from Debian,
//! the crate registry and PyPI, everything the flake runs that is not Nix plumbing.
//!
//! `areas` holds the checks, one module per area; an area imports only from `support`, never
//! from another area.

pub mod areas;
pub mod support;

pub use support::context::Context;
pub use support::harness::{CheckResult, Suite, Verdict};
pub use support::{context, harness, lock, nix_build, wasm};
