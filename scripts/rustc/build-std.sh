#!/usr/bin/env bash
# The fast from-source form: builds only the standard library for the WASI targets with Rust's
# bootstrap at stage 0 (local rebuild on top of the stage-0 compiler of the same version) and
# lays it out as a rust-std component (lib/rustlib/<target>/lib, with self-contained/).
# With --toolchain-out it also assembles a toolchain: a real copy of the stage-0 toolchain with
# the new std in its sysroot. rustc finds its sysroot from the real path of librustc_driver, so
# that copy must not be a folder of symlinks to the original (the Nix package does the same with
# a symlink join whose compiler files are copied: nix/packages/rust-std-from-source.nix).
#
# usage: build-std.sh --source DIR --config FILE --wasi-sdk DIR --std-out DIR
#                     [--build-dir DIR] [--toolchain-out DIR] [--target T[,T...]]...
#   --source         a rustc source tree; it is only read unless a patch below is to be applied
#                    (--panic unwind, --unix-temp-dir true), which needs it writable
#   --build-dir      bootstrap's build folder (default: the source tree's build/)
#   --config         bootstrap.toml from bootstrap-config.sh --mode std
#   --std-out        the rust-std tree to create
#   --toolchain-out  the toolchain to create
#   --target         the targets of the configuration, repeatable or comma-separated (default:
#                    wasm32-wasip2); one bootstrap run builds them all, each std is laid out and
#                    joined
#   --panic          abort or unwind, as the configuration was written (bootstrap-config.sh
#                    --panic; default: abort). unwind also patches libtest so that
#                    #[should_panic] tests run (patches/libtest-should-panic-unwind.patch,
#                    applied to the source tree once) and puts libcpp_exception_tag.a, the Wasm
#                    exception tag C++ runtimes define and wasi-sdk's (before 33) do not, beside
#                    each target's std: crates link it with -Clink-arg=-lcpp_exception_tag
#   --unix-temp-dir  true or false: std::env::temp_dir() returns TMPDIR, else /tmp, as on Unix,
#                    instead of panicking (patches/std-wasi-temp-dir.patch; default: true with
#                    --panic unwind, else false)
set -euo pipefail

fail() { echo "build-std: $*" >&2; exit 1; }
# True when a glob matched: its first word is then a real file. (Not `compgen -G`: nixpkgs builds
# the stdenv's bash without readline, and with it go the completion builtins.)
matched() { [ -e "$1" ]; }

source="" config="" wasi_sdk="" std_out="" build_dir="" toolchain_out="" panic=abort unix_temp_dir=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --wasi-sdk) wasi_sdk=$2; shift 2 ;;
    --std-out) std_out=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --toolchain-out) toolchain_out=$2; shift 2 ;;
    --target) IFS=, read -r -a listed <<<"$2"; targets+=("${listed[@]}"); shift 2 ;;
    --panic) panic=$2; shift 2 ;;
    --unix-temp-dir) unix_temp_dir=$2; shift 2 ;;
    *) fail "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(wasm32-wasip2)
if [ -z "$source" ] || [ -z "$config" ] || [ -z "$wasi_sdk" ] || [ -z "$std_out" ]; then
  fail "--source, --config, --wasi-sdk and --std-out are required"
fi
[ -f "$config" ] || fail "no bootstrap configuration at $config"
[ -n "$build_dir" ] || build_dir="$source/build"
# Both are read after the script moves into the source tree.
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
mkdir -p "$build_dir" && build_dir="$(cd "$build_dir" && pwd)"
case "$panic" in abort | unwind) ;; *) fail "--panic must be abort or unwind, not '$panic'" ;; esac
[ -n "$unix_temp_dir" ] || { [ "$panic" = unwind ] && unix_temp_dir=true || unix_temp_dir=false; }
case "$unix_temp_dir" in true | false) ;; *) fail "--unix-temp-dir must be true or false, not '$unix_temp_dir'" ;; esac
# The configuration decides how std is compiled, this script what goes with it: both must agree.
if grep -q '^rustflags = .*"-Cpanic=unwind"' "$config"; then
  [ "$panic" = unwind ] ||
    fail "$config builds an unwinding std: pass --panic unwind (it adds the exception tag and the libtest patch), or write the configuration without bootstrap-config.sh --panic unwind"
elif [ "$panic" = unwind ]; then
  fail "$config builds an aborting std: write it with bootstrap-config.sh --panic unwind"
fi

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

# x.py takes one --target with a comma-separated list.
target_list=$(IFS=,; echo "${targets[*]}")

# Applies patches/PATCH to the source tree unless FILE already has MARKER (a derivation applies
# the patches in its patch phase, where they are then found applied).
apply_once() { # PATCH FILE MARKER
  local patch_file file="$source/$2"
  grep -qF -- "$3" "$file" && return 0
  [ -w "$file" ] || fail "$file is read-only and needs $1: pass a writable copy of the source as --source"
  patch_file="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/patches/$1"
  [ -f "$patch_file" ] || fail "no $patch_file beside this script"
  # A copy of the file first: the tree may be hard-linked to another one.
  cp "$file" "$file.unpatched" && mv -f "$file.unpatched" "$file"
  patch --forward --silent -p1 -d "$source" <"$patch_file" ||
    fail "$patch_file does not apply to $source (a Rust other than 1.95?): adapt it to $2"
}
if [ "$panic" = unwind ]; then
  apply_once libtest-should-panic-unwind.patch library/test/src/lib.rs '&& !cfg!(panic = "unwind");'
