# The stand-in stdenv's setup, sourced by every build (default-builder.sh) and by nix-shell: the
# subset of nixpkgs' pkgs/stdenv/generic/setup.sh that this flake's derivations rely on, with the
# same names and order: PATH from the stdenv's tools and the inputs' bin/, runHook, the phases
# unpack, patch, configure, build, check, install, fixup (strip), installCheck, and buildCommand.
# nixpkgs' setup hooks are not run: the inputs here carry none that our derivations need.
# shellcheck shell=bash
# Nix gives the derivation's attributes (out, src, initialPath, …) as variables:
# shellcheck disable=SC2154
# Strict while setting up; the caller's options come back at the end, as nixpkgs' setup does (a
# builder runs with -e only; nix-shell's own startup then runs with what it had).
__setup_options=$-
__setup_pipefail=$(shopt -po pipefail || true)
set -eu
set -o pipefail

# What a derivation attribute holds, or the default when it is unset or empty.
attr() { local value=${!1-}; printf '%s' "${value:-${2-}}"; }

# Inputs' bin/ folders first, then the stdenv's tools, as nixpkgs' setup orders them.
path=""
for input in ${nativeBuildInputs-} ${buildInputs-} ${propagatedBuildInputs-}; do
  [ -d "$input/bin" ] && path="${path:+$path:}$input/bin"
done
for tools in $initialPath; do
  path="${path:+$path:}$tools/bin"
done
export PATH="$path${PATH:+:$PATH}"
unset path
export NIX_BUILD_CORES="${NIX_BUILD_CORES:-1}"

runHook() {
  local hook=$1
  if [ -n "${!hook-}" ]; then
    eval "${!hook}"
  fi
}

unpackPhase() {
  runHook preUnpack
  if [ -d "$src" ]; then
    cp -r --no-preserve=mode "$src" source
    sourceRoot=${sourceRoot-source}
  else
    local before
    before=$(ls -A)
    tar xf "$src"
    if [ -z "${sourceRoot-}" ]; then
      sourceRoot=$(comm -13 <(printf '%s\n' "$before") <(ls -A) | head -n1)
      [ -n "$sourceRoot" ] || { echo "unpackPhase: $src unpacked to nothing" >&2; exit 1; }
    fi
  fi
  chmod -R u+w -- "$sourceRoot"
  cd "$sourceRoot"
  runHook postUnpack
}

patchPhase() {
  runHook prePatch
  local patch
  for patch in ${patches-}; do
    patch -p1 <"$patch"
  done
  runHook postPatch
}

configurePhase() {
  runHook preConfigure
  if [ -x ./configure ]; then
    # shellcheck disable=SC2086 # the flags are words
    ./configure --prefix="$out" ${configureFlags-}
  fi
  runHook postConfigure
}

buildPhase() {
  runHook preBuild
  if [ -f Makefile ]; then
    # shellcheck disable=SC2086 # the flags are words
    make -j"$NIX_BUILD_CORES" ${makeFlags-}
  fi
  runHook postBuild
}

checkPhase() {
  runHook preCheck
  runHook postCheck
}

installPhase() {
  runHook preInstall
  if [ -f Makefile ]; then
    # shellcheck disable=SC2086 # the flags are words
    make install ${makeFlags-}
  fi
  runHook postInstall
}

# nixpkgs' strip.sh: `strip -S` on the ELF files and `ranlib` on the archives under each folder of
# stripDebugList (default: lib lib32 lib64 libexec bin sbin) of every output.
fixupPhase() {
  runHook preFixup
  if [ -z "${dontStrip-}" ]; then
    local dir file
    for dir in $(attr stripDebugList "lib lib32 lib64 libexec bin sbin"); do
      [ -e "$out/$dir" ] || continue
      while IFS= read -r -d '' file; do
        case "$file" in
          *.a) ranlib "$file" 2>/dev/null || true ;;
          *) if [ "$(head -c4 "$file" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
               strip -S "$file" 2>/dev/null || true
             fi ;;
        esac
      done < <(find "$out/$dir" -type f -print0)
    done
  fi
  runHook postFixup
}

installCheckPhase() {
  runHook preInstallCheck
  runHook postInstallCheck
}

# A phase runs the derivation's own text for it when there is one, else the function above.
runPhase() {
  local phase=$1
  if [ -n "${!phase-}" ]; then
    eval "${!phase}"
  else
    "$phase"
  fi
}

genericBuild() {
  if [ -n "${buildCommand-}" ]; then
    eval "$buildCommand"
    return
  fi
  local phase
  for phase in unpackPhase patchPhase configurePhase buildPhase checkPhase installPhase fixupPhase installCheckPhase; do
    case "$phase" in
      unpackPhase) [ -n "${dontUnpack-}" ] && continue ;;
      configurePhase) [ -n "${dontConfigure-}" ] && continue ;;
      buildPhase) [ -n "${dontBuild-}" ] && continue ;;
      checkPhase) [ -n "${doCheck-}" ] || continue ;;
      installPhase) [ -n "${dontInstall-}" ] && continue ;;
      fixupPhase) [ -n "${dontFixup-}" ] && continue ;;
      installCheckPhase) [ -n "${doInstallCheck-}" ] || continue ;;
    esac
    echo "stand-in stdenv: $phase"
    runPhase "$phase"
  done
}

case $__setup_options in *e*) ;; *) set +e ;; esac
case $__setup_options in *u*) ;; *) set +u ;; esac
eval "$__setup_pipefail"
unset __setup_options __setup_pipefail
