# shellcheck shell=bash
# The stand-in's fetchCargoVendor, first stage: the fixed-output folder whose hash is a package's
# cargoHash, laid out as nixpkgs' create-vendor-staging lays it out, so its hash is the real one:
# Cargo.lock as the source has it, and tarballs/<name>-<version>.tar.gz for each package of the
# crate registry, the bytes the registry serves (here this machine's cargo cache's copy, checked
# against the lock's checksum). Git and other registries' packages are refused.
# usage: cargo-vendor-staging.sh CARGO_LOCK CARGO_CACHE OUT
set -euo pipefail
lock=$1 cache=$2 out=$3
mkdir -p "$out"
cp "$lock" "$out/Cargo.lock"
name="" version="" source="" checksum=""
flush() {
  if [ -n "$source" ]; then
    case "$source" in
      registry+https://github.com/rust-lang/crates.io-index | sparse+https://index.crates.io/) ;;
      *) echo "cargo-vendor-staging: $name $version comes from $source, which the stand-in cannot serve" >&2; exit 1 ;;
    esac
    local file="$cache/$name-$version.crate"
    [ -f "$file" ] || { echo "cargo-vendor-staging: $name $version is not in the cargo cache $cache; cargo fetch the lock file first" >&2; exit 1; }
    [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$checksum" ] || { echo "cargo-vendor-staging: $file does not match the lock's checksum" >&2; exit 1; }
    mkdir -p "$out/tarballs"
    cp "$file" "$out/tarballs/$name-$version.tar.gz"
  fi
  name="" version="" source="" checksum=""
}
while IFS= read -r line; do
  case "$line" in
    '['*) flush ;;
    'name = "'*) name=${line#name = \"}; name=${name%\"} ;;
    'version = "'*) version=${line#version = \"}; version=${version%\"} ;;
    'source = "'*) source=${line#source = \"}; source=${source%\"} ;;
    'checksum = "'*) checksum=${line#checksum = \"}; checksum=${checksum%\"} ;;
  esac
done <"$lock"
flush
