//! SDKs made from the assembled one for bad-input checks: one whose wasip2 sysroot lacks libc++.

use std::os::unix::fs::symlink;
use std::path::Path;

use anyhow::Result;

const TARGET: &str = "wasm32-wasip2";

/// A copy of the SDK's layout, linked entry by entry, whose wasip2 sysroot lacks libc++.a and
/// libc++abi.a (the clang wrappers find the SDK from their own path, so they use this one). The
/// cxx area links against it, the doctor area diagnoses a shell over it.
pub fn sdk_without_libcxx(real: &Path, fake: &Path) -> Result<()> {
    for entry in ["bin", "lib"] {
        symlink(real.join(entry), fake.join(entry))?;
    }
    let sysroot = fake.join("share/wasi-sysroot");
    std::fs::create_dir_all(sysroot.join("lib"))?;
    let real_sysroot = real.join("share/wasi-sysroot");
    symlink(real_sysroot.join("include"), sysroot.join("include"))?;
    let lib = sysroot.join(format!("lib/{TARGET}"));
    std::fs::create_dir_all(&lib)?;
    for entry in std::fs::read_dir(real_sysroot.join(format!("lib/{TARGET}")))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "libc++.a" || name == "libc++abi.a" {
            continue;
        }
        symlink(entry.path(), lib.join(name))?;
    }
    Ok(())
}
