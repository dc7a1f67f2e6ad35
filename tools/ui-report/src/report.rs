//! The report: every test's outcome per target, with counts per target and per `tests/ui/<dir>`,
//! in the form written to `report.json` (schema described in this crate's README). Everything is
//! sorted so that two reports of the same results are the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::Error;

/// The `schema_version` this crate writes and reads.
pub const SCHEMA_VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Ignored => "ignored",
        }
    }
}

/// One test (one revision of a test file) on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Test {
    pub target: String,
    /// The test file, as compiletest names it: `tests/ui/abi/compatibility.rs`.
    pub path: String,
    /// The revision after `#`, for files that declare `//@ revisions:`.
    pub revision: Option<String>,
    pub outcome: Outcome,
    /// What compiletest printed after `ignored, `: why the test does not apply to the target.
    pub ignore_reason: Option<String>,
    /// compiletest's section for a failed test: the error, the command and the diff.
    pub failure: Option<String>,
}

impl Test {
    /// `path#revision`, as compiletest prints it.
    pub fn name(&self) -> String {
        match &self.revision {
            Some(revision) => format!("{}#{revision}", self.path),
            None => self.path.clone(),
        }
    }

    fn sort_key(&self) -> (&str, Option<&str>, &str) {
        (&self.path, self.revision.as_deref(), &self.target)
    }
}

