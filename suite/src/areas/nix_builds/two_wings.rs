//! The product and the proof are two wings: no derivation the flake offers (package, dev shell,
//! check) takes a file of the offline suite, so editing a test rebuilds nothing a user builds.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};

use crate::context::stdout_text;
use crate::support::files::{edited_copy, flake_copy};
use crate::support::standin::sandboxed_nix;
use crate::{CheckResult, Context, Verdict};

/// Every package, dev shell and check of x86_64-linux in the flake at `tree`, by its .drv (or
/// "throws", as the crane outputs do without crane).
fn derivations(ctx: &Context, tree: &Path) -> Result<BTreeMap<String, String>> {
    let expression = format!(
        "let f = import {}/suite/nixpkgs-standin/flake-outputs.nix; \
         drvs = kind: builtins.mapAttrs (_: d: let r = builtins.tryEval (d.drvPath or \"none\"); \
         in if r.success then r.value else \"throws\") f.${{kind}}.x86_64-linux; \
         in {{ packages = drvs \"packages\"; devShells = drvs \"devShells\"; checks = drvs \"checks\"; }}",
        tree.display()
    );
    let output = ctx.run(
        "two-wings-eval",
        sandboxed_nix(ctx, "nix-instantiate")
            .args(["--eval", "--strict", "--json", "--read-write-mode", "-E"])
            .arg(&expression),
    )?;
    let value: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_str(&stdout_text(&output)).context("the outputs' .drv paths")?;
    Ok(value
        .into_iter()
        .flat_map(|(kind, by_name)| {
            by_name
                .into_iter()
                .map(move |(name, drv)| (format!("{kind}.{name}"), drv))
        })
        .collect())
}

pub(super) fn suite_edits_change_no_product(ctx: &mut Context) -> CheckResult {
    let base = derivations(ctx, &flake_copy(ctx, "two-wings-base")?)?;
    let built = base.values().filter(|d| d.ends_with(".drv")).count();
    ensure!(
        built > 20,
        "only {built} outputs evaluated to derivations: {base:?}"
    );
    // A test of the suite edited, and a script of the bench: the proof.
    let proof = edited_copy(
        ctx,
        "two-wings-proof",
        "suite/src/lib.rs",
        "\n// An edit of the proof.\n",
    )?;
    let script = proof.join("bench/crate-suites.sh");
    std::fs::write(
        &script,
        std::fs::read_to_string(&script)? + "\n# An edit of the proof.\n",
    )?;
    let after_proof = derivations(ctx, &proof)?;
    let changed: Vec<&String> = base
        .keys()
        .filter(|k| base.get(*k) != after_proof.get(*k))
        .collect();
    ensure!(
        changed.is_empty(),
        "editing suite/src/lib.rs and bench/crate-suites.sh changed these outputs' derivations: {changed:?}"
    );
    // The same edit in a tool changes the tools' derivations: the comparison sees an edit.
    let product = edited_copy(
        ctx,
        "two-wings-product",
        "tools/wasip2-doctor/src/lib.rs",
        "\n// An edit of the product.\n",
    )?;
    let after_product = derivations(ctx, &product)?;
    let rebuilt = base
        .keys()
        .filter(|k| base.get(*k) != after_product.get(*k))
        .count();
    ensure!(
        after_product.get("packages.wasip2-doctor") != base.get("packages.wasip2-doctor"),
        "editing the doctor's source left packages.wasip2-doctor unchanged: the comparison sees nothing"
    );
    Ok(Verdict::Proved(format!(
        "{built} of {} outputs evaluate to derivations; an edit of suite/src/lib.rs and bench/crate-suites.sh changes none of them; the same edit of tools/wasip2-doctor/src/lib.rs changes {rebuilt}",
        base.len()
    )))
}
