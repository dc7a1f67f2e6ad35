//! The checks, in the order a build for the target needs their subjects: compiler, std,
//! linkers, runtime, C and C++ toolchain, bindgen, the panic strategy, runner, then the live
//! probes (see `crate::probe`) that build and run real programs. Each submodule holds the checks
//! of one subject; this one puts them in order.

pub mod cxx;
pub mod linkers;
pub mod runner;
pub mod rustflags;
pub mod sdk;
pub mod toolchain;
pub mod unwinding;
pub mod wasmtime;

use std::path::PathBuf;

use crate::environment::Environment;
use crate::finding::{Finding, Status};
use crate::probe::{self, Setup};
use crate::target::Target;
use toolchain::Rustc;
use unwinding::StdPanic;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Skip the live probes (building and running programs).
    pub quick: bool,
    /// The target to check.
    pub target: Target,
}

/// Everything the doctor checks, in order.
pub fn diagnose(env: &Environment, options: Options) -> Vec<Finding> {
    let target = options.target;
    let (rustc_finding, rustc) = toolchain::check_rustc(env);
    let cargo = toolchain::check_cargo(env);
    let std = toolchain::check_std(env, rustc.as_ref(), target);
    let [component_ld, lld] = linkers::check_linkers(env, rustc.as_ref());
    let wasmtime = wasmtime::check_wasmtime(env, target);
    let sdk = env.var("WASI_SDK_PATH").map(PathBuf::from);
    let sdk_finding = sdk::judge_sdk(sdk.as_deref(), target);
    let cc = sdk::judge_cc_variables(
        target,
        env.var(&target.var("CC")),
        env.var(&target.var("AR")),
        env.var(&target.var("CFLAGS")),
        sdk.as_deref(),
    );
    let flags = rustflags::rustflags(env, target);
    let cxx_variables = cxx::judge_cxx_variables(
        target,
        &cxx::CxxVariables::of(env, target),
        &flags,
        sdk.as_deref(),
    );
    let libcxx = cxx::judge_libcxx(sdk.as_deref(), target, &flags);
    let bindgen_args = cxx::bindgen_args(env, target);
    let bindgen = cxx::judge_bindgen(
        target,
        bindgen_args
            .as_ref()
            .map(|(name, value)| (name.as_str(), *value)),
        sdk.as_deref(),
    );
    let libclang = cxx::judge_libclang(env.var("LIBCLANG_PATH"));
    let (runner_finding, runner) = runner::check_runner(env, target);
    let std_panic = (std.status == Status::Pass)
        .then_some(rustc.as_ref())
        .flatten()
        .map(|rustc| std_panic(env, rustc, target));
    let panic_strategy = match &std_panic {
        None => Finding::skip("panic-strategy", "needs rustc and the std (see above)"),
        Some(Err(error)) => Finding::warn(
            "panic-strategy",
            format!("compiling an empty program with -Cpanic=unwind failed unexpectedly: {error}"),
            "compile any program for the target to see the whole error",
        ),
        Some(Ok(strategy)) => {
            let runner_problem = runner
                .as_deref()
                .and_then(|words| unwinding::runner_disables_exceptions(env, words));
            let std_has_tag = rustc.as_ref().is_some_and(|rustc| {
                unwinding::has_tag_archive(&toolchain::target_libdir(env, rustc, target))
            });
            unwinding::judge_panic_strategy(*strategy, std_has_tag, &flags, runner_problem, target)
        }
    };
    let can_build = [
        &rustc_finding,
        &cargo,
        &std,
        &component_ld,
        &lld,
        &panic_strategy,
    ]
    .iter()
    .all(|f| f.status == Status::Pass);
    let std_unwinds = matches!(std_panic, Some(Ok(StdPanic::Unwind)));
    let mut findings = vec![
        rustc_finding,
        cargo,
        std,
        component_ld,
        lld,
        wasmtime,
        sdk_finding,
        cc,
        cxx_variables,
        libcxx,
        bindgen,
        libclang,
        panic_strategy,
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
        &Setup {
            can_build,
            runner: runner.as_deref(),
            sdk: sdk.as_deref(),
            target,
            std_unwinds,
        },
    ));
    findings
}

/// The std's panic strategy, probed in a temporary folder of its own.
fn std_panic(env: &Environment, rustc: &Rustc, target: Target) -> Result<StdPanic, String> {
    let work = tempfile::Builder::new()
        .prefix("wasip2-doctor-panic-")
        .tempdir()
        .map_err(|e| format!("no temporary folder for the probe: {e}"))?;
    unwinding::probe_std_panic(env, rustc, target, work.path())
}
