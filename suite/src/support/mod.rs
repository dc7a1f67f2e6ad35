//! What the areas share: the context (parts, pins, folders, how commands run), the harness that
//! runs and reports checks, and helpers for files, toolchains, SDKs, flake locks, Nix build
//! environments, UI-test selections and wasm files.

pub mod context;
pub mod files;
pub mod harness;
pub mod lock;
pub mod nix_build;
pub mod sdk;
pub mod standin;
pub mod toolchain;
pub mod ui_selection;
pub mod wasm;
