//! `publish-cache --key-file <secret key> [--dry-run] <destination> <paths>...`: signs the
//! closures of what this flake builds from source and copies them to a Nix binary cache, so
//! that users substitute them instead of building.

mod args;
mod plan;
mod publish;

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::args::{Request, USAGE};
use crate::publish::{Nix, Tool};

/// The `nix` and `nix-store` found on PATH.
struct SystemNix;

impl Nix for SystemNix {
    fn run(&mut self, tool: Tool, args: &[String], stdin: Option<&Path>) -> Result<String> {
        let mut command = match tool {
            Tool::Nix => {
                let mut command = Command::new("nix");
                command.args(["--extra-experimental-features", "nix-command"]);
                command
            }
            Tool::NixStore => Command::new("nix-store"),
        };
        command.args(args).stderr(Stdio::inherit());
        command.stdin(match stdin {
            Some(file) => Stdio::from(
                std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
            ),
            None => Stdio::null(),
        });
        let shown = format!(
            "{} {}",
            command.get_program().to_string_lossy(),
            args.join(" ")
        );
        let output = command
            .output()
            .with_context(|| format!("starting `{shown}`: is Nix installed and on PATH?"))?;
        if !output.status.success() {
            bail!(
                "`{shown}` failed ({}); Nix's message is above",
                output.status
            );
        }
        String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed non-UTF-8"))
    }
}

fn main() -> ExitCode {
    let options = match args::parse(std::env::args().skip(1)) {
        Ok(Request::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Request::Publish(options)) => options,
        Err(error) => {
            eprintln!("publish-cache: {error:#}");
            return ExitCode::from(2);
        }
    };
    match publish::publish(&mut SystemNix, &options, &mut std::io::stdout()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("publish-cache: {error:#}");
            ExitCode::FAILURE
        }
    }
}
