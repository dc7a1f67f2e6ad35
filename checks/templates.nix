# Every template's own checks (build, clippy, fmt, doc, tests, smoke run, reproducibility), run
# from this flake against the very revision that ships the template. The wasip3 template's checks
# compile with rust-std-wasip3 (its flake asks lib.craneProject for wasm32-wasip3), so they build
# that std first, and run the tests under the p3 runner of devEnvWasip3.
{ lib
, self
, nixpkgs
, system
}:
lib.concatMapAttrs
  (name: template:
  let
    outputs = (import (template.path + "/flake.nix")).outputs {
      inherit nixpkgs;
      wasip2 = self;
    };
  in
  lib.mapAttrs' (check: lib.nameValuePair "template-${name}-${check}") outputs.checks.${system})
  (removeAttrs self.templates [ "default" ])
