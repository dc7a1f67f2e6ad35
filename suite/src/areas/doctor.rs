//! wasip2-doctor against real environments: the host's parts arranged as the dev shell arranges
//! them (everything passes, live probes included), then broken copies of it, each of which must
//! be diagnosed by the right check with its fix; the same for `--target wasm32-wasip3` with the
//! p2+p3 toolchain Nix builds; C++ with an SDK without libc++; and a std whose panic strategy
//! the flags contradict.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::areas::cxx::sdk_without_libcxx;
use crate::context::{stdout_text, tail};
use crate::support::standin::{build_expression, expression_for, outputs_file, store_path};
use crate::support::toolchain::{cargo_of, eval_dev_env_with, nix_string};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "doctor";
/// Debian's libclang (libclang-19-dev), which the dev shell's LIBCLANG_PATH stands for here.
const LIBCLANG: &str = "/usr/lib/llvm-19";
/// The flags of a shell that builds to unwind (see the unwinding std).
/// The doctor's arguments for the p3 checks.
const P3: &[&str] = &["--target", "wasm32-wasip3"];
const UNWIND_FLAGS: &str =
    "-Cpanic=unwind -Ctarget-feature=+exception-handling -Cllvm-args=-wasm-use-legacy-eh=false";
/// What the unwinding shell adds besides: the archive with the exception tag, which the
/// unwinding std keeps in its folder.
const TAG_FLAG: &str = "-C link-arg=-lcpp_exception_tag";

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
    suite.check(
        AREA,
        "an SDK without libc++ (the cxx area's): the doctor fails libc++ and the C++ probe, naming the fix, where cargo says only \"unable to find library -lc++\"",
        without_libcxx,
    );
    suite.check(
        AREA,
        "unwinding flags with the from-source std (built to abort): panic-strategy fails naming the unwinding toolchain, not a link error",
        unwind_flags_abort_std,
    );
    suite.check(
        AREA,
        "the unwinding std without the unwinding flags, or without its exception tag archive: panic-strategy fails naming the shell's flags; with them the unwinding probe catches a panic under plain wasmtime run",
        unwind_std,
    );
    suite.check(
        AREA,
        "--target wasm32-wasip3 with the p2+p3 toolchain and the p3 dev env: every check passes, probes included; without the p3 std it fails naming rust-std-wasip3",
        wasip3,
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

/// The wasi-sdk Nix built (the nix-builds area builds it first): the dev shell's own, and
/// immutable, where the assembled one in the work folder is remade by every run of the parts
/// area.
fn shell_sdk(ctx: &mut Context) -> Result<PathBuf> {
    Ok(store_path(&crate::support::standin::build(
        ctx,
        "packages.x86_64-linux.wasi-sdk",
    )?))
}

/// The variables of a healthy environment: the dev shell's, with the Nix-built SDK, and the
/// wasip2 toolchain and wasmtime first on a minimal PATH.
fn healthy_env(ctx: &mut Context) -> Result<BTreeMap<String, String>> {
    let (Some(toolchain), Some(wasmtime)) = (
        ctx.parts.wasip2_toolchain.clone(),
        ctx.parts.wasmtime.clone(),
    ) else {
        bail!("needs the wasip2 toolchain and wasmtime (see the parts and rust-std areas)");
    };
    let sdk = shell_sdk(ctx)?;
    let mut env = eval_dev_env_with(ctx, &sdk, &libclang_argument()?)?;
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

/// The environment with every value that names `from` naming `to` instead: a shell set up from
/// another SDK.
fn with_sdk(env: &BTreeMap<String, String>, from: &Path, to: &Path) -> BTreeMap<String, String> {
    let (from, to) = (from.display().to_string(), to.display().to_string());
    env.iter()
        .map(|(name, value)| (name.clone(), value.replace(&from, &to)))
        .collect()
}

/// dev-env.nix's `libclang` argument: Debian's, when installed (else LIBCLANG_PATH stays unset
/// and the doctor warns).
fn libclang_argument() -> Result<String> {
    let libclang = Path::new(LIBCLANG);
    if libclang.join("lib/libclang.so").exists() {
        Ok(format!("libclang = {};", nix_string(libclang)?))
    } else {
        Ok(String::new())
    }
}

/// Runs the doctor with exactly these variables in `cwd`; its JSON report and exit code.
fn diagnose(
    ctx: &Context,
    label: &str,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    quick: bool,
    args: &[&str],
) -> Result<(BTreeMap<String, Value>, i32)> {
    let mut command = Command::new(doctor_binary(ctx));
    command
        .env_clear()
        .envs(env)
        .current_dir(cwd)
        .arg("--json")
        .args(args);
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
    let (checks, code) = diagnose(ctx, "doctor-healthy", &env, &cwd, false, &[])?;
    all_pass(&checks, code)
}

/// Every check passes and the exit status is 0; the unwinding probe alone may be skipped, and
/// only because the std aborts on panic (what the panic-strategy check found).
fn all_pass(checks: &BTreeMap<String, Value>, code: i32) -> CheckResult {
    let not_passing: Vec<String> = checks
        .iter()
        .filter(|(id, c)| c["status"] != "pass" && !std_aborts_skip(id, c))
        .map(|(id, c)| format!("{id}: {} ({})", c["status"], c["detail"]))
        .collect();
    ensure!(
        not_passing.is_empty() && code == 0,
        "exit {code}; not passing: {}",
        not_passing.join("; ")
    );
    for probe in [
        "probe-build",
        "probe-run",
        "probe-c",
        "probe-cxx",
        "probe-unwind",
    ] {
        ensure!(checks.contains_key(probe), "the report has no {probe}");
    }
    let passed = checks.values().filter(|c| c["status"] == "pass").count();
    Ok(Verdict::Proved(format!(
        "{passed} of {} checks pass, exit 0 (probe-unwind {}: {}): {}",
        checks.len(),
        status(checks, "probe-unwind"),
        checks["probe-unwind"]["detail"]
            .as_str()
            .unwrap_or_default(),
        checks.keys().cloned().collect::<Vec<_>>().join(", ")
    )))
}

fn std_aborts_skip(id: &str, check: &Value) -> bool {
    id == "probe-unwind"
        && check["status"] == "skip"
        && check["detail"]
            .as_str()
            .is_some_and(|d| d.contains("the std aborts on panic"))
}

/// One broken environment and what the doctor must say about it.
struct Case {
    name: &'static str,
    check: &'static str,
    /// Words the fix must contain.
    fix_mentions: &'static str,
    /// The doctor's arguments besides `--json` (and `--quick`).
    args: &'static [&'static str],
    /// Other checks the same cause fails.
    also: &'static [&'static str],
}

