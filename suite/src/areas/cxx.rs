//! C++ and bindgen for wasm32-wasip2, and a std that keeps no build folder. With the variables of
//! `nix/lib/dev-env.nix` (the assembled SDK carries libc++ and libc++abi as wasi-sdk does): a
//! crate using `cxx` (C++ calling Rust and Rust calling C++) and a crate whose build script runs
//! bindgen on a C header build, and their tests run under Wasmtime; without the C++ variables
//! the link fails on libc++, and without `-fvisibility=default` bindgen drops the functions. The
//! from-source std's rlibs name the library as `/rustc/<commit>/library` and no build folder, so
//! a component built in two folders has the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail, ensure};

use crate::context::stdout_text;
use crate::support::files::copy_tree;
use crate::support::sdk::sdk_without_libcxx;
use crate::support::toolchain::{
    cargo, eval_dev_env_with, keep_target_between_runs, nix_string, toolchain_key,
};
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "cxx";
const TARGET: &str = "wasm32-wasip2";
/// Debian's libclang for bindgen on the build machine (libclang-19-dev).
const LIBCLANG: &str = "/usr/lib/llvm-19";
/// The C++ variables the dev environment sets for the target, removed for the bad input.
const CXX_VARIABLES: &[&str] = &[
    "CXX_wasm32_wasip2",
    "CXXFLAGS_wasm32_wasip2",
    "CXXSTDLIB_wasm32_wasip2",
    "CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS",
];

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "from-source std: its rlibs name the library as /rustc/<commit>/library and carry no build folder",
        std_paths,
    );
    suite.check(
        AREA,
        "cxx bridge with the dev env's libc++: C++ and Rust call each other, tests under Wasmtime; without the C++ variables the link fails on -lc++",
        cxx_bridge,
    );
    suite.check(
        AREA,
        "bindgen in a build script with the dev env's BINDGEN_EXTRA_CLANG_ARGS and LIBCLANG_PATH: tests under Wasmtime; without -fvisibility=default the functions are missing",
        bindgen_header,
    );
    suite.check(
        AREA,
        "with the from-source std, a C++ component built in two work folders has the same bytes",
        two_folders,
    );
}

/// `nix/lib/dev-env.nix` with the suite's SDK, wasmtime and Debian's libclang.
fn dev_env(ctx: &Context) -> Result<BTreeMap<String, String>> {
    let Some(sdk) = &ctx.parts.wasi_sdk else {
        bail!("the assembled SDK is needed (see the parts area)");
    };
    dev_env_with(ctx, sdk)
}

/// `nix/lib/dev-env.nix` with the given SDK.
fn dev_env_with(ctx: &Context, sdk: &Path) -> Result<BTreeMap<String, String>> {
    let env = eval_dev_env_with(
        ctx,
        sdk,
        &format!("libclang = {};", nix_string(Path::new(LIBCLANG))?),
    )?;
    for name in CXX_VARIABLES
        .iter()
        .chain(&["BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2", "LIBCLANG_PATH"])
    {
        ensure!(env.contains_key(*name), "dev-env.nix sets no {name}");
    }
    Ok(env)
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

fn commit(ctx: &Context) -> Result<String> {
    let Some(source) = &ctx.parts.rust_source else {
        bail!("no prepared Rust source (see the rust-std area)");
    };
    let file = source.join("git-commit-hash");
    Ok(std::fs::read_to_string(&file)
        .with_context(|| format!("reading {}", file.display()))?
        .trim()
        .to_string())
}

/// Paths of the suite's own folders, which no built artifact may name.
fn folders(ctx: &Context) -> Vec<String> {
    [&ctx.work, &ctx.repo]
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

fn std_paths(ctx: &mut Context) -> CheckResult {
    let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
        return ctx.missing("no Nix-built toolchain with the from-source std (nix-builds area)");
    };
    let library = format!("/rustc/{}/library/", commit(ctx)?);
    // The Nix sandbox builds in /build, reading the unpatched source from the store's
    // rust-source-tree; the suite's own bootstrap run builds in its work folder.
    let mut forbidden = vec!["/build/".to_string(), "-rust-source-tree-".to_string()];
    forbidden.extend(folders(ctx));
    let mut stds = vec![("Nix-built", toolchain)];
    let host_std = ctx.work.join("rust-std-wasip2");
    if host_std.exists() {
        stds.push(("suite-built", host_std));
    }
    let mut said = Vec::new();
    for (which_std, root) in &stds {
        let lib = root.join(format!("lib/rustlib/{TARGET}/lib"));
        let mut rlibs = 0;
        let mut remapped = 0;
        for entry in
            std::fs::read_dir(&lib).with_context(|| format!("reading {}", lib.display()))?
        {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "rlib") {
                continue;
            }
            let bytes = std::fs::read(&path)?;
            for needle in &forbidden {
                let count = find(&bytes, needle.as_bytes());
                ensure!(
                    count == 0,
                    "{} ({which_std}) names {needle:?} {count} times: the std keeps its build folder (bootstrap-config.sh must write rust.remap-debuginfo = true)",
                    path.display()
                );
            }
            remapped += find(&bytes, library.as_bytes());
            rlibs += 1;
        }
        ensure!(rlibs > 0, "no rlibs in {}", lib.display());
        ensure!(
            remapped > 0,
            "the {which_std} std never names {library}: its paths are not remapped as the release's are"
        );
        said.push(format!(
            "{which_std}: {rlibs} rlibs, {remapped} paths under {library}, none of {forbidden:?}"
        ));
    }
    Ok(Verdict::Proved(said.join("; ")))
}

