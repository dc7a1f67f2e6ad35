//! Totals per target and per folder of `tests/ui`, with their stacked bars.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::text::{escape, slug};
use crate::report::{Counts, Report};

pub(super) fn totals(page: &mut String, report: &Report) {
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

pub(super) fn directories(page: &mut String, report: &Report) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
