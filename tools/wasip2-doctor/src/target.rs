//! The targets the doctor diagnoses, and what each one's environment is called: the cc crate's
//! and Cargo's variables, the sysroot folder its C and C++ libraries come from, the Wasmtime
//! flags its runner needs. `--target` picks one; everything else asks it.

/// A target the doctor knows how to check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Target {
    /// Tier 2: rustup ships its std.
    #[default]
    Wasip2,
    /// Tier 3: no binary release has its std, so it is built from source.
    Wasip3,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::Wasip2, Target::Wasip3];

    pub fn triple(self) -> &'static str {
        match self {
            Target::Wasip2 => "wasm32-wasip2",
            Target::Wasip3 => "wasm32-wasip3",
        }
    }

    pub fn from_triple(triple: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.triple() == triple)
    }

    /// "wasm32-wasip2 (the default), wasm32-wasip3": for messages.
    pub fn supported() -> String {
        Target::ALL
            .iter()
            .map(|t| match t {
                Target::Wasip2 => format!("{} (the default)", t.triple()),
                Target::Wasip3 => t.triple().to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The triple as the cc crate's variables end: `wasm32_wasip2`.
    pub fn cc_suffix(self) -> &'static str {
        match self {
            Target::Wasip2 => "wasm32_wasip2",
            Target::Wasip3 => "wasm32_wasip3",
        }
    }

    /// A per-target variable of the cc crate or bindgen: `CC` gives `CC_wasm32_wasip2`.
    pub fn var(self, prefix: &str) -> String {
        format!("{prefix}_{}", self.cc_suffix())
    }

    /// Cargo's variable for a target setting: `RUNNER` gives `CARGO_TARGET_WASM32_WASIP2_RUNNER`.
    pub fn cargo_var(self, setting: &str) -> String {
        format!(
            "CARGO_TARGET_{}_{setting}",
            self.cc_suffix().to_ascii_uppercase()
        )
    }

    /// The folder of `share/wasi-sysroot/lib` with the target's libc, libc++ and libc++abi. No
    /// SDK has a wasip3 libc yet: Rust's bootstrap takes wasip2's for wasm32-wasip3, and the
    /// dev environment links its libc++ from there too.
    pub fn lib_folder(self) -> &'static str {
        "wasm32-wasip2"
    }

    /// The id of the check for rustc's std for the target.
    pub fn std_id(self) -> &'static str {
        match self {
            Target::Wasip2 => "wasip2-std",
            Target::Wasip3 => "wasip3-std",
        }
    }

    /// The Wasmtime options (`-S`, `-W`) the target's components need, each as the option and
    /// its setting. Wasmtime enables them by default from 46 on, built with its default features;
    /// naming them makes a Wasmtime without them say so.
    pub fn wasmtime_options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Target::Wasip2 => &[],
            Target::Wasip3 => &[("-S", "p3"), ("-W", "component-model-async")],
        }
    }
}

/// The triple: the default the help shows.
impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.triple())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_variables_of_each_target() {
        assert_eq!(Target::default().triple(), "wasm32-wasip2");
        assert_eq!(Target::Wasip3.var("CC"), "CC_wasm32_wasip3");
        assert_eq!(
            Target::Wasip3.cargo_var("RUNNER"),
            "CARGO_TARGET_WASM32_WASIP3_RUNNER"
        );
        assert_eq!(
            Target::Wasip2.cargo_var("RUSTFLAGS"),
            "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"
        );
        for target in Target::ALL {
            assert_eq!(Target::from_triple(target.triple()), Some(target));
        }
        assert_eq!(Target::from_triple("wasm32-wasip1"), None);
        assert_eq!(
            Target::supported(),
            "wasm32-wasip2 (the default), wasm32-wasip3"
        );
    }
}
