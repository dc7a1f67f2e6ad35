//! Nix itself builds the flake's derivations here, sandboxed (no network, build users, only
//! declared inputs), on the nixpkgs stand-in (`suite/nixpkgs-standin/`) made of this machine's
//! parts. The flake's own files are evaluated: `flake.nix`, `nix/overlay.nix`, `nix/scope.nix`
//! and the package files, exactly as a user's Nix evaluates them over nixpkgs.

use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail, ensure};

use crate::context::{stdout_text, tail};
use crate::support::files::{copy_tree, flake_copy};
use crate::support::standin::{
    self, build, build_expression, expression_for, sandboxed_nix, standin_dir, store_path,
};
use crate::support::toolchain::hello_component;
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

mod standin_parts;
mod two_wings;

use self::standin_parts::prepare;
use self::two_wings::suite_edits_change_no_product;

const AREA: &str = "nix-builds";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "stand-in parts written; Nix builds in its sandbox here",
        |ctx| match prepare(ctx)? {
            // The longest build of the area (about 8 minutes on 2 cores when not in the store)
            // runs beside the checks up to the one that needs it.
            Verdict::Proved(parts) => {
                let ahead = standin::build_ahead(ctx, WASMTIME_P3)?;
                Ok(Verdict::Proved(format!("{parts}; {ahead}")))
            }
            skipped => Ok(skipped),
        },
    );
    suite.check(
        AREA,
        "every package, shell and check evaluates to a .drv for the four systems",
        every_output,
    );
    suite.check(
        AREA,
        "two wings: an edit of the offline suite or a bench changes no package, shell or check of the flake; an edit of a tool does",
        suite_edits_change_no_product,
    );
    suite.check(
        AREA,
        "wasi-sdk built by Nix (sandbox on): its install check compiles C",
        |ctx| build(ctx, "packages.x86_64-linux.wasi-sdk").map(Verdict::Proved),
    );
    suite.check(
        AREA,
        "rust-std-wasip2 built by Nix: bootstrap in the sandbox, then the join; its compiler makes a component Wasmtime runs",
        rust_std,
    );
    suite.check(
        AREA,
        "checks.toolchain-component built by Nix: cargo makes a component, Wasmtime runs it",
        |ctx| build(ctx, "checks.x86_64-linux.toolchain-component").map(Verdict::Proved),
    );
    suite.check(
        AREA,
        "wasip2-doctor built by Nix (its tests run in the build); checks.doctor passes in the dev shell's environment",
        |ctx| {
            let package = build(ctx, "packages.x86_64-linux.wasip2-doctor")?;
            let check = build(ctx, "checks.x86_64-linux.doctor")?;
            Ok(Verdict::Proved(format!("{package}; {check}")))
        },
    );
    suite.check(
        AREA,
        "checks.workspace-lint built by Nix: rustfmt, clippy with warnings denied, shellcheck, in the sandbox; a misformatted copy fails",
        |ctx| {
            let clean = build(ctx, "checks.x86_64-linux.workspace-lint")?;
            let fault = fault_caught(
                ctx,
                "tools/wasip2-doctor/src/lib.rs",
                "pub mod checks;",
                "pub mod   checks;",
                "checks.x86_64-linux.workspace-lint",
                "Diff in",
            )?;
            match fault {
                Verdict::Proved(fault) => Ok(Verdict::Proved(format!("{clean}; {fault}"))),
                skipped => Ok(skipped),
            }
        },
    );
    suite.check(
        AREA,
        "ui-wasip2 built by Nix on the offline subset: compiletest in the sandbox, run-pass tests in Wasmtime",
        ui_subset,
    );
    suite.check(
        AREA,
        "a derivation script that uses compgen fails in the Nix build",
        |ctx| {
            fault_caught(
                ctx,
                "ui-tests/run-ui-tests.sh",
                r#"matched "$stage0"/lib/rustlib/"$target"/lib/libstd-*.rlib ||"#,
                r#"compgen -G "$stage0/lib/rustlib/$target/lib/libstd-*.rlib" >/dev/null ||"#,
                "checks.x86_64-linux.ui-wasip2",
                "compgen: command not found",
            )
        },
    );
    suite.check(
        AREA,
        "nix-shell of devShells.default: a template's cargo test and run, C through the cc crate, tests only under the runner",
        dev_shell,
    );
    suite.check(
        AREA,
        "a pipeline with a failing command before `| tee $out` fails the Nix build, as nixpkgs' pipefail makes it",
        |ctx| {
            fault_caught(
                ctx,
                "checks/toolchain-component.nix",
                "\" | tee $out",
                "\" | { cat; false; } | tee $out",
                "checks.x86_64-linux.toolchain-component",
                "failed with exit code 1",
            )
        },
    );
    suite.check(
        AREA,
        "a check that runs Wasmtime with its default cache fails in the Nix build",
        |ctx| {
            fault_caught(
                ctx,
                "checks/toolchain-component.nix",
                // Before the check points HOME at its build folder: HOME is the sandbox's.
                "export HOME=",
                "echo '(module (func (export \"_start\")))' > start.wat\n    wasmtime run start.wat\n    export HOME=",
                "checks.x86_64-linux.toolchain-component",
                "failed to create cache directory",
            )
        },
    );
    // Last in the area: wasmtime-p3 has been building since the first check.
    suite.check(
        AREA,
        "wasmtime-p3 built by Nix from the crate registry's wasmtime-cli: the crate by its registry hash, its Cargo.lock vendored by fetchCargoVendor's cargoHash",
        wasmtime_p3,
    );
    suite.check(
        AREA,
        "rust-std-wasip3 built by Nix (the p2+p3 std from one bootstrap), for the areas after this one and crane's wasip3 template",
        |ctx| Ok(Verdict::Proved(standin::wasip3_toolchain(ctx)?.1)),
    );
}

