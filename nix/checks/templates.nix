# Every template's own checks (build, clippy, fmt, doc, tests, smoke run, reproducibility), run
# from this flake against the very revision that ships the template.
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
