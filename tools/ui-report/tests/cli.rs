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
        stderr(&out).contains("usage: ui-report build"),
        "{}",
        stderr(&out)
    );
}
