# ui-report, built from this repository's Cargo workspace: compiletest logs in, report.json and
# a self-contained report.html out.
{ lib
, rustPlatform
}:
let
  manifest = lib.importTOML ../../tools/ui-report/Cargo.toml;
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  version = manifest.package.version;

  src = import ../lib/workspace-source.nix lib;
  cargoLock.lockFile = ../../Cargo.lock;
  cargoBuildFlags = [ "--package" finalAttrs.pname ];
  # Its tests read checked-in compiletest logs only.
  cargoTestFlags = [ "--package" finalAttrs.pname ];

  meta = {
    inherit (manifest.package) description;
    homepage = "https://github.com/wasip2-flake/wasip2-flake";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
    mainProgram = "ui-report";
  };
})
