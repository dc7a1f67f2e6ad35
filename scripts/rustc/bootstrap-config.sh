#!/usr/bin/env bash
# Writes the bootstrap.toml for building Rust with WASI targets (wasm32-wasip2, and
# wasm32-wasip1 and wasm32-wasip3 beside it), from its inputs.
# The one place where the build's configuration is decided: the flake's derivations
# (rust-std-wasip2, rustc-wasip2, the UI-test checks) and the offline suite all call it.
#
# usage: bootstrap-config.sh --source DIR --stage0 DIR --wasi-sdk DIR [options] > bootstrap.toml
#   --mode std|full        std: only the standard library at stage 0 on top of the stage-0
#                          compiler (local rebuild); full: compiler, cargo and std (default: std)
#   --host TRIPLE          (default: the stage-0 compiler's host)
#   --target TRIPLE[,TRIPLE...]  repeatable, or a comma-separated list (default: wasm32-wasip2);
#                          one bootstrap run builds the std for all of them
#   --llvm external|bundled   full mode: nixpkgs' LLVM via --llvm-config (LLD off, wasm-ld from
#                          the pinned LLD), or LLVM and LLD built in-tree (default: external)
#   --llvm-config PATH     the host's llvm-config (external LLVM)
#   --prefix DIR           install prefix (full mode)
#   --vendor true|false    use the source tarball's vendor/ (default: true)
#   --compiler-rt-c true|false  build compiler-rt's C for wasm with the SDK's clang (default: true;
#                          false for a source without src/llvm-project/compiler-rt)
#   --deny-warnings true|false  (default: true)
#   --panic abort|unwind   the WASI targets' std: abort (the targets' default, as the binary
#                          releases ship it) or unwind through Wasm exception handling, which
#                          build-std.sh --panic unwind completes (default: abort)
set -euo pipefail

fail() { echo "bootstrap-config: $*" >&2; exit 1; }

mode=std source="" stage0="" wasi_sdk="" host="" llvm=external llvm_config="" prefix=""
vendor=true compiler_rt_c=true deny_warnings=true panic=abort
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --source) source=$2; shift 2 ;;
    --stage0) stage0=$2; shift 2 ;;
    --wasi-sdk) wasi_sdk=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --target) IFS=, read -r -a listed <<<"$2"; targets+=("${listed[@]}"); shift 2 ;;
    --llvm) llvm=$2; shift 2 ;;
    --llvm-config) llvm_config=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --vendor) vendor=$2; shift 2 ;;
    --compiler-rt-c) compiler_rt_c=$2; shift 2 ;;
    --deny-warnings) deny_warnings=$2; shift 2 ;;
    --panic) panic=$2; shift 2 ;;
    *) fail "unknown argument $1 (see the usage at the top of this script)" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(wasm32-wasip2)
case "$mode" in std | full) ;; *) fail "--mode must be std or full, not '$mode'" ;; esac
case "$llvm" in external | bundled) ;; *) fail "--llvm must be external or bundled, not '$llvm'" ;; esac
case "$panic" in abort | unwind) ;; *) fail "--panic must be abort or unwind, not '$panic'" ;; esac

# --- the source ---------------------------------------------------------------------------
[ -n "$source" ] || fail "--source DIR (a rustc source tree) is required"
if [ ! -f "$source/src/version" ] || [ ! -f "$source/x.py" ]; then
  fail "$source is not a rustc source tree (no src/version and x.py)"
fi
source_version=$(tr -d '[:space:]' <"$source/src/version")

# --- the stage-0 compiler and bootstrap's version gate -------------------------------------
[ -n "$stage0" ] || fail "--stage0 DIR (a toolchain with bin/rustc and bin/cargo) is required"
if [ ! -x "$stage0/bin/rustc" ] || [ ! -x "$stage0/bin/cargo" ]; then
  fail "$stage0 has no bin/rustc and bin/cargo"
fi
stage0_version=$("$stage0/bin/rustc" --version | awk '{ print $2 }')
stage0_version=${stage0_version%%-*}
IFS=. read -r s_major s_minor _ <<<"$source_version"
IFS=. read -r z_major z_minor _ <<<"$stage0_version"
# Bootstrap accepts a stage-0 compiler of the same version or the previous minor release.
if [ "$z_major" != "$s_major" ] || { [ "$z_minor" != "$s_minor" ] && [ "$z_minor" != "$((s_minor - 1))" ]; }; then
  fail "stage-0 rustc $stage0_version cannot build Rust $source_version: use $s_major.$s_minor.x or $s_major.$((s_minor - 1)).x (rust-overlay's rust-bin.stable.\"$source_version\")"
fi
local_rebuild=false
[ "$z_minor" = "$s_minor" ] && local_rebuild=true
if [ "$mode" = std ] && [ "$local_rebuild" != true ]; then
  fail "the std-only build runs at stage 0 and needs a stage-0 rustc of the source's own version $s_major.$s_minor (got $stage0_version)"
