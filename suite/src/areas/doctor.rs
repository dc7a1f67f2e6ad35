//! wasip2-doctor against real environments: the host's parts arranged as the dev shell arranges
//! them (everything passes, live probes included), then broken copies of it, each of which must
//! be diagnosed by the right check with its fix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::context::tail;
use crate::support::toolchain::eval_dev_env;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "doctor";

pub fn run(suite: &mut Suite) {
    suite.check(AREA, "builds (cargo build -p wasip2-doctor)", build);
    suite.check(
        AREA,
        "the dev shell's environment passes every check, probes included",
        healthy,
    );
    suite.check(
        AREA,
        "broken environments: each fails the right check with its fix",
        broken,
    );
}

fn doctor_binary(ctx: &Context) -> PathBuf {
    ctx.work.join("doctor-target/debug/wasip2-doctor")
}

fn build(ctx: &mut Context) -> CheckResult {
    // Its own target folder: the workspace's is in use by the `cargo test` running this suite.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    ctx.run(
        "doctor-build",
        Command::new(cargo)
            .current_dir(&ctx.repo)
            .args(["build", "--locked", "-p", "wasip2-doctor"])
            .env("CARGO_TARGET_DIR", ctx.work.join("doctor-target")),
    )?;
    let binary = doctor_binary(ctx);
    ensure!(binary.exists(), "no binary at {}", binary.display());
    Ok(Verdict::Proved(binary.display().to_string()))
}

/// The variables of a healthy environment: the dev shell's, with the wasip2 toolchain and
/// wasmtime first on a minimal PATH.
fn healthy_env(ctx: &Context) -> Result<BTreeMap<String, String>> {
    let (Some(toolchain), Some(wasmtime)) = (&ctx.parts.wasip2_toolchain, &ctx.parts.wasmtime)
    else {
        bail!("needs the wasip2 toolchain and wasmtime (see the parts and rust-std areas)");
    };
    let mut env = eval_dev_env(ctx)?;
    env.insert(
        "PATH".into(),
        format!(
            "{}:{}:/usr/bin:/bin",
            toolchain.join("bin").display(),
            wasmtime.join("bin").display()
        ),
    );
    env.insert(
        "RUSTC".into(),
        toolchain.join("bin/rustc").display().to_string(),
    );
    for name in ["HOME", "TMPDIR", "CARGO_HOME"] {
        if let Ok(value) = std::env::var(name) {
            env.insert(name.into(), value);
        }
    }
    Ok(env)
}

/// Runs the doctor with exactly these variables in `cwd`; its JSON report and exit code.
fn diagnose(
    ctx: &Context,
    label: &str,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    quick: bool,
) -> Result<(BTreeMap<String, Value>, i32)> {
    let mut command = Command::new(doctor_binary(ctx));
    command.env_clear().envs(env).current_dir(cwd).arg("--json");
    if quick {
        command.arg("--quick");
    }
    let output = ctx.run_unchecked(label, &mut command)?;
    let report: Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("no JSON report: {}", tail(&output, 10)))?;
    let checks = report["checks"]
        .as_array()
        .context("the report has no checks")?
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?.to_string(), c.clone())))
        .collect();
    Ok((checks, output.status.code().unwrap_or(-1)))
}

fn status(checks: &BTreeMap<String, Value>, id: &str) -> String {
    checks
        .get(id)
        .and_then(|c| c["status"].as_str())
        .unwrap_or("absent")
        .to_string()
}

fn healthy(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let env = healthy_env(ctx)?;
    let cwd = ctx.fresh_dir("doctor-healthy")?;
    let (checks, code) = diagnose(ctx, "doctor-healthy", &env, &cwd, false)?;
    let not_passing: Vec<String> = checks
        .iter()
        .filter(|(_, c)| c["status"] != "pass")
        .map(|(id, c)| format!("{id}: {} ({})", c["status"], c["detail"]))
        .collect();
    ensure!(
        not_passing.is_empty() && code == 0,
        "exit {code}; not passing: {}",
        not_passing.join("; ")
    );
    for probe in ["probe-build", "probe-run", "probe-c"] {
        ensure!(checks.contains_key(probe), "the report has no {probe}");
    }
    Ok(Verdict::Proved(format!(
        "all {} checks pass, exit 0: {}",
        checks.len(),
        checks.keys().cloned().collect::<Vec<_>>().join(", ")
    )))
}

/// One broken environment and what the doctor must say about it.
struct Case {
    name: &'static str,
    check: &'static str,
    /// Words the fix must contain.
    fix_mentions: &'static str,
}

