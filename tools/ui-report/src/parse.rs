//! compiletest's verbose output (libtest's pretty format, `rust.verbose-tests=true`):
//!
//! ```text
//! Testing stage0 with compiletest suite=ui mode=ui (wasm32-wasip2)
//! running 97 tests
//! test [ui] tests/ui/abi/compatibility.rs#wasm ... ok
//! test [ui] tests/ui/numbers-arithmetic/divide-by-zero.rs ... ignored, ignored on targets without subprocess support
//! test [ui] tests/ui/wasm/x.rs ... FAILED
//! failures:
//! ---- [ui] tests/ui/wasm/x.rs stdout ----
//! (the error, the command, the diff)
//! ---- [ui] tests/ui/wasm/x.rs stdout end ----
//! test result: FAILED. 79 passed; 1 failed; 17 ignored; 0 measured; 20565 filtered out; finished in 7.20s
//! ```
//!
//! Everything else in the log (bootstrap's build output, warnings) is skipped.

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::report::{Counts, Outcome, Run, Test};

/// Reads one log. `file` names it in errors; `target` is the target the caller says it tested,
/// else the log's `Testing … (TARGET)` line says.
pub fn parse_log(file: &str, text: &str, target: Option<&str>) -> Result<Run, Error> {
    let mut outcomes: BTreeMap<String, (Outcome, Option<String>)> = BTreeMap::new();
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let mut targets_in_log: BTreeSet<String> = BTreeSet::new();
    let mut summary: Option<Counts> = None;
    let mut announced = 0usize;
    // The failure section being read: the test's name and its lines so far.
    let mut section: Option<(String, Vec<&str>)> = None;

    for (index, line) in text.lines().enumerate() {
        if let Some((name, lines)) = &mut section {
            if section_end(line).is_some_and(|end| end == name.as_str()) {
                failures.insert(name.clone(), trim_blank(lines));
                section = None;
            } else if let Some(next) = section_start(line) {
                // A cut section: keep what it had, start the next one.
                failures.insert(name.clone(), trim_blank(lines));
                section = Some((next.to_string(), Vec::new()));
            } else {
                lines.push(line);
            }
            continue;
        }
        if let Some(name) = section_start(line) {
            section = Some((name.to_string(), Vec::new()));
        } else if let Some((name, rest)) = test_line(line) {
            let outcome = match rest {
                "ok" => (Outcome::Passed, None),
                "FAILED" => (Outcome::Failed, None),
                "ignored" => (Outcome::Ignored, None),
                _ => match rest.strip_prefix("ignored, ") {
                    Some(reason) => (Outcome::Ignored, Some(reason.trim().to_string())),
                    None => {
                        return Err(Error::UnknownOutcome {
                            file: file.to_string(),
                            line: index + 1,
                            text: line.to_string(),
                        });
                    }
                },
            };
            match outcomes.get(name) {
                Some(seen) if seen.0 != outcome.0 => {
                    return Err(Error::ConflictingOutcome {
                        file: file.to_string(),
                        test: name.to_string(),
                    });
                }
                Some(_) => {}
                None => {
                    outcomes.insert(name.to_string(), outcome);
                }
            }
        } else if let Some(found) = tested_target(line) {
            targets_in_log.insert(found.to_string());
        } else if let Some(counts) = result_line(line) {
            let sum = summary.get_or_insert_with(Counts::default);
            sum.passed += counts.passed;
            sum.failed += counts.failed;
            sum.ignored += counts.ignored;
        } else if let Some(count) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.strip_suffix(" tests"))
            .and_then(|count| count.parse::<usize>().ok())
        {
            announced += count;
        }
    }
    if let Some((name, lines)) = section {
        failures.insert(name, trim_blank(&lines));
    }

    if outcomes.is_empty() {
        return Err(if announced > 0 {
            Error::NotVerbose {
                file: file.to_string(),
                count: announced,
            }
        } else {
            Error::NotCompiletestOutput {
                file: file.to_string(),
            }
        });
    }
    let target = match (target, targets_in_log.len()) {
        (_, n) if n > 1 => {
            return Err(Error::MixedTargets {
                file: file.to_string(),
                targets: targets_in_log.into_iter().collect::<Vec<_>>().join(", "),
            });
        }
        (Some(given), 1) if !targets_in_log.contains(given) => {
            return Err(Error::TargetMismatch {
                file: file.to_string(),
                given: given.to_string(),
                found: targets_in_log.into_iter().next().unwrap_or_default(),
            });
        }
        (Some(given), _) => given.to_string(),
        (None, 1) => targets_in_log.into_iter().next().unwrap_or_default(),
        (None, _) => {
            return Err(Error::UnknownTarget {
                file: file.to_string(),
            });
        }
    };

    let mut listed = Counts::default();
    let tests: Vec<Test> = outcomes
        .into_iter()
        .map(|(name, (outcome, ignore_reason))| {
            listed.add(outcome);
            let (path, revision) = match name.split_once('#') {
                Some((path, revision)) => (path.to_string(), Some(revision.to_string())),
                None => (name.clone(), None),
            };
            let failure = match outcome {
                Outcome::Failed => failures.get(&name).cloned(),
                _ => None,
            };
            Test {
                target: target.clone(),
                path,
                revision,
                outcome,
                ignore_reason,
                failure,
            }
        })
        .collect();
    if let Some(summary) = summary
        && summary != listed
    {
        let show = |c: Counts| {
            format!(
                "{} passed, {} failed, {} ignored",
                c.passed, c.failed, c.ignored
            )
        };
        return Err(Error::CountMismatch {
            file: file.to_string(),
            summary: show(summary),
            listed: show(listed),
        });
    }
    Ok(Run {
        target,
        tests,
        summary,
    })
}

