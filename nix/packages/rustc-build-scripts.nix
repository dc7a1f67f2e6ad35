# The build steps that the from-source derivations and the offline suite share.
{ lib }:
lib.fileset.toSource {
  root = ../../scripts/rustc;
  fileset = lib.fileset.unions [
    ../../scripts/rustc/bootstrap-config.sh
    ../../scripts/rustc/build-std.sh
  ];
}
