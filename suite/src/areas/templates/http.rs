//! The http template's component served by `wasmtime serve` on loopback and spoken to by a
//! small HTTP/1.1 client written here: what a browser or curl would see, checked byte for byte.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};

use super::wasmtime;
use crate::Context;

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
pub(super) fn http_over_loopback(ctx: &Context, wasm: &Path) -> Result<String> {
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
}
