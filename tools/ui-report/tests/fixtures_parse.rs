//! The parser, the report and the page on real compiletest output: excerpts of the logs of the
//! offline subset (wasm32-wasip2 and wasm32-wasip3, as Nix built them) and of a run with a probe
//! whose expected output is wrong (a failure with a diff), from "Testing …" to compiletest's last
//! line.

use ui_report::diff::{Kind, diff};
use ui_report::html;
use ui_report::parse::parse_log;
use ui_report::report::{Counts, Outcome, Report, Test};

const P2_SUBSET: &str = include_str!("fixtures/wasip2-offline-subset.log");
const P3_SUBSET: &str = include_str!("fixtures/wasip3-offline-subset.log");
const P2_BROKEN: &str = include_str!("fixtures/wasip2-broken-expectation.log");

fn find<'a>(tests: &'a [Test], name: &str) -> &'a Test {
    tests
        .iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("{name} is not in the run"))
}

#[test]
fn the_subset_is_read_with_its_target_and_summary() {
    let run = parse_log("wasip2-offline-subset.log", P2_SUBSET, None).expect("parses");
    assert_eq!(run.target, "wasm32-wasip2");
    let counts = Counts {
        passed: 79,
        failed: 1,
        ignored: 17,
    };
    // The log's own summary line, which the parser checks the listed tests against.
    assert_eq!(run.summary, Some(counts));
    assert_eq!(run.tests.len(), 97);
}

#[test]
fn revisions_are_split_from_the_path() {
    let run = parse_log("wasip2-offline-subset.log", P2_SUBSET, None).expect("parses");
    let test = find(&run.tests, "tests/ui/abi/compatibility.rs#wasm");
    assert_eq!(test.path, "tests/ui/abi/compatibility.rs");
    assert_eq!(test.revision.as_deref(), Some("wasm"));
    assert_eq!(test.outcome, Outcome::Passed);
    // One file, two revisions, two tests.
    let apple = find(
        &run.tests,
        "tests/ui/abi/numbers-arithmetic/x86-64-sysv64-arg-ext.rs#apple",
    );
    let other = find(
        &run.tests,
        "tests/ui/abi/numbers-arithmetic/x86-64-sysv64-arg-ext.rs#other",
    );
    assert_eq!(apple.path, other.path);
}

#[test]
fn ignored_tests_keep_compiletest_reason() {
    let run = parse_log("wasip2-offline-subset.log", P2_SUBSET, None).expect("parses");
    let test = find(&run.tests, "tests/ui/numbers-arithmetic/divide-by-zero.rs");
    assert_eq!(test.outcome, Outcome::Ignored);
    assert_eq!(
        test.ignore_reason.as_deref(),
        Some("ignored on targets without subprocess support")
    );
    let test = find(
        &run.tests,
        "tests/ui/abi/numbers-arithmetic/x86-64-sysv64-arg-ext.rs#apple",
    );
    assert_eq!(
        test.ignore_reason.as_deref(),
        Some("only executed when the target vendor is Apple")
    );
    // A reason with parentheses inside is kept whole.
    assert!(run.tests.iter().any(|t| {
        t.ignore_reason
            .as_deref()
            .is_some_and(|r| r.ends_with("`./saturating-float-casts-wasm.rs`))"))
    }));
}

#[test]
fn failures_carry_their_section_with_the_diff() {
    let run = parse_log("wasip2-broken-expectation.log", P2_BROKEN, None).expect("parses");
    assert_eq!(
        run.summary,
        Some(Counts {
            passed: 21,
            failed: 2,
            ignored: 2
        })
    );
    let probe = find(
        &run.tests,
        "tests/ui/wasm/offline-suite-broken-expectation.rs",
    );
    assert_eq!(probe.outcome, Outcome::Failed);
    let failure = probe.failure.as_deref().expect("the failure's output");
    assert!(
        failure.starts_with("Saved the actual run.stdout"),
        "{failure}"
    );
    assert!(failure.contains("diff of run.stdout:\n\n-\tan output the program never prints"));
    assert!(failure.ends_with("stderr: none"), "{failure}");
    // The next section is the other failure's, not part of this one.
    assert!(!failure.contains("wasm-link-name"));
    let link = find(
        &run.tests,
        "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs",
    );
    let failure = link.failure.as_deref().expect("the failure's output");
    assert!(failure.contains("module requires an import interface named `test`"));
    // Passed and ignored tests carry no failure text.
    assert!(
        run.tests
            .iter()
            .filter(|t| t.outcome != Outcome::Failed)
            .all(|t| t.failure.is_none())
    );
}

#[test]
fn a_cut_log_is_refused() {
    // The summary says 79 passed, but the last test lines are gone.
    let cut: String = P2_SUBSET
        .lines()
        .filter(|l| !l.starts_with("test [ui] tests/ui/numbers-arithmetic/float"))
        .map(|l| format!("{l}\n"))
        .collect();
    let error = parse_log("cut.log", &cut, None).expect_err("counts differ");
    assert!(error.to_string().contains("the log is cut"), "{error}");
}

#[test]
fn a_target_given_that_the_log_contradicts_is_refused() {
    let error =
        parse_log("p3.log", P3_SUBSET, Some("wasm32-wasip2")).expect_err("the log is wasip3");
    assert!(
        error.to_string().contains("the log tests wasm32-wasip3"),
        "{error}"
    );
    let two = format!("{P2_SUBSET}{P3_SUBSET}");
    let error = parse_log("both.log", &two, None).expect_err("two targets");
    assert!(error.to_string().contains("one log per target"), "{error}");
}

