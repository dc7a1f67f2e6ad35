//! The dev shell's environment (`nix/lib/dev-env.nix`), evaluated with Debian's Nix against the
//! host parts and used to build and run real crates: a component, a crate with C code through
//! the SDK's clang, and `cargo test` through the wasmtime runner.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, ensure};

use crate::context::{is_executable, stdout_text};
use crate::support::files::copy_tree;
use crate::support::toolchain::{cargo, eval_dev_env};
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "dev-env";

/// The variables the dev shell must set, each a path that must exist.
const PATH_VARIABLES: &[&str] = &[
    "WASI_SDK_PATH",
    "CC_wasm32_wasip2",
    "CXX_wasm32_wasip2",
    "AR_wasm32_wasip2",
];

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "nix/lib/dev-env.nix evaluates with host paths",
        |ctx| {
            let env = eval_dev_env(ctx)?;
            for name in PATH_VARIABLES {
                let value = env
                    .get(*name)
                    .with_context(|| format!("dev-env.nix sets no {name}"))?;
                ensure!(Path::new(value).exists(), "{name}={value} does not exist");
            }
            let runner = env
                .get("CARGO_TARGET_WASM32_WASIP2_RUNNER")
                .context("dev-env.nix sets no CARGO_TARGET_WASM32_WASIP2_RUNNER")?;
            let program = runner.split_whitespace().next().unwrap_or_default();
            ensure!(
                is_executable(Path::new(program)),
                "the runner {program} is not executable"
            );
            Ok(Verdict::Proved(format!(
                "{} variables, runner `{runner}`",
                env.len()
            )))
        },
    );
    suite.check(
        AREA,
        "cargo run: a hello component under the runner",
        hello_crate,
    );
    suite.check(
        AREA,
        "a crate with C code built through the SDK's clang runs",
        c_dependency,
    );
    suite.check(
        AREA,
        "cargo test runs the tests under wasmtime",
        runner_tests,
    );
}

/// Copies a fixture crate from `suite/fixtures` into a fresh folder.
fn fixture(ctx: &Context, name: &str) -> Result<PathBuf> {
    let dir = ctx.fresh_dir(&format!("dev-env-{name}"))?;
    copy_tree(&ctx.repo.join("suite/fixtures").join(name), &dir)?;
    Ok(dir)
}

fn prerequisites(ctx: &Context) -> Option<String> {
    if ctx.parts.wasip2_toolchain.is_none() {
        Some("no toolchain with the wasip2 std (see the rust-std area)".into())
    } else if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        Some("no wasmtime or no SDK (see the parts area)".into())
    } else {
        None
    }
}

fn hello_crate(ctx: &mut Context) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let env = eval_dev_env(ctx)?;
    let dir = ctx.fresh_dir("dev-env-hello")?;
    // Written here rather than by `cargo init`, which would add it to the repository's workspace.
    // Its own workspace: the folder lies below the repository's target folder.
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"hello-wasip2\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(
        dir.join("src/main.rs"),
        "fn main() {\n    println!(\"Hello, world!\");\n}\n",
    )?;
    let output = ctx.run(
        "cargo-run-hello",
        cargo(ctx, &env, &dir)?.args(["run", "--quiet", "--target", "wasm32-wasip2"]),
    )?;
    let said = stdout_text(&output);
    ensure!(
        said.trim() == "Hello, world!",
        "the component printed {said:?}"
    );
    expect_component(&dir.join("target/wasm32-wasip2/debug/hello-wasip2.wasm"))?;
    Ok(Verdict::Proved(
        "`cargo run` printed \"Hello, world!\" from a component".into(),
    ))
}

fn c_dependency(ctx: &mut Context) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let env = eval_dev_env(ctx)?;
    let dir = fixture(ctx, "c-dependency")?;
    let output = ctx.run(
        "cargo-run-c-dependency",
        cargo(ctx, &env, &dir)?.args(["run", "--quiet", "--target", "wasm32-wasip2"]),
    )?;
    let said = stdout_text(&output);
    // Fletcher-16 of "abcde" is 0xC8F0 = 51440.
    ensure!(
        said.trim() == "fletcher16(abcde) = 51440, strlen = 6",
        "the C code answered {said:?}"
    );
    // The cc crate must have used the SDK's clang, not the host compiler.
    let cc = &env["CC_wasm32_wasip2"];
    let build_logs = find_files(&dir.join("target/wasm32-wasip2/debug/build"), "output")?;
    let used_sdk = build_logs
        .iter()
        .any(|log| std::fs::read_to_string(log).is_ok_and(|t| t.contains(cc.as_str())));
    ensure!(
        used_sdk,
        "no build script output names {cc}: the cc crate did not use the SDK's clang"
    );
    expect_component(&dir.join("target/wasm32-wasip2/debug/c-dependency.wasm"))?;
    Ok(Verdict::Proved(format!(
        "C through {cc}; printed {:?}",
        said.trim()
    )))
}

fn find_files(dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
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
            } else if entry.file_name() == name {
                found.push(entry.path());
            }
        }
    }
    Ok(found)
}

fn runner_tests(ctx: &mut Context) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let mut env = eval_dev_env(ctx)?;
    let dir = fixture(ctx, "runner-tests")?;
    let output = ctx.run(
        "cargo-test-runner",
        cargo(ctx, &env, &dir)?.args(["test", "--target", "wasm32-wasip2"]),
    )?;
    let text = stdout_text(&output);
    ensure!(
        text.contains("test result: ok. 2 passed; 0 failed"),
        "cargo test did not report 2 passing tests:\n{text}"
    );
    // Without the runner the host cannot execute the test binary: the runner is what ran them.
    env.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
    let without = ctx.run_unchecked(
        "cargo-test-no-runner",
        cargo(ctx, &env, &dir)?.args(["test", "--target", "wasm32-wasip2"]),
    )?;
    ensure!(
        !without.status.success(),
        "cargo test passed without a runner, so the runner check proves nothing"
    );
    Ok(Verdict::Proved(
        "2 tests passed under wasmtime; without the runner cargo test fails".into(),
    ))
}
