#!/usr/bin/env bash
# Packs a prepared rustc source tree (prepare-rust-source.sh) into a stand-in for upstream's
# rustc-<version>-src.tar.gz, so that the flake's from-source derivation
# (nix/packages/rust-std-from-source.nix) can build from it unchanged, offline, with its defaults.
# Like upstream's dist source tarball (src/bootstrap/src/core/build_steps/dist.rs,
# prepare_source_tarball) it has a top folder rustc-<version>-src, a vendor/ made by
# `cargo vendor --versioned-dirs` and a .cargo/config.toml that is that command's output, and
# no __pycache__. Differences, each for a reason:
#   - vendor/ covers the workspaces bootstrap's own list names (default_paths_to_vendor in
#     src/bootstrap/src/core/build_steps/vendor.rs: the root one, src/bootstrap, library,
#     src/tools/cargo, clippy's test dependencies, rust-analyzer, rustbook), which the whole
#     toolchain's install reads (its copyright page runs `cargo metadata` on each), taken offline
#     from CARGO_HOME; upstream's also covers the cranelift and GCC backends, opt-dist, the
#     book's trpl and rustc-perf's benchmarks.
#   - Debian's source has no src/llvm-project: an empty src/llvm-project/libunwind stands in
#     for the folder the rust-src component copies (nothing here builds libunwind; wasm and the
#     hosts here unwind with other libraries).
#   - Debian's source has no src/llvm-project, so no compiler-rt to build the optimized C
#     intrinsics from: the tarball's own default profile (bootstrap.dist.toml, which bootstrap
#     merges under the user's configuration when it builds from a tarball) says
#     optimized-compiler-builtins = false. A configuration that asks for them still wins.
#   - Two of Debian's patches, prune/d-0000-ignore-removed-submodules.patch and
#     build/d-bootstrap-disable-git.patch, leave bootstrap and build_helper with dead code, an
#     unused import, unused variables and unreachable code, which fail the build with
#     rust.deny-warnings (bootstrap.py builds bootstrap with -Zwarnings): bootstrap allows the
#     `unused` lints in every build, as it already does in its tests, and build_helper on the
#     one function d-0000 cuts short. Their code is not otherwise changed. Debian also drops
#     jemalloc (tikv-jemalloc-sys and rustc-main's `jemalloc` feature) but keeps the
#     `#[cfg(feature = "jemalloc")]` in compiler/rustc/src/main.rs, an unexpected-cfg warning
#     that fails the compiler's build: the feature is declared again, empty (upstream's enables
#     the jemalloc crate; `rust.jemalloc` is off, so neither is used).
#   - Debian's other patches (applied by the preparing script) and its debian/ folder stay.
#     Among them, d-0000 also drops the --frozen that upstream passes to cargo with vendor:
#     the vendored crates and the lock files here are consistent all the same (cargo vendor
#     --locked below).
# The archive is reproducible: sorted names, one fixed mtime (the source's commit date), owner
# and group 0, no extended attributes; gzip -n -1 for .tar.gz and .tgz, else uncompressed.
#
# usage: pack-rust-source.sh PREPARED_TREE CARGO_HOME OUT_TARBALL
#   PREPARED_TREE  from prepare-rust-source.sh (its build/ and .prepared-from are left out)
#   CARGO_HOME     a cargo home holding every crate of the three lock files (cargo fetch)
#   OUT_TARBALL    the archive to write: .tar, or .tar.gz / .tgz for gzip
#   CARGO          the cargo that vendors (default: `cargo` on PATH)
set -euo pipefail

usage="usage: pack-rust-source.sh PREPARED_TREE CARGO_HOME OUT_TARBALL"
tree=${1:?$usage}
cargo_home=${2:?$usage}
out=${3:?$usage}
cargo=${CARGO:-cargo}

fail() { echo "pack-rust-source: $*" >&2; exit 1; }
if [ ! -f "$tree/src/version" ] || [ ! -f "$tree/x.py" ]; then
  fail "$tree is not a rustc source tree"
fi
[ -d "$cargo_home/registry" ] || fail "$cargo_home has no registry/ (fetch the crates first)"
[ -x "$cargo" ] || fail "no cargo at $cargo (set CARGO)"
tree=$(cd "$tree" && pwd)
cargo_home=$(cd "$cargo_home" && pwd)
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
case "$out" in
  *.tar) compress=false ;;
  *.tar.gz | *.tgz) compress=true ;;
  *) fail "OUT_TARBALL must end in .tar, .tar.gz or .tgz" ;;
esac

version=$(tr -d '[:space:]' <"$tree/src/version")
name="rustc-$version-src"
work=$(mktemp -d "${TMPDIR:-/tmp}/pack-rust-source.XXXXXX")
trap 'rm -rf "$work"' EXIT
dest="$work/$name"
mkdir "$dest"

# 1. The tree, less the build, the preparing script's stamp, the vendor/ that is remade, Debian's
# old source replacement (set aside by the preparing script) and Python's caches.
tar -C "$tree" -cf - \
  --exclude=./build --exclude=./.prepared-from --exclude=./vendor \
  --exclude=./.cargo/config.toml.debian-vendor --exclude=__pycache__ . |
  tar -C "$dest" -xf -

