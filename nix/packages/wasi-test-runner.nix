# wasi-test-runner, built from this repository's Cargo workspace: cargo's target runner for
# wasm32-wasip2 tests. It finds Wasmtime through WASMTIME or PATH at run time, so it takes none
# here: the dev environment names the pinned one.
{ lib
, rustPlatform
}:
let
  manifest = lib.importTOML ../../tools/wasi-test-runner/Cargo.toml;
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  version = manifest.package.version;

  src = import ../lib/workspace-source.nix lib;
  cargoLock.lockFile = ../../Cargo.lock;
  cargoBuildFlags = [ "--package" finalAttrs.pname ];
  # Its tests build Wasmtime's arguments and read hand-made Wasm bytes: no Wasmtime needed.
  cargoTestFlags = [ "--package" finalAttrs.pname ];

  meta = {
    inherit (manifest.package) description;
    homepage = "https://github.com/wasip2-flake/wasip2-flake";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
    mainProgram = "wasi-test-runner";
  };
})
