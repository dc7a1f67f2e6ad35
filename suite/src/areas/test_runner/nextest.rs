//! cargo-nextest with the runner: one process a test, filters and exit codes, and a
//! `#[should_panic]` test that libtest on wasm would not run never passes.

use super::*;

/// The version `cargo nextest --version` prints, if nextest is installed.
pub(super) fn nextest_version(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
) -> Option<String> {
    which("cargo-nextest")?;
    let output = ctx
        .run_unchecked(
            "nextest-version",
            cargo(ctx, env, dir).ok()?.args(["nextest", "--version"]),
        )
        .ok()?;
    output.status.success().then(|| {
        stdout_text(&output)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

pub(super) fn nextest(ctx: &mut Context) -> CheckResult {
    if let Some(why) = missing_parts(ctx) {
        return ctx.missing(why);
    }
    let env = eval_dev_env(ctx)?;
    let dir = fixture(ctx, "test-outcomes", &env)?;
    let Some(version) = nextest_version(ctx, &env, &dir) else {
        // Not yet among CI's tools: a skip, not a failure, until it is.
        return Ok(Verdict::Skipped(
            "cargo-nextest is not installed (cargo install --locked cargo-nextest)".into(),
        ));
    };
    let nextest = |ctx: &Context, label: &str, runner: &str, args: &[&str]| -> Result<Output> {
        let mut command = with_runner(ctx, &env, &dir, runner)?;
        command
            .arg("nextest")
            .args(args)
            .args(["--offline", "--locked", "--target", TARGET]);
        ctx.run_unchecked(label, &mut command)
    };
    let runner = ours(ctx);

    let listed = nextest(ctx, "nextest-list", &runner, &["list"])?;
    let names: Vec<&str> = [
        "a_passes",
        "b_fails_on_purpose",
        "c_passes_after_the_failure",
    ]
    .into_iter()
    .chain(["d_should_panic_and_does", "e_should_panic_but_does_not"])
    .collect();
    let list_text = said(&listed);
    ensure!(
        listed.status.success()
            && names
                .iter()
                .all(|n| list_text.contains(&format!("tests::{n}"))),
        "nextest list did not list the 5 tests:\n{}",
        tail(&listed, 20)
    );

    let all = nextest(ctx, "nextest-run", &runner, &["run", "--no-fail-fast"])?;
    let text = said(&all);
    let verdict = |word: &str, test: &str| {
        text.lines()
            .any(|l| l.contains(word) && l.trim_end().ends_with(&format!("tests::{test}")))
    };
    ensure!(
        all.status.code() == Some(100)
            && text.contains("5 tests run: 2 passed, 3 failed")
            && verdict("PASS", "a_passes")
            && verdict("FAIL", "b_fails_on_purpose")
            && verdict("PASS", "c_passes_after_the_failure")
            && verdict("FAIL", "d_should_panic_and_does")
            && verdict("FAIL", "e_should_panic_but_does_not")
            && text.contains("exit code 134")
            && text.contains("deliberate failure")
            && text.contains("e_should_panic_but_does_not never ran"),
        "nextest run with the runner ({}):\n{}",
        all.status,
        tail(&all, 60)
    );

    let filtered = nextest(
        ctx,
        "nextest-filter",
        &runner,
        &["run", "c_passes_after_the_failure"],
    )?;
    ensure!(
        filtered.status.success() && said(&filtered).contains("1 test run: 1 passed"),
        "a filter for one passing test: {}\n{}",
        filtered.status,
        tail(&filtered, 20)
    );

    // The hole the runner closes: under the plain runner the same test passes unverified.
    let plain = plain_runner(&env)?;
    let hole = nextest(
        ctx,
        "nextest-plain-should-panic",
        &plain,
        &["run", "e_should_panic_but_does_not"],
    )?;
    let hole_text = said(&hole);
    let passes_unverified = hole.status.success() && hole_text.contains("1 test run: 1 passed");
    ensure!(
        passes_unverified,
        "under the plain runner the should_panic test that does not panic no longer passes: the runner's check may be obsolete:\n{}",
        tail(&hole, 20)
    );
    Ok(Verdict::Proved(format!(
        "{version}: 5 listed; run: exit 100, 2 passed, 3 failed (b aborted 134 in its own process, c ran after it; d and e: should_panic never ran, failed, not passed); filter: 1 run, 1 passed, exit 0; under the plain runner e_should_panic_but_does_not PASSES (exit 0): the hole the runner closes"
    )))
}
