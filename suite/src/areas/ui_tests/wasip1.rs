//! wasm32-wasip1 beside wasip2: its std from the same from-source scripts, its offline subset,
//! and the side-by-side report of the two.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail, ensure};

use super::report_json::{outcomes, read_json, ui_report_build};
use super::runner::{Inputs, run_script};
use super::target_dir;
use crate::context::stdout_text;
use crate::support::nix_build::in_build_phase;
use crate::support::standin::{nix_subset_output, ui_report_binary};
use crate::support::toolchain::{bootstrap_config_command, debian_source_args};
use crate::{CheckResult, Context, Verdict};

/// A test that fails on wasip2 (a component cannot import the module `test`) and is written for
/// core-module targets such as wasip1.
const CORE_MODULE_TEST: &str = "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs";

/// The wasip1 std as the std derivations build it (bootstrap-config.sh, build-std.sh), a toolchain
/// with it, and a runner configuration for wasip1 tests.
fn wasip1_inputs(ctx: &Context) -> Result<Option<Inputs>> {
    let (Some(stage0), Some(source), Some(sdk), Some(wasmtime)) = (
        &ctx.parts.stage0,
        &ctx.parts.rust_source,
        &ctx.parts.wasi_sdk,
        &ctx.parts.wasmtime,
    ) else {
        return Ok(None);
    };
    let config_for = |name: &str, stage0: &Path| -> Result<PathBuf> {
        let mut command = bootstrap_config_command(ctx, name, source, stage0, sdk)?;
        debian_source_args(&mut command);
        command.args(["--target", "wasm32-wasip1"]);
        let output = ctx.run("bootstrap-config-wasip1", &mut command)?;
        let config = ctx.work.join(name);
        std::fs::write(&config, &output.stdout)?;
        Ok(config)
    };
    let std_config = config_for("bootstrap-std-wasip1.toml", stage0)?;
    let toolchain = ctx.work.join("toolchain-wasip1");
    let mut command = in_build_phase(
        ctx,
        "build-std-wasip1",
        &ctx.repo.join("scripts/rustc/build-std.sh"),
    )?;
    command
        .arg("--source")
        .arg(source)
        .arg("--config")
        .arg(&std_config)
        .arg("--wasi-sdk")
        .arg(sdk)
        .arg("--std-out")
        .arg(ctx.work.join("rust-std-wasip1"))
        .arg("--toolchain-out")
        .arg(&toolchain)
        .args(["--target", "wasm32-wasip1"]);
    ctx.run("build-std-wasip1", &mut command)?;
    let config = config_for("bootstrap-ui-wasip1.toml", &toolchain)?;
    Ok(Some(Inputs {
        source: source.clone(),
        config,
        sdk: sdk.clone(),
        wasmtime: wasmtime.clone(),
    }))
}

pub(super) fn wasip1_beside_wasip2(ctx: &mut Context) -> CheckResult {
    let Some(inputs) = wasip1_inputs(ctx)? else {
        return ctx.missing("needs the stage-0 toolchain, the source tree, the SDK and wasmtime");
    };
    let toolchain = ctx.work.join("toolchain-wasip1");
    // The std works: a hello for wasip1 is a core module (not a component) that runs.
    let hello = ctx.fresh_dir("wasip1-hello")?;
    std::fs::write(
        hello.join("hello.rs"),
        "fn main() { println!(\"hello from wasip1\"); }\n",
    )?;
    ctx.run(
        "wasip1-hello",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", "wasm32-wasip1", "hello.rs", "-o", "hello.wasm"])
            .current_dir(&hello),
    )?;
    let bytes = std::fs::read(hello.join("hello.wasm"))?;
    ensure!(
        bytes.starts_with(b"\0asm\x01\0\0\0"),
        "the wasip1 hello is not a core module (header {:?})",
        &bytes[..bytes.len().min(8)]
    );
    let output = ctx.run(
        "wasip1-hello-run",
        Command::new(inputs.wasmtime.join("bin/wasmtime"))
            .args(["run", "-C", "cache=n", "hello.wasm"])
            .current_dir(&hello),
    )?;
    ensure!(
        stdout_text(&output).trim() == "hello from wasip1",
        "the wasip1 hello printed {:?}",
        stdout_text(&output)
    );

    let p1_dir = target_dir(ctx, "wasm32-wasip1");
    let (ok, report) = run_script(
        ctx,
        &inputs,
        "ui-wasip1-offline-subset",
        &[
            Path::new("--target"),
            Path::new("wasm32-wasip1"),
            Path::new("--selection"),
            &p1_dir.join("offline-subset.txt"),
            Path::new("--known-failures"),
            &p1_dir.join("known-failures.txt"),
        ],
    )?;
    ensure!(
        ok,
        "the wasip1 subset does not match ui-tests/wasm32-wasip1/known-failures.txt: unexpected failures {:?}, unexpected passes {:?}",
        report.unexpected_failures,
        report.unexpected_passes
    );

    // Side by side with the wasip2 subset as Nix built it (the same paths).
    let ui_report = ui_report_binary(ctx)?;
    let p2 = nix_subset_output(ctx, "wasm32-wasip2")?;
    let dir = ctx.fresh_dir("ui-wasip1-wasip2")?;
    let p1_log = ctx.work.join("ui-wasip1-offline-subset/compiletest.log");
    let p2_log = p2.join("compiletest.log");
    let output = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-p1-p2",
        &[Path::new("--out"), &dir, &p1_log, &p2_log],
    )?;
    if !output.status.success() {
        bail!(
            "ui-report build of p1 and p2 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let both = read_json(&dir.join("report.json"))?;
    let tests = outcomes(&both);
    let outcome = |target: &str, name: &str| {
        tests
            .get(&(target.to_string(), name.to_string()))
            .map(|(o, _)| o.as_str())
    };
    let names: BTreeSet<&String> = tests.keys().map(|(_, name)| name).collect();
    let only_p1: Vec<&String> = names
        .iter()
        .copied()
        .filter(|name| {
            outcome("wasm32-wasip1", name) == Some("passed")
                && outcome("wasm32-wasip2", name).is_some_and(|o| o != "passed")
        })
        .collect();
    let only_p2 = names
        .iter()
        .filter(|name| {
            outcome("wasm32-wasip2", name) == Some("passed")
                && outcome("wasm32-wasip1", name).is_some_and(|o| o != "passed")
        })
        .count();
    ensure!(
        only_p1.iter().any(|name| *name == CORE_MODULE_TEST),
        "{CORE_MODULE_TEST} is not among the tests that pass on wasip1 and not on wasip2: {only_p1:?}"
    );
    let page = std::fs::read_to_string(dir.join("report.html"))?;
    let shown = format!(
        "id=\"count-passes-on-wasm32-wasip1-not-wasm32-wasip2\">{}<",
        only_p1.len()
    );
    ensure!(page.contains(&shown), "the page does not show {shown}");
    for name in &only_p1 {
        ensure!(
            page.contains(name.as_str()),
            "the page does not list {name}"
        );
    }
    Ok(Verdict::Proved(format!(
        "a wasip1 hello (core module) ran; wasip1 subset {} passed, {} failed, {} ignored in {} s, as its known failures say; side by side with wasip2: {} pass on wasip1 and not on wasip2 ({}), {only_p2} the other way; the page shows them",
        report.passed,
        report.failed,
        report.ignored,
        report.seconds,
        only_p1.len(),
        only_p1
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
