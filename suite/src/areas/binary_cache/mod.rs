//! A signed binary cache of what only this flake builds: the std the `nix-builds` area built is
//! published by `publish-cache` with a key made in this run, and a second, empty Nix store
//! substitutes it from that cache alone without building. The same store refuses a NAR changed
//! after signing and a path signed by another key.
//!
//! `publish-cache` is the flake's `writeShellApplication` over `nix/packages/publish-cache.sh`;
//! the nixpkgs stand-in has no `writeShellApplication` (nor `nix`, `coreutils`, `gawk`) to build
//! it with, so the checks run that script with bash and the machine's Nix (Debian's 2.8), which
//! the script must accept as it accepts current Nix.
//!
//! The second stores are chroot stores under the work folder (`nix-store --store <dir>`): the
//! host's /nix/store gains nothing and loses nothing here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail, ensure};

use crate::context::{stdout_text, tail, which};
use crate::{CheckResult, Context, Suite, Verdict};

mod refusals;
mod store;

use self::refusals::refusals;
use self::store::*;

const AREA: &str = "binary-cache";

/// The key every check publishes with, made by the first check that needs it.
const KEY_NAME: &str = "wasip2-suite-1";

pub fn run(suite: &mut Suite) {
    suite.check(
        AREA,
        "publish-cache (nix/packages/publish-cache.sh run with bash: the stand-in cannot build the app) without a key, with a key file that is not there, or with the public half, refuses and names the fix",
        refuses_without_key,
    );
    suite.check(
        AREA,
        "the Nix-built std published by publish-cache.sh (bash) to a file:// cache with a key made here; an empty store substitutes it from that cache alone, building nothing",
        publish_and_substitute,
    );
    suite.check(
        AREA,
        "an empty store refuses a NAR changed after signing and a path signed by another key: no valid output, Nix's error shown",
        refusals,
    );
}

/// The area's folder, the script and the std's out-link.
struct Setup {
    dir: PathBuf,
    script: PathBuf,
    std_link: PathBuf,
}

fn area_dir(ctx: &Context) -> PathBuf {
    ctx.work.join("binary-cache")
}

/// The text of the flake's `publish-cache` app.
fn script_path(ctx: &Context) -> PathBuf {
    ctx.repo.join("nix/packages/publish-cache.sh")
}

/// What the publishing checks need, or the reason they cannot run.
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
    let script = script_path(ctx);
    if !script.exists() {
        bail!("{} is missing", script.display());
    }
    let dir = area_dir(ctx);
    std::fs::create_dir_all(&dir)?;
    Ok(Ok(Setup {
        dir,
        script,
        std_link,
    }))
}

fn refuses_without_key(ctx: &mut Context) -> CheckResult {
    if which("nix-store").is_none() {
        return ctx.missing("nix-store is not installed (apt-get install nix-bin)");
    }
    let script = script_path(ctx);
    let dir = ctx.fresh_dir("binary-cache")?;
    let cache = dir.join("no-key-cache");
    let destination = format!("file://{}", cache.display());
    let fix = "nix-store --generate-binary-cache-key";
    // The key is checked before Nix is asked about any path.
    let path = "/nix/store/00000000000000000000000000000000-absent";
    let absent = dir.join("absent.key");
    let (_, public_file) = make_key(ctx, &dir, KEY_NAME)?;
    let cases: [(&str, Option<&Path>, &str); 3] = [
        ("no --key-file", None, "no signing key given"),
        (
            "a missing key file",
            Some(&absent),
            "cannot read the key file",
        ),
        (
            "the public half",
            Some(&public_file),
            "holds the public key",
        ),
    ];
    let mut seen = Vec::new();
    for (label, key, expected) in cases {
        let mut command = ctx.nix("bash");
        command.arg(&script);
        if let Some(key) = key {
            command.arg("--key-file").arg(key);
        }
        let output = ctx.run_unchecked(
            "publish-cache-refusal",
            command
                .args(["--skip-served-by", "none"])
                .arg(&destination)
                .arg(path),
        )?;
        let said = String::from_utf8_lossy(&output.stderr).into_owned();
        ensure!(
            !output.status.success(),
            "publish-cache with {label} succeeded:\n{}",
            tail(&output, 20)
        );
        ensure!(
            said.contains(expected) && said.contains(fix),
            "publish-cache with {label} did not say `{expected}` and name `{fix}`:\n{said}"
        );
        ensure!(
            !cache.exists(),
            "the publish refused for {label} created {}",
            cache.display()
        );
        seen.push(format!(
            "{label}: {} «{}»",
            output.status,
            said.lines().next().unwrap_or_default().trim()
        ));
    }
    Ok(Verdict::Proved(seen.join("; ")))
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
        &setup.std_link,
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
        printed.contains(&format!(
            "extra-substituters = file://{}\n",
            cache.display()
        )),
        "publish-cache printed another substituter than the cache without its write parameters:\n{printed}"
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
