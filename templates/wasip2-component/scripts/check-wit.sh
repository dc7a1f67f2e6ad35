#!/usr/bin/env bash
# Proves that a built component matches the world declared in wit/: it exports exactly the
# world's interfaces, each with the same functions and types, and imports nothing but WASI
# interfaces (those Rust's std uses). Needs wasm-tools.
#
# usage: scripts/check-wit.sh COMPONENT.wasm [WIT_DIR] [WORLD]
set -euo pipefail

component=${1:?usage: scripts/check-wit.sh COMPONENT.wasm [WIT_DIR] [WORLD]}
wit_dir=${2:-wit}
world=${3:-greeter}
fail() { echo "check-wit: $*" >&2; exit 1; }
command -v wasm-tools >/dev/null || fail "wasm-tools is not on PATH (it is in the dev shell)"
[ -f "$component" ] || fail "$component does not exist; build it first (cargo build --release)"

declared=$(wasm-tools component wit "$wit_dir")
built=$(wasm-tools component wit "$component")

package=$(sed -n 's/^package \(.*\);$/\1/p' <<<"$declared")
[ -n "$package" ] || fail "$wit_dir declares no package"
namespace_name=${package%@*}
version=${package#*@}

# `export x;` lines of a world block (at column 0 in wit/, `world root` in the component).
world_lines() { # text world keyword
  awk -v w="$2" -v k="$3" '$1 == "world" && $2 == w { inside = 1; next }
    inside && /^}/ { inside = 0 }
    inside && $1 == k { sub(";", "", $2); print $2 }' <<<"$1" | sort
}
declared_exports=$(world_lines "$declared" "$world" export)
[ -n "$declared_exports" ] || fail "world $world in $wit_dir exports nothing"
expected_exports=$(sed "s|^|$namespace_name/|; s|\$|@$version|" <<<"$declared_exports")
built_exports=$(world_lines "$built" root export)
[ "$built_exports" = "$expected_exports" ] ||
  fail "exports differ: declared
$expected_exports
built
$built_exports"

foreign_imports=$(world_lines "$built" root import | grep -v '^wasi:' || true)
[ -z "$foreign_imports" ] || fail "the component imports more than WASI: $foreign_imports"

# Each exported interface, without doc comments and indentation, must read the same.
normalise() { sed -e 's/^[[:space:]]*//' -e '/^\/\/\//d' -e '/^$/d'; }
for interface in $declared_exports; do
  declared_body=$(awk -v i="$interface" '$1 == "interface" && $2 == i { inside = 1; next }
    inside && /^}/ { inside = 0 } inside' <<<"$declared" | normalise)
  built_body=$(awk -v p="$package" -v i="$interface" '$1 == "package" && $2 == p { in_package = 1; next }
    in_package && $1 == "interface" && $2 == i { inside = 1; next }
    inside && /^  }/ { inside = 0; in_package = 0 } inside' <<<"$built" | normalise)
  [ -n "$built_body" ] || fail "the component has no interface $interface of $package"
  [ "$declared_body" = "$built_body" ] ||
    fail "interface $interface differs: declared
$declared_body
built
$built_body"
done

echo "check-wit: $(basename "$component") exports $(tr '\n' ' ' <<<"$expected_exports")as world $world declares; imports: WASI only"
