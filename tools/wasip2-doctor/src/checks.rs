//! The checks, in the order a wasip2 build needs their subjects: compiler, std, linkers, runtime,
//! C toolchain, runner, then live probes that build and run real programs.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::environment::{Environment, is_executable};
use crate::finding::{Finding, Status};
use crate::parse::{self, RustcInfo, Version, WasmKind};

pub const TARGET: &str = "wasm32-wasip2";
/// Wasmtime runs wasip2 components from this release on.
pub const MINIMUM_WASMTIME: Version = Version {
    major: 17,
    minor: 0,
    patch: 0,
};
const USE_THE_SHELL: &str =
    "or enter the flake's shell: nix develop github:wasip2-flake/wasip2-flake";

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Skip the live probes (building and running programs).
    pub quick: bool,
}

/// The compiler as found: where, what it says, its sysroot.
struct Rustc {
    path: PathBuf,
    info: RustcInfo,
    sysroot: PathBuf,
}

fn output_text(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// A program named by a variable (e.g. RUSTC), else found on PATH.
fn locate(env: &Environment, variable: &str, program: &str) -> Option<PathBuf> {
    match env.var(variable) {
        Some(named) => env.which(named),
        None => env.which(program),
    }
}

fn check_rustc(env: &Environment) -> (Finding, Option<Rustc>) {
    let Some(path) = locate(env, "RUSTC", "rustc") else {
        return (
            Finding::fail(
                "rustc",
                "no rustc on PATH (nor in RUSTC)",
                format!("install Rust with rustup (https://rustup.rs), {USE_THE_SHELL}"),
            ),
            None,
        );
    };
    let found = env
        .command(&path)
        .arg("-vV")
        .output()
        .map_err(|e| e.to_string())
        .and_then(|o| parse::rustc_info(&output_text(&o)).map_err(|e| e.to_string()));
    let info = match found {
        Ok(info) => info,
        Err(error) => {
            return (
                Finding::fail(
                    "rustc",
                    format!("{} -vV: {error}", path.display()),
                    "repair or reinstall the toolchain (rustup toolchain install stable)",
                ),
                None,
            );
        }
    };
    let sysroot = env
        .command(&path)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let Some(sysroot) = sysroot else {
        return (
            Finding::fail(
                "rustc",
                format!("{} --print sysroot failed", path.display()),
                "repair or reinstall the toolchain",
            ),
            None,
        );
    };
    let release = parse::version_in(&info.release).ok();
    let finding = match release {
        Some(v)
            if v < (Version {
                major: 1,
                minor: 82,
                patch: 0,
            }) =>
        {
            Finding::fail(
                "rustc",
                format!(
                    "rustc {} is older than 1.82, the first with a wasm32-wasip2 std",
                    info.release
                ),
                format!("rustup update stable, {USE_THE_SHELL}"),
            )
        }
        _ => Finding::pass(
            "rustc",
            format!(
                "rustc {} ({}), host {}",
                info.release,
                path.display(),
                info.host
            ),
        ),
    };
    (
        finding,
        Some(Rustc {
            path,
            info,
            sysroot,
        }),
    )
}

fn check_cargo(env: &Environment) -> Finding {
    let Some(path) = locate(env, "CARGO", "cargo") else {
        return Finding::fail(
            "cargo",
            "no cargo on PATH (nor in CARGO)",
            format!("install Rust with rustup, {USE_THE_SHELL}"),
        );
    };
    match env.command(&path).arg("--version").output() {
        Ok(output) if output.status.success() => {
            Finding::pass("cargo", last_line(&output_text(&output)))
        }
        Ok(output) => Finding::fail(
            "cargo",
            format!(
                "{} --version: {}",
                path.display(),
                last_line(&output_text(&output))
            ),
            "repair or reinstall the toolchain",
        ),
        Err(error) => Finding::fail(
            "cargo",
            format!("{}: {error}", path.display()),
            "repair or reinstall the toolchain",
        ),
    }
}

/// The folder of the target's std as the compiler sees it, and whether a libstd is there.
pub fn std_in(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

fn check_std(env: &Environment, rustc: Option<&Rustc>) -> Finding {
    let Some(rustc) = rustc else {
        return Finding::skip("wasip2-std", "needs rustc");
    };
    let libdir = env
        .command(&rustc.path)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| rustc.sysroot.join("lib/rustlib").join(TARGET).join("lib"));
    if std_in(&libdir) {
        Finding::pass(
            "wasip2-std",
            format!("std for {TARGET} in {}", libdir.display()),
        )
    } else {
        Finding::fail(
            "wasip2-std",
            format!(
                "rustc {} has no std for {TARGET} ({} has no libstd)",
                rustc.info.release,
                libdir.display()
            ),
            format!("rustup target add {TARGET} (for the toolchain in use), {USE_THE_SHELL}"),
        )
    }
}

/// Where rustc lets the linker look besides PATH: `<sysroot>/lib/rustlib/<host>/bin`.
fn sysroot_bin(rustc: &Rustc) -> PathBuf {
    rustc
        .sysroot
        .join("lib/rustlib")
        .join(&rustc.info.host)
        .join("bin")
}

fn find_tool(env: &Environment, rustc: Option<&Rustc>, names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|name| {
        env.which(name).or_else(|| {
            let candidate = sysroot_bin(rustc?).join(name);
            is_executable(&candidate).then_some(candidate)
        })
    })
}

