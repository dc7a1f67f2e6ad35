//! `wordcount [FILE]...`: counts lines, words and bytes of each file (read from a directory the
//! host preopened, e.g. `wasmtime run --dir . wordcount.wasm notes.txt`), or of standard input
//! when no file is named. `WORDCOUNT_FORMAT=json` prints JSON.

use std::io::{Read, Write};
use std::process::ExitCode;

use wordcount::{Counts, Format, render};

fn run() -> Result<(), String> {
    let format = Format::from_env_value(std::env::var("WORDCOUNT_FORMAT").ok().as_deref())?;
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut rows = Vec::new();
    if files.is_empty() {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading standard input: {e}"))?;
        rows.push(("-".to_string(), Counts::of(&text)));
    }
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!("reading {file}: {e} (is its directory preopened, e.g. `--dir .`?)")
        })?;
        rows.push((file, Counts::of(&text)));
    }
    std::io::stdout()
        .write_all(render(format, &rows).as_bytes())
        .map_err(|e| format!("writing standard output: {e}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wordcount: {message}");
            ExitCode::FAILURE
        }
    }
}
