//! The C half of the C probe: finding the target's C compiler and archiver (the cc crate's
//! variables, else the wasi-sdk's), and compiling a small C library with them; and the C++
//! probe, a small C++ program compiled and linked against the SDK's libc++.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::environment::Environment;
use crate::output::tail;
use crate::probe::projects::write;
use crate::target::Target;

/// The C compiler and archiver for the target: the cc crate's variables, else the SDK's.
pub fn c_tools(
    env: &Environment,
    sdk: Option<&Path>,
    target: Target,
) -> Option<(PathBuf, PathBuf)> {
    let cc = env
        .var(&target.var("CC"))
        .and_then(|cc| env.which(cc))
        .or_else(|| {
            sdk.map(|s| s.join(format!("bin/{}-clang", target.triple())))
                .filter(|p| p.exists())
        })?;
    let ar = env
        .var(&target.var("AR"))
        .and_then(|ar| env.which(ar))
        .or_else(|| sdk.map(|s| s.join("bin/llvm-ar")).filter(|p| p.exists()))
        .or_else(|| env.which("llvm-ar"))?;
    Some((cc, ar))
}

/// Compiles `libdoctorprobe.a` in `work` with CFLAGS_<target>; returns the folder to link from.
pub fn compile_c(
    env: &Environment,
    work: &Path,
    cc: &Path,
    ar: &Path,
    target: Target,
) -> Result<PathBuf, String> {
    let source = work.join("probe.c");
    write(
        &source,
        "#include <stdio.h>\nint doctor_probe_format(int value, char *out, unsigned long len) {\n  return snprintf(out, len, \"0x%x\", value);\n}\n",
    )
    .map_err(|e| e.to_string())?;
    let object = work.join("probe.o");
    let flags = env
        .var(&target.var("CFLAGS"))
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
pub fn run_tool(command: &mut Command, tool: &Path) -> Result<(), String> {
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

/// The C++ compiler for the target: CXX_<target>, else the SDK's `<triple>-clang++`.
pub fn cxx_tool(env: &Environment, sdk: Option<&Path>, target: Target) -> Option<PathBuf> {
    env.var(&target.var("CXX"))
        .and_then(|cxx| env.which(cxx))
        .or_else(|| {
            sdk.map(|s| s.join(format!("bin/{}-clang++", target.triple())))
                .filter(|p| p.exists())
        })
}

/// Compiles `libdoctorcxx.a` in `work` with CXXFLAGS_<target>: C++ that needs libc++'s
/// compiled part (`std::to_string`), which the Rust program then links, as the cc crate's C++
/// libraries are linked. Returns the folder to link from.
pub fn compile_cxx(
    env: &Environment,
    work: &Path,
    cxx: &Path,
    ar: &Path,
    target: Target,
) -> Result<PathBuf, String> {
    let source = work.join("probe.cpp");
    write(
        &source,
        "#include <string>\n#include <vector>\n\nextern \"C\" int doctor_probe_cxx_length(void) {\n  std::vector<std::string> words{\"wasip2\", \"doctor\", \"c++\"};\n  std::string joined;\n  for (const auto &word : words) joined += word;\n  joined += std::to_string(words.size());\n  return static_cast<int>(joined.size());\n}\n",
    )
    .map_err(|e| e.to_string())?;
    let object = work.join("probe-cxx.o");
    let flags = env
        .var(&target.var("CXXFLAGS"))
        .unwrap_or_default()
        .to_string();
    run_tool(
        env.command(cxx)
            .args(flags.split_whitespace())
            .arg("-c")
            .arg(&source)
            .arg("-o")
            .arg(&object),
        cxx,
    )?;
    run_tool(
        env.command(ar)
            .arg("rcs")
            .arg(work.join("libdoctorcxx.a"))
            .arg(&object),
        ar,
    )?;
    Ok(work.to_path_buf())
}
