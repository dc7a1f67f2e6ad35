//! Test outcomes with the unwinding std: the fixture as natively, and the wasip2 template.

use anyhow::{Context as _, ensure};

use super::cargo_test::{summary, unwind_env, unwind_missing, unwind_test};
use super::{RUNNER_VARIABLE, counts, fixture, ours, said, unwind_toolchain};
use crate::context::{stdout_text, tail};
use crate::support::files::copy_tree;
use crate::support::toolchain::{cargo, cargo_of};
use crate::{CheckResult, Context, Verdict};

pub(super) fn outcomes(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let rustflags = env
        .get("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS")
        .context("the unwind env sets no rustflags")?;
    ensure!(
        rustflags.contains("-lc++abi") && rustflags.contains("-Cpanic=unwind"),
        "the unwind env's rustflags lack the C++ runtime or the strategy: {rustflags}"
    );
    let dir = fixture(ctx, "test-outcomes", &env)?;
    let native = ctx.run_unchecked(
        "unwind-outcomes-native",
        cargo(ctx, &env, &dir)?.args(["test", "--offline", "--locked"]),
    )?;
    let native_summary = summary(&said(&native)).context("native cargo test printed no summary")?;
    let plain = env
        .get(RUNNER_VARIABLE)
        .cloned()
        .with_context(|| format!("the unwind env sets no {RUNNER_VARIABLE}"))?;
    ensure!(
        plain.contains("-W exceptions=y"),
        "the unwind env's plain runner does not enable exceptions: {plain}"
    );
    let mut seen = Vec::new();
    for (label, runner) in [("wasi-test-runner", ours(ctx)), ("plain", plain.clone())] {
        let output = ctx.run_unchecked(
            &format!("unwind-outcomes-{label}"),
            &mut unwind_test(ctx, &env, &dir, &runner)?,
        )?;
        let text = said(&output);
        let wasm_summary = summary(&text)
            .with_context(|| format!("under {label}, no summary:\n{}", tail(&output, 30)))?;
        ensure!(
            wasm_summary == native_summary,
            "under {label}: {wasm_summary:?}, natively {native_summary:?}:\n{}",
            tail(&output, 30)
        );
        let (passed, failed) = counts(&text);
        for (line, what) in [
            (
                "test tests::c_passes_after_the_failure ... ok",
                "the test after the failure",
            ),
            (
                "test tests::d_should_panic_and_does - should panic ... ok",
                "should_panic that panics",
            ),
            (
                "test tests::e_should_panic_but_does_not - should panic ... FAILED",
                "should_panic that does not panic",
            ),
            ("deliberate failure", "the failing test's panic message"),
            ("note: test did not panic as expected", "why e failed"),
        ] {
            ensure!(
                text.contains(line),
                "under {label}, {what} is missing ({line:?}):\n{}",
                tail(&output, 40)
            );
        }
        ensure!(
            !text.contains("(exit status: 134)") && !output.status.success(),
            "under {label}: {} (a failure without an abort expected)",
            output.status
        );
        seen.push(format!(
            "{label}: {passed} passed, {failed} failed, exit {}",
            output.status.code().unwrap_or(-1)
        ));
    }
    Ok(Verdict::Proved(format!(
        "native and wasm32-wasip2 alike {native_summary:?}; {}; c ran after the failure, \"deliberate failure\" printed, d passed and e failed (\"did not panic as expected\")",
        seen.join("; ")
    )))
}

pub(super) fn template(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let dir = ctx.fresh_dir("unwind-template-wasip2")?;
    copy_tree(&ctx.repo.join("templates/wasip2"), &dir)?;
    ctx.run(
        "unwind-template-fetch",
        cargo(ctx, &env, &dir)?.args(["fetch", "--locked"]),
    )?;
    let output = ctx.run(
        "unwind-template-test",
        &mut unwind_test(ctx, &env, &dir, &ours(ctx))?,
    )?;
    let text = said(&output);
    let (passed, failed) = counts(&text);
    ensure!(
        passed > 0 && failed == 0,
        "the template's tests: {passed} passed, {failed} failed:\n{}",
        tail(&output, 30)
    );
    // The component the template builds carries the exception tag, and runs.
    let run = ctx.run(
        "unwind-template-run",
        cargo_of(&unwind_toolchain(ctx), &env, &dir)
            .env(RUNNER_VARIABLE, ours(ctx))
            .env(
                "WASMTIME",
                ctx.parts
                    .wasmtime
                    .as_ref()
                    .context("no wasmtime")?
                    .join("bin/wasmtime"),
            )
            .args([
                "run",
                "--offline",
                "--locked",
                "--quiet",
                "--",
                "src/main.rs",
            ]),
    )?;
    let counted = stdout_text(&run);
    ensure!(
        !counted.trim().is_empty(),
        "cargo run of the template printed nothing"
    );
    Ok(Verdict::Proved(format!(
        "templates/wasip2: {passed} passed, 0 failed under the unwinding std; cargo run counted src/main.rs: {}",
        counted.split_whitespace().collect::<Vec<_>>().join(" ")
    )))
}
