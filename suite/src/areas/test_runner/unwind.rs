//! The std built to unwind (`rust-std-wasip2-unwind`: `bootstrap-config.sh --panic unwind` and
//! `build-std.sh --panic unwind`, run by Nix), and `cargo test` with it: every test counted as
//! natively, the panic message printed, `#[should_panic]` tests run; the dev env that builds
//! crates for it, and the refusal of a toolchain and dev env that disagree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};

use super::{RUNNER_VARIABLE, TARGET, build_runner, counts, fixture, ours, runner_binary, said};
use crate::context::{stdout_text, tail};
use crate::support::files::copy_tree;
use crate::support::nix_build::in_build_phase;
use crate::support::standin::{
    build_expression, expression_for, outputs_file, sandboxed_nix, standin_dir, store_path,
};
use crate::support::toolchain::{cargo, cargo_of, eval_dev_env_with, host_triple};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "test-runner-unwind";
const ATTRIBUTE: &str = "packages.x86_64-linux.rust-std-wasip2-unwind";
/// What build-std.sh puts beside the unwinding std, and the dev env links.
const TAG_ARCHIVE: &str = "lib/rustlib/wasm32-wasip2/lib/self-contained/libcpp_exception_tag.a";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "bootstrap-config.sh --panic unwind adds only the targets' rustflags; --panic abort is the default, unchanged",
        configuration,
    );
    suite.check(
        AREA,
        "rust-std-wasip2-unwind built by Nix: a -Cpanic=unwind program is accepted by it, not by the abort std; a caught panic in Wasmtime",
        built,
    );
    suite.check(
        AREA,
        "test-outcomes with the unwinding std: native's summary, the panic message, #[should_panic] run (one that does not panic fails)",
        outcomes,
    );
    suite.check(
        AREA,
        "templates/wasip2's tests pass with the unwinding std",
        template,
    );
    suite.check(
        AREA,
        "nix-shell of devShells.unwind: cargo test of test-outcomes as natively, with the shell's flags and runner only",
        shell,
    );
    suite.check(
        AREA,
        "a toolchain and dev env that disagree on panics are refused at evaluation, naming the fix",
        refusals,
    );
}

fn unwind_toolchain(ctx: &Context) -> PathBuf {
    ctx.work.join("toolchain-wasip2-unwind")
}

fn configuration(ctx: &mut Context) -> CheckResult {
    let (Some(stage0), Some(sdk)) = (ctx.parts.stage0.clone(), ctx.parts.wasi_sdk.clone()) else {
        return ctx
            .missing("needs the stage-0 toolchain and the assembled SDK (see the parts area)");
    };
    let dir = ctx.fresh_dir("unwind-bootstrap-config")?;
    let source = dir.join("source");
    std::fs::create_dir_all(source.join("src"))?;
    std::fs::write(source.join("src/version"), format!("{}\n", ctx.pins.rust))?;
    std::fs::write(source.join("x.py"), "")?;
    let script = ctx.repo.join("scripts/rustc/bootstrap-config.sh");
    let write = |label: &str, panic: Option<&str>| -> Result<String> {
        let mut command = in_build_phase(ctx, label, &script)?;
        command
            .arg("--source")
            .arg(&source)
            .arg("--stage0")
            .arg(&stage0)
            .arg("--wasi-sdk")
            .arg(&sdk)
            .arg("--host")
            .arg(host_triple());
        if let Some(panic) = panic {
            command.args(["--panic", panic]);
        }
        Ok(stdout_text(&ctx.run(label, &mut command)?))
    };
    let default = write("bootstrap-config-default", None)?;
    let abort = write("bootstrap-config-abort", Some("abort"))?;
    let unwind = write("bootstrap-config-unwind", Some("unwind"))?;
    ensure!(
        default == abort,
        "--panic abort changes the default configuration"
    );
    ensure!(
        !default.contains("-Cpanic"),
        "the default configuration names a panic strategy"
    );
    // The unwinding configuration is the default one with lines added, all in the target's
    // section: its rustflags (with their comment).
    let added: Vec<&str> = unwind
        .lines()
        .filter(|line| !default.lines().any(|d| d == *line))
        .collect();
    let flags = added
        .iter()
        .find(|l| l.starts_with("rustflags = "))
        .context("the unwinding configuration has no rustflags")?;
    for flag in [
        "\"-Cpanic=unwind\"",
        "\"-Ctarget-feature=+exception-handling\"",
        "\"-Cllvm-args=-wasm-use-legacy-eh=false\"",
    ] {
        ensure!(flags.contains(flag), "{flags} lacks {flag}");
    }
    ensure!(
        added
            .iter()
            .all(|l| l.starts_with('#') || l.starts_with("rustflags = ")),
        "--panic unwind changes more than the targets' rustflags: {added:?}"
    );
    ensure!(
        unwind.lines().count() == default.lines().count() + added.len(),
        "--panic unwind removed lines of the default configuration"
    );
    let after_target = unwind
        .split("[target.wasm32-wasip2]")
        .nth(1)
        .context("no [target.wasm32-wasip2]")?;
    ensure!(
        after_target.contains(flags),
        "the rustflags are not in [target.wasm32-wasip2]"
    );
    // Bad input: a strategy that does not exist.
    let mut bad = in_build_phase(ctx, "bootstrap-config-panic-bad", &script)?;
    bad.arg("--source")
        .arg(&source)
        .arg("--stage0")
        .arg(&stage0)
        .arg("--wasi-sdk")
        .arg(&sdk)
        .args(["--panic", "unwinding"]);
    let output = ctx.run_unchecked("bootstrap-config-panic-bad", &mut bad)?;
    let refusal = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success() && refusal.contains("--panic must be abort or unwind"),
        "--panic unwinding: {} {refusal}",
        output.status
    );
    Ok(Verdict::Proved(format!(
        "default = --panic abort (no panic flag); --panic unwind adds {} lines, `{flags}` under [target.wasm32-wasip2]; --panic unwinding refused",
        added.len()
    )))
}

