//! A report of rustc's UI tests for one or more targets, read from compiletest's verbose output
//! (`rust.verbose-tests=true`): [`parse`] reads a log, [`report`] holds the results in the
//! documented `report.json` form (see this crate's README), [`html`] renders one self-contained
//! page, and [`diff`] says what changed between two reports. [`shards`] splits `tests/ui` into
//! groups of folders balanced by test count, and checks that a merge of their reports is whole.
//!
//! [`report`] holds the data every other module reads and writes (a test, its outcome, the
//! counts, one log's run) and imports none of them.

pub mod diff;
pub mod html;
pub mod parse;
pub mod report;
pub mod shards;
pub mod times;

use std::path::PathBuf;

/// What can be wrong with the input, each with the fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{file}: no `test [ui] …` lines: this is not compiletest's output. Give the compiletest.log that \
         ui-tests/run-ui-tests.sh writes into its --report folder (x.py test with --set rust.verbose-tests=true)"
    )]
    NotCompiletestOutput { file: String },
    #[error(
        "{file}: compiletest ran {count} tests but printed no `test [ui] …` line for them: it ran without \
         verbose output. Run x.py test with --set rust.verbose-tests=true (ui-tests/run-ui-tests.sh does)"
    )]
    NotVerbose { file: String, count: usize },
    #[error(
        "{file}: the log does not say which target it tested (no `Testing … compiletest suite=… (TARGET)` \
         line). Name it: TARGET=LOG, e.g. wasm32-wasip2={file}"
    )]
    UnknownTarget { file: String },
    #[error(
        "{file}: the log tests {found}, but it was given as {given}. Name the target the log tested, or \
         leave it out to read it from the log"
    )]
    TargetMismatch {
        file: String,
        given: String,
        found: String,
    },
    #[error("{file}: the log tests more than one target ({targets}): give one log per target run")]
    MixedTargets { file: String, targets: String },
    #[error(
        "{file}:{line}: `{text}`: an outcome compiletest does not print (ok, FAILED, ignored). Is the log \
         complete and from compiletest?"
    )]
    UnknownOutcome {
        file: String,
        line: usize,
        text: String,
    },
    #[error(
        "{file}: {test} is reported twice with different outcomes: the file holds two runs. Give each \
         run's log separately"
    )]
    ConflictingOutcome { file: String, test: String },
    #[error(
        "{file}: compiletest's summary says {summary} but the log lists {listed}: the log is cut or \
         interleaved with another. Use the whole compiletest.log of one run"
    )]
    CountMismatch {
        file: String,
        summary: String,
        listed: String,
    },
    #[error(
        "{file}: schema version {found}, but this ui-report reads version {expected}. Rebuild the report \
         from its compiletest logs with this ui-report (ui-report build), or use the ui-report that wrote it"
    )]
    UnknownSchema {
        file: String,
        found: u64,
        expected: u64,
    },
    #[error(
        "{file}: not a ui-report report.json ({reason}). Give a report.json that ui-report build wrote"
    )]
    NotAReport { file: String, reason: String },
    #[error(
        "{target} {test} is in two inputs with different outcomes: the inputs overlap. Give each test of a \
         target in one input only (shards must not share folders)"
    )]
    Overlap { target: String, test: String },
    #[error(
        "{target} {test} is in two shard reports: the shards overlap. Run each folder in one shard only \
         (run-ui-tests.sh --shard or --exact; --path is a substring filter and runs neighbours too)"
    )]
    Duplicate { target: String, test: String },
    #[error(
        "{path}: no test folders: give the root of a rustc source tree (the folder holding tests/ui)"
    )]
    NoSuite { path: String },
    #[error(
        "{file}:{line}: {reason}: a shard plan has lines `SHARD TESTS FOLDER` (ui-report shards writes one)"
    )]
    BadPlan {
        file: String,
        line: usize,
        reason: String,
    },
    #[error(
        "{target}: the merged shards are not the plan's tests ({differences}). A shard is missing or \
         failed, or the plan is stale: regenerate it with ui-report shards --source <the source tree>"
    )]
    PlanMismatch { target: String, differences: String },
    #[error(
        "{file}:{line}: {reason}: give the times.txt ui-tests/run-ui-tests.sh writes (SECONDS TEST OUTCOME \
         lines), or a table ui-report times wrote (SECONDS FOLDER lines)"
    )]
    BadTimes {
        file: String,
        line: usize,
        reason: String,
    },
    #[error(
        "no measured time for {folders}: the time table is older than the source. Measure a full run and \
         write the table again (ui-report times --source <the source tree> <run>/times.txt ...)"
    )]
    Unmeasured { folders: String },
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}
