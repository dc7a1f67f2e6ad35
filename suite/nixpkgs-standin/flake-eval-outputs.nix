# Every output of a flake, evaluated by Nix >= 2.18 through builtins.getFlake (the flake's lock
# file says which inputs): for each derivation its drvPath or that it failed to evaluate, for
# apps their program, for templates their path and description, for lib and overlays their names.
# A failure tryEval can catch (throw, assert) is kept as `failed`; one it cannot (a missing
# attribute, import-from-derivation refused) would end the whole evaluation, so the caller names
# those in `skip` ("checks.x86_64-linux.name"), having found them with `nix flake check`.
{ flakeRef, skip ? [ ] }:
let
  flake = builtins.getFlake flakeRef;
  attempt = value: builtins.tryEval (builtins.deepSeq value value);
  drvPath = drv:
    let result = attempt drv.drvPath; in
    if result.success then { drvPath = result.value; } else { failed = true; };
  app = a:
    let result = attempt a.program; in
    if result.success then { program = result.value; } else { failed = true; };
  unlessSkipped = attribute: f: value: if builtins.elem attribute skip then { skipped = true; } else f value;
  perSystem = category: f: builtins.mapAttrs
    (system: builtins.mapAttrs (name: unlessSkipped "${category}.${system}.${name}" f))
    (flake.${category} or { });
in
{
  packages = perSystem "packages" drvPath;
  devShells = perSystem "devShells" drvPath;
  checks = perSystem "checks" drvPath;
  apps = perSystem "apps" app;
  # `formatter.<system>` is one derivation, not an attribute set of them.
  formatter = builtins.mapAttrs (system: unlessSkipped "formatter.${system}" drvPath) (flake.formatter or { });
  templates = builtins.mapAttrs
    (_name: t: { path = toString t.path; inherit (t) description; welcomeText = t ? welcomeText; })
    (flake.templates or { });
  lib = builtins.mapAttrs (_name: builtins.typeOf) (flake.lib or { });
  overlays = builtins.mapAttrs (_name: builtins.typeOf) (flake.overlays or { });
  legacyPackages = builtins.attrNames (flake.legacyPackages or { });
}
