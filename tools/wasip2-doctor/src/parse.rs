//! Reading tool output and files: versions, `rustc -vV`, Cargo's runner setting, wasm headers.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("no version number in {0:?}")]
    NoVersion(String),
    #[error("`rustc -vV` printed no `{0}:` line")]
    MissingRustcField(&'static str),
    #[error("the file is not TOML: {0}")]
    Toml(String),
}

/// A `major.minor.patch` version; missing parts are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The first `N[.N[.N]]` word of a tool's `--version` line, e.g. "wasmtime 48.0.8 (5ee9f8a 2026-05-20)".
pub fn version_in(text: &str) -> Result<Version, ParseError> {
    text.split_whitespace()
        .find_map(|word| {
            let mut parts = word.trim_start_matches('v').split('.');
            let major = parts.next()?.parse().ok()?;
            let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
            let patch = parts
                .next()
                .map_or(Some(0), |p| p.split('-').next()?.parse().ok())?;
            Some(Version {
                major,
                minor,
                patch,
            })
        })
        .ok_or_else(|| ParseError::NoVersion(text.trim().to_string()))
}

/// What `rustc -vV` says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustcInfo {
    pub release: String,
    pub host: String,
}

pub fn rustc_info(verbose_version: &str) -> Result<RustcInfo, ParseError> {
    let field = |name: &'static str| {
        verbose_version
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
            .map(|value| value.trim().to_string())
            .ok_or(ParseError::MissingRustcField(name))
    };
    Ok(RustcInfo {
        release: field("release")?,
        host: field("host")?,
    })
}

/// `[target.<triple>] runner` in a Cargo configuration file: a string or a list of words.
pub fn runner_in_cargo_config(text: &str, triple: &str) -> Result<Option<String>, ParseError> {
    let value: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ParseError::Toml(e.to_string()))?;
    let runner = value
        .get("target")
        .and_then(|t| t.get(triple))
        .and_then(|t| t.get("runner"));
    Ok(match runner {
        Some(toml::Value::String(command)) => Some(command.clone()),
        Some(toml::Value::Array(words)) => Some(
            words
                .iter()
                .filter_map(toml::Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    })
}

/// What a `.wasm` file is, from its 8-byte header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmKind {
    /// Version 1, layer 0: what wasm32-wasip1 produces.
    CoreModule,
    /// Layer 1: what wasm32-wasip2 must produce.
    Component,
    NotWasm,
}

pub fn wasm_kind(bytes: &[u8]) -> WasmKind {
    match bytes.get(..8) {
        Some([0x00, b'a', b's', b'm', 0x01, 0x00, 0x00, 0x00]) => WasmKind::CoreModule,
        Some([0x00, b'a', b's', b'm', _, _, 0x01, 0x00]) => WasmKind::Component,
        _ => WasmKind::NotWasm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tool_versions() {
        let v = version_in("wasmtime 48.0.8 (5ee9f8a 2026-05-20)").expect("a version");
        assert_eq!(v.to_string(), "48.0.8");
        assert_eq!(version_in("wasmtime-cli 16.0.0").map(|v| v.major), Ok(16));
        assert_eq!(
            version_in("tool v17").map(|v| v.to_string()),
            Ok("17.0.0".into())
        );
        assert!(version_in("wasmtime unknown").is_err());
    }

    #[test]
    fn reads_rustc_verbose_version() {
        let text = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 21.1.2\n";
        let info = rustc_info(text).expect("complete");
        assert_eq!(info.release, "1.95.0");
        assert_eq!(info.host, "x86_64-unknown-linux-gnu");
        assert_eq!(
            rustc_info("rustc 1.95.0\n"),
            Err(ParseError::MissingRustcField("release"))
        );
    }

    #[test]
    fn reads_the_runner_from_cargo_config() {
        let string = "[build]\ntarget = \"wasm32-wasip2\"\n[target.wasm32-wasip2]\nrunner = \"wasmtime run --dir .\"\n";
        assert_eq!(
            runner_in_cargo_config(string, "wasm32-wasip2"),
            Ok(Some("wasmtime run --dir .".into()))
        );
        let list = "[target.wasm32-wasip2]\nrunner = [\"wasmtime\", \"run\"]\n";
        assert_eq!(
            runner_in_cargo_config(list, "wasm32-wasip2"),
            Ok(Some("wasmtime run".into()))
        );
        assert_eq!(runner_in_cargo_config(list, "wasm32-wasip3"), Ok(None));
        assert_eq!(
            runner_in_cargo_config("[build]\njobs = 2\n", "wasm32-wasip2"),
            Ok(None)
        );
        assert!(matches!(
            runner_in_cargo_config("[target", "wasm32-wasip2"),
            Err(ParseError::Toml(_))
        ));
    }

    #[test]
    fn tells_components_from_core_modules() {
        assert_eq!(wasm_kind(b"\0asm\x01\0\0\0rest"), WasmKind::CoreModule);
        assert_eq!(wasm_kind(b"\0asm\x0d\0\x01\0rest"), WasmKind::Component);
        assert_eq!(wasm_kind(b"\x7fELF\x02\x01\x01\0"), WasmKind::NotWasm);
        assert_eq!(wasm_kind(b"\0asm"), WasmKind::NotWasm);
    }
}
