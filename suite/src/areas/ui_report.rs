//! The UI-test report (`tools/ui-report`): built by Nix, run by `checks.ui-wasip2` on the offline
//! subset, and its page opened in headless Chromium, which must load it with no console error
//! and no request, and show report.json's totals. A screenshot of the page is kept in the work
//! folder (`ui-report/report.png`).
//!
//! Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: messages
//! on file descriptors 3 and 4, separated by NUL bytes), which reports every request the page
//! makes and every console message; a copy of the page with a remote image and a console error
//! proves that both would be seen.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::{Value, json};

use crate::context::{tail, which};
use crate::support::standin::{build_expression, outputs_file};
use crate::support::ui_selection::read_selection;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "ui-report";

/// Chromium's flags for a run that neither reaches the network by itself nor keeps state.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

pub fn run(suite: &mut Suite) {
    let built: Rc<RefCell<Option<PathBuf>>> = Rc::default();
    let keep = Rc::clone(&built);
    suite.check(
        AREA,
        "ui-report built by Nix (its tests run in the build); checks.ui-wasip2 on the offline subset writes its report.json and report.html, whose totals equal the runner's",
        move |ctx| {
            let (out, verdict) = nix_report(ctx)?;
            *keep.borrow_mut() = Some(out);
            Ok(verdict)
        },
    );
    suite.check(
        AREA,
        "report.html in headless Chromium: no console error, no request, the totals of report.json; a page with a remote image and a console error is caught; screenshot kept",
        move |ctx| {
            let Some(out) = built.borrow().clone() else {
                bail!("the Nix-built report is missing (see the check before)");
            };
            in_browser(ctx, &out)
        },
    );
}

/// The package as the flake's scope has it, or from its file while the scope does not list it.
fn ui_report_expression(ctx: &Context) -> String {
    format!(
        "let s = (import {}).legacyPackages.x86_64-linux.wasip2; in s.ui-report or (s.callPackage {} {{ }})",
        outputs_file(ctx),
        ctx.repo.join("nix/packages/ui-report.nix").display()
    )
}

/// Builds ui-report, then the UI check on the offline subset with it; returns the check's output.
fn nix_report(ctx: &mut Context) -> Result<(PathBuf, Verdict)> {
    let package = build_expression(ctx, "ui-report", &ui_report_expression(ctx), None)?;
    let paths: Vec<String> =
        read_selection(&ctx.repo.join("ui-tests/wasm32-wasip2/offline-subset.txt"))?
            .iter()
            .map(|path| format!("\"{path}\""))
            .collect();
    let expression = format!(
        "let s = (import {}).legacyPackages.x86_64-linux.wasip2; in s.ui-wasip2.override {{ pname = \"ui-wasip2-offline-subset-report\"; paths = [ {} ]; ui-report = {}; }}",
        outputs_file(ctx),
        paths.join(" "),
        ui_report_expression(ctx)
    );
    let built = build_expression(
        ctx,
        "ui-wasip2 (offline subset) with ui-report",
        &expression,
        None,
    )?;
    let out = PathBuf::from(built.split(':').next().unwrap_or_default());

    let read = |path: &Path| -> Result<Value> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{} is not in the check's output", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
    };
    let report = read(&out.join("ui-report/report.json"))?;
    let runner = read(&out.join("report.json"))?;
    ensure!(
        report["schema_version"] == json!(1),
        "schema_version is {}",
        report["schema_version"]
    );
    let totals = target_totals(&report, "wasm32-wasip2")?;
    // The runner counts with sed over the same log: two readings of it must agree.
    for key in ["passed", "failed", "ignored"] {
        ensure!(
            totals.get(key) == runner[key].as_u64().as_ref(),
            "ui-report counts {key} {:?}, run-ui-tests.sh {}",
            totals.get(key),
            runner[key]
        );
    }
    ensure!(
        totals["passed"] > 0 && totals["failed"] > 0,
        "the subset has passing tests and the known failure: {totals:?}"
    );
    // Every failure the runner lists has its compiletest output in the report.
    let failures = runner["failures"].as_array().cloned().unwrap_or_default();
    for failure in &failures {
        let failure = failure.as_str().unwrap_or_default();
        let test = report["tests"]
            .as_array()
            .and_then(|tests| {
                tests
                    .iter()
                    .find(|t| t["path"] == json!(failure) && t["outcome"] == json!("failed"))
            })
            .with_context(|| format!("{failure} is not a failure in report.json"))?;
        ensure!(
            test["failure"]
                .as_str()
                .is_some_and(|text| !text.is_empty()),
            "{failure} has no compiletest output in report.json"
        );
    }
    let page = std::fs::read_to_string(out.join("report.html"))
        .context("the check's output has no report.html")?;
    ensure!(page.contains("id=\"total-wasm32-wasip2-passed\""));
    Ok((
        out.clone(),
        Verdict::Proved(format!(
            "{package}; {built}; {} passed, {} failed, {} ignored in both reports; {} failure(s) with their output",
            totals["passed"],
            totals["failed"],
            totals["ignored"],
            failures.len()
        )),
    ))
}

