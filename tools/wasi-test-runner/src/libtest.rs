//! What libtest's output says about one test run on its own, as nextest runs each test
//! (`BINARY --exact NAME`).
//!
//! libtest on every wasm target marks `#[should_panic]` tests as ignored (it decides by target
//! family, not by panic strategy), even under `--include-ignored`, and exits 0. Run alone,
//! such a test would count as passed whether or not its body panics; the runner turns that into
//! a failure, since the test was never run.

/// Whether the arguments select single tests by exact name: the form in which the exit status
/// is the verdict of one test.
pub fn selects_exact_tests(args: &[std::ffi::OsString]) -> bool {
    args.iter().any(|a| a == "--exact")
}

/// The name of a `#[should_panic]` test that libtest reported as ignored in `line`
/// (`test NAME - should panic ... ignored`, possibly followed by `, REASON`).
pub fn unrun_should_panic(line: &str) -> Option<&str> {
    let rest = line.trim_end().strip_prefix("test ")?;
    let (name, verdict) = rest.split_once(" - should panic ... ")?;
    (verdict == "ignored" || verdict.starts_with("ignored,")).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_should_panic_test_libtest_did_not_run() {
        assert_eq!(
            unrun_should_panic("test tests::e_does_not_panic - should panic ... ignored\n"),
            Some("tests::e_does_not_panic")
        );
        assert_eq!(
            unrun_should_panic("test t - should panic ... ignored, needs processes"),
            Some("t")
        );
    }

    #[test]
    fn other_outcomes_are_left_alone() {
        for line in [
            "test tests::e - should panic ... ok",
            "test tests::e - should panic ... FAILED",
            "test tests::slow ... ignored",
            "test tests::slow ... ignored, too slow",
            "test result: ok. 0 passed; 0 failed; 1 ignored",
            "    test t - should panic ... ignored",
        ] {
            assert_eq!(unrun_should_panic(line), None, "{line}");
        }
    }

    #[test]
    fn exact_selection_is_nextests_form() {
        let nextest: Vec<std::ffi::OsString> =
            vec!["--exact".into(), "tests::a".into(), "--nocapture".into()];
        assert!(selects_exact_tests(&nextest));
        let cargo_test: Vec<std::ffi::OsString> = vec!["tests::a".into()];
        assert!(!selects_exact_tests(&cargo_test));
    }
}
