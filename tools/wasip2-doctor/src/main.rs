//! `wasip2-doctor [--json] [--quick] [--target <triple>]`: checks this environment for
//! wasm32-wasip2 (or wasm32-wasip3) and prints a table (or JSON) with a fix for everything that
//! is missing. Exits 1 when a check fails.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use wasip2_doctor::cli::{self, Args, Mode};
use wasip2_doctor::{Environment, Status, diagnose, render};

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(Mode::Run(args)) => args,
        Ok(Mode::Help) => {
            println!("{}", cli::usage());
            return ExitCode::SUCCESS;
        }
        Ok(Mode::Version) => {
            println!("{}", cli::version());
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("wasip2-doctor: {error}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("wasip2-doctor: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Diagnoses the current environment and prints the report; whether nothing failed.
fn run(args: Args) -> Result<bool> {
    let env = Environment::current().context("reading the current folder")?;
    let findings = diagnose(&env, args.options);
    if args.json {
        println!("{}", render::json(&findings));
    } else {
        print!("{}", render::table(&findings, args.options.target));
    }
    Ok(findings.iter().all(|f| f.status != Status::Fail))
}
