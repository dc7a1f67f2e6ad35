# The environment of a wasm32-wasip2 development shell, as a plain function of the parts' paths.
# It takes strings or derivations, so the offline suite evaluates this very file with host paths
# and builds real crates with the result.
{
  # A wasi-sdk layout: bin/wasm32-wasip2-clang, bin/llvm-ar, share/wasi-sysroot.
  wasiSdk
, # A directory with bin/wasmtime.
  wasmtime
}:
let
  sdk = "${wasiSdk}";
in
{
  # Read by Rust's bootstrap (C compiler and wasi-libc for -wasi targets) and by build scripts.
  WASI_SDK_PATH = sdk;

  # The cc crate's per-target variables, so crates with C code use the SDK's clang, never the
  # host compiler.
  CC_wasm32_wasip2 = "${sdk}/bin/wasm32-wasip2-clang";
  CXX_wasm32_wasip2 = "${sdk}/bin/wasm32-wasip2-clang++";
  AR_wasm32_wasip2 = "${sdk}/bin/llvm-ar";
  CFLAGS_wasm32_wasip2 = "--sysroot=${sdk}/share/wasi-sysroot";
  CXXFLAGS_wasm32_wasip2 = "--sysroot=${sdk}/share/wasi-sysroot";

  # `cargo run` and `cargo test` for the target run under Wasmtime, with the working directory
  # preopened (the flags Rust's bootstrap gives its own wasm runner).
  CARGO_TARGET_WASM32_WASIP2_RUNNER = "${wasmtime}/bin/wasmtime run -C cache=n --dir .";
}
