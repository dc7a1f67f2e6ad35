# The tree's Nix files are formatted exactly as `nix fmt` formats them.
{
  lib,
  runCommand,
  nixpkgs-fmt,
  root,
}:
let
  nixFiles = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.fileFilter (file: file.hasExt "nix") root;
  };
in
runCommand "nix-format"
  {
    nativeBuildInputs = [ nixpkgs-fmt ];
    meta.description = "Checks that every .nix file is formatted with nixpkgs-fmt";
  }
  ''
    nixpkgs-fmt --check ${nixFiles}
    touch $out
  ''
