//! Nix builds of the flake's outputs on the nixpkgs stand-in (`suite/nixpkgs-standin/`),
//! sandboxed: the settings Nix runs with here, evaluation to a `.drv`, the build, and what it
//! printed (seconds, output size). The `nix-builds` area writes the stand-in's parts first.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context as _, Result, bail, ensure};

use crate::context::{Context, stdout_text, tail};

/// Where the stand-in's parts file and packed parts go.
pub fn standin_dir(ctx: &Context) -> PathBuf {
    ctx.work.join("nixpkgs-standin")
}

/// Nix's settings for a sandboxed build here: build users, no substituters, the host folders
/// the stand-in's packages link into, and the features our derivations ask for.
pub fn sandboxed_nix(ctx: &Context, program: &str) -> Command {
    let paths = sandbox_paths(ctx);
    let mut command = Command::new(program);
    command
        .env(
            "NIX_CONFIG",
            format!(
                "sandbox = true\nsubstituters =\nbuild-users-group = nixbld\nsystem-features = big-parallel\nextra-sandbox-paths = {}\n",
                paths.join(" ")
            ),
        )
        .env(
            "WASIP2_STANDIN_PARTS",
            standin_dir(ctx).join("parts.json"),
        );
    command
}

/// The host folders a sandboxed build sees: those the stand-in's packages link into, and a
/// static busybox as `/bin/sh`.
pub fn sandbox_paths(ctx: &Context) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/usr",
        "/lib",
        "/lib64",
        "/etc/alternatives",
        "/bin/sh=/bin/busybox",
    ]
    .map(String::from)
    .to_vec();
    paths.push(ctx.cache.join("cargo-tools").display().to_string());
    // The stand-in's fetchCargoVendor copies crates from here in its fixed-output build.
    if let Ok(cache) = cargo_registry_cache() {
        paths.push(cache.display().to_string());
    }
    paths
}

/// cargo's cache of the crate registry's `.crate` files: the stand-in's crate downloads. cargo
/// names the folder after a hash that changed between releases (1.85), so a machine can have
/// two; the one written last is the running cargo's.
pub fn cargo_registry_cache() -> Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let cache = home.join("registry/cache");
    std::fs::read_dir(&cache)
        .with_context(|| format!("reading {}", cache.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("index.crates.io-")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
        .with_context(|| format!("no cache of the crate registry in {}", cache.display()))
}

/// Builds one attribute of the flake's outputs on the stand-in; says seconds and output size.
pub fn build(ctx: &mut Context, attribute: &str) -> Result<String> {
    build_expression(ctx, attribute, &expression_for(ctx, attribute), None)
}

pub fn expression_for(ctx: &Context, attribute: &str) -> String {
    format!("(import {}).{attribute}", outputs_file(ctx))
}

pub fn outputs_file(ctx: &Context) -> String {
    ctx.repo
        .join("suite/nixpkgs-standin/flake-outputs.nix")
        .display()
        .to_string()
}

/// Builds what a Nix expression over the flake's outputs names; says seconds and output size.
/// With `link`, the result is also kept there (a garbage-collector root).
pub fn build_expression(
    ctx: &mut Context,
    label: &str,
    expression: &str,
    link: Option<&Path>,
) -> Result<String> {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let (drv, already) = instantiate(ctx, expression)?;
    let ahead = join_ahead(ctx, &drv)?;
    let started = Instant::now();
    let mut command = sandboxed_nix(ctx, "nix-build");
    command.arg(&drv).arg("--keep-failed");
    match link {
        Some(link) => {
            // A folder an earlier form of the suite left there would make Nix refuse the link.
            if link.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(link)?;
            }
            command.arg("--out-link").arg(link)
        }
        None => command.arg("--no-out-link"),
    };
    let output = ctx.run_unchecked("nix-build", &mut command)?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        println!("[nix-build] {label}: failed after {seconds:.0} s");
        bail!(
            "nix-build {label} failed ({}):\n{}",
            output.status,
            tail(&output, 30)
        );
    }
    let out = stdout_text(&output).trim().to_string();
    let size = du(ctx, Path::new(&out))?;
    let how = if let Some(ahead) = ahead {
        ahead
    } else if already {
        "already in the store from an earlier build of the same derivation".to_string()
    } else {
        format!("built in {seconds:.0} s")
    };
    println!("[nix-build] {label}: {how}, {size}");
    Ok(format!("{out}: {how}, {size}"))
}

