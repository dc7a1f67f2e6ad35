# All of rustc's tests/ui for a WASI target as shards: one derivation per group of tests/ui
# folders in ui-tests/<target>/shards.txt (groups balanced by each folder's measured seconds,
# ui-tests/<target>/folder-times.txt), each only running its folders exactly (compiletest comes
# built, ui-compiletest.nix), and this derivation, the report, which merges their compiletest logs
# with ui-report: a change to ui-report renders again and runs no shard.
# A shard's derivation takes only its folders' names and the inputs all shards share (not the
# plan, not the known failures), so a failed or changed shard is rebuilt alone.
# `passthru.shards.<name>` builds one.
# ui-report refuses a merge with a test in two shards or a folder whose tests differ from the
# plan's count, so a stale plan, a missing shard or an overlap fails here instead of giving a
# report with holes.
# (Named for what it runs: the scope calls it as ui-wasip1-full, ui-wasip2-full and ui-wasip3-full.)
{ lib
, stdenvNoCC
, ui-report
, # The UI-test derivation of the target (ui-wasip2.nix as overridden for it).
  uiTests
, target ? "wasm32-wasip2"
, pname ? "ui-wasip2-full"
, # SHARD TESTS FOLDER lines; regenerate with `ui-report shards`.
  plan ? ../../ui-tests + "/${target}/shards.txt"
}:
let
  # Plain builtins: the words of each line that is not a comment.
  words = separator: text: builtins.filter (word: builtins.isString word && word != "")
    (builtins.split separator text);
  lines = builtins.filter (line: !lib.hasPrefix "#" line) (words "\n" (builtins.readFile plan));
  entries = map
    (line:
      let fields = words "[[:space:]]+" line;
      in
      if builtins.length fields == 3 then {
        shard = builtins.elemAt fields 0;
        folder = builtins.elemAt fields 2;
      } else throw "ui-shards: ${toString plan}: `${line}` is not SHARD TESTS FOLDER (regenerate it with ui-report shards)")
    lines;
  groups = builtins.groupBy (entry: entry.shard) entries;
  names = builtins.attrNames groups;
  shards = builtins.mapAttrs
    (name: group: uiTests.override {
      pname = "${pname}-${name}";
      paths = null;
      exactPaths = map (entry: entry.folder) group;
      # A report, not a verdict: the known failures are kept for the default selection.
      failOnUnexpected = false;
    })
    groups;
  planFile = builtins.path { path = plan; name = "${target}-shards.txt"; };
in
stdenvNoCC.mkDerivation (finalAttrs: {
  inherit pname;
  inherit (uiTests) version;
  dontUnpack = true;
  dontConfigure = true;

  buildPhase = ''
    runHook preBuild
    mkdir -p "$out/shards"
    ${lib.concatMapStringsSep "\n" (name: ''ln -s ${finalAttrs.passthru.shards.${name}} "$out/shards/${name}"'') names}
    ${lib.getExe ui-report} build --out "$out/ui-report" --plan ${planFile} \
      ${lib.concatMapStringsSep " " (name: "${target}=$out/shards/${name}/compiletest.log") names} \
      > "$out/report.txt"
    cat "$out/report.txt"
    ln -s ui-report/report.html "$out/report.html"
    runHook postBuild
  '';
  dontInstall = true;
  dontFixup = true;

  passthru.shards = shards;

  meta = {
    description = "rustc's UI tests for ${target}, all of tests/ui in ${toString (builtins.length names)} shards (report)";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    inherit (uiTests.meta) platforms;
  };
})
