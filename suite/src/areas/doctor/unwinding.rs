//! The panic strategy: unwinding flags against the std built to abort, and the unwinding std with
//! and without its flags and exception tag archive.

use anyhow::{Context as _, bail, ensure};
use serde_json::Value;

use super::doctor_binary;
use super::report::{Case, all_pass, diagnose, expect, status};
use super::shell::{healthy_env, shell_sdk};
use crate::support::standin::{build_expression, expression_for};
use crate::support::toolchain::{cargo_of, eval_dev_env_with};
use crate::{CheckResult, Context, Verdict};

/// The flags of a shell that builds to unwind (see the unwinding std).
const UNWIND_FLAGS: &str =
    "-Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false";
/// What the unwinding shell adds besides: the archive with the exception tag, which the
/// unwinding std keeps in its folder.
const TAG_FLAG: &str = "-C link-arg=-lcpp_exception_tag";

pub(super) fn unwind_flags_abort_std(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
        return ctx.missing("needs the wasip2 toolchain (see the rust-std area)");
    };
    let mut env = healthy_env(ctx)?;
    let key = "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS";
    let flags = format!(
        "{} {UNWIND_FLAGS}",
        env.get(key).cloned().unwrap_or_default()
    );
    env.insert(key.into(), flags);
    let root = ctx.fresh_dir("doctor-unwind-flags")?;

    // Without the doctor: what cargo says when the flags ask for unwinding.
    std::fs::create_dir_all(root.join("src"))?;
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"unwind-flags\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n")?;
    let output = ctx.run_unchecked(
        "doctor-unwind-flags-cargo",
        cargo_of(&toolchain, &env, &root).args(["build", "--target", "wasm32-wasip2"]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success() && stderr.contains("panic strategy"),
        "cargo build with {UNWIND_FLAGS} against the aborting std should fail on the panic strategy:\n{stderr}"
    );
    let rustc_said = stderr
        .lines()
        .find(|l| l.contains("panic strategy"))
        .unwrap_or_default()
        .trim()
        .to_string();

    let said = expect(
        ctx,
        &env,
        &root,
        Case {
            name: "unwind-flags-abort-std",
            check: "panic-strategy",
            fix_mentions: "rust-std-wasip2-unwind",
            args: &[],
            also: &[],
        },
    )?;
    Ok(Verdict::Proved(format!(
        "cargo alone says {rustc_said:?}; {said} with the fix naming rust-std-wasip2-unwind and dropping -Cpanic=unwind"
    )))
}

pub(super) fn unwind_std(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    // The flake's unwinding std, built by Nix on the stand-in and kept at the link the
    // test-runner-unwind area uses: the same derivation, so whichever area comes first builds it.
    let unwinding = ctx.work.join("toolchain-wasip2-unwind");
    let attribute = "packages.x86_64-linux.rust-std-wasip2-unwind";
    build_expression(
        ctx,
        attribute,
        &expression_for(ctx, attribute),
        Some(&unwinding),
    )?;
    let mut env = healthy_env(ctx)?;
    let path = format!("{}:{}", unwinding.join("bin").display(), env["PATH"]);
    env.insert("PATH".into(), path);
    env.insert(
        "RUSTC".into(),
        unwinding.join("bin/rustc").display().to_string(),
    );
    let root = ctx.fresh_dir("doctor-unwind-std")?;
    let said = expect(
        ctx,
        &env,
        &root,
        Case {
            name: "unwind-std-abort-flags",
            check: "panic-strategy",
            fix_mentions: "-Cpanic=unwind",
            args: &[],
            also: &[],
        },
    )?;
    let key = "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS";
    let shell_flags = env.get(key).cloned().unwrap_or_default();
    // The unwinding flags without the tag's archive: the link would fail on the tag's import.
    let mut untagged_env = env.clone();
    untagged_env.insert(key.into(), format!("{shell_flags} {UNWIND_FLAGS}"));
    let untagged = expect(
        ctx,
        &untagged_env,
        &root,
        Case {
            name: "unwind-std-without-tag",
            check: "panic-strategy",
            fix_mentions: TAG_FLAG,
            args: &[],
            also: &[],
        },
    )?;
    env.insert(
        key.into(),
        format!("{shell_flags} {UNWIND_FLAGS} {TAG_FLAG}"),
    );
    // And the runner as devShells.unwind's environment has it: Wasmtime with exceptions on,
    // which nixpkgs' 45 needs asked for (on by default only from 47).
    let runner = "CARGO_TARGET_WASM32_WASIP2_RUNNER";
    let sdk = shell_sdk(ctx)?;
    let unwind_env = eval_dev_env_with(
        ctx,
        &sdk,
        "panic = \"unwind\"; toolchain = { name = \"rust-std-wasip2-unwind\"; panicStrategy = \"unwind\"; };",
    )?;
    let unwind_runner = unwind_env
        .get(runner)
        .context("mkDevEnv { panic = \"unwind\"; } sets no runner")?;
    ensure!(
        unwind_runner.contains("-W exceptions=y"),
        "mkDevEnv {{ panic = \"unwind\"; }}'s runner does not ask Wasmtime for exceptions: {unwind_runner}"
    );
    env.insert(runner.into(), unwind_runner.clone());
    let (checks, code) = diagnose(ctx, "doctor-unwind-std-agreed", &env, &root, false, &[])?;
    ensure!(
        status(&checks, "probe-unwind") == "pass",
        "with the unwinding flags, probe-unwind should pass: {}",
        checks
            .get("probe-unwind")
            .map(Value::to_string)
            .unwrap_or_default()
    );
    // The unwinding std takes temp_dir() from TMPDIR (scripts/rustc/patches/std-wasi-temp-dir.patch).
    ensure!(
        status(&checks, "probe-temp-dir") == "pass",
        "with the unwinding std, probe-temp-dir should pass: {}",
        checks
            .get("probe-temp-dir")
            .map(Value::to_string)
            .unwrap_or_default()
    );
    let Verdict::Proved(agreed) = all_pass(&checks, code)? else {
        bail!("the agreeing unwinding environment was not judged");
    };
    Ok(Verdict::Proved(format!(
        "{said}; {untagged}; with {UNWIND_FLAGS} {TAG_FLAG}: {agreed}"
    )))
}
