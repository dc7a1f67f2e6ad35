//! Shards of `tests/ui`: the tests each folder holds, counted in a source tree as compiletest
//! counts them; groups of folders balanced by that count (the shard plan, kept as
//! `ui-tests/<target>/shards.txt`); and the check that a merge of shard reports is the plan's
//! tests, each once.
//!
//! compiletest (Rust 1.95, `src/tools/compiletest/src/lib.rs`, `collect_tests_from_dir`) makes a
//! test of every `.rs` file not starting with `.`, `#` or `~`, walking every folder except those
//! named `auxiliary` and those holding a `compiletest-ignore-dir` file; a file with
//! `//@ revisions: a b` is one test per revision. Ignored tests are tests: they are listed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::Error;
use crate::report::Report;

/// The suite's folder inside a source tree.
pub const SUITE: &str = "tests/ui";

/// Tests per entry of `tests/ui` (`tests/ui/<folder>`, or `tests/ui/<file>.rs` for a test
/// directly in it), as compiletest would find them in `source`.
pub fn count_tests(source: &Path) -> Result<BTreeMap<String, usize>, Error> {
    let suite = source.join(SUITE);
    if !suite.is_dir() {
        return Err(Error::NoSuite {
            path: suite.display().to_string(),
        });
    }
    let mut counts = BTreeMap::new();
    for (name, path, is_dir) in entries(&suite)? {
        let count = if is_dir {
            count_dir(&path)?
        } else if is_test(&name) {
            revisions(&path)?
        } else {
            continue;
        };
        counts.insert(format!("{SUITE}/{name}"), count);
    }
    if counts.is_empty() {
        return Err(Error::NoSuite {
            path: suite.display().to_string(),
        });
    }
    Ok(counts)
}

fn entries(dir: &Path) -> Result<Vec<(String, std::path::PathBuf, bool)>, Error> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        found.push((name, path.clone(), path.is_dir()));
    }
    found.sort();
    Ok(found)
}

fn count_dir(dir: &Path) -> Result<usize, Error> {
    if dir.join("compiletest-ignore-dir").exists() {
        return Ok(0);
    }
    let mut count = 0;
    for (name, path, is_dir) in entries(dir)? {
        if is_dir {
            if name != "auxiliary" {
                count += count_dir(&path)?;
            }
        } else if is_test(&name) {
            count += revisions(&path)?;
        }
    }
    Ok(count)
}

fn is_test(name: &str) -> bool {
    name.ends_with(".rs") && !name.starts_with(['.', '#', '~'])
}

/// The tests one file makes: one per revision its `//@ revisions:` directives declare, or one.
fn revisions(file: &Path) -> Result<usize, Error> {
    let bytes = std::fs::read(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let declared: usize = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("//@"))
        .filter_map(|directive| directive.trim().strip_prefix("revisions"))
        .filter_map(|rest| rest.trim_start().strip_prefix(':'))
        .map(|names| names.split_whitespace().count())
        .sum();
    Ok(declared.max(1))
}

/// One line of a plan: the shard, the tests the folder holds, the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub shard: String,
    pub tests: usize,
    pub folder: String,
}

/// The folders in `shards` groups, largest first into the group with the fewest tests so far
/// (ties to the lower number): balanced by test count, and the same plan for the same counts.
pub fn plan(counts: &BTreeMap<String, usize>, shards: usize) -> Vec<Entry> {
    let shards = shards.max(1);
    let mut folders: Vec<(&String, &usize)> = counts.iter().collect();
    folders.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut load = vec![0usize; shards];
    let mut entries = Vec::new();
    for (folder, tests) in folders {
        let lightest = (0..shards).min_by_key(|&i| (load[i], i)).unwrap_or(0);
        load[lightest] += tests;
        entries.push(Entry {
            shard: shard_name(lightest + 1, shards),
            tests: *tests,
            folder: folder.clone(),
        });
    }
    entries.sort_by(|a, b| (&a.shard, &a.folder).cmp(&(&b.shard, &b.folder)));
    entries
}

