//! What a client's store must refuse: a NAR changed after signing and a path signed by another
//! key; Nix's own error is shown, and no output path is left valid.

use super::*;

pub(super) fn refusals(ctx: &mut Context) -> CheckResult {
    let setup = match setup(ctx)? {
        Ok(setup) => setup,
        Err(why) => return ctx.missing(why),
    };
    let (secret, public_file) = make_key(ctx, &setup.dir, KEY_NAME)?;
    let public = public_key(&public_file)?;
    let (other_secret, _) = make_key(ctx, &setup.dir, "someone-else-1")?;
    // The from-source std alone: the join refers to it, it refers to nothing. Uncompressed, so a byte of the NAR can be changed where a file's contents lie.
    let (_, paths) = closure(ctx, &setup.std_link)?;
    let std_path = paths
        .iter()
        .find(|p| p.contains("rust-std-wasip2-from-source"))
        .cloned()
        .with_context(|| format!("no from-source std in the closure {paths:?}"))?;
    let given = setup.dir.join("std-from-source");
    let _ = std::fs::remove_file(&given);
    std::os::unix::fs::symlink(&std_path, &given)?;
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
                // What Nix says for each: the NAR's hash is checked, and the signer's key.
                let reason = if label == "other key" {
                    "is not signed by any of the keys"
                } else {
                    "hash mismatch"
                };
                ensure!(
                    refusal.contains(reason),
                    "Nix refused the {label} cache without saying `{reason}`:\n{}",
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
        &setup,
        &secret,
        &format!("file://{}?compression=none", clean.display()),
        &given,
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
        &setup,
        &other_secret,
        &format!("file://{}?compression=none", other.display()),
        &given,
    )?;
    try_cache(ctx, "other key", &other)?;

    for cache in [&clean, &tampered, &other] {
        let _ = std::fs::remove_dir_all(cache);
    }
    Ok(Verdict::Proved(format!(
        "the untouched cache substitutes; refused, no valid path left: {}",
        seen.join("; ")
    )))
}
