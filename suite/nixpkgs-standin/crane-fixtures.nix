# A fixture crate of the suite built by the flake's lib.craneProject on the stand-in, as a
# user's own flake would call it: suite/fixtures/temp-files (temporary files in its tests,
# doc-tests that pass) with the unwinding std, whose checks pass, and with the default one, whose
# test check fails where std::env::temp_dir() panics.
let
  outputs = import ./flake-outputs.nix;
  project = panic: outputs.lib.craneProject {
    pkgs = outputs.legacyPackages.x86_64-linux;
    inherit panic;
    src = ../fixtures/temp-files;
    toolchainFile = ../fixtures/temp-files/rust-toolchain.toml;
  };
in
{
  temp-files-unwind = project "unwind";
  temp-files-abort = project "abort";
}
