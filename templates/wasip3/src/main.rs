//! `p3hello [NAME]`: greets NAME (or the world) and says which WASI the component was compiled
//! for; with `--file PATH` it greets the first line of a file in a folder the host preopened
//! (`wasmtime run --dir . …`).

use std::process::ExitCode;

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(p3hello::greeting("")),
        [flag, path] if flag == "--file" => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!("reading {path}: {e} (is its folder preopened, e.g. `--dir .`?)")
            })?;
            Ok(p3hello::greeting(text.lines().next().unwrap_or_default()))
        }
        [name] if !name.starts_with('-') => Ok(p3hello::greeting(name)),
        _ => Err(format!(
            "unexpected arguments {args:?}; usage: p3hello [NAME] | p3hello --file PATH"
        )),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("p3hello: {message}");
            ExitCode::FAILURE
        }
    }
}
