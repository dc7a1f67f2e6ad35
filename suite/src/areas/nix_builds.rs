//! Nix itself builds the flake's derivations here, sandboxed (no network, build users, only
//! declared inputs), on the nixpkgs stand-in (`suite/nixpkgs-standin/`) made of this machine's
//! parts. The flake's own files are evaluated: `flake.nix`, `nix/overlay.nix`, `nix/scope.nix`
//! and the package files, exactly as a user's Nix evaluates them over nixpkgs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::json;

use crate::areas::nix::flake_copy;
use crate::areas::ui_tests::{read_selection, run_pass_tests};
use crate::context::{package_dir, stdout_text, tail, which};
use crate::nix_build::Stdenv;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "nix-builds";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "stand-in parts written; Nix builds in its sandbox here",
        prepare,
    );
    suite.check(
        AREA,
        "every package, shell and check evaluates to a .drv for the four systems",
        every_output,
    );
    suite.check(
        AREA,
        "wasi-sdk built by Nix (sandbox on): its install check compiles C",
        |ctx| build(ctx, "packages.x86_64-linux.wasi-sdk").map(Verdict::Proved),
    );
    suite.check(
        AREA,
        "rust-std-wasip2 built by Nix: bootstrap in the sandbox, then the join; its compiler makes a component Wasmtime runs",
        rust_std,
    );
    suite.check(
        AREA,
        "checks.toolchain-component built by Nix: cargo makes a component, Wasmtime runs it",
        |ctx| build(ctx, "checks.x86_64-linux.toolchain-component").map(Verdict::Proved),
    );
    suite.check(
        AREA,
        "wasip2-doctor built by Nix (its tests run in the build); checks.doctor passes in the dev shell's environment",
        |ctx| {
            let package = build(ctx, "packages.x86_64-linux.wasip2-doctor")?;
            let check = build(ctx, "checks.x86_64-linux.doctor")?;
            Ok(Verdict::Proved(format!("{package}; {check}")))
        },
    );
    suite.check(
        AREA,
        "ui-wasip2 built by Nix on the offline subset: compiletest in the sandbox, run-pass tests in Wasmtime",
        ui_subset,
    );
    suite.check(
        AREA,
        "a derivation script that uses compgen fails in the Nix build",
        |ctx| {
            fault_caught(
                ctx,
                "checks/ui-wasip2/run-ui-tests.sh",
                r#"matched "$stage0"/lib/rustlib/wasm32-wasip2/lib/libstd-*.rlib ||"#,
                r#"compgen -G "$stage0/lib/rustlib/wasm32-wasip2/lib/libstd-*.rlib" >/dev/null ||"#,
                "checks.x86_64-linux.ui-wasip2",
                "compgen: command not found",
            )
        },
    );
    suite.check(
        AREA,
        "nix-shell of devShells.default: a template's cargo test and cargo run under Wasmtime",
        dev_shell,
    );
    suite.check(
        AREA,
        "a check that runs Wasmtime with its default cache fails in the Nix build",
        |ctx| {
            fault_caught(
                ctx,
                "nix/checks/toolchain-component.nix",
                // Before the check points HOME at its build folder: HOME is the sandbox's.
                "export HOME=",
                "echo '(module (func (export \"_start\")))' > start.wat\n    wasmtime run start.wat\n    export HOME=",
                "checks.x86_64-linux.toolchain-component",
                "failed to create cache directory",
            )
        },
    );
}

/// Where the stand-in's parts file and packed parts go.
fn standin_dir(ctx: &Context) -> PathBuf {
    ctx.work.join("nixpkgs-standin")
}

