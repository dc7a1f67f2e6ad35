//! Live probes in a temporary folder: a hello world built for the target (it must be a
//! component) and run by the runner, a program with C code compiled by the SDK's clang, a C++
//! program linked against the SDK's libc++, and with an unwinding std a program that catches a
//! panic. The checks before them decide whether they can run; this module only takes their
//! results as arguments.

pub mod artifact;
pub mod c_library;
pub mod cargo;
pub mod projects;

use std::path::Path;

use crate::environment::Environment;
use crate::finding::{Finding, Status};
use crate::fixes::UNWIND_SHELL;
use crate::target::Target;
use artifact::judge_built_wasm;
use c_library::{c_tools, compile_c, compile_cxx, cxx_tool};
use cargo::Probe;
use projects::{
    C_ANSWER, CXX_ANSWER, HELLO, TEMP_DIR_SAID, UNWOUND, c_project, cxx_project, hello_project,
    temp_dir_project, unwind_project,
};

/// The probes' findings, in the order they come.
pub const IDS: [&str; 6] = [
    "probe-build",
    "probe-run",
    "probe-c",
    "probe-cxx",
    "probe-unwind",
    "probe-temp-dir",
];

/// What the checks found that the probes depend on.
pub struct Setup<'a> {
    /// The toolchain checks passed (rustc, cargo, std, linkers, panic strategy).
    pub can_build: bool,
    /// The runner's words, when its program was found.
    pub runner: Option<&'a [String]>,
    /// WASI_SDK_PATH.
    pub sdk: Option<&'a Path>,
    pub target: Target,
    /// The std was built to unwind.
    pub std_unwinds: bool,
}

/// Runs the probes.
pub fn run(env: &Environment, setup: &Setup) -> Vec<Finding> {
    // A fresh folder of an unpredictable name in the temporary folder, removed when dropped.
    match tempfile::Builder::new().prefix("wasip2-doctor-").tempdir() {
        Ok(work) => run_all(env, setup, work.path()),
        Err(error) => IDS
            .into_iter()
            .map(|id| {
                Finding::fail(
                    id,
                    format!("no temporary folder for the probes: {error}"),
                    "make the temporary folder writable, or point TMPDIR at one that is",
                )
            })
            .collect(),
    }
}

