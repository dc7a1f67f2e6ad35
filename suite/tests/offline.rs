//! `cargo test` entry of the offline suite: runs every area in order and prints what was proved
//! here, what was skipped and why, and what only a machine with network can prove.

use std::process::ExitCode;

use offline_suite::{Context, Suite, areas};

/// Variables that `cargo test` (and rustup's proxy) put into the suite's environment and that
/// would make the toolchains the suite runs pick up the outer toolchain: LD_LIBRARY_PATH makes a
/// copied rustc load the outer librustc_driver and so report the outer sysroot.
const OUTER_TOOLCHAIN_VARIABLES: &[&str] = &[
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
    "RUSTUP_TOOLCHAIN",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_WRAPPER",
    "RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
];

fn main() -> ExitCode {
    for name in OUTER_TOOLCHAIN_VARIABLES {
        // SAFETY: the suite is single-threaded here; nothing else reads the environment yet.
        #[allow(unsafe_code)]
        unsafe {
            std::env::remove_var(name)
        };
    }
    let ctx = match Context::from_env() {
        Ok(ctx) => ctx,
        Err(error) => {
            eprintln!("offline suite: cannot start: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "offline suite: work folder {}, cache {}, CI={}",
        ctx.work.display(),
        ctx.cache.display(),
        ctx.ci
    );
    let mut suite = Suite::new(ctx);
    areas::run_all(&mut suite);
    if suite.finish() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
