//! Every template as a user gets it: `nix flake init -t path:<repo>#<name>` with Debian's Nix into
//! a fresh folder, then in that folder what the template's flake checks run: fmt, clippy with
//! warnings denied, the tests under Wasmtime, a release build and the smoke run (the same
//! scripts the flake checks call, where the template has one).

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};

use crate::areas::dev_env::{cargo, eval_dev_env};
use crate::areas::nix::flake_copy;
use crate::context::{package_dir, stdout_text, tail, which};
use crate::nix_build::Stdenv;
use crate::wasm::expect_component;
use crate::{CheckResult, Context, Suite, Verdict};

const AREA: &str = "templates";
/// What a user types for this flake, and what the templates name as their input.
const FLAKE_URL: &str = "github:wasip2-flake/wasip2-flake";

/// Each template, the component its release build makes (relative to the target folder), and
/// the smoke run that proves it works.
const TEMPLATES: &[(&str, &str, Smoke)] = &[
    (
        "wasip2",
        "wasm32-wasip2/release/wordcount.wasm",
        Smoke::Wordcount,
    ),
    (
        "wasip2-c",
        "wasm32-wasip2/release/checksum.wasm",
        Smoke::Checksum,
    ),
    (
        "wasip2-http",
        "wasm32-wasip2/release/http_hello.wasm",
        Smoke::HttpServe,
    ),
    (
        "wasip2-component",
        "wasm32-wasip2/release/greeter.wasm",
        Smoke::WitAndInvoke,
    ),
];

#[derive(Clone, Copy)]
enum Smoke {
    Wordcount,
    Checksum,
    HttpServe,
    WitAndInvoke,
}

/// The files every template ships; no flake.lock (the user's Nix writes it).
const REQUIRED_FILES: &[&str] = &[
    "flake.nix",
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo/config.toml",
    "README.md",
    ".envrc",
    ".gitignore",
];

pub fn run(suite: &mut Suite) {
    for (name, component, smoke) in TEMPLATES {
        suite.check(
            AREA,
            &format!(
                "{name}: flake init, fmt, clippy, tests in wasmtime, release build, smoke run"
            ),
            |ctx| template(ctx, name, component, *smoke),
        );
    }
    suite.check(
        AREA,
        "an unknown template name gets Nix's error naming it",
        bogus_template,
    );
}

fn prerequisites(ctx: &Context) -> Option<String> {
    if which("nix").is_none() {
        Some("nix is not installed (apt-get install nix-bin)".into())
    } else if ctx.parts.wasip2_toolchain.is_none() {
        Some("no toolchain with the wasip2 std (see the rust-std area)".into())
    } else if ctx.parts.wasmtime.is_none() || ctx.parts.wasi_sdk.is_none() {
        Some("no wasmtime or no SDK (see the parts area)".into())
    } else {
        None
    }
}

