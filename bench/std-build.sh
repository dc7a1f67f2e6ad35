#!/usr/bin/env bash
# Times the fast from-source form (packages.rust-std-wasip2) on this machine: the same
# bootstrap-config.sh and build-std.sh the derivation runs, from a clean build folder, with the
# parts the offline suite assembled (run `cargo test` first). Prints seconds and sizes.
#
# usage: bench/std-build.sh [SUITE_WORK]   (default: target/offline-suite)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/target/offline-suite}
source_dir="$work/rust-src"
sdk="$work/wasi-sdk"
# The one pin of Rust's version: nix/rust-toolchain.toml.
rust_version=$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$repo/nix/rust-toolchain.toml")
stage0="${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$rust_version-$(uname -m)-unknown-linux-gnu"
for part in "$source_dir/x.py" "$sdk/bin/wasm32-wasip2-clang" "$stage0/bin/rustc"; do
  [ -e "$part" ] || { echo "std-build: $part is missing: run the offline suite (cargo test) first" >&2; exit 1; }
done
llvm_config=$(printf '%s\n' /usr/lib/llvm-*/bin/llvm-config | sort -V | tail -n1)
[ -x "$llvm_config" ] || llvm_config=""

bench="$work/bench-std"
rm -rf "$bench" "$source_dir/build"
mkdir -p "$bench"
bash "$repo/scripts/rustc/bootstrap-config.sh" --source "$source_dir" --stage0 "$stage0" --wasi-sdk "$sdk" \
  --vendor false --compiler-rt-c false --deny-warnings false ${llvm_config:+--llvm-config "$llvm_config"} \
  >"$bench/bootstrap.toml"

start=$(date +%s.%N)
bash "$repo/scripts/rustc/build-std.sh" --source "$source_dir" --config "$bench/bootstrap.toml" \
  --wasi-sdk "$sdk" --std-out "$bench/rust-std" --toolchain-out "$bench/toolchain" >"$bench/build.log" 2>&1
end=$(date +%s.%N)

bootstrap_line=$(grep -m1 'Finished .* target(s) in' "$bench/build.log" || true)
printf 'fast form (stage-0 std for wasm32-wasip2), clean build folder, %s cores\n' "$(nproc)"
printf '  wall time, all:                 %.1f s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
printf '  of which building bootstrap:    %s\n' "${bootstrap_line##* in }"
printf '  std for wasm32-wasip2 (rlibs):  %s\n' "$(du -sh "$bench/rust-std/lib/rustlib/wasm32-wasip2/lib" | cut -f1)"
printf '  rlib files:                     %s\n' "$(find "$bench/rust-std" -name '*.rlib' | wc -l)"
printf '  build folder:                   %s\n' "$(du -sh "$source_dir/build" | cut -f1)"
