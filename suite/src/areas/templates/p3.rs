//! The wasip3 template's toolchain: the flake's `rust-std-wasip3` as Nix builds it on the
//! stand-in (`wasip3_toolchain`, one build for every area),
//! and `nix/lib/dev-env.nix` for both targets with the SDK that has the p3 clang drivers, as
//! `lib.craneProject { target = "wasm32-wasip3"; }` gives the template's flake.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Result, ensure};

use crate::Context;
use crate::support::standin::{wasi_sdk_wasip3, wasip3_toolchain};
use crate::support::toolchain::eval_dev_env_wasip3;

pub(super) const TARGET: &str = "wasm32-wasip3";
/// What the runner for wasm32-wasip3 must ask Wasmtime for.
pub(super) const RUNNER_FLAGS: &str = "-S p3 -W component-model-async";

/// The joined p2+p3 toolchain and the p3 shell's variables.
pub(super) fn toolchain(ctx: &mut Context) -> Result<(PathBuf, BTreeMap<String, String>)> {
    let (link, _) = wasip3_toolchain(ctx)?;
    let sdk = wasi_sdk_wasip3(ctx)?;
    let env = eval_dev_env_wasip3(ctx, &sdk, "")?;
    let runner = env
        .get("CARGO_TARGET_WASM32_WASIP3_RUNNER")
        .map(String::as_str)
        .unwrap_or_default();
    ensure!(
        runner.contains(RUNNER_FLAGS),
        "dev-env.nix's runner for wasm32-wasip3 is {runner:?}, without `{RUNNER_FLAGS}`"
    );
    Ok((link, env))
}
