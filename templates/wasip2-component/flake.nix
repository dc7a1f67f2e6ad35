{
  description = "greeter: a wasm32-wasip2 library component exporting a WIT world";

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
        extraFiles = [ ./wit ./scripts ];
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: { default = (projectFor pkgs).app { file = "lib/greeter.wasm"; wasmtimeArgs = "run --invoke"; }; });

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
          smoke = pkgs.runCommand "greeter-smoke" { nativeBuildInputs = [ pkgs.wasip2.wasmtime ]; } ''
            wasmtime run --invoke 'greet("Ada", "fr")' ${project.package}/lib/greeter.wasm > out.txt
            grep -Fx 'ok("Bonjour, Ada!")' out.txt
            wasmtime run --invoke 'greet("Ada", "xx")' ${project.package}/lib/greeter.wasm > err.txt
            grep -F 'err("unknown language' err.txt
            cat out.txt err.txt > $out
          '';
        });
    };
}
