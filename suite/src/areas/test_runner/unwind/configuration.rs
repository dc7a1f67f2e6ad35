//! `bootstrap-config.sh --panic`: what the unwinding configuration adds to the default one.

use anyhow::{Context as _, Result, ensure};

use crate::context::stdout_text;
use crate::support::nix_build::in_build_phase;
use crate::support::toolchain::host_triple;
use crate::{CheckResult, Context, Verdict};

pub(super) fn configuration(ctx: &mut Context) -> CheckResult {
    let (Some(stage0), Some(sdk)) = (ctx.parts.stage0.clone(), ctx.parts.wasi_sdk.clone()) else {
        return ctx
            .missing("needs the stage-0 toolchain and the assembled SDK (see the parts area)");
    };
    let dir = ctx.fresh_dir("unwind-bootstrap-config")?;
    let source = dir.join("source");
    std::fs::create_dir_all(source.join("src"))?;
    std::fs::write(source.join("src/version"), format!("{}\n", ctx.pins.rust))?;
    std::fs::write(source.join("x.py"), "")?;
    let script = ctx.repo.join("scripts/rustc/bootstrap-config.sh");
    let write = |label: &str, panic: Option<&str>| -> Result<String> {
        let mut command = in_build_phase(ctx, label, &script)?;
        command
            .arg("--source")
            .arg(&source)
            .arg("--stage0")
            .arg(&stage0)
            .arg("--wasi-sdk")
            .arg(&sdk)
            .arg("--host")
            .arg(host_triple());
        if let Some(panic) = panic {
            command.args(["--panic", panic]);
        }
        Ok(stdout_text(&ctx.run(label, &mut command)?))
    };
    let default = write("bootstrap-config-default", None)?;
    let abort = write("bootstrap-config-abort", Some("abort"))?;
    let unwind = write("bootstrap-config-unwind", Some("unwind"))?;
    ensure!(
        default == abort,
        "--panic abort changes the default configuration"
    );
    ensure!(
        !default.contains("-Cpanic"),
        "the default configuration names a panic strategy"
    );
    // The unwinding configuration is the default one with lines added, all in the target's
    // section: its rustflags (with their comment).
    let added: Vec<&str> = unwind
        .lines()
        .filter(|line| !default.lines().any(|d| d == *line))
        .collect();
    let flags = added
        .iter()
        .find(|l| l.starts_with("rustflags = "))
        .context("the unwinding configuration has no rustflags")?;
    for flag in [
        "\"-Cpanic=unwind\"",
        "\"-Ctarget-feature=+exception-handling\"",
        "\"-Cllvm-args=-wasm-use-legacy-eh=false\"",
    ] {
        ensure!(flags.contains(flag), "{flags} lacks {flag}");
    }
    ensure!(
        added
            .iter()
            .all(|l| l.starts_with('#') || l.starts_with("rustflags = ")),
        "--panic unwind changes more than the targets' rustflags: {added:?}"
    );
    ensure!(
        unwind.lines().count() == default.lines().count() + added.len(),
        "--panic unwind removed lines of the default configuration"
    );
    let after_target = unwind
        .split("[target.wasm32-wasip2]")
        .nth(1)
        .context("no [target.wasm32-wasip2]")?;
    ensure!(
        after_target.contains(flags),
        "the rustflags are not in [target.wasm32-wasip2]"
    );
    // Bad input: a strategy that does not exist.
    let mut bad = in_build_phase(ctx, "bootstrap-config-panic-bad", &script)?;
    bad.arg("--source")
        .arg(&source)
        .arg("--stage0")
        .arg(&stage0)
        .arg("--wasi-sdk")
        .arg(&sdk)
        .args(["--panic", "unwinding"]);
    let output = ctx.run_unchecked("bootstrap-config-panic-bad", &mut bad)?;
    let refusal = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success() && refusal.contains("--panic must be abort or unwind"),
        "--panic unwinding: {} {refusal}",
        output.status
    );
    Ok(Verdict::Proved(format!(
        "default = --panic abort (no panic flag); --panic unwind adds {} lines, `{flags}` under [target.wasm32-wasip2]; --panic unwinding refused",
        added.len()
    )))
}
