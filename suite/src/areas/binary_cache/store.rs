//! The Nix side of the binary-cache checks: keys, publishing with `publish-cache.sh`, closures,
//! substituting into a chroot store, what a store holds, and a cache's files.

use super::*;

/// Makes a key pair with Nix under `dir/<name>.{secret,public}`, once per run.
pub(super) fn make_key(ctx: &Context, dir: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
    let secret = dir.join(format!("{name}.secret"));
    let public = dir.join(format!("{name}.public"));
    if !(secret.exists() && public.exists()) {
        ctx.run(
            "generate-binary-cache-key",
            ctx.nix("nix-store")
                .arg("--generate-binary-cache-key")
                .arg(name)
                .arg(&secret)
                .arg(&public),
        )?;
    }
    Ok((secret, public))
}

pub(super) fn public_key(file: &Path) -> Result<String> {
    Ok(std::fs::read_to_string(file)
        .with_context(|| format!("reading {}", file.display()))?
        .trim()
        .to_string())
}

/// Runs publish-cache.sh with bash and the suite's Nix settings, leaving out nothing (the suite
/// has no network to ask cache.nixos.org); fails with its output when it fails.
pub(super) fn publish(
    ctx: &Context,
    setup: &Setup,
    key: &Path,
    destination: &str,
    path: &Path,
) -> Result<String> {
    let output = ctx.run(
        "publish-cache",
        ctx.nix("bash")
            .arg(&setup.script)
            .arg("--key-file")
            .arg(key)
            .args(["--skip-served-by", "none"])
            .arg(destination)
            .arg(path),
    )?;
    Ok(stdout_text(&output))
}

/// The store paths of the std's closure, and the top one.
pub(super) fn closure(ctx: &Context, link: &Path) -> Result<(String, Vec<String>)> {
    let top = std::fs::canonicalize(link)?.display().to_string();
    let output = ctx.run(
        "closure",
        ctx.nix("nix-store")
            .arg("--query")
            .arg("--requisites")
            .arg(link),
    )?;
    let paths = stdout_text(&output).lines().map(String::from).collect();
    Ok((top, paths))
}

/// `nix-store --realise` into the chroot store `store`, from `cache` only, trusting `public`
/// only, and with no build allowed (`--max-jobs 0`): it can only substitute.
pub(super) fn substitute(
    ctx: &Context,
    store: &Path,
    cache: &Path,
    public: &str,
    paths: &[String],
) -> Result<(std::process::Output, f64)> {
    let started = Instant::now();
    let output = ctx.run_unchecked(
        "substitute",
        ctx.nix("nix-store")
            .arg("--store")
            .arg(store)
            .arg("--realise")
            .args(paths)
            .args(["--max-jobs", "0", "--option", "substituters"])
            .arg(format!("file://{}", cache.display()))
            .args(["--option", "trusted-public-keys", public]),
    )?;
    Ok((output, started.elapsed().as_secs_f64()))
}

/// The paths of `paths` that the chroot store does not hold as valid.
pub(super) fn invalid_in(
    ctx: &Context,
    store: &Path,
    paths: &[String],
) -> Result<BTreeSet<String>> {
    let output = ctx.run_unchecked(
        "check-validity",
        ctx.nix("nix-store")
            .arg("--store")
            .arg(store)
            .args(["--check-validity", "--print-invalid"])
            .args(paths),
    )?;
    Ok(stdout_text(&output).lines().map(String::from).collect())
}

/// The NAR hash Nix recorded for `path`, in the host's store or in a chroot store.
pub(super) fn nar_hash(ctx: &Context, store: Option<&Path>, path: &str) -> Result<String> {
    let mut command = ctx.nix("nix-store");
    if let Some(store) = store {
        command.arg("--store").arg(store);
    }
    let output = ctx.run("nar-hash", command.args(["--query", "--hash", path]))?;
    Ok(stdout_text(&output).trim().to_string())
}

