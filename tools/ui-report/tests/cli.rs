//! The command line: what it writes, and that bad input gets an error naming the fix (exit 2).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ui-report");

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// A folder under the build's own temporary folder, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("ui-report runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn build_then_diff() {
    let dir = scratch("build-then-diff");
    let (old, new) = (dir.join("old"), dir.join("new"));
    let p2 = fixture("wasip2-offline-subset.log");
    let broken = fixture("wasip2-broken-expectation.log");
    let out = run(&["build", "--out", &old.display().to_string(), &p2]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["build", "--out", &new.display().to_string(), &broken]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(new.join("report.html").is_file());
    let out = run(&[
        "diff",
        &old.join("report.json").display().to_string(),
        &new.join("report.json").display().to_string(),
        "--html",
        &dir.join("diff.html").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "tests/ui/wasm/offline-suite-broken-expectation.rs  [wasm32-wasip2]  absent -> failed"
        ),
        "{text}"
    );
    let page = std::fs::read_to_string(dir.join("diff.html")).expect("the page");
    assert!(page.contains("id=\"changes\""));
}

#[test]
fn bad_input_names_the_fix() {
    let dir = scratch("bad-input");
    let not_a_log = dir.join("notes.txt");
    std::fs::write(&not_a_log, "hello\n").expect("write");
    let out = run(&[
        "build",
        "--out",
        &dir.display().to_string(),
        &not_a_log.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not compiletest's output"),
        "{}",
        stderr(&out)
    );

    let future = dir.join("future.json");
    std::fs::write(&future, "{\"schema_version\": 7, \"tests\": []}").expect("write");
    let path = future.display().to_string();
    let out = run(&["diff", &path, &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("schema version 7"),
        "{}",
        stderr(&out)
    );

    // The runner's own verdict report.json is not this schema.
    let verdict = dir.join("verdict.json");
    std::fs::write(&verdict, "{\"target\": \"wasm32-wasip2\", \"passed\": 1}").expect("write");
    let path = verdict.display().to_string();
    let out = run(&["diff", &path, &path]);
    assert!(
        stderr(&out).contains("no schema_version"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "build",
        "--out",
        &dir.display().to_string(),
        &format!("wasm32-wasip2={}", fixture("wasip3-offline-subset.log")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the log tests wasm32-wasip3"),
        "{}",
        stderr(&out)
    );

    let out = run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unrecognized subcommand 'frobnicate'")
            && stderr(&out).contains("Usage: ui-report <COMMAND>"),
        "{}",
        stderr(&out)
    );
}

/// A plan of the fixture's folders with their counts, in two shards (the split does not matter
/// to the merge: it checks tests against folders).
fn plan_of(report: &Path, dir: &Path, off_by_one: bool) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("JSON");
    let mut text = String::from("# a plan\n");
    for (i, d) in json["directories"]
        .as_array()
        .expect("directories")
        .iter()
        .enumerate()
    {
        let count = d["passed"].as_u64().unwrap_or(0)
            + d["failed"].as_u64().unwrap_or(0)
            + d["ignored"].as_u64().unwrap_or(0)
            + u64::from(off_by_one && i == 0);
        let directory = d["directory"].as_str().expect("directory");
        text.push_str(&format!("shard-{} {count} {directory}\n", 1 + i % 2));
    }
    let plan = dir.join(if off_by_one { "stale.txt" } else { "plan.txt" });
    std::fs::write(&plan, text).expect("write");
    plan.display().to_string()
}

#[test]
fn merging_shards_refuses_overlaps_and_holes() {
    let dir = scratch("merge-shards");
    let log = fixture("wasip2-offline-subset.log");
    let whole = dir.join("whole");
    let out = run(&["build", "--out", &whole.display().to_string(), &log]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = plan_of(&whole.join("report.json"), &dir, false);
    let merged = dir.join("merged").display().to_string();

    let out = run(&["build", "--out", &merged, "--plan", &plan, &log]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("97 tests from 1 shard reports"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Without --plan the same log twice merges (equal outcomes); with it, that is an overlap.
    let out = run(&["build", "--out", &merged, "--plan", &plan, &log, &log]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shards overlap"), "{}", stderr(&out));

    let stale = plan_of(&whole.join("report.json"), &dir, true);
    let out = run(&["build", "--out", &merged, "--plan", &stale, &log]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the plan says") && stderr(&out).contains("regenerate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn shards_of_a_source_tree() {
    let dir = scratch("shards-source");
    for (file, text) in [
        ("tests/ui/a/one.rs", "//@ revisions: x y\n"),
        ("tests/ui/a/two.rs", ""),
        ("tests/ui/b/three.rs", ""),
        ("tests/ui/c/four.rs", ""),
    ] {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let source = dir.display().to_string();
    let out = run(&["shards", "--source", &source, "--shards", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(plan.contains("shard-1 3 tests/ui/a\n"), "{plan}");
    assert!(plan.contains("shard-2 1 tests/ui/b\n"), "{plan}");
    let file = dir.join("shards.txt");
    std::fs::write(&file, &plan).expect("write");
    let out = run(&[
        "shards",
        "--source",
        &source,
        "--check",
        &file.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    std::fs::write(dir.join("tests/ui/b/five.rs"), "").expect("write");
    let out = run(&[
        "shards",
        "--source",
        &source,
        "--check",
        &file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tests/ui/b: 2 tests, the plan says 1")
            && stderr(&out).contains("Regenerate it"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "shards",
        "--source",
        &dir.join("nowhere").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("give the root of a rustc source tree"),
        "{}",
        stderr(&out)
    );
}
