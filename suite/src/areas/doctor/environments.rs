//! The dev shell's environment whole, where every check passes, and broken copies of it, each
//! diagnosed by the check of its cause.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::doctor_binary;
use super::report::{Case, all_pass, diagnose, expect, expect_full};
use super::shell::{healthy_env, shell_sdk, with_sdk};
use crate::{CheckResult, Context, Verdict};

pub(super) fn healthy(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let env = healthy_env(ctx)?;
    let cwd = ctx.fresh_dir("doctor-healthy")?;
    let (checks, code) = diagnose(ctx, "doctor-healthy", &env, &cwd, false, &[])?;
    all_pass(&checks, code)
}

pub(super) fn broken(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(stage0) = ctx.parts.stage0.clone() else {
        return ctx.missing("needs the stage-0 toolchain (see the parts area)");
    };
    if ctx.parts.wasip2_toolchain.is_none() || ctx.parts.wasmtime.is_none() {
        return ctx.missing("needs the wasip2 toolchain and wasmtime (see the parts area)");
    }
    let base = healthy_env(ctx)?;
    let sdk = shell_sdk(ctx)?;
    let root = ctx.fresh_dir("doctor-broken")?;
    let mut seen = Vec::new();

    // 1. A WASI_SDK_PATH whose sysroot has only wasip1, and every variable of the shell made
    // from it; its libc++ goes with the wasip2 folder.
    let bad_sdk = root.join("sdk-without-wasip2");
    std::fs::create_dir_all(bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1"))?;
    std::os::unix::fs::symlink(sdk.join("bin"), bad_sdk.join("bin"))?;
    std::fs::write(
        bad_sdk.join("share/wasi-sysroot/lib/wasm32-wasip1/libc.a"),
        b"",
    )?;
    let env = with_sdk(&base, &sdk, &bad_sdk);
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "sdk-without-wasip2",
            check: "wasi-sdk",
            fix_mentions: "share/wasi-sysroot/lib/wasm32-wasip2",
            args: &[],
            also: &["libc++"],
        },
    )?);

    // 2. A wasmtime that reports version 16.
    let fake = root.join("fake-bin");
    std::fs::create_dir_all(&fake)?;
    std::fs::write(
        fake.join("wasmtime"),
        "#!/bin/sh\necho 'wasmtime-cli 16.0.0'\n",
    )?;
    make_executable(&fake.join("wasmtime"))?;
    let mut env = base.clone();
    let path = format!("{}:{}", fake.display(), base["PATH"]);
    env.insert("PATH".into(), path);
    env.insert(
        "CARGO_TARGET_WASM32_WASIP2_RUNNER".into(),
        "wasmtime run --dir .".into(),
    );
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "wasmtime-16",
            check: "wasmtime",
            fix_mentions: ">= 17",
            args: &[],
            also: &[],
        },
    )?);

    // 3. No runner: no variable, no Cargo configuration up to the root or in CARGO_HOME.
    let mut env = base.clone();
    env.remove("CARGO_TARGET_WASM32_WASIP2_RUNNER");
    let home = root.join("empty-home");
    std::fs::create_dir_all(&home)?;
    env.insert("HOME".into(), home.display().to_string());
    env.insert(
        "CARGO_HOME".into(),
        home.join(".cargo").display().to_string(),
    );
    let no_runner = expect_full(
        ctx,
        &env,
        &home,
        Case {
            name: "no-runner",
            check: "runner",
            fix_mentions: "CARGO_TARGET_WASM32_WASIP2_RUNNER",
            args: &[],
            also: &[],
        },
    )?;
    seen.push(no_runner);

    // 4. A rustc without the wasip2 std: rustup's plain 1.95.0.
    let mut env = base.clone();
    env.insert(
        "RUSTC".into(),
        stage0.join("bin/rustc").display().to_string(),
    );
    env.insert(
        "PATH".into(),
        format!("{}:{}", stage0.join("bin").display(), base["PATH"]),
    );
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "rustc-without-wasip2-std",
            check: "wasip2-std",
            fix_mentions: "rustup target add wasm32-wasip2",
            args: &[],
            also: &[],
        },
    )?);

    // 5. RUSTFLAGS set by hand: Cargo then ignores the shell's target flags, and with them the
    // linker's way to libc++.
    let mut env = base.clone();
    env.insert("RUSTFLAGS".into(), "-g".into());
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "rustflags-hide-the-cxx-link-flags",
            check: "cxx-variables",
            fix_mentions: "-C link-arg=-lc++abi",
            args: &[],
            also: &[],
        },
    )?);

    // 6. bindgen's arguments without -fvisibility=default (the cxx area shows the functions then
    // go missing).
    let mut env = base.clone();
    let key = "BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2";
    let hidden = env
        .get(key)
        .context("dev-env.nix sets no BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2")?
        .replace(" -fvisibility=default", "");
    env.insert(key.into(), hidden);
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "bindgen-hidden-visibility",
            check: "bindgen-variables",
            fix_mentions: "-fvisibility=default",
            args: &[],
            also: &[],
        },
    )?);

    // 7. LIBCLANG_PATH at a folder without libclang.
    let mut env = base.clone();
    let no_libclang = root.join("no-libclang");
    std::fs::create_dir_all(&no_libclang)?;
    env.insert("LIBCLANG_PATH".into(), no_libclang.display().to_string());
    seen.push(expect(
        ctx,
        &env,
        &root,
        Case {
            name: "libclang-path-without-libclang",
            check: "libclang",
            fix_mentions: "libclang-19-dev",
            args: &[],
            also: &[],
        },
    )?);

    Ok(Verdict::Proved(seen.join("; ")))
}

fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}
