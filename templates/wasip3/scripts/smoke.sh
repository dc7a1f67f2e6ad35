#!/usr/bin/env bash
# Runs both components as a user would, under Wasmtime with WASIp3 and the component model's
# async ABI: the command greets (a name from a file in a preopened folder, then the default), and
# the async component's two timers, awaited together, take less time than one after the other.
# `-C cache=n`: Wasmtime's compilation cache lives under $HOME, which a Nix build cannot write.
#
# usage: scripts/smoke.sh P3HELLO.wasm TIMERS.wasm
set -euo pipefail

usage='usage: scripts/smoke.sh P3HELLO.wasm TIMERS.wasm'
hello=${1:?$usage}
timers=${2:?$usage}
fail() { echo "smoke: $*" >&2; exit 1; }
p3() { wasmtime run -C cache=n -S p3 -W component-model-async "$@"; }
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
printf 'Ada\nLovelace\n' >"$data/name.txt"

greeted=$(p3 --dir "$data::/data" "$hello" --file /data/name.txt)
[[ $greeted == 'Hello, Ada, from a component built for WASIp3' ]] ||
  fail "for a preopened file naming Ada it printed: $greeted"
echo "smoke: p3hello --file /data/name.txt -> $greeted"
greeted=$(p3 "$hello")
[[ $greeted == 'Hello, world, from a component built for WASIp3' ]] ||
  fail "without arguments it printed: $greeted"
echo "smoke: p3hello -> $greeted"

said=$(p3 "$timers")
pattern='^timers: ([0-9]+) ms and ([0-9]+) ms awaited together took ([0-9]+) ms'
[[ $said =~ $pattern ]] || fail "the async component printed: $said"
short=${BASH_REMATCH[1]} long=${BASH_REMATCH[2]} took=${BASH_REMATCH[3]}
((took >= long)) || fail "both timers took $took ms, less than the longer one ($long ms): $said"
((took < short + long)) ||
  fail "both timers took $took ms, as long as one after the other ($((short + long)) ms): $said"
echo "smoke: timers -> $said"