/// A Nix build running in the background since `started`, its output in `log`.
pub struct AheadBuild {
    drv: String,
    label: String,
    started: SystemTime,
    child: Child,
    log: PathBuf,
}

/// Starts the Nix build of an attribute in the background and returns at once: the checks before
/// the one that needs it run beside it, on the cores its build leaves idle (a long build of one
/// crate links and compiles its largest crates on one core). `build_expression` of the same
/// derivation joins it: waits for it, reports its time, and fails with its log if it failed.
pub fn build_ahead(ctx: &mut Context, attribute: &str) -> Result<String> {
    let (drv, already) = instantiate(ctx, &expression_for(ctx, attribute))?;
    if already {
        return Ok(format!("{attribute} is in the store already"));
    }
    let log = ctx
        .work
        .join(format!("ahead-{}.log", attribute.replace('/', "-")));
    let file =
        std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let child = sandboxed_nix(ctx, "nix-build")
        .arg(&drv)
        .arg("--no-out-link")
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .spawn()
        .context("starting nix-build in the background")?;
    ctx.ahead.push(AheadBuild {
        drv,
        label: attribute.to_string(),
        started: SystemTime::now(),
        child,
        log,
    });
    Ok(format!("{attribute} building in the background"))
}

/// Waits for the background build of `drv`, if one was started; says how long it took.
fn join_ahead(ctx: &mut Context, drv: &str) -> Result<Option<String>> {
    let Some(index) = ctx.ahead.iter().position(|a| a.drv == drv) else {
        return Ok(None);
    };
    let mut ahead = ctx.ahead.remove(index);
    let waited = Instant::now();
    let status = ahead
        .child
        .wait()
        .context("waiting for a background nix-build")?;
    let log = std::fs::read_to_string(&ahead.log).unwrap_or_default();
    if !status.success() {
        let lines: Vec<&str> = log.lines().collect();
        bail!(
            "nix-build {} in the background failed ({status}); the end of {}:\n{}",
            ahead.label,
            ahead.log.display(),
            lines[lines.len().saturating_sub(30)..].join("\n")
        );
    }
    // nix-build's last line, the output path, is the log's last write: the build's end.
    let finished = std::fs::metadata(&ahead.log)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| SystemTime::now());
    let seconds = finished
        .duration_since(ahead.started)
        .unwrap_or_default()
        .as_secs_f64();
    Ok(Some(format!(
        "built in {seconds:.0} s in the background, beside the checks before this one (this check waited {:.0} s for it)",
        waited.elapsed().as_secs_f64()
    )))
}

/// The expression's derivation, and whether its outputs are in the store already (Nix then
/// builds nothing). The build then starts from this .drv, so the flake is evaluated once.
pub fn instantiate(ctx: &Context, expression: &str) -> Result<(String, bool)> {
    let output = ctx.run(
        "nix-instantiate",
        sandboxed_nix(ctx, "nix-instantiate").args(["-E", expression]),
    )?;
    let drv = stdout_text(&output).trim().to_string();
    let outputs = ctx.run(
        "nix-store-outputs",
        Command::new("nix-store")
            .args(["-q", "--outputs"])
            .arg(&drv),
    )?;
    let already = stdout_text(&outputs)
        .lines()
        .all(|out| Path::new(out.trim()).exists());
    Ok((drv, already))
}

