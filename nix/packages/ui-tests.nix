# rustc's UI tests for a WASI target (wasm32-wasip2 unless `target` says otherwise; ui-wasip1,
# ui-wasip3 and the full runs' shards are this file too), run by Rust's own compiletest through
# upstream's `x.py test` against a toolchain at stage 0 (build.compiletest-allow-stage0), with the
# pinned wasmtime on PATH so that bootstrap derives its wasm runner as upstream does. It only runs
# tests: compiletest and bootstrap come built (ui-compiletest.nix), the source is read where it is
# (rust-source-tree.nix), and the output is what the runner writes (compiletest.log, outcomes.txt,
# report.txt, report.json). The page and its report.json are another derivation
# (ui-tests-report.nix), so a change to ui-report does not run a test again. With
# `failOnUnexpected` the build fails on a failure the known failures do not list, or a listed one
# that passes; without it (the full runs' shards) the known failures do not enter it at all
# unless given.
# (Named for what it runs, not for one attribute: the scope calls it as ui-wasip2 and overrides it
# into ui-wasip1, ui-wasip3 and ui-wasip2-source; checks.ui-wasip2 and checks.ui-wasip3 are their
# reports.)
{ lib
, stdenv
, python3
, llvmPackages
, wasmtime
, wasi-sdk
, # rustc's source, unpacked once (rust-source-tree.nix): read where it is, never copied.
  rust-source-tree
, rustc-build-scripts
, # compiletest and bootstrap, built once (ui-compiletest.nix): copied into the source's build
  # folder, they are fresh there, and the run goes straight to the tests.
  ui-compiletest
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
, # The known failures the run is judged by: the target's list by default, another list to see
  # a verdict, or null to judge nothing (the full runs' shards, which then change with no list).
  knownFailures ? if failOnUnexpected then ../../ui-tests + "/${target}/known-failures.txt" else null
, # Seconds between the progress lines in the build's log.
  progressSeconds ? 30
}:
let
  targetFiles = ../../ui-tests + "/${target}";
  usesSelection = paths == null && exactPaths == null;
  # The selection only where it is read: a full run's shards do not change with it.
  uiFiles = lib.fileset.toSource {
    root = ../../ui-tests;
    fileset = lib.fileset.unions ([ ../../ui-tests/run-ui-tests.sh ]
      ++ lib.optional usesSelection (targetFiles + "/selection.txt"));
  };
  judged = lib.optionalString (knownFailures != null) "--known-failures ${knownFailures}";
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
  dontUnpack = true;

  # No cmake: with an llvm-config and a local rebuild, bootstrap builds no LLVM and does not ask
  # for it (src/bootstrap/src/core/sanity.rs in Rust 1.95).
  nativeBuildInputs = [ python3 ];
  dontConfigure = true;
  # The tests run under Wasmtime with `--wasi inherit-network` (bootstrap's runner), and some
  # bind loopback sockets, which the darwin sandbox denies unless allowed.
  __darwinAllowLocalNetworking = true;

  env = {
    WASI_SDK_PATH = "${wasi-sdk}";
    UI_PROGRESS_SECONDS = toString progressSeconds;
  };

  # compiletest asks bootstrap for LLVM's version and tools; with an llvm-config it takes them
  # from there instead of building LLVM from src/llvm-project.
  buildPhase = ''
    runHook preBuild
    export HOME="$TMPDIR"
    # compiletest's build at the path it was built at. One time for every file: cargo rebuilds a
    # crate whose dependency's output is newer than its own, and a plain copy would order them by
    # copying; the source (the store's time) stays older than all of them.
    cp -r ${ui-compiletest}/build build
    chmod -R u+w build
    find build -exec touch -h -d "@$(date +%s)" {} +
    bash ${rustc-build-scripts}/bootstrap-config.sh \
      --source ${rust-source-tree} --stage0 ${toolchain} --wasi-sdk ${wasi-sdk} --target ${target} \
      --llvm-config ${lib.getDev llvmPackages.libllvm}/bin/llvm-config \
      > bootstrap.toml
    status=0
    bash ${uiFiles}/run-ui-tests.sh --source ${rust-source-tree} --build-dir "$PWD/build" --config bootstrap.toml \
      --wasi-sdk ${wasi-sdk} --wasmtime ${lib.getBin wasmtime} --report "$out" \
      --target ${target} ${selection} ${judged} || status=$?
    # 1: unexpected results (reported); 2 and 3: the run itself went wrong.
    if [ "$status" -ne 0 ] && { ${lib.boolToString failOnUnexpected} || [ "$status" -ne 1 ]; }; then
      exit "$status"
    fi
    runHook postBuild
  '';
  dontInstall = true;
  dontFixup = true;

  passthru = { inherit target; };

  meta = {
    description = "rustc's UI tests for ${target} (compiletest's log and outcomes)";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    # Built with the SDK, which has releases for these systems only.
    inherit (wasi-sdk.meta) platforms;
  };
}
