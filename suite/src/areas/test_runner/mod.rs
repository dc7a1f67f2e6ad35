//! wasi-test-runner, the target runner for `cargo test` on wasm32-wasip2, against the dev
//! shell's plain runner (`wasmtime run -C cache=n --dir .`): fixtures found through
//! `CARGO_MANIFEST_DIR` and temporary files work only under it; a failing test aborts the whole
//! test binary under both (the default std aborts on panic); nextest with it runs one test per
//! process, and a `#[should_panic]` test that libtest did not run never passes. With the std
//! built to unwind (`unwind`, its own area name so that `-- unwind` selects it), `cargo test`
//! reports as natively.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context as _, Result, ensure};

use crate::context::{stdout_text, tail, which};
use crate::support::files::copy_tree;
use crate::support::toolchain::{cargo, eval_dev_env};
use crate::{CheckResult, Context, Suite, Verdict};

mod nextest;
mod unwind;

use self::nextest::*;

const AREA: &str = "test-runner";
const RUNNER_VARIABLE: &str = "CARGO_TARGET_WASM32_WASIP2_RUNNER";
const TARGET: &str = "wasm32-wasip2";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "builds (cargo build -p wasi-test-runner); --help names every grant",
        build,
    );
    suite.check(
        AREA,
        "fixtures via CARGO_MANIFEST_DIR, tempfile, doc-test: pass under it, fail under the plain runner",
        grants,
    );
    suite.check(
        AREA,
        "a failing test aborts its binary under both runners (exit 134); native counts beside",
        outcomes,
    );
    suite.check(
        AREA,
        "cargo-nextest with it: listing, one process per test, filters, exit codes, no unverified should_panic pass",
        nextest,
    );
    unwind::run(suite);
}

fn runner_binary(ctx: &Context) -> PathBuf {
    ctx.repo.join("target/debug/wasi-test-runner")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        stdout_text(output),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `cargo build -p wasi-test-runner`, into the product workspace's own target folder, which
/// `cargo test --workspace` (CI's step before the suite) has filled; the suite is a workspace of
/// its own, building elsewhere.
fn build_runner(ctx: &Context) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    ctx.run(
        "test-runner-build",
        Command::new(cargo)
            .current_dir(&ctx.repo)
            .args(["build", "--locked", "-p", "wasi-test-runner"])
            .env("CARGO_TARGET_DIR", ctx.repo.join("target")),
    )?;
    Ok(())
}

fn build(ctx: &mut Context) -> CheckResult {
    build_runner(ctx)?;
    let binary = runner_binary(ctx);
    let help = ctx.run("test-runner-help", Command::new(&binary).arg("--help"))?;
    let help = stdout_text(&help);
    for grant in [
        "CARGO_MANIFEST_DIR",
        "TMPDIR",
        "RUST_BACKTRACE",
        "RUST_LOG",
        "RUST_TEST_*",
        "CARGO_*",
        "-C cache=n",
        "-W exceptions=y",
        "WASMTIME",
    ] {
        ensure!(
            help.contains(grant),
            "--help does not mention {grant}:\n{help}"
        );
    }
    // Without a usable Wasmtime it refuses before running anything, naming the fix.
    let empty = ctx.fresh_dir("test-runner-no-wasmtime")?;
    let output = ctx.run_unchecked(
        "test-runner-no-wasmtime",
        Command::new(&binary)
            .arg(empty.join("absent.wasm"))
            .env("PATH", &empty)
            .env_remove("WASMTIME"),
    )?;
    let refusal = said(&output);
    ensure!(
        output.status.code() == Some(2) && refusal.contains("set WASMTIME"),
        "without wasmtime: {} {refusal}",
        output.status
    );
    Ok(Verdict::Proved(format!(
        "{}; --help names its 9 grants and switches; without wasmtime: exit 2, {:?}",
        binary.display(),
        refusal.lines().next().unwrap_or_default()
    )))
}

