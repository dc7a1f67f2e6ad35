# The product's Nix files are formatted exactly as `nix fmt` formats them, and pass deadnix and
# statix. The offline suite's (suite/: the nixpkgs stand-in, the recording package set) are the
# suite's own lint area's, so that an edit of the proof changes no check of the flake.
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
    fileset = lib.fileset.difference
      (lib.fileset.fileFilter (file: file.hasExt "nix") root)
      (lib.fileset.maybeMissing (root + "/suite"));
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
