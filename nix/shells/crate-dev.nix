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
, cargo-nextest
, wasip2-doctor
, wasi-test-runner
, devEnv
}:
let
  # The toolchain's std and the environment's flags must agree on panics (mkDevEnv checks this
  # when it is given the toolchain; a shell may be handed an environment made for another one).
  toolchainUnwinds = (toolchain.panicStrategy or "abort") == "unwind";
  envUnwinds = builtins.match ".*-Cpanic=unwind.*" (devEnv.CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS or "") != null;
  ccVariables = lib.concatMapStringsSep ", " (target: "\\$CC_${builtins.replaceStrings [ "-" ] [ "_" ] target}") targets;
in
assert toolchainUnwinds == envUnwinds || throw (
  if toolchainUnwinds
  then "crate-dev shell: the std of ${toolchain.name or "the toolchain"} unwinds on panic, but devEnv builds crates to abort: use devEnvUnwind (mkDevEnv { panic = \"unwind\"; toolchain = …; }), as devShells.unwind does"
  else "crate-dev shell: devEnv builds crates to unwind, but the std of ${toolchain.name or "the toolchain"} aborts on panic: use the toolchain rust-std-wasip2-unwind, as devShells.unwind does"
);
mkShell {
  packages = [
    toolchain
    wasmtime
    wasi-sdk
    lld
    wasm-tools
    wit-bindgen
    wac-cli
    # One process per test: a failing test no longer hides the ones after it (with the runner,
    # a #[should_panic] test libtest would skip fails instead of passing).
    cargo-nextest
    wasip2-doctor
    wasi-test-runner
  ];
  env = devEnv;
  shellHook = ''
    echo "${lib.concatStringsSep " and " targets} shell: Rust ${toolchain.version or ""} (${toolchainSource}), wasmtime ${wasmtime.version}, wasi-sdk ${wasi-sdk.version}"
    echo "  cargo build --target ${lib.concatStringsSep "|" targets} | cargo run | cargo test   (runner: ${devEnv.CARGO_TARGET_WASM32_WASIP2_RUNNER or (lib.getExe wasmtime)})"
    echo "  C code through the cc crate uses ${ccVariables}; wasip2-doctor checks it all"${lib.optionalString toolchainUnwinds ''

    echo "  std unwinds on panic: components use Wasm exception handling (Wasmtime: -W exceptions=y)"''}${lib.optionalString (toolchain.unixTempDir or false) ''

    echo "  std::env::temp_dir() is \$TMPDIR, else /tmp, as on Unix (tempfile works under the runner)"''}
  '';
}
