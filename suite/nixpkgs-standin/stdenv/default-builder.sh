# The builder of every stand-in derivation, as nixpkgs' default-builder.sh: set up, then the phases.
# shellcheck shell=bash
# shellcheck disable=SC1091,SC2154 # $stdenv is the derivation's stdenv, given by Nix
source "$stdenv/setup"
genericBuild
