//! `report.html`: one page with everything inline (CSS, SVG bars; no script, no font, no
//! request), so it opens from a Nix store path, a CI artifact or a mail attachment alike.
//!
//! Elements a program reads carry ids: `total-<target>-<passed|failed|ignored|total>` hold the
//! totals.
//!
//! Kept as one file of about 450 lines: it is the page, section by section in the order the
//! page shows them, and reads better whole than split across files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::diff::{Diff, Kind};
use crate::report::{Counts, Outcome, Report, Test};

const STYLE: &str = r#"
:root { --pass: #2e7d32; --fail: #c62828; --ign: #9e9e9e; --ink: #1d1d1f; --line: #ddd; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1200px; padding: 1.5rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 260px; }
.card h3 { margin: 0 0 .4rem; font-family: ui-monospace, monospace; }
.big { font-size: 1.5rem; font-weight: 600; }
.passed { color: var(--pass); } .failed { color: var(--fail); } .ignored { color: #616161; }
.legend span { display: inline-block; margin-right: 1rem; }
.sw { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: middle; margin-right: .3rem; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre; border-radius: 4px; }
pre .del { color: var(--fail); } pre .add { color: var(--pass); }
details { margin: .3rem 0; } summary { cursor: pointer; }
.bar td { padding-top: .1rem; padding-bottom: .1rem; }
.none { color: #555; font-style: italic; }
"#;

/// The whole page; `diff` adds a section of what changed against an older report.
pub fn render(report: &Report, diff: Option<&Diff>) -> String {
    let mut page = String::new();
    let targets = report.target_names();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>rustc UI tests: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&targets.join(", "))
    );
    let _ = writeln!(
        page,
        "<h1>rustc's UI tests on {}</h1>",
        escape(&targets.join(", "))
    );
    let _ = writeln!(
        page,
        "<p class=\"sub\">{} test runs in {} folders of <code>tests/ui</code>; report schema {}.</p>",
        report.tests.len(),
        report.directory_names().len(),
        report.schema_version
    );
    totals(&mut page, report);
    if let Some(diff) = diff {
        changes(&mut page, diff);
    }
    side_by_side(&mut page, report);
    failures(&mut page, report);
    directories(&mut page, report);
    ignored(&mut page, report);
    page.push_str("</body>\n</html>\n");
    page
}

fn totals(page: &mut String, report: &Report) {
    page.push_str("<h2 id=\"totals\">Totals</h2>\n<div class=\"cards\">\n");
    for t in &report.targets {
        let id = slug(&t.target);
        let _ = writeln!(
            page,
            "<div class=\"card\"><h3>{target}</h3>{bar}\
             <table><tr><td class=\"passed\">passed</td><td class=\"n big passed\" id=\"total-{id}-passed\">{p}</td></tr>\
             <tr><td class=\"failed\">failed</td><td class=\"n big failed\" id=\"total-{id}-failed\">{f}</td></tr>\
             <tr><td class=\"ignored\">ignored</td><td class=\"n big ignored\" id=\"total-{id}-ignored\">{i}</td></tr>\
             <tr><td>total</td><td class=\"n\" id=\"total-{id}-total\">{n}</td></tr></table>\
             <div>{rate} of the tests that ran passed</div></div>",
            target = escape(&t.target),
            bar = bar(&t.counts, 260, 18),
            p = t.counts.passed,
            f = t.counts.failed,
            i = t.counts.ignored,
            n = t.total,
            rate = percent(t.counts.passed, t.counts.passed + t.counts.failed),
        );
    }
    page.push_str("</div>\n");
    page.push_str(
        "<p class=\"legend\"><span><i class=\"sw\" style=\"background:var(--pass)\"></i>passed</span>\
         <span><i class=\"sw\" style=\"background:var(--fail)\"></i>failed</span>\
         <span><i class=\"sw\" style=\"background:var(--ign)\"></i>ignored</span></p>\n",
    );
}

fn changes(page: &mut String, diff: &Diff) {
    let _ = writeln!(
        page,
        "<h2 id=\"changes\">Changes: {} → {}</h2>",
        escape(&diff.old_targets.join(", ")),
        escape(&diff.new_targets.join(", "))
    );
    page.push_str(
        "<table><tr><th>target</th><th>passed</th><th>failed</th><th>ignored</th></tr>\n",
    );
    for (target, before, after) in &diff.totals {
        let cell = |b: usize, a: usize| {
            if a == b {
                format!("<td class=\"n\">{a}</td>")
            } else {
                format!(
                    "<td class=\"n\">{b} → <b>{a}</b> ({:+})</td>",
                    a as i64 - b as i64
                )
            }
        };
        let _ = writeln!(
            page,
            "<tr><td class=\"mono\">{}</td>{}{}{}</tr>",
            escape(target),
            cell(before.passed, after.passed),
            cell(before.failed, after.failed),
            cell(before.ignored, after.ignored)
        );
    }
    page.push_str("</table>\n");
    if diff.is_empty() {
        page.push_str("<p class=\"none\">No test changed.</p>\n");
        return;
    }
    for kind in Kind::ALL {
        let list: Vec<_> = diff.of_kind(kind).collect();
        if list.is_empty() {
            continue;
        }
        let class = match kind {
            Kind::NowFailing => "failed",
            Kind::NowPassing => "passed",
            _ => "",
        };
        let _ = writeln!(
            page,
            "<h3 class=\"{class}\">{} ({})</h3>\n<table>",
            kind.heading(),
            list.len()
        );
        for change in list {
            let _ = writeln!(
                page,
                "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                escape(&change.test),
                escape(&change.target),
                escape(&change.describe())
            );
        }
        page.push_str("</table>\n");
    }
}

/// Tests run on more than one target whose outcomes differ: what a target maintainer looks for.
fn side_by_side(page: &mut String, report: &Report) {
    let targets = report.target_names();
    if targets.len() < 2 {
        return;
    }
    let mut by_test: BTreeMap<String, BTreeMap<&str, &Test>> = BTreeMap::new();
    for test in &report.tests {
        by_test
            .entry(test.name())
            .or_default()
            .insert(&test.target, test);
    }
    let differing: Vec<(&String, &BTreeMap<&str, &Test>)> = by_test
        .iter()
        .filter(|(_, runs)| {
            runs.len() > 1
                && runs.values().any(|t| t.outcome == Outcome::Passed)
                && runs.values().any(|t| t.outcome != Outcome::Passed)
        })
        .collect();
    let common = by_test.values().filter(|runs| runs.len() > 1).count();
    let _ = writeln!(
        page,
        "<h2 id=\"side-by-side\">Side by side</h2>\n<p>{} tests ran on more than one target; {} pass on one and not on another.</p>",
        common,
        differing.len()
    );
    if differing.is_empty() {
        page.push_str("<p class=\"none\">Every test run on several targets has the same outcome on each.</p>\n");
        return;
    }
    // Each ordered pair of targets: what passes on the first and does not on the second (fails,
    // or is ignored there), the question a port answers first.
    for first in &targets {
        for second in targets.iter().filter(|t| *t != first) {
            let only: Vec<(&String, &Test)> = differing
                .iter()
                .filter_map(|(name, runs)| {
                    let (a, b) = (runs.get(first)?, runs.get(second)?);
                    (a.outcome == Outcome::Passed && b.outcome != Outcome::Passed)
                        .then_some((*name, *b))
                })
                .collect();
            let _ = writeln!(
                page,
                "<h3 id=\"passes-on-{0}-not-{1}\">Passes on {2}, not on {3}: <span id=\"count-passes-on-{0}-not-{1}\">{4}</span></h3>",
                slug(first),
                slug(second),
                escape(first),
                escape(second),
                only.len()
            );
            if only.is_empty() {
                continue;
            }
            let _ = writeln!(
                page,
                "<table><tr><th>test</th><th class=\"mono\">on {}</th></tr>",
                escape(second)
            );
            for (name, there) in only {
                let why = there.ignore_reason.as_deref().unwrap_or_default();
                let _ = writeln!(
                    page,
                    "<tr><td class=\"mono\">{}</td><td class=\"{}\">{}{}</td></tr>",
                    escape(name),
                    there.outcome.as_str(),
                    there.outcome.as_str(),
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", escape(why))
                    }
                );
            }
            page.push_str("</table>\n");
        }
    }
    page.push_str("<h3>All tests whose outcome differs</h3>\n");
    page.push_str("<table><tr><th>test</th>");
    for target in &targets {
        let _ = write!(page, "<th class=\"mono\">{}</th>", escape(target));
    }
    page.push_str("</tr>\n");
    for (name, runs) in differing {
        let _ = write!(page, "<tr><td class=\"mono\">{}</td>", escape(name));
        for target in &targets {
            match runs.get(target) {
                Some(test) => {
                    let title = test.ignore_reason.as_deref().unwrap_or_default();
                    let _ = write!(
                        page,
                        "<td class=\"{0}\" title=\"{1}\">{0}{2}</td>",
                        test.outcome.as_str(),
                        escape(title),
                        if title.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", escape(title))
                        }
                    );
                }
                None => page.push_str("<td class=\"none\">not run</td>"),
            }
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n");
}

fn failures(page: &mut String, report: &Report) {
    let failed: Vec<&Test> = report
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Failed)
        .collect();
    let _ = writeln!(page, "<h2 id=\"failures\">Failures ({})</h2>", failed.len());
    if failed.is_empty() {
        page.push_str("<p class=\"none\">No test failed.</p>\n");
        return;
    }
    // A handful is read in full; a long list stays folded.
    let open = if failed.len() <= 10 { " open" } else { "" };
    for test in failed {
        let _ = writeln!(
            page,
            "<details{open}><summary><span class=\"mono failed\">{}</span> on <span class=\"mono\">{}</span></summary>",
            escape(&test.name()),
            escape(&test.target)
        );
        match &test.failure {
            Some(text) => {
                page.push_str("<pre>");
                for line in text.lines() {
                    let class = if line.starts_with('-') && !line.starts_with("---") {
                        Some("del")
                    } else if line.starts_with('+') && !line.starts_with("+++") {
                        Some("add")
                    } else {
                        None
                    };
                    match class {
                        Some(class) => {
                            let _ =
                                writeln!(page, "<span class=\"{class}\">{}</span>", escape(line));
                        }
                        None => {
                            let _ = writeln!(page, "{}", escape(line));
                        }
                    }
                }
                page.push_str("</pre>\n");
            }
            None => {
                page.push_str("<p class=\"none\">The log has no output for this failure.</p>\n")
            }
        }
        page.push_str("</details>\n");
    }
}

