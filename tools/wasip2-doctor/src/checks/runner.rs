//! Cargo's runner for the target, which `cargo run` and `cargo test` start the built components
//! with: from CARGO_TARGET_WASM32_WASIP2_RUNNER or a `.cargo/config.toml`, and its program found.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::finding::Finding;
use crate::parse;

/// Where the runner for the target comes from: the environment, else the nearest
/// `.cargo/config.toml` (Cargo's own order: the variable wins over files).
pub fn find_runner(env: &Environment) -> Result<Option<(String, String)>, String> {
    if let Some(runner) = env.var("CARGO_TARGET_WASM32_WASIP2_RUNNER") {
        return Ok(Some((
            runner.to_string(),
            "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
        )));
    }
    let mut files: Vec<PathBuf> = env
        .cwd
        .ancestors()
        .flat_map(|dir| [dir.join(".cargo/config.toml"), dir.join(".cargo/config")])
        .collect();
    if let Some(home) = env
        .var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env.var("HOME").map(|h| Path::new(h).join(".cargo")))
    {
        files.push(home.join("config.toml"));
    }
    for file in files.iter().filter(|f| f.is_file()) {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        match parse::runner_in_cargo_config(&text) {
            Ok(Some(runner)) => return Ok(Some((runner, file.display().to_string()))),
            Ok(None) => {}
            Err(error) => return Err(format!("{}: {error}", file.display())),
        }
    }
    Ok(None)
}

/// The runner's finding, and its words when its program is found (the probes run with it).
pub fn check_runner(env: &Environment) -> (Finding, Option<Vec<String>>) {
    let fix = "export CARGO_TARGET_WASM32_WASIP2_RUNNER=\"wasmtime run --dir .\" or add `[target.wasm32-wasip2] runner = \"wasmtime run --dir .\"` to .cargo/config.toml";
    match find_runner(env) {
        Ok(Some((runner, source))) => {
            let words: Vec<String> = runner.split_whitespace().map(str::to_string).collect();
            match words.first().map(|program| (program, env.which(program))) {
                Some((_, Some(_))) => (
                    Finding::pass("runner", format!("`{runner}` (from {source})")),
                    Some(words),
                ),
                Some((program, None)) => (
                    Finding::fail(
                        "runner",
                        format!("`{runner}` (from {source}): {program} is not found"),
                        format!("install {program} or change the runner; {fix}"),
                    ),
                    None,
                ),
                None => (
                    Finding::fail("runner", format!("the runner from {source} is empty"), fix),
                    None,
                ),
            }
        }
        Ok(None) => (
            Finding::fail(
                "runner",
                "no runner for wasm32-wasip2: `cargo run` and `cargo test` cannot start the programs they build",
                fix,
            ),
            None,
        ),
        Err(error) => (
            Finding::fail("runner", error, "fix the Cargo configuration file"),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch::Scratch;

    #[test]
    fn the_runner_variable_wins_over_config_files() {
        let dir = Scratch::new("runner");
        let project = dir.path();
        let config = project.join(".cargo/config.toml");
        std::fs::create_dir_all(project.join(".cargo")).expect("folders");
        std::fs::write(
            &config,
            "[target.wasm32-wasip2]\nrunner = \"wasmtime run --dir .\"\n",
        )
        .expect("config");
        let nested = project.join("src/deep");
        std::fs::create_dir_all(&nested).expect("folders");
        let mut env = Environment {
            vars: [(
                "HOME".to_string(),
                project.join("home").display().to_string(),
            )]
            .into(),
            cwd: nested,
        };
        let (runner, source) = find_runner(&env).expect("readable").expect("found");
        assert_eq!(runner, "wasmtime run --dir .");
        assert!(source.ends_with(".cargo/config.toml"));
        env.vars.insert(
            "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
            "other run".into(),
        );
        assert_eq!(
            find_runner(&env).expect("readable").map(|r| r.0),
            Some("other run".into())
        );
        env.vars.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
        std::fs::write(&config, "[build]\njobs = 1\n").expect("config");
        assert_eq!(find_runner(&env).expect("readable"), None);
    }
}
