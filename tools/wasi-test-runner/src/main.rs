//! `wasi-test-runner WASM [ARGS]...`: the target runner for `cargo test` (and `cargo run`,
//! nextest, doc-tests) on wasm32-wasip2. See `usage()` for exactly what it grants.

mod libtest;
mod plan;
mod wasm;
mod wasmtime;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, Result, bail};

use crate::plan::{Plan, forwarded_names, wasmtime_args};

fn usage() -> String {
    format!(
        "\
wasi-test-runner {version}: runs a wasm32-wasip2 test binary under Wasmtime, as cargo's target runner

USAGE
    wasi-test-runner WASM [ARGS]...
    CARGO_TARGET_WASM32_WASIP2_RUNNER=wasi-test-runner cargo test

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
    WASMTIME                    the wasmtime binary (default: `wasmtime` on PATH; >= {minimum})
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
tempfile::Builder::new().tempdir_in(std::env::var(\"TMPDIR\")?).",
        version = env!("CARGO_PKG_VERSION"),
        minimum = wasmtime::MINIMUM_MAJOR,
    )
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(wasm) = args.next() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    match wasm.to_str() {
        Some("--help" | "-h") => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            println!("wasi-test-runner {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    match run(wasm, args.collect()) {
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
fn fresh_temp_dir() -> Result<PathBuf> {
    let base = std::env::temp_dir();
    let base = base
        .canonicalize()
        .with_context(|| format!("the host's temporary folder {} is missing", base.display()))?;
    for attempt in 0..1000 {
        let dir = base.join(format!("wasi-test-runner-{}-{attempt}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("creating {}", dir.display()));
            }
        }
    }
    bail!("no free name for a temporary folder in {}", base.display())
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
        temp_dir: temp_dir.clone(),
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
    if let Err(error) = std::fs::remove_dir_all(&temp_dir) {
        eprintln!(
            "wasi-test-runner: could not remove {}: {error}",
            temp_dir.display()
        );
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
