//! What each folder of `tests/ui` costs, measured on a run, and what a shard plan built on those
//! costs predicts.
//!
//! `ui-tests/run-ui-tests.sh` writes `times.txt`: a line `SECONDS TEST OUTCOME` per test, SECONDS
//! being when compiletest reported it, from the run's start. compiletest (Rust 1.95,
//! `src/tools/compiletest/src/executor.rs`) starts the tests in name order, as many at once as
//! the machine has cores, and reports each when it ends; so the gap between a report and the one
//! before it is what that test added to the run's length, and a folder's gaps add up to its
//! share of the run: seconds of one builder like the one measured, its cores busy, not CPU time.
//!
//! The prediction: a shard's derivation takes the setup `S` (the sandbox, copying compiletest's
//! build, bootstrap finding it fresh) plus its folders' seconds; Nix starts the shards as
//! builders free up. [`makespan`] lays the shards, longest first, each on the builder that frees
//! up first: the time until the last one ends.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Error;
use crate::shards::plan_key;

/// One run's reports: when (seconds from its start) and which test, in the order written.
pub fn parse_times(file: &str, text: &str) -> Result<Vec<(f64, String)>, Error> {
    let mut reports = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: &str| Error::BadTimes {
            file: file.to_string(),
            line: index + 1,
            reason: reason.to_string(),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let [seconds, test, _outcome] = words[..] else {
            return Err(bad("not `SECONDS TEST OUTCOME`"));
        };
        let seconds: f64 = seconds
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s >= 0.0)
            .ok_or_else(|| bad("SECONDS is not a time"))?;
        if let Some((before, _)) = reports.last()
            && seconds < *before
        {
            return Err(bad(
                "earlier than the line before: not one run's reports in order",
            ));
        }
        reports.push((seconds, test.to_string()));
    }
    if reports.is_empty() {
        return Err(Error::BadTimes {
            file: file.to_string(),
            line: 0,
            reason: "no test reported".to_string(),
        });
    }
    Ok(reports)
}

/// Seconds per plan entry (`tests/ui/<folder>` or a test file directly in `tests/ui`): the gap
/// before each report is given to the reported test's entry. The first report of a run has no gap
/// before it that is a test's (the run's setup is), so it adds nothing. An entry measured in
/// more than one run gets the mean of its runs.
pub fn folder_seconds(runs: &[Vec<(f64, String)>]) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for run in runs {
        let mut per_run: BTreeMap<String, f64> = BTreeMap::new();
        let mut before: Option<f64> = None;
        for (seconds, test) in run {
            let gap = before.map_or(0.0, |b| seconds - b);
            *per_run.entry(plan_key(test)).or_default() += gap;
            before = Some(*seconds);
        }
        for (folder, seconds) in per_run {
            let entry = sums.entry(folder).or_default();
            entry.0 += seconds;
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(folder, (sum, runs))| (folder, sum / runs as f64))
        .collect()
}

/// The table as `ui-tests/<target>/folder-times.txt` holds it: a header saying where the times
/// come from, then `SECONDS FOLDER` lines.
pub fn render_table(seconds: &BTreeMap<String, f64>, about: &str) -> String {
    let mut text = String::new();
    let total: f64 = seconds.values().sum();
    let _ = writeln!(
        text,
        "# Seconds of each entry of rustc's tests/ui in a run: the gaps between compiletest's reports,\n\
         # given to the test reported (ui-report times). Shard plans are balanced by them.\n\
         # {about}\n\
         # {} entries, {total:.0} s in all",
        seconds.len()
    );
    for (folder, seconds) in seconds {
        let _ = writeln!(text, "{seconds:.2} {folder}");
    }
    text
}

/// Reads a table `render_table` wrote; `file` names it in errors.
pub fn parse_table(file: &str, text: &str) -> Result<BTreeMap<String, f64>, Error> {
    let mut seconds = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: &str| Error::BadTimes {
            file: file.to_string(),
            line: index + 1,
            reason: reason.to_string(),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let [value, folder] = words[..] else {
            return Err(bad("not `SECONDS FOLDER`"));
        };
        let value: f64 = value
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s >= 0.0)
            .ok_or_else(|| bad("SECONDS is not a time"))?;
        if seconds.insert(folder.to_string(), value).is_some() {
            return Err(bad("the folder is in the table twice"));
        }
    }
    if seconds.is_empty() {
        return Err(Error::BadTimes {
            file: file.to_string(),
            line: 0,
            reason: "no `SECONDS FOLDER` lines".to_string(),
        });
    }
    Ok(seconds)
}

/// The time until the last shard ends, each shard taking `setup` plus its seconds, laid longest
/// first on the builder that frees up first.
pub fn makespan(shard_seconds: &[f64], setup: f64, builders: usize) -> f64 {
    let mut shards: Vec<f64> = shard_seconds.iter().map(|s| s + setup).collect();
    shards.sort_by(|a, b| b.total_cmp(a));
    let mut free_at = vec![0.0f64; builders.max(1)];
    for shard in shards {
        let first = free_at
            .iter_mut()
            .min_by(|a, b| a.total_cmp(b))
            .expect("at least one builder");
        *first += shard;
    }
    free_at.into_iter().fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_go_to_the_test_reported() {
        let run = parse_times(
            "times.txt",
            "4.0 tests/ui/a/x.rs ok\n5.5 tests/ui/a/y.rs#r ignored\n6.0 tests/ui/b/z.rs FAILED\n9.0 tests/ui/top.rs ok\n",
        )
        .expect("reads");
        let seconds = folder_seconds(&[run]);
        assert_eq!(seconds["tests/ui/a"], 1.5);
        assert_eq!(seconds["tests/ui/b"], 0.5);
        assert_eq!(seconds["tests/ui/top.rs"], 3.0);
        let text = render_table(&seconds, "a test");
        assert_eq!(parse_table("t", &text).expect("reads back"), seconds);
    }

    #[test]
    fn runs_of_one_folder_are_averaged() {
        let one = parse_times("1", "1 tests/ui/a/x.rs ok\n3 tests/ui/a/y.rs ok\n").expect("one");
        let two = parse_times("2", "1 tests/ui/a/x.rs ok\n5 tests/ui/a/y.rs ok\n").expect("two");
        assert_eq!(folder_seconds(&[one, two])["tests/ui/a"], 3.0);
    }

    #[test]
    fn bad_times_are_refused() {
        for (text, reason) in [
            ("2 tests/ui/a.rs ok\n1 tests/ui/b.rs ok\n", "earlier"),
            ("x tests/ui/a.rs ok\n", "not a time"),
            ("1 tests/ui/a.rs\n", "SECONDS TEST OUTCOME"),
            ("\n", "no test reported"),
        ] {
            let error = parse_times("t", text).expect_err(text);
            assert!(error.to_string().contains(reason), "{error}");
        }
        let error = parse_table("t", "1 tests/ui/a\n2 tests/ui/a\n").expect_err("twice");
        assert!(error.to_string().contains("twice"), "{error}");
    }

    #[test]
    fn makespan_lays_the_longest_first() {
        // Two builders: 10+1 and 8+1 start at once; 6+1 follows the 8 (9 + 7 = 16).
        assert_eq!(makespan(&[6.0, 10.0, 8.0], 1.0, 2), 16.0);
        assert_eq!(makespan(&[6.0, 10.0, 8.0], 1.0, 1), 27.0);
        assert_eq!(makespan(&[6.0, 10.0, 8.0], 1.0, 16), 11.0);
    }
}
