# The environment of a WASI development shell, as a plain function of the parts' paths and the
# targets it serves. It takes strings or derivations, so the offline suite evaluates this very
# file with host paths and builds real crates with the result.
{
  # A wasi-sdk layout: bin/<target>-clang for each target, bin/llvm-ar, share/wasi-sysroot.
  wasiSdk
, # A directory with bin/wasmtime.
  wasmtime
, # The Rust targets whose C compiler and runner to set.
  targets ? [ "wasm32-wasip2" ]
}:
let
  sdk = "${wasiSdk}";

  # Per target: the suffix of the cc crate's variables, cargo's runner variable, and the
  # Wasmtime flags the target's components need besides the working directory.
  known = {
    wasm32-wasip2 = {
      cc = "wasm32_wasip2";
      runner = "CARGO_TARGET_WASM32_WASIP2_RUNNER";
      flags = "";
    };
    # WASIp3's interfaces and the component model's async ABI (Wasmtime 48: `-S p3`,
    # `-W component-model-async`). Both are on by default in a Wasmtime built with its default
    # features; asking for them makes a build without them fail with "support for WASIp3
    # disabled at compile time" instead of at the first p3 import.
    wasm32-wasip3 = {
      cc = "wasm32_wasip3";
      runner = "CARGO_TARGET_WASM32_WASIP3_RUNNER";
      flags = "-S p3 -W component-model-async ";
    };
  };

  forTarget = target:
    let
      t = known.${target} or (throw "mkDevEnv: ${target} is not a target this environment serves: use wasm32-wasip2 or wasm32-wasip3");
    in
    {
      # The cc crate's per-target variables, so crates with C code use the SDK's clang, never
      # the host compiler.
      "CC_${t.cc}" = "${sdk}/bin/${target}-clang";
      "CXX_${t.cc}" = "${sdk}/bin/${target}-clang++";
      "AR_${t.cc}" = "${sdk}/bin/llvm-ar";
      "CFLAGS_${t.cc}" = "--sysroot=${sdk}/share/wasi-sysroot";
      "CXXFLAGS_${t.cc}" = "--sysroot=${sdk}/share/wasi-sysroot";

      # `cargo run` and `cargo test` for the target run under Wasmtime, with the working
      # directory preopened (the flags Rust's bootstrap gives its own wasm runner).
      ${t.runner} = "${wasmtime}/bin/wasmtime run -C cache=n ${t.flags}--dir .";
    };
in
builtins.foldl' (env: target: env // forTarget target)
{
  # Read by Rust's bootstrap (C compiler and wasi-libc for -wasi targets) and by build scripts.
  WASI_SDK_PATH = sdk;
}
  targets
