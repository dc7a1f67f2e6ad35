#!/usr/bin/env bash
# Arranges Debian's LLVM 19 (clang, lld, compiler-rt, libc++ and libc++abi for wasm32) and sid's
# wasi-libc in the layout of an official wasi-sdk release, so that WASI_SDK_PATH=<out> serves Rust's bootstrap
# (bin/<target>-clang, share/wasi-sysroot/lib/<target>) and the cc crate exactly as the pinned
# wasi-sdk does in the flake.
#
# usage: assemble-wasi-sdk.sh WASI_LIBC_ROOT OUT [LLVM_ROOT]
#   WASI_LIBC_ROOT  the unpacked wasi-libc package (holds usr/lib/wasm32-wasip2)
#   LLVM_ROOT       defaults to /usr/lib/llvm-19
set -euo pipefail

libc_root=${1:?usage: assemble-wasi-sdk.sh WASI_LIBC_ROOT OUT [LLVM_ROOT]}
out=${2:?usage: assemble-wasi-sdk.sh WASI_LIBC_ROOT OUT [LLVM_ROOT]}
llvm=${3:-/usr/lib/llvm-19}

fail() { echo "assemble-wasi-sdk: $*" >&2; exit 1; }
[ -x "$llvm/bin/clang" ] || fail "no clang in $llvm/bin (install clang-19)"
[ -x "$llvm/bin/wasm-ld" ] || fail "no wasm-ld in $llvm/bin (install lld-19)"
[ -f "$libc_root/usr/lib/wasm32-wasip2/libc.a" ] || fail "no usr/lib/wasm32-wasip2/libc.a under $libc_root (unpack sid's wasi-libc)"

clang_major=$("$llvm/bin/clang" -dumpversion | cut -d. -f1)
builtins="$llvm/lib/clang/$clang_major/lib/wasi/libclang_rt.builtins-wasm32.a"
[ -f "$builtins" ] || fail "no $builtins (install libclang-rt-$clang_major-dev-wasm32)"
libcxx_include="$llvm/include/wasm32-wasi/c++"
libcxx_lib="$llvm/lib/wasm32-wasi"
[ -f "$libcxx_include/v1/__config_site" ] || fail "no libc++ headers for wasm32 in $llvm (install libc++-$clang_major-dev-wasm32)"
[ -f "$libcxx_lib/libc++.a" ] || fail "no libc++ for wasm32 in $llvm (install libc++-$clang_major-dev-wasm32)"
[ -f "$libcxx_lib/libc++abi.a" ] || fail "no libc++abi for wasm32 in $llvm (install libc++abi-$clang_major-dev-wasm32)"

rm -rf "$out"
mkdir -p "$out/bin" "$out/share/wasi-sysroot/include" "$out/share/wasi-sysroot/lib"
out=$(cd "$out" && pwd)

for tool in clang clang++ wasm-ld lld llvm-ar llvm-nm llvm-ranlib llvm-strip llvm-objdump llvm-dwarfdump; do
  ln -s "$llvm/bin/$tool" "$out/bin/$tool"
done
ln -s llvm-ar "$out/bin/ar"
ln -s llvm-ranlib "$out/bin/ranlib"

# Sysroot: wasi-libc names its preview-1 set both wasm32-wasi and wasm32-wasip1. Each entry is
# linked on its own, so that libc++ can sit beside libc as in wasi-sdk's sysroot:
# include/<target>/c++/v1 and lib/<target>/libc++.a, libc++abi.a. Debian builds one libc++ for
# wasm32-wasi (no threads, no exceptions, no <filesystem>); its objects call only libc's POSIX
# interface, which wasi-libc offers alike for preview 1 and 2.
for target in wasm32-wasip1 wasm32-wasip2; do
  for kind in include lib; do
    mkdir -p "$out/share/wasi-sysroot/$kind/$target"
    for entry in "$libc_root/usr/$kind/$target"/*; do
      ln -s "$entry" "$out/share/wasi-sysroot/$kind/$target/"
    done
  done
  ln -s "$libcxx_include" "$out/share/wasi-sysroot/include/$target/c++"
  for lib in libc++.a libc++abi.a; do
    ln -s "$libcxx_lib/$lib" "$out/share/wasi-sysroot/lib/$target/$lib"
  done
done
# clang++ looks in include/<target>/c++/v1 only when the target-neutral folder exists as well, as
# wasi-sdk's build notes; wasi-sdk ships it empty.
mkdir -p "$out/share/wasi-sysroot/include/c++/v1"

# Resource directory: clang's own headers, and compiler-rt under both names clang 19 may look up.
resource="$out/lib/clang/$clang_major"
mkdir -p "$resource/lib/wasi"
ln -s "$llvm/lib/clang/$clang_major/include" "$resource/include"
ln -s "$builtins" "$resource/lib/wasi/libclang_rt.builtins-wasm32.a"
for target in wasm32-unknown-wasip1 wasm32-unknown-wasip2; do
  mkdir -p "$resource/lib/$target"
  ln -s "$builtins" "$resource/lib/$target/libclang_rt.builtins.a"
done

# wasi-sdk's <target>-clang are links that clang decodes from its own name; Debian's clang lives
# elsewhere, so small wrappers pass the same target, sysroot and resource directory explicitly.
# They find the SDK from their own path, so the folder can move (the Nix stand-in packs it into
# a tarball that unpacks in the store), as a real wasi-sdk can.
for target in wasm32-wasip1 wasm32-wasip2; do
  for driver in clang clang++; do
    cat >"$out/bin/$target-$driver" <<WRAPPER
#!/bin/sh
sdk=\${0%/bin/*}
exec "$llvm/bin/$driver" --target=$target --sysroot="\$sdk/share/wasi-sysroot" -resource-dir="\$sdk/${resource#"$out"/}" "\$@"
WRAPPER
    chmod +x "$out/bin/$target-$driver"
  done
done

echo "WASI_SDK_PATH=$out"
