# The stand-in stdenv's setup, sourced by every build (default-builder.sh) and by nix-shell: what
# nixpkgs' pkgs/stdenv/generic/setup.sh does that this flake's derivations and crane rely on, with
# the same names, order and shell options:
# - builds run with `set -eu -o pipefail`, `shopt -s inherit_errexit` and `shopt -s nullglob`
#   (a glob that matches nothing is nothing), and keep all but -e and -u after setup (nixpkgs
#   restores only those two to the caller's);
# - each input's bin/ on PATH (buildInputs' only without strictDeps), its
#   nix-support/setup-hook sourced once, and its nix-support/propagated-build-inputs followed;
# - runHook NAME runs the NAME attribute or function, then each entry of the NAMEHooks array
#   (function or text), as crane's setup hooks register themselves;
# - the phases unpack, patch, configure, build, check, install, fixup, installCheck, dist with the
#   pre*Phases and postPhases lists between them (or the derivation's own `phases`), each skipped
#   by its dont*/do* switch, and buildCommand in place of them all; after unpackPhase the build
#   continues in sourceRoot.
# shellcheck shell=bash
# Nix gives the derivation's attributes (out, src, initialPath, …) as variables:
# shellcheck disable=SC2154
__setup_options=$-
set -eu
set -o pipefail
shopt -s inherit_errexit
shopt -s nullglob

# What a derivation attribute holds, or the default when it is unset or empty.
attr() { local value=${!1-}; printf '%s' "${value:-${2-}}"; }

export NIX_BUILD_CORES="${NIX_BUILD_CORES:-1}"
# nixpkgs' default for reproducible timestamps (1980-01-01).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}"

# A hook is a function (called with the arguments) or shell text (evaluated).
_eval() {
  if declare -F "$1" >/dev/null; then
    "$@"
  else
    eval "$1"
  fi
}

_callImplicitHook() {
  local hookName=$1
  shift
  if declare -F "$hookName" >/dev/null; then
    "$hookName" "$@"
  elif [ -n "${!hookName-}" ]; then
    eval "${!hookName}"
  fi
}

runHook() {
  local hookName=$1
  shift
  local hooksSlice="${hookName%Hook}Hooks[@]"
  local hook
  for hook in "_callImplicitHook $hookName" ${!hooksSlice+"${!hooksSlice}"}; do
    _eval "$hook" "$@"
  done
  return 0
}

# nixpkgs' addEnvHooks: hooks run for each input found after them.
envHooks=()
addEnvHooks() {
  shift
  envHooks+=("$@")
}

# Inputs: PATH first, in nixpkgs' order (build-time inputs before the stdenv's tools), then each
# setup hook once. Propagated inputs come right after the input that propagates them.
__inputs_seen=" "
__setup_hooks=()
__path=""
__add_input() {
  local input=$1 on_path=$2 propagated
  case "$__inputs_seen" in *" $input "*) return 0 ;; esac
  __inputs_seen+="$input "
  if [ "$on_path" = 1 ] && [ -d "$input/bin" ]; then
    __path="${__path:+$__path:}$input/bin"
  fi
  [ -f "$input/nix-support/setup-hook" ] && __setup_hooks+=("$input")
  for propagated in propagated-build-inputs propagated-native-build-inputs; do
    if [ -f "$input/nix-support/$propagated" ]; then
      local dep
      for dep in $(< "$input/nix-support/$propagated"); do
        __add_input "$dep" "$on_path"
      done
    fi
  done
  return 0
}
for __input in ${depsBuildBuild-} ${nativeBuildInputs-} ${propagatedNativeBuildInputs-}; do
  __add_input "$__input" 1
done
for __input in ${buildInputs-} ${propagatedBuildInputs-}; do
  if [ -n "${strictDeps-}" ]; then __add_input "$__input" 0; else __add_input "$__input" 1; fi
done
for __input in $initialPath; do
  __path="${__path:+$__path:}$__input/bin"
done
export PATH="$__path${PATH:+:$PATH}"
runHook preHook
for __input in "${__setup_hooks[@]}"; do
  # shellcheck disable=SC1090,SC1091 # each input's own hook
  source "$__input/nix-support/setup-hook"
done
for __input in ${depsBuildBuild-} ${nativeBuildInputs-} ${buildInputs-}; do
  for __hook in "${envHooks[@]}"; do
    _eval "$__hook" "$__input"
  done
done
unset __input __hook __path __setup_hooks __inputs_seen

# nixpkgs' stripHash: a store path's name without its hash.
stripHash() {
  local name
  name=$(basename "$1")
  if [[ "$name" =~ ^[a-z0-9]{32}- ]]; then
    echo "${name:33}"
  else
    echo "$name"
  fi
}

