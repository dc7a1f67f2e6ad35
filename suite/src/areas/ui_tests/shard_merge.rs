//! The offline subset run in shards with exact paths and merged by `ui-report --plan`, against one
//! unsharded run and the substring-filtered Nix-built subset.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::ensure;

use super::report_json::{outcomes, plan_lines, read_json, ui_report_build};
use super::runner::{inputs, run_script, run_script_with};
use super::ui_dir;
use crate::context::stdout_text;
use crate::support::standin::{ui_report_binary, ui_subset, ui_subset_report};
use crate::support::ui_selection::read_selection;
use crate::{CheckResult, Context, Verdict};

pub(super) fn shards_equal_whole(ctx: &mut Context) -> CheckResult {
    let Some(inputs) = inputs(ctx)? else {
        return ctx.missing(
            "needs the toolchain with the wasip2 std, the source tree, the SDK and wasmtime",
        );
    };
    let ui_report = ui_report_binary(ctx)?;
    let known = ui_dir(ctx).join("known-failures.txt");
    let folders = read_selection(&ui_dir(ctx).join("offline-subset.txt"))?;
    let dir = ctx.fresh_dir("ui-shards")?;
    let plan = dir.join("shards.txt");
    let mut command = Command::new(&ui_report);
    command
        .args(["shards", "--source"])
        .arg(&inputs.source)
        .args(["--shards", "2"]);
    for folder in &folders {
        command.args(["--only", folder]);
    }
    let output = ctx.run("ui-report-shards-subset", &mut command)?;
    std::fs::write(&plan, stdout_text(&output))?;
    let shards: Vec<String> = plan_lines(&stdout_text(&output))
        .map(|(shard, _, _)| shard.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ensure!(
        shards.len() == 2,
        "the subset's plan has shards {shards:?}, not 2"
    );

    let mut logs = Vec::new();
    let mut times = Vec::new();
    for shard in &shards {
        let label = format!("ui-shard-{shard}");
        let (ok, report) = run_script(
            ctx,
            &inputs,
            &label,
            &[
                Path::new("--shard"),
                &plan,
                Path::new("--shard-name"),
                Path::new(shard),
                Path::new("--known-failures"),
                &known,
            ],
        )?;
        ensure!(
            ok,
            "{shard} had unexpected results: {:?} {:?}",
            report.unexpected_failures,
            report.unexpected_passes
        );
        logs.push(ctx.work.join(&label).join("compiletest.log"));
        times.push(format!(
            "{shard} {} tests {} s",
            report.passed + report.failed + report.ignored,
            report.seconds
        ));
    }
    let mut whole_args: Vec<&Path> = Vec::new();
    for folder in &folders {
        whole_args.extend([Path::new("--exact"), Path::new(folder)]);
    }
    whole_args.extend([Path::new("--known-failures"), &known]);
    // With a progress line every second: the lines a full run prints every 30 s.
    let (ok, whole, progress) = run_script_with(
        ctx,
        &inputs,
        "ui-shards-whole",
        &whole_args,
        &[("UI_PROGRESS_SECONDS", "1")],
    )?;
    let total = whole.passed + whole.failed + whole.ignored;
    let progress_lines: Vec<&str> = progress
        .lines()
        .filter(|line| {
            line.starts_with("run-ui-tests: ")
                && line.contains(&format!("/{total} tests, "))
                && line.contains(" failed, ")
                && line.contains(" elapsed")
        })
        .collect();
    ensure!(
        !progress_lines.is_empty(),
        "the unsharded run printed no progress line (tests done of {total}, failures, elapsed):\n{progress}"
    );
    ensure!(ok, "the unsharded run had unexpected results");

    let merged = dir.join("merged");
    let mut args: Vec<&Path> = vec![Path::new("--out"), &merged, Path::new("--plan"), &plan];
    args.extend(logs.iter().map(PathBuf::as_path));
    let output = ui_report_build(ctx, &ui_report, "ui-report-merge-shards", &args)?;
    ensure!(
        output.status.success(),
        "merging the shards failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let whole_dir = dir.join("whole");
    let whole_log = ctx.work.join("ui-shards-whole/compiletest.log");
    let output = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-whole",
        &[Path::new("--out"), &whole_dir, &whole_log],
    )?;
    ensure!(
        output.status.success(),
        "the unsharded report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (merged_json, whole_json) = (
        read_json(&merged.join("report.json"))?,
        read_json(&whole_dir.join("report.json"))?,
    );
    let (merged_tests, whole_tests) = (outcomes(&merged_json), outcomes(&whole_json));
    ensure!(
        merged_tests == whole_tests,
        "the merged shards and the unsharded run differ: only sharded {:?}, only unsharded {:?}",
        merged_tests
            .iter()
            .filter(|(k, v)| whole_tests.get(*k) != Some(v))
            .take(5)
            .collect::<Vec<_>>(),
        whole_tests
            .iter()
            .filter(|(k, v)| merged_tests.get(*k) != Some(v))
            .take(5)
            .collect::<Vec<_>>()
    );
    // No times or machine paths are in report.json: the two are the same bytes, failures'
    // compiletest output included.
    let same_bytes =
        std::fs::read(merged.join("report.json"))? == std::fs::read(whole_dir.join("report.json"))?;
    ensure!(
        same_bytes,
        "the merged report.json and the unsharded one have the same outcomes but not the same bytes"
    );

    // What the merge refuses: a shard given twice (the same tests in two inputs), a shard missing.
    let twice = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-merge-twice",
        &[
            Path::new("--out"),
            &dir.join("twice"),
            Path::new("--plan"),
            &plan,
            &logs[0],
            &logs[0],
            &logs[1],
        ],
    )?;
    let twice_error = String::from_utf8_lossy(&twice.stderr).to_string();
    ensure!(
        twice.status.code() == Some(2) && twice_error.contains("shards overlap"),
        "a shard merged twice was not refused: {twice_error}"
    );
    let missing = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-merge-missing",
        &[
            Path::new("--out"),
            &dir.join("missing"),
            Path::new("--plan"),
            &plan,
            &logs[0],
        ],
    )?;
    let missing_error = String::from_utf8_lossy(&missing.stderr).to_string();
    ensure!(
        missing.status.code() == Some(2) && missing_error.contains("not the plan's tests"),
        "a missing shard was not refused: {missing_error}"
    );

    // The substring filters of x.py's paths, which the Nix-built subset uses, run neighbours too:
    // the exact runs hold that subset's tests in these folders, with the same outcomes, and no other.
    ui_subset(ctx, "wasm32-wasip2")?;
    let nix = read_json(&ui_subset_report(ctx, "wasm32-wasip2")?.join("ui-report/report.json"))?;
    let nix_tests = outcomes(&nix);
    let in_folders = |name: &str| folders.iter().any(|f| name.starts_with(&format!("{f}/")));
    let (inside, outside): (BTreeMap<_, _>, BTreeMap<_, _>) = nix_tests
        .into_iter()
        .partition(|((_, name), _)| in_folders(name));
    ensure!(
        inside == merged_tests,
        "the Nix-built subset's tests in {folders:?} differ from the shards' ({} against {})",
        inside.len(),
        merged_tests.len()
    );
    Ok(Verdict::Proved(format!(
        "plan of {folders:?} in {} shards ({}); merged report.json = unsharded report.json, same bytes, {} tests ({} passed, {} failed, {} ignored unsharded in {} s); a shard twice refused (\"shards overlap\"), a shard missing refused; the substring-filtered Nix subset has the same {} tests in these folders and {} more outside them; the unsharded run's progress, a line a second: {} lines, the last `{}`",
        shards.len(),
        times.join(", "),
        merged_tests.len(),
        whole.passed,
        whole.failed,
        whole.ignored,
        whole.seconds,
        inside.len(),
        outside.len(),
        progress_lines.len(),
        progress_lines.last().copied().unwrap_or_default()
    )))
}
