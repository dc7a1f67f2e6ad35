# wasip2-doctor, built from this repository's Cargo workspace.
{ lib
, rustPlatform
}:
let
  manifest = lib.importTOML ../../tools/wasip2-doctor/Cargo.toml;
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  version = manifest.package.version;

  src = import ../lib/workspace-source.nix lib;
  cargoLock.lockFile = ../../Cargo.lock;
  cargoBuildFlags = [ "--package" finalAttrs.pname ];
  cargoTestFlags = [ "--package" finalAttrs.pname ];

  meta = {
    inherit (manifest.package) description;
    homepage = "https://github.com/wasip2-flake/wasip2-flake";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
    mainProgram = "wasip2-doctor";
  };
})
