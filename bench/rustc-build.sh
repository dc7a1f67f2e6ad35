#!/usr/bin/env bash
# Builds packages.rustc-wasip2 (Rust from source with wasm32-wasip2) by Nix, sandboxed, on the
# nixpkgs stand-in, and measures it: wall time of each bootstrap step (from the time each log line
# arrived), the machine's peak extra disk while each step ran, CPU time, the output's size, and a
# floor for 8 and 16 cores from the CPU time. Hours on 2 cores: too long for CI, so
# docs/rustc-from-source.md records the figures with the commit they were taken at.
#
# usage: bench/rustc-build.sh [ATTRIBUTE]   (default: rustc-wasip2; rustc-wasip2-bundled-llvm
#        builds LLVM and LLD in-tree). Run the offline suite once first: it writes the stand-in's
#        parts (target/offline-suite/nixpkgs-standin/parts.json).
#        KEEP=1 keeps the failed build folder (nix-build --keep-failed).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
attribute=${1:-rustc-wasip2}
system=$(uname -m)-linux
parts="$repo/target/offline-suite/nixpkgs-standin/parts.json"
cache=${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}
if [ ! -f "$parts" ]; then
  echo "rustc-build: $parts is missing: run the offline suite first (source .ci/env.sh; cargo test --locked --manifest-path suite/Cargo.toml -- nix-builds)" >&2
  exit 1
fi
command -v nix-build >/dev/null || { echo "rustc-build: nix-build not found (bash .ci/install.sh)" >&2; exit 1; }

bench="$repo/target/bench-rustc-build"
mkdir -p "$bench"
log="$bench/$attribute.log"
disk="$bench/$attribute.disk"
# cargo's cache of the crate registry (the newest, where a machine has two): the stand-in's
# crate downloads.
registry=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/index.crates.io-*; do
  [ -d "$dir" ] || continue
  if [ -z "$registry" ] || [ "$dir" -nt "$registry" ]; then registry=$dir; fi
done
# The offline suite's settings for a sandboxed build here (suite/src/support/standin.rs).
export WASIP2_STANDIN_PARTS="$parts"
export NIX_CONFIG="experimental-features = nix-command
sandbox = true
substituters =
build-users-group = nixbld
system-features = big-parallel
extra-sandbox-paths = /usr /lib /lib64 /etc/alternatives /bin/sh=/bin/busybox $cache/cargo-tools${registry:+ $registry}"

expression="(import $repo/suite/nixpkgs-standin/flake-outputs.nix).packages.$system.$attribute"
drv=$(nix-instantiate --expr "$expression")
echo "rustc-build: $attribute = $drv"

# The disk in use, every 15 s, beside the build: its peak over the first sample is what the
# build folder (and the output) took. Other work on the machine shows up in it too.
used() { df -B1 --output=used "${TMPDIR:-/tmp}" | tail -n1; }
baseline=$(used)
(while :; do printf '%s %s\n' "$(date +%s)" "$(used)"; sleep 15; done) >"$disk" &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT

start=$(date +%s)
set +e
(
  nix-build "$drv" --no-out-link ${KEEP:+--keep-failed} 2>&1 |
    while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done >"$log"
  status=${PIPESTATUS[0]}
  # CPU time of the builder and everything it started (cargo, rustc, cc), as the shell's
  # children.
  times >"$bench/$attribute.times"
  exit "$status"
)
status=$?
set -e
end=$(date +%s)
kill "$sampler" 2>/dev/null || true

# A step starts at one of bootstrap's own progress lines and lasts until the next one.
awk -v end="$end" -v base="$baseline" -v diskfile="$disk" '
  BEGIN { while ((getline l < diskfile) > 0) { split(l, f, " "); t[++n] = f[1]; u[n] = f[2] } }
  function peak(a, b,   i, m) { m = 0; for (i = 1; i <= n; i++) if (t[i] >= a && t[i] <= b && u[i] - base > m) m = u[i] - base; return m }
  {
    text = substr($0, index($0, " ") + 1)
    if (text ~ /^(Building|Assembling|Installing|Dist|Uplifting|Compiling|Copying|Creating|Linking|Configuring LLVM|Running)/) {
      if (count) { finish(count, $1) }
      count++; name[count] = text; begin[count] = $1
    }
  }
  function finish(i, at) { took[i] = at - begin[i]; disk[i] = peak(begin[i], at) }
  END {
    if (count) finish(count, end)
    for (i = 1; i <= count; i++) if (took[i] >= 30)
      printf "  %6d s  peak +%5.1f GiB  %s\n", took[i], disk[i] / 2^30, substr(name[i], 1, 100)
  }' "$log" >"$bench/$attribute.steps"

cpu=$(awk 'NR == 2 { print $1 " " $2 }' "$bench/$attribute.times" |
  awk '{ split($1, u, "m"); split($2, s, "m"); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
peak_all=$(awk -v base="$baseline" '{ if ($2 - base > m) m = $2 - base } END { printf "%.1f", m / 2^30 }' "$disk")
wall=$((end - start))

printf '%s on the stand-in, %s cores, %s\n' "$attribute" "$(nproc)" "$(git -C "$repo" rev-parse --short HEAD)"
if [ "$status" -ne 0 ]; then
  echo "  FAILED after $wall s (exit $status); the log: $log"
  tail -n 30 "$log" | cut -d' ' -f2-
  exit "$status"
fi
out=$(nix-store --query --outputs "$drv")
printf '  wall time:                  %d s (%.1f h)\n' "$wall" "$(awk -v s="$wall" 'BEGIN { print s / 3600 }')"
printf '  CPU time (user + system):   %s s\n' "$cpu"
printf '  floor on 8 / 16 cores:      %.0f / %.0f s (CPU time / cores; the steps that run one crate at a time make it longer)\n' \
  "$(awk -v c="$cpu" 'BEGIN { print c / 8 }')" "$(awk -v c="$cpu" 'BEGIN { print c / 16 }')"
printf '  peak extra disk:            %s GiB\n' "$peak_all"
printf '  output:                     %s (%s)\n' "$out" "$(du -sh "$out" | cut -f1)"
printf '  closure:                    %s MiB\n' "$(nix path-info -S "$out" | awk '{ printf "%.0f", $2 / 1048576 }')"
echo "  steps of 30 s or more (wall, peak extra disk while it ran):"
cat "$bench/$attribute.steps"