fn built(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    let (Some(abort_toolchain), Some(wasmtime)) = (
        ctx.parts.wasip2_toolchain.clone(),
        ctx.parts.wasmtime.clone(),
    ) else {
        return ctx.missing("needs the abort std's toolchain and wasmtime (nix-builds, parts)");
    };
    let link = unwind_toolchain(ctx);
    let built = build_expression(ctx, ATTRIBUTE, &expression_for(ctx, ATTRIBUTE), Some(&link))?;
    let toolchain = store_path(&built);
    ensure!(
        toolchain.join(TAG_ARCHIVE).is_file(),
        "{} has no {TAG_ARCHIVE}",
        toolchain.display()
    );
    let dir = ctx.fresh_dir("unwind-std-probe")?;
    let flags = [
        "-Cpanic=unwind",
        "-Ctarget-feature=+exception-handling",
        "-Cllvm-args=-wasm-use-legacy-eh=false",
    ];
    // A program built to unwind is accepted only by a std that unwinds: rustc checks the panic
    // runtime's strategy when it decides what an executable links, which `--emit metadata`
    // does without linking. A library crate is accepted by either std: the check waits for the
    // executable.
    std::fs::write(dir.join("probe.rs"), "fn main() { println!(\"{}\", 1); }\n")?;
    let check = |rustc_of: &Path, crate_type: &str| {
        let mut command = Command::new(rustc_of.join("bin/rustc"));
        command
            .args([
                "--target",
                TARGET,
                "--emit",
                "metadata",
                "--crate-type",
                crate_type,
            ])
            .arg("probe.rs")
            .args(flags)
            .current_dir(&dir);
        command
    };
    ctx.run("unwind-probe-unwinding-std", &mut check(&toolchain, "bin"))?;
    let output = ctx.run_unchecked(
        "unwind-probe-abort-std",
        &mut check(&abort_toolchain, "bin"),
    )?;
    let refusal = String::from_utf8_lossy(&output.stderr).to_string();
    ensure!(
        !output.status.success() && refusal.contains("does not have the panic strategy `unwind`"),
        "a -Cpanic=unwind program against the abort std: {} {refusal}",
        output.status
    );
    ctx.run(
        "unwind-probe-abort-std-library",
        &mut check(&abort_toolchain, "lib"),
    )?;
    // A panic thrown and caught inside a component, in Wasmtime.
    std::fs::write(
        dir.join("caught.rs"),
        "fn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n    let caught = std::panic::catch_unwind(|| -> u8 { panic!(\"thrown\") });\n    println!(\"caught: {}\", caught.is_err());\n}\n",
    )?;
    ctx.run(
        "unwind-caught-build",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", TARGET, "caught.rs", "-o", "caught.wasm"])
            .args(flags)
            .arg("-Clink-arg=-lcpp_exception_tag")
            .current_dir(&dir),
    )?;
    crate::wasm::expect_component(&dir.join("caught.wasm"))?;
    let output = ctx.run(
        "unwind-caught-run",
        Command::new(wasmtime.join("bin/wasmtime"))
            .args(["run", "-C", "cache=n", "-W", "exceptions=y", "caught.wasm"])
            .current_dir(&dir),
    )?;
    let printed = stdout_text(&output);
    ensure!(
        printed.trim() == "caught: true",
        "the component printed {printed:?}"
    );
    // Without the tag archive the component does not link, which is why the dev env names it.
    let output = ctx.run_unchecked(
        "unwind-caught-without-tag",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", TARGET, "caught.rs", "-o", "untagged.wasm"])
            .args(flags)
            .current_dir(&dir),
    )?;
    let without = said(&output);
    ensure!(
        !output.status.success() && without.contains("__cpp_exception"),
        "without -lcpp_exception_tag: {} {}",
        output.status,
        tail(&output, 10)
    );
    Ok(Verdict::Proved(format!(
        "{built}; a -Cpanic=unwind program checks against it and is refused by the abort std (\"does not have the panic strategy `unwind`\"; a library is accepted by both); catch_unwind in Wasmtime -W exceptions=y printed {:?}; without the tag archive the link fails on __cpp_exception",
        printed.trim()
    )))
}

