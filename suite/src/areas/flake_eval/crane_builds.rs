//! Every template as a user builds it: each check of its `nix flake check`, `nix build`,
//! `nix run` with the arguments its README shows, and `cargo test` in its `nix develop` shell.
//! The real crane at flake.lock's revision does the building, on the stand-in with nixpkgs'
//! real lib (crane needs all of it), by Nix 2.26 with `sandbox = true`. Its store is kept in the
//! cache (`nix-2.26-crane`), so a later run on the same machine builds only what changed; a new
//! machine builds everything. What `nix run` and the shell start runs outside the sandbox, as a
//! user's does, with that store mounted at /nix/store in a mount namespace of its own.

use super::*;
use crate::context::{last_lines, libtest_results, without_colours};
use crate::support::files::copy_tree;
use crate::support::standin::{outputs_file, sandbox_paths};
use crate::support::toolchain::keep_target_between_runs;

/// How `nix run` is tried for a template: the app, its arguments, its standard input, and what
/// its output must contain.
struct Run {
    template: &'static str,
    app: &'static str,
    args: &'static [&'static str],
    stdin: &'static str,
    expect: &'static str,
}

/// The commands each template's README shows (and, for the component, the export it calls).
const RUNS: &[Run] = &[
    Run {
        template: "wasip2",
        app: "default",
        args: &["README.md"],
        stdin: "",
        expect: "README.md",
    },
    Run {
        template: "wasip2-c",
        app: "default",
        args: &[],
        stdin: "Wikipedia",
        expect: "11e60398",
    },
    Run {
        template: "wasip2-component",
        app: "default",
        args: &["greet(\"Ada\", \"fr\")"],
        stdin: "",
        expect: "ok(\"Bonjour, Ada!\")",
    },
    Run {
        template: "wasip3",
        app: "default",
        args: &["--file", "README.md"],
        stdin: "",
        expect: "from a component built for WASIp3",
    },
    Run {
        template: "wasip3",
        app: "timers",
        args: &[],
        stdin: "",
        expect: "awaited together",
    },
];

/// The http template's `nix run` serves on 127.0.0.1:8080 until stopped: it runs in a network
/// namespace of its own (so the port is free), answers one request, and is stopped.
const HTTP_RUN: &str = r#"
ip link set lo up
"$0" >"$1" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 300); do
  if answer=$(curl -fsS http://127.0.0.1:8080/hello/Ada 2>/dev/null); then
    printf '%s\n' "$answer"
    exit 0
  fi
  kill -0 $server 2>/dev/null || { cat "$1"; exit 1; }
  sleep 0.1
done
echo "no answer on 127.0.0.1:8080 within 30 s"; cat "$1"; exit 1
"#;

pub(super) fn store_root(ctx: &Context) -> PathBuf {
    ctx.cache.join("nix-2.26-crane")
}

/// Nix 2.26 with the crane store, the sandbox and the stand-in's inputs: the real crane and
/// nixpkgs' real lib checked out by `prepare`.
fn crane_nix(ctx: &Context, state: &State) -> Result<Command> {
    let program = state.nix.as_ref().context("trixie's Nix was not found")?;
    let hook = format!("{} __build-remote", program.display());
    let mut command = nix(ctx, state)?;
    command
        .arg("--store")
        .arg(format!("local?root={}", store_root(ctx).display()))
        .args(["--option", "build-hook", &hook])
        .args(["--option", "sandbox", "true"])
        .args(["--option", "sandbox-paths", &sandbox_paths(ctx).join(" ")])
        .args(["--option", "system-features", "big-parallel"])
        .args(["--option", "max-jobs", "2"])
        .env("WASIP2_STANDIN_CRANE", dir(ctx).join("crane"))
        .env("WASIP2_STANDIN_LIB", dir(ctx).join("nixpkgs/lib"));
    Ok(command)
}

/// Builds one attribute of the stand-in's outputs; prints built or failed, seconds and size.
fn build(ctx: &Context, state: &State, attribute: &str) -> Result<String> {
    build_from(ctx, state, &outputs_file(ctx), attribute).map(|(out, _)| out)
}

/// `nix build` of an attribute of `file` in the crane store, its log (`-L`) on standard error.
fn try_build(ctx: &Context, state: &State, file: &str, attribute: &str) -> Result<Output> {
    ctx.run_unchecked(
        "crane-build",
        crane_nix(ctx, state)?
            .args(["build", "--impure", "--no-link", "--print-out-paths", "-L"])
            .arg("-f")
            .arg(file)
            .arg(attribute),
    )
}

/// Builds one attribute of `file`; prints built or failed, seconds and size. Returns the output
/// path and what the builds printed.
fn build_from(
    ctx: &Context,
    state: &State,
    file: &str,
    attribute: &str,
) -> Result<(String, String)> {
    let started = Instant::now();
    let output = try_build(ctx, state, file, attribute)?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        println!("[nix-build] {attribute}: failed after {seconds:.0} s");
        bail!(
            "Nix 2.26 failed to build {attribute} ({}):\n{}",
            output.status,
            tail(&output, 40)
        );
    }
    let out = stdout_text(&output).trim().to_string();
    let size = closure_size(ctx, state, &out)?;
    // Nix says "building '<drv>'..." for each derivation it builds, and nothing when the
    // outputs are in the store already.
    let built = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.starts_with("building '"))
        .count();
    let how = if built == 0 {
        "already in the store from an earlier build of the same derivation".to_string()
    } else {
        format!("built in {seconds:.0} s ({built} derivations)")
    };
    println!("[nix-build] {attribute}: {how}, {size}");
    Ok((out, String::from_utf8_lossy(&output.stderr).into_owned()))
}

