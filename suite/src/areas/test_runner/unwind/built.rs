//! The unwinding std as Nix builds it (`rust-std-wasip2-unwind`): accepted only for programs
//! built to unwind, and a panic caught in Wasmtime.

use std::path::Path;
use std::process::Command;

use anyhow::ensure;

use super::{ATTRIBUTE, TAG_ARCHIVE, TARGET, said, unwind_toolchain};
use crate::context::{stdout_text, tail};
use crate::support::standin::{build_expression, expression_for, standin_dir, store_path};
use crate::{CheckResult, Context, Verdict};

pub(super) fn built(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        return ctx.missing("the stand-in's parts were not written (see the nix-builds area)");
    }
    let (Some(abort_toolchain), Some(wasmtime)) = (
        ctx.parts.wasip2_toolchain.clone(),
        ctx.parts.wasmtime.clone(),
    ) else {
        return ctx.missing("needs the abort std's toolchain and wasmtime (nix-builds, parts)");
    };
    let link = unwind_toolchain(ctx);
    let built = build_expression(ctx, ATTRIBUTE, &expression_for(ctx, ATTRIBUTE), Some(&link))?;
    let toolchain = store_path(&built);
    ensure!(
        toolchain.join(TAG_ARCHIVE).is_file(),
        "{} has no {TAG_ARCHIVE}",
        toolchain.display()
    );
    let dir = ctx.fresh_dir("unwind-std-probe")?;
    let flags = [
        "-Cpanic=unwind",
        "-Ctarget-feature=+exception-handling",
        "-Cllvm-args=-wasm-use-legacy-eh=false",
    ];
    // A program built to unwind is accepted only by a std that unwinds: rustc checks the panic
    // runtime's strategy when it decides what an executable links, which `--emit metadata`
    // does without linking. A library crate is accepted by either std: the check waits for the
    // executable.
    std::fs::write(dir.join("probe.rs"), "fn main() { println!(\"{}\", 1); }\n")?;
    let check = |rustc_of: &Path, crate_type: &str| {
        let mut command = Command::new(rustc_of.join("bin/rustc"));
        command
            .args([
                "--target",
                TARGET,
                "--emit",
                "metadata",
                "--crate-type",
                crate_type,
            ])
            .arg("probe.rs")
            .args(flags)
            .current_dir(&dir);
        command
    };
    ctx.run("unwind-probe-unwinding-std", &mut check(&toolchain, "bin"))?;
    let output = ctx.run_unchecked(
        "unwind-probe-abort-std",
        &mut check(&abort_toolchain, "bin"),
    )?;
    let refusal = String::from_utf8_lossy(&output.stderr).to_string();
    ensure!(
        !output.status.success() && refusal.contains("does not have the panic strategy `unwind`"),
        "a -Cpanic=unwind program against the abort std: {} {refusal}",
        output.status
    );
    ctx.run(
        "unwind-probe-abort-std-library",
        &mut check(&abort_toolchain, "lib"),
    )?;
    // A panic thrown and caught inside a component, in Wasmtime.
    std::fs::write(
        dir.join("caught.rs"),
        "fn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n    let caught = std::panic::catch_unwind(|| -> u8 { panic!(\"thrown\") });\n    println!(\"caught: {}\", caught.is_err());\n}\n",
    )?;
    ctx.run(
        "unwind-caught-build",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", TARGET, "caught.rs", "-o", "caught.wasm"])
            .args(flags)
            .arg("-Clink-arg=-lcpp_exception_tag")
            .current_dir(&dir),
    )?;
    crate::wasm::expect_component(&dir.join("caught.wasm"))?;
    let output = ctx.run(
        "unwind-caught-run",
        Command::new(wasmtime.join("bin/wasmtime"))
            .args(["run", "-C", "cache=n", "-W", "exceptions=y", "caught.wasm"])
            .current_dir(&dir),
    )?;
    let printed = stdout_text(&output);
    ensure!(
        printed.trim() == "caught: true",
        "the component printed {printed:?}"
    );
    // Without the tag archive the component does not link, which is why the dev env names it.
    let output = ctx.run_unchecked(
        "unwind-caught-without-tag",
        Command::new(toolchain.join("bin/rustc"))
            .args(["--target", TARGET, "caught.rs", "-o", "untagged.wasm"])
            .args(flags)
            .current_dir(&dir),
    )?;
    let without = said(&output);
    ensure!(
        !output.status.success() && without.contains("__cpp_exception"),
        "without -lcpp_exception_tag: {} {}",
        output.status,
        tail(&output, 10)
    );
    Ok(Verdict::Proved(format!(
        "{built}; a -Cpanic=unwind program checks against it and is refused by the abort std (\"does not have the panic strategy `unwind`\"; a library is accepted by both); catch_unwind in Wasmtime -W exceptions=y printed {:?}; without the tag archive the link fails on __cpp_exception",
        printed.trim()
    )))
}