fn two_targets() -> Report {
    Report::from_runs([
        parse_log("p2", P2_BROKEN, None).expect("p2"),
        parse_log("p3", P3_SUBSET, None).expect("p3"),
    ])
    .expect("report")
}

#[test]
fn the_report_counts_per_target_and_folder() {
    let report = two_targets();
    assert_eq!(report.target_names(), ["wasm32-wasip2", "wasm32-wasip3"]);
    let wasm = |target: &str| {
        report
            .directories
            .iter()
            .find(|d| d.directory == "tests/ui/wasm" && d.target == target)
            .map(|d| d.counts)
    };
    assert_eq!(
        wasm("wasm32-wasip2"),
        Some(Counts {
            passed: 11,
            failed: 2,
            ignored: 0
        })
    );
    assert_eq!(
        wasm("wasm32-wasip3"),
        Some(Counts {
            passed: 11,
            failed: 1,
            ignored: 0
        })
    );
    // Folder counts add up to the totals.
    for t in &report.targets {
        let sum: usize = report
            .directories
            .iter()
            .filter(|d| d.target == t.target)
            .map(|d| d.counts.total())
            .sum();
        assert_eq!(sum, t.total);
    }
    // The same results give the same bytes whatever the input order.
    let reversed = Report::from_runs([
        parse_log("p3", P3_SUBSET, None).expect("p3"),
        parse_log("p2", P2_BROKEN, None).expect("p2"),
    ])
    .expect("report");
    assert_eq!(reversed.to_json(), report.to_json());
    let read = Report::from_json("report.json", &report.to_json()).expect("reads back");
    assert_eq!(read, report);
}

#[test]
fn shards_merge_into_the_unsharded_report() {
    let whole = Report::from_runs([parse_log("p2", P2_SUBSET, None).expect("p2")]).expect("report");
    let (a, b): (Vec<Test>, Vec<Test>) = whole
        .tests
        .iter()
        .cloned()
        .partition(|t| t.path.starts_with("tests/ui/numbers-arithmetic"));
    let merged = Report::merge([
        Report::from_tests(b).expect("shard"),
        Report::from_tests(a).expect("shard"),
    ])
    .expect("merge");
    assert_eq!(merged.to_json(), whole.to_json());
}

#[test]
fn the_diff_of_two_runs_names_what_changed() {
    let subset = Report::from_runs([parse_log("a", P2_SUBSET, None).expect("a")]).expect("a");
    let broken = Report::from_runs([parse_log("b", P2_BROKEN, None).expect("b")]).expect("b");
    let d = diff(&subset, &broken);
    let failing: Vec<&str> = d.of_kind(Kind::Added).map(|c| c.test.as_str()).collect();
    assert!(failing.contains(&"tests/ui/wasm/offline-suite-broken-expectation.rs"));
    // The known failure fails in both: not a change.
    assert!(
        !d.changes
            .iter()
            .any(|c| c.test == "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs")
    );
    // Two targets compared test by test: p3's subset against p2's, where every test agrees.
    let p2 = Report::from_runs([parse_log("p2", P2_SUBSET, None).expect("p2")]).expect("p2");
    let p3 = Report::from_runs([parse_log("p3", P3_SUBSET, None).expect("p3")]).expect("p3");
    let d = diff(&p2, &p3);
    assert!(d.across_targets && d.is_empty(), "{}", d.to_text());
}

#[test]
fn the_page_holds_totals_failures_reasons_and_the_side_by_side() {
    let report = two_targets();
    let page = html::render(&report, None);
    assert!(page.contains("id=\"total-wasm32-wasip2-passed\">21<"));
    assert!(page.contains("id=\"total-wasm32-wasip2-failed\">2<"));
    assert!(page.contains("id=\"total-wasm32-wasip3-ignored\">17<"));
    assert!(page.contains("<span class=\"del\">-\tan output the program never prints</span>"));
    assert!(page.contains("only executed when the target is wasm32-wasip1"));
    // The probe fails on p2 only and did not run on p3; no test passes on one and fails on the
    // other, so the side-by-side table lists none.
    assert!(page.contains("pass on one and not on another"));
    // The folder with failures leads the folder table, before tests/ui/abi.
    let folders = &page[page.find("id=\"folders\"").expect("the folder table")..];
    let wasm = folders.find(">tests/ui/wasm<").expect("tests/ui/wasm");
    let abi = folders.find(">tests/ui/abi<").expect("tests/ui/abi");
    assert!(wasm < abi);
    // Nothing that would make a request.
    for needle in ["<script", "<link", "src=", "href=\"http", "url(", "@import"] {
        assert!(!page.contains(needle), "the page contains {needle}");
    }
}

#[test]
fn the_side_by_side_lists_a_test_that_passes_on_one_target_only() {
    let mut tests = parse_log("p3", P3_SUBSET, None).expect("p3").tests;
    let mut p1 = tests.clone();
    for t in &mut p1 {
        t.target = "wasm32-wasip1".to_string();
    }
    tests.extend(p1);
    let report = Report::from_tests(tests).expect("report");
    let page = html::render(&report, None);
    // The known p3 failure passes nowhere, so still none; make the p1 copy pass.
    assert!(page.contains("0 pass on one and not on another"));
    let mut tests = report.tests.clone();
    for t in &mut tests {
        if t.target == "wasm32-wasip1" && t.outcome == Outcome::Failed {
            t.outcome = Outcome::Passed;
            t.failure = None;
        }
    }
    let page = html::render(&Report::from_tests(tests).expect("report"), None);
    assert!(page.contains("1 pass on one and not on another"), "{page}");
    assert!(page.contains("<td class=\"passed\" title=\"\">passed</td><td class=\"failed\""));
}
