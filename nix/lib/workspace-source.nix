# The Cargo workspace's sources: the manifests, the lock file and every member (Cargo loads all
# members even to build one). The Rust packages built from this repository take it as their src.
# The offline suite is a workspace of its own (suite/Cargo.toml), outside this source: editing
# the proof changes no product derivation.
lib:
lib.fileset.toSource {
  root = ../..;
  fileset = lib.fileset.unions [
    ../../Cargo.toml
    ../../Cargo.lock
    ../../tools
  ];
}
