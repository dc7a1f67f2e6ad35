//! Every template as a user gets it: `nix flake init -t path:<repo>#<name>` with Debian's Nix into
//! a fresh folder, then in that folder what the template's flake checks run: fmt, clippy with
//! warnings denied, the tests under Wasmtime, a release build and the smoke run (the same
//! scripts the flake checks call, where the template has one).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail, ensure};

use crate::areas::dev_env::{cargo, eval_dev_env};
use crate::areas::nix::flake_copy;
use crate::context::{stdout_text, tail, which};
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "templates";
/// What a user types for this flake, and what the templates name as their input.
const FLAKE_URL: &str = "github:wasip2-flake/wasip2-flake";

/// Each template, the component its release build makes (relative to the target folder), and
/// the smoke run that proves it works.
const TEMPLATES: &[(&str, &str, Smoke)] = &[
    (
        "wasip2",
        "wasm32-wasip2/release/wordcount.wasm",
        Smoke::Wordcount,
    ),
    (
        "wasip2-c",
        "wasm32-wasip2/release/checksum.wasm",
        Smoke::Checksum,
    ),
    (
        "wasip2-http",
        "wasm32-wasip2/release/http_hello.wasm",
        Smoke::HttpServe,
    ),
    (
        "wasip2-component",
        "wasm32-wasip2/release/greeter.wasm",
        Smoke::WitAndInvoke,
    ),
];

#[derive(Clone, Copy)]
enum Smoke {
    Wordcount,
    Checksum,
    HttpServe,
    WitAndInvoke,
}

/// The files every template ships; no flake.lock (the user's Nix writes it).
const REQUIRED_FILES: &[&str] = &[
    "flake.nix",
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo/config.toml",
    "README.md",
    ".envrc",
    ".gitignore",
];

pub fn run(suite: &mut Suite) {
    for (name, component, smoke) in TEMPLATES {
        suite.check(
            AREA,
            &format!(
                "{name}: flake init, fmt, clippy, tests in wasmtime, release build, smoke run"
            ),
            |ctx| template(ctx, name, component, *smoke),
        );
    }
    suite.check(
        AREA,
        "an unknown template name gets Nix's error naming it",
        bogus_template,
    );
}

fn prerequisites(ctx: &Context) -> Option<String> {
    if which("nix").is_none() {
        Some("nix is not installed (apt-get install nix-bin)".into())
    } else if ctx.parts.wasip2_toolchain.is_none() {
        Some("no toolchain with the wasip2 std (see the rust-std area)".into())
    } else if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        Some("no wasmtime or no SDK (see the parts area)".into())
    } else {
        None
    }
}

/// `nix flake init -t path:<copy of the repository>#<name>` in a fresh folder.
fn flake_init(ctx: &Context, flake: &Path, name: &str) -> Result<(PathBuf, String)> {
    let dir = ctx.fresh_dir(&format!("template-{name}"))?;
    let output = ctx.run(
        &format!("flake-init-{name}"),
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#{name}", flake.display())),
    )?;
    let said = format!(
        "{}{}",
        stdout_text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((dir, said))
}

fn template(ctx: &mut Context, name: &str, component: &str, smoke: Smoke) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let (dir, welcome) = flake_init(ctx, &flake, name)?;
    for file in REQUIRED_FILES {
        ensure!(dir.join(file).is_file(), "the template has no {file}");
    }
    ensure!(
        !dir.join("flake.lock").exists(),
        "the template ships a flake.lock; the user's Nix should write it"
    );
    ensure!(
        welcome.contains("nix develop") && welcome.contains("nix flake check"),
        "the welcome text does not give the next commands:\n{welcome}"
    );

    check_flake_inputs(ctx, &dir)?;

    let env = eval_dev_env(ctx)?;
    ctx.run(
        &format!("{name}-fmt"),
        cargo(ctx, &env, &dir)?.args(["fmt", "--check"]),
    )?;
    ctx.run(
        &format!("{name}-clippy"),
        cargo(ctx, &env, &dir)?.args(["clippy", "--all-targets", "--", "-D", "warnings"]),
    )?;
    let tests = ctx.run(&format!("{name}-test"), cargo(ctx, &env, &dir)?.arg("test"))?;
    let passed = passed_tests(&format!(
        "{}{}",
        stdout_text(&tests),
        String::from_utf8_lossy(&tests.stderr)
    ));
    ensure!(passed > 0, "cargo test ran no test");
    ctx.run(
        &format!("{name}-build"),
        cargo(ctx, &env, &dir)?.args(["build", "--release"]),
    )?;
    let wasm = dir.join("target").join(component);
    expect_component(&wasm)?;
    let size = std::fs::metadata(&wasm)?.len();
    let rebuilt = rebuild_is_identical(ctx, &env, &dir, &wasm)?;
    let smoked = run_smoke(ctx, &dir, &wasm, smoke)?;
    Ok(Verdict::Proved(format!(
        "{passed} tests passed in wasmtime; release component {size} bytes, {rebuilt}; {smoked}"
    )))
}

