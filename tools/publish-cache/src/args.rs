//! The command line, parsed without touching the file system or Nix.

use std::path::PathBuf;

use anyhow::{Result, bail};

pub const USAGE: &str =
    "usage: publish-cache --key-file <secret key file> [--dry-run] [--only-given]
                     [--exclude-in <store URL>]... <destination> <store paths or out-links>...

Signs the closures of the given store paths with the key and copies them to the destination, a
Nix store URL: file:///srv/cache, s3://bucket?region=…, https://…, ssh-ng://host, or any other
store `nix copy --to` accepts. Prints each path it signed with its NAR size, then the total and
the two lines users add to nix.conf.

  --key-file <file>        the secret half of a key made by
                           `nix-store --generate-binary-cache-key <name> <secret> <public>`
  --dry-run                resolve, select and print; sign and copy nothing
  --only-given             publish the given paths only, not the paths they refer to
  --exclude-in <store URL> leave out the paths that store already serves
                           (e.g. https://cache.nixos.org); may be repeated
  --help                   print this text

Without --only-given the whole closure is published: a user can substitute a path only when
every path it refers to comes from some cache too.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Help,
    Publish(Options),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    pub key_file: PathBuf,
    pub dry_run: bool,
    pub only_given: bool,
    pub exclude_in: Vec<String>,
    pub destination: String,
    pub paths: Vec<String>,
}

/// The error for a missing key names the command that makes one: publishing unsigned paths
/// would give users a cache their Nix refuses.
pub const NO_KEY: &str = "no signing key given: publish-cache signs every path it publishes and \
refuses to publish unsigned ones.
Make a key pair once, keep the secret file private, and pass it with --key-file:
  nix-store --generate-binary-cache-key my-cache-1 secret.key public.key
  publish-cache --key-file secret.key <destination> <paths>...
Users then trust the line in public.key (extra-trusted-public-keys).";

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Request> {
    let mut key_file = None;
    let (mut dry_run, mut only_given) = (false, false);
    let mut exclude_in = Vec::new();
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            match inline {
                Some(value) => Ok(value.to_string()),
                None => match args.next() {
                    Some(value) if !value.starts_with("--") => Ok(value),
                    _ => bail!("{name} needs a value\n\n{USAGE}"),
                },
            }
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Request::Help),
            "--key-file" => key_file = Some(PathBuf::from(value("--key-file")?)),
            "--exclude-in" => exclude_in.push(value("--exclude-in")?),
            "--dry-run" | "--only-given" if inline.is_some() => {
                bail!("{flag} takes no value\n\n{USAGE}")
            }
            "--dry-run" => dry_run = true,
            "--only-given" => only_given = true,
            "--" => {
                positional.extend(args.by_ref());
                break;
            }
            other if other.starts_with('-') => bail!("unknown option `{other}`\n\n{USAGE}"),
            _ => positional.push(arg),
        }
    }
    let Some(key_file) = key_file.filter(|path| !path.as_os_str().is_empty()) else {
        bail!("{NO_KEY}");
    };
    let mut positional = positional.into_iter();
    let Some(destination) = positional.next() else {
        bail!("no destination given\n\n{USAGE}");
    };
    let paths: Vec<String> = positional.collect();
    if paths.is_empty() {
        bail!(
            "no store paths given for {destination}: build what to publish first, e.g.\n  \
             nix build .#rust-std-wasip2 .#wasi-sdk\nthen pass the out-links: \
             publish-cache --key-file <file> {destination} ./result ./result-1"
        );
    }
    Ok(Request::Publish(Options {
        key_file,
        dry_run,
        only_given,
        exclude_in,
        destination,
        paths,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Request> {
        parse(line.split_whitespace().map(String::from))
    }

    fn options(line: &str) -> Options {
        match parse_words(line) {
            Ok(Request::Publish(options)) => options,
            other => panic!("{line:?} parsed to {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        match parse_words(line) {
            Err(error) => format!("{error:#}"),
            Ok(request) => panic!("{line:?} was accepted as {request:?}"),
        }
    }

    #[test]
    fn full_command_line() {
        let parsed = options(
            "--key-file k.sec --dry-run --exclude-in https://cache.nixos.org --only-given \
             file:///srv/cache ./result /nix/store/abc-x",
        );
        assert_eq!(
            parsed,
            Options {
                key_file: PathBuf::from("k.sec"),
                dry_run: true,
                only_given: true,
                exclude_in: vec!["https://cache.nixos.org".into()],
                destination: "file:///srv/cache".into(),
                paths: vec!["./result".into(), "/nix/store/abc-x".into()],
            }
        );
    }

    #[test]
    fn options_after_positionals_and_inline_values() {
        let parsed =
            options("s3://bucket ./result --key-file=/run/k --exclude-in=a --exclude-in b");
        assert_eq!(parsed.key_file, PathBuf::from("/run/k"));
        assert_eq!(parsed.exclude_in, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(parsed.destination, "s3://bucket");
        assert!(!parsed.dry_run && !parsed.only_given);
    }

    #[test]
    fn double_dash_ends_options() {
        let parsed = options("--key-file k file:///c -- --odd-name");
        assert_eq!(parsed.paths, vec!["--odd-name".to_string()]);
    }

    #[test]
    fn no_key_names_the_command_that_makes_one() {
        for line in ["file:///c ./result", "--key-file= file:///c ./result"] {
            let message = error(line);
            assert!(
                message.contains("nix-store --generate-binary-cache-key"),
                "{message}"
            );
            assert!(message.contains("--key-file"), "{message}");
        }
    }

    #[test]
    fn key_file_without_value() {
        assert!(error("file:///c ./result --key-file").contains("--key-file needs a value"));
        assert!(error("--key-file --dry-run file:///c ./r").contains("needs a value"));
    }

    #[test]
    fn missing_destination_or_paths() {
        assert!(error("--key-file k").contains("no destination"));
        let message = error("--key-file k file:///c");
        assert!(message.contains("nix build .#rust-std-wasip2"), "{message}");
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(error("--key-file k --sign file:///c ./r").contains("unknown option `--sign`"));
        assert!(error("--key-file k --dry-run=yes file:///c ./r").contains("takes no value"));
    }

    #[test]
    fn help_wins() {
        assert_eq!(parse_words("file:///c --help").ok(), Some(Request::Help));
    }
}
