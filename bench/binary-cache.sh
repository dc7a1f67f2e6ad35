#!/usr/bin/env bash
# What a binary cache saves a user of the from-source std: publishes the closure of a built
# rust-std-wasip2 with publish-cache (a key made here; nix/packages/publish-cache.sh run with bash,
# as the offline suite runs it: the nixpkgs stand-in cannot build the app) to a file:// cache, then
# substitutes it into a second, empty Nix store (a chroot store under the bench folder, never the
# host's /nix/store) with only that cache as substituter and its key trusted. Prints the seconds to
# substitute beside the seconds Nix took to build the same paths here (read from its build logs),
# and the sizes.
#
# usage: bench/binary-cache.sh [OUT_LINK]   (default: target/offline-suite/toolchain-wasip2,
#        which the offline suite's nix-builds area leaves; COMPRESSION=xz|zstd|none, default zstd)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
link=${1:-$repo/target/offline-suite/toolchain-wasip2}
compression=${COMPRESSION:-zstd}
if [ ! -e "$link" ]; then
  echo "binary-cache: $link is missing: build it with the offline suite first:" >&2
  echo "  source .ci/env.sh; cargo test --locked --manifest-path suite/Cargo.toml -- nix-builds" >&2
  exit 1
fi
command -v nix-store >/dev/null || { echo "binary-cache: nix-store not found (apt-get install nix-bin)" >&2; exit 1; }
top=$(readlink -f "$link")
# No other substituter: whatever arrives in the second store comes from this cache.
export NIX_CONFIG="experimental-features = nix-command
substituters ="

bench="$repo/target/bench-binary-cache"
rm -rf "$bench"
mkdir -p "$bench"
publish_cache=(bash "$repo/nix/packages/publish-cache.sh")
nix-store --generate-binary-cache-key bench-cache-1 "$bench/secret.key" "$bench/public.key"
public=$(cat "$bench/public.key")

mapfile -t paths < <(nix-store --query --requisites "$top")
nar_bytes=$(nix path-info --size "${paths[@]}" | awk '{ sum += $2 } END { print sum }')

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v n="$1" 'BEGIN { printf "%.1f MiB", n / 1048576 }'; }

start=$(date +%s.%N)
# Nothing left out: the whole closure is measured, and cache.nixos.org is not asked (no network).
"${publish_cache[@]}" --key-file "$bench/secret.key" --skip-served-by none \
  "file://$bench/cache?compression=$compression" "$top" >"$bench/publish.log" 2>&1
publish_seconds=$(seconds "$start" "$(date +%s.%N)")

start=$(date +%s.%N)
nix-store --store "$bench/store" --realise "$top" --max-jobs 0 \
  --option substituters "file://$bench/cache" --option trusted-public-keys "$public" \
  >"$bench/substitute.log" 2>&1
substitute_seconds=$(seconds "$start" "$(date +%s.%N)")
if grep -q "^building '" "$bench/substitute.log"; then
  echo "binary-cache: the second store built something; see $bench/substitute.log" >&2
  exit 1
fi
invalid=$(nix-store --store "$bench/store" --check-validity --print-invalid "${paths[@]}" 2>/dev/null)
if [ -n "$invalid" ]; then
  echo "binary-cache: the second store lacks: $invalid" >&2
  exit 1
fi

# A build log is created when its build starts and last written when it ends.
build_total=0
build_lines=()
for path in "${paths[@]}"; do
  drv=$(nix-store --query --deriver "$path")
  base=$(basename "$drv")
  log=/nix/var/log/nix/drvs/${base:0:2}/${base:2}.bz2
  [ -e "$log" ] || log=${log%.bz2}
  [ -e "$log" ] || continue
  read -r born written < <(stat -c '%W %Y' "$log")
  [ "$born" -gt 0 ] || continue
  took=$((written - born))
  build_total=$((build_total + took))
  build_lines+=("    ${path#*-}: ${took} s")
done

printf 'binary cache of %s (%s paths), %s cores\n' "${top#*-}" "${#paths[@]}" "$(nproc)"
printf '  NAR size of the closure:          %s\n' "$(mib "$nar_bytes")"
printf '  cache on disk:                    %s (%s)\n' "$(mib "$(du -sb "$bench/cache" | cut -f1)")" "$compression"
printf '  publish (sign, compress, copy):   %s s\n' "$publish_seconds"
printf '  substitute into an empty store:   %s s (--max-jobs 0: nothing built)\n' "$substitute_seconds"
if [ "${#build_lines[@]}" -gt 0 ]; then
  printf '  Nix build of the same paths here: %s s, from its build logs:\n' "$build_total"
  printf '%s\n' "${build_lines[@]}"
else
  printf '  Nix build of the same paths here: no build log found (built elsewhere?)\n'
fi
chmod -R u+w "$bench/store" && rm -rf "$bench/store"
