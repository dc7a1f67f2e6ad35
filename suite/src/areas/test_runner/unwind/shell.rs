//! The unwinding shell (`devShells.unwind`) entered as a user enters it.

use anyhow::{Context as _, ensure};

use super::cargo_test::summary;
use super::{TAG_ARCHIVE, said, unwind_toolchain};
use crate::context::tail;
use crate::support::files::copy_tree;
use crate::support::standin::{outputs_file, sandboxed_nix, standin_dir};
use crate::{CheckResult, Context, Verdict};

/// The unwinding shell as a user enters it (`nix-shell --pure`): its toolchain, flags and runner,
/// nothing of the suite's.
pub(super) fn shell(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    if !unwind_toolchain(ctx).join(TAG_ARCHIVE).exists() {
        return ctx.missing("the unwinding std was not built (see the check before)");
    }
    let Some(env) = ctx.parts.build_env.clone() else {
        return ctx.missing("no Nix build environment (see the parts area)");
    };
    let dir = ctx.fresh_dir("unwind-nix-shell")?;
    for fixture in ["test-outcomes", "doc-test-outcomes"] {
        copy_tree(
            &ctx.repo.join("suite/fixtures").join(fixture),
            &dir.join(fixture),
        )?;
    }
    let script = "cd test-outcomes && cargo test --offline --locked --target wasm32-wasip2; echo \"cargo test exit: $?\"; \
                  cd ../doc-test-outcomes && cargo test --offline --locked --target wasm32-wasip2 --doc; echo \"cargo test --doc exit: $?\"";
    let output = ctx.run(
        "unwind-nix-shell",
        sandboxed_nix(ctx, "nix-shell")
            .current_dir(&dir)
            .arg(outputs_file(ctx))
            .args([
                "-A",
                "devShells.x86_64-linux.unwind",
                "--pure",
                "--run",
                script,
            ])
            .env("NIX_BUILD_SHELL", &env.bash),
    )?;
    let text = said(&output);
    ensure!(
        text.contains("std unwinds on panic"),
        "the shell's greeting does not say the std unwinds:\n{}",
        tail(&output, 20)
    );
    let wasm_summary = summary(&text)
        .with_context(|| format!("no summary in the shell:\n{}", tail(&output, 30)))?;
    ensure!(
        wasm_summary.starts_with("test result: FAILED. 3 passed; 2 failed; 0 ignored")
            && text.contains("deliberate failure")
            // libtest's 101 arrives through WASI p2 as 1, and cargo exits with it.
            && text.contains("cargo test exit: 1\n"),
        "in devShells.unwind: {wasm_summary:?}:\n{}",
        tail(&output, 30)
    );
    // The doc-tests, compiled by rustdoc with the shell's rustdoc flags: native's count.
    let doc_summary =
        "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out";
    ensure!(
        text.contains(doc_summary)
            && text.contains("- should panic ... ok")
            && text.contains("cargo test --doc exit: 101\n"),
        "in devShells.unwind the doc-tests did not count as natively ({doc_summary:?}):\n{}",
        tail(&output, 30)
    );
    Ok(Verdict::Proved(format!(
        "devShells.unwind: {wasm_summary:?}, the panic message printed, cargo test exit 1 (natively 101: WASI p2 exits carry only failure); doc-tests {doc_summary:?} as natively"
    )))
}