fi
if [ "$unix_temp_dir" = true ]; then
  apply_once std-wasi-temp-dir.patch library/std/src/sys/pal/wasi/os.rs 'crate::env::var_os("TMPDIR")'
fi

# No bytecode beside bootstrap's Python: the source tree may be read-only (the Nix store's).
cd "$source"
PYTHONDONTWRITEBYTECODE=1 WASI_SDK_PATH="$wasi_sdk" python3 x.py build --config "$config" \
  --build-dir "$build_dir" --stage 0 library --target "$target_list"

rm -rf "$std_out"
for target in "${targets[@]}"; do
  deps="$build_dir/$host/stage0-std/$target/dist/deps"
  [ -d "$deps" ] || deps=$(dirname "$(find "$build_dir/$host/stage0-std/$target" -name 'libstd-*.rlib' -path '*/deps/*' | head -n1)")
  if [ ! -d "$deps" ] || ! matched "$deps"/libstd-*.rlib; then
    fail "no libstd rlib for $target under $build_dir/$host/stage0-std"
  fi
  libdir="$std_out/lib/rustlib/$target/lib"
  mkdir -p "$libdir/self-contained"
  cp "$deps"/*.rlib "$libdir/"
  cp "$deps"/*.rmeta "$libdir/" 2>/dev/null || true
  # The C runtime from the SDK's sysroot, which the self-contained linking of wasip2 uses.
  # wasm32-wasip3 takes wasip2's where the SDK has no wasip3 sysroot, as bootstrap does.
  crt="$wasi_sdk/share/wasi-sysroot/lib/$target"
  [ "$target" = wasm32-wasip3 ] && [ ! -e "$crt" ] && crt="$wasi_sdk/share/wasi-sysroot/lib/wasm32-wasip2"
  for file in libc.a crt1-command.o crt1-reactor.o; do
    cp "$crt/$file" "$libdir/self-contained/"
  done
  if [ "$panic" = unwind ]; then
    # std throws and catches with the tag C++ runtimes define; the SDK's libc++abi is built
    # without exceptions and defines none, so wasm-component-ld would be left with an import
    # it refuses (env::__cpp_exception). An archive, so that only what throws pulls it in.
    tag_dir=$(mktemp -d)
    printf '.tagtype __cpp_exception i32\n.globl __cpp_exception\n__cpp_exception:\n' >"$tag_dir/tag.s"
    clang="$wasi_sdk/bin/$target-clang"
    [ -x "$clang" ] || clang="$wasi_sdk/bin/wasm32-wasip2-clang"
    "$clang" -mexception-handling -c "$tag_dir/tag.s" -o "$tag_dir/cpp_exception_tag.o"
    "$wasi_sdk/bin/llvm-ar" rcs "$libdir/self-contained/libcpp_exception_tag.a" "$tag_dir/cpp_exception_tag.o"
    rm -rf "$tag_dir"
  fi
done
if [ "$panic" = unwind ]; then
  echo "build-std: ${targets[*]} std, unwinding, at $std_out"
else
  echo "build-std: ${targets[*]} std at $std_out"
fi

if [ -n "$toolchain_out" ]; then
  # Hard links where the file system allows, a plain copy otherwise.
  rm -rf "$toolchain_out"
  mkdir -p "$(dirname "$toolchain_out")"
  cp -al "$(readlink -f "$stage0")" "$toolchain_out" 2>/dev/null ||
    { rm -rf "$toolchain_out"; cp -a "$(readlink -f "$stage0")" "$toolchain_out"; }
  for target in "${targets[@]}"; do
    rm -rf "$toolchain_out/lib/rustlib/$target"
    cp -r "$std_out/lib/rustlib/$target" "$toolchain_out/lib/rustlib/$target"
    # rustup's record of installed components, so tools that read it see the target. Written
    # anew, never appended to: the copy may hard-link the stage-0 toolchain's own file.
    components="$toolchain_out/lib/rustlib/components"
    { cat "$components"; echo "rust-std-$target"; } >"$components.new"
    mv "$components.new" "$components"
  done
  # The library's source, as rustup's rust-src component would place it: diagnostics quote it.
  if [ ! -e "$toolchain_out/lib/rustlib/src/rust/library" ]; then
    mkdir -p "$toolchain_out/lib/rustlib/src"
    rm -rf "$toolchain_out/lib/rustlib/src/rust"
    ln -s "$(cd "$source" && pwd)" "$toolchain_out/lib/rustlib/src/rust"
  fi
  echo "build-std: toolchain with ${targets[*]} std at $toolchain_out"
fi
