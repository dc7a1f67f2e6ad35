//! C++ and bindgen for the target: the cc crate's C++ variables (CXX, CXXFLAGS, CXXSTDLIB), the
//! link flags that find libc++ and libc++abi in the SDK's sysroot, those libraries themselves,
//! and bindgen's clang arguments and libclang. Without them a crate with C++ code (cxx, cc with
//! `cpp(true)`) fails to link with "unable to find library -lc++", and bindgen reads the host's
//! headers or skips the target's hidden functions.

use std::path::{Path, PathBuf};

use crate::checks::rustflags::Rustflags;
use crate::checks::sdk::sysroot_flag;
use crate::environment::Environment;
use crate::finding::Finding;
use crate::fixes::{LINK_ERROR, USE_THE_SHELL};
use crate::requirements::CXX_LIBRARIES;
use crate::target::Target;

/// The sysroot folder the target's libc++ comes from.
pub fn cxx_lib_dir(sdk: &Path, target: Target) -> PathBuf {
    sdk.join("share/wasi-sysroot/lib").join(target.lib_folder())
}

/// The fix for a shell without libc++ for the target.
pub fn libcxx_fix(target: Target) -> String {
    format!(
        "point WASI_SDK_PATH at a wasi-sdk whose sysroot has share/wasi-sysroot/lib/{}/{{libc++.a,libc++abi.a}} (wasi-sdk releases ship them; the flake's wasi-sdk has them), {USE_THE_SHELL}",
        target.lib_folder()
    )
}

/// The SDK's libc++ and libc++abi for the target. Flags that link libc++abi (as the dev
/// environment's do) make every link need it, C++ or not.
pub fn judge_libcxx(sdk: Option<&Path>, target: Target, flags: &Rustflags) -> Finding {
    let id = "libc++";
    let Some(sdk) = sdk else {
        return Finding::skip(id, "needs WASI_SDK_PATH (see the wasi-sdk check)");
    };
    let dir = cxx_lib_dir(sdk, target);
    let missing: Vec<&str> = CXX_LIBRARIES
        .into_iter()
        .filter(|lib| !dir.join(lib).exists())
        .collect();
    if missing.is_empty() {
        return Finding::pass(
            id,
            format!("{} has libc++.a and libc++abi.a", dir.display()),
        );
    }
    let links_abi = flags.link_args().iter().any(|a| a == "-lc++abi");
    let every_link = if missing.contains(&"libc++abi.a") && links_abi {
        format!(
            "; {} links -lc++abi, so every program's link fails with \"unable to find library -lc++abi\"",
            flags.source_text()
        )
    } else {
        String::new()
    };
    Finding::fail(
        id,
        format!(
            "{} has no {}: crates with C++ code for {} (cxx, cc with cpp(true)) fail to link with \"{LINK_ERROR}\"{every_link}",
            dir.display(),
            missing.join(", "),
            target.triple()
        ),
        libcxx_fix(target),
    )
}

/// The C++ variables as the environment has them.
#[derive(Debug, Default)]
pub struct CxxVariables<'a> {
    pub cxx: Option<&'a str>,
    pub cxxflags: Option<&'a str>,
    pub cxxstdlib: Option<&'a str>,
}

impl<'a> CxxVariables<'a> {
    pub fn of(env: &'a Environment, target: Target) -> Self {
        CxxVariables {
            cxx: env.var(&target.var("CXX")),
            cxxflags: env.var(&target.var("CXXFLAGS")),
            cxxstdlib: env.var(&target.var("CXXSTDLIB")),
        }
    }
}

