#!/usr/bin/env bash
# Runs the default UI-test selection (ui-tests/wasm32-wasip2/selection.txt, what checks.ui-wasip2 runs)
# on this machine with the parts the offline suite built (run `cargo test` first), through the
# same run-ui-tests.sh, and prints counts, wall time and tests per minute.
#
# usage: bench/ui-throughput.sh [SUITE_WORK] [SELECTION_FILE]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/target/offline-suite}
selection=${2:-$repo/ui-tests/wasm32-wasip2/selection.txt}
config="$work/bootstrap-ui.toml"
for part in "$config" "$work/rust-src/x.py" "$work/wasi-sdk/bin/wasm32-wasip2-clang"; do
  [ -e "$part" ] || { echo "ui-throughput: $part is missing: run the offline suite (cargo test) first" >&2; exit 1; }
done
# The one pin of wasmtime-cli's version: .ci/cargo-tools.txt.
wasmtime_version=$(awk '$1 == "wasmtime-cli" { print $2 }' "$repo/.ci/cargo-tools.txt")
wasmtime_dir=$(dirname "$(dirname "$(command -v wasmtime || echo "${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}/cargo-tools/wasmtime-cli-$wasmtime_version/bin/wasmtime")")")

report="$work/bench-ui"
status=0
bash "$repo/ui-tests/run-ui-tests.sh" --source "$work/rust-src" --config "$config" \
  --wasi-sdk "$work/wasi-sdk" --wasmtime "$wasmtime_dir" --report "$report" \
  --selection "$selection" --known-failures "$repo/ui-tests/wasm32-wasip2/known-failures.txt" >/dev/null || status=$?
[ -f "$report/report.json" ] || { echo "ui-throughput: no report (exit $status)" >&2; exit 1; }

read -r passed failed ignored seconds < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["passed"], r["failed"], r["ignored"], r["seconds"])' "$report/report.json")
total=$((passed + failed + ignored))
printf 'UI tests for wasm32-wasip2, selection %s, %s cores\n' "${selection#"$repo"/}" "$(nproc)"
printf '  tests:            %s (%s passed, %s failed, %s ignored)\n' "$total" "$passed" "$failed" "$ignored"
printf '  wall time:        %s s (including bootstrap and compiletest start-up)\n' "$seconds"
printf '  tests per minute: %s (run, not ignored: %s)\n' \
  "$(awk -v t="$total" -v s="$seconds" 'BEGIN { printf "%.0f", t * 60 / (s > 0 ? s : 1) }')" \
  "$(awk -v t="$((passed + failed))" -v s="$seconds" 'BEGIN { printf "%.0f", t * 60 / (s > 0 ? s : 1) }')"
printf '  unexpected:       exit status %s of run-ui-tests.sh (0 = none)\n' "$status"