pub fn du(ctx: &Context, path: &Path) -> Result<String> {
    let output = ctx.run(
        "du",
        Command::new("du")
            .args(["-sh", "--apparent-size"])
            .arg(path),
    )?;
    Ok(stdout_text(&output)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// The UI-test check of `target` on its offline subset (`ui-tests/<target>/offline-subset.txt`),
/// as one expression, so that every area that needs it asks Nix for the same derivation: the
/// scope's `ui-wasip1`, `ui-wasip2` or `ui-wasip3`.
pub fn ui_subset_expression(ctx: &Context, target: &str) -> anyhow::Result<String> {
    let Some(short) = target.strip_prefix("wasm32-") else {
        bail!("{target} is not a wasm32 target of ui-tests/");
    };
    let file = ctx
        .repo
        .join("ui-tests")
        .join(target)
        .join("offline-subset.txt");
    let paths: Vec<String> = crate::support::ui_selection::read_selection(&file)?
        .iter()
        .map(|path| format!("\"{path}\""))
        .collect();
    Ok(format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.ui-{short}.override {{ pname = \"ui-{short}-offline-subset\"; paths = [ {} ]; }}",
        outputs_file(ctx),
        paths.join(" ")
    ))
}

/// The report of that run (`ui-<short>-report`, which checks.ui-wasip2 and checks.ui-wasip3 are):
/// the run's files linked, and ui-report's report.json and report.html.
pub fn ui_subset_report_expression(ctx: &Context, target: &str) -> anyhow::Result<String> {
    let short = target.strip_prefix("wasm32-").unwrap_or(target);
    Ok(format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.ui-{short}-report.override {{ run = {}; }}",
        outputs_file(ctx),
        ui_subset_expression(ctx, target)?
    ))
}

/// Builds the report of the offline subset's run of `target` (the run itself is the one
/// [`ui_subset`] builds): its output's path.
pub fn ui_subset_report(ctx: &mut Context, target: &str) -> Result<PathBuf> {
    let expression = ui_subset_report_expression(ctx, target)?;
    let built = build_expression(
        ctx,
        &format!("{target} offline subset's report"),
        &expression,
        None,
    )?;
    Ok(store_path(&built))
}

/// The store path at the start of what `build`/`build_expression` say.
pub fn store_path(built: &str) -> PathBuf {
    PathBuf::from(built.split(':').next().unwrap_or_default())
}

/// The package as the flake's scope has it, or from its file while the scope does not list it.
pub fn ui_report_expression(ctx: &Context) -> String {
    format!(
        "let s = (import {}).legacyPackages.x86_64-linux.wasip2; in s.ui-report or (s.callPackage {} {{ }})",
        outputs_file(ctx),
        ctx.repo.join("nix/packages/ui-report.nix").display()
    )
}

/// ui-report as Nix builds it (its own tests run in that build): the program's path.
pub fn ui_report_binary(ctx: &mut Context) -> Result<PathBuf> {
    let built = build_expression(ctx, "ui-report", &ui_report_expression(ctx), None)?;
    let program = store_path(&built).join("bin/ui-report");
    ensure!(
        program.is_file(),
        "the ui-report package has no {}",
        program.display()
    );
    Ok(program)
}

/// The UI check of `target` on its offline subset as Nix builds it (every area asks for the same
/// derivation, so it is built once): its output and what its report says.
pub struct UiSubset {
    pub out: PathBuf,
    pub report: serde_json::Value,
    /// Counts, the run-pass tests that ran in Wasmtime, and the build's seconds and size.
    pub summary: String,
}

/// Builds the UI check of `target` on its offline subset. Its build fails on an outcome its known
/// failures do not say; beyond that, the report must be the target's, some test must pass, and
/// some run-pass test (a program run in Wasmtime) must be among them.
pub fn ui_subset(ctx: &mut Context, target: &str) -> Result<UiSubset> {
    let expression = ui_subset_expression(ctx, target)?;
    let built = build_expression(ctx, &format!("{target} offline subset"), &expression, None)?;
    let out = store_path(&built);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json"))?)?;
    let count = |key: &str| report[key].as_u64().unwrap_or(0);
    let nothing = serde_json::json!([]);
    ensure!(
        report["target"] == target
            && count("passed") > 0
            && report["unexpected_failures"] == nothing
            && report["unexpected_passes"] == nothing,
        "the Nix-built report of {target} says: {report}"
    );
    let Some(source) = ctx.parts.rust_source.clone() else {
        bail!("no prepared source to find the run-pass tests in (see the rust-std area)");
    };
    let outcomes = std::fs::read_to_string(out.join("outcomes.txt"))?;
    let selection = ctx
        .repo
        .join("ui-tests")
        .join(target)
        .join("offline-subset.txt");
    let selected = crate::support::ui_selection::read_selection(&selection)?;
    let ran = crate::support::ui_selection::run_pass_tests(&source, &selected)?
        .iter()
        .filter(|test| outcomes.lines().any(|line| line == format!("ok {test}")))
        .count();
    ensure!(
        ran > 0,
        "no run-pass test of {target} passed in the Nix build"
    );
    let summary = format!(
        "{built}; {target} offline subset: {} passed, {} failed (known), {} ignored; {ran} run-pass tests ran in Wasmtime",
        count("passed"),
        count("failed"),
        count("ignored")
    );
    Ok(UiSubset {
        out,
        report,
        summary,
    })
}

/// The wasi-sdk with the wasm32-wasip3 clang drivers, as the flake's scope builds it: its path.
pub fn wasi_sdk_wasip3(ctx: &mut Context) -> Result<PathBuf> {
    let expression = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.wasi-sdk-wasip3",
        outputs_file(ctx)
    );
    Ok(store_path(&build_expression(
        ctx,
        "wasi-sdk-wasip3",
        &expression,
        None,
    )?))
}

/// `rust-std-wasip3` (the std of wasip2 and wasip3 from one bootstrap run) as Nix builds it, kept
/// at one link for every area that needs it: the link and what the build said.
pub fn wasip3_toolchain(ctx: &mut Context) -> Result<(PathBuf, String)> {
    let attribute = "packages.x86_64-linux.rust-std-wasip3";
    let link = ctx.work.join("toolchain-wasip3");
    let built = build_expression(ctx, attribute, &expression_for(ctx, attribute), Some(&link))?;
    Ok((link, built))
}

/// A crate of the crate registry and every crate of the Cargo.lock it ships, in cargo's cache,
/// where the stand-in's fetchurl and fetchCargoVendor take them from (a package the flake builds
/// from a registry crate, such as `wasmtime-p3`).
pub fn fetch_crate_with_lock(ctx: &Context, name: &str, version: &str) -> Result<()> {
    let cache = cargo_registry_cache().ok();
    let file = cache
        .as_ref()
        .map(|c| c.join(format!("{name}-{version}.crate")));
    if !file.as_ref().is_some_and(|f| f.exists()) {
        // cargo has no command that downloads one crate; a project that depends on it does.
        let probe = ctx.fresh_dir(&format!("crate-fetch/{name}-{version}"))?;
        std::fs::create_dir_all(probe.join("src"))?;
        std::fs::write(probe.join("src/lib.rs"), "")?;
        std::fs::write(
            probe.join("Cargo.toml"),
            format!(
                "[package]\nname = \"crate-fetch\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{name} = \"={version}\"\n"
            ),
        )?;
        ctx.run(
            "crate-fetch",
            Command::new("cargo")
                .args(["fetch", "--manifest-path"])
                .arg(probe.join("Cargo.toml")),
        )?;
    }
    let file = cargo_registry_cache()?.join(format!("{name}-{version}.crate"));
    ensure!(file.exists(), "cargo fetch left no {}", file.display());
    let unpacked = ctx.fresh_dir(&format!("crate-fetch/{name}-{version}-source"))?;
    ctx.run(
        "crate-unpack",
        Command::new("tar")
            .arg("xzf")
            .arg(&file)
            .arg("-C")
            .arg(&unpacked)
            .arg("--strip-components=1"),
    )?;
    ctx.run(
        "crate-fetch-lock",
        Command::new("cargo")
            .args(["fetch", "--locked", "--manifest-path"])
            .arg(unpacked.join("Cargo.toml")),
    )?;
    Ok(())
}
