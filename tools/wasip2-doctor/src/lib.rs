//! Diagnoses whether an environment can build and run Rust for `wasm32-wasip2`: the compiler and
//! its std for the target, the component linker and LLD, Wasmtime, the wasi-sdk and the cc
//! crate's variables, Cargo's runner, and live probes that build and run real programs.
//!
//! Modules depend downward only: `cli` → `checks` → `probe` → `requirements`, `parse`,
//! `output`, `environment`, `finding`; `render` reads findings.

pub mod checks;
pub mod cli;
pub mod environment;
pub mod finding;
pub mod output;
pub mod parse;
pub mod probe;
pub mod render;
pub mod requirements;
#[cfg(test)]
mod scratch;

pub use checks::{Options, diagnose};
pub use environment::Environment;
pub use finding::{Finding, Status};
