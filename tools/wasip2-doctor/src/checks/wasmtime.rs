//! The runtime: a Wasmtime on PATH recent enough to run components.

use std::path::Path;

use crate::environment::Environment;
use crate::finding::Finding;
use crate::output;
use crate::parse;
use crate::requirements::{MINIMUM_WASMTIME, USE_THE_SHELL};

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

pub fn check_wasmtime(env: &Environment) -> Finding {
    let Some(path) = env.which("wasmtime") else {
        return Finding::fail(
            "wasmtime",
            "no wasmtime on PATH",
            format!(
                "install wasmtime >= {MINIMUM_WASMTIME} (https://wasmtime.dev), {USE_THE_SHELL}"
            ),
        );
    };
    let text = env
        .command(&path)
        .arg("--version")
        .output()
        .map(|o| output::text(&o))
        .unwrap_or_default();
    judge_wasmtime(&path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn wasmtime_below_the_minimum_fails_with_the_fix() {
        let old = judge_wasmtime(Path::new("/bin/wasmtime"), "wasmtime-cli 16.0.0");
        assert_eq!(old.status, Status::Fail);
        assert!(old.fix.as_deref().is_some_and(|f| f.contains(">= 17.0.0")));
        let new = judge_wasmtime(
            Path::new("/bin/wasmtime"),
            "wasmtime 48.0.8 (abc 2026-05-20)",
        );
        assert_eq!(new.status, Status::Pass);
        assert_eq!(
            judge_wasmtime(Path::new("/bin/wasmtime"), "wasmtime 17.0.0").status,
            Status::Pass
        );
    }
}