/// `nix flake init -t path:<copy of the repository>#<name>` in a fresh folder.
fn flake_init(ctx: &Context, flake: &Path, name: &str) -> Result<(PathBuf, String)> {
    let dir = ctx.fresh_dir(&format!("template-{name}"))?;
    let output = ctx.run(
        &format!("flake-init-{name}"),
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#{name}", flake.display())),
    )?;
    let said = format!(
        "{}{}",
        stdout_text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((dir, said))
}

fn template(ctx: &mut Context, name: &str, component: &str, smoke: Smoke) -> CheckResult {
    if let Some(why) = prerequisites(ctx) {
        return ctx.missing(why);
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let (dir, welcome) = flake_init(ctx, &flake, name)?;
    for file in REQUIRED_FILES {
        ensure!(dir.join(file).is_file(), "the template has no {file}");
    }
    ensure!(
        !dir.join("flake.lock").exists(),
        "the template ships a flake.lock; the user's Nix should write it"
    );
    ensure!(
        welcome.contains("nix develop") && welcome.contains("nix flake check"),
        "the welcome text does not give the next commands:\n{welcome}"
    );

    check_flake_inputs(ctx, &dir)?;
    let channel = same_toolchain_as_flake(ctx, &dir)?;

    // `--locked` as crane builds: the shipped Cargo.lock must be current.
    let env = eval_dev_env(ctx)?;
    ctx.run(
        &format!("{name}-fmt"),
        cargo(ctx, &env, &dir)?.args(["fmt", "--check"]),
    )?;
    ctx.run(
        &format!("{name}-clippy"),
        cargo(ctx, &env, &dir)?.args([
            "clippy",
            "--locked",
            "--all-targets",
            "--",
            "--deny",
            "warnings",
        ]),
    )?;
    ctx.run(
        &format!("{name}-doc"),
        cargo(ctx, &env, &dir)?
            .args(["doc", "--locked", "--no-deps"])
            .env("RUSTDOCFLAGS", "--deny warnings"),
    )?;
    // Debug, as a user types it, and release, as crane's test check runs it.
    let mut passed = Vec::new();
    for profile in [&[][..], &["--release"][..]] {
        let tests = ctx.run(
            &format!("{name}-test"),
            cargo(ctx, &env, &dir)?
                .args(["test", "--locked"])
                .args(profile),
        )?;
        let count = passed_tests(&format!(
            "{}{}",
            stdout_text(&tests),
            String::from_utf8_lossy(&tests.stderr)
        ));
        ensure!(count > 0, "cargo test {profile:?} ran no test");
        passed.push(count);
    }
    ensure!(
        passed[0] == passed[1],
        "cargo test passed {} tests in debug but {} in release",
        passed[0],
        passed[1]
    );
    let passed = passed[0];
    ctx.run(
        &format!("{name}-build"),
        cargo(ctx, &env, &dir)?.args(["build", "--locked", "--release"]),
    )?;
    let wasm = dir.join("target").join(component);
    expect_component(&wasm)?;
    let size = std::fs::metadata(&wasm)?.len();
    let rebuilt = rebuild_is_identical(ctx, &env, &dir, &wasm)?;
    let smoked = run_smoke(ctx, &dir, &wasm, smoke)?;
    Ok(Verdict::Proved(format!(
        "Rust {channel} as the flake; fmt, clippy, doc clean; {passed} tests passed in wasmtime (debug and release); release component {size} bytes, {rebuilt}; {smoked}"
    )))
}

/// The template's rust-toolchain.toml asks for what the flake's `nix/rust-toolchain.toml` pins
/// (channel, targets, components), so rustup users and the template's Nix build get the flake's
/// compiler. Returns the channel.
fn same_toolchain_as_flake(ctx: &Context, dir: &Path) -> Result<String> {
    let pinned = toolchain_settings(&ctx.repo.join("nix/rust-toolchain.toml"))?;
    let template = toolchain_settings(&dir.join("rust-toolchain.toml"))?;
    ensure!(
        template == pinned,
        "the template's rust-toolchain.toml asks for {template:?}; the flake pins {pinned:?} (nix/rust-toolchain.toml): copy its settings"
    );
    pinned
        .get("channel")
        .map(|channel| channel.trim_matches('"').to_string())
        .context("nix/rust-toolchain.toml names no channel")
}

/// The `key = value` settings of a rust-toolchain.toml, comments and blank lines left out.
fn toolchain_settings(file: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut settings = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[toolchain]" {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .with_context(|| format!("{}: `{line}` is not `key = value`", file.display()))?;
        settings.insert(key.trim().to_string(), value.trim().to_string());
    }
    ensure!(
        settings.contains_key("channel"),
        "{} names no channel",
        file.display()
    );
    Ok(settings)
}

/// The template's flake takes this flake by the address users type, and nixpkgs from it; its
/// outputs function accepts exactly those inputs (this flake's `nix/checks/templates.nix` calls it
/// that way).
fn check_flake_inputs(ctx: &Context, dir: &Path) -> Result<()> {
    let flake = dir.join("flake.nix");
    let flake = flake.to_str().context("the folder's path is not UTF-8")?;
    let output = ctx.run(
        "template-inputs",
        ctx.nix("nix-instantiate").args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &format!(
                "let f = import {flake}; in {{ inputs = f.inputs; args = builtins.functionArgs f.outputs; }}"
            ),
        ]),
    )?;
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    ensure!(
        value["inputs"]["wasip2"]["url"] == FLAKE_URL,
        "the template's wasip2 input is {}, not {FLAKE_URL}",
        value["inputs"]["wasip2"]["url"]
    );
    ensure!(
        value["inputs"]["nixpkgs"]["follows"] == "wasip2/nixpkgs",
        "the template's nixpkgs does not follow wasip2/nixpkgs"
    );
    let args: Vec<&String> = value["args"]
        .as_object()
        .context("outputs takes no attribute set")?
        .keys()
        .collect();
    ensure!(
        args.iter()
            .all(|a| ["nixpkgs", "wasip2", "self"].contains(&a.as_str())),
        "outputs asks for inputs this flake does not pass: {args:?}"
    );
    Ok(())
}

