//! Every template as a user gets it: `nix flake init -t path:<repo>#<name>` with Debian's Nix into
//! a fresh folder, then in that folder what the template's flake checks run: fmt, clippy with
//! warnings denied, the tests under Wasmtime, a release build and the smoke run (the same
//! scripts the flake checks call, where the template has one). The wasip3 template builds with
//! the from-source p3 toolchain Nix builds on the stand-in, as its flake does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};

use self::files::{check_flake_inputs, check_lock, every_template_listed, same_toolchain_as_flake};
use self::smoke::run_smoke;
use crate::context::{stdout_text, which};
use crate::support::files::flake_copy;
use crate::support::toolchain::{cargo_of, eval_dev_env, keep_target_between_runs, toolchain_key};
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

mod files;
mod http;
mod p3;
mod smoke;

const AREA: &str = "templates";
/// What a user types for this flake, and what the templates name as their input.
const FLAKE_URL: &str = "github:wasip2-flake/wasip2-flake";

/// Each template, the component its release build makes (relative to the target folder, whose
/// first part is the target), and the smoke run that proves it works.
const TEMPLATES: &[(&str, &str, Smoke)] = &[
    (
        "wasip2",
        "wasm32-wasip2/release/wordcount.wasm",
        Smoke::Wordcount,
    ),
    (
        "wasip2-c",
        "wasm32-wasip2/release/checksum.wasm",
        Smoke::Checksum,
    ),
    (
        "wasip2-http",
        "wasm32-wasip2/release/http_hello.wasm",
        Smoke::HttpServe,
    ),
    (
        "wasip2-component",
        "wasm32-wasip2/release/greeter.wasm",
        Smoke::WitAndInvoke,
    ),
    (
        "wasip3",
        "wasm32-wasip3/release/p3hello.wasm",
        Smoke::P3CommandAndTimers,
    ),
];

#[derive(Clone, Copy)]
enum Smoke {
    Wordcount,
    Checksum,
    HttpServe,
    WitAndInvoke,
    P3CommandAndTimers,
}

/// The files every template ships; no flake.lock (the user's Nix writes it).
const REQUIRED_FILES: &[&str] = &[
    "flake.nix",
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo/config.toml",
    "README.md",
    ".envrc",
    ".gitignore",
];

/// The Wasmtime of the parts, which the smoke and http checks run components with.
fn wasmtime(ctx: &Context) -> Result<Command> {
    let Some(dir) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
    };
    Ok(Command::new(dir.join("bin/wasmtime")))
}

pub fn run(suite: &mut Suite) {
    for (name, component, smoke) in TEMPLATES {
        suite.check(
            AREA,
            &format!(
                "{name}: flake init, fmt, clippy, tests in wasmtime, release build, smoke run"
            ),
            |ctx| template(ctx, name, component, *smoke),
        );
    }
    suite.check(
        AREA,
        "every folder under templates/ is a template of nix/templates.nix and is checked here",
        every_template_listed,
    );
    suite.check(
        AREA,
        "an unknown template name gets Nix's error naming it",
        bogus_template,
    );
}

fn prerequisites(ctx: &Context) -> Option<String> {
    if which("nix").is_none() {
        Some("nix is not installed (apt-get install nix-bin)".into())
    } else if ctx.parts.wasip2_toolchain.is_none() {
        Some("no toolchain with the wasip2 std (see the rust-std area)".into())
    } else if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        Some("no wasmtime or no SDK (see the parts area)".into())
    } else {
        None
    }
}

