//! The rest of "tests as on native" with the unwinding std: doc-tests (compiled by rustdoc,
//! which cargo gives its own flags) and temporary files (`std::env::temp_dir()`, which the
//! unwinding std takes from `TMPDIR` as Unix does, where Rust 1.95's WASI std panics).

use std::collections::BTreeMap;

use anyhow::{Context as _, ensure};

use super::cargo_test::{unwind_env, unwind_missing, unwind_test};
use super::{RUNNER_VARIABLE, TARGET, fixture, ours, said, set_runner};
use crate::context::{libtest_results, tail};
use crate::support::toolchain::{cargo, eval_dev_env};
use crate::{CheckResult, Context, Verdict};

/// cargo reads target.<triple>.rustdocflags for rustdoc, never the rustc flags.
const RUSTDOCFLAGS: &str = "CARGO_TARGET_WASM32_WASIP2_RUSTDOCFLAGS";

/// suite/fixtures/doc-test-outcomes (one doc-test passes, one fails, one `should_panic` panics):
/// `cargo test --doc` counts as natively under both runners; without the environment's rustdoc
/// flags every doc-test fails to compile, which is what the flags are for.
pub(super) fn doc_tests(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let flags = env
        .get(RUSTDOCFLAGS)
        .with_context(|| format!("the unwind env sets no {RUSTDOCFLAGS}"))?;
    ensure!(
        Some(flags) == env.get("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"),
        "the unwind env's rustdoc flags differ from its rustc flags: {flags}"
    );
    let dir = fixture(ctx, "doc-test-outcomes", &env)?;
    let native = ctx.run_unchecked(
        "doc-tests-native",
        cargo(ctx, &env, &dir)?.args(["test", "--offline", "--locked", "--doc"]),
    )?;
    let native_results = libtest_results(&said(&native));
    ensure!(
        native_results
            == ["test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"],
        "natively the doc-tests should count 2 passed, 1 failed: {native_results:?}"
    );
    let plain = env
        .get(RUNNER_VARIABLE)
        .cloned()
        .with_context(|| format!("the unwind env sets no {RUNNER_VARIABLE}"))?;
    let mut seen = Vec::new();
    for (label, runner) in [("wasi-test-runner", ours(ctx)), ("plain", plain)] {
        let output = ctx.run_unchecked(
            &format!("doc-tests-{label}"),
            unwind_test(ctx, &env, &dir, &runner)?.arg("--doc"),
        )?;
        let text = said(&output);
        ensure!(
            libtest_results(&text) == native_results
                && text.contains("refuse (line 23) - should panic ... ok")
                && text.contains("deliberate doc-test failure"),
            "under {label} the doc-tests did not count as natively ({native_results:?}):\n{}",
            tail(&output, 30)
        );
        seen.push(label);
    }
    // The same run without the rustdoc flags: what users of the shell met before.
    let mut without: BTreeMap<String, String> = env.clone();
    without.remove(RUSTDOCFLAGS);
    let output = ctx.run_unchecked(
        "doc-tests-without-rustdocflags",
        unwind_test(ctx, &without, &dir, &ours(ctx))?.arg("--doc"),
    )?;
    let text = said(&output);
    ensure!(
        !output.status.success()
            && text.contains("the crate `panic_abort` does not have the panic strategy `abort`"),
        "without {RUSTDOCFLAGS} the doc-tests should fail to compile:\n{}",
        tail(&output, 20)
    );
    Ok(Verdict::Proved(format!(
        "doc-tests as natively {native_results:?} under {}; the should_panic one passes; without {RUSTDOCFLAGS}: \"panic_abort does not have the panic strategy abort\"",
        seen.join(" and ")
    )))
}

/// suite/fixtures/temp-files (tempfile's `tempdir()` and `NamedTempFile::new()`, doc-tests that
/// pass): as natively with the unwinding std; with the default std its tests panic in
/// `temp_dir()`.
pub(super) fn temp_files(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let dir = fixture(ctx, "temp-files", &env)?;
    let native = ctx.run(
        "temp-files-native",
        cargo(ctx, &env, &dir)?.args(["test", "--offline", "--locked"]),
    )?;
    let native_results = libtest_results(&said(&native));
    let output = ctx.run_unchecked(
        "temp-files-unwind",
        &mut unwind_test(ctx, &env, &dir, &ours(ctx))?,
    )?;
    let text = said(&output);
    ensure!(
        output.status.success() && libtest_results(&text) == native_results,
        "with the unwinding std: {:?}, natively {native_results:?}:\n{}",
        libtest_results(&text),
        tail(&output, 30)
    );
    // The default shell: the binary release's std, whose temp_dir() panics.
    let default_env = eval_dev_env(ctx)?;
    let mut command = set_runner(ctx, cargo(ctx, &default_env, &dir)?, &ours(ctx))?;
    command
        .env("CARGO_TARGET_DIR", dir.join("target-default"))
        .args(["test", "--offline", "--locked", "--target", TARGET]);
    let output = ctx.run_unchecked("temp-files-default", &mut command)?;
    let text = said(&output);
    ensure!(
        !output.status.success() && text.contains("::env::temp_dir"),
        "with the default std the tests should panic in temp_dir() (\"::env::temp_dir\" in the wasm backtrace):\n{}",
        tail(&output, 30)
    );
    Ok(Verdict::Proved(format!(
        "unwinding std: {native_results:?} as natively (temp_dir() from the runner's TMPDIR); default std: cargo test traps in std::env::temp_dir"
    )))
}
