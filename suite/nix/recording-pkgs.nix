# A package set that records instead of building: just enough of nixpkgs' shape (lib, stdenv,
# callPackage/makeScope, override, the packages our scope names) to evaluate nix/scope.nix for a
# system with Nix 2.8 and read back the attributes each derivation would be built with. What it
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

  lib = rec {
    optional = c: x: if c then [ x ] else [ ];
    optionals = c: xs: if c then xs else [ ];
    optionalString = c: s: if c then s else "";
    assertMsg = ok: message: ok || throw message;
    versionAtLeast = a: b: builtins.compareVersions a b >= 0;
    versions.major = v: builtins.head (builtins.splitVersion v);
    concatStringsSep = builtins.concatStringsSep;
    concatMapStringsSep = sep: f: xs: builtins.concatStringsSep sep (map f xs);
    attrNames = builtins.attrNames;
    escapeShellArg = s: "'${s}'";
    boolToString = b: if b then "true" else "false";
    getDev = x: x.dev or x;
    getBin = x: x.bin or x;
    getLib = x: x.lib or x;
    genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
    getAttrs = names: attrs: genAttrs names (name: attrs.${name});
    composeManyExtensions = builtins.foldl' (f: g: final: prev: f final prev // g final (prev // f final prev)) (_: _: { });
    getExe = x: "${x}/bin/${x.meta.mainProgram}";
    getName = x: x.pname or x.name;
    importTOML = path: builtins.fromTOML (builtins.readFile path);
    addMetaAttrs = meta: drv: drv // { meta = (drv.meta or { }) // meta; };
    licenses = {
      mit = "mit";
      asl20 = "asl20";
      llvm-exception = "llvm-exception";
    };
    sourceTypes.binaryNativeCode = "binaryNativeCode";
    platforms.unix = [ system ];
    # Sources are recorded as their root; which files they hold is not what this set looks at.
    fileset = {
      toSource = { root, fileset }: builtins.seq fileset root;
      unions = builtins.foldl' (a: b: builtins.seq b a) null;
      fileFilter = _predicate: root: root;
    };
    makeOverridable = f: args:
      let result = f args; in
      if builtins.isAttrs result
      then result // { override = newArgs: makeOverridable f (args // newArgs); }
      else result;
    callPackageWith = autoArgs: fn: args:
      let f = if builtins.isFunction fn then fn else import fn; in
      makeOverridable f (builtins.intersectAttrs (builtins.functionArgs f) autoArgs // args);
    makeScope = newScope: f:
      let
        self = f self // {
          newScope = scope: newScope (self // scope);
          callPackage = self.newScope { };
        };
      in
      self;
  };

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
    fetchurl = { url, hash }: (package (baseNameOf url)) // { inherit url hash; };
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
