//! A signed binary cache of what only this flake builds: the std the `nix-builds` area built is
//! published by `publish-cache` with a key made in this run, and a second, empty Nix store
//! substitutes it from that cache alone without building. The same store refuses a NAR changed
//! after signing, a path signed by another key and an unsigned path; a publish killed midway
//! leaves a cache that still serves what it completed, and a rerun completes it.
//!
//! The second stores are chroot stores under the work folder (`nix-store --store <dir>`): the
//! host's /nix/store gains nothing and loses nothing here.

use std::collections::BTreeSet;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};

use crate::context::{stdout_text, tail, which};
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "binary-cache";

/// The key every check publishes with, made by the first check that needs it.
const KEY_NAME: &str = "wasip2-suite-1";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "publish-cache builds (cargo build -p publish-cache); without a key, or with the public half, it refuses and names the fix",
        refuses_without_key,
    );
    suite.check(
        AREA,
        "the Nix-built std published to a file:// cache with a key made here; an empty store substitutes it from that cache alone, building nothing",
        publish_and_substitute,
    );
    suite.check(
        AREA,
        "an empty store refuses a NAR changed after signing, a path signed by another key and an unsigned path: no valid output, Nix's error shown",
        refusals,
    );
    suite.check(
        AREA,
        "a publish killed midway leaves a cache that serves what it completed; a rerun completes it",
        interrupted_publish,
    );
}

/// The area's folder, the binary and the std's out-link.
struct Setup {
    dir: PathBuf,
    binary: PathBuf,
    std_link: PathBuf,
}

fn area_dir(ctx: &Context) -> PathBuf {
    ctx.work.join("binary-cache")
}

fn binary_path(ctx: &Context) -> PathBuf {
    ctx.work.join("publish-cache-target/debug/publish-cache")
}

/// What every check after the first needs, or the reason it cannot run.
fn setup(ctx: &Context) -> Result<std::result::Result<Setup, String>> {
    if which("nix-store").is_none() {
        return Ok(Err(
            "nix-store is not installed (apt-get install nix-bin)".into()
        ));
    }
    let Some(std_link) = ctx.parts.wasip2_toolchain.clone() else {
        return Ok(Err(
            "needs the rust-std-wasip2 the nix-builds area builds".into()
        ));
    };
    let binary = binary_path(ctx);
    if !binary.exists() {
        bail!("publish-cache was not built (see the first check of this area)");
    }
    let dir = area_dir(ctx);
    std::fs::create_dir_all(&dir)?;
    Ok(Ok(Setup {
        dir,
        binary,
        std_link,
    }))
}

fn refuses_without_key(ctx: &mut Context) -> CheckResult {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Its own target folder: the workspace's is in use by the `cargo test` running this suite.
    ctx.run(
        "publish-cache-build",
        Command::new(cargo)
            .current_dir(&ctx.repo)
            .args(["build", "--locked", "-p", "publish-cache"])
            .env("CARGO_TARGET_DIR", ctx.work.join("publish-cache-target")),
    )?;
    let binary = binary_path(ctx);
    ensure!(binary.exists(), "no binary at {}", binary.display());
    let dir = ctx.fresh_dir("binary-cache")?;
    let cache = dir.join("no-key-cache");
    let destination = format!("file://{}", cache.display());
    let output = ctx.run_unchecked(
        "publish-cache-no-key",
        ctx.nix(&binary.display().to_string())
            .arg(&destination)
            .arg("/nix/store/00000000000000000000000000000000-absent"),
    )?;
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    let no_key_status = output.status;
    ensure!(
        !output.status.success(),
        "publish-cache without --key-file succeeded:\n{}",
        tail(&output, 20)
    );
    ensure!(
        said.contains("nix-store --generate-binary-cache-key") && said.contains("--key-file"),
        "publish-cache without a key did not name the command that makes one:\n{said}"
    );
    ensure!(
        !cache.exists(),
        "the refused publish created {}",
        cache.display()
    );

    // The public half given as the key: refused before Nix is asked anything.
    let (_, public_file) = make_key(ctx, &dir, KEY_NAME)?;
    let output = ctx.run_unchecked(
        "publish-cache-public-key",
        ctx.nix(&binary.display().to_string())
            .arg("--key-file")
            .arg(&public_file)
            .arg(&destination)
            .arg("/nix/store/00000000000000000000000000000000-absent"),
    )?;
    let public_said = String::from_utf8_lossy(&output.stderr).into_owned();
    ensure!(
        !output.status.success() && public_said.contains("holds the public key"),
        "publish-cache took the public key as a signing key:\n{}",
        tail(&output, 20)
    );
    ensure!(
        !cache.exists(),
        "the refused publish created {}",
        cache.display()
    );
    Ok(Verdict::Proved(format!(
        "{no_key_status}: {}; with the public key, {}: {}",
        said.lines().next().unwrap_or_default().trim(),
        output.status,
        public_said.lines().next().unwrap_or_default().trim()
    )))
}

