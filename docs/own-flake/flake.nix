{
  description = "A wasm32-wasip2 crate built with wasip2-flake";

  inputs = {
    wasip2.url = "github:wasip2-flake/wasip2-flake";
    nixpkgs.follows = "wasip2/nixpkgs";
  };

  outputs = { nixpkgs, wasip2, ... }:
    let
      # The systems wasip2 serves; for each, its nixpkgs with the overlay (`pkgs.wasip2`).
      forAllSystems = f: nixpkgs.lib.genAttrs (builtins.attrNames wasip2.packages) (system:
        f wasip2.legacyPackages.${system});
      # The crate in this folder: the component, its checks and its dev shell.
      projectFor = pkgs: wasip2.lib.craneProject {
        inherit pkgs;
        src = ./.;
        toolchainFile = ./rust-toolchain.toml;
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      checks = forAllSystems (pkgs: (projectFor pkgs).checks);

      devShells = forAllSystems (pkgs: {
        default = (projectFor pkgs).devShell;
        # Or a shell of your own with the same variables (CC_wasm32_wasip2, the runner, …).
        own = pkgs.mkShell {
          packages = [ pkgs.wasip2.toolchain pkgs.wasip2.wasmtime pkgs.wasip2.wasi-sdk ];
          env = pkgs.wasip2.mkDevEnv {
            wasiSdk = pkgs.wasip2.wasi-sdk;
            inherit (pkgs.wasip2) wasmtime;
            testRunner = pkgs.wasip2.wasi-test-runner;
          };
        };
      });
    };
}
