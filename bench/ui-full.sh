#!/usr/bin/env bash
# Runs all of rustc's tests/ui for one WASI target on this machine, whole or in the shards of
# ui-tests/<target>/shards.txt, through the same run-ui-tests.sh and ui-report the derivations
# run, and prints counts, wall time, tests per minute and, sharded, each shard's time and what
# the shard times predict for 1, 4 and 16 builders. Uses the parts the offline suite built (run
# `cargo test --locked --manifest-path suite/Cargo.toml` first); works in a copy of the suite's
# source tree (its build folder copied) so that a run of a quarter of an hour or more does not
# hold the suite's build lock.
#
# usage: bench/ui-full.sh --target TRIPLE [--sharded] [--work DIR] [--toolchain DIR]
#                         [--wasi-sdk DIR] [--suite DIR] [--setup-seconds N]
#   --target         wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3
#   --sharded        run the plan's shards one after another and merge them (ui-report --plan)
#   --work DIR       where the source copy and the reports go (default: /tmp/ui-bench)
#   --toolchain DIR  a toolchain whose sysroot has the target's std (default: the suite's
#                    target/offline-suite/toolchain-<wasipN>)
#   --wasi-sdk DIR   (default: the suite's target/offline-suite/wasi-sdk)
#   --suite DIR      the offline suite's work folder (default: target/offline-suite)
#   --setup-seconds N  what a shard's derivation spends before its tests (unpacking the source,
#                    building bootstrap and compiletest), added to each shard in the prediction
#                    (default 90: the offline subset's Nix build less its tests, measured here)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
suite="$repo/target/offline-suite"

fail() { echo "ui-full: $*" >&2; exit 1; }
target="" sharded=false work=/tmp/ui-bench toolchain="" sdk="" setup=90
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --sharded) sharded=true; shift ;;
    --work) work=$2; shift 2 ;;
    --toolchain) toolchain=$2; shift 2 ;;
    --wasi-sdk) sdk=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --setup-seconds) setup=$2; shift 2 ;;
    *) fail "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
case "$target" in
  wasm32-wasip1 | wasm32-wasip2 | wasm32-wasip3) ;;
  *) fail "--target wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3 is required" ;;
esac
[ -n "$toolchain" ] || toolchain="$suite/toolchain-${target#wasm32-}"
[ -n "$sdk" ] || sdk="$suite/wasi-sdk"
plan="$repo/ui-tests/$target/shards.txt"
known="$repo/ui-tests/$target/known-failures.txt"
for part in "$suite/rust-src/x.py" "$toolchain/bin/rustc" "$sdk/bin/clang" "$plan" "$known"; do
  [ -e "$part" ] || fail "$part is missing: run the offline suite (cargo test --locked --manifest-path suite/Cargo.toml) first, or give it"
done
ls "$toolchain/lib/rustlib/$target/lib/"libstd-*.rlib >/dev/null 2>&1 ||
  fail "$toolchain has no $target std: give --toolchain one that has (scripts/rustc/build-std.sh)"

wasmtime_version=$(awk '$1 == "wasmtime-cli" { print $2 }' "$repo/.ci/cargo-tools.txt")
wasmtime_bin=$(command -v wasmtime || echo "${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}/cargo-tools/wasmtime-cli-$wasmtime_version/bin/wasmtime")
[ -x "$wasmtime_bin" ] || fail "no wasmtime: source .ci/env.sh"
wasmtime_dir=$(dirname "$(dirname "$wasmtime_bin")")
ui_report="$repo/target/release/ui-report"
cargo build --release --locked -q -p ui-report --manifest-path "$repo/Cargo.toml"

