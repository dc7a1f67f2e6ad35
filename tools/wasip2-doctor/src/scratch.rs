//! A temporary folder for tests, removed when it is dropped: at the end of the test, and on a
//! failing assertion too, since unwinding drops it. The unit tests (`crate::scratch`) and
//! tests/cli.rs (by `#[path]`) share this one file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new empty folder in the system's temporary folder; `name` tells whose it is.
    pub fn new(name: &str) -> Self {
        // Tests of one process run in parallel: the counter keeps two of one name apart.
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "wasip2-doctor-test-{}-{}-{name}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Scratch { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
