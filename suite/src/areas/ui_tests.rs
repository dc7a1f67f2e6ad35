//! The UI-test runner (`ui-tests/run-ui-tests.sh`, run as a Nix build runs it) and what is built
//! on it: a broken expectation and a stale known failure are both reported; the shard plans of
//! `tests/ui` fit the source and each shard's derivation takes only its folders; the offline
//! subset run in shards and merged equals one unsharded run; and wasm32-wasip1 beside wasip2,
//! its std built by the same from-source scripts. The offline subset itself runs in the Nix
//! build of `checks.ui-wasip2` (the nix-builds area).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};
use serde::Deserialize;
use serde_json::Value;

use crate::areas::ui_report::{nix_subset_output, ui_report_binary};
use crate::context::stdout_text;
use crate::support::nix_build::in_build_phase;
use crate::support::standin::{outputs_file, sandboxed_nix};
use crate::support::toolchain::{bootstrap_config_command, debian_source_args, write_std_config};
use crate::support::ui_selection::read_selection;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "ui-tests";
/// The targets with a folder in ui-tests/, each with a shard plan.
const TARGETS: [&str; 3] = ["wasm32-wasip1", "wasm32-wasip2", "wasm32-wasip3"];
/// A test that fails on wasip2 (a component cannot import the module `test`) and is written for
/// core-module targets such as wasip1.
const CORE_MODULE_TEST: &str = "tests/ui/wasm/wasm-link-name-in-foreign-crate-respected.rs";

/// The probe whose expected output is deliberately wrong.
const BROKEN_PROBE: &str = "tests/ui/wasm/offline-suite-broken-expectation.rs";
/// A test that passes on wasip2, listed as a known failure to provoke an "unexpected pass".
const PASSING_TEST: &str = "tests/ui/wasm/wasm-hang-issue-76281.rs";

#[derive(Deserialize, Debug)]
struct Report {
    passed: usize,
    failed: usize,
    ignored: usize,
    seconds: u64,
    failures: Vec<String>,
    unexpected_failures: Vec<String>,
    unexpected_passes: Vec<String>,
}

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "a broken expectation and a stale known failure are reported",
        broken_expectation,
    );
    suite.check(
        AREA,
        "the shard plans (ui-tests/<target>/shards.txt) are ui-report's plans for the source; a stale one is refused; moving one folder changes only its two shards' derivations",
        shard_plans,
    );
    suite.check(
        AREA,
        "the offline subset in 2 shards (run-ui-tests.sh --shard, merged by ui-report --plan) equals its unsharded run test by test; a shard run twice or missing is refused",
        shards_equal_whole,
    );
    suite.check(
        AREA,
        "wasm32-wasip1 beside wasip2: its std from source (build-std.sh), its offline subset with its known failures, the side-by-side report listing what passes on wasip1 and not on wasip2",
        wasip1_beside_wasip2,
    );
}

fn ui_dir(ctx: &Context) -> PathBuf {
    target_dir(ctx, "wasm32-wasip2")
}

fn target_dir(ctx: &Context, target: &str) -> PathBuf {
    ctx.repo.join("ui-tests").join(target)
}

#[derive(Clone)]
struct Inputs {
    source: PathBuf,
    config: PathBuf,
    sdk: PathBuf,
    wasmtime: PathBuf,
}

/// The configuration that makes the toolchain with the wasip2 std the stage-0 compiler, so that
/// compiletest hands tests a sysroot that has the std.
fn inputs(ctx: &Context) -> Result<Option<Inputs>> {
    let (Some(toolchain), Some(source), Some(sdk), Some(wasmtime)) = (
        &ctx.parts.wasip2_toolchain,
        &ctx.parts.rust_source,
        &ctx.parts.wasi_sdk,
        &ctx.parts.wasmtime,
    ) else {
        return Ok(None);
    };
    let config = write_std_config(ctx, toolchain, "bootstrap-ui.toml")?;
    Ok(Some(Inputs {
        source: source.clone(),
        config,
        sdk: sdk.clone(),
        wasmtime: wasmtime.clone(),
    }))
}

