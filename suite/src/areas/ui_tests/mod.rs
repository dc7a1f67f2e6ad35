//! rustc's UI tests as the flake's derivations run them (`nix/packages/ui-*.nix` over
//! `ui-tests/run-ui-tests.sh`), every run built by Nix on the stand-in: the pieces (one
//! compiletest build for all; reports and merges apart from the runs); a failure the known
//! failures lack and a stale known failure both reported, and failing the judged build; the shard
//! plans fit the source, are balanced by measured time, and each shard's derivation takes only its
//! folders; the offline subset as `ui-wasip2-full` in 2 shards equals one unsharded run, whose
//! log shows its progress; and wasm32-wasip1 beside wasip2, its std and UI check. The offline
//! subset itself runs in the Nix build of `checks.ui-wasip2` (the nix-builds area).

use std::path::PathBuf;

use crate::{Context, Suite};

mod faults;
mod pieces;
mod report_json;
mod shard_merge;
mod shard_plans;
mod wasip1;

use self::faults::broken_expectation;
use self::pieces::ui_pieces;
use self::shard_merge::shards_equal_whole;
use self::shard_plans::shard_plans;
use self::wasip1::wasip1_beside_wasip2;

const AREA: &str = "ui-tests";
/// The targets with a folder in ui-tests/, each with a shard plan.
const TARGETS: [&str; 3] = ["wasm32-wasip1", "wasm32-wasip2", "wasm32-wasip3"];

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "a failure the known failures lack and a stale known failure are reported, and fail the judged Nix build of ui-wasip2; judged by the real list it builds",
        broken_expectation,
    );
    suite.check(
        AREA,
        "the UI tests as Nix pieces: every run and shard of the three targets takes one compiletest build; an edit of ui-report changes only the reports and merges; an edit of the known failures changes no shard",
        ui_pieces,
    );
    suite.check(
        AREA,
        "the shard plans (ui-tests/<target>/shards.txt) are ui-report's plans for the source, balanced by measured folder times and predicted within 2 minutes on 16 builders; a stale one is refused; moving one folder changes only its two shards' derivations",
        shard_plans,
    );
    suite.check(
        AREA,
        "ui-wasip2-full with the offline subset in 2 shards, built by Nix (shards, then its merge), equals an unsharded run test by test; a shard run twice or missing is refused; the run's Nix log has its progress line (tests done of all, failures, elapsed)",
        shards_equal_whole,
    );
    suite.check(
        AREA,
        "wasm32-wasip1 beside wasip2: rust-std-wasip1 and ui-wasip1 on its offline subset built by Nix (its known failures hold), the side-by-side report listing what passes on wasip1 and not on wasip2",
        wasip1_beside_wasip2,
    );
}

fn ui_dir(ctx: &Context) -> PathBuf {
    target_dir(ctx, "wasm32-wasip2")
}

fn target_dir(ctx: &Context, target: &str) -> PathBuf {
    ctx.repo.join("ui-tests").join(target)
}
