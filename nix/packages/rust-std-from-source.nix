# The fast from-source form: only the standard library of the WASI targets (wasm32-wasip2 by
# default), built by Rust's bootstrap at stage 0 in local-rebuild mode on top of the pinned
# binary compiler of the same version, then joined with that compiler into a toolchain whose
# sysroot holds the new std. Minutes, not hours; for people who patch std or wasi-libc (override
# `rustSource` or `wasi-sdk`), and for targets no binary release ships a std for
# (`rust-std-wasip3`: this file with `targets` and a wasi-sdk with the wasm32-wasip3 drivers).
# With `panic = "unwind"` the std unwinds through Wasm exception handling (`rust-std-wasip2-unwind`):
# a failing test no longer ends its test binary.
# (Named for what it builds: the scope calls it as rust-std-wasip2 and overrides it into
# rust-std-wasip1, rust-std-wasip3 and rust-std-wasip2-unwind.)
{ lib
, stdenv
, symlinkJoin
, patchelf
, python3
, rustc-build-scripts
, rustSource
, # rustSource unpacked in the store, read where it lies when no patch is applied.
  rust-source-tree
, # A binary toolchain of the source's version, without a std of its own for the targets.
  stage0
, # A wasi-sdk layout with bin/<target>-clang for every target (wasi-sdk-wasip3 for wasm32-wasip3).
  wasi-sdk
, version
, pname ? "rust-std-wasip2"
, # Built in one bootstrap run, each std joined into the toolchain.
  targets ? [ "wasm32-wasip2" ]
, # "abort", the targets' own strategy, or "unwind" (scripts/rustc/build-std.sh --panic).
  panic ? "abort"
, # std::env::temp_dir() as on Unix (TMPDIR, else /tmp) instead of a panic on WASI
  # (scripts/rustc/patches/std-wasi-temp-dir.patch, rust-lang/rust#160363); on for the unwinding
  # std, whose users run crates' own test suites, and offered to the others by this switch.
  unixTempDir ? panic == "unwind"
}:
assert builtins.elem panic [ "abort" "unwind" ]
  || throw "rust-std-wasip2: panic = \"${toString panic}\" is not a strategy: use \"abort\" or \"unwind\"";
let
  unwinds = panic == "unwind";
  targetArgs = lib.concatMapStringsSep " " (target: "--target ${target}") targets
    + lib.optionalString unwinds " --panic unwind";
  buildStdArgs = targetArgs + lib.optionalString unixTempDir " --unix-temp-dir true";
  patches =
    # The one change to libtest an unwinding std needs: #[should_panic] tests run instead of
    # being ignored on every wasm target.
    lib.optional unwinds ../../scripts/rustc/patches/libtest-should-panic-unwind.patch
    ++ lib.optional unixTempDir ../../scripts/rustc/patches/std-wasi-temp-dir.patch;
  # Unpatched, the build reads the source from the store, unpacked once for every std and UI
  # run, instead of spending most of a minute unpacking 1.9 GB (the tree of this derivation's
  # own rustSource, so an overridden source is the one built). Patched, it unpacks a copy.
  sourceTree = rust-source-tree.override { inherit rustSource; };
  source = if patches == [ ] then "${sourceTree}" else "$PWD";
  targetNames = lib.concatStringsSep " and " targets;
  unwindsSaid = lib.optionalString unwinds ", unwinding on panic (Wasm exception handling)"
    + lib.optionalString unixTempDir ", temp_dir() from TMPDIR";
  std = stdenv.mkDerivation ({
    pname = "${pname}-from-source";
    inherit version;

    # No cmake: Rust 1.95's sanity check asks for it only when LLVM is to be built, which a
    # local rebuild never does (src/bootstrap/src/core/sanity.rs).
    nativeBuildInputs = [ python3 ];
    dontConfigure = true;
    # nixpkgs' updateAutotoolsGnuConfigScripts hook runs even with dontConfigure and rewrites
    # every config.guess/config.sub, which in vendored crates breaks cargo's checksums (nixpkgs'
    # rustc and cargo set this too).
    dontUpdateAutotoolsGnuConfigScripts = true;

    env.WASI_SDK_PATH = "${wasi-sdk}";

    buildPhase = ''
      runHook preBuild
      export HOME="$TMPDIR"
      bash ${rustc-build-scripts}/bootstrap-config.sh \
        --source "${source}" --stage0 ${stage0} --wasi-sdk ${wasi-sdk} ${targetArgs} \
        > bootstrap.toml
      bash ${rustc-build-scripts}/build-std.sh \
        --source "${source}" --build-dir "$PWD/build" --config bootstrap.toml --wasi-sdk ${wasi-sdk} \
        ${buildStdArgs} --std-out "$out"
      runHook postBuild
    '';
    dontInstall = true;
    # A folder of rlibs and the SDK's wasm objects: fixup would strip them (rlibs break under
    # darwin's `strip -S`) and ranlib the wasm libc.a; nothing in it needs fixing up.
    dontFixup = true;

    meta = {
      description = "Rust ${version} standard library for ${targetNames}, built from source${unwindsSaid}";
      license = [
        lib.licenses.mit
        lib.licenses.asl20
      ];
      # Built with the SDK, which has releases for these systems only.
      inherit (wasi-sdk.meta) platforms;
    };
  } // lib.optionalAttrs (patches == [ ]) {
    # The build reads sourceTree where it lies.
    dontUnpack = true;
  } // lib.optionalAttrs (patches != [ ]) {
    src = rustSource;
    # build-std.sh applies the same patches where no patch phase runs.
    inherit patches;
  });
in
symlinkJoin {
  name = "${pname}-${version}";
  inherit pname;
  inherit version;
  paths = [
    stage0
    std
  ];
  # rustc takes its default sysroot from the real path of librustc_driver, so the compiler's
  # files are copied into the join (and their run path pointed at it) instead of linked.
  nativeBuildInputs = lib.optional stdenv.hostPlatform.isLinux patchelf;
  postBuild = ''
    for file in $out/bin/{rustc,rustdoc,cargo-clippy,clippy-driver} $out/lib/librustc_driver*; do
      [ -e "$file" ] || continue
      cp --remove-destination "$(realpath -e "$file")" "$file"
      chmod +w "$file"
      ${lib.optionalString stdenv.hostPlatform.isLinux ''
        if rpath="$(patchelf --print-rpath "$file")"; then
          patchelf --set-rpath "$out/lib''${rpath:+:}$rpath" "$file"
        fi
      ''}
    done
    ${lib.concatMapStringsSep "\n" (target: "test -e $out/lib/rustlib/${target}/lib/self-contained/crt1-command.o") targets}${
      lib.optionalString unwinds (lib.concatMapStringsSep "" (target: "\ntest -e $out/lib/rustlib/${target}/lib/self-contained/libcpp_exception_tag.a") targets)
    }
  '';
  passthru = {
    inherit std stage0;
    # What mkDevEnv (nix/lib/dev-env.nix) checks its own `panic` against.
    panicStrategy = panic;
    inherit unixTempDir;
  };
  meta = {
    inherit (std.meta) license platforms;
    description = "Rust ${version} toolchain whose ${targetNames} std is built from source${unwindsSaid}";
    mainProgram = "rustc";
  };
}
