# wasi-test-runner, built from this repository's Cargo workspace: cargo's target runner for
# wasm32-wasip2 tests. It finds Wasmtime through WASMTIME or PATH at run time, so it takes none
# here: the dev environment names the pinned one.
# Its tests build Wasmtime's arguments and read hand-made Wasm bytes: no Wasmtime needed.
{ lib
, rustPlatform
}:
import ../lib/workspace-package.nix { inherit lib rustPlatform; } "wasi-test-runner"