fn broken(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let (Some(sdk), Some(stage0)) = (ctx.parts.wasi_sdk.clone(), ctx.parts.stage0.clone()) else {
        return ctx.missing("needs the SDK and the stage-0 toolchain (see the parts area)");
    };
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let base = healthy_env(ctx)?;
    let root = ctx.fresh_dir("doctor-broken")?;
    let mut seen = Vec::new();

    // 1. A WASI_SDK_PATH whose sysroot has only wasip1.
    let bad_sdk = root.join("sdk-without-wasip2");
    std::fs::create_dir_all(bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1"))?;
    std::os::unix::fs::symlink(sdk.join("bin"), bad_sdk.join("bin"))?;
    std::fs::write(
        bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1/libc.a"),
        b"",
    )?;
    let mut env = base.clone();
    // The cc crate's variables follow it, as a shell set up from that SDK would have them.
    let bad = bad_sdk.display();
    env.insert("WASI_SDK_PATH".into(), bad.to_string());
    env.insert(
        "CC_wasm32_wasip2".into(),
        format!("{bad}/bin/wasm32-wasip2-clang"),
    );
    env.insert("AR_wasm32_wasip2".into(), format!("{bad}/bin/llvm-ar"));
    env.insert(
        "CFLAGS_wasm32_wasip2".into(),
        format!("--sysroot={bad}/share/wasi-sysroot"),
    );
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "sdk-without-wasip2",
            check: "wasi-sdk",
            fix_mentions: "share/wasi-sysroot/lib/wasm32-wasip2",
        },
    )?);

    // 2. A wasmtime that reports version 16.
    let fake = root.join("fake-bin");
    std::fs::create_dir_all(&fake)?;
    std::fs::write(
        fake.join("wasmtime"),
        "#!/bin/sh\necho 'wasmtime-cli 16.0.0'\n",
    )?;
    make_executable(&fake.join("wasmtime"))?;
    let mut env = base.clone();
    let path = format!("{}:{}", fake.display(), base["PATH"]);
    env.insert("PATH".into(), path);
    env.insert(
        "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
        "wasmtime run --dir .".into(),
    );
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "wasmtime-16",
            check: "wasmtime",
            fix_mentions: ">= 17",
        },
    )?);

    // 3. No runner: no variable, no Cargo configuration up to the root or in CARGO_HOME.
    let mut env = base.clone();
    env.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
    let home = root.join("empty-home");
    std::fs::create_dir_all(&home)?;
    env.insert("HOME".into(), home.display().to_string());
    env.insert(
        "CARGO_HOME".into(),
        home.join(".cargo").display().to_string(),
    );
    let no_runner = expect_full(
        ctx,
        &env,
        &home,
        Case {
            name: "no-runner",
            check: "runner",
            fix_mentions: "CARGO_TARGET_WASM32_WASIP2_RUNNER",
        },
    )?;
    seen.push(no_runner);

    // 4. A rustc without the wasip2 std: rustup's plain 1.95.0.
    let mut env = base.clone();
    env.insert(
        "RUSTC".into(),
        stage0.join("bin/rustc").display().to_string(),
    );
    env.insert(
        "PATH".into(),
        format!("{}:{}", stage0.join("bin").display(), base["PATH"]),
    );
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "rustc-without-wasip2-std",
            check: "wasip2-std",
            fix_mentions: "rustup target add wasm32-wasip2",
        },
    )?);

    Ok(Verdict::Proved(seen.join("; ")))
}

fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn expect(ctx: &Context, env: &BTreeMap<String, String>, cwd: &Path, case: Case) -> Result<String> {
    judge(ctx, env, cwd, case, true)
}

fn expect_full(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
) -> Result<String> {
    judge(ctx, env, cwd, case, false)
}

/// The broken case fails exactly its check (with the fix), exits 1, and the other static checks
/// still pass, so the diagnosis points at the cause and nothing else.
fn judge(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
    quick: bool,
) -> Result<String> {
    let (checks, code) = diagnose(ctx, &format!("doctor-{}", case.name), env, cwd, quick)?;
    let finding = checks
        .get(case.check)
        .with_context(|| format!("{}: the report has no {} check", case.name, case.check))?;
    ensure!(
        finding["status"] == "fail",
        "{}: {} is {} ({})",
        case.name,
        case.check,
        finding["status"],
        finding["detail"]
    );
    let fix = finding["fix"].as_str().unwrap_or_default();
    ensure!(
        fix.contains(case.fix_mentions),
        "{}: the fix {fix:?} does not mention {:?}",
        case.name,
        case.fix_mentions
    );
    ensure!(code == 1, "{}: exit status {code}, not 1", case.name);
    let others: Vec<String> = checks
        .iter()
        .filter(|(id, c)| {
            id.as_str() != case.check && !id.starts_with("probe-") && c["status"] == "fail"
        })
        .map(|(id, _)| id.clone())
        .collect();
    ensure!(
        others.is_empty(),
        "{}: other checks failed too: {}",
        case.name,
        others.join(", ")
    );
    let probe_note = if quick {
        String::new()
    } else {
        format!(", probe-run {}", status(&checks, "probe-run"))
    };
    Ok(format!("{} -> {} fails{probe_note}", case.name, case.check))
}