/// The tests of one compiletest log, for one target, as `crate::parse` reads them: what
/// [`Report::from_runs`] makes a report of.
#[derive(Debug, Clone)]
pub struct Run {
    pub target: String,
    pub tests: Vec<Test>,
    /// The sum of the log's `test result:` lines, when it has any.
    pub summary: Option<Counts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Ignored => self.ignored += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.ignored
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetTotals {
    pub target: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryCounts {
    /// `tests/ui/<dir>`, or `tests/ui` for the files directly in it.
    pub directory: String,
    pub target: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u64,
    pub targets: Vec<TargetTotals>,
    pub directories: Vec<DirectoryCounts>,
    pub tests: Vec<Test>,
}

/// The folder a test is counted under: the first folder below the suite's root
/// (`tests/ui/abi/numbers-arithmetic/x.rs` → `tests/ui/abi`), or the suite's root itself.
pub fn directory_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.len() {
        0..=2 => parts[..parts.len().saturating_sub(1)].join("/"),
        3 => parts[..2].join("/"),
        _ => parts[..3].join("/"),
    }
}

impl Report {
    /// A report of the tests, each (target, path, revision) once; inputs that overlap must agree.
    pub fn from_tests(tests: impl IntoIterator<Item = Test>) -> Result<Self, Error> {
        let mut unique: BTreeMap<(String, String, Option<String>), Test> = BTreeMap::new();
        for test in tests {
            let key = (
                test.target.clone(),
                test.path.clone(),
                test.revision.clone(),
            );
            match unique.get(&key) {
                Some(seen) if seen.outcome != test.outcome => {
                    return Err(Error::Overlap {
                        target: test.target.clone(),
                        test: test.name(),
                    });
                }
                Some(_) => {}
                None => {
                    unique.insert(key, test);
                }
            }
        }
        let mut tests: Vec<Test> = unique.into_values().collect();
        tests.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

        let mut targets: BTreeMap<String, Counts> = BTreeMap::new();
        let mut directories: BTreeMap<(String, String), Counts> = BTreeMap::new();
        for test in &tests {
            targets
                .entry(test.target.clone())
                .or_default()
                .add(test.outcome);
            directories
                .entry((directory_of(&test.path), test.target.clone()))
                .or_default()
                .add(test.outcome);
        }
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            targets: targets
                .into_iter()
                .map(|(target, counts)| TargetTotals {
                    target,
                    total: counts.total(),
                    counts,
                })
                .collect(),
            directories: directories
                .into_iter()
                .map(|((directory, target), counts)| DirectoryCounts {
                    directory,
                    target,
                    counts,
                })
                .collect(),
            tests,
        })
    }

    /// One report of several parsed runs (one per target, or shards of one target).
    pub fn from_runs(runs: impl IntoIterator<Item = Run>) -> Result<Self, Error> {
        Self::from_tests(runs.into_iter().flat_map(|run| run.tests))
    }

    /// Several reports as one: the shards of a run, or runs of different targets.
    pub fn merge(reports: impl IntoIterator<Item = Report>) -> Result<Self, Error> {
        Self::from_tests(reports.into_iter().flat_map(|report| report.tests))
    }

    /// The reports of a run's shards as one: a test in two of them (on the same target) is an
    /// error even with the same outcome, since it means the shards overlap.
    pub fn merge_disjoint(reports: impl IntoIterator<Item = Report>) -> Result<Self, Error> {
        let mut seen: BTreeSet<(String, String, Option<String>)> = BTreeSet::new();
        let mut tests = Vec::new();
        for report in reports {
            for test in report.tests {
                let key = (
                    test.target.clone(),
                    test.path.clone(),
                    test.revision.clone(),
                );
                if !seen.insert(key) {
                    return Err(Error::Duplicate {
                        target: test.target.clone(),
                        test: test.name(),
                    });
                }
                tests.push(test);
            }
        }
        Self::from_tests(tests)
    }

    pub fn target_names(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.target.as_str()).collect()
    }

    pub fn totals(&self, target: &str) -> Option<Counts> {
        self.targets
            .iter()
            .find(|t| t.target == target)
            .map(|t| t.counts)
    }

    /// Every directory that has tests, sorted.
    pub fn directory_names(&self) -> BTreeSet<&str> {
        self.directories
            .iter()
            .map(|d| d.directory.as_str())
            .collect()
    }

    /// The JSON written to `report.json`: pretty, with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Serializing plain strings, numbers and enums cannot fail.
            unreachable!("a report always serializes: {e}")
        });
        text.push('\n');
        text
    }

    /// Reads a `report.json`; `file` names it in errors. The schema version is checked before
    /// the rest, so a report of another version gets that error and not a field's.
    pub fn from_json(file: &str, text: &str) -> Result<Self, Error> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::NotAReport {
                file: file.to_string(),
                reason: format!("not JSON: {e}"),
            })?;
        let Some(version) = value.get("schema_version") else {
            return Err(Error::NotAReport {
                file: file.to_string(),
                reason: "no schema_version".to_string(),
            });
        };
        let Some(found) = version.as_u64() else {
            return Err(Error::NotAReport {
                file: file.to_string(),
                reason: format!("schema_version is {version}, not a number"),
            });
        };
        if found != SCHEMA_VERSION {
            return Err(Error::UnknownSchema {
                file: file.to_string(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let report: Report = serde_json::from_value(value).map_err(|e| Error::NotAReport {
            file: file.to_string(),
            reason: e.to_string(),
        })?;
        // The counts are derived; recomputing them refuses a hand-edited report that disagrees.
        let recomputed = Report::from_tests(report.tests.clone())?;
        if recomputed != report {
            return Err(Error::NotAReport {
                file: file.to_string(),
                reason: "its counts or order do not match its tests (edited by hand?)".to_string(),
            });
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(target: &str, path: &str, outcome: Outcome) -> Test {
        Test {
            target: target.to_string(),
            path: path.to_string(),
            revision: None,
            outcome,
            ignore_reason: None,
            failure: None,
        }
    }

    #[test]
    fn directories_are_the_first_folder_below_the_suite() {
        assert_eq!(directory_of("tests/ui/abi/x.rs"), "tests/ui/abi");
        assert_eq!(
            directory_of("tests/ui/abi/numbers-arithmetic/x.rs"),
            "tests/ui/abi"
        );
        assert_eq!(directory_of("tests/ui/x.rs"), "tests/ui");
    }

    #[test]
    fn counts_and_order_do_not_depend_on_input_order() {
        let a = vec![
            test("wasm32-wasip2", "tests/ui/b/x.rs", Outcome::Failed),
            test("wasm32-wasip2", "tests/ui/a/x.rs", Outcome::Passed),
            test("wasm32-wasip1", "tests/ui/a/x.rs", Outcome::Ignored),
        ];
        let mut b = a.clone();
        b.reverse();
        let (a, b) = (
            Report::from_tests(a).expect("report"),
            Report::from_tests(b).expect("report"),
        );
        assert_eq!(a.to_json(), b.to_json());
        assert_eq!(a.target_names(), ["wasm32-wasip1", "wasm32-wasip2"]);
        assert_eq!(
            a.totals("wasm32-wasip2"),
            Some(Counts {
                passed: 1,
                failed: 1,
                ignored: 0
            })
        );
        assert_eq!(a.tests[0].target, "wasm32-wasip1");
    }

    #[test]
    fn overlapping_inputs_must_agree() {
        let error = Report::from_tests([
            test("wasm32-wasip2", "tests/ui/a/x.rs", Outcome::Passed),
            test("wasm32-wasip2", "tests/ui/a/x.rs", Outcome::Failed),
        ])
        .expect_err("two outcomes for one test");
        assert!(
            error.to_string().contains("shards must not share"),
            "{error}"
        );
    }

    #[test]
    fn shards_must_not_share_a_test() {
        let shard = |outcome| {
            Report::from_tests([test("wasm32-wasip2", "tests/ui/a/x.rs", outcome)]).expect("report")
        };
        let other =
            Report::from_tests([test("wasm32-wasip2", "tests/ui/b/y.rs", Outcome::Ignored)])
                .expect("report");
        let merged = Report::merge_disjoint([shard(Outcome::Passed), other]).expect("disjoint");
        assert_eq!(merged.tests.len(), 2);
        let error = Report::merge_disjoint([shard(Outcome::Passed), shard(Outcome::Passed)])
            .expect_err("the same test in two shards");
        assert!(error.to_string().contains("shards overlap"), "{error}");
    }

    #[test]
    fn json_round_trips_and_other_versions_are_refused() {
        let report =
            Report::from_tests([test("t", "tests/ui/a/x.rs", Outcome::Passed)]).expect("report");
        let json = report.to_json();
        assert_eq!(Report::from_json("r.json", &json).expect("reads"), report);
        let future = json.replace("\"schema_version\": 1", "\"schema_version\": 2");
        let error = Report::from_json("r.json", &future).expect_err("version 2");
        assert!(
            error.to_string().contains("schema version 2")
                && error.to_string().contains("ui-report build"),
            "{error}"
        );
        let error = Report::from_json("r.json", "{\"passed\": 3}").expect_err("old format");
        assert!(error.to_string().contains("no schema_version"), "{error}");
        let edited = json.replace("\"passed\": 1", "\"passed\": 2");
        let error = Report::from_json("r.json", &edited).expect_err("edited counts");
        assert!(error.to_string().contains("edited by hand"), "{error}");
    }
}
