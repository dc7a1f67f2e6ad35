//! What changed between two reports: two Rust versions, before and after a std patch (the same
//! targets), or two targets (each report one target, different ones: tests are then matched by
//! path alone).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::report::{Counts, Outcome, Report, Test};

/// A test's state in one report: its outcome and, when ignored, why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct State {
    pub outcome: Outcome,
    pub ignore_reason: Option<String>,
}

impl State {
    fn of(test: &Test) -> Self {
        State {
            outcome: test.outcome,
            ignore_reason: test.ignore_reason.clone(),
        }
    }

    fn describe(&self) -> String {
        match &self.ignore_reason {
            Some(reason) => format!("ignored ({reason})"),
            None => self.outcome.as_str().to_string(),
        }
    }
}

/// How a test changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Passed or ignored before, failed now: the first thing a reader wants.
    NowFailing,
    /// Failed or ignored before, passes now.
    NowPassing,
    /// Any other move (passed → ignored, or another ignore reason).
    Changed,
    /// Only in the new report.
    Added,
    /// Only in the old report.
    Removed,
}

impl Kind {
    pub fn heading(self) -> &'static str {
        match self {
            Kind::NowFailing => "now failing",
            Kind::NowPassing => "now passing",
            Kind::Changed => "changed",
            Kind::Added => "only in the new report",
            Kind::Removed => "only in the old report",
        }
    }

    pub const ALL: [Kind; 5] = [
        Kind::NowFailing,
        Kind::NowPassing,
        Kind::Changed,
        Kind::Added,
        Kind::Removed,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    /// The target in the new report (the old one's when the test is only there).
    pub target: String,
    /// `path#revision`.
    pub test: String,
    pub old: Option<State>,
    pub new: Option<State>,
}

impl Change {
    pub fn describe(&self) -> String {
        let show = |state: &Option<State>| {
            state
                .as_ref()
                .map_or_else(|| "absent".to_string(), State::describe)
        };
        format!("{} -> {}", show(&self.old), show(&self.new))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub old_targets: Vec<String>,
    pub new_targets: Vec<String>,
    /// True when the two reports are of different single targets, compared test by test.
    pub across_targets: bool,
    /// Per target (the new report's name when across targets): totals before and after.
    pub totals: Vec<(String, Counts, Counts)>,
    /// Sorted by kind, then test, then target.
    pub changes: Vec<Change>,
}

pub fn diff(old: &Report, new: &Report) -> Diff {
    let old_targets: Vec<String> = old.target_names().iter().map(|t| t.to_string()).collect();
    let new_targets: Vec<String> = new.target_names().iter().map(|t| t.to_string()).collect();
    let across_targets =
        old_targets.len() == 1 && new_targets.len() == 1 && old_targets != new_targets;
    // Across targets every test of the old report is compared with the same test of the new one.
    let index = |report: &Report| -> BTreeMap<(String, String), (String, State)> {
        report
            .tests
            .iter()
            .map(|test| {
                (
                    (test.name(), key_target_of(across_targets, &test.target)),
                    (test.target.clone(), State::of(test)),
                )
            })
            .collect()
    };
    let (before, after) = (index(old), index(new));

    let mut changes = Vec::new();
    for ((test, _), (target, state)) in &after {
        let key = (test.clone(), key_target_of(across_targets, target));
        let old_state = before.get(&key).map(|(_, s)| s.clone());
        let kind = match &old_state {
            None => Kind::Added,
            Some(old_state) if old_state == state => continue,
            Some(old_state) => classify(old_state.outcome, state.outcome),
        };
        changes.push(Change {
            kind,
            target: target.clone(),
            test: test.clone(),
            old: old_state,
            new: Some(state.clone()),
        });
    }
    for ((test, key), (target, state)) in &before {
        if !after.contains_key(&(test.clone(), key.clone())) {
            changes.push(Change {
                kind: Kind::Removed,
                target: target.clone(),
                test: test.clone(),
                old: Some(state.clone()),
                new: None,
            });
        }
    }
    changes.sort_by(|a, b| (a.kind, &a.test, &a.target).cmp(&(b.kind, &b.test, &b.target)));

    let totals = if across_targets {
        vec![(
            format!("{} -> {}", old_targets[0], new_targets[0]),
            old.targets[0].counts,
            new.targets[0].counts,
        )]
    } else {
        let mut names: Vec<String> = old_targets.clone();
        names.extend(new_targets.iter().cloned());
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|target| {
                let before = old.totals(&target).unwrap_or_default();
                let after = new.totals(&target).unwrap_or_default();
                (target, before, after)
            })
            .collect()
    };
    Diff {
        old_targets,
        new_targets,
        across_targets,
        totals,
        changes,
    }
}

fn key_target_of(across_targets: bool, target: &str) -> String {
    if across_targets {
        String::new()
    } else {
        target.to_string()
    }
}

