//! Finding Wasmtime and making sure it understands the command line the runner builds.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// `--dir HOST::GUEST` (a host folder under another name in the guest) arrived in Wasmtime 17.
pub const MINIMUM_MAJOR: u32 = 17;

/// `WASMTIME` when set, else `wasmtime` on `path`.
pub fn locate(from_env: Option<OsString>, path: Option<OsString>) -> Result<PathBuf> {
    if let Some(program) = from_env.filter(|p| !p.is_empty()) {
        let program = PathBuf::from(program);
        if !program.is_file() {
            bail!(
                "WASMTIME is set to {}, which is not a file: point it at a wasmtime binary (>= {MINIMUM_MAJOR}) or unset it to use the one on PATH",
                program.display()
            );
        }
        return Ok(program);
    }
    path.iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("wasmtime"))
        .find(|candidate| is_executable(candidate))
        .with_context(|| {
            format!(
                "wasmtime was not found on PATH: enter the project's dev shell (`nix develop`), install wasmtime >= {MINIMUM_MAJOR} (`cargo install --locked wasmtime-cli`), or set WASMTIME to its path"
            )
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The `major.minor.patch` in `wasmtime --version`'s answer (`wasmtime 48.0.8 (…)`, older ones
/// `wasmtime-cli 16.0.0`).
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    text.split_whitespace().find_map(|word| {
        let mut parts = word.split('.').map(|p| p.parse::<u32>().ok());
        match (parts.next()??, parts.next()??, parts.next()??) {
            (major, minor, patch) if parts.next().is_none() => Some((major, minor, patch)),
            _ => None,
        }
    })
}

/// Refuses a Wasmtime that is too old for the runner's arguments, naming the fix.
pub fn check_version(program: &Path) -> Result<(u32, u32, u32)> {
    let output = Command::new(program)
        .arg("--version")
        .output()
        .with_context(|| format!("running `{} --version`", program.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = parse_version(&text).with_context(|| {
        format!(
            "`{} --version` printed {:?}, not a version: is it Wasmtime?",
            program.display(),
            text.trim()
        )
    })?;
    if version.0 < MINIMUM_MAJOR {
        bail!(
            "{} is Wasmtime {}.{}.{}; the runner needs >= {MINIMUM_MAJOR} (for `--dir HOST::GUEST`): use the dev shell's, `cargo install --locked wasmtime-cli`, or set WASMTIME to a newer one",
            program.display(),
            version.0,
            version.1,
            version.2
        );
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_old_and_new_wasmtimes() {
        assert_eq!(
            parse_version("wasmtime 48.0.8 (1f6e2a1 2026-10-01)\n"),
            Some((48, 0, 8))
        );
        assert_eq!(parse_version("wasmtime-cli 16.0.0\n"), Some((16, 0, 0)));
        assert_eq!(parse_version("wasmtime 1.2\n"), None);
        assert_eq!(parse_version("command not found"), None);
    }

    #[test]
    fn a_missing_wasmtime_names_the_fix() {
        let error = locate(None, Some("/nonexistent-folder".into()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("wasmtime was not found on PATH"), "{error}");
        assert!(error.contains("set WASMTIME"), "{error}");
    }

    #[test]
    fn a_wasmtime_variable_that_names_nothing_is_refused() {
        let error = locate(Some("/nonexistent/wasmtime".into()), None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("WASMTIME is set to"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn an_old_wasmtime_is_refused_with_the_fix() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir()?;
        let dir = scratch.path().to_path_buf();
        let fake = dir.join("wasmtime");
        std::fs::write(&fake, "#!/bin/sh\necho 'wasmtime-cli 16.0.0'\n")?;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755))?;
        let found = locate(None, Some(dir.clone().into_os_string()))?;
        let error = check_version(&found)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("Wasmtime 16.0.0"), "{error}");
        assert!(error.contains(">= 17"), "{error}");
        Ok(())
    }
}
