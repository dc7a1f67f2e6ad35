# A program of this repository's Cargo workspace, `tools/<name>`, built with its tests run: name,
# version and description from its Cargo.toml, the whole workspace as source (Cargo loads every
# member even to build one).
{ lib
, rustPlatform
}:
name:
let
  manifest = lib.importTOML (../../tools + "/${name}/Cargo.toml");
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  inherit (manifest.package) version;

  src = import ./workspace-source.nix lib;
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
    mainProgram = name;
  };
})
