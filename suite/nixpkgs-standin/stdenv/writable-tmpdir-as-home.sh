# shellcheck shell=bash
# The stand-in's writableTmpDirAsHomeHook, as nixpkgs': a build whose HOME cannot be written
# (/homeless-shelter) gets a folder in its build folder instead.
writableTmpDirAsHome() {
  if [ ! -w "${HOME-}" ]; then
    export HOME="$NIX_BUILD_TOP/.home"
    mkdir -p "$HOME"
  fi
}
postHooks+=(writableTmpDirAsHome)
