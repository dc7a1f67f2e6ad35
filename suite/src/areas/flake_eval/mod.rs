//! Debian trixie's Nix 2.26 (`suite/scripts/install-trixie-nix.sh`) evaluates the flake as a
//! flake: `nix flake show`, `nix flake check --no-build` and every output's drvPath for the four
//! systems, with the real crane, rust-overlay and fenix checked out from local mirrors at the
//! revisions flake.lock pins, nixpkgs' real lib, and the stand-in package set
//! (`suite/nixpkgs-standin/eval-flake`). Bookworm's Nix 2.8 cannot: nixpkgs' lib and crane need a
//! newer Nix. Evaluation only with the real inputs: every fetchurl there is a fixed-output
//! derivation whose builder refuses, so nothing evaluated with them can be built into a pass.
//! Nix 2.26 also builds, sandboxed, one output on the stand-in of the `nix-builds` area (whose
//! builds use the host's Nix 2.8), so both versions are shown building here.
//!
//! Nix 2.26 keeps everything under `work/flake-eval/nix-state`: its own chroot store, its own
//! configuration (no substituters, import-from-derivation off), its own caches; the host's Nix 2.8
//! store database is not opened, and a check says so from its modification time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime};

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::context::{stdout_text, tail, which};
use crate::{CheckResult, Context, Suite, Verdict};

mod crane_builds;
mod inputs;
mod outputs;
mod trixie;

use self::inputs::prepare;
use self::outputs::{every_output, outputs_of, tally, toolchain_closure};
use self::trixie::{host_db, nix, trixie_builds, trixie_nix};

