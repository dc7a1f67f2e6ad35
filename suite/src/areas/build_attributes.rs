//! What our Nix code asks of a Nix build on each of the four systems, evaluated with Nix 2.8
//! through a recording package set (`suite/nix/build-attributes.nix`): the attributes that keep a
//! sysroot unstripped, allow loopback in the darwin sandbox, keep vendored crates' checksums,
//! link nixpkgs' LLVM on darwin, and pick LLVM 22; the flake's nixpkgs config; and the script
//! each template's smoke check runs. These are darwin and nixpkgs-hook matters that no build here
//! can show, so the suite holds the code to them by evaluation.

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use crate::context::which;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "nix";
const SYSTEMS: &[&str] = &[
    "x86_64-linux",
    "aarch64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
];
/// Rust 1.95.0's LLVM (`rustc -vV`: LLVM version 22.1.2).
const RUST_LLVM_MAJOR: &str = "22";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "each system's build attributes: unstripped sysroots, darwin loopback, vendored checksums, LLVM 22, darwin link flags, smoke scripts",
        build_attributes,
    );
}

fn build_attributes(ctx: &mut Context) -> CheckResult {
    if which("nix-instantiate").is_none() {
        return ctx.missing("nix-instantiate is not installed (apt-get install nix-bin)");
    }
    let file = ctx.repo.join("suite/nix/build-attributes.nix");
    let template_folders = std::fs::read_dir(ctx.repo.join("templates"))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("flake.nix").is_file())
        .count();
    for system in SYSTEMS {
        let output = ctx.run(
            "build-attributes",
            ctx.nix("nix-instantiate")
                .args(["--eval", "--strict", "--json"])
                .arg(&file)
                .args(["--argstr", "system", system]),
        )?;
        let recorded: Value = serde_json::from_slice(&output.stdout)
            .with_context(|| format!("{system}: build-attributes.nix gave no JSON"))?;
        check_system(system, &recorded, template_folders)
            .with_context(|| format!("on {system}"))?;
    }
    Ok(Verdict::Proved(format!(
        "{} systems: rustc-wasip2 strips only bin/, the std skips fixup; loopback allowed on darwin for rustc-wasip2, the UI checks and the http smoke; config scripts kept; LLVM {RUST_LLVM_MAJOR} for rustc, UI tests and wasm-ld; -lc++ -lc++abi and LLVM's rpath on darwin; no cmake for the std and UI builds; x86_64-darwin allowed; every smoke check runs its template's scripts/smoke.sh",
        SYSTEMS.len()
    )))
}

fn check_system(system: &str, recorded: &Value, template_folders: usize) -> Result<()> {
    let darwin = system.ends_with("-darwin");
    let drv = |name: &str| &recorded["derivations"][name];
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let inputs = |name: &str| -> Vec<String> {
        drv(name)["inputs"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default()
    };

    for name in ["rustc-wasip2", "rustc-wasip2-bundled-llvm"] {
        ensure!(
            drv(name)["stripDebugList"] == serde_json::json!(["bin"]),
            "{name} lets fixup strip more than bin/ (lib/ holds rlibs and the wasm libc.a): stripDebugList = {}",
            drv(name)["stripDebugList"]
        );
    }
    ensure!(
        drv("rust-std-wasip2-std")["dontFixup"] == true,
        "the from-source std runs fixup over its rlibs and libc.a"
    );
    for name in ["rustc-wasip2", "rustc-wasip2-bundled-llvm", "ui-wasip2"] {
        ensure!(
            drv(name)["darwinLocalNetworking"] == true,
            "{name} does not set __darwinAllowLocalNetworking"
        );
    }
    // (The UI derivations unpack nothing: they read the source where it is in the store.)
    for name in [
        "rustc-wasip2",
        "rustc-wasip2-bundled-llvm",
        "rust-std-wasip2-std",
    ] {
        ensure!(
            drv(name)["keepsConfigScripts"] == true,
            "{name} lets nixpkgs rewrite config.guess/config.sub in Rust's vendored crates"
        );
    }
    for name in ["ui-wasip2", "rust-std-wasip2-std"] {
        ensure!(
            !inputs(name).iter().any(|i| i.starts_with("cmake")),
            "{name} declares cmake, which the build no longer needs"
        );
    }

    let llvm = format!("llvm-{RUST_LLVM_MAJOR}.");
    ensure!(
        inputs("rustc-wasip2").iter().any(|i| i.starts_with(&llvm)),
        "rustc-wasip2 links {:?}, not LLVM {RUST_LLVM_MAJOR}",
        inputs("rustc-wasip2")
    );
    ensure!(
        text(&drv("ui-wasip2")["script"]).contains(&format!("recorded-{llvm}")),
        "the UI check's llvm-config is not LLVM {RUST_LLVM_MAJOR}'s"
    );
    ensure!(
        text(&recorded["lld"]).starts_with(&format!("lld-{RUST_LLVM_MAJOR}.")),
        "wasm-ld comes from {}, not LLVM {RUST_LLVM_MAJOR}",
        recorded["lld"]
    );

    let ldflags = text(&drv("rustc-wasip2")["ldflags"]);
    if darwin {
        ensure!(
            ldflags.contains("-lc++ -lc++abi")
                && ldflags.contains(&format!("-rpath /nix/store/recorded-{llvm}")),
            "rustc-wasip2 on darwin lacks nixpkgs' link flags for its LLVM: NIX_LDFLAGS = {ldflags:?}"
        );
    } else {
        ensure!(
            ldflags.is_empty(),
            "rustc-wasip2 passes darwin's link flags on Linux: {ldflags:?}"
        );
    }
    ensure!(
        text(&drv("rustc-wasip2-bundled-llvm")["ldflags"]).is_empty(),
        "the bundled-LLVM build links nixpkgs' LLVM flags"
    );

    ensure!(
        recorded["nixpkgsConfig"]["allowDeprecatedx86_64Darwin"] == true,
        "the flake imports nixpkgs without allowDeprecatedx86_64Darwin, so x86_64-darwin warns"
    );

    let templates = recorded["templates"]
        .as_object()
        .context("no templates recorded")?;
    ensure!(
        templates.len() == template_folders,
        "{} templates recorded, {template_folders} template folders with a flake.nix",
        templates.len()
    );
    for (name, smoke) in templates {
        smoke_runs_script(name, smoke)?;
        let wants_network = name == "wasip2-http";
        ensure!(
            (smoke["darwinLocalNetworking"] == true) == wants_network,
            "template {name}: __darwinAllowLocalNetworking is {} for its smoke check",
            smoke["darwinLocalNetworking"]
        );
    }
    Ok(())
}

/// The smoke check's command is `bash <scripts/smoke.sh in the store> …`: the template's own
/// script, which the templates area runs in a Nix build's environment.
fn smoke_runs_script(name: &str, smoke: &Value) -> Result<()> {
    let script = smoke["script"].as_str().unwrap_or_default();
    let ours = smoke["smokeScript"].as_str().unwrap_or_default();
    ensure!(
        !ours.is_empty() && script.trim_start().starts_with(&format!("bash {ours} ")),
        "template {name}: the smoke check does not run scripts/smoke.sh ({ours}): {script:?}"
    );
    Ok(())
}
