//! The command line, `wasip2-doctor [--json] [--quick] [--target <triple>]`, read by clap: it
//! prints the help and the version, and refuses bad usage with exit status 2.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Arg, Command, Parser};

use crate::checks::Options;
use crate::requirements::MINIMUM_WASMTIME;
use crate::target::Target;

/// What a run of the diagnosis was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parser)]
#[command(version, about = about(), after_help = EXIT_STATUS)]
pub struct Args {
    /// print a JSON report instead of the table
    #[arg(long)]
    pub json: bool,
    /// skip the probes that build and run programs
    #[arg(long)]
    pub quick: bool,
    /// the target to check
    #[arg(long, value_name = "triple", value_parser = TargetParser, default_value_t)]
    pub target: Target,
}

impl Args {
    /// What the checks are asked to do.
    pub fn options(&self) -> Options {
        Options {
            quick: self.quick,
            target: self.target,
        }
    }
}

const EXIT_STATUS: &str =
    "Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad usage.";

/// What the doctor checks, for the help.
fn about() -> String {
    let p2 = Target::Wasip2.triple();
    format!(
        "Checks that this environment can build and run Rust for {p2}: rustc and its
{p2} std, wasm-component-ld and wasm-ld, wasmtime (>= {wasmtime}), WASI_SDK_PATH and the cc
crate's variables, C++ (libc++) and bindgen, whether the std's panic strategy agrees with the
flags, Cargo's runner, then builds and runs probe programs (skipped with --quick).",
        wasmtime = MINIMUM_WASMTIME.major,
    )
}

/// `--target`'s values: the supported triples, listed in the help and when the value is
/// missing; any other value is refused naming them (and why wasip1 is not served).
#[derive(Debug, Clone, Copy)]
struct TargetParser;

impl TypedValueParser for TargetParser {
    type Value = Target;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Target, clap::Error> {
        StringValueParser::new()
            .try_map(|triple| Target::from_triple(&triple).ok_or_else(|| unsupported(&triple)))
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Target::ALL
                .into_iter()
                .map(|target| PossibleValue::new(target.triple())),
        ))
    }
}

/// Why a triple is refused: what the doctor checks, and why a near miss is not served (wasip1
/// builds core modules, not components).
fn unsupported(triple: &str) -> String {
    let hint = if triple == "wasm32-wasip1" || triple == "wasm32-wasi" {
        " (wasm32-wasip1 builds core modules, not components, and needs none of what is checked here)"
    } else {
        ""
    };
    format!("the doctor checks {}{hint}", Target::supported())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;
    use clap::error::ErrorKind;

    use super::*;

    fn parse_words(words: &str) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("wasip2-doctor").chain(words.split_whitespace()))
    }

    fn error_kind(words: &str) -> ErrorKind {
        parse_words(words).expect_err(words).kind()
    }

    #[test]
    fn the_command_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn flags_set_the_run() -> Result<(), clap::Error> {
        let none = parse_words("")?;
        assert_eq!((none.json, none.options()), (false, Options::default()));
        let both = parse_words("--quick --json")?;
        assert!(both.json);
        assert_eq!(
            both.options(),
            Options {
                quick: true,
                target: Target::Wasip2
            }
        );
        Ok(())
    }

    #[test]
    fn the_target_is_parsed_in_both_spellings() -> Result<(), clap::Error> {
        for words in ["--target wasm32-wasip3", "--quick --target=wasm32-wasip3"] {
            assert_eq!(parse_words(words)?.target, Target::Wasip3, "{words}");
        }
        assert_eq!(
            parse_words("--target wasm32-wasip2")?.target,
            Target::Wasip2
        );
        Ok(())
    }

    #[test]
    fn an_unsupported_target_is_refused_listing_the_supported_ones() {
        for words in ["--target wasm32-wasip1", "--target=wasm32-wasi2"] {
            let error = parse_words(words).expect_err(words);
            assert_eq!(error.kind(), ErrorKind::ValueValidation, "{words}");
            let text = error.to_string();
            assert!(
                text.contains("wasm32-wasip2 (the default), wasm32-wasip3"),
                "{text}"
            );
        }
        assert!(
            parse_words("--target wasm32-wasip1")
                .expect_err("wasip1")
                .to_string()
                .contains("core modules")
        );
        let missing = parse_words("--target").expect_err("no target");
        assert_eq!(missing.kind(), ErrorKind::InvalidValue);
        assert!(
            missing
                .to_string()
                .contains("[possible values: wasm32-wasip2, wasm32-wasip3]"),
            "{missing}"
        );
    }

    #[test]
    fn help_and_version_win_as_soon_as_they_come() {
        for words in ["--help", "-h", "--json --help", "--help --bogus"] {
            assert_eq!(error_kind(words), ErrorKind::DisplayHelp, "{words}");
        }
        for words in ["--version", "-V", "--quick -V", "--version --bogus"] {
            assert_eq!(error_kind(words), ErrorKind::DisplayVersion, "{words}");
        }
        assert_eq!(
            error_kind("--json --bogus --version"),
            ErrorKind::UnknownArgument
        );
    }

    #[test]
    fn the_help_states_the_minimum_wasmtime() {
        let help = Args::command().render_help().to_string();
        assert!(help.contains(&format!("wasmtime (>= {})", MINIMUM_WASMTIME.major)));
        assert!(help.contains("Rust for wasm32-wasip2"));
        assert!(help.contains("--target <triple>"));
        assert!(help.contains(EXIT_STATUS));
    }
}
