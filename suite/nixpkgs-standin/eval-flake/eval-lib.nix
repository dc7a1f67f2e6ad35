# nixpkgs' real lib where the suite put one in ./lib, else the stand-in's.
if builtins.pathExists ./lib/default.nix then import ./lib else import ./standin/lib.nix
