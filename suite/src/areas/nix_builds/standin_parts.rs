//! The stand-in's parts: what `suite/nixpkgs-standin/` is backed by on this machine, written as
//! `parts.json` (the packed SDK and Rust source, rustup's toolchain, Debian's and the crate registry's
//! tools, cargo's crate cache), and the versions of the Nix that builds on it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::json;

use crate::context::{package_dir, stdout_text, which};
use crate::nix_build::Stdenv;
use crate::support::standin::{cargo_registry_cache, fetch_crate_with_lock, sandboxed_nix};
use crate::{CheckResult, Context, Verdict};

pub(super) fn prepare(ctx: &mut Context) -> CheckResult {
    if which("nix-build").is_none() {
        return ctx.missing("nix-build is not installed (apt-get install nix-bin)");
    }
    if !Path::new("/bin/busybox").exists() {
        return ctx
            .missing("no /bin/busybox for the sandbox's /bin/sh (apt-get install busybox-static)");
    }
    let (Some(env), Some(sdk), Some(wasmtime), Some(stage0)) = (
        ctx.parts.build_env.clone(),
        ctx.parts.wasi_sdk.clone(),
        ctx.parts.wasmtime.clone(),
        ctx.parts.stage0.clone(),
    ) else {
        return ctx
            .missing("needs the parts area's SDK, wasmtime, stage 0 and Nix build environment");
    };
    let dir = ctx.fresh_dir("nixpkgs-standin")?;
    let versions = nix_versions(ctx)?;
    // wasmtime-p3 is the crate registry's wasmtime-cli: the crate and its lock's crates must be
    // in cargo's cache before anything evaluates its source.
    let wasmtime_p3 = versions["wasmtime"]["wasip3"]["version"]
        .as_str()
        .context("nix/versions.nix has no wasmtime.wasip3.version")?;
    fetch_crate_with_lock(ctx, "wasmtime-cli", wasmtime_p3)?;
    let full_version = versions["wasiSdk"]["fullVersion"]
        .as_str()
        .context("nix/versions.nix has no wasiSdk.fullVersion")?
        .to_string();
    // The SDK as its release tarball is laid out: one top folder named after the release, the
    // sysroot inside it (the assembled folder links it from the cache), Debian's LLVM linked.
    let release = format!("wasi-sdk-{full_version}-x86_64-linux");
    let staging = dir.join(&release);
    ctx.run(
        "stage-wasi-sdk",
        Command::new("cp").arg("-a").arg(&sdk).arg(&staging),
    )?;
    std::fs::remove_dir_all(staging.join("share"))?;
    ctx.run(
        "stage-wasi-sysroot",
        Command::new("cp")
            .arg("-rL")
            .arg(sdk.join("share"))
            .arg(staging.join("share")),
    )?;
    let sdk_tarball = dir.join(format!("{release}.tar.gz"));
    ctx.run(
        "pack-wasi-sdk",
        Command::new("tar")
            .arg("-C")
            .arg(&dir)
            .args([
                "--sort=name",
                "--mtime=@0",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
            ])
            .arg("-czf")
            .arg(&sdk_tarball)
            .arg(&release),
    )?;
    std::fs::remove_dir_all(&staging)?;
    let rust_source = pack_rust_source(
        ctx,
        versions["rust"]["version"].as_str().unwrap_or_default(),
    )?;
    let to_map = |programs: Vec<(String, PathBuf)>| -> serde_json::Map<String, serde_json::Value> {
        programs
            .into_iter()
            .map(|(name, path)| (name, json!(path)))
            .collect()
    };
    let tool_dir = |program: &str| -> Result<PathBuf> {
        package_dir(program)
            .with_context(|| format!("{program} is not installed (bash .ci/install.sh)"))
    };
    let wasmtime_version = stdout_text(&ctx.run(
        "wasmtime-version",
        Command::new(wasmtime.join("bin/wasmtime")).arg("--version"),
    )?)
    .split_whitespace()
    .nth(1)
    .unwrap_or_default()
    .to_string();
    let parts = json!({
        "bash": env.bash.parent().and_then(Path::parent),
        "stdenvPrograms": to_map(env.programs(Stdenv::NoCC)?),
        "ccPrograms": to_map(env.programs(Stdenv::WithCC)?),
        "rustVersion": versions["rust"]["version"],
        "rustupToolchain": std::fs::canonicalize(&stage0)?,
        "rustSourceTarball": rust_source,
        "wasiSdkTarball": sdk_tarball,
        "wasiSdkFullVersion": full_version,
        "wasmtime": wasmtime,
        "wasmtimeVersion": wasmtime_version,
        "wasmTools": tool_dir("wasm-tools")?,
        "nixpkgsFmt": tool_dir("nixpkgs-fmt")?,
        "deadnix": tool_dir("deadnix")?,
        "llvm22Version": llvm22_version(ctx)?,
        "witBindgen": tool_dir("wit-bindgen")?,
        "wacCli": tool_dir("wac")?,
        "cargoNextest": tool_dir("cargo-nextest")?,
        "cargoRegistryCache": cargo_registry_cache()?,
    });
    std::fs::write(
        dir.join("parts.json"),
        serde_json::to_string_pretty(&parts)?,
    )?;

    // The sandbox is on: the build sees no network and no host folder it was not given. A new
    // nonce each run, so Nix builds it now instead of reusing an earlier result.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let probe = dir.join("probe.nix");
    // Shell builtins only: nothing but /bin/sh is on the sandbox's PATH.
    std::fs::write(
        &probe,
        format!(
            "derivation {{ name = \"sandbox-probe\"; nonce = \"{nonce}\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"n=0; while read -r line; do n=$((n+1)); done < /proc/net/dev; test $n -le 3 && test ! -e /var && test ! -e /home && echo $HOME > $out\" ]; }}\n"
        ),
    )?;

    let output = ctx.run(
        "nix-sandbox-probe",
        sandboxed_nix(ctx, "nix-build")
            .arg(&probe)
            .arg("--no-out-link"),
    )?;
    let out = PathBuf::from(stdout_text(&output).trim());
    let home = std::fs::read_to_string(&out).unwrap_or_default();
    ensure!(
        home.trim() == "/homeless-shelter",
        "the sandbox probe saw HOME={home:?}"
    );
    Ok(Verdict::Proved(format!(
        "parts in {}; a sandboxed build sees no /var or /home of the host, only loopback, HOME=/homeless-shelter",
        dir.display()
    )))
}

