//! What one check found: a status, a line of detail, and for anything short of a pass, the fix.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    /// Not run: `--quick`, or a check it depends on failed.
    Skip,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for tools and tests, e.g. `wasmtime`.
    pub id: &'static str,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    pub fn pass(id: &'static str, detail: impl Into<String>) -> Self {
        Finding {
            id,
            status: Status::Pass,
            detail: detail.into(),
            fix: None,
        }
    }

    pub fn warn(id: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding {
            id,
            status: Status::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn fail(id: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding {
            id,
            status: Status::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn skip(id: &'static str, why: impl Into<String>) -> Self {
        Finding {
            id,
            status: Status::Skip,
            detail: why.into(),
            fix: None,
        }
    }
}