/// The C++ variables and link flags, judged against WASI_SDK_PATH.
pub fn judge_cxx_variables(
    target: Target,
    vars: &CxxVariables,
    flags: &Rustflags,
    sdk: Option<&Path>,
) -> Finding {
    let id = "cxx-variables";
    let triple = target.triple();
    let (cxx_var, flags_var, stdlib_var) = (
        target.var("CXX"),
        target.var("CXXFLAGS"),
        target.var("CXXSTDLIB"),
    );
    let sdk_text = sdk.map_or("<wasi-sdk>".to_string(), |s| s.display().to_string());
    let lib_dir = format!("{sdk_text}/share/wasi-sysroot/lib/{}", target.lib_folder());
    let fix = format!(
        "export {cxx_var}={sdk_text}/bin/{triple}-clang++ {flags_var}=\"--sysroot={sdk_text}/share/wasi-sysroot -fno-exceptions\" {stdlib_var}=c++ {}=\"-C link-arg=-L{lib_dir} -C link-arg=-lc++abi\", {USE_THE_SHELL}",
        target.cargo_var("RUSTFLAGS")
    );
    let link_args = flags.link_args();
    let searches_libcxx = link_args.iter().any(|a| {
        a.strip_prefix("-L")
            .is_some_and(|dir| sdk.is_none_or(|_| Path::new(dir) == Path::new(&lib_dir)))
    });
    let links_abi = link_args.iter().any(|a| a == "-lc++abi");
    if vars.cxx.is_none() && !searches_libcxx {
        return Finding::warn(
            id,
            format!(
                "{cxx_var} is not set and no rustflags point the linker at the SDK's libc++ ({}): crates with C++ code fail to link with \"{LINK_ERROR}\"",
                flags.source_text()
            ),
            fix,
        );
    }
    let mut problems = Vec::new();
    match vars.cxx {
        None => problems.push(format!("{cxx_var} is not set")),
        Some(cxx) if !Path::new(cxx).exists() => {
            problems.push(format!("{cxx_var}={cxx} does not exist"))
        }
        Some(cxx) => {
            if let Some(sdk) = sdk
                && !Path::new(cxx).starts_with(sdk)
            {
                problems.push(format!("{cxx_var}={cxx} is not in WASI_SDK_PATH"));
            }
        }
    }
    if let (Some(cxxflags), Some(sdk)) = (vars.cxxflags, sdk) {
        let expected = sdk.join("share/wasi-sysroot");
        match sysroot_flag(cxxflags) {
            Some(sysroot) if Path::new(sysroot) != expected => problems.push(format!(
                "{flags_var} uses --sysroot={sysroot}, not {}",
                expected.display()
            )),
            _ => {}
        }
    }
    match vars.cxxstdlib {
        Some("c++") => {}
        Some(other) => problems.push(format!(
            "{stdlib_var}={other}: no WASI sysroot has lib{other}, only libc++"
        )),
        None => problems.push(format!(
            "{stdlib_var} is not set (cc releases before 1.1 then link libstdc++, which no WASI sysroot has)"
        )),
    }
    if !searches_libcxx {
        problems.push(format!(
            "{} has no -C link-arg=-L{lib_dir}: the link says \"{LINK_ERROR}\"",
            flags.source_text()
        ));
    }
    if !links_abi {
        problems.push(format!(
            "{} has no -C link-arg=-lc++abi, which libc++.a needs",
            flags.source_text()
        ));
    }
    if problems.is_empty() {
        Finding::pass(
            id,
            format!(
                "{cxx_var}={}, libc++ from {lib_dir} ({})",
                vars.cxx.unwrap_or_default(),
                flags.source_text()
            ),
        )
    } else {
        Finding::fail(id, problems.join("; "), fix)
    }
}

/// bindgen's extra clang arguments for the target: the first of the names bindgen reads.
pub fn bindgen_args(env: &Environment, target: Target) -> Option<(String, &str)> {
    [
        target.var("BINDGEN_EXTRA_CLANG_ARGS"),
        format!("BINDGEN_EXTRA_CLANG_ARGS_{}", target.triple()),
        "BINDGEN_EXTRA_CLANG_ARGS".to_string(),
    ]
    .into_iter()
    .find_map(|name| env.var(&name).map(|value| (name, value)))
}

