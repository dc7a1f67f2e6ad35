{
  description = "wordcount: a wasm32-wasip2 command component";

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
          smoke = pkgs.runCommand "wordcount-smoke" { nativeBuildInputs = [ pkgs.wasip2.wasmtime ]; } ''
            mkdir data && printf 'one two\nthree\n' > data/notes.txt
            WORDCOUNT_FORMAT=json wasmtime run --dir data::/data --env WORDCOUNT_FORMAT \
              ${project.package}/bin/wordcount.wasm /data/notes.txt > counts.json
            grep -F '"lines":2,"words":3,"bytes":14' counts.json
            echo 'a b c' | wasmtime run ${project.package}/bin/wordcount.wasm > stdin.txt
            grep -E '^ +1 +3 +6 -$' stdin.txt
            cat counts.json stdin.txt > $out
          '';
        });
    };
}
