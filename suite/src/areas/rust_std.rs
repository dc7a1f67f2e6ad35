//! What the from-source builds start from: `bootstrap-config.sh` refusing bad inputs (run as the
//! derivations' build phase runs it: see `nix_build`), and Debian's 1.95.0 source prepared with
//! its crates fetched, which the nix-builds area packs as the stand-in source tarball and the
//! UI-test runner's checks use. The std itself is built by Nix (the nix-builds area).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, ensure};

use crate::context::stdout_text;
use crate::support::nix_build::in_build_phase;
use crate::support::toolchain::host_triple;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "rust-std";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "bootstrap-config.sh refuses bad inputs with the fix",
        refuses_bad_inputs,
    );
    suite.check(
        AREA,
        "Debian's 1.95.0 source prepared (patches, tests/ui)",
        prepare_source,
    );
    suite.check(
        AREA,
        "crates of the source's lock files fetched ahead (the build itself has no network)",
        fetch_crates,
    );
}

fn script(ctx: &Context, name: &str) -> PathBuf {
    ctx.repo.join("scripts/rustc").join(name)
}

fn refuses_bad_inputs(ctx: &mut Context) -> CheckResult {
    let (Some(stage0), Some(sdk)) = (ctx.parts.stage0.clone(), ctx.parts.wasi_sdk.clone()) else {
        return ctx
            .missing("needs the stage-0 toolchain and the assembled SDK (see the parts area)");
    };
    let dir = ctx.fresh_dir("bootstrap-config-refusals")?;
    // A source tree as small as the script needs: its version and x.py.
    let source = dir.join("source");
    std::fs::create_dir_all(source.join("src"))?;
    std::fs::write(source.join("src/version"), format!("{}\n", ctx.pins.rust))?;
    std::fs::write(source.join("x.py"), "")?;

    // The refusals are about versions relative to the pin: one far below, and the previous minor.
    let rust = ctx.pins.rust.clone();
    let minor: u32 = rust
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("the pinned Rust {rust} is not MAJOR.MINOR.PATCH"))?;
    let (old_minor, previous_minor) = (minor - 5, minor - 1);

    let mut cases: Vec<(String, Vec<String>, String)> = Vec::new();
    // A WASI_SDK_PATH without the wasip2 sysroot.
    let sdk_without_p2 = dir.join("sdk-without-wasip2");
    std::fs::create_dir_all(sdk_without_p2.join("share/wasi-sysroot/lib/wasm32-wasip1"))?;
    cases.push((
        "a WASI_SDK_PATH without wasip2".into(),
        vec!["--wasi-sdk".into(), path_str(&sdk_without_p2)?],
        "share/wasi-sysroot/lib/wasm32-wasip2/libc.a: point it at a wasi-sdk >= 22".into(),
    ));
    // A stage-0 compiler outside the versions bootstrap accepts.
    let old = fake_toolchain(&dir.join("rustc-old"), &format!("1.{old_minor}.0"))?;
    cases.push((
        format!("a stage-0 rustc 1.{old_minor}"),
        vec!["--stage0".into(), path_str(&old)?],
        format!(
            "stage-0 rustc 1.{old_minor}.0 cannot build Rust {rust}: use 1.{minor}.x or 1.{previous_minor}.x"
        ),
    ));
    // The previous minor is accepted by bootstrap for a full build, not for the stage-0 std.
    let previous = fake_toolchain(
        &dir.join("rustc-previous"),
        &format!("1.{previous_minor}.1"),
    )?;
    cases.push((
        format!("a stage-0 rustc 1.{previous_minor} for the std-only build"),
        vec!["--stage0".into(), path_str(&previous)?],
        format!("needs a stage-0 rustc of the source's own version 1.{minor}"),
    ));
    cases.push((
        "a full build with external LLVM and no llvm-config".into(),
        vec![
            "--mode".into(),
            "full".into(),
            "--prefix".into(),
            "/nowhere".into(),
        ],
        "--llvm external needs --llvm-config PATH".into(),
    ));

    for (what, overrides, expected) in &cases {
        let mut command = in_build_phase(
            ctx,
            "bootstrap-config-refusal",
            &script(ctx, "bootstrap-config.sh"),
        )?;
        command
            .arg("--source")
            .arg(&source)
            .arg("--host")
            .arg(host_triple());
        // Defaults that are valid, replaced by the case's own.
        if !overrides.iter().any(|a| a == "--stage0") {
            command.arg("--stage0").arg(&stage0);
        }
        if !overrides.iter().any(|a| a == "--wasi-sdk") {
            command.arg("--wasi-sdk").arg(&sdk);
        }
        command.args(overrides);
        let output = ctx.run_unchecked("bootstrap-config-refusal", &mut command)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            !output.status.success(),
            "bootstrap-config.sh accepted {what}"
        );
        ensure!(
            stderr.contains(expected.as_str()),
            "for {what}, bootstrap-config.sh said {stderr:?}, which lacks {expected:?}"
        );
    }
    // And the same arguments without a fault are accepted.
    let mut good = in_build_phase(
        ctx,
        "bootstrap-config-good",
        &script(ctx, "bootstrap-config.sh"),
    )?;
    good.arg("--source")
        .arg(&source)
        .arg("--stage0")
        .arg(&stage0)
        .arg("--wasi-sdk")
        .arg(&sdk);
    let output = ctx.run("bootstrap-config-good", &mut good)?;
    ensure!(
        stdout_text(&output).contains("[target.wasm32-wasip2]"),
        "a valid configuration has no [target.wasm32-wasip2] section"
    );
    // The full build compiles the compiler once on a local rebuild (stage 1), twice from the
    // previous release (stage 2), for build and install alike (rustc-wasip2's derivation runs
    // x.py without --stage).
    let mut stages = Vec::new();
    for (toolchain, expected) in [(stage0.clone(), 1), (previous.clone(), 2)] {
        let mut full = in_build_phase(
            ctx,
            "bootstrap-config-full",
            &script(ctx, "bootstrap-config.sh"),
        )?;
        full.arg("--source")
            .arg(&source)
            .arg("--host")
            .arg(host_triple())
            .arg("--stage0")
            .arg(&toolchain)
            .arg("--wasi-sdk")
            .arg(&sdk)
            .args([
                "--mode",
                "full",
                "--prefix",
                "/nowhere",
                "--llvm-config",
                "/usr/bin/true",
            ]);
        let text = stdout_text(&ctx.run("bootstrap-config-full", &mut full)?);
        for key in ["build-stage", "dist-stage", "install-stage"] {
            ensure!(
                text.contains(&format!("\n{key} = {expected}\n")),
                "the full configuration with stage 0 {} should set {key} = {expected}:\n{text}",
                toolchain.display()
            );
        }
        stages.push(expected.to_string());
    }
    Ok(Verdict::Proved(format!(
        "{} bad inputs refused with their fix; a valid one accepted; the full build at stage {} on a local rebuild and {} from the previous release",
        cases.len(),
        stages[0],
        stages[1]
    )))
}

