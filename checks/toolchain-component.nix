# The binary toolchain in the default shell's environment builds a wasm32-wasip2 component with
# cargo (through wasm-component-ld) and its runner runs it under Wasmtime.
{ lib
, runCommand
, toolchain
, wasmtime
, devEnv
, name ? "toolchain-component"
}:
runCommand name
{
  nativeBuildInputs = [
    toolchain
    wasmtime
  ];
  env = devEnv;
  meta.description = "Checks that ${toolchain.name} builds and runs a wasm32-wasip2 component";
}
  ''
    export HOME="$TMPDIR" CARGO_HOME="$TMPDIR/cargo"
    mkdir -p hello/src && cd hello
    printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2024"\n' > Cargo.toml
    echo 'fn main() { println!("hello from {}", if cfg!(target_os = "wasi") { "wasi" } else { "the host" }); }' > src/main.rs
    cargo run --offline --quiet --target wasm32-wasip2 > output.txt
    grep -qx 'hello from wasi' output.txt
    # A component, not a core module: layer 1 in the header.
    test "$(od -An -tx1 -j4 -N4 target/wasm32-wasip2/debug/hello.wasm | tr -d ' \n')" = 0d000100
    echo "${lib.getName toolchain}: component built and run by ${lib.getExe wasmtime}" | tee $out
  ''
