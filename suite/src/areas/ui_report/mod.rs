//! The UI-test report (`tools/ui-report`): built by Nix, run by `checks.ui-wasip2` on the offline
//! subset, and its page opened in headless Chromium, which must load it with no console error
//! and no request, and show report.json's totals. A screenshot of the page is kept in the work
//! folder (`ui-report/report.png`).
//!
//! Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: messages
//! on file descriptors 3 and 4, separated by NUL bytes), which reports every request the page
//! makes and every console message; a copy of the page with a remote image and a console error
//! proves that both would be seen.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::{Value, json};

use crate::context::{tail, which};
use crate::support::standin::{
    build_expression, store_path, ui_report_expression, ui_subset_report_expression,
};
use crate::{CheckResult, Context, Suite, Verdict};

mod browser;

use self::browser::*;

const AREA: &str = "ui-report";

pub fn run(suite: &mut Suite) {
    let built: Rc<RefCell<Option<PathBuf>>> = Rc::default();
    let keep = Rc::clone(&built);
    suite.check(
        AREA,
        "ui-report built by Nix (its tests run in the build); ui-wasip2-report (checks.ui-wasip2) of the offline subset's run writes report.json and report.html, whose totals equal the runner's",
        move |ctx| {
            let (out, verdict) = nix_report(ctx)?;
            *keep.borrow_mut() = Some(out);
            Ok(verdict)
        },
    );
    suite.check(
        AREA,
        "report.html in headless Chromium: no console error, no request, the totals of report.json; a page with a remote image and a console error is caught; screenshot kept",
        move |ctx| {
            let Some(out) = built.borrow().clone() else {
                bail!("the Nix-built report is missing (see the check before)");
            };
            in_browser(ctx, &out)
        },
    );
}

/// Builds ui-report, then the UI check on the offline subset with it; returns the check's output.
fn nix_report(ctx: &mut Context) -> Result<(PathBuf, Verdict)> {
    let package = build_expression(ctx, "ui-report", &ui_report_expression(ctx), None)?;
    // The report of the run the nix-builds area built (as checks.ui-wasip2 is ui-wasip2's): the
    // run is not built again.
    let expression = ui_subset_report_expression(ctx, "wasm32-wasip2")?;
    let built = build_expression(ctx, "ui-wasip2-report (offline subset)", &expression, None)?;
    let out = store_path(&built);

    let read = |path: &Path| -> Result<Value> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{} is not in the check's output", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
    };
    let report = read(&out.join("ui-report/report.json"))?;
    let runner = read(&out.join("report.json"))?;
    ensure!(
        report["schema_version"] == json!(1),
        "schema_version is {}",
        report["schema_version"]
    );
    let totals = target_totals(&report, "wasm32-wasip2")?;
    // The runner counts with sed over the same log: two readings of it must agree.
    for key in ["passed", "failed", "ignored"] {
        ensure!(
            totals.get(key) == runner[key].as_u64().as_ref(),
            "ui-report counts {key} {:?}, run-ui-tests.sh {}",
            totals.get(key),
            runner[key]
        );
    }
    ensure!(
        totals["passed"] > 0 && totals["failed"] > 0,
        "the subset has passing tests and the known failure: {totals:?}"
    );
    // Every failure the runner lists has its compiletest output in the report.
    let failures = runner["failures"].as_array().cloned().unwrap_or_default();
    for failure in &failures {
        let failure = failure.as_str().unwrap_or_default();
        let test = report["tests"]
            .as_array()
            .and_then(|tests| {
                tests
                    .iter()
                    .find(|t| t["path"] == json!(failure) && t["outcome"] == json!("failed"))
            })
            .with_context(|| format!("{failure} is not a failure in report.json"))?;
        ensure!(
            test["failure"]
                .as_str()
                .is_some_and(|text| !text.is_empty()),
            "{failure} has no compiletest output in report.json"
        );
    }
    let page = std::fs::read_to_string(out.join("report.html"))
        .context("the check's output has no report.html")?;
    ensure!(page.contains("id=\"total-wasm32-wasip2-passed\""));
    Ok((
        out.clone(),
        Verdict::Proved(format!(
            "{package}; {built}; {} passed, {} failed, {} ignored in both reports; {} failure(s) with their output",
            totals["passed"],
            totals["failed"],
            totals["ignored"],
            failures.len()
        )),
    ))
}

