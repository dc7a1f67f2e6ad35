//! The publishing steps. Every call to Nix goes through [`Nix::run`], so the steps are tested
//! with a recorded fake; `main` gives them the real programs.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::args::Options;
use crate::plan::{
    PathSize, is_binary_cache, parse_path_sizes, plain_folder_note, secret_key_name, select,
    size_table, substituter_url, valid_paths, with_secret_key,
};

/// The two Nix programs used: `nix` (with the `nix-command` feature, which Nix 2.8 needs and
/// later versions accept) and `nix-store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Nix,
    NixStore,
}

pub trait Nix {
    /// Runs the tool with the arguments (and the file as standard input), returning its standard
    /// output; an error when it exits unsuccessfully.
    fn run(&mut self, tool: Tool, args: &[String], stdin: Option<&Path>) -> Result<String>;
}

/// Publishes what the options ask for and returns the paths it published (or, in a dry run,
/// would have).
pub fn publish(nix: &mut dyn Nix, options: &Options, out: &mut dyn Write) -> Result<Vec<PathSize>> {
    let key_text = std::fs::read_to_string(&options.key_file).with_context(|| {
        format!(
            "reading the signing key {}; make a key pair with \
             `nix-store --generate-binary-cache-key <name> secret.key public.key`",
            options.key_file.display()
        )
    })?;
    let key_name = secret_key_name(&key_text, &options.key_file)?;
    // Nix reads the key again when it signs: an absolute path survives its own working folder.
    let key_file = std::path::absolute(&options.key_file)?;
    let public_key = nix
        .run(
            Tool::Nix,
            &words(&["key", "convert-secret-to-public"]),
            Some(&key_file),
        )
        .context("deriving the public key from the secret key")?
        .trim()
        .to_string();

    let candidates = resolve(nix, &options.paths, !options.only_given)?;
    let mut served_elsewhere = BTreeSet::new();
    for store in &options.exclude_in {
        let mut args = words(&["--store", store, "--check-validity", "--print-invalid"]);
        args.extend(candidates.iter().map(|c| c.path.clone()));
        let invalid = nix
            .run(Tool::NixStore, &args, None)
            .with_context(|| format!("asking {store} which of the paths it already serves"))?;
        served_elsewhere.extend(valid_paths(&candidates, &invalid));
    }
    let paths = select(candidates, &served_elsewhere);
    let destination = &options.destination;

    writeln!(
        out,
        "publish-cache: {} to {destination}, signed by {key_name}{}",
        count(paths.len()),
        if served_elsewhere.is_empty() {
            String::new()
        } else {
            format!(
                " ({} left out: served by {})",
                count(served_elsewhere.len()),
                options.exclude_in.join(", ")
            )
        }
    )?;
    if let Some(note) = plain_folder_note(destination) {
        writeln!(out, "{note}")?;
    }
    if paths.is_empty() {
        writeln!(out, "nothing to publish: every path is served elsewhere")?;
        return Ok(paths);
    }
    if options.dry_run {
        write!(out, "{}", size_table(&paths))?;
        writeln!(out, "dry run: nothing was signed or copied")?;
        return Ok(paths);
    }

    let key = key_file.to_string_lossy().into_owned();
    let listed: Vec<String> = paths.iter().map(|p| p.path.clone()).collect();
    let with_paths = |head: &[&str]| -> Vec<String> {
        let mut args = words(head);
        args.extend(listed.iter().cloned());
        args
    };
    if is_binary_cache(destination) {
        // Each .narinfo is signed as it is written, after its NAR: an interrupted copy leaves no
        // unsigned and no half-written entry. Signing in place afterwards covers the paths the
        // cache held before, which `nix copy` skips.
        let signing = with_secret_key(destination, &key_file);
        nix.run(Tool::Nix, &with_paths(&["copy", "--to", &signing]), None)
            .with_context(|| format!("copying to {destination}"))?;
        nix.run(
            Tool::Nix,
            &with_paths(&["store", "sign", "--store", destination, "--key-file", &key]),
            None,
        )
        .with_context(|| format!("signing the paths in {destination}"))?;
    } else {
        // Other stores take the signatures the local store holds.
        nix.run(
            Tool::Nix,
            &with_paths(&["store", "sign", "--key-file", &key]),
            None,
        )
        .context("signing the paths in the local store")?;
        nix.run(Tool::Nix, &with_paths(&["copy", "--to", destination]), None)
            .with_context(|| format!("copying to {destination}"))?;
    }
    nix.run(
        Tool::Nix,
        &with_paths(&[
            "store",
            "verify",
            "--store",
            destination,
            "--no-contents",
            "--option",
            "trusted-public-keys",
            &public_key,
        ]),
        None,
    )
    .with_context(|| {
        format!("{destination} does not hold every path with a valid signature by {key_name}")
    })?;

    writeln!(out, "signed and copied:")?;
    write!(out, "{}", size_table(&paths))?;
    writeln!(
        out,
        "{destination} holds each of them with a signature by {key_name} (checked with `nix store verify`)."
    )?;
    writeln!(out, "Users add to nix.conf (or a flake's nixConfig):")?;
    writeln!(
        out,
        "  extra-substituters = {}",
        substituter_url(destination)
    )?;
    writeln!(out, "  extra-trusted-public-keys = {public_key}")?;
    Ok(paths)
}