# A directory source is copied under its name without the store hash, an archive unpacked; the
# source root is the one new folder, and anything else is an error, as in nixpkgs.
unpackPhase() {
  runHook preUnpack
  local srcs="${srcs:-${src-}}" s before after dirs
  [ -n "$srcs" ] || { echo "unpackPhase: variable \$src or \$srcs should point to the source" >&2; exit 1; }
  before=$(find . -mindepth 1 -maxdepth 1 -type d | sort)
  for s in $srcs; do
    if [ -d "$s" ]; then
      local dest
      dest=$(stripHash "$s")
      [ ! -e "$dest" ] || { echo "unpackPhase: cannot copy $s to $dest: it exists" >&2; exit 1; }
      cp -r --preserve=timestamps -- "$s" "$dest"
    else
      tar xf "$s"
    fi
  done
  if [ -z "${sourceRoot-}" ]; then
    after=$(find . -mindepth 1 -maxdepth 1 -type d | sort)
    dirs=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')
    if [ -z "$dirs" ]; then
      echo "unpackPhase: unpacker produced no directory" >&2; exit 1
    elif [[ $dirs == *$'\n'* ]]; then
      echo "unpackPhase: unpacker appears to have produced multiple directories" >&2; exit 1
    fi
    sourceRoot=${dirs#./}
  fi
  [ "${dontMakeSourcesWritable:-0}" = 1 ] || chmod -R u+w -- "$sourceRoot"
  runHook postUnpack
}

patchPhase() {
  runHook prePatch
  local patch
  for patch in ${patches-}; do
    # shellcheck disable=SC2086 # the flags are words
    patch ${patchFlags:--p1} <"$patch"
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
# stripDebugList (default: lib lib32 lib64 libexec bin sbin) of every output; and the
# propagated inputs recorded for the builds that take this one.
fixupPhase() {
  runHook preFixup
  local output dir file
  for output in $(attr outputs out); do
    output=${!output}
    [ -e "$output" ] || continue
    if [ -z "${dontStrip-}" ]; then
      for dir in $(attr stripDebugList "lib lib32 lib64 libexec bin sbin"); do
        [ -e "$output/$dir" ] || continue
        while IFS= read -r -d '' file; do
          case "$file" in
            *.a) ranlib "$file" 2>/dev/null || true ;;
            *) if [ "$(head -c4 "$file" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
                 strip -S "$file" 2>/dev/null || true
               fi ;;
          esac
        done < <(find "$output/$dir" -type f -print0)
      done
    fi
  done
  if [ -n "${propagatedBuildInputs-}" ]; then
    mkdir -p "$out/nix-support"
    # shellcheck disable=SC2086 # one path a word
    printf '%s ' $propagatedBuildInputs >"$out/nix-support/propagated-build-inputs"
  fi
  runHook postFixup
}

installCheckPhase() {
  runHook preInstallCheck
  runHook postInstallCheck
}

distPhase() {
  runHook preDist
  runHook postDist
}

genericBuild() {
  if [ -n "${buildCommand-}" ]; then
    eval "$buildCommand"
    return
  fi
  local phase
  local phases="${phases:-${prePhases-} unpackPhase patchPhase ${preConfigurePhases-} configurePhase ${preBuildPhases-} buildPhase checkPhase ${preInstallPhases-} installPhase ${preFixupPhases-} fixupPhase installCheckPhase ${preDistPhases-} distPhase ${postPhases-}}"
  for phase in $phases; do
    case "$phase" in
      unpackPhase) [ -n "${dontUnpack-}" ] && continue ;;
      patchPhase) [ -n "${dontPatch-}" ] && continue ;;
      configurePhase) [ -n "${dontConfigure-}" ] && continue ;;
      buildPhase) [ -n "${dontBuild-}" ] && continue ;;
      checkPhase) [ -n "${doCheck-}" ] || continue ;;
      installPhase) [ -n "${dontInstall-}" ] && continue ;;
      fixupPhase) [ -n "${dontFixup-}" ] && continue ;;
      installCheckPhase) [ -n "${doInstallCheck-}" ] || continue ;;
      distPhase) [ -n "${doDist-}" ] || continue ;;
    esac
    echo "stand-in stdenv: $phase"
    if [ -n "${!phase-}" ]; then
      eval "${!phase}"
    else
      "$phase"
    fi
    if [ "$phase" = unpackPhase ]; then
      cd -- "${sourceRoot:-.}"
    fi
  done
}

runHook postHook

# As nixpkgs' setup: -e and -u go back to the caller's (a builder runs with -e; nix-shell's own
# startup then runs with what it had); pipefail, inherit_errexit and nullglob stay on.
case $__setup_options in *e*) ;; *) set +e ;; esac
case $__setup_options in *u*) ;; *) set +u ;; esac
unset __setup_options
