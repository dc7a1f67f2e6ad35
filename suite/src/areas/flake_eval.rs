//! Debian trixie's Nix 2.26 (`suite/scripts/install-trixie-nix.sh`) evaluates the flake as a
//! flake: `nix flake show`, `nix flake check --no-build` and every output's drvPath for the four
//! systems, with the real crane, rust-overlay and fenix checked out from local mirrors at the
//! revisions flake.lock pins, nixpkgs' real lib, and the stand-in package set
//! (`suite/nixpkgs-standin/eval-flake`). Bookworm's Nix 2.8 cannot: nixpkgs' lib and crane need a
//! newer Nix. Evaluation only: every fetchurl there is a fixed-output derivation whose builder
//! refuses, so nothing evaluated here can be built into a pass.
//!
//! Nix 2.26 keeps everything under `work/flake-eval/nix-state`: its own chroot store, its own
//! configuration (no substituters, import-from-derivation off), its own caches; the host's Nix 2.8
//! store database is not opened, and a check says so from its modification time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::context::{stdout_text, tail, which};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "flake-eval";
const SYSTEMS: [&str; 4] = [
    "x86_64-linux",
    "aarch64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
];
/// The outputs README says need import-from-derivation (fenix reads its channel manifest): with
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
        "the host's Nix 2.8 store database was not touched",
        |ctx| host_store_untouched(ctx, &state),
    );
}

/// Where the mirrors of fetched repositories are (`<owner>+<repo>/repo`, bare). Same convention
/// as the `nix` area's locked-input check.
fn mirrors() -> PathBuf {
    std::env::var_os("WASIP2_INPUT_MIRRORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/.mirror"))
}

fn dir(ctx: &Context) -> PathBuf {
    ctx.work.join("flake-eval")
}

fn parts_file(ctx: &Context) -> PathBuf {
    ctx.work.join("nixpkgs-standin").join("parts.json")
}

fn host_db() -> &'static Path {
    Path::new("/nix/var/nix/db/db.sqlite")
}

