# The same toolchain as `toolchain`, from fenix: fenix reads nix/rust-toolchain.toml too and pins
# it by the hash of the version's channel manifest.
{ lib
, fenix
, toolchainFile
, manifestHash
}:
lib.addMetaAttrs
{
  description = "Rust toolchain (fenix) with the wasm32-wasip2 standard library";
  mainProgram = "cargo";
}
  (
    fenix.fromToolchainFile {
      file = toolchainFile;
      sha256 = manifestHash;
    }
  )