/// The prerequisites of the checks that build fixtures: why they cannot run, if they cannot.
fn missing_parts(ctx: &Context) -> Option<&'static str> {
    if !runner_binary(ctx).exists() {
        Some("the runner was not built (see the build check)")
    } else if ctx.parts.wasip2_toolchain.is_none() {
        Some("no toolchain with the wasip2 std (see the rust-std and nix-builds areas)")
    } else if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        Some("no wasmtime or no SDK (see the parts area)")
    } else {
        None
    }
}

/// A fixture crate in a fresh folder, its crates fetched ahead (the tests then run offline).
fn fixture(ctx: &Context, name: &str, env: &BTreeMap<String, String>) -> Result<PathBuf> {
    let dir = ctx.fresh_dir(&format!("test-runner-{name}"))?;
    copy_tree(&ctx.repo.join("suite/fixtures").join(name), &dir)?;
    ctx.run(
        &format!("cargo-fetch-{name}"),
        cargo(ctx, env, &dir)?.args(["fetch", "--locked"]),
    )?;
    Ok(dir)
}

/// Cargo with the wasip2 toolchain, `runner` as the target runner, and the Wasmtime of the parts
/// for ours.
fn with_runner(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    runner: &str,
) -> Result<Command> {
    let command = cargo(ctx, env, dir)?;
    set_runner(ctx, command, runner)
}

/// `command` (a cargo of some toolchain) with `runner` as the target runner, and the Wasmtime of
/// the parts for ours.
fn set_runner(ctx: &Context, mut command: Command, runner: &str) -> Result<Command> {
    let wasmtime = ctx
        .parts
        .wasmtime
        .as_ref()
        .context("no wasmtime (see the parts area)")?;
    command
        .env(RUNNER_VARIABLE, runner)
        .env("WASMTIME", wasmtime.join("bin/wasmtime"));
    Ok(command)
}

/// `cargo test` for wasm32-wasip2 with `runner`.
fn wasm_test(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    runner: &str,
) -> Result<Command> {
    let mut command = with_runner(ctx, env, dir, runner)?;
    command.args(["test", "--offline", "--locked", "--target", TARGET]);
    Ok(command)
}

fn plain_runner(env: &BTreeMap<String, String>) -> Result<String> {
    env.get(RUNNER_VARIABLE)
        .cloned()
        .with_context(|| format!("dev-env.nix sets no {RUNNER_VARIABLE}"))
}

fn ours(ctx: &Context) -> String {
    runner_binary(ctx).display().to_string()
}

/// Sums of "N passed" and "N failed" over libtest's result lines.
fn counts(text: &str) -> (usize, usize) {
    let mut passed = 0;
    let mut failed = 0;
    for line in text.lines() {
        let Some(rest) = line
            .strip_prefix("test result: ok. ")
            .or_else(|| line.strip_prefix("test result: FAILED. "))
        else {
            continue;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let n: usize = n.parse().unwrap_or(0);
            match what {
                "passed" => passed += n,
                "failed" => failed += n,
                _ => {}
            }
        }
    }
    (passed, failed)
}

