//! What to publish and how to address the destination: pure functions over Nix's text output,
//! so that every decision is tested without Nix.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// One store path and the size of its NAR serialisation (what a cache stores, before
/// compression, and what a user unpacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSize {
    pub path: String,
    pub nar_size: u64,
}

/// Reads `nix path-info --size` output: one `<store path> <NAR size>` per line (Nix pads with
/// spaces and a tab). The lines are sorted by path and duplicates dropped.
pub fn parse_path_sizes(text: &str) -> Result<Vec<PathSize>> {
    let mut sizes: Vec<PathSize> = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let (Some(path), Some(size), None) = (words.next(), words.next(), words.next()) else {
            bail!("unexpected line from `nix path-info --size`: {line:?}");
        };
        if !path.starts_with('/') {
            bail!("`nix path-info --size` printed {path:?} where a store path was expected");
        }
        let nar_size = size.parse().with_context(|| {
            format!("`nix path-info --size` gave {size:?} as the size of {path}")
        })?;
        sizes.push(PathSize {
            path: path.to_string(),
            nar_size,
        });
    }
    sizes.sort_by(|a, b| a.path.cmp(&b.path));
    sizes.dedup_by(|a, b| a.path == b.path);
    Ok(sizes)
}

/// The paths to publish: the candidates less those another store already serves, in the order
/// given.
pub fn select(candidates: Vec<PathSize>, served_elsewhere: &BTreeSet<String>) -> Vec<PathSize> {
    candidates
        .into_iter()
        .filter(|candidate| !served_elsewhere.contains(&candidate.path))
        .collect()
}

/// The paths `nix-store --check-validity --print-invalid` did not print: those the store has.
pub fn valid_paths(asked: &[PathSize], printed_invalid: &str) -> BTreeSet<String> {
    let invalid: BTreeSet<&str> = printed_invalid.lines().map(str::trim).collect();
    asked
        .iter()
        .map(|candidate| candidate.path.as_str())
        .filter(|path| !invalid.contains(path))
        .map(String::from)
        .collect()
}

/// A size as people read it, in binary units with one decimal above a KiB.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The table printed after publishing: each path with its NAR size, then the total.
pub fn size_table(paths: &[PathSize]) -> String {
    let mut table = String::new();
    for entry in paths {
        let _ = writeln!(
            table,
            "  {:>10}  {}",
            format_size(entry.nar_size),
            entry.path
        );
    }
    let total: u64 = paths.iter().map(|entry| entry.nar_size).sum();
    let noun = if paths.len() == 1 { "path" } else { "paths" };
    let _ = writeln!(
        table,
        "  {:>10}  total NAR size of {} {noun}",
        format_size(total),
        paths.len()
    );
    table
}

/// Stores whose `nix copy --to` writes `.narinfo` files: they accept a `secret-key` parameter and
/// sign each path as they write it, so no unsigned path is ever visible in them.
pub fn is_binary_cache(destination: &str) -> bool {
    ["file://", "s3://", "http://", "https://"]
        .iter()
        .any(|scheme| destination.starts_with(scheme))
}

/// A plain folder as the destination makes `nix copy` fill a whole Nix store there (a chroot
/// store), which users cannot take as a substituter the way they take a binary cache folder.
pub fn plain_folder_note(destination: &str) -> Option<String> {
    destination.starts_with('/').then(|| {
        format!(
            "note: {destination} is taken as a Nix store (a chroot store), not a binary cache; \
             for a binary cache in that folder say file://{destination}"
        )
    })
}

/// The destination URL with `secret-key=<file>` added to its parameters.
pub fn with_secret_key(destination: &str, key_file: &Path) -> String {
    let separator = if destination.contains('?') { '&' } else { '?' };
    format!(
        "{destination}{separator}secret-key={}",
        escape_parameter(&key_file.to_string_lossy())
    )
}

/// The URL users put in `extra-substituters`: the destination without the parameters that only
/// matter when writing to it.
pub fn substituter_url(destination: &str) -> String {
    const WRITE_ONLY: [&str; 6] = [
        "secret-key",
        "compression",
        "parallel-compression",
        "write-nar-listing",
        "index-debug-info",
        "compression-level",
    ];
    let Some((base, query)) = destination.split_once('?') else {
        return destination.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|parameter| {
            let name = parameter.split('=').next().unwrap_or_default();
            !parameter.is_empty() && !WRITE_ONLY.contains(&name)
        })
        .collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Nix decodes `%XX` in store URL parameters, and `&`, `=`, `#` and `?` would end or split one.
fn escape_parameter(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'%' | b'&' | b'=' | b'#' | b'?' | b'+' | b' ' => {
                let _ = write!(escaped, "%{byte:02X}");
            }
            _ => escaped.push(byte as char),
        }
    }
    escaped
}

