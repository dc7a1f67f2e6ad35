//! Live probes in a temporary folder: a hello world built for wasm32-wasip2 (it must be a
//! component) and run by the runner, then a program with C code compiled by the SDK's clang.
//! The checks before them decide whether they can run; this module only takes their results
//! as arguments.

pub mod artifact;
pub mod c_library;
pub mod cargo;
pub mod projects;

use std::path::Path;

use crate::environment::Environment;
use crate::finding::{Finding, Status};
use artifact::judge_built_wasm;
use c_library::{c_tools, compile_c};
use cargo::Probe;
use projects::{C_ANSWER, HELLO, c_project, hello_project};

/// The probes' findings, in the order they come.
pub const IDS: [&str; 3] = ["probe-build", "probe-run", "probe-c"];

/// Runs the probes. `can_build`: the toolchain checks passed; `runner`: the runner's words when
/// its program was found; `sdk`: WASI_SDK_PATH.
pub fn run(
    env: &Environment,
    can_build: bool,
    runner: Option<&[String]>,
    sdk: Option<&Path>,
) -> Vec<Finding> {
    if !can_build {
        let why = "needs rustc, cargo, the wasip2 std and the linkers (see above)";
        return IDS.into_iter().map(|id| Finding::skip(id, why)).collect();
    }
    let cargo = match env
        .var("CARGO")
        .and_then(|c| env.which(c))
        .or_else(|| env.which("cargo"))
    {
        Some(cargo) => cargo,
        None => return vec![Finding::skip("probe-build", "needs cargo")],
    };
    let work = std::env::temp_dir().join(format!("wasip2-doctor-{}", std::process::id()));
    let probe = Probe {
        env: env.clone(),
        cargo,
        runner,
    };
    let findings = run_in(&probe, &work, sdk);
    let _ = std::fs::remove_dir_all(&work);
    findings
}

fn run_in(probe: &Probe, work: &Path, sdk: Option<&Path>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let hello = work.join("hello");
    if let Err(error) = hello_project(&hello) {
        findings.push(Finding::fail(
            "probe-build",
            format!("writing {}: {error}", hello.display()),
            "make the temporary folder writable (TMPDIR)",
        ));
        return findings;
    }
    match probe.build(&hello, "doctor-hello", "probe-build") {
        Ok(wasm) => {
            let built = judge_built_wasm(&wasm);
            let is_component = built.status == Status::Pass;
            findings.push(built);
            if !is_component {
                findings.push(Finding::skip("probe-run", "the build is not a component"));
            } else {
                findings.push(match probe.run(&hello, &wasm, "probe-run") {
                    Ok(said) if said.lines().any(|l| l == HELLO) => {
                        Finding::pass("probe-run", format!("the runner ran it: \"{HELLO}\""))
                    }
                    Ok(said) => Finding::fail(
                        "probe-run",
                        format!("the component printed {:?}", said.trim()),
                        "check that the runner passes the program's output through",
                    ),
                    Err(finding) => finding,
                });
            }
        }
        Err(finding) => {
            findings.push(finding);
            findings.push(Finding::skip("probe-run", "the build failed"));
        }
    }
    findings.push(c_probe(probe, work, sdk));
    findings
}

/// Compiles the C library, then builds and runs the program that links it.
fn c_probe(probe: &Probe, work: &Path, sdk: Option<&Path>) -> Finding {
    let Some((cc, ar)) = c_tools(&probe.env, sdk) else {
        return Finding::warn(
            "probe-c",
            "no C compiler for wasm32-wasip2 (neither CC_wasm32_wasip2 nor WASI_SDK_PATH)",
            "see the wasi-sdk and cc-variables checks",
        );
    };
    let c_work = work.join("c");
    let project = work.join("c-probe");
    let built = std::fs::create_dir_all(&c_work)
        .map_err(|e| e.to_string())
        .and_then(|()| compile_c(&probe.env, &c_work, &cc, &ar))
        .and_then(|lib_dir| c_project(&project, &lib_dir).map_err(|e| e.to_string()));
    if let Err(error) = built {
        return Finding::fail(
            "probe-c",
            error,
            "set CC_wasm32_wasip2 and AR_wasm32_wasip2 to the wasi-sdk's wasm32-wasip2-clang and llvm-ar",
        );
    }
    match probe.build(&project, "doctor-c", "probe-c") {
        Ok(wasm) => match probe.run(&project, &wasm, "probe-c") {
            Ok(said) if said.lines().any(|l| l == C_ANSWER) => Finding::pass(
                "probe-c",
                format!(
                    "C compiled by {} linked and ran: \"{C_ANSWER}\"",
                    cc.display()
                ),
            ),
            Ok(said) => Finding::fail(
                "probe-c",
                format!("the C probe printed {:?}", said.trim()),
                "check the C compiler's target and sysroot",
            ),
            Err(finding) if finding.status == Status::Skip => Finding::pass(
                "probe-c",
                format!(
                    "C compiled by {} and linked (not run: no runner)",
                    cc.display()
                ),
            ),
            Err(finding) => finding,
        },
        Err(finding) => finding,
    }
}
