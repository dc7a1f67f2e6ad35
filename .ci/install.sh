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

# Tools from the crate registry. The first line of cargo-tools.txt (wasmtime-cli, the longest
# build by far) builds in a folder of its own beside the rest: a build of one crate leaves a core
# idle for long stretches (the link, the largest crates), which the other lane fills. The rest
# share one build folder: they have many crates at the same versions and features (serde, clap,
# syn, the wasm-tools family), which cargo then compiles once. The build folders are removed at
# the end; the installed binaries are what is cached.
build_root=$(mktemp -d "$WASIP2_OFFLINE_CACHE/cargo-tools-build.XXXXXX")
# On a failure, the other lane's cargo is let finish before its folder goes.
trap 'wait; rm -rf "$build_root"' EXIT

# install_tool TARGET_DIR CRATE VERSION BINARY FLAGS...: one tool into its cache folder.
install_tool() {
  local target_dir=$1 crate=$2 version=$3 binary=$4 flags=$5
  local root="$WASIP2_OFFLINE_CACHE/cargo-tools/$crate-$version"
  if [ -x "$root/bin/${binary:-$crate}" ] && [ "$(cat "$root/install-flags" 2>/dev/null)" = "$flags" ]; then
    echo "install: $crate $version (cached)"
    return 0
  fi
  echo "install: cargo install $crate $version $flags"
  local start
  start=$(date +%s)
  rm -rf "$root.partial"
  # shellcheck disable=SC2086 # the flags are separate words
  cargo install --quiet --locked "$crate" --version "$version" --root "$root.partial" \
    --target-dir "$target_dir" $flags
  printf '%s' "$flags" >"$root.partial/install-flags"
  rm -rf "$root" && mv "$root.partial" "$root"
  echo "install: $crate $version took $(($(date +%s) - start)) s"
}

mapfile -t tools < <(grep -v '^#' "$here/cargo-tools.txt" | grep -v '^[[:space:]]*$')
read -r crate version binary flags <<<"${tools[0]}"
install_tool "$build_root/first" "$crate" "$version" "$binary" "$flags" &
first_lane=$!
for line in "${tools[@]:1}"; do
  read -r crate version binary flags <<<"$line"
  install_tool "$build_root/shared" "$crate" "$version" "$binary" "$flags"
done
wait "$first_lane" || {
  echo "install: ${tools[0]%% *} failed to install (its cargo output is above)" >&2
  exit 1
}

# The popular crates whose own test suites the crate-suites area runs offline.
bash "$here/../bench/crate-suites.sh" --fetch
