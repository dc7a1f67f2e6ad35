//! The offline proof suite: proves on a machine without network, with parts from Debian,
//! crates.io and PyPI, everything the flake runs that is not Nix plumbing.

pub mod areas;
pub mod context;
pub mod harness;
pub mod lock;
pub mod nix_build;
pub mod wasm;

pub use context::Context;
pub use harness::{CheckResult, Suite, Verdict};
