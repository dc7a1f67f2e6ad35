//! What the runner grants a test binary, as Wasmtime arguments: a pure function of the host's
//! facts, so that every grant is visible and tested without Wasmtime.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// Everything the Wasmtime command line is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `CARGO_MANIFEST_DIR` of the package under test, preopened at its own absolute path so
    /// that paths built from `env!("CARGO_MANIFEST_DIR")` resolve in the guest.
    pub manifest_dir: Option<PathBuf>,
    /// The fresh temporary folder, preopened at its own path and named by `TMPDIR`.
    pub temp_dir: PathBuf,
    /// Names of host variables the guest sees (their values come from the host).
    pub forwarded: Vec<String>,
    /// Whether to enable Wasm exception handling (`-W exceptions=y`).
    pub exceptions: bool,
    /// The component or module to run, then its own arguments.
    pub wasm: OsString,
    pub args: Vec<OsString>,
}

/// Whether a host variable reaches the guest: the ones tests and libtest read, nothing else.
pub fn is_forwarded(name: &str) -> bool {
    name == "RUST_BACKTRACE"
        || name == "RUST_LOG"
        || name.starts_with("RUST_TEST_")
        || name.starts_with("CARGO_")
}

/// The forwarded names among `names`, sorted, so the command line does not depend on the order
/// of the host's environment. `TMPDIR` is never among them: the guest gets its own.
pub fn forwarded_names(names: impl IntoIterator<Item = OsString>) -> Vec<String> {
    let mut forwarded: Vec<String> = names
        .into_iter()
        .filter_map(|name| name.into_string().ok())
        .filter(|name| is_forwarded(name))
        .collect();
    forwarded.sort();
    forwarded.dedup();
    forwarded
}

/// `--dir PATH::PATH`: the host folder visible in the guest under the same absolute name.
fn same_path(dir: &Path) -> Result<OsString> {
    let text = dir.to_str().with_context(|| {
        format!(
            "{} is not UTF-8, so it cannot name a WASI preopen",
            dir.display()
        )
    })?;
    Ok(format!("{text}::{text}").into())
}

/// The arguments after `wasmtime`.
pub fn wasmtime_args(plan: &Plan) -> Result<Vec<OsString>> {
    let mut args: Vec<OsString> = vec!["run".into(), "-C".into(), "cache=n".into()];
    if plan.exceptions {
        args.extend(["-W".into(), "exceptions=y".into()]);
    }
    args.extend(["--dir".into(), ".".into()]);
    if let Some(manifest_dir) = &plan.manifest_dir {
        args.extend(["--dir".into(), same_path(manifest_dir)?]);
    }
    args.extend(["--dir".into(), same_path(&plan.temp_dir)?]);
    let temp = plan
        .temp_dir
        .to_str()
        .context("the temporary folder's path is not UTF-8")?;
    args.extend(["--env".into(), format!("TMPDIR={temp}").into()]);
    for name in &plan.forwarded {
        args.extend(["--env".into(), name.into()]);
    }
    args.push(plan.wasm.clone());
    args.extend(plan.args.iter().cloned());
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            manifest_dir: Some("/home/me/crate".into()),
            temp_dir: "/tmp/wasi-test-runner-7-0".into(),
            forwarded: vec!["CARGO_PKG_NAME".into(), "RUST_BACKTRACE".into()],
            exceptions: false,
            wasm: "target/wasm32-wasip2/debug/deps/crate-1234.wasm".into(),
            args: vec!["--exact".into(), "tests::one".into()],
        }
    }

    fn words(args: &[OsString]) -> Vec<&str> {
        args.iter()
            .map(|a| a.to_str().unwrap_or("<non-UTF-8>"))
            .collect()
    }

    #[test]
    fn grants_exactly_the_folders_and_variables_it_documents() -> Result<()> {
        let args = wasmtime_args(&plan())?;
        assert_eq!(
            words(&args),
            [
                "run",
                "-C",
                "cache=n",
                "--dir",
                ".",
                "--dir",
                "/home/me/crate::/home/me/crate",
                "--dir",
                "/tmp/wasi-test-runner-7-0::/tmp/wasi-test-runner-7-0",
                "--env",
                "TMPDIR=/tmp/wasi-test-runner-7-0",
                "--env",
                "CARGO_PKG_NAME",
                "--env",
                "RUST_BACKTRACE",
                "target/wasm32-wasip2/debug/deps/crate-1234.wasm",
                "--exact",
                "tests::one",
            ]
        );
        Ok(())
    }

    #[test]
    fn exceptions_come_before_the_module() -> Result<()> {
        let args = wasmtime_args(&Plan {
            exceptions: true,
            ..plan()
        })?;
        assert_eq!(
            words(&args)[..5],
            ["run", "-C", "cache=n", "-W", "exceptions=y"]
        );
        Ok(())
    }

    #[test]
    fn without_a_manifest_dir_only_the_working_and_temporary_folders() -> Result<()> {
        let args = wasmtime_args(&Plan {
            manifest_dir: None,
            ..plan()
        })?;
        let dirs: Vec<&str> = words(&args)
            .windows(2)
            .filter(|w| w[0] == "--dir")
            .map(|w| w[1])
            .collect();
        assert_eq!(
            dirs,
            [".", "/tmp/wasi-test-runner-7-0::/tmp/wasi-test-runner-7-0"]
        );
        Ok(())
    }

    #[test]
    fn the_module_and_its_arguments_come_last_untouched() -> Result<()> {
        let args = wasmtime_args(&Plan {
            args: vec!["--help".into(), "--dir".into()],
            ..plan()
        })?;
        assert_eq!(
            words(&args)[args.len() - 3..],
            [
                "target/wasm32-wasip2/debug/deps/crate-1234.wasm",
                "--help",
                "--dir"
            ]
        );
        Ok(())
    }

    #[test]
    fn forwards_test_variables_and_nothing_else() {
        let host = [
            "PATH",
            "HOME",
            "TMPDIR",
            "RUST_BACKTRACE",
            "RUST_LOG",
            "RUST_TEST_THREADS",
            "RUST_TEST_NOCAPTURE",
            "RUSTFLAGS",
            "RUST_BACKTRACEX",
            "CARGO_MANIFEST_DIR",
            "CARGO",
            "SSH_AUTH_SOCK",
            "AWS_SECRET_ACCESS_KEY",
            "RUST_LOG",
        ];
        assert_eq!(
            forwarded_names(host.iter().map(OsString::from)),
            [
                "CARGO_MANIFEST_DIR",
                "RUST_BACKTRACE",
                "RUST_LOG",
                "RUST_TEST_NOCAPTURE",
                "RUST_TEST_THREADS",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_refused_with_its_name() {
        use std::os::unix::ffi::OsStringExt;
        let odd = PathBuf::from(OsString::from_vec(b"/tmp/\xff".to_vec()));
        let error = wasmtime_args(&Plan {
            manifest_dir: Some(odd),
            ..plan()
        })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(error.contains("is not UTF-8"), "{error}");
    }
}