fn run_script(
    ctx: &Context,
    inputs: &Inputs,
    label: &str,
    extra: &[&Path],
) -> Result<(bool, Report)> {
    let report_dir = ctx.fresh_dir(label)?;
    let mut command = in_build_phase(ctx, label, &ctx.repo.join("ui-tests/run-ui-tests.sh"))?;
    command
        .arg("--source")
        .arg(&inputs.source)
        .arg("--config")
        .arg(&inputs.config)
        .arg("--wasi-sdk")
        .arg(&inputs.sdk)
        .arg("--wasmtime")
        .arg(&inputs.wasmtime)
        .arg("--report")
        .arg(&report_dir)
        .args(extra);
    let output = ctx.run_unchecked(label, &mut command)?;
    let json = std::fs::read_to_string(report_dir.join("report.json")).with_context(|| {
        format!(
            "run-ui-tests.sh wrote no report ({}):\n{}",
            output.status,
            crate::context::tail(&output, 30)
        )
    })?;
    let report: Report =
        serde_json::from_str(&json).context("report.json is not the expected shape")?;
    Ok((output.status.success(), report))
}

fn broken_expectation(ctx: &mut Context) -> CheckResult {
    let Some(inputs) = inputs(ctx)? else {
        return ctx.missing(
            "needs the toolchain with the wasip2 std, the source tree, the SDK and wasmtime",
        );
    };
    // A run-pass test whose recorded output is wrong: compiletest must run it in wasmtime,
    // compare, and fail.
    let probe = inputs.source.join(BROKEN_PROBE);
    let expected = probe.with_extension("run.stdout");
    std::fs::write(
        &probe,
        "//@ run-pass\n//@ check-run-results\n\nfn main() {\n    println!(\"the real output\");\n}\n",
    )?;
    std::fs::write(&expected, "an output the program never prints\n")?;
    // A known-failures list that names a test which passes.
    let known = ctx.work.join("known-failures-stale.txt");
    std::fs::write(
        &known,
        format!(
            "{}\n{PASSING_TEST}  # listed on purpose: it passes\n",
            std::fs::read_to_string(ui_dir(ctx).join("known-failures.txt"))?
        ),
    )?;
    let result = run_script(
        ctx,
        &inputs,
        "ui-broken-expectation",
        &[
            Path::new("--path"),
            Path::new("tests/ui/wasm"),
            Path::new("--known-failures"),
            &known,
        ],
    );
    let _ = std::fs::remove_file(&probe);
    let _ = std::fs::remove_file(&expected);
    let (ok, report) = result?;
    ensure!(
        !ok,
        "run-ui-tests.sh succeeded although an expectation was broken"
    );
    ensure!(
        report.unexpected_failures == [BROKEN_PROBE],
        "unexpected failures were {:?}, not just the probe",
        report.unexpected_failures
    );
    ensure!(
        report.unexpected_passes == [PASSING_TEST],
        "unexpected passes were {:?}, not just {PASSING_TEST}",
        report.unexpected_passes
    );
    ensure!(
        report.failures.iter().any(|f| f == BROKEN_PROBE),
        "the probe is not among the failures"
    );
    Ok(Verdict::Proved(format!(
        "{} passed, {} failed, {} ignored in {} s; exit 1; unexpected failure {BROKEN_PROBE}, unexpected pass {PASSING_TEST}",
        report.passed, report.failed, report.ignored, report.seconds
    )))
}

