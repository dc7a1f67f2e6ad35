# wasip2-doctor inside the default dev shell's environment: the toolchain, wasmtime, wasi-sdk and
# LLD on PATH and the shell's variables set; every check must pass, live probes included.
{ runCommand
, wasip2-doctor
, toolchain
, wasmtime
, wasi-sdk
, lld
, devEnv
}:
runCommand "wasip2-doctor-check"
{
  nativeBuildInputs = [
    wasip2-doctor
    toolchain
    wasmtime
    wasi-sdk
    lld
  ];
  env = devEnv;
  meta.description = "Runs wasip2-doctor in the default dev shell's environment";
}
  ''
    export HOME="$TMPDIR" CARGO_HOME="$TMPDIR/cargo"
    set -o pipefail
    wasip2-doctor | tee $out
  ''
