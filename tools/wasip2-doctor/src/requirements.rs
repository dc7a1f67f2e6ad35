//! What a wasip2 (or wasip3) environment needs, in one place: the oldest releases that can build
//! or run for it and the files a wasi-sdk must have. The checks judge by these, and the help text
//! and the fixes quote them; the fix that provides all of it, the flake's shell, is in the
//! `fixes` module.

use crate::parse::Version;
use crate::target::Target;

/// The first Rust release with a std for wasm32-wasip2; rustup's toolchains ship
/// wasm-component-ld from it on.
pub const MINIMUM_RUSTC: Version = Version::new(1, 82, 0);

/// Wasmtime runs wasip2 components from this release on.
pub const MINIMUM_WASMTIME: Version = Version::new(17, 0, 0);

/// Wasmtime implements WASI 0.3.0, which wasm32-wasip3 programs import, from this release on
/// (43 to 45 implement only the release candidate 0.3.0-rc-2026-03-15, which does not link).
pub const MINIMUM_WASMTIME_WASIP3: Version = Version::new(46, 0, 0);

/// The first wasi-sdk release with a wasm32-wasip2 sysroot. Only named in fixes: an SDK is judged
/// by its files ([`SDK_FILES`]), since its folder does not say its release.
pub const MINIMUM_WASI_SDK: u32 = 22;

/// The files a wasi-sdk must have for the target, relative to its root: clang, the target's
/// driver, and the libc and crt objects of its sysroot folder (wasip2's for wasip3 too).
pub fn sdk_files(target: Target) -> Vec<String> {
    let lib = format!("share/wasi-sysroot/lib/{}", target.lib_folder());
    vec![
        "bin/clang".to_string(),
        format!("bin/{}-clang", target.triple()),
        format!("{lib}/libc.a"),
        format!("{lib}/crt1-command.o"),
    ]
}

/// The C++ runtime the SDK's sysroot must have beside libc for crates with C++ code.
pub const CXX_LIBRARIES: [&str; 2] = ["libc++.a", "libc++abi.a"];

/// The flags that build a crate to unwind on wasm (the same the unwinding std is built with):
/// the panic strategy, Wasm exception handling, and its standard encoding (Wasmtime refuses
/// the legacy one LLVM emits by default).
pub const UNWIND_FLAGS: &str =
    "-Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false";

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

    #[test]
    fn the_p3_sdk_needs_its_driver_and_the_wasip2_sysroot() {
        let files = sdk_files(Target::Wasip3);
        assert!(files.contains(&"bin/wasm32-wasip3-clang".to_string()));
        assert!(files.contains(&"share/wasi-sysroot/lib/wasm32-wasip2/libc.a".to_string()));
    }
}
