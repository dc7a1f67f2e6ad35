//! The toolchains the suite drives: the host triple, `PATH` with a toolchain in front, the dev
//! shell's environment (`nix/lib/dev-env.nix` evaluated with the suite's parts), cargo with it,
//! and the std-only bootstrap configuration the UI tests start from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::context::{Context, which};
use crate::nix_build::in_build_phase;

pub fn host_triple() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "aarch64-unknown-linux-gnu"
    } else {
        "x86_64-unknown-linux-gnu"
    }
}

/// PATH with `dir` in front.
pub fn prepend_path(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Evaluates `nix/lib/dev-env.nix` with the suite's SDK and wasmtime, as the dev shell does with
/// the pinned ones.
pub fn eval_dev_env(ctx: &Context) -> Result<BTreeMap<String, String>> {
    let Some(sdk) = &ctx.parts.wasi_sdk else {
        bail!("the SDK is needed (see the parts area)");
    };
    eval_dev_env_with(ctx, sdk, "")
}

/// `nix/lib/dev-env.nix` with `sdk`, the suite's wasmtime, and `more` arguments written as Nix
/// (`targets = [ … ];`, `libclang = …;`).
pub fn eval_dev_env_with(
    ctx: &Context,
    sdk: &Path,
    more: &str,
) -> Result<BTreeMap<String, String>> {
    let Some(wasmtime) = &ctx.parts.wasmtime else {
        bail!("wasmtime is needed (see the parts area)");
    };
    eval_dev_env_of(ctx, sdk, wasmtime, more)
}

/// `nix/lib/dev-env.nix` for wasm32-wasip2 and wasm32-wasip3, as `devEnvWasip3`: with `sdk`
/// (the one with the p3 drivers), the flake's wasmtime-p3 that Nix built (WASI 0.3.0), and
/// `more` arguments.
pub fn eval_dev_env_wasip3(
    ctx: &Context,
    sdk: &Path,
    more: &str,
) -> Result<BTreeMap<String, String>> {
    let Some(wasmtime) = &ctx.parts.wasmtime_p3 else {
        bail!("wasmtime-p3 is needed (the nix-builds area builds it)");
    };
    eval_dev_env_of(
        ctx,
        sdk,
        wasmtime,
        &format!("targets = [ \"wasm32-wasip2\" \"wasm32-wasip3\" ]; {more}"),
    )
}

fn eval_dev_env_of(
    ctx: &Context,
    sdk: &Path,
    wasmtime: &Path,
    more: &str,
) -> Result<BTreeMap<String, String>> {
    if which("nix-instantiate").is_none() {
        bail!("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let expression = format!(
        "(import {}) {{ wasiSdk = {}; wasmtime = {}; {more} }}",
        ctx.repo.join("nix/lib/dev-env.nix").display(),
        nix_string(sdk)?,
        nix_string(wasmtime)?
    );
    let output = ctx.run(
        "eval-dev-env",
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "--json", "-E"])
            .arg(expression),
    )?;
    serde_json::from_slice(&output.stdout)
        .context("dev-env.nix did not evaluate to an attribute set of strings")
}

pub fn nix_string(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))?;
    Ok(serde_json::to_string(text)?)
}

/// `cargo` of the suite's toolchain with the dev shell's environment, in `dir`.
pub fn cargo(ctx: &Context, env: &BTreeMap<String, String>, dir: &Path) -> Result<Command> {
    let Some(toolchain) = &ctx.parts.wasip2_toolchain else {
        bail!("the toolchain with the wasip2 std is needed (see the rust-std area)");
    };
    Ok(cargo_of(toolchain, env, dir))
}

/// `cargo` of `toolchain` with `env`, in `dir`, building into `dir/target`.
pub fn cargo_of(toolchain: &Path, env: &BTreeMap<String, String>, dir: &Path) -> Command {
    let mut command = Command::new(toolchain.join("bin/cargo"));
    command
        .current_dir(dir)
        .envs(env)
        .env("RUSTC", toolchain.join("bin/rustc"))
        .env("PATH", prepend_path(&toolchain.join("bin")))
        .env("CARGO_TARGET_DIR", dir.join("target"));
    command
}

/// Makes `dir/target` a link to a build folder kept in the cache between runs, one per `name`
/// and `compiler` (a toolchain's store folder name, or a digest of a shell's environment), so
/// that a run compiles the project's own crate again (its sources are new files at a new path)
/// and reuses the crates of the registry that the last run compiled with the same compiler, as a
/// user's second build does. cargo's fingerprints decide what is stale; another compiler starts
/// an empty folder and the old one is removed. The cache may be empty: the first run builds
/// everything.
pub fn keep_target_between_runs(
    ctx: &Context,
    dir: &Path,
    name: &str,
    compiler: &str,
) -> Result<()> {
    let builds = ctx.cache.join("cargo-targets");
    let prefix = format!("{}@", name.replace('/', "-"));
    let kept = builds.join(format!("{prefix}{compiler}"));
    if let Ok(entries) = std::fs::read_dir(&builds) {
        for entry in entries.flatten() {
            let path = entry.path();
            let other_compiler = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix));
            if other_compiler && path != kept {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing the stale {}", path.display()))?;
            }
        }
    }
    std::fs::create_dir_all(&kept).with_context(|| format!("creating {}", kept.display()))?;
    let link = dir.join("target");
    if link.symlink_metadata().is_ok() {
        bail!(
            "{} exists; the kept build folder would replace it",
            link.display()
        );
    }
    std::os::unix::fs::symlink(&kept, &link)
        .with_context(|| format!("linking {} to {}", link.display(), kept.display()))
}

/// The folder name of a toolchain in the store (its hash and name; links, such as the suite's
/// roots, resolved): the compiler's key for [`keep_target_between_runs`].
pub fn toolchain_key(toolchain: &Path) -> Result<String> {
    let real = toolchain
        .canonicalize()
        .with_context(|| format!("resolving {}", toolchain.display()))?;
    real.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .with_context(|| format!("{} has no UTF-8 folder name", real.display()))
}

/// `hello.rs` with `main_body` compiled by `toolchain`'s rustc for `target` in a fresh folder
/// `name`; the result must be a component. Returns the folder, which holds `hello.wasm`.
pub fn hello_component(
    ctx: &Context,
    toolchain: &Path,
    target: &str,
    name: &str,
    main_body: &str,
) -> Result<PathBuf> {
    let dir = ctx.fresh_dir(name)?;
    std::fs::write(
        dir.join("hello.rs"),
        format!("fn main() {{ {main_body} }}\n"),
    )?;
    ctx.run(
        name,
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", target, "hello.rs", "-o", "hello.wasm"])
            .current_dir(&dir),
    )?;
    crate::wasm::expect_component(&dir.join("hello.wasm"))?;
    Ok(dir)
}

/// `scripts/rustc/bootstrap-config.sh` as a derivation's build phase runs it, with its source,
/// stage-0 toolchain and SDK.
pub fn bootstrap_config_command(
    ctx: &Context,
    name: &str,
    source: &Path,
    stage0: &Path,
    sdk: &Path,
) -> Result<Command> {
    let mut command = in_build_phase(
        ctx,
        name,
        &ctx.repo.join("scripts/rustc/bootstrap-config.sh"),
    )?;
    command
        .arg("--source")
        .arg(source)
        .arg("--stage0")
        .arg(stage0)
        .arg("--wasi-sdk")
        .arg(sdk);
    Ok(command)
}