fi
[ -n "$host" ] || host=$("$stage0/bin/rustc" -vV | awk '/^host:/ { print $2 }')
case "$host" in
  x86_64-unknown-linux-gnu | aarch64-unknown-linux-gnu | x86_64-apple-darwin | aarch64-apple-darwin) ;;
  *) fail "host $host is not supported (x86_64/aarch64 Linux and macOS are)" ;;
esac

# --- the WASI SDK -------------------------------------------------------------------------
[ -n "$wasi_sdk" ] || fail "--wasi-sdk DIR (WASI_SDK_PATH) is required"
sysroot="$wasi_sdk/share/wasi-sysroot"
need_sysroot() { # TARGET WHY
  local file
  for file in libc.a crt1-command.o crt1-reactor.o; do
    [ -f "$sysroot/lib/$1/$file" ] ||
      fail "WASI_SDK_PATH=$wasi_sdk has no $sysroot/lib/$1/$file$2: point it at a wasi-sdk >= 22 with the $1 sysroot"
  done
}
for target in "${targets[@]}"; do
  case "$target" in
    wasm32-wasip1 | wasm32-wasip2) need_sysroot "$target" "" ;;
    wasm32-wasip3)
      [ -f "$source/compiler/rustc_target/src/spec/targets/wasm32_wasip3.rs" ] ||
        fail "Rust $source_version has no wasm32-wasip3 target: build it from a source that has one (1.95.0 has)"
      # Until wasi-libc has a wasip3 build, Rust's bootstrap lays out the wasip2 libc.a and crt
      # objects for wasm32-wasip3, and asserts that the SDK has no wasip3 sysroot (Rust 1.95:
      # src/bootstrap/src/core/build_steps/compile.rs, the wasm32-wasip3 branch). wasi-sdk 30 has
      # none: its WASI_SDK_TARGETS stop at wasm32-wasip2, so it ships neither a wasm32-wasip3
      # sysroot nor bin/wasm32-wasip3-clang; wasi-sdk 34 is the first to build wasm32-wasip3.
      if grep -q 'wasi_libdir(TargetSelection::from_user("wasm32-wasip2"))' \
        "$source/src/bootstrap/src/core/build_steps/compile.rs" 2>/dev/null; then
        need_sysroot wasm32-wasip2 ", which Rust $source_version's bootstrap takes for wasm32-wasip3 (no SDK has a wasip3 libc it can use yet)"
        [ ! -e "$sysroot/lib/wasm32-wasip3" ] ||
          fail "WASI_SDK_PATH=$wasi_sdk has a wasm32-wasip3 sysroot ($sysroot/lib/wasm32-wasip3), and Rust $source_version's bootstrap refuses one (it asserts the folder is absent and takes the wasip2 sysroot): use a wasi-sdk without it (22 to 33; the pinned 30 has none), or a Rust whose bootstrap uses it"
      else
        need_sysroot wasm32-wasip3 ""
      fi
      ;;
    *) fail "target $target is not a WASI target this build supports: use wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3" ;;
  esac
  # Bootstrap compiles the target's C with $WASI_SDK_PATH/bin/<target>-clang (cc_detect.rs).
  if [ ! -x "$wasi_sdk/bin/$target-clang" ]; then
    [ "$target" = wasm32-wasip3 ] &&
      fail "WASI_SDK_PATH=$wasi_sdk has no bin/wasm32-wasip3-clang (wasi-sdk 30 ships none): use the flake's wasi-sdk-wasip3, which adds wasm32-wasip3-clang and -clang++ to the SDK"
    fail "WASI_SDK_PATH=$wasi_sdk has no bin/$target-clang: point it at a wasi-sdk >= 22"
  fi
done
for tool in llvm-ar llvm-ranlib; do
  [ -x "$wasi_sdk/bin/$tool" ] ||
    fail "WASI_SDK_PATH=$wasi_sdk has no bin/$tool: point it at a wasi-sdk >= 22"
done
if [ "$llvm" = external ] && [ -n "$llvm_config" ] && [ ! -x "$llvm_config" ]; then
  fail "--llvm-config $llvm_config is not executable"
fi
if [ "$mode" = full ] && [ "$llvm" = external ] && [ -z "$llvm_config" ]; then
  fail "--llvm external needs --llvm-config PATH (or choose --llvm bundled)"
fi
if [ "$mode" = full ] && [ -z "$prefix" ]; then
  fail "--mode full needs --prefix DIR"
fi

# What crates built against an unwinding std must also be built with (nix/lib/dev-env.nix
# gives them to cargo).
unwind_rustflags=(-Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false)

toml_list() {
  local first=1
  printf '['
  for item in "$@"; do
    [ $first = 1 ] || printf ', '
    printf '"%s"' "$item"
    first=0
  done
  printf ']'
}

cat <<TOML
# Generated by scripts/rustc/bootstrap-config.sh (mode $mode) for Rust $source_version.
change-id = "ignore"

