//! C code for the target: the wasi-sdk in WASI_SDK_PATH, and the cc crate's variables
//! (CC/AR/CFLAGS_wasm32_wasip2), which must point into that SDK.

use std::path::Path;

use crate::finding::Finding;
use crate::fixes::{USE_THE_SHELL, WASIP3_SHELL};
use crate::requirements::{MINIMUM_WASI_SDK, sdk_files};
use crate::target::Target;

/// The `--sysroot=` of a flags variable, if it has one.
pub fn sysroot_flag(flags: &str) -> Option<&str> {
    flags
        .split_whitespace()
        .find_map(|f| f.strip_prefix("--sysroot="))
}

/// The fix for an SDK that lacks the target's files.
fn sdk_fix(target: Target) -> String {
    match target {
        Target::Wasip2 => format!(
            "point WASI_SDK_PATH at a wasi-sdk >= {MINIMUM_WASI_SDK} (it has share/wasi-sysroot/lib/wasm32-wasip2), {USE_THE_SHELL}"
        ),
        Target::Wasip3 => format!(
            "wasi-sdk releases before 34 ship no bin/wasm32-wasip3-clang: use the flake's wasi-sdk-wasip3 (wasi-sdk with wasm32-wasip3-clang and -clang++ over the wasip2 sysroot), as its wasip3 shell does ({WASIP3_SHELL}); the sysroot must have share/wasi-sysroot/lib/{}, which Rust takes for wasm32-wasip3",
            target.lib_folder()
        ),
    }
}

pub fn judge_sdk(sdk: Option<&Path>, target: Target) -> Finding {
    let triple = target.triple();
    let Some(sdk) = sdk else {
        return Finding::warn(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH is not set: crates with C code (the cc crate) have no compiler for {triple}"
            ),
            format!(
                "install wasi-sdk >= {MINIMUM_WASI_SDK} and export WASI_SDK_PATH=<its folder>, {USE_THE_SHELL}"
            ),
        );
    };
    let missing: Vec<String> = sdk_files(target)
        .into_iter()
        .filter(|file| !sdk.join(file).exists())
        .collect();
    if missing.is_empty() {
        Finding::pass(
            "wasi-sdk",
            format!(
                "WASI_SDK_PATH={} has clang, {triple}-clang and the {} sysroot",
                sdk.display(),
                target.lib_folder()
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
            sdk_fix(target),
        )
    }
}

/// The cc crate's variables for the target, judged against WASI_SDK_PATH.
pub fn judge_cc_variables(
    target: Target,
    cc: Option<&str>,
    ar: Option<&str>,
    cflags: Option<&str>,
    sdk: Option<&Path>,
) -> Finding {
    let id = "cc-variables";
    let (cc_var, ar_var, cflags_var) = (target.var("CC"), target.var("AR"), target.var("CFLAGS"));
    let triple = target.triple();
    let Some(cc) = cc else {
        let fix = match sdk {
            Some(sdk) => format!(
                "export {cc_var}={0}/bin/{triple}-clang {ar_var}={0}/bin/llvm-ar",
                sdk.display()
            ),
            None => {
                format!("set WASI_SDK_PATH, then {cc_var} and {ar_var} from it; {USE_THE_SHELL}")
            }
        };
        return Finding::warn(
            id,
            format!(
                "{cc_var} is not set: the cc crate may pick a compiler that cannot target {triple}"
            ),
            fix,
        );
    };
    let mut problems = Vec::new();
    for (name, value) in [(&cc_var, Some(cc)), (&ar_var, ar)] {
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
        if let Some(sysroot) = sysroot_flag(flags)
            && Path::new(sysroot) != expected
        {
            problems.push(format!(
                "{cflags_var} uses --sysroot={sysroot}, not {}",
                expected.display()
            ));
        }
    }
    if problems.is_empty() {
        Finding::pass(id, format!("{cc_var}={cc}"))
    } else {
        let sdk_text = sdk.map_or("<wasi-sdk>".to_string(), |s| s.display().to_string());
        Finding::fail(
            id,
            problems.join("; "),
            format!(
                "export {cc_var}={sdk_text}/bin/{triple}-clang {ar_var}={sdk_text}/bin/llvm-ar {cflags_var}=--sysroot={sdk_text}/share/wasi-sysroot"
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
        let finding = judge_sdk(Some(sdk), Target::Wasip2);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.detail.contains("lib/wasm32-wasip2/libc.a"),
            "{}",
            finding.detail
        );
        touch(sdk, "share/wasi-sysroot/lib/wasm32-wasip2/libc.a");
        touch(sdk, "share/wasi-sysroot/lib/wasm32-wasip2/crt1-command.o");
        assert_eq!(judge_sdk(Some(sdk), Target::Wasip2).status, Status::Pass);
        // wasip3 needs its own driver over the same sysroot, and the fix names where it comes from.
        let p3 = judge_sdk(Some(sdk), Target::Wasip3);
        assert_eq!(p3.status, Status::Fail);
        assert!(
            p3.detail.contains("bin/wasm32-wasip3-clang"),
            "{}",
            p3.detail
        );
        assert!(
            p3.fix
                .as_deref()
                .is_some_and(|f| f.contains("wasi-sdk-wasip3")),
            "{:?}",
            p3.fix
        );
        touch(sdk, "bin/wasm32-wasip3-clang");
        assert_eq!(judge_sdk(Some(sdk), Target::Wasip3).status, Status::Pass);
        let unset = judge_sdk(None, Target::Wasip2);
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
            judge_cc_variables(
                Target::Wasip2,
                Some(cc),
                Some(ar),
                Some(&good_flags),
                Some(sdk)
            )
            .status,
            Status::Pass
        );
        let host = judge_cc_variables(
            Target::Wasip2,
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
        let wrong_sysroot = judge_cc_variables(
            Target::Wasip2,
            Some(cc),
            Some(ar),
            Some("--sysroot=/elsewhere"),
            Some(sdk),
        );
        assert!(
            wrong_sysroot.detail.contains("--sysroot=/elsewhere"),
            "{}",
            wrong_sysroot.detail
        );
        assert_eq!(
            judge_cc_variables(Target::Wasip2, None, None, None, Some(sdk)).status,
            Status::Warn
        );
    }
}
