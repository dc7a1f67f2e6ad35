# ui-report, built from this repository's Cargo workspace: compiletest logs in, report.json and
# a self-contained report.html out.
# Its tests read checked-in compiletest logs only.
{ lib
, rustPlatform
}:
import ../lib/workspace-package.nix { inherit lib rustPlatform; } "ui-report"
