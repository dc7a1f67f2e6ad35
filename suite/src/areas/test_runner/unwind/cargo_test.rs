//! `cargo test` with the unwinding toolchain: its dev env, what it needs, and libtest's summary.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};

use super::{TAG_ARCHIVE, TARGET, build_runner, runner_binary, set_runner, unwind_toolchain};
use crate::Context;
use crate::support::toolchain::{cargo_of, eval_dev_env_with};

/// The dev env of the unwinding shell, evaluated from dev-env.nix with the suite's parts; the
/// toolchain is named by what mkDevEnv reads of it.
pub(super) fn unwind_env(ctx: &Context) -> Result<BTreeMap<String, String>> {
    let sdk = ctx
        .parts
        .wasi_sdk
        .as_ref()
        .context("no SDK (see the parts area)")?;
    eval_dev_env_with(
        ctx,
        sdk,
        "panic = \"unwind\"; toolchain = { name = \"rust-std-wasip2-unwind\"; panicStrategy = \"unwind\"; };",
    )
}

/// Why the checks that need the unwinding toolchain cannot run, if they cannot.
pub(super) fn unwind_missing(ctx: &mut Context) -> Option<String> {
    if !unwind_toolchain(ctx).join(TAG_ARCHIVE).exists() {
        return Some("the unwinding std was not built (see the check before)".into());
    }
    if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        return Some("no wasmtime or no SDK (see the parts area)".into());
    }
    if !runner_binary(ctx).exists()
        && let Err(error) = build_runner(ctx)
    {
        return Some(format!("wasi-test-runner did not build: {error:#}"));
    }
    None
}

/// `cargo test` for wasm32-wasip2 with the unwinding toolchain, the unwind env and `runner`.
pub(super) fn unwind_test(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    runner: &str,
) -> Result<Command> {
    let mut command = set_runner(ctx, cargo_of(&unwind_toolchain(ctx), env, dir), runner)?;
    command.args(["test", "--offline", "--locked", "--target", TARGET]);
    Ok(command)
}

/// libtest's summary without its time: "test result: FAILED. 3 passed; …; 0 filtered out".
pub(super) fn summary(text: &str) -> Option<String> {
    text.lines()
        .find(|l| l.starts_with("test result: "))
        .map(|l| l.split("; finished in").next().unwrap_or(l).to_string())
}
