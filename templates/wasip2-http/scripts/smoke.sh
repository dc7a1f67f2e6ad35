#!/usr/bin/env bash
# Serves the component with `wasmtime serve` on a free loopback port, sends requests, checks the
# answers, and stops the server whatever happens.
#
# usage: scripts/smoke.sh COMPONENT.wasm
set -euo pipefail

component=${1:?usage: scripts/smoke.sh COMPONENT.wasm}
fail() { echo "smoke: $*" >&2; exit 1; }
log=$(mktemp)
# Port 0: the system picks a free port, and wasmtime prints the address it serves on.
# `-S cli`: Rust's std imports wasi:cli interfaces, which `serve` only provides on request.
# `-C cache=n`: Wasmtime's compilation cache lives under $HOME, which a Nix build cannot write.
wasmtime serve -C cache=n -S cli --addr 127.0.0.1:0 "$component" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

address=""
for _ in $(seq 100); do
  address=$(sed -n 's|^Serving HTTP on \(http://[^ ]*\)/$|\1|p' "$log")
  [ -n "$address" ] && break
  kill -0 "$server" 2>/dev/null || fail "wasmtime serve exited: $(cat "$log")"
  sleep 0.1
done
[ -n "$address" ] || fail "wasmtime serve did not report its address within 10 s: $(cat "$log")"

expect() { # method path body expected-status expected-body
  local answer status body
  answer=$(curl --silent --show-error --max-time 10 -X "$1" --data-binary "$3" \
    --write-out '\n%{http_code}' "$address$2")
  status=${answer##*$'\n'}
  body=${answer%$'\n'*}
  body=${body%$'\n'}
  [ "$status" = "$4" ] || fail "$1 $2: status $status, expected $4 (body: $body)"
  [ "$body" = "$5" ] || fail "$1 $2: body '$body', expected '$5'"
  echo "smoke: $1 $2 -> $status $body"
}
expect GET / "" 200 "Hello from a wasm32-wasip2 component!"
expect GET /hello/Ada "" 200 "Hello, Ada!"
expect POST /echo "ping" 200 "ping"
expect GET /nope "" 404 "not found: /nope"
echo "smoke: 4 requests answered by $(basename "$component") at $address"