/// Seconds Nix spent building each of `paths` here, read from its build log: the log is created
/// when the build starts and last written when it ends. Paths without a log (not built on this
/// machine) are left out.
pub(super) fn build_seconds(ctx: &Context, paths: &[String]) -> Result<Vec<(String, f64)>> {
    let mut seconds = Vec::new();
    for path in paths {
        let output = ctx.run(
            "deriver",
            ctx.nix("nix-store").args(["--query", "--deriver", path]),
        )?;
        let drv = stdout_text(&output).trim().to_string();
        let Some(base) = Path::new(&drv)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            continue;
        };
        if base.len() < 3 {
            continue;
        }
        let folder = Path::new("/nix/var/log/nix/drvs").join(&base[..2]);
        let log = [
            folder.join(format!("{}.bz2", &base[2..])),
            folder.join(&base[2..]),
        ]
        .into_iter()
        .find(|file| file.exists());
        let Some(log) = log else { continue };
        let meta = std::fs::metadata(&log)?;
        let (Ok(created), Ok(modified)) = (meta.created(), meta.modified()) else {
            continue;
        };
        if let Ok(took) = modified.duration_since(created) {
            seconds.push((name_of(path), took.as_secs_f64()));
        }
    }
    Ok(seconds)
}

/// `rust-std-wasip2-1.95.0` from `/nix/store/<hash>-rust-std-wasip2-1.95.0`.
pub(super) fn name_of(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split_once('-')
        .map_or(base, |(_, name)| name)
        .to_string()
}

pub(super) fn folder_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            folder_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

pub(super) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The lines of Nix's output that say why it refused: errors and the signature warning.
pub(super) fn nix_refusal(output: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<String> = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("error:")
                || l.starts_with("specified:")
                || l.starts_with("got:")
                || l.contains("is not signed by any of the keys")
        })
        .map(|l| l.trim().to_string())
        .collect();
    lines.join(" / ")
}

/// A removable chroot store: Nix makes store paths read-only, which root may still delete.
pub(super) fn remove_store(store: &Path) -> Result<()> {
    if store.exists() {
        std::fs::remove_dir_all(store).with_context(|| format!("removing {}", store.display()))?;
    }
    Ok(())
}

pub(super) fn total_nar_size(ctx: &Context, paths: &[String]) -> Result<u64> {
    let output = ctx.run(
        "nar-sizes",
        ctx.nix("nix").args(["path-info", "--size"]).args(paths),
    )?;
    Ok(stdout_text(&output)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum())
}

/// The hash part of a store path, which names its .narinfo.
pub(super) fn name_hash(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split('-').next().unwrap_or(base).to_string()
}

/// The .narinfo and NAR of the one path in a single-path cache.
pub(super) fn single_entry(cache: &Path, path: &str) -> Result<(PathBuf, PathBuf)> {
    let narinfo = cache.join(format!("{}.narinfo", name_hash(path)));
    let text = std::fs::read_to_string(&narinfo)
        .with_context(|| format!("reading {}", narinfo.display()))?;
    let url = text
        .lines()
        .find_map(|l| l.strip_prefix("URL: "))
        .with_context(|| format!("{} has no URL", narinfo.display()))?;
    Ok((narinfo.clone(), cache.join(url.trim())))
}

/// Rewrites one `Key: value` line of a .narinfo (those outside the signature: what an attacker
/// who can write the cache also changes).
pub(super) fn set_narinfo_field(narinfo: &Path, key: &str, value: &str) -> Result<()> {
    let text = std::fs::read_to_string(narinfo)?;
    let prefix = format!("{key}: ");
    ensure!(
        text.lines().any(|l| l.starts_with(&prefix)),
        "{} has no {key}",
        narinfo.display()
    );
    let rewritten: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{prefix}{value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(narinfo, rewritten.join("\n") + "\n")?;
    Ok(())
}

/// A copy of a cache whose files can be changed without touching the original.
pub(super) fn copy_cache(ctx: &Context, from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    ctx.run("copy-cache", Command::new("cp").arg("-r").arg(from).arg(to))?;
    Ok(())
}
