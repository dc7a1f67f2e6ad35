# The Cargo workspace's sources: the manifests, the lock file and every member (Cargo loads all
# members even to build one). The Rust packages built from this repository take it as their src.
lib:
lib.fileset.toSource {
  root = ../..;
  fileset = lib.fileset.unions [
    ../../Cargo.toml
    ../../Cargo.lock
    ../../suite/Cargo.toml
    ../../suite/src
    ../../suite/tests
    ../../tools
  ];
}
