# Every package, dev shell and check of the flake, for every system, evaluated on the stand-in to
# its .drv (or, for the stand-in's parts added by path, its store path): the names that evaluate,
# and those that throw (the caller knows which may, and why).
let
  flake = import ./flake-outputs.nix;
  evaluate = outputs: builtins.mapAttrs
    (_system: byName: builtins.mapAttrs
      (_name: drv: (builtins.tryEval (builtins.seq (drv.drvPath or drv.outPath or drv) true)).success)
      byName)
    outputs;
in
{
  packages = evaluate flake.packages;
  devShells = evaluate flake.devShells;
  checks = evaluate flake.checks;
}
