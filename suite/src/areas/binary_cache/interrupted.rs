//! A publish killed midway: the cache still serves what it completed, and a rerun completes it.

use super::*;

pub(super) fn interrupted_publish(ctx: &mut Context) -> CheckResult {
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