fn classify(old: Outcome, new: Outcome) -> Kind {
    match (old, new) {
        (_, Outcome::Failed) if old != Outcome::Failed => Kind::NowFailing,
        (Outcome::Failed | Outcome::Ignored, Outcome::Passed) => Kind::NowPassing,
        _ => Kind::Changed,
    }
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// What `ui-report diff` prints.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "ui-report diff: {} -> {}{}",
            self.old_targets.join(", "),
            self.new_targets.join(", "),
            if self.across_targets {
                " (two targets: tests matched by path)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "totals:");
        for (target, before, after) in &self.totals {
            let _ = writeln!(
                out,
                "  {target}: passed {}, failed {}, ignored {}",
                change(before.passed, after.passed),
                change(before.failed, after.failed),
                change(before.ignored, after.ignored)
            );
        }
        if self.is_empty() {
            let _ = writeln!(out, "no test changed");
            return out;
        }
        for kind in Kind::ALL {
            let changes: Vec<&Change> = self.of_kind(kind).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{} ({}):", kind.heading(), changes.len());
            for c in changes {
                let _ = writeln!(out, "  {}  [{}]  {}", c.test, c.target, c.describe());
            }
        }
        out
    }
}

fn change(before: usize, after: usize) -> String {
    if before == after {
        format!("{after}")
    } else {
        let delta = after as i64 - before as i64;
        format!("{before} -> {after} ({delta:+})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(target: &str, name: &str, outcome: Outcome, reason: Option<&str>) -> Test {
        let (path, revision) = match name.split_once('#') {
            Some((p, r)) => (p.to_string(), Some(r.to_string())),
            None => (name.to_string(), None),
        };
        Test {
            target: target.to_string(),
            path,
            revision,
            outcome,
            ignore_reason: reason.map(str::to_string),
            failure: None,
        }
    }

    fn report(tests: Vec<Test>) -> Report {
        Report::from_tests(tests).expect("report")
    }

    const P2: &str = "wasm32-wasip2";

    #[test]
    fn every_kind_of_change_is_found_once() {
        let old = report(vec![
            test(P2, "tests/ui/a/fails-now.rs", Outcome::Passed, None),
            test(P2, "tests/ui/a/passes-now.rs#r1", Outcome::Failed, None),
            test(P2, "tests/ui/a/same.rs", Outcome::Passed, None),
            test(
                P2,
                "tests/ui/b/reason.rs",
                Outcome::Ignored,
                Some("needs-threads"),
            ),
            test(P2, "tests/ui/b/gone.rs", Outcome::Passed, None),
        ]);
        let new = report(vec![
            test(P2, "tests/ui/a/fails-now.rs", Outcome::Failed, None),
            test(P2, "tests/ui/a/passes-now.rs#r1", Outcome::Passed, None),
            test(P2, "tests/ui/a/same.rs", Outcome::Passed, None),
            test(
                P2,
                "tests/ui/b/reason.rs",
                Outcome::Ignored,
                Some("needs-subprocess"),
            ),
            test(P2, "tests/ui/c/new.rs", Outcome::Passed, None),
        ]);
        let d = diff(&old, &new);
        assert!(!d.across_targets);
        let found: Vec<(Kind, &str)> = d
            .changes
            .iter()
            .map(|c| (c.kind, c.test.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Kind::NowFailing, "tests/ui/a/fails-now.rs"),
                (Kind::NowPassing, "tests/ui/a/passes-now.rs#r1"),
                (Kind::Changed, "tests/ui/b/reason.rs"),
                (Kind::Added, "tests/ui/c/new.rs"),
                (Kind::Removed, "tests/ui/b/gone.rs"),
            ]
        );
        let text = d.to_text();
        assert!(
            text.contains("wasm32-wasip2: passed 3, failed 1, ignored 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "tests/ui/b/reason.rs  [wasm32-wasip2]  ignored (needs-threads) -> ignored (needs-subprocess)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_report_against_itself_has_no_change() {
        let r = report(vec![test(P2, "tests/ui/a/x.rs", Outcome::Passed, None)]);
        let d = diff(&r, &r);
        assert!(d.is_empty());
        assert!(d.to_text().ends_with("no test changed\n"));
    }

    #[test]
    fn two_targets_are_compared_test_by_test() {
        let p1 = report(vec![
            test("wasm32-wasip1", "tests/ui/a/x.rs", Outcome::Passed, None),
            test("wasm32-wasip1", "tests/ui/a/y.rs", Outcome::Passed, None),
        ]);
        let p2 = report(vec![
            test(P2, "tests/ui/a/x.rs", Outcome::Passed, None),
            test(P2, "tests/ui/a/y.rs", Outcome::Failed, None),
        ]);
        let d = diff(&p1, &p2);
        assert!(d.across_targets);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, Kind::NowFailing);
        assert_eq!(d.changes[0].target, P2);
        assert!(
            d.to_text()
                .contains("wasm32-wasip1 -> wasm32-wasip2: passed 2 -> 1 (-1)")
        );
    }

    #[test]
    fn a_target_only_in_one_report_is_added_or_removed() {
        let one = report(vec![test(P2, "tests/ui/a/x.rs", Outcome::Passed, None)]);
        let two = report(vec![
            test(P2, "tests/ui/a/x.rs", Outcome::Passed, None),
            test("wasm32-wasip3", "tests/ui/a/x.rs", Outcome::Passed, None),
        ]);
        let d = diff(&one, &two);
        assert!(!d.across_targets);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(
            (d.changes[0].kind, d.changes[0].target.as_str()),
            (Kind::Added, "wasm32-wasip3")
        );
        assert_eq!(diff(&two, &one).changes[0].kind, Kind::Removed);
    }
}
