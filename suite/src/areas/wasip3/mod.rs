//! `wasm32-wasip3` beside `wasm32-wasip2`: Rust 1.95.0's Tier 3 target, whose std no binary
//! release ships, built from source by the same scripts and derivation as the wasip2 std. Nix
//! builds `rust-std-wasip3` (the std of both targets from one bootstrap run) on the stand-in; with
//! it, a p3 hello, a crate with C code through the cc crate and `cargo test` build and run under
//! the p3 runner of `nix/lib/dev-env.nix`. `bootstrap-config.sh` checks the SDK as Rust's
//! bootstrap uses it for p3 (the wasip2 sysroot as fallback, no wasip3 sysroot) and refuses bad
//! input with the fix.

use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, ensure};

use crate::context::{stdout_text, which};
use crate::support::files::copy_tree;
use crate::support::standin::{self, wasi_sdk_wasip3, wasip3_toolchain};
use crate::support::toolchain::{bootstrap_config_command, hello_component};
use crate::support::toolchain::{cargo_of, eval_dev_env_wasip3, host_triple};
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

mod config;

use self::config::*;

const AREA: &str = "wasip3";
const TARGETS: [&str; 2] = ["wasm32-wasip2", "wasm32-wasip3"];

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "bootstrap-config.sh for wasm32-wasip3: the SDK checked as bootstrap uses it, bad input refused with the fix",
        config_refusals,
    );
    suite.check(
        AREA,
        "rust-std-wasip3 built by Nix (p2 and p3 std, one bootstrap run): a p3 hello is a component that says target_env = \"p3\" under the p3 runner",
        rust_std_wasip3,
    );
    suite.check(
        AREA,
        "dev-env.nix for wasm32-wasip3 (with the Nix-built wasi-sdk-wasip3): a crate with C code through the cc crate runs under the p3 runner",
        c_dependency,
    );
    suite.check(
        AREA,
        "cargo test for wasm32-wasip3 runs the tests under the p3 runner",
        cargo_test,
    );
    suite.check(
        AREA,
        "ui-wasip3 built by Nix on the offline subset: compiletest for wasm32-wasip3 in the sandbox, run-pass tests in Wasmtime",
        ui_subset,
    );
}

/// The joined toolchain Nix built (`wasip3_toolchain`, which the doctor and templates areas
/// share), kept for the later checks.
fn toolchain_link(ctx: &Context) -> PathBuf {
    ctx.work.join("toolchain-wasip3")
}

fn rust_std_wasip3(ctx: &mut Context) -> CheckResult {
    let (link, built) = wasip3_toolchain(ctx)?;
    for target in TARGETS {
        let crt = link.join(format!(
            "lib/rustlib/{target}/lib/self-contained/crt1-command.o"
        ));
        ensure!(
            crt.exists(),
            "the joined toolchain has no {}",
            crt.display()
        );
    }
    let env = dev_env(ctx)?;
    let dir = hello_component(
        ctx,
        &link,
        "wasm32-wasip3",
        "wasip3-hello",
        "println!(\"p3: {}\", cfg!(all(target_os = \"wasi\", target_env = \"p3\")));",
    )?;
    let output = ctx.run("wasip3-hello-run", &mut runner(&env, &dir, "hello.wasm")?)?;
    let said = stdout_text(&output);
    ensure!(
        said.trim() == "p3: true",
        "the p3 component printed {said:?}"
    );
    Ok(Verdict::Proved(format!(
        "{built}; a p3 hello is a component that printed {:?} under `{}`; {}",
        said.trim(),
        env["CARGO_TARGET_WASM32_WASIP3_RUNNER"],
        imports(ctx, &dir.join("hello.wasm"))?
    )))
}

/// The WASI interfaces a component imports, and at which versions.
fn imports(ctx: &Context, wasm: &Path) -> Result<String> {
    let Some(tools) = which("wasm-tools") else {
        return Ok("its imports not listed: no wasm-tools on PATH (source .ci/env.sh)".into());
    };
    let output = ctx.run(
        "wasm-tools-wit",
        Command::new(tools).args(["component", "wit"]).arg(wasm),
    )?;
    let found: Vec<String> = stdout_text(&output)
        .lines()
        .filter_map(|line| line.trim().strip_prefix("import wasi:"))
        .map(|rest| rest.trim_end_matches(';').to_string())
        .collect();
    ensure!(!found.is_empty(), "the component imports no WASI interface");
    let mut versions: Vec<&str> = found
        .iter()
        .filter_map(|interface| interface.split_once('@').map(|(_, version)| version))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    Ok(format!(
        "it imports {} wasi:* interfaces at {}",
        found.len(),
        versions.join(", ")
    ))
}

/// The runner for wasm32-wasip3 as dev-env.nix sets it, run on `wasm` in `dir`.
fn runner(env: &BTreeMap<String, String>, dir: &Path, wasm: &str) -> Result<Command> {
    let runner = env
        .get("CARGO_TARGET_WASM32_WASIP3_RUNNER")
        .context("dev-env.nix sets no CARGO_TARGET_WASM32_WASIP3_RUNNER for wasm32-wasip3")?;
    let mut words = runner.split_whitespace();
    let mut command = Command::new(words.next().context("an empty runner")?);
    command.args(words).arg(wasm).current_dir(dir);
    Ok(command)
}