/// The stand-in for `rustc-<version>-src.tar.gz`: the prepared Debian tree with a vendor/
/// (suite/scripts/pack-rust-source.sh), kept in the cache while tree and script are unchanged.
fn pack_rust_source(ctx: &Context, version: &str) -> Result<PathBuf> {
    let (Some(tree), Some(cargo_home)) = (&ctx.parts.rust_source, &ctx.parts.cargo_home) else {
        bail!("needs the rust-std area's prepared source and fetched crates");
    };
    let script = ctx.repo.join("suite/scripts/pack-rust-source.sh");
    let recipe = format!(
        "{}\n{}",
        std::fs::read_to_string(tree.join(".prepared-from"))?,
        std::fs::read_to_string(&script)?
    );
    let dir = ctx.cache.join("nixpkgs-standin");
    std::fs::create_dir_all(&dir)?;
    let tarball = dir.join(format!("rustc-{version}-src.tar.gz"));
    let stamp = dir.join(format!("rustc-{version}-src.recipe"));
    if tarball.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(recipe.as_str())
    {
        return Ok(tarball);
    }
    let _ = std::fs::remove_file(&stamp);
    ctx.run(
        "pack-rust-source",
        Command::new("bash")
            .env(
                "CARGO",
                ctx.parts
                    .stage0
                    .as_ref()
                    .map(|s| s.join("bin/cargo"))
                    .context("the stage-0 toolchain is needed (see the parts area)")?,
            )
            .arg(&script)
            .arg(tree)
            .arg(cargo_home)
            .arg(&tarball),
    )?;
    std::fs::write(&stamp, recipe)?;
    Ok(tarball)
}

/// Debian's LLVM 22 stands in for nixpkgs' llvmPackages_22.
fn llvm22_version(ctx: &Context) -> Result<String> {
    let output = ctx.run(
        "llvm-config-22",
        Command::new("/usr/lib/llvm-22/bin/llvm-config").arg("--version"),
    )?;
    Ok(stdout_text(&output).trim().to_string())
}

/// `nix/versions.nix`, evaluated: the pins the parts are made for.
fn nix_versions(ctx: &Context) -> Result<serde_json::Value> {
    let output = ctx.run(
        "nix-versions",
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "--json"])
            .arg(ctx.repo.join("nix/versions.nix")),
    )?;
    serde_json::from_slice(&output.stdout).context("nix/versions.nix evaluated to no JSON")
}
