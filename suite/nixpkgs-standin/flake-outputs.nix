# The flake's outputs evaluated on the stand-in: nixpkgs, rust-overlay and fenix replaced by the
# stand-ins in this folder. crane is the real one where the suite checked it out at flake.lock's
# revision (WASIP2_STANDIN_CRANE, with nixpkgs' real lib in WASIP2_STANDIN_LIB, which crane
# needs); without it every crane output throws, saying so.
let
  cranePath = builtins.getEnv "WASIP2_STANDIN_CRANE";
  nixpkgs = {
    inherit (import ./default.nix { }) lib;
    outPath = ./default.nix;
  };
  flake = (import ../../flake.nix).outputs {
    self = flake;
    inherit nixpkgs;
    crane =
      if cranePath == "" then throw "nixpkgs stand-in: crane is not stood in; set WASIP2_STANDIN_CRANE to a checkout of it at flake.lock's revision"
      else (import (cranePath + "/flake.nix")).outputs { };
    rust-overlay = import ./rust-overlay.nix;
    fenix = {
      outPath = ./fenix.nix;
      inputs.rust-analyzer-src = null;
    };
  };
  # The outputs of a user's flake.nix whose `wasip2` input is this flake (and `nixpkgs` follows
  # it), as `nix build`, `nix run` and `nix develop` in its folder see them.
  outputsOf = flakeFile: (import flakeFile).outputs {
    inherit nixpkgs;
    wasip2 = flake;
  };
  # Each template's own flake outputs, as after `nix flake init`.
  templateOutputs = builtins.mapAttrs
    (_name: template: outputsOf (template.path + "/flake.nix"))
    (removeAttrs flake.templates [ "default" ]);
in
flake // { inherit templateOutputs outputsOf; }
