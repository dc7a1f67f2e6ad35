//! The UI-test runner's verdicts (`ui-tests/run-ui-tests.sh`, run as a Nix build runs it):
//! a broken expectation and a stale known failure are both reported. The offline subset itself
//! runs in the Nix build of `checks.ui-wasip2` (the nix-builds area).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, ensure};
use serde::Deserialize;

use crate::support::nix_build::in_build_phase;
use crate::support::toolchain::write_std_config;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "ui-tests";

/// The probe whose expected output is deliberately wrong.
const BROKEN_PROBE: &str = "tests/ui/wasm/offline-suite-broken-expectation.rs";
/// A test that passes on wasip2, listed as a known failure to provoke an "unexpected pass".
const PASSING_TEST: &str = "tests/ui/wasm/wasm-hang-issue-76281.rs";

#[derive(Deserialize, Debug)]
struct Report {
    passed: usize,
    failed: usize,
    ignored: usize,
    seconds: u64,
    failures: Vec<String>,
    unexpected_failures: Vec<String>,
    unexpected_passes: Vec<String>,
}

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "a broken expectation and a stale known failure are reported",
        broken_expectation,
    );
}

fn ui_dir(ctx: &Context) -> PathBuf {
    ctx.repo.join("ui-tests/wasm32-wasip2")
}

struct Inputs {
    source: PathBuf,
    config: PathBuf,
    sdk: PathBuf,
    wasmtime: PathBuf,
}

/// The configuration that makes the toolchain with the wasip2 std the stage-0 compiler, so that
/// compiletest hands tests a sysroot that has the std.
fn inputs(ctx: &Context) -> Result<Option<Inputs>> {
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

fn run_script(
    ctx: &Context,
    inputs: &Inputs,
    label: &str,
    extra: &[&Path],
) -> Result<(bool, Report)> {
    let report_dir = ctx.fresh_dir(label)?;
    let mut command = in_build_phase(ctx, label, &ctx.repo.join("ui-tests/run-ui-tests.sh"))?;
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
    Ok((output.status.success(), report))
}

fn broken_expectation(ctx: &mut Context) -> CheckResult {
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