fn broken(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(stage0) = ctx.parts.stage0.clone() else {
        return ctx.missing("needs the stage-0 toolchain (see the parts area)");
    };
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let base = healthy_env(ctx)?;
    let sdk = shell_sdk(ctx)?;
    let root = ctx.fresh_dir("doctor-broken")?;
    let mut seen = Vec::new();

    // 1. A WASI_SDK_PATH whose sysroot has only wasip1, and every variable of the shell made
    // from it; its libc++ goes with the wasip2 folder.
    let bad_sdk = root.join("sdk-without-wasip2");
    std::fs::create_dir_all(bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1"))?;
    std::os::unix::fs::symlink(sdk.join("bin"), bad_sdk.join("bin"))?;
    std::fs::write(
        bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1/libc.a"),
        b"",
    )?;
    let env = with_sdk(&base, &sdk, &bad_sdk);
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "sdk-without-wasip2",
            check: "wasi-sdk",
            fix_mentions: "share/wasi-sysroot/lib/wasm32-wasip2",
            args: &[],
            also: &["libc++"],
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
            args: &[],
            also: &[],
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
            args: &[],
            also: &[],
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
            args: &[],
            also: &[],
        },
    )?);

    // 5. RUSTFLAGS set by hand: Cargo then ignores the shell's target flags, and with them the
    // linker's way to libc++.
    let mut env = base.clone();
    env.insert("RUSTFLAGS".into(), "-g".into());
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "rustflags-hide-the-cxx-link-flags",
            check: "cxx-variables",
            fix_mentions: "-C link-arg=-lc++abi",
            args: &[],
            also: &[],
        },
    )?);

    // 6. bindgen's arguments without -fvisibility=default (the cxx area shows the functions then
    // go missing).
    let mut env = base.clone();
    let key = "BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2";
    let hidden = env
        .get(key)
        .context("dev-env.nix sets no BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2")?
        .replace(" -fvisibility=default", "");
    env.insert(key.into(), hidden);
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "bindgen-hidden-visibility",
            check: "bindgen-variables",
            fix_mentions: "-fvisibility=default",
            args: &[],
            also: &[],
        },
    )?);

    // 7. LIBCLANG_PATH at a folder without libclang.
    let mut env = base.clone();
    let no_libclang = root.join("no-libclang");
    std::fs::create_dir_all(&no_libclang)?;
    env.insert("LIBCLANG_PATH".into(), no_libclang.display().to_string());
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "libclang-path-without-libclang",
            check: "libclang",
            fix_mentions: "libclang-19-dev",
            args: &[],
            also: &[],
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
    Ok(judge(ctx, env, cwd, case, true)?.0)
}

