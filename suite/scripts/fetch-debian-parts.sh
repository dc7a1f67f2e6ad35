#!/usr/bin/env bash
# Downloads the Debian parts that stand in for the flake's network-only inputs, into a cache
# keyed by version, without touching the system's apt configuration:
#   - sid's wasi-libc (the wasm32-wasip2 sysroot that the wasi-sdk tarball would carry),
#   - Debian's rustc 1.95.0 source (the upstream tree with tests/, repacked) and Debian's patches,
#   - Debian's bash source (the upstream bash-5.3 tree, with the official bash53-NNN patches
#     among Debian's), for build-nix-bash.sh.
# The archive address is read from the system's own apt sources so that this script names none.
#
# usage: fetch-debian-parts.sh CACHE_DIR
# prints, on its last lines, KEY=PATH pairs for what it made available.
set -euo pipefail

cache=${1:?usage: fetch-debian-parts.sh CACHE_DIR}
wasi_libc_version=${WASI_LIBC_DEB_VERSION:-0.0~git20260423.161b319-2}
rustc_deb_version=${RUSTC_DEB_VERSION:-1.95.0+dfsg1-2}
bash_deb_version=${BASH_DEB_VERSION:-5.3-4}

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

archive_uri() {
  local uri=""
  local sources=(/etc/apt/sources.list.d/*.sources)
  if [ -e "${sources[0]}" ]; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "fetch-debian-parts: no Debian archive found in /etc/apt/sources*; add one (apt must reach Debian's archive)" >&2
    exit 1
  fi
  printf '%s\n' "$uri"
}

apt_root="$cache/apt-sid"
apt_opts=()
private_apt() {
  local uri
  uri=$(archive_uri)
  mkdir -p "$apt_root/lists/partial" "$apt_root/archives/partial"
  printf 'deb [trusted=yes] %s sid main\ndeb-src [trusted=yes] %s sid main\n' "$uri" "$uri" \
    >"$apt_root/sources.list"
  apt_opts=(
    -o "Dir::Etc::sourcelist=$apt_root/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_root/lists"
    -o "Dir::Cache::archives=$apt_root/archives"
    -o "Dir::Cache::pkgcache=$apt_root/pkgcache.bin"
    -o "Dir::Cache::srcpkgcache=$apt_root/srcpkgcache.bin"
    -o "APT::Get::List-Cleanup=0"
    -o "APT::Sandbox::User=root"
  )
  if [ ! -f "$apt_root/updated" ]; then
    apt-get "${apt_opts[@]}" update -qq
    touch "$apt_root/updated"
  fi
}

# --- wasi-libc --------------------------------------------------------------------------
wasi_libc_dir="$cache/wasi-libc-$wasi_libc_version"
if [ ! -f "$wasi_libc_dir/.complete" ]; then
  private_apt
  rm -rf "$wasi_libc_dir.tmp" && mkdir -p "$wasi_libc_dir.tmp"
  (cd "$wasi_libc_dir.tmp" && apt-get "${apt_opts[@]}" download -qq "wasi-libc=$wasi_libc_version")
  dpkg-deb -x "$wasi_libc_dir.tmp"/wasi-libc_*.deb "$wasi_libc_dir.tmp/root"
  if [ ! -f "$wasi_libc_dir.tmp/root/usr/lib/wasm32-wasip2/libc.a" ]; then
    echo "fetch-debian-parts: wasi-libc $wasi_libc_version has no usr/lib/wasm32-wasip2/libc.a" >&2
    exit 1
  fi
  rm -rf "$wasi_libc_dir" && mv "$wasi_libc_dir.tmp" "$wasi_libc_dir"
  touch "$wasi_libc_dir/.complete"
fi

# --- rustc source -----------------------------------------------------------------------
upstream_version=${rustc_deb_version%%+*}
src_dl="$cache/rustc-src-$rustc_deb_version"
if [ ! -f "$src_dl/.complete" ]; then
  private_apt
  rm -rf "$src_dl.tmp" && mkdir -p "$src_dl.tmp"
  # The archive answers 404 for this version's .dsc while the tarballs download; apt-get still
  # saves what it could, so the exit status is not trusted and the files are checked instead.
  (cd "$src_dl.tmp" && { apt-get "${apt_opts[@]}" source --download-only -qq "rustc=$rustc_deb_version" || true; })
  origs=("$src_dl.tmp"/rustc_*.orig.tar.xz)
  debians=("$src_dl.tmp"/rustc_*.debian.tar.xz)
  if [ ! -f "${origs[0]}" ] || [ ! -f "${debians[0]}" ]; then
    echo "fetch-debian-parts: Debian's rustc $rustc_deb_version source (orig + debian tarballs) did not download" >&2
    ls -la "$src_dl.tmp" >&2
    exit 1
  fi
  rm -rf "$src_dl" && mv "$src_dl.tmp" "$src_dl"
  touch "$src_dl/.complete"
fi

# --- bash source ------------------------------------------------------------------------
bash_dl="$cache/bash-src-$bash_deb_version"
if [ ! -f "$bash_dl/.complete" ]; then
  private_apt
  rm -rf "$bash_dl.tmp" && mkdir -p "$bash_dl.tmp"
  (cd "$bash_dl.tmp" && apt-get "${apt_opts[@]}" source --download-only -qq "bash=$bash_deb_version")
  bash_parts=("$bash_dl.tmp"/bash_*.orig.tar.xz "$bash_dl.tmp"/bash_*.debian.tar.xz)
  if [ ! -f "${bash_parts[0]}" ] || [ ! -f "${bash_parts[1]}" ]; then
    echo "fetch-debian-parts: Debian's bash $bash_deb_version source (orig + debian tarballs) did not download;" \
      "set BASH_DEB_VERSION to a version sid has (apt-cache showsrc bash)" >&2
    ls -la "$bash_dl.tmp" >&2
    exit 1
  fi
  rm -rf "$bash_dl" && mv "$bash_dl.tmp" "$bash_dl"
  touch "$bash_dl/.complete"
fi

echo "WASI_LIBC_ROOT=$wasi_libc_dir/root"
# Each download folder holds one of each (checked when it was made).
first() { printf '%s\n' "$1"; }
echo "RUSTC_ORIG_TARBALL=$(first "$src_dl"/rustc_*.orig.tar.xz)"
echo "RUSTC_DEBIAN_TARBALL=$(first "$src_dl"/rustc_*.debian.tar.xz)"
echo "RUSTC_UPSTREAM_VERSION=$upstream_version"
echo "BASH_ORIG_TARBALL=$(first "$bash_dl"/bash_*.orig.tar.xz)"
echo "BASH_DEBIAN_TARBALL=$(first "$bash_dl"/bash_*.debian.tar.xz)"