/// The name of a secret key read from its file (`<name>:<base64 of 64 bytes>`), or an error that
/// says what is wrong with the file and how to make a right one.
pub fn secret_key_name(text: &str, file: &Path) -> Result<String> {
    const MAKE: &str = "make one with `nix-store --generate-binary-cache-key <name> secret.key public.key` and pass secret.key";
    let text = text.trim();
    let Some((name, data)) = text.split_once(':') else {
        bail!(
            "{} is not a Nix signing key (expected `<name>:<base64>`): {MAKE}",
            file.display()
        );
    };
    if name.is_empty() {
        bail!("the key in {} has no name: {MAKE}", file.display());
    }
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    if !data.chars().all(base64) {
        bail!(
            "{} holds more than one key or something else: {MAKE}",
            file.display()
        );
    }
    // 64 bytes (an Ed25519 secret key) are 88 base64 characters; 32 bytes (the public half) 44.
    match data.len() {
        88 => Ok(name.to_string()),
        44 => bail!(
            "{} holds the public key {name}: pass the secret key file, the first one \
             `nix-store --generate-binary-cache-key` wrote",
            file.display()
        ),
        n => bail!(
            "{} holds {n} characters of key data where a secret key has 88: {MAKE}",
            file.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STD: &str =
        "/nix/store/jjy9mwqgl431sc08ncsjx2jypcr3975y-rust-std-wasip2-from-source-1.95.0";
    const RUST: &str = "/nix/store/x94g1gpkydxq2gxxjbp0zrnkd5gnn7nd-rust-1.95.0-with-rust-src";
    const JOIN: &str = "/nix/store/cxwf60zm6dmrwjig948qvxbdyw6h8w46-rust-std-wasip2-1.95.0";

    fn sizes() -> Vec<PathSize> {
        let text = format!(
            "{STD}\t   89964600\n{RUST}         \t  675004816\n{JOIN}            \t  193537864\n"
        );
        parse_path_sizes(&text).expect("Nix's output parses")
    }

    #[test]
    fn parses_nix_path_info_size_output() {
        let parsed = sizes();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].path, JOIN, "sorted by path");
        assert_eq!(parsed[0].nar_size, 193_537_864);
        assert_eq!(parsed[2].nar_size, 675_004_816);
    }

    #[test]
    fn duplicates_and_blank_lines_are_dropped() {
        let text = format!("{STD}\t1\n\n{STD}\t1\n");
        assert_eq!(parse_path_sizes(&text).map(|p| p.len()).ok(), Some(1));
    }

    #[test]
    fn unexpected_output_is_an_error() {
        assert!(parse_path_sizes("warning: something\n").is_err());
        assert!(parse_path_sizes(&format!("{STD}\tlots\n")).is_err());
        assert!(parse_path_sizes("relative 12\n").is_err());
    }

    #[test]
    fn selection_leaves_out_what_another_store_serves() {
        let asked = sizes();
        let served = valid_paths(&asked, &format!("{STD}\n{JOIN}\n"));
        assert_eq!(served, BTreeSet::from([RUST.to_string()]));
        let kept: Vec<String> = select(asked, &served).into_iter().map(|p| p.path).collect();
        assert_eq!(kept, vec![JOIN.to_string(), STD.to_string()]);
    }

    #[test]
    fn nothing_served_elsewhere_keeps_everything() {
        let asked = sizes();
        let everything_invalid = asked
            .iter()
            .map(|p| p.path.clone())
            .collect::<Vec<_>>()
            .join("\n");
        let served = valid_paths(&asked, &everything_invalid);
        assert!(served.is_empty());
        assert_eq!(select(asked, &served).len(), 3);
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1024), "1.0 KiB");
        assert_eq!(format_size(89_964_600), "85.8 MiB");
        assert_eq!(format_size(958_507_280), "914.1 MiB");
        assert_eq!(format_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn table_has_every_path_and_the_total() {
        let table = size_table(&sizes());
        assert!(table.contains(&format!("85.8 MiB  {STD}")), "{table}");
        assert!(
            table.contains("914.1 MiB  total NAR size of 3 paths"),
            "{table}"
        );
        assert_eq!(table.lines().count(), 4);
    }

    #[test]
    fn binary_caches_are_told_apart_from_other_stores() {
        for cache in [
            "file:///srv/c",
            "s3://b?region=eu-west-1",
            "https://c.example",
        ] {
            assert!(is_binary_cache(cache), "{cache}");
        }
        for store in ["ssh-ng://host", "/tmp/chroot", "local?root=/x", "daemon"] {
            assert!(!is_binary_cache(store), "{store}");
        }
    }

    #[test]
    fn a_plain_folder_gets_a_note() {
        let note = plain_folder_note("/srv/cache").unwrap_or_default();
        assert!(note.contains("file:///srv/cache"), "{note}");
        assert_eq!(plain_folder_note("file:///srv/cache"), None);
        assert_eq!(plain_folder_note("ssh-ng://host"), None);
    }

    #[test]
    fn secret_key_parameter_is_added_and_escaped() {
        assert_eq!(
            with_secret_key("file:///srv/c", Path::new("/k/sec")),
            "file:///srv/c?secret-key=/k/sec"
        );
        assert_eq!(
            with_secret_key("file:///srv/c?compression=zstd", Path::new("/k/a&b=c%")),
            "file:///srv/c?compression=zstd&secret-key=/k/a%26b%3Dc%25"
        );
    }

    #[test]
    fn substituter_url_drops_write_parameters() {
        assert_eq!(substituter_url("file:///c?compression=zstd"), "file:///c");
        assert_eq!(
            substituter_url("s3://b?region=eu&compression=xz&secret-key=/k"),
            "s3://b?region=eu"
        );
        assert_eq!(substituter_url("https://c.example"), "https://c.example");
    }

    #[test]
    fn key_files_are_checked() {
        let file = Path::new("k");
        let secret = format!("my-cache-1:{}", "A".repeat(86) + "==");
        assert_eq!(
            secret_key_name(&secret, file).ok().as_deref(),
            Some("my-cache-1")
        );
        let public = format!("my-cache-1:{}", "A".repeat(43) + "=");
        let message = format!(
            "{:#}",
            secret_key_name(&public, file)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        );
        assert!(message.contains("public key"), "{message}");
        for bad in ["", "no-colon", ":AAAA", "n:not base64!"] {
            let message = secret_key_name(bad, file)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(!message.is_empty(), "{bad:?} was accepted");
        }
        let two = format!("{secret}\n{secret}");
        assert!(secret_key_name(&two, file).is_err());
    }
}