fn expect_full(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
) -> Result<String> {
    Ok(judge(ctx, env, cwd, case, false)?.0)
}

/// The broken case fails exactly its check (with the fix), exits 1, and the other static checks
/// still pass, so the diagnosis points at the cause and nothing else. Also returns the report.
fn judge(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    case: Case,
    quick: bool,
) -> Result<(String, BTreeMap<String, Value>)> {
    let (checks, code) = diagnose(
        ctx,
        &format!("doctor-{}", case.name),
        env,
        cwd,
        quick,
        case.args,
    )?;
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
            id.as_str() != case.check
                && !case.also.contains(&id.as_str())
                && !id.starts_with("probe-")
                && c["status"] == "fail"
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
    Ok((
        format!("{} -> {} fails{probe_note}", case.name, case.check),
        checks,
    ))
}

fn without_libcxx(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
        return ctx.missing("needs the wasip2 toolchain (see the parts area)");
    };
    let sdk = shell_sdk(ctx)?;
    let fake = ctx.fresh_dir("doctor-sdk-without-libcxx")?;
    sdk_without_libcxx(&sdk, &fake)?;
    // The dev shell's variables over that SDK, as a shell made from it would have them.
    let env = with_sdk(&healthy_env(ctx)?, &sdk, &fake);
    let home = ctx.fresh_dir("doctor-sdk-without-libcxx-home")?;

    // What the user sees first: a C++ crate's link error, and nothing about the fix.
    let fixture = ctx.fresh_dir("doctor-cxx-bridge")?;
    crate::support::files::copy_tree(&ctx.repo.join("suite/fixtures/cxx-bridge"), &fixture)?;
    let output = ctx.run_unchecked(
        "doctor-cxx-bridge-without-libcxx",
        cargo_of(&toolchain, &env, &fixture).args([
            "build",
            "--locked",
            "--target",
            "wasm32-wasip2",
        ]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let link_error = "unable to find library -lc++";
    ensure!(
        !output.status.success() && stderr.contains(link_error),
        "the cxx crate should fail to link with {link_error:?} over an SDK without libc++:\n{stderr}"
    );

    // What the doctor says in the same environment.
    let (said, checks) = judge(
        ctx,
        &env,
        &home,
        Case {
            name: "sdk-without-libcxx",
            check: "libc++",
            fix_mentions: "libc++.a,libc++abi.a",
            args: &[],
            also: &[],
        },
        false,
    )?;
    let probe = &checks["probe-cxx"];
    let fix = probe["fix"].as_str().unwrap_or_default();
    ensure!(
        probe["status"] == "fail" && fix.contains("libc++.a,libc++abi.a"),
        "probe-cxx should fail naming the SDK's libc++: {probe}"
    );
    Ok(Verdict::Proved(format!(
        "cargo build of the cxx crate says {link_error:?}; {said}, and probe-cxx fails with the fix {fix:?}"
    )))
}

fn unwind_flags_abort_std(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
        return ctx.missing("needs the wasip2 toolchain (see the rust-std area)");
    };
    let mut env = healthy_env(ctx)?;
    let key = "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS";
    let flags = format!(
        "{} {UNWIND_FLAGS}",
        env.get(key).cloned().unwrap_or_default()
    );
    env.insert(key.into(), flags);
    let root = ctx.fresh_dir("doctor-unwind-flags")?;

    // Without the doctor: what cargo says when the flags ask for unwinding.
    std::fs::create_dir_all(root.join("src"))?;
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"unwind-flags\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n")?;
    let output = ctx.run_unchecked(
        "doctor-unwind-flags-cargo",
        cargo_of(&toolchain, &env, &root).args(["build", "--target", "wasm32-wasip2"]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success() && stderr.contains("panic strategy"),
        "cargo build with {UNWIND_FLAGS} against the aborting std should fail on the panic strategy:\n{stderr}"
    );
    let rustc_said = stderr
        .lines()
        .find(|l| l.contains("panic strategy"))
        .unwrap_or_default()
        .trim()
        .to_string();

    let said = expect(
        ctx,
        &env,
        &root,
        Case {
            name: "unwind-flags-abort-std",
            check: "panic-strategy",
            fix_mentions: "rust-std-wasip2-unwind",
            args: &[],
            also: &[],
        },
    )?;
    Ok(Verdict::Proved(format!(
        "cargo alone says {rustc_said:?}; {said} with the fix naming rust-std-wasip2-unwind and dropping -Cpanic=unwind"
    )))
}