/// report.json's totals of one target: passed, failed, ignored, total.
fn target_totals(report: &Value, target: &str) -> Result<BTreeMap<String, u64>> {
    let entry = report["targets"]
        .as_array()
        .and_then(|targets| targets.iter().find(|t| t["target"] == json!(target)))
        .with_context(|| format!("report.json has no totals for {target}"))?;
    ["passed", "failed", "ignored", "total"]
        .iter()
        .map(|key| {
            entry[*key]
                .as_u64()
                .map(|n| (key.to_string(), n))
                .with_context(|| format!("report.json's {target} has no {key}"))
        })
        .collect()
}

fn in_browser(ctx: &mut Context, out: &Path) -> CheckResult {
    let Some(chromium) = which("chromium") else {
        return ctx.missing(
            "no chromium on PATH (apt-get install chromium; .ci/apt-packages.txt lists it)",
        );
    };
    let dir = ctx.fresh_dir("ui-report")?;
    // The page and its data beside the screenshot, as the run's artifacts.
    for file in ["report.html", "report.json"] {
        std::fs::copy(out.join("ui-report").join(file), dir.join(file))
            .with_context(|| format!("copying {file}"))?;
    }
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json"))?)?;
    let page = dir.join("report.html");

    let seen = load(ctx, &chromium, &dir, &page)?;
    ensure!(
        seen.errors.is_empty(),
        "console errors on the page: {:?}",
        seen.errors
    );
    ensure!(
        seen.requests.iter().all(|url| *url == seen.url),
        "the page made requests besides its own load: {:?}",
        seen.requests
    );
    ensure!(
        seen.requests.len() == 1,
        "the page's own load was not seen ({:?}): the request log is not working",
        seen.requests
    );
    let mut compared = 0;
    for target in report["targets"].as_array().into_iter().flatten() {
        let name = target["target"].as_str().unwrap_or_default();
        for (key, value) in target_totals(&report, name)? {
            let id = format!("total-{}-{key}", slug(name));
            let shown = seen.totals.get(&id).map(|text| text.trim().to_string());
            ensure!(
                shown.as_deref() == Some(value.to_string().as_str()),
                "the page shows {id} = {shown:?}, report.json says {value}"
            );
            compared += 1;
        }
    }
    ensure!(compared > 0, "report.json has no targets to compare");

    // The same page with what the check must catch: a remote image and a console error.
    let faulty = dir.join("faulty.html");
    std::fs::write(
        &faulty,
        std::fs::read_to_string(&page)?.replace(
            "</body>",
            "<img src=\"http://192.0.2.1/pixel.png\"><script>console.error(\"probe\")</script></body>",
        ),
    )?;
    let caught = load(ctx, &chromium, &dir, &faulty)?;
    ensure!(
        caught
            .requests
            .iter()
            .any(|url| url.starts_with("http://192.0.2.1/")),
        "the remote image's request was not seen: {:?}",
        caught.requests
    );
    ensure!(
        caught.errors.iter().any(|e| e.contains("probe")),
        "the console error was not seen: {:?}",
        caught.errors
    );
    let _ = std::fs::remove_file(&faulty);

    let shot = dir.join("report.png");
    screenshot(ctx, &chromium, &dir, &page, &shot)?;
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    ensure!(
        std::fs::read(&shot)?.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        shot.display()
    );
    Ok(Verdict::Proved(format!(
        "{compared} totals on the page equal report.json's; 1 request (the page), 0 console errors; \
         the faulty copy: {} request(s), {} error(s) caught; screenshot {} ({size} bytes)",
        caught.requests.len(),
        caught.errors.len(),
        shot.display()
    )))
}

/// The page's ids name a target with letters, digits and `-` (tools/ui-report's html::slug).
fn slug(target: &str) -> String {
    target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
