//! Running the doctor and judging its JSON report: a healthy environment passes everything, a
//! broken one fails exactly the check of its cause, with the fix.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use super::doctor_binary;
use crate::context::tail;
use crate::{CheckResult, Context, Verdict};

/// Runs the doctor with exactly these variables in `cwd`; its JSON report and exit code.
pub(super) fn diagnose(
    ctx: &Context,
    label: &str,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    quick: bool,
    args: &[&str],
) -> Result<(BTreeMap<String, Value>, i32)> {
    let mut command = Command::new(doctor_binary(ctx));
    command
        .env_clear()
        .envs(env)
        .current_dir(cwd)
        .arg("--json")
        .args(args);
    if quick {
        command.arg("--quick");
    }
    let output = ctx.run_unchecked(label, &mut command)?;
    let report: Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("no JSON report: {}", tail(&output, 10)))?;
    let checks = report["checks"]
        .as_array()
        .context("the report has no checks")?
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?.to_string(), c.clone())))
        .collect();
    Ok((checks, output.status.code().unwrap_or(-1)))
}

pub(super) fn status(checks: &BTreeMap<String, Value>, id: &str) -> String {
    checks
        .get(id)
        .and_then(|c| c["status"].as_str())
        .unwrap_or("absent")
        .to_string()
}

/// Every check passes and the exit status is 0; the unwinding probe alone may be skipped, and
/// only because the std aborts on panic (what the panic-strategy check found); the
/// temporary-folder probe alone may warn, and only that the std's temp_dir() panics (the binary
/// release's std), naming the unwinding shell as the fix.
pub(super) fn all_pass(checks: &BTreeMap<String, Value>, code: i32) -> CheckResult {
    let not_passing: Vec<String> = checks
        .iter()
        .filter(|(id, c)| {
            c["status"] != "pass" && !std_aborts_skip(id, c) && !temp_dir_panics_warn(id, c)
        })
        .map(|(id, c)| format!("{id}: {} ({})", c["status"], c["detail"]))
        .collect();
    ensure!(
        not_passing.is_empty() && code == 0,
        "exit {code}; not passing: {}",
        not_passing.join("; ")
    );
    for probe in [
        "probe-build",
        "probe-run",
        "probe-c",
        "probe-cxx",
        "probe-unwind",
        "probe-temp-dir",
    ] {
        ensure!(checks.contains_key(probe), "the report has no {probe}");
    }
    let passed = checks.values().filter(|c| c["status"] == "pass").count();
    Ok(Verdict::Proved(format!(
        "{passed} of {} checks pass, exit 0 (probe-unwind {}: {}): {}",
        checks.len(),
        status(checks, "probe-unwind"),
        checks["probe-unwind"]["detail"]
            .as_str()
            .unwrap_or_default(),
        checks.keys().cloned().collect::<Vec<_>>().join(", ")
    )))
}

fn temp_dir_panics_warn(id: &str, check: &Value) -> bool {
    let said = |key: &str, words: &str| check[key].as_str().is_some_and(|d| d.contains(words));
    id == "probe-temp-dir"
        && check["status"] == "warn"
        && said("detail", "temp_dir() panics")
        && said("fix", "#unwind")
}

fn std_aborts_skip(id: &str, check: &Value) -> bool {
    id == "probe-unwind"
        && check["status"] == "skip"
        && check["detail"]
            .as_str()
            .is_some_and(|d| d.contains("the std aborts on panic"))
}

/// One broken environment and what the doctor must say about it.
pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) check: &'static str,
    /// Words the fix must contain.
    pub(super) fix_mentions: &'static str,
    /// The doctor's arguments besides `--json` (and `--quick`).
    pub(super) args: &'static [&'static str],
    /// Other checks the same cause fails.
    pub(super) also: &'static [&'static str],
}

pub(super) fn expect(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
) -> Result<String> {
    Ok(judge(ctx, env, cwd, case, true)?.0)
}

pub(super) fn expect_full(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
) -> Result<String> {
    Ok(judge(ctx, env, cwd, case, false)?.0)
}

/// The broken case fails exactly its check (with the fix), exits 1, and the other static checks
/// still pass, so the diagnosis points at the cause and nothing else. Also returns the report.
pub(super) fn judge(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
    quick: bool,
) -> Result<(String, BTreeMap<String, Value>)> {
    let (checks, code) = diagnose(
        ctx,
        &format!("doctor-{}", case.name),
        env,
        cwd,
        quick,
        case.args,
    )?;
    let finding = checks
        .get(case.check)
        .with_context(|| format!("{}: the report has no {} check", case.name, case.check))?;
    ensure!(
        finding["status"] == "fail",
        "{}: {} is {} ({})",
        case.name,
        case.check,
        finding["status"],
        finding["detail"]
    );
    let fix = finding["fix"].as_str().unwrap_or_default();
    ensure!(
        fix.contains(case.fix_mentions),
        "{}: the fix {fix:?} does not mention {:?}",
        case.name,
        case.fix_mentions
    );
    ensure!(code == 1, "{}: exit status {code}, not 1", case.name);
    let others: Vec<String> = checks
        .iter()
        .filter(|(id, c)| {
            id.as_str() != case.check
                && !case.also.contains(&id.as_str())
                && !id.starts_with("probe-")
                && c["status"] == "fail"
        })
        .map(|(id, _)| id.clone())
        .collect();
    ensure!(
        others.is_empty(),
        "{}: other checks failed too: {}",
        case.name,
        others.join(", ")
    );
    let probe_note = if quick {
        String::new()
    } else {
        format!(", probe-run {}", status(&checks, "probe-run"))
    };
    Ok((
        format!("{} -> {} fails{probe_note}", case.name, case.check),
        checks,
    ))
}
