//! The command line, `wasi-test-runner <WASM> [ARGS]...`, as cargo calls a target runner, read by
//! clap. The runner's own options, `--help` and `--version`, count only before WASM: from WASM
//! on, every argument is the test binary's and reaches it untouched (`--help`, `-q` and `--`
//! included), so WASM and its arguments are one list to clap. Bad usage exits 2, as clap does.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::{CommandFactory as _, Parser};

use crate::wasmtime::MINIMUM_MAJOR;

/// What cargo asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The test binary (a component or a core module).
    pub wasm: OsString,
    /// Its arguments, as given.
    pub args: Vec<OsString>,
}

#[derive(Debug, Parser)]
#[command(
    version,
    about = "runs a wasm32-wasip2 test binary under Wasmtime, as cargo's target runner",
    override_usage = "wasi-test-runner <WASM> [ARGS]...
       CARGO_TARGET_WASM32_WASIP2_RUNNER=wasi-test-runner cargo test",
    help_template = "{name} {version}: {about-with-newline}
{usage-heading} {usage}

{all-args}{after-help}",
    after_help = after_help(),
)]
struct Cli {
    /// the test binary cargo built, then its arguments, passed on untouched
    #[arg(
        value_names = ["WASM", "ARGS"],
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<OsString>,
}

/// What the runner grants, how it treats exceptions, its variables and its exit statuses.
fn after_help() -> String {
    format!(
        "\
WHAT THE GUEST GETS (and nothing else of the host)
    folders   the current folder, as `.`;
              $CARGO_MANIFEST_DIR (cargo sets it for tests), at its own absolute path, so
              paths built from env!(\"CARGO_MANIFEST_DIR\") resolve;
              a fresh temporary folder, at its own absolute path, removed when the test exits
    variables TMPDIR (that temporary folder); RUST_BACKTRACE, RUST_LOG, RUST_TEST_* and
              CARGO_* with their host values, when set
    Wasmtime's default WASI interfaces (clocks, random, stdio, sockets as Wasmtime allows them);
    no compilation cache (-C cache=n)

EXCEPTIONS
    A binary built with Wasm exception handling (an unwinding std: -Cpanic=unwind
    -Ctarget-feature=+exception-handling) carries an exception tag; the runner then passes
    `-W exceptions=y` (on by default from Wasmtime 47 on; 37 to 46 need the flag).
    WASI_TEST_RUNNER_EXCEPTIONS=y or =n overrides the detection.

OTHER VARIABLES
    WASMTIME                    the wasmtime binary (default: `wasmtime` on PATH; >= {MINIMUM_MAJOR})
    WASI_TEST_RUNNER_VERBOSE=1  print the Wasmtime command line on stderr

EXIT STATUS
    Wasmtime's: 0 when the tests pass; 1 when one fails (a WASI p2 exit carries only success
    or failure, so libtest's 101 arrives as 1); 134 when a panic aborts (the default std);
    128+N when killed by signal N; 2 when the runner itself cannot start the test.
    101 when tests selected by --exact (nextest runs each test so) include a #[should_panic]
    test that libtest reported ignored: libtest on wasm does not run those and exits 0, which
    would read as a pass.

Note: Rust's std on WASI answers std::env::temp_dir() with a panic, whatever TMPDIR says
(rust-lang/rust#160363); the flake's unwinding std (devShells.unwind) returns TMPDIR as Unix
does. With another std, use TMPDIR directly, e.g.
tempfile::Builder::new().tempdir_in(std::env::var(\"TMPDIR\")?)."
    )
}

/// Reads the command line, the program's name first. `--help` and `--version` come back as
/// clap's errors of those kinds, to print with [`clap::Error::exit`] like the others.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, clap::Error> {
    let mut command = Cli::try_parse_from(args)?.command.into_iter();
    let Some(wasm) = command.next() else {
        return Err(Cli::command().error(
            ErrorKind::MissingRequiredArgument,
            "no WASM: give the test binary to run",
        ));
    };
    // Clap takes an unknown option for WASM, since WASM accepts what looks like one.
    if wasm.to_string_lossy().starts_with('-') {
        return Err(Cli::command().error(
            ErrorKind::UnknownArgument,
            format!(
                "unexpected argument '{}' found: the runner's options are --help and --version; the test binary's arguments come after WASM",
                wasm.display()
            ),
        ));
    }
    Ok(Invocation {
        wasm,
        args: command.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Invocation, clap::Error> {
        parse(
            std::iter::once("wasi-test-runner")
                .chain(words.split_whitespace())
                .map(OsString::from),
        )
    }

    fn invocation(wasm: &str, args: &[&str]) -> Invocation {
        Invocation {
            wasm: wasm.into(),
            args: args.iter().map(OsString::from).collect(),
        }
    }

    #[test]
    fn the_command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_argument_after_the_wasm_file_passes_through() -> Result<(), clap::Error> {
        for args in [
            &[][..],
            &["--exact", "tests::one"],
            &["--help"],
            &["-h"],
            &["--version", "-V"],
            &["--", "-q"],
            &["-q", "--", "--help"],
            &["--nocapture", "--test-threads=1", "-Z", "unstable-options"],
        ] {
            let words = format!("x.wasm {}", args.join(" "));
            assert_eq!(parse_words(&words)?, invocation("x.wasm", args), "{words}");
        }
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn arguments_that_are_not_utf8_pass_through() -> Result<(), clap::Error> {
        use std::os::unix::ffi::OsStringExt as _;
        let odd = OsString::from_vec(b"\xff-arg".to_vec());
        let parsed = parse(["wasi-test-runner".into(), "x.wasm".into(), odd.clone()])?;
        assert_eq!(parsed.args, [odd]);
        Ok(())
    }

    #[test]
    fn help_and_version_count_only_before_the_wasm_file() {
        for words in ["--help", "-h"] {
            let kind = parse_words(words).map(|_| ()).map_err(|e| e.kind());
            assert_eq!(kind, Err(ErrorKind::DisplayHelp), "{words}");
        }
        for words in ["--version", "-V"] {
            let kind = parse_words(words).map(|_| ()).map_err(|e| e.kind());
            assert_eq!(kind, Err(ErrorKind::DisplayVersion), "{words}");
        }
    }

    #[test]
    fn an_unknown_option_or_no_wasm_file_is_bad_usage() {
        for (words, expected) in [
            ("--bogus x.wasm", ErrorKind::UnknownArgument),
            ("-x", ErrorKind::UnknownArgument),
            ("", ErrorKind::MissingRequiredArgument),
        ] {
            let error = parse_words(words).map(|_| ()).expect_err(words);
            assert_eq!(error.kind(), expected, "{words}");
            assert_eq!(error.exit_code(), 2, "{words}");
        }
    }

    #[test]
    fn the_help_lists_the_grants_and_the_exit_statuses() {
        let help = Cli::command().render_help().to_string();
        for grant in [
            "CARGO_MANIFEST_DIR",
            "TMPDIR",
            "RUST_BACKTRACE",
            "RUST_LOG",
            "RUST_TEST_*",
            "CARGO_*",
            "-C cache=n",
            "-W exceptions=y",
            "WASMTIME",
            "EXIT STATUS",
            "temp_dir()",
        ] {
            assert!(help.contains(grant), "{grant}:\n{help}");
        }
        assert!(help.contains(&format!(">= {MINIMUM_MAJOR})")), "{help}");
        assert!(help.starts_with(&format!(
            "wasi-test-runner {}: runs a wasm32-wasip2 test binary",
            env!("CARGO_PKG_VERSION")
        )));
    }
}