fn fake_toolchain(dir: &Path, version: &str) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir.join("bin"))?;
    for tool in ["rustc", "cargo"] {
        let path = dir.join("bin").join(tool);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\ncase \"$1\" in -vV) echo 'host: {}' ;; *) echo '{tool} {version} (fake 2026-01-01)' ;; esac\n",
                host_triple()
            ),
        )?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(dir.to_path_buf())
}

fn path_str(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_string)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

fn prepare_source(ctx: &mut Context) -> CheckResult {
    let Some(debian) = ctx.parts.debian.clone() else {
        return ctx.missing("Debian's rustc source did not download (see the parts area)");
    };
    let source = ctx.work.join("rust-src");
    let stamp = source.join(".prepared-from");
    // The tree is remade when the tarball or the preparing script changes.
    let script = ctx.repo.join("suite/scripts/prepare-rust-source.sh");
    let origin = format!(
        "{}\n{}",
        debian.rustc_orig_tarball.display(),
        std::fs::read_to_string(&script)?
    );
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(origin.as_str()) {
        ctx.parts.rust_source = Some(source);
        return Ok(Verdict::Proved(
            "reused the tree prepared earlier in this work folder".into(),
        ));
    }
    let output = ctx.run(
        "prepare-rust-source",
        Command::new("bash")
            .arg(&script)
            .arg(&debian.rustc_orig_tarball)
            .arg(&debian.rustc_debian_tarball)
            .arg(&source),
    )?;
    let version = std::fs::read_to_string(source.join("src/version"))?;
    ensure!(
        version.trim() == debian.rustc_version,
        "the source says version {} but Debian's package is {}",
        version.trim(),
        debian.rustc_version
    );
    let ui_entries = count_entries(&source.join("tests/ui"))?;
    ensure!(
        ui_entries > 30_000,
        "tests/ui has only {ui_entries} entries: not the full source"
    );
    std::fs::write(&stamp, origin)?;
    ctx.parts.rust_source = Some(source);
    let said = stdout_text(&output);
    let patches = said
        .trim()
        .trim_start_matches("prepare-rust-source: ")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    Ok(Verdict::Proved(format!(
        "{patches}; tests/ui has {ui_entries} entries"
    )))
}

