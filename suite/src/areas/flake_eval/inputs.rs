//! What the flake is evaluated with: crane, rust-overlay and fenix as exact copies of their
//! mirrors at flake.lock's revisions (their narHash recomputed), the repository's files, and the
//! nixpkgs stand-in flake with nixpkgs' real lib.

use super::*;
use crate::support::files::{copy_repository_to, mirrors};

/// Exact copies of the locked inputs from the mirrors, the repository's files, and the nixpkgs
/// stand-in flake with the real lib; then flake.lock of the copy pointed at them.
pub(super) fn prepare(ctx: &mut Context, state: &mut State) -> CheckResult {
    if state.nix.is_none() {
        state.not_ready = Some("no trixie Nix (first check of this area)".into());
        return Ok(Verdict::Skipped("no trixie Nix (see above)".into()));
    }
    if !parts_file(ctx).exists() {
        state.not_ready = Some("the stand-in's parts were not written".into());
        return ctx.missing(format!(
            "{} was not written (the nix-builds area writes it)",
            parts_file(ctx).display()
        ));
    }
    let lock: Value = serde_json::from_str(&std::fs::read_to_string(ctx.repo.join("flake.lock"))?)
        .context("flake.lock is not JSON")?;
    let mut absent = Vec::new();
    let mut sources = Vec::new();
    for name in MIRRORED_INPUTS {
        let locked = &lock["nodes"][name]["locked"];
        let field = |key: &str| locked[key].as_str().unwrap_or_default().to_string();
        let (owner, repo, rev) = (field("owner"), field("repo"), field("rev"));
        let git_dir = mirrors(&ctx.cache)
            .join(format!("{owner}+{repo}"))
            .join("repo");
        if !has_commit(&git_dir, &rev) {
            absent.push(format!("{name} ({owner}/{repo} at {rev})"));
        }
        sources.push((name, git_dir, rev, field("narHash")));
    }
    if !absent.is_empty() {
        let why = format!(
            "no mirror under {} holds the locked commit of: {} (fill it as suite/README.md says; a new machine has none)",
            mirrors(&ctx.cache).display(),
            absent.join(", ")
        );
        state.not_ready = Some(why.clone());
        return Ok(Verdict::Skipped(why));
    }
    let root = dir(ctx);
    for sub in ["repo", "nixpkgs", "templates", "rust-analyzer-src"] {
        ctx.fresh_dir(&format!("flake-eval/{sub}"))?;
    }
    for (name, git_dir, rev, _) in &sources {
        let target = ctx.fresh_dir(&format!("flake-eval/{name}"))?;
        git_archive(ctx, git_dir, rev, None, &target)?;
    }
    // fenix's own input, read only to build rust-analyzer, which no output here asks for.
    std::fs::write(
        root.join("rust-analyzer-src/README"),
        "Empty: stands for rust-analyzer's nightly source, which fenix takes as an input.\n",
    )?;
    copy_repository_to(ctx, &root.join("repo"))?;

    let nixpkgs = root.join("nixpkgs");
    let eval_flake = ctx.repo.join("suite/nixpkgs-standin/eval-flake");
    copy_files(ctx, &eval_flake, &nixpkgs)?;
    let standin = nixpkgs.join("standin");
    std::fs::create_dir_all(&standin)?;
    let mut cp = Command::new("cp");
    cp.arg("-r");
    for entry in std::fs::read_dir(ctx.repo.join("suite/nixpkgs-standin"))? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n != "eval-flake") {
            cp.arg(path);
        }
    }
    ctx.run("copy-standin", cp.arg(&standin))?;
    let lib_mirror = mirrors(&ctx.cache).join(NIXPKGS_LIB_MIRROR).join("repo");
    if !has_commit(&lib_mirror, "HEAD") {
        // The stand-in flake would fall back to the stand-in's lib.nix, which lacks what crane
        // and rust-overlay call (lib.fileset, makeScopeWithSplicing', lib.systems).
        let why = format!(
            "no nixpkgs.lib mirror at {}: the real crane and rust-overlay need nixpkgs' real lib",
            lib_mirror.display()
        );
        state.not_ready = Some(why.clone());
        return Ok(Verdict::Skipped(why));
    }
    let head = ctx.run(
        "nixpkgs-lib-head",
        Command::new("git").arg("--git-dir").arg(&lib_mirror).args([
            "log",
            "-1",
            "--format=%h %cs",
        ]),
    )?;
    git_archive(ctx, &lib_mirror, "HEAD", Some("lib"), &nixpkgs)?;
    let lib_source = format!(
        "nixpkgs' real lib (nixpkgs.lib mirror at {}, not the nixpkgs pin)",
        stdout_text(&head).trim()
    );

    // Each locked tree's narHash, as Nix 2.26 computes it for the path input, against the lock.
    let mut checked = Vec::new();
    for (name, _, rev, nar_hash) in &sources {
        let output = ctx.run(
            "nix-hash-path",
            nix(ctx, state)?.args(["hash", "path"]).arg(root.join(name)),
        )?;
        let hash = stdout_text(&output).trim().to_string();
        ensure!(
            &hash == nar_hash,
            "{name}: the mirror's {rev} hashes to {hash}, flake.lock says {nar_hash}"
        );
        checked.push(format!("{name} {}", &rev[..8]));
    }

    let started = Instant::now();
    let mut lock_cmd = nix(ctx, state)?;
    lock_cmd.args(["flake", "lock"]);
    for (input, folder) in [
        ("nixpkgs", "nixpkgs"),
        ("crane", "crane"),
        ("rust-overlay", "rust-overlay"),
        ("fenix", "fenix"),
        ("fenix/rust-analyzer-src", "rust-analyzer-src"),
    ] {
        lock_cmd
            .arg("--override-input")
            .arg(input)
            .arg(format!("path:{}", root.join(folder).display()));
    }
    lock_cmd.arg(flake_ref(&root.join("repo")));
    ctx.run("nix-flake-lock", &mut lock_cmd)?;
    Ok(Verdict::Proved(format!(
        "narHash equal to flake.lock's: {}; nixpkgs = the stand-in with {}; rust-analyzer-src an empty folder; locked in {:.1} s",
        checked.join(", "),
        lib_source,
        started.elapsed().as_secs_f64()
    )))
}

pub(super) fn has_commit(git_dir: &Path, rev: &str) -> bool {
    git_dir.is_dir()
        && Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(["cat-file", "-e", &format!("{rev}^{{commit}}")])
            .status()
            .is_ok_and(|s| s.success())
}

pub(super) fn git_archive(
    ctx: &Context,
    git_dir: &Path,
    rev: &str,
    path: Option<&str>,
    target: &Path,
) -> Result<()> {
    let archive = target.join(".archive.tar");
    let mut command = Command::new("git");
    command
        .arg("--git-dir")
        .arg(git_dir)
        .args(["archive", "--format=tar", "-o"])
        .arg(&archive)
        .arg(rev);
    command.args(path);
    ctx.run("git-archive", &mut command)?;
    ctx.run(
        "untar",
        Command::new("tar")
            .arg("-xf")
            .arg(&archive)
            .arg("-C")
            .arg(target),
    )?;
    std::fs::remove_file(&archive)?;
    Ok(())
}

pub(super) fn copy_files(ctx: &Context, from: &Path, to: &Path) -> Result<()> {
    let mut cp = Command::new("cp");
    cp.arg("-r");
    for entry in std::fs::read_dir(from)? {
        cp.arg(entry?.path());
    }
    ctx.run("copy", cp.arg(to))?;
    Ok(())
}
