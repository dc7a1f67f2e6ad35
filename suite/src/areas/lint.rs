//! The lint gates, enforced: `cargo fmt --check`, `cargo clippy --all-targets` with warnings
//! denied, shellcheck on every shell script, nixpkgs-fmt and deadnix on every Nix file. Each
//! passes on the repository, and fails on a copy with one fault of its kind put in, so a gate
//! that stopped looking would be seen.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, ensure};

use crate::context::{tail, which, without_colours};
use crate::support::files::{flake_copy, repository_files};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "lint";

/// A gate: its name, how to run it over a tree, and the fault that must make it fail: a file,
/// the text to find in it and what to put instead.
struct Gate {
    name: &'static str,
    command: fn(&Context, &Path) -> Result<Command>,
    file: &'static str,
    from: &'static str,
    to: &'static str,
}

const GATES: &[Gate] = &[
    Gate {
        name: "cargo fmt --check",
        command: cargo_fmt,
        file: "tools/wasip2-doctor/src/main.rs",
        from: "fn main()",
        to: "fn   main()",
    },
    Gate {
        name: "cargo clippy --all-targets -D warnings",
        command: cargo_clippy,
        file: "tools/wasip2-doctor/src/main.rs",
        from: "fn main()",
        to: "fn unused_and_warned() {}\n\nfn main()",
    },
    Gate {
        name: "shellcheck on every shell script",
        command: shellcheck,
        file: "scripts/rustc/build-std.sh",
        from: "cd \"$source\"",
        to: "cd $source",
    },
    Gate {
        name: "nixpkgs-fmt --check on every Nix file",
        command: nixpkgs_fmt,
        file: "nix/scope.nix",
        from: "  inherit versions;",
        to: "      inherit versions;",
    },
    Gate {
        name: "deadnix on every Nix file",
        command: deadnix,
        file: "nix/scope.nix",
        from: "  inherit versions;",
        to: "  inherit versions;\n  unused = let dead = 1; in 2;",
    },
];

pub fn run(suite: &mut Suite) {
    for gate in GATES {
        suite.check(
            AREA,
            &format!(
                "{}: the repository passes, a copy with a fault fails",
                gate.name
            ),
            |ctx| check_gate(ctx, gate),
        );
    }
}

fn check_gate(ctx: &mut Context, gate: &Gate) -> CheckResult {
    for tool in ["cargo", "shellcheck", "nixpkgs-fmt", "deadnix"] {
        if which(tool).is_none() {
            return ctx.missing(format!("{tool} is not installed (bash .ci/install.sh)"));
        }
    }
    let clean = ctx.run_unchecked("lint", &mut (gate.command)(ctx, &ctx.repo)?)?;
    ensure!(
        clean.status.success(),
        "{} fails on the repository:\n{}",
        gate.name,
        tail(&clean, 20)
    );
    let copy = flake_copy(ctx, "lint-fault")?;
    let file = copy.join(gate.file);
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    ensure!(
        text.contains(gate.from),
        "{} no longer contains {:?}",
        gate.file,
        gate.from
    );
    std::fs::write(&file, text.replacen(gate.from, gate.to, 1))?;
    let faulty = ctx.run_unchecked("lint-fault", &mut (gate.command)(ctx, &copy)?)?;
    ensure!(
        !faulty.status.success(),
        "{} passed a copy with a fault in {}",
        gate.name,
        gate.file
    );
    let said = without_colours(&tail(&faulty, 40));
    let line = said
        .lines()
        .find(|l| l.contains(gate.file.rsplit('/').next().unwrap_or(gate.file)))
        .unwrap_or_else(|| said.lines().next().unwrap_or_default())
        .trim()
        .to_string();
    Ok(Verdict::Proved(format!(
        "clean here; the fault in {} is caught: {line}",
        gate.file
    )))
}

/// The workspace's target folder for the lint runs, shared by the repository and its copies.
fn lint_target(ctx: &Context) -> PathBuf {
    ctx.work.join("lint-target")
}

/// The product's workspace (the root) and the proof's (suite/), each its own Cargo workspace.
const WORKSPACES: &str = "for manifest in Cargo.toml suite/Cargo.toml; do";

fn cargo_fmt(_ctx: &Context, tree: &Path) -> Result<Command> {
    let mut command = Command::new("bash");
    command.current_dir(tree).args([
        "-c",
        &format!(
            "set -e; {WORKSPACES} cargo fmt --all --check --manifest-path \"$manifest\"; done"
        ),
    ]);
    Ok(command)
}

fn cargo_clippy(ctx: &Context, tree: &Path) -> Result<Command> {
    let mut command = Command::new("bash");
    command
        .current_dir(tree)
        .args([
            "-c",
            &format!(
                "set -e; {WORKSPACES} CARGO_TARGET_DIR=\"$LINT_TARGET/${{manifest%Cargo.toml}}\" cargo clippy --workspace --all-targets --locked --manifest-path \"$manifest\" -- -D warnings; done"
            ),
        ])
        .env("LINT_TARGET", lint_target(ctx));
    Ok(command)
}

/// Every shell script of the repository, and the CI files that are shell without the ending.
fn shellcheck(ctx: &Context, tree: &Path) -> Result<Command> {
    let mut command = Command::new("shellcheck");
    command
        .current_dir(tree)
        .arg("-x")
        .args(repository_files(ctx, &["*.sh"])?)
        .args([".ci/run", ".ci/env.sh"]);
    Ok(command)
}

fn nixpkgs_fmt(ctx: &Context, tree: &Path) -> Result<Command> {
    over_nix_files(ctx, tree, "nixpkgs-fmt", "--check")
}

fn deadnix(ctx: &Context, tree: &Path) -> Result<Command> {
    over_nix_files(ctx, tree, "deadnix", "--fail")
}

fn over_nix_files(ctx: &Context, tree: &Path, program: &str, flag: &str) -> Result<Command> {
    let mut command = Command::new(program);
    command
        .current_dir(tree)
        .arg(flag)
        .args(repository_files(ctx, &["*.nix"])?);
    Ok(command)
}