/// The newest `trixie-nix-<version>/bin/nix` the install script left in the cache.
fn find_trixie_nix(ctx: &Context) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(&ctx.cache)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("trixie-nix-") && !name.contains(".partial")
        })
        .map(|e| e.path().join("bin/nix"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Nix 2.26 with everything of its own under `work/flake-eval/nix-state`.
fn nix(ctx: &Context, state: &State) -> Result<Command> {
    let program = state.nix.as_ref().context("trixie's Nix was not found")?;
    let home = dir(ctx).join("nix-state");
    let conf = home.join("conf");
    std::fs::create_dir_all(&conf)?;
    std::fs::write(
        conf.join("nix.conf"),
        format!(
            "experimental-features = nix-command flakes\n\
             substituters =\n\
             store = local?root={}\n\
             build-users-group =\n\
             sandbox = false\n\
             build-hook =\n\
             allow-import-from-derivation = false\n\
             eval-cache = false\n\
             warn-dirty = false\n\
             accept-flake-config = false\n",
            home.join("store").display()
        ),
    )?;
    let mut command = Command::new(program);
    for var in [
        "NIX_CONFIG",
        "NIX_PATH",
        "NIX_REMOTE",
        "NIX_USER_CONF_FILES",
    ] {
        command.env_remove(var);
    }
    command
        .env("NIX_CONF_DIR", &conf)
        .env("XDG_CACHE_HOME", home.join("xdg/cache"))
        .env("XDG_STATE_HOME", home.join("xdg/state"))
        .env("XDG_CONFIG_HOME", home.join("xdg/config"))
        .env("XDG_DATA_HOME", home.join("xdg/data"))
        .env("WASIP2_STANDIN_PARTS", parts_file(ctx));
    Ok(command)
}

fn trixie_nix(ctx: &mut Context, state: &mut State) -> CheckResult {
    state.host_db_mtime = std::fs::metadata(host_db()).and_then(|m| m.modified()).ok();
    let Some(program) = find_trixie_nix(ctx) else {
        return ctx.missing(format!(
            "no trixie Nix in {}; run `bash suite/scripts/install-trixie-nix.sh`",
            ctx.cache.display()
        ));
    };
    state.nix = Some(program.clone());
    let output = ctx.run("trixie-nix-version", nix(ctx, state)?.arg("--version"))?;
    let version = stdout_text(&output).trim().to_string();
    let number = version.rsplit(' ').next().unwrap_or_default();
    let minor: u32 = number
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("`{version}`: no version number"))?;
    ensure!(
        number.starts_with("2.") && minor >= 18,
        "{} reports `{version}`; nixpkgs needs Nix >= 2.18",
        program.display()
    );
    let started = Instant::now();
    let output = ctx.run(
        "trixie-nix-store",
        nix(ctx, state)?.args(["eval", "--raw", "--expr", "builtins.storeDir"]),
    )?;
    let store_dir = stdout_text(&output);
    let store_root = dir(ctx).join("nix-state/store/nix/store");
    ensure!(
        store_dir.trim() == "/nix/store" && store_root.is_dir(),
        "Nix 2.26's store is not the chroot store at {}",
        store_root.display()
    );
    Ok(Verdict::Proved(format!(
        "{version} ({}) evaluates in {:.2} s; its store is {}",
        program.display(),
        started.elapsed().as_secs_f64(),
        store_root.display()
    )))
}

/// Exact copies of the locked inputs from the mirrors, the repository's files, and the nixpkgs
/// stand-in flake with the real lib; then flake.lock of the copy pointed at them.
fn prepare(ctx: &mut Context, state: &mut State) -> CheckResult {
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
        let git_dir = mirrors().join(format!("{owner}+{repo}")).join("repo");
        if !has_commit(&git_dir, &rev) {
            absent.push(format!("{name} ({owner}/{repo} at {rev})"));
        }
        sources.push((name, git_dir, rev, field("narHash")));
    }
    if !absent.is_empty() {
        let why = format!(
            "no mirror under {} holds the locked commit of: {} (mirrors are fetched for reading only and are never on CI)",
            mirrors().display(),
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
    copy_repository(ctx, &root.join("repo"))?;

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
    let lib_mirror = mirrors().join(NIXPKGS_LIB_MIRROR).join("repo");
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

fn has_commit(git_dir: &Path, rev: &str) -> bool {
    git_dir.is_dir()
        && Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(["cat-file", "-e", &format!("{rev}^{{commit}}")])
            .status()
            .is_ok_and(|s| s.success())
}

fn git_archive(
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

/// The files git would give the flake (tracked and new, not ignored), as they are now: the
/// checkout itself holds `target/`, which a `path:` flake would copy whole.
fn copy_repository(ctx: &Context, target: &Path) -> Result<()> {
    let output = ctx.run(
        "git-ls-files",
        Command::new("git").arg("-C").arg(&ctx.repo).args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]),
    )?;
    for name in output.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name);
        let from = ctx.repo.join(name.as_ref());
        // Deleted but still in the index: not part of what the flake is now.
        if !from.is_file() {
            continue;
        }
        let to = target.join(name.as_ref());
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

fn copy_files(ctx: &Context, from: &Path, to: &Path) -> Result<()> {
    let mut cp = Command::new("cp");
    cp.arg("-r");
    for entry in std::fs::read_dir(from)? {
        cp.arg(entry?.path());
    }
    ctx.run("copy", cp.arg(to))?;
    Ok(())
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

/// `nix flake check --no-build --keep-going`'s failures: the attribute and its last error line.
fn check_failures(text: &str) -> BTreeMap<String, String> {
    let mut failures = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("… while checking the derivation '") {
            current = rest.split('\'').next().map(str::to_string);
        } else if let Some(message) = line.strip_prefix("error: ")
            && let Some(attribute) = &current
        {
            failures.insert(attribute.clone(), message.to_string());
        }
        if line.starts_with("checking ") {
            current = None;
        }
    }
    failures
}

/// Evaluates `suite/nixpkgs-standin/flake-eval-outputs.nix` over a flake: drvPaths and the rest.
fn outputs_of(ctx: &Context, state: &State, flake: &Path, skip: &[String]) -> Result<Value> {
    let harness = ctx
        .repo
        .join("suite/nixpkgs-standin/flake-eval-outputs.nix");
    let skip = serde_json::to_string(skip)?;
    let expression = format!(
        "import {} {{ flakeRef = \"{}\"; skip = builtins.fromJSON ''{skip}''; }}",
        harness.display(),
        flake_ref(flake)
    );
    let output = ctx.run(
        "nix-eval-outputs",
        nix(ctx, state)?
            .args(["eval", "--impure", "--json", "--expr"])
            .arg(expression),
    )?;
    serde_json::from_slice(&output.stdout).context("the outputs' JSON")
}

/// Per category and system, how many evaluated to a drvPath, and the names of the others.
fn tally(outputs: &Value, category: &str) -> (usize, Vec<String>) {
    let mut ok = 0;
    let mut other = Vec::new();
    for system in SYSTEMS {
        let Some(by_name) = outputs[category][system].as_object() else {
            other.push(format!("{category}.{system} (absent)"));
            continue;
        };
        for (name, value) in by_name {
            if value.get("drvPath").is_some() || value.get("program").is_some() {
                ok += 1;
            } else {
                other.push(format!("{category}.{system}.{name}"));
            }
        }
    }
    (ok, other)
}

fn every_output(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = ready(state) {
        return Ok(skip);
    }
    let repo = dir(ctx).join("repo");
    let started = Instant::now();
    let check = ctx.run_unchecked(
        "nix-flake-check",
        nix(ctx, state)?
            .args([
                "flake",
                "check",
                "--no-build",
                "--all-systems",
                "--keep-going",
                "--impure",
            ])
            .arg(flake_ref(&repo)),
    )?;
    let check_seconds = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&check.stderr).into_owned();
    let failures = check_failures(&text);
    if !check.status.success() && failures.is_empty() {
        bail!(
            "nix flake check failed without naming an output:\n{}",
            tail(&check, 30)
        );
    }
    let expected: BTreeSet<String> = SYSTEMS
        .iter()
        .flat_map(|s| IFD_OUTPUTS.iter().map(move |o| o.replace("{}", s)))
        .collect();
    // Each failure's own message, asked of `nix eval` (flake check reports an import from a
    // derivation as an invalid path).
    let mut unexpected = Vec::new();
    let mut ifd = 0;
    for attribute in failures.keys() {
        let output = ctx.run_unchecked(
            "nix-eval-failure",
            nix(ctx, state)?
                .args(["eval", "--impure", "--raw"])
                .arg(format!("{}#{attribute}.drvPath", flake_ref(&repo))),
        )?;
        let message = String::from_utf8_lossy(&output.stderr)
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: ").map(str::to_string))
            .unwrap_or_else(|| failures[attribute].clone());
        println!("[{AREA}] does not evaluate: {attribute}: {message}");
        if expected.contains(attribute) && message.contains(IFD_REFUSAL) {
            ifd += 1;
        } else {
            unexpected.push(format!("{attribute}: {message}"));
        }
    }
    let skip: Vec<String> = failures.keys().cloned().collect();
    let started = Instant::now();
    let outputs = outputs_of(ctx, state, &repo, &skip)?;
    let eval_seconds = started.elapsed().as_secs_f64();
    let report = dir(ctx).join("outputs.json");
    std::fs::write(&report, serde_json::to_string_pretty(&outputs)?)?;
    let mut lines = Vec::new();
    // apps only where the flake has them: each must evaluate to its program.
    let has_apps = outputs["apps"].as_object().is_some_and(|a| !a.is_empty());
    let categories: &[&str] = if has_apps {
        &["packages", "devShells", "checks", "apps"]
    } else {
        &["packages", "devShells", "checks"]
    };
    for &category in categories {
        let (ok, other) = tally(&outputs, category);
        for name in &other {
            if !failures.contains_key(name) {
                unexpected.push(format!("{name}: does not evaluate (caught by tryEval)"));
            }
        }
        lines.push(format!("{ok} {category}"));
    }
    for system in SYSTEMS {
        if outputs["formatter"][system].get("drvPath").is_none() {
            unexpected.push(format!("formatter.{system} does not evaluate"));
        }
    }
    for system in SYSTEMS {
        for category in ["packages", "devShells", "checks"] {
            if let Some(by_name) = outputs[category][system].as_object() {
                for (name, value) in by_name {
                    if let Some(drv) = value["drvPath"].as_str() {
                        println!("[{AREA}] {category}.{system}.{name}: {drv}");
                    }
                }
            }
        }
    }
    if !unexpected.is_empty() {
        bail!(
            "outputs that do not evaluate with the real crane, rust-overlay and fenix, beyond the import-from-derivation ones README names:\n{}",
            unexpected.join("\n")
        );
    }
    ensure!(
        ifd == expected.len(),
        "README names {} outputs as needing import-from-derivation, but {ifd} were refused for it: {:?}",
        expected.len(),
        expected
            .iter()
            .filter(|a| !failures.contains_key(*a))
            .collect::<Vec<_>>()
    );
    Ok(Verdict::Proved(format!(
        "{} and 4 formatters evaluate to drvPaths ({}); {ifd} refused, each for import-from-derivation, exactly README's fenix outputs; flake check {check_seconds:.1} s, drvPaths {eval_seconds:.1} s",
        lines.join(", "),
        report.display()
    )))
}

fn toolchain_closure(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = ready(state) {
        return Ok(skip);
    }
    let output = ctx.run(
        "nix-derivation-show",
        nix(ctx, state)?
            .args(["derivation", "show", "--recursive", "--impure"])
            .arg(format!(
                "{}#packages.x86_64-linux.toolchain",
                flake_ref(&dir(ctx).join("repo"))
            )),
    )?;
    let drvs: Value = serde_json::from_slice(&output.stdout).context("nix derivation show")?;
    let drvs = drvs
        .as_object()
        .context("nix derivation show: not an object")?;
    let mut urls = Vec::new();
    for drv in drvs.values() {
        let env = &drv["env"];
        if let Some(url) = env["evalOnlyUnfetchable"].as_str() {
            ensure!(
                drv["builder"] == "/bin/sh"
                    && env["outputHash"].as_str().is_some_and(|h| !h.is_empty()),
                "{url}: the eval-only fetch is not a refusing fixed-output derivation"
            );
            urls.push(url.to_string());
        }
    }
    let wasip2_std = "rust-std-1.95.0-wasm32-wasip2.tar.xz";
    ensure!(
        urls.iter()
            .any(|u| u.ends_with(wasip2_std) && u.contains("static.rust-lang.org")),
        "the real rust-overlay's toolchain does not ask for {wasip2_std}: {urls:?}"
    );
    Ok(Verdict::Proved(format!(
        "{} derivations; {} artifacts by hash, wasm32-wasip2's std among them, each a fixed-output derivation whose builder refuses",
        drvs.len(),
        urls.len()
    )))
}

fn templates(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = ready(state) {
        return Ok(skip);
    }
    let root = dir(ctx);
    let mut names: Vec<String> = std::fs::read_dir(root.join("repo/templates"))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("flake.nix").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
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
