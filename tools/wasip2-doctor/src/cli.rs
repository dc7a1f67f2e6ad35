//! The command line, `wasip2-doctor [--json] [--quick]`. Parsing returns what to do, help and
//! version included, and never exits: `main` prints and chooses the exit status.

use thiserror::Error;

use crate::checks::Options;
use crate::requirements::{MINIMUM_WASMTIME, TARGET};

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
}

/// Reads the arguments after the program's name. `--help` and `--version` win as soon as they
/// come; an unknown argument before them is an error.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Mode, UsageError> {
    let mut parsed = Args::default();
    for arg in args {
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--quick" => parsed.options.quick = true,
            "--help" | "-h" => return Ok(Mode::Help),
            "--version" | "-V" => return Ok(Mode::Version),
            _ => return Err(UsageError::UnknownArgument(arg)),
        }
    }
    Ok(Mode::Run(parsed))
}

pub fn usage() -> String {
    format!(
        "usage: wasip2-doctor [--json] [--quick]

Checks that this environment can build and run Rust for {TARGET}: rustc and its
{TARGET} std, wasm-component-ld and wasm-ld, wasmtime (>= {wasmtime}), WASI_SDK_PATH and the cc
crate's variables, Cargo's runner, then builds and runs probe programs (skipped with --quick).

  --json    print a JSON report instead of the table
  --quick   skip the probes that build and run programs
  --help    print this text

Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad usage.",
        wasmtime = MINIMUM_WASMTIME.major
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
                options: Options { quick: true },
            }))
        );
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
        assert!(usage().contains(&format!("Rust for {TARGET}")));
    }
}
