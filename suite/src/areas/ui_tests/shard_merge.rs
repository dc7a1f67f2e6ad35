//! The offline subset run in shards with exact paths and merged by `ui-report --plan`, against one
//! unsharded run and the substring-filtered Nix-built subset.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use anyhow::ensure;

use super::report_json::{outcomes, plan_lines, read_json, ui_report_build};
use super::ui_dir;
use crate::context::stdout_text;
use crate::support::standin::{
    build_expression, instantiate, outputs_file, store_path, ui_report_binary, ui_subset,
    ui_subset_report,
};
use crate::support::ui_selection::read_selection;
use crate::{CheckResult, Context, Verdict};

pub(super) fn shards_equal_whole(ctx: &mut Context) -> CheckResult {
    let Some(source) = ctx.parts.rust_source.clone() else {
        return ctx.missing("needs the prepared source tree (the rust-std area)");
    };
    let ui_report = ui_report_binary(ctx)?;
    let folders = read_selection(&ui_dir(ctx).join("offline-subset.txt"))?;
    let dir = ctx.fresh_dir("ui-shards")?;
    let plan = dir.join("shards.txt");
    let mut command = Command::new(&ui_report);
    command
        .args(["shards", "--source"])
        .arg(&source)
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

    // The full run's derivation with this plan: its shards, then its merge (ui-report --plan).
    let scope = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2",
        outputs_file(ctx)
    );
    let full = store_path(&build_expression(
        ctx,
        "ui-wasip2-full with the subset's 2-shard plan",
        &format!(
            "{scope}.ui-wasip2-full.override {{ plan = {}; }}",
            plan.display()
        ),
        None,
    )?);
    let mut logs = Vec::new();
    let mut times = Vec::new();
    for shard in &shards {
        let shard_out = full.join("shards").join(shard);
        let report = read_json(&shard_out.join("report.json"))?;
        let count = |key: &str| report[key].as_u64().unwrap_or(0);
        logs.push(shard_out.join("compiletest.log"));
        times.push(format!(
            "{shard} {} tests {} s",
            count("passed") + count("failed") + count("ignored"),
            count("seconds")
        ));
    }
    // One unsharded run of the same folders, with a progress line every second: the lines a
    // full run prints every 30 s, read back from Nix's log of the build.
    let whole_expression = format!(
        "{scope}.ui-wasip2.override {{ pname = \"ui-wasip2-subset-unsharded\"; exactPaths = [ {} ]; progressSeconds = 1; }}",
        folders
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let whole_out = store_path(&build_expression(
        ctx,
        "ui-wasip2 on the subset's folders, unsharded",
        &whole_expression,
        None,
    )?);
    let whole = read_json(&whole_out.join("report.json"))?;
    let count = |key: &str| whole[key].as_u64().unwrap_or(0);
    let total = count("passed") + count("failed") + count("ignored");
    let (drv, _) = instantiate(ctx, &whole_expression)?;
    let log = ctx.run(
        "nix-store-read-log",
        Command::new("nix-store").args(["--read-log", &drv]),
    )?;
    let progress = stdout_text(&log);
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
        "the unsharded run's Nix log has no progress line (tests done of {total}, failures, elapsed):\n{progress}"
    );

    // The derivation's own merge (ui-report build --plan over the shards' logs).
    let merged = full.join("ui-report");
    let whole_dir = dir.join("whole");
    let whole_log = whole_out.join("compiletest.log");
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
        "plan of {folders:?} in {} shards ({}); merged report.json = unsharded report.json, same bytes, {} tests ({} passed, {} failed, {} ignored unsharded in {} s); a shard twice refused (\"shards overlap\"), a shard missing refused; the substring-filtered Nix subset has the same {} tests in these folders and {} more outside them; the unsharded run's progress in its Nix log (a line a second): {} lines, the last `{}`",
        shards.len(),
        times.join(", "),
        merged_tests.len(),
        count("passed"),
        count("failed"),
        count("ignored"),
        count("seconds"),
        inside.len(),
        outside.len(),
        progress_lines.len(),
        progress_lines.last().copied().unwrap_or_default()
    )))
}
