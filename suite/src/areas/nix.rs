//! The Nix code, checked with Debian's Nix 2.8: every file parses (its formatting and dead code
//! are the lint area's gates); flake.lock pins exactly the inputs
//! flake.nix declares; the pins and refusals that need no nixpkgs evaluate here. statix runs only
//! in the flake's `nix-style` check: the crate named statix in the crate registry is an unrelated program.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::context::{stdout_text, tail, which};
use crate::lock::{self, Inputs};
use crate::support::files::copy_tree;
use crate::support::files::{flake_copy, repository_files};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "nix";

pub fn run(suite: &mut Suite) {
    suite.check(AREA, "every .nix file parses (nix-instantiate)", parses);
    suite.check(
        AREA,
        "flake.lock pins exactly the inputs flake.nix declares",
        lock_matches_inputs,
    );
    suite.check(
        AREA,
        "Nix reads the lock offline; a changed input URL is refused",
        nix_reads_lock,
    );
    suite.check(
        AREA,
        "pins: one Rust version everywhere, wasi-sdk for every system",
        pins_agree,
    );
    suite.check(
        AREA,
        "a too-old wasmtime and an unsupported system are refused by name",
        refusals,
    );
}

/// The repository's Nix files: tracked or new, never ignored ones (target/ holds Rust's source
/// tree, whose .nix files are not ours).
fn nix_files(ctx: &Context) -> Result<Vec<PathBuf>> {
    let files: Vec<PathBuf> = repository_files(ctx, &["*.nix"])?
        .iter()
        .map(|line| ctx.repo.join(line))
        .filter(|path| path.exists())
        .collect();
    ensure!(
        !files.is_empty(),
        "git lists no .nix file in the repository"
    );
    Ok(files)
}

fn require(ctx: &Context, program: &str, install: &str) -> Result<Option<PathBuf>> {
    match which(program) {
        Some(path) => Ok(Some(path)),
        None if ctx.ci => bail!("{program} is not on PATH; {install}"),
        None => Ok(None),
    }
}

fn parses(ctx: &mut Context) -> CheckResult {
    if require(ctx, "nix-instantiate", "apt-get install nix-bin")?.is_none() {
        return ctx.missing("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let files = nix_files(ctx)?;
    let mut failures = Vec::new();
    for file in &files {
        let output = ctx.run_unchecked(
            "nix-parse",
            ctx.nix("nix-instantiate").arg("--parse").arg(file),
        )?;
        if !output.status.success() {
            failures.push(format!("{}: {}", file.display(), tail(&output, 3)));
        }
    }
    ensure!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(Verdict::Proved(format!(
        "{} files parse with {}",
        files.len(),
        nix_version(ctx)?
    )))
}

fn nix_version(ctx: &Context) -> Result<String> {
    let output = ctx.run("nix-version", ctx.nix("nix-instantiate").arg("--version"))?;
    Ok(stdout_text(&output).trim().to_string())
}

/// `(import ./flake.nix).inputs`, evaluated by Nix.
fn flake_inputs(ctx: &Context, flake_dir: &Path) -> Result<Inputs> {
    let expression = format!(
        "(import {}/flake.nix).inputs",
        flake_dir
            .to_str()
            .context("the repository path is not UTF-8")?
    );
    let output = ctx.run(
        "flake-inputs",
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "--json", "-E"])
            .arg(expression),
    )?;
    let value: Value =
        serde_json::from_slice(&output.stdout).context("flake.nix inputs are not JSON")?;
    Inputs::from_json(&value)
}

