# compiletest, rustc's test driver, with the bootstrap that runs it: built once per system and
# taken by every UI-test derivation of every target (nix/packages/ui-tests.nix), instead of each
# building them again (about 90 s apiece). The output is bootstrap's build folder after
# `x.py build src/tools/compiletest`: bootstrap's own binary and compiletest with their cargo
# fingerprints. Both this build and every UI run read the same unpacked source in the store
# (rust-source-tree.nix) and write their build folder at the same path, the build's top folder
# (/build in Linux's sandbox): a UI-test derivation copies this output there, and `x.py test`
# finds both fresh and goes straight to the tests. Where the build's folder has another path per
# derivation (darwin's sandbox), cargo sees other paths and builds them again: slower, not wrong.
# compiletest is a host tool built by the stage-0 compiler (bootstrap's ToolBootstrap), so
# nothing here depends on the target under test.
{ lib
, stdenv
, python3
, llvmPackages
, wasi-sdk
, rust-source-tree
, rustc-build-scripts
, # The release the from-source stds start from: the stage-0 compiler of every UI derivation's
  # toolchain is this one's rustc (rust-std-from-source.nix links it).
  stage0
, version
}:
stdenv.mkDerivation {
  pname = "ui-compiletest";
  inherit version;
  dontUnpack = true;

  nativeBuildInputs = [ python3 ];
  dontConfigure = true;

  env.WASI_SDK_PATH = "${wasi-sdk}";

  buildPhase = ''
    runHook preBuild
    export HOME="$TMPDIR"
    # Bootstrap's sanity check wants wasm-component-ld, which the release carries beside rust-lld.
    for tools in ${stage0}/lib/rustlib/*/bin; do PATH="$tools:$PATH"; done
    bash ${rustc-build-scripts}/bootstrap-config.sh \
      --source ${rust-source-tree} --stage0 ${stage0} --wasi-sdk ${wasi-sdk} \
      --llvm-config ${lib.getDev llvmPackages.libllvm}/bin/llvm-config \
      > bootstrap.toml
    # For the host alone: without --target, bootstrap also builds it for every configured target.
    PYTHONDONTWRITEBYTECODE=1 python3 ${rust-source-tree}/x.py build --config bootstrap.toml \
      --build-dir "$PWD/build" --stage 0 src/tools/compiletest \
      --target "$(${stage0}/bin/rustc -vV | sed -n 's/^host: //p')"
    runHook postBuild
  '';

  # The build folder as it is, less what no later run reads: the temporary folder, bootstrap's
  # download cache (empty with a configured stage 0) and its incremental cache.
  installPhase = ''
    runHook preInstall
    rm -rf build/tmp build/cache build/bootstrap/debug/incremental
    mkdir -p "$out"
    cp -r build "$out/build"
    cp bootstrap.toml "$out/"
    runHook postInstall
  '';
  # Cargo's fingerprints name these files by their paths; stripping would change them.
  dontFixup = true;

  meta = {
    description = "rustc's compiletest and bootstrap, built once for every UI-test run";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    inherit (wasi-sdk.meta) platforms;
  };
}