/// `test [ui] NAME ... REST` → (NAME, REST).
fn test_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("test [")?;
    let (_mode, rest) = rest.split_once("] ")?;
    let (name, outcome) = rest.split_once(" ... ")?;
    Some((name.trim(), outcome.trim()))
}

/// `---- [ui] NAME stdout ----` → NAME.
fn section_start(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("---- [")?;
    let (_mode, rest) = rest.split_once("] ")?;
    rest.strip_suffix(" stdout ----")
        .filter(|name| !name.ends_with(" stdout end"))
}

/// `---- [ui] NAME stdout end ----` → NAME.
fn section_end(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("---- [")?;
    let (_mode, rest) = rest.split_once("] ")?;
    rest.strip_suffix(" stdout end ----")
}

/// Bootstrap's `Testing stage0 with compiletest suite=ui mode=ui (TARGET)` (the host in
/// parentheses is the target when they differ: `(HOST -> TARGET)`), and compiletest's
/// `Some tests failed in compiletest suite=ui mode=ui host=HOST target=TARGET`.
fn tested_target(line: &str) -> Option<&str> {
    if line.starts_with("Testing ") && line.contains("compiletest suite=") {
        let inner = line.strip_suffix(')')?.rsplit_once('(')?.1;
        return Some(inner.rsplit(" -> ").next().unwrap_or(inner).trim());
    }
    if line.contains("tests failed in compiletest suite=") {
        return line
            .split_whitespace()
            .find_map(|word| word.strip_prefix("target="));
    }
    None
}

/// `test result: FAILED. 79 passed; 1 failed; 17 ignored; …` → the counts.
fn result_line(line: &str) -> Option<Counts> {
    let rest = line.strip_prefix("test result: ")?;
    let (_, rest) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    for part in rest.split(';') {
        let mut words = part.split_whitespace();
        let (Some(number), Some(word)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse::<usize>() else {
            continue;
        };
        match word {
            "passed" => counts.passed = number,
            "failed" => counts.failed = number,
            "ignored" => counts.ignored = number,
            _ => {}
        }
    }
    Some(counts)
}

fn trim_blank(lines: &[&str]) -> String {
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |i| i + 1);
    lines[start..end.max(start)].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_into_name_and_outcome() {
        assert_eq!(
            test_line("test [ui] tests/ui/a.rs#rev ... ignored, only executed when x"),
            Some(("tests/ui/a.rs#rev", "ignored, only executed when x"))
        );
        assert_eq!(test_line("test result: ok. 1 passed"), None);
        assert_eq!(
            section_start("---- [ui] tests/ui/a.rs#r stdout ----"),
            Some("tests/ui/a.rs#r")
        );
        assert_eq!(
            section_start("---- [ui] tests/ui/a.rs stdout end ----"),
            None
        );
        assert_eq!(
            tested_target("Testing stage0 with compiletest suite=ui mode=ui (wasm32-wasip3)"),
            Some("wasm32-wasip3")
        );
        assert_eq!(
            tested_target(
                "Testing stage1 with compiletest suite=ui mode=ui (x86_64-unknown-linux-gnu -> wasm32-wasip1)"
            ),
            Some("wasm32-wasip1")
        );
    }

    #[test]
    fn other_output_is_refused_with_the_fix() {
        let error = parse_log("x.log", "Compiling foo\nFinished\n", None).expect_err("no tests");
        assert!(
            error.to_string().contains("rust.verbose-tests=true"),
            "{error}"
        );
        assert!(matches!(error, Error::NotCompiletestOutput { .. }));
        let quiet = "Testing stage0 with compiletest suite=ui mode=ui (wasm32-wasip2)\n\nrunning 3 tests\n...\ntest result: ok. 3 passed; 0 failed; 0 ignored\n";
        let error = parse_log("q.log", quiet, None).expect_err("not verbose");
        assert!(
            matches!(error, Error::NotVerbose { count: 3, .. }),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_outcome_names_its_line() {
        let log = "test [ui] tests/ui/a.rs ... ok\ntest [ui] tests/ui/b.rs ... exploded\n";
        let error = parse_log("x.log", log, Some("t")).expect_err("bad outcome");
        assert!(error.to_string().starts_with("x.log:2:"), "{error}");
    }

    #[test]
    fn a_log_without_its_target_needs_one() {
        let log = "test [ui] tests/ui/a.rs ... ok\n";
        let error = parse_log("x.log", log, None).expect_err("no target");
        assert!(error.to_string().contains("wasm32-wasip2=x.log"), "{error}");
        let run = parse_log("x.log", log, Some("wasm32-wasip1")).expect("named");
        assert_eq!(run.target, "wasm32-wasip1");
    }
}