const AREA: &str = "flake-eval";
const SYSTEMS: [&str; 4] = [
    "x86_64-linux",
    "aarch64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
];
/// The outputs docs/outputs.md says need import-from-derivation (fenix reads its channel manifest): with
/// `allow-import-from-derivation = false` exactly these fail, for every system, and for that.
const IFD_OUTPUTS: [&str; 3] = [
    "packages.{}.toolchain-fenix",
    "devShells.{}.fenix",
    "checks.{}.toolchain-fenix-component",
];
const IFD_REFUSAL: &str = "option 'allow-import-from-derivation' is disabled";
/// The inputs checked out from mirrors, by their flake.lock node names (the mirror is named by
/// the locked owner and repository).
const MIRRORED_INPUTS: [&str; 3] = ["crane", "rust-overlay", "fenix"];
const NIXPKGS_LIB_MIRROR: &str = "nix-community+nixpkgs.lib";
/// The templates: every folder of `templates/` with a flake (the templates area checks that
/// these are nix/templates.nix's).
fn template_names(repo: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.join("templates"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("flake.nix").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// What one check hands the next.
#[derive(Default)]
struct State {
    nix: Option<PathBuf>,
    /// Why the flake cannot be evaluated with the real inputs here, when it cannot.
    not_ready: Option<String>,
    host_db_mtime: Option<SystemTime>,
}

pub fn run(suite: &mut Suite) {
    let mut state = State::default();
    suite.check(
        AREA,
        "trixie's Nix 2.26 runs, with a store of its own",
        |ctx| trixie_nix(ctx, &mut state),
    );
    suite.check(
        AREA,
        "trixie's Nix 2.26 builds sandboxed in that store: wasi-sdk, its installCheck included",
        |ctx| trixie_builds(ctx, &state),
    );
    suite.check(
        AREA,
        "crane, rust-overlay, fenix checked out at flake.lock's revisions (narHash equal)",
        |ctx| prepare(ctx, &mut state),
    );
    suite.check(
        AREA,
        "nix flake show --all-systems with the real inputs",
        |ctx| flake_show(ctx, &state),
    );
    suite.check(
        AREA,
        "every output of four systems evaluates (nix flake check --no-build, drvPaths)",
        |ctx| every_output(ctx, &state),
    );
    suite.check(
        AREA,
        "the real rust-overlay's toolchain: static.rust-lang.org artifacts by hash, never fetched",
        |ctx| toolchain_closure(ctx, &state),
    );
    suite.check(
        AREA,
        "every template's flake evaluates against this checkout",
        |ctx| templates(ctx, &state),
    );
    suite.check(
        AREA,
        "README's Nix floor for crane is crane's own at the locked revision",
        |ctx| crane_builds::nix_floor(ctx, &state),
    );
    suite.check(
        AREA,
        "crane's checks prove what their names say: dev-profile tests, doCheck kept on, nextest without tests, a reproducibility check that shares no dependency build",
        |ctx| crane_builds::checks_prove_their_names(ctx, &state),
    );
    suite.check(
        AREA,
        "the packages Nix 2.8 built already, at the same output paths, copied into the crane store",
        |ctx| crane_builds::seed_from_host_store(ctx, &state),
    );
    suite.check(
        AREA,
        "README's flake.nix for one's own project: quoted verbatim from docs/own-flake/flake.nix, and its package, shell and checks evaluate with the real crane",
        |ctx| crane_builds::own_flake(ctx, &state),
    );
    suite.check(
        AREA,
        "lib.craneProject { panic = \"unwind\"; }: tests with temporary files and doc-tests pass in the test, nextest and doc checks as natively; with the default std the test check fails in temp_dir()",
        |ctx| crane_builds::unwind_project(ctx, &state),
    );
    for template in template_names(&suite.ctx.repo) {
        let template = template.as_str();
        suite.check(
            AREA,
            &format!("{template}: every check of its nix flake check built with the real crane, and nix build"),
            |ctx| crane_builds::template_checks(ctx, &state, template),
        );
        suite.check(
            AREA,
            &format!("{template}: nix run with the arguments its README shows"),
            |ctx| crane_builds::template_runs(ctx, &state, template),
        );
        suite.check(
            AREA,
            &format!("{template}: cargo test in its nix develop shell"),
            |ctx| crane_builds::template_shell(ctx, &state, template),
        );
    }
    suite.check(
        AREA,
        "the host's Nix 2.8 store database was not touched",
        |ctx| host_store_untouched(ctx, &state),
    );
}

fn dir(ctx: &Context) -> PathBuf {
    ctx.work.join("flake-eval")
}

fn parts_file(ctx: &Context) -> PathBuf {
    ctx.work.join("nixpkgs-standin").join("parts.json")
}

fn flake_ref(path: &Path) -> String {
    format!("path:{}", path.display())
}

fn ready(state: &State) -> Option<Verdict> {
    state
        .not_ready
        .as_ref()
        .map(|why| Verdict::Skipped(why.clone()))
}

fn flake_show(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = ready(state) {
        return Ok(skip);
    }
    let started = Instant::now();
    let output = ctx.run(
        "nix-flake-show",
        nix(ctx, state)?
            .args(["flake", "show", "--all-systems", "--json", "--impure"])
            .arg(flake_ref(&dir(ctx).join("repo"))),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let shown: Value = serde_json::from_slice(&output.stdout).context("nix flake show --json")?;
    let mut counts = Vec::new();
    for category in ["packages", "devShells", "checks"] {
        let mut per_system = BTreeSet::new();
        for system in SYSTEMS {
            let outputs = shown[category][system]
                .as_object()
                .with_context(|| format!("nix flake show lists no {category}.{system}"))?;
            let not_drv: Vec<_> = outputs
                .iter()
                .filter(|(_, v)| v["type"] != "derivation")
                .map(|(n, _)| n.as_str())
                .collect();
            ensure!(
                not_drv.is_empty(),
                "{category}.{system}: not derivations: {}",
                not_drv.join(", ")
            );
            per_system.insert(outputs.len());
        }
        ensure!(
            per_system.len() == 1,
            "{category}: the systems differ in how many outputs they have: {per_system:?}"
        );
        counts.push(format!(
            "{} {category}",
            per_system.first().copied().unwrap_or_default()
        ));
    }
    for system in SYSTEMS {
        ensure!(
            shown["formatter"][system]["type"] == "derivation",
            "formatter.{system} is not a derivation"
        );
        ensure!(
            shown["legacyPackages"].get(system).is_some(),
            "legacyPackages.{system} is missing"
        );
    }
    let templates = shown["templates"]
        .as_object()
        .context("no templates")?
        .len();
    ensure!(
        shown["overlays"]["default"]["type"] == "nixpkgs-overlay",
        "overlays.default is not an overlay"
    );
    Ok(Verdict::Proved(format!(
        "{} for each of 4 systems, a formatter each, {templates} templates, overlays.default, lib, legacyPackages; {seconds:.1} s",
        counts.join(", ")
    )))
}

fn templates(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = ready(state) {
        return Ok(skip);
    }
    let root = dir(ctx);
    let names = template_names(&root.join("repo"));
    ensure!(!names.is_empty(), "no templates/*/flake.nix");
    let mut proved = Vec::new();
    let mut problems = Vec::new();
    for name in &names {
        let target = root.join("templates").join(name);
        let mut cp = Command::new("cp");
        cp.arg("-r")
            .arg(root.join("repo/templates").join(name))
            .arg(&target);
        ctx.run("copy-template", &mut cp)?;
        let started = Instant::now();
        ctx.run(
            "nix-flake-lock-template",
            nix(ctx, state)?
                .args(["flake", "lock", "--override-input", "wasip2"])
                .arg(flake_ref(&root.join("repo")))
                .arg(flake_ref(&target)),
        )?;
        let outputs = outputs_of(ctx, state, &target, &[])?;
        let seconds = started.elapsed().as_secs_f64();
        let mut counted = 0;
        for category in ["packages", "apps", "devShells", "checks"] {
            let (ok, other) = tally(&outputs, category);
            counted += ok;
            problems.extend(other.into_iter().map(|o| format!("{name}: {o}")));
            for system in SYSTEMS {
                if outputs[category][system]
                    .as_object()
                    .is_none_or(|m| m.is_empty())
                {
                    problems.push(format!("{name}: no {category}.{system}"));
                }
            }
        }
        let checks = outputs["checks"]["x86_64-linux"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        proved.push(format!("{name} {counted} ({checks}) {seconds:.1} s"));
    }
    ensure!(
        problems.is_empty(),
        "template outputs that do not evaluate:\n{}",
        problems.join("\n")
    );
    Ok(Verdict::Proved(format!(
        "with `wasip2` overridden to this checkout, every package, app, shell and check of 4 systems evaluates: {}",
        proved.join("; ")
    )))
}

fn host_store_untouched(ctx: &mut Context, state: &State) -> CheckResult {
    if state.nix.is_none() {
        return Ok(Verdict::Skipped("no trixie Nix ran".into()));
    }
    if which("nix").is_none() || state.host_db_mtime.is_none() {
        return Ok(Verdict::Skipped(format!(
            "no host Nix store database at {}",
            host_db().display()
        )));
    }
    let now = std::fs::metadata(host_db()).and_then(|m| m.modified()).ok();
    ensure!(
        now == state.host_db_mtime,
        "{} changed while this area ran (another Nix 2.8 user may have run at the same time)",
        host_db().display()
    );
    let store = dir(ctx).join("nix-state/store/nix/store");
    let paths = std::fs::read_dir(&store).map(|d| d.count()).unwrap_or(0);
    Ok(Verdict::Proved(format!(
        "{} unchanged; Nix 2.26's {paths} store paths are in {}",
        host_db().display(),
        store.display()
    )))
}
