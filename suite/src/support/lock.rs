//! Compares a flake's declared inputs (`(import ./flake.nix).inputs`, as JSON) with its
//! flake.lock, the way Nix would accept the lock without re-locking.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};
use serde_json::{Map, Value};

/// One declared input: where it points and which of its own inputs follow others.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub url: String,
    pub flake: bool,
    /// `inputs.<name>.follows = "a/b"`, as the path `["a", "b"]`.
    pub follows: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs(BTreeMap<String, Input>);

impl Inputs {
    pub fn from_json(value: &Value) -> Result<Self> {
        let object = value
            .as_object()
            .context("flake inputs are not an attribute set")?;
        let mut inputs = BTreeMap::new();
        for (name, spec) in object {
            let url = spec["url"]
                .as_str()
                .with_context(|| format!("input {name} has no url"))?
                .to_string();
            let flake = spec["flake"].as_bool().unwrap_or(true);
            let mut follows = BTreeMap::new();
            if let Some(nested) = spec["inputs"].as_object() {
                for (inner, inner_spec) in nested {
                    let target = inner_spec["follows"]
                        .as_str()
                        .with_context(|| format!("input {name}.{inner} follows nothing"))?;
                    follows.insert(
                        inner.clone(),
                        target.split('/').map(str::to_string).collect(),
                    );
                }
            }
            inputs.insert(
                name.clone(),
                Input {
                    url,
                    flake,
                    follows,
                },
            );
        }
        Ok(Inputs(inputs))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// The `original` attribute Nix writes for a `github:owner/repo[/ref]` URL.
pub fn original_of(url: &str) -> Result<Value> {
    let Some(path) = url.strip_prefix("github:") else {
        bail!("only github: URLs are used by this flake, not {url}");
    };
    let parts: Vec<&str> = path.split('/').collect();
    let mut original = Map::new();
    match parts.as_slice() {
        [owner, repo] | [owner, repo, ""] => {
            original.insert("owner".into(), Value::from(*owner));
            original.insert("repo".into(), Value::from(*repo));
        }
        [owner, repo, reference] => {
            original.insert("owner".into(), Value::from(*owner));
            original.insert("ref".into(), Value::from(*reference));
            original.insert("repo".into(), Value::from(*repo));
        }
        _ => bail!("cannot read the github URL {url}"),
    }
    original.insert("type".into(), Value::from("github"));
    Ok(Value::Object(original))
}

pub fn is_sri_sha256(hash: &str) -> bool {
    hash.strip_prefix("sha256-").is_some_and(|b64| {
        b64.len() == 44
            && b64.ends_with('=')
            && b64[..43]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
    })
}

fn check_locked(name: &str, node: &Value, problems: &mut Vec<String>) {
    let locked = &node["locked"];
    let original = &node["original"];
    if locked["type"] != original["type"] {
        problems.push(format!("{name}: locked type differs from original"));
    }
    for key in ["owner", "repo"] {
        let same = match (locked[key].as_str(), original[key].as_str()) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        if !same {
            problems.push(format!("{name}: locked {key} differs from original"));
        }
    }
    let rev = locked["rev"].as_str().unwrap_or_default();
    if rev.len() != 40 || !rev.chars().all(|c| c.is_ascii_hexdigit()) {
        problems.push(format!("{name}: rev {rev:?} is not a full commit hash"));
    }
    let hash = locked["narHash"].as_str().unwrap_or_default();
    if !is_sri_sha256(hash) {
        problems.push(format!("{name}: narHash {hash:?} is not an SRI sha256"));
    }
    if locked["lastModified"].as_u64().is_none_or(|t| t == 0) {
        problems.push(format!("{name}: lastModified is missing"));
    }
}

/// Everything that would make Nix re-lock (or refuse) this lock for these inputs.
pub fn problems(inputs: &Inputs, lock: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if lock["version"].as_u64() != Some(7) {
        problems.push("lock version is not 7".into());
    }
    let Some(nodes) = lock["nodes"].as_object() else {
        return vec!["the lock has no nodes".into()];
    };
    let root_name = lock["root"].as_str().unwrap_or("root");
    let root_inputs = nodes
        .get(root_name)
        .and_then(|root| root["inputs"].as_object())
        .cloned()
        .unwrap_or_default();
    let declared: BTreeSet<&str> = inputs.names().collect();
    let locked_names: BTreeSet<&str> = root_inputs.keys().map(String::as_str).collect();
    for missing in declared.difference(&locked_names) {
        problems.push(format!("input {missing} is not in the lock"));
    }
    for extra in locked_names.difference(&declared) {
        problems.push(format!(
            "the lock has input {extra}, which flake.nix does not declare"
        ));
    }

    let mut reachable = BTreeSet::from([root_name.to_string()]);
    for (name, input) in &inputs.0 {
        let Some(node_name) = root_inputs.get(name).and_then(Value::as_str) else {
            continue;
        };
        reachable.insert(node_name.to_string());
        let Some(node) = nodes.get(node_name) else {
            problems.push(format!("node {node_name} is missing"));
            continue;
        };
        match original_of(&input.url) {
            Ok(original) if node["original"] == original => {}
            Ok(original) => problems.push(format!(
                "{name}: original {} does not match the URL {} (expected {original})",
                node["original"], input.url
            )),
            Err(error) => problems.push(format!("{name}: {error}")),
        }
        if node["flake"].as_bool().unwrap_or(true) != input.flake {
            problems.push(format!("{name}: `flake` differs from flake.nix"));
        }
        check_locked(name, node, &mut problems);

        // Declared follows become paths; the input's other inputs are nodes of their own.
        let node_inputs = node["inputs"].as_object().cloned().unwrap_or_default();
        for (inner, path) in &input.follows {
            let expected = Value::from(path.clone());
            if node_inputs.get(inner) != Some(&expected) {
                problems.push(format!(
                    "{name}.{inner} should follow {path:?} in the lock, found {}",
                    node_inputs.get(inner).unwrap_or(&Value::Null)
                ));
            }
        }
        for (inner, target) in &node_inputs {
            if input.follows.contains_key(inner) {
                continue;
            }
            match target.as_str().and_then(|t| nodes.get(t).map(|n| (t, n))) {
                Some((target_name, target_node)) => {
                    reachable.insert(target_name.to_string());
                    check_locked(target_name, target_node, &mut problems);
                }
                None => problems.push(format!("{name}.{inner} points at no node")),
            }
        }
    }
    for unused in nodes.keys().filter(|n| !reachable.contains(*n)) {
        problems.push(format!("node {unused} is not used by any input"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inputs() -> Inputs {
        Inputs::from_json(&json!({
            "nixpkgs": { "url": "github:NixOS/nixpkgs/nixos-26.05" },
            "tool": { "url": "github:someone/tool", "inputs": { "nixpkgs": { "follows": "nixpkgs" } } }
        }))
        .expect("valid inputs")
    }

    fn locked(owner: &str, repo: &str) -> Value {
        json!({
            "lastModified": 1785734586,
            "narHash": "sha256-ODZkEK9Gy50yg6h98u7KkitZ3oc/uuTFK00bh1CRdNA=",
            "owner": owner, "repo": repo,
            "rev": "531670d871c0e29724a02f3cbcac170adc65b58c", "type": "github"
        })
    }

    fn lock() -> Value {
        json!({
            "nodes": {
                "nixpkgs": {
                    "locked": locked("NixOS", "nixpkgs"),
                    "original": { "owner": "NixOS", "ref": "nixos-26.05", "repo": "nixpkgs", "type": "github" }
                },
                "root": { "inputs": { "nixpkgs": "nixpkgs", "tool": "tool" } },
                "tool": {
                    "inputs": { "nixpkgs": [ "nixpkgs" ], "extra": "extra" },
                    "locked": locked("someone", "tool"),
                    "original": { "owner": "someone", "repo": "tool", "type": "github" }
                },
                "extra": {
                    "flake": false,
                    "locked": locked("someone", "extra"),
                    "original": { "owner": "someone", "repo": "extra", "type": "github" }
                }
            },
            "root": "root",
            "version": 7
        })
    }

    #[test]
    fn a_matching_lock_has_no_problems() {
        assert_eq!(problems(&inputs(), &lock()), Vec::<String>::new());
    }

    #[test]
    fn a_changed_ref_is_caught() {
        let mut lock = lock();
        lock["nodes"]["nixpkgs"]["original"]["ref"] = json!("nixos-unstable");
        let found = problems(&inputs(), &lock);
        assert!(
            found.iter().any(|p| p.contains("does not match the URL")),
            "{found:?}"
        );
    }

    #[test]
    fn a_broken_follow_and_a_bad_hash_are_caught() {
        let mut lock = lock();
        lock["nodes"]["tool"]["inputs"]["nixpkgs"] = json!("nixpkgs_2");
        lock["nodes"]["extra"]["locked"]["narHash"] = json!("sha256:abc");
        let found = problems(&inputs(), &lock);
        assert!(
            found.iter().any(|p| p.contains("should follow")),
            "{found:?}"
        );
        assert!(found.iter().any(|p| p.contains("not an SRI")), "{found:?}");
    }

    #[test]
    fn an_undeclared_or_missing_input_is_caught() {
        let mut lock = lock();
        lock["nodes"]["root"]["inputs"] = json!({ "nixpkgs": "nixpkgs", "other": "tool" });
        let found = problems(&inputs(), &lock);
        assert!(
            found
                .iter()
                .any(|p| p.contains("input tool is not in the lock")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("does not declare")),
            "{found:?}"
        );
    }

    #[test]
    fn github_urls_map_to_originals() {
        assert_eq!(
            original_of("github:ipetkov/crane").expect("valid"),
            json!({ "owner": "ipetkov", "repo": "crane", "type": "github" })
        );
        assert!(original_of("git+https://example.org/x").is_err());
    }

    #[test]
    fn sri_hashes_are_recognised() {
        assert!(is_sri_sha256(
            "sha256-MPaRdVkf6zZP5fCPxYCi8Dr4pZzgmXzg8T9nVEbp3Mw="
        ));
        assert!(!is_sri_sha256("sha256-short="));
        assert!(!is_sri_sha256(
            "0507679dff16814b74516cd969a9b16d2ced1347388024bc7966264648c78bfb"
        ));
    }
}
