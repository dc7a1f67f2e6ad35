//! The Rust toolchain: rustc (found, answering, recent enough), cargo, and rustc's std for the
//! target.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::finding::Finding;
use crate::fixes::{USE_THE_SHELL, std_fix};
use crate::output;
use crate::parse::{self, RustcInfo};
use crate::requirements::{MINIMUM_RUSTC, major_minor};
use crate::target::Target;

/// The compiler as found: where, what it says, its sysroot.
pub struct Rustc {
    pub path: PathBuf,
    pub info: RustcInfo,
    pub sysroot: PathBuf,
}

/// A program named by a variable (e.g. RUSTC), else found on PATH.
fn locate(env: &Environment, variable: &str, program: &str) -> Option<PathBuf> {
    match env.var(variable) {
        Some(named) => env.which(named),
        None => env.which(program),
    }
}

pub fn check_rustc(env: &Environment) -> (Finding, Option<Rustc>) {
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
        .and_then(|o| parse::rustc_info(&output::text(&o)).map_err(|e| e.to_string()));
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
    let finding = judge_rustc(&path, &info);
    (
        finding,
        Some(Rustc {
            path,
            info,
            sysroot,
        }),
    )
}

/// Judges what `rustc -vV` said: a release older than [`MINIMUM_RUSTC`] has no std for the
/// target. A release that is not a version number is let through: nightlies and local builds
/// name themselves freely.
pub fn judge_rustc(path: &Path, info: &RustcInfo) -> Finding {
    match parse::version_in(&info.release) {
        Ok(v) if v < MINIMUM_RUSTC => Finding::fail(
            "rustc",
            format!(
                "rustc {} is older than {}, the first with a wasm32-wasip2 std",
                info.release,
                major_minor(MINIMUM_RUSTC)
            ),
            format!("rustup update stable, {USE_THE_SHELL}"),
        ),
        _ => Finding::pass(
            "rustc",
            format!(
                "rustc {} ({}), host {}",
                info.release,
                path.display(),
                info.host
            ),
        ),
    }
}

pub fn check_cargo(env: &Environment) -> Finding {
    let Some(path) = locate(env, "CARGO", "cargo") else {
        return Finding::fail(
            "cargo",
            "no cargo on PATH (nor in CARGO)",
            format!("install Rust with rustup, {USE_THE_SHELL}"),
        );
    };
    match env.command(&path).arg("--version").output() {
        Ok(output) if output.status.success() => {
            Finding::pass("cargo", output::last_line(&output::text(&output)))
        }
        Ok(output) => Finding::fail(
            "cargo",
            format!(
                "{} --version: {}",
                path.display(),
                output::last_line(&output::text(&output))
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

/// Whether a folder holds a libstd: the target's std as the compiler would load it.
pub fn std_in(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

/// The folder rustc loads the target's std from.
pub fn target_libdir(env: &Environment, rustc: &Rustc, target: Target) -> PathBuf {
    env.command(&rustc.path)
        .args(["--print", "target-libdir", "--target", target.triple()])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| {
            rustc
                .sysroot
                .join("lib/rustlib")
                .join(target.triple())
                .join("lib")
        })
}

pub fn check_std(env: &Environment, rustc: Option<&Rustc>, target: Target) -> Finding {
    let id = target.std_id();
    let Some(rustc) = rustc else {
        return Finding::skip(id, "needs rustc");
    };
    let libdir = target_libdir(env, rustc, target);
    let triple = target.triple();
    if std_in(&libdir) {
        Finding::pass(id, format!("std for {triple} in {}", libdir.display()))
    } else {
        Finding::fail(
            id,
            format!(
                "rustc {} has no std for {triple} ({} has no libstd)",
                rustc.info.release,
                libdir.display()
            ),
            std_fix(target),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::scratch::Scratch;

    fn info(release: &str) -> RustcInfo {
        RustcInfo {
            release: release.into(),
            host: "x86_64-unknown-linux-gnu".into(),
        }
    }

    #[test]
    fn rustc_before_the_minimum_fails_naming_it() {
        let rustc = Path::new("/bin/rustc");
        let old = judge_rustc(rustc, &info("1.81.0"));
        assert_eq!(old.status, Status::Fail);
        assert!(old.detail.contains("older than 1.82"), "{}", old.detail);
        assert_eq!(judge_rustc(rustc, &info("1.82.0")).status, Status::Pass);
        assert_eq!(
            judge_rustc(rustc, &info("1.95.0-nightly")).status,
            Status::Pass
        );
    }

    #[test]
    fn finds_std_by_its_rlib() {
        let dir = Scratch::new("std");
        assert!(!std_in(dir.path()));
        std::fs::write(dir.path().join("libstd-0123abcd.rlib"), b"").expect("a file");
        assert!(std_in(dir.path()));
    }
}
