//! One run of `ui-tests/run-ui-tests.sh` as a Nix build runs it, and the report.json it writes.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

use crate::Context;
use crate::support::nix_build::in_build_phase;
use crate::support::toolchain::write_std_config;

#[derive(Deserialize, Debug)]
pub(super) struct Report {
    pub(super) passed: usize,
    pub(super) failed: usize,
    pub(super) ignored: usize,
    pub(super) seconds: u64,
    pub(super) failures: Vec<String>,
    pub(super) unexpected_failures: Vec<String>,
    pub(super) unexpected_passes: Vec<String>,
}

#[derive(Clone)]
pub(super) struct Inputs {
    pub(super) source: PathBuf,
    pub(super) config: PathBuf,
    pub(super) sdk: PathBuf,
    pub(super) wasmtime: PathBuf,
}

/// The configuration that makes the toolchain with the wasip2 std the stage-0 compiler, so that
/// compiletest hands tests a sysroot that has the std.
pub(super) fn inputs(ctx: &Context) -> Result<Option<Inputs>> {
    let (Some(toolchain), Some(source), Some(sdk), Some(wasmtime)) = (
        &ctx.parts.wasip2_toolchain,
        &ctx.parts.rust_source,
        &ctx.parts.wasi_sdk,
        &ctx.parts.wasmtime,
    ) else {
        return Ok(None);
    };
    let config = write_std_config(ctx, toolchain, "bootstrap-ui.toml")?;
    Ok(Some(Inputs {
        source: source.clone(),
        config,
        sdk: sdk.clone(),
        wasmtime: wasmtime.clone(),
    }))
}

pub(super) fn run_script(
    ctx: &Context,
    inputs: &Inputs,
    label: &str,
    extra: &[&Path],
) -> Result<(bool, Report)> {
    let (ok, report, _) = run_script_with(ctx, inputs, label, extra, &[])?;
    Ok((ok, report))
}

/// The same with variables set for the script; also returns what it wrote to stderr (its
/// progress lines).
pub(super) fn run_script_with(
    ctx: &Context,
    inputs: &Inputs,
    label: &str,
    extra: &[&Path],
    vars: &[(&str, &str)],
) -> Result<(bool, Report, String)> {
    let report_dir = ctx.fresh_dir(label)?;
    let mut command = in_build_phase(ctx, label, &ctx.repo.join("ui-tests/run-ui-tests.sh"))?;
    command.envs(vars.iter().copied());
    command
        .arg("--source")
        .arg(&inputs.source)
        .arg("--config")
        .arg(&inputs.config)
        .arg("--wasi-sdk")
        .arg(&inputs.sdk)
        .arg("--wasmtime")
        .arg(&inputs.wasmtime)
        .arg("--report")
        .arg(&report_dir)
        .args(extra);
    let output = ctx.run_unchecked(label, &mut command)?;
    let json = std::fs::read_to_string(report_dir.join("report.json")).with_context(|| {
        format!(
            "run-ui-tests.sh wrote no report ({}):\n{}",
            output.status,
            crate::context::tail(&output, 30)
        )
    })?;
    let report: Report =
        serde_json::from_str(&json).context("report.json is not the expected shape")?;
    Ok((
        output.status.success(),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}
