//! `ui-report`: compiletest logs (or reports to merge) in, report.json and report.html out; and
//! what changed between two reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use ui_report::diff::diff;
use ui_report::parse::parse_log;
use ui_report::report::Report;
use ui_report::{Error, html, shards};

const USAGE: &str = "\
usage: ui-report build --out DIR [--diff OLD.json] [--plan SHARDS.txt] INPUT...
       ui-report diff OLD.json NEW.json [--html FILE]
       ui-report shards --source DIR [--shards N] [--target T] [--only FOLDER]... [--check SHARDS.txt]

build   reads each INPUT and writes DIR/report.json and DIR/report.html.
        INPUT is a compiletest log (the compiletest.log of ui-tests/run-ui-tests.sh; its target
        is read from the log), TARGET=LOG to name the target, or a report.json to merge in
        (the shards of one run, or other targets' reports).
        --diff OLD.json  adds a section of what changed since that report.
        --plan SHARDS.txt  the inputs are the shards of that plan: a test in two inputs is
                 refused, and the merge must hold each folder's tests as the plan counts them.
diff    prints what changed from OLD.json to NEW.json: same targets (two Rust versions, before
        and after a patch) or one target each (two targets, tests matched by path).
        --html FILE  also writes NEW's page with the changes as its first section.
shards  counts the tests of each tests/ui folder in the source tree DIR as compiletest finds
        them and prints a plan of N shards (default 8) balanced by that count, for target T
        (default wasm32-wasip2; it names the plan only). --only keeps the given folders.
        --check SHARDS.txt  instead says whether that plan still fits the source: every folder
                 once, with its count.

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
        Some("shards") => shards_command(&args[1..]),
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
    let mut plan: Option<PathBuf> = None;
    let mut inputs: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = Some(value(&mut rest, "--out")?.into()),
            "--diff" => old = Some(value(&mut rest, "--diff")?.into()),
            "--plan" => plan = Some(value(&mut rest, "--plan")?.into()),
            flag if flag.starts_with("--") => bail!("unknown option {flag}\n{USAGE}"),
            input => inputs.push(input),
        }
    }
    let out = out.context("--out DIR is required: where report.json and report.html go")?;
    if inputs.is_empty() {
        bail!("no input: give compiletest logs (TARGET=LOG or LOG) or report.json files");
    }
    let mut reports = Vec::new();
    for input in &inputs {
        reports.push(read_input(input)?);
    }
    let report = match &plan {
        Some(plan) => {
            let entries = shards::parse_plan(&plan.display().to_string(), &read(plan)?)?;
            let report = Report::merge_disjoint(reports)?;
            let checked = shards::check_against_plan(&report, &entries)?;
            println!(
                "ui-report: {checked} tests from {} shard reports, each in one, the plan's {} folders whole",
                inputs.len(),
                entries.len()
            );
            report
        }
        None => Report::merge(reports)?,
    };
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

fn shards_command(args: &[String]) -> Result<()> {
    let mut source: Option<PathBuf> = None;
    let mut count = 8usize;
    let mut target = "wasm32-wasip2".to_string();
    let mut only: Vec<String> = Vec::new();
    let mut check: Option<PathBuf> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--source" => source = Some(value(&mut rest, "--source")?.into()),
            "--shards" => {
                let text = value(&mut rest, "--shards")?;
                count = text.parse().ok().filter(|n| *n > 0).with_context(|| {
                    format!("--shards {text}: give a number of shards, 1 or more")
                })?;
            }
            "--target" => target = value(&mut rest, "--target")?.to_string(),
            "--only" => only.push(
                value(&mut rest, "--only")?
                    .trim_end_matches('/')
                    .to_string(),
            ),
            "--check" => check = Some(value(&mut rest, "--check")?.into()),
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    let source = source
        .context("--source DIR is required: the rustc source tree whose tests/ui to count")?;
    let mut counts = shards::count_tests(&source)?;
    if !only.is_empty() {
        for folder in &only {
            if !counts.contains_key(folder) {
                bail!(
                    "--only {folder}: not a folder of {}/tests/ui with tests",
                    source.display()
                );
            }
        }
        counts.retain(|folder, _| only.contains(folder));
    }
    if let Some(plan) = check {
        let entries = shards::parse_plan(&plan.display().to_string(), &read(&plan)?)?;
        let planned: std::collections::BTreeMap<String, usize> = entries
            .iter()
            .map(|e| (e.folder.clone(), e.tests))
            .collect();
        if planned != counts {
            let mut differences = Vec::new();
            for (folder, tests) in &counts {
                match planned.get(folder) {
                    Some(n) if n == tests => {}
                    Some(n) => {
                        differences.push(format!("{folder}: {tests} tests, the plan says {n}"))
                    }
                    None => differences.push(format!("{folder}: {tests} tests, not in the plan")),
                }
            }
            for folder in planned.keys().filter(|f| !counts.contains_key(*f)) {
                differences.push(format!("{folder}: in the plan, not in the source"));
            }
            bail!(
                "{}: stale for {}: {}. Regenerate it: ui-report shards --source {} --shards {} --target {target} > {}",
                plan.display(),
                source.display(),
                differences.join("; "),
                source.display(),
                shards::totals(&entries).len(),
                plan.display()
            );
        }
        println!(
            "ui-report: {} fits {}: {} folders, {} tests, {} shards",
            plan.display(),
            source.display(),
            entries.len(),
            counts.values().sum::<usize>(),
            shards::totals(&entries).len()
        );
        return Ok(());
    }
    let entries = shards::plan(&counts, count);
    let mut command =
        format!("ui-report shards --source <rustc source> --shards {count} --target {target}");
    for folder in &only {
        command.push_str(&format!(" --only {folder}"));
    }
    print!("{}", shards::render_plan(&entries, &target, &command));
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