pub fn judge_bindgen(target: Target, args: Option<(&str, &str)>, sdk: Option<&Path>) -> Finding {
    let id = "bindgen-variables";
    let triple = target.triple();
    let variable = target.var("BINDGEN_EXTRA_CLANG_ARGS");
    let sdk_text = sdk.map_or("<wasi-sdk>".to_string(), |s| s.display().to_string());
    let fix = format!(
        "export {variable}=\"--target={triple} --sysroot={sdk_text}/share/wasi-sysroot -fvisibility=default\", {USE_THE_SHELL}"
    );
    let Some((name, value)) = args else {
        return Finding::warn(
            id,
            format!(
                "{variable} is not set: bindgen in build scripts parses headers for the host, not {triple}"
            ),
            fix,
        );
    };
    let words: Vec<&str> = value.split_whitespace().collect();
    let mut problems = Vec::new();
    let names_target = words.iter().any(|w| *w == format!("--target={triple}"))
        || words
            .windows(2)
            .any(|w| (w[0] == "--target" || w[0] == "-target") && w[1] == triple);
    if !names_target {
        problems.push(format!("no --target={triple}"));
    }
    let expected = sdk.map(|s| s.join("share/wasi-sysroot"));
    match (sysroot_flag(value), &expected) {
        (None, _) => problems.push("no --sysroot=".to_string()),
        (Some(sysroot), Some(expected)) if Path::new(sysroot) != expected => {
            problems.push(format!("--sysroot={sysroot}, not {}", expected.display()))
        }
        _ => {}
    }
    if !words.contains(&"-fvisibility=default") {
        problems.push(
            "no -fvisibility=default (clang's default for wasm is hidden, and bindgen leaves hidden functions out)"
                .to_string(),
        );
    }
    if problems.is_empty() {
        Finding::pass(id, format!("{name}={value}"))
    } else {
        Finding::fail(id, format!("{name}: {}", problems.join("; ")), fix)
    }
}

/// Whether a file name is a libclang shared library (`libclang.so`, `libclang.so.19`,
/// `libclang-19.so`, `libclang.dylib`).
pub fn is_libclang(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("libclang") else {
        return false;
    };
    let rest = match rest.strip_prefix('-') {
        Some(versioned) => {
            let after = versioned.trim_start_matches(|c: char| c.is_ascii_digit());
            if after.len() == versioned.len() {
                return false;
            }
            after
        }
        None => rest,
    };
    rest == ".so"
        || rest == ".dylib"
        || rest
            .strip_prefix(".so.")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// LIBCLANG_PATH, which bindgen loads libclang from: a folder with it, or the file itself.
pub fn judge_libclang(path: Option<&str>) -> Finding {
    let id = "libclang";
    let fix = format!(
        "point LIBCLANG_PATH at the lib folder of an LLVM with libclang (e.g. /usr/lib/llvm-19/lib after apt install libclang-19-dev; nixpkgs' llvmPackages.libclang.lib), {USE_THE_SHELL}"
    );
    let Some(path) = path else {
        return Finding::warn(
            id,
            "LIBCLANG_PATH is not set: bindgen looks in the system's library folders, and build scripts panic with \"Unable to find libclang\" where it has none",
            fix,
        );
    };
    let path = Path::new(path);
    let found = if path.is_file() {
        path.file_name()
            .and_then(|n| n.to_str())
            .filter(|n| is_libclang(n))
            .map(|_| path.to_path_buf())
    } else {
        std::fs::read_dir(path).ok().and_then(|entries| {
            entries.flatten().map(|e| e.path()).find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_libclang)
            })
        })
    };
    match found {
        Some(library) => Finding::pass(id, format!("LIBCLANG_PATH has {}", library.display())),
        None => Finding::fail(
            id,
            format!(
                "LIBCLANG_PATH={} holds no libclang shared library: bindgen's build scripts panic with \"Unable to find libclang\"",
                path.display()
            ),
            fix,
        ),
    }
}

#[cfg(test)]
mod tests;
