# The everyday shell: a binary Rust toolchain with the wasm32-wasip2 std, Wasmtime as the runner,
# wasi-sdk for C code, LLD and the component tools; `cargo build`, `cargo run` and `cargo test`
# for wasm32-wasip2 work as they are. With `targets` (and a toolchain, SDK and environment for
# them) the same for each of those targets: the wasip3 shell.
{ lib
, mkShell
, toolchain
, # Which toolchain the greeting names: "rust-overlay" or "fenix".
  toolchainSource
, # The targets `devEnv` serves, for the greeting.
  targets ? [ "wasm32-wasip2" ]
, wasmtime
, wasi-sdk
, lld
, wasm-tools
, wit-bindgen
, wac-cli
, wasip2-doctor
, wasi-test-runner
, devEnv
}:
let
  ccVariables = lib.concatMapStringsSep ", " (target: "\\$CC_${builtins.replaceStrings [ "-" ] [ "_" ] target}") targets;
in
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
    wasi-test-runner
  ];
  env = devEnv;
  shellHook = ''
    echo "${lib.concatStringsSep " and " targets} shell: Rust ${toolchain.version or ""} (${toolchainSource}), wasmtime ${wasmtime.version}, wasi-sdk ${wasi-sdk.version}"
    echo "  cargo build --target ${lib.concatStringsSep "|" targets} | cargo run | cargo test   (runner: ${devEnv.CARGO_TARGET_WASM32_WASIP2_RUNNER or (lib.getExe wasmtime)})"
    echo "  C code through the cc crate uses ${ccVariables}; wasip2-doctor checks it all"
  '';
}
