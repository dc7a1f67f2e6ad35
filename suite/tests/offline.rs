//! `cargo test` entry of the offline suite: runs every area in order and prints what was proved
//! here, what was skipped and why, and what only a machine with network can prove.

use std::process::ExitCode;

use offline_suite::{Context, Suite, areas};

fn main() -> ExitCode {
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
