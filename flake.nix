{
  description = "Rust for wasm32-wasip2 (WASI preview 2 components): toolchains, wasi-sdk, Wasmtime, rustc from source and its UI tests";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    crane.url = "github:ipetkov/crane";
    rust-overlay = {
      url = "github:oxalica/rust-overlay";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    fenix = {
      url = "github:nix-community/fenix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  # Every output below is a literal attribute, and `templates` reads no input: `nix flake init`
  # then needs nothing but this repository.
  outputs =
    { self
    , nixpkgs
    , crane
    , rust-overlay
    , fenix
    }:
    let
      inherit (nixpkgs) lib;
      forAllSystems = f: lib.genAttrs (import ./nix/systems.nix) (system: f self.legacyPackages.${system});
    in
    {
      overlays.default = import ./nix/overlay.nix { inherit lib rust-overlay fenix; };

      lib = {
        # The dev shell's environment as a function of the parts: { wasiSdk, wasmtime } -> env.
        mkDevEnv = import ./nix/lib/dev-env.nix;
        versions = import ./nix/versions.nix;
        # A crate built, checked and tested for wasm32-wasip2 with crane, as the templates use it:
        # { pkgs, src, toolchainFile, extraFiles ? [ ], nativeBuildInputs ? [ ], <crane's arguments>… }
        #   -> { package, checks, app, devShell, craneLib, commonArgs, cargoArtifacts }
        craneProject = import ./nix/lib/crane-project.nix { inherit crane; };
      };

      # nixpkgs with the overlay applied; `wasip2` holds the whole scope.
      legacyPackages = lib.genAttrs (import ./nix/systems.nix) (
        system:
        import nixpkgs {
          inherit system;
          overlays = [ self.overlays.default ];
          # nixos-26.05 is the last release for x86_64-darwin and warns on every import for it;
          # the flake keeps the system, and this says so once, here.
          config.allowDeprecatedx86_64Darwin = true;
        }
      );

      packages = forAllSystems (
        pkgs:
        {
          default = pkgs.wasip2.toolchain;
        }
        // lib.getAttrs [
          "wasi-sdk"
          "wasmtime"
          "wasmtime-p3"
          "lld"
          "toolchain"
          "toolchain-fenix"
          "rust-source"
          "rust-std-wasip2"
          "rust-std-wasip2-unwind"
          "rust-std-wasip3"
          "rust-std-wasip1"
          "rustc-wasip2"
          "rustc-wasip2-bundled-llvm"
          "wasip2-doctor"
          "publish-cache"
          "wasi-test-runner"
          "ui-report"
          "rust-source-tree"
          "ui-compiletest"
          "ui-wasip2-full"
          "ui-wasip1-full"
          "ui-wasip3-full"
          "ui-wasip2-source"
        ]
          pkgs.wasip2
      );

      devShells = forAllSystems (pkgs: {
        default = pkgs.wasip2.callPackage ./nix/shells/crate-dev.nix { toolchainSource = "rust-overlay"; };
        fenix = pkgs.wasip2.callPackage ./nix/shells/crate-dev.nix {
          toolchain = pkgs.wasip2.toolchain-fenix;
          toolchainSource = "fenix";
        };
        # Both std built from source (wasm32-wasip3 has no binary one), runners and C for both.
        wasip3 = pkgs.wasip2.callPackage ./nix/shells/crate-dev.nix {
          toolchain = pkgs.wasip2.rust-std-wasip3;
          toolchainSource = "std from source";
          wasi-sdk = pkgs.wasip2.wasi-sdk-wasip3;
          wasmtime = pkgs.wasip2.wasmtime-p3;
          devEnv = pkgs.wasip2.devEnvWasip3;
          targets = pkgs.wasip2.wasip3Targets;
        };
        # cargo test as native: the std from source built to unwind, crates built to match.
        unwind = pkgs.wasip2.callPackage ./nix/shells/crate-dev.nix {
          toolchain = pkgs.wasip2.rust-std-wasip2-unwind;
          toolchainSource = "std from source, unwinding";
          devEnv = pkgs.wasip2.devEnvUnwind;
        };
        rustc-dev = pkgs.wasip2.callPackage ./nix/shells/rustc-dev.nix { };
        source = pkgs.wasip2.callPackage ./nix/shells/source.nix { };
      });

      checks = forAllSystems (pkgs: import ./checks {
        inherit lib pkgs self nixpkgs;
        root = ./.;
      });

      # `nix run .#publish-cache -- --key-file KEY DESTINATION PATHS…`: signs what this flake builds
      # from source and copies it to a binary cache (docs/binary-cache.md).
      apps = forAllSystems (pkgs: {
        publish-cache = {
          type = "app";
          program = lib.getExe pkgs.wasip2.publish-cache;
          meta.description = pkgs.wasip2.publish-cache.meta.description;
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixpkgs-fmt);

      templates = import ./nix/templates.nix;
    };
}
