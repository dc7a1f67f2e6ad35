#!/usr/bin/env bash
# Runs popular crates' own test suites (unit, integration and doc-tests), at the versions
# bench/crate-suites.txt pins, natively and for wasm32-wasip2 under the dev shell's plain runner,
# under wasi-test-runner, and under cargo-nextest with wasi-test-runner, then as devShells.unwind
# builds them (the unwinding std, its flags for rustc and rustdoc, wasi-test-runner; and nextest
# beside it); prints passed/failed/
# ignored per kind and the difference from native, and compares the counts with the ones
# recorded in bench/crate-suites.txt. Uses the toolchain the offline suite built (run it first).
#
# usage: bench/crate-suites.sh [--fetch] [CRATE...]
#   --fetch   only download the crates and their locked dev-dependencies into the cargo home
#             (any cargo 1.95 will do; no toolchain or Wasmtime needed); later runs need no network
#   CRATE     run only these crates of the list
# variables: CRATE_SUITES_TOOLCHAIN (default $SUITE_WORK/toolchain-wasip2; SUITE_WORK defaults to
#   target/offline-suite), WASMTIME (else wasmtime on PATH:
#   `source .ci/env.sh`), WASI_TEST_RUNNER (else target/release/wasi-test-runner),
#   CRATE_SUITES_RUNNERS (default "native wasmtime wasi-test-runner nextest unwind unwind-nextest";
#   also wasmtime-tmp: the plain runner with the host's /tmp granted too),
#   CRATE_SUITES_UNWIND_TOOLCHAIN (default $SUITE_WORK/toolchain-wasip2-unwind: the unwind rows),
#   WASIP2_OFFLINE_CACHE (default ~/.cache/wasip2-flake: its cargo-home-rust-1.95.0 holds the
#   crates), CRATE_SUITES_OUT (default target/crate-suites: sources, builds, logs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
list="$repo/bench/crate-suites.txt"
work=${SUITE_WORK:-$repo/target/offline-suite}
toolchain=${CRATE_SUITES_TOOLCHAIN:-$work/toolchain-wasip2}
unwind_toolchain=${CRATE_SUITES_UNWIND_TOOLCHAIN:-$work/toolchain-wasip2-unwind}
# What devShells.unwind gives rustc and rustdoc for the target (nix/lib/dev-env.nix; the C++
# library flags aside, which no crate here needs).
unwind_flags="-Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false -C link-arg=-lcpp_exception_tag"
out=${CRATE_SUITES_OUT:-$repo/target/crate-suites}
cache=${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}
# The cargo home the offline suite fills for Rust 1.95.0, so one cache serves CI; never ~/.cargo.
export CARGO_HOME=${CRATE_SUITES_CARGO_HOME:-$cache/cargo-home-rust-1.95.0}

die() {
  echo "crate-suites: $*" >&2
  exit 2
}

fetch_only=no
wanted=()
for arg in "$@"; do
  case "$arg" in
    --fetch) fetch_only=yes ;;
    -*) die "unknown option $arg (usage: bench/crate-suites.sh [--fetch] [CRATE...])" ;;
    *) wanted+=("$arg") ;;
  esac
done

