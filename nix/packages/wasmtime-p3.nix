# Wasmtime for wasm32-wasip3, built from the crate registry's wasmtime-cli: nixpkgs at the pin
# has 45.0.x, which implements only WASI 0.3.0-rc-2026-03-15, so a wasm32-wasip3 program (and
# the `wasip3` crate) would not start. The crate carries its own Cargo.lock; its dependencies
# are vendored by nixpkgs' cargoHash.
#
# No binary cache of nixpkgs has it, so a user builds it (unless this flake's cache serves it):
# it is built with what running and testing components needs, not the default features' explorer,
# objdump, wizer, wast, winch, pulley, wasi-nn/-tls/-config/-keyvalue, debugger, profiling and
# shell completions, which take a third of the build's time.
{ lib
, rustPlatform
, fetchurl
, version
, crateHash
, cargoHash
}:
rustPlatform.buildRustPackage (finalAttrs: {
  pname = "wasmtime";
  inherit version cargoHash;

  src = fetchurl {
    name = "wasmtime-cli-${finalAttrs.version}.tar.gz";
    url = "https://static.crates.io/crates/wasmtime-cli/${finalAttrs.version}/download";
    hash = crateHash;
  };

  buildNoDefaultFeatures = true;
  buildFeatures = [
    "run"
    "serve"
    "wasi-http"
    "wat"
    "cranelift"
    "parallel-compilation"
    "pooling-allocator"
    "cache"
    "config"
    "logging"
    "demangle"
    "backtrace"
    "addr2line"
    "debug-builtins"
    "component-model"
    "component-model-async"
    "threads"
    "gc"
    "gc-drc"
    "gc-null"
    "gc-copying"
    "stack-switching"
    "clap/default"
    "clap/wrap_help"
  ];

  # The crate's tests need Wasmtime's repository (test programs, spec tests), which the crate
  # does not ship; the build is checked by running it below.
  doCheck = false;
  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/wasmtime --version | grep -F "wasmtime ${finalAttrs.version}"
    runHook postInstallCheck
  '';

  meta = {
    description = "Wasmtime ${finalAttrs.version} for wasm32-wasip3: WASI 0.3.0 and the component model's async ABI";
    homepage = "https://wasmtime.dev/";
    license = [
      lib.licenses.asl20
      lib.licenses.llvm-exception
    ];
    mainProgram = "wasmtime";
    platforms = lib.platforms.unix;
  };
})
