//! Whether the std's panic strategy and the flags agree. WASI's std aborts on panic; a std built
//! to unwind (with Wasm exception handling) needs every crate built with the same flags, and a
//! runner that lets Wasmtime run exceptions. A mismatch shows up as a puzzling compile or link
//! error; the doctor names it and the fix first.
//!
//! The std's strategy is probed, not read from file names: an empty program is compiled (to
//! metadata only) with `-Cpanic=unwind`, which rustc refuses against a std built to abort.

use std::path::Path;

use crate::checks::rustflags::Rustflags;
use crate::checks::toolchain::Rustc;
use crate::environment::Environment;
use crate::finding::Finding;
use crate::output::tail;
use crate::requirements::UNWIND_FLAGS;
use crate::target::Target;

/// How the target's std handles a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdPanic {
    /// Built with `-Cpanic=abort`, WASI's default: a panic ends the program.
    Abort,
    /// Built with `-Cpanic=unwind` and Wasm exception handling.
    Unwind,
}

/// Compiles `fn main() {}` for the target with `-Cpanic=unwind` in `work`: success means the std
/// unwinds; rustc's refusal naming the panic strategy means it aborts; anything else is an error
/// with the end of what rustc said.
pub fn probe_std_panic(
    env: &Environment,
    rustc: &Rustc,
    target: Target,
    work: &Path,
) -> Result<StdPanic, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let source = work.join("panic-probe.rs");
    std::fs::write(&source, "fn main() {}\n").map_err(|e| format!("{}: {e}", source.display()))?;
    let output = env
        .command(&rustc.path)
        .args([
            "--crate-type",
            "bin",
            "--emit",
            "metadata",
            "--edition",
            "2021",
        ])
        .args(["--target", target.triple(), "-Cpanic=unwind", "-o"])
        .arg(work.join("panic-probe.rmeta"))
        .arg(&source)
        .output()
        .map_err(|e| format!("{}: {e}", rustc.path.display()))?;
    classify_probe(
        output.status.success(),
        &String::from_utf8_lossy(&output.stderr),
    )
}

/// Reads the probe's outcome (see [`probe_std_panic`]).
pub fn classify_probe(success: bool, stderr: &str) -> Result<StdPanic, String> {
    if success {
        Ok(StdPanic::Unwind)
    } else if stderr.contains("panic strategy") {
        Ok(StdPanic::Abort)
    } else {
        Err(tail(stderr.as_bytes()))
    }
}

/// The archive with the Wasm exception tag (`__cpp_exception`) that an unwinding std built by
/// this flake keeps beside itself; without it linked, the component linker refuses the
/// program's import of the tag.
pub const TAG_ARCHIVE: &str = "libcpp_exception_tag.a";
/// Whether the std's folder has [`TAG_ARCHIVE`]: beside the rlibs, or in `self-contained/` with
/// libc and the crt objects, where rustc's linker also looks.
pub fn has_tag_archive(libdir: &Path) -> bool {
    [libdir.to_path_buf(), libdir.join("self-contained")]
        .iter()
        .any(|dir| dir.join(TAG_ARCHIVE).exists())
}

/// The flag that links [`TAG_ARCHIVE`].
pub const TAG_FLAG: &str = "-C link-arg=-lcpp_exception_tag";

/// What the flags ask for, as far as unwinding goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnwindFlags {
    /// The last `-C panic=` is `unwind`.
    pub panic_unwind: bool,
    /// `-C target-feature=+exception-handling`.
    pub exception_handling: bool,
    /// `-C llvm-args=-wasm-use-legacy-eh=false`: the standard encoding Wasmtime runs.
    pub standard_eh: bool,
    /// `-C link-arg=-lcpp_exception_tag`.
    pub links_tag: bool,
}

impl UnwindFlags {
    pub fn of(flags: &Rustflags) -> Self {
        let options = flags.codegen_options();
        let panic_unwind = options
            .iter()
            .rev()
            .find_map(|o| o.strip_prefix("panic="))
            .is_some_and(|strategy| strategy == "unwind");
        let exception_handling = options.iter().any(|o| {
            o.strip_prefix("target-feature=")
                .is_some_and(|f| f.split(',').any(|f| f == "+exception-handling"))
        });
        let standard_eh = options.iter().any(|o| {
            o.strip_prefix("llvm-args=").is_some_and(|a| {
                a.split_whitespace()
                    .any(|a| a == "-wasm-use-legacy-eh=false")
            })
        });
        let links_tag = flags.link_args().iter().any(|a| a == "-lcpp_exception_tag");
        UnwindFlags {
            panic_unwind,
            exception_handling,
            standard_eh,
            links_tag,
        }
    }