fn lock_matches_inputs(ctx: &mut Context) -> CheckResult {
    if which("nix-instantiate").is_none() {
        return ctx.missing("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let inputs = flake_inputs(ctx, &ctx.repo)?;
    let lock_text =
        std::fs::read_to_string(ctx.repo.join("flake.lock")).context("reading flake.lock")?;
    let lock: Value = serde_json::from_str(&lock_text).context("flake.lock is not JSON")?;
    let problems = lock::problems(&inputs, &lock);
    ensure!(problems.is_empty(), "flake.lock: {}", problems.join("; "));

    // The same comparison must catch a lock that drifted from flake.nix.
    let mut drifted = lock.clone();
    drifted["nodes"]["nixpkgs"]["original"]["ref"] = Value::from("nixos-unstable");
    drifted["nodes"]["crane"]["locked"]["narHash"] = Value::from("0000");
    let caught = lock::problems(&inputs, &drifted);
    ensure!(
        caught.len() >= 2,
        "a drifted lock was not caught: {caught:?}"
    );
    let pinned: Vec<String> = inputs
        .names()
        .map(|name| {
            let rev = lock["nodes"][name]["locked"]["rev"].as_str().unwrap_or("?");
            format!("{name}@{}", &rev[..rev.len().min(8)])
        })
        .collect();
    Ok(Verdict::Proved(format!(
        "{}; a drifted copy gives {} problems",
        pinned.join(", "),
        caught.len()
    )))
}

fn nix_reads_lock(ctx: &mut Context) -> CheckResult {
    if which("nix").is_none() {
        return ctx.missing("nix is not installed (apt-get install nix-bin)");
    }
    let copy = flake_copy(ctx, "nix-flake-metadata")?;
    let reference = format!("path:{}", copy.display());
    let output = ctx.run(
        "flake-metadata",
        ctx.nix("nix")
            .args(["flake", "metadata", "--json", "--no-update-lock-file"])
            .arg(&reference),
    )?;
    let metadata: Value =
        serde_json::from_slice(&output.stdout).context("nix flake metadata printed no JSON")?;
    let nodes = metadata["locks"]["nodes"]
        .as_object()
        .context("nix flake metadata shows no lock nodes")?;
    let lock: Value = serde_json::from_str(&std::fs::read_to_string(copy.join("flake.lock"))?)?;
    ensure!(
        metadata["locks"] == lock,
        "Nix's view of the lock differs from flake.lock"
    );

    // Pointing an input elsewhere must make Nix refuse the lock rather than use it.
    let flake = std::fs::read_to_string(copy.join("flake.nix"))?;
    let changed = flake.replace("github:ipetkov/crane\"", "github:ipetkov/crane/master\"");
    ensure!(changed != flake, "flake.nix has no crane input to change");
    std::fs::write(copy.join("flake.nix"), changed)?;
    let refused = ctx.run_unchecked(
        "flake-metadata-changed",
        ctx.nix("nix")
            .args(["flake", "metadata", "--json", "--no-update-lock-file"])
            .arg(&reference),
    )?;
    let message = tail(&refused, 2);
    // Nix re-locks the changed input instead of using the pin, which needs the network here.
    ensure!(
        !refused.status.success() && message.contains("ipetkov/crane/commits/master"),
        "Nix accepted a lock that no longer matches flake.nix:\n{message}"
    );
    Ok(Verdict::Proved(format!(
        "{} lock nodes read offline by {}, as flake.lock has them; with crane's URL changed Nix re-locks it: \"{}\"",
        nodes.len(),
        nix_version(ctx)?,
        message.lines().next().unwrap_or_default().trim()
    )))
}

fn eval_json(ctx: &Context, label: &str, expression: &str) -> Result<Value> {
    let output = ctx.run(
        label,
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "--json", "-E", expression]),
    )?;
    serde_json::from_slice(&output.stdout).with_context(|| format!("{label}: no JSON"))
}