/// report.json's totals of one target: passed, failed, ignored, total.
fn target_totals(report: &Value, target: &str) -> Result<BTreeMap<String, u64>> {
    let entry = report["targets"]
        .as_array()
        .and_then(|targets| targets.iter().find(|t| t["target"] == json!(target)))
        .with_context(|| format!("report.json has no totals for {target}"))?;
    ["passed", "failed", "ignored", "total"]
        .iter()
        .map(|key| {
            entry[*key]
                .as_u64()
                .map(|n| (key.to_string(), n))
                .with_context(|| format!("report.json's {target} has no {key}"))
        })
        .collect()
}

fn in_browser(ctx: &mut Context, out: &Path) -> CheckResult {
    let Some(chromium) = which("chromium") else {
        return ctx.missing(
            "no chromium on PATH (apt-get install chromium; .ci/apt-packages.txt lists it)",
        );
    };
    let dir = ctx.fresh_dir("ui-report")?;
    // The page and its data beside the screenshot, as the run's artifacts.
    for file in ["report.html", "report.json"] {
        std::fs::copy(out.join("ui-report").join(file), dir.join(file))
            .with_context(|| format!("copying {file}"))?;
    }
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json"))?)?;
    let page = dir.join("report.html");

    let seen = load(ctx, &chromium, &dir, &page)?;
    ensure!(
        seen.errors.is_empty(),
        "console errors on the page: {:?}",
        seen.errors
    );
    ensure!(
        seen.requests.iter().all(|url| *url == seen.url),
        "the page made requests besides its own load: {:?}",
        seen.requests
    );
    ensure!(
        seen.requests.len() == 1,
        "the page's own load was not seen ({:?}): the request log is not working",
        seen.requests
    );
    let mut compared = 0;
    for target in report["targets"].as_array().into_iter().flatten() {
        let name = target["target"].as_str().unwrap_or_default();
        for (key, value) in target_totals(&report, name)? {
            let id = format!("total-{}-{key}", slug(name));
            let shown = seen.totals.get(&id).map(|text| text.trim().to_string());
            ensure!(
                shown.as_deref() == Some(value.to_string().as_str()),
                "the page shows {id} = {shown:?}, report.json says {value}"
            );
            compared += 1;
        }
    }
    ensure!(compared > 0, "report.json has no targets to compare");

    // The same page with what the check must catch: a remote image and a console error.
    let faulty = dir.join("faulty.html");
    std::fs::write(
        &faulty,
        std::fs::read_to_string(&page)?.replace(
            "</body>",
            "<img src=\"http://192.0.2.1/pixel.png\"><script>console.error(\"probe\")</script></body>",
        ),
    )?;
    let caught = load(ctx, &chromium, &dir, &faulty)?;
    ensure!(
        caught
            .requests
            .iter()
            .any(|url| url.starts_with("http://192.0.2.1/")),
        "the remote image's request was not seen: {:?}",
        caught.requests
    );
    ensure!(
        caught.errors.iter().any(|e| e.contains("probe")),
        "the console error was not seen: {:?}",
        caught.errors
    );
    let _ = std::fs::remove_file(&faulty);

    let shot = dir.join("report.png");
    screenshot(ctx, &chromium, &dir, &page, &shot)?;
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    ensure!(
        std::fs::read(&shot)?.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        shot.display()
    );
    Ok(Verdict::Proved(format!(
        "{compared} totals on the page equal report.json's; 1 request (the page), 0 console errors; \
         the faulty copy: {} request(s), {} error(s) caught; screenshot {} ({size} bytes)",
        caught.requests.len(),
        caught.errors.len(),
        shot.display()
    )))
}

/// What the browser saw while loading a page.
struct Seen {
    url: String,
    requests: Vec<String>,
    errors: Vec<String>,
    /// Text of the elements whose id starts with `total-`.
    totals: BTreeMap<String, String>,
}

/// Chromium with the DevTools protocol on a pipe: bash opens the two FIFOs as descriptors 3 and
/// 4 for it, since a Rust child cannot be handed extra descriptors without unsafe code.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next_id: u64,
    /// Events received while waiting for answers.
    events: Vec<Value>,
}

const TIMEOUT: Duration = Duration::from_secs(60);