/// The folders in `shards` groups balanced by their measured seconds (`times`), as [`plan`]
/// balances by count: longest first into the group with the fewest seconds so far. A folder
/// with tests and no time is refused: the table is older than the source.
pub fn plan_by_seconds(
    counts: &BTreeMap<String, usize>,
    times: &BTreeMap<String, f64>,
    shards: usize,
) -> Result<Vec<Entry>, Error> {
    let unmeasured: Vec<&str> = counts
        .iter()
        .filter(|(folder, tests)| **tests > 0 && !times.contains_key(*folder))
        .map(|(folder, _)| folder.as_str())
        .collect();
    if !unmeasured.is_empty() {
        return Err(Error::Unmeasured {
            folders: unmeasured.join(", "),
        });
    }
    let shards = shards.max(1);
    let seconds = |folder: &str| times.get(folder).copied().unwrap_or(0.0);
    let mut folders: Vec<(&String, &usize)> = counts.iter().collect();
    folders.sort_by(|a, b| seconds(b.0).total_cmp(&seconds(a.0)).then(a.0.cmp(b.0)));
    let mut load = vec![0.0f64; shards];
    let mut entries = Vec::new();
    for (folder, tests) in folders {
        let lightest = (0..shards)
            .min_by(|&i, &j| load[i].total_cmp(&load[j]).then(i.cmp(&j)))
            .unwrap_or(0);
        load[lightest] += seconds(folder);
        entries.push(Entry {
            shard: shard_name(lightest + 1, shards),
            tests: *tests,
            folder: folder.clone(),
        });
    }
    entries.sort_by(|a, b| (&a.shard, &a.folder).cmp(&(&b.shard, &b.folder)));
    Ok(entries)
}

/// Each shard's seconds by the table.
pub fn shard_seconds(entries: &[Entry], times: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let mut seconds: BTreeMap<String, f64> = BTreeMap::new();
    for entry in entries {
        *seconds.entry(entry.shard.clone()).or_default() +=
            times.get(&entry.folder).copied().unwrap_or(0.0);
    }
    seconds
}

/// How a plan balanced by time was made, for its header: the table, the setup each shard adds,
/// and the builder counts to predict for.
pub struct Timing<'a> {
    pub times: &'a BTreeMap<String, f64>,
    pub setup: f64,
    pub builders: &'a [usize],
}

/// `shard-3`, zero-padded to the widest number so that names sort as numbers do.
fn shard_name(number: usize, shards: usize) -> String {
    let width = shards.to_string().len();
    format!("shard-{number:0width$}")
}

/// The plan as `shards.txt` holds it: a header saying how to regenerate it, a summary line per
/// shard, then `SHARD TESTS FOLDER` lines.
pub fn render_plan(
    entries: &[Entry],
    target: &str,
    command: &str,
    timing: Option<&Timing<'_>>,
) -> String {
    let mut text = String::new();
    let total: usize = entries.iter().map(|e| e.tests).sum();
    let balanced = if timing.is_some() {
        "# ignored ones included). The shards are balanced by each folder's measured seconds (--times).\n\
         # Regenerate from a source tree with"
    } else {
        "# ignored ones included); the shards are balanced by it. Regenerate from a source tree with"
    };
    let _ = writeln!(
        text,
        "# Shards of rustc's {SUITE} for {target}: each line is SHARD TESTS FOLDER, every folder of the\n\
         # suite once. TESTS is what compiletest finds in the folder (a test per file and revision,\n\
         {balanced}\n\
         # {command}\n\
         # {total} tests in {} folders:",
        entries.len()
    );
    let seconds = timing.map(|t| shard_seconds(entries, t.times));
    for (shard, (tests, folders)) in totals(entries) {
        match &seconds {
            Some(seconds) => {
                let s = seconds.get(shard).copied().unwrap_or(0.0);
                let _ = writeln!(
                    text,
                    "#   {shard}: {tests} tests in {folders} folders, {s:.0} s"
                );
            }
            None => {
                let _ = writeln!(text, "#   {shard}: {tests} tests in {folders} folders");
            }
        }
    }
    if let (Some(timing), Some(seconds)) = (timing, &seconds) {
        let shards: Vec<f64> = seconds.values().copied().collect();
        let predictions: Vec<String> = timing
            .builders
            .iter()
            .map(|&b| {
                let s = crate::times::makespan(&shards, timing.setup, b);
                format!("{s:.0} s on {b}")
            })
            .collect();
        let _ = writeln!(
            text,
            "# predicted, with {:.0} s of setup a shard: {}",
            timing.setup,
            predictions.join(", ")
        );
    }
    for entry in entries {
        let _ = writeln!(text, "{} {} {}", entry.shard, entry.tests, entry.folder);
    }
    text
}

