//! Runs the suite's checks in order, records what each proved, and prints the closing table.

use std::fmt::Write as _;
use std::time::Instant;

use crate::context::Context;

/// What a check established when it did not fail.
#[derive(Debug)]
pub enum Verdict {
    /// The check ran here for real; the text says what it saw.
    Proved(String),
    /// The check could not run here; the text says why.
    Skipped(String),
}

/// A check's result: `Err` is a failure whose message names the cause and, where known, the fix.
pub type CheckResult = anyhow::Result<Verdict>;

struct Record {
    area: &'static str,
    name: String,
    outcome: Outcome,
    seconds: f64,
}

enum Outcome {
    Proved(String),
    Skipped(String),
    Failed(String),
}

/// Areas whose checks fill `Context::parts` (nix-builds: the toolchain with the wasip2 std).
const PREREQUISITE_AREAS: &[&str] = &["parts", "rust-std", "nix-builds"];

/// The ordered list of checks and what became of them.
pub struct Suite {
    pub ctx: Context,
    records: Vec<Record>,
    only: Option<String>,
}

impl Suite {
    pub fn new(ctx: Context) -> Self {
        // `cargo test -- <word>` (or OFFLINE_SUITE_ONLY) runs only the areas whose name contains it.
        let only = std::env::args()
            .skip(1)
            .find(|a| !a.starts_with('-'))
            .or_else(|| std::env::var("OFFLINE_SUITE_ONLY").ok())
            .filter(|s| !s.is_empty());
        Suite {
            ctx,
            records: Vec::new(),
            only,
        }
    }

    /// Whether an area is selected by the command line. The areas that assemble the parts the
    /// others use always run.
    pub fn selected(&self, area: &str) -> bool {
        PREREQUISITE_AREAS.contains(&area)
            || self.only.as_deref().is_none_or(|word| area.contains(word))
    }

    /// Runs one check of an area and records it.
    pub fn check(
        &mut self,
        area: &'static str,
        name: &str,
        body: impl FnOnce(&mut Context) -> CheckResult,
    ) {
        if !self.selected(area) {
            return;
        }
        println!("[{area}] {name} ...");
        let started = Instant::now();
        let outcome = match body(&mut self.ctx) {
            Ok(Verdict::Proved(detail)) => Outcome::Proved(detail),
            Ok(Verdict::Skipped(why)) => Outcome::Skipped(why),
            Err(error) => Outcome::Failed(format!("{error:#}")),
        };
        let seconds = started.elapsed().as_secs_f64();
        match &outcome {
            Outcome::Proved(detail) => println!("[{area}] {name}: ok ({seconds:.1} s) {detail}"),
            Outcome::Skipped(why) => println!("[{area}] {name}: SKIPPED: {why}"),
            Outcome::Failed(message) => println!("[{area}] {name}: FAILED: {message}"),
        }
        self.records.push(Record {
            area,
            name: name.to_string(),
            outcome,
            seconds,
        });
    }

    /// Prints the table of areas and checks, then the closing line; true when nothing failed.
    pub fn finish(self) -> bool {
        let mut table = String::new();
        let name_width = self
            .records
            .iter()
            .map(|r| r.area.len() + r.name.len() + 3)
            .max()
            .unwrap_or(10)
            .min(72);
        let _ = writeln!(
            table,
            "\n== offline suite: what was proved on this machine =="
        );
        let _ = writeln!(
            table,
            "{:<name_width$}  {:<8}  {:>8}  detail",
            "area / check", "proved", "seconds"
        );
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        for record in &self.records {
            let (word, detail) = match &record.outcome {
                Outcome::Proved(d) => {
                    passed += 1;
                    ("yes", d.as_str())
                }
                Outcome::Skipped(d) => {
                    skipped += 1;
                    ("skipped", d.as_str())
                }
                Outcome::Failed(d) => {
                    failed += 1;
                    ("FAILED", d.as_str())
                }
            };
            let label = format!("{} / {}", record.area, record.name);
            let detail = first_line(detail, 110);
            let _ = writeln!(
                table,
                "{label:<name_width$}  {word:<8}  {:>8.1}  {detail}",
                record.seconds
            );
        }
        let _ = writeln!(table, "\n{}", NETWORK_ONLY);
        print!("{table}");
        println!("{passed} passed, {failed} failed, {skipped} skipped");
        failed == 0
    }
}

fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// What no machine without network can prove, printed with every run so nobody mistakes the
/// table above for a `nix flake check`.
const NETWORK_ONLY: &str = "\
Proved here, as printed above: Debian's Nix 2.8 built the flake's derivations in its sandbox on a
package set that stands in for nixpkgs (suite/nixpkgs-standin: rustup's Rust 1.95.0, Debian's
1.95.0 source, Debian's clang/LLD 19 and sid's wasi-libc arranged as a wasi-sdk, wasmtime-cli from
the crate registry), and trixie's Nix 2.26 evaluated the flake as a flake with the real crane,
rust-overlay and fenix at their locked revisions and nixpkgs' real lib over that package set and
built every template's checks with the real crane where a checkout of it is on the machine; the
from-source rustc is used as a user uses it where bench/rustc-build.sh built it.
Not proved here (needs a machine with network and Nix >= 2.31.2): the real nixpkgs package set,
the wasi-sdk tarballs, Rust toolchains and upstream's rustc source fetched by hash, statix (no
registry here has it), and any darwin build (darwin-only attributes were checked by
evaluation).";