fn closure_size(ctx: &Context, state: &State, out: &str) -> Result<String> {
    let mut sizes = Vec::new();
    for path in out.lines() {
        let output = ctx.run(
            "crane-path-info",
            crane_nix(ctx, state)?
                .args(["path-info", "--json"])
                .arg(path),
        )?;
        let info: Value = serde_json::from_slice(&output.stdout).context("nix path-info --json")?;
        let nar = info
            .as_object()
            .and_then(|m| m.values().next())
            .or_else(|| info.as_array().and_then(|a| a.first()))
            .and_then(|v| v["narSize"].as_u64())
            .unwrap_or_default();
        sizes.push(format!("{:.1} MB", nar as f64 / 1e6));
    }
    Ok(sizes.join(" + "))
}

/// The names of an attribute set of the stand-in's outputs.
fn names(ctx: &Context, state: &State, attribute: &str) -> Result<Vec<String>> {
    let output = ctx.run(
        "crane-names",
        crane_nix(ctx, state)?
            .args(["eval", "--impure", "--json", "-f"])
            .arg(outputs_file(ctx))
            .arg(attribute)
            .args(["--apply", "builtins.attrNames"]),
    )?;
    serde_json::from_slice(&output.stdout).with_context(|| format!("the names of {attribute}"))
}

/// A command that runs with the crane store at /nix/store, as a user's Nix has it.
fn with_store(ctx: &Context, net: bool) -> Command {
    let mut command = Command::new("unshare");
    command.args(["--mount", "--propagation", "private"]);
    if net {
        command.arg("--net");
    }
    command.args([
        "bash",
        "-c",
        "mount --bind \"$0\" /nix/store && exec \"$@\"",
    ]);
    command.arg(store_root(ctx).join("nix/store"));
    command
}

/// Why the crane builds cannot run here, as a skip when no checkout of crane at the locked
/// revision is on the machine (mirrors never are on CI's new machines), else as a failure under
/// CI when a part is missing.
fn prerequisites(ctx: &Context, state: &State) -> Option<CheckResult> {
    if let Some(skip) = ready(state) {
        return Some(Ok(skip));
    }
    if !dir(ctx).join("crane/lib").is_dir() {
        return Some(ctx.missing("crane was not checked out (see the checkout check above)"));
    }
    None
}

/// The flake's packages the host's Nix 2.8 built already (the nix-builds area): where Nix 2.26
/// evaluates one to the same output path (the same derivation), its closure is copied into the
/// crane store instead of built again, as a binary cache would serve it.
const SHARED_WITH_HOST_STORE: [&str; 4] = [
    "wasmtime-p3",
    "rust-std-wasip2",
    "rust-std-wasip3",
    "rust-std-wasip2-unwind",
];

