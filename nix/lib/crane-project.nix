# A wasm32-wasip2 (or wasm32-wasip3) crate built, checked and tested with crane: dependencies
# built once (buildDepsOnly), the component (buildPackage), and the checks every project wants.
# It takes the native package set with this flake's overlay: crane's cross mode (pkgsCross) would
# set the linker to the WASI C compiler instead of wasm-component-ld.
#
# Any other argument (buildInputs, env, cargoExtraArgs, …) goes to every crane call, as crane's
# own functions pass theirs on to mkDerivation; `env` is merged over the dev shell's variables.
{ crane }:
{
  # nixpkgs with this flake's overlay (`wasip2.legacyPackages.<system>`, or nixpkgs imported
  # with `overlays = [ wasip2.overlays.default ]`).
  pkgs
, src
  # The project's rust-toolchain.toml: rustup and this build then use the same compiler.
, toolchainFile
  # Files the build reads besides Cargo's own (*.rs, *.toml, Cargo.lock): C sources, wit/, data.
, extraFiles ? [ ]
  # Build tools besides Wasmtime, which is always there to run the tests.
, nativeBuildInputs ? [ ]
  # wasm32-wasip2, or wasm32-wasip3: Tier 3, so no binary release has its std, and the build
  # takes this flake's rust-std-wasip3 (the pinned release with the std built from source) and
  # the p3 environment and runner; toolchainFile must then name the pinned release.
, target ? "wasm32-wasip2"
  # "abort" (the std of every binary release), or "unwind": wasm32-wasip2's std built from source
  # to unwind (rust-std-wasip2-unwind, with devShells.unwind's environment), so that `cargo test`
  # in the checks behaves as natively (a failing test does not end its binary, #[should_panic]
  # runs, temp_dir() works); toolchainFile must then name the pinned release.
, panic ? "abort"
, ...
}@args:
let
  inherit (pkgs) lib;
  wasip2 = pkgs.wasip2 or (throw ''
    lib.craneProject: the package set has no `wasip2`: pass `pkgs = wasip2.legacyPackages.''${system}`,
    or import nixpkgs with `overlays = [ wasip2.overlays.default ]`.'');
  craneArgs = removeAttrs args [ "pkgs" "src" "toolchainFile" "extraFiles" "nativeBuildInputs" "env" "target" "panic" ];
  channel = (builtins.fromTOML (builtins.readFile toolchainFile)).toolchain.channel or "none";
  pinned = wasip2.versions.rust.version;
  # The toolchain, the shell's variables (C compilers, runner) and the SDK for the target.
  fromSource = what: std:
    if channel == pinned then std
    else throw "lib.craneProject: ${what} is built from source for Rust ${pinned} only, and ${toolchainFile} asks for ${channel}: set channel = \"${pinned}\" there";
  forTarget = {
    wasm32-wasip2 = {
      toolchain = p: p.rust-bin.fromRustupToolchainFile toolchainFile;
      inherit (wasip2) devEnv wasi-sdk wasmtime;
    };
    wasm32-wasip2-unwind = {
      toolchain = _: fromSource "the unwinding wasm32-wasip2 std" wasip2.rust-std-wasip2-unwind;
      devEnv = wasip2.devEnvUnwind;
      inherit (wasip2) wasi-sdk wasmtime;
    };
    wasm32-wasip3 = {
      toolchain = _: fromSource "the wasm32-wasip3 std" wasip2.rust-std-wasip3;
      devEnv = wasip2.devEnvWasip3;
      wasi-sdk = wasip2.wasi-sdk-wasip3;
      # WASI 0.3.0 needs Wasmtime >= 46; nixpkgs at the pin has 45.
      wasmtime = wasip2.wasmtime-p3;
    };
  }.${target + lib.optionalString (panic == "unwind") "-unwind"} or (throw (
    if !(builtins.elem panic [ "abort" "unwind" ]) then
      "lib.craneProject: panic = \"${toString panic}\" is not a strategy: use \"abort\" or \"unwind\""
    else if panic == "unwind" && target == "wasm32-wasip3" then
      "lib.craneProject: panic = \"unwind\" has a std for wasm32-wasip2 only (rust-std-wasip2-unwind): use target = \"wasm32-wasip2\", or panic = \"abort\""
    else
      "lib.craneProject: target = \"${target}\" is not one this flake builds for: use \"wasm32-wasip2\" or \"wasm32-wasip3\""
  ));
  inherit (forTarget) devEnv wasmtime;
  rustdocflagsVariable = "CARGO_TARGET_${lib.toUpper (builtins.replaceStrings [ "-" ] [ "_" ] target)}_RUSTDOCFLAGS";
  craneLib = (crane.mkLib pkgs).overrideToolchain forTarget.toolchain;
  inherit (craneLib.crateNameFromCargoToml { cargoToml = src + "/Cargo.toml"; }) pname;

  commonArgs = craneArgs // {
    src = lib.fileset.toSource {
      root = src;
      fileset = lib.fileset.unions ([ (craneLib.fileset.commonCargoSources src) ] ++ extraFiles);
    };
    strictDeps = true;
    CARGO_BUILD_TARGET = target;
    # The runner in the environment is Wasmtime's absolute path; it takes precedence over the
    # `wasmtime` that .cargo/config.toml names for use outside Nix.
    nativeBuildInputs = [ wasmtime ] ++ nativeBuildInputs;
    env = devEnv // args.env or { };
  };
  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
  buildComponent = extraArgs: craneLib.buildPackage (commonArgs // {
    inherit cargoArtifacts;
    # Tests run in their own check, under Wasmtime.
    doCheck = false;
  } // extraArgs);
  package = buildComponent { };
  # The same component from nothing shared with `package`: its dependencies compiled again, in
  # another build folder (a path that leaked into the bytes would differ).
  rebuiltArgs = commonArgs // {
    pname = "${pname}-rebuilt";
    postUnpack = (args.postUnpack or "") + ''
      mv "$sourceRoot" rebuilt-source
      sourceRoot=rebuilt-source
    '';
  };
  rebuilt = buildComponent (rebuiltArgs // { cargoArtifacts = craneLib.buildDepsOnly rebuiltArgs; });
  # Tests build in the dev profile, whose settings `cargo test` in the shell uses (its `test`
  # profile inherits them): debug assertions and overflow checks on. crane's profile is release
  # (its configureCargoCommonVarsHook sets CARGO_PROFILE=release unless given), which would test
  # an optimised build without them. Their dependencies are built for the tests too
  # (`--all-targets`, `cargo test --no-run`), whatever doCheck the caller gave the builds.
  testArgs = commonArgs // {
    CARGO_PROFILE = "dev";
    cargoArtifacts = craneLib.buildDepsOnly (commonArgs // { CARGO_PROFILE = "dev"; pname = "${pname}-test"; doCheck = true; });
    # A caller's `doCheck = false` (meant for the builds) must not empty the test checks: crane's
    # cargoTest and cargoNextest take doCheck from their arguments.
    doCheck = true;
  };
in
{
  # `wasmtime`: the one the target's components run in (checks that run them take it from here).
  inherit craneLib commonArgs cargoArtifacts package wasmtime;

  checks = {
    build = package;
    clippy = craneLib.cargoClippy (commonArgs // {
      inherit cargoArtifacts;
      cargoClippyExtraArgs = "--all-targets -- --deny warnings";
    });
    fmt = craneLib.cargoFmt { inherit (commonArgs) src; };
    doc = craneLib.cargoDoc (commonArgs // {
      inherit cargoArtifacts;
      # RUSTDOCFLAGS replaces the environment's target.<triple>.rustdocflags (cargo reads one
      # source of flags), so it carries them too.
      env = commonArgs.env // { RUSTDOCFLAGS = "--deny warnings ${commonArgs.env.${rustdocflagsVariable} or ""}"; };
    });
    test = craneLib.cargoTest testArgs;
  } // lib.optionalAttrs (target == "wasm32-wasip2") {
    # Each test in its own Wasmtime process, through the environment's wasi-test-runner, which
    # fails a #[should_panic] test that libtest on wasm would only report ignored (nextest would
    # count that as a pass). The wasip3 runner is plain Wasmtime, so wasip3 has no such check.
    # A crate without tests is no failure (nextest's default answer to it is exit code 4).
    nextest = craneLib.cargoNextest (testArgs // {
      cargoNextestExtraArgs = "--no-tests=warn ${args.cargoNextestExtraArgs or ""}";
    });
  } // {
    # Two builds that share nothing but the source and toolchain give the same bytes.
    reproducible = pkgs.runCommand "${pname}-reproducible" { } ''
      for wasm in ${package}/bin/*.wasm ${package}/lib/*.wasm; do
        [ -e "$wasm" ] || continue
        name=''${wasm#${package}/}
        cmp "$wasm" "${rebuilt}/$name"
        echo "$name: $(wc -c < "$wasm") bytes, identical in two builds" | tee -a $out
      done
      test -s $out
    '';
  };

  # `nix run`: Wasmtime with `wasmtimeArgs` (default: `run` with the current folder preopened) and
  # the component at `file`, a path in the package such as "bin/app.wasm"; the arguments of
  # `nix run . -- ARGS` follow the component. With `invoke = true` the first argument is instead
  # the export to call, `'greet("Ada", "fr")'`, which Wasmtime takes before the component.
  app = { file, wasmtimeArgs ? "run --dir .", invoke ? false }: {
    type = "app";
    program = "${pkgs.writeShellScript "${pname}-app" (if invoke then ''
      if [ $# -ne 1 ]; then
        echo "usage: nix run . -- 'EXPORT(ARGS…)', for example 'greet(\"Ada\", \"fr\")': the export of ${file} to call" >&2
        exit 2
      fi
      exec ${lib.getExe wasmtime} ${wasmtimeArgs} --invoke "$1" ${package}/${file}
    '' else ''
      exec ${lib.getExe wasmtime} ${wasmtimeArgs} ${package}/${file} "$@"
    '')}";
    meta.description = "Runs ${file} with wasmtime ${wasmtimeArgs}${lib.optionalString invoke " --invoke"}";
  };

  devShell = craneLib.devShell {
    packages = [
      wasmtime
      forTarget.wasi-sdk
      wasip2.lld
      wasip2.wasip2-doctor
      pkgs.wasm-tools
      pkgs.cargo-nextest
    ];
    env = devEnv;
  };
}
