{
  description = "checksum: C compiled by the wasi-sdk clang, called from Rust, for wasm32-wasip2";

  inputs = {
    wasip2.url = "github:wasip2-flake/wasip2-flake";
    nixpkgs.follows = "wasip2/nixpkgs";
  };

  outputs = { nixpkgs, wasip2, ... }:
    let
      # The flake's own nixpkgs with its overlay, imported once per system and shared by every
      # output below.
      forAllSystems = f: nixpkgs.lib.genAttrs (builtins.attrNames wasip2.packages) (system:
        f wasip2.legacyPackages.${system});
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
          smoke = pkgs.runCommand "checksum-smoke" { nativeBuildInputs = [ project.wasmtime ]; } ''
            bash ${./scripts/smoke.sh} ${project.package}/bin/checksum.wasm | tee $out
          '';
        });
    };
}