fn check_linkers(env: &Environment, rustc: Option<&Rustc>) -> [Finding; 2] {
    let component_ld = match find_tool(env, rustc, &["wasm-component-ld"]) {
        Some(path) => Finding::pass("wasm-component-ld", path.display().to_string()),
        None => Finding::fail(
            "wasm-component-ld",
            "not on PATH nor in the toolchain's lib/rustlib/<host>/bin; wasm32-wasip2 links with it",
            format!(
                "use a rustup toolchain >= 1.82 (it ships it) or `cargo install wasm-component-ld`, {USE_THE_SHELL}"
            ),
        ),
    };
    let lld = match find_tool(env, rustc, &["wasm-ld", "rust-lld"]) {
        Some(path) => Finding::pass("wasm-ld", path.display().to_string()),
        None => Finding::fail(
            "wasm-ld",
            "neither wasm-ld nor rust-lld on PATH or in the toolchain; wasm-component-ld needs one",
            format!("install LLD (e.g. apt install lld, brew install lld), {USE_THE_SHELL}"),
        ),
    };
    [component_ld, lld]
}

/// Judges a `wasmtime --version` line.
pub fn judge_wasmtime(path: &Path, version_text: &str) -> Finding {
    match parse::version_in(version_text) {
        Ok(version) if version >= MINIMUM_WASMTIME => Finding::pass(
            "wasmtime",
            format!("wasmtime {version} ({})", path.display()),
        ),
        Ok(version) => Finding::fail(
            "wasmtime",
            format!(
                "wasmtime {version} ({}) is too old to run components",
                path.display()
            ),
            format!(
                "install wasmtime >= {MINIMUM_WASMTIME} (https://wasmtime.dev), {USE_THE_SHELL}"
            ),
        ),
        Err(error) => Finding::fail(
            "wasmtime",
            format!("{}: {error}", path.display()),
            "reinstall wasmtime (https://wasmtime.dev)",
        ),
    }
}

fn check_wasmtime(env: &Environment) -> (Finding, Option<PathBuf>) {
    let Some(path) = env.which("wasmtime") else {
        return (
            Finding::fail(
                "wasmtime",
                "no wasmtime on PATH",
                format!(
                    "install wasmtime >= {MINIMUM_WASMTIME} (https://wasmtime.dev), {USE_THE_SHELL}"
                ),
            ),
            None,
        );
    };
    let text = env
        .command(&path)
        .arg("--version")
        .output()
        .map(|o| output_text(&o))
        .unwrap_or_default();
    let finding = judge_wasmtime(&path, &text);
    let usable = finding.status == Status::Pass;
    (finding, usable.then_some(path))
}

/// The files a wasi-sdk must have for wasip2, relative to its root.
pub const SDK_FILES: &[&str] = &[
    "bin/clang",
    "bin/wasm32-wasip2-clang",
    "share/wasi-sysroot/lib/wasm32-wasip2/libc.a",
    "share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o",
];

