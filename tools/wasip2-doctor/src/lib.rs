//! Diagnoses whether an environment can build and run Rust for `wasm32-wasip2` (or, with
//! `--target`, `wasm32-wasip3`): the compiler and its std for the target, the component linker
//! and LLD, Wasmtime, the wasi-sdk with the cc crate's, C++ and bindgen variables, whether the
//! std's panic strategy agrees with the flags, Cargo's runner, and live probes that build and
//! run real programs.
//!
//! Modules depend downward only: `cli` → `checks` → `probe` → `fixes` → `requirements` →
//! `target`, with `parse`, `output`, `environment` and `finding` below them all; `render` reads
//! findings and the target. No module imports one above it in that chain: what a probe shares
//! with the checks (a fix, the text of a link error) lives in `fixes`.

pub mod checks;
pub mod cli;
pub mod environment;
pub mod finding;
pub mod fixes;
pub mod output;
pub mod parse;
pub mod probe;
pub mod render;
pub mod requirements;
#[cfg(test)]
mod scratch;
pub mod target;

pub use checks::{Options, diagnose};
pub use environment::Environment;
pub use finding::{Finding, Status};
pub use target::Target;
