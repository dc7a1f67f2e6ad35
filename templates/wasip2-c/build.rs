//! Compiles c/checksum.c for the target with the cc crate. For wasm32-wasip2 the compiler is
//! `CC_wasm32_wasip2` (the wasi-sdk's `wasm32-wasip2-clang`, set by the dev shell and flake.nix),
//! never the host's C compiler.

fn main() {
    println!("cargo:rerun-if-changed=c/checksum.c");
    println!("cargo:rerun-if-changed=c/checksum.h");
    cc::Build::new()
        .file("c/checksum.c")
        .include("c")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .compile("checksum");
}
