//! Tests of the C++ and bindgen checks: libc++ in the SDK, the C++ variables, bindgen's
//! arguments and libclang, each against a made-up SDK or environment.

use super::*;
use crate::finding::Status;
use crate::scratch::Scratch;

fn touch(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
    std::fs::write(path, b"").expect("a file");
}

fn shell_flags(sdk: &Path) -> Rustflags {
    Rustflags {
        words: format!(
            "-C link-arg=-L{}/share/wasi-sysroot/lib/wasm32-wasip2 -C link-arg=-lc++abi",
            sdk.display()
        )
        .split_whitespace()
        .map(str::to_string)
        .collect(),
        source: Some("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS".into()),
    }
}

#[test]
fn an_sdk_without_libcxx_fails_naming_the_link_error_and_the_fix() {
    let dir = Scratch::new("libcxx");
    let sdk = dir.path();
    let lib = sdk.join("share/wasi-sysroot/lib/wasm32-wasip2");
    touch(&lib.join("libc.a"));
    let finding = judge_libcxx(Some(sdk), Target::Wasip2, &Rustflags::default());
    assert_eq!(finding.status, Status::Fail);
    assert!(finding.detail.contains(LINK_ERROR), "{}", finding.detail);
    assert!(
        !finding.detail.contains("every program"),
        "{}",
        finding.detail
    );
    let shell = judge_libcxx(Some(sdk), Target::Wasip2, &shell_flags(sdk));
    assert!(
        shell.detail.contains("every program's link fails"),
        "{}",
        shell.detail
    );
    assert!(
        finding
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("libc++.a,libc++abi.a")),
        "{:?}",
        finding.fix
    );
    touch(&lib.join("libc++.a"));
    touch(&lib.join("libc++abi.a"));
    assert_eq!(
        judge_libcxx(Some(sdk), Target::Wasip2, &Rustflags::default()).status,
        Status::Pass
    );
    // wasip3 links wasip2's libc++, as dev-env.nix does.
    assert_eq!(
        judge_libcxx(Some(sdk), Target::Wasip3, &Rustflags::default()).status,
        Status::Pass
    );
    assert_eq!(
        judge_libcxx(None, Target::Wasip2, &Rustflags::default()).status,
        Status::Skip
    );
}

#[test]
fn the_cxx_variables_must_agree_with_the_sdk() {
    let dir = Scratch::new("cxx");
    let sdk = dir.path();
    let cxx = sdk.join("bin/wasm32-wasip2-clang++");
    touch(&cxx);
    let cxx = cxx.display().to_string();
    let cxxflags = format!(
        "--sysroot={}/share/wasi-sysroot -fno-exceptions",
        sdk.display()
    );
    let good = CxxVariables {
        cxx: Some(&cxx),
        cxxflags: Some(&cxxflags),
        cxxstdlib: Some("c++"),
    };
    let flags = shell_flags(sdk);
    let pass = judge_cxx_variables(Target::Wasip2, &good, &flags, Some(sdk));
    assert_eq!(pass.status, Status::Pass, "{}", pass.detail);

    // RUSTFLAGS set by hand hides the shell's target flags: the link then misses libc++.
    let hidden = Rustflags {
        words: vec!["-g".into()],
        source: Some("RUSTFLAGS".into()),
    };
    let fail = judge_cxx_variables(Target::Wasip2, &good, &hidden, Some(sdk));
    assert_eq!(fail.status, Status::Fail);
    assert!(
        fail.detail.contains("RUSTFLAGS has no -C link-arg=-L"),
        "{}",
        fail.detail
    );
    assert!(fail.detail.contains(LINK_ERROR), "{}", fail.detail);

    let stdlib = CxxVariables {
        cxxstdlib: Some("stdc++"),
        ..good
    };
    let fail = judge_cxx_variables(Target::Wasip2, &stdlib, &flags, Some(sdk));
    assert!(
        fail.detail.contains("no WASI sysroot has libstdc++"),
        "{}",
        fail.detail
    );

    let none = judge_cxx_variables(
        Target::Wasip2,
        &CxxVariables::default(),
        &Rustflags::default(),
        Some(sdk),
    );
    assert_eq!(none.status, Status::Warn);
    assert!(
        none.fix
            .as_deref()
            .is_some_and(|f| f.contains("CXX_wasm32_wasip2=") && f.contains("-lc++abi")),
        "{:?}",
        none.fix
    );
}

#[test]
fn bindgen_needs_the_target_the_sysroot_and_default_visibility() {
    let sdk = Path::new("/sdk");
    let good = "--target=wasm32-wasip2 --sysroot=/sdk/share/wasi-sysroot -fvisibility=default";
    let name = "BINDGEN_EXTRA_CLANG_ARGS_wasm32_wasip2";
    assert_eq!(
        judge_bindgen(Target::Wasip2, Some((name, good)), Some(sdk)).status,
        Status::Pass
    );
    let hidden = good.replace(" -fvisibility=default", "");
    let fail = judge_bindgen(Target::Wasip2, Some((name, &hidden)), Some(sdk));
    assert_eq!(fail.status, Status::Fail);
    assert!(
        fail.detail.contains("-fvisibility=default"),
        "{}",
        fail.detail
    );
    let p3 = "--target=wasm32-wasip3 -idirafter /sdk/share/wasi-sysroot/include/wasm32-wasip2 --sysroot=/sdk/share/wasi-sysroot -fvisibility=default";
    assert_eq!(
        judge_bindgen(Target::Wasip3, Some((name, p3)), Some(sdk)).status,
        Status::Pass
    );
    assert_eq!(
        judge_bindgen(Target::Wasip2, Some((name, p3)), Some(sdk)).status,
        Status::Fail
    );
    assert_eq!(
        judge_bindgen(Target::Wasip2, None, Some(sdk)).status,
        Status::Warn
    );
}

#[test]
fn libclang_is_found_by_its_shared_library() {
    for name in [
        "libclang.so",
        "libclang.so.19",
        "libclang-19.so",
        "libclang.dylib",
        "libclang.so.19.1.7",
    ] {
        assert!(is_libclang(name), "{name}");
    }
    for name in ["libclang.a", "libclang-cpp.so", "libclangBasic.a", "clang"] {
        assert!(!is_libclang(name), "{name}");
    }
    let dir = Scratch::new("libclang");
    let folder = dir.path().display().to_string();
    let empty = judge_libclang(Some(&folder));
    assert_eq!(empty.status, Status::Fail);
    assert!(
        empty
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("libclang-19-dev"))
    );
    touch(&dir.path().join("libclang.so.19"));
    assert_eq!(judge_libclang(Some(&folder)).status, Status::Pass);
    assert_eq!(judge_libclang(None).status, Status::Warn);
}
