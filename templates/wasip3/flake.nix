{
  description = "p3hello: a wasm32-wasip3 command component, and an async WASIp3 component";

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
      # wasm32-wasip3: the flake's toolchain with the std built from source (no binary release
      # has one), its C compilers and its runner, Wasmtime with `-S p3 -W component-model-async`.
      projectFor = pkgs: wasip2.lib.craneProject {
        inherit pkgs;
        src = ./.;
        toolchainFile = ./rust-toolchain.toml;
        target = "wasm32-wasip3";
        extraFiles = [ ./tests/data ];
      };
      p3 = "run -S p3 -W component-model-async";
    in
    {
      # bin/p3hello.wasm, the command, and lib/timers.wasm, the async component.
      packages = forAllSystems (pkgs: { default = (projectFor pkgs).package; });

      apps = forAllSystems (pkgs: {
        default = (projectFor pkgs).app { file = "bin/p3hello.wasm"; wasmtimeArgs = "${p3} --dir ."; };
        timers = (projectFor pkgs).app { file = "lib/timers.wasm"; wasmtimeArgs = p3; };
      });

      devShells = forAllSystems (pkgs: { default = (projectFor pkgs).devShell; });

      checks = forAllSystems (pkgs:
        let
          project = projectFor pkgs;
        in
        project.checks // {
          # The command greets from a preopened file and by default; the async component's two
          # timers, awaited together, take less time than one after the other.
          smoke = pkgs.runCommand "p3hello-smoke" { nativeBuildInputs = [ project.wasmtime ]; } ''
            bash ${./scripts/smoke.sh} ${project.package}/bin/p3hello.wasm ${project.package}/lib/timers.wasm | tee $out
          '';
        });
    };
}
