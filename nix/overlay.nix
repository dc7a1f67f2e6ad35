# Adds rust-overlay's `rust-bin` and `wasip2`, the flake's packages built against the user's
# nixpkgs: `pkgs.wasip2.toolchain`, `pkgs.wasip2.wasi-sdk`, `pkgs.wasip2.devEnv`, …
{ lib
, rust-overlay
, fenix
}:
lib.composeManyExtensions [
  rust-overlay.overlays.default
  (final: _prev: {
    wasip2 = import ./scope.nix {
      inherit lib;
      pkgs = final;
      fenix =
        fenix.packages.${final.stdenv.hostPlatform.system}
          or (throw "wasip2: fenix has no packages for ${final.stdenv.hostPlatform.system}");
    };
  })
]
