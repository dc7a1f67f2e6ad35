# publish-cache: the closures of what this flake builds from source, less what nixpkgs' cache
# serves, signed and copied to a Nix binary cache by `nix copy --to 'DESTINATION?secret-key=KEY'`
# (docs/binary-cache.md). The script is ./publish-cache.sh; shellcheck runs on it as it is built.
{ lib
, writeShellApplication
, nix
, coreutils
, gawk
}:
writeShellApplication {
  name = "publish-cache";
  runtimeInputs = [ nix coreutils gawk ];
  text = builtins.readFile ./publish-cache.sh;
  meta = {
    description = "Signs the closures of what this flake builds from source and copies them to a Nix binary cache";
    homepage = "https://github.com/wasip2-flake/wasip2-flake";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
    mainProgram = "publish-cache";
  };
}
