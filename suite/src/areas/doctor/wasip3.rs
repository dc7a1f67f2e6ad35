//! `--target wasm32-wasip3` with the p2+p3 toolchain Nix builds and the p3 dev env, without the
//! p3 std, and a target the doctor refuses.

use std::process::Command;

use anyhow::{bail, ensure};

use super::doctor_binary;
use super::report::{Case, all_pass, diagnose, expect};
use super::shell::{libclang_argument, put_toolchain_first};
use crate::context::stdout_text;
use crate::support::standin::{wasi_sdk_wasip3, wasip3_toolchain};
use crate::support::toolchain::eval_dev_env_wasip3;
use crate::{CheckResult, Context, Verdict};

/// The doctor's arguments for the p3 checks.
const P3: &[&str] = &["--target", "wasm32-wasip3"];

pub(super) fn wasip3(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let (Some(wasmtime), Some(p2_toolchain)) = (
        ctx.parts.wasmtime_p3.clone(),
        ctx.parts.wasip2_toolchain.clone(),
    ) else {
        return ctx
            .missing("needs wasmtime-p3 (nix-builds area) and the wasip2 toolchain (parts area)");
    };
    // The p2+p3 toolchain Nix builds (the wasip3 area's, so no second build) and the SDK with the
    // p3 drivers.
    let (toolchain, made) = wasip3_toolchain(ctx)?;
    let sdk = wasi_sdk_wasip3(ctx)?;
    let mut env = eval_dev_env_wasip3(ctx, &sdk, &libclang_argument()?)?;
    put_toolchain_first(&mut env, &toolchain, &wasmtime);
    let cwd = ctx.fresh_dir("doctor-wasip3")?;
    let (checks, code) = diagnose(ctx, "doctor-wasip3-healthy", &env, &cwd, false, P3)?;
    let Verdict::Proved(healthy) = all_pass(&checks, code)? else {
        bail!("the healthy p3 environment was not judged");
    };
    ensure!(
        checks.contains_key("wasip3-std") && !checks.contains_key("wasip2-std"),
        "the p3 report should check wasip3-std, not wasip2-std"
    );

    // The same shell with a toolchain whose std is wasip2's only.
    let mut without = env.clone();
    without.insert(
        "PATH".into(),
        format!("{}:{}", p2_toolchain.join("bin").display(), env["PATH"]),
    );
    without.insert(
        "RUSTC".into(),
        p2_toolchain.join("bin/rustc").display().to_string(),
    );
    let missing_std = expect(
        ctx,
        &without,
        &cwd,
        Case {
            name: "wasip3-without-its-std",
            check: "wasip3-std",
            fix_mentions: "rust-std-wasip3",
            args: P3,
            also: &[],
        },
    )?;
    let output = ctx.run_unchecked(
        "doctor-wasip1-refused",
        Command::new(doctor_binary(ctx)).args(["--target", "wasm32-wasip1"]),
    )?;
    let refusal = String::from_utf8_lossy(&output.stderr).trim().to_string();
    ensure!(
        output.status.code() == Some(2)
            && refusal.contains("wasm32-wasip2 (the default), wasm32-wasip3"),
        "--target wasm32-wasip1 should exit 2 listing the supported targets: {refusal}"
    );
    let said = stdout_text(&output);
    ensure!(said.is_empty(), "a refused target printed a report: {said}");
    Ok(Verdict::Proved(format!(
        "p3 with {made}: {healthy}; {missing_std}; --target wasm32-wasip1: exit 2, {refusal:?}"
    )))
}