/// `nix flake init -t path:<copy of the repository>#<name>` in a fresh folder.
fn flake_init(ctx: &Context, flake: &Path, name: &str) -> Result<(PathBuf, String)> {
    let dir = ctx.fresh_dir(&format!("template-{name}"))?;
    let output = ctx.run(
        &format!("flake-init-{name}"),
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#{name}", flake.display())),
    )?;
    let said = format!(
        "{}{}",
        stdout_text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((dir, said))
}

fn template(ctx: &mut Context, name: &str, component: &str, smoke: Smoke) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let (dir, welcome) = flake_init(ctx, &flake, name)?;
    for file in REQUIRED_FILES {
        ensure!(dir.join(file).is_file(), "the template has no {file}");
    }
    ensure!(
        !dir.join("flake.lock").exists(),
        "the template ships a flake.lock; the user's Nix should write it"
    );
    ensure!(
        welcome.contains("nix develop") && welcome.contains("nix flake check"),
        "the welcome text does not give the next commands:\n{welcome}"
    );

    let target = component
        .split('/')
        .next()
        .context("the component's path names no target")?;
    check_flake_inputs(ctx, &dir)?;
    let channel = same_toolchain_as_flake(ctx, &dir, target)?;
    let locked = check_lock(&dir)?;

    // `--locked` as crane builds: the shipped Cargo.lock must be current.
    let (toolchain, env) = if target == p3::TARGET {
        p3::toolchain(ctx)?
    } else {
        let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
            bail!("the toolchain with the wasip2 std is needed (see the rust-std area)");
        };
        (toolchain, eval_dev_env(ctx)?)
    };
    keep_target_between_runs(
        ctx,
        &dir,
        &format!("template-{name}"),
        &toolchain_key(&toolchain)?,
    )?;
    let cargo = |dir: &Path| cargo_of(&toolchain, &env, dir);
    ctx.run(&format!("{name}-fmt"), cargo(&dir).args(["fmt", "--check"]))?;
    ctx.run(
        &format!("{name}-clippy"),
        cargo(&dir).args([
            "clippy",
            "--locked",
            "--all-targets",
            "--",
            "--deny",
            "warnings",
        ]),
    )?;
    ctx.run(
        &format!("{name}-doc"),
        cargo(&dir)
            .args(["doc", "--locked", "--no-deps"])
            .env("RUSTDOCFLAGS", "--deny warnings"),
    )?;
    // Debug, as a user types it and crane's test check runs it, and release, the profile the
    // component ships in.
    let mut passed = Vec::new();
    for profile in [&[][..], &["--release"][..]] {
        let tests = ctx.run(
            &format!("{name}-test"),
            cargo(&dir).args(["test", "--locked"]).args(profile),
        )?;
        let count = passed_tests(&format!(
            "{}{}",
            stdout_text(&tests),
            String::from_utf8_lossy(&tests.stderr)
        ));
        ensure!(count > 0, "cargo test {profile:?} ran no test");
        passed.push(count);
    }
    ensure!(
        passed[0] == passed[1],
        "cargo test passed {} tests in debug but {} in release",
        passed[0],
        passed[1]
    );
    let passed = passed[0];
    ctx.run(
        &format!("{name}-build"),
        cargo(&dir).args(["build", "--locked", "--release"]),
    )?;
    let wasm = dir.join("target").join(component);
    expect_component(&wasm)?;
    let size = std::fs::metadata(&wasm)?.len();
    // The crates are in cargo's cache now: the lock resolves without the network.
    ctx.run(
        &format!("{name}-offline"),
        cargo(&dir).args(["metadata", "--locked", "--offline", "--format-version", "1"]),
    )?;
    let ran = if target == p3::TARGET {
        format!("; {}", p3_cargo_run(ctx, &mut cargo(&dir))?)
    } else {
        String::new()
    };
    let rebuilt = rebuild_is_identical(ctx, &cargo, &dir, &wasm, target)?;
    let smoked = run_smoke(ctx, &dir, &wasm, smoke)?;
    Ok(Verdict::Proved(format!(
        "Rust {channel} as the flake; {locked}; fmt, clippy, doc clean; {passed} tests passed in wasmtime (debug and release){ran}; release component {size} bytes, {rebuilt}; {smoked}"
    )))
}

/// `cargo run` in the wasip3 template: the runner of the p3 shell runs the command, which says it
/// was compiled for WASIp3.
fn p3_cargo_run(ctx: &Context, cargo: &mut Command) -> Result<String> {
    let output = ctx.run("wasip3-cargo-run", cargo.args(["run", "--locked"]))?;
    let said = stdout_text(&output);
    let expected = "Hello, world, from a component built for WASIp3";
    ensure!(
        said.trim() == expected,
        "cargo run printed {said:?}, not {expected:?}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let running = stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("Running `"))
        .unwrap_or_default();
    ensure!(
        running.contains(p3::RUNNER_FLAGS) && running.contains("wasm32-wasip3/debug/p3hello.wasm"),
        "cargo run did not go through the p3 runner: {running:?}"
    );
    Ok(format!(
        "cargo run printed {expected:?} under `{}`",
        running.trim_end_matches('`')
    ))
}

/// The project's own crate compiled again from scratch (its dependencies kept) gives the same
/// bytes: the offline form of the flake's `reproducible` check.
fn rebuild_is_identical(
    ctx: &Context,
    cargo: &impl Fn(&Path) -> Command,
    dir: &Path,
    wasm: &Path,
    target: &str,
) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    let package = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim_matches('"').to_string())
        .context("Cargo.toml names no package")?;
    let first = std::fs::read(wasm)?;
    ctx.run(
        "template-clean",
        cargo(dir).args(["clean", "--release", "--target", target, "-p", &package]),
    )?;
    ensure!(!wasm.exists(), "cargo clean left {}", wasm.display());
    let rebuild = ctx.run(
        "template-rebuild",
        cargo(dir).args(["build", "--locked", "--release"]),
    )?;
    ensure!(
        String::from_utf8_lossy(&rebuild.stderr).contains(&format!("Compiling {package} ")),
        "cargo did not compile {package} again"
    );
    ensure!(
        std::fs::read(wasm)? == first,
        "rebuilding {package} gave different bytes"
    );
    Ok(format!("identical when {package} is rebuilt"))
}

/// The sum of "N passed" over cargo test's result lines.
fn passed_tests(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|n| n.parse::<usize>().ok())
        .sum()
}

fn bogus_template(ctx: &mut Context) -> CheckResult {
    if which("nix").is_none() {
        return ctx.missing("nix is not installed (apt-get install nix-bin)");
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let dir = ctx.fresh_dir("template-bogus")?;
    let output = ctx.run_unchecked(
        "flake-init-bogus",
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#bogus", flake.display())),
    )?;
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    ensure!(
        !output.status.success() && message.contains("templates.bogus"),
        "`nix flake init -t …#bogus` did not fail with Nix's error:\n{message}"
    );
    let leftovers: BTreeMap<_, _> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| (e.file_name(), ()))
        .collect();
    ensure!(leftovers.is_empty(), "a failed init left files behind");
    Ok(Verdict::Proved(format!(
        "\"{}\"",
        message
            .lines()
            .find(|line| line.contains("bogus"))
            .unwrap_or_default()
            .trim()
    )))
}
