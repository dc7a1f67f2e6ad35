# The report of one UI-test run (ui-tests.nix): the run's own files linked (report.txt,
# report.json, outcomes.txt, compiletest.log, so the layout is the run's) and ui-report's
# ui-report/report.json and report.html from its compiletest log. Apart from the run so that a
# change to ui-report renders again without running a test. (Named for what it makes: the scope
# calls it as ui-wasip2-report and ui-wasip3-report, which are checks.ui-wasip2 and
# checks.ui-wasip3.)
{ lib
, stdenvNoCC
, ui-report
, # The run to report on: ui-wasip2 or one of its overrides.
  run
}:
stdenvNoCC.mkDerivation {
  pname = "${run.pname}-report";
  inherit (run) version;
  dontUnpack = true;
  dontConfigure = true;

  buildPhase = ''
    runHook preBuild
    mkdir -p "$out"
    for file in ${run}/*; do ln -s "$file" "$out/"; done
    ${lib.getExe ui-report} build --out "$out/ui-report" "${run.target}=${run}/compiletest.log"
    ln -s ui-report/report.html "$out/report.html"
    runHook postBuild
  '';
  dontInstall = true;
  dontFixup = true;

  passthru = { inherit run; };

  meta = {
    description = "rustc's UI tests for ${run.target}: report.json and report.html";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    inherit (run.meta) platforms;
  };
}
