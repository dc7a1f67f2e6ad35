//! Debian trixie's Nix 2.26 from the cache (`suite/scripts/install-trixie-nix.sh`), run with a
//! store, configuration and caches of its own under `work/flake-eval/nix-state`.

use super::*;
use crate::support::standin::sandbox_paths;

/// The newest `trixie-nix-<version>/bin/nix` the install script left in the cache.
pub(super) fn find_trixie_nix(ctx: &Context) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(&ctx.cache)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("trixie-nix-") && !name.contains(".partial")
        })
        .map(|e| e.path().join("bin/nix"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Nix 2.26 with everything of its own under `work/flake-eval/nix-state`.
pub(super) fn nix(ctx: &Context, state: &State) -> Result<Command> {
    let program = state.nix.as_ref().context("trixie's Nix was not found")?;
    let home = dir(ctx).join("nix-state");
    let conf = home.join("conf");
    std::fs::create_dir_all(&conf)?;
    std::fs::write(
        conf.join("nix.conf"),
        format!(
            "experimental-features = nix-command flakes\n\
             substituters =\n\
             store = local?root={}\n\
             build-users-group =\n\
             sandbox = false\n\
             build-hook =\n\
             allow-import-from-derivation = false\n\
             eval-cache = false\n\
             warn-dirty = false\n\
             accept-flake-config = false\n",
            home.join("store").display()
        ),
    )?;
    let mut command = Command::new(program);
    for var in [
        "NIX_CONFIG",
        "NIX_PATH",
        "NIX_REMOTE",
        "NIX_USER_CONF_FILES",
    ] {
        command.env_remove(var);
    }
    command
        .env("NIX_CONF_DIR", &conf)
        .env("XDG_CACHE_HOME", home.join("xdg/cache"))
        .env("XDG_STATE_HOME", home.join("xdg/state"))
        .env("XDG_CONFIG_HOME", home.join("xdg/config"))
        .env("XDG_DATA_HOME", home.join("xdg/data"))
        .env("WASIP2_STANDIN_PARTS", parts_file(ctx));
    Ok(command)
}

pub(super) fn trixie_nix(ctx: &mut Context, state: &mut State) -> CheckResult {
    state.host_db_mtime = std::fs::metadata(host_db()).and_then(|m| m.modified()).ok();
    let Some(program) = find_trixie_nix(ctx) else {
        return ctx.missing(format!(
            "no trixie Nix in {}; run `bash suite/scripts/install-trixie-nix.sh`",
            ctx.cache.display()
        ));
    };
    state.nix = Some(program.clone());
    let output = ctx.run("trixie-nix-version", nix(ctx, state)?.arg("--version"))?;
    let version = stdout_text(&output).trim().to_string();
    let number = version.rsplit(' ').next().unwrap_or_default();
    let minor: u32 = number
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("`{version}`: no version number"))?;
    ensure!(
        number.starts_with("2.") && minor >= 18,
        "{} reports `{version}`; nixpkgs needs Nix >= 2.18",
        program.display()
    );
    let started = Instant::now();
    let output = ctx.run(
        "trixie-nix-store",
        nix(ctx, state)?.args(["eval", "--raw", "--expr", "builtins.storeDir"]),
    )?;
    let store_dir = stdout_text(&output);
    let store_root = dir(ctx).join("nix-state/store/nix/store");
    ensure!(
        store_dir.trim() == "/nix/store" && store_root.is_dir(),
        "Nix 2.26's store is not the chroot store at {}",
        store_root.display()
    );
    Ok(Verdict::Proved(format!(
        "{version} ({}) evaluates in {:.2} s; its store is {}",
        program.display(),
        started.elapsed().as_secs_f64(),
        store_root.display()
    )))
}

pub(super) fn host_db() -> &'static Path {
    Path::new("/nix/var/nix/db/db.sqlite")
}

/// Nix 2.26 builds, sandboxed, in its own store: the stand-in's wasi-sdk, whose installCheck
/// compiles and runs C for wasm32-wasip2 inside the build.
pub(super) fn trixie_builds(ctx: &mut Context, state: &State) -> CheckResult {
    let program = state.nix.as_ref().context("trixie's Nix was not found")?;
    // Nix runs its build hook as /proc/self/exe, which here is trixie's loader, not nix, and
    // takes no build-hook from nix.conf; the command line sets the wrapper instead.
    let hook = format!("{} __build-remote", program.display());
    let started = Instant::now();
    let output = ctx.run_unchecked(
        "trixie-nix-build",
        nix(ctx, state)?
            .args(["build", "--impure", "--no-link", "--print-out-paths"])
            .args(["--option", "build-hook", &hook])
            .args(["--option", "sandbox", "true"])
            // Replaces Debian's default, /bin/sh=/usr/bin/bash-static, which the host lacks.
            .args(["--option", "sandbox-paths", &sandbox_paths(ctx).join(" ")])
            .args(["--option", "system-features", "big-parallel"])
            .arg("-f")
            .arg(ctx.repo.join("suite/nixpkgs-standin/flake-outputs.nix"))
            .arg("packages.x86_64-linux.wasi-sdk"),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    ensure!(
        output.status.success(),
        "Nix 2.26 failed to build packages.x86_64-linux.wasi-sdk sandboxed ({}):\n{}",
        output.status,
        tail(&output, 30)
    );
    let out = stdout_text(&output).trim().to_string();
    let relative = out.trim_start_matches('/');
    let physical = dir(ctx).join("nix-state/store").join(relative);
    let clang = physical.join("bin/clang");
    ensure!(
        clang.exists(),
        "{out} was built, but {} is missing",
        clang.display()
    );
    Ok(Verdict::Proved(format!(
        "{out} built with sandbox = true in {seconds:.1} s (its installCheck ran in the sandbox); \
         in the chroot store at {}",
        physical.display()
    )))
}
