//! The host parts that stand in for the flake's pinned inputs: Debian's downloads, the
//! wasi-sdk-shaped folder, wasmtime, and the stage-0 toolchain.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::context::{DebianParts, is_executable, package_dir, stdout_text, which};
use crate::nix_build::BuildEnvironment;
use crate::support::toolchain::{host_triple, prepend_path};
use crate::wasm::expect_component;
use crate::{Context, Suite, Verdict};

const AREA: &str = "parts";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "Debian parts downloaded (wasi-libc, rustc 1.95.0 source)",
        fetch_debian,
    );
    suite.check(
        AREA,
        "wasi-sdk layout assembled; its clang makes a C component",
        assemble_sdk,
    );
    suite.check(
        AREA,
        "wasmtime found, >= 17, runs a component",
        find_wasmtime,
    );
    suite.check(AREA, "stage-0 toolchain is rustup's 1.95.0", find_stage0);
    suite.check(
        AREA,
        "a Nix build's environment: bash without readline, no HOME, no network, declared PATH",
        nix_build_environment,
    );
}

fn fetch_debian(ctx: &mut Context) -> crate::CheckResult {
    if which("apt-get").is_none() || which("dpkg-deb").is_none() {
        return ctx.missing("apt-get and dpkg-deb are needed to download Debian's parts");
    }
    let script = ctx.repo.join("suite/scripts/fetch-debian-parts.sh");
    let output = ctx.run(
        "fetch-debian-parts",
        Command::new("bash")
            .arg(script)
            .arg(ctx.cache.join("debian")),
    )?;
    let text = stdout_text(&output);
    let value = |key: &str| -> Result<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(str::to_string)
            .with_context(|| format!("fetch-debian-parts.sh printed no {key}"))
    };
    let parts = DebianParts {
        wasi_libc_root: value("WASI_LIBC_ROOT")?.into(),
        rustc_orig_tarball: value("RUSTC_ORIG_TARBALL")?.into(),
        rustc_debian_tarball: value("RUSTC_DEBIAN_TARBALL")?.into(),
        rustc_version: value("RUSTC_UPSTREAM_VERSION")?,
        bash_orig_tarball: value("BASH_ORIG_TARBALL")?.into(),
        bash_debian_tarball: value("BASH_DEBIAN_TARBALL")?.into(),
    };
    let detail = format!(
        "wasi-libc at {}, rustc {} source",
        parts.wasi_libc_root.display(),
        parts.rustc_version
    );
    ctx.parts.debian = Some(parts);
    Ok(Verdict::Proved(detail))
}

fn assemble_sdk(ctx: &mut Context) -> crate::CheckResult {
    let Some(debian) = ctx.parts.debian.clone() else {
        return ctx.missing("no wasi-libc (the Debian download did not succeed)");
    };
    if !Path::new("/usr/lib/llvm-19/bin/clang").exists() {
        return ctx.missing("Debian's clang-19 is not installed (apt-get install clang-19 lld-19 libclang-rt-19-dev-wasm32)");
    }
    let sdk = ctx.work.join("wasi-sdk");
    ctx.run(
        "assemble-wasi-sdk",
        Command::new("bash")
            .arg(ctx.repo.join("suite/scripts/assemble-wasi-sdk.sh"))
            .arg(&debian.wasi_libc_root)
            .arg(&sdk),
    )?;
    // The SDK's clang links wasip2 programs with wasm-component-ld, which the stage-0 toolchain
    // carries next to rust-lld.
    let dir = ctx.fresh_dir("sdk-probe")?;
    std::fs::write(
        dir.join("hello.c"),
        "#include <stdio.h>\nint main(void) { puts(\"hello from C\"); return 0; }\n",
    )?;
    let mut clang = Command::new(sdk.join("bin/wasm32-wasip2-clang"));
    clang
        .arg("hello.c")
        .arg("-o")
        .arg("hello.wasm")
        .current_dir(&dir);
    if let Some(bin) = stage0_host_bin(ctx) {
        clang.env("PATH", prepend_path(&bin));
    }
    ctx.run("sdk-clang-hello", &mut clang)?;
    expect_component(&dir.join("hello.wasm"))?;
    let detail = format!("WASI_SDK_PATH={}", sdk.display());
    ctx.parts.wasi_sdk = Some(sdk);
    Ok(Verdict::Proved(detail))
}

fn find_wasmtime(ctx: &mut Context) -> crate::CheckResult {
    let pinned = ctx.pins.wasmtime_cli.clone();
    let cached = ctx
        .cache
        .join("cargo-tools")
        .join(format!("wasmtime-cli-{pinned}"));
    let dir = if is_executable(&cached.join("bin/wasmtime")) {
        cached
    } else if let Some(found) = package_dir("wasmtime") {
        found
    } else {
        return ctx.missing(format!(
            "no wasmtime: install it with `cargo install wasmtime-cli --version {pinned} --locked --root {}`",
            cached.display()
        ));
    };
    let wasmtime = dir.join("bin/wasmtime");
    let output = ctx.run("wasmtime-version", Command::new(&wasmtime).arg("--version"))?;
    let version = stdout_text(&output);
    let major: u32 = version
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("cannot read a version from `{}`", version.trim()))?;
    if major < 17 {
        bail!(
            "{} is too old for components; wasmtime >= 17 is needed",
            version.trim()
        );
    }
    let mut detail = version.trim().to_string();
    let probe = ctx.work.join("sdk-probe/hello.wasm");
    if probe.exists() {
        let run = ctx.run(
            "wasmtime-run-c",
            Command::new(&wasmtime).arg("run").arg(&probe),
        )?;
        let said = stdout_text(&run);
        if said.trim() != "hello from C" {
            bail!("the C component printed {said:?} instead of \"hello from C\"");
        }
        detail.push_str("; ran the SDK's C component");
    }
    ctx.parts.wasmtime = Some(dir);
    Ok(Verdict::Proved(detail))
}