/// Outputs that cannot evaluate on the stand-in, and why: what they need is not stood in.
const NOT_STOOD_IN: &[(&str, &str)] = &[
    (
        "template-",
        "the templates' checks are crane builds, and crane needs nixpkgs' real lib and Nix >= 2.18 (the flake-eval area builds them with Nix 2.26)",
    ),
    (
        "fenix",
        "fenix reads its channel manifest by import-from-derivation, from the network",
    ),
    ("nix-style", "statix has no part here"),
];

/// The flake's Wasmtime for wasm32-wasip3, kept at `work/wasmtime-p3` for the areas that run p3
/// components. The fixed-output stage's hash is nixpkgs' cargoHash: were the stand-in's layout
/// not nixpkgs', Nix would refuse the output.
const WASMTIME_P3: &str = "packages.x86_64-linux.wasmtime-p3";

fn wasmtime_p3(ctx: &mut Context) -> CheckResult {
    let attribute = WASMTIME_P3;
    let link = ctx.work.join("wasmtime-p3");
    let built = build_expression(ctx, attribute, &expression_for(ctx, attribute), Some(&link))?;
    let output = ctx.run(
        "wasmtime-p3-version",
        Command::new(link.join("bin/wasmtime")).arg("--version"),
    )?;
    let version = stdout_text(&output);
    ctx.parts.wasmtime_p3 = Some(link);
    Ok(Verdict::Proved(format!("{built}; {}", version.trim())))
}

fn every_output(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let output = ctx.run(
        "every-output",
        sandboxed_nix(ctx, "nix-instantiate")
            .args(["--eval", "--strict", "--json"])
            .arg(ctx.repo.join("suite/nixpkgs-standin/every-output.nix")),
    )?;
    let evaluated: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("every-output.nix gave no JSON")?;
    let (mut ok, mut refused) = (0, Vec::new());
    for (kind, systems) in evaluated.as_object().context("no outputs")? {
        for (system, names) in systems.as_object().context("no systems")? {
            for (name, success) in names.as_object().context("no names")? {
                if success == true {
                    ok += 1;
                    continue;
                }
                let Some((_, why)) = NOT_STOOD_IN.iter().find(|(part, _)| name.contains(part))
                else {
                    bail!("{kind}.{system}.{name} does not evaluate on the stand-in");
                };
                refused.push(format!("{kind}.{name} ({why})"));
            }
        }
    }
    refused.sort();
    refused.dedup();
    ensure!(ok > 0, "no output evaluated");
    Ok(Verdict::Proved(format!(
        "{ok} outputs evaluate to a .drv; not stood in, so not evaluated: {}",
        refused.join("; ")
    )))
}

