# Every pin that is not a flake input, in one place. Hashes are SRI; where they come from is noted
# next to each, so a version bump knows what to recompute.
{
  rust = {
    # The binary toolchains read the version from this file; the from-source builds take it from
    # there too, so all of them agree.
    toolchainFile = ./rust-toolchain.toml;
    version = (builtins.fromTOML (builtins.readFile ./rust-toolchain.toml)).toolchain.channel;

    # `rustc-1.95.0-src.tar.gz` from static.rust-lang.org (nixpkgs' rustcSha256 for 1.95.0).
    sourceHash = "sha256-6puCqD5GlnU3w1ac6db6FoEcBDqW5lE3bDSecCQcpRU=";

    # fenix pins a toolchain by the hash of its channel manifest, `channel-rust-1.95.0.toml`.
    fenixManifestHash = "sha256-gh/xTkxKHL4eiRXzWv8KP7vfjSk61Iq48x47BEDFgfk=";
  };

  # The official wasi-sdk release (nixpkgs has no wasi-sdk); flat sha256 of each release tarball
  # from github.com/WebAssembly/wasi-sdk/releases/tag/wasi-sdk-30.
  wasiSdk = {
    version = "30";
    fullVersion = "30.0";
    tarballs = {
      x86_64-linux = {
        platform = "x86_64-linux";
        hash = "sha256-BQdnnf8WgUt0UWzZaamxbSztE0c4gCS8eWYmRkjHi/s=";
      };
      aarch64-linux = {
        platform = "arm64-linux";
        hash = "sha256-byl3lCMI2RsBI5eNo8ag1vzngJlLOwIACMYX4mdk6kA=";
      };
      x86_64-darwin = {
        platform = "x86_64-macos";
        hash = "sha256-FZSgeRMJeBvw0CJEMcNVbsSiMmsgVoe2WfZVDQjYsT4=";
      };
      aarch64-darwin = {
        platform = "arm64-macos";
        hash = "sha256-LC7ZkpaFfmD9FMP0D+ImIx8pZAlQJJEJRwQInDGhZ0A=";
      };
    };
  };

  # Components (the wasip2 CLI world) run in Wasmtime from 17 on.
  minimumWasmtime = "17";
}
