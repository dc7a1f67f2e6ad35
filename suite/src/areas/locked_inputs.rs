//! Each input flake.lock pins by `narHash`, recomputed from a local git mirror of its repository
//! where one is on the machine (WASIP2_INPUT_MIRRORS, default /work/.mirror, laid out
//! `<owner>+<repo>/repo`): `git archive` of the locked commit is what GitHub's tarball holds, and
//! Nix hashes it as it hashes the download. Mirrors are brought here for reading and are never
//! part of the repository, so on a machine without them the check says so and proves nothing.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use crate::context::{stdout_text, which};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "nix";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "locked narHashes recomputed from local mirrors of the inputs",
        locked_hashes,
    );
}

fn mirrors() -> PathBuf {
    std::env::var_os("WASIP2_INPUT_MIRRORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/.mirror"))
}

fn locked_hashes(ctx: &mut Context) -> CheckResult {
    if which("nix").is_none() || which("git").is_none() {
        return ctx.missing("nix and git are needed (apt-get install nix-bin git)");
    }
    let lock: Value = serde_json::from_str(&std::fs::read_to_string(ctx.repo.join("flake.lock"))?)
        .context("flake.lock is not JSON")?;
    let nodes = lock["nodes"]
        .as_object()
        .context("flake.lock has no nodes")?;
    let (mut matched, mut absent) = (Vec::new(), Vec::new());
    for (name, node) in nodes {
        let locked = &node["locked"];
        if locked["type"] != "github" {
            continue;
        }
        let field = |key: &str| locked[key].as_str().unwrap_or_default().to_string();
        let (owner, repo, rev) = (field("owner"), field("repo"), field("rev"));
        let git_dir = mirrors().join(format!("{owner}+{repo}")).join("repo");
        let has_rev = git_dir.is_dir()
            && Command::new("git")
                .arg("--git-dir")
                .arg(&git_dir)
                .args(["cat-file", "-e", &format!("{rev}^{{commit}}")])
                .status()
                .is_ok_and(|s| s.success());
        if !has_rev {
            absent.push(format!(
                "{name} ({owner}/{repo} {})",
                &rev[..8.min(rev.len())]
            ));
            continue;
        }
        let hash = nar_hash(ctx, &git_dir, &rev)?;
        ensure!(
            hash == field("narHash"),
            "{name}: flake.lock says {} but {owner}/{repo} at {rev} hashes to {hash}",
            field("narHash")
        );
        matched.push(format!("{name}@{}", &rev[..8]));
    }
    if matched.is_empty() {
        return Ok(Verdict::Skipped(format!(
            "no local mirror of any input under {} (they are brought here only for reading): {}",
            mirrors().display(),
            absent.join(", ")
        )));
    }
    Ok(Verdict::Proved(format!(
        "narHash recomputed and equal: {}; no mirror here for: {}",
        matched.join(", "),
        if absent.is_empty() {
            "none".to_string()
        } else {
            absent.join(", ")
        }
    )))
}

/// The NAR hash of the repository's tree at `rev`, as Nix computes it for a GitHub input.
fn nar_hash(ctx: &Context, git_dir: &std::path::Path, rev: &str) -> Result<String> {
    let tree = ctx.fresh_dir("locked-input")?;
    ctx.run(
        "git-archive",
        Command::new("sh").arg("-c").arg(format!(
            "git --git-dir='{}' archive '{rev}' | tar -x -C '{}'",
            git_dir.display(),
            tree.display()
        )),
    )?;
    let output = ctx.run(
        "nix-hash-path",
        ctx.nix("nix").args(["hash", "path", "--sri"]).arg(&tree),
    )?;
    Ok(stdout_text(&output).trim().to_string())
}