pub(super) fn seed_from_host_store(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let mut copied = Vec::new();
    let mut not = Vec::new();
    for package in SHARED_WITH_HOST_STORE {
        let output = ctx.run(
            "crane-seed-eval",
            crane_nix(ctx, state)?
                .args(["eval", "--impure", "--raw", "-f"])
                .arg(outputs_file(ctx))
                .arg(format!("packages.x86_64-linux.{package}.outPath")),
        )?;
        let path = stdout_text(&output).trim().to_string();
        let in_crane_store = store_root(ctx).join(path.trim_start_matches('/')).exists();
        let valid_on_host = Command::new("nix-store")
            .args(["--check-validity", &path])
            .output()
            .is_ok_and(|o| o.status.success());
        if in_crane_store || !valid_on_host {
            not.push(format!(
                "{package} ({})",
                if in_crane_store {
                    "already there"
                } else {
                    "not built by Nix 2.8 yet"
                }
            ));
            continue;
        }
        // Through a local binary cache: Nix 2.8 writes it, Nix 2.26 substitutes from it.
        let cache = ctx.fresh_dir("crane-seed-cache")?;
        let cache = format!("file://{}?compression=none", cache.display());
        ctx.run(
            "crane-seed-export",
            ctx.nix("nix").args(["copy", "--to", &cache, &path]),
        )?;
        let closure = ctx.run(
            "crane-seed-closure",
            Command::new("nix-store").args(["-qR", &path]),
        )?;
        let paths = stdout_text(&closure).lines().count();
        ctx.run(
            "crane-seed-import",
            crane_nix(ctx, state)?
                .args(["copy", "--no-check-sigs", "--from", &cache])
                .arg(&path),
        )?;
        std::fs::remove_dir_all(ctx.work.join("crane-seed-cache"))?;
        copied.push(format!("{package} ({paths} paths)"));
    }
    Ok(Verdict::Proved(format!(
        "copied: {}; not copied: {}",
        if copied.is_empty() {
            "none".to_string()
        } else {
            copied.join(", ")
        },
        if not.is_empty() {
            "none".to_string()
        } else {
            not.join(", ")
        }
    )))
}

/// Every check a template's `nix flake check` runs, built; `nix build` of its package.
pub(super) fn template_checks(ctx: &mut Context, state: &State, template: &str) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    fetch_crane_crates(ctx)?;
    fetch_template_crates(ctx, template)?;
    // The template's own checks, each under the flake's checks as template-<name>-<check>.
    let prefix = format!("template-{template}-");
    let all = names(ctx, state, "checks.x86_64-linux")?;
    let own: Vec<String> = names(
        ctx,
        state,
        &format!("templateOutputs.{template}.checks.x86_64-linux"),
    )?;
    let checks: Vec<String> = own.iter().map(|c| format!("{prefix}{c}")).collect();
    let absent: Vec<&String> = checks.iter().filter(|c| !all.contains(c)).collect();
    ensure!(
        !own.is_empty() && absent.is_empty(),
        "the template's checks {own:?} are not all in the flake's checks: missing {absent:?}"
    );
    let named = &own;
    let started = Instant::now();
    let mut check_build = None;
    for check in &checks {
        let out = build(ctx, state, &format!("checks.x86_64-linux.{check}"))?;
        if check == &format!("{prefix}build") {
            check_build = Some(out);
        }
    }
    let check_build = check_build.context("the template has no build check")?;
    let package = build(
        ctx,
        state,
        &format!("templateOutputs.{template}.packages.x86_64-linux.default"),
    )?;
    ensure!(
        package == check_build,
        "`nix build` gave {package}, the build check {check_build}"
    );
    let wasm: Vec<String> = ["bin", "lib"]
        .iter()
        .filter_map(|d| {
            std::fs::read_dir(
                store_root(ctx)
                    .join(package.trim_start_matches('/'))
                    .join(d),
            )
            .ok()
        })
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wasm"))
        .collect();
    ensure!(
        !wasm.is_empty(),
        "{package} has no bin/*.wasm or lib/*.wasm"
    );
    Ok(Verdict::Proved(format!(
        "{} checks built ({}); nix build: {} with {} in {:.0} s",
        checks.len(),
        named.join(", "),
        package,
        wasm.join(", "),
        started.elapsed().as_secs_f64()
    )))
}

