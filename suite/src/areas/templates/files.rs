//! What a template ships besides its code: a rust-toolchain.toml that asks for exactly the
//! flake's pin, a flake.nix that takes this flake by its public address, a Cargo.lock crane can
//! vendor; and that every template folder is registered and checked.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};

use super::{FLAKE_URL, TEMPLATES};
use crate::context::stdout_text;
use crate::{CheckResult, Context, Verdict};

/// The target whose std the binary releases (rustup, rust-overlay, fenix) ship.
const BINARY_STD_TARGET: &str = "wasm32-wasip2";

/// The template's rust-toolchain.toml asks for what the flake's `nix/rust-toolchain.toml` pins
/// (channel, targets, components), so rustup users and the template's Nix build get the flake's
/// compiler. A template for a target no binary release has a std for (wasm32-wasip3) names the
/// same channel and components and no target: rustup has none to give, and its flake takes the
/// std built from source. Returns the channel.
pub(super) fn same_toolchain_as_flake(ctx: &Context, dir: &Path, target: &str) -> Result<String> {
    let mut pinned = toolchain_settings(&ctx.repo.join("nix/rust-toolchain.toml"))?;
    let template = toolchain_settings(&dir.join("rust-toolchain.toml"))?;
    let copy = if target == BINARY_STD_TARGET {
        "copy its settings"
    } else {
        pinned.remove("targets");
        "copy its channel and components, and name no target: no binary release has a std for it"
    };
    ensure!(
        template == pinned,
        "the {target} template's rust-toolchain.toml asks for {template:?}; the flake pins {pinned:?} (nix/rust-toolchain.toml): {copy}"
    );
    pinned
        .get("channel")
        .map(|channel| channel.trim_matches('"').to_string())
        .context("nix/rust-toolchain.toml names no channel")
}

/// The `key = value` settings of a rust-toolchain.toml, comments and blank lines left out.
fn toolchain_settings(file: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut settings = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[toolchain]" {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .with_context(|| format!("{}: `{line}` is not `key = value`", file.display()))?;
        settings.insert(key.trim().to_string(), value.trim().to_string());
    }
    ensure!(
        settings.contains_key("channel"),
        "{} names no channel",
        file.display()
    );
    Ok(settings)
}

/// The template's flake takes this flake by the address users type, and nixpkgs from it; its
/// outputs function accepts exactly those inputs (this flake's `checks/templates.nix` calls it
/// that way).
pub(super) fn check_flake_inputs(ctx: &Context, dir: &Path) -> Result<()> {
    let flake = dir.join("flake.nix");
    let flake = flake.to_str().context("the folder's path is not UTF-8")?;
    let output = ctx.run(
        "template-inputs",
        ctx.nix("nix-instantiate").args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &format!(
                "let f = import {flake}; in {{ inputs = f.inputs; args = builtins.functionArgs f.outputs; }}"
            ),
        ]),
    )?;
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    ensure!(
        value["inputs"]["wasip2"]["url"] == FLAKE_URL,
        "the template's wasip2 input is {}, not {FLAKE_URL}",
        value["inputs"]["wasip2"]["url"]
    );
    ensure!(
        value["inputs"]["nixpkgs"]["follows"] == "wasip2/nixpkgs",
        "the template's nixpkgs does not follow wasip2/nixpkgs"
    );
    let args: Vec<&String> = value["args"]
        .as_object()
        .context("outputs takes no attribute set")?
        .keys()
        .collect();
    ensure!(
        args.iter()
            .all(|a| ["nixpkgs", "wasip2", "self"].contains(&a.as_str())),
        "outputs asks for inputs this flake does not pass: {args:?}"
    );
    Ok(())
}

/// the crate registry is the only source, and every crate has its checksum: what crane's vendoring needs
/// (a git dependency would need a hash in the flake). Says how many crates.
pub(super) fn check_lock(dir: &Path) -> Result<String> {
    let file = dir.join("Cargo.lock");
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let problems = lock_problems(&text);
    ensure!(
        problems.is_empty(),
        "Cargo.lock cannot be vendored as crane does: {}",
        problems.join("; ")
    );
    let crates = text
        .split("[[package]]")
        .filter(|package| package.contains("\nsource = "))
        .count();
    Ok(format!(
        "Cargo.lock: {crates} crates from the crate registry, each with its checksum"
    ))
}

