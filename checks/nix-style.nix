# The tree's Nix files are formatted exactly as `nix fmt` formats them, and pass deadnix and
# statix.
{ lib
, runCommand
, nixpkgs-fmt
, deadnix
, statix
, root
}:
let
  nixFiles = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.fileFilter (file: file.hasExt "nix") root;
  };
in
runCommand "nix-style"
{
  nativeBuildInputs = [
    nixpkgs-fmt
    deadnix
    statix
  ];
  meta.description = "Checks that every .nix file is formatted with nixpkgs-fmt and lint-free";
}
  ''
    nixpkgs-fmt --check ${nixFiles}
    deadnix --fail ${nixFiles}
    statix check ${nixFiles}
    touch $out
  ''