/// The project's own crate compiled again from scratch (its dependencies kept) gives the same
/// bytes: the offline form of the flake's `reproducible` check.
fn rebuild_is_identical(
    ctx: &Context,
    env: &BTreeMap<String, String>,
    dir: &Path,
    wasm: &Path,
) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    let package = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim_matches('"').to_string())
        .context("Cargo.toml names no package")?;
    let first = std::fs::read(wasm)?;
    ctx.run(
        "template-clean",
        cargo(ctx, env, dir)?.args([
            "clean",
            "--release",
            "--target",
            "wasm32-wasip2",
            "-p",
            &package,
        ]),
    )?;
    ensure!(!wasm.exists(), "cargo clean left {}", wasm.display());
    let rebuild = ctx.run(
        "template-rebuild",
        cargo(ctx, env, dir)?.args(["build", "--locked", "--release"]),
    )?;
    ensure!(
        String::from_utf8_lossy(&rebuild.stderr).contains(&format!("Compiling {package} ")),
        "cargo did not compile {package} again"
    );
    ensure!(
        std::fs::read(wasm)? == first,
        "rebuilding {package} gave different bytes"
    );
    Ok(format!("identical when {package} is rebuilt"))
}

/// The sum of "N passed" over cargo test's result lines.
fn passed_tests(output: &str) -> usize {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|n| n.parse::<usize>().ok())
        .sum()
}

/// The template's `scripts/smoke.sh` as its flake's `smoke` check runs it: `runCommand` (no C
/// compiler) with wasmtime and, for the http template, curl declared.
fn run_smoke_script(ctx: &Context, dir: &Path, wasm: &Path, smoke: Smoke) -> Result<String> {
    let Some(wasmtime) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
    };
    let host_inputs: &[&str] = match smoke {
        Smoke::HttpServe => &["curl"],
        _ => &[],
    };
    let (mut command, _) = ctx.nix_build_script(
        "template-smoke",
        Stdenv::NoCC,
        &[wasmtime],
        host_inputs,
        &dir.join("scripts/smoke.sh"),
    )?;
    let output = ctx.run("template-smoke", command.arg(wasm))?;
    let said = stdout_text(&output);
    let lines: Vec<&str> = said
        .lines()
        .filter_map(|l| l.strip_prefix("smoke: "))
        .collect();
    ensure!(
        !lines.is_empty(),
        "scripts/smoke.sh printed no result:\n{said}"
    );
    Ok(lines.join("; "))
}

fn run_smoke(ctx: &Context, dir: &Path, wasm: &Path, smoke: Smoke) -> Result<String> {
    let script = run_smoke_script(ctx, dir, wasm, smoke)?;
    match smoke {
        Smoke::Wordcount | Smoke::Checksum => {
            Ok(format!("smoke.sh in a Nix build's environment: {script}"))
        }
        Smoke::HttpServe => {
            // Beyond the script: a client written here, over the same loopback.
            let spoken = http_over_loopback(ctx, wasm)?;
            Ok(format!(
                "smoke.sh in a Nix build's environment: {script}; from Rust: {spoken}"
            ))
        }
        Smoke::WitAndInvoke => {
            // A folder with bin/wasm-tools, as nixpkgs' wasm-tools package is.
            let Some(wasm_tools) = package_dir("wasm-tools") else {
                bail!("wasm-tools is not installed (bash .ci/install.sh)");
            };
            // The flake's `wit` check: check-wit.sh with wasm-tools declared.
            let wit_check = |label: &str, wit: &Path| -> Result<std::process::Output> {
                let (mut command, _) = ctx.nix_build_script(
                    label,
                    Stdenv::NoCC,
                    &[&wasm_tools],
                    &[],
                    &dir.join("scripts/check-wit.sh"),
                )?;
                command.arg(wasm).arg(wit).arg("greeter");
                ctx.run_unchecked(label, &mut command)
            };
            let checked = wit_check("component-wit", &dir.join("wit"))?;
            ensure!(
                checked.status.success(),
                "check-wit.sh failed: {}",
                tail(&checked, 10)
            );
            // The same script refuses a world that no longer matches the build.
            let changed = dir.join("wit-changed");
            std::fs::create_dir_all(&changed)?;
            let world = std::fs::read_to_string(dir.join("wit/world.wit"))?;
            let edited = world.replace(
                "languages: func() -> list<string>;",
                "languages: func() -> list<u8>;",
            );
            ensure!(
                edited != world,
                "wit/world.wit has no `languages` function to change"
            );
            std::fs::write(changed.join("world.wit"), edited)?;
            let refused = wit_check("component-wit-changed", &changed)?;
            ensure!(
                !refused.status.success()
                    && String::from_utf8_lossy(&refused.stderr).contains("differs"),
                "check-wit.sh accepted a world the component does not match"
            );
            Ok(format!(
                "{}; a changed world is refused; smoke.sh in a Nix build's environment: {script}",
                stdout_text(&checked)
                    .trim()
                    .trim_start_matches("check-wit: "),
            ))
        }
    }
}

