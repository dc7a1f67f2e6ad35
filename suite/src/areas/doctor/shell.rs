//! The environments the doctor is run in: the dev shell's variables over the Nix-built SDK, with
//! the wasip2 toolchain and wasmtime on PATH, and the same moved to another SDK.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::Context;
use crate::support::standin::store_path;
use crate::support::toolchain::{eval_dev_env_with, nix_string};

/// Debian's libclang (libclang-19-dev), which the dev shell's LIBCLANG_PATH stands for here.
const LIBCLANG: &str = "/usr/lib/llvm-19";

/// The wasi-sdk Nix built (the nix-builds area builds it first): the dev shell's own, and
/// immutable, where the assembled one in the work folder is remade by every run of the parts
/// area.
pub(super) fn shell_sdk(ctx: &mut Context) -> Result<PathBuf> {
    Ok(store_path(&crate::support::standin::build(
        ctx,
        "packages.x86_64-linux.wasi-sdk",
    )?))
}

/// The variables of a healthy environment: the dev shell's, with the Nix-built SDK, and the
/// wasip2 toolchain and wasmtime first on a minimal PATH.
pub(super) fn healthy_env(ctx: &mut Context) -> Result<BTreeMap<String, String>> {
    let (Some(toolchain), Some(wasmtime)) = (
        ctx.parts.wasip2_toolchain.clone(),
        ctx.parts.wasmtime.clone(),
    ) else {
        bail!("needs the wasip2 toolchain and wasmtime (see the parts and rust-std areas)");
    };
    let sdk = shell_sdk(ctx)?;
    let mut env = eval_dev_env_with(ctx, &sdk, &libclang_argument()?)?;
    put_toolchain_first(&mut env, &toolchain, &wasmtime);
    Ok(env)
}

/// The toolchain (as `RUSTC` too) and wasmtime first on a minimal PATH, and the host's HOME,
/// TMPDIR and CARGO_HOME, over a dev shell's variables.
pub(super) fn put_toolchain_first(
    env: &mut BTreeMap<String, String>,
    toolchain: &Path,
    wasmtime: &Path,
) {
    env.insert(
        "PATH".into(),
        format!(
            "{}:{}:/usr/bin:/bin",
            toolchain.join("bin").display(),
            wasmtime.join("bin").display()
        ),
    );
    env.insert(
        "RUSTC".into(),
        toolchain.join("bin/rustc").display().to_string(),
    );
    for name in ["HOME", "TMPDIR", "CARGO_HOME"] {
        if let Ok(value) = std::env::var(name) {
            env.insert(name.into(), value);
        }
    }
}

/// The environment with every value that names `from` naming `to` instead: a shell set up from
/// another SDK.
pub(super) fn with_sdk(
    env: &BTreeMap<String, String>,
    from: &Path,
    to: &Path,
) -> BTreeMap<String, String> {
    let (from, to) = (from.display().to_string(), to.display().to_string());
    env.iter()
        .map(|(name, value)| (name.clone(), value.replace(&from, &to)))
        .collect()
}

/// dev-env.nix's `libclang` argument: Debian's, when installed (else LIBCLANG_PATH stays unset
/// and the doctor warns).
pub(super) fn libclang_argument() -> Result<String> {
    let libclang = Path::new(LIBCLANG);
    if libclang.join("lib/libclang.so").exists() {
        Ok(format!("libclang = {};", nix_string(libclang)?))
    } else {
        Ok(String::new())
    }
}
