//! The runner's verdicts on faults, in the Nix build that `checks.ui-wasip2` is: a failure the
//! known failures do not list and a listed test that passes are both reported, and fail the
//! build that is judged; the same run judged by the real list passes.

use anyhow::{Context as _, ensure};

use super::ui_dir;
use crate::context::tail;
use crate::support::standin::{build_expression, outputs_file, sandboxed_nix, store_path};
use crate::{CheckResult, Context, Verdict};

/// The one known failure of wasip2 in tests/ui/wasm: a component cannot import from module `test`.
const KNOWN_FAILURE: &str = "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs";
/// A test that passes on wasip2, listed as a known failure to provoke an "unexpected pass".
const PASSING_TEST: &str = "tests/ui/wasm/wasm-hang-issue-76281.rs";

/// ui-wasip2 on exactly tests/ui/wasm, judged by `known`.
fn wasm_folder_run(ctx: &Context, pname: &str, known: &std::path::Path, fail: bool) -> String {
    format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.ui-wasip2.override {{ pname = \"{pname}\"; exactPaths = [ \"tests/ui/wasm\" ]; knownFailures = {}; failOnUnexpected = {fail}; }}",
        outputs_file(ctx),
        known.display()
    )
}

pub(super) fn broken_expectation(ctx: &mut Context) -> CheckResult {
    let real = std::fs::read_to_string(ui_dir(ctx).join("known-failures.txt"))?;
    ensure!(
        real.lines().any(|line| line.starts_with(KNOWN_FAILURE)),
        "{KNOWN_FAILURE} is no longer a known failure of wasip2: pick another for this check"
    );
    // A stale list: the real failure left out, a passing test put in.
    let dir = ctx.fresh_dir("ui-stale-known-failures")?;
    let stale = dir.join("known-failures.txt");
    std::fs::write(
        &stale,
        format!("{PASSING_TEST}  # listed on purpose: it passes\n"),
    )?;
    let built = build_expression(
        ctx,
        "ui-wasip2 on tests/ui/wasm with a stale list, reported",
        &wasm_folder_run(ctx, "ui-wasip2-stale-list-reported", &stale, false),
        None,
    )?;
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(store_path(&built).join("report.json"))
            .context("the run wrote no report.json")?,
    )?;
    ensure!(
        report["unexpected_failures"] == serde_json::json!([KNOWN_FAILURE])
            && report["unexpected_passes"] == serde_json::json!([PASSING_TEST]),
        "with the stale list the report says: unexpected failures {}, unexpected passes {}",
        report["unexpected_failures"],
        report["unexpected_passes"]
    );
    // Judged, the same run fails its build and says why (built as the fault checks build, without
    // --keep-failed: the failure is expected, its build folder is not worth keeping).
    let output = ctx.run_unchecked(
        "nix-build-stale-list-judged",
        sandboxed_nix(ctx, "nix-build").args([
            "--no-out-link",
            "-E",
            &wasm_folder_run(ctx, "ui-wasip2-stale-list-judged", &stale, true),
        ]),
    )?;
    let said = tail(&output, 40);
    ensure!(
        !output.status.success(),
        "the judged run with a stale list built"
    );
    ensure!(
        said.contains("UNEXPECTED failures") && said.contains("UNEXPECTED passes"),
        "the judged run failed without saying why:\n{said}"
    );
    // And judged by the real list, the same tests pass the build.
    let real_list = ui_dir(ctx).join("known-failures.txt");
    build_expression(
        ctx,
        "ui-wasip2 on tests/ui/wasm with the real list",
        &wasm_folder_run(ctx, "ui-wasip2-wasm-folder", &real_list, true),
        None,
    )?;
    Ok(Verdict::Proved(format!(
        "{} passed, {} failed, {} ignored in {} s; with a list lacking {KNOWN_FAILURE} and naming {PASSING_TEST}: both reported, and the judged build fails saying so; with the real list it builds",
        report["passed"], report["failed"], report["ignored"], report["seconds"]
    )))
}
