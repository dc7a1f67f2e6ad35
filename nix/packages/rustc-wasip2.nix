# Rust built from the upstream source tarball with the wasm32-wasip2 target, the way the target's
# platform page describes it: a wasi-sdk (WASI_SDK_PATH), LLD, and the target in the build.
#
# Two ways to get LLD, because Rust's bootstrap refuses `rust.lld = true` together with an
# external llvm-config:
# - default (`bundledLLVM = false`): nixpkgs' LLVM, bootstrap's LLD off, and the pinned LLD's
#   wasm-ld placed next to wasm-component-ld in the sysroot, where rustc puts it on the linker's
#   PATH. Builds the compiler only (hours less).
# The compiler is compiled once: on a local rebuild (stage 0 = the same release) the config asks
# for stage 1, and `x.py install` reuses what `x.py build` made (bootstrap-config.sh says why).
# - `bundledLLVM = true`: LLVM and LLD built in-tree with `rust.lld = true`, exactly as the
#   platform page says; rust-lld then serves wasm-component-ld.
{ lib
, stdenv
, python3
, cmake
, ninja
, pkg-config
, which
, file
, openssl
, zlib
, xz
, curl
, llvmPackages
, lld
, rustc-build-scripts
, rustSource
, # A binary toolchain that bootstrap's version gate accepts: the same or the previous version.
  stage0
, wasi-sdk
, version
, bundledLLVM ? false
}:
let
  host = stdenv.hostPlatform.rust.rustcTargetSpec;
  llvmShared = llvmPackages.libllvm.override { enableSharedLibraries = true; };
  llvmMajor = lib.versions.major llvmShared.version;
in
assert lib.assertMsg (bundledLLVM || lib.versionAtLeast llvmShared.version "20")
  "rustc-wasip2: Rust ${version} needs LLVM >= 20, but the given llvmPackages is ${llvmShared.version}; pass a newer llvmPackages or bundledLLVM = true";
stdenv.mkDerivation (finalAttrs: {
  pname = "rustc-wasip2";
  inherit version;
  src = rustSource;

  nativeBuildInputs = [
    python3
    cmake
    pkg-config
    which
    file
  ]
  ++ lib.optional bundledLLVM ninja;
  buildInputs = [
    openssl
    zlib
    xz
    curl
  ]
  ++ lib.optional (!bundledLLVM) llvmShared;
  dontUseCmakeConfigure = true;
  dontUseNinjaBuild = true;
  dontUseNinjaInstall = true;
  dontConfigure = true;
  # nixpkgs' updateAutotoolsGnuConfigScripts hook runs even with dontConfigure and rewrites
  # every config.guess/config.sub, which in vendored crates breaks cargo's checksums (nixpkgs'
  # rustc and cargo set this too).
  dontUpdateAutotoolsGnuConfigScripts = true;
  enableParallelBuilding = true;
  requiredSystemFeatures = [ "big-parallel" ];
  # Fixup's default strips everything under lib/: on darwin `strip -S` corrupts rlibs, and ranlib
  # would rewrite the wasm libc.a of the sysroot. Only the host programs are stripped, as
  # nixpkgs' rustc does.
  stripDebugList = [ "bin" ];
  # Bootstrap's tests and tools talk over loopback, which the darwin sandbox denies unless allowed.
  __darwinAllowLocalNetworking = true;

  # On darwin, nixpkgs' LLVM is built against libc++ and found at run time through an rpath:
  # the link flags nixpkgs' rustc.nix gives the same external-LLVM build.
  env.NIX_LDFLAGS = lib.optionalString (stdenv.hostPlatform.isDarwin && !bundledLLVM)
    "-lc++ -lc++abi -rpath ${lib.getLib llvmShared}/lib";

  env.WASI_SDK_PATH = "${wasi-sdk}";

  buildPhase = ''
    runHook preBuild
    export HOME="$TMPDIR"
    bash ${rustc-build-scripts}/bootstrap-config.sh --mode full \
      --source "$PWD" --stage0 ${stage0} --wasi-sdk ${wasi-sdk} --target wasm32-wasip2 \
      --prefix "$out" \
      ${
        if bundledLLVM then
          "--llvm bundled"
        else
          "--llvm external --llvm-config ${lib.getDev llvmShared}/bin/llvm-config"
      } \
      > bootstrap.toml
    # The stage comes from the config (build-stage, install-stage).
    python3 x.py build --config bootstrap.toml -j "$NIX_BUILD_CORES"
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    python3 x.py install --config bootstrap.toml -j "$NIX_BUILD_CORES"
    ${lib.optionalString (!bundledLLVM) ''
      # wasm-component-ld looks for wasm-ld on PATH; rustc puts this folder there when linking.
      ln -s ${lld}/bin/wasm-ld $out/lib/rustlib/${host}/bin/wasm-ld
    ''}
    runHook postInstall
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    test -e $out/lib/rustlib/wasm32-wasip2/lib/self-contained/crt1-command.o
    test -x $out/lib/rustlib/${host}/bin/wasm-component-ld
    echo 'fn main() { println!("hello from wasm32-wasip2"); }' > hello.rs
    $out/bin/rustc --target wasm32-wasip2 hello.rs -o hello.wasm
    # A component, not a core module: layer 1 in the header.
    test "$(od -An -tx1 -j4 -N4 hello.wasm | tr -d ' \n')" = 0d000100
    runHook postInstallCheck
  '';

  passthru = {
    inherit llvmMajor stage0 bundledLLVM;
  };

  meta = {
    description = "Rust ${finalAttrs.version} built from source with the wasm32-wasip2 target (WASI_SDK_PATH, LLD)";
    homepage = "https://doc.rust-lang.org/rustc/platform-support/wasm32-wasip2.html";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    # Built with the SDK, which has releases for these systems only.
    inherit (wasi-sdk.meta) platforms;
    mainProgram = "rustc";
  };
})