fn find_stage0(ctx: &mut Context) -> crate::CheckResult {
    let pinned = ctx.pins.rust.clone();
    let Some(dir) = rustup_toolchain(&pinned) else {
        return ctx.missing(format!(
            "rustup's toolchain {pinned} is not on this machine, so the pinned compiler cannot be proved here"
        ));
    };
    let output = ctx.run(
        "stage0-version",
        Command::new(dir.join("bin/rustc")).arg("--version"),
    )?;
    let version = stdout_text(&output);
    if !version.starts_with(&format!("rustc {pinned} ")) {
        bail!(
            "{} reports `{}`, not {pinned}",
            dir.display(),
            version.trim()
        );
    }
    ctx.parts.stage0 = Some(dir);
    Ok(Verdict::Proved(version.trim().to_string()))
}

/// The folder of a rustup toolchain of this exact version for the host, if installed.
pub fn rustup_toolchain(version: &str) -> Option<PathBuf> {
    let home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".rustup")))?;
    let dir = home
        .join("toolchains")
        .join(format!("{version}-{}", host_triple()));
    is_executable(&dir.join("bin/rustc")).then_some(dir)
}

/// `lib/rustlib/<host>/bin` of the pinned toolchain: wasm-component-ld and rust-lld.
pub fn stage0_host_bin(ctx: &Context) -> Option<PathBuf> {
    rustup_toolchain(&ctx.pins.rust)
        .map(|dir| dir.join("lib/rustlib").join(host_triple()).join("bin"))
}

/// Builds nixpkgs' kind of bash, lays out the environment every derivation script of the suite
/// runs in, and shows that it refuses what a Nix build refuses while the host's shell does not:
/// the two faults that once passed here and broke in Nix (`compgen`, Wasmtime's default cache).
fn nix_build_environment(ctx: &mut Context) -> crate::CheckResult {
    let Some(debian) = ctx.parts.debian.clone() else {
        return ctx.missing("no bash source (the Debian download did not succeed)");
    };
    let output = ctx.run(
        "build-nix-bash",
        Command::new("bash")
            .arg(ctx.repo.join("suite/scripts/build-nix-bash.sh"))
            .arg(&debian.bash_orig_tarball)
            .arg(&debian.bash_debian_tarball)
            .arg(&ctx.cache),
    )?;
    let bash = stdout_text(&output)
        .lines()
        .find_map(|l| l.strip_prefix("NIX_BASH=").map(PathBuf::from))
        .context("build-nix-bash.sh printed no NIX_BASH")?;
    let env = BuildEnvironment::create(&ctx.work.join("nix-build-env"), &bash)?;
    ctx.parts.build_env = Some(env);

    // Each probe: what it runs, and what the host's bash and the build environment must say.
    let component = ctx.work.join("sdk-probe/hello.wasm");
    let wasmtime = ctx
        .parts
        .wasmtime
        .clone()
        .context("no wasmtime (see the check above)")?;
    let probes: &[(&str, String, bool, &str)] = &[
        (
            "compgen, as build-std.sh used it",
            "compgen -G '/*' >/dev/null".into(),
            true,
            "compgen: command not found",
        ),
        (
            "wasmtime with its default cache, as the smoke checks ran it",
            format!("wasmtime run {}", component.display()),
            true,
            "failed to create cache directory",
        ),
        (
            "a write to HOME",
            "mkdir -p \"$HOME\"".into(),
            true,
            "homeless-shelter",
        ),
        (
            "an interface other than loopback",
            "! grep -v -e '^ *lo:' -e '|' /proc/net/dev".into(),
            false,
            "",
        ),
        (
            "a host tool that no derivation declares (git)",
            "command -v git".into(),
            true,
            "",
        ),
    ];
    let dir = ctx.fresh_dir("nix-build-env-probes")?;
    let mut refused = Vec::new();
    for (what, line, host_passes, said) in probes {
        let probe = dir.join("probe.sh");
        std::fs::write(&probe, format!("set -eu\n{line}\n"))?;
        let host = ctx.run_unchecked(
            "probe-host",
            Command::new("bash")
                .arg(&probe)
                .env("PATH", prepend_path(&wasmtime.join("bin"))),
        )?;
        let (mut in_nix, _) = ctx.nix_build_script(
            "probe",
            crate::nix_build::Stdenv::NoCC,
            &[&wasmtime],
            &[],
            &probe,
        )?;
        let nix = ctx.run_unchecked("probe-nix-build", &mut in_nix)?;
        let nix_text = crate::context::tail(&nix, 5);
        if *host_passes {
            if !host.status.success() {
                bail!(
                    "{what}: the host's bash failed it, so the probe proves nothing: {}",
                    crate::context::tail(&host, 5)
                );
            }
            if nix.status.success() || !nix_text.contains(said) {
                bail!(
                    "{what}: the Nix build environment did not refuse it as Nix does ({}): {nix_text}",
                    nix.status
                );
            }
            refused.push(*what);
        } else if !nix.status.success() {
            bail!("{what}: found in the Nix build environment: {nix_text}");
        }
    }
    Ok(Verdict::Proved(format!(
        "bash {} without readline; refused as in Nix, accepted by the host: {}; only loopback",
        bash.parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        refused.join("; ")
    )))
}
