//! What a wasip2 environment needs, in one place: the target, the oldest releases that can build
//! or run for it, the files a wasi-sdk must have, and the one fix that provides all of it. The
//! checks judge by these, and the help text and the fixes quote them.

use crate::parse::Version;

pub const TARGET: &str = "wasm32-wasip2";

/// The first Rust release with a std for wasm32-wasip2; rustup's toolchains ship
/// wasm-component-ld from it on.
pub const MINIMUM_RUSTC: Version = Version::new(1, 82, 0);

/// Wasmtime runs wasip2 components from this release on.
pub const MINIMUM_WASMTIME: Version = Version::new(17, 0, 0);

/// The first wasi-sdk release with a wasm32-wasip2 sysroot. Only named in fixes: an SDK is judged
/// by its files ([`SDK_FILES`]), since its folder does not say its release.
pub const MINIMUM_WASI_SDK: u32 = 22;

/// The files a wasi-sdk must have for wasip2, relative to its root.
pub const SDK_FILES: &[&str] = &[
    "bin/clang",
    "bin/wasm32-wasip2-clang",
    "share/wasi-sysroot/lib/wasm32-wasip2/libc.a",
    "share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o",
];

/// The end of most fixes: the flake's dev shell has every part the checks look for.
pub const USE_THE_SHELL: &str =
    "or enter the flake's shell: nix develop github:wasip2-flake/wasip2-flake";

/// A release as the messages name it: "1.82" for 1.82.0.
pub fn major_minor(version: Version) -> String {
    format!("{}.{}", version.major, version.minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_releases_by_major_and_minor() {
        assert_eq!(major_minor(MINIMUM_RUSTC), "1.82");
        assert_eq!(major_minor(Version::new(17, 3, 1)), "17.3");
    }
}
