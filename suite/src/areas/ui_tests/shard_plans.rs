//! The shard plans of `tests/ui` (ui-tests/<target>/shards.txt) against the source, and what
//! moving one folder does to the shards' derivations.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use super::report_json::plan_lines;
use super::{TARGETS, target_dir};
use crate::context::stdout_text;
use crate::support::standin::ui_report_binary;
use crate::support::standin::{outputs_file, sandboxed_nix};
use crate::{CheckResult, Context, Verdict};

/// `ui-report shards` as the plans were written: the same bytes for every target's plan, each
/// balanced by measured folder times and predicted within 2 minutes on 16 builders; a plan
/// that lacks a folder is refused with the fix; and, evaluated on the stand-in, a plan with one
/// folder moved between two shards gives new derivations for those two shards and the same
/// derivations for the others.
pub(super) fn shard_plans(ctx: &mut Context) -> CheckResult {
    let Some(source) = ctx.parts.rust_source.clone() else {
        return ctx.missing("needs the prepared source tree (the rust-std area)");
    };
    let ui_report = ui_report_binary(ctx)?;
    let mut said = Vec::new();
    for target in TARGETS {
        let plan = target_dir(ctx, target).join("shards.txt");
        let text = std::fs::read_to_string(&plan)
            .with_context(|| format!("{} is missing", plan.display()))?;
        let shards: BTreeSet<&str> = plan_lines(&text).map(|(shard, _, _)| shard).collect();
        // The plan's header names the command that wrote it; run from the repository's root, it
        // must write the plan again, byte for byte.
        let command = regenerate_command(&text)
            .with_context(|| format!("{} does not say how it was made", plan.display()))?;
        ensure!(
            command.contains("--times "),
            "{} is balanced by test count ({command}); plan it by the measured folder times (--times)",
            plan.display()
        );
        let words: Vec<String> = command
            .replace("<rustc source>", &source.display().to_string())
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect();
        let output = ctx.run(
            "ui-report-shards",
            Command::new(&ui_report).current_dir(&ctx.repo).args(&words),
        )?;
        ensure!(
            stdout_text(&output) == text,
            "{} is not what `{command}` writes now: regenerate it",
            plan.display()
        );
        let on_16 = predicted_on(&text, 16)
            .with_context(|| format!("{} predicts nothing for 16 builders", plan.display()))?;
        ensure!(
            on_16 <= 120.0,
            "{} is predicted to take {on_16} s on 16 builders, more than 2 minutes: plan it with --max-seconds 120 --builders 16",
            plan.display()
        );
        let tests: usize = plan_lines(&text).map(|(_, tests, _)| tests).sum();
        said.push(format!(
            "{target} {} shards, {tests} tests, predicted {on_16} s on 16 builders",
            shards.len()
        ));
    }

    // A plan that lacks a folder no longer fits the source.
    let dir = ctx.fresh_dir("ui-shard-plans")?;
    let plan = target_dir(ctx, "wasm32-wasip2").join("shards.txt");
    let text = std::fs::read_to_string(&plan)?;
    let (first_shard, _, first_folder) = plan_lines(&text).next().context("an empty plan")?;
    let (first_shard, first_folder) = (first_shard.to_string(), first_folder.to_string());
    let lacking: String = text
        .lines()
        .filter(|line| !line.ends_with(&format!(" {first_folder}")))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(dir.join("lacking.txt"), &lacking)?;
    let output = ctx.run_unchecked(
        "ui-report-shards-stale",
        Command::new(&ui_report)
            .args(["shards", "--source"])
            .arg(&source)
            .arg("--check")
            .arg(dir.join("lacking.txt")),
    )?;
    let error = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.code() == Some(2)
            && error.contains(&format!("{first_folder}: "))
            && error.contains("Regenerate it"),
        "a plan without {first_folder} was not refused with the fix: {} {error}",
        output.status
    );

    // The same plan with the first folder moved to another shard.
    let other = plan_lines(&text)
        .map(|(shard, _, _)| shard)
        .find(|shard| *shard != first_shard)
        .context("the plan has one shard")?
        .to_string();
    let moved: String = text
        .lines()
        .map(
            |line| match line.strip_suffix(&format!(" {first_folder}")) {
                Some(head) if head.starts_with(&format!("{first_shard} ")) => {
                    format!("{}{} {first_folder}\n", other, &head[first_shard.len()..])
                }
                _ => format!("{line}\n"),
            },
        )
        .collect();
    std::fs::write(dir.join("moved.txt"), &moved)?;
    let expression = format!(
        "let s = (import {}).legacyPackages.x86_64-linux.wasip2; \
         drvs = plan: builtins.mapAttrs (name: shard: shard.drvPath) (s.ui-wasip2-full.override {{ inherit plan; }}).shards; \
         in {{ plan = drvs {}; moved = drvs {}; full = s.ui-wasip2-full.drvPath; p1 = s.ui-wasip1-full.drvPath; p3 = s.ui-wasip3-full.drvPath; }}",
        outputs_file(ctx),
        plan.display(),
        dir.join("moved.txt").display()
    );
    let output = ctx.run(
        "nix-eval-ui-shards",
        sandboxed_nix(ctx, "nix-instantiate").args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &expression,
        ]),
    )?;
    let value: Value = serde_json::from_str(&stdout_text(&output))?;
    let drvs = |key: &str| -> Result<BTreeMap<String, String>> {
        Ok(serde_json::from_value(value[key].clone())?)
    };
    let (planned, moved) = (drvs("plan")?, drvs("moved")?);
    let names: Vec<&String> = planned.keys().collect();
    ensure!(
        names.len()
            == plan_lines(&text)
                .map(|(s, _, _)| s)
                .collect::<BTreeSet<_>>()
                .len(),
        "ui-wasip2-full has shards {names:?}, not the plan's"
    );
    let changed: Vec<&String> = planned
        .iter()
        .filter(|(name, drv)| moved.get(*name) != Some(drv))
        .map(|(name, _)| name)
        .collect();
    ensure!(
        changed == [&first_shard, &other] || changed == [&other, &first_shard],
        "moving {first_folder} from {first_shard} to {other} changed the derivations of {changed:?}"
    );
    Ok(Verdict::Proved(format!(
        "{}; a plan without {first_folder} refused (exit 2, says to regenerate); moving {first_folder} from {first_shard} to {other} changes {} of {} shard derivations ({}); ui-wasip1-full, ui-wasip2-full, ui-wasip3-full evaluate",
        said.join(", "),
        changed.len(),
        planned.len(),
        changed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// The `ui-report shards …` line of a plan's header.
fn regenerate_command(text: &str) -> Option<String> {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| line.trim_start_matches('#').trim())
        .find(|line| line.starts_with("ui-report shards "))
        .map(String::from)
}

/// What the plan's header predicts for `builders` builders, in seconds.
fn predicted_on(text: &str, builders: usize) -> Option<f64> {
    let line = text
        .lines()
        .find(|line| line.starts_with("# predicted, with "))?;
    let (_, predictions) = line.split_once(": ")?;
    predictions.split(", ").find_map(|one| {
        let (seconds, on) = one.split_once(" s on ")?;
        (on == builders.to_string())
            .then(|| seconds.parse().ok())
            .flatten()
    })
}
