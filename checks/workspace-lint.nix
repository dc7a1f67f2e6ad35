# The gates on the product's Rust workspace and shell scripts, as a check: rustfmt, clippy with
# warnings denied on every target of every member, and shellcheck on every product script.
{ lib
, rustPlatform
, clippy
, rustfmt
, shellcheck
, root
}:
let
  # The product's folders that hold scripts (the whole root would take in a checkout's target/).
  # The proof's (.ci, bench, suite) are the offline suite's to lint: a change there must change
  # no derivation of the flake.
  shellScripts = lib.fileset.unions (
    map (dir: lib.fileset.fileFilter (file: file.hasExt "sh") (root + "/${dir}"))
      [ "scripts" "templates" "tools" "ui-tests" ]
  );
in
rustPlatform.buildRustPackage {
  pname = "workspace-lint";
  version = "0";

  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/Cargo.toml")
      (root + "/Cargo.lock")
      (root + "/rustfmt.toml")
      (root + "/tools")
      shellScripts
    ];
  };
  cargoLock.lockFile = root + "/Cargo.lock";

  nativeBuildInputs = [
    clippy
    rustfmt
    shellcheck
  ];

  buildPhase = ''
    runHook preBuild
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --offline -- --deny warnings
    find . -name '*.sh' -print0 | xargs -0 shellcheck -x
    runHook postBuild
  '';
  doCheck = false;
  installPhase = "touch $out";

  meta = {
    description = "rustfmt, clippy (warnings denied) and shellcheck over the repository";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    platforms = lib.platforms.unix;
  };
}
