//! Rust built from source with wasm32-wasip2 (`packages.rustc-wasip2`), used as a user uses it:
//! `devShells.source` entered with `nix-shell --pure`, the compiler's own `rustc` and `cargo`
//! building the wordcount template (its tests under the runner, its component in Wasmtime) and a
//! crate whose build script compiles C through the cc crate; and rustc's UI tests on the offline
//! subset against that compiler, counted as against the binary release.
//!
//! The build takes hours on two cores (bench/rustc-build.sh builds and measures it;
//! docs/rustc-from-source.md records the figures), far beyond CI's time: where its output is not
//! in the Nix store these checks are skipped and say so. The suite never starts that build.

use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};

use crate::context::{stdout_text, tail};
use crate::support::files::copy_tree;
use crate::support::standin::{
    build_expression, instantiate, outputs_file, sandboxed_nix, standin_dir, store_path, ui_subset,
    ui_subset_expression,
};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "rustc-source";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "devShells.source (nix-shell --pure) with the from-source rustc: 1.95.0 with its LLVM, wasip2 and wasip3 targets, the template's cargo test and component in Wasmtime, C through the cc crate",
        source_shell,
    );
    suite.check(
        AREA,
        "ui-wasip2-source on the offline subset: the same counts as against the binary release",
        ui_against_source,
    );
}

/// The output of rustc-wasip2 when it is in the store; why not, otherwise.
fn built_compiler(ctx: &Context) -> Result<std::result::Result<String, String>> {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the nix-builds area)");
    }
    let expression = format!(
        "(import {}).packages.x86_64-linux.rustc-wasip2",
        outputs_file(ctx)
    );
    let (drv, built) = instantiate(ctx, &expression)?;
    if !built {
        return Ok(Err(format!(
            "rustc-wasip2 ({drv}) is not in the Nix store: its build takes hours, which CI does not have (bench/rustc-build.sh builds and measures it; docs/rustc-from-source.md records the figures)"
        )));
    }
    let out = ctx.run(
        "rustc-wasip2-out",
        Command::new("nix-store")
            .args(["-q", "--outputs"])
            .arg(&drv),
    )?;
    Ok(Ok(stdout_text(&out).trim().to_string()))
}

fn source_shell(ctx: &mut Context) -> CheckResult {
    let out = match built_compiler(ctx)? {
        Ok(out) => out,
        Err(why) => return Ok(Verdict::Skipped(why)),
    };
    let Some(env) = ctx.parts.build_env.clone() else {
        return ctx.missing("no Nix build environment (see the parts area)");
    };
    let work = ctx.fresh_dir("rustc-source-shell")?;
    copy_tree(&ctx.repo.join("templates/wasip2"), &work.join("wordcount"))?;
    copy_tree(
        &ctx.repo.join("suite/fixtures/c-dependency"),
        &work.join("c-dependency"),
    )?;
    // The shell has no network: the crates are fetched ahead, as a user's first build would
    // (the template's by its lock file; the C fixture has none, so fetching writes it).
    for (project, args) in [
        ("wordcount", &["fetch", "--locked"][..]),
        ("c-dependency", &["fetch"][..]),
    ] {
        ctx.run(
            "rustc-source-fetch",
            Command::new("cargo")
                .args(args)
                .current_dir(work.join(project)),
        )?;
    }
    let script = r#"set -e
echo "rustc at: $(command -v rustc)"
rustc -vV
rustc --print target-list | grep -x -e wasm32-wasip2 -e wasm32-wasip3 | sed 's/^/target: /'
(cd wordcount && cargo test --offline --locked && echo 'a b c' | cargo run --offline --locked --quiet)
(cd wordcount && cargo build --offline --locked --release && wasmtime run -C cache=n --dir . target/wasm32-wasip2/release/wordcount.wasm README.md | sed 's/^/component: /')
(cd c-dependency && cargo run --offline --quiet --target wasm32-wasip2)
grep -l -F "$CC_wasm32_wasip2" c-dependency/target/wasm32-wasip2/debug/build/*/output >/dev/null && echo "cc used $CC_wasm32_wasip2""#;
    let output = ctx.run(
        "rustc-source-shell",
        sandboxed_nix(ctx, "nix-shell")
            .current_dir(&work)
            .arg(outputs_file(ctx))
            .args(["-A", "devShells.x86_64-linux.source", "--pure", "--run"])
            .arg(script)
            .env("NIX_BUILD_SHELL", &env.bash),
    )?;
    let said = format!(
        "{}{}",
        stdout_text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    let line = |prefix: &str| {
        said.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
            .map(str::to_string)
    };
    let rustc = line("rustc at:").context("the shell printed no rustc path")?;
    ensure!(
        rustc.starts_with(&out),
        "rustc in devShells.source is {rustc}, not the from-source one in {out}"
    );
    let release = line("release:").unwrap_or_default();
    let llvm = line("LLVM version:").unwrap_or_default();
    ensure!(
        release == ctx.pins.rust && llvm.starts_with("22."),
        "rustc -vV says release {release:?}, LLVM {llvm:?}; expected {} with LLVM 22:\n{}",
        ctx.pins.rust,
        tail(&output, 20)
    );
    let targets: Vec<String> = said
        .lines()
        .filter_map(|l| l.strip_prefix("target: "))
        .map(str::to_string)
        .collect();
    ensure!(
        targets == ["wasm32-wasip2", "wasm32-wasip3"],
        "rustc --print target-list has {targets:?}"
    );
    let component = line("component:").context("the component printed nothing")?;
    let cc = line("cc used").context("the C crate's build did not use the shell's CC")?;
    let passed: usize = said
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    ensure!(
        passed > 0 && !said.contains("test result: FAILED"),
        "the template's tests in devShells.source: {passed} passed:\n{}",
        tail(&output, 30)
    );
    Ok(Verdict::Proved(format!(
        "rustc {release} (LLVM {llvm}) from {out}; targets {}; wordcount: {passed} tests passed, its component in Wasmtime: {component}; C compiled by {cc}",
        targets.join(", ")
    )))
}

fn ui_against_source(ctx: &mut Context) -> CheckResult {
    if let Err(why) = built_compiler(ctx)? {
        return Ok(Verdict::Skipped(why));
    }
    let release = ui_subset(ctx, "wasm32-wasip2")?;
    let expression = ui_subset_expression(ctx, "wasm32-wasip2")?.replace(
        ".wasip2.ui-wasip2.override { pname = \"ui-wasip2-offline-subset\";",
        ".wasip2.ui-wasip2-source.override { pname = \"ui-wasip2-source-offline-subset\";",
    );
    ensure!(
        expression.contains("ui-wasip2-source"),
        "the offline subset's expression changed form: {expression}"
    );
    let built = build_expression(ctx, "ui-wasip2-source offline subset", &expression, None)?;
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        store_path(&built).join("report.json"),
    )?)?;
    let counts = |report: &serde_json::Value| {
        ["passed", "failed", "ignored"]
            .map(|key| format!("{key} {}", report[key].as_u64().unwrap_or(0)))
            .join(", ")
    };
    let (ours, theirs) = (counts(&report), counts(&release.report));
    ensure!(
        ours == theirs && report["unexpected_failures"] == release.report["unexpected_failures"],
        "against the from-source compiler: {ours}; against the binary release: {theirs}"
    );
    Ok(Verdict::Proved(format!(
        "{ours} against the from-source compiler, as against the binary release ({built})"
    )))
}
