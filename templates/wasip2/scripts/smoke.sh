#!/usr/bin/env bash
# Runs the component as a user would: on a file in a preopened folder (JSON output) and on
# standard input, and checks what it prints.
# `-C cache=n`: Wasmtime's compilation cache lives under $HOME, which a Nix build cannot write.
#
# usage: scripts/smoke.sh COMPONENT.wasm
set -euo pipefail

component=${1:?usage: scripts/smoke.sh COMPONENT.wasm}
fail() { echo "smoke: $*" >&2; exit 1; }
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
printf 'one two\nthree\n' >"$data/notes.txt"

counts=$(WORDCOUNT_FORMAT=json wasmtime run -C cache=n --dir "$data::/data" --env WORDCOUNT_FORMAT \
  "$component" /data/notes.txt)
case "$counts" in
  *'"lines":2,"words":3,"bytes":14'*) ;;
  *) fail "for a preopened file with 2 lines, 3 words and 14 bytes it printed: $counts" ;;
esac
echo "smoke: /data/notes.txt -> $counts"

counted=$(echo 'a b c' | wasmtime run -C cache=n "$component")
[[ $counted =~ ^\ +1\ +3\ +6\ -$ ]] || fail "for 'a b c' on standard input it printed: $counted"
echo "smoke: standard input -> $counted"