/// The template's flake takes this flake by the address users type, and nixpkgs from it; its
/// outputs function accepts exactly those inputs (this flake's `nix/checks/templates.nix` calls it
/// that way).
fn check_flake_inputs(ctx: &Context, dir: &Path) -> Result<()> {
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

/// The project's own crate compiled again from scratch (its dependencies kept) gives the same
/// bytes: the offline form of the flake's `reproducible` check.
fn rebuild_is_identical(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    wasm: &Path,
) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    let package = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim_matches('"').to_string())
        .context("Cargo.toml names no package")?;
    let first = std::fs::read(wasm)?;
    ctx.run(
        "template-clean",
        cargo(ctx, env, dir)?.args([
            "clean",
            "--release",
            "--target",
            "wasm32-wasip2",
            "-p",
            &package,
        ]),
    )?;
    ensure!(!wasm.exists(), "cargo clean left {}", wasm.display());
    let rebuild = ctx.run(
        "template-rebuild",
        cargo(ctx, env, dir)?.args(["build", "--release"]),
    )?;
    ensure!(
        String::from_utf8_lossy(&rebuild.stderr).contains(&format!("Compiling {package} ")),
        "cargo did not compile {package} again"
    );
    ensure!(
        std::fs::read(wasm)? == first,
        "rebuilding {package} gave different bytes"
    );
    Ok(format!("identical when {package} is rebuilt"))
}

/// The sum of "N passed" over cargo test's result lines.
fn passed_tests(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|n| n.parse::<usize>().ok())
        .sum()
}

/// PATH with wasmtime and the suite's toolchain first, as in the dev shell.
fn tools_path(ctx: &Context) -> Result<std::ffi::OsString> {
    let mut dirs = Vec::new();
    if let Some(wasmtime) = &ctx.parts.wasmtime {
        dirs.push(wasmtime.join("bin"));
    }
    if let Some(old) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&old));
    }
    Ok(std::env::join_paths(dirs)?)
}

fn wasmtime(ctx: &Context) -> Result<Command> {
    let Some(dir) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
    };
    Ok(Command::new(dir.join("bin/wasmtime")))
}

fn run_with_stdin(label: &str, command: &mut Command, input: &[u8]) -> Result<String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {label}"))?;
    child
        .stdin
        .take()
        .context("stdin is piped")?
        .write_all(input)?;
    let output = child.wait_with_output()?;
    ensure!(
        output.status.success(),
        "{label} failed ({}): {}",
        output.status,
        tail(&output, 10)
    );
    Ok(stdout_text(&output))
}