fn directories(page: &mut String, report: &Report) {
    let _ = writeln!(
        page,
        "<h2 id=\"folders\">By folder of <code>tests/ui</code></h2>\n<p>Folders with failures first.</p>\n<table class=\"bar\">\
         <tr><th>folder</th><th>target</th><th>passed / failed / ignored</th><th></th></tr>"
    );
    let targets = report.target_names();
    let mut rows: BTreeMap<&str, BTreeMap<&str, Counts>> = BTreeMap::new();
    for d in &report.directories {
        rows.entry(&d.directory)
            .or_default()
            .insert(&d.target, d.counts);
    }
    // Folders with failures first, most failures first; then the rest by name.
    let mut rows: Vec<_> = rows.into_iter().collect();
    rows.sort_by_key(|(directory, per_target)| {
        (
            std::cmp::Reverse(per_target.values().map(|c| c.failed).sum::<usize>()),
            *directory,
        )
    });
    for (directory, per_target) in rows {
        let mut first = true;
        for target in &targets {
            let Some(counts) = per_target.get(target) else {
                continue;
            };
            let folder = if first {
                format!(
                    "<td class=\"mono\" rowspan=\"{}\">{}</td>",
                    per_target.len(),
                    escape(directory)
                )
            } else {
                String::new()
            };
            first = false;
            let _ = writeln!(
                page,
                "<tr>{folder}<td class=\"mono\">{}</td><td>{}</td><td class=\"n\">{} / {} / {}</td></tr>",
                escape(target),
                bar(counts, 320, 12),
                counts.passed,
                counts.failed,
                counts.ignored
            );
        }
    }
    page.push_str("</table>\n");
}

