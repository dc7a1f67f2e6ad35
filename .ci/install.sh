#!/usr/bin/env bash
# Installs everything the offline suite needs, from the project's own lists:
# Debian packages (apt-packages.txt) and the crate registry's tools (cargo-tools.txt, cached by version).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=.ci/env.sh
source "$here/env.sh"

mapfile -t packages < <(grep -v '^#' "$here/apt-packages.txt" | grep -v '^$')
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Nix's sandbox builds as unprivileged build users (the suite's nix-builds area).
if ! getent group nixbld >/dev/null; then
  echo "install: Nix build users nixbld1..4"
  groupadd --system nixbld
  for i in 1 2 3 4; do
    useradd --system --gid nixbld --groups nixbld --home-dir /var/empty --no-create-home \
      --shell /usr/sbin/nologin --comment "Nix build user $i" "nixbld$i"
  done
fi

bash "$here/../suite/scripts/install-trixie-nix.sh" "$WASIP2_OFFLINE_CACHE"

# One build folder for every install: the tools share many crates at the same versions and
# features (serde, clap, syn, the wasm-tools family), which cargo then compiles once. It is
# removed at the end; the installed binaries are what is cached.
shared_target=$(mktemp -d "$WASIP2_OFFLINE_CACHE/cargo-tools-build.XXXXXX")
trap 'rm -rf "$shared_target"' EXIT
while read -r crate version binary flags; do
  case "$crate" in '' | '#'*) continue ;; esac
  root="$WASIP2_OFFLINE_CACHE/cargo-tools/$crate-$version"
  if [ -x "$root/bin/${binary:-$crate}" ] && [ "$(cat "$root/install-flags" 2>/dev/null)" = "$flags" ]; then
    echo "install: $crate $version (cached)"
    continue
  fi
  echo "install: cargo install $crate $version $flags"
  start=$(date +%s)
  rm -rf "$root.partial"
  # shellcheck disable=SC2086 # the flags are separate words
  cargo install --quiet --locked "$crate" --version "$version" --root "$root.partial" \
    --target-dir "$shared_target" $flags
  printf '%s' "$flags" >"$root.partial/install-flags"
  rm -rf "$root" && mv "$root.partial" "$root"
  echo "install: $crate $version took $(($(date +%s) - start)) s"
done <"$here/cargo-tools.txt"

# The popular crates whose own test suites the crate-suites area runs offline.
bash "$here/../bench/crate-suites.sh" --fetch
