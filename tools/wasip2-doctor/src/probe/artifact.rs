//! What the build probe produced: wasm32-wasip2 must give a component, and a core module means
//! the component linker was bypassed.

use std::path::Path;

use crate::finding::Finding;
use crate::parse::{self, WasmKind};

/// The built file's kind, as a finding about the build probe.
pub fn judge_built_wasm(path: &Path) -> Finding {
    match std::fs::read(path).map(|bytes| parse::wasm_kind(&bytes)) {
        Ok(WasmKind::Component) => Finding::pass(
            "probe-build",
            format!("hello world built as a component ({})", path.display()),
        ),
        Ok(WasmKind::CoreModule) => Finding::fail(
            "probe-build",
            format!("{} is a core module, not a component", path.display()),
            "the linker is not wasm-component-ld: remove a linker override for wasm32-wasip2 (CARGO_TARGET_WASM32_WASIP2_LINKER, .cargo/config.toml)",
        ),
        Ok(WasmKind::NotWasm) => Finding::fail(
            "probe-build",
            format!("{} is not WebAssembly", path.display()),
            "check the target's linker settings",
        ),
        Err(error) => Finding::fail(
            "probe-build",
            format!("{}: {error}", path.display()),
            "see the cargo output above",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::scratch::Scratch;

    #[test]
    fn a_core_module_is_not_accepted_as_the_build() {
        let dir = Scratch::new("kind");
        let core = dir.path().join("core.wasm");
        let component = dir.path().join("component.wasm");
        std::fs::write(&core, b"\0asm\x01\0\0\0").expect("file");
        std::fs::write(&component, b"\0asm\x0d\0\x01\0").expect("file");
        assert_eq!(judge_built_wasm(&core).status, Status::Fail);
        assert_eq!(judge_built_wasm(&component).status, Status::Pass);
        assert_eq!(
            judge_built_wasm(&dir.path().join("absent.wasm")).status,
            Status::Fail
        );
    }
}
