//! Debian trixie's Nix 2.26 from the cache (`suite/scripts/install-trixie-nix.sh`), run with a
//! store, configuration and caches of its own under `work/flake-eval/nix-state`.

use super::*;

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
