#!/usr/bin/env bash
# Builds GNU bash the way nixpkgs builds the stdenv's (non-interactive) bash, so that the suite
# can run our build scripts under the same shell a Nix build does.
#
# Why: a Nix build runs our scripts with nixpkgs' bash (pkgs/shells/bash/5.nix with
# interactive = false), which is configured with --disable-readline. That also drops programmable
# completion, so `compgen` and `complete` do not exist there ("command not found", exit 127),
# while the host's Debian bash has them. A script that passes on the host can then fail in Nix.
#
# What: the upstream bash tree (Debian's orig tarball) plus the official upstream patches
# (bash53-NNN, which Debian's source package carries as separate files; Debian's own patches are
# not applied), configured with nixpkgs' flags and compile-time defines:
#   --without-bash-malloc --disable-readline
#   -DSYS_BASHRC="/etc/bashrc" -DSYS_BASH_LOGOUT="/etc/bash_logout"
#   -DDEFAULT_PATH_VALUE="/no-such-path" -DSTANDARD_UTILS_PATH="/no-such-path"
#   -DDEFAULT_LOADABLE_BUILTINS_PATH="<prefix>/lib/bash:."
#   -DNON_INTERACTIVE_LOGIN_SHELLS -DSSH_SOURCE_BASHRC
# nixpkgs' pgrp-pipe-5.patch only forces PGRP_PIPE, which configure already sets on Linux.
# The result goes to CACHE_DIR/nix-bash/<version>p<patch level>/bin/bash, built in a .partial
# folder that is renamed only once the shell passed its checks; an existing result is reused.
#
# usage: build-nix-bash.sh BASH_ORIG_TARBALL BASH_DEBIAN_TARBALL CACHE_DIR
#   (the two tarballs are the BASH_ORIG_TARBALL and BASH_DEBIAN_TARBALL lines printed by
#   suite/scripts/fetch-debian-parts.sh)
# prints, on its last line, NIX_BASH=<path to bin/bash>; everything else goes to stderr.
set -euo pipefail

usage="usage: build-nix-bash.sh BASH_ORIG_TARBALL BASH_DEBIAN_TARBALL CACHE_DIR"
fail() { echo "build-nix-bash: $*" >&2; exit 1; }

