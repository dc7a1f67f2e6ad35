#!/usr/bin/env bash
# Builds all of rustc's tests/ui for one WASI target with the flake's own derivations on the
# stand-in (sandboxed Nix, as the offline suite builds them): the shards of
# ui-tests/<target>/shards.txt and their merge (`ui-<t>-full`), or, with --whole, the whole suite
# as one run. Prints the runs' live progress lines as Nix's log shows them, then counts, wall
# time, tests per minute and, sharded, each shard's measured seconds beside the plan's, the
# setup a shard's derivation adds (measured: the wall time less the shards' own seconds), and
# what the measured times predict for 1, 4 and 16 builders. The shards' and the whole run's
# times.txt are kept: `ui-report times` turns them into the folder-time table plans are made from.
# Run the offline suite first (it makes the stand-in: target/offline-suite/nixpkgs-standin).
#
# usage: bench/ui-full.sh --target TRIPLE [--whole] [--max-jobs N] [--work DIR]
#   --target       wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3
#   --whole        one derivation running all of tests/ui instead of the plan's shards
#   --max-jobs N   shards built side by side (default 1: one after another, each with every core)
#   --work DIR     where the report and the times are copied (default: /tmp/ui-bench)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
standin="$repo/target/offline-suite/nixpkgs-standin"

fail() { echo "ui-full: $*" >&2; exit 1; }
target="" whole=false jobs=1 work=/tmp/ui-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --whole) whole=true; shift ;;
    --max-jobs) jobs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) fail "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
case "$target" in
  wasm32-wasip1 | wasm32-wasip2 | wasm32-wasip3) ;;
  *) fail "--target wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3 is required" ;;
esac
case "$jobs" in '' | *[!0-9]* | 0) fail "--max-jobs takes a number, 1 or more" ;; esac
[ -f "$standin/parts.json" ] ||
  fail "no stand-in at $standin: run the offline suite first (cargo test --locked --manifest-path suite/Cargo.toml)"
