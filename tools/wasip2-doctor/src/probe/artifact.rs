//! What the build probe produced: wasm32-wasip2 must give a component, and a core module means
//! the component linker was bypassed.

use std::path::Path;

use crate::finding::Finding;
use crate::parse::{self, WasmKind};
use crate::target::Target;

/// The built file's kind, as a finding about the build probe.
pub fn judge_built_wasm(path: &Path, target: Target) -> Finding {
    match std::fs::read(path).map(|bytes| parse::wasm_kind(&bytes)) {
        Ok(WasmKind::Component) => Finding::pass(
            "probe-build",
            format!("hello world built as a component ({})", path.display()),
        ),
        Ok(WasmKind::CoreModule) => Finding::fail(
            "probe-build",
            format!("{} is a core module, not a component", path.display()),
            format!(
                "the linker is not wasm-component-ld: remove a linker override for {} ({}, .cargo/config.toml)",
                target.triple(),
                target.cargo_var("LINKER")
            ),
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
        assert_eq!(judge_built_wasm(&core, Target::Wasip2).status, Status::Fail);
        assert_eq!(
            judge_built_wasm(&component, Target::Wasip2).status,
            Status::Pass
        );
        assert_eq!(
            judge_built_wasm(&dir.path().join("absent.wasm"), Target::Wasip2).status,
            Status::Fail
        );
    }
}
