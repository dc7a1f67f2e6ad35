# wasip2-doctor, built from this repository's Cargo workspace.
{ lib
, rustPlatform
}:
let
  root = ../..;
  manifest = lib.importTOML ../../tools/wasip2-doctor/Cargo.toml;
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  version = manifest.package.version;

  # The workspace's manifests and members: Cargo loads all of them, then builds only the doctor.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      ../../Cargo.toml
      ../../Cargo.lock
      ../../tools/publish-cache
      ../../tools/wasip2-doctor
      ../../suite/Cargo.toml
      ../../suite/src
      ../../suite/tests
    ];
  };
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