/// `nix run` of each app with the arguments the template's README shows, in the template's
/// folder (where its README.md, which the commands read, is).
pub(super) fn template_runs(ctx: &mut Context, state: &State, template: &str) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let folder = ctx.repo.join("templates").join(template);
    let mut said = Vec::new();
    if template == "wasip2-http" {
        let program = app_program(ctx, state, template, "default")?;
        let log = ctx.work.join("logs/http-nix-run.log");
        let mut command = with_store(ctx, true);
        command
            .args(["bash", "-c", HTTP_RUN])
            .arg(&program)
            .arg(&log);
        let output = ctx.run("http-nix-run", command.current_dir(&folder))?;
        let answer = stdout_text(&output);
        ensure!(
            answer.contains("Hello, Ada"),
            "GET /hello/Ada answered: {answer}"
        );
        said.push(format!(
            "nix run serves; GET /hello/Ada -> {}",
            answer.trim()
        ));
    }
    for run in RUNS.iter().filter(|r| r.template == template) {
        let program = app_program(ctx, state, template, run.app)?;
        let mut command = with_store(ctx, false);
        // Standard input as a user's pipe gives it (`printf Wikipedia | nix run`).
        command
            .args([
                "bash",
                "-c",
                "printf '%s' \"$NIX_RUN_STDIN\" | exec \"$@\"",
                "nix-run",
            ])
            .arg(&program)
            .args(run.args)
            .env("NIX_RUN_STDIN", run.stdin)
            .current_dir(&folder);
        let output = ctx.run_unchecked(&format!("nix-run-{template}-{}", run.app), &mut command)?;
        let text = stdout_text(&output);
        ensure!(
            output.status.success() && text.contains(run.expect),
            "nix run .#{} -- {:?} ({}) printed:\n{text}\n{}",
            run.app,
            run.args,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        said.push(format!(
            "nix run .#{} -- {} -> {}",
            run.app,
            run.args.join(" "),
            text.lines().last().unwrap_or_default().trim()
        ));
    }
    if template == "wasip2-component" {
        // Without the export to call, the app says how to name one.
        let program = app_program(ctx, state, template, "default")?;
        let output = ctx.run_unchecked("nix-run-usage", with_store(ctx, false).arg(&program))?;
        let message = String::from_utf8_lossy(&output.stderr);
        ensure!(
            output.status.code() == Some(2) && message.contains("greet("),
            "nix run with no argument ({}): {message}",
            output.status
        );
        said.push("with no argument it exits 2 naming an export to call".into());
    }
    ensure!(!said.is_empty(), "no nix run is listed for {template}");
    Ok(Verdict::Proved(said.join("; ")))
}

fn app_program(ctx: &Context, state: &State, template: &str, app: &str) -> Result<String> {
    let attribute = format!("templateOutputs.{template}.apps.x86_64-linux.{app}");
    let output = ctx.run(
        "crane-app",
        crane_nix(ctx, state)?
            .args(["eval", "--impure", "--json", "-f"])
            .arg(outputs_file(ctx))
            .arg(&attribute),
    )?;
    let app: Value = serde_json::from_slice(&output.stdout).context("the app's JSON")?;
    ensure!(app["type"] == "app", "{attribute} is not an app: {app}");
    let program = app["program"]
        .as_str()
        .context("the app has no program")?
        .to_string();
    // The program's derivation, built (its closure is the package and Wasmtime).
    ctx.run(
        "crane-app-build",
        crane_nix(ctx, state)?
            .args(["build", "--impure", "--no-link", "-f"])
            .arg(outputs_file(ctx))
            .arg(format!("{attribute}.program")),
    )?;
    Ok(program)
}