fn run_smoke(ctx: &Context, dir: &Path, wasm: &Path, smoke: Smoke) -> Result<String> {
    match smoke {
        Smoke::Wordcount => {
            let data = dir.join("smoke-data");
            std::fs::create_dir_all(&data)?;
            std::fs::write(data.join("notes.txt"), "one two\nthree\n")?;
            let json = ctx.run(
                "wordcount-smoke-file",
                wasmtime(ctx)?
                    .arg("run")
                    .arg("--dir")
                    .arg(format!("{}::/data", data.display()))
                    .args(["--env", "WORDCOUNT_FORMAT=json"])
                    .arg(wasm)
                    .arg("/data/notes.txt"),
            )?;
            let json = stdout_text(&json);
            ensure!(
                json.contains(r#""lines":2,"words":3,"bytes":14"#),
                "wordcount printed {json:?} for a preopened file"
            );
            let text = run_with_stdin(
                "wordcount on stdin",
                wasmtime(ctx)?.arg("run").arg(wasm),
                b"a b c\n",
            )?;
            let fields: Vec<&str> = text.split_whitespace().collect();
            ensure!(
                fields == ["1", "3", "6", "-"],
                "wordcount printed {text:?} for stdin"
            );
            Ok("counted a preopened file (JSON) and stdin".into())
        }
        Smoke::Checksum => {
            let text = run_with_stdin(
                "checksum on stdin",
                wasmtime(ctx)?.arg("run").arg(wasm),
                b"Wikipedia",
            )?;
            ensure!(
                text.trim_end() == "11e60398  -",
                "checksum printed {text:?}, not Adler-32(\"Wikipedia\") = 11e60398"
            );
            Ok("C code in the component gave Adler-32(\"Wikipedia\") = 11e60398".into())
        }
        Smoke::HttpServe => {
            if which("curl").is_none() {
                bail!("curl is not installed (apt-get install curl)");
            }
            let output = ctx.run(
                "http-smoke",
                Command::new("bash")
                    .arg(dir.join("scripts/smoke.sh"))
                    .arg(wasm)
                    .env("PATH", tools_path(ctx)?),
            )?;
            let said = stdout_text(&output);
            let summary = said
                .lines()
                .last()
                .unwrap_or_default()
                .trim_start_matches("smoke: ")
                .to_string();
            ensure!(
                said.matches("smoke: ").count() >= 5,
                "the smoke script printed too little:\n{said}"
            );
            Ok(summary)
        }
        Smoke::WitAndInvoke => {
            if which("wasm-tools").is_none() {
                bail!("wasm-tools is not installed (bash .ci/install.sh)");
            }
            let checked = ctx.run(
                "component-wit",
                Command::new("bash")
                    .current_dir(dir)
                    .arg(dir.join("scripts/check-wit.sh"))
                    .arg(wasm)
                    .args(["wit", "greeter"]),
            )?;
            // The same script refuses a world that no longer matches the build.
            let changed = dir.join("wit-changed");
            std::fs::create_dir_all(&changed)?;
            let world = std::fs::read_to_string(dir.join("wit/world.wit"))?;
            let edited = world.replace(
                "languages: func() -> list<string>;",
                "languages: func() -> list<u8>;",
            );
            ensure!(
                edited != world,
                "wit/world.wit has no `languages` function to change"
            );
            std::fs::write(changed.join("world.wit"), edited)?;
            let refused = ctx.run_unchecked(
                "component-wit-changed",
                Command::new("bash")
                    .arg(dir.join("scripts/check-wit.sh"))
                    .arg(wasm)
                    .arg(&changed)
                    .arg("greeter"),
            )?;
            ensure!(
                !refused.status.success()
                    && String::from_utf8_lossy(&refused.stderr).contains("differs"),
                "check-wit.sh accepted a world the component does not match"
            );
            let invoked = ctx.run(
                "component-invoke",
                wasmtime(ctx)?
                    .args(["run", "--invoke", r#"greet("Ada", "fr")"#])
                    .arg(wasm),
            )?;
            let answer = stdout_text(&invoked);
            ensure!(
                answer.trim() == r#"ok("Bonjour, Ada!")"#,
                "greet(\"Ada\", \"fr\") answered {answer:?}"
            );
            Ok(format!(
                "{}; a changed world is refused; greet(\"Ada\", \"fr\") = {}",
                stdout_text(&checked)
                    .trim()
                    .trim_start_matches("check-wit: "),
                answer.trim()
            ))
        }
    }
}

fn bogus_template(ctx: &mut Context) -> CheckResult {
    if which("nix").is_none() {
        return ctx.missing("nix is not installed (apt-get install nix-bin)");
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let dir = ctx.fresh_dir("template-bogus")?;
    let output = ctx.run_unchecked(
        "flake-init-bogus",
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#bogus", flake.display())),
    )?;
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    ensure!(
        !output.status.success() && message.contains("templates.bogus"),
        "`nix flake init -t …#bogus` did not fail with Nix's error:\n{message}"
    );
    let leftovers: BTreeMap<_, _> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| (e.file_name(), ()))
        .collect();
    ensure!(leftovers.is_empty(), "a failed init left files behind");
    Ok(Verdict::Proved(format!(
        "\"{}\"",
        message
            .lines()
            .find(|line| line.contains("bogus"))
            .unwrap_or_default()
            .trim()
    )))
}