pub fn judge_sdk(sdk: Option<&Path>) -> Finding {
    let Some(sdk) = sdk else {
        return Finding::warn(
            "wasi-sdk",
            "WASI_SDK_PATH is not set: crates with C code (the cc crate) have no compiler for wasm32-wasip2",
            format!(
                "install wasi-sdk >= 22 and export WASI_SDK_PATH=<its folder>, {USE_THE_SHELL}"
            ),
        );
    };
    let missing: Vec<&str> = SDK_FILES
        .iter()
        .copied()
        .filter(|file| !sdk.join(file).exists())
        .collect();
    if missing.is_empty() {
        Finding::pass(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH={} has clang and the wasip2 sysroot",
                sdk.display()
            ),
        )
    } else {
        Finding::fail(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH={} lacks {}",
                sdk.display(),
                missing.join(", ")
            ),
            format!(
                "point WASI_SDK_PATH at a wasi-sdk >= 22 (it has share/wasi-sysroot/lib/wasm32-wasip2), {USE_THE_SHELL}"
            ),
        )
    }
}

/// The cc crate's variables for the target, judged against WASI_SDK_PATH.
pub fn judge_cc_variables(
    cc: Option<&str>,
    ar: Option<&str>,
    cflags: Option<&str>,
    sdk: Option<&Path>,
) -> Finding {
    let id = "cc-variables";
    let Some(cc) = cc else {
        let fix = match sdk {
            Some(sdk) => format!(
                "export CC_wasm32_wasip2={0}/bin/wasm32-wasip2-clang AR_wasm32_wasip2={0}/bin/llvm-ar",
                sdk.display()
            ),
            None => format!(
                "set WASI_SDK_PATH, then CC_wasm32_wasip2 and AR_wasm32_wasip2 from it; {USE_THE_SHELL}"
            ),
        };
        return Finding::warn(
            id,
            "CC_wasm32_wasip2 is not set: the cc crate may pick a compiler that cannot target wasm32-wasip2",
            fix,
        );
    };
    let mut problems = Vec::new();
    for (name, value) in [("CC_wasm32_wasip2", Some(cc)), ("AR_wasm32_wasip2", ar)] {
        match value {
            Some(value) if !Path::new(value).exists() => {
                problems.push(format!("{name}={value} does not exist"))
            }
            Some(value) => {
                if let Some(sdk) = sdk
                    && !Path::new(value).starts_with(sdk)
                {
                    problems.push(format!("{name}={value} is not in WASI_SDK_PATH"));
                }
            }
            None => problems.push(format!("{name} is not set")),
        }
    }
    if let (Some(flags), Some(sdk)) = (cflags, sdk) {
        let expected = sdk.join("share/wasi-sysroot");
        if let Some(sysroot) = flags
            .split_whitespace()
            .find_map(|f| f.strip_prefix("--sysroot="))
            && Path::new(sysroot) != expected
        {
            problems.push(format!(
                "CFLAGS_wasm32_wasip2 uses --sysroot={sysroot}, not {}",
                expected.display()
            ));
        }
    }
    if problems.is_empty() {
        Finding::pass(id, format!("CC_wasm32_wasip2={cc}"))
    } else {
        let sdk_text = sdk.map_or("<wasi-sdk>".to_string(), |s| s.display().to_string());
        Finding::fail(
            id,
            problems.join("; "),
            format!(
                "export CC_wasm32_wasip2={sdk_text}/bin/wasm32-wasip2-clang AR_wasm32_wasip2={sdk_text}/bin/llvm-ar CFLAGS_wasm32_wasip2=--sysroot={sdk_text}/share/wasi-sysroot"
            ),
        )
    }
}

/// Where the runner for the target comes from: the environment, else the nearest
/// `.cargo/config.toml` (Cargo's own order: the variable wins over files).
pub fn find_runner(env: &Environment) -> Result<Option<(String, String)>, String> {
    if let Some(runner) = env.var("CARGO_TARGET_WASM32_WASIP2_RUNNER") {
        return Ok(Some((
            runner.to_string(),
            "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
        )));
    }
    let mut files: Vec<PathBuf> = env
        .cwd
        .ancestors()
        .flat_map(|dir| [dir.join(".cargo/config.toml"), dir.join(".cargo/config")])
        .collect();
    if let Some(home) = env
        .var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env.var("HOME").map(|h| Path::new(h).join(".cargo")))
    {
        files.push(home.join("config.toml"));
    }
    for file in files.iter().filter(|f| f.is_file()) {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        match parse::runner_in_cargo_config(&text) {
            Ok(Some(runner)) => return Ok(Some((runner, file.display().to_string()))),
            Ok(None) => {}
            Err(error) => return Err(format!("{}: {error}", file.display())),
        }
    }
    Ok(None)
}

