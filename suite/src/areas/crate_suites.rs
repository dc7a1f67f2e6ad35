//! A published crate's own test suite under wasi-test-runner and under the dev shell's plain
//! runner, through `bench/crate-suites.sh`: its counts per kind (unit, integration, doc) equal the
//! ones `bench/crate-suites.txt` records, with the crate and its dev-dependencies taken from the
//! offline cache alone (CI's install step fetches them with `bench/crate-suites.sh --fetch`).
//! glob's are the cheapest with all three kinds: its unit tests pass, its one integration test
//! aborts (it asks `tempfile::tempdir()` for a folder, and std's `temp_dir()` panics on WASI),
//! two of its doc-tests are ignored as natively. With the unwinding std (`unwind`: its flags for
//! rustc and rustdoc, its `temp_dir()` from TMPDIR) that integration test passes.

use std::collections::BTreeSet;
use std::process::Command;

use anyhow::{Context as _, ensure};

use crate::context::tail;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "crate-suites";
/// Builds and runs in under a minute from a cold target folder (about 50 s here).
const CRATE: &str = "glob";
const RUNNERS: &[&str] = &["wasmtime", "wasi-test-runner", "unwind"];

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "glob's own tests, offline, under both runners and with the unwinding std: the counts bench/crate-suites.txt records",
        recorded_counts,
    );
}

/// The `expect` lines of `text` for CRATE under `runner`, fields joined by one space.
fn expectations(text: &str, runner: &str) -> BTreeSet<String> {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| words.len() == 9 && words[0] == "expect")
        .filter(|words| words[1] == CRATE && words[2] == runner)
        .map(|words| words.join(" "))
        .collect()
}

fn recorded_counts(ctx: &mut Context) -> CheckResult {
    let (Some(toolchain), Some(wasmtime)) = (
        ctx.parts.wasip2_toolchain.clone(),
        ctx.parts.wasmtime.clone(),
    ) else {
        return ctx.missing("needs the toolchain with the wasip2 std and wasmtime (see the parts and nix-builds areas)");
    };
    let list = ctx.repo.join("bench/crate-suites.txt");
    let recorded =
        std::fs::read_to_string(&list).with_context(|| format!("reading {}", list.display()))?;
    for runner in RUNNERS {
        ensure!(
            !expectations(&recorded, runner).is_empty(),
            "{} records no counts for {CRATE} under {runner}: run bench/crate-suites.sh {CRATE} and add its expect lines",
            list.display()
        );
    }

    // Its own target folder: the workspace's is in use by the `cargo test` running this suite.
    let runner_target = ctx.work.join("crate-suites-runner");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    ctx.run(
        "crate-suites-runner-build",
        Command::new(cargo)
            .current_dir(&ctx.repo)
            .args(["build", "--locked", "-p", "wasi-test-runner"])
            .env("CARGO_TARGET_DIR", &runner_target),
    )?;

    let out = ctx.work.join("crate-suites");
    let output = ctx.run_unchecked(
        "crate-suites-run",
        Command::new("bash")
            .arg(ctx.repo.join("bench/crate-suites.sh"))
            .arg(CRATE)
            .env("CRATE_SUITES_RUNNERS", RUNNERS.join(" "))
            .env("CRATE_SUITES_TOOLCHAIN", &toolchain)
            .env(
                "CRATE_SUITES_UNWIND_TOOLCHAIN",
                ctx.work.join("toolchain-wasip2-unwind"),
            )
            .env("CRATE_SUITES_OUT", &out)
            .env("WASMTIME", wasmtime.join("bin/wasmtime"))
            .env(
                "WASI_TEST_RUNNER",
                runner_target.join("debug/wasi-test-runner"),
            )
            .env("WASIP2_OFFLINE_CACHE", &ctx.cache)
            // The crates must already be in the cache, as CI's install step leaves them.
            .env("CARGO_NET_OFFLINE", "true"),
    )?;
    let measured = std::fs::read_to_string(out.join("results.txt")).unwrap_or_default();
    let mut seen = Vec::new();
    for runner in RUNNERS {
        let want = expectations(&recorded, runner);
        let got = expectations(&measured, runner);
        ensure!(
            want == got,
            "{CRATE} under {runner}: recorded {want:?}, measured {got:?} (exit {}):\n{}",
            output.status,
            tail(&output, 30)
        );
        seen.extend(got.into_iter().map(|line| line.replacen("expect ", "", 1)));
    }
    ensure!(
        output.status.success(),
        "bench/crate-suites.sh {CRATE} failed ({}):\n{}",
        output.status,
        tail(&output, 30)
    );
    Ok(Verdict::Proved(format!(
        "passed/failed/ignored/not-run/not-built as recorded: {}",
        seen.join("; ")
    )))
}
