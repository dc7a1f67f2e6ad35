# rustc's source tarball unpacked once into the store, read-only, for the UI tests and the
# unpatched std builds: compiletest's build, every UI run and every std build read it where it is
# and write only their own build folder, so none spends most of a minute unpacking 1.9 GB, and
# every run names the same source paths (which lets cargo find the compiletest build fresh,
# ui-compiletest.nix).
{ lib
, stdenvNoCC
, rustSource
, version
}:
stdenvNoCC.mkDerivation {
  pname = "rust-source-tree";
  inherit version;
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  installPhase = ''
    runHook preInstall
    mkdir -p "$out"
    tar -xzf ${rustSource} -C "$out" --strip-components=1
    # A rustc source tree, as bootstrap-config.sh and x.py expect it.
    test -f "$out/x.py" && test -f "$out/src/version"
    runHook postInstall
  '';
  dontFixup = true;

  meta = {
    description = "rustc ${version} source, unpacked for the UI-test runs and the std builds";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
  };
}
