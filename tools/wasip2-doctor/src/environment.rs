//! The environment being diagnosed: its variables, working folder and program lookup. Every
//! command the doctor runs gets exactly these variables, so tests can diagnose made-up
//! environments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone)]
pub struct Environment {
    pub vars: BTreeMap<String, String>,
    pub cwd: PathBuf,
}

impl Environment {
    pub fn current() -> std::io::Result<Self> {
        Ok(Environment {
            vars: std::env::vars().collect(),
            cwd: std::env::current_dir()?,
        })
    }

    /// A variable's value, when it is set and not empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A program by name on PATH, or by path when it contains a slash.
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        if program.contains('/') {
            let path = self.cwd.join(program);
            return is_executable(&path).then_some(path);
        }
        std::env::split_paths(self.var("PATH")?)
            .map(|dir| dir.join(program))
            .find(|candidate| is_executable(candidate))
    }

    /// A command with exactly this environment's variables, run in its folder.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env_clear().envs(&self.vars).current_dir(&self.cwd);
        command
    }
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
