//! The linkers wasm32-wasip2 needs: wasm-component-ld, which makes the component, and the LLD it
//! calls (wasm-ld, or rustup's rust-lld). rustc finds both on PATH or in its own sysroot.

use std::path::PathBuf;

use crate::checks::toolchain::Rustc;
use crate::environment::{Environment, is_executable};
use crate::finding::Finding;
use crate::fixes::USE_THE_SHELL;
use crate::requirements::{MINIMUM_RUSTC, major_minor};

/// Where rustc lets the linker look besides PATH: `<sysroot>/lib/rustlib/<host>/bin`.
fn sysroot_bin(rustc: &Rustc) -> PathBuf {
    rustc
        .sysroot
        .join("lib/rustlib")
        .join(&rustc.info.host)
        .join("bin")
}

fn find_tool(env: &Environment, rustc: Option<&Rustc>, names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|name| {
        env.which(name).or_else(|| {
            let candidate = sysroot_bin(rustc?).join(name);
            is_executable(&candidate).then_some(candidate)
        })
    })
}

pub fn check_linkers(env: &Environment, rustc: Option<&Rustc>) -> [Finding; 2] {
    let component_ld = match find_tool(env, rustc, &["wasm-component-ld"]) {
        Some(path) => Finding::pass("wasm-component-ld", path.display().to_string()),
        None => Finding::fail(
            "wasm-component-ld",
            "not on PATH nor in the toolchain's lib/rustlib/<host>/bin; wasm32-wasip2 and wasm32-wasip3 link with it",
            format!(
                "use a rustup toolchain >= {} (it ships it) or `cargo install wasm-component-ld`, {USE_THE_SHELL}",
                major_minor(MINIMUM_RUSTC)
            ),
        ),
    };
    let lld = match find_tool(env, rustc, &["wasm-ld", "rust-lld"]) {
        Some(path) => Finding::pass("wasm-ld", path.display().to_string()),
        None => Finding::fail(
            "wasm-ld",
            "neither wasm-ld nor rust-lld on PATH or in the toolchain; wasm-component-ld needs one",
            format!("install LLD (e.g. apt install lld, brew install lld), {USE_THE_SHELL}"),
        ),
    };
    [component_ld, lld]
}
