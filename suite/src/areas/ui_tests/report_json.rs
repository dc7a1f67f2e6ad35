//! Reading what ui-report writes and reads: shard plan lines, `ui-report build`, report.json.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};
use serde_json::Value;

use crate::Context;

/// The `SHARD TESTS FOLDER` lines of a plan.
pub(super) fn plan_lines(text: &str) -> impl Iterator<Item = (&str, usize, &str)> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (shard, tests, folder) = (words.next()?, words.next()?, words.next()?);
            Some((shard, tests.parse().ok()?, folder))
        })
}

/// `ui-report build` with `args`, whatever its exit status.
pub(super) fn ui_report_build(
    ctx: &Context,
    ui_report: &Path,
    label: &str,
    args: &[&Path],
) -> Result<std::process::Output> {
    ctx.run_unchecked(label, Command::new(ui_report).arg("build").args(args))
}

/// Each test of a report.json: (target, name) to (outcome, ignore reason).
pub(super) fn outcomes(report: &Value) -> BTreeMap<(String, String), (String, Option<String>)> {
    report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|test| {
            let name = match test["revision"].as_str() {
                Some(revision) => {
                    format!("{}#{revision}", test["path"].as_str().unwrap_or_default())
                }
                None => test["path"].as_str().unwrap_or_default().to_string(),
            };
            (
                (
                    test["target"].as_str().unwrap_or_default().to_string(),
                    name,
                ),
                (
                    test["outcome"].as_str().unwrap_or_default().to_string(),
                    test["ignore_reason"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

pub(super) fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}
