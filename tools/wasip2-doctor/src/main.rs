//! `wasip2-doctor [--json] [--quick] [--target <triple>]`: checks this environment for
//! wasm32-wasip2 (or wasm32-wasip3) and prints a table (or JSON) with a fix for everything that
//! is missing. Exits 1 when a check fails, 2 on bad usage.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Parser as _;
use wasip2_doctor::cli::Args;
use wasip2_doctor::{Environment, Status, diagnose, render};

fn main() -> ExitCode {
    match run(Args::parse()) {
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
    let options = args.options();
    let findings = diagnose(&env, options);
    if args.json {
        println!("{}", render::json(&findings));
    } else {
        print!("{}", render::table(&findings, options.target));
    }
    Ok(findings.iter().all(|f| f.status != Status::Fail))
}