fn ignored(page: &mut String, report: &Report) {
    let mut by_reason: BTreeMap<&str, BTreeMap<&str, Vec<&Test>>> = BTreeMap::new();
    for test in report
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Ignored)
    {
        by_reason
            .entry(test.ignore_reason.as_deref().unwrap_or("(no reason given)"))
            .or_default()
            .entry(&test.target)
            .or_default()
            .push(test);
    }
    let _ = writeln!(
        page,
        "<h2 id=\"ignored\">Ignored, by reason ({} reasons)</h2>",
        by_reason.len()
    );
    if by_reason.is_empty() {
        page.push_str("<p class=\"none\">No test was ignored.</p>\n");
        return;
    }
    let targets = report.target_names();
    // The most common reasons first: they say most about what the target lacks.
    let mut reasons: Vec<_> = by_reason.into_iter().collect();
    reasons.sort_by_key(|(reason, per_target)| {
        (
            std::cmp::Reverse(per_target.values().map(Vec::len).sum::<usize>()),
            *reason,
        )
    });
    page.push_str("<table><tr><th>reason</th>");
    for target in &targets {
        let _ = write!(page, "<th class=\"mono\">{}</th>", escape(target));
    }
    page.push_str("</tr>\n");
    for (reason, per_target) in &reasons {
        let _ = write!(page, "<tr><td>{}</td>", escape(reason));
        for target in &targets {
            let n = per_target.get(target).map_or(0, Vec::len);
            let _ = write!(page, "<td class=\"n\">{n}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n");
    for (reason, per_target) in &reasons {
        let names: BTreeSet<String> = per_target
            .iter()
            .flat_map(|(target, tests)| {
                tests
                    .iter()
                    .map(move |t| format!("{} [{target}]", t.name()))
            })
            .collect();
        let _ = writeln!(
            page,
            "<details><summary>{} ({})</summary><pre>{}</pre></details>",
            escape(reason),
            names.len(),
            escape(&names.into_iter().collect::<Vec<_>>().join("\n"))
        );
    }
}

/// A stacked bar of passed, failed and ignored, as wide as `width` for the whole.
fn bar(counts: &Counts, width: u32, height: u32) -> String {
    let total = counts.total().max(1) as f64;
    let mut x = 0.0;
    let mut svg = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{} passed, {} failed, {} ignored\">",
        counts.passed, counts.failed, counts.ignored
    );
    for (n, colour) in [
        (counts.passed, "#2e7d32"),
        (counts.failed, "#c62828"),
        (counts.ignored, "#9e9e9e"),
    ] {
        if n == 0 {
            continue;
        }
        // A failure stays visible however many tests pass.
        let w = (n as f64 / total * f64::from(width)).max(2.0);
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"{height}\" fill=\"{colour}\"/>"
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "none".to_string();
    }
    // Rounded down, so that one failure among twenty thousand does not read as 100 %.
    let tenths = part * 1000 / whole;
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// A target name as an id: letters, digits and `-`.
pub fn slug(target: &str) -> String {
    target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(slug("wasm32-wasip2"), "wasm32-wasip2");
        assert_eq!(slug("a.b_c"), "a-b-c");
    }

    #[test]
    fn a_rate_with_a_failure_is_below_100() {
        assert_eq!(percent(19698, 19699), "99.9 %");
        assert_eq!(percent(5, 5), "100.0 %");
        assert_eq!(percent(79, 80), "98.7 %");
        assert_eq!(percent(0, 0), "none");
    }

    #[test]
    fn a_failure_is_visible_in_a_bar() {
        let svg = bar(
            &Counts {
                passed: 10_000,
                failed: 1,
                ignored: 0,
            },
            100,
            10,
        );
        assert!(svg.contains("fill=\"#c62828\""), "{svg}");
        assert!(svg.contains("width=\"2.0\""), "{svg}");
    }

    #[test]
    fn each_pair_of_targets_lists_what_passes_on_one_only() {
        let test = |target: &str, path: &str, outcome, reason: Option<&str>| Test {
            target: target.to_string(),
            path: path.to_string(),
            revision: None,
            outcome,
            ignore_reason: reason.map(str::to_string),
            failure: None,
        };
        let report = Report::from_tests([
            test("wasm32-wasip1", "tests/ui/a/x.rs", Outcome::Passed, None),
            test("wasm32-wasip2", "tests/ui/a/x.rs", Outcome::Failed, None),
            test("wasm32-wasip1", "tests/ui/a/y.rs", Outcome::Passed, None),
            test(
                "wasm32-wasip2",
                "tests/ui/a/y.rs",
                Outcome::Ignored,
                Some("only p1"),
            ),
            test("wasm32-wasip1", "tests/ui/a/z.rs", Outcome::Ignored, None),
            test("wasm32-wasip2", "tests/ui/a/z.rs", Outcome::Passed, None),
            test("wasm32-wasip1", "tests/ui/a/same.rs", Outcome::Passed, None),
            test("wasm32-wasip2", "tests/ui/a/same.rs", Outcome::Passed, None),
        ])
        .expect("report");
        let page = render(&report, None);
        assert!(
            page.contains("id=\"count-passes-on-wasm32-wasip1-not-wasm32-wasip2\">2<"),
            "{page}"
        );
        assert!(
            page.contains("id=\"count-passes-on-wasm32-wasip2-not-wasm32-wasip1\">1<"),
            "{page}"
        );
        assert!(page.contains("ignored: only p1"), "{page}");
    }
}
