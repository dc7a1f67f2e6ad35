//! The C half of the C probe: finding the target's C compiler and archiver (the cc crate's
//! variables, else the wasi-sdk's), and compiling a small C library with them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::environment::Environment;
use crate::output::tail;
use crate::probe::projects::write;

/// The C compiler and archiver for the target: the cc crate's variables, else the SDK's.
pub fn c_tools(env: &Environment, sdk: Option<&Path>) -> Option<(PathBuf, PathBuf)> {
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

/// Compiles `libdoctorprobe.a` in `work` with CFLAGS_wasm32_wasip2; returns the folder to link
/// from.
pub fn compile_c(env: &Environment, work: &Path, cc: &Path, ar: &Path) -> Result<PathBuf, String> {
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
