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
  # nixpkgs' real lib, where the caller has one (crane needs all of it); else the one the suite
  # checked out (WASIP2_STANDIN_LIB), else the subset written here.
, nixpkgsLib ? null
}:
let
  realLib = builtins.getEnv "WASIP2_STANDIN_LIB";
  lib =
    if nixpkgsLib != null then nixpkgsLib
    else if realLib != "" then import realLib
    else import ./lib.nix;

  partsFile = builtins.getEnv "WASIP2_STANDIN_PARTS";
  parts =
    if partsFile == ""
    then throw "nixpkgs stand-in: set WASIP2_STANDIN_PARTS to the parts file the offline suite writes"
    else builtins.fromJSON (builtins.readFile partsFile);

  isDarwin = lib.hasSuffix "-darwin" system;
  cpu = builtins.head (builtins.split "-" system);
  # nixpkgs' description of the platform where the real lib is here, else the fields we read.
  hostPlatform =
    if lib ? systems then lib.systems.elaborate system
    else {
      inherit system isDarwin;
      isLinux = !isDarwin;
      isAarch64 = cpu == "aarch64";
      isx86_64 = cpu == "x86_64";
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
  # into the build's environment, `passthru` and `meta` kept off it, `outputs`, the default
  # builder.
  mkDerivationWith = stdenv: initialPath: fnOrAttrs:
    let
      attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs final else fnOrAttrs;
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      # nixpkgs refuses a variable set both in `env` and as an attribute.
      clashes = builtins.attrNames (builtins.intersectAttrs (attrs.env or { }) (removeAttrs attrs [ "env" ]));
      drvAttrs = removeAttrs attrs [ "passthru" "meta" "env" ] // (attrs.env or { }) // {
        inherit name system stdenv initialPath;
        # nixpkgs gives every derivation its outputs (["out"] unless it says), which setup and
        # `nix develop`'s environment dump read.
        outputs = attrs.outputs or [ "out" ];
        builder = "${bash}/bin/bash";
        args = [ "-e" ./stdenv/default-builder.sh ];
      };
      drv =
        if clashes != [ ] then throw "mkDerivation: ${name}: ${lib.concatStringsSep ", " clashes} set both in `env` and as attributes"
        else derivation drvAttrs;
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
  # A crate of the crate registry (crane's downloads, a crate as a source) is this machine's
  # cargo cache's copy, checked against the hash: a flat fixed-output path of the same name and
  # hash, so the very store path the real download gives.
  fetchurl = args@{ url, hash ? "", ... }:
    let
      crate = builtins.match "https://(static\\.crates\\.io/crates|crates\\.io/api/v1/crates)/([^/]+)/([^/]+)/download" url;
    in
    assert lib.assertMsg (!(args ? hash && args ? sha256)) "fetchurl: ${url}: give `hash` or `sha256`, not both";
    if crate != null then fetchCrateFile args (builtins.elemAt crate 1) (builtins.elemAt crate 2)
    else fetchPart { inherit url hash; };

  # Named as nixpkgs' fetchurl names it: `name`, else the URL's last part ("download").
  fetchCrateFile = { url, name ? baseNameOf url, hash ? "", sha256 ? "", ... }: crateName: version:
    let
      file = "${parts.cargoRegistryCache}/${crateName}-${version}.crate";
    in
    assert lib.assertMsg (builtins.pathExists file) "nixpkgs stand-in: the crate ${crateName} ${version} is not in this machine's cargo cache (${parts.cargoRegistryCache}); `cargo fetch` a lock file that has it";
    builtins.path {
      path = file;
      inherit name;
      recursive = false;
      sha256 = if hash != "" then hash else sha256;
    };

  fetchPart = { url, hash }:
    let
      known = {
        "rustc-${parts.rustVersion}-src.tar.gz" = parts.rustSourceTarball;
      } // lib.genAttrs
        (map (platform: "wasi-sdk-${parts.wasiSdkFullVersion}-${platform}.tar.gz") [ "x86_64-linux" "arm64-linux" "x86_64-macos" "arm64-macos" ])
        (_: parts.wasiSdkTarball);
      file = baseNameOf url;
      part = known.${file} or (throw "nixpkgs stand-in: fetchurl has no part for ${url}; it knows ${lib.concatStringsSep ", " (builtins.attrNames known)} and the crate registry's crates");
    in
    assert lib.assertMsg (lib.hasPrefix "sha256-" hash) "fetchurl: ${url}: hash ${hash} is not SRI (sha256-…)";
    assert lib.assertMsg (builtins.pathExists part) "nixpkgs stand-in: the part for ${url}, ${part}, was not made (the offline suite makes it)";
    # A derivation, as nixpkgs' fetchurl gives (not a bare store path), whose output is the part.
    runCommandWith { part = builtins.path { path = part; name = file; }; } file ''cp "$part" $out'';

  # nixpkgs' writeTextFile and makeSetupHook, as crane uses them: a file in the store, and a
  # package whose nix-support/setup-hook every build that takes it sources, with `@name@`
  # replaced by each substitution.
  writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", meta ? { }, ... }:
    runCommandWith
      {
        inherit text executable checkPhase meta destination;
        passAsFile = [ "text" ];
        preferLocalBuild = true;
        allowSubstitutes = false;
      }
      name
      ''
        target=$out$destination
        mkdir -p "$(dirname "$target")"
        cp "$textPath" "$target"
        if [ -n "$executable" ]; then chmod +x "$target"; fi
        eval "$checkPhase"
      '';
  makeSetupHook = { name ? "hook", substitutions ? { }, propagatedBuildInputs ? [ ], deps ? [ ], meta ? { }, passthru ? { } }: script:
    runCommandWith
      ({
        inherit meta passthru script;
        substitutionNames = builtins.attrNames substitutions;
        propagatedBuildInputs = deps ++ propagatedBuildInputs;
      } // builtins.listToAttrs (map (n: { name = "substitution_${n}"; value = toString substitutions.${n}; }) (builtins.attrNames substitutions)))
      name
      ''
        shopt -u patsub_replacement
        mkdir -p $out/nix-support
        text=$(< "$script")
        for n in $substitutionNames; do
          value=substitution_$n
          text=''${text//@$n@/''${!value}}
        done
        printf '%s\n' "$text" > $out/nix-support/setup-hook
        if [ -n "$propagatedBuildInputs" ]; then
          printf '%s ' $propagatedBuildInputs > $out/nix-support/propagated-build-inputs
        fi
      '';

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

  # nixpkgs' importCargoLock: every package of the lock file from the crate registry, checked against the
  # lock's checksum, unpacked as a vendor folder. The .crate files come from this machine's cargo
  # cache instead of the crate registry.
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

  # nixpkgs' fetchCargoVendor: a fixed-output stage whose hash is the package's cargoHash (its
  # name and layout are nixpkgs', so the hash is the one a user's build checks), then the vendor
  # folder unpacked from it. The crates come from this machine's cargo cache, which the suite
  # gives the sandbox.
  fetchCargoVendor = { name, src, hash }:
    let
      staging = stdenvNoCC.mkDerivation {
        name = "${name}-vendor-staging";
        inherit src;
        dontConfigure = true;
        dontFixup = true;
        cargoCache = parts.cargoRegistryCache;
        outputHashMode = "recursive";
        outputHash = hash;
        buildPhase = "bash ${./stdenv/cargo-vendor-staging.sh} Cargo.lock \"$cargoCache\" \"$out\"";
        dontInstall = true;
      };
    in
    runCommandWith { inherit staging; } "${name}-vendor" ''
      mkdir -p $out
      cp "$staging/Cargo.lock" $out/Cargo.lock
      for file in "$staging"/tarballs/*.tar.gz; do
        crate=$(basename "$file" .tar.gz)
        mkdir -p "$out/$crate"
        tar xzf "$file" -C "$out/$crate" --strip-components=1
        printf '{"files":{},"package":"%s"}' "$(sha256sum "$file" | cut -d' ' -f1)" > "$out/$crate/.cargo-checksum.json"
      done
    '';

  llvm22 = hostPackage { pname = "llvm"; version = parts.llvm22Version; programs.llvm-config = "/usr/lib/llvm-22/bin/llvm-config"; };

  base = final: {
    inherit lib stdenv stdenvNoCC fetchurl writeTextFile makeSetupHook hostPlatform;
    buildPlatform = hostPlatform;
    targetPlatform = hostPlatform;
    writeText = name: text: writeTextFile { inherit name text; };
    # nixpkgs' runCommandLocal is runCommand kept off remote builders.
    runCommandLocal = name: env: runCommandWith (env // { preferLocalBuild = true; allowSubstitutes = false; }) name;
    # nixpkgs' hook: HOME becomes the build folder, for tools that write there.
    writableTmpDirAsHomeHook = makeSetupHook { name = "writable-tmpdir-as-home-hook"; } ./stdenv/writable-tmpdir-as-home.sh;
    newScope = scope: lib.callPackageWith (final // scope);
    callPackage = lib.callPackageWith final;
    # nixpkgs' splicing for a native build (build = host = target), as crane reads it: each
    # package set is this one, and a spliced package is the host's (pkgs/top-level/splice.nix
    # gives the same values natively).
    pkgs = final;
    pkgsBuildBuild = final;
    pkgsBuildHost = final;
    pkgsBuildTarget = final;
    pkgsHostHost = final;
    pkgsHostTarget = final;
    pkgsTargetTarget = final;
    splicePackages = { pkgsHostTarget, ... }: pkgsHostTarget;
    makeScopeWithSplicing' = lib.makeScopeWithSplicing' { inherit (final) splicePackages newScope; };
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
    # nixpkgs' writeShellApplication (trivial-builders): bin/NAME with the runtime shell's
    # shebang, errexit, nounset and pipefail, the runtime inputs first on PATH, and a check that
    # the text parses and passes shellcheck.
    writeShellApplication = { name, text, runtimeInputs ? [ ], meta ? { }, ... }:
      writeTextFile {
        inherit name;
        meta = { mainProgram = name; } // meta;
        executable = true;
        destination = "/bin/${name}";
        text = ''
          #!${bash}/bin/bash
          set -o errexit
          set -o nounset
          set -o pipefail
        '' + lib.optionalString (runtimeInputs != [ ]) ''

          export PATH="${lib.concatMapStringsSep ":" (p: "${p}/bin") runtimeInputs}:$PATH"
        '' + ''

          ${text}
        '';
        checkPhase = ''
          ${bash}/bin/bash -n -O extglob "$target"
          ${final.shellcheck}/bin/shellcheck "$target"
        '';
      };
    # nixpkgs' mkShell: `packages`, and the inputs of each `inputsFrom` derivation (not those
    # derivations themselves), as the shell's inputs.
    mkShell = args@{ packages ? [ ], nativeBuildInputs ? [ ], buildInputs ? [ ], inputsFrom ? [ ], shellHook ? "", ... }:
      let
        fromInputs = name: builtins.filter (d: !(builtins.elem d inputsFrom)) (builtins.concatLists (map (d: d.${name} or [ ]) inputsFrom));
      in
      stdenv.mkDerivation (removeAttrs args [ "packages" "inputsFrom" ] // {
        name = args.name or "nix-shell";
        nativeBuildInputs = packages ++ nativeBuildInputs ++ fromInputs "nativeBuildInputs";
        buildInputs = buildInputs ++ fromInputs "buildInputs";
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
    # nixpkgs' buildRustPackage as far as our packages use it: the crates vendored (from
    # `cargoLock.lockFile`, or from `cargoHash` through fetchCargoVendor's fixed-output stage),
    # a release build with cargoBuildFlags, the tests with cargoTestFlags (doCheck defaults to
    # on), the built programs installed.
    rustPlatform.buildRustPackage = fnOrAttrs:
      stdenv.mkDerivation (finalAttrs:
        let
          attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs finalAttrs else fnOrAttrs;
          vendor =
            if attrs ? cargoLock then importCargoLock attrs.cargoLock
            else fetchCargoVendor { name = "${attrs.pname}-${attrs.version}"; inherit (attrs) src; hash = attrs.cargoHash; };
        in
        removeAttrs attrs [ "cargoLock" "cargoHash" "buildFeatures" "buildNoDefaultFeatures" ] // {
          nativeBuildInputs = [ rustRelease ] ++ attrs.nativeBuildInputs or [ ];
          doCheck = attrs.doCheck or true;
          configurePhase = attrs.configurePhase or ''
            export CARGO_HOME=$TMPDIR/cargo-home
            mkdir -p $CARGO_HOME
            printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "${vendor}"\n' > $CARGO_HOME/config.toml
          '';
          # As nixpkgs' cargo hooks: each phase is the default only where the caller set none.
          # nixpkgs' cargoBuildHook passes the features as `--no-default-features` and
          # `--features=a,b`.
          cargoFeatureFlags = lib.optionalString (attrs.buildNoDefaultFeatures or false) "--no-default-features"
          + lib.optionalString ((attrs.buildFeatures or [ ]) != [ ]) " --features=${lib.concatStringsSep "," attrs.buildFeatures}";
          buildPhase = attrs.buildPhase or "cargo build --release --offline --frozen $cargoFeatureFlags $cargoBuildFlags";
          checkPhase = attrs.checkPhase or "cargo test --release --offline --frozen $cargoTestFlags";
          installPhase = attrs.installPhase or ''
            mkdir -p $out/bin
            find target/release -maxdepth 1 -type f -perm -u+x -exec cp {} $out/bin/ \;
          '';
        });

    python3 = tools "python3" "/usr/bin/python3";
    # What crane's builds run besides the stdenv's tools.
    rsync = tools "rsync" "/usr/bin/rsync";
    zstd = tools "zstd" "/usr/bin/zstd";
    jq = tools "jq" "/usr/bin/jq";
    cargo-llvm-cov = throw "nixpkgs stand-in: cargo-llvm-cov has no part here (crane takes it for coverage only)";
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
    # Debian's Nix (2.8) for the programs that run Nix on the user's machine (publish-cache):
    # nixpkgs' is 2.28 or later; every command they run is one 2.8 has.
    nix = hostPackage { pname = "nix"; programs = { nix = "/usr/bin/nix"; nix-store = "/usr/bin/nix-store"; }; };
    coreutils = hostPackage {
      pname = "coreutils";
      programs = lib.genAttrs [ "cat" "cp" "cut" "dirname" "basename" "head" "ls" "mkdir" "mktemp" "mv" "paste" "realpath" "rm" "sort" "tail" "tr" "wc" ] (p: "/usr/bin/${p}");
    };
    gawk = hostPackage { pname = "gawk"; programs = { gawk = "/usr/bin/gawk"; awk = "/usr/bin/gawk"; }; };
    statix = throw "nixpkgs stand-in: statix has no part here (the crate named statix in the crate registry is another program)";

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
