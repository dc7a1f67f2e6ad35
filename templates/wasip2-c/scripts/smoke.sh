#!/usr/bin/env bash
# Runs the component on standard input: the C code inside must give the published Adler-32 of
# "Wikipedia" (11e60398).
# `-C cache=n`: Wasmtime's compilation cache lives under $HOME, which a Nix build cannot write.
#
# usage: scripts/smoke.sh COMPONENT.wasm
set -euo pipefail

component=${1:?usage: scripts/smoke.sh COMPONENT.wasm}
checksum=$(printf Wikipedia | wasmtime run -C cache=n "$component")
if [ "$checksum" != "11e60398  -" ]; then
  echo "smoke: Adler-32 of 'Wikipedia' is 11e60398, the component printed: $checksum" >&2
  exit 1
fi
echo "smoke: Wikipedia -> $checksum"