/// `ui-report shards` as the plans were written: the same bytes for every target's plan; a plan
/// that lacks a folder is refused with the fix; and, evaluated on the stand-in, a plan with one
/// folder moved between two shards gives new derivations for those two shards and the same
/// derivations for the others.
fn shard_plans(ctx: &mut Context) -> CheckResult {
    let Some(source) = ctx.parts.rust_source.clone() else {
        return ctx.missing("needs the prepared source tree (the rust-std area)");
    };
    let ui_report = ui_report_binary(ctx)?;
    let mut said = Vec::new();
    for target in TARGETS {
        let plan = target_dir(ctx, target).join("shards.txt");
        let text = std::fs::read_to_string(&plan)
            .with_context(|| format!("{} is missing", plan.display()))?;
        let shards: BTreeSet<&str> = plan_lines(&text).map(|(shard, _, _)| shard).collect();
        let output = ctx.run(
            "ui-report-shards",
            Command::new(&ui_report)
                .args(["shards", "--source"])
                .arg(&source)
                .args(["--shards", &shards.len().to_string(), "--target", target]),
        )?;
        ensure!(
            stdout_text(&output) == text,
            "{} is not what `ui-report shards --source <source> --shards {} --target {target}` writes now: regenerate it",
            plan.display(),
            shards.len()
        );
        let tests: usize = plan_lines(&text).map(|(_, tests, _)| tests).sum();
        said.push(format!("{target} {} shards, {tests} tests", shards.len()));
    }

    // A plan that lacks a folder no longer fits the source.
    let dir = ctx.fresh_dir("ui-shard-plans")?;
    let plan = target_dir(ctx, "wasm32-wasip2").join("shards.txt");
    let text = std::fs::read_to_string(&plan)?;
    let (first_shard, _, first_folder) = plan_lines(&text).next().context("an empty plan")?;
    let (first_shard, first_folder) = (first_shard.to_string(), first_folder.to_string());
    let lacking: String = text
        .lines()
        .filter(|line| !line.ends_with(&format!(" {first_folder}")))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(dir.join("lacking.txt"), &lacking)?;
    let output = ctx.run_unchecked(
        "ui-report-shards-stale",
        Command::new(&ui_report)
            .args(["shards", "--source"])
            .arg(&source)
            .arg("--check")
            .arg(dir.join("lacking.txt")),
    )?;
    let error = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.code() == Some(2)
            && error.contains(&format!("{first_folder}: "))
            && error.contains("Regenerate it"),
        "a plan without {first_folder} was not refused with the fix: {} {error}",
        output.status
    );

    // The same plan with the first folder moved to another shard.
    let other = plan_lines(&text)
        .map(|(shard, _, _)| shard)
        .find(|shard| *shard != first_shard)
        .context("the plan has one shard")?
        .to_string();
    let moved: String = text
        .lines()
        .map(
            |line| match line.strip_suffix(&format!(" {first_folder}")) {
                Some(head) if head.starts_with(&format!("{first_shard} ")) => {
                    format!("{}{} {first_folder}\n", other, &head[first_shard.len()..])
                }
                _ => format!("{line}\n"),
            },
        )
        .collect();
    std::fs::write(dir.join("moved.txt"), &moved)?;
    let expression = format!(
        "let s = (import {}).legacyPackages.x86_64-linux.wasip2; \
         drvs = plan: builtins.mapAttrs (name: shard: shard.drvPath) (s.ui-wasip2-full.override {{ inherit plan; }}).shards; \
         in {{ plan = drvs {}; moved = drvs {}; full = s.ui-wasip2-full.drvPath; p1 = s.ui-wasip1-full.drvPath; p3 = s.ui-wasip3-full.drvPath; }}",
        outputs_file(ctx),
        plan.display(),
        dir.join("moved.txt").display()
    );
    let output = ctx.run(
        "nix-eval-ui-shards",
        sandboxed_nix(ctx, "nix-instantiate").args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &expression,
        ]),
    )?;
    let value: Value = serde_json::from_str(&stdout_text(&output))?;
    let drvs = |key: &str| -> Result<BTreeMap<String, String>> {
        Ok(serde_json::from_value(value[key].clone())?)
    };
    let (planned, moved) = (drvs("plan")?, drvs("moved")?);
    let names: Vec<&String> = planned.keys().collect();
    ensure!(
        names.len()
            == plan_lines(&text)
                .map(|(s, _, _)| s)
                .collect::<BTreeSet<_>>()
                .len(),
        "ui-wasip2-full has shards {names:?}, not the plan's"
    );
    let changed: Vec<&String> = planned
        .iter()
        .filter(|(name, drv)| moved.get(*name) != Some(drv))
        .map(|(name, _)| name)
        .collect();
    ensure!(
        changed == [&first_shard, &other] || changed == [&other, &first_shard],
        "moving {first_folder} from {first_shard} to {other} changed the derivations of {changed:?}"
    );
    Ok(Verdict::Proved(format!(
        "{}; a plan without {first_folder} refused (exit 2, says to regenerate); moving {first_folder} from {first_shard} to {other} changes {} of {} shard derivations ({}); ui-wasip1-full, ui-wasip2-full, ui-wasip3-full evaluate",
        said.join(", "),
        changed.len(),
        planned.len(),
        changed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// The `SHARD TESTS FOLDER` lines of a plan.
fn plan_lines(text: &str) -> impl Iterator<Item = (&str, usize, &str)> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (shard, tests, folder) = (words.next()?, words.next()?, words.next()?);
            Some((shard, tests.parse().ok()?, folder))
        })
}