/// Nix's settings for a sandboxed build here: build users, no substituters, the host folders
/// the stand-in's packages link into, and the features our derivations ask for.
fn sandboxed_nix(ctx: &Context, program: &str) -> Command {
    let mut paths = vec![
        "/usr".to_string(),
        "/lib".to_string(),
        "/lib64".to_string(),
        "/etc/alternatives".to_string(),
        "/bin/sh=/bin/busybox".to_string(),
    ];
    paths.push(ctx.cache.join("cargo-tools").display().to_string());
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

fn prepare(ctx: &mut Context) -> CheckResult {
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

/// Outputs that cannot evaluate on the stand-in, and why: what they need is not stood in.
const NOT_STOOD_IN: &[(&str, &str)] = &[
    (
        "template-",
        "the templates' checks are crane builds, and crane is not stood in",
    ),
    (
        "fenix",
        "fenix reads its channel manifest by import-from-derivation, from the network",
    ),
    ("nix-style", "statix has no part here"),
];

fn every_output(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let output = ctx.run(
        "every-output",
        sandboxed_nix(ctx, "nix-instantiate")
            .args(["--eval", "--strict", "--json"])
            .arg(ctx.repo.join("suite/nixpkgs-standin/every-output.nix")),
    )?;
    let evaluated: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("every-output.nix gave no JSON")?;
    let (mut ok, mut refused) = (0, Vec::new());
    for (kind, systems) in evaluated.as_object().context("no outputs")? {
        for (system, names) in systems.as_object().context("no systems")? {
            for (name, success) in names.as_object().context("no names")? {
                if success == true {
                    ok += 1;
                    continue;
                }
                let Some((_, why)) = NOT_STOOD_IN.iter().find(|(part, _)| name.contains(part))
                else {
                    bail!("{kind}.{system}.{name} does not evaluate on the stand-in");
                };
                refused.push(format!("{kind}.{name} ({why})"));
            }
        }
    }
    refused.sort();
    refused.dedup();
    ensure!(ok > 0, "no output evaluated");
    Ok(Verdict::Proved(format!(
        "{ok} outputs evaluate to a .drv; not stood in, so not evaluated: {}",
        refused.join("; ")
    )))
}

/// The from-source std, built by Nix: every later area (and the benchmarks) builds with this
/// toolchain, kept at `work/toolchain-wasip2`.
fn rust_std(ctx: &mut Context) -> CheckResult {
    let attribute = "packages.x86_64-linux.rust-std-wasip2";
    let link = ctx.work.join("toolchain-wasip2");
    if link.is_dir() && !link.is_symlink() {
        std::fs::remove_dir_all(&link)?;
    }
    let built = build_expression(ctx, attribute, &expression_for(ctx, attribute), Some(&link))?;
    let verdict = std_runs(ctx, &built)?;
    ctx.parts.wasip2_toolchain = Some(link);
    Ok(verdict)
}

/// The joined toolchain's rustc builds a component for wasm32-wasip2 against the std the Nix
/// build made, and Wasmtime runs it.
fn std_runs(ctx: &Context, built: &str) -> CheckResult {
    let toolchain = PathBuf::from(built.split(':').next().unwrap_or_default());
    let dir = ctx.fresh_dir("nix-built-std-hello")?;
    std::fs::write(
        dir.join("hello.rs"),
        "fn main() { println!(\"hello from the std Nix built\"); }\n",
    )?;
    ctx.run(
        "nix-std-hello",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", "wasm32-wasip2", "hello.rs", "-o", "hello.wasm"])
            .current_dir(&dir),
    )?;
    crate::wasm::expect_component(&dir.join("hello.wasm"))?;
    let wasmtime = ctx.parts.wasmtime.clone().context("no wasmtime")?;
    let output = ctx.run(
        "nix-std-hello-run",
        Command::new(wasmtime.join("bin/wasmtime"))
            .arg("run")
            .arg(dir.join("hello.wasm")),
    )?;
    let said = stdout_text(&output);
    ensure!(
        said.trim() == "hello from the std Nix built",
        "the component printed {said:?}"
    );
    Ok(Verdict::Proved(format!(
        "{built}; its rustc made a component that printed {:?}",
        said.trim()
    )))
}

/// The UI-test check with the offline subset's paths (the flake's check runs the default
/// selection, which takes minutes more): its report says what ran.
fn ui_subset(ctx: &mut Context) -> CheckResult {
    let paths: Vec<String> = read_selection(&ctx.repo.join("checks/ui-wasip2/offline-subset.txt"))?
        .iter()
        .map(|path| format!("\"{path}\""))
        .collect();
    let expression = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.ui-wasip2.override {{ pname = \"ui-wasip2-offline-subset\"; paths = [ {} ]; }}",
        outputs_file(ctx),
        paths.join(" ")
    );
    let built = build_expression(ctx, "ui-wasip2 (offline subset)", &expression, None)?;
    let out = PathBuf::from(built.split(':').next().unwrap_or_default());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json"))?)?;
    let count = |key: &str| report[key].as_u64().unwrap_or(0);
    ensure!(
        count("passed") > 0 && report["unexpected_failures"] == json!([]),
        "the Nix-built report says: {report}"
    );
    // Programs ran in Wasmtime: run-pass tests are among those that passed.
    let source = ctx
        .parts
        .rust_source
        .clone()
        .context("no prepared source to find the run-pass tests in")?;
    let outcomes = std::fs::read_to_string(out.join("outcomes.txt"))?;
    let selected = read_selection(&ctx.repo.join("checks/ui-wasip2/offline-subset.txt"))?;
    let ran = run_pass_tests(&source, &selected)?
        .iter()
        .filter(|test| outcomes.lines().any(|line| line == format!("ok {test}")))
        .count();
    ensure!(ran > 0, "no run-pass test passed in the Nix build");
    Ok(Verdict::Proved(format!(
        "{built}; {} passed, {} failed (known), {} ignored; {ran} run-pass tests ran in Wasmtime",
        count("passed"),
        count("failed"),
        count("ignored")
    )))
}

/// The everyday shell as a user enters it (`nix-shell`, Nix 2.8's `nix develop`), with only what
/// the shell provides (`--pure`), and in it the wordcount template's tests and a run.
fn dev_shell(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let project = ctx.fresh_dir("nix-shell-wordcount")?;
    ctx.run(
        "copy-template",
        Command::new("cp")
            .arg("-r")
            .arg(ctx.repo.join("templates/wasip2/."))
            .arg(&project),
    )?;
    let Some(env) = ctx.parts.build_env.clone() else {
        bail!("no Nix build environment (see the parts area)");
    };
    let started = Instant::now();
    let output = ctx.run(
        "nix-shell",
        sandboxed_nix(ctx, "nix-shell")
            .current_dir(&project)
            .arg(ctx.repo.join("suite/nixpkgs-standin/flake-outputs.nix"))
            .args(["-A", "devShells.x86_64-linux.default", "--pure", "--run"])
            .arg("wasip2-doctor --quick && cargo test --offline && echo 'a b c' | cargo run --offline --quiet")
            .env("NIX_BUILD_SHELL", &env.bash),
    )?;
    let said = format!(
        "{}{}",
        stdout_text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    ensure!(
        said.contains("wasm32-wasip2 shell: Rust"),
        "the shell's greeting is missing:\n{}",
        tail(&output, 20)
    );
    let passed: usize = said
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    ensure!(
        passed > 0,
        "cargo test in the shell passed no test:\n{said}"
    );
    let counted = stdout_text(&output)
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    ensure!(
        counted == "1 3 6 -",
        "cargo run in the shell printed {counted:?} for 'a b c'"
    );
    Ok(Verdict::Proved(format!(
        "in {:.0} s: the doctor's quick checks pass; {passed} tests passed under Wasmtime; cargo run counted 'a b c' as {counted:?}",
        started.elapsed().as_secs_f64()
    )))
}

/// A fault of a kind once found only by users: a copy of the repository with `from` replaced by
/// `to` in `file`; the Nix build of `attribute` must fail, and say `said`.
fn fault_caught(
    ctx: &mut Context,
    file: &str,
    from: &str,
    to: &str,
    attribute: &str,
    said: &str,
) -> CheckResult {
    let copy = flake_copy(ctx, "nix-builds-fault")?;
    let text = std::fs::read_to_string(copy.join(file))?;
    ensure!(text.contains(from), "{file} no longer contains {from:?}");
    std::fs::write(copy.join(file), text.replacen(from, to, 1))?;
    let output = ctx.run_unchecked(
        "nix-build-fault",
        sandboxed_nix(ctx, "nix-build")
            .arg(copy.join("suite/nixpkgs-standin/flake-outputs.nix"))
            .args(["-A", attribute, "--no-out-link"]),
    )?;
    let text = tail(&output, 40);
    ensure!(
        !output.status.success(),
        "the Nix build of {attribute} passed with the fault in {file}"
    );
    let line = text
        .lines()
        .find(|line| line.contains(said))
        .with_context(|| format!("the Nix build failed, but not with {said:?}:\n{text}"))?;
    Ok(Verdict::Proved(format!(
        "{file} with the fault: the build of {attribute} failed: {}",
        line.trim()
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

/// Where cargo keeps the .crate files it downloaded from crates.io: the workspace's crates are
/// there once `cargo test` has built it.
fn cargo_registry_cache() -> Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let cache = home.join("registry/cache");
    std::fs::read_dir(&cache)
        .with_context(|| format!("reading {}", cache.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("index.crates.io-"))
        })
        .with_context(|| format!("no crates.io cache in {}", cache.display()))
}

/// Builds one attribute of the flake's outputs on the stand-in; says seconds and output size.
fn build(ctx: &mut Context, attribute: &str) -> Result<String> {
    build_expression(ctx, attribute, &expression_for(ctx, attribute), None)
}

fn expression_for(ctx: &Context, attribute: &str) -> String {
    format!("(import {}).{attribute}", outputs_file(ctx))
}

fn outputs_file(ctx: &Context) -> String {
    ctx.repo
        .join("suite/nixpkgs-standin/flake-outputs.nix")
        .display()
        .to_string()
}

/// Builds what a Nix expression over the flake's outputs names; says seconds and output size.
/// With `link`, the result is also kept there (a garbage-collector root).
fn build_expression(
    ctx: &mut Context,
    label: &str,
    expression: &str,
    link: Option<&Path>,
) -> Result<String> {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let (drv, already) = instantiate(ctx, expression)?;
    let started = Instant::now();
    let mut command = sandboxed_nix(ctx, "nix-build");
    command.arg(&drv).arg("--keep-failed");
    match link {
        Some(link) => command.arg("--out-link").arg(link),
        None => command.arg("--no-out-link"),
    };
    let output = ctx.run_unchecked("nix-build", &mut command)?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        println!("[{AREA}] {label}: failed after {seconds:.0} s");
        bail!(
            "nix-build {label} failed ({}):\n{}",
            output.status,
            tail(&output, 30)
        );
    }
    let out = stdout_text(&output).trim().to_string();
    let size = du(ctx, Path::new(&out))?;
    let how = if already {
        "already in the store from an earlier build of the same derivation".to_string()
    } else {
        format!("built in {seconds:.0} s")
    };
    println!("[{AREA}] {label}: {how}, {size}");
    Ok(format!("{out}: {how}, {size}"))
}

/// The expression's derivation, and whether its outputs are in the store already (Nix then
/// builds nothing). The build then starts from this .drv, so the flake is evaluated once.
fn instantiate(ctx: &Context, expression: &str) -> Result<(String, bool)> {
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

fn du(ctx: &Context, path: &Path) -> Result<String> {
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

fn nix_versions(ctx: &Context) -> Result<serde_json::Value> {
    let output = ctx.run(
        "nix-versions",
        ctx.nix("nix-instantiate")
            .args(["--eval", "--strict", "--json"])
            .arg(ctx.repo.join("nix/versions.nix")),
    )?;
    serde_json::from_slice(&output.stdout).context("nix/versions.nix evaluated to no JSON")
}
