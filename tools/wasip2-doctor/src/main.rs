//! `wasip2-doctor [--json] [--quick]`: checks this environment for wasm32-wasip2 and prints a
//! table (or JSON) with a fix for everything that is missing. Exits 1 when a check fails.

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use wasip2_doctor::{Environment, Options, Status, diagnose, render};

const USAGE: &str = "usage: wasip2-doctor [--json] [--quick]

Checks that this environment can build and run Rust for wasm32-wasip2: rustc and its
wasm32-wasip2 std, wasm-component-ld and wasm-ld, wasmtime (>= 17), WASI_SDK_PATH and the cc
crate's variables, Cargo's runner, then builds and runs probe programs (skipped with --quick).

  --json    print a JSON report instead of the table
  --quick   skip the probes that build and run programs
  --help    print this text

Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad usage.";

struct Args {
    json: bool,
    options: Options,
}

fn parse_args() -> Result<Option<Args>> {
    let mut args = Args {
        json: false,
        options: Options::default(),
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => args.json = true,
            "--quick" => args.options.quick = true,
            "--help" | "-h" => return Ok(None),
            "--version" | "-V" => {
                println!("wasip2-doctor {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}`\n\n{USAGE}"),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("wasip2-doctor: {error:#}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("wasip2-doctor: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<bool> {
    let env = Environment::current().context("reading the current folder")?;
    let findings = diagnose(&env, args.options);
    if args.json {
        println!("{}", render::json(&findings));
    } else {
        print!("{}", render::table(&findings));
    }
    Ok(findings.iter().all(|f| f.status != Status::Fail))
}