crates=()
declare -A version=()
while read -r word name ver _; do
  [ "$word" = crate ] || continue
  version[$name]=$ver
  if [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $name "* ]]; then
    crates+=("$name")
  fi
done <"$list"
for name in "${wanted[@]}"; do
  [ -n "${version[$name]:-}" ] || die "$name is not in $list (add a line: crate $name VERSION)"
done

if [ "$fetch_only" = no ]; then
  if [ ! -x "$toolchain/bin/cargo" ] || [ ! -d "$toolchain/lib/rustlib/wasm32-wasip2" ]; then
    die "$toolchain has no cargo with the wasm32-wasip2 std: run the offline suite first (source .ci/env.sh; cargo test --locked --manifest-path suite/Cargo.toml -- rust-std)"
  fi
  wasmtime=${WASMTIME:-$(command -v wasmtime || true)}
  if [ -z "$wasmtime" ] || [ ! -x "$wasmtime" ]; then
    die "no wasmtime: run \`source .ci/env.sh\` (it puts the cached wasmtime-cli on PATH) or set WASMTIME"
  fi
  runner=${WASI_TEST_RUNNER:-$repo/target/release/wasi-test-runner}
  [ -x "$runner" ] || die "no $runner: run \`cargo build --release -p wasi-test-runner\` or set WASI_TEST_RUNNER"
  export PATH="$toolchain/bin:$PATH" CARGO="$toolchain/bin/cargo" RUSTC="$toolchain/bin/rustc" \
    RUSTDOC="$toolchain/bin/rustdoc" WASMTIME="$wasmtime"
fi
# Nothing of the caller's build settings: the numbers are the crates' own.
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_TARGET CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS \
  CARGO_TARGET_WASM32_WASIP2_RUNNER RUSTDOCFLAGS CARGO_TARGET_DIR

# The sources: a scratch package that depends on each crate exactly makes cargo download it into
# the cargo home's registry; a copy of that folder is then built, since some suites write into
# their own folder.
scratch="$out/scratch"
mkdir -p "$scratch/src" "$out/src" "$out/logs"
: >"$scratch/src/lib.rs"
{
  printf '[package]\nname = "crate-suites-scratch"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n'
  for name in "${crates[@]}"; do printf '%s = "=%s"\n' "$name" "${version[$name]}"; done
} >"$scratch/Cargo.toml"
cargo fetch --quiet --manifest-path "$scratch/Cargo.toml" ||
  die "cargo could not fetch the crates into $CARGO_HOME (the crate registry unreachable? a run after \`bench/crate-suites.sh --fetch\` needs no network)"
for name in "${crates[@]}"; do
  dir="$out/src/$name-${version[$name]}"
  if [ ! -f "$dir/Cargo.toml" ]; then
    from=""
    for d in "$CARGO_HOME"/registry/src/*/"$name-${version[$name]}"; do [ -f "$d/Cargo.toml" ] && from=$d; done
    [ -n "$from" ] || die "$name ${version[$name]} is not in $CARGO_HOME/registry/src after cargo fetch"
    rm -rf "$dir.partial" && cp -R "$from" "$dir.partial" && mv "$dir.partial" "$dir"
  fi
  [ -f "$dir/Cargo.lock" ] || die "$name ${version[$name]} ships no Cargo.lock: its dev-dependencies would float; choose another version"
  cargo fetch --quiet --locked --manifest-path "$dir/Cargo.toml" ||
    die "cannot fetch $name's locked dev-dependencies into $CARGO_HOME"
done
[ "$fetch_only" = yes ] && {
  echo "crate-suites: ${crates[*]} and their dev-dependencies are in $CARGO_HOME"
  exit 0
}
export CARGO_NET_OFFLINE=true CARGO_TARGET_DIR="$out/target"
# Lints change no outcome, and a suite that denies warnings (glob's) would not build for a target
# whose cfg leaves a helper's arguments unused.
export RUSTFLAGS="--cap-lints=warn"

# Counts from a `cargo test` log, one line per kind: KIND PASSED FAILED IGNORED NOT-RUN NOT-BUILT.
# A binary that aborts prints no summary: the test it was running counts as failed, the tests
# libtest listed after it as not run.
count_libtest() {
  awk '
    function close_section() {
      if (kind == "") return
      if (!summary && planned > reported) {
        f[kind] += inflight; nr[kind] += planned - reported - inflight
      }
      kind = ""
    }
    /^ +Running (unittests )?src\// { close_section(); kind = "unit"; init(); next }
    /^ +Running / { close_section(); kind = "integration"; init(); next }
    /^ +Doc-tests / { close_section(); kind = "doc"; init(); next }
    function init() { planned = 0; reported = 0; inflight = 0; summary = 0; seen[kind] = 1 }
    /^error: could not compile `[^`]*` \((lib test|bin "[^"]*" test)\)/ { nb["unit"] = 1; seen["unit"] = 1 }
    /^error: could not compile `[^`]*` \(test "[^"]*"\)/ { nb["integration"] = 1; seen["integration"] = 1 }
    kind != "" && /^running [0-9]+ tests?$/ { planned = $2; next }
    kind != "" && /^test result: / { summary = 1; next }
    kind != "" && /^test .* \.\.\. ok$/ { p[kind]++; reported++; next }
    kind != "" && /^test .* \.\.\. FAILED$/ { f[kind]++; reported++; next }
    kind != "" && /^test .* \.\.\. ignored(, .*)?$/ { i[kind]++; reported++; next }
    kind != "" && /^test .* \.\.\. / { inflight = 1; next }
    END {
      close_section()
      n = split("unit integration doc", kinds, " ")
      for (k = 1; k <= n; k++) {
        K = kinds[k]
        if (K in seen) printf "%s %d %d %d %d %d\n", K, p[K], f[K], i[K], nr[K], nb[K]
      }
    }' "$1"
}

# Counts from a cargo-nextest log (doc-tests are not nextest's). A binary id without `::` is a
# library's unit tests, `crate::bin/x` a binary's, `crate::name` an integration test.
count_nextest() {
  awk '
    $1 ~ /^(PASS|FAIL|SKIP|SIGABRT|SIGSEGV|ABORT|TIMEOUT|LEAK|FLAKY)$/ && $2 ~ /^\[/ {
      id = $(NF - 1)
      kind = (id ~ /::bin\// || id !~ /::/) ? "unit" : "integration"
      seen[kind] = 1
      if ($1 == "PASS" || $1 == "LEAK" || $1 == "FLAKY") p[kind]++
      else if ($1 == "SKIP") i[kind]++
      else f[kind]++
    }
    /^error: could not compile `[^`]*` \((lib test|bin "[^"]*" test)\)/ { nb["unit"] = 1; seen["unit"] = 1 }
    /^error: could not compile `[^`]*` \(test "[^"]*"\)/ { nb["integration"] = 1; seen["integration"] = 1 }
    END {
      n = split("unit integration", kinds, " ")
      for (k = 1; k <= n; k++) {
        K = kinds[k]
        if (K in seen) printf "%s %d %d %d 0 %d\n", K, p[K], f[K], i[K], nb[K]
      }
    }' "$1"
}

# Two cargo runs: a test target that does not build for wasm32-wasip2 stops cargo's build, and
# the doc-tests (rustdoc builds each one alone) would then not run either.
libtest_run() {
  local status=0
  cargo test --locked --no-fail-fast --lib --bins --tests "$@" || status=$?
  cargo test --locked --no-fail-fast --doc "$@" || status=$?
  return $status
}

runners=${CRATE_SUITES_RUNNERS:-native wasmtime wasi-test-runner nextest unwind unwind-nextest}
if [[ " $runners " == *"nextest "* ]] && ! command -v cargo-nextest >/dev/null; then
  echo "crate-suites: no cargo-nextest on PATH (cargo install --locked cargo-nextest): its rows are skipped" >&2
  runners=$(tr ' ' '\n' <<<"$runners" | grep -v nextest | tr '\n' ' ')
fi
if [[ " $runners " == *" unwind"* ]] && [ ! -f "$unwind_toolchain/lib/rustlib/wasm32-wasip2/lib/self-contained/libcpp_exception_tag.a" ]; then
  echo "crate-suites: $unwind_toolchain is not the unwinding toolchain (the offline suite's test-runner-unwind area builds it): the unwind rows are skipped" >&2
  runners=$(tr ' ' '\n' <<<"$runners" | grep -v '^unwind' | tr '\n' ' ')
fi

# In a subshell: the unwinding toolchain, flags for rustc and rustdoc (RUSTFLAGS, which the
# bench sets, outranks cargo's per-target flags), and a target folder of its own.
with_unwind() {
  export PATH="$unwind_toolchain/bin:$PATH" CARGO="$unwind_toolchain/bin/cargo" \
    RUSTC="$unwind_toolchain/bin/rustc" RUSTDOC="$unwind_toolchain/bin/rustdoc" \
    RUSTFLAGS="$RUSTFLAGS $unwind_flags" RUSTDOCFLAGS="--cap-lints=warn $unwind_flags" \
    CARGO_TARGET_DIR="$out/target-unwind" CARGO_TARGET_WASM32_WASIP2_RUNNER="$runner"
  "$@"
}
nextest_run() {
  cargo nextest run --locked --no-fail-fast --target wasm32-wasip2 --color never \
    --status-level all --final-status-level none
}

declare -A counts=()
results="$out/results.txt"
: >"$results"
for name in "${crates[@]}"; do
  dir="$out/src/$name-${version[$name]}"
  for r in $runners; do
    log="$out/logs/$name.$r.log"
    start=$(date +%s)
    status=0
    case "$r" in
      native) (cd "$dir" && libtest_run) >"$log" 2>&1 || status=$? ;;
      wasmtime)
        (cd "$dir" && CARGO_TARGET_WASM32_WASIP2_RUNNER="$wasmtime run -C cache=n --dir ." \
          libtest_run --target wasm32-wasip2) >"$log" 2>&1 || status=$? ;;
      # Not by default: the host's /tmp at /tmp, which tempfile's suite expects on WASI.
      wasmtime-tmp)
        (cd "$dir" && CARGO_TARGET_WASM32_WASIP2_RUNNER="$wasmtime run -C cache=n --dir . --dir /tmp::/tmp" \
          libtest_run --target wasm32-wasip2) >"$log" 2>&1 || status=$? ;;
      wasi-test-runner)
        (cd "$dir" && CARGO_TARGET_WASM32_WASIP2_RUNNER="$runner" libtest_run --target wasm32-wasip2) \
          >"$log" 2>&1 || status=$? ;;
      nextest)
        (cd "$dir" && CARGO_TARGET_WASM32_WASIP2_RUNNER="$runner" nextest_run) >"$log" 2>&1 || status=$? ;;
      unwind) (cd "$dir" && with_unwind libtest_run --target wasm32-wasip2) >"$log" 2>&1 || status=$? ;;
      unwind-nextest) (cd "$dir" && with_unwind nextest_run) >"$log" 2>&1 || status=$? ;;
      *) die "unknown runner $r in CRATE_SUITES_RUNNERS (native, wasmtime, wasmtime-tmp, wasi-test-runner, nextest, unwind, unwind-nextest)" ;;
    esac
    seconds=$(($(date +%s) - start))
    if [[ "$r" == *nextest ]]; then parsed=$(count_nextest "$log"); else parsed=$(count_libtest "$log"); fi
    if [ -z "$parsed" ]; then
      echo "crate-suites: $name under $r ran no test (exit $status): see $log" >&2
      continue
    fi
    while read -r kind passed failed ignored notrun nobuild; do
      counts[$name.$r.$kind]="$passed $failed $ignored $notrun $nobuild"
      echo "expect $name $r $kind $passed $failed $ignored $notrun $nobuild" >>"$results"
    done <<<"$parsed"
    counts[$name.$r.seconds]=$seconds
  done
done

# The table: passed/failed/ignored per kind (+N: not run; "no build": that kind's targets did not
# compile for the target), then the change from native in passed (p), failed (f), ignored (i),
# not run (nr), and tests the target's build does not have (abs: cfg'd out, or not built).
cell() {
  local c=${counts[$1]:-} p f i n nb
  if [ -z "$c" ]; then echo "-"; return; fi
  read -r p f i n nb <<<"$c"
  if [ "$nb" -eq 1 ] && [ $((p + f + i + n)) -eq 0 ]; then echo "no build"; return; fi
  local text="$p/$f/$i"
  [ "$n" -gt 0 ] && text+=" +$n"
  [ "$nb" -eq 1 ] && text+=" (part)"
  echo "$text"
}
delta() {
  local name=$1 r=$2 kinds dp=0 df=0 di=0 dn=0 abs=0 kind p f i n np nf ni text=""
  if [ -z "${counts[$name.native.seconds]:-}" ]; then echo "(native not run)"; return; fi
  kinds="unit integration doc"
  [[ "$r" == *nextest ]] && kinds="unit integration"
  for kind in $kinds; do
    read -r p f i n _ <<<"${counts[$name.$r.$kind]:-0 0 0 0 0}"
    read -r np nf ni _ <<<"${counts[$name.native.$kind]:-0 0 0 0 0}"
    dp=$((dp + p - np)) df=$((df + f - nf)) di=$((di + i - ni)) dn=$((dn + n))
    abs=$((abs + (np + nf + ni) - (p + f + i + n)))
  done
  [ $dp -ne 0 ] && text+="p$(printf '%+d' $dp) "
  [ $df -ne 0 ] && text+="f$(printf '%+d' $df) "
  [ $di -ne 0 ] && text+="i$(printf '%+d' $di) "
  [ $dn -ne 0 ] && text+="nr$dn "
  [ $abs -ne 0 ] && text+="abs$abs "
  echo "${text:-same}"
}
printf '%-10s %-8s %-17s %-10s %-13s %-10s %5s  %s\n' crate version runner unit integration doc s "vs native (doc-tests excluded for nextest)"
for name in "${crates[@]}"; do
  for r in $runners; do
    if [ -z "${counts[$name.$r.seconds]:-}" ]; then
      printf '%-10s %-8s %-17s %s\n' "$name" "${version[$name]}" "$r" "no test ran: see $out/logs/$name.$r.log"
      continue
    fi
    if [ "$r" = native ]; then d=""; else d=$(delta "$name" "$r"); fi
    printf '%-10s %-8s %-17s %-10s %-13s %-10s %5s  %s\n' "$name" "${version[$name]}" "$r" \
      "$(cell "$name.$r.unit")" "$(cell "$name.$r.integration")" "$(cell "$name.$r.doc")" \
      "${counts[$name.$r.seconds]}" "$d"
  done
done
echo "cells: passed/failed/ignored, +N not run; vs native: p passed, f failed, i ignored, nr not run, abs not in the build; s: seconds (build included); Rust $("$RUSTC" --version | cut -d' ' -f2), $("$wasmtime" --version | cut -d' ' -f1-2), $(nproc) cores; logs in $out/logs"

# Against the recorded counts.
changed=0
while read -r word name r kind rest; do
  [ "$word" = expect ] || continue
  [ -n "${counts[$name.$r.seconds]:-}" ] || continue
  now=${counts[$name.$r.$kind]:-none}
  if [ "$now" != "$rest" ]; then
    echo "crate-suites: $name $r $kind: recorded $rest, now $now" >&2
    changed=1
  fi
done <"$list"
if [ $changed -ne 0 ]; then
  echo "crate-suites: counts differ from $list (this run's, as expect lines: $results)" >&2
  exit 1
fi
