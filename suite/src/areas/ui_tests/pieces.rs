//! The UI tests as Nix pieces, read from the derivations: one compiletest build that every run
//! and every shard of every target takes; runs that take neither ui-report nor, for the full runs'
//! shards, the known failures; reports and merges apart, so that an edit of ui-report renders
//! again and runs no test, and an edit of the known failures judges again and runs no shard.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};

use crate::context::stdout_text;
use crate::support::files::{edited_copy, flake_copy};
use crate::support::standin::sandboxed_nix;
use crate::{CheckResult, Context, Verdict};

/// The UI derivations of the flake at `tree`, by name: `compiletest`, `run.<name>` (the
/// selection runs), `shard.<target>.<shard>`, `report.<name>` (reports and merges).
fn ui_derivations(ctx: &Context, tree: &Path) -> Result<BTreeMap<String, String>> {
    let expression = format!(
        "let s = (import {}/suite/nixpkgs-standin/flake-outputs.nix).legacyPackages.x86_64-linux.wasip2; \
         drv = d: d.drvPath; \
         shards = full: builtins.mapAttrs (_: drv) full.shards; \
         in {{ compiletest = drv s.ui-compiletest; \
         run = {{ ui-wasip1 = drv s.ui-wasip1; ui-wasip2 = drv s.ui-wasip2; ui-wasip3 = drv s.ui-wasip3; ui-wasip2-source = drv s.ui-wasip2-source; }}; \
         shard = {{ wasip1 = shards s.ui-wasip1-full; wasip2 = shards s.ui-wasip2-full; wasip3 = shards s.ui-wasip3-full; }}; \
         report = {{ ui-wasip2 = drv s.ui-wasip2-report; ui-wasip3 = drv s.ui-wasip3-report; ui-wasip1-full = drv s.ui-wasip1-full; ui-wasip2-full = drv s.ui-wasip2-full; ui-wasip3-full = drv s.ui-wasip3-full; }}; }}",
        tree.display()
    );
    let output = ctx.run(
        "ui-pieces-eval",
        sandboxed_nix(ctx, "nix-instantiate")
            .args(["--eval", "--strict", "--json", "--read-write-mode", "-E"])
            .arg(&expression),
    )?;
    let value: serde_json::Value =
        serde_json::from_str(&stdout_text(&output)).context("the UI derivations' paths")?;
    let mut found = BTreeMap::new();
    flatten("", &value, &mut found);
    Ok(found)
}

fn flatten(prefix: &str, value: &serde_json::Value, into: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, value, into);
            }
        }
        serde_json::Value::String(drv) => {
            into.insert(prefix.to_string(), drv.clone());
        }
        _ => {}
    }
}

fn changed<'a>(
    base: &'a BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<&'a str> {
    base.iter()
        .filter(|(name, drv)| after.get(*name) != Some(drv))
        .map(|(name, _)| name.as_str())
        .collect()
}

pub(super) fn ui_pieces(ctx: &mut Context) -> CheckResult {
    let base = ui_derivations(ctx, &flake_copy(ctx, "ui-pieces-base")?)?;
    let compiletest = base
        .get("compiletest")
        .context("no ui-compiletest derivation")?
        .clone();
    let runs: Vec<&String> = base
        .keys()
        .filter(|name| name.starts_with("run.") || name.starts_with("shard."))
        .collect();
    let shards = runs.iter().filter(|n| n.starts_with("shard.")).count();
    ensure!(
        shards >= 3,
        "the full runs have {shards} shards in all: {base:?}"
    );
    // Every run and shard takes the one compiletest build as an input.
    let mut without = Vec::new();
    for name in &runs {
        let output = ctx.run(
            "ui-pieces-references",
            sandboxed_nix(ctx, "nix-store").args(["--query", "--references", &base[*name]]),
        )?;
        if !stdout_text(&output).lines().any(|line| line == compiletest) {
            without.push(name.as_str());
        }
    }
    ensure!(
        without.is_empty(),
        "these UI derivations do not take {compiletest}: {without:?}"
    );

    // ui-report edited: reports and merges change, no run, shard or compiletest does.
    let report_edit = edited_copy(
        ctx,
        "ui-pieces-report-edit",
        "tools/ui-report/src/lib.rs",
        "\n// An edit of the report tool.\n",
    )?;
    let after_report = changed(&base, &ui_derivations(ctx, &report_edit)?);
    let reports: Vec<&str> = base
        .keys()
        .filter(|n| n.starts_with("report."))
        .map(String::as_str)
        .collect();
    ensure!(
        after_report == reports,
        "editing tools/ui-report changed {after_report:?}; expected the reports alone, {reports:?}"
    );

    // The known failures of wasip2 edited: its judged run changes, no shard of a full run does.
    let known_edit = edited_copy(
        ctx,
        "ui-pieces-known-edit",
        "ui-tests/wasm32-wasip2/known-failures.txt",
        "\n# An edit of the known failures.\n",
    )?;
    let after_known = changed(&base, &ui_derivations(ctx, &known_edit)?);
    ensure!(
        after_known.contains(&"run.ui-wasip2")
            && !after_known
                .iter()
                .any(|n| n.starts_with("shard.") || *n == "compiletest"),
        "editing wasip2's known failures changed {after_known:?}: the judged run must change, no shard"
    );
    Ok(Verdict::Proved(format!(
        "{} runs and {shards} shards (three targets) all take the one {}; an edit of ui-report changes only the {} reports and merges; an edit of wasip2's known failures changes {} and no shard",
        runs.len() - shards,
        compiletest.rsplit('/').next().unwrap_or(&compiletest),
        reports.len(),
        after_known.join(", ")
    )))
}