fn check_runner(env: &Environment) -> (Finding, Option<Vec<String>>) {
    let fix = "export CARGO_TARGET_WASM32_WASIP2_RUNNER=\"wasmtime run --dir .\" or add `[target.wasm32-wasip2] runner = \"wasmtime run --dir .\"` to .cargo/config.toml";
    match find_runner(env) {
        Ok(Some((runner, source))) => {
            let words: Vec<String> = runner.split_whitespace().map(str::to_string).collect();
            match words.first().map(|program| (program, env.which(program))) {
                Some((_, Some(_))) => (
                    Finding::pass("runner", format!("`{runner}` (from {source})")),
                    Some(words),
                ),
                Some((program, None)) => (
                    Finding::fail(
                        "runner",
                        format!("`{runner}` (from {source}): {program} is not found"),
                        format!("install {program} or change the runner; {fix}"),
                    ),
                    None,
                ),
                None => (
                    Finding::fail("runner", format!("the runner from {source} is empty"), fix),
                    None,
                ),
            }
        }
        Ok(None) => (
            Finding::fail(
                "runner",
                "no runner for wasm32-wasip2: `cargo run` and `cargo test` cannot start the programs they build",
                fix,
            ),
            None,
        ),
        Err(error) => (
            Finding::fail("runner", error, "fix the Cargo configuration file"),
            None,
        ),
    }
}

/// Everything the doctor checks, in order.
pub fn diagnose(env: &Environment, options: Options) -> Vec<Finding> {
    let (rustc_finding, rustc) = check_rustc(env);
    let cargo = check_cargo(env);
    let std = check_std(env, rustc.as_ref());
    let [component_ld, lld] = check_linkers(env, rustc.as_ref());
    let (wasmtime, _) = check_wasmtime(env);
    let sdk = env.var("WASI_SDK_PATH").map(PathBuf::from);
    let sdk_finding = judge_sdk(sdk.as_deref());
    let cc = judge_cc_variables(
        env.var("CC_wasm32_wasip2"),
        env.var("AR_wasm32_wasip2"),
        env.var("CFLAGS_wasm32_wasip2"),
        sdk.as_deref(),
    );
    let (runner_finding, runner) = check_runner(env);

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
        for id in ["probe-build", "probe-run", "probe-c"] {
            findings.push(Finding::skip(id, "--quick"));
        }
        return findings;
    }
    findings.extend(crate::probe::run(
        env,
        can_build,
        runner.as_deref(),
        sdk.as_deref(),
    ));
    findings
}

