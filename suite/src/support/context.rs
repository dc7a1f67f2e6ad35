//! Where the suite works, what it found on the machine, and how it runs commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result, bail};

use crate::harness::{CheckResult, Verdict};
use crate::nix_build::{BuildEnvironment, Stdenv};

/// Shared state of one suite run. Parts that a check builds (the assembled SDK, the toolchain with
/// the wasip2 std) are recorded here for the checks after it.
pub struct Context {
    /// The repository's root.
    pub repo: PathBuf,
    /// Scratch space for this run: `target/offline-suite` in the checkout.
    pub work: PathBuf,
    /// Downloads and slow installs, kept between runs and keyed by version.
    pub cache: PathBuf,
    /// True under CI: a missing part is then a failure, not a skip.
    pub ci: bool,
    pub pins: Pins,
    pub parts: Parts,
    /// Nix builds started in the background (`standin::build_ahead`), joined by the check that
    /// builds the same derivation.
    pub ahead: Vec<crate::support::standin::AheadBuild>,
}

/// The versions the suite needs to match, read from their one place in the repository.
#[derive(Debug)]
pub struct Pins {
    /// `channel` of `nix/rust-toolchain.toml`: the stage-0 compiler, the source, the templates.
    pub rust: String,
    /// wasmtime-cli's line of `.ci/cargo-tools.txt`.
    pub wasmtime_cli: String,
}

impl Pins {
    fn read(repo: &Path) -> Result<Self> {
        let toolchain_file = repo.join("nix/rust-toolchain.toml");
        let toolchain = std::fs::read_to_string(&toolchain_file)
            .with_context(|| format!("reading {}", toolchain_file.display()))?;
        let rust = toolchain
            .lines()
            .find_map(|l| l.strip_prefix("channel = "))
            .map(|v| v.trim().trim_matches('"').to_string())
            .with_context(|| format!("no `channel = ` in {}", toolchain_file.display()))?;
        let tools_file = repo.join(".ci/cargo-tools.txt");
        let tools = std::fs::read_to_string(&tools_file)
            .with_context(|| format!("reading {}", tools_file.display()))?;
        let wasmtime_cli = tools
            .lines()
            .find_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                ["wasmtime-cli", version, ..] => Some(version.to_string()),
                _ => None,
            })
            .with_context(|| format!("no wasmtime-cli line in {}", tools_file.display()))?;
        Ok(Pins { rust, wasmtime_cli })
    }
}

/// Variables that `cargo test` (and rustup's proxy) put into the suite's environment and that
/// would make the toolchains the suite runs pick up the outer toolchain: LD_LIBRARY_PATH makes a
/// copied rustc load the outer librustc_driver and so report the outer sysroot.
const OUTER_TOOLCHAIN_VARIABLES: &[&str] = &[
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
    "RUSTUP_TOOLCHAIN",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_WRAPPER",
    "RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
];

/// Keeps the outer toolchain's variables out of `command`, except those the caller set on it.
pub fn without_outer_toolchain(command: &mut Command) -> &mut Command {
    let set: Vec<_> = command
        .get_envs()
        .map(|(name, _)| name.to_owned())
        .collect();
    for name in OUTER_TOOLCHAIN_VARIABLES {
        if !set.iter().any(|s| s == name) {
            command.env_remove(name);
        }
    }
    command
}

/// The host parts that stand in for the flake's pinned inputs.
#[derive(Default, Debug)]
pub struct Parts {
    /// `KEY=VALUE` lines printed by `suite/scripts/fetch-debian-parts.sh`.
    pub debian: Option<DebianParts>,
    /// The wasi-sdk-shaped folder made by `suite/scripts/assemble-wasi-sdk.sh`.
    pub wasi_sdk: Option<PathBuf>,
    /// A directory with `bin/wasmtime`: the release nixpkgs has at the pin, from the crate
    /// registry (`.ci/cargo-tools.txt`).
    pub wasmtime: Option<PathBuf>,
    /// The flake's `wasmtime-p3` (WASI 0.3.0), built by Nix on the stand-in (nix-builds area).
    pub wasmtime_p3: Option<PathBuf>,
    /// The stage-0 compiler's toolchain directory (rustup's 1.95.0).
    pub stage0: Option<PathBuf>,
    /// The prepared Rust source tree (with `tests/`).
    pub rust_source: Option<PathBuf>,
    /// The toolchain made by the fast from-source build: stage 0 plus the wasip2 std.
    pub wasip2_toolchain: Option<PathBuf>,
    /// A cargo home holding the crates the Rust source's lock files name, fetched ahead: the
    /// stand-in for the upstream tarball's vendor/, which Debian's source lacks.
    pub cargo_home: Option<PathBuf>,
    /// How a Nix build runs our scripts: nixpkgs-like bash, cleared environment, no network.
    pub build_env: Option<BuildEnvironment>,
}

