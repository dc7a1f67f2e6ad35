# wasip2-doctor inside the default dev shell's environment: the toolchain, wasmtime, wasi-sdk and
# LLD on PATH and the shell's variables set; every check must pass, live probes included (the
# unwinding probe is skipped, not failed, where the std aborts).
# runCommandCC, not runCommand: the C probe's build script is host code, which rustc links with
# the host's `cc`, and a dev shell (mkShell) has one.
{ runCommandCC
, wasip2-doctor
, toolchain
, wasmtime
, wasi-sdk
, lld
, devEnv
}:
runCommandCC "wasip2-doctor-check"
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
