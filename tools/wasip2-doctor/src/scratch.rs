//! A temporary folder for tests (tempfile's, unpredictable in name and removed when dropped: at
//! the end of the test, and on a failing assertion too, since unwinding drops it). The unit tests
//! (`crate::scratch`) and tests/cli.rs (by `#[path]`) share this one file.

use std::path::Path;

pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty folder in the system's temporary folder; `name` tells whose it is.
    pub fn new(name: &str) -> Self {
        Scratch(
            tempfile::Builder::new()
                .prefix(&format!("wasip2-doctor-test-{name}-"))
                .tempdir()
                .expect("a temporary folder"),
        )
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}
