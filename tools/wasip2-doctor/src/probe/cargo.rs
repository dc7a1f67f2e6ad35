//! Building a probe project with the environment's cargo, and running what it built with the
//! runner. Each failure comes back as the probe's finding.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::finding::Finding;
use crate::fixes::{LINK_ERROR, link_error_fix};
use crate::output::tail;
use crate::requirements::MINIMUM_WASMTIME;
use crate::target::Target;

pub struct Probe<'a> {
    pub env: Environment,
    pub cargo: PathBuf,
    pub runner: Option<&'a [String]>,
    pub target: Target,
}

impl Probe<'_> {
    /// Builds the project in `dir`; returns its component.
    pub fn build(&self, dir: &Path, name: &str, id: &'static str) -> Result<PathBuf, Finding> {
        let triple = self.target.triple();
        let output = self
            .env
            .command(&self.cargo)
            .current_dir(dir)
            .args(["build", "--quiet", "--offline", "--target", triple])
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .map_err(|e| {
                Finding::fail(
                    id,
                    format!("starting cargo: {e}"),
                    "check the cargo check above",
                )
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // The link error of a shell without libc++ names its fix, wherever it shows.
            let fix = if stderr.contains(LINK_ERROR) {
                link_error_fix(self.target)
            } else {
                format!(
                    "build any project with `cargo build --target {triple}` to see the whole error; the checks above name the usual causes"
                )
            };
            return Err(Finding::fail(
                id,
                format!(
                    "cargo build --target {triple} failed: {}",
                    tail(&output.stderr)
                ),
                fix,
            ));
        }
        Ok(dir
            .join("target")
            .join(triple)
            .join("debug")
            .join(format!("{name}.wasm")))
    }

    /// Runs a component with the runner; the text it printed. No runner, or a runner whose
    /// program is not found, is a skip.
    pub fn run(&self, dir: &Path, wasm: &Path, id: &'static str) -> Result<String, Finding> {
        let Some([program, args @ ..]) = self.runner else {
            return Err(Finding::skip(id, "needs a runner (see the runner check)"));
        };
        let Some(program) = self.env.which(program) else {
            return Err(Finding::skip(
                id,
                "the runner's program is not found (see the runner check)",
            ));
        };
        let output = self
            .env
            .command(program)
            .current_dir(dir)
            .args(args)
            .arg(wasm)
            .output()
            .map_err(|e| {
                Finding::fail(id, format!("starting the runner: {e}"), "check the runner")
            })?;
        if !output.status.success() {
            return Err(Finding::fail(
                id,
                format!(
                    "the runner failed ({}): {}",
                    output.status,
                    tail(&output.stderr)
                ),
                format!(
                    "run the component by hand with the runner to see why; a wasmtime older than {} cannot run components",
                    MINIMUM_WASMTIME.major
                ),
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}
