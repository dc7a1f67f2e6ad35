//! A toolchain and a dev env that disagree on panics, refused at evaluation with the fix.

use anyhow::{bail, ensure};

use crate::context::stdout_text;
use crate::support::standin::{outputs_file, sandboxed_nix, standin_dir};
use crate::{CheckResult, Context, Verdict};

pub(super) fn refusals(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    let scope = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2",
        outputs_file(ctx)
    );
    let shell = ctx
        .repo
        .join("nix/shells/crate-dev.nix")
        .display()
        .to_string();
    let env_of = |panic: &str, toolchain: &str| {
        format!(
            "let w = {scope}; in (w.mkDevEnv {{ wasiSdk = w.wasi-sdk; inherit (w) wasmtime; panic = \"{panic}\"; toolchain = w.{toolchain}; }}).CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"
        )
    };
    let cases = [
        (
            "an unwinding dev env with the abort toolchain",
            env_of("unwind", "rust-std-wasip2"),
            "use the toolchain rust-std-wasip2-unwind",
        ),
        (
            "an unwinding dev env with the binary toolchain",
            env_of("unwind", "toolchain"),
            "aborts on panic",
        ),
        (
            "an aborting dev env with the unwinding toolchain",
            env_of("abort", "rust-std-wasip2-unwind"),
            "pass panic = \"unwind\"",
        ),
        (
            "the unwinding toolchain in a shell with the default dev env",
            format!(
                "let w = {scope}; in (w.callPackage {shell} {{ toolchain = w.rust-std-wasip2-unwind; toolchainSource = \"x\"; }}).drvPath"
            ),
            "use devEnvUnwind",
        ),
    ];
    let mut refused = Vec::new();
    for (what, expression, fix) in &cases {
        let output = ctx.run_unchecked(
            "unwind-refusal",
            sandboxed_nix(ctx, "nix-instantiate")
                .args(["--eval", "-E"])
                .arg(expression),
        )?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            !output.status.success(),
            "{what} was accepted: {}",
            stdout_text(&output)
        );
        ensure!(
            stderr.contains(fix),
            "{what}: the refusal does not name the fix {fix:?}:\n{stderr}"
        );
        refused.push(*what);
    }
    // The matching pairs evaluate: the unwind shell and the default one.
    for shell in ["unwind", "default"] {
        let output = ctx.run(
            "unwind-shell-eval",
            sandboxed_nix(ctx, "nix-instantiate")
                .args(["--eval", "-E"])
                .arg(format!(
                    "(import {}).devShells.x86_64-linux.{shell}.drvPath",
                    outputs_file(ctx)
                )),
        )?;
        if !stdout_text(&output).contains(".drv") {
            bail!("devShells.{shell} did not evaluate to a .drv");
        }
    }
    Ok(Verdict::Proved(format!(
        "{} refused at evaluation with the fix ({}); devShells.unwind and devShells.default evaluate",
        refused.len(),
        refused.join("; ")
    )))
}
