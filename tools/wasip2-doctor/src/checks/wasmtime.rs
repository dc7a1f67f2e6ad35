//! The runtime: a Wasmtime on PATH recent enough to run the target's components.

use std::path::Path;

use crate::environment::Environment;
use crate::finding::Finding;
use crate::fixes::{USE_THE_SHELL, WASIP3_SHELL};
use crate::output;
use crate::parse::{self, Version};
use crate::requirements::{MINIMUM_WASMTIME, MINIMUM_WASMTIME_WASIP3};
use crate::target::Target;

/// The oldest Wasmtime that runs the target's components, what it lacks below that, and where
/// the flake has one.
fn minimum(target: Target) -> (Version, &'static str, String) {
    match target {
        Target::Wasip2 => (
            MINIMUM_WASMTIME,
            "to run components",
            USE_THE_SHELL.to_string(),
        ),
        Target::Wasip3 => (
            MINIMUM_WASMTIME_WASIP3,
            "to run wasm32-wasip3 programs (it has no WASI 0.3.0)",
            format!(
                "or use the flake's wasip3 shell ({WASIP3_SHELL}), whose Wasmtime is packages.wasmtime-p3"
            ),
        ),
    }
}

/// Judges a `wasmtime --version` line for a target.
pub fn judge_wasmtime(path: &Path, version_text: &str, target: Target) -> Finding {
    let (needed, lacking, shell) = minimum(target);
    match parse::version_in(version_text) {
        Ok(version) if version >= needed => Finding::pass(
            "wasmtime",
            format!("wasmtime {version} ({})", path.display()),
        ),
        Ok(version) => Finding::fail(
            "wasmtime",
            format!(
                "wasmtime {version} ({}) is too old {lacking}",
                path.display()
            ),
            format!("install wasmtime >= {needed} (https://wasmtime.dev), {shell}"),
        ),
        Err(error) => Finding::fail(
            "wasmtime",
            format!("{}: {error}", path.display()),
            "reinstall wasmtime (https://wasmtime.dev)",
        ),
    }
}

pub fn check_wasmtime(env: &Environment, target: Target) -> Finding {
    let Some(path) = env.which("wasmtime") else {
        let (needed, _, shell) = minimum(target);
        return Finding::fail(
            "wasmtime",
            "no wasmtime on PATH",
            format!("install wasmtime >= {needed} (https://wasmtime.dev), {shell}"),
        );
    };
    let text = env
        .command(&path)
        .arg("--version")
        .output()
        .map(|o| output::text(&o))
        .unwrap_or_default();
    judge_wasmtime(&path, &text, target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn wasmtime_below_the_minimum_fails_with_the_fix() {
        let wasmtime = Path::new("/bin/wasmtime");
        let old = judge_wasmtime(wasmtime, "wasmtime-cli 16.0.0", Target::Wasip2);
        assert_eq!(old.status, Status::Fail);
        assert!(old.fix.as_deref().is_some_and(|f| f.contains(">= 17.0.0")));
        let new = judge_wasmtime(wasmtime, "wasmtime 45.0.2 (abc 2026-06-15)", Target::Wasip2);
        assert_eq!(new.status, Status::Pass);
        assert_eq!(
            judge_wasmtime(wasmtime, "wasmtime 17.0.0", Target::Wasip2).status,
            Status::Pass
        );
    }

    #[test]
    fn wasip3_needs_the_wasmtime_with_wasi_0_3_0() {
        let wasmtime = Path::new("/bin/wasmtime");
        let pinned = judge_wasmtime(wasmtime, "wasmtime 45.0.2 (abc 2026-06-15)", Target::Wasip3);
        assert_eq!(pinned.status, Status::Fail);
        assert!(pinned.detail.contains("WASI 0.3.0"), "{}", pinned.detail);
        assert!(
            pinned
                .fix
                .as_deref()
                .is_some_and(|f| f.contains(">= 46.0.0") && f.contains("wasmtime-p3")),
            "{:?}",
            pinned.fix
        );
        assert_eq!(
            judge_wasmtime(wasmtime, "wasmtime 46.0.0", Target::Wasip3).status,
            Status::Pass
        );
    }
}
