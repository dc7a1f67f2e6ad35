//! Where outcomes differ: against an older report, and between targets side by side.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::text::{escape, slug};
use crate::diff::{Diff, Kind};
use crate::report::{Outcome, Report, Test};

pub(super) fn changes(page: &mut String, diff: &Diff) {
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
pub(super) fn side_by_side(page: &mut String, report: &Report) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::render;

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
