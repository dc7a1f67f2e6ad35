{
  description = "checksum: C compiled by the wasi-sdk clang, called from Rust, for wasm32-wasip2";

  inputs = {
    wasip2.url = "github:wasip2-flake/wasip2-flake";
    nixpkgs.follows = "wasip2/nixpkgs";
  };

  outputs = { nixpkgs, wasip2, ... }:
    let
      forAllSystems = f: nixpkgs.lib.genAttrs (builtins.attrNames wasip2.packages) (system:
        f (import nixpkgs {
          inherit system;
          overlays = [ wasip2.overlays.default ];
        }));
      projectFor = pkgs: wasip2.lib.craneProject {
        inherit pkgs;
        src = ./.;
        toolchainFile = ./rust-toolchain.toml;
        extraFiles = [ ./c ];
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: { default = (projectFor pkgs).app { file = "bin/checksum.wasm"; }; });

      devShells = forAllSystems (pkgs: { default = (projectFor pkgs).devShell; });

      checks = forAllSystems (pkgs:
        let
          project = projectFor pkgs;
        in
        project.checks // {
          # The C code runs inside the component: the published Adler-32 of "Wikipedia".
          smoke = pkgs.runCommand "checksum-smoke" { nativeBuildInputs = [ pkgs.wasip2.wasmtime ]; } ''
            printf Wikipedia | wasmtime run ${project.package}/bin/checksum.wasm > out.txt
            grep -Fx '11e60398  -' out.txt
            cp out.txt $out
          '';
        });
    };
}
