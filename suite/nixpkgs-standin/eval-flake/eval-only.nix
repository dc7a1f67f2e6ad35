# What evaluation with the real crane, rust-overlay and fenix needs from the stand-in beyond its
# own attributes: nixpkgs' real lib, and eval-only stand-ins whose builds always fail.
# - fetchurl: a fixed-output derivation with the caller's name and hash, as nixpkgs' is (so its
#   output path is the real download's), whose builder refuses, naming the URL: its drvPath
#   evaluates, building it fails. Also for the URLs the stand-in maps to local parts: those parts
#   do not have the real hashes, so here they would stand for nothing.
# - Packages the stand-in lacks: a derivation of that name whose builder refuses.
{ lib }:
_final: prev:
let
  refuse = message: [ "-c" "echo ${lib.escapeShellArg "eval-only stand-in: ${message}"} >&2; exit 1" ];

  unfetchable = args@{ url ? builtins.head args.urls, name ? baseNameOf url, hash ? "", sha256 ? "", ... }:
    derivation {
      inherit name;
      inherit (prev.stdenv.hostPlatform) system;
      builder = "/bin/sh";
      args = refuse "${url} cannot be fetched here; only a build with nixpkgs and network fetches it";
      outputHashMode = if args.recursiveHash or false then "recursive" else "flat";
      outputHashAlgo = if hash != "" then null else "sha256";
      outputHash = if hash != "" then hash else sha256;
      evalOnlyUnfetchable = url;
    };

  # nixpkgs' own description of the platform (rust-overlay reads `rust.rustcTarget` and more),
  # where the real lib is here; the stand-in's is a few fields of it.
  platform =
    if lib ? systems then lib.systems.elaborate prev.stdenv.hostPlatform.system else prev.stdenv.hostPlatform;
  withPlatform = stdenv: stdenv // {
    # rust-overlay's rustc component reads the bintools wrapper's settings (to wrap rust-lld).
    cc = stdenv.cc // {
      bintools = missing "bintools-wrapper" // {
        expandResponseParams = missing "expand-response-params";
        shell = missing "bintools-wrapper-shell";
        coreutils_bin = missing "coreutils";
        suffixSalt = lib.replaceStrings [ "-" "." ] [ "_" "_" ] (platform.config or platform.system);
        wrapperName = "BINTOOLS_WRAPPER";
      };
    };
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
  };

  cargoCache = (builtins.fromJSON (builtins.readFile (builtins.getEnv "WASIP2_STANDIN_PARTS"))).cargoRegistryCache;

  refusing = name: why: derivation
    {
      name = "eval-only-${name}";
      inherit (prev.stdenv.hostPlatform) system;
      builder = "/bin/sh";
      args = refuse "${name}: ${why}";
    } // { pname = name; version = "eval-only"; meta = { }; };
  missing = name: refusing name "not stood in; only a build with nixpkgs has it";

  # Packages real rust-overlay and crane take that the stand-in has not.
  absent = lib.genAttrs [
    "bash"
    "bintools"
    "cargo-llvm-cov"
    "gnutar"
    "lndir"
    "makeWrapper"
    "makeBinaryWrapper"
    "libsecret"
    "libiconv"
    "statix"
  ]
    missing;
in
absent // {
  inherit lib;
  fetchurl = unfetchable;
  stdenv = withPlatform prev.stdenv;
  stdenvNoCC = withPlatform prev.stdenvNoCC;
  hostPlatform = platform;
  buildPlatform = platform;
  targetPlatform = platform;

  # rust-overlay's rustc component copies nixpkgs' bintools-wrapper scripts from the nixpkgs
  # tree, which is not here: a path that names no file, so only a build would notice.
  path = "/eval-only/nixpkgs-source-tree-is-not-here";

  gccForLibs = missing "gcc-for-libs" // { lib = missing "gcc-for-libs-lib"; };

  # crane signs what it rewrote on aarch64-darwin (removeReferencesToVendoredSources), with
  # nixpkgs' darwin signing utilities.
  darwin.signingUtils = missing "darwin-signing-utils";

  # The stand-in's buildRustPackage takes each crate of the lock from this machine's cargo cache
  # and cannot evaluate without it (crane's own crane-utils has crates no part here needs).
  rustPlatform = prev.rustPlatform // {
    buildRustPackage = fnOrAttrs:
      let
        # Only pname and cargoLock are read here, which no finalAttrs function takes from itself
        # (a package with cargoHash instead takes its crates in a fixed-output build).
        attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs { } else fnOrAttrs;
        lock = builtins.fromTOML (builtins.readFile attrs.cargoLock.lockFile);
        cached = p: (p.source or "") != "registry+https://github.com/rust-lang/crates.io-index"
        || builtins.pathExists "${cargoCache}/${p.name}-${p.version}.crate";
      in
      if !(attrs ? cargoLock) || builtins.all cached lock.package
      then prev.rustPlatform.buildRustPackage fnOrAttrs
      else refusing attrs.pname "crates of its Cargo.lock are not in this machine's cargo cache";
  };
}