#[derive(Debug, Clone)]
pub struct DebianParts {
    pub wasi_libc_root: PathBuf,
    pub rustc_orig_tarball: PathBuf,
    pub rustc_debian_tarball: PathBuf,
    pub rustc_version: String,
    /// Upstream bash and Debian's packaging of it (which carries the upstream patches).
    pub bash_orig_tarball: PathBuf,
    pub bash_debian_tarball: PathBuf,
}

static LOG_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Context {
    pub fn from_env() -> Result<Self> {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("the suite crate lives one folder below the repository root")?
            .to_path_buf();
        let work = match std::env::var_os("OFFLINE_SUITE_WORK") {
            Some(dir) => PathBuf::from(dir),
            None => repo.join("target").join("offline-suite"),
        };
        let cache = match std::env::var_os("WASIP2_OFFLINE_CACHE") {
            Some(dir) => PathBuf::from(dir),
            None => home()?.join(".cache").join("wasip2-flake"),
        };
        std::fs::create_dir_all(work.join("logs"))
            .with_context(|| format!("creating {}", work.display()))?;
        std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let pins = Pins::read(&repo)?;
        Ok(Context {
            repo,
            work,
            cache,
            ci,
            pins,
            parts: Parts::default(),
            ahead: Vec::new(),
        })
    }

    /// A part is missing: outside CI that is a skip with the reason, under CI a failure, since
    /// `.ci/run` installs every part.
    pub fn missing(&self, why: impl Into<String>) -> CheckResult {
        let why = why.into();
        if self.ci {
            bail!("{why} (CI installs every part, so this is a failure)")
        } else {
            Ok(Verdict::Skipped(why))
        }
    }

    /// Runs a command to completion, keeping its whole output in `work/logs/<label>-N.log`.
    /// Fails with the exit status and the log's last lines when the command does.
    pub fn run(&self, label: &str, command: &mut Command) -> Result<Output> {
        let output = self.run_unchecked(label, command)?;
        if !output.status.success() {
            bail!(
                "`{}` failed ({}); last lines of its output:\n{}",
                describe(command),
                output.status,
                tail(&output, 30)
            );
        }
        Ok(output)
    }

    /// Like [`Context::run`], but returns the output whatever the exit status.
    pub fn run_unchecked(&self, label: &str, command: &mut Command) -> Result<Output> {
        let output = without_outer_toolchain(command)
            .output()
            .with_context(|| format!("starting `{}`", describe(command)))?;
        let n = LOG_COUNTER.fetch_add(1, Ordering::Relaxed);
        let log = self.work.join("logs").join(format!("{n:03}-{label}.log"));
        let mut text = format!("$ {}\n{}\n", describe(command), output.status);
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        text.push_str("\n--- stderr ---\n");
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        std::fs::write(&log, text).with_context(|| format!("writing {}", log.display()))?;
        Ok(output)
    }

    /// A derivation's script, run as the derivation's build phase runs it (see `nix_build`) in a
    /// fresh build folder `work/nix-build/<name>`, which is returned too (it is `$TMPDIR`).
    pub fn nix_build_script(
        &self,
        name: &str,
        stdenv: Stdenv,
        inputs: &[&Path],
        host_inputs: &[&str],
        script: &Path,
    ) -> Result<(Command, PathBuf)> {
        let env = self
            .parts
            .build_env
            .as_ref()
            .context("no Nix build environment to run the script in (see the parts area)")?;
        let dir = self.fresh_dir(&format!("nix-build/{name}"))?;
        let command = env.script(stdenv, &dir, inputs, host_inputs, script)?;
        Ok((command, dir))
    }

    /// A fresh, empty folder under the work directory.
    pub fn fresh_dir(&self, name: &str) -> Result<PathBuf> {
        let dir = self.work.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(dir)
    }

    /// The Nix environment the suite uses for Debian's Nix 2.8: flakes on, no substituters, no
    /// sandbox, state kept under the work directory.
    pub fn nix(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env(
            "NIX_CONFIG",
            "experimental-features = nix-command flakes\nsubstituters =\nsandbox = false\n",
        );
        command
    }
}

/// The last `lines` lines of a command's stderr and stdout.
pub fn tail(output: &Output, lines: usize) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    last_lines(&text, lines)
}

/// The last `lines` lines of `text`.
pub fn last_lines(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// libtest's summaries in a `cargo test` log, in order (one per test binary and one for the
/// doc-tests), without their times: "test result: ok. 2 passed; …; 0 filtered out".
pub fn libtest_results(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.find("test result: ").map(|at| &l[at..]))
        .map(|l| l.split("; finished in").next().unwrap_or(l).to_string())
        .collect()
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

pub fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn home() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .context("HOME is not set; set WASIP2_OFFLINE_CACHE to a folder for downloads")
}

/// Finds a program on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// The folder whose `bin/` holds `program` on PATH: what a Nix package of it would be.
pub fn package_dir(program: &str) -> Option<PathBuf> {
    which(program)?
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Text with the terminal's colour sequences (ESC [ … m) taken out.
pub fn without_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
