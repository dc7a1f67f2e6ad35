//! The runner's verdicts on faults: a broken expectation fails the run, a stale known failure is
//! reported as an unexpected pass.

use std::path::Path;

use anyhow::ensure;

use super::runner::{inputs, run_script};
use super::ui_dir;
use crate::{CheckResult, Context, Verdict};

/// The probe whose expected output is deliberately wrong.
const BROKEN_PROBE: &str = "tests/ui/wasm/offline-suite-broken-expectation.rs";
/// A test that passes on wasip2, listed as a known failure to provoke an "unexpected pass".
const PASSING_TEST: &str = "tests/ui/wasm/wasm-hang-issue-76281.rs";

pub(super) fn broken_expectation(ctx: &mut Context) -> CheckResult {
    let Some(inputs) = inputs(ctx)? else {
        return ctx.missing(
            "needs the toolchain with the wasip2 std, the source tree, the SDK and wasmtime",
        );
    };
    // A run-pass test whose recorded output is wrong: compiletest must run it in wasmtime,
    // compare, and fail.
    let probe = inputs.source.join(BROKEN_PROBE);
    let expected = probe.with_extension("run.stdout");
    std::fs::write(
        &probe,
        "//@ run-pass\n//@ check-run-results\n\nfn main() {\n    println!(\"the real output\");\n}\n",
    )?;
    std::fs::write(&expected, "an output the program never prints\n")?;
    // A known-failures list that names a test which passes.
    let known = ctx.work.join("known-failures-stale.txt");
    std::fs::write(
        &known,
        format!(
            "{}\n{PASSING_TEST}  # listed on purpose: it passes\n",
            std::fs::read_to_string(ui_dir(ctx).join("known-failures.txt"))?
        ),
    )?;
    let result = run_script(
        ctx,
        &inputs,
        "ui-broken-expectation",
        &[
            Path::new("--path"),
            Path::new("tests/ui/wasm"),
            Path::new("--known-failures"),
            &known,
        ],
    );
    let _ = std::fs::remove_file(&probe);
    let _ = std::fs::remove_file(&expected);
    let (ok, report) = result?;
    ensure!(
        !ok,
        "run-ui-tests.sh succeeded although an expectation was broken"
    );
    ensure!(
        report.unexpected_failures == [BROKEN_PROBE],
        "unexpected failures were {:?}, not just the probe",
        report.unexpected_failures
    );
    ensure!(
        report.unexpected_passes == [PASSING_TEST],
        "unexpected passes were {:?}, not just {PASSING_TEST}",
        report.unexpected_passes
    );
    ensure!(
        report.failures.iter().any(|f| f == BROKEN_PROBE),
        "the probe is not among the failures"
    );
    Ok(Verdict::Proved(format!(
        "{} passed, {} failed, {} ignored in {} s; exit 1; unexpected failure {BROKEN_PROBE}, unexpected pass {PASSING_TEST}",
        report.passed, report.failed, report.ignored, report.seconds
    )))
}