/// `cargo test` in the template's `nix develop` shell: Nix 2.26's `print-dev-env` of its
/// devShell, sourced in a copy of the template with the store mounted, as `nix develop -c`.
pub(super) fn template_shell(ctx: &mut Context, state: &State, template: &str) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let copy = ctx.fresh_dir(&format!("crane-shell/{template}"))?;
    ctx.run(
        "crane-shell-copy",
        Command::new("cp")
            .arg("-rT")
            .arg(ctx.repo.join("templates").join(template))
            .arg(&copy),
    )?;
    let started = Instant::now();
    let env = ctx.run(
        "crane-print-dev-env",
        crane_nix(ctx, state)?
            .args(["print-dev-env", "--impure", "-f"])
            .arg(outputs_file(ctx))
            .arg(format!(
                "templateOutputs.{template}.devShells.x86_64-linux.default"
            )),
    )?;
    let env_file = copy.join(".nix-dev-env.sh");
    std::fs::write(&env_file, &env.stdout)?;
    // The shell's environment names its toolchain's store paths: its digest keys the build
    // folder kept between runs.
    let mut digest = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&env.stdout, &mut digest);
    let shell = format!("{:016x}", std::hash::Hasher::finish(&digest));
    keep_target_between_runs(ctx, &copy, &format!("crane-shell-{template}"), &shell)?;
    let mut command = with_store(ctx, false);
    command
        .args([
            "bash",
            "-c",
            "source \"$0\" && cargo test --offline --locked 2>&1",
        ])
        .arg(&env_file)
        .current_dir(&copy)
        .env("HOME", std::env::var_os("HOME").unwrap_or_default());
    let output = ctx.run("crane-shell-cargo-test", &mut command)?;
    let text = stdout_text(&output);
    let results: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("test result: "))
        .collect();
    ensure!(
        !results.is_empty() && results.iter().all(|l| l.contains(" 0 failed")),
        "cargo test in the shell:\n{}",
        tail(&output, 30)
    );
    let passed: usize = results
        .iter()
        .filter_map(|l| {
            l.split(". ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    ensure!(passed > 0, "cargo test ran no test:\n{}", tail(&output, 30));
    Ok(Verdict::Proved(format!(
        "cargo test in the dev shell: {passed} passed in {} binaries, 0 failed ({:.0} s)",
        results.len(),
        started.elapsed().as_secs_f64()
    )))
}

/// The template's crates, in the cargo cache crane's downloads are served from.
fn fetch_template_crates(ctx: &Context, template: &str) -> Result<()> {
    fetch_locked(
        ctx,
        &ctx.repo.join("templates").join(template).join("Cargo.toml"),
    )
}

/// The crates of a package's lock file, in the cargo cache crane's downloads are served from.
fn fetch_locked(ctx: &Context, manifest: &Path) -> Result<()> {
    ctx.run(
        "crane-cargo-fetch",
        Command::new("cargo")
            .args(["fetch", "--locked", "--manifest-path"])
            .arg(manifest),
    )?;
    Ok(())
}

/// crane's own tool (crane-utils, which writes Cargo.toml files) needs its crates cached too.
fn fetch_crane_crates(ctx: &Context) -> Result<()> {
    ctx.run(
        "crane-utils-fetch",
        Command::new("cargo")
            .args(["fetch", "--locked", "--manifest-path"])
            .arg(dir(ctx).join("crane/pkgs/crane-utils/Cargo.toml")),
    )?;
    Ok(())
}

/// The Nix floor README states for crane is the one crane's CHANGELOG gives at the locked
/// revision (its newest "dropped compatibility for Nix versions below X").
pub(super) fn nix_floor(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let changelog = std::fs::read_to_string(dir(ctx).join("crane/CHANGELOG.md"))?;
    let marker = "dropped compatibility for Nix versions below ";
    let floor = changelog
        .lines()
        .find_map(|l| l.split(marker).nth(1))
        .map(|v| v.trim().trim_end_matches('.').to_string())
        .context("crane's CHANGELOG names no Nix floor")?;
    let readme = std::fs::read_to_string(ctx.repo.join("README.md"))?;
    let stated = format!("Nix >= {floor}");
    ensure!(
        readme.contains(&stated),
        "crane at the locked revision needs Nix >= {floor}, and README does not say `{stated}`"
    );
    Ok(Verdict::Proved(format!(
        "crane's CHANGELOG: Nix >= {floor}; README says so"
    )))
}

/// What crane's checks are set to prove, read from their derivations (Nix 2.26 evaluates
/// `lib.craneProject` for the wasip2 template with a caller's `doCheck = false`): the tests in
/// the dev profile over dependencies built in it, doCheck on whatever the caller said, nextest
/// content with a crate without tests, and the reproducibility check's second build sharing no
/// dependency build with the first.
pub(super) fn checks_prove_their_names(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let expression = format!(
        r#"let
          flake = import {outputs};
          project = flake.lib.craneProject {{
            pkgs = flake.legacyPackages.x86_64-linux;
            src = {template};
            toolchainFile = {template}/rust-toolchain.toml;
            extraFiles = [ {template}/tests/data ];
            doCheck = false;
          }};
          inherit (project.checks) test nextest reproducible build;
          inputs = drv: builtins.attrNames (builtins.getContext drv.drvPath);
        in {{
          testProfile = test.CARGO_PROFILE;
          testDepsProfile = test.cargoArtifacts.CARGO_PROFILE or "release";
          nextestProfile = nextest.CARGO_PROFILE;
          testDoCheck = test.doCheck;
          nextestDoCheck = nextest.doCheck;
          nextestCommand = nextest.checkPhase;
          buildDeps = build.cargoArtifacts.drvPath;
          reproducibleInputs = builtins.attrNames (builtins.getContext reproducible.buildCommand);
        }}"#,
        outputs = outputs_file(ctx),
        template = ctx.repo.join("templates/wasip2").display(),
    );
    let output = ctx.run(
        "crane-checks-attributes",
        crane_nix(ctx, state)?
            .args(["eval", "--impure", "--json", "--expr"])
            .arg(expression),
    )?;
    let got: Value = serde_json::from_slice(&output.stdout).context("the checks' attributes")?;
    ensure!(
        got["testProfile"] == "dev"
            && got["nextestProfile"] == "dev"
            && got["testDepsProfile"] == "dev",
        "tests are not built in the dev profile: {got}"
    );
    ensure!(
        got["testDoCheck"] == true && got["nextestDoCheck"] == true,
        "a caller's doCheck = false turned the test checks off: {got}"
    );
    ensure!(
        got["nextestCommand"]
            .as_str()
            .is_some_and(|c| c.contains("--no-tests=warn")),
        "nextest fails a crate without tests: {}",
        got["nextestCommand"]
    );
    // The reproducibility check compares `build` with a package whose dependency build is
    // another derivation than `build`'s.
    let inputs: Vec<&str> = got["reproducibleInputs"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let rebuilt = inputs
        .iter()
        .find(|p| p.contains("-rebuilt-"))
        .context("the reproducible check compares no rebuilt package")?;
    let rebuilt_deps = ctx.run(
        "crane-rebuilt-deps",
        crane_nix(ctx, state)?
            .args(["derivation", "show"])
            .arg(rebuilt),
    )?;
    let shown = stdout_text(&rebuilt_deps);
    let build_deps = got["buildDeps"].as_str().unwrap_or_default();
    ensure!(
        shown.contains("-rebuilt-deps-") && !shown.contains(build_deps),
        "the rebuilt package reuses the first build's dependencies ({build_deps})"
    );
    ensure!(
        shown.contains("rebuilt-source"),
        "the rebuilt package builds in the same folder as the first"
    );
    Ok(Verdict::Proved(
        "test and nextest: dev profile over a dev dependency build, doCheck on despite the caller's doCheck = false, nextest --no-tests=warn; reproducible: the second package has its own dependency build (-rebuilt-deps) in /build/rebuilt-source".into(),
    ))
}

/// `lib.craneProject { panic = "unwind"; }` on a crate whose tests use temporary files and whose
/// doc-tests pass (suite/fixtures/temp-files): its test, nextest and doc checks build, the tests
/// counted as natively; with the default std, its test check fails where `temp_dir()` panics.
pub(super) fn unwind_project(ctx: &mut Context, state: &State) -> CheckResult {
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    fetch_crane_crates(ctx)?;
    let fixture = ctx.repo.join("suite/fixtures/temp-files");
    fetch_locked(ctx, &fixture.join("Cargo.toml"))?;
    // Natively first: what the checks must count.
    let native = ctx.run(
        "temp-files-native",
        Command::new("cargo")
            .current_dir(ctx.fresh_dir("crane-temp-files-native")?)
            .args(["test", "--offline", "--locked", "--manifest-path"])
            .arg(fixture.join("Cargo.toml"))
            .env(
                "CARGO_TARGET_DIR",
                ctx.work.join("crane-temp-files-native/target"),
            ),
    )?;
    let native_results = libtest_results(&stdout_text(&native));
    let file = ctx
        .repo
        .join("suite/nixpkgs-standin/crane-fixtures.nix")
        .display()
        .to_string();
    build_from(ctx, state, &file, "temp-files-unwind.checks.test")?;
    // The check's own build log (`nix log`: also when it was built by an earlier run).
    let in_check = libtest_results(&build_log(
        ctx,
        state,
        &file,
        "temp-files-unwind.checks.test",
    )?);
    ensure!(
        in_check == native_results,
        "crane's test check with the unwinding std counted {in_check:?}, natively {native_results:?}"
    );
    build_from(ctx, state, &file, "temp-files-unwind.checks.nextest")?;
    let nextest_log = build_log(ctx, state, &file, "temp-files-unwind.checks.nextest")?;
    ensure!(
        nextest_log.contains("2 tests run: 2 passed"),
        "crane's nextest check did not run the 2 tests:\n{}",
        last_lines(&nextest_log, 30)
    );
    build_from(ctx, state, &file, "temp-files-unwind.checks.doc")?;
    let abort = try_build(ctx, state, &file, "temp-files-abort.checks.test")?;
    let abort_log = String::from_utf8_lossy(&abort.stderr);
    ensure!(
        !abort.status.success() && abort_log.contains("::env::temp_dir"),
        "with the default std the test check should trap in std::env::temp_dir, but: {}\n{}",
        abort.status,
        last_lines(&abort_log, 30)
    );
    Ok(Verdict::Proved(format!(
        "unwinding std: test check {in_check:?} as natively, nextest 2 of 2, doc built; default std: the test check traps in std::env::temp_dir"
    )))
}

/// The build log Nix kept for an attribute of `file` (`nix log`).
fn build_log(ctx: &Context, state: &State, file: &str, attribute: &str) -> Result<String> {
    let output = ctx.run(
        "crane-log",
        crane_nix(ctx, state)?
            .args(["log", "--impure", "-f"])
            .arg(file)
            .arg(attribute),
    )?;
    // cargo and nextest colour their lines in Nix builds too.
    Ok(without_colours(&stdout_text(&output)))
}

/// README's flake.nix for a user's own project (docs/own-flake/flake.nix, quoted verbatim) in
/// the folder of a crate (the wasip2 template's, with that flake.nix instead of its own): its
/// package, checks and shell evaluate to derivations with the real crane.
pub(super) fn own_flake(ctx: &mut Context, state: &State) -> CheckResult {
    let file = ctx.repo.join("docs/own-flake/flake.nix");
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let readme = std::fs::read_to_string(ctx.repo.join("README.md"))?;
    ensure!(
        readme.contains(text.trim_end()),
        "README does not quote {} verbatim",
        file.display()
    );
    if let Some(skip) = prerequisites(ctx, state) {
        return skip;
    }
    let project = ctx.fresh_dir("own-flake")?;
    copy_tree(&ctx.repo.join("templates/wasip2"), &project)?;
    std::fs::copy(&file, project.join("flake.nix"))?;
    let mut said = Vec::new();
    for (what, apply) in [
        ("packages.x86_64-linux.default", "p: p.drvPath"),
        ("devShells.x86_64-linux.default", "s: s.drvPath"),
        (
            "checks.x86_64-linux",
            "c: builtins.concatStringsSep \",\" (builtins.attrNames c)",
        ),
    ] {
        let expression = format!(
            "((import {}).outputsOf {}).{what}",
            outputs_file(ctx),
            project.join("flake.nix").display()
        );
        let output = ctx.run(
            "own-flake-eval",
            crane_nix(ctx, state)?
                .args(["eval", "--impure", "--raw", "--expr", &expression])
                .args(["--apply", apply]),
        )?;
        let value = stdout_text(&output).trim().to_string();
        ensure!(
            !value.is_empty(),
            "{what} of the README's flake.nix is empty"
        );
        said.push(format!("{what}: {value}"));
    }
    Ok(Verdict::Proved(format!(
        "README quotes docs/own-flake/flake.nix; in a crate's folder it evaluates: {}",
        said.join("; ")
    )))
}
