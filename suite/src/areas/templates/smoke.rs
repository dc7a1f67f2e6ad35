//! Each template's smoke run: its `scripts/smoke.sh` as the flake's `smoke` check runs it, and
//! for the http, component and wasip3 templates what only a client or wasm-tools can show.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};

use super::http::http_over_loopback;
use super::{Smoke, wasmtime};
use crate::Context;
use crate::context::{package_dir, stdout_text, tail};
use crate::nix_build::Stdenv;

/// The template's `scripts/smoke.sh` as its flake's `smoke` check runs it: `runCommand` (no C
/// compiler) with the template's wasmtime (the flake's wasmtime-p3 for wasip3, nixpkgs' release
/// for the others) and, for the http template, curl declared; the components are its arguments.
fn run_smoke_script(ctx: &Context, dir: &Path, wasms: &[&Path], smoke: Smoke) -> Result<String> {
    let wasmtime = match smoke {
        Smoke::P3CommandAndTimers => ctx
            .parts
            .wasmtime_p3
            .as_ref()
            .context("no wasmtime-p3 (the nix-builds area builds it)")?,
        _ => ctx
            .parts
            .wasmtime
            .as_ref()
            .context("no wasmtime (see the parts area)")?,
    };
    let host_inputs: &[&str] = match smoke {
        Smoke::HttpServe => &["curl"],
        _ => &[],
    };
    let (mut command, _) = ctx.nix_build_script(
        "template-smoke",
        Stdenv::NoCC,
        &[wasmtime],
        host_inputs,
        &dir.join("scripts/smoke.sh"),
    )?;
    let output = ctx.run("template-smoke", command.args(wasms))?;
    let said = stdout_text(&output);
    let lines: Vec<&str> = said
        .lines()
        .filter_map(|l| l.strip_prefix("smoke: "))
        .collect();
    ensure!(
        !lines.is_empty(),
        "scripts/smoke.sh printed no result:\n{said}"
    );
    Ok(lines.join("; "))
}

pub(super) fn run_smoke(ctx: &Context, dir: &Path, wasm: &Path, smoke: Smoke) -> Result<String> {
    if let Smoke::P3CommandAndTimers = smoke {
        return p3_command_and_timers(ctx, dir, wasm);
    }
    let script = run_smoke_script(ctx, dir, &[wasm], smoke)?;
    match smoke {
        Smoke::Wordcount | Smoke::Checksum | Smoke::P3CommandAndTimers => {
            Ok(format!("smoke.sh in a Nix build's environment: {script}"))
        }
        Smoke::HttpServe => {
            // Beyond the script: a client written here, over the same loopback.
            let spoken = http_over_loopback(ctx, wasm)?;
            Ok(format!(
                "smoke.sh in a Nix build's environment: {script}; from Rust: {spoken}"
            ))
        }
        Smoke::WitAndInvoke => {
            // A folder with bin/wasm-tools, as nixpkgs' wasm-tools package is.
            let Some(wasm_tools) = package_dir("wasm-tools") else {
                bail!("wasm-tools is not installed (bash .ci/install.sh)");
            };
            // The flake's `wit` check: check-wit.sh with wasm-tools declared.
            let wit_check = |label: &str, wit: &Path| -> Result<std::process::Output> {
                let (mut command, _) = ctx.nix_build_script(
                    label,
                    Stdenv::NoCC,
                    &[&wasm_tools],
                    &[],
                    &dir.join("scripts/check-wit.sh"),
                )?;
                command.arg(wasm).arg(wit).arg("greeter");
                ctx.run_unchecked(label, &mut command)
            };
            let checked = wit_check("component-wit", &dir.join("wit"))?;
            ensure!(
                checked.status.success(),
                "check-wit.sh failed: {}",
                tail(&checked, 10)
            );
            // The same script refuses a world that no longer matches the build.
            let changed = dir.join("wit-changed");
            std::fs::create_dir_all(&changed)?;
            let world = std::fs::read_to_string(dir.join("wit/world.wit"))?;
            let edited = world.replace(
                "languages: func() -> list<string>;",
                "languages: func() -> list<u8>;",
            );
            ensure!(
                edited != world,
                "wit/world.wit has no `languages` function to change"
            );
            std::fs::write(changed.join("world.wit"), edited)?;
            let refused = wit_check("component-wit-changed", &changed)?;
            ensure!(
                !refused.status.success()
                    && String::from_utf8_lossy(&refused.stderr).contains("differs"),
                "check-wit.sh accepted a world the component does not match"
            );
            Ok(format!(
                "{}; a changed world is refused; smoke.sh in a Nix build's environment: {script}",
                stdout_text(&checked)
                    .trim()
                    .trim_start_matches("check-wit: "),
            ))
        }
    }
}

/// The wasip3 template's two release components: the command exports std's synchronous
/// `wasi:cli/run@0.2.0`, the async example WASIp3's async `wasi:cli/run@0.3.0` and nothing else;
/// then smoke.sh runs both with the p3 flags, as the flake's `smoke` check does.
fn p3_command_and_timers(ctx: &Context, dir: &Path, wasm: &Path) -> Result<String> {
    let timers = wasm.with_file_name("timers.wasm");
    crate::wasm::expect_component(&timers)?;
    let Some(wasm_tools) = package_dir("wasm-tools") else {
        bail!("wasm-tools is not installed (bash .ci/install.sh)");
    };
    let exports = |component: &Path| -> Result<Vec<String>> {
        let output = ctx.run(
            "wasip3-exports",
            Command::new(wasm_tools.join("bin/wasm-tools"))
                .args(["component", "wit"])
                .arg(component),
        )?;
        Ok(stdout_text(&output)
            .lines()
            .filter_map(|line| line.trim().strip_prefix("export "))
            .map(|name| name.trim_end_matches(';').to_string())
            .collect())
    };
    let command = exports(wasm)?;
    ensure!(
        command == ["wasi:cli/run@0.2.0"],
        "p3hello.wasm exports {command:?}, not std's wasi:cli/run@0.2.0"
    );
    let async_run = exports(&timers)?;
    ensure!(
        async_run == ["wasi:cli/run@0.3.0"],
        "timers.wasm exports {async_run:?}, not only WASIp3's wasi:cli/run@0.3.0"
    );
    let script = run_smoke_script(ctx, dir, &[wasm, &timers], Smoke::P3CommandAndTimers)?;
    // Why wasm32-wasip3 has a Wasmtime of its own: nixpkgs' release at the pin implements only
    // WASI 0.3.0's release candidate, and refuses the component.
    let refused = ctx.run_unchecked(
        "wasip3-timers-pinned-wasmtime",
        wasmtime(ctx)?
            .args([
                "run",
                "-C",
                "cache=n",
                "-S",
                "p3",
                "-W",
                "component-model-async",
            ])
            .arg(&timers),
    )?;
    let why = String::from_utf8_lossy(&refused.stderr);
    ensure!(
        !refused.status.success() && why.contains("matching implementation was not found"),
        "nixpkgs' Wasmtime at the pin ran the WASI 0.3.0 component ({}): {why}",
        refused.status
    );
    Ok(format!(
        "p3hello exports {}, timers exports {}; smoke.sh in a Nix build's environment (wasmtime-p3): {script}; nixpkgs' Wasmtime refuses timers.wasm (`{}`)",
        command[0],
        async_run[0],
        why.lines()
            .find(|l| l.contains("matching implementation"))
            .unwrap_or_default()
            .trim()
    ))
}