# The source: the suite's tree linked (read only here), its build folder copied.
source="$work/rust-src"
if [ ! -e "$source/x.py" ]; then
  mkdir -p "$source"
  for entry in "$suite/rust-src"/* "$suite/rust-src"/.[!.]*; do
    [ "$(basename "$entry")" = build ] || cp -al "$entry" "$source/"
  done
  cp -a "$suite/rust-src/build" "$source/build"
fi
config="$work/bootstrap-$target.toml"
llvm_config=""
for version in $(seq 30 -1 20); do
  [ -x "/usr/lib/llvm-$version/bin/llvm-config" ] && { llvm_config="/usr/lib/llvm-$version/bin/llvm-config"; break; }
done
bash "$repo/scripts/rustc/bootstrap-config.sh" --source "$source" --stage0 "$toolchain" \
  --wasi-sdk "$sdk" --target "$target" --vendor false --compiler-rt-c false --deny-warnings false \
  ${llvm_config:+--llvm-config "$llvm_config"} >"$config"

out="$work/$target-$($sharded && echo sharded || echo whole)"
rm -rf "$out"
mkdir -p "$out"
run() { # NAME ARGS...: one run of the runner; its report goes to $out/NAME
  local name=$1
  shift
  bash "$repo/ui-tests/run-ui-tests.sh" --source "$source" --config "$config" --wasi-sdk "$sdk" \
    --wasmtime "$wasmtime_dir" --report "$out/$name" --target "$target" --known-failures "$known" \
    "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || [ $? -eq 1 ]
}
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

started=$(date +%s)
logs=() shards=()
if $sharded; then
  mapfile -t shards < <(awk '$1 !~ /^#/ && NF == 3 { print $1 }' "$plan" | sort -u)
  for shard in "${shards[@]}"; do
    echo "ui-full: $target $shard" >&2
    run "$shard" --shard "$plan" --shard-name "$shard"
    logs+=("$out/$shard/compiletest.log")
  done
else
  run whole --path tests/ui
  logs+=("$out/whole/compiletest.log")
fi
tests_done=$(date +%s)
merge_args=()
$sharded && merge_args=(--plan "$plan")
"$ui_report" build --out "$out/report" "${merge_args[@]}" "${logs[@]}" >"$out/ui-report.stdout"
finished=$(date +%s)
wall=$((finished - started))
merge=$((finished - tests_done))

read -r passed failed ignored < <(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
print(t["passed"], t["failed"], t["ignored"])' "$out/report/report.json")
total=$((passed + failed + ignored))
how=whole
$sharded && how="${#shards[@]} shards one after another"
printf 'all of tests/ui for %s, %s, %s cores, load %s\n' "$target" "$how" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  tests:            %s (%s passed, %s failed, %s ignored)\n' "$total" "$passed" "$failed" "$ignored"
printf '  wall time:        %s s (%s s of them merging the reports)\n' "$wall" "$merge"
printf '  tests per minute: %s\n' "$(awk -v t="$total" -v s="$wall" 'BEGIN { printf "%.0f", t * 60 / (s > 0 ? s : 1) }')"
printf '  report:           %s\n' "$out/report/report.html"
if $sharded; then
  printf '  %-10s %6s %8s\n' shard tests seconds
  times=()
  for shard in "${shards[@]}"; do
    seconds=$(field "$out/$shard/report.json" seconds)
    tests=$(($(field "$out/$shard/report.json" passed) + $(field "$out/$shard/report.json" failed) + $(field "$out/$shard/report.json" ignored)))
    printf '  %-10s %6s %8s\n' "$shard" "$tests" "$seconds"
    times+=("$seconds")
  done
  # A shard's derivation is its setup and its tests; the shards are independent, the merge
  # waits for all. With B builders like this machine the build takes at least the longest
  # shard and at least the work spread evenly: max(largest, sum / B) + merge.
  printf '%s\n' "${times[@]}" | awk -v setup="$setup" -v merge="$merge" '
    { t = $1 + setup; sum += t; if (t > max) max = t }
    END {
      printf "  predicted wall time, each shard %d s of setup more (max(largest shard, total / builders) + merge):\n", setup
      split("1 4 16", builders, " ")
      for (i = 1; i <= 3; i++) {
        b = builders[i]; spread = sum / b
        printf "    %2d builder(s): %4.0f s\n", b, (spread > max ? spread : max) + merge
      }
    }'
fi