/// `nix/lib/dev-env.nix` for both targets, with the SDK Nix built with the p3 drivers (built
/// with rust-std-wasip3, so in the store already) and the flake's wasmtime-p3.
fn dev_env(ctx: &mut Context) -> Result<BTreeMap<String, String>> {
    let sdk = wasi_sdk_wasip3(ctx)?;
    let env = eval_dev_env_wasip3(ctx, &sdk, "")?;
    for name in ["CC_wasm32_wasip3", "CXX_wasm32_wasip3", "AR_wasm32_wasip3"] {
        let value = env
            .get(name)
            .with_context(|| format!("dev-env.nix sets no {name} for wasm32-wasip3"))?;
        ensure!(Path::new(value).exists(), "{name}={value} does not exist");
    }
    Ok(env)
}

/// cargo of the Nix-built p2+p3 toolchain with the p3 dev env, in `dir`.
fn cargo(ctx: &Context, env: &BTreeMap<String, String>, dir: &Path) -> Result<Command> {
    let toolchain = toolchain_link(ctx);
    ensure!(
        toolchain.join("bin/cargo").exists(),
        "no toolchain at {} (the rust-std-wasip3 check builds it)",
        toolchain.display()
    );
    Ok(cargo_of(&toolchain, env, dir))
}

fn c_dependency(ctx: &mut Context) -> CheckResult {
    let env = dev_env(ctx)?;
    let dir = ctx.fresh_dir("wasip3-c-dependency")?;
    copy_tree(&ctx.repo.join("suite/fixtures/c-dependency"), &dir)?;
    let output = ctx.run(
        "wasip3-c-dependency",
        cargo(ctx, &env, &dir)?.args(["run", "--quiet", "--target", "wasm32-wasip3"]),
    )?;
    let said = stdout_text(&output);
    // Fletcher-16 of "abcde" is 0xC8F0 = 51440; the C strlen of "wasip2" is 6.
    ensure!(
        said.trim() == "fletcher16(abcde) = 51440, strlen = 6",
        "the C code answered {said:?}"
    );
    let wasm = dir.join("target/wasm32-wasip3/debug/c-dependency.wasm");
    expect_component(&wasm)?;
    // The cc crate compiled the C with the p3 driver, not the host compiler.
    let cc = &env["CC_wasm32_wasip3"];
    let used = walk(&dir.join("target/wasm32-wasip3/debug/build"))?
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "output"))
        .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(cc.as_str())));
    ensure!(
        used,
        "no build script output names {cc}: the cc crate did not use the p3 driver"
    );
    Ok(Verdict::Proved(format!(
        "C through {cc}; the component printed {:?} under the p3 runner",
        said.trim()
    )))
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                found.push(entry.path());
            }
        }
    }
    Ok(found)
}

/// A crate whose tests pass only as a wasm32-wasip3 component with the working directory
/// preopened. Written here rather than by `cargo init`, which would add it to the repository's
/// workspace.
const TEST_CRATE: &str = r#"pub fn greeting(name: &str) -> String {
    format!("hello, {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_as_a_wasip3_component() {
        assert!(cfg!(all(target_os = "wasi", target_env = "p3")));
        assert_eq!(greeting("wasip3"), "hello, wasip3");
    }

    #[test]
    fn reads_the_preopened_working_directory() {
        let manifest = std::fs::read_to_string("Cargo.toml").expect("Cargo.toml preopened");
        assert!(manifest.contains("wasip3-tests"));
    }
}
"#;

fn cargo_test(ctx: &mut Context) -> CheckResult {
    let mut env = dev_env(ctx)?;
    let dir = ctx.fresh_dir("wasip3-tests")?;
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"wasip3-tests\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(dir.join("src/lib.rs"), TEST_CRATE)?;
    let output = ctx.run(
        "wasip3-cargo-test",
        cargo(ctx, &env, &dir)?.args(["test", "--target", "wasm32-wasip3"]),
    )?;
    let text = stdout_text(&output);
    ensure!(
        text.contains("test result: ok. 2 passed; 0 failed"),
        "cargo test did not report 2 passing tests:\n{text}"
    );
    // Without the runner the host cannot execute the test binary: the runner is what ran them.
    env.remove("CARGO_TARGET_WASM32_WASIP3_RUNNER");
    let without = ctx.run_unchecked(
        "wasip3-cargo-test-no-runner",
        cargo(ctx, &env, &dir)?.args(["test", "--target", "wasm32-wasip3"]),
    )?;
    ensure!(
        !without.status.success(),
        "cargo test passed without a runner, so the runner check proves nothing"
    );
    Ok(Verdict::Proved(
        "2 tests passed under the p3 runner (one asserts target_env = \"p3\"); without the runner cargo test fails".into(),
    ))
}

/// `checks.ui-wasip3` with the offline subset's paths: its report says what ran.
fn ui_subset(ctx: &mut Context) -> CheckResult {
    let built = standin::ui_subset(ctx, "wasm32-wasip3")?;
    println!("[{AREA}] {}", built.summary);
    Ok(Verdict::Proved(built.summary))
}
