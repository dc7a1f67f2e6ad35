# A shell whose Rust is built from source (rustc-wasip2), with the same parts and environment as
# the default shell, so a template builds and tests under Wasmtime with the from-source compiler.
{ lib
, mkShell
, rustc-wasip2
, wasmtime
, wasi-sdk
, lld
, devEnv
, wasip2-doctor
}:
mkShell {
  packages = [
    rustc-wasip2
    wasmtime
    wasi-sdk
    lld
    wasip2-doctor
  ];
  env = devEnv;
  shellHook = ''
    echo "wasm32-wasip2 shell with Rust ${rustc-wasip2.version} built from source (${
      if rustc-wasip2.bundledLLVM then "in-tree LLVM and LLD" else "nixpkgs' LLVM, wasm-ld from LLD"
    })"
    echo "  cargo build --target wasm32-wasip2 | cargo run | cargo test   (runner: ${lib.getExe wasmtime})"
  '';
}