/// The built file's kind, as a finding about the build probe.
pub fn judge_built_wasm(path: &Path) -> Finding {
    match std::fs::read(path).map(|bytes| parse::wasm_kind(&bytes)) {
        Ok(WasmKind::Component) => Finding::pass(
            "probe-build",
            format!("hello world built as a component ({})", path.display()),
        ),
        Ok(WasmKind::CoreModule) => Finding::fail(
            "probe-build",
            format!("{} is a core module, not a component", path.display()),
            "the linker is not wasm-component-ld: remove a linker override for wasm32-wasip2 (CARGO_TARGET_WASM32_WASIP2_LINKER, .cargo/config.toml)",
        ),
        Ok(WasmKind::NotWasm) => Finding::fail(
            "probe-build",
            format!("{} is not WebAssembly", path.display()),
            "check the target's linker settings",
        ),
        Err(error) => Finding::fail(
            "probe-build",
            format!("{}: {error}", path.display()),
            "see the cargo output above",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("wasip2-doctor-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    }

    fn touch(root: &Path, file: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, b"").expect("a file");
    }

    #[test]
    fn wasmtime_below_17_fails_with_the_fix() {
        let old = judge_wasmtime(Path::new("/bin/wasmtime"), "wasmtime-cli 16.0.0");
        assert_eq!(old.status, Status::Fail);
        assert!(old.fix.as_deref().is_some_and(|f| f.contains(">= 17.0.0")));
        let new = judge_wasmtime(
            Path::new("/bin/wasmtime"),
            "wasmtime 48.0.8 (abc 2026-05-20)",
        );
        assert_eq!(new.status, Status::Pass);
    }

    #[test]
    fn sdk_without_the_wasip2_sysroot_fails_naming_the_files() {
        let sdk = temp_dir("sdk");
        touch(&sdk, "bin/clang");
        touch(&sdk, "bin/wasm32-wasip2-clang");
        touch(&sdk, "share/wasi-sysroot/lib/wasm32-wasip1/libc.a");
        let finding = judge_sdk(Some(&sdk));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.detail.contains("lib/wasm32-wasip2/libc.a"),
            "{}",
            finding.detail
        );
        touch(&sdk, "share/wasi-sysroot/lib/wasm32-wasip2/libc.a");
        touch(&sdk, "share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o");
        assert_eq!(judge_sdk(Some(&sdk)).status, Status::Pass);
        assert_eq!(judge_sdk(None).status, Status::Warn);
    }

    #[test]
    fn cc_variables_must_agree_with_the_sdk() {
        let sdk = temp_dir("cc");
        touch(&sdk, "bin/wasm32-wasip2-clang");
        touch(&sdk, "bin/llvm-ar");
        let cc = sdk.join("bin/wasm32-wasip2-clang");
        let ar = sdk.join("bin/llvm-ar");
        let (cc, ar) = (cc.to_str().expect("utf-8"), ar.to_str().expect("utf-8"));
        let good_flags = format!("--sysroot={}/share/wasi-sysroot", sdk.display());
        assert_eq!(
            judge_cc_variables(Some(cc), Some(ar), Some(&good_flags), Some(&sdk)).status,
            Status::Pass
        );
        let host = judge_cc_variables(
            Some("/usr/bin/gcc-does-not-exist"),
            Some(ar),
            None,
            Some(&sdk),
        );
        assert_eq!(host.status, Status::Fail);
        assert!(
            host.fix
                .as_deref()
                .is_some_and(|f| f.contains("wasm32-wasip2-clang"))
        );
        let wrong_sysroot =
            judge_cc_variables(Some(cc), Some(ar), Some("--sysroot=/elsewhere"), Some(&sdk));
        assert!(
            wrong_sysroot.detail.contains("--sysroot=/elsewhere"),
            "{}",
            wrong_sysroot.detail
        );
        assert_eq!(
            judge_cc_variables(None, None, None, Some(&sdk)).status,
            Status::Warn
        );
    }

    #[test]
    fn the_runner_variable_wins_over_config_files() {
        let project = temp_dir("runner");
        touch(&project, ".cargo/config.toml");
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[target.wasm32-wasip2]\nrunner = \"wasmtime run --dir .\"\n",
        )
        .expect("config");
        let nested = project.join("src/deep");
        std::fs::create_dir_all(&nested).expect("folders");
        let mut env = Environment {
            vars: [(
                "HOME".to_string(),
                project.join("home").display().to_string(),
            )]
            .into(),
            cwd: nested,
        };
        let (runner, source) = find_runner(&env).expect("readable").expect("found");
        assert_eq!(runner, "wasmtime run --dir .");
        assert!(source.ends_with(".cargo/config.toml"));
        env.vars.insert(
            "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
            "other run".into(),
        );
        assert_eq!(
            find_runner(&env).expect("readable").map(|r| r.0),
            Some("other run".into())
        );
        env.vars.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
        std::fs::write(project.join(".cargo/config.toml"), "[build]\njobs = 1\n").expect("config");
        assert_eq!(find_runner(&env).expect("readable"), None);
    }

    #[test]
    fn a_core_module_is_not_accepted_as_the_build() {
        let dir = temp_dir("kind");
        std::fs::write(dir.join("core.wasm"), b"\0asm\x01\0\0\0").expect("file");
        std::fs::write(dir.join("component.wasm"), b"\0asm\x0d\0\x01\0").expect("file");
        assert_eq!(
            judge_built_wasm(&dir.join("core.wasm")).status,
            Status::Fail
        );
        assert_eq!(
            judge_built_wasm(&dir.join("component.wasm")).status,
            Status::Pass
        );
    }

    #[test]
    fn finds_std_by_its_rlib() {
        let dir = temp_dir("std");
        assert!(!std_in(&dir));
        touch(&dir, "libstd-0123abcd.rlib");
        assert!(std_in(&dir));
    }
}
