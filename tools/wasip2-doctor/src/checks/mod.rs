//! The checks, in the order a wasip2 build needs their subjects: compiler, std, linkers, runtime,
//! C toolchain, runner, then the live probes (see `crate::probe`) that build and run real
//! programs. Each submodule holds the checks of one subject; this one puts them in order.

pub mod linkers;
pub mod runner;
pub mod sdk;
pub mod toolchain;
pub mod wasmtime;

use std::path::PathBuf;

use crate::environment::Environment;
use crate::finding::{Finding, Status};
use crate::probe;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Skip the live probes (building and running programs).
    pub quick: bool,
}

/// Everything the doctor checks, in order.
pub fn diagnose(env: &Environment, options: Options) -> Vec<Finding> {
    let (rustc_finding, rustc) = toolchain::check_rustc(env);
    let cargo = toolchain::check_cargo(env);
    let std = toolchain::check_std(env, rustc.as_ref());
    let [component_ld, lld] = linkers::check_linkers(env, rustc.as_ref());
    let wasmtime = wasmtime::check_wasmtime(env);
    let sdk = env.var("WASI_SDK_PATH").map(PathBuf::from);
    let sdk_finding = sdk::judge_sdk(sdk.as_deref());
    let cc = sdk::judge_cc_variables(
        env.var("CC_wasm32_wasip2"),
        env.var("AR_wasm32_wasip2"),
        env.var("CFLAGS_wasm32_wasip2"),
        sdk.as_deref(),
    );
    let (runner_finding, runner) = runner::check_runner(env);

    let can_build = [&rustc_finding, &cargo, &std, &component_ld, &lld]
        .iter()
        .all(|f| f.status == Status::Pass);
    let mut findings = vec![
        rustc_finding,
        cargo,
        std,
        component_ld,
        lld,
        wasmtime,
        sdk_finding,
        cc,
        runner_finding,
    ];
    if options.quick {
        for id in probe::IDS {
            findings.push(Finding::skip(id, "--quick"));
        }
        return findings;
    }
    findings.extend(probe::run(
        env,
        can_build,
        runner.as_deref(),
        sdk.as_deref(),
    ));
    findings
}