/// Tests and folders per shard.
pub fn totals(entries: &[Entry]) -> BTreeMap<&str, (usize, usize)> {
    let mut totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for entry in entries {
        let shard = totals.entry(&entry.shard).or_default();
        shard.0 += entry.tests;
        shard.1 += 1;
    }
    totals
}

/// Reads a plan; `file` names it in errors.
pub fn parse_plan(file: &str, text: &str) -> Result<Vec<Entry>, Error> {
    let mut entries: Vec<Entry> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: &str| Error::BadPlan {
            file: file.to_string(),
            line: index + 1,
            reason: reason.to_string(),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let [shard, tests, folder] = words[..] else {
            return Err(bad("not `SHARD TESTS FOLDER`"));
        };
        let tests = tests.parse().map_err(|_| bad("TESTS is not a number"))?;
        if !folder.starts_with(&format!("{SUITE}/")) {
            return Err(bad("the folder is not below tests/ui"));
        }
        if entries.iter().any(|e| e.folder == folder) {
            return Err(bad("the folder is in the plan twice"));
        }
        entries.push(Entry {
            shard: shard.to_string(),
            tests,
            folder: folder.to_string(),
        });
    }
    if entries.is_empty() {
        return Err(Error::BadPlan {
            file: file.to_string(),
            line: 0,
            reason: "no shard lines".to_string(),
        });
    }
    Ok(entries)
}

/// The plan entry a test belongs to: its first folder below the suite, or itself.
pub fn plan_key(path: &str) -> String {
    let rest = path
        .strip_prefix(SUITE)
        .unwrap_or(path)
        .trim_start_matches('/');
    match rest.split_once('/') {
        Some((folder, _)) => format!("{SUITE}/{folder}"),
        None => format!("{SUITE}/{rest}"),
    }
}

