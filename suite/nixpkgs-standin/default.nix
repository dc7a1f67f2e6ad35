# A stand-in for the nixpkgs package set, made of the parts this machine has, so that Nix itself
# evaluates and builds the flake's derivations here, sandboxed. It offers the attributes and
# functions our flake, shells, checks and templates use, under nixpkgs' names and argument
# shapes, and nothing else: what it lacks fails by name. A user's build uses nixpkgs, never this.
#
# Called as nixpkgs is: `import nixpkgs { system; overlays; config; }`. The parts come from the
# JSON file named by WASIP2_STANDIN_PARTS (written by the offline suite): Debian's tools, the bash
# built like the stdenv's (without readline), the assembled wasi-sdk, Rust's source, rustup's
# 1.95.0, wasmtime-cli. Evaluating for any system works without parts; building needs them.
{ system ? "x86_64-linux"
, overlays ? [ ]
, config ? { }
}:
let
  lib = import ./lib.nix;

  partsFile = builtins.getEnv "WASIP2_STANDIN_PARTS";
  parts =
    if partsFile == ""
    then throw "nixpkgs stand-in: set WASIP2_STANDIN_PARTS to the parts file the offline suite writes"
    else builtins.fromJSON (builtins.readFile partsFile);

  isDarwin = lib.hasSuffix "-darwin" system;
  cpu = builtins.head (builtins.split "-" system);
  hostPlatform = {
    inherit system isDarwin;
    isLinux = !isDarwin;
    rust.rustcTargetSpec =
      (if cpu == "aarch64" then "aarch64" else "x86_64")
      + (if isDarwin then "-apple-darwin" else "-unknown-linux-gnu");
  };

  # The shell every build runs in, added to the store from the suite's build of it.
  bash = builtins.path { path = parts.bash; name = "bash-5.3-no-readline"; };

  # A package made of host programs ({ name = path; }): bin/<name> links, reachable in the sandbox
  # because the suite lists their folders in extra-sandbox-paths.
  hostPackage = { pname, version ? "debian", programs, meta ? { } }:
    let
      drv = derivation {
        name = "${pname}-${version}";
        inherit system;
        builder = "${bash}/bin/bash";
        args = [ "-c" "/usr/bin/mkdir -p $out/bin && for p in $programs; do /usr/bin/ln -s \${p#*=} $out/bin/\${p%%=*}; done" ];
        programs = map (name: "${name}=${programs.${name}}") (builtins.attrNames programs);
      };
    in
    drv // { inherit pname version; meta = { mainProgram = pname; } // meta; };

  # One host program under its own name.
  tools = pname: path: hostPackage { inherit pname; programs.${pname} = path; };
  stdenvTools = hostPackage { pname = "stdenv-tools"; programs = parts.stdenvPrograms; };
  ccTools = hostPackage { pname = "cc-wrapper"; programs = parts.ccPrograms; };
  # A library nixpkgs has as a package of its own; here the host's copy is on the loader's path.
  library = pname: hostPackage { inherit pname; programs = { }; };

  makeStdenv = name: initialPath:
    let
      setup = derivation {
        inherit name system;
        builder = "${bash}/bin/bash";
        # `&& :` keeps bash the builder's last process: bash -c execs a last external command,
        # and Nix 2.26 then kills a builder that already closed its output but has not yet
        # exited (NixOS/nix#2176; 8 of 40 such builds here failed with signal 9, 0 of 40 with it).
        args = [ "-c" "/usr/bin/mkdir $out && /usr/bin/cp ${./stdenv/setup.sh} $out/setup && :" ];
      };
    in
    setup // {
      inherit hostPlatform initialPath;
      buildPlatform = hostPlatform;
      targetPlatform = hostPlatform;
      cc = ccTools // { cc.lib = library "gcc-lib"; };
      mkDerivation = mkDerivationWith setup initialPath;
    };

  # nixpkgs' mkDerivation as far as our files use it: attributes or `finalAttrs:`, `env` merged
  # into the build's environment, `passthru` and `meta` kept off it, the default builder.
  mkDerivationWith = stdenv: initialPath: fnOrAttrs:
    let
      attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs final else fnOrAttrs;
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      drvAttrs = removeAttrs attrs [ "passthru" "meta" "env" ] // (attrs.env or { }) // {
        inherit name system stdenv initialPath;
        builder = "${bash}/bin/bash";
        args = [ "-e" ./stdenv/default-builder.sh ];
      };
      drv = derivation drvAttrs;
      final = attrs // drv // (attrs.passthru or { }) // {
        inherit name;
        passthru = attrs.passthru or { };
        meta = attrs.meta or { };
        finalPackage = final;
      };
    in
    final;

  # initialPath as nixpkgs' common-path.nix has it (the GNU tools and bash), the C compiler first.
  stdenvNoCC = makeStdenv "stdenv-no-cc" [ stdenvTools bash ];
  stdenv = makeStdenv "stdenv" [ ccTools stdenvTools bash ];

  runCommandWith = env: name: buildCommand:
    stdenvNoCC.mkDerivation (env // { inherit name buildCommand; });

  # Each URL the flake fetches, and the part that stands in for it here. The hash must be SRI, as
  # nixpkgs' fetchurl wants; it is the real artifact's and so cannot be checked against the part.
  fetchurl = { url, hash }:
    let
      known = {
        "rustc-${parts.rustVersion}-src.tar.gz" = parts.rustSourceTarball;
      } // lib.genAttrs
        (map (platform: "wasi-sdk-${parts.wasiSdkFullVersion}-${platform}.tar.gz") [ "x86_64-linux" "arm64-linux" "x86_64-macos" "arm64-macos" ])
        (_: parts.wasiSdkTarball);
      file = baseNameOf url;
    in
    let
      part = known.${file} or (throw "nixpkgs stand-in: fetchurl has no part for ${url}; it knows ${lib.concatStringsSep ", " (builtins.attrNames known)}");
    in
    assert lib.assertMsg (lib.hasPrefix "sha256-" hash) "fetchurl: ${url}: hash ${hash} is not SRI (sha256-…)";
    assert lib.assertMsg (builtins.pathExists part) "nixpkgs stand-in: the part for ${url}, ${part}, was not made (the offline suite makes it)";
    # A derivation, as nixpkgs' fetchurl gives (not a bare store path), whose output is the part.
    runCommandWith { part = builtins.path { path = part; name = file; }; } file ''cp "$part" $out'';

  # rustup's official 1.95.0 (the release nixpkgs 26.05 ships as rustc), added to the store
  # without its HTML documentation.
  rustRelease = {
    type = "derivation";
    name = "rust-${parts.rustVersion}";
    pname = "rust";
    version = parts.rustVersion;
    outPath = builtins.path {
      name = "rust-${parts.rustVersion}";
      path = parts.rustupToolchain;
      filter = p: _type: !(lib.hasSuffix "/share/doc" p);
    };
    meta = { };
  };

  # nixpkgs' importCargoLock: every crates.io package of the lock file, checked against the
  # lock's checksum, unpacked as a vendor folder. The .crate files come from this machine's cargo
  # cache instead of crates.io.
  importCargoLock = { lockFile }:
    let
      lock = builtins.fromTOML (builtins.readFile lockFile);
      fromCratesIo = builtins.filter
        (p: (p.source or "") == "registry+https://github.com/rust-lang/crates.io-index")
        lock.package;
      crate = p: builtins.path {
        name = "${p.name}-${p.version}.crate";
        path = "${parts.cargoRegistryCache}/${p.name}-${p.version}.crate";
        recursive = false;
        sha256 = p.checksum;
      };
    in
    runCommandWith
      { crates = map (p: "${crate p}=${p.checksum}") fromCratesIo; }
      "cargo-vendor-dir"
      ''
        mkdir -p $out
        for entry in $crates; do
          file=''${entry%%=*}
          name=$(basename "$file" .crate)
          dir=$out/''${name#*-}
          mkdir -p "$dir"
          tar xzf "$file" -C "$dir" --strip-components=1
          printf '{"files":{},"package":"%s"}' "''${entry#*=}" > "$dir/.cargo-checksum.json"
        done
      '';

  llvm22 = hostPackage { pname = "llvm"; version = parts.llvm22Version; programs.llvm-config = "/usr/lib/llvm-22/bin/llvm-config"; };

  base = final: {
    inherit lib stdenv stdenvNoCC fetchurl;
    newScope = scope: lib.callPackageWith (final // scope);
    callPackage = lib.callPackageWith final;
    runCommand = name: env: runCommandWith env name;
    runCommandCC = name: env: buildCommand: stdenv.mkDerivation (env // { inherit name buildCommand; });
    symlinkJoin = args@{ name, paths, postBuild ? "", ... }:
      runCommandWith (removeAttrs args [ "name" "postBuild" ] // { inherit paths postBuild; }) name ''
        mkdir -p $out
        for path in $paths; do
          cp -rsn --no-preserve=mode "$path"/. $out/
        done
        eval "$postBuild"
      '';
    writeShellScript = name: text: runCommandWith { inherit text; } name ''
      printf '#!${bash}/bin/bash\n%s\n' "$text" > $out
      chmod +x $out
    '';
    mkShell = args@{ packages ? [ ], nativeBuildInputs ? [ ], shellHook ? "", ... }:
      stdenv.mkDerivation (removeAttrs args [ "packages" ] // {
        name = args.name or "nix-shell";
        nativeBuildInputs = packages ++ nativeBuildInputs;
        inherit shellHook;
        buildCommand = "echo 'a mkShell is for nix-shell and nix develop' > $out";
      });

    rustc = rustRelease;
    cargo = rustRelease;
    # nixpkgs builds clippy and rustfmt from the same Rust release; rustup's carry both.
    clippy = rustRelease;
    rustfmt = rustRelease;
    # nixpkgs' buildRustPackage as far as our doctor uses it: the lock's crates vendored, a
    # release build with cargoBuildFlags, the tests with cargoTestFlags (doCheck defaults to on),
    # the built programs installed.
    rustPlatform.buildRustPackage = fnOrAttrs:
      stdenv.mkDerivation (finalAttrs:
        let
          attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs finalAttrs else fnOrAttrs;
          vendor = importCargoLock attrs.cargoLock;
        in
        removeAttrs attrs [ "cargoLock" ] // {
          nativeBuildInputs = [ rustRelease ] ++ attrs.nativeBuildInputs or [ ];
          doCheck = attrs.doCheck or true;
          configurePhase = ''
            export CARGO_HOME=$TMPDIR/cargo-home
            mkdir -p $CARGO_HOME
            printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "${vendor}"\n' > $CARGO_HOME/config.toml
          '';
          # As nixpkgs' cargo hooks: each phase is the default only where the caller set none.
          buildPhase = attrs.buildPhase or "cargo build --release --offline --frozen $cargoBuildFlags";
          checkPhase = attrs.checkPhase or "cargo test --release --offline --frozen $cargoTestFlags";
          installPhase = attrs.installPhase or ''
            mkdir -p $out/bin
            find target/release -maxdepth 1 -type f -perm -u+x -exec cp {} $out/bin/ \;
          '';
        });

    python3 = tools "python3" "/usr/bin/python3";
    cmake = tools "cmake" "/usr/bin/cmake";
    ninja = tools "ninja" "/usr/bin/ninja";
    pkg-config = tools "pkg-config" "/usr/bin/pkg-config";
    which = tools "which" "/usr/bin/which";
    file = tools "file" "/usr/bin/file";
    curl = tools "curl" "/usr/bin/curl";
    git = tools "git" "/usr/bin/git";
    patchelf = tools "patchelf" "/usr/bin/patchelf";
    openssl = library "openssl";
    zlib = library "zlib";
    xz = library "xz";
    # The release binaries are Debian's here, already linked for this system.
    autoPatchelfHook = library "auto-patchelf-hook";

    wasmtime = hostPackage { pname = "wasmtime"; version = parts.wasmtimeVersion; programs.wasmtime = "${parts.wasmtime}/bin/wasmtime"; };
    wasm-tools = tools "wasm-tools" "${parts.wasmTools}/bin/wasm-tools";
    wit-bindgen = tools "wit-bindgen" "${parts.witBindgen}/bin/wit-bindgen";
    wac-cli = hostPackage { pname = "wac-cli"; programs.wac = "${parts.wacCli}/bin/wac"; meta.mainProgram = "wac"; };
    # The machine's cargo-nextest (preinstalled where the suite runs).
    cargo-nextest = tools "cargo-nextest" "${parts.cargoNextest}/bin/cargo-nextest";
    nixpkgs-fmt = tools "nixpkgs-fmt" "${parts.nixpkgsFmt}/bin/nixpkgs-fmt";
    deadnix = tools "deadnix" "${parts.deadnix}/bin/deadnix";
    shellcheck = tools "shellcheck" "/usr/bin/shellcheck";
    statix = throw "nixpkgs stand-in: statix has no part here (the crate named statix on crates.io is another program)";

    # Rust 1.95.0 is built with LLVM 22: Debian's llvm-22 stands in for its llvm-config; its LLD
    # is Debian's lld-19 (the version it reports).
    llvmPackages_22 = {
      # Debian's is built with shared libraries already, which is what the override asks for.
      libllvm = llvm22 // { override = _: llvm22; };
      lld = hostPackage { pname = "lld"; version = "19"; programs = { wasm-ld = "/usr/lib/llvm-19/bin/wasm-ld"; "ld.lld" = "/usr/lib/llvm-19/bin/ld.lld"; }; };
      # bindgen's libclang: Debian's 19 (libclang-19-dev), as its lib output, lib/libclang.so.
      libclang.lib = derivation {
        name = "libclang-19-lib";
        inherit system;
        builder = "${bash}/bin/bash";
        # `&& :`: see makeStdenv.
        args = [ "-c" "/usr/bin/mkdir -p $out/lib && /usr/bin/ln -s /usr/lib/llvm-19/lib/libclang.so $out/lib/libclang.so && :" ];
      };
    };
    llvmPackages = throw "nixpkgs stand-in: llvmPackages (LLVM 21 at the pin) has no part here; the flake uses llvmPackages_22";
  };

  pkgs = lib.fix (final: builtins.foldl' (acc: overlay: acc // overlay final acc) (base final) overlays);
in
pkgs // { importedWith = { inherit system overlays config; }; }
