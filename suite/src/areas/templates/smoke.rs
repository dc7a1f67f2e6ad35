//! Each template's smoke run: its `scripts/smoke.sh` as the flake's `smoke` check runs it, and
//! for the http and component templates what only a client or wasm-tools can show.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail, ensure};

use super::Smoke;
use super::http::http_over_loopback;
use crate::Context;
use crate::context::{package_dir, stdout_text, tail};
use crate::nix_build::Stdenv;

/// The template's `scripts/smoke.sh` as its flake's `smoke` check runs it: `runCommand` (no C
/// compiler) with wasmtime and, for the http template, curl declared.
fn run_smoke_script(ctx: &Context, dir: &Path, wasm: &Path, smoke: Smoke) -> Result<String> {
    let Some(wasmtime) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
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
    let output = ctx.run("template-smoke", command.arg(wasm))?;
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
    let script = run_smoke_script(ctx, dir, wasm, smoke)?;
    match smoke {
        Smoke::Wordcount | Smoke::Checksum => {
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

pub(super) fn wasmtime(ctx: &Context) -> Result<Command> {
    let Some(dir) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
    };
    Ok(Command::new(dir.join("bin/wasmtime")))
}
