# The systems the flake builds for: those with an official wasi-sdk release and Rust binaries.
[
  "x86_64-linux"
  "aarch64-linux"
  "x86_64-darwin"
  "aarch64-darwin"
]