fn run_all(env: &Environment, setup: &Setup, work: &Path) -> Vec<Finding> {
    if !setup.can_build {
        let why =
            "needs rustc, cargo, the std, the linkers and an agreeing panic strategy (see above)";
        return IDS.into_iter().map(|id| Finding::skip(id, why)).collect();
    }
    let cargo = match env
        .var("CARGO")
        .and_then(|c| env.which(c))
        .or_else(|| env.which("cargo"))
    {
        Some(cargo) => cargo,
        None => {
            return IDS
                .into_iter()
                .map(|id| Finding::skip(id, "needs cargo"))
                .collect();
        }
    };
    let probe = Probe {
        env: env.clone(),
        cargo,
        runner: setup.runner,
        target: setup.target,
    };
    let mut findings = run_in(&probe, work, setup.sdk);
    findings.push(cxx_probe(&probe, work, setup.sdk));
    findings.push(if setup.std_unwinds {
        unwind_probe(&probe, work)
    } else {
        Finding::skip(
            "probe-unwind",
            "the std aborts on panic (see panic-strategy): nothing unwinds",
        )
    });
    findings.push(temp_dir_probe(&probe, work));
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
            let built = judge_built_wasm(&wasm, probe.target);
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
    let target = probe.target;
    let Some((cc, ar)) = c_tools(&probe.env, sdk, target) else {
        return Finding::warn(
            "probe-c",
            format!(
                "no C compiler for {} (neither {} nor WASI_SDK_PATH)",
                target.triple(),
                target.var("CC")
            ),
            "see the wasi-sdk and cc-variables checks",
        );
    };
    let c_work = work.join("c");
    let project = work.join("c-probe");
    let built = std::fs::create_dir_all(&c_work)
        .map_err(|e| e.to_string())
        .and_then(|()| compile_c(&probe.env, &c_work, &cc, &ar, target))
        .and_then(|lib_dir| c_project(&project, &lib_dir).map_err(|e| e.to_string()));
    if let Err(error) = built {
        return Finding::fail(
            "probe-c",
            error,
            format!(
                "set {} and {} to the wasi-sdk's {}-clang and llvm-ar",
                target.var("CC"),
                target.var("AR"),
                target.triple()
            ),
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

/// Compiles C++ with the target's C++ compiler and flags into a library, then builds and runs
/// a Rust program that links it and libc++ with the environment's flags: the way a crate with
/// C++ code (cxx, cc with `cpp(true)`) links, and where a shell without libc++ fails.
fn cxx_probe(probe: &Probe, work: &Path, sdk: Option<&Path>) -> Finding {
    let id = "probe-cxx";
    let target = probe.target;
    let env = &probe.env;
    let (Some(cxx), Some((_, ar))) = (cxx_tool(env, sdk, target), c_tools(env, sdk, target)) else {
        return Finding::warn(
            id,
            format!(
                "no C++ compiler for {} (neither {} nor WASI_SDK_PATH)",
                target.triple(),
                target.var("CXX")
            ),
            "see the wasi-sdk and cxx-variables checks",
        );
    };
    let cxx_work = work.join("cxx");
    let project = work.join("cxx-probe");
    let stdlib = env.var(&target.var("CXXSTDLIB")).unwrap_or("c++");
    let built = std::fs::create_dir_all(&cxx_work)
        .map_err(|e| e.to_string())
        .and_then(|()| compile_cxx(env, &cxx_work, &cxx, &ar, target))
        .and_then(|lib_dir| cxx_project(&project, &lib_dir, stdlib).map_err(|e| e.to_string()));
    if let Err(error) = built {
        return Finding::fail(
            id,
            format!("compiling C++ failed: {error}"),
            format!(
                "check {} and {} (see cxx-variables); a crate with C++ code fails the same way",
                target.var("CXX"),
                target.var("CXXFLAGS")
            ),
        );
    }
    let wasm = match probe.build(&project, "doctor-cxx", id) {
        Ok(wasm) => wasm,
        Err(finding) => return finding,
    };
    match probe.run(&project, &wasm, id) {
        Ok(said) if said.lines().any(|l| l == CXX_ANSWER) => Finding::pass(
            id,
            format!(
                "C++ compiled by {} linked with libc++ and ran: \"{CXX_ANSWER}\"",
                cxx.display()
            ),
        ),
        Ok(said) => Finding::fail(
            id,
            format!("the C++ probe printed {:?}", said.trim()),
            "check the C++ compiler's target and sysroot",
        ),
        Err(finding) if finding.status == Status::Skip => Finding::pass(
            id,
            format!(
                "C++ compiled by {} and linked with libc++ (not run: no runner)",
                cxx.display()
            ),
        ),
        Err(finding) => finding,
    }
}

/// Builds and runs a program that asks std for the temporary folder: Rust 1.95's WASI std
/// panics there (library/std/src/sys/pal/wasi/os.rs, rust-lang/rust#160363), so every test that
/// uses tempfile's `tempdir()` or `NamedTempFile::new()` fails; this flake's unwinding std (and
/// any from-source std with `unixTempDir = true`) takes `TMPDIR`, else `/tmp`, as Unix does.
fn temp_dir_probe(probe: &Probe, work: &Path) -> Finding {
    let id = "probe-temp-dir";
    let project = work.join("temp-dir");
    if let Err(error) = temp_dir_project(&project) {
        return Finding::fail(
            id,
            format!("writing {}: {error}", project.display()),
            "make the temporary folder writable (TMPDIR)",
        );
    }
    let wasm = match probe.build(&project, "doctor-temp-dir", id) {
        Ok(wasm) => wasm,
        Err(finding) => return finding,
    };
    judge_temp_dir(probe.run(&project, &wasm, id))
}

/// Reads the temporary-folder probe's run (see [`temp_dir_probe`]).
fn judge_temp_dir(run: Result<String, Finding>) -> Finding {
    let id = "probe-temp-dir";
    match run {
        Ok(said) => match said.lines().find_map(|l| l.strip_prefix(TEMP_DIR_SAID)) {
            Some(folder) => Finding::pass(
                id,
                format!(
                    "std::env::temp_dir() = {folder}: tempfile's tempdir() and NamedTempFile::new() work"
                ),
            ),
            None => Finding::fail(
                id,
                format!("the temporary-folder probe printed {:?}", said.trim()),
                "check that the runner passes the program's output through",
            ),
        },
        Err(finding) if finding.status == Status::Fail => Finding::warn(
            id,
            format!(
                "std::env::temp_dir() panics with this std (Rust's WASI std: \"no filesystem on wasm\", rust-lang/rust#160363), so tests that call tempfile::tempdir() or NamedTempFile::new() fail: {}",
                finding.detail
            ),
            format!(
                "use the unwinding shell ({UNWIND_SHELL}): its std (rust-std-wasip2-unwind) takes TMPDIR, else /tmp, and wasi-test-runner grants a TMPDIR; or a from-source std with unixTempDir = true; or in the tests tempfile::tempdir_in(std::env::var(\"TMPDIR\")?)"
            ),
        ),
        Err(finding) => finding,
    }
}

/// Builds a program that catches a panic, with the environment's flags, and runs it: the std,
/// the flags and the runner (Wasmtime with exceptions) together.
fn unwind_probe(probe: &Probe, work: &Path) -> Finding {
    let id = "probe-unwind";
    let project = work.join("unwind");
    if let Err(error) = unwind_project(&project) {
        return Finding::fail(
            id,
            format!("writing {}: {error}", project.display()),
            "make the temporary folder writable (TMPDIR)",
        );
    }
    let wasm = match probe.build(&project, "doctor-unwind", id) {
        Ok(wasm) => wasm,
        Err(finding) => return finding,
    };
    match probe.run(&project, &wasm, id) {
        Ok(said) if said.lines().any(|l| l == UNWOUND) => Finding::pass(
            id,
            format!("a panic was caught and the program went on: \"{UNWOUND}\""),
        ),
        Ok(said) => Finding::fail(
            id,
            format!("the unwinding probe printed {:?}", said.trim()),
            "check that the std and the crate are built with the same unwinding flags (see panic-strategy)",
        ),
        Err(finding) if finding.status == Status::Fail => Finding::fail(
            id,
            finding.detail,
            "let the runner run Wasm exceptions: Wasmtime 47 and later run them by default, 37 to 46 need -W exceptions=y (wasi-test-runner passes it for a binary with an exception tag)",
        ),
        Err(finding) => finding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temp_dir_that_panics_is_a_warning_naming_the_unwinding_shell() {
        let trapped = Finding::fail("probe-temp-dir", "wasm trap: unreachable", "unused");
        let finding = judge_temp_dir(Err(trapped));
        assert_eq!(finding.status, Status::Warn);
        assert!(finding.detail.contains("temp_dir() panics"));
        assert!(
            finding
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("#unwind"))
        );
    }

    #[test]
    fn a_temp_dir_that_answers_passes_with_its_folder() {
        let finding = judge_temp_dir(Ok(format!("{TEMP_DIR_SAID}/tmp/guest\n")));
        assert_eq!(finding.status, Status::Pass);
        assert!(finding.detail.contains("/tmp/guest"));
        let silent = judge_temp_dir(Ok(String::new()));
        assert_eq!(silent.status, Status::Fail);
    }
}
