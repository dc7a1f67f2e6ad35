# The binary Rust toolchain from rust-overlay, as nix/rust-toolchain.toml describes it: the pinned
# version with the wasm32-wasip2 std, rust-src and rust-analyzer.
{ lib
, rust-bin
, toolchainFile
}:
lib.addMetaAttrs
{
  description = "Rust toolchain (rust-overlay) with the wasm32-wasip2 standard library";
  mainProgram = "cargo";
}
  (rust-bin.fromRustupToolchainFile toolchainFile)
