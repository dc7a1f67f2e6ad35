#!/usr/bin/env bash
# The fast from-source form: builds only the standard library for the WASI targets with Rust's
# bootstrap at stage 0 (local rebuild on top of the stage-0 compiler of the same version), then
# assembles a toolchain: a real copy of the stage-0 toolchain with the new std added to its
# sysroot. rustc finds its sysroot from the real path of its own files, so the copy must not be a
# folder of symlinks to the original.
#
# usage: build-std.sh --source DIR --config FILE --wasi-sdk DIR --out DIR [--target T]...
#   --source   a writable rustc source tree (the build goes to its build/ folder)
#   --config   bootstrap.toml from bootstrap-config.sh --mode std
#   --out      the toolchain to create
set -euo pipefail

fail() { echo "build-std: $*" >&2; exit 1; }

source="" config="" wasi_sdk="" out=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --wasi-sdk) wasi_sdk=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    *) fail "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(wasm32-wasip2)
[ -n "$source" ] && [ -n "$config" ] && [ -n "$wasi_sdk" ] && [ -n "$out" ] ||
  fail "--source, --config, --wasi-sdk and --out are required"
[ -f "$config" ] || fail "no bootstrap configuration at $config"

stage0=$(sed -n 's/^rustc = "\(.*\)\/bin\/rustc"$/\1/p' "$config" | head -n1)
host=$(sed -n 's/^build = "\(.*\)"$/\1/p' "$config" | head -n1)
[ -x "$stage0/bin/rustc" ] || fail "the configuration names no usable stage-0 rustc"

# Bootstrap's sanity check wants wasm-component-ld for wasip2; official toolchains carry it next
# to rust-lld.
if [ -x "$stage0/lib/rustlib/$host/bin/wasm-component-ld" ]; then
  PATH="$stage0/lib/rustlib/$host/bin:$PATH"
fi
command -v wasm-component-ld >/dev/null ||
  fail "no wasm-component-ld in $stage0/lib/rustlib/$host/bin or on PATH: add it to PATH (nixpkgs' wasm-component-ld, or cargo install wasm-component-ld)"

target_args=()
for target in "${targets[@]}"; do target_args+=(--target "$target"); done

cd "$source"
WASI_SDK_PATH="$wasi_sdk" python3 x.py build --config "$config" --stage 0 library "${target_args[@]}"

# The toolchain: hard links where the file system allows, a plain copy otherwise.
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -al "$(readlink -f "$stage0")" "$out" 2>/dev/null || { rm -rf "$out"; cp -a "$(readlink -f "$stage0")" "$out"; }

for target in "${targets[@]}"; do
  deps="$source/build/$host/stage0-std/$target/dist/deps"
  [ -d "$deps" ] || deps=$(dirname "$(find "$source/build/$host/stage0-std/$target" -name 'libstd-*.rlib' -path '*/deps/*' | head -n1)")
  [ -d "$deps" ] && compgen -G "$deps/libstd-*.rlib" >/dev/null || fail "no libstd rlib for $target under $source/build/$host/stage0-std"
  libdir="$out/lib/rustlib/$target/lib"
  rm -rf "$out/lib/rustlib/$target"
  mkdir -p "$libdir/self-contained"
  cp "$deps"/*.rlib "$libdir/"
  cp "$deps"/*.rmeta "$libdir/" 2>/dev/null || true
  # The C runtime that bootstrap took from the SDK's sysroot for the self-contained linker.
  for file in libc.a crt1-command.o crt1-reactor.o; do
    cp "$wasi_sdk/share/wasi-sysroot/lib/$target/$file" "$libdir/self-contained/"
  done
  # rustup's marker of installed components, so tools that read it see the target.
  echo "rust-std-$target" >>"$out/lib/rustlib/components"
done
echo "build-std: toolchain with ${targets[*]} std at $out"
