# shellcheck shell=bash
# Sourced by .ci/run and by developers: puts the cached tools from the crate registry on PATH.
# WASIP2_OFFLINE_CACHE defaults to ~/.cache/wasip2-flake.
WASIP2_OFFLINE_CACHE=${WASIP2_OFFLINE_CACHE:-$HOME/.cache/wasip2-flake}
export WASIP2_OFFLINE_CACHE
while read -r crate version _binary; do
  case "$crate" in '' | '#'*) continue ;; esac
  PATH="$WASIP2_OFFLINE_CACHE/cargo-tools/$crate-$version/bin:$PATH"
done <"$(dirname "${BASH_SOURCE[0]}")/cargo-tools.txt"
export PATH
