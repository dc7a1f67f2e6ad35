# nixpkgs for Nix >= 2.18 evaluating this flake as a flake, on the stand-in: `lib` is nixpkgs'
# real lib where the suite put one beside this file (else the stand-in's), `import` of this flake
# and `legacyPackages` give the stand-in package set (./default.nix). For evaluation only: see
# ./default.nix.
{
  description = "nixpkgs stand-in for evaluation with Nix >= 2.18";

  outputs = { self }:
    let
      lib = import ./eval-lib.nix;
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: import self { inherit system; });
    };
}