fn unwind_std(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    // The std built to unwind is another part of the flake; it is used once the suite keeps it
    // here (as it keeps toolchain-wasip2).
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let unwinding = ctx.work.join("toolchain-wasip2-unwind");
    if !unwinding.join("bin/rustc").exists() {
        return Ok(Verdict::Skipped(format!(
            "no toolchain with an unwinding std at {} yet (the area that builds packages.rust-std-wasip2-unwind keeps it there); the decision is covered by the doctor's unit tests (checks::unwinding)",
            unwinding.display()
        )));
    }
    let mut env = healthy_env(ctx)?;
    let path = format!("{}:{}", unwinding.join("bin").display(), env["PATH"]);
    env.insert("PATH".into(), path);
    env.insert(
        "RUSTC".into(),
        unwinding.join("bin/rustc").display().to_string(),
    );
    let root = ctx.fresh_dir("doctor-unwind-std")?;
    let said = expect(
        ctx,
        &env,
        &root,
        Case {
            name: "unwind-std-abort-flags",
            check: "panic-strategy",
            fix_mentions: "-Cpanic=unwind",
            args: &[],
            also: &[],
        },
    )?;
    let key = "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS";
    let shell_flags = env.get(key).cloned().unwrap_or_default();
    // The unwinding flags without the tag's archive: the link would fail on the tag's import.
    let mut untagged_env = env.clone();
    untagged_env.insert(key.into(), format!("{shell_flags} {UNWIND_FLAGS}"));
    let untagged = expect(
        ctx,
        &untagged_env,
        &root,
        Case {
            name: "unwind-std-without-tag",
            check: "panic-strategy",
            fix_mentions: TAG_FLAG,
            args: &[],
            also: &[],
        },
    )?;
    env.insert(
        key.into(),
        format!("{shell_flags} {UNWIND_FLAGS} {TAG_FLAG}"),
    );
    let (checks, code) = diagnose(ctx, "doctor-unwind-std-agreed", &env, &root, false, &[])?;
    ensure!(
        status(&checks, "probe-unwind") == "pass",
        "with the unwinding flags, probe-unwind should pass: {}",
        checks
            .get("probe-unwind")
            .map(Value::to_string)
            .unwrap_or_default()
    );
    let Verdict::Proved(agreed) = all_pass(&checks, code)? else {
        bail!("the agreeing unwinding environment was not judged");
    };
    Ok(Verdict::Proved(format!(
        "{said}; {untagged}; with {UNWIND_FLAGS} {TAG_FLAG}: {agreed}"
    )))
}

