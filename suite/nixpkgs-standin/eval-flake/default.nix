# The stand-in package set (./standin, a copy of suite/nixpkgs-standin) as `import nixpkgs`
# sees it, for evaluation only, by Nix >= 2.18: ./eval-only.nix comes before the caller's
# overlays. Nothing built from it here stands for a build with nixpkgs.
{ system ? "x86_64-linux"
, overlays ? [ ]
, config ? { }
}:
let
  lib = import ./eval-lib.nix;
in
import ./standin {
  inherit system config;
  nixpkgsLib = lib;
  overlays = [ (import ./eval-only.nix { inherit lib; }) ] ++ overlays;
}
