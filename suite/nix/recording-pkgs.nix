# A package set that records instead of building: just enough of nixpkgs' shape (the stand-in's
# lib, stdenv, the packages our scope names) to evaluate nix/scope.nix for any system with Nix 2.8
# and no parts at all, and read back the attributes each derivation would be built with. What it
# proves is our own Nix code's decisions (which flags, for which system); that nixpkgs honours
# those attributes is read in nixpkgs' source, not proved here. Each stand-in keeps nixpkgs' name
# and argument shape; anything our files use that it lacks fails the evaluation by name.
# Called as nixpkgs is (`import nixpkgs { system; overlays; config; }`), it records those too.
{ system
, overlays ? [ ]
, config ? { }
}:
let
  isDarwin = builtins.match ".*-darwin" system != null;
  arch = builtins.head (builtins.split "-" system);
  rustArch = if arch == "aarch64" then "aarch64" else "x86_64";
  hostPlatform = {
    inherit system isDarwin;
    isLinux = !isDarwin;
    rust.rustcTargetSpec = if isDarwin then "${rustArch}-apple-darwin" else "${rustArch}-unknown-linux-gnu";
  };

  lib = import ../nixpkgs-standin/lib.nix;

  # A derivation as its attributes, with `finalAttrs:` resolved as mkDerivation does.
  mkDerivation = argsOrFunction:
    let
      attrs = if builtins.isFunction argsOrFunction then argsOrFunction final else argsOrFunction;
      final = attrs // {
        name = attrs.name or "${attrs.pname}-${attrs.version}";
        outPath = "/nix/store/recorded-${final.name}";
        type = "derivation";
        finalPackage = final;
      };
    in
    final;
  stdenv = {
    inherit hostPlatform mkDerivation;
    cc.cc.lib = package "gcc-lib";
  };
  package = name: mkDerivation { inherit name; meta.mainProgram = name; };

  llvmFor = version: {
    libllvm = (package "llvm-${version}") // {
      inherit version;
      override = _: llvmFor version // (package "llvm-${version}") // { inherit version; };
    };
    lld = package "lld-${version}";
  };

  pkgs = {
    inherit lib stdenv;
    stdenvNoCC = stdenv;
    newScope = scope: lib.callPackageWith (pkgs // scope);
    callPackage = lib.callPackageWith pkgs;
    fetchurl = { url, hash, ... }: (package (baseNameOf url)) // { inherit url hash; };
    symlinkJoin = args: mkDerivation (builtins.removeAttrs args [ "paths" "postBuild" ] // { joined = args.paths; });
    runCommand = name: env: buildCommand: mkDerivation (env // { inherit name buildCommand; });
    rustPlatform.buildRustPackage = mkDerivation;
    wasmtime = package "wasmtime" // { version = "45.0.0"; };
    # The two LLVM releases that matter: nixpkgs' default at the pin and Rust 1.95.0's own.
    llvmPackages = llvmFor "21.1.8";
    llvmPackages_22 = llvmFor "22.1.8";
    rust-bin = {
      fromRustupToolchainFile = file: package "rust-toolchain" // { inherit file; };
      stable."1.95.0".default.override = _: package "rust-1.95.0";
    };
  } // builtins.listToAttrs (map (name: { inherit name; value = package name; }) [
    "python3"
    "cmake"
    "ninja"
    "pkg-config"
    "which"
    "file"
    "openssl"
    "zlib"
    "xz"
    "curl"
    "patchelf"
    "autoPatchelfHook"
  ]);

  fenix.fromToolchainFile = { file, sha256 }: package "fenix-toolchain" // { inherit file sha256; };
in
pkgs // {
  scope = import ../../nix/scope.nix { inherit lib pkgs fenix; };
  importedWith = { inherit system overlays config; };
}
