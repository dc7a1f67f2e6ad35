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

  wasmtime = {
    # The oldest Wasmtime each use needs; the flake refuses an older one at evaluation.
    minimum = {
      # Components of the wasip2 CLI world run from 17 on.
      wasip2 = "17";
      # Wasm exception handling as the unwinding std emits it (exnref, `-W exceptions=y`) is
      # complete from 37 on (Wasmtime's RELEASES.md; on by default only from 47).
      exceptions = "37";
      # WASI 0.3.0, which wasm32-wasip3 programs and the `wasip3` crate import, first ships in
      # 46.0.0 (2026-06-22; 43 to 45 implement only 0.3.0-rc-2026-03-15, and their linker
      # matches no pre-release to 0.3.0). From 46 on, `-S p3` and component-model-async are on
      # by default too.
      wasip3 = "46";
    };
    # nixpkgs at the pin has 45.0.x, too old for WASI 0.3.0: for wasm32-wasip3 the flake builds
    # this release of the crate registry's wasmtime-cli (the release nixpkgs' master had at the
    # pin's date, 47.0.3 on 2026-07-31, at its newest patch).
    wasip3 = {
      version = "47.0.4";
      # The crate's sha256 as the crate registry's index lists it (`cksum`).
      crateHash = "sha256-n0rFk54jqgb6EDb2k7lq7hwOMlIWq/2TfAkFBHq7p8M=";
      # nixpkgs' fetchCargoVendor of the crate's own Cargo.lock.
      cargoHash = "sha256-P2uQld10OqkFtNyi8F97HrSjYtoUyODYvPPG400ktKI=";
    };
  };
}