fn wasip3(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let (Some(wasmtime), Some(p2_toolchain)) = (
        ctx.parts.wasmtime.clone(),
        ctx.parts.wasip2_toolchain.clone(),
    ) else {
        return ctx.missing("needs wasmtime and the wasip2 toolchain (see the parts area)");
    };
    // The p2+p3 toolchain the wasip3 area keeps (its std is a from-source bootstrap run, so an
    // existing one is used as it is), built by Nix when there is none; the SDK with the p3
    // drivers as that area builds it.
    let attribute = "packages.x86_64-linux.rust-std-wasip3";
    let toolchain = ctx.work.join("toolchain-wasip3");
    let made = if toolchain.join("bin/rustc").exists() {
        format!(
            "the wasip3 area's {}",
            std::fs::canonicalize(&toolchain)?.display()
        )
    } else {
        build_expression(
            ctx,
            attribute,
            &expression_for(ctx, attribute),
            Some(&toolchain),
        )?
    };
    let expression = format!(
        "(import {}).legacyPackages.x86_64-linux.wasip2.wasi-sdk-wasip3",
        outputs_file(ctx)
    );
    let sdk = store_path(&build_expression(
        ctx,
        "wasi-sdk-wasip3",
        &expression,
        None,
    )?);
    let mut env = eval_dev_env_with(
        ctx,
        &sdk,
        &format!(
            "targets = [ \"wasm32-wasip2\" \"wasm32-wasip3\" ]; {}",
            libclang_argument()?
        ),
    )?;
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
    let cwd = ctx.fresh_dir("doctor-wasip3")?;
    let (checks, code) = diagnose(ctx, "doctor-wasip3-healthy", &env, &cwd, false, P3)?;
    let Verdict::Proved(healthy) = all_pass(&checks, code)? else {
        bail!("the healthy p3 environment was not judged");
    };
    ensure!(
        checks.contains_key("wasip3-std") && !checks.contains_key("wasip2-std"),
        "the p3 report should check wasip3-std, not wasip2-std"
    );

    // The same shell with a toolchain whose std is wasip2's only.
    let mut without = env.clone();
    without.insert(
        "PATH".into(),
        format!("{}:{}", p2_toolchain.join("bin").display(), env["PATH"]),
    );
    without.insert(
        "RUSTC".into(),
        p2_toolchain.join("bin/rustc").display().to_string(),
    );
    let missing_std = expect(
        ctx,
        &without,
        &cwd,
        Case {
            name: "wasip3-without-its-std",
            check: "wasip3-std",
            fix_mentions: "rust-std-wasip3",
            args: P3,
            also: &[],
        },
    )?;
    let output = ctx.run_unchecked(
        "doctor-wasip1-refused",
        Command::new(doctor_binary(ctx)).args(["--target", "wasm32-wasip1"]),
    )?;
    let refusal = String::from_utf8_lossy(&output.stderr).trim().to_string();
    ensure!(
        output.status.code() == Some(2)
            && refusal.contains("wasm32-wasip2 (the default), wasm32-wasip3"),
        "--target wasm32-wasip1 should exit 2 listing the supported targets: {refusal}"
    );
    let said = stdout_text(&output);
    ensure!(said.is_empty(), "a refused target printed a report: {said}");
    Ok(Verdict::Proved(format!(
        "p3 with {made}: {healthy}; {missing_std}; --target wasm32-wasip1: exit 2, {refusal:?}"
    )))
}