[build]
rustc = "$stage0/bin/rustc"
cargo = "$stage0/bin/cargo"
build = "$host"
host = ["$host"]
target = $(toml_list "$host" "${targets[@]}")
local-rebuild = $local_rebuild
vendor = $vendor
docs = false
compiler-docs = false
TOML
if [ "$mode" = std ]; then
  cat <<TOML
extended = false
TOML
else
  # The compiler is compiled once when it can be. A stage-2 compiler exists to be built by
  # the source's own compiler; on a local rebuild the stage-0 compiler already is that (the
  # release of the same version, built from the same source), so the stage-1 compiler it
  # builds is what stage 2 would be, and compiling the compiler a second time adds hours and
  # nothing else. Rust 1.95.0's bootstrap allows it: only stage 0 is refused for build, dist
  # and install (src/bootstrap/src/core/config/config.rs:1146-1170); install's tools are built
  # by the stage below (install.rs:197, `top_stage - 1`), the std by the stage-1 compiler
  # (dist.rs:846 `compiler_for_std(top_stage)`), and on Linux and macOS the compiler links its
  # std statically (compile.rs:2362-2370), so the stage-1 rustc does not load the stage-0
  # std's dylib. From the previous release, stage 2, as bootstrap's dist profile and
  # nixpkgs' rustc.nix (configure, then `make` and `make install`) always build.
  stage=2
  [ "$local_rebuild" = true ] && stage=1
  cat <<TOML
build-stage = $stage
dist-stage = $stage
install-stage = $stage
# wasm-component-ld is built and put next to the compiler: wasm32-wasip2 links with it.
extended = true
tools = ["cargo", "clippy", "rustfmt", "rustdoc", "src", "wasm-component-ld"]
TOML
fi
if [ "$compiler_rt_c" = false ]; then
  cat <<TOML
optimized-compiler-builtins = false
TOML
fi

cat <<TOML

[llvm]
download-ci-llvm = false
ninja = $([ "$mode" = full ] && [ "$llvm" = bundled ] && echo true || echo false)
TOML
if [ "$mode" = full ] && [ "$llvm" = external ]; then
  cat <<TOML
link-shared = true
TOML
fi

cat <<TOML

[rust]
channel = "stable"
download-rustc = false
deny-warnings = $deny_warnings
# The build folder stays out of the std and the compiler: the library's paths become
# /rustc/<commit>/library (the commit from the source's git-commit-info, else the version), the
# vendored crates' /rust/deps, as in the official release, so that what is built with them has
# the same bytes whichever folder built it. A source tarball gets this from bootstrap's implied
# "dist" profile, a git checkout does not; it is written out for both.
remap-debuginfo = true
TOML
if [ "$mode" = full ]; then
  # Rust's bootstrap refuses rust.lld together with an external llvm-config; with the external
  # LLVM, wasm-component-ld finds the pinned LLD's wasm-ld on PATH instead.
  cat <<TOML
lld = $([ "$llvm" = bundled ] && echo true || echo false)
rpath = true
codegen-tests = false
TOML
fi

if [ "$mode" = full ]; then
  # (install goes through dist's tarball folders without compressing them: bootstrap forces
  # the no-op compression profile for `x install`, tarball.rs:376-383.)
  cat <<TOML

[install]
prefix = "$prefix"
sysconfdir = "etc"
TOML
fi

bundled_full=false
[ "$mode" = full ] && [ "$llvm" = bundled ] && bundled_full=true
if [ -n "$llvm_config" ] || [ "$bundled_full" = true ]; then
  cat <<TOML

[target.$host]
TOML
fi
if [ -n "$llvm_config" ]; then
  cat <<TOML
llvm-config = "$llvm_config"
TOML
fi
if [ "$bundled_full" = true ]; then
  # With rust.lld, bootstrap makes x86_64-unknown-linux-gnu compilers link host code with their
  # own rust-lld (toml/target.rs default_linux_linker_overrides), which bypasses nixpkgs' linker
  # wrapper and so leaves the built compiler and tools without Nix library paths. "off" keeps
  # the platform's cc (and its wrapper); on other hosts it is already the default.
  cat <<TOML
default-linker-linux-override = "off"
TOML
fi

for target in "${targets[@]}"; do
  cat <<TOML

[target.$target]
wasi-root = "$wasi_sdk/share/wasi-sysroot"
profiler = false
# The SDK's archiver: the stdenv's AR (GNU ar) would make wasm archives without a symbol index.
ar = "$wasi_sdk/bin/llvm-ar"
ranlib = "$wasi_sdk/bin/llvm-ranlib"
TOML
  if [ "$panic" = unwind ]; then
    # Bootstrap gives a target's rustflags to everything it compiles for that target, so the
    # whole std unwinds (panic_abort keeps -Cpanic=abort from library/Cargo.toml's profile). The
    # exception-handling instructions of the standardised proposal (exnref), not the legacy
    # ones LLVM 22 emits by default, which Wasmtime runs only behind a flag of its own.
    cat <<TOML
rustflags = $(toml_list "${unwind_rustflags[@]}")
TOML
  fi
done
