//! `report.html`: one page with everything inline (CSS, SVG bars; no script, no font, no
//! request), so it opens from a Nix store path, a CI artifact or a mail attachment alike.
//!
//! Elements a program reads carry ids: `total-<target>-<passed|failed|ignored|total>` hold the
//! totals.
//!
//! The page is built section by section, in the order it shows them, one module a section.

use std::fmt::Write as _;

use crate::diff::Diff;
use crate::report::Report;

mod changes;
mod failures;
mod style;
mod text;
mod totals;

pub use self::text::{escape, slug};

use self::changes::{changes, side_by_side};
use self::failures::{failures, ignored};
use self::style::STYLE;
use self::totals::{directories, totals};

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