fn grants(ctx: &mut Context) -> CheckResult {
    if let Some(why) = missing_parts(ctx) {
        return ctx.missing(why);
    }
    let env = eval_dev_env(ctx)?;
    let dir = fixture(ctx, "runner-grants", &env)?;
    let output = ctx.run(
        "runner-grants-ours",
        wasm_test(ctx, &env, &dir, &ours(ctx))?.args(["--", "--nocapture"]),
    )?;
    let text = said(&output);
    let (passed, failed) = counts(&text);
    ensure!(
        (passed, failed) == (6, 0),
        "expected 6 passed (fixture 1, isolation 2, temporary 2, doc-test 1), 0 failed; got {passed}, {failed}:\n{}",
        tail(&output, 40)
    );
    ensure!(
        text.contains("Doc-tests runner_grants"),
        "the doc-test did not run:\n{text}"
    );
    // The temporary folder the guest saw is the runner's, and it is gone afterwards.
    let temp = text
        .lines()
        .find_map(|l| l.split("TMPDIR=").nth(1))
        .map(str::trim)
        .context("the temporary-file test did not print its TMPDIR")?;
    ensure!(
        temp.contains("wasi-test-runner-") && !Path::new(temp).exists(),
        "the guest's TMPDIR {temp} is not the runner's or was not removed"
    );

    // The same tests under the dev shell's plain runner: each test binary aborts.
    let plain = plain_runner(&env)?;
    let mut refused = Vec::new();
    for (what, args) in [
        ("fixture", &["--test", "fixture"][..]),
        ("temporary", &["--test", "temporary"][..]),
        ("doc-test", &["--doc"][..]),
    ] {
        let output = ctx.run_unchecked(
            &format!("runner-grants-plain-{what}"),
            wasm_test(ctx, &env, &dir, &plain)?.args(args),
        )?;
        let text = said(&output);
        let aborted = text.contains("(exit status: 134)");
        ensure!(
            !output.status.success() && (aborted || what == "doc-test"),
            "{what} under `{plain}`: {} (expected a failure):\n{}",
            output.status,
            tail(&output, 20)
        );
        // Edition 2024 merges the doc-tests into one binary: the abort leaves no summary.
        ensure!(
            what != "doc-test"
                || (text.contains("doctest failed") && !text.contains("test result: ok")),
            "the doc-test under the plain runner did not fail:\n{}",
            tail(&output, 20)
        );
        refused.push(if aborted {
            format!("{what}: aborted (134)")
        } else {
            format!("{what}: failed")
        });
    }
    Ok(Verdict::Proved(format!(
        "under wasi-test-runner: {passed} passed, 0 failed (fixture 1, isolation 2, tempfile 2, doc-test 1), guest TMPDIR {temp} removed after; under `{}`: {}",
        plain.rsplit('/').next().unwrap_or(&plain),
        refused.join(", ")
    )))
}

fn outcomes(ctx: &mut Context) -> CheckResult {
    if let Some(why) = missing_parts(ctx) {
        return ctx.missing(why);
    }
    let env = eval_dev_env(ctx)?;
    let dir = fixture(ctx, "test-outcomes", &env)?;
    // Natively, for comparison: every test counted.
    let native = ctx.run_unchecked(
        "test-outcomes-native",
        cargo(ctx, &env, &dir)?.args(["test", "--offline", "--locked"]),
    )?;
    let native_text = said(&native);
    ensure!(
        native_text.contains("test result: FAILED. 3 passed; 2 failed"),
        "native cargo test should count 3 passed, 2 failed:\n{}",
        tail(&native, 30)
    );
    let plain = plain_runner(&env)?;
    let mut seen = Vec::new();
    for (label, runner) in [("plain", plain.clone()), ("wasi-test-runner", ours(ctx))] {
        let output = ctx.run_unchecked(
            &format!("test-outcomes-{label}"),
            &mut wasm_test(ctx, &env, &dir, &runner)?,
        )?;
        let text = said(&output);
        let reported = |test: &str| text.contains(&format!("test tests::{test} ..."));
        ensure!(
            !output.status.success()
                && text.contains("(exit status: 134)")
                && reported("a_passes")
                && reported("b_fails_on_purpose")
                && !reported("c_passes_after_the_failure")
                && !text.contains("test result:"),
            "under {label}: expected an abort (134) at b_fails_on_purpose with no later test and no summary:\n{}",
            tail(&output, 30)
        );
        // libtest captured the panic message; the abort loses it.
        ensure!(
            !text.contains("deliberate failure"),
            "under {label} the captured panic message was printed after all"
        );
        seen.push(label);
    }
    // With --nocapture the panic message reaches the terminal before the abort.
    let output = ctx.run_unchecked(
        "test-outcomes-nocapture",
        wasm_test(ctx, &env, &dir, &ours(ctx))?.args(["--", "--nocapture"]),
    )?;
    ensure!(
        said(&output).contains("deliberate failure"),
        "with --nocapture the panic message is still missing:\n{}",
        tail(&output, 20)
    );
    Ok(Verdict::Proved(format!(
        "native: 3 passed, 2 failed (5 counted); wasm32-wasip2 under {}: exit 134 at b_fails_on_purpose, 1 test reported ok, 3 never reported, no summary, panic message lost (shown with --nocapture)",
        seen.join(" and ")
    )))
}