fn lock_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for package in text.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{key} = ")))
                .map(|value| value.trim_matches('"'))
        };
        let name = field("name").unwrap_or("?");
        match field("source") {
            None => {}
            Some("registry+https://github.com/rust-lang/crates.io-index")
                if field("checksum").is_none() =>
            {
                problems.push(format!("{name} has no checksum"));
            }
            Some("registry+https://github.com/rust-lang/crates.io-index") => {}
            Some(other) => {
                problems.push(format!("{name} comes from {other}, not the crate registry"))
            }
        }
    }
    problems
}

/// Every folder under templates/ is a template of `nix/templates.nix` (so `nix flake init -t`
/// offers it and `checks/templates.nix` runs its checks) and is in this area's list, and the
/// other way round.
pub(super) fn every_template_listed(ctx: &mut Context) -> CheckResult {
    let mut folders: Vec<String> = std::fs::read_dir(ctx.repo.join("templates"))?
        .flatten()
        .filter(|entry| entry.path().join("flake.nix").is_file())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
        .collect();
    folders.sort();
    let templates = ctx.repo.join("nix/templates.nix");
    let output = ctx.run(
        "templates-listed",
        ctx.nix("nix-instantiate").args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &format!(
                "builtins.mapAttrs (_: t: baseNameOf t.path) (import {})",
                templates.display()
            ),
        ]),
    )?;
    let registered: BTreeMap<String, String> = serde_json::from_str(&stdout_text(&output))?;
    let mut named: Vec<String> = registered
        .iter()
        .filter(|(name, _)| name.as_str() != "default")
        .map(|(name, folder)| {
            ensure!(
                name == folder,
                "nix/templates.nix: {name} points at templates/{folder}"
            );
            Ok(name.clone())
        })
        .collect::<Result<_>>()?;
    named.sort();
    ensure!(
        folders == named,
        "templates/ has {folders:?}, nix/templates.nix registers {named:?}: register each folder there"
    );
    let mut checked: Vec<String> = TEMPLATES
        .iter()
        .map(|(name, ..)| name.to_string())
        .collect();
    checked.sort();
    ensure!(
        folders == checked,
        "templates/ has {folders:?}, this area checks {checked:?}: add each to TEMPLATES"
    );
    Ok(Verdict::Proved(format!(
        "{} templates, each a folder, a template of nix/templates.nix and checked here: {}; default = {}",
        folders.len(),
        folders.join(", "),
        registered
            .get("default")
            .map(String::as_str)
            .unwrap_or("none")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolchain_settings_ignore_comments_only() {
        let dir = std::env::temp_dir().join(format!("toolchain-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let file = dir.join("rust-toolchain.toml");
        std::fs::write(
            &file,
            "# pinned\n[toolchain]\nchannel = \"1.95.0\"\n\ntargets = [\"wasm32-wasip2\"]\n",
        )
        .expect("writable");
        let settings = toolchain_settings(&file).expect("valid settings");
        assert_eq!(settings["channel"], "\"1.95.0\"");
        assert_eq!(settings.len(), 2);
        std::fs::write(&file, "[toolchain]\ntargets = []\n").expect("writable");
        assert!(toolchain_settings(&file).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lock_problems_name_git_sources_and_missing_checksums() {
        let registry = "source = \"registry+https://github.com/rust-lang/crates.io-index\"";
        let lock = format!(
            "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"ok\"\n{registry}\nchecksum = \"ab\"\n\n[[package]]\nname = \"bare\"\n{registry}\n\n[[package]]\nname = \"fork\"\nsource = \"git+https://example.org/fork#0\"\n"
        );
        assert_eq!(
            lock_problems(&lock),
            [
                "bare has no checksum",
                "fork comes from git+https://example.org/fork#0, not the crate registry"
            ]
        );
        assert!(lock_problems("version = 4\n").is_empty());
    }
}