fn wasmtime(ctx: &Context) -> Result<Command> {
    let Some(dir) = &ctx.parts.wasmtime else {
        bail!("no wasmtime (see the parts area)");
    };
    Ok(Command::new(dir.join("bin/wasmtime")))
}

fn bogus_template(ctx: &mut Context) -> CheckResult {
    if which("nix").is_none() {
        return ctx.missing("nix is not installed (apt-get install nix-bin)");
    }
    let flake = flake_copy(ctx, "templates-flake")?;
    let dir = ctx.fresh_dir("template-bogus")?;
    let output = ctx.run_unchecked(
        "flake-init-bogus",
        ctx.nix("nix")
            .current_dir(&dir)
            .args(["flake", "init", "-t"])
            .arg(format!("path:{}#bogus", flake.display())),
    )?;
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    ensure!(
        !output.status.success() && message.contains("templates.bogus"),
        "`nix flake init -t …#bogus` did not fail with Nix's error:\n{message}"
    );
    let leftovers: BTreeMap<_, _> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| (e.file_name(), ()))
        .collect();
    ensure!(leftovers.is_empty(), "a failed init left files behind");
    Ok(Verdict::Proved(format!(
        "\"{}\"",
        message
            .lines()
            .find(|line| line.contains("bogus"))
            .unwrap_or_default()
            .trim()
    )))
}

/// How long the HTTP smoke run waits for the server to listen, and for each answer.
const SERVER_START: Duration = Duration::from_secs(30);
const ANSWER: Duration = Duration::from_secs(10);

