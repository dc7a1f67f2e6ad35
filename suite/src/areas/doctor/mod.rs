//! wasip2-doctor against real environments: the host's parts arranged as the dev shell arranges
//! them (everything passes, live probes included), then broken copies of it, each of which must
//! be diagnosed by the right check with its fix; the same for `--target wasm32-wasip3` with the
//! p2+p3 toolchain Nix builds; C++ with an SDK without libc++; and a std whose panic strategy
//! the flags contradict.

mod cxx;
mod environments;
mod report;
mod shell;
mod unwinding;
mod wasip3;

use std::path::PathBuf;
use std::process::Command;

use anyhow::ensure;

use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "doctor";

pub fn run(suite: &mut Suite) {
    suite.check(AREA, "builds (cargo build -p wasip2-doctor)", build);
    suite.check(
        AREA,
        "the dev shell's environment passes every check, probes included",
        environments::healthy,
    );
    suite.check(
        AREA,
        "broken environments: each fails the right check with its fix",
        environments::broken,
    );
    suite.check(
        AREA,
        "an SDK without libc++ (the cxx area's): the doctor fails libc++ and the C++ probe, naming the fix, where cargo says only \"unable to find library -lc++\"",
        cxx::without_libcxx,
    );
    suite.check(
        AREA,
        "unwinding flags with the from-source std (built to abort): panic-strategy fails naming the unwinding toolchain, not a link error",
        unwinding::unwind_flags_abort_std,
    );
    suite.check(
        AREA,
        "the unwinding std without the unwinding flags, or without its exception tag archive: panic-strategy fails naming the shell's flags; with them the unwinding probe catches a panic under plain wasmtime run",
        unwinding::unwind_std,
    );
    suite.check(
        AREA,
        "--target wasm32-wasip3 with the p2+p3 toolchain and the p3 dev env: every check passes, probes included; without the p3 std it fails naming rust-std-wasip3",
        wasip3::wasip3,
    );
}

fn doctor_binary(ctx: &Context) -> PathBuf {
    ctx.repo.join("target/debug/wasip2-doctor")
}

fn build(ctx: &mut Context) -> CheckResult {
    // Into the product workspace's own target folder, which `cargo test --workspace` (CI's step
    // before the suite) has filled; the suite is a workspace of its own, building elsewhere.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    ctx.run(
        "doctor-build",
        Command::new(cargo)
            .current_dir(&ctx.repo)
            .args(["build", "--locked", "-p", "wasip2-doctor"])
            .env("CARGO_TARGET_DIR", ctx.repo.join("target")),
    )?;
    let binary = doctor_binary(ctx);
    ensure!(binary.exists(), "no binary at {}", binary.display());
    Ok(Verdict::Proved(binary.display().to_string()))
}
