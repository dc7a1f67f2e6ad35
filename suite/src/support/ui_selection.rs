//! UI-test selections: the paths a selection file names, and the run-pass tests among them.

use std::path::Path;

use anyhow::{Context as _, Result};

pub fn read_selection(file: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split('#').next())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The run-pass tests among the selected paths: those compile to a component that wasmtime runs.
pub fn run_pass_tests(source: &Path, paths: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for path in paths {
        let mut stack = vec![source.join(path)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for entry in std::fs::read_dir(&p)? {
                    stack.push(entry?.path());
                }
            } else if p.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&p)
                    .is_ok_and(|t| t.lines().any(|l| l.trim() == "//@ run-pass"))
            {
                let relative = p.strip_prefix(source)?.to_string_lossy().into_owned();
                found.push(relative);
            }
        }
    }
    Ok(found)
}