fn pins_agree(ctx: &mut Context) -> CheckResult {
    if which("nix-instantiate").is_none() {
        return ctx.missing("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let nix = ctx.repo.join("nix");
    let nix = nix.to_str().context("the repository path is not UTF-8")?;
    let versions = eval_json(ctx, "versions", &format!("import {nix}/versions.nix"))?;
    let systems = eval_json(ctx, "systems", &format!("import {nix}/systems.nix"))?;
    let rust = versions["rust"]["version"]
        .as_str()
        .context("versions.nix has no rust.version")?;

    // The offline suite proves this very version: rustup's stage 0 and Debian's source.
    let Some(stage0) = ctx.parts.stage0.clone() else {
        return ctx.missing("the stage-0 toolchain is needed (see the parts area)");
    };
    let stage0_version = stdout_text(&ctx.run(
        "stage0-version",
        Command::new(stage0.join("bin/rustc")).arg("--version"),
    )?);
    ensure!(
        stage0_version.split_whitespace().nth(1) == Some(rust),
        "nix/versions.nix pins Rust {rust}, but the suite's stage 0 is {stage0_version}"
    );
    if let Some(debian) = &ctx.parts.debian {
        ensure!(
            debian.rustc_version == rust,
            "the flake pins Rust {rust} but the suite proves Debian's {} source",
            debian.rustc_version
        );
    }

    let systems: Vec<&str> = systems
        .as_array()
        .context("systems.nix is not a list")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ensure!(systems.len() == 4, "expected four systems, got {systems:?}");
    let tarballs = versions["wasiSdk"]["tarballs"]
        .as_object()
        .context("versions.nix has no wasiSdk.tarballs")?;
    for system in &systems {
        let hash = tarballs
            .get(*system)
            .and_then(|t| t["hash"].as_str())
            .with_context(|| format!("no wasi-sdk tarball for {system}"))?;
        ensure!(
            lock::is_sri_sha256(hash),
            "the wasi-sdk hash for {system} is not an SRI sha256: {hash}"
        );
    }
    let wasi_sdk = versions["wasiSdk"]["version"].as_str().unwrap_or_default();
    ensure!(
        wasi_sdk.parse::<u32>().is_ok_and(|v| v >= 22),
        "wasi-sdk {wasi_sdk} is older than 22"
    );

    // Each template starts from the same toolchain file as the flake.
    let mut templates = 0;
    if let Ok(entries) = std::fs::read_dir(ctx.repo.join("templates")) {
        for entry in entries.flatten() {
            let file = entry.path().join("rust-toolchain.toml");
            if !file.exists() {
                continue;
            }
            let channel = toolchain_channel(&file)?;
            ensure!(
                channel == rust,
                "{} names Rust {channel}, the flake pins {rust}",
                file.display()
            );
            templates += 1;
        }
    }
    Ok(Verdict::Proved(format!(
        "Rust {rust} in nix/rust-toolchain.toml = stage 0 = Debian's source = {templates} templates; wasi-sdk {wasi_sdk} hashed for {}",
        systems.join(", ")
    )))
}

fn toolchain_channel(file: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("channel"))
        .filter_map(|rest| rest.trim().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_string())
        .next()
        .with_context(|| format!("{} names no channel", file.display()))
}

fn refusals(ctx: &mut Context) -> CheckResult {
    if which("nix-instantiate").is_none() {
        return ctx.missing("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let dir = ctx.fresh_dir("nix-refusals")?;
    copy_tree(&ctx.repo.join("nix"), &dir.join("nix"))?;
    let nix = dir.join("nix");
    let nix = nix.to_str().context("the work path is not UTF-8")?;
    // The two functions need only these few pieces of nixpkgs' lib and stdenv; with them stubbed,
    // their own decisions run here.
    let lib = r#"{
      assertMsg = ok: message: ok || throw message;
      versionAtLeast = a: b: builtins.compareVersions a b >= 0;
      optional = c: x: if c then [ x ] else [ ];
      optionals = c: xs: if c then xs else [ ];
      concatStringsSep = builtins.concatStringsSep;
      attrNames = builtins.attrNames;
      licenses = { asl20 = "asl20"; llvm-exception = "llvm-exception"; };
      sourceTypes.binaryNativeCode = "binary";
    }"#;
    let wasmtime = |version: &str| {
        format!(
            "let lib = {lib}; in import {nix}/packages/wasmtime.nix {{ inherit lib; minimumVersion = (import {nix}/versions.nix).wasmtime.minimum.wasip2; wasmtime = {{ version = \"{version}\"; }}; }}"
        )
    };
    let old = eval_unchecked(ctx, "wasmtime-16", &wasmtime("16.0.0"))?;
    let message = String::from_utf8_lossy(&old.stderr).into_owned();
    ensure!(
        !old.status.success() && message.contains("needs") && message.contains(">= 17"),
        "wasmtime 16 was not refused with the reason:\n{message}"
    );
    let pinned = ctx.pins.wasmtime_cli.clone();
    ensure_evaluates(ctx, "wasmtime-pinned", &wasmtime(&pinned))?;

    // mkDevEnv refuses a Wasmtime too old for what the environment runs, naming the fix.
    let dev_env = |version: &str, more: &str| {
        format!(
            "builtins.attrNames (import {nix}/lib/dev-env.nix {{ wasiSdk = \"/sdk\"; wasmtime = {{ version = \"{version}\"; outPath = \"/wasmtime\"; }}; {more} }})"
        )
    };
    let p3 = "targets = [ \"wasm32-wasip2\" \"wasm32-wasip3\" ];";
    let old_p3 = eval_unchecked(ctx, "dev-env-p3-45", &dev_env(&pinned, p3))?;
    let p3_message = message_of(&old_p3);
    ensure!(
        !old_p3.status.success()
            && p3_message.contains("WASI 0.3.0")
            && p3_message.contains("wasmtime-p3"),
        "mkDevEnv for wasm32-wasip3 accepted wasmtime {pinned}:\n{p3_message}"
    );
    ensure_evaluates(ctx, "dev-env-p3-46", &dev_env("46.0.0", p3))?;
    let unwind = "panic = \"unwind\"; toolchain = { name = \"std\"; panicStrategy = \"unwind\"; };";
    let old_unwind = eval_unchecked(ctx, "dev-env-unwind-36", &dev_env("36.0.13", unwind))?;
    ensure!(
        !old_unwind.status.success() && message_of(&old_unwind).contains("exception handling"),
        "mkDevEnv with the unwinding std accepted wasmtime 36:\n{}",
        message_of(&old_unwind)
    );
    ensure_evaluates(ctx, "dev-env-unwind-pinned", &dev_env(&pinned, unwind))?;

    let wasi_sdk = |system: &str| {
        format!(
            "let lib = {lib}; versions = (import {nix}/versions.nix).wasiSdk; in (import {nix}/packages/wasi-sdk.nix {{
               inherit lib; inherit (versions) version fullVersion tarballs;
               stdenv = {{ hostPlatform = {{ system = \"{system}\"; isLinux = true; }}; cc.cc.lib = \"cc\"; mkDerivation = f: f {{ finalPackage = \"/out\"; }}; }};
               fetchurl = args: args; autoPatchelfHook = \"hook\"; zlib = \"zlib\";
             }}).src.url"
        )
    };
    let unsupported = eval_unchecked(ctx, "wasi-sdk-riscv64", &wasi_sdk("riscv64-linux"))?;
    let message = String::from_utf8_lossy(&unsupported.stderr).into_owned();
    ensure!(
        !unsupported.status.success()
            && message.contains("riscv64-linux")
            && message.contains("x86_64-linux"),
        "an unsupported system was not refused by name:\n{message}"
    );
    let url = stdout_text(&ensure_evaluates(
        ctx,
        "wasi-sdk-aarch64-darwin",
        &wasi_sdk("aarch64-darwin"),
    )?);
    ensure!(
        url.contains("wasi-sdk-30.0-arm64-macos.tar.gz"),
        "aarch64-darwin maps to the wrong tarball: {url}"
    );
    Ok(Verdict::Proved(format!(
        "wasmtime 16 refused (\"{}\"), {pinned} accepted; mkDevEnv refuses {pinned} for wasm32-wasip3 (\"{}\") and 36 for the unwinding std, accepts 46 and {pinned}; riscv64-linux refused; aarch64-darwin -> {}",
        first_line_with(&message_of(&old), "needs"),
        first_line_with(&p3_message, "WASI 0.3.0"),
        url.trim()
            .trim_matches('"')
            .rsplit('/')
            .next()
            .unwrap_or_default()
    )))
}

/// Evaluates a Nix expression strictly, whatever the outcome.
fn eval_unchecked(ctx: &Context, label: &str, expression: &str) -> Result<std::process::Output> {
    ctx.run_unchecked(
        label,
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "-E"])
            .arg(expression),
    )
}

/// Evaluates a Nix expression strictly; fails with Nix's message if it does not evaluate.
fn ensure_evaluates(ctx: &Context, label: &str, expression: &str) -> Result<std::process::Output> {
    let output = eval_unchecked(ctx, label, expression)?;
    ensure!(
        output.status.success(),
        "{label} did not evaluate:\n{}",
        tail(&output, 10)
    );
    Ok(output)
}

fn message_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn first_line_with(text: &str, word: &str) -> String {
    text.lines()
        .find(|line| line.contains(word))
        .unwrap_or_default()
        .trim()
        .to_string()
}