/// The from-source std, built by Nix: every later area (and the benchmarks) builds with this
/// toolchain, kept at `work/toolchain-wasip2`.
fn rust_std(ctx: &mut Context) -> CheckResult {
    let attribute = "packages.x86_64-linux.rust-std-wasip2";
    let link = ctx.work.join("toolchain-wasip2");
    if link.is_dir() && !link.is_symlink() {
        std::fs::remove_dir_all(&link)?;
    }
    let built = build_expression(ctx, attribute, &expression_for(ctx, attribute), Some(&link))?;
    let verdict = std_runs(ctx, &built)?;
    ctx.parts.wasip2_toolchain = Some(link);
    Ok(verdict)
}

/// The joined toolchain's rustc builds a component for wasm32-wasip2 against the std the Nix
/// build made, and Wasmtime runs it.
fn std_runs(ctx: &Context, built: &str) -> CheckResult {
    let toolchain = store_path(built);
    let dir = hello_component(
        ctx,
        &toolchain,
        "wasm32-wasip2",
        "nix-built-std-hello",
        "println!(\"hello from the std Nix built\");",
    )?;
    let wasmtime = ctx.parts.wasmtime.clone().context("no wasmtime")?;
    let output = ctx.run(
        "nix-std-hello-run",
        Command::new(wasmtime.join("bin/wasmtime"))
            .arg("run")
            .arg(dir.join("hello.wasm")),
    )?;
    let said = stdout_text(&output);
    ensure!(
        said.trim() == "hello from the std Nix built",
        "the component printed {said:?}"
    );
    Ok(Verdict::Proved(format!(
        "{built}; its rustc made a component that printed {:?}",
        said.trim()
    )))
}

/// The UI-test check with the offline subset's paths (the flake's check runs the default
/// selection, which takes minutes more): its report says what ran.
fn ui_subset(ctx: &mut Context) -> CheckResult {
    Ok(Verdict::Proved(
        standin::ui_subset(ctx, "wasm32-wasip2")?.summary,
    ))
}