/// The fixture copied into a fresh folder of the work folder.
fn fixture(ctx: &Context, name: &str, folder: &str) -> Result<PathBuf> {
    let dir = ctx.fresh_dir(folder)?;
    copy_tree(&ctx.repo.join("suite/fixtures").join(name), &dir)?;
    Ok(dir)
}

/// The fixture in a fresh folder whose `target` is kept between runs (the registry's crates, cxx
/// and bindgen among them, compiled once per toolchain).
fn fixture_kept_target(ctx: &Context, name: &str) -> Result<PathBuf> {
    let Some(toolchain) = &ctx.parts.wasip2_toolchain else {
        bail!("the toolchain with the wasip2 std is needed (see the rust-std area)");
    };
    let dir = fixture(ctx, name, name)?;
    keep_target_between_runs(ctx, &dir, name, &toolchain_key(toolchain)?)?;
    Ok(dir)
}

fn test_and_run(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    label: &str,
    tests: usize,
) -> Result<String> {
    let output = ctx.run(
        label,
        cargo(ctx, env, dir)?.args(["test", "--locked", "--target", TARGET]),
    )?;
    let said = stdout_text(&output);
    let expected = format!("test result: ok. {tests} passed; 0 failed");
    ensure!(
        said.contains(&expected),
        "cargo test did not report {expected:?}:\n{said}"
    );
    let output = ctx.run(
        label,
        cargo(ctx, env, dir)?.args([
            "run",
            "--quiet",
            "--locked",
            "--release",
            "--target",
            TARGET,
        ]),
    )?;
    Ok(stdout_text(&output).trim().to_string())
}

