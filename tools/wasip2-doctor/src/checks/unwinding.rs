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
                    "let Wasmtime run exceptions: drop -W exceptions=n (Wasmtime 48 enables them by default; wasi-test-runner passes -W exceptions=y for a binary with an exception tag)",
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
mod tests {
    use super::*;
    use crate::finding::Status;

    fn flags(text: &str) -> Rustflags {
        Rustflags {
            words: text.split_whitespace().map(str::to_string).collect(),
            source: Some("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS".into()),
        }
    }

    const SHELL: &str = "-C link-arg=-lc++abi";

    #[test]
    fn the_probe_reads_rustc_refusing_unwind_as_an_aborting_std() {
        assert_eq!(classify_probe(true, ""), Ok(StdPanic::Unwind));
        let refusal = "error: the crate `panic_unwind` does not have the panic strategy `unwind`\n\nerror: aborting due to 1 previous error\n";
        assert_eq!(classify_probe(false, refusal), Ok(StdPanic::Abort));
        let older = "error: the crate `std` is compiled with the panic strategy `abort` which is incompatible with this crate's strategy of `unwind`";
        assert_eq!(classify_probe(false, older), Ok(StdPanic::Abort));
        let other = classify_probe(false, "error[E0463]: can't find crate for `std`\n");
        assert!(other.is_err_and(|e| e.contains("can't find crate")));
    }

    #[test]
    fn the_tag_archive_is_found_beside_the_std_or_in_self_contained() {
        let dir = crate::scratch::Scratch::new("tag");
        assert!(!has_tag_archive(dir.path()));
        let nested = dir.path().join("self-contained");
        std::fs::create_dir_all(&nested).expect("a folder");
        std::fs::write(nested.join(TAG_ARCHIVE), b"").expect("a file");
        assert!(has_tag_archive(dir.path()));
    }

    #[test]
    fn reads_the_unwinding_flags_in_either_spelling() {
        let all = UnwindFlags::of(&flags(&format!("{SHELL} {UNWIND_FLAGS}")));
        assert!(all.missing(false).is_empty(), "{all:?}");
        assert_eq!(all.missing(true), [TAG_FLAG]);
        let spaced = UnwindFlags::of(&flags(
            "-C panic=unwind -C target-feature=+simd128,+exception-handling -C llvm-args=-wasm-use-legacy-eh=false",
        ));
        assert!(spaced.missing(false).is_empty(), "{spaced:?}");
        let overridden = UnwindFlags::of(&flags("-Cpanic=unwind -Cpanic=abort"));
        assert!(!overridden.panic_unwind);
        assert_eq!(UnwindFlags::of(&flags(SHELL)).missing(false).len(), 3);
        let tagged = UnwindFlags::of(&flags(&format!("{UNWIND_FLAGS} {TAG_FLAG}")));
        assert!(tagged.missing(true).is_empty(), "{tagged:?}");
    }

    #[test]
    fn unwinding_flags_with_an_aborting_std_fail_naming_the_unwinding_toolchain() {
        let finding = judge_panic_strategy(
            StdPanic::Abort,
            false,
            &flags(&format!("{SHELL} -Cpanic=unwind")),
            None,
            Target::Wasip2,
        );
        assert_eq!(finding.status, Status::Fail);
        let fix = finding.fix.expect("a fix");
        assert!(
            fix.contains("rust-std-wasip2-unwind") && fix.contains("drop -Cpanic=unwind"),
            "{fix}"
        );
        assert_eq!(
            judge_panic_strategy(StdPanic::Abort, false, &flags(SHELL), None, Target::Wasip2)
                .status,
            Status::Pass
        );
    }

    #[test]
    fn an_unwinding_std_without_the_flags_fails_naming_the_shells_flags() {
        let finding =
            judge_panic_strategy(StdPanic::Unwind, false, &flags(SHELL), None, Target::Wasip2);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.detail.contains("-Cpanic=unwind"),
            "{}",
            finding.detail
        );
        assert!(
            finding
                .fix
                .as_deref()
                .is_some_and(|f| f.contains(UNWIND_FLAGS))
        );
        // Only the panic strategy: the exception-handling features are still missing.
        let partial = judge_panic_strategy(
            StdPanic::Unwind,
            false,
            &flags("-Cpanic=unwind"),
            None,
            Target::Wasip2,
        );
        assert!(
            partial.detail.contains("+exception-handling")
                && !partial.detail.contains("lacks -Cpanic"),
            "{}",
            partial.detail
        );
        // RUSTFLAGS hides the target's flags, and the finding says so.
        let hidden = Rustflags {
            words: vec!["-g".into()],
            source: Some("RUSTFLAGS".into()),
        };
        let finding = judge_panic_strategy(StdPanic::Unwind, false, &hidden, None, Target::Wasip2);
        assert!(
            finding
                .detail
                .contains("Cargo ignores CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"),
            "{}",
            finding.detail
        );
        // The std has the tag's archive: the flags must link it too.
        let untagged = judge_panic_strategy(
            StdPanic::Unwind,
            true,
            &flags(UNWIND_FLAGS),
            None,
            Target::Wasip2,
        );
        assert_eq!(untagged.status, Status::Fail);
        assert!(untagged.detail.contains(TAG_FLAG), "{}", untagged.detail);
        assert!(
            untagged
                .fix
                .as_deref()
                .is_some_and(|f| f.contains(TAG_FLAG))
        );
        let tagged = flags(&format!("{UNWIND_FLAGS} {TAG_FLAG}"));
        assert_eq!(
            judge_panic_strategy(StdPanic::Unwind, true, &tagged, None, Target::Wasip2).status,
            Status::Pass
        );
        let agreed = flags(&format!("{SHELL} {UNWIND_FLAGS}"));
        assert_eq!(
            judge_panic_strategy(StdPanic::Unwind, false, &agreed, None, Target::Wasip2).status,
            Status::Pass
        );
    }

    #[test]
    fn a_runner_without_exceptions_fails_an_unwinding_setup() {
        let env = Environment {
            vars: Default::default(),
            cwd: "/".into(),
        };
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert!(
            runner_disables_exceptions(&env, &words("wasmtime run -C cache=n --dir .")).is_none()
        );
        assert!(
            runner_disables_exceptions(&env, &words("wasmtime run -W exceptions=n --dir ."))
                .is_some()
        );
        assert!(
            runner_disables_exceptions(&env, &words("wasmtime run -Wgc=y,exceptions=n")).is_some()
        );
        let mut told = env.clone();
        told.vars
            .insert("WASI_TEST_RUNNER_EXCEPTIONS".into(), "n".into());
        assert!(runner_disables_exceptions(&told, &words("/bin/wasi-test-runner")).is_some());
        let agreed = flags(UNWIND_FLAGS);
        let finding = judge_panic_strategy(
            StdPanic::Unwind,
            false,
            &agreed,
            runner_disables_exceptions(&told, &words("/bin/wasi-test-runner")),
            Target::Wasip2,
        );
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("exceptions"))
        );
    }
}
