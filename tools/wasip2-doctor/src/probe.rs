//! Live probes in a temporary folder: a hello world built for wasm32-wasip2 (it must be a
//! component) and run by the runner, then a program with C code compiled by the SDK's clang.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::checks::{TARGET, judge_built_wasm};
use crate::environment::Environment;
use crate::finding::{Finding, Status};

const HELLO: &str = "wasip2-doctor probe: hello from a component";
const C_ANSWER: &str = "wasip2-doctor probe: C says 0x2a";

struct Probe<'a> {
    env: Environment,
    cargo: PathBuf,
    runner: Option<&'a [String]>,
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" | ")
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

impl Probe<'_> {
    /// Builds the project in `dir`; returns its component.
    fn build(&self, dir: &Path, name: &str, id: &'static str) -> Result<PathBuf, Finding> {
        let output = self
            .env
            .command(&self.cargo)
            .current_dir(dir)
            .args(["build", "--quiet", "--offline", "--target", TARGET])
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .map_err(|e| {
                Finding::fail(
                    id,
                    format!("starting cargo: {e}"),
                    "check the cargo check above",
                )
            })?;
        if !output.status.success() {
            return Err(Finding::fail(
                id,
                format!(
                    "cargo build --target {TARGET} failed: {}",
                    tail(&output.stderr)
                ),
                format!(
                    "build any project with `cargo build --target {TARGET}` to see the whole error; the checks above name the usual causes"
                ),
            ));
        }
        Ok(dir
            .join("target")
            .join(TARGET)
            .join("debug")
            .join(format!("{name}.wasm")))
    }

    /// Runs a component with the runner; the text it printed.
    fn run(&self, dir: &Path, wasm: &Path, id: &'static str) -> Result<String, Finding> {
        let Some([program, args @ ..]) = self.runner else {
            return Err(Finding::skip(id, "needs a runner (see the runner check)"));
        };
        let Some(program) = self.env.which(program) else {
            return Err(Finding::skip(
                id,
                "the runner's program is not found (see the runner check)",
            ));
        };
        let output = self
            .env
            .command(program)
            .current_dir(dir)
            .args(args)
            .arg(wasm)
            .output()
            .map_err(|e| {
                Finding::fail(id, format!("starting the runner: {e}"), "check the runner")
            })?;
        if !output.status.success() {
            return Err(Finding::fail(
                id,
                format!(
                    "the runner failed ({}): {}",
                    output.status,
                    tail(&output.stderr)
                ),
                "run the component by hand with the runner to see why; a wasmtime older than 17 cannot run components",
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// A package of its own (`[workspace]`), so that no enclosing workspace adopts it.
fn write_manifest(dir: &Path, name: &str) -> std::io::Result<()> {
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n"
        ),
    )
}

fn hello_project(dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-hello")?;
    write(
        &dir.join("src/main.rs"),
        &format!("fn main() {{\n    println!(\"{HELLO}\");\n}}\n"),
    )
}

fn c_project(dir: &Path, lib_dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-c")?;
    write(
        &dir.join("build.rs"),
        &format!(
            "fn main() {{\n    println!(\"cargo:rustc-link-search=native={}\");\n    println!(\"cargo:rustc-link-lib=static=doctorprobe\");\n}}\n",
            lib_dir.display()
        ),
    )?;
    write(
        &dir.join("src/main.rs"),
        &format!(
            "unsafe extern \"C\" {{\n    fn doctor_probe_format(value: i32, out: *mut u8, len: usize) -> i32;\n}}\n\nfn main() {{\n    let mut buffer = [0u8; 32];\n    // SAFETY: the buffer is writable for the length passed.\n    let n = unsafe {{ doctor_probe_format(42, buffer.as_mut_ptr(), buffer.len()) }};\n    let text = String::from_utf8_lossy(&buffer[..n.max(0) as usize]);\n    println!(\"{}{{text}}\");\n}}\n",
            C_ANSWER.trim_end_matches("0x2a")
        ),
    )
}

fn compile_c(env: &Environment, work: &Path, cc: &Path, ar: &Path) -> Result<PathBuf, String> {
    let source = work.join("probe.c");
    write(
        &source,
        "#include <stdio.h>\nint doctor_probe_format(int value, char *out, unsigned long len) {\n  return snprintf(out, len, \"0x%x\", value);\n}\n",
    )
    .map_err(|e| e.to_string())?;
    let object = work.join("probe.o");
    let flags = env
        .var("CFLAGS_wasm32_wasip2")
        .unwrap_or_default()
        .to_string();
    run_tool(
        env.command(cc)
            .args(flags.split_whitespace())
            .arg("-c")
            .arg(&source)
            .arg("-o")
            .arg(&object),
        cc,
    )?;
    run_tool(
        env.command(ar)
            .arg("rcs")
            .arg(work.join("libdoctorprobe.a"))
            .arg(&object),
        ar,
    )?;
    Ok(work.to_path_buf())
}

/// Runs `tool`; an error naming it, with the end of what it printed, when it fails.
fn run_tool(command: &mut Command, tool: &Path) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed: {}",
            tool.display(),
            tail(&output.stderr)
        ))
    }
}

/// The C compiler and archiver for the target: the cc crate's variables, else the SDK's.
fn c_tools(env: &Environment, sdk: Option<&Path>) -> Option<(PathBuf, PathBuf)> {
    let cc = env
        .var("CC_wasm32_wasip2")
        .and_then(|cc| env.which(cc))
        .or_else(|| {
            sdk.map(|s| s.join("bin/wasm32-wasip2-clang"))
                .filter(|p| p.exists())
        })?;
    let ar = env
        .var("AR_wasm32_wasip2")
        .and_then(|ar| env.which(ar))
        .or_else(|| sdk.map(|s| s.join("bin/llvm-ar")).filter(|p| p.exists()))
        .or_else(|| env.which("llvm-ar"))?;
    Some((cc, ar))
}

pub fn run(
    env: &Environment,
    can_build: bool,
    runner: Option<&[String]>,
    sdk: Option<&Path>,
) -> Vec<Finding> {
    if !can_build {
        let why = "needs rustc, cargo, the wasip2 std and the linkers (see above)";
        return ["probe-build", "probe-run", "probe-c"]
            .into_iter()
            .map(|id| Finding::skip(id, why))
            .collect();
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

    let Some((cc, ar)) = c_tools(&probe.env, sdk) else {
        findings.push(Finding::warn(
            "probe-c",
            "no C compiler for wasm32-wasip2 (neither CC_wasm32_wasip2 nor WASI_SDK_PATH)",
            "see the wasi-sdk and cc-variables checks",
        ));
        return findings;
    };
    let c_work = work.join("c");
    let built = std::fs::create_dir_all(&c_work)
        .map_err(|e| e.to_string())
        .and_then(|()| compile_c(&probe.env, &c_work, &cc, &ar))
        .and_then(|lib_dir| c_project(&work.join("c-probe"), &lib_dir).map_err(|e| e.to_string()));
    if let Err(error) = built {
        findings.push(Finding::fail(
            "probe-c",
            error,
            "set CC_wasm32_wasip2 and AR_wasm32_wasip2 to the wasi-sdk's wasm32-wasip2-clang and llvm-ar",
        ));
        return findings;
    }
    let project = work.join("c-probe");
    findings.push(match probe.build(&project, "doctor-c", "probe-c") {
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
    });
    findings
}
