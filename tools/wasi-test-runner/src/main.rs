//! `wasi-test-runner WASM [ARGS]...`: the target runner for `cargo test` (and `cargo run`,
//! nextest, doc-tests) on wasm32-wasip2. See its `--help` (`cli`) for exactly what it grants.

mod cli;
mod libtest;
mod plan;
mod wasm;
mod wasmtime;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result, bail};

use crate::plan::{Plan, forwarded_names, wasmtime_args};

fn main() -> ExitCode {
    let invocation = match cli::parse(std::env::args_os()) {
        Ok(invocation) => invocation,
        // The help and the version (exit status 0), or bad usage (2).
        Err(error) => error.exit(),
    };
    match run(invocation.wasm, invocation.args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("wasi-test-runner: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether to enable exceptions: the switch when set, else what the binary says.
fn exceptions_wanted(wasm: &Path) -> Result<bool> {
    match std::env::var("WASI_TEST_RUNNER_EXCEPTIONS").as_deref() {
        Ok("y" | "yes" | "1" | "true") => Ok(true),
        Ok("n" | "no" | "0" | "false") => Ok(false),
        Ok("" | "auto") | Err(std::env::VarError::NotPresent) => {
            let bytes =
                std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
            Ok(wasm::uses_exceptions(&bytes))
        }
        Ok(other) => bail!("WASI_TEST_RUNNER_EXCEPTIONS={other:?}: use y, n or auto"),
        Err(error) => bail!("WASI_TEST_RUNNER_EXCEPTIONS: {error}"),
    }
}

/// A new, empty folder under the host's temporary folder, only for this run.
/// A fresh folder of an unpredictable name in the host's temporary folder (its real path: the
/// guest sees it at that path), removed after the run.
fn fresh_temp_dir() -> Result<tempfile::TempDir> {
    let base = std::env::temp_dir();
    let base = base
        .canonicalize()
        .with_context(|| format!("the host's temporary folder {} is missing", base.display()))?;
    tempfile::Builder::new()
        .prefix("wasi-test-runner-")
        .tempdir_in(&base)
        .with_context(|| format!("creating a temporary folder in {}", base.display()))
}

fn run(wasm: OsString, args: Vec<OsString>) -> Result<u8> {
    let program = wasmtime::locate(std::env::var_os("WASMTIME"), std::env::var_os("PATH"))?;
    wasmtime::check_version(&program)?;
    let exceptions = exceptions_wanted(Path::new(&wasm))?;
    // As cargo spelled it, not canonical: `env!("CARGO_MANIFEST_DIR")` in the test holds the
    // same spelling, symbolic links included, and the guest resolves it by name.
    let manifest_dir = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if !dir.is_dir() {
                bail!(
                    "CARGO_MANIFEST_DIR={} is not a folder: run the tests through cargo, or unset it",
                    dir.display()
                );
            }
            Some(dir)
        }
        _ => None,
    };
    let temp_dir = fresh_temp_dir()?;
    let plan = Plan {
        manifest_dir,
        temp_dir: temp_dir.path().to_path_buf(),
        forwarded: forwarded_names(std::env::vars_os().map(|(name, _)| name)),
        exceptions,
        wasm,
        args,
    };
    let status = wasmtime_args(&plan).and_then(|wasmtime_args| {
        if std::env::var_os("WASI_TEST_RUNNER_VERBOSE").is_some_and(|v| v == "1") {
            let words: Vec<_> = wasmtime_args.iter().map(|a| a.to_string_lossy()).collect();
            eprintln!(
                "wasi-test-runner: {} {}",
                program.display(),
                words.join(" ")
            );
        }
        let mut command = Command::new(&program);
        command.args(&wasmtime_args);
        if libtest::selects_exact_tests(&plan.args) {
            run_single_tests(&mut command)
        } else {
            command
                .status()
                .map(|status| (status, Vec::new()))
                .with_context(|| format!("starting {}", program.display()))
        }
    });
    let shown = temp_dir.path().display().to_string();
    if let Err(error) = temp_dir.close() {
        eprintln!("wasi-test-runner: could not remove {shown}: {error}");
    }
    let (status, unrun) = status?;
    if status.success() && !unrun.is_empty() {
        eprintln!(
            "wasi-test-runner: {} never ran: libtest on wasm does not run #[should_panic] tests and reports them ignored; counted as failed so that it cannot pass unverified (`cargo test` shows it as ignored)",
            unrun.join(", ")
        );
        return Ok(LIBTEST_FAILURE);
    }
    Ok(exit_code(status))
}

/// libtest's exit status when a test failed.
const LIBTEST_FAILURE: u8 = 101;

/// Runs the test, passing its output through line by line, and notes the `#[should_panic]`
/// tests libtest reported as ignored.
fn run_single_tests(command: &mut Command) -> Result<(std::process::ExitStatus, Vec<String>)> {
    use std::io::{BufRead as _, Write as _};
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting wasmtime")?;
    let mut unrun = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = std::io::BufReader::new(stdout);
        let mut out = std::io::stdout().lock();
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            out.write_all(&line)?;
            out.flush()?;
            if let Some(name) = libtest::unrun_should_panic(&String::from_utf8_lossy(&line)) {
                unrun.push(name.to_string());
            }
            line.clear();
        }
    }
    Ok((child.wait().context("waiting for wasmtime")?, unrun))
}

fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(1),
        (None, None) => 1,
    }
}
