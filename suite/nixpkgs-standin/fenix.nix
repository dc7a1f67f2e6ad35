# fenix's entry (its default.nix takes { system, pkgs, lib, rust-analyzer-src, … }), called by
# the overlay as fenix's flake calls it. fenix downloads a channel manifest to read the toolchain
# (import-from-derivation), which cannot happen here: its toolchain is not stood in, and asking
# for it says so.
_:
{
  fromToolchainFile = _: throw "nixpkgs stand-in: fenix's toolchain needs its channel manifest from the network; it is not built here";
}