short=${target#wasm32-}
plan="$repo/ui-tests/$target/shards.txt"

# The suite's sandbox settings (suite/src/support/standin.rs, sandboxed_nix).
# cargo's cache of registry crates, the newest where two releases named it differently.
registry_cache=""
for cache in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/index.crates.io-*; do
  [ -d "$cache" ] || continue
  if [ -z "$registry_cache" ] || [ "$cache" -nt "$registry_cache" ]; then registry_cache=$cache; fi
done
export WASIP2_STANDIN_PARTS="$standin/parts.json"
export NIX_CONFIG="sandbox = true
substituters =
build-users-group = nixbld
system-features = big-parallel
extra-sandbox-paths = /usr /lib /lib64 /etc/alternatives /bin/sh=/bin/busybox ${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}/cargo-tools $registry_cache"
scope="(import $repo/suite/nixpkgs-standin/flake-outputs.nix).legacyPackages.x86_64-linux.wasip2"
if $whole; then
  attribute="ui-$short-whole"
  expression="let s = $scope; in s.ui-$short-report.override { run = s.ui-$short.override { pname = \"$attribute\"; paths = [ \"tests/ui\" ]; failOnUnexpected = false; }; }"
else
  attribute="ui-$short-full"
  expression="let s = $scope; in s.ui-$short-full"
fi

# compiletest's build first, so that the times below are the runs' alone.
nix-build --no-out-link -E "let s = $scope; in s.ui-compiletest" >/dev/null
# Measure a build, not a lookup: the runs' and the report's outputs built before go first.
drv=$(nix-instantiate -E "$expression" 2>/dev/null)
mapfile -t old < <(nix-store --query --requisites "$drv" | grep -E -- "-ui-$short-(full|whole)[^/]*\.drv$" |
  xargs -r nix-store --query --outputs | while read -r path; do [ ! -e "$path" ] || echo "$path"; done)
[ ${#old[@]} -eq 0 ] || nix-store --delete "${old[@]}" >/dev/null

started=$(date +%s)
log="$work/$attribute.log"
mkdir -p "$work"
echo "ui-full: building $attribute with --max-jobs $jobs; the build's log: $log" >&2
# The runs' progress lines and the builds starting, with the time since the start.
out=$(nix-build --no-out-link --max-jobs "$jobs" -E "$expression" 2> >(tee "$log" |
  grep --line-buffered -E "^(run-ui-tests: |building '|ui-report: wasm)" |
  while IFS= read -r line; do printf '[%4d s] %s\n' $(($(date +%s) - started)) "$line" >&2; done))
finished=$(date +%s)
wall=$((finished - started))
sleep 1 # the log's last lines, still in the filter above

rm -rf "${work:?}/$attribute"
mkdir -p "$work/$attribute"
cp -rL "$out/ui-report" "$work/$attribute/"
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
read -r passed failed ignored < <(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
print(t["passed"], t["failed"], t["ignored"])' "$out/ui-report/report.json")
total=$((passed + failed + ignored))
how="whole, one derivation"
$whole || how="$(find "$out/shards" -mindepth 1 -maxdepth 1 | wc -l) shards, --max-jobs $jobs"
printf 'all of tests/ui for %s, %s, %s cores, load %s\n' "$target" "$how" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  tests:            %s (%s passed, %s failed, %s ignored)\n' "$total" "$passed" "$failed" "$ignored"
printf '  wall time:        %s s (Nix build of the runs and the report)\n' "$wall"
printf '  tests per minute: %s\n' "$(awk -v t="$total" -v s="$wall" 'BEGIN { printf "%.0f", t * 60 / (s > 0 ? s : 1) }')"
printf '  report:           %s\n' "$work/$attribute/ui-report/report.html"
if $whole; then
  cp "$out/times.txt" "$work/$attribute/times.txt"
  printf '  times:            %s\n' "$work/$attribute/times.txt"
  exit 0
fi
printf '  %-10s %6s %9s %9s\n' shard tests planned measured
sum=0 count=0
for shard_out in "$out"/shards/*; do
  shard=$(basename "$shard_out")
  cp "$shard_out/times.txt" "$work/$attribute/$shard-times.txt"
  seconds=$(field "$shard_out/report.json" seconds)
  tests=$(($(field "$shard_out/report.json" passed) + $(field "$shard_out/report.json" failed) + $(field "$shard_out/report.json" ignored)))
  planned=$(sed -n "s/^#   $shard: .* folders, \([0-9]*\) s$/\1/p" "$plan")
  printf '  %-10s %6s %8ss %8ss\n' "$shard" "$tests" "${planned:-?}" "$seconds"
  echo "$seconds" >>"$work/$attribute/shard-seconds"
  sum=$((sum + seconds)) count=$((count + 1))
done
printf '  times:            %s/shard-*-times.txt\n' "$work/$attribute"
if [ "$jobs" -eq 1 ]; then
  # One after another: the wall time is every shard's setup and seconds, and the merge.
  setup=$(((wall - sum) / count))
  printf '  setup a shard:    %s s (the wall time less the shards'"'"' own seconds, over %s shards)\n' "$setup" "$count"
  awk -v setup="$setup" '
    { t[NR] = $1 + setup }
    END {
      n = asort(t, sorted, "@val_num_desc")
      split("1 4 16", builders, " ")
      printf "  predicted from these measurements (shards longest first, each on the builder free first):\n"
      for (i = 1; i <= 3; i++) {
        b = builders[i]; delete free; for (j = 1; j <= b; j++) free[j] = 0
        for (k = 1; k <= n; k++) { m = 1; for (j = 2; j <= b; j++) if (free[j] < free[m]) m = j; free[m] += sorted[k] }
        max = 0; for (j = 1; j <= b; j++) if (free[j] > max) max = free[j]
        printf "    %2d builder(s): %4.0f s\n", b, max
      }
    }' "$work/$attribute/shard-seconds"
fi
rm -f "$work/$attribute/shard-seconds"