    /// The unwinding flags that are missing; the tag's archive only where the std has one.
    pub fn missing(&self, std_has_tag: bool) -> Vec<&'static str> {
        [
            (self.panic_unwind, "-Cpanic=unwind"),
            (
                self.exception_handling,
                "-Ctarget-feature=+exception-handling",
            ),
            (self.standard_eh, "-Cllvm-args=-wasm-use-legacy-eh=false"),
            (self.links_tag || !std_has_tag, TAG_FLAG),
        ]
        .into_iter()
        .filter(|(present, _)| !present)
        .map(|(_, flag)| flag)
        .collect()
    }
}

/// The toolchain with an unwinding std, for fixes.
fn unwinding_toolchain(target: Target) -> String {
    match target {
        Target::Wasip2 => "the unwinding toolchain (packages.rust-std-wasip2-unwind; devShells.unwind has it with the flags)".to_string(),
        Target::Wasip3 => format!("a toolchain whose std for {} is built to unwind (the flake's unwinding std is for wasm32-wasip2)", target.triple()),
    }
}

/// Whether a runner turns Wasm exceptions off: `-W exceptions=n`, or wasi-test-runner told so.
pub fn runner_disables_exceptions(env: &Environment, runner: &[String]) -> Option<String> {
    let mut words = runner.iter();
    while let Some(word) = words.next() {
        let value = if word == "-W" {
            words.next().map(String::as_str)
        } else {
            word.strip_prefix("-W")
        };
        if value.is_some_and(|v| {
            v.split(',')
                .any(|item| item == "exceptions=n" || item == "exceptions=no")
        }) {
            return Some(format!(
                "the runner `{}` passes -W exceptions=n",
                runner.join(" ")
            ));
        }
    }
    let is_test_runner = runner
        .first()
        .and_then(|p| Path::new(p).file_name())
        .is_some_and(|n| n == "wasi-test-runner");
    (is_test_runner && env.var("WASI_TEST_RUNNER_EXCEPTIONS") == Some("n")).then(|| {
        "WASI_TEST_RUNNER_EXCEPTIONS=n turns wasi-test-runner's exceptions off".to_string()
    })
}

/// Judges the std's strategy against the flags and, for an unwinding std, the runner.
/// `std_has_tag`: the std's folder has [`TAG_ARCHIVE`], which the flags must then link.
pub fn judge_panic_strategy(
    std: StdPanic,
    std_has_tag: bool,
    flags: &Rustflags,
    runner_problem: Option<String>,
    target: Target,
) -> Finding {
    let id = "panic-strategy";
    let triple = target.triple();
    let asked = UnwindFlags::of(flags);
    let source = flags.source_text();
    match std {
        StdPanic::Abort if asked.panic_unwind => Finding::fail(
            id,
            format!(
                "{source} asks for -Cpanic=unwind, but the std for {triple} was built to abort on panic: every build fails with rustc's \"does not have the panic strategy `unwind`\""
            ),
            format!(
                "use {}, or drop -Cpanic=unwind from {source}",
                unwinding_toolchain(target)
            ),
        ),
        StdPanic::Abort => Finding::pass(
            id,
            format!("the std for {triple} and the flags abort on panic (WASI's default)"),
        ),
        StdPanic::Unwind => {
            let missing = asked.missing(std_has_tag);
            let tag = if std_has_tag {
                format!(" {TAG_FLAG}")
            } else {
                String::new()
            };
            let variable = target.cargo_var("RUSTFLAGS");
            if !missing.is_empty() {
                let hidden = if flags.source.as_deref() == Some("RUSTFLAGS") {
                    format!(" (RUSTFLAGS is set, so Cargo ignores {variable})")
                } else {
                    String::new()
                };
                return Finding::fail(
                    id,
                    format!(
                        "the std for {triple} is built to unwind (Wasm exception handling), but {source} lacks {}{hidden}: crates built without them do not match the std",
                        missing.join(", ")
                    ),
                    format!(
                        "use the unwinding shell's flags: export {variable}=\"{UNWIND_FLAGS}{tag}\" (devShells.unwind sets them), or a std built to abort"
                    ),
                );
            }
            match runner_problem {
                Some(problem) => Finding::fail(
                    id,
                    format!(
                        "the std and the flags unwind, but {problem}: unwinding components fail to load"
                    ),
                    "let Wasmtime run exceptions: drop -W exceptions=n (Wasmtime enables them by default from 47 on; wasi-test-runner passes -W exceptions=y for a binary with an exception tag)",
                ),
                None => Finding::pass(
                    id,
                    format!("the std for {triple} unwinds and {source} has {UNWIND_FLAGS}"),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
