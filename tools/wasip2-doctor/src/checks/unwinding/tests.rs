//! Tests of the panic-strategy checks: the probe's reading of rustc, the exception tag archive,
//! the unwinding flags against the std and the runner.

use super::*;
use crate::finding::Status;

fn flags(text: &str) -> Rustflags {
    Rustflags {
        words: text.split_whitespace().map(str::to_string).collect(),
        source: Some("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS".into()),
    }
}

const SHELL: &str = "-C link-arg=-lc++abi";

#[test]
fn the_probe_reads_rustc_refusing_unwind_as_an_aborting_std() {
    assert_eq!(classify_probe(true, ""), Ok(StdPanic::Unwind));
    let refusal = "error: the crate `panic_unwind` does not have the panic strategy `unwind`\n\nerror: aborting due to 1 previous error\n";
    assert_eq!(classify_probe(false, refusal), Ok(StdPanic::Abort));
    let older = "error: the crate `std` is compiled with the panic strategy `abort` which is incompatible with this crate's strategy of `unwind`";
    assert_eq!(classify_probe(false, older), Ok(StdPanic::Abort));
    let other = classify_probe(false, "error[E0463]: can't find crate for `std`\n");
    assert!(other.is_err_and(|e| e.contains("can't find crate")));
}

#[test]
fn the_tag_archive_is_found_beside_the_std_or_in_self_contained() {
    let dir = crate::scratch::Scratch::new("tag");
    assert!(!has_tag_archive(dir.path()));
    let nested = dir.path().join("self-contained");
    std::fs::create_dir_all(&nested).expect("a folder");
    std::fs::write(nested.join(TAG_ARCHIVE), b"").expect("a file");
    assert!(has_tag_archive(dir.path()));
}

#[test]
fn reads_the_unwinding_flags_in_either_spelling() {
    let all = UnwindFlags::of(&flags(&format!("{SHELL} {UNWIND_FLAGS}")));
    assert!(all.missing(false).is_empty(), "{all:?}");
    assert_eq!(all.missing(true), [TAG_FLAG]);
    let spaced = UnwindFlags::of(&flags(
        "-C panic=unwind -C target-feature=+simd128,+exception-handling -C llvm-args=-wasm-use-legacy-eh=false",
    ));
    assert!(spaced.missing(false).is_empty(), "{spaced:?}");
    let overridden = UnwindFlags::of(&flags("-Cpanic=unwind -Cpanic=abort"));
    assert!(!overridden.panic_unwind);
    assert_eq!(UnwindFlags::of(&flags(SHELL)).missing(false).len(), 3);
    let tagged = UnwindFlags::of(&flags(&format!("{UNWIND_FLAGS} {TAG_FLAG}")));
    assert!(tagged.missing(true).is_empty(), "{tagged:?}");
}

#[test]
fn unwinding_flags_with_an_aborting_std_fail_naming_the_unwinding_toolchain() {
    let finding = judge_panic_strategy(
        StdPanic::Abort,
        false,
        &flags(&format!("{SHELL} -Cpanic=unwind")),
        None,
        Target::Wasip2,
    );
    assert_eq!(finding.status, Status::Fail);
    let fix = finding.fix.expect("a fix");
    assert!(
        fix.contains("rust-std-wasip2-unwind") && fix.contains("drop -Cpanic=unwind"),
        "{fix}"
    );
    assert_eq!(
        judge_panic_strategy(StdPanic::Abort, false, &flags(SHELL), None, Target::Wasip2).status,
        Status::Pass
    );
}

#[test]
fn an_unwinding_std_without_the_flags_fails_naming_the_shells_flags() {
    let finding =
        judge_panic_strategy(StdPanic::Unwind, false, &flags(SHELL), None, Target::Wasip2);
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding.detail.contains("-Cpanic=unwind"),
        "{}",
        finding.detail
    );
    assert!(
        finding
            .fix
            .as_deref()
            .is_some_and(|f| f.contains(UNWIND_FLAGS))
    );
    // Only the panic strategy: the exception-handling features are still missing.
    let partial = judge_panic_strategy(
        StdPanic::Unwind,
        false,
        &flags("-Cpanic=unwind"),
        None,
        Target::Wasip2,
    );
    assert!(
        partial.detail.contains("+exception-handling") && !partial.detail.contains("lacks -Cpanic"),
        "{}",
        partial.detail
    );
    // RUSTFLAGS hides the target's flags, and the finding says so.
    let hidden = Rustflags {
        words: vec!["-g".into()],
        source: Some("RUSTFLAGS".into()),
    };
    let finding = judge_panic_strategy(StdPanic::Unwind, false, &hidden, None, Target::Wasip2);
    assert!(
        finding
            .detail
            .contains("Cargo ignores CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS"),
        "{}",
        finding.detail
    );
    // The std has the tag's archive: the flags must link it too.
    let untagged = judge_panic_strategy(
        StdPanic::Unwind,
        true,
        &flags(UNWIND_FLAGS),
        None,
        Target::Wasip2,
    );
    assert_eq!(untagged.status, Status::Fail);
    assert!(untagged.detail.contains(TAG_FLAG), "{}", untagged.detail);
    assert!(
        untagged
            .fix
            .as_deref()
            .is_some_and(|f| f.contains(TAG_FLAG))
    );
    let tagged = flags(&format!("{UNWIND_FLAGS} {TAG_FLAG}"));
    assert_eq!(
        judge_panic_strategy(StdPanic::Unwind, true, &tagged, None, Target::Wasip2).status,
        Status::Pass
    );
    let agreed = flags(&format!("{SHELL} {UNWIND_FLAGS}"));
    assert_eq!(
        judge_panic_strategy(StdPanic::Unwind, false, &agreed, None, Target::Wasip2).status,
        Status::Pass
    );
}

#[test]
fn a_runner_without_exceptions_fails_an_unwinding_setup() {
    let env = Environment {
        vars: Default::default(),
        cwd: "/".into(),
    };
    let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert!(runner_disables_exceptions(&env, &words("wasmtime run -C cache=n --dir .")).is_none());
    assert!(
        runner_disables_exceptions(&env, &words("wasmtime run -W exceptions=n --dir .")).is_some()
    );
    assert!(runner_disables_exceptions(&env, &words("wasmtime run -Wgc=y,exceptions=n")).is_some());
    let mut told = env.clone();
    told.vars
        .insert("WASI_TEST_RUNNER_EXCEPTIONS".into(), "n".into());
    assert!(runner_disables_exceptions(&told, &words("/bin/wasi-test-runner")).is_some());
    let agreed = flags(UNWIND_FLAGS);
    let finding = judge_panic_strategy(
        StdPanic::Unwind,
        false,
        &agreed,
        runner_disables_exceptions(&told, &words("/bin/wasi-test-runner")),
        Target::Wasip2,
    );
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("exceptions"))
    );
}