/// The dev env of the unwinding shell, evaluated from dev-env.nix with the suite's parts; the
/// toolchain is named by what mkDevEnv reads of it.
fn unwind_env(ctx: &Context) -> Result<BTreeMap<String, String>> {
    let sdk = ctx
        .parts
        .wasi_sdk
        .as_ref()
        .context("no SDK (see the parts area)")?;
    eval_dev_env_with(
        ctx,
        sdk,
        "panic = \"unwind\"; toolchain = { name = \"rust-std-wasip2-unwind\"; panicStrategy = \"unwind\"; };",
    )
}

/// Why the checks that need the unwinding toolchain cannot run, if they cannot.
fn unwind_missing(ctx: &mut Context) -> Option<String> {
    if !unwind_toolchain(ctx).join(TAG_ARCHIVE).exists() {
        return Some("the unwinding std was not built (see the check before)".into());
    }
    if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        return Some("no wasmtime or no SDK (see the parts area)".into());
    }
    if !runner_binary(ctx).exists()
        && let Err(error) = build_runner(ctx)
    {
        return Some(format!("wasi-test-runner did not build: {error:#}"));
    }
    None
}

/// `cargo test` for wasm32-wasip2 with the unwinding toolchain, the unwind env and `runner`.
fn unwind_test(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    runner: &str,
) -> Result<Command> {
    let wasmtime = ctx
        .parts
        .wasmtime
        .as_ref()
        .context("no wasmtime (see the parts area)")?;
    let mut command = cargo_of(&unwind_toolchain(ctx), env, dir);
    command
        .env(RUNNER_VARIABLE, runner)
        .env("WASMTIME", wasmtime.join("bin/wasmtime"))
        .args(["test", "--offline", "--locked", "--target", TARGET]);
    Ok(command)
}

/// libtest's summary without its time: "test result: FAILED. 3 passed; …; 0 filtered out".
fn summary(text: &str) -> Option<String> {
    text.lines()
        .find(|l| l.starts_with("test result: "))
        .map(|l| l.split("; finished in").next().unwrap_or(l).to_string())
}

