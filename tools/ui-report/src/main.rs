//! `ui-report`: compiletest logs (or reports to merge) in, report.json and report.html out; and
//! what changed between two reports. The command line is read by clap, which prints the help and
//! the version and refuses bad usage with exit status 2, as the commands refuse bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser, Subcommand};
use ui_report::diff::diff;
use ui_report::parse::parse_log;
use ui_report::report::Report;
use ui_report::{Error, html, shards, times};

/// Reads compiletest's verbose output for one or more targets and writes a report of rustc's UI
/// tests (report.json and a self-contained report.html), says what changed between two reports,
/// and plans shards of tests/ui.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Each command's inputs and options: ui-report help COMMAND.\nExit status: 0 done, 2 bad input or usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Build(BuildArgs),
    Diff(DiffArgs),
    Shards(ShardsArgs),
    Times(TimesArgs),
}

/// Reads each INPUT and writes DIR/report.json and DIR/report.html.
#[derive(Debug, Args)]
struct BuildArgs {
    /// where report.json and report.html go
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// adds a section of what changed since that report
    #[arg(long = "diff", value_name = "OLD.json")]
    old: Option<PathBuf>,
    /// the inputs are the shards of that plan: a test in two inputs is refused, and the merge
    /// must hold each folder's tests as the plan counts them
    #[arg(long, value_name = "SHARDS.txt")]
    plan: Option<PathBuf>,
    /// a compiletest log (the compiletest.log of ui-tests/run-ui-tests.sh; its target is read
    /// from the log), TARGET=LOG to name the target, or a report.json to merge in (the shards of
    /// one run, or other targets' reports)
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<String>,
}

/// Prints what changed from OLD.json to NEW.json: same targets (two Rust versions, before and
/// after a patch) or one target each (two targets, tests matched by path).
#[derive(Debug, Args)]
struct DiffArgs {
    /// the report.json to compare from
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// the report.json to compare to
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// also writes NEW's page with the changes as its first section
    #[arg(long = "html", value_name = "FILE")]
    page: Option<PathBuf>,
}

/// Counts the tests of each tests/ui folder in the source tree DIR as compiletest finds them
/// and prints a plan of N shards balanced by that count.
#[derive(Debug, Args)]
struct ShardsArgs {
    /// the rustc source tree whose tests/ui to count
    #[arg(long, value_name = "DIR")]
    source: PathBuf,
    /// how many shards (with --max-seconds: the fewest that meet it)
    #[arg(long = "shards", value_name = "N", default_value = "8", value_parser = shard_count)]
    count: usize,
    /// balances by the seconds of that table (ui-report times) instead of by test count
    #[arg(long, value_name = "FOLDER-TIMES.txt")]
    times: Option<PathBuf>,
    /// with --times: the seconds each shard's derivation spends before its first test
    #[arg(long, value_name = "S", default_value = "0", requires = "times")]
    setup: f64,
    /// with --times: the fewest shards whose predicted time on --builders builders is at most S
    #[arg(long = "max-seconds", value_name = "S", requires = "times")]
    max_seconds: Option<f64>,
    /// the builders --max-seconds is for
    #[arg(long, value_name = "B", default_value = "16", value_parser = shard_count)]
    builders: usize,
    /// the target the plan is for (it names the plan only)
    #[arg(long, value_name = "T", default_value = "wasm32-wasip2")]
    target: String,
    /// keeps the given folders only (repeat it for more)
    #[arg(long, value_name = "FOLDER")]
    only: Vec<String>,
    /// instead says whether that plan still fits the source: every folder once, with its count
    #[arg(long, value_name = "SHARDS.txt")]
    check: Option<PathBuf>,
}

/// Reads the times.txt of runs (ui-tests/run-ui-tests.sh writes one into its report folder) and
/// prints the seconds each entry of tests/ui took: the table `ui-report shards --times` plans by.
#[derive(Debug, Args)]
struct TimesArgs {
    /// a line for the table's header: where the runs were made (target, commit, machine)
    #[arg(long, value_name = "TEXT", default_value = "")]
    about: String,
    /// the runs' times.txt (the shards of one full run, or one whole run)
    #[arg(value_name = "TIMES.txt", required = true)]
    runs: Vec<PathBuf>,
}

