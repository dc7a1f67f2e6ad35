{
  description = "wordcount: a wasm32-wasip2 command component";

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
        extraFiles = [ ./tests/data ];
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: { default = (projectFor pkgs).app { file = "bin/wordcount.wasm"; }; });

      devShells = forAllSystems (pkgs: { default = (projectFor pkgs).devShell; });

      checks = forAllSystems (pkgs:
        let
          project = projectFor pkgs;
        in
        project.checks // {
          # The component counts a file in a preopened folder and standard input.
          smoke = pkgs.runCommand "wordcount-smoke" { nativeBuildInputs = [ project.wasmtime ]; } ''
            bash ${./scripts/smoke.sh} ${project.package}/bin/wordcount.wasm | tee $out
          '';
        });
    };
}