/// Makes a key pair with Nix under `dir/<name>.{secret,public}`, once per run.
fn make_key(ctx: &Context, dir: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
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

fn public_key(file: &Path) -> Result<String> {
    Ok(std::fs::read_to_string(file)
        .with_context(|| format!("reading {}", file.display()))?
        .trim()
        .to_string())
}

/// Runs publish-cache with the suite's Nix settings; fails with its output when it fails.
fn publish(
    ctx: &Context,
    setup: &Setup,
    key: &Path,
    destination: &str,
    extra: &[&str],
) -> Result<String> {
    let output = ctx.run(
        "publish-cache",
        ctx.nix(&setup.binary.display().to_string())
            .arg("--key-file")
            .arg(key)
            .args(extra)
            .arg(destination)
            .arg(&setup.std_link),
    )?;
    Ok(stdout_text(&output))
}

/// The store paths of the std's closure, and the top one.
fn closure(ctx: &Context, link: &Path) -> Result<(String, Vec<String>)> {
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
fn substitute(
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
fn invalid_in(ctx: &Context, store: &Path, paths: &[String]) -> Result<BTreeSet<String>> {
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
fn nar_hash(ctx: &Context, store: Option<&Path>, path: &str) -> Result<String> {
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
fn build_seconds(ctx: &Context, paths: &[String]) -> Result<Vec<(String, f64)>> {
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
fn name_of(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split_once('-')
        .map_or(base, |(_, name)| name)
        .to_string()
}

fn folder_bytes(dir: &Path) -> Result<u64> {
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

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The lines of Nix's output that say why it refused: errors and the signature warning.
fn nix_refusal(output: &std::process::Output) -> String {
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
fn remove_store(store: &Path) -> Result<()> {
    if store.exists() {
        std::fs::remove_dir_all(store).with_context(|| format!("removing {}", store.display()))?;
    }
    Ok(())
}

fn publish_and_substitute(ctx: &mut Context) -> CheckResult {
    let setup = match setup(ctx)? {
        Ok(setup) => setup,
        Err(why) => return ctx.missing(why),
    };
    let (secret, public_file) = make_key(ctx, &setup.dir, KEY_NAME)?;
    let public = public_key(&public_file)?;
    let (top, paths) = closure(ctx, &setup.std_link)?;
    let cache = setup.dir.join("cache");
    let _ = std::fs::remove_dir_all(&cache);

    let started = Instant::now();
    let printed = publish(
        ctx,
        &setup,
        &secret,
        &format!("file://{}?compression=zstd", cache.display()),
        &[],
    )?;
    let publish_seconds = started.elapsed().as_secs_f64();
    for path in &paths {
        ensure!(
            printed.lines().any(|l| l.ends_with(path.as_str())),
            "publish-cache did not list {path} among the paths it signed:\n{printed}"
        );
    }
    let total_line = format!("total NAR size of {} paths", paths.len());
    ensure!(
        printed.contains(&total_line),
        "publish-cache printed no `{total_line}`:\n{printed}"
    );
    ensure!(
        printed.contains(&format!("extra-trusted-public-keys = {public}")),
        "publish-cache printed another public key than the one made here:\n{printed}"
    );
    for path in &paths {
        let hash = name_hash(path);
        let narinfo = std::fs::read_to_string(cache.join(format!("{hash}.narinfo")))
            .with_context(|| format!("the cache has no .narinfo for {path}"))?;
        ensure!(
            narinfo.contains(&format!("Sig: {KEY_NAME}:")),
            "the .narinfo of {path} carries no signature by {KEY_NAME}:\n{narinfo}"
        );
    }

    let store = setup.dir.join("second-store");
    remove_store(&store)?;
    let (output, seconds) = substitute(ctx, &store, &cache, &public, std::slice::from_ref(&top))?;
    ensure!(
        output.status.success(),
        "the empty store could not substitute {top}:\n{}",
        tail(&output, 20)
    );
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let invalid = invalid_in(ctx, &store, &paths)?;
    ensure!(
        invalid.is_empty(),
        "after substituting, the second store lacks {invalid:?}"
    );
    for path in &paths {
        ensure!(
            log.contains(&format!("copying path '{path}' from 'file://")),
            "Nix did not say it substituted {path}:\n{log}"
        );
        ensure!(
            nar_hash(ctx, Some(&store), path)? == nar_hash(ctx, None, path)?,
            "{path} in the second store differs from the host's"
        );
    }
    ensure!(
        !log.contains("building '"),
        "Nix built something in the second store:\n{log}"
    );
    let nar_bytes = total_nar_size(ctx, &paths)?;
    let download = folder_bytes(&cache.join("nar"))?;
    let built = build_seconds(ctx, &paths)?;
    let build_total: f64 = built.iter().map(|(_, s)| s).sum();
    let build_note = if built.is_empty() {
        "no build log here to read the build time from".to_string()
    } else {
        format!(
            "Nix built them here in {build_total:.0} s ({})",
            built
                .iter()
                .map(|(name, s)| format!("{name} {s:.0} s"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    println!(
        "[{AREA}] published {} paths ({} NAR, {} zstd in the cache) in {publish_seconds:.1} s; substituted into an empty store in {seconds:.1} s; {build_note}",
        paths.len(),
        mib(nar_bytes),
        mib(download)
    );
    remove_store(&store)?;
    Ok(Verdict::Proved(format!(
        "substituted in {seconds:.1} s with --max-jobs 0, {} paths, {} NAR ({} download), same NAR hashes as the host's, no build; {build_note}; published in {publish_seconds:.1} s",
        paths.len(),
        mib(nar_bytes),
        mib(download)
    )))
}

fn total_nar_size(ctx: &Context, paths: &[String]) -> Result<u64> {
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
fn name_hash(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split('-').next().unwrap_or(base).to_string()
}

/// The .narinfo and NAR of the one path in a single-path cache.
fn single_entry(cache: &Path, path: &str) -> Result<(PathBuf, PathBuf)> {
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
fn set_narinfo_field(narinfo: &Path, key: &str, value: &str) -> Result<()> {
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

fn refusals(ctx: &mut Context) -> CheckResult {
    let setup = match setup(ctx)? {
        Ok(setup) => setup,
        Err(why) => return ctx.missing(why),
    };
    let (secret, public_file) = make_key(ctx, &setup.dir, KEY_NAME)?;
    let public = public_key(&public_file)?;
    let (other_secret, _) = make_key(ctx, &setup.dir, "someone-else-1")?;
    // The from-source std alone: the join refers to it, it refers to nothing. Uncompressed, so a
    // byte of the NAR can be changed where a file's contents lie.
    let (_, paths) = closure(ctx, &setup.std_link)?;
    let std_path = paths
        .iter()
        .find(|p| p.contains("rust-std-wasip2-from-source"))
        .cloned()
        .with_context(|| format!("no from-source std in the closure {paths:?}"))?;
    let given = setup.dir.join("std-from-source");
    let _ = std::fs::remove_file(&given);
    std::os::unix::fs::symlink(&std_path, &given)?;
    let single = Setup {
        dir: setup.dir.clone(),
        binary: setup.binary.clone(),
        std_link: given,
    };
    let one = [std_path.clone()];

    let mut seen = Vec::new();
    let mut try_cache = |ctx: &Context, label: &str, cache: &Path| -> Result<()> {
        let store = setup.dir.join(format!("store-{label}"));
        remove_store(&store)?;
        let (output, _) = substitute(ctx, &store, cache, &public, &one)?;
        let valid = invalid_in(ctx, &store, &one)?.is_empty();
        let refusal = nix_refusal(&output);
        // Nix unpacks a download before it compares hashes and leaves the bytes unregistered;
        // its garbage collector deletes them, so nothing of it remains a store path.
        if store.exists() {
            ctx.run(
                "gc-second-store",
                ctx.nix("nix-store").arg("--store").arg(&store).arg("--gc"),
            )?;
        }
        let left = store
            .join(std_path.trim_start_matches('/'))
            .symlink_metadata()
            .is_ok();
        remove_store(&store)?;
        match label {
            "control" => ensure!(
                output.status.success() && valid,
                "the untouched single-path cache did not substitute, so the refusals below prove nothing:\n{}",
                tail(&output, 20)
            ),
            _ => {
                ensure!(
                    !output.status.success() && !valid,
                    "the store accepted the {label} cache:\n{}",
                    tail(&output, 20)
                );
                ensure!(
                    !left,
                    "{std_path} remained in the store after the {label} refusal"
                );
                ensure!(
                    !refusal.is_empty(),
                    "Nix refused the {label} cache without an error line:\n{}",
                    tail(&output, 20)
                );
                seen.push(format!("{label}: «{refusal}»"));
            }
        }
        Ok(())
    };

    // Control: the same path, untouched, signed by the trusted key.
    let clean = setup.dir.join("cache-single");
    let _ = std::fs::remove_dir_all(&clean);
    publish(
        ctx,
        &single,
        &secret,
        &format!("file://{}?compression=none", clean.display()),
        &["--only-given"],
    )?;
    try_cache(ctx, "control", &clean)?;

    // A NAR changed after signing; its FileHash and FileSize, which no signature covers, are
    // updated too, so only the signed NarHash can tell.
    let tampered = setup.dir.join("cache-tampered");
    copy_cache(ctx, &clean, &tampered)?;
    let (narinfo, nar) = single_entry(&tampered, &std_path)?;
    let mut bytes = std::fs::read(&nar)?;
    ensure!(bytes.len() > 4096, "the NAR is only {} bytes", bytes.len());
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&nar, &bytes)?;
    let file_hash = ctx.run(
        "nix-hash-nar",
        ctx.nix("nix-hash")
            .args(["--type", "sha256", "--flat", "--base32"])
            .arg(&nar),
    )?;
    set_narinfo_field(
        &narinfo,
        "FileHash",
        &format!("sha256:{}", stdout_text(&file_hash).trim()),
    )?;
    try_cache(ctx, "changed NAR", &tampered)?;

    // Signed by a key the store does not trust.
    let other = setup.dir.join("cache-other-key");
    let _ = std::fs::remove_dir_all(&other);
    publish(
        ctx,
        &single,
        &other_secret,
        &format!("file://{}?compression=none", other.display()),
        &["--only-given"],
    )?;
    try_cache(ctx, "other key", &other)?;

    // No signature at all (publish-cache will not make one: its Sig lines are removed).
    let unsigned = setup.dir.join("cache-unsigned");
    copy_cache(ctx, &clean, &unsigned)?;
    let (narinfo, _) = single_entry(&unsigned, &std_path)?;
    let text = std::fs::read_to_string(&narinfo)?;
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("Sig: ")).collect();
    ensure!(
        kept.len() < text.lines().count(),
        "the .narinfo had no Sig line to remove"
    );
    std::fs::write(&narinfo, kept.join("\n") + "\n")?;
    try_cache(ctx, "unsigned", &unsigned)?;

    for cache in [&clean, &tampered, &other, &unsigned] {
        let _ = std::fs::remove_dir_all(cache);
    }
    Ok(Verdict::Proved(format!(
        "the untouched cache substitutes; refused, no valid path left: {}",
        seen.join("; ")
    )))
}

/// A copy of a cache whose files can be changed without touching the original.
fn copy_cache(ctx: &Context, from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    ctx.run("copy-cache", Command::new("cp").arg("-r").arg(from).arg(to))?;
    Ok(())
}

fn narinfos(cache: &Path) -> Result<Vec<PathBuf>> {
    if !cache.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(cache)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "narinfo") {
            found.push(path);
        }
    }
    Ok(found)
}

fn interrupted_publish(ctx: &mut Context) -> CheckResult {
    let setup = match setup(ctx)? {
        Ok(setup) => setup,
        Err(why) => return ctx.missing(why),
    };
    let (secret, public_file) = make_key(ctx, &setup.dir, KEY_NAME)?;
    let public = public_key(&public_file)?;
    let (top, paths) = closure(ctx, &setup.std_link)?;
    ensure!(
        paths.len() > 1,
        "the std's closure has one path: nothing to interrupt between"
    );
    let cache = setup.dir.join("cache-interrupted");
    let _ = std::fs::remove_dir_all(&cache);
    let destination = format!("file://{}?compression=zstd", cache.display());

    // Its own process group, so that the kill reaches the `nix copy` it runs too.
    let mut child = ctx
        .nix(&setup.binary.display().to_string())
        .arg("--key-file")
        .arg(&secret)
        .arg(&destination)
        .arg(&setup.std_link)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting publish-cache")?;
    let group = child.id();
    let started = Instant::now();
    let outcome = loop {
        if !narinfos(&cache)?.is_empty() {
            let status = Command::new("kill")
                .args(["-KILL", "--"])
                .arg(format!("-{group}"))
                .status()?;
            ensure!(status.success(), "kill -KILL -{group} failed");
            break "killed";
        }
        if child.try_wait()?.is_some() {
            break "finished";
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = Command::new("kill")
                .args(["-KILL", "--"])
                .arg(format!("-{group}"))
                .status();
            let _ = child.wait();
            bail!("publish-cache wrote no .narinfo in 300 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let status = child.wait()?;
    let killed_after = started.elapsed().as_secs_f64();
    ensure!(
        outcome == "killed" && status.signal() == Some(9),
        "publish-cache {outcome} ({status}) before it could be stopped midway"
    );
    let complete = narinfos(&cache)?;
    ensure!(
        complete.len() < paths.len(),
        "all {} paths were published before the kill took effect",
        paths.len()
    );
    let mut readable = Vec::new();
    for narinfo in &complete {
        let text = std::fs::read_to_string(narinfo)?;
        let field = |key: &str| -> Result<String> {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                .map(|v| v.trim().to_string())
                .with_context(|| format!("{} has no {key}:\n{text}", narinfo.display()))
        };
        let nar = cache.join(field("URL")?);
        let size: u64 = field("FileSize")?.parse()?;
        ensure!(
            std::fs::metadata(&nar).map(|m| m.len()).ok() == Some(size),
            "{} names {}, which is missing or not {size} bytes",
            narinfo.display(),
            nar.display()
        );
        ensure!(
            text.contains(&format!("Sig: {KEY_NAME}:")),
            "{} was written without its signature",
            narinfo.display()
        );
        readable.push(field("StorePath")?);
    }
    let stray = std::fs::read_dir(cache.join("nar"))
        .map(|entries| entries.count())
        .unwrap_or(0)
        .saturating_sub(complete.len());

    // What the cache lists, an empty store can take.
    let store = setup.dir.join("store-interrupted");
    remove_store(&store)?;
    let (output, _) = substitute(ctx, &store, &cache, &public, &readable)?;
    ensure!(
        output.status.success() && invalid_in(ctx, &store, &readable)?.is_empty(),
        "the paths the interrupted cache lists could not be substituted:\n{}",
        tail(&output, 20)
    );
    remove_store(&store)?;

    // The rerun publishes the rest, and the whole closure substitutes.
    let printed = publish(ctx, &setup, &secret, &destination, &[])?;
    ensure!(
        narinfos(&cache)?.len() == paths.len(),
        "after the rerun the cache has {} of {} paths:\n{printed}",
        narinfos(&cache)?.len(),
        paths.len()
    );
    let (output, seconds) = substitute(ctx, &store, &cache, &public, std::slice::from_ref(&top))?;
    ensure!(
        output.status.success() && invalid_in(ctx, &store, &paths)?.is_empty(),
        "the completed cache did not substitute {top}:\n{}",
        tail(&output, 20)
    );
    remove_store(&store)?;
    let _ = std::fs::remove_dir_all(&cache);
    Ok(Verdict::Proved(format!(
        "killed after {killed_after:.1} s with {} of {} paths published ({}), {stray} NAR file(s) without a .narinfo, which no client reads; an empty store substituted the listed ones; the rerun completed the cache, whose whole closure substituted in {seconds:.1} s",
        complete.len(),
        paths.len(),
        readable
            .iter()
            .map(|p| name_of(p))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
