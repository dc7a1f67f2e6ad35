//! The command line, `wasip2-doctor [--json] [--quick] [--target <triple>]`. Parsing returns
//! what to do, help and version included, and never exits: `main` prints and chooses the exit
//! status.

use thiserror::Error;

use crate::checks::Options;
use crate::requirements::MINIMUM_WASMTIME;
use crate::target::Target;

/// What a run of the diagnosis was asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Args {
    /// A JSON report instead of the table.
    pub json: bool,
    pub options: Options,
}

/// What the command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run(Args),
    /// `--help`, `-h`: print [`usage`].
    Help,
    /// `--version`, `-V`: print [`version`].
    Version,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum UsageError {
    #[error("unknown argument `{0}`\n\n{usage}", usage = usage())]
    UnknownArgument(String),
    #[error("`--target` needs a target: {supported}", supported = Target::supported())]
    MissingTarget,
    #[error(
        "unsupported target `{0}`: the doctor checks {supported}{hint}",
        supported = Target::supported(),
        hint = target_hint(.0)
    )]
    UnsupportedTarget(String),
}

/// Why a near miss is not served: wasip1 builds core modules, not components.
fn target_hint(triple: &str) -> &'static str {
    if triple == "wasm32-wasip1" || triple == "wasm32-wasi" {
        " (wasm32-wasip1 builds core modules, not components, and needs none of what is checked here)"
    } else {
        ""
    }
}

fn target(triple: &str) -> Result<Target, UsageError> {
    Target::from_triple(triple).ok_or_else(|| UsageError::UnsupportedTarget(triple.to_string()))
}

/// Reads the arguments after the program's name. `--help` and `--version` win as soon as they
/// come; an unknown argument or target before them is an error.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Mode, UsageError> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--quick" => parsed.options.quick = true,
            "--target" => {
                let triple = args.next().ok_or(UsageError::MissingTarget)?;
                parsed.options.target = target(&triple)?;
            }
            "--help" | "-h" => return Ok(Mode::Help),
            "--version" | "-V" => return Ok(Mode::Version),
            _ => match arg.strip_prefix("--target=") {
                Some(triple) => parsed.options.target = target(triple)?,
                None => return Err(UsageError::UnknownArgument(arg)),
            },
        }
    }
    Ok(Mode::Run(parsed))
}

pub fn usage() -> String {
    let p2 = Target::Wasip2.triple();
    format!(
        "usage: wasip2-doctor [--json] [--quick] [--target <triple>]

Checks that this environment can build and run Rust for {p2}: rustc and its
{p2} std, wasm-component-ld and wasm-ld, wasmtime (>= {wasmtime}), WASI_SDK_PATH and the cc
crate's variables, C++ (libc++) and bindgen, whether the std's panic strategy agrees with the
flags, Cargo's runner, then builds and runs probe programs (skipped with --quick).

  --json             print a JSON report instead of the table
  --quick            skip the probes that build and run programs
  --target <triple>  the target to check: {supported}
  --help             print this text

Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad usage.",
        wasmtime = MINIMUM_WASMTIME.major,
        supported = Target::supported(),
    )
}

pub fn version() -> String {
    format!("wasip2-doctor {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Mode, UsageError> {
        parse(words.split_whitespace().map(str::to_string))
    }

    #[test]
    fn flags_set_the_run() {
        assert_eq!(parse_words(""), Ok(Mode::Run(Args::default())));
        assert_eq!(
            parse_words("--quick --json"),
            Ok(Mode::Run(Args {
                json: true,
                options: Options {
                    quick: true,
                    target: Target::Wasip2
                },
            }))
        );
    }

    #[test]
    fn the_target_is_parsed_in_both_spellings() {
        for words in ["--target wasm32-wasip3", "--quick --target=wasm32-wasip3"] {
            let Ok(Mode::Run(args)) = parse_words(words) else {
                panic!("{words}: not a run");
            };
            assert_eq!(args.options.target, Target::Wasip3, "{words}");
        }
        let Ok(Mode::Run(args)) = parse_words("--target wasm32-wasip2") else {
            panic!("not a run");
        };
        assert_eq!(args.options.target, Target::Wasip2);
    }

    #[test]
    fn an_unsupported_target_is_refused_listing_the_supported_ones() {
        for (words, triple) in [
            ("--target wasm32-wasip1", "wasm32-wasip1"),
            ("--target=wasm32-wasi2", "wasm32-wasi2"),
        ] {
            let error = parse_words(words).expect_err(words);
            assert_eq!(error, UsageError::UnsupportedTarget(triple.into()));
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
        assert_eq!(parse_words("--target"), Err(UsageError::MissingTarget));
    }

    #[test]
    fn help_and_version_are_modes_not_exits() {
        for words in ["--help", "-h", "--json --help", "--help --bogus"] {
            assert_eq!(parse_words(words), Ok(Mode::Help), "{words}");
        }
        for words in ["--version", "-V", "--quick -V", "--version --bogus"] {
            assert_eq!(parse_words(words), Ok(Mode::Version), "{words}");
        }
    }

    #[test]
    fn an_unknown_argument_is_named_with_the_usage() {
        let error = parse_words("--json --bogus --version").expect_err("unknown");
        assert_eq!(error, UsageError::UnknownArgument("--bogus".into()));
        let text = error.to_string();
        assert!(text.starts_with("unknown argument `--bogus`\n\n"), "{text}");
        assert!(text.ends_with(&usage()), "{text}");
    }

    #[test]
    fn the_help_states_the_minimum_wasmtime() {
        assert!(usage().contains(&format!("wasmtime (>= {})", MINIMUM_WASMTIME.major)));
        assert!(usage().contains("Rust for wasm32-wasip2"));
        assert!(usage().contains("--target <triple>"));
    }
}
