# The environment of a WASI development shell, as a plain function of the parts' paths and the
# targets it serves. It takes strings or derivations, so the offline suite evaluates this very
# file with host paths and builds real crates with the result.
{
  # A wasi-sdk layout: bin/<target>-clang for each target, bin/llvm-ar, share/wasi-sysroot.
  wasiSdk
, # A directory with bin/wasmtime; where it has a `version` (a package), it is checked to be new
  # enough for the targets and the panic strategy.
  wasmtime
, # The Rust targets whose C compiler and runner to set.
  targets ? [ "wasm32-wasip2" ]
, # A folder with lib/libclang.so (.dylib on darwin) for bindgen: the SDK itself where it ships
  # one (wasi-sdk releases after 30), else nixpkgs' `llvmPackages.libclang.lib`. null leaves
  # LIBCLANG_PATH to the user.
  libclang ? null
, # A package with bin/wasi-test-runner: wasm32-wasip2's runner then, with WASMTIME naming the
  # pinned Wasmtime. null keeps the plain `wasmtime run` runner.
  testRunner ? null
, # How the targets' std handles a panic: "abort" (every binary release) or "unwind" (a std built
  # by scripts/rustc/build-std.sh --panic unwind, such as rust-std-wasip2-unwind): crates are
  # then compiled to unwind through Wasm exception handling, as that std was.
  panic ? "abort"
, # The Rust toolchain the environment goes with. Its `panicStrategy` (passthru; "abort" when it
  # has none, as for binary releases) must be `panic`: the two halves of one program must agree
  # on how it unwinds, and a mismatch fails only at link time otherwise.
  toolchain ? null
}:
let
  sdk = "${wasiSdk}";
  sysroot = "${sdk}/share/wasi-sysroot";
  unwinds = panic == "unwind";
  toolchainName = toolchain.name or "given";
  toolchainPanic = toolchain.panicStrategy or "abort";

  # The flags the unwinding std was compiled with (bootstrap-config.sh --panic unwind), and the
  # archive with the exception tag that build-std.sh puts beside it, in the std's own folder on
  # the linker's search path.
  unwindFlags = " -Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false -C link-arg=-lcpp_exception_tag";

  # The oldest Wasmtime for what this environment runs (../versions.nix says why each).
  inherit ((import ../versions.nix).wasmtime) minimum;
  wasmtimeVersion = wasmtime.version or null;
  tooOld = needed: wasmtimeVersion != null && builtins.compareVersions wasmtimeVersion needed < 0;

  checked =
    if builtins.elem "wasm32-wasip3" targets && tooOld minimum.wasip3 then
      throw "mkDevEnv: wasm32-wasip3 programs import WASI 0.3.0, which Wasmtime implements from ${minimum.wasip3} on, and the given wasmtime is ${wasmtimeVersion}: pass wasmtime = wasmtime-p3 (this flake's packages.<system>.wasmtime-p3, as devShells.wasip3 does)"
    else if unwinds && tooOld minimum.exceptions then
      throw "mkDevEnv: panic = \"unwind\" runs Wasm exception handling, which Wasmtime runs from ${minimum.exceptions} on, and the given wasmtime is ${wasmtimeVersion}: pass this flake's wasmtime (nixpkgs' at the pin) or a newer one"
    else if !(builtins.elem panic [ "abort" "unwind" ]) then
      throw "mkDevEnv: panic = \"${toString panic}\" is not a strategy: use \"abort\" or \"unwind\""
    else if toolchain == null then
      (if unwinds then
        throw "mkDevEnv: panic = \"unwind\" needs the toolchain whose std unwinds, to check it does: pass toolchain = rust-std-wasip2-unwind (this flake's packages.<system>.rust-std-wasip2-unwind)"
      else true)
    else if toolchainPanic != panic then
      throw
        (if unwinds then
          "mkDevEnv: panic = \"unwind\", but the std of the toolchain ${toolchainName} aborts on panic (as every binary release's does), and crates built to unwind do not link with it: use the toolchain rust-std-wasip2-unwind (packages.<system>.rust-std-wasip2-unwind, as devShells.unwind does), or panic = \"abort\""
        else
          "mkDevEnv: the std of the toolchain ${toolchainName} unwinds on panic, but panic = \"${panic}\", and crates built to abort do not link with it (the std throws Wasm exceptions): pass panic = \"unwind\" (as devShells.unwind does), or an aborting toolchain such as rust-std-wasip2")
    else true;

  # Per target: the suffix of the cc crate's variables, cargo's runner variable, and the
  # Wasmtime flags the target's components need besides the working directory.
  known = {
    wasm32-wasip2 = {
      cc = "wasm32_wasip2";
      runner = "CARGO_TARGET_WASM32_WASIP2_RUNNER";
      rustflags = "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS";
      rustdocflags = "CARGO_TARGET_WASM32_WASIP2_RUSTDOCFLAGS";
      flags = "";
      # The sysroot folder with libc++.a and libc++abi.a.
      libTarget = "wasm32-wasip2";
      clangArgs = "--target=wasm32-wasip2";
    };
    # WASIp3's interfaces and the component model's async ABI (`-S p3`,
    # `-W component-model-async`). Both are on by default from Wasmtime 46 on, in a build with its
    # default features; asking for them makes a build without them fail with "support for WASIp3
    # disabled at compile time" instead of at the first p3 import.
    wasm32-wasip3 = {
      cc = "wasm32_wasip3";
      runner = "CARGO_TARGET_WASM32_WASIP3_RUNNER";
      rustflags = "CARGO_TARGET_WASM32_WASIP3_RUSTFLAGS";
      rustdocflags = "CARGO_TARGET_WASM32_WASIP3_RUSTDOCFLAGS";
      flags = "-S p3 -W component-model-async ";
      # No SDK has a wasip3 sysroot yet: its C and C++ libraries are wasip2's, as Rust's
      # bootstrap takes wasip2's libc for p3 (see wasi-sdk-wasip3.nix).
      libTarget = "wasm32-wasip2";
      clangArgs = "--target=wasm32-wasip3 -idirafter ${sysroot}/include/wasm32-wasip2";
    };
  };

  forTarget = target:
    let
      t = known.${target} or (throw "mkDevEnv: ${target} is not a target this environment serves: use wasm32-wasip2 or wasm32-wasip3");
      # The libraries C++ code needs, and the unwinding std's flags.
      rustflags = "-C link-arg=-L${sysroot}/lib/${t.libTarget} -C link-arg=-lc++abi"
        + (if unwinds then unwindFlags else "");
    in
    {
      # The cc crate's per-target variables, so crates with C code use the SDK's clang, never
      # the host compiler.
      "CC_${t.cc}" = "${sdk}/bin/${target}-clang";
      "CXX_${t.cc}" = "${sdk}/bin/${target}-clang++";
      "AR_${t.cc}" = "${sdk}/bin/llvm-ar";
      "CFLAGS_${t.cc}" = "--sysroot=${sysroot}";
      # The SDK's libc++ and libc++abi are built without exceptions (wasi-sdk 30:
      # LIBCXX_ENABLE_EXCEPTIONS and LIBCXXABI_ENABLE_EXCEPTIONS off), so C++ code must not throw.
      "CXXFLAGS_${t.cc}" = "--sysroot=${sysroot} -fno-exceptions";
      # cc links the C++ library of this name for C++ code (older cc releases chose libstdc++,
      # which no WASI sysroot has).
      "CXXSTDLIB_${t.cc}" = "c++";
      # The linker finds libc++ (asked for by cc, cxx or a crate's own `-lc++`) in the SDK's
      # sysroot, and libc++abi beside it, which libc++.a needs and nothing else links. As link
      # arguments they come after rustc's own search folders, so libc and the crt objects still
      # come from the toolchain's self-contained folder. An archive nothing uses adds no bytes.
      ${t.rustflags} = rustflags;
      # Doc-tests are compiled and linked by rustdoc, which cargo gives its own flags
      # (target.<triple>.rustdocflags), never the rustc ones: without the same flags a doc-test
      # against the unwinding std fails to compile ("the crate panic_abort does not have the
      # panic strategy abort"), and one that uses C++ code fails to link.
      ${t.rustdocflags} = rustflags;

      # bindgen (in build scripts) parses C headers as the target's clang does: its triple, the
      # SDK's headers, and the default visibility (clang's default for wasm is hidden, and bindgen
      # skips hidden functions).
      "BINDGEN_EXTRA_CLANG_ARGS_${t.cc}" = "${t.clangArgs} --sysroot=${sysroot} -fvisibility=default";

      # `cargo run` and `cargo test` for the target run under Wasmtime, with the working
      # directory preopened (the flags Rust's bootstrap gives its own wasm runner), and
      # exception handling for an unwinding std (wasi-test-runner enables it by itself).
      ${t.runner} =
        if testRunner != null && target == "wasm32-wasip2"
        then "${testRunner}/bin/wasi-test-runner"
        else "${wasmtime}/bin/wasmtime run -C cache=n ${t.flags}${if unwinds then "-W exceptions=y " else ""}--dir .";
    };
in
assert checked;
builtins.foldl' (env: target: env // forTarget target)
  ({
    # Read by Rust's bootstrap (C compiler and wasi-libc for -wasi targets) and by build scripts.
    WASI_SDK_PATH = sdk;
  } // (if libclang == null then { } else {
    # bindgen's libclang runs on the build machine; the headers it reads are the SDK's.
    LIBCLANG_PATH = "${libclang}/lib";
  }) // (if testRunner == null then { } else {
    # The runner finds Wasmtime through this, not PATH: the pinned one in builds and shells alike.
    WASMTIME = "${wasmtime}/bin/wasmtime";
  }))
  targets
