//! `checksum [FILE]...`: prints the Adler-32 of each file (from a preopened folder), or of
//! standard input when no file is named.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let inputs = if files.is_empty() {
        let mut data = Vec::new();
        if let Err(error) = std::io::stdin().read_to_end(&mut data) {
            eprintln!("checksum: reading standard input: {error}");
            return ExitCode::FAILURE;
        }
        vec![("-".to_string(), data)]
    } else {
        let mut inputs = Vec::new();
        for file in files {
            match std::fs::read(&file) {
                Ok(data) => inputs.push((file, data)),
                Err(error) => {
                    eprintln!("checksum: reading {file}: {error} (is its folder preopened?)");
                    return ExitCode::FAILURE;
                }
            }
        }
        inputs
    };
    for (name, data) in inputs {
        println!("{}  {name}", checksum::to_hex(checksum::adler32(&data)));
    }
    ExitCode::SUCCESS
}