/// `wasmtime serve` of one component. Dropping it kills the server, so every way out of the
/// smoke run (success, a failed assertion, an error) stops it.
struct Served {
    server: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Serves the component on a loopback port the system picks (so no other process can take the
/// port between choosing and binding it) and returns the address wasmtime reports.
fn serve(ctx: &Context, wasm: &Path, log: &Path) -> Result<(Served, SocketAddr)> {
    let output = std::fs::File::create(log)?;
    let server = wasmtime(ctx)?
        // Rust's std imports wasi:cli interfaces, which `serve` provides only on request.
        .args(["serve", "-S", "cli", "--addr", "127.0.0.1:0"])
        .arg(wasm)
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .spawn()
        .context("starting wasmtime serve")?;
    let mut served = Served { server };
    let deadline = Instant::now() + SERVER_START;
    loop {
        let said = std::fs::read_to_string(log).unwrap_or_default();
        let address = said.lines().find_map(|line| {
            line.strip_prefix("Serving HTTP on http://")?
                .trim_end_matches('/')
                .parse::<SocketAddr>()
                .ok()
        });
        if let Some(address) = address {
            return Ok((served, address));
        }
        if let Some(status) = served.server.try_wait()? {
            bail!("wasmtime serve exited ({status}) before listening:\n{said}");
        }
        ensure!(
            Instant::now() < deadline,
            "wasmtime serve did not report its address within {} s:\n{said}",
            SERVER_START.as_secs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One HTTP/1.1 exchange on a fresh connection: the status, the headers (names in lower case)
/// and the body, de-chunked.
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn exchange(address: SocketAddr, method: &str, path: &str, body: &[u8]) -> Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&address, ANSWER)
        .with_context(|| format!("connecting to {address}"))?;
    stream.set_read_timeout(Some(ANSWER))?;
    stream.set_write_timeout(Some(ANSWER))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .with_context(|| format!("reading the answer to {method} {path}"))?;
    parse_answer(&raw).with_context(|| {
        format!(
            "{method} {path}: not an HTTP answer: {:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(200)])
        )
    })
}

fn parse_answer(raw: &[u8]) -> Result<Answer> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = std::str::from_utf8(&raw[..split])?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.strip_prefix("HTTP/1.1 "))
        .and_then(|rest| rest.get(..3))
        .context("no HTTP/1.1 status line")?
        .parse()?;
    let headers: BTreeMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let body = if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    if let Some(length) = headers.get("content-length") {
        ensure!(
            length.parse::<usize>()? == body.len(),
            "content-length {length}, but {} bytes came",
            body.len()
        );
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The body of a `Transfer-Encoding: chunked` message (RFC 9112, section 7.1).
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("a chunk size line has no end")?;
        let size_line = std::str::from_utf8(&rest[..end])?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .with_context(|| format!("bad chunk size {size_line:?}"))?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Ok(body);
        }
        ensure!(rest.len() >= size + 2, "a chunk is cut short");
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// The http template's routes over loopback, spoken from Rust with `std::net` (no curl): plain
/// answers, a 200 KB binary body echoed byte for byte, concurrent clients, refusals; then the
/// server is stopped and its port no longer answers.
fn http_over_loopback(ctx: &Context, wasm: &Path) -> Result<String> {
    let log = ctx.work.join("logs").join("http-serve-from-rust.log");
    let (served, address) = serve(ctx, wasm, &log)?;

    let root = exchange(address, "GET", "/", b"")?;
    ensure!(
        root.status == 200 && root.body == b"Hello from a wasm32-wasip2 component!\n",
        "GET / answered {} {:?}",
        root.status,
        String::from_utf8_lossy(&root.body)
    );
    ensure!(
        root.headers.get("content-type").map(String::as_str) == Some("text/plain; charset=utf-8"),
        "GET / has content-type {:?}",
        root.headers.get("content-type")
    );

    // Bigger than any single stream read or write, and not valid UTF-8.
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let echo = exchange(address, "POST", "/echo", &payload)?;
    ensure!(
        echo.status == 200 && echo.body == payload,
        "POST /echo answered {} with {} bytes, expected the {} bytes sent",
        echo.status,
        echo.body.len(),
        payload.len()
    );

    let names = ["Ada", "Grace", "Alan", "Barbara"];
    let greetings: Vec<Result<Answer>> = std::thread::scope(|scope| {
        let clients: Vec<_> = names
            .iter()
            .map(|name| {
                scope.spawn(move || exchange(address, "GET", &format!("/hello/{name}"), b""))
            })
            .collect();
        clients
            .into_iter()
            .map(|client| {
                client
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a client thread panicked")))
            })
            .collect()
    });
    for (name, answer) in names.iter().zip(greetings) {
        let answer = answer?;
        ensure!(
            answer.status == 200 && answer.body == format!("Hello, {name}!\n").as_bytes(),
            "GET /hello/{name} answered {} {:?}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }

    for (method, path, status) in [
        ("GET", "/nope", 404),
        ("DELETE", "/", 405),
        ("GET", "/hello/", 400),
    ] {
        let answer = exchange(address, method, path, b"")?;
        ensure!(
            answer.status == status,
            "{method} {path} answered {}, expected {status}",
            answer.status
        );
    }

    drop(served);
    ensure!(
        TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err(),
        "{address} still answers after the server was stopped"
    );
    Ok(format!(
        "{} requests (4 at once, a {} byte echo) answered at {address}, server stopped",
        1 + 1 + names.len() + 3,
        payload.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_answers_are_reassembled() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n";
        let answer = parse_answer(raw).expect("a valid chunked answer");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"hello, world");
        assert_eq!(answer.headers["content-type"], "text/plain");
    }

    #[test]
    fn short_or_malformed_answers_are_refused() {
        assert!(parse_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").is_err());
        assert!(
            parse_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n").is_err()
        );
        assert!(parse_answer(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
    }

    #[test]
    fn toolchain_settings_ignore_comments_only() {
        let dir = std::env::temp_dir().join(format!("toolchain-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let file = dir.join("rust-toolchain.toml");
        std::fs::write(
            &file,
            "# pinned\n[toolchain]\nchannel = \"1.95.0\"\n\ntargets = [\"wasm32-wasip2\"]\n",
        )
        .expect("writable");
        let settings = toolchain_settings(&file).expect("valid settings");
        assert_eq!(settings["channel"], "\"1.95.0\"");
        assert_eq!(settings.len(), 2);
        std::fs::write(&file, "[toolchain]\ntargets = []\n").expect("writable");
        assert!(toolchain_settings(&file).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
