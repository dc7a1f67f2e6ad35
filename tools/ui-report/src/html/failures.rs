//! The failures with their compiletest output, and the ignored tests by reason.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::text::escape;
use crate::report::{Outcome, Report, Test};

pub(super) fn failures(page: &mut String, report: &Report) {
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

pub(super) fn ignored(page: &mut String, report: &Report) {
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
