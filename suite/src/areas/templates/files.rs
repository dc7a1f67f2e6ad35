//! What a template ships besides its code: a rust-toolchain.toml that asks for exactly the
//! flake's pin, and a flake.nix that takes this flake by its public address.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};

use super::FLAKE_URL;
use crate::Context;

/// The template's rust-toolchain.toml asks for what the flake's `nix/rust-toolchain.toml` pins
/// (channel, targets, components), so rustup users and the template's Nix build get the flake's
/// compiler. Returns the channel.
pub(super) fn same_toolchain_as_flake(ctx: &Context, dir: &Path) -> Result<String> {
    let pinned = toolchain_settings(&ctx.repo.join("nix/rust-toolchain.toml"))?;
    let template = toolchain_settings(&dir.join("rust-toolchain.toml"))?;
    ensure!(
        template == pinned,
        "the template's rust-toolchain.toml asks for {template:?}; the flake pins {pinned:?} (nix/rust-toolchain.toml): copy its settings"
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
/// outputs function accepts exactly those inputs (this flake's `nix/checks/templates.nix` calls it
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
}
