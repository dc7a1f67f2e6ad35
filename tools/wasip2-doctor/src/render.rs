//! The report: a compact table for people, JSON for tools.

use serde::Serialize;

use crate::finding::{Finding, Status};
use crate::target::Target;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
}

pub fn summary(findings: &[Finding]) -> Summary {
    let count = |status| findings.iter().filter(|f| f.status == status).count();
    Summary {
        pass: count(Status::Pass),
        warn: count(Status::Warn),
        fail: count(Status::Fail),
        skip: count(Status::Skip),
    }
}

pub fn table(findings: &[Finding], target: Target) -> String {
    let width = findings.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let mut out = format!(
        "wasip2-doctor: can this environment build and run {}?\n\n",
        target.triple()
    );
    for finding in findings {
        out.push_str(&format!(
            "  {:<4}  {:<width$}  {}\n",
            finding.status.label(),
            finding.id,
            finding.detail
        ));
        if let Some(fix) = &finding.fix {
            out.push_str(&format!("        {:<width$}  fix: {fix}\n", ""));
        }
    }
    let s = summary(findings);
    out.push_str(&format!(
        "\n{} checks: {} pass, {} warn, {} fail, {} skipped\n",
        findings.len(),
        s.pass,
        s.warn,
        s.fail,
        s.skip
    ));
    out
}

#[derive(Serialize)]
struct Report<'a> {
    checks: &'a [Finding],
    summary: Summary,
}

pub fn json(findings: &[Finding]) -> String {
    let report = Report {
        checks: findings,
        summary: summary(findings),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_follow_their_finding_and_the_summary_counts() {
        let findings = [
            Finding::pass("rustc", "rustc 1.95.0"),
            Finding::fail("wasmtime", "wasmtime 16.0.0", "install wasmtime >= 17"),
        ];
        let text = table(&findings, Target::Wasip3);
        assert!(
            text.starts_with("wasip2-doctor: can this environment build and run wasm32-wasip3?")
        );
        let fail_line = text
            .lines()
            .position(|l| l.contains("FAIL"))
            .expect("a FAIL row");
        assert!(
            text.lines()
                .nth(fail_line + 1)
                .is_some_and(|l| l.contains("fix: install wasmtime >= 17"))
        );
        assert!(text.contains("2 checks: 1 pass, 0 warn, 1 fail, 0 skipped"));
        let value: serde_json::Value = serde_json::from_str(&json(&findings)).expect("JSON");
        assert_eq!(value["checks"][1]["status"], "fail");
        assert_eq!(value["summary"]["fail"], 1);
    }
}
