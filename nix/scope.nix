# The flake's packages as one nixpkgs-style scope over a package set that carries rust-overlay's
# `rust-bin`. Each file takes its dependencies as arguments, so any of them can be replaced with
# `.override` (or for the whole scope with `overrideScope`).
{ lib
, pkgs
, # fenix's functions (its default.nix) over `pkgs`.
  fenix
}:
let
  versions = import ./versions.nix;
  inherit (versions) rust;
in
lib.makeScope pkgs.newScope (self: {
  inherit versions;

  # The dev shell's environment: the function, and its value for the pinned parts.
  mkDevEnv = import ./lib/dev-env.nix;
  devEnv = self.mkDevEnv {
    wasiSdk = self.wasi-sdk;
    inherit (self) wasmtime;
    # wasi-sdk 30 ships no libclang for bindgen (WebAssembly/wasi-sdk#598 came after it).
    libclang = self.llvmPackages.libclang.lib;
    # cargo test runs like native: the package folder, a temporary folder and the test
    # variables granted (tools/wasi-test-runner).
    testRunner = self.wasi-test-runner;
  };

  wasi-sdk = self.callPackage ./packages/wasi-sdk.nix {
    inherit (versions.wasiSdk) version fullVersion tarballs;
  };
  wasmtime = self.callPackage ./packages/wasmtime.nix {
    inherit (pkgs) wasmtime;
    minimumVersion = versions.wasmtime.minimum.wasip2;
  };
  # wasm32-wasip3 needs a Wasmtime that implements WASI 0.3.0 (>= 46); nixpkgs at the pin has 45.
  wasmtime-p3 = self.callPackage ./packages/wasmtime-p3.nix {
    inherit (versions.wasmtime.wasip3) version crateHash cargoHash;
  };
  # Rust 1.95.0 is built with LLVM 22: the from-source compiler links it, the UI tests take its
  # version and targets from its llvm-config (nixpkgs' default at the pin is 21), and wasm-ld
  # comes from the same release.
  llvmPackages = pkgs.llvmPackages_22;
  inherit (self.llvmPackages) lld;

  toolchain = self.callPackage ./packages/toolchain.nix { inherit (rust) toolchainFile; };
  toolchain-fenix = self.callPackage ./packages/toolchain-fenix.nix {
    inherit fenix;
    inherit (rust) toolchainFile;
    manifestHash = rust.fenixManifestHash;
  };

  # The compiler the from-source builds start from: the pinned release, without a wasm std.
  stage0 = pkgs.rust-bin.stable.${rust.version}.default.override { extensions = [ "rust-src" ]; };
  rust-source = self.callPackage ./packages/rust-source.nix {
    inherit (rust) version;
    hash = rust.sourceHash;
  };
  rustc-build-scripts = self.callPackage ./packages/rustc-build-scripts.nix { };
  rust-std-wasip2 = self.callPackage ./packages/rust-std-from-source.nix {
    rustSource = self.rust-source;
    inherit (rust) version;
  };
  # The same std built to unwind through Wasm exception handling: a failing test no longer ends
  # its test binary, and #[should_panic] tests run. Its shell's environment builds crates the
  # same way and refuses any other toolchain.
  rust-std-wasip2-unwind = self.rust-std-wasip2.override {
    pname = "rust-std-wasip2-unwind";
    panic = "unwind";
  };
  devEnvUnwind = self.mkDevEnv {
    wasiSdk = self.wasi-sdk;
    inherit (self) wasmtime;
    libclang = self.llvmPackages.libclang.lib;
    testRunner = self.wasi-test-runner;
    panic = "unwind";
    toolchain = self.rust-std-wasip2-unwind;
  };
  # wasm32-wasip3 is Tier 3, so no binary release has its std: the SDK with clang drivers for it,
  # the std of wasip2 and wasip3 from one bootstrap run, and the shell's environment for both.
  wasip3Targets = [
    "wasm32-wasip2"
    "wasm32-wasip3"
  ];
  wasi-sdk-wasip3 = self.callPackage ./packages/wasi-sdk-wasip3.nix { };
  rust-std-wasip3 = self.rust-std-wasip2.override {
    pname = "rust-std-wasip3";
    targets = self.wasip3Targets;
    wasi-sdk = self.wasi-sdk-wasip3;
  };
  devEnvWasip3 = self.mkDevEnv {
    wasiSdk = self.wasi-sdk-wasip3;
    wasmtime = self.wasmtime-p3;
    targets = self.wasip3Targets;
    libclang = self.llvmPackages.libclang.lib;
  };
  rustc-wasip2 = self.callPackage ./packages/rustc-wasip2.nix {
    rustSource = self.rust-source;
    inherit (rust) version;
  };
  rustc-wasip2-bundled-llvm = self.rustc-wasip2.override { bundledLLVM = true; };

  wasip2-doctor = self.callPackage ./packages/wasip2-doctor.nix { };
  publish-cache = self.callPackage ./packages/publish-cache.nix { };
  wasi-test-runner = self.callPackage ./packages/wasi-test-runner.nix { };
  # Every UI-test check and report takes it: report.json per test and folder, and report.html.
  ui-report = self.callPackage ./packages/ui-report.nix { };

  # compiletest and bootstrap, built once for every UI-test derivation of every target.
  rust-source-tree = self.callPackage ./packages/rust-source-tree.nix {
    rustSource = self.rust-source;
    inherit (rust) version;
  };
  ui-compiletest = self.callPackage ./packages/ui-compiletest.nix { inherit (rust) version; };
  ui-wasip2 = self.callPackage ./packages/ui-tests.nix {
    toolchain = self.rust-std-wasip2;
  };
  # Its report (checks.ui-wasip2): rendered apart, so a change to ui-report runs no test again.
  ui-wasip2-report = self.callPackage ./packages/ui-tests-report.nix { run = self.ui-wasip2; };
  # Every UI test; a report, not a verdict: the known failures are kept for the selection only.
  # One derivation per shard of ui-tests/<target>/shards.txt (passthru.shards), merged.
  ui-wasip2-full = self.callPackage ./packages/ui-tests-full.nix {
    uiTests = self.ui-wasip2;
  };
  # wasm32-wasip1 beside it, the target upstream CI tests: its std from source by the same
  # derivation (with wasip2's, one bootstrap run), its own selection and known failures.
  rust-std-wasip1 = self.rust-std-wasip2.override {
    pname = "rust-std-wasip1";
    targets = [
      "wasm32-wasip1"
      "wasm32-wasip2"
    ];
  };
  ui-wasip1 = self.ui-wasip2.override {
    pname = "ui-wasip1";
    target = "wasm32-wasip1";
    toolchain = self.rust-std-wasip1;
  };
  ui-wasip1-full = self.callPackage ./packages/ui-tests-full.nix {
    uiTests = self.ui-wasip1;
    target = "wasm32-wasip1";
    pname = "ui-wasip1-full";
  };
  # The same for wasm32-wasip3: its own selection and known failures, the p2+p3 std and the SDK
  # with the p3 drivers.
  ui-wasip3 = self.ui-wasip2.override {
    pname = "ui-wasip3";
    target = "wasm32-wasip3";
    toolchain = self.rust-std-wasip3;
    wasi-sdk = self.wasi-sdk-wasip3;
    wasmtime = self.wasmtime-p3;
  };
  ui-wasip3-report = self.callPackage ./packages/ui-tests-report.nix { run = self.ui-wasip3; };
  ui-wasip3-full = self.callPackage ./packages/ui-tests-full.nix {
    uiTests = self.ui-wasip3;
    target = "wasm32-wasip3";
    pname = "ui-wasip3-full";
  };
  ui-wasip2-source = self.ui-wasip2.override {
    pname = "ui-wasip2-source";
    toolchain = self.rustc-wasip2;
  };
})