fn outcomes(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let rustflags = env
        .get("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS")
        .context("the unwind env sets no rustflags")?;
    ensure!(
        rustflags.contains("-lc++abi") && rustflags.contains("-Cpanic=unwind"),
        "the unwind env's rustflags lack the C++ runtime or the strategy: {rustflags}"
    );
    let dir = fixture(ctx, "test-outcomes", &env)?;
    let native = ctx.run_unchecked(
        "unwind-outcomes-native",
        cargo(ctx, &env, &dir)?.args(["test", "--offline", "--locked"]),
    )?;
    let native_summary = summary(&said(&native)).context("native cargo test printed no summary")?;
    let plain = env
        .get(RUNNER_VARIABLE)
        .cloned()
        .with_context(|| format!("the unwind env sets no {RUNNER_VARIABLE}"))?;
    ensure!(
        plain.contains("-W exceptions=y"),
        "the unwind env's plain runner does not enable exceptions: {plain}"
    );
    let mut seen = Vec::new();
    for (label, runner) in [("wasi-test-runner", ours(ctx)), ("plain", plain.clone())] {
        let output = ctx.run_unchecked(
            &format!("unwind-outcomes-{label}"),
            &mut unwind_test(ctx, &env, &dir, &runner)?,
        )?;
        let text = said(&output);
        let wasm_summary = summary(&text)
            .with_context(|| format!("under {label}, no summary:\n{}", tail(&output, 30)))?;
        ensure!(
            wasm_summary == native_summary,
            "under {label}: {wasm_summary:?}, natively {native_summary:?}:\n{}",
            tail(&output, 30)
        );
        let (passed, failed) = counts(&text);
        for (line, what) in [
            (
                "test tests::c_passes_after_the_failure ... ok",
                "the test after the failure",
            ),
            (
                "test tests::d_should_panic_and_does - should panic ... ok",
                "should_panic that panics",
            ),
            (
                "test tests::e_should_panic_but_does_not - should panic ... FAILED",
                "should_panic that does not panic",
            ),
            ("deliberate failure", "the failing test's panic message"),
            ("note: test did not panic as expected", "why e failed"),
        ] {
            ensure!(
                text.contains(line),
                "under {label}, {what} is missing ({line:?}):\n{}",
                tail(&output, 40)
            );
        }
        ensure!(
            !text.contains("(exit status: 134)") && !output.status.success(),
            "under {label}: {} (a failure without an abort expected)",
            output.status
        );
        seen.push(format!(
            "{label}: {passed} passed, {failed} failed, exit {}",
            output.status.code().unwrap_or(-1)
        ));
    }
    Ok(Verdict::Proved(format!(
        "native and wasm32-wasip2 alike {native_summary:?}; {}; c ran after the failure, \"deliberate failure\" printed, d passed and e failed (\"did not panic as expected\")",
        seen.join("; ")
    )))
}

fn template(ctx: &mut Context) -> CheckResult {
    if let Some(why) = unwind_missing(ctx) {
        return ctx.missing(why);
    }
    let env = unwind_env(ctx)?;
    let dir = ctx.fresh_dir("unwind-template-wasip2")?;
    copy_tree(&ctx.repo.join("templates/wasip2"), &dir)?;
    ctx.run(
        "unwind-template-fetch",
        cargo(ctx, &env, &dir)?.args(["fetch", "--locked"]),
    )?;
    let output = ctx.run(
        "unwind-template-test",
        &mut unwind_test(ctx, &env, &dir, &ours(ctx))?,
    )?;
    let text = said(&output);
    let (passed, failed) = counts(&text);
    ensure!(
        passed > 0 && failed == 0,
        "the template's tests: {passed} passed, {failed} failed:\n{}",
        tail(&output, 30)
    );
    // The component the template builds carries the exception tag, and runs.
    let run = ctx.run(
        "unwind-template-run",
        cargo_of(&unwind_toolchain(ctx), &env, &dir)
            .env(RUNNER_VARIABLE, ours(ctx))
            .env(
                "WASMTIME",
                ctx.parts
                    .wasmtime
                    .as_ref()
                    .context("no wasmtime")?
                    .join("bin/wasmtime"),
            )
            .args([
                "run",
                "--offline",
                "--locked",
                "--quiet",
                "--",
                "src/main.rs",
            ]),
    )?;
    let counted = stdout_text(&run);
    ensure!(
        !counted.trim().is_empty(),
        "cargo run of the template printed nothing"
    );
    Ok(Verdict::Proved(format!(
        "templates/wasip2: {passed} passed, 0 failed under the unwinding std; cargo run counted src/main.rs: {}",
        counted.split_whitespace().collect::<Vec<_>>().join(" ")
    )))
}

