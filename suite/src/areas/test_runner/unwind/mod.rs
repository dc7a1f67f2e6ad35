//! The std built to unwind (`rust-std-wasip2-unwind`: `bootstrap-config.sh --panic unwind` and
//! `build-std.sh --panic unwind`, run by Nix), and `cargo test` with it: every test counted as
//! natively, the panic message printed, `#[should_panic]` tests run, doc-tests and temporary
//! files as natively; the dev env that builds crates for it, and the refusal of a toolchain and
//! dev env that disagree.

use std::path::PathBuf;

// Imported once here, so that the checks below name the test-runner area's helpers as `super::…`.
use super::{
    RUNNER_VARIABLE, TARGET, build_runner, counts, fixture, ours, runner_binary, said, set_runner,
};
use crate::{Context, Suite};

mod built;
mod cargo_test;
mod configuration;
mod native_parity;
mod outcomes;
mod refusals;
mod shell;

use self::built::built;
use self::configuration::configuration;
use self::native_parity::{doc_tests, temp_files};
use self::outcomes::{outcomes, template};
use self::refusals::refusals;
use self::shell::shell;

const AREA: &str = "test-runner-unwind";
const ATTRIBUTE: &str = "packages.x86_64-linux.rust-std-wasip2-unwind";
/// What build-std.sh puts beside the unwinding std, and the dev env links.
const TAG_ARCHIVE: &str = "lib/rustlib/wasm32-wasip2/lib/self-contained/libcpp_exception_tag.a";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "bootstrap-config.sh --panic unwind adds only the targets' rustflags; --panic abort is the default, unchanged",
        configuration,
    );
    suite.check(
        AREA,
        "rust-std-wasip2-unwind built by Nix: a -Cpanic=unwind program is accepted by it, not by the abort std; a caught panic in Wasmtime",
        built,
    );
    suite.check(
        AREA,
        "test-outcomes with the unwinding std: native's summary, the panic message, #[should_panic] run (one that does not panic fails)",
        outcomes,
    );
    suite.check(
        AREA,
        "doc-tests with the unwinding std: native's summary under both runners (the should_panic one runs); without the env's rustdoc flags they fail to compile",
        doc_tests,
    );
    suite.check(
        AREA,
        "temporary files (tempfile's tempdir() and NamedTempFile::new()) as natively with the unwinding std; with the default std they panic in temp_dir()",
        temp_files,
    );
    suite.check(
        AREA,
        "templates/wasip2's tests pass with the unwinding std",
        template,
    );
    suite.check(
        AREA,
        "nix-shell of devShells.unwind: cargo test of test-outcomes as natively, with the shell's flags and runner only",
        shell,
    );
    suite.check(
        AREA,
        "a toolchain and dev env that disagree on panics are refused at evaluation, naming the fix",
        refusals,
    );
}

fn unwind_toolchain(ctx: &Context) -> PathBuf {
    ctx.work.join("toolchain-wasip2-unwind")
}