/// `ui-report build` with `args`, whatever its exit status.
fn ui_report_build(
    ctx: &Context,
    ui_report: &Path,
    label: &str,
    args: &[&Path],
) -> Result<std::process::Output> {
    ctx.run_unchecked(label, Command::new(ui_report).arg("build").args(args))
}

/// Each test of a report.json: (target, name) to (outcome, ignore reason).
fn outcomes(report: &Value) -> BTreeMap<(String, String), (String, Option<String>)> {
    report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|test| {
            let name = match test["revision"].as_str() {
                Some(revision) => {
                    format!("{}#{revision}", test["path"].as_str().unwrap_or_default())
                }
                None => test["path"].as_str().unwrap_or_default().to_string(),
            };
            (
                (
                    test["target"].as_str().unwrap_or_default().to_string(),
                    name,
                ),
                (
                    test["outcome"].as_str().unwrap_or_default().to_string(),
                    test["ignore_reason"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn shards_equal_whole(ctx: &mut Context) -> CheckResult {
    let Some(inputs) = inputs(ctx)? else {
        return ctx.missing(
            "needs the toolchain with the wasip2 std, the source tree, the SDK and wasmtime",
        );
    };
    let ui_report = ui_report_binary(ctx)?;
    let known = ui_dir(ctx).join("known-failures.txt");
    let folders = read_selection(&ui_dir(ctx).join("offline-subset.txt"))?;
    let dir = ctx.fresh_dir("ui-shards")?;
    let plan = dir.join("shards.txt");
    let mut command = Command::new(&ui_report);
    command
        .args(["shards", "--source"])
        .arg(&inputs.source)
        .args(["--shards", "2"]);
    for folder in &folders {
        command.args(["--only", folder]);
    }
    let output = ctx.run("ui-report-shards-subset", &mut command)?;
    std::fs::write(&plan, stdout_text(&output))?;
    let shards: Vec<String> = plan_lines(&stdout_text(&output))
        .map(|(shard, _, _)| shard.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ensure!(
        shards.len() == 2,
        "the subset's plan has shards {shards:?}, not 2"
    );

    let mut logs = Vec::new();
    let mut times = Vec::new();
    for shard in &shards {
        let label = format!("ui-shard-{shard}");
        let (ok, report) = run_script(
            ctx,
            &inputs,
            &label,
            &[
                Path::new("--shard"),
                &plan,
                Path::new("--shard-name"),
                Path::new(shard),
                Path::new("--known-failures"),
                &known,
            ],
        )?;
        ensure!(
            ok,
            "{shard} had unexpected results: {:?} {:?}",
            report.unexpected_failures,
            report.unexpected_passes
        );
        logs.push(ctx.work.join(&label).join("compiletest.log"));
        times.push(format!(
            "{shard} {} tests {} s",
            report.passed + report.failed + report.ignored,
            report.seconds
        ));
    }
    let mut whole_args: Vec<&Path> = Vec::new();
    for folder in &folders {
        whole_args.extend([Path::new("--exact"), Path::new(folder)]);
    }
    whole_args.extend([Path::new("--known-failures"), &known]);
    let (ok, whole) = run_script(ctx, &inputs, "ui-shards-whole", &whole_args)?;
    ensure!(ok, "the unsharded run had unexpected results");

    let merged = dir.join("merged");
    let mut args: Vec<&Path> = vec![Path::new("--out"), &merged, Path::new("--plan"), &plan];
    args.extend(logs.iter().map(PathBuf::as_path));
    let output = ui_report_build(ctx, &ui_report, "ui-report-merge-shards", &args)?;
    ensure!(
        output.status.success(),
        "merging the shards failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let whole_dir = dir.join("whole");
    let whole_log = ctx.work.join("ui-shards-whole/compiletest.log");
    let output = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-whole",
        &[Path::new("--out"), &whole_dir, &whole_log],
    )?;
    ensure!(
        output.status.success(),
        "the unsharded report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (merged_json, whole_json) = (
        read_json(&merged.join("report.json"))?,
        read_json(&whole_dir.join("report.json"))?,
    );
    let (merged_tests, whole_tests) = (outcomes(&merged_json), outcomes(&whole_json));
    ensure!(
        merged_tests == whole_tests,
        "the merged shards and the unsharded run differ: only sharded {:?}, only unsharded {:?}",
        merged_tests
            .iter()
            .filter(|(k, v)| whole_tests.get(*k) != Some(v))
            .take(5)
            .collect::<Vec<_>>(),
        whole_tests
            .iter()
            .filter(|(k, v)| merged_tests.get(*k) != Some(v))
            .take(5)
            .collect::<Vec<_>>()
    );
    // No times or machine paths are in report.json: the two are the same bytes, failures'
    // compiletest output included.
    let same_bytes =
        std::fs::read(merged.join("report.json"))? == std::fs::read(whole_dir.join("report.json"))?;
    ensure!(
        same_bytes,
        "the merged report.json and the unsharded one have the same outcomes but not the same bytes"
    );

    // What the merge refuses: a shard given twice (the same tests in two inputs), a shard missing.
    let twice = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-merge-twice",
        &[
            Path::new("--out"),
            &dir.join("twice"),
            Path::new("--plan"),
            &plan,
            &logs[0],
            &logs[0],
            &logs[1],
        ],
    )?;
    let twice_error = String::from_utf8_lossy(&twice.stderr).to_string();
    ensure!(
        twice.status.code() == Some(2) && twice_error.contains("shards overlap"),
        "a shard merged twice was not refused: {twice_error}"
    );
    let missing = ui_report_build(
        ctx,
        &ui_report,
        "ui-report-merge-missing",
        &[
            Path::new("--out"),
            &dir.join("missing"),
            Path::new("--plan"),
            &plan,
            &logs[0],
        ],
    )?;
    let missing_error = String::from_utf8_lossy(&missing.stderr).to_string();
    ensure!(
        missing.status.code() == Some(2) && missing_error.contains("not the plan's tests"),
        "a missing shard was not refused: {missing_error}"
    );

    // The substring filters of x.py's paths, which the Nix-built subset uses, run neighbours too:
    // the exact runs hold that subset's tests in these folders, with the same outcomes, and no other.
    let nix = read_json(&nix_subset_output(ctx, "wasm32-wasip2")?.join("ui-report/report.json"))?;
    let nix_tests = outcomes(&nix);
    let in_folders = |name: &str| folders.iter().any(|f| name.starts_with(&format!("{f}/")));
    let (inside, outside): (BTreeMap<_, _>, BTreeMap<_, _>) = nix_tests
        .into_iter()
        .partition(|((_, name), _)| in_folders(name));
    ensure!(
        inside == merged_tests,
        "the Nix-built subset's tests in {folders:?} differ from the shards' ({} against {})",
        inside.len(),
        merged_tests.len()
    );
    Ok(Verdict::Proved(format!(
        "plan of {folders:?} in {} shards ({}); merged report.json = unsharded report.json, same bytes, {} tests ({} passed, {} failed, {} ignored unsharded in {} s); a shard twice refused (\"shards overlap\"), a shard missing refused; the substring-filtered Nix subset has the same {} tests in these folders and {} more outside them",
        shards.len(),
        times.join(", "),
        merged_tests.len(),
        whole.passed,
        whole.failed,
        whole.ignored,
        whole.seconds,
        inside.len(),
        outside.len()
    )))
}

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

fn wasip1_beside_wasip2(ctx: &mut Context) -> CheckResult {
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
