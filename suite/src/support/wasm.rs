//! Facts read off WebAssembly binaries.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// What the first eight bytes of a `.wasm` file say it is.
#[derive(Debug, PartialEq, Eq)]
pub enum WasmKind {
    /// A core module (`\0asm`, version 1, layer 0).
    CoreModule,
    /// A component (`\0asm`, layer 1).
    Component,
}

pub fn kind_of_bytes(bytes: &[u8]) -> Result<WasmKind> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        bail!("not a WebAssembly binary (no \\0asm magic)");
    }
    match (&bytes[4..6], &bytes[6..8]) {
        ([1, 0], [0, 0]) => Ok(WasmKind::CoreModule),
        (_, [1, 0]) => Ok(WasmKind::Component),
        (version, layer) => {
            bail!("unknown WebAssembly header: version {version:?}, layer {layer:?}")
        }
    }
}

pub fn kind_of(path: &Path) -> Result<WasmKind> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    kind_of_bytes(&bytes).with_context(|| format!("in {}", path.display()))
}

/// Fails unless the file is a component.
pub fn expect_component(path: &Path) -> Result<()> {
    match kind_of(path)? {
        WasmKind::Component => Ok(()),
        WasmKind::CoreModule => bail!(
            "{} is a core module, not a component: it was not linked by wasm-component-ld",
            path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_components_from_core_modules() {
        let component = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];
        let module = [0, b'a', b's', b'm', 1, 0, 0, 0];
        assert_eq!(kind_of_bytes(&component).ok(), Some(WasmKind::Component));
        assert_eq!(kind_of_bytes(&module).ok(), Some(WasmKind::CoreModule));
        assert!(kind_of_bytes(b"\x7fELF\x02\x01\x01\x00").is_err());
        assert!(kind_of_bytes(&[0, b'a']).is_err());
    }
}
