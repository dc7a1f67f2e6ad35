//! C code for the target: the wasi-sdk in WASI_SDK_PATH, and the cc crate's variables
//! (CC/AR/CFLAGS_wasm32_wasip2), which must point into that SDK.

use std::path::Path;

use crate::finding::Finding;
use crate::requirements::{MINIMUM_WASI_SDK, SDK_FILES, USE_THE_SHELL};

pub fn judge_sdk(sdk: Option<&Path>) -> Finding {
    let Some(sdk) = sdk else {
        return Finding::warn(
            "wasi-sdk",
            "WASI_SDK_PATH is not set: crates with C code (the cc crate) have no compiler for wasm32-wasip2",
            format!(
                "install wasi-sdk >= {MINIMUM_WASI_SDK} and export WASI_SDK_PATH=<its folder>, {USE_THE_SHELL}"
            ),
        );
    };
    let missing: Vec<&str> = SDK_FILES
        .iter()
        .copied()
        .filter(|file| !sdk.join(file).exists())
        .collect();
    if missing.is_empty() {
        Finding::pass(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH={} has clang and the wasip2 sysroot",
                sdk.display()
            ),
        )
    } else {
        Finding::fail(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH={} lacks {}",
                sdk.display(),
                missing.join(", ")
            ),
            format!(
                "point WASI_SDK_PATH at a wasi-sdk >= {MINIMUM_WASI_SDK} (it has share/wasi-sysroot/lib/wasm32-wasip2), {USE_THE_SHELL}"
            ),
        )
    }
}

/// The cc crate's variables for the target, judged against WASI_SDK_PATH.
pub fn judge_cc_variables(
    cc: Option<&str>,
    ar: Option<&str>,
    cflags: Option<&str>,
    sdk: Option<&Path>,
) -> Finding {
    let id = "cc-variables";
    let Some(cc) = cc else {
        let fix = match sdk {
            Some(sdk) => format!(
                "export CC_wasm32_wasip2={0}/bin/wasm32-wasip2-clang AR_wasm32_wasip2={0}/bin/llvm-ar",
                sdk.display()
            ),
            None => format!(
                "set WASI_SDK_PATH, then CC_wasm32_wasip2 and AR_wasm32_wasip2 from it; {USE_THE_SHELL}"
            ),
        };
        return Finding::warn(
            id,
            "CC_wasm32_wasip2 is not set: the cc crate may pick a compiler that cannot target wasm32-wasip2",
            fix,
        );
    };
    let mut problems = Vec::new();
    for (name, value) in [("CC_wasm32_wasip2", Some(cc)), ("AR_wasm32_wasip2", ar)] {
        match value {
            Some(value) if !Path::new(value).exists() => {
                problems.push(format!("{name}={value} does not exist"))
            }
            Some(value) => {
                if let Some(sdk) = sdk
                    && !Path::new(value).starts_with(sdk)
                {
                    problems.push(format!("{name}={value} is not in WASI_SDK_PATH"));
                }
            }
            None => problems.push(format!("{name} is not set")),
        }
    }
    if let (Some(flags), Some(sdk)) = (cflags, sdk) {
        let expected = sdk.join("share/wasi-sysroot");
        if let Some(sysroot) = flags
            .split_whitespace()
            .find_map(|f| f.strip_prefix("--sysroot="))
            && Path::new(sysroot) != expected
        {
            problems.push(format!(
                "CFLAGS_wasm32_wasip2 uses --sysroot={sysroot}, not {}",
                expected.display()
            ));
        }
    }
    if problems.is_empty() {
        Finding::pass(id, format!("CC_wasm32_wasip2={cc}"))
    } else {
        let sdk_text = sdk.map_or("<wasi-sdk>".to_string(), |s| s.display().to_string());
        Finding::fail(
            id,
            problems.join("; "),
            format!(
                "export CC_wasm32_wasip2={sdk_text}/bin/wasm32-wasip2-clang AR_wasm32_wasip2={sdk_text}/bin/llvm-ar CFLAGS_wasm32_wasip2=--sysroot={sdk_text}/share/wasi-sysroot"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::scratch::Scratch;

    fn touch(root: &Path, file: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, b"").expect("a file");
    }

    #[test]
    fn sdk_without_the_wasip2_sysroot_fails_naming_the_files() {
        let dir = Scratch::new("sdk");
        let sdk = dir.path();
        touch(sdk, "bin/clang");
        touch(sdk, "bin/wasm32-wasip2-clang");
        touch(sdk, "share/wasi-sysroot/lib/wasm32-wasip1/libc.a");
        let finding = judge_sdk(Some(sdk));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.detail.contains("lib/wasm32-wasip2/libc.a"),
            "{}",
            finding.detail
        );
        touch(sdk, "share/wasi-sysroot/lib/wasm32-wasip2/libc.a");
        touch(sdk, "share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o");
        assert_eq!(judge_sdk(Some(sdk)).status, Status::Pass);
        let unset = judge_sdk(None);
        assert_eq!(unset.status, Status::Warn);
        assert!(
            unset.fix.as_deref().is_some_and(|f| f.contains(">= 22")),
            "{:?}",
            unset.fix
        );
    }

    #[test]
    fn cc_variables_must_agree_with_the_sdk() {
        let dir = Scratch::new("cc");
        let sdk = dir.path();
        touch(sdk, "bin/wasm32-wasip2-clang");
        touch(sdk, "bin/llvm-ar");
        let cc = sdk.join("bin/wasm32-wasip2-clang");
        let ar = sdk.join("bin/llvm-ar");
        let (cc, ar) = (cc.to_str().expect("utf-8"), ar.to_str().expect("utf-8"));
        let good_flags = format!("--sysroot={}/share/wasi-sysroot", sdk.display());
        assert_eq!(
            judge_cc_variables(Some(cc), Some(ar), Some(&good_flags), Some(sdk)).status,
            Status::Pass
        );
        let host = judge_cc_variables(
            Some("/usr/bin/gcc-does-not-exist"),
            Some(ar),
            None,
            Some(sdk),
        );
        assert_eq!(host.status, Status::Fail);
        assert!(
            host.fix
                .as_deref()
                .is_some_and(|f| f.contains("wasm32-wasip2-clang"))
        );
        let wrong_sysroot =
            judge_cc_variables(Some(cc), Some(ar), Some("--sysroot=/elsewhere"), Some(sdk));
        assert!(
            wrong_sysroot.detail.contains("--sysroot=/elsewhere"),
            "{}",
            wrong_sysroot.detail
        );
        assert_eq!(
            judge_cc_variables(None, None, None, Some(sdk)).status,
            Status::Warn
        );
    }
}