[ $# -eq 3 ] || fail "$usage"
orig_tarball=$1 debian_tarball=$2 cache=$3

[ -f "$orig_tarball" ] ||
  fail "no bash source tarball at $orig_tarball: run suite/scripts/fetch-debian-parts.sh and pass its BASH_ORIG_TARBALL"
[ -f "$debian_tarball" ] ||
  fail "no Debian bash tarball at $debian_tarball: run suite/scripts/fetch-debian-parts.sh and pass its BASH_DEBIAN_TARBALL"

# bash_5.3.orig.tar.xz -> 5.3; the upstream patches are then debian/patches/bash53-NNN.diff.
base_version=$(basename "$orig_tarball")
base_version=${base_version#bash_}
base_version=${base_version%%.orig.tar.*}
[[ $base_version =~ ^[0-9]+\.[0-9]+$ ]] ||
  fail "$orig_tarball is not named bash_<major>.<minor>.orig.tar.*: pass Debian's bash orig tarball"
patch_prefix="bash${base_version//./}-"

mapfile -t upstream_patches < <(tar -tJf "$debian_tarball" |
  sed -n "s|^debian/patches/\(${patch_prefix}[0-9][0-9][0-9]\)\.diff$|\1|p" | sort)
patch_level=${#upstream_patches[@]}
for ((i = 0; i < patch_level; i++)); do
  expected=$(printf '%s%03d' "$patch_prefix" $((i + 1)))
  [ "${upstream_patches[i]}" = "$expected" ] ||
    fail "$debian_tarball has ${upstream_patches[i]} where $expected belongs: pass a complete Debian bash source"
done
version="${base_version}p${patch_level}"

out="${cache%/}/nix-bash/$version"
if [ -x "$out/bin/bash" ]; then
  echo "NIX_BASH=$out/bin/bash"
  exit 0
fi

for tool in cc make patch tar xz; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install build-essential xz-utils"
done

partial="$out.partial"
rm -rf "$partial"
mkdir -p "$partial/src" "$partial/debian"
log="$partial/build.log"

# Runs a build step with its output in the log; on failure shows the log's end and says what failed.
step() {
  local what=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "$what failed (full log: $log); the C toolchain may be incomplete: apt-get install build-essential"
  fi
}

start=$SECONDS
echo "build-nix-bash: building bash $version into $out" >&2
tar -xJf "$orig_tarball" -C "$partial/src" --strip-components=1
tar -xJf "$debian_tarball" -C "$partial/debian" debian/patches
for name in "${upstream_patches[@]}"; do
  patch -d "$partial/src" -p1 --forward --batch -s <"$partial/debian/debian/patches/$name.diff" >>"$log" 2>&1 ||
    fail "upstream patch $name does not apply to $orig_tarball (log: $log): pass the orig and Debian tarballs of one Debian version"
done

defines=(
  "-DSYS_BASHRC='\"/etc/bashrc\"'"
  "-DSYS_BASH_LOGOUT='\"/etc/bash_logout\"'"
  "-DDEFAULT_PATH_VALUE='\"/no-such-path\"'"
  "-DSTANDARD_UTILS_PATH='\"/no-such-path\"'"
  "-DDEFAULT_LOADABLE_BUILTINS_PATH='\"$out/lib/bash:.\"'"
  -DNON_INTERACTIVE_LOGIN_SHELLS
  -DSSH_SOURCE_BASHRC
)
(
  cd "$partial/src"
  step configure ./configure --prefix="$out" --without-bash-malloc --disable-readline \
    CFLAGS="-g -O2 ${defines[*]}"
  step "make -j2" make -j2
)
grep -q '^#define PGRP_PIPE 1' "$partial/src/config.h" ||
  fail "configure did not define PGRP_PIPE (nixpkgs forces it with pgrp-pipe-5.patch): this script expects a Linux host"

mkdir -p "$partial/bin"
cp "$partial/src/bash" "$partial/bin/bash"
ln -s bash "$partial/bin/sh"
bash_bin="$partial/bin/bash"

# --- checks: no completion builtins, the right patch level, ordinary scripting works ------------
check_absent() {
  local builtin=$1 rc=0 err
  err=$("$bash_bin" -c "$builtin" 2>&1 >/dev/null) || rc=$?
  [ "$rc" -eq 127 ] ||
    fail "the built bash ran \`$builtin\` with exit $rc, not 127 (command not found): it was not configured with --disable-readline; remove $partial and run again"
  echo "build-nix-bash: check: bash -c '$builtin' -> exit 127: $err" >&2
}
check_absent 'compgen -G /'
check_absent 'complete'

# shellcheck disable=SC2016 # expanded by the built bash, not here
versinfo=$("$bash_bin" -c 'echo "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}p${BASH_VERSINFO[2]}"')
[ "$versinfo" = "$version" ] ||
  fail "the built bash reports $versinfo, not $version: the upstream patches did not all apply; remove $partial and run again"

cat >"$partial/check.sh" <<'EOF'
set -euo pipefail
words=(one "two words" three)
words+=(four)
[[ ${#words[@]} -eq 4 && ${words[1]} == "two words" && ${words[*]: -1} == four ]]
declare -A map=([key]=value)
[[ ${map[key]} == value ]]
[[ abc =~ ^a(b)c$ && ${BASH_REMATCH[1]} == b ]]
shopt -s nullglob
none=(/no-such-dir-*/file)
[[ ${#none[@]} -eq 0 ]]
echo "arrays, [[ ]] and nullglob work"
EOF
script_out=$("$bash_bin" "$partial/check.sh" 2>&1) ||
  fail "the built bash failed a plain script ($partial/check.sh): $script_out"
echo "build-nix-bash: check: script: $script_out" >&2

rm -rf "$partial/src" "$partial/debian" "$partial/check.sh"
rm -rf "$out"
mv "$partial" "$out"
echo "build-nix-bash: bash $version built in $((SECONDS - start)) s" >&2
echo "NIX_BASH=$out/bin/bash"
