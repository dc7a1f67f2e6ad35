//! Cargo's runner for the target, which `cargo run` and `cargo test` start the built components
//! with: from CARGO_TARGET_<TRIPLE>_RUNNER or a `.cargo/config.toml`, its program found, and for
//! a Wasmtime runner the options the target's components need.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::finding::Finding;
use crate::parse;
use crate::target::Target;

/// Where the runner for the target comes from: the environment, else the nearest
/// `.cargo/config.toml` (Cargo's own order: the variable wins over files).
pub fn find_runner(env: &Environment, target: Target) -> Result<Option<(String, String)>, String> {
    let variable = target.cargo_var("RUNNER");
    if let Some(runner) = env.var(&variable) {
        return Ok(Some((runner.to_string(), variable)));
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
        match parse::runner_in_cargo_config(&text, target.triple()) {
            Ok(Some(runner)) => return Ok(Some((runner, file.display().to_string()))),
            Ok(None) => {}
            Err(error) => return Err(format!("{}: {error}", file.display())),
        }
    }
    Ok(None)
}

/// Whether Wasmtime's words enable `option setting` (`-S p3`, `-Sp3`, `-S p3=y`, or one of a
/// comma-separated list).
pub fn wasmtime_enables(words: &[String], option: &str, setting: &str) -> bool {
    let mut values = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        if word == option {
            values.extend(iter.next().map(String::as_str));
        } else if let Some(attached) = word.strip_prefix(option) {
            values.push(attached);
        }
    }
    values.iter().flat_map(|v| v.split(',')).any(|item| {
        item == setting
            || item.strip_prefix(setting) == Some("=y")
            || item.strip_prefix(setting) == Some("=yes")
    })
}

/// The Wasmtime options the target needs that a `wasmtime ...` runner leaves out. Other runners
/// (wasi-test-runner, scripts) are not read.
pub fn missing_wasmtime_options(words: &[String], target: Target) -> Vec<String> {
    let is_wasmtime = words
        .first()
        .and_then(|p| Path::new(p).file_name())
        .is_some_and(|name| name == "wasmtime");
    if !is_wasmtime {
        return Vec::new();
    }
    target
        .wasmtime_options()
        .iter()
        .filter(|(option, setting)| !wasmtime_enables(words, option, setting))
        .map(|(option, setting)| format!("{option} {setting}"))
        .collect()
}

/// The runner's finding, and its words when its program is found (the probes run with it).
pub fn check_runner(env: &Environment, target: Target) -> (Finding, Option<Vec<String>>) {
    let triple = target.triple();
    let variable = target.cargo_var("RUNNER");
    let options: String = target
        .wasmtime_options()
        .iter()
        .map(|(option, setting)| format!("{option} {setting} "))
        .collect();
    let fix = format!(
        "export {variable}=\"wasmtime run {options}--dir .\" or add `[target.{triple}] runner = \"wasmtime run {options}--dir .\"` to .cargo/config.toml"
    );
    match find_runner(env, target) {
        Ok(Some((runner, source))) => {
            let words: Vec<String> = runner.split_whitespace().map(str::to_string).collect();
            match words.first().map(|program| (program, env.which(program))) {
                Some((_, Some(_))) => {
                    let missing = missing_wasmtime_options(&words, target);
                    let finding = if missing.is_empty() {
                        Finding::pass("runner", format!("`{runner}` (from {source})"))
                    } else {
                        Finding::warn(
                            "runner",
                            format!(
                                "`{runner}` (from {source}) does not ask for {}: a Wasmtime built without them fails only at the first {triple} import",
                                missing.join(", ")
                            ),
                            fix,
                        )
                    };
                    (finding, Some(words))
                }
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
                format!(
                    "no runner for {triple}: `cargo run` and `cargo test` cannot start the programs they build"
                ),
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

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

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
        let (runner, source) = find_runner(&env, Target::Wasip2)
            .expect("readable")
            .expect("found");
        assert_eq!(runner, "wasmtime run --dir .");
        assert!(source.ends_with(".cargo/config.toml"));
        assert_eq!(find_runner(&env, Target::Wasip3).expect("readable"), None);
        env.vars.insert(
            "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
            "other run".into(),
        );
        assert_eq!(
            find_runner(&env, Target::Wasip2)
                .expect("readable")
                .map(|r| r.0),
            Some("other run".into())
        );
        env.vars.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
        std::fs::write(&config, "[build]\njobs = 1\n").expect("config");
        assert_eq!(find_runner(&env, Target::Wasip2).expect("readable"), None);
    }

    #[test]
    fn a_p3_wasmtime_runner_must_ask_for_p3_and_async() {
        let shell = words(
            "/nix/store/x-wasmtime/bin/wasmtime run -C cache=n -S p3 -W component-model-async --dir .",
        );
        assert!(missing_wasmtime_options(&shell, Target::Wasip3).is_empty());
        let attached = words("wasmtime run -Sp3=y -Wcomponent-model-async,exceptions=y --dir .");
        assert!(missing_wasmtime_options(&attached, Target::Wasip3).is_empty());
        assert_eq!(
            missing_wasmtime_options(&words("wasmtime run --dir ."), Target::Wasip3),
            ["-S p3", "-W component-model-async"]
        );
        assert!(
            missing_wasmtime_options(
                &words("wasmtime run -S p3=n -W component-model-async --dir ."),
                Target::Wasip3
            ) == ["-S p3"]
        );
        assert!(
            missing_wasmtime_options(&words("wasmtime run --dir ."), Target::Wasip2).is_empty()
        );
        assert!(missing_wasmtime_options(&words("wasi-test-runner"), Target::Wasip3).is_empty());
    }
}
