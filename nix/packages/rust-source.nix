# The upstream `rustc-<version>-src.tar.gz`: compiler, library, bootstrap, vendored crates and
# tests/ (Rust's dist step packs "src", "compiler", "library", "tests").
{ fetchurl
, version
, hash
}:
fetchurl {
  url = "https://static.rust-lang.org/dist/rustc-${version}-src.tar.gz";
  inherit hash;
}