/// The everyday shell as a user enters it (`nix-shell`, Nix 2.8's `nix develop`), with only what
/// the shell provides (`--pure`), and in it what a user does first: the wordcount template's
/// tests and a run, a crate whose build script compiles C through the cc crate (it must take the
/// SDK's clang the shell names), and `cargo test` of a crate, which runs under Wasmtime only
/// because of the shell's runner.
fn dev_shell(ctx: &mut Context) -> CheckResult {
    if !standin_dir(ctx).join("parts.json").exists() {
        bail!("the stand-in's parts were not written (see the first check of this area)");
    }
    let (Some(env), Some(stage0)) = (ctx.parts.build_env.clone(), ctx.parts.stage0.clone()) else {
        bail!("no Nix build environment or stage-0 toolchain (see the parts area)");
    };
    let work = ctx.fresh_dir("nix-shell")?;
    copy_tree(&ctx.repo.join("templates/wasip2"), &work.join("wordcount"))?;
    for fixture in ["c-dependency", "runner-tests"] {
        copy_tree(
            &ctx.repo.join("suite/fixtures").join(fixture),
            &work.join(fixture),
        )?;
    }
    // The shell has no network: the cc crate is fetched ahead, as a user's first build would.
    ctx.run(
        "cargo-fetch-c-dependency",
        Command::new(stage0.join("bin/cargo"))
            .arg("fetch")
            .current_dir(work.join("c-dependency")),
    )?;
    let script = r#"set -e
wasip2-doctor --quick
(cd wordcount && cargo test --offline && echo 'a b c' | cargo run --offline --quiet)
(cd c-dependency && cargo run --offline --quiet --target wasm32-wasip2)
grep -l -F "$CC_wasm32_wasip2" c-dependency/target/wasm32-wasip2/debug/build/*/output >/dev/null && echo "cc used $CC_wasm32_wasip2"
(cd runner-tests && cargo test --offline --target wasm32-wasip2)
(cd runner-tests && cargo nextest list --offline --target wasm32-wasip2 > ../nextest-list.txt) && echo "nextest in the shell: $(grep -c runs_as_a_wasip2_component nextest-list.txt) listed through the runner"
(cd runner-tests && ! env -u CARGO_TARGET_WASM32_WASIP2_RUNNER cargo test --offline --target wasm32-wasip2 2>/dev/null) && echo "without the runner: refused""#;
    let started = Instant::now();
    let output = ctx.run(
        "nix-shell",
        sandboxed_nix(ctx, "nix-shell")
            .current_dir(&work)
            .arg(ctx.repo.join("suite/nixpkgs-standin/flake-outputs.nix"))
            .args(["-A", "devShells.x86_64-linux.default", "--pure", "--run"])
            .arg(script)
            .env("NIX_BUILD_SHELL", &env.bash),
    )?;
    let stdout = stdout_text(&output);
    let said = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    ensure!(
        said.contains("wasm32-wasip2 shell: Rust"),
        "the shell's greeting is missing:\n{}",
        tail(&output, 20)
    );
    let passed: Vec<usize> = said
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .collect();
    ensure!(
        passed.iter().sum::<usize>() > 2,
        "cargo test in the shell passed too few tests ({passed:?}):\n{said}"
    );
    let line_with = |prefix: &str| {
        stdout
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
    };
    // wc's layout: the counts right-aligned in columns.
    let counted = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| l.ends_with(" -"))
        .unwrap_or_default();
    ensure!(
        counted == "1 3 6 -",
        "cargo run of the template printed {counted:?} for 'a b c':\n{stdout}"
    );
    // Fletcher-16 of "abcde" is 0xC8F0 = 51440.
    let c_said = line_with("fletcher16").unwrap_or_default();
    ensure!(
        c_said == "fletcher16(abcde) = 51440, strlen = 6",
        "the C code answered {c_said:?}:\n{stdout}"
    );
    let cc =
        line_with("cc used ").context("the cc crate did not use the shell's CC_wasm32_wasip2")?;
    // nextest lists a test binary's tests by running the binary (here under the shell's runner).
    ensure!(
        stdout.contains("nextest in the shell: 1 listed through the runner"),
        "cargo nextest in the shell did not list runner-tests' tests:\n{}",
        tail(&output, 20)
    );
    ensure!(
        stdout.contains("without the runner: refused"),
        "cargo test passed without the shell's runner: the tests did not need Wasmtime"
    );
    for component in [
        "wordcount/target/wasm32-wasip2/debug/wordcount.wasm",
        "c-dependency/target/wasm32-wasip2/debug/c-dependency.wasm",
    ] {
        expect_component(&work.join(component))?;
    }
    Ok(Verdict::Proved(format!(
        "in {:.0} s: the doctor's quick checks pass; tests passed under Wasmtime {passed:?} (and not without the runner); cargo-nextest lists them through the runner; the template counted 'a b c' as {counted:?}; C: {c_said:?}, {cc}",
        started.elapsed().as_secs_f64()
    )))
}

/// A fault of a kind once found only by users: a copy of the repository with `from` replaced by
/// `to` in `file`; the Nix build of `attribute` must fail, and say `said`.
fn fault_caught(
    ctx: &mut Context,
    file: &str,
    from: &str,
    to: &str,
    attribute: &str,
    said: &str,
) -> CheckResult {
    let copy = flake_copy(ctx, "nix-builds-fault")?;
    let text = std::fs::read_to_string(copy.join(file))?;
    ensure!(text.contains(from), "{file} no longer contains {from:?}");
    std::fs::write(copy.join(file), text.replacen(from, to, 1))?;
    let output = ctx.run_unchecked(
        "nix-build-fault",
        sandboxed_nix(ctx, "nix-build")
            .arg(copy.join("suite/nixpkgs-standin/flake-outputs.nix"))
            .args(["-A", attribute, "--no-out-link"]),
    )?;
    let text = tail(&output, 40);
    ensure!(
        !output.status.success(),
        "the Nix build of {attribute} passed with the fault in {file}"
    );
    let line = text
        .lines()
        .find(|line| line.contains(said))
        .with_context(|| format!("the Nix build failed, but not with {said:?}:\n{text}"))?;
    Ok(Verdict::Proved(format!(
        "{file} with the fault: the build of {attribute} failed: {}",
        line.trim()
    )))
}
