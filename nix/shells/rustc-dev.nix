# For working on rustc itself, as the target's platform page describes: in a rust checkout,
# `./x.py test --target wasm32-wasip2 tests/ui` finds the SDK through WASI_SDK_PATH and derives
# its wasm runner from the wasmtime on PATH.
{ mkShell
, python3
, cmake
, ninja
, git
, pkg-config
, curl
, openssl
, wasmtime
, wasi-sdk
, lld
, wasip2-doctor
}:
mkShell {
  packages = [
    python3
    cmake
    ninja
    git
    pkg-config
    curl
    openssl
    wasmtime
    wasi-sdk
    lld
    wasip2-doctor
  ];
  env.WASI_SDK_PATH = "${wasi-sdk}";
  shellHook = ''
    echo "rustc development for wasm32-wasip2: WASI_SDK_PATH=${wasi-sdk}, wasmtime ${wasmtime.version}"
    echo "  ./x.py test --target wasm32-wasip2 tests/ui"
  '';
}
