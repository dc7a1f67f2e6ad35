# The flake's outputs evaluated on the stand-in: nixpkgs, rust-overlay and fenix replaced by the
# stand-ins in this folder, crane by none (the templates' crane builds are not stood in).
let
  nixpkgs = {
    lib = import ./lib.nix;
    outPath = ./default.nix;
  };
  flake = (import ../../flake.nix).outputs {
    self = flake;
    inherit nixpkgs;
    crane = throw "nixpkgs stand-in: crane is not stood in";
    rust-overlay = import ./rust-overlay.nix;
    fenix = {
      outPath = ./fenix.nix;
      inputs.rust-analyzer-src = null;
    };
  };
in
flake
