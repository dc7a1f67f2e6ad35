#!/usr/bin/env bash
# Calls the component's exports as a host would, through `wasmtime run --invoke`, and checks the
# answers: a greeting, and the error for a language it does not know.
# `-C cache=n`: Wasmtime's compilation cache lives under $HOME, which a Nix build cannot write.
#
# usage: scripts/smoke.sh COMPONENT.wasm
set -euo pipefail

component=${1:?usage: scripts/smoke.sh COMPONENT.wasm}
fail() { echo "smoke: $*" >&2; exit 1; }

greeting=$(wasmtime run -C cache=n --invoke 'greet("Ada", "fr")' "$component")
[ "$greeting" = 'ok("Bonjour, Ada!")' ] || fail "greet(\"Ada\", \"fr\") answered: $greeting"
echo "smoke: greet(\"Ada\", \"fr\") = $greeting"

refusal=$(wasmtime run -C cache=n --invoke 'greet("Ada", "xx")' "$component")
case "$refusal" in
  'err("unknown language'*) ;;
  *) fail "greet(\"Ada\", \"xx\") answered: $refusal" ;;
esac
echo "smoke: greet(\"Ada\", \"xx\") = $refusal"
