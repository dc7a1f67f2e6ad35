//! Headless Chromium driven over the DevTools protocol on a pipe: what a page requests and logs
//! while it loads, and a screenshot of it.

use super::*;

/// Chromium's flags for a run that neither reaches the network by itself nor keeps state.
pub(super) const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// What the browser saw while loading a page.
pub(super) struct Seen {
    pub(super) url: String,
    pub(super) requests: Vec<String>,
    pub(super) errors: Vec<String>,
    /// Text of the elements whose id starts with `total-`.
    pub(super) totals: BTreeMap<String, String>,
}

/// Chromium with the DevTools protocol on a pipe: bash opens the two FIFOs as descriptors 3 and
/// 4 for it, since a Rust child cannot be handed extra descriptors without unsafe code.
pub(super) struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next_id: u64,
    /// Events received while waiting for answers.
    events: Vec<Value>,
}

pub(super) const TIMEOUT: Duration = Duration::from_secs(60);

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
pub(super) fn load(ctx: &Context, chromium: &Path, dir: &Path, page: &Path) -> Result<Seen> {
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
pub(super) fn screenshot(
    ctx: &Context,
    chromium: &Path,
    dir: &Path,
    page: &Path,
    shot: &Path,
) -> Result<()> {
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