fn cxx_bridge(ctx: &mut Context) -> CheckResult {
    let env = dev_env(ctx)?;
    let dir = fixture_kept_target(ctx, "cxx-bridge")?;
    let said = test_and_run(ctx, &env, &dir, "cxx-bridge", 2)?;
    ensure!(
        said == "total = 11, C++ says \"2pisaw has 11\"",
        "the C++ side answered {said:?}"
    );
    expect_component(&dir.join(format!("target/{TARGET}/release/cxx-bridge.wasm")))?;

    // The same crate in a shell without the C++ variables: cc still finds the SDK's clang++
    // through WASI_SDK_PATH, and the link is where it breaks.
    let mut bare = env.clone();
    for name in CXX_VARIABLES {
        bare.remove(*name);
    }
    let output = ctx.run_unchecked(
        "cxx-bridge-without-cxx-variables",
        cargo(ctx, &bare, &dir)?.args(["build", "--locked", "--target", TARGET]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success(),
        "the cxx crate linked without the dev env's C++ variables"
    );
    let expected = "unable to find library -lc++";
    ensure!(
        stderr.contains(expected),
        "without the C++ variables the build failed, but not with {expected:?}:\n{stderr}"
    );

    // The dev environment over an SDK whose sysroot lacks libc++ and libc++abi.
    let real = ctx.parts.wasi_sdk.clone().context("no assembled SDK")?;
    let fake = ctx.fresh_dir("cxx-sdk-without-libcxx")?;
    sdk_without_libcxx(&real, &fake)?;
    let output = ctx.run_unchecked(
        "cxx-bridge-sdk-without-libcxx",
        cargo(ctx, &dev_env_with(ctx, &fake)?, &dir)?
            .args(["build", "--locked", "--target", TARGET]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        !output.status.success() && stderr.contains(expected),
        "with an SDK without libc++ the build should fail with {expected:?}, it said:\n{stderr}"
    );
    Ok(Verdict::Proved(format!(
        "2 tests passed under Wasmtime; the component printed {said:?}; without {}, and with an SDK whose sysroot has no libc++, the linker says {expected:?}",
        CXX_VARIABLES.join(", ")
    )))
}

fn bindgen_header(ctx: &mut Context) -> CheckResult {
    if !Path::new(LIBCLANG).join("lib/libclang.so").exists() {
        return ctx.missing(format!(
            "no {LIBCLANG}/lib/libclang.so for bindgen (apt-get install libclang-19-dev)"
        ));
    }
    let env = dev_env(ctx)?;
    let dir = fixture_kept_target(ctx, "bindgen-header")?;
    let said = test_and_run(ctx, &env, &dir, "bindgen-header", 3)?;
    ensure!(
        said == "shapes 3: manhattan = 7, perimeter = 14",
        "the C side answered {said:?}"
    );
    expect_component(&dir.join(format!("target/{TARGET}/release/bindgen-header.wasm")))?;

    // clang's default visibility for wasm is hidden, and bindgen leaves hidden functions out.
    let key = "BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2";
    let mut hidden = env.clone();
    let args = hidden[key].replace(" -fvisibility=default", "");
    hidden.insert(key.to_string(), args);
    let output = ctx.run_unchecked(
        "bindgen-header-hidden",
        cargo(ctx, &hidden, &dir)?.args(["build", "--locked", "--target", TARGET]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = "cannot find function `shapes_manhattan`";
    ensure!(
        !output.status.success() && stderr.contains(expected),
        "without -fvisibility=default the build should fail with {expected:?}, it said:\n{stderr}"
    );
    Ok(Verdict::Proved(format!(
        "3 tests passed under Wasmtime; the component printed {said:?}; {key}={:?}; without -fvisibility=default: {expected:?}",
        env[key]
    )))
}

fn two_folders(ctx: &mut Context) -> CheckResult {
    let env = dev_env(ctx)?;
    let library = format!("/rustc/{}/library/", commit(ctx)?);
    let mut builds = Vec::new();
    for folder in ["cxx-folder-a", "cxx-folder-b/a/longer/path"] {
        let dir = fixture(ctx, "cxx-bridge", folder)?;
        ctx.run(
            "cxx-two-folders",
            cargo(ctx, &env, &dir)?.args(["build", "--locked", "--release", "--target", TARGET]),
        )?;
        let wasm = dir.join(format!("target/{TARGET}/release/cxx-bridge.wasm"));
        let bytes = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
        let mut forbidden = folders(ctx);
        forbidden.push(dir.display().to_string());
        for needle in &forbidden {
            ensure!(
                find(&bytes, needle.as_bytes()) == 0,
                "{} names {needle:?}",
                wasm.display()
            );
        }
        builds.push((wasm, bytes));
    }
    let (a, b) = (&builds[0], &builds[1]);
    ensure!(
        a.1 == b.1,
        "{} and {} differ ({} and {} bytes)",
        a.0.display(),
        b.0.display(),
        a.1.len(),
        b.1.len()
    );
    let remapped = find(&a.1, library.as_bytes());
    ensure!(
        remapped > 0,
        "the component names no {library}: the check would not see a std path"
    );
    Ok(Verdict::Proved(format!(
        "{} bytes, identical from two folders; {remapped} std paths, all under {library}",
        a.1.len()
    )))
}