/// A merge of shard reports is the plan's tests, each once, per target: the folder totals equal
/// the plan's counts, no test is outside the plan. (That no test is in two shard reports is
/// [`Report::merge_disjoint`]'s check.) Returns the number of tests checked.
pub fn check_against_plan(report: &Report, plan: &[Entry]) -> Result<usize, Error> {
    let expected: BTreeMap<&str, usize> =
        plan.iter().map(|e| (e.folder.as_str(), e.tests)).collect();
    for target in report.target_names() {
        let mut found: BTreeMap<String, usize> = BTreeMap::new();
        for test in report.tests.iter().filter(|t| t.target == target) {
            *found.entry(plan_key(&test.path)).or_default() += 1;
        }
        let mut differences = Vec::new();
        for (folder, count) in &expected {
            let seen = found.get(*folder).copied().unwrap_or(0);
            if seen != *count {
                differences.push(format!("{folder}: {seen} tests, the plan says {count}"));
            }
        }
        for (folder, seen) in &found {
            if !expected.contains_key(folder.as_str()) {
                differences.push(format!("{folder}: {seen} tests, not in the plan"));
            }
        }
        if !differences.is_empty() {
            return Err(Error::PlanMismatch {
                target: target.to_string(),
                differences: differences.join("; "),
            });
        }
    }
    Ok(report.tests.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(f, n)| (f.to_string(), *n)).collect()
    }

    #[test]
    fn plans_are_balanced_and_stable() {
        let counts = counts(&[
            ("tests/ui/a", 50),
            ("tests/ui/b", 40),
            ("tests/ui/c", 30),
            ("tests/ui/d", 20),
            ("tests/ui/e", 10),
        ]);
        let entries = plan(&counts, 2);
        let totals = totals(&entries);
        assert_eq!(totals["shard-1"], (80, 3), "{entries:?}");
        assert_eq!(totals["shard-2"], (70, 2), "{entries:?}");
        assert_eq!(plan(&counts, 2), entries);
        let text = render_plan(&entries, "wasm32-wasip2", "ui-report shards …", None);
        assert_eq!(
            parse_plan("shards.txt", &text).expect("reads back"),
            entries
        );
        assert_eq!(shard_name(3, 12), "shard-03");
    }

    #[test]
    fn plans_by_seconds_balance_time_not_count() {
        let counts = counts(&[
            ("tests/ui/a", 10),
            ("tests/ui/b", 100),
            ("tests/ui/c", 100),
            ("tests/ui/empty", 0),
        ]);
        let times: BTreeMap<String, f64> = [
            ("tests/ui/a", 30.0),
            ("tests/ui/b", 10.0),
            ("tests/ui/c", 15.0),
        ]
        .iter()
        .map(|(f, s)| (f.to_string(), *s))
        .collect();
        let entries = plan_by_seconds(&counts, &times, 2).expect("plans");
        let seconds = shard_seconds(&entries, &times);
        assert_eq!(seconds["shard-1"], 30.0, "{entries:?}");
        assert_eq!(seconds["shard-2"], 25.0, "{entries:?}");
        let timing = Timing {
            times: &times,
            setup: 5.0,
            builders: &[1, 2],
        };
        let text = render_plan(
            &entries,
            "wasm32-wasip2",
            "ui-report shards …",
            Some(&timing),
        );
        assert!(
            text.contains("shard-1: 10 tests in 1 folders, 30 s"),
            "{text}"
        );
        assert!(
            text.contains("predicted, with 5 s of setup a shard: 65 s on 1, 35 s on 2"),
            "{text}"
        );
        assert_eq!(parse_plan("p", &text).expect("reads back"), entries);
        let mut more = counts.clone();
        more.insert("tests/ui/new".to_string(), 3);
        let error = plan_by_seconds(&more, &times, 2).expect_err("unmeasured");
        assert!(error.to_string().contains("tests/ui/new"), "{error}");
    }

    #[test]
    fn bad_plans_are_refused() {
        for (text, reason) in [
            ("shard-1 x tests/ui/a\n", "not a number"),
            ("shard-1 3 tests/run-make/a\n", "not below tests/ui"),
            ("shard-1 3 tests/ui/a\nshard-2 3 tests/ui/a\n", "twice"),
            ("shard-1 tests/ui/a\n", "SHARD TESTS FOLDER"),
            ("# nothing\n", "no shard lines"),
        ] {
            let error = parse_plan("p", text).expect_err(text);
            assert!(error.to_string().contains(reason), "{error}");
        }
    }

    #[test]
    fn tests_belong_to_their_first_folder() {
        assert_eq!(plan_key("tests/ui/abi/x/y.rs"), "tests/ui/abi");
        assert_eq!(plan_key("tests/ui/top.rs"), "tests/ui/top.rs");
    }

    #[test]
    fn counting_follows_compiletest() {
        let scratch = tempfile::tempdir().expect("a temporary folder");
        let root = scratch.path().to_path_buf();
        let ui = root.join(SUITE);
        let write = |path: &str, text: &str| {
            let path = ui.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write("a/one.rs", "fn main() {}\n");
        write("a/two.rs", "//@ revisions: x y z\n//@[x] check-pass\n");
        write("a/auxiliary/helper.rs", "");
        write("a/deeper/three.rs", "  //@revisions:p q\n");
        write("a/.hidden.rs", "");
        write("a/notes.stderr", "");
        write("b/skipped/compiletest-ignore-dir", "");
        write("b/skipped/x.rs", "");
        write("b/kept.rs", "");
        write("top.rs", "");
        write("README.md", "");
        let counts = count_tests(&root).expect("counts");
        assert_eq!(
            counts,
            self::counts(&[("tests/ui/a", 6), ("tests/ui/b", 1), ("tests/ui/top.rs", 1)])
        );
    }
}