fn shard_count(text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "give a number of shards, 1 or more".to_string())
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Build(args) => build(args),
        Command::Diff(args) => diff_command(args),
        Command::Shards(args) => shards_command(args),
        Command::Times(args) => times_command(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ui-report: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn build(args: BuildArgs) -> Result<()> {
    let BuildArgs {
        out,
        old,
        plan,
        inputs,
    } = args;
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

fn diff_command(args: DiffArgs) -> Result<()> {
    let DiffArgs { old, new, page } = args;
    let (old, new) = (read_report(&old)?, read_report(&new)?);
    let changes = diff(&old, &new);
    print!("{}", changes.to_text());
    if let Some(page) = page {
        write(&page, &html::render(&new, Some(&changes)))?;
    }
    Ok(())
}

fn times_command(args: TimesArgs) -> Result<()> {
    let mut runs = Vec::new();
    for run in &args.runs {
        runs.push(times::parse_times(&run.display().to_string(), &read(run)?)?);
    }
    print!(
        "{}",
        times::render_table(&times::folder_seconds(&runs), &args.about)
    );
    Ok(())
}

fn shards_command(args: ShardsArgs) -> Result<()> {
    let ShardsArgs {
        source,
        count,
        times: times_file,
        setup,
        max_seconds,
        builders,
        target,
        only,
        check,
    } = args;
    let only: Vec<String> = only
        .iter()
        .map(|folder| folder.trim_end_matches('/').to_string())
        .collect();
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
    let Some(times_file) = times_file else {
        let entries = shards::plan(&counts, count);
        let mut command =
            format!("ui-report shards --source <rustc source> --shards {count} --target {target}");
        for folder in &only {
            command.push_str(&format!(" --only {folder}"));
        }
        print!("{}", shards::render_plan(&entries, &target, &command, None));
        return Ok(());
    };
    let table = times::parse_table(&times_file.display().to_string(), &read(&times_file)?)?;
    let predict = |entries: &[shards::Entry]| {
        let seconds: Vec<f64> = shards::shard_seconds(entries, &table)
            .into_values()
            .collect();
        times::makespan(&seconds, setup, builders)
    };
    let (entries, shards_given) = match max_seconds {
        None => (
            shards::plan_by_seconds(&counts, &table, count)?,
            format!("--shards {count}"),
        ),
        Some(goal) => {
            let mut chosen = None;
            for n in 1..=counts.len() {
                let entries = shards::plan_by_seconds(&counts, &table, n)?;
                if predict(&entries) <= goal {
                    chosen = Some(entries);
                    break;
                }
            }
            let Some(entries) = chosen else {
                let longest = table.values().copied().fold(0.0, f64::max);
                bail!(
                    "no plan is predicted to take at most {goal} s on {builders} builders: with {setup} s of setup, \
                     the longest folder alone takes {:.0} s. Raise --max-seconds or add --builders",
                    longest + setup
                );
            };
            (
                entries,
                format!("--max-seconds {goal} --builders {builders}"),
            )
        }
    };
    let mut command = format!(
        "ui-report shards --source <rustc source> --target {target} --times {} --setup {setup} {shards_given}",
        times_file.display()
    );
    for folder in &only {
        command.push_str(&format!(" --only {folder}"));
    }
    let mut predicted_for = vec![1, 4, 16];
    if !predicted_for.contains(&builders) {
        predicted_for.push(builders);
    }
    let timing = shards::Timing {
        times: &table,
        setup,
        builders: &predicted_for,
    };
    print!(
        "{}",
        shards::render_plan(&entries, &target, &command, Some(&timing))
    );
    Ok(())
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shards_takes_its_defaults_and_repeated_folders() -> Result<(), clap::Error> {
        let cli = Cli::try_parse_from([
            "ui-report",
            "shards",
            "--source",
            "src",
            "--only",
            "tests/ui/a/",
            "--only",
            "b",
        ])?;
        let Command::Shards(args) = cli.command else {
            panic!("not shards: {cli:?}");
        };
        assert_eq!((args.count, args.target.as_str()), (8, "wasm32-wasip2"));
        assert_eq!(args.only, ["tests/ui/a/", "b"]);
        let zero = Cli::try_parse_from(["ui-report", "shards", "--source", "s", "--shards", "0"]);
        assert!(zero.is_err_and(|e| e.to_string().contains("1 or more")));
        Ok(())
    }

    #[test]
    fn build_takes_options_between_its_inputs() -> Result<(), clap::Error> {
        let cli = Cli::try_parse_from([
            "ui-report",
            "build",
            "a.log",
            "--out",
            "o",
            "wasm32-wasip1=b.log",
            "--plan",
            "p.txt",
        ])?;
        let Command::Build(args) = cli.command else {
            panic!("not build: {cli:?}");
        };
        assert_eq!(args.inputs, ["a.log", "wasm32-wasip1=b.log"]);
        assert_eq!(
            (args.out, args.plan, args.old),
            ("o".into(), Some("p.txt".into()), None)
        );
        Ok(())
    }
}
