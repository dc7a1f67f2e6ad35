//! The flags Cargo gives rustc for the target, found as Cargo finds them: CARGO_ENCODED_RUSTFLAGS,
//! else RUSTFLAGS, else CARGO_TARGET_<TRIPLE>_RUSTFLAGS, else CARGO_BUILD_RUSTFLAGS. The first
//! that is set wins whole, so a RUSTFLAGS set by hand hides the shell's target flags.

use crate::environment::Environment;
use crate::target::Target;

/// The flags, as words, and the variable they came from (None when no variable sets any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rustflags {
    pub words: Vec<String>,
    pub source: Option<String>,
}

impl Rustflags {
    /// Each `-C name=value` or `-Cname=value` as `name=value`, in order.
    pub fn codegen_options(&self) -> Vec<String> {
        let mut options = Vec::new();
        let mut words = self.words.iter();
        while let Some(word) = words.next() {
            if word == "-C" || word == "--codegen" {
                options.extend(words.next().cloned());
            } else if let Some(option) = word
                .strip_prefix("--codegen=")
                .or_else(|| word.strip_prefix("-C"))
            {
                options.push(option.to_string());
            }
        }
        options
    }

    /// Each `-C link-arg=` value, in order.
    pub fn link_args(&self) -> Vec<String> {
        self.codegen_options()
            .iter()
            .filter_map(|o| o.strip_prefix("link-arg=").map(str::to_string))
            .collect()
    }

    /// Where the flags come from, for messages.
    pub fn source_text(&self) -> String {
        self.source
            .clone()
            .unwrap_or_else(|| "no RUSTFLAGS variable is set".to_string())
    }
}

pub fn rustflags(env: &Environment, target: Target) -> Rustflags {
    if let Some(encoded) = env.var("CARGO_ENCODED_RUSTFLAGS") {
        return Rustflags {
            words: encoded.split('\u{1f}').map(str::to_string).collect(),
            source: Some("CARGO_ENCODED_RUSTFLAGS".into()),
        };
    }
    for variable in [
        "RUSTFLAGS".to_string(),
        target.cargo_var("RUSTFLAGS"),
        "CARGO_BUILD_RUSTFLAGS".to_string(),
    ] {
        if let Some(flags) = env.var(&variable) {
            return Rustflags {
                words: flags.split_whitespace().map(str::to_string).collect(),
                source: Some(variable),
            };
        }
    }
    Rustflags::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cwd: "/".into(),
        }
    }

    #[test]
    fn the_first_variable_cargo_reads_wins_whole() {
        let target_flags = (
            "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS",
            "-C link-arg=-lc++abi",
        );
        let flags = rustflags(&env(&[target_flags]), Target::Wasip2);
        assert_eq!(flags.link_args(), ["-lc++abi"]);
        let hidden = rustflags(
            &env(&[target_flags, ("RUSTFLAGS", "-Cpanic=unwind")]),
            Target::Wasip2,
        );
        assert_eq!(hidden.source.as_deref(), Some("RUSTFLAGS"));
        assert_eq!(hidden.codegen_options(), ["panic=unwind"]);
        assert_eq!(
            rustflags(&env(&[target_flags]), Target::Wasip3),
            Rustflags::default()
        );
        let encoded = rustflags(
            &env(&[
                ("CARGO_ENCODED_RUSTFLAGS", "-C\u{1f}panic=unwind"),
                ("RUSTFLAGS", "-g"),
            ]),
            Target::Wasip2,
        );
        assert_eq!(encoded.codegen_options(), ["panic=unwind"]);
    }
}
