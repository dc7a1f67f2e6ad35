# The everyday shell: a binary Rust toolchain with the wasm32-wasip2 std, Wasmtime as the runner,
# wasi-sdk for C code, LLD and the component tools; `cargo build`, `cargo run` and `cargo test`
# for wasm32-wasip2 work as they are.
{ lib
, mkShell
, toolchain
, # Which toolchain the greeting names: "rust-overlay" or "fenix".
  toolchainSource
, wasmtime
, wasi-sdk
, lld
, wasm-tools
, wit-bindgen
, wac-cli
, wasip2-doctor
, devEnv
}:
mkShell {
  packages = [
    toolchain
    wasmtime
    wasi-sdk
    lld
    wasm-tools
    wit-bindgen
    wac-cli
    wasip2-doctor
  ];
  env = devEnv;
  shellHook = ''
    echo "wasm32-wasip2 shell: Rust ${toolchain.version or ""} (${toolchainSource}), wasmtime ${wasmtime.version}, wasi-sdk ${wasi-sdk.version}"
    echo "  cargo build --target wasm32-wasip2 | cargo run | cargo test   (runner: ${lib.getExe wasmtime})"
    echo "  C code through the cc crate uses \$CC_wasm32_wasip2; wasip2-doctor checks it all"
  '';
}