fn refusals(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    let scope = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2",
        outputs_file(ctx)
    );
    let shell = ctx
        .repo
        .join("nix/shells/crate-dev.nix")
        .display()
        .to_string();
    let env_of = |panic: &str, toolchain: &str| {
        format!(
            "let w = {scope}; in (w.mkDevEnv {{ wasiSdk = w.wasi-sdk; inherit (w) wasmtime; panic = \"{panic}\"; toolchain = w.{toolchain}; }}).CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"
        )
    };
    let cases = [
        (
            "an unwinding dev env with the abort toolchain",
            env_of("unwind", "rust-std-wasip2"),
            "use the toolchain rust-std-wasip2-unwind",
        ),
        (
            "an unwinding dev env with the binary toolchain",
            env_of("unwind", "toolchain"),
            "aborts on panic",
        ),
        (
            "an aborting dev env with the unwinding toolchain",
            env_of("abort", "rust-std-wasip2-unwind"),
            "pass panic = \"unwind\"",
        ),
        (
            "the unwinding toolchain in a shell with the default dev env",
            format!(
                "let w = {scope}; in (w.callPackage {shell} {{ toolchain = w.rust-std-wasip2-unwind; toolchainSource = \"x\"; }}).drvPath"
            ),
            "use devEnvUnwind",
        ),
    ];
    let mut refused = Vec::new();
    for (what, expression, fix) in &cases {
        let output = ctx.run_unchecked(
            "unwind-refusal",
            sandboxed_nix(ctx, "nix-instantiate")
                .args(["--eval", "-E"])
                .arg(expression),
        )?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            !output.status.success(),
            "{what} was accepted: {}",
            stdout_text(&output)
        );
        ensure!(
            stderr.contains(fix),
            "{what}: the refusal does not name the fix {fix:?}:\n{stderr}"
        );
        refused.push(*what);
    }
    // The matching pairs evaluate: the unwind shell and the default one.
    for shell in ["unwind", "default"] {
        let output = ctx.run(
            "unwind-shell-eval",
            sandboxed_nix(ctx, "nix-instantiate")
                .args(["--eval", "-E"])
                .arg(format!(
                    "(import {}).devShells.x86_64-linux.{shell}.drvPath",
                    outputs_file(ctx)
                )),
        )?;
        if !stdout_text(&output).contains(".drv") {
            bail!("devShells.{shell} did not evaluate to a .drv");
        }
    }
    Ok(Verdict::Proved(format!(
        "{} refused at evaluation with the fix ({}); devShells.unwind and devShells.default evaluate",
        refused.len(),
        refused.join("; ")
    )))
}

/// The unwinding shell as a user enters it (`nix-shell --pure`): its toolchain, flags and runner,
/// nothing of the suite's.
fn shell(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    if !unwind_toolchain(ctx).join(TAG_ARCHIVE).exists() {
        return ctx.missing("the unwinding std was not built (see the check before)");
    }
    let Some(env) = ctx.parts.build_env.clone() else {
        return ctx.missing("no Nix build environment (see the parts area)");
    };
    let dir = ctx.fresh_dir("unwind-nix-shell")?;
    copy_tree(
        &ctx.repo.join("suite/fixtures/test-outcomes"),
        &dir.join("test-outcomes"),
    )?;
    let script = "cd test-outcomes && cargo test --offline --locked --target wasm32-wasip2; echo \"cargo test exit: $?\"";
    let output = ctx.run(
        "unwind-nix-shell",
        sandboxed_nix(ctx, "nix-shell")
            .current_dir(&dir)
            .arg(outputs_file(ctx))
            .args([
                "-A",
                "devShells.x86_64-linux.unwind",
                "--pure",
                "--run",
                script,
            ])
            .env("NIX_BUILD_SHELL", &env.bash),
    )?;
    let text = said(&output);
    ensure!(
        text.contains("std unwinds on panic"),
        "the shell's greeting does not say the std unwinds:\n{}",
        tail(&output, 20)
    );
    let wasm_summary = summary(&text)
        .with_context(|| format!("no summary in the shell:\n{}", tail(&output, 30)))?;
    ensure!(
        wasm_summary.starts_with("test result: FAILED. 3 passed; 2 failed; 0 ignored")
            && text.contains("deliberate failure")
            // libtest's 101 arrives through WASI p2 as 1, and cargo exits with it.
            && text.contains("cargo test exit: 1\n"),
        "in devShells.unwind: {wasm_summary:?}:\n{}",
        tail(&output, 30)
    );
    Ok(Verdict::Proved(format!(
        "devShells.unwind: {wasm_summary:?}, the panic message printed, cargo test exit 1 (natively 101: WASI p2 exits carry only failure)"
    )))
}
