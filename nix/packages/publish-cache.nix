# publish-cache: signs the closures of what this flake builds from source and copies them to a
# Nix binary cache. It runs the `nix` and `nix-store` of the machine it is started on, the ones
# that own the store it publishes from, so it takes no Nix of its own.
{ lib
, rustPlatform
}:
let
  manifest = lib.importTOML ../../tools/publish-cache/Cargo.toml;
in
rustPlatform.buildRustPackage (finalAttrs: {
  pname = manifest.package.name;
  version = manifest.package.version;

  src = import ../lib/workspace-source.nix lib;
  cargoLock.lockFile = ../../Cargo.lock;
  cargoBuildFlags = [ "--package" finalAttrs.pname ];
  # Its tests replace Nix with a recorded fake, so they run in the sandbox.
  cargoTestFlags = [ "--package" finalAttrs.pname ];

  meta = {
    inherit (manifest.package) description;
    homepage = "https://github.com/wasip2-flake/wasip2-flake";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
    mainProgram = "publish-cache";
  };
})
