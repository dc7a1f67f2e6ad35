//! The repository's files: which ones git tracks, a copy of them as a `path:` flake reference
//! sees them, and whole folders copied.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::context::{Context, stdout_text};

/// Paths, relative to the repository, of the files git tracks or would track (new files count,
/// ignored ones do not), limited to `patterns` when there are any.
pub fn repository_files(ctx: &Context, patterns: &[&str]) -> Result<Vec<String>> {
    let output = ctx.run(
        "git-ls-files",
        Command::new("git")
            .current_dir(&ctx.repo)
            .args(["ls-files", "--cached", "--others", "--exclude-standard"])
            .args(patterns),
    )?;
    Ok(stdout_text(&output).lines().map(str::to_owned).collect())
}

/// The repository's tracked files in a fresh folder: what a `path:` flake reference copies into
/// the store, without target/ (gigabytes of Rust source and build output).
pub fn flake_copy(ctx: &Context, name: &str) -> Result<PathBuf> {
    let copy = ctx.fresh_dir(name)?;
    copy_repository_to(ctx, &copy)?;
    Ok(copy)
}

/// A copy of the repository (as [`flake_copy`]) with `text` appended to `file`: an edit whose
/// effect on the outputs' derivations a check compares.
pub fn edited_copy(ctx: &Context, name: &str, file: &str, text: &str) -> Result<PathBuf> {
    let copy = flake_copy(ctx, name)?;
    let path = copy.join(file);
    let content =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    std::fs::write(&path, content + text)?;
    Ok(copy)
}

/// The files git would give a flake of the checkout (tracked and new, not ignored), as they are
/// now, copied below `target`.
pub fn copy_repository_to(ctx: &Context, target: &Path) -> Result<()> {
    for line in repository_files(ctx, &[])? {
        let from = ctx.repo.join(&line);
        // Deleted but still in the index: not part of what the flake is now.
        if !from.is_file() {
            continue;
        }
        let to = target.join(&line);
        std::fs::create_dir_all(to.parent().context("a file has a parent")?)?;
        std::fs::copy(&from, &to).with_context(|| format!("copying {line}"))?;
    }
    Ok(())
}

/// Where local mirrors of the flake's inputs are (`<owner>+<repo>/repo`, bare git folders):
/// `WASIP2_INPUT_MIRRORS`, else `mirrors/` in the suite's cache folder (`WASIP2_OFFLINE_CACHE`).
/// Never part of the project; absent on a new machine (suite/README.md says how to fill it).
pub fn mirrors(cache: &Path) -> PathBuf {
    std::env::var_os("WASIP2_INPUT_MIRRORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("mirrors"))
}

pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
