//! The probe programs, written as Cargo projects: a hello world, a program that calls C code
//! from a static library, and a program that catches a panic. Each prints a line the probe then
//! looks for.

use std::path::Path;

/// What the hello world prints.
pub const HELLO: &str = "wasip2-doctor probe: hello from a component";
/// What the C probe prints: the C library formats 42 as hexadecimal.
pub const C_ANSWER: &str = "wasip2-doctor probe: C says 0x2a";

/// What the C++ probe prints: the length of "wasip2doctorc++3".
pub const CXX_ANSWER: &str = "wasip2-doctor probe: C++ says 16";
/// What the unwinding probe prints after catching its panic.
pub const UNWOUND: &str = "wasip2-doctor probe: caught the panic and went on";
/// What the temporary-folder probe prints before the folder std names.
pub const TEMP_DIR_SAID: &str = "wasip2-doctor probe: temp_dir() = ";

/// Writes a file, making its folder first.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// A package of its own (`[workspace]`), so that no enclosing workspace adopts it.
fn write_manifest(dir: &Path, name: &str) -> std::io::Result<()> {
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n"
        ),
    )
}

/// The hello world, package `doctor-hello`.
pub fn hello_project(dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-hello")?;
    write(
        &dir.join("src/main.rs"),
        &format!("fn main() {{\n    println!(\"{HELLO}\");\n}}\n"),
    )
}

/// The C probe, package `doctor-c`, linking `libdoctorprobe.a` from `lib_dir`.
pub fn c_project(dir: &Path, lib_dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-c")?;
    write(
        &dir.join("build.rs"),
        &format!(
            "fn main() {{\n    println!(\"cargo:rustc-link-search=native={}\");\n    println!(\"cargo:rustc-link-lib=static=doctorprobe\");\n}}\n",
            lib_dir.display()
        ),
    )?;
    write(
        &dir.join("src/main.rs"),
        &format!(
            "unsafe extern \"C\" {{\n    fn doctor_probe_format(value: i32, out: *mut u8, len: usize) -> i32;\n}}\n\nfn main() {{\n    let mut buffer = [0u8; 32];\n    // SAFETY: the buffer is writable for the length passed.\n    let n = unsafe {{ doctor_probe_format(42, buffer.as_mut_ptr(), buffer.len()) }};\n    let text = String::from_utf8_lossy(&buffer[..n.max(0) as usize]);\n    println!(\"{}{{text}}\");\n}}\n",
            C_ANSWER.trim_end_matches("0x2a")
        ),
    )
}

/// The unwinding probe, package `doctor-unwind`: a panic caught by `catch_unwind`.
pub fn unwind_project(dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-unwind")?;
    write(
        &dir.join("src/main.rs"),
        &format!(
            "fn main() {{\n    std::panic::set_hook(Box::new(|_| {{}}));\n    let caught = std::panic::catch_unwind(|| panic!(\"a deliberate panic\"));\n    if caught.is_err() {{\n        println!(\"{UNWOUND}\");\n    }}\n}}\n"
        ),
    )
}

/// The temporary-folder probe, package `doctor-temp-dir`: prints `std::env::temp_dir()`, which
/// Rust's WASI std implements as a panic.
pub fn temp_dir_project(dir: &Path) -> std::io::Result<()> {
    write_manifest(dir, "doctor-temp-dir")?;
    write(
        &dir.join("src/main.rs"),
        &format!(
            "fn main() {{\n    println!(\"{TEMP_DIR_SAID}{{}}\", std::env::temp_dir().display());\n}}\n"
        ),
    )
}

/// The C++ probe, package `doctor-cxx`, linking `libdoctorcxx.a` from `lib_dir` and the C++
/// library `stdlib` (CXXSTDLIB), as the cc crate tells Cargo to.
pub fn cxx_project(dir: &Path, lib_dir: &Path, stdlib: &str) -> std::io::Result<()> {
    write_manifest(dir, "doctor-cxx")?;
    write(
        &dir.join("build.rs"),
        &format!(
            "fn main() {{\n    println!(\"cargo:rustc-link-search=native={}\");\n    println!(\"cargo:rustc-link-lib=static=doctorcxx\");\n    println!(\"cargo:rustc-link-lib={stdlib}\");\n}}\n",
            lib_dir.display()
        ),
    )?;
    write(
        &dir.join("src/main.rs"),
        &format!(
            "unsafe extern \"C\" {{\n    fn doctor_probe_cxx_length() -> i32;\n}}\n\nfn main() {{\n    // SAFETY: the C++ function takes nothing and returns a number.\n    let length = unsafe {{ doctor_probe_cxx_length() }};\n    println!(\"{}{{length}}\");\n}}\n",
            CXX_ANSWER.trim_end_matches("16")
        ),
    )
}
