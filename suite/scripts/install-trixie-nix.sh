#!/usr/bin/env bash
# Installs Debian trixie's Nix (nix-bin 2.26) beside the host's bookworm Nix 2.8, which cannot
# evaluate current nixpkgs lib or crane (`lib.fileset` needs Nix >= 2.14, nixpkgs >= 2.18).
# A minbase trixie is bootstrapped into the cache, keyed by version, and bin/nix there runs
# trixie's nix through trixie's own loader and libraries: no chroot, and nothing of the host's Nix
# (its binaries, /etc/nix, its store database) is touched. The archive is the one the host's apt
# uses, so this script names none.
#
# usage: install-trixie-nix.sh [CACHE_DIR]   (default: $WASIP2_OFFLINE_CACHE)
# prints, on its last line, NIX=<path of the wrapper>.
set -euo pipefail

# trixie's nix-bin, upstream version: the cache key. A different version in the archive (a
# stable update) is refused below with the line to change.
version=${TRIXIE_NIX_VERSION:-2.26.3}
cache=${1:-${WASIP2_OFFLINE_CACHE:?install-trixie-nix: give a cache folder or set WASIP2_OFFLINE_CACHE (source .ci/env.sh)}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
root=$cache/trixie-nix-$version

if [ -x "$root/bin/nix" ] && "$root/bin/nix" --version >/dev/null 2>&1; then
  echo "install-trixie-nix: $("$root/bin/nix" --version) at $root (cached)"
  echo "NIX=$root/bin/nix"
  exit 0
fi

command -v debootstrap >/dev/null ||
  {
    echo "install-trixie-nix: debootstrap is missing; run 'bash .ci/install.sh' (it installs .ci/apt-packages.txt)" >&2
    exit 1
  }

# The Debian archive the host's apt reads (deb822 .sources first, then sources.list), never the
# security archive.
archive_uri() {
  local file uri=""
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$file")
    [ -z "$uri" ] || break
  done
  if [ -z "$uri" ]; then
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$file" ] || continue
      uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }' "$file")
      [ -z "$uri" ] || break
    done
  fi
  if [ -z "$uri" ]; then
    echo "install-trixie-nix: no Debian archive (a URI ending in /debian) in /etc/apt/sources.list*; add the one apt should use" >&2
    exit 1
  fi
  printf '%s\n' "$uri"
}
mirror=$(archive_uri)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || {
  echo "install-trixie-nix: $keyring is missing; apt-get install debian-archive-keyring" >&2
  exit 1
}

start=$(date +%s)
work=$(mktemp -d "$cache/trixie-nix-$version.partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "install-trixie-nix: debootstrap --variant=minbase trixie with nix-bin from $mirror"
# libdbi-perl provides perl-dbdabi-94, a virtual package that nix-bin's libdbd-sqlite3-perl
# needs and debootstrap's resolver does not follow.
if ! debootstrap --variant=minbase --include=nix-bin,libdbi-perl --keyring="$keyring" \
  trixie "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 20 "$work/debootstrap.log" >&2
  grep -B3 -A3 'error processing' "$work/root/debootstrap/debootstrap.log" >&2 || true
  echo "install-trixie-nix: debootstrap failed; the logs above are its end and dpkg's errors" >&2
  exit 1
fi

# The loader trixie's nix was linked against, resolved inside the new root (trixie's symlinks
# are relative, so they stay in it).
interpreter=$(readelf -l "$work/root/usr/bin/nix" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
loader=$(realpath -e "$work/root$interpreter")
case "$loader" in
  "$work/root/"*) ;;
  *)
    echo "install-trixie-nix: the loader $interpreter resolves outside the new root ($loader)" >&2
    exit 1
    ;;
esac
multiarch=$(basename "$(dirname "$loader")")
installed=$(dpkg-query --admindir="$work/root/var/lib/dpkg" -W -f='${Version}' nix-bin)
upstream=${installed%%+*}
upstream=${upstream%%-*}
if [ "$upstream" != "$version" ]; then
  echo "install-trixie-nix: trixie's nix-bin is now $installed, not $version; set version=$upstream in $0" >&2
  exit 1
fi

# The wrapper, written with the paths the folder will have after the rename.
mkdir -p "$work/root-bin"
relative_loader=${loader#"$work/root/"}
cat >"$work/root-bin/nix" <<EOF
#!/bin/sh
# trixie's nix $installed, run by trixie's loader on trixie's libraries.
root='$root/root'
exec "\$root/$relative_loader" --argv0 nix \\
  --library-path "\$root/usr/lib/$multiarch:\$root/usr/lib" \\
  "\$root/usr/bin/nix" "\$@"
EOF
chmod +x "$work/root-bin/nix"
mv "$work/root-bin" "$work/bin"

# The folder appears whole or not at all.
chmod 755 "$work"
rm -rf "$root"
mv "$work" "$root"
trap - EXIT
"$root/bin/nix" --version >/dev/null || {
  echo "install-trixie-nix: $root/bin/nix does not run" >&2
  exit 1
}
echo "install-trixie-nix: $("$root/bin/nix" --version) installed in $(($(date +%s) - start)) s at $root"
echo "NIX=$root/bin/nix"