/// The given paths (out-links followed) with their NAR sizes, and with `closure` every path they
/// refer to, directly or not.
fn resolve(nix: &mut dyn Nix, given: &[String], closure: bool) -> Result<Vec<PathSize>> {
    let mut args = words(&["path-info", "--size"]);
    if closure {
        args.push("--recursive".into());
    }
    for path in given {
        // A bare `result` would be read as a flake reference: make every local path absolute.
        let path = Path::new(path);
        let absolute: PathBuf = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::path::absolute(path)?
        };
        args.push(absolute.to_string_lossy().into_owned());
    }
    let text = nix
        .run(Tool::Nix, &args, None)
        .context("finding the paths in the local store (build them first: nix build …)")?;
    parse_path_sizes(&text)
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|word| word.to_string()).collect()
}

fn count(n: usize) -> String {
    format!("{n} {}", if n == 1 { "path" } else { "paths" })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STD: &str =
        "/nix/store/jjy9mwqgl431sc08ncsjx2jypcr3975y-rust-std-wasip2-from-source-1.95.0";
    const RUST: &str = "/nix/store/x94g1gpkydxq2gxxjbp0zrnkd5gnn7nd-rust-1.95.0-with-rust-src";
    const JOIN: &str = "/nix/store/cxwf60zm6dmrwjig948qvxbdyw6h8w46-rust-std-wasip2-1.95.0";
    const PUBLIC: &str = "test-1:QhfIL8PiXnUKVU62bJVRP60/Cpn3pf/tYrBWhY6fEoo=";

    /// Answers as Nix 2.8 answered here, and records each call.
    #[derive(Default)]
    struct FakeNix {
        calls: Vec<String>,
        served_by_upstream: Vec<&'static str>,
    }

    impl Nix for FakeNix {
        fn run(&mut self, tool: Tool, args: &[String], stdin: Option<&Path>) -> Result<String> {
            let line = format!("{tool:?} {}", args.join(" "));
            self.calls.push(line);
            let has = |word: &str| args.iter().any(|a| a == word);
            Ok(match (tool, args.first().map(String::as_str)) {
                (Tool::Nix, Some("key")) => {
                    assert!(
                        stdin.is_some_and(Path::is_absolute),
                        "the key file is stdin"
                    );
                    format!("{PUBLIC}\n")
                }
                (Tool::Nix, Some("path-info")) if has("--recursive") => {
                    format!("{STD}\t  89964600\n{RUST}\t 675004816\n{JOIN}\t 193537864\n")
                }
                (Tool::Nix, Some("path-info")) => format!("{JOIN}\t 193537864\n"),
                (Tool::NixStore, _) => args
                    .iter()
                    .filter(|a| a.starts_with("/nix/store/"))
                    .filter(|a| !self.served_by_upstream.contains(&a.as_str()))
                    .map(|a| format!("{a}\n"))
                    .collect(),
                _ => String::new(),
            })
        }
    }

    fn key_file(dir: &Path) -> PathBuf {
        let file = dir.join("secret.key");
        let secret = format!("test-1:{}==", "A".repeat(86));
        std::fs::write(&file, secret).expect("writing the test key");
        file
    }

    fn test_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("publish-cache-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    }

    fn options(dir: &Path, destination: &str) -> Options {
        Options {
            key_file: key_file(dir),
            dry_run: false,
            only_given: false,
            exclude_in: Vec::new(),
            destination: destination.into(),
            paths: vec!["./result".into()],
        }
    }

    fn run(nix: &mut FakeNix, options: &Options) -> (Vec<PathSize>, String) {
        let mut out = Vec::new();
        let published = publish(nix, options, &mut out).expect("publishing with the fake Nix");
        (published, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn binary_cache_gets_the_closure_signed_as_written() {
        let dir = test_dir("file");
        let options = options(&dir, "file:///srv/cache?compression=zstd");
        let mut nix = FakeNix::default();
        let (published, out) = run(&mut nix, &options);
        assert_eq!(published.len(), 3);
        let key = dir.join("secret.key").display().to_string();
        let copy = nix
            .calls
            .iter()
            .find(|c| c.starts_with("Nix copy"))
            .expect("a copy");
        assert!(
            copy.contains(&format!(
                "file:///srv/cache?compression=zstd&secret-key={key}"
            )),
            "{copy}"
        );
        assert!(copy.contains(STD) && copy.contains(RUST) && copy.contains(JOIN));
        let resolve = &nix.calls[1];
        assert!(resolve.contains("--recursive"), "{resolve}");
        assert!(
            !resolve.contains(" ./result") && resolve.contains("/result"),
            "out-links are passed as absolute paths: {resolve}"
        );
        let order: Vec<&str> = nix
            .calls
            .iter()
            .map(|c| c.split_whitespace().nth(1).unwrap_or_default())
            .collect();
        assert_eq!(order, ["key", "path-info", "copy", "store", "store"]);
        assert!(nix.calls[4].contains(&format!("trusted-public-keys {PUBLIC}")));
        assert!(
            out.contains("914.1 MiB  total NAR size of 3 paths"),
            "{out}"
        );
        assert!(
            out.contains("extra-substituters = file:///srv/cache\n"),
            "{out}"
        );
        assert!(
            out.contains(&format!("extra-trusted-public-keys = {PUBLIC}")),
            "{out}"
        );
    }

    #[test]
    fn other_stores_get_paths_signed_in_the_local_store_first() {
        let dir = test_dir("ssh");
        let options = options(&dir, "ssh-ng://builder");
        let mut nix = FakeNix::default();
        run(&mut nix, &options);
        let sign = nix
            .calls
            .iter()
            .position(|c| c.starts_with("Nix store sign --key-file"))
            .expect("signing in the local store");
        let copy = nix
            .calls
            .iter()
            .position(|c| c.starts_with("Nix copy --to ssh-ng://builder /nix"))
            .expect("a copy without secret-key");
        assert!(sign < copy);
    }

    #[test]
    fn only_given_publishes_the_given_paths() {
        let dir = test_dir("given");
        let mut options = options(&dir, "file:///c");
        options.only_given = true;
        let mut nix = FakeNix::default();
        let (published, out) = run(&mut nix, &options);
        assert_eq!(published.len(), 1);
        assert!(!nix.calls[1].contains("--recursive"));
        assert!(out.contains("184.6 MiB  total NAR size of 1 path"), "{out}");
    }

    #[test]
    fn paths_another_cache_serves_are_left_out() {
        let dir = test_dir("exclude");
        let mut options = options(&dir, "file:///c");
        options.exclude_in = vec!["https://upstream.example".into()];
        let mut nix = FakeNix {
            served_by_upstream: vec![RUST],
            ..FakeNix::default()
        };
        let (published, out) = run(&mut nix, &options);
        let kept: Vec<&str> = published.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(kept, [JOIN, STD]);
        assert!(nix.calls.iter().any(|c| c.starts_with(
            "NixStore --store https://upstream.example --check-validity --print-invalid"
        )));
        assert!(
            out.contains("1 path left out: served by https://upstream.example"),
            "{out}"
        );
        let copy = nix
            .calls
            .iter()
            .find(|c| c.starts_with("Nix copy"))
            .expect("a copy");
        assert!(!copy.contains(RUST), "{copy}");
    }

    #[test]
    fn dry_run_signs_and_copies_nothing() {
        let dir = test_dir("dry");
        let mut options = options(&dir, "file:///c");
        options.dry_run = true;
        let mut nix = FakeNix::default();
        let (_, out) = run(&mut nix, &options);
        assert!(
            nix.calls
                .iter()
                .all(|c| !c.contains(" copy ") && !c.contains(" sign "))
        );
        assert!(out.contains("dry run"), "{out}");
        assert!(out.contains("total NAR size of 3 paths"), "{out}");
    }

    #[test]
    fn a_missing_key_file_names_the_command_that_makes_one() {
        let dir = test_dir("nokey");
        let mut options = options(&dir, "file:///c");
        options.key_file = dir.join("absent.key");
        let mut nix = FakeNix::default();
        let error = publish(&mut nix, &options, &mut Vec::new()).expect_err("no key file");
        assert!(format!("{error:#}").contains("nix-store --generate-binary-cache-key"));
        assert!(nix.calls.is_empty(), "Nix was called without a key");
    }
}
