#!/usr/bin/env bash
# Builds each template's release component with the toolchain the offline suite built (run
# `cargo test` first) and prints its size: bytes, gzip -9 bytes, and the release profile used.
#
# usage: bench/template-sizes.sh [SUITE_WORK]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/target/offline-suite}
toolchain="$work/toolchain-wasip2"
sdk="$work/wasi-sdk"
for part in "$toolchain/bin/cargo" "$sdk/bin/wasm32-wasip2-clang"; do
  [ -e "$part" ] || { echo "template-sizes: $part is missing: run the offline suite (cargo test) first" >&2; exit 1; }
done

# The dev shell's environment, from the flake's own function.
eval "$(nix-instantiate --eval --strict --json -E \
  "(import $repo/nix/lib/dev-env.nix) { wasiSdk = \"$sdk\"; wasmtime = \"/unused\"; }" |
  python3 -c 'import json, shlex, sys
for k, v in json.load(sys.stdin).items():
    print(f"export {k}={shlex.quote(v)}")')"
unset CARGO_TARGET_WASM32_WASIP2_RUNNER
export PATH="$toolchain/bin:$PATH" RUSTC="$toolchain/bin/rustc"

printf '%-18s %-16s %10s %12s\n' template component bytes "gzip -9"
for dir in "$repo"/templates/*/; do
  name=$(basename "$dir")
  out="$work/bench-sizes/$name"
  target=$(sed -n 's/^target = "\(.*\)"$/\1/p' "$dir/.cargo/config.toml")
  if [ "$target" != wasm32-wasip2 ]; then
    # Its std is built from source for that target only (the suite's templates area builds it
    # with rust-std-wasip3 and measures it there).
    printf '%-18s skipped: it targets %s, not the wasip2 toolchain this script uses\n' "$name" "$target"
    continue
  fi
  # From inside the project, so its .cargo/config.toml (the wasm32-wasip2 target) applies.
  (cd "$dir" && CARGO_TARGET_DIR="$out" cargo build --quiet --release)
  for wasm in "$out"/wasm32-wasip2/release/*.wasm; do
    printf '%-18s %-16s %10s %12s\n' "$name" "$(basename "$wasm")" \
      "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
  done
done
profile=$(sed -n '/^\[profile.release\]/,/^$/p' "$repo/templates/wasip2/Cargo.toml" | tail -n +2 | tr '\n' ' ')
echo "release profile: $profile(Rust $("$toolchain/bin/rustc" --version | cut -d' ' -f2), $(nproc) cores)"
