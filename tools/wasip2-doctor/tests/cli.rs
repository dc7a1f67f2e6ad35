//! The command line as a person sees it, pinned by the files in `tests/snapshots`: the help, the
//! version, a bad flag, an unsupported or missing target, and `--quick` (table and JSON, and the
//! table for wasm32-wasip3) in an environment with nothing in it.
//! There PATH, WASI_SDK_PATH, HOME and the working folder are one empty temporary folder and no
//! other variable is set, so every check's outcome is fixed: no rustc, no wasmtime, an SDK that
//! lacks every file, no runner. The folder's path and the package version are redacted.
//!
//! The comparison is exact: a changed message fails here. When the change is meant, run
//! `SNAPSHOTS=overwrite cargo test -p wasip2-doctor --test cli` and read the snapshots' diff.

#[path = "../src/scratch.rs"]
mod scratch;

use std::path::Path;
use std::process::Command;

use scratch::Scratch;
use snapbox::{Data, assert_data_eq};

/// Runs the doctor in the empty environment: its exit status, standard output and standard
/// error, redacted.
fn transcript(args: &[&str]) -> String {
    let empty = Scratch::new("cli-empty");
    let empty_path = empty.path().to_str().expect("a UTF-8 temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_wasip2-doctor"))
        .args(args)
        .env_clear()
        .env("PATH", empty_path)
        .env("WASI_SDK_PATH", empty_path)
        .env("HOME", empty_path)
        .current_dir(empty_path)
        .output()
        .expect("the doctor starts");
    let redact = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(empty_path, "[EMPTY]")
            .replace(
                &format!("wasip2-doctor {}", env!("CARGO_PKG_VERSION")),
                "wasip2-doctor [VERSION]",
            )
    };
    let status = output.status.code().map_or_else(
        || "none (killed by a signal)".to_string(),
        |c| c.to_string(),
    );
    format!(
        "exit status: {status}\n----- stdout -----\n{}----- stderr -----\n{}",
        redact(&output.stdout),
        redact(&output.stderr)
    )
}

/// A snapshot file, compared byte for byte (no wildcards, no path normalizing).
fn snapshot(name: &str) -> Data {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    Data::read_from(&path, None).raw()
}

#[test]
fn help() {
    let help = transcript(&["--help"]);
    assert_eq!(transcript(&["-h"]), help);
    assert_data_eq!(help, snapshot("help.txt"));
}

#[test]
fn version() {
    let version = transcript(&["--version"]);
    assert_eq!(transcript(&["-V"]), version);
    assert_data_eq!(version, snapshot("version.txt"));
}

#[test]
fn a_bad_flag_exits_2_with_the_usage() {
    assert_data_eq!(
        transcript(&["--quick", "--bogus"]),
        snapshot("bad-flag.txt")
    );
}

#[test]
fn quick_table_in_an_empty_environment() {
    assert_data_eq!(transcript(&["--quick"]), snapshot("quick-table.txt"));
}

#[test]
fn quick_json_in_an_empty_environment() {
    assert_data_eq!(
        transcript(&["--quick", "--json"]),
        snapshot("quick-json.txt")
    );
}

#[test]
fn an_unsupported_target_exits_2_listing_the_supported_ones() {
    assert_data_eq!(
        transcript(&["--quick", "--target", "wasm32-wasip1"]),
        snapshot("bad-target-wasip1.txt")
    );
    assert_data_eq!(
        transcript(&["--target=wasm32-wasi2"]),
        snapshot("bad-target-typo.txt")
    );
    assert_data_eq!(transcript(&["--target"]), snapshot("missing-target.txt"));
}

#[test]
fn quick_table_for_wasip3_in_an_empty_environment() {
    let table = transcript(&["--quick", "--target", "wasm32-wasip3"]);
    assert_eq!(transcript(&["--target=wasm32-wasip3", "--quick"]), table);
    assert_data_eq!(table, snapshot("quick-table-wasip3.txt"));
}