# 2. vendor/ and the source replacement, as upstream's dist step makes them: cargo vendor's
# stdout is the .cargo/config.toml. --locked: the lock files must already be the ones the build
# resolves to, as bootstrap's --frozen requires.
# Its progress (a line a crate) is shown only when it fails.
mkdir -p "$dest/.cargo"
if ! (
  cd "$dest"
  CARGO_HOME="$cargo_home" RUSTC_BOOTSTRAP=1 \
    RUSTC="$(dirname "$cargo")/rustc" \
    "$cargo" vendor --offline --locked --versioned-dirs \
    --manifest-path Cargo.toml \
    -s src/bootstrap/Cargo.toml \
    -s library/Cargo.toml \
    -s src/tools/cargo/Cargo.toml \
    -s src/tools/clippy/clippy_test_deps/Cargo.toml \
    -s src/tools/rust-analyzer/Cargo.toml \
    -s src/tools/rustbook/Cargo.toml \
    vendor >.cargo/config.toml 2>"$work/vendor.log"
); then
  cat "$work/vendor.log" >&2
  fail "cargo vendor failed: the lock files need crates that $cargo_home does not hold"
fi
grep -q '^directory = "vendor"$' "$dest/.cargo/config.toml" ||
  fail "cargo vendor wrote no source replacement: $(cat "$dest/.cargo/config.toml")"
# What the whole toolchain's install asks of vendor/ (its copyright page runs `cargo metadata` on
# every one of these): each resolves offline from vendor/ alone, with an empty cargo home.
for manifest in Cargo.toml src/bootstrap/Cargo.toml library/Cargo.toml src/tools/cargo/Cargo.toml \
  src/tools/clippy/clippy_test_deps/Cargo.toml src/tools/rust-analyzer/Cargo.toml \
  src/tools/rustbook/Cargo.toml; do
  if ! (cd "$dest" && CARGO_HOME="$work/empty-cargo-home" RUSTC_BOOTSTRAP=1 \
    RUSTC="$(dirname "$cargo")/rustc" "$cargo" metadata --offline --locked --format-version 1 \
    --manifest-path "$manifest" >/dev/null 2>"$work/metadata.log"); then
    cat "$work/metadata.log" >&2
    fail "$manifest does not resolve from vendor/ alone"
  fi
done

# 3. The dist profile: no compiler-rt sources in this tarball.
defaults="$dest/src/bootstrap/defaults/bootstrap.dist.toml"
[ -f "$defaults" ] || fail "no $defaults in the source"
[ ! -e "$dest/src/llvm-project/compiler-rt" ] || fail "the source has compiler-rt: nothing to change"
if ! grep -q '^optimized-compiler-builtins' "$defaults"; then
  sed -i '/^\[build\]$/a\
# This source has no src/llvm-project/compiler-rt to build the C intrinsics from.\
optimized-compiler-builtins = false' "$defaults"
fi
grep -q '^optimized-compiler-builtins = false$' "$defaults" || fail "could not edit $defaults"

# 4. The warnings that Debian's patches leave behind, allowed (see the top of this script).
lib="$dest/src/bootstrap/src/lib.rs"
util="$dest/src/build_helper/src/util.rs"
sed -i 's/^#!\[cfg_attr(test, allow(unused))\]$/#![allow(unused)]/' "$lib"
grep -q '^#!\[allow(unused)\]$' "$lib" || fail "could not allow unused lints in $lib"
if ! grep -B1 '^pub fn parse_gitmodules(' "$util" | grep -q '^#\[allow(unused)\]$'; then
  sed -i 's/^pub fn parse_gitmodules(/#[allow(unused)]\n&/' "$util"
fi
grep -B1 '^pub fn parse_gitmodules(' "$util" | grep -q '^#\[allow(unused)\]$' ||
  fail "could not allow unused lints on parse_gitmodules in $util"

# The folder rust-src's dist copies, which Debian's source lacks (see the top of this script).
if [ ! -e "$dest/src/llvm-project" ]; then
  mkdir -p "$dest/src/llvm-project/libunwind"
fi

# The jemalloc feature Debian removed from rustc-main (see the top of this script).
main_toml="$dest/compiler/rustc/Cargo.toml"
if ! grep -q '^jemalloc = ' "$main_toml"; then
  sed -i 's/^\[features\]$/&\n# Debian drops the jemalloc crate; the feature stays declared (never enabled here).\njemalloc = []/' "$main_toml"
fi
grep -q '^jemalloc = \[\]$' "$main_toml" || fail "could not declare the jemalloc feature in $main_toml"

# 5. The archive. The mtime is the source's commit date, from its git-commit-info.
mtime=$(sed -n 3p "$dest/git-commit-info" 2>/dev/null || true)
[ -n "$mtime" ] || mtime="1970-01-01"
rm -f "$out" "$out.tmp"
tar_args=(--sort=name --format=posix
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime"
  --mtime="$mtime UTC" --owner=0 --group=0 --numeric-owner
  --no-xattrs --no-acls --no-selinux -C "$work")
if [ "$compress" = true ]; then
  tar "${tar_args[@]}" -cf - "$name" | gzip -n -1 >"$out.tmp"
else
  tar "${tar_args[@]}" -cf "$out.tmp" "$name"
fi
mv "$out.tmp" "$out"
crates=$(find "$dest/vendor" -mindepth 1 -maxdepth 1 -type d | wc -l)
echo "pack-rust-source: $out ($(du -h "$out" | cut -f1), $crates vendored crates)"
