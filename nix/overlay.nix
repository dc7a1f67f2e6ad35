# Adds rust-overlay's `rust-bin` and `wasip2`, the flake's packages built against the nixpkgs the
# overlay is applied to: `pkgs.wasip2.toolchain`, `pkgs.wasip2.wasi-sdk`, `pkgs.wasip2.devEnv`, …
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
      # fenix's functions over this same package set, called as fenix's own flake calls them
      # (its `packages` output would bind them to the nixpkgs fenix was locked with instead).
      fenix = import fenix {
        pkgs = final;
        inherit (final) lib;
        inherit (final.stdenv.hostPlatform) system;
        inherit (fenix.inputs) rust-analyzer-src;
      };
    };
  })
]
