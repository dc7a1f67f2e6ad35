# Every check of `nix flake check` for one system, in one place: each toolchain builds a component,
# the from-source std and the UI tests, the doctor, the lint gates, and every template's own checks
# as `template-<name>-<check>`. flake.nix only wires this in. The UI-test checks are the reports
# of the scope's runs ui-wasip2 and ui-wasip3 (nix/packages/ui-tests.nix and ui-tests-report.nix;
# their data and runner: ui-tests/), since the full runs and ui-wasip2-source are built from the
# same files.
{ lib
, # nixpkgs with this flake's overlay for the system.
  pkgs
, # This flake: the templates' checks call each template's flake.nix with it.
  self
, nixpkgs
, # The repository, for the checks that read its files.
  root
}:
let
  scope = pkgs.wasip2;
  templateChecks = import ./templates.nix {
    inherit lib self nixpkgs;
    inherit (pkgs.stdenv.hostPlatform) system;
  };
in
{
  inherit (scope) wasi-sdk rust-std-wasip2;
  ui-wasip2 = scope.ui-wasip2-report;
  ui-wasip3 = scope.ui-wasip3-report;
  toolchain-component = scope.callPackage ./toolchain-component.nix { };
  toolchain-fenix-component = scope.callPackage ./toolchain-component.nix {
    toolchain = scope.toolchain-fenix;
    name = "toolchain-fenix-component";
  };
  doctor = scope.callPackage ./doctor.nix { };
  nix-style = scope.callPackage ./nix-style.nix { inherit root; };
  workspace-lint = scope.callPackage ./workspace-lint.nix { inherit root; };
}
  // templateChecks
