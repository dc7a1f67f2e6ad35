//! Every output of the four systems evaluated to a drvPath, and the real rust-overlay's
//! toolchain closure: static.rust-lang.org artifacts taken by hash and never fetched.

use super::*;

/// `nix flake check --no-build --keep-going`'s failures: the attribute and its last error line.
pub(super) fn check_failures(text: &str) -> BTreeMap<String, String> {
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
pub(super) fn outputs_of(
    ctx: &Context,
    state: &State,
    flake: &Path,
    skip: &[String],
) -> Result<Value> {
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
pub(super) fn tally(outputs: &Value, category: &str) -> (usize, Vec<String>) {
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

pub(super) fn every_output(ctx: &mut Context, state: &State) -> CheckResult {
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
            "outputs that do not evaluate with the real crane, rust-overlay and fenix, beyond the import-from-derivation ones docs/outputs.md names:\n{}",
            unexpected.join("\n")
        );
    }
    ensure!(
        ifd == expected.len(),
        "docs/outputs.md names {} outputs as needing import-from-derivation, but {ifd} were refused for it: {:?}",
        expected.len(),
        expected
            .iter()
            .filter(|a| !failures.contains_key(*a))
            .collect::<Vec<_>>()
    );
    Ok(Verdict::Proved(format!(
        "{} and 4 formatters evaluate to drvPaths ({}); {ifd} refused, each for import-from-derivation, exactly docs/outputs.md's fenix outputs; flake check {check_seconds:.1} s, drvPaths {eval_seconds:.1} s",
        lines.join(", "),
        report.display()
    )))
}

pub(super) fn toolchain_closure(ctx: &mut Context, state: &State) -> CheckResult {
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
