# What our Nix code asks of a Nix build on one system, read back through the recording package
# set: the attributes of the from-source derivations, the config the flake imports nixpkgs with,
# and each template's smoke check. The suite asserts on this (suite/src/areas/nix.rs).
{ system }:
let
  recording = ./recording-pkgs.nix;
  pkgs = import recording { inherit system; };
  inherit (pkgs) lib scope;

  attributes = drv: {
    inherit (drv) name;
    stripDebugList = drv.stripDebugList or null;
    dontFixup = drv.dontFixup or false;
    darwinLocalNetworking = drv.__darwinAllowLocalNetworking or false;
    keepsConfigScripts = drv.dontUpdateAutotoolsGnuConfigScripts or false;
    ldflags = drv.env.NIX_LDFLAGS or "";
    inputs = map (input: input.name) ((drv.nativeBuildInputs or [ ]) ++ (drv.buildInputs or [ ]));
    script = drv.buildPhase or drv.buildCommand or "";
  };

  nixpkgs = {
    inherit lib;
    outPath = recording;
  };
  flake = (import ../../flake.nix).outputs {
    self = flake;
    inherit nixpkgs;
    crane = { };
    rust-overlay = { };
    fenix = { };
  };

  # The flake as a template sees it: its package set per system and a crane project whose own
  # checks are not what is read here.
  wasip2 = {
    packages = lib.genAttrs [ system ] (_: { });
    legacyPackages = lib.genAttrs [ system ] (_: pkgs // { wasip2 = scope; });
    lib.craneProject = args: {
      checks = { };
      package = "/nix/store/recorded-package";
      # The Wasmtime the target runs in, as craneProject chooses it.
      wasmtime = if (args.target or "wasm32-wasip2") == "wasm32-wasip3" then scope.wasmtime-p3 else scope.wasmtime;
    };
  };
  templates = builtins.mapAttrs
    (_: template:
      attributes ((import (template.path + "/flake.nix")).outputs { inherit nixpkgs wasip2; }).checks.${system}.smoke
      // {
        # The store path the template's own scripts/smoke.sh has (named by its content).
        smokeScript = "${template.path + "/scripts/smoke.sh"}";
      })
    (removeAttrs flake.templates [ "default" ]);
in
{
  derivations = builtins.mapAttrs (_: attributes) {
    inherit (scope) rustc-wasip2 rustc-wasip2-bundled-llvm ui-wasip2;
    rust-std-wasip2-std = scope.rust-std-wasip2.passthru.std;
  };
  lld = scope.lld.name;
  nixpkgsConfig = flake.legacyPackages.${system}.importedWith.config;
  inherit templates;
}