/// The workspaces a std build and the UI tests compile (bootstrap, the library, compiletest's),
/// fetched by their lock files into a cargo home kept in the cache, once per source.
fn fetch_crates(ctx: &mut Context) -> CheckResult {
    let (Some(source), Some(stage0), Some(debian)) = (
        ctx.parts.rust_source.clone(),
        ctx.parts.stage0.clone(),
        ctx.parts.debian.clone(),
    ) else {
        return ctx.missing("needs the prepared source and the stage-0 toolchain");
    };
    let cargo_home = ctx
        .cache
        .join(format!("cargo-home-rust-{}", debian.rustc_version));
    // Every workspace of bootstrap's vendoring list (default_paths_to_vendor): the whole
    // toolchain (rustc-wasip2) builds cargo, and its install runs `cargo metadata` on each.
    let workspaces = [
        "src/bootstrap",
        "library",
        ".",
        "src/tools/cargo",
        "src/tools/clippy/clippy_test_deps",
        "src/tools/rust-analyzer",
        "src/tools/rustbook",
    ];
    // Every run: a freshly prepared tree has Debian's lock files, which the fetch brings in line
    // with Debian's manifests (the packing vendors with --locked). Once the crates are in the
    // cargo home (the stamp), offline.
    let stamp = cargo_home.join(format!(".fetched-{}", workspaces.len()));
    let offline = stamp.exists();
    for workspace in workspaces {
        let mut command = Command::new(stage0.join("bin/cargo"));
        // Not --locked: Debian's patches change manifests, and the lock files follow them here
        // as they do in the build.
        command.arg("fetch");
        if offline {
            command.arg("--offline");
        }
        ctx.run(
            "cargo-fetch",
            command
                .arg("--manifest-path")
                .arg(source.join(workspace).join("Cargo.toml"))
                .env("CARGO_HOME", &cargo_home)
                // The library's manifest uses cargo features that are unstable.
                .env("RUSTC_BOOTSTRAP", "1"),
        )?;
    }
    std::fs::write(&stamp, "")?;
    let crates = std::fs::read_dir(cargo_home.join("registry/cache"))?
        .filter_map(|e| e.ok())
        .map(|index| {
            std::fs::read_dir(index.path())
                .map(|d| d.count())
                .unwrap_or(0)
        })
        .sum::<usize>();
    ctx.parts.cargo_home = Some(cargo_home.clone());
    Ok(Verdict::Proved(format!(
        "{crates} crates for {} in {}",
        workspaces.join(", "),
        cargo_home.display()
    )))
}

fn count_entries(dir: &Path) -> Result<usize> {
    let mut count = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let entry = entry?;
            count += 1;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    Ok(count)
}