impl Browser {
    fn start(chromium: &Path, dir: &Path, label: &str) -> Result<Self> {
        let pipes = dir.join(format!("pipes-{label}"));
        std::fs::create_dir_all(&pipes)?;
        let (input, output) = (pipes.join("in"), pipes.join("out"));
        for fifo in [&input, &output] {
            let _ = std::fs::remove_file(fifo);
            let status = Command::new("mkfifo").arg(fifo).status()?;
            ensure!(status.success(), "mkfifo {} failed", fifo.display());
        }
        let profile = dir.join(format!("profile-{label}"));
        let _ = std::fs::remove_dir_all(&profile);
        let child = Command::new("bash")
            .arg("-c")
            .arg(r#"exec "$0" "${@:3}" 3<"$1" 4>"$2""#)
            .arg(chromium)
            .arg(&input)
            .arg(&output)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--remote-debugging-pipe")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(
                dir.join(format!("chromium-{label}.log")),
            )?))
            .spawn()
            .context("starting chromium")?;
        // Opening a FIFO waits for its other end: the write end first, as bash opens 3 first.
        let to = std::fs::OpenOptions::new().write(true).open(&input)?;
        let from = std::fs::File::open(&output)?;
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && sender.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        Ok(Browser {
            child,
            to,
            from: receiver,
            next_id: 0,
            events: Vec::new(),
        })
    }

    /// Sends a command (to a page's session when given) and waits for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message)?;
        bytes.push(0);
        self.to.write_all(&bytes)?;
        self.to.flush()?;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let value = self
                .from
                .recv_timeout(left)
                .with_context(|| format!("no answer from chromium to {method}"))?;
            if value["id"] == json!(id) {
                if let Some(error) = value.get("error") {
                    bail!("chromium refused {method}: {error}");
                }
                return Ok(value["result"].clone());
            }
            self.events.push(value);
        }
    }

    /// Waits for an event of the page's session.
    fn wait_for(&mut self, method: &str) -> Result<()> {
        if self.events.iter().any(|e| e["method"] == json!(method)) {
            return Ok(());
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let value = self
                .from
                .recv_timeout(left)
                .with_context(|| format!("chromium sent no {method}"))?;
            let done = value["method"] == json!(method);
            self.events.push(value);
            if done {
                return Ok(());
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Loads the page in a fresh browser and returns every request, console error and total.
fn load(ctx: &Context, chromium: &Path, dir: &Path, page: &Path) -> Result<Seen> {
    let label = page
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut browser = Browser::start(chromium, dir, &label)?;
    let result = (|| -> Result<Seen> {
        let target = browser.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].clone();
        let attached = browser.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .context("no session for the page")?
            .to_string();
        for domain in [
            "Network.enable",
            "Runtime.enable",
            "Log.enable",
            "Page.enable",
        ] {
            browser.call(Some(&session), domain, json!({}))?;
        }
        let url = format!("file://{}", page.display());
        browser.call(Some(&session), "Page.navigate", json!({ "url": url }))?;
        browser.wait_for("Page.loadEventFired")?;
        let totals = browser.call(
            Some(&session),
            "Runtime.evaluate",
            json!({
                "expression": "JSON.stringify(Object.fromEntries([...document.querySelectorAll('[id^=\"total-\"]')].map(e => [e.id, e.textContent])))",
                "returnByValue": true
            }),
        )?;
        // Late requests and messages (an image after the load event) arrive within this call.
        browser.call(
            Some(&session),
            "Runtime.evaluate",
            json!({ "expression": "1" }),
        )?;
        let totals: BTreeMap<String, String> = serde_json::from_str(
            totals["result"]["value"]
                .as_str()
                .context("the page's totals were not read")?,
        )?;
        let mut requests = Vec::new();
        let mut errors = Vec::new();
        for event in &browser.events {
            let params = &event["params"];
            match event["method"].as_str().unwrap_or_default() {
                "Network.requestWillBeSent" => {
                    requests.push(
                        params["request"]["url"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    );
                }
                "Runtime.consoleAPICalled" if params["type"] == json!("error") => {
                    errors.push(params["args"].to_string());
                }
                "Runtime.exceptionThrown" => errors.push(params["exceptionDetails"].to_string()),
                "Log.entryAdded" if params["entry"]["level"] == json!("error") => {
                    errors.push(params["entry"]["text"].to_string());
                }
                _ => {}
            }
        }
        let _ = browser.call(None, "Browser.close", json!({}));
        Ok(Seen {
            url,
            requests,
            errors,
            totals,
        })
    })();
    drop(browser);
    // The browser's profile and pipes are not artifacts; its log stays.
    let _ = std::fs::remove_dir_all(dir.join(format!("profile-{label}")));
    let _ = std::fs::remove_dir_all(dir.join(format!("pipes-{label}")));
    result.with_context(|| {
        let log =
            std::fs::read_to_string(dir.join(format!("chromium-{label}.log"))).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        format!(
            "chromium on {} (work folder {}); its last lines:\n{}",
            page.display(),
            ctx.work.display(),
            lines[lines.len().saturating_sub(15)..].join("\n")
        )
    })
}

/// A screenshot of the page as a reader first sees it, 1280 pixels wide.
fn screenshot(ctx: &Context, chromium: &Path, dir: &Path, page: &Path, shot: &Path) -> Result<()> {
    let mut command = Command::new(chromium);
    command
        .args(CHROMIUM_FLAGS)
        .arg(format!(
            "--user-data-dir={}",
            dir.join("profile-screenshot").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()));
    let output = ctx.run_unchecked("chromium-screenshot", &mut command)?;
    let _ = std::fs::remove_dir_all(dir.join("profile-screenshot"));
    ensure!(
        output.status.success() && shot.exists(),
        "chromium --screenshot failed ({}):\n{}",
        output.status,
        tail(&output, 15)
    );
    Ok(())
}

/// The page's ids name a target with letters, digits and `-` (tools/ui-report's html::slug).
fn slug(target: &str) -> String {
    target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
