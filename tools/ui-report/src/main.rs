//! `ui-report`: compiletest logs (or reports to merge) in, report.json and report.html out; and
//! what changed between two reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use ui_report::diff::diff;
use ui_report::parse::parse_log;
use ui_report::report::Report;
use ui_report::{Error, html};

const USAGE: &str = "\
usage: ui-report build --out DIR [--diff OLD.json] INPUT...
       ui-report diff OLD.json NEW.json [--html FILE]

build   reads each INPUT and writes DIR/report.json and DIR/report.html.
        INPUT is a compiletest log (the compiletest.log of ui-tests/run-ui-tests.sh; its target
        is read from the log), TARGET=LOG to name the target, or a report.json to merge in
        (the shards of one run, or other targets' reports).
        --diff OLD.json  adds a section of what changed since that report.
diff    prints what changed from OLD.json to NEW.json: same targets (two Rust versions, before
        and after a patch) or one target each (two targets, tests matched by path).
        --html FILE  also writes NEW's page with the changes as its first section.

Exit status: 0 done, 2 bad input or usage.";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ui-report: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("build") => build(&args[1..]),
        Some("diff") => diff_command(&args[1..]),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("--version" | "-V") => {
            println!("ui-report {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n{USAGE}"),
        None => bail!("no command\n{USAGE}"),
    }
}

fn build(args: &[String]) -> Result<()> {
    let mut out: Option<PathBuf> = None;
    let mut old: Option<PathBuf> = None;
    let mut inputs: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = Some(value(&mut rest, "--out")?.into()),
            "--diff" => old = Some(value(&mut rest, "--diff")?.into()),
            flag if flag.starts_with("--") => bail!("unknown option {flag}\n{USAGE}"),
            input => inputs.push(input),
        }
    }
    let out = out.context("--out DIR is required: where report.json and report.html go")?;
    if inputs.is_empty() {
        bail!("no input: give compiletest logs (TARGET=LOG or LOG) or report.json files");
    }
    let mut reports = Vec::new();
    for input in inputs {
        reports.push(read_input(input)?);
    }
    let report = Report::merge(reports)?;
    let changes = match &old {
        Some(old) => Some(diff(&read_report(old)?, &report)),
        None => None,
    };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    write(&out.join("report.json"), &report.to_json())?;
    write(
        &out.join("report.html"),
        &html::render(&report, changes.as_ref()),
    )?;
    for t in &report.targets {
        println!(
            "ui-report: {}: {} passed, {} failed, {} ignored",
            t.target, t.counts.passed, t.counts.failed, t.counts.ignored
        );
    }
    if let Some(changes) = &changes {
        print!("{}", changes.to_text());
    }
    println!(
        "ui-report: wrote {} and {}",
        out.join("report.json").display(),
        out.join("report.html").display()
    );
    Ok(())
}

/// A report.json (merged as it is) or a log, with or without `TARGET=` before it.
fn read_input(input: &str) -> Result<Report> {
    let (target, path) = match input.split_once('=') {
        Some((target, path)) if !target.contains('/') => (Some(target), path),
        _ => (None, input),
    };
    let text = read(Path::new(path))?;
    if path.ends_with(".json") {
        if target.is_some() {
            bail!("{input}: a report.json names its targets itself; give it without TARGET=");
        }
        return Ok(Report::from_json(path, &text)?);
    }
    let run = parse_log(path, &text, target)?;
    Ok(Report::from_runs([run])?)
}

fn read_report(path: &Path) -> Result<Report> {
    Ok(Report::from_json(
        &path.display().to_string(),
        &read(path)?,
    )?)
}

fn diff_command(args: &[String]) -> Result<()> {
    let mut files: Vec<&str> = Vec::new();
    let mut page: Option<PathBuf> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--html" => page = Some(value(&mut rest, "--html")?.into()),
            flag if flag.starts_with("--") => bail!("unknown option {flag}\n{USAGE}"),
            file => files.push(file),
        }
    }
    let [old, new] = files[..] else {
        bail!("diff takes two report.json files, OLD and NEW\n{USAGE}");
    };
    let (old, new) = (read_report(Path::new(old))?, read_report(Path::new(new))?);
    let changes = diff(&old, &new);
    print!("{}", changes.to_text());
    if let Some(page) = page {
        write(&page, &html::render(&new, Some(&changes)))?;
    }
    Ok(())
}

fn value<'a>(rest: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str> {
    rest.next()
        .map(String::as_str)
        .with_context(|| format!("{flag} needs a value"))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
