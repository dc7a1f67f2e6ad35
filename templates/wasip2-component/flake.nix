{
  description = "greeter: a wasm32-wasip2 library component exporting a WIT world";

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
        extraFiles = [ ./wit ./scripts ];
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: { default = (projectFor pkgs).app { file = "lib/greeter.wasm"; wasmtimeArgs = "run"; invoke = true; }; });

      devShells = forAllSystems (pkgs: { default = (projectFor pkgs).devShell; });

      checks = forAllSystems (pkgs:
        let
          project = projectFor pkgs;
        in
        project.checks // {
          # The built component exports exactly the world in wit/ (wasm-tools).
          wit = pkgs.runCommand "greeter-wit" { nativeBuildInputs = [ pkgs.wasm-tools ]; } ''
            bash ${./scripts/check-wit.sh} ${project.package}/lib/greeter.wasm ${./wit} greeter | tee $out
          '';
          # The exports answer when called, as a host calls them.
          smoke = pkgs.runCommand "greeter-smoke" { nativeBuildInputs = [ project.wasmtime ]; } ''
            bash ${./scripts/smoke.sh} ${project.package}/lib/greeter.wasm | tee $out
          '';
        });
    };
}
