{
  description = "http-hello: a wasi:http proxy component for wasm32-wasip2, served by wasmtime serve";

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
      };
    in
    {
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: { default = (projectFor pkgs).app { file = "lib/http_hello.wasm"; wasmtimeArgs = "serve -S cli --addr 127.0.0.1:8080"; }; });

      devShells = forAllSystems (pkgs: { default = (projectFor pkgs).devShell; });

      checks = forAllSystems (pkgs:
        let
          project = projectFor pkgs;
        in
        project.checks // {
          # Serves the component on a free loopback port, asserts the answers, always stops it.
          smoke = pkgs.runCommand "http-hello-smoke"
            {
              nativeBuildInputs = [ project.wasmtime pkgs.curl ];
              # It listens on loopback, which the darwin sandbox denies unless allowed.
              __darwinAllowLocalNetworking = true;
            }
            ''
              bash ${./scripts/smoke.sh} ${project.package}/lib/http_hello.wasm | tee $out
            '';
        });
    };
}
