#!/usr/bin/env bash
# Runs rustc's UI tests for a WASI target (wasm32-wasip2 unless --target says otherwise) with
# Rust's own compiletest, against an external toolchain at stage 0
# (build.compiletest-allow-stage0), with wasmtime on PATH so that bootstrap derives its wasm
# runner exactly as upstream does. Compares the failures with the known-failures list and writes
# into --report: compiletest.log, outcomes.txt, times.txt (when each test was reported),
# report.txt and report.json.
#
# The toolchain named by the configuration's build.rustc must already carry the target's
# std in its own sysroot (scripts/rustc/build-std.sh makes one): compiletest hands tests the
# stage-0 compiler's sysroot. So `--keep-stage-std 0` tells bootstrap not to build a stage-0 std
# of its own that no test would use (Rust 1.95: build_steps/compile.rs, Std::run); it still lays
# out the SDK's self-contained objects, which is why WASI_SDK_PATH stays set.
#
# usage: run-ui-tests.sh --source DIR --config FILE --wasi-sdk DIR --wasmtime DIR --report DIR
#                        (--selection FILE | --path tests/ui/... | --shard FILE | --exact tests/ui/...)...
#                        [--known-failures FILE] [--target TRIPLE] [--build-dir DIR]
#   --target TRIPLE     the target under test (default: wasm32-wasip2); the configuration must
#                       list it (bootstrap-config.sh --target)
#   --wasmtime DIR      a folder with bin/wasmtime
#   --build-dir DIR     bootstrap's build folder (default: SOURCE/build); with it the source may be
#                       read-only (a store path), and x.py runs from the folder that holds DIR
#   --selection FILE    test paths, one per line, `# why` comments allowed
#   --path P            a test path as x.py takes it: compiletest matches it as a substring of the
#                       tests' names, so tests/ui/abi also runs tests/ui/abi-foo/… and any test
#                       whose name contains `abi`
#   --exact P           exactly the tests in folder P (or the file P) and no other: for shards
#   --shard FILE        --exact for each folder of a shard plan's lines `SHARD COUNT FOLDER`
#                       whose SHARD is --shard-name (ui-tests/<target>/shards.txt)
#   --shard-name NAME   the shard of --shard to run
#   --known-failures FILE  test files expected to fail, one per line with `# reason`; without it
#                       the run reports and judges nothing (exit 0 whatever fails)
# Exits 1 on any unexpected failure or unexpected pass, 2 on bad input, 3 when compiletest did not
# run (no test reported, or x.py failing without a failing test).
set -euo pipefail

usage_error() { echo "run-ui-tests: $*" >&2; exit 2; }
# True when a glob matched: its first word is then a real file. (Not `compgen -G`: nixpkgs builds
# the stdenv's bash without readline, and with it go the completion builtins.)
matched() { [ -e "$1" ]; }

source="" config="" wasi_sdk="" wasmtime="" report="" known="" target=wasm32-wasip2
shard_plan="" shard_name="" build_dir=""
paths=() exact=()
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --wasi-sdk) wasi_sdk=$2; shift 2 ;;
    --wasmtime) wasmtime=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    --known-failures) known=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --selection)
      [ -f "$2" ] || usage_error "no selection file $2"
      while read -r path _; do
        case "$path" in '' | '#'*) continue ;; esac
        paths+=("$path")
      done <"$2"
      shift 2 ;;
    --path) paths+=("$2"); shift 2 ;;
    --exact) exact+=("${2%/}"); shift 2 ;;
    --shard) shard_plan=$2; shift 2 ;;
    --shard-name) shard_name=$2; shift 2 ;;
    *) usage_error "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
if [ -z "$source" ] || [ -z "$config" ] || [ -z "$wasi_sdk" ] || [ -z "$wasmtime" ] || [ -z "$report" ]; then
  usage_error "--source, --config, --wasi-sdk, --wasmtime and --report are required"
