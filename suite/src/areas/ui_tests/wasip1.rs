//! wasm32-wasip1 beside wasip2: `rust-std-wasip1` and `ui-wasip1` on its offline subset as Nix
//! builds them on the stand-in, and the side-by-side report of the two targets.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure};

use super::report_json::{outcomes, read_json, ui_report_build};
use crate::context::stdout_text;
use crate::support::standin::{build_expression, expression_for, ui_report_binary, ui_subset};
use crate::{CheckResult, Context, Verdict};

/// A test that fails on wasip2 (a component cannot import the module `test`) and is written for
/// core-module targets such as wasip1.
const CORE_MODULE_TEST: &str = "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs";

pub(super) fn wasip1_beside_wasip2(ctx: &mut Context) -> CheckResult {
    let Some(wasmtime) = ctx.parts.wasmtime.clone() else {
        return ctx.missing("needs wasmtime (see the parts area)");
    };
    // The std of wasip1 and wasip2 from one bootstrap run, as the flake's package builds it.
    let attribute = "packages.x86_64-linux.rust-std-wasip1";
    let toolchain = ctx.work.join("toolchain-wasip1");
    let built = build_expression(
        ctx,
        attribute,
        &expression_for(ctx, attribute),
        Some(&toolchain),
    )?;
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
        Command::new(wasmtime.join("bin/wasmtime"))
            .args(["run", "-C", "cache=n", "hello.wasm"])
            .current_dir(&hello),
    )?;
    ensure!(
        stdout_text(&output).trim() == "hello from wasip1",
        "the wasip1 hello printed {:?}",
        stdout_text(&output)
    );

    // ui-wasip1's build fails on an outcome its known failures do not say.
    let p1 = ui_subset(ctx, "wasm32-wasip1")?;
    // Side by side with the wasip2 subset as Nix built it (the same paths).
    let ui_report = ui_report_binary(ctx)?;
    let p2 = ui_subset(ctx, "wasm32-wasip2")?.out;
    let dir = ctx.fresh_dir("ui-wasip1-wasip2")?;
    let p1_log = p1.out.join("compiletest.log");
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
        "{built}; a wasip1 hello (core module) ran; {}; side by side with wasip2: {} pass on wasip1 and not on wasip2 ({}), {only_p2} the other way; the page shows them",
        p1.summary,
        only_p1.len(),
        only_p1
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
