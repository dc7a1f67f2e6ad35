# rustc's UI tests for a WASI target (wasm32-wasip2 unless `target` says otherwise; ui-wasip1,
# ui-wasip3 and the full runs' shards are this file too), run by Rust's own compiletest from the
# source tarball against a toolchain at stage 0 (build.compiletest-allow-stage0), with the pinned
# wasmtime on PATH so that bootstrap derives its wasm runner as upstream does. The output is the report
# (report.txt, report.json, the compiletest log); the build fails on any unexpected failure or
# unexpected pass when `failOnUnexpected`.
# (Named for what it runs, not for one attribute: the scope calls it as ui-wasip2 and overrides it
# into ui-wasip1, ui-wasip3 and ui-wasip2-source; checks.ui-wasip2 and checks.ui-wasip3 are two.)
{ lib
, stdenv
, python3
, llvmPackages
, wasmtime
, wasi-sdk
, rustSource
, rustc-build-scripts
, # A toolchain of the source's version whose own sysroot holds the target's std and the
  # library source (diagnostics quote it): compiletest hands tests the stage-0 sysroot.
  toolchain
, pname ? "ui-wasip2"
, # The target under test; ui-tests/<target>/ holds its selection and known failures.
  target ? "wasm32-wasip2"
, # Paths under the source to run, as x.py takes them (substring filters: tests/ui/abi also
  # runs tests/ui/abi-foo and every test whose name contains `abi`); null with `exactPaths`
  # null runs ui-tests/<target>/selection.txt.
  paths ? null
, # Folders (or files) under tests/ui to run exactly, no neighbour: a shard's share
  # (ui-tests-full.nix). Only these names enter the derivation, so a shard changes only when they do.
  exactPaths ? null
, failOnUnexpected ? true
, # When given, the output also holds its report: ui-report/report.json and report.html.
  ui-report ? null
}:
let
  targetFiles = ../../ui-tests + "/${target}";
  usesSelection = paths == null && exactPaths == null;
  # The selection file only where it is read: a full run's shards do not change with it.
  uiFiles = lib.fileset.toSource {
    root = ../../ui-tests;
    fileset = lib.fileset.unions ([
      ../../ui-tests/run-ui-tests.sh
      (targetFiles + "/known-failures.txt")
    ] ++ lib.optional usesSelection (targetFiles + "/selection.txt"));
  };
  selection =
    if usesSelection then
      "--selection ${uiFiles}/${target}/selection.txt"
    else
      lib.concatStringsSep " " (
        map (path: "--path ${lib.escapeShellArg path}") (lib.optionals (paths != null) paths)
        ++ map (path: "--exact ${lib.escapeShellArg path}") (lib.optionals (exactPaths != null) exactPaths)
      );
in
stdenv.mkDerivation {
  inherit pname;
  inherit (toolchain) version;
  src = rustSource;

  # No cmake: with an llvm-config and a local rebuild, bootstrap builds no LLVM and does not ask
  # for it (src/bootstrap/src/core/sanity.rs in Rust 1.95).
  nativeBuildInputs = [ python3 ];
  dontConfigure = true;
  # nixpkgs' updateAutotoolsGnuConfigScripts hook runs even with dontConfigure and rewrites
  # every config.guess/config.sub, which in vendored crates breaks cargo's checksums (nixpkgs'
  # rustc and cargo set this too).
  dontUpdateAutotoolsGnuConfigScripts = true;
  # The tests run under Wasmtime with `--wasi inherit-network` (bootstrap's runner), and some
  # bind loopback sockets, which the darwin sandbox denies unless allowed.
  __darwinAllowLocalNetworking = true;

  env.WASI_SDK_PATH = "${wasi-sdk}";

  # compiletest asks bootstrap for LLVM's version and tools; with an llvm-config it takes them
  # from there instead of building LLVM from src/llvm-project.
  buildPhase = ''
    runHook preBuild
    export HOME="$TMPDIR"
    bash ${rustc-build-scripts}/bootstrap-config.sh \
      --source "$PWD" --stage0 ${toolchain} --wasi-sdk ${wasi-sdk} --target ${target} \
      --llvm-config ${lib.getDev llvmPackages.libllvm}/bin/llvm-config \
      > bootstrap.toml
    status=0
    bash ${uiFiles}/run-ui-tests.sh --source "$PWD" --config bootstrap.toml \
      --wasi-sdk ${wasi-sdk} --wasmtime ${lib.getBin wasmtime} --report "$out" \
      --target ${target} ${selection} --known-failures ${uiFiles}/${target}/known-failures.txt || status=$?
    # 1: unexpected results (reported); 2 and 3: the run itself went wrong.
    if [ "$status" -ne 0 ] && { ${lib.boolToString failOnUnexpected} || [ "$status" -ne 1 ]; }; then
      exit "$status"
    fi
    ${lib.optionalString (ui-report != null) ''
      ${lib.getExe ui-report} build --out "$out/ui-report" "${target}=$out/compiletest.log"
      ln -s ui-report/report.html "$out/report.html"
    ''}
    runHook postBuild
  '';
  dontInstall = true;
  dontFixup = true;

  meta = {
    description = "rustc's UI tests for ${target} (report)";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    # Built with the SDK, which has releases for these systems only.
    inherit (wasi-sdk.meta) platforms;
  };
}