fi
if [ -n "$shard_plan" ]; then
  [ -f "$shard_plan" ] || usage_error "no shard plan $shard_plan"
  [ -n "$shard_name" ] || usage_error "--shard needs --shard-name: which of the plan's shards to run"
  while read -r name _ folder _; do
    case "$name" in '' | '#'*) continue ;; esac
    [ "$name" = "$shard_name" ] && exact+=("$folder")
  done <"$shard_plan"
  [ ${#exact[@]} -gt 0 ] || usage_error "the shard plan $shard_plan has no shard $shard_name"
fi
[ $((${#paths[@]} + ${#exact[@]})) -gt 0 ] || usage_error "no tests selected (--selection FILE, --path, --exact or --shard)"
[ -n "${EPOCHREALTIME:-}" ] || usage_error "bash ${BASH_VERSION} has no EPOCHREALTIME: run this script with bash 5 or newer"
[ -x "$wasmtime/bin/wasmtime" ] || usage_error "no wasmtime in $wasmtime/bin: the tests that run programs need it"
for path in "${paths[@]}" "${exact[@]}"; do
  [ -e "$source/$path" ] || usage_error "selected path $path does not exist in $source"
done
# compiletest keeps a test when any filter is a substring of its name, `[ui] tests/ui/<path>`
# (Rust 1.95: src/tools/compiletest/src/executor.rs, filter_tests). `tests/ui/abi/` with its
# slash is in the names of the tests below tests/ui/abi and of no other, so it selects that folder
# exactly; x.py's own path arguments lose the slash and the `tests/ui/` (bootstrap strips the
# suite's path), which is why exact folders go as --test-args behind the suite's path.
exact_filters=()
for path in "${exact[@]}"; do
  case "$path" in tests/ui/*) ;; *) usage_error "--exact $path is not below tests/ui" ;; esac
  case "$path" in *[[:space:]]*) usage_error "--exact $path has a space: x.py splits --test-args at spaces" ;; esac
  if [ -d "$source/$path" ]; then exact_filters+=(--test-args "$path/"); else exact_filters+=(--test-args "$path"); fi
done
x_paths=("${paths[@]}")
[ ${#exact[@]} -gt 0 ] && x_paths+=(tests/ui)

stage0=$(sed -n 's/^rustc = "\(.*\)\/bin\/rustc"$/\1/p' "$config" | head -n1)
matched "$stage0"/lib/rustlib/"$target"/lib/libstd-*.rlib ||
  usage_error "the stage-0 toolchain $stage0 has no $target std: build one with scripts/rustc/build-std.sh --target $target"

# wasm32-wasip2 and wasm32-wasip3 link with wasm-component-ld, which official toolchains carry
# next to rust-lld; bootstrap's sanity check wants it on PATH.
host=$(sed -n 's/^build = "\(.*\)"$/\1/p' "$config" | head -n1)
if [ -x "$stage0/lib/rustlib/$host/bin/wasm-component-ld" ]; then
  PATH="$stage0/lib/rustlib/$host/bin:$PATH"
fi

mkdir -p "$report"
report=$(cd "$report" && pwd)
[ -n "$build_dir" ] || build_dir="$source/build"
mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)
log="$report/compiletest.log"

times="$report/times.txt"

# A full run takes a quarter of an hour and writes only into the log: every 30 s (UI_PROGRESS_SECONDS),
# one line with the tests reported of those selected, the failures so far, the time since the start
# and the time left at the rate since the first test.
progress_every=${UI_PROGRESS_SECONDS:-30}
clock() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
# The nap runs apart, its output closed, and is ended with the loop: a sleep left behind would
# hold the caller's pipes open until it ends.
progress() {
  local total finished failed now tests_started="" finished_then=0 finished_last=0 nap=""
  trap '[ -z "$nap" ] || kill "$nap" 2>/dev/null; exit 0' TERM
  while :; do
    sleep "$progress_every" >/dev/null 2>&1 &
    nap=$!
    wait "$nap"
    now=$(date +%s)
    total=$(sed -n 's/^running \([0-9][0-9]*\) tests$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
    if [ "$total" -eq 0 ]; then
      echo "run-ui-tests: $(clock $((now - started))) elapsed: bootstrap and the test helpers, no test yet" >&2
      continue
    fi
    finished=$(wc -l <"$times" | tr -d ' ')
    failed=$(awk '$3 == "FAILED"' "$times" | wc -l | tr -d ' ')
    # The rate is measured from the first look at running tests on.
    if [ -z "$tests_started" ]; then
      tests_started=$now finished_then=$finished finished_last=$finished
      echo "run-ui-tests: $finished/$total tests, $failed failed, $(clock $((now - started))) elapsed" >&2
      continue
    fi
    if [ "$finished" -eq "$finished_then" ]; then
      echo "run-ui-tests: $finished/$total tests, $failed failed, $(clock $((now - started))) elapsed, none reported yet" >&2
    elif [ "$finished" -eq "$finished_last" ]; then
      echo "run-ui-tests: $finished/$total tests, $failed failed, $(clock $((now - started))) elapsed, none in the last $progress_every s" >&2
    else
      echo "run-ui-tests: $finished/$total tests, $failed failed, $(clock $((now - started))) elapsed, about $(clock $(((total - finished) * (now - tests_started) / (finished - finished_then)))) left" >&2
    fi
    finished_last=$finished
  done
}

# Each test's line with the time it was reported (bash's $EPOCHREALTIME, as START-relative
# seconds), for the per-folder time table shards are planned from (ui-report times). compiletest
# runs the tests in name order, as many at once as the build has cores, so within a folder the
# gaps between reports add up to the folder's share of the run.
stamp() {
  local line
  while IFS= read -r line; do
    printf '%s %s\n' "$EPOCHREALTIME" "$line"
  done
}

started=$(date +%s)
: >"$log"
: >"$times"
progress &
progress_pid=$!
set +e
(
  cd "$(dirname "$build_dir")"
  PATH="$wasmtime/bin:$PATH" WASI_SDK_PATH="$wasi_sdk" PYTHONDONTWRITEBYTECODE=1 \
    python3 "$source/x.py" test --config "$config" --build-dir "$build_dir" \
    --stage 0 --keep-stage-std 0 --set build.compiletest-allow-stage0=true --set rust.verbose-tests=true \
    --target "$target" \
    --no-fail-fast --force-rerun "${x_paths[@]}" "${exact_filters[@]}" 2>&1
) | tee "$log" | { grep --line-buffered '^test \[' || true; } |
  stamp | awk -v t0="$started" '{ sub(/,$/, "", $6); printf "%.3f %s %s\n", $1 - t0, $4, $6; fflush() }' >"$times"
status=${PIPESTATUS[0]}
set -e
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
seconds=$(($(date +%s) - started))

# libtest's lines: "test [ui] tests/ui/x.rs ... ok|FAILED|ignored[, reason]".
sed -n 's/^test \[ui\] \([^ ]*\) \.\.\. \(ok\|FAILED\|ignored\).*/\2 \1/p' "$log" | sort -u -k2 >"$report/outcomes.txt"
count() { awk -v w="$1" '$1 == w' "$report/outcomes.txt" | wc -l | tr -d ' '; }
passed=$(count ok)
failed=$(count FAILED)
ignored=$(count ignored)

awk '$1 == "FAILED" { print $2 }' "$report/outcomes.txt" >"$report/failures.txt"
: >"$report/expected-failures.txt"
if [ -n "$known" ]; then
  sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$known" | awk 'NF' | sort -u >"$report/expected-failures.txt"
fi
# An unexpected failure is not in the list; an unexpected pass is listed but ran and passed.
# Without a list (a full run's shard: a report, not a verdict) nothing is judged.
unexpected_failures="" unexpected_passes=""
if [ -n "$known" ]; then
  unexpected_failures=$(comm -23 "$report/failures.txt" "$report/expected-failures.txt")
  unexpected_passes=$(awk '$1 == "ok" { print $2 }' "$report/outcomes.txt" | sort | comm -12 - "$report/expected-failures.txt")
fi

if [ $((passed + failed + ignored)) -eq 0 ]; then
  echo "run-ui-tests: compiletest reported no tests (exit $status); last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 3
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "run-ui-tests: x.py test failed (exit $status) without a failing test; last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 3
fi

indent() { while read -r line; do printf '  %s\n' "$line"; done; }
json_list() {
  local first=1
  printf '['
  while read -r item; do
    [ -n "$item" ] || continue
    [ $first = 1 ] || printf ', '
    printf '"%s"' "$item"
    first=0
  done
  printf ']'
}
{
  printf '{\n  "target": "%s",\n' "$target"
  printf '  "passed": %s,\n  "failed": %s,\n  "ignored": %s,\n  "seconds": %s,\n' "$passed" "$failed" "$ignored" "$seconds"
  printf '  "paths": %s,\n' "$(printf '%s\n' "${paths[@]}" | json_list)"
  printf '  "exact": %s,\n' "$(printf '%s\n' "${exact[@]}" | json_list)"
  printf '  "failures": %s,\n' "$(json_list <"$report/failures.txt")"
  printf '  "unexpected_failures": %s,\n' "$(printf '%s\n' "$unexpected_failures" | json_list)"
  printf '  "unexpected_passes": %s\n}\n' "$(printf '%s\n' "$unexpected_passes" | json_list)"
} >"$report/report.json"
{
  echo "rustc UI tests for $target: $passed passed, $failed failed, $ignored ignored in $seconds s"
  [ ${#paths[@]} -gt 0 ] && echo "paths: ${paths[*]}"
  [ ${#exact[@]} -gt 0 ] && echo "exactly: ${exact[*]}"
  [ -s "$report/failures.txt" ] && { echo "failures:"; sed 's/^/  /' "$report/failures.txt"; }
  [ -n "$known" ] || echo "not judged: no --known-failures list"
  [ -n "$unexpected_failures" ] && { echo "UNEXPECTED failures (not in the known-failures list):"; indent <<<"$unexpected_failures"; }
  [ -n "$unexpected_passes" ] && { echo "UNEXPECTED passes (listed as known failures; remove them from the list):"; indent <<<"$unexpected_passes"; }
  true
} >"$report/report.txt"
cat "$report/report.txt"

[ -z "$unexpected_failures" ] && [ -z "$unexpected_passes" ]
