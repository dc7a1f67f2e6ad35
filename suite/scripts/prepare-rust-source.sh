#!/usr/bin/env bash
# Turns Debian's repacked rustc source into a tree Rust's bootstrap accepts offline-free of
# vendoring: unpacks the orig tarball, applies Debian's own patch series (one of them teaches
# bootstrap about the submodules Debian removed), and sets the stale vendor/ aside so cargo
# takes the locked crates from the crate registry instead.
#
# usage: prepare-rust-source.sh ORIG_TARBALL DEBIAN_TARBALL OUT
set -euo pipefail
orig=${1:?usage: prepare-rust-source.sh ORIG_TARBALL DEBIAN_TARBALL OUT}
debian=${2:?usage: prepare-rust-source.sh ORIG_TARBALL DEBIAN_TARBALL OUT}
out=${3:?usage: prepare-rust-source.sh ORIG_TARBALL DEBIAN_TARBALL OUT}

rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
tar -xJf "$orig" -C "$out.tmp" --strip-components=1
tar -xJf "$debian" -C "$out.tmp"

# Debian patches left out, each with why: they change what the compiler prints, and rustc's UI
# tests compare that output with upstream's expectations.
skipped_patches=(
  # Remaps the library's source to /usr/src/rustc-<version>, which compiletest does not
  # normalize to $SRC_DIR: every diagnostic that points into core or std would differ.
  build/d-bootstrap-custom-debuginfo-path.patch
)

series="$out.tmp/debian/patches/series"
[ -f "$series" ] || { echo "prepare-rust-source: no debian/patches/series in $debian" >&2; exit 1; }
applied=0
while read -r patch _; do
  case "$patch" in '' | '#'*) continue ;; esac
  if [[ " ${skipped_patches[*]} " == *" $patch "* ]]; then
    continue
  fi
  if ! patch -d "$out.tmp" -p1 -s --no-backup-if-mismatch <"$out.tmp/debian/patches/$patch"; then
    echo "prepare-rust-source: Debian patch $patch does not apply" >&2
    exit 1
  fi
  applied=$((applied + 1))
done <"$series"

# Debian refreshed vendor/ so that it no longer matches Cargo.lock.
if [ -f "$out.tmp/.cargo/config.toml" ]; then
  mv "$out.tmp/.cargo/config.toml" "$out.tmp/.cargo/config.toml.debian-vendor"
fi
mv "$out.tmp" "$out"
echo "prepare-rust-source: $applied Debian patches applied (${#skipped_patches[@]} left out); tests/ui has $(find "$out/tests/ui" -mindepth 1 | wc -l) entries"
