//! The home of what more than one fix says: the flake's address and the shells it names, and the
//! fixes that both a check and a probe give (a missing std, a failing C++ link). A check's other
//! fixes stay with the check; they end with [`USE_THE_SHELL`] or name [`WASIP3_SHELL`].

use crate::target::Target;

/// The flake's address, as `nix develop` takes it; the constants below are built from it.
macro_rules! flake {
    () => {
        "github:wasip2-flake/wasip2-flake"
    };
}

/// The flake's address, as `nix develop` takes it.
pub const FLAKE: &str = flake!();

/// The end of most fixes: the flake's dev shell has every part the checks look for.
pub const USE_THE_SHELL: &str = concat!("or enter the flake's shell: nix develop ", flake!());

/// The flake's wasip3 shell: the from-source std, Wasmtime and wasi-sdk for wasm32-wasip3.
pub const WASIP3_SHELL: &str = concat!("nix develop ", flake!(), "#wasip3");

/// The flake's unwinding shell: the std built to unwind, with its flags.
pub const UNWIND_SHELL: &str = concat!("nix develop ", flake!(), "#unwind");

/// What a failing C++ link says, quoted so that a search for it finds the doctor's fix.
pub const LINK_ERROR: &str = "unable to find library -lc++";

/// The fix for a missing std for the target.
pub fn std_fix(target: Target) -> String {
    let triple = target.triple();
    match target {
        Target::Wasip2 => {
            format!("rustup target add {triple} (for the toolchain in use), {USE_THE_SHELL}")
        }
        Target::Wasip3 => format!(
            "no binary release ships a std for {triple} (a Tier 3 target): use the flake's wasip3 shell ({WASIP3_SHELL}) or its toolchain packages.rust-std-wasip3, whose std is built from source"
        ),
    }
}

/// The fix for a link that says "unable to find library -lc++" (or -lc++abi): either the SDK
/// lacks the libraries or the flags do not point the linker at them.
pub fn link_error_fix(target: Target) -> String {
    format!(
        "the linker finds no libc++ for {}: the SDK needs share/wasi-sysroot/lib/{1}/{{libc++.a,libc++abi.a}} (the flake's wasi-sdk has them), and the linker their folder: {2}=\"-C link-arg=-L$WASI_SDK_PATH/share/wasi-sysroot/lib/{1} -C link-arg=-lc++abi\" (the libc++ and cxx-variables checks say which is missing), {USE_THE_SHELL}",
        target.triple(),
        target.lib_folder(),
        target.cargo_var("RUSTFLAGS")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shells_are_the_flakes() {
        for text in [USE_THE_SHELL, WASIP3_SHELL, UNWIND_SHELL] {
            assert!(text.contains(&format!("nix develop {FLAKE}")), "{text}");
        }
        assert!(WASIP3_SHELL.ends_with("#wasip3"));
    }

    #[test]
    fn the_p3_std_fix_names_the_from_source_toolchain() {
        let fix = std_fix(Target::Wasip3);
        assert!(
            fix.contains("rust-std-wasip3") && fix.contains("wasip3 shell"),
            "{fix}"
        );
        assert!(fix.contains(WASIP3_SHELL), "{fix}");
        assert!(std_fix(Target::Wasip2).contains("rustup target add wasm32-wasip2"));
    }

    #[test]
    fn the_link_error_fix_names_the_libraries_and_the_flags() {
        let fix = link_error_fix(Target::Wasip3);
        assert!(
            fix.contains("CARGO_TARGET_WASM32_WASIP3_RUSTFLAGS"),
            "{fix}"
        );
        assert!(
            fix.contains("lib/wasm32-wasip2/{libc++.a,libc++abi.a}"),
            "{fix}"
        );
    }
}
