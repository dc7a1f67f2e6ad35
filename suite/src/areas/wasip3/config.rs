//! `bootstrap-config.sh` for wasm32-wasip3: the SDK checked as Rust 1.95's bootstrap uses it, bad
//! input refused with the fix, p2 and p3 as one list or repeated `--target`.

use super::*;

/// A wasi-sdk-shaped folder over the assembled SDK: its tools linked, optionally a
/// `wasm32-wasip3-clang`, and a sysroot with only the given target folders.
pub(super) fn fake_sdk(
    dir: &Path,
    real: &Path,
    p3_clang: bool,
    lib_targets: &[&str],
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir.join("bin"))?;
    for entry in std::fs::read_dir(real.join("bin"))? {
        let entry = entry?;
        symlink(entry.path(), dir.join("bin").join(entry.file_name()))?;
    }
    if p3_clang {
        let clang = dir.join("bin/wasm32-wasip3-clang");
        std::fs::write(&clang, "#!/bin/sh\nexit 0\n")?;
        std::fs::set_permissions(&clang, std::fs::Permissions::from_mode(0o755))?;
    }
    let lib = dir.join("share/wasi-sysroot/lib");
    std::fs::create_dir_all(&lib)?;
    for target in lib_targets {
        let real_lib = real.join("share/wasi-sysroot/lib").join(target);
        if real_lib.exists() {
            symlink(real_lib, lib.join(target))?;
        } else {
            // A sysroot folder the real SDK lacks (wasm32-wasip3): present, as in wasi-sdk 34.
            std::fs::create_dir_all(lib.join(target))?;
        }
    }
    Ok(dir.to_path_buf())
}

pub(super) fn config_refusals(ctx: &mut Context) -> CheckResult {
    let (Some(stage0), Some(sdk), Some(source)) = (
        ctx.parts.stage0.clone(),
        ctx.parts.wasi_sdk.clone(),
        ctx.parts.rust_source.clone(),
    ) else {
        return ctx.missing(
            "needs the stage-0 toolchain, the assembled SDK and the prepared source (parts, rust-std areas)",
        );
    };
    let dir = ctx.fresh_dir("wasip3-bootstrap-config")?;
    let good_sdk = fake_sdk(
        &dir.join("sdk-with-p3-clang"),
        &sdk,
        true,
        &["wasm32-wasip1", "wasm32-wasip2"],
    )?;
    let without_p2 = fake_sdk(&dir.join("sdk-without-p2"), &sdk, true, &["wasm32-wasip1"])?;
    let with_p3_sysroot = fake_sdk(
        &dir.join("sdk-with-p3-sysroot"),
        &sdk,
        true,
        &["wasm32-wasip2", "wasm32-wasip3"],
    )?;
    let rust = ctx.pins.rust.clone();
    // (what, --wasi-sdk, --target, what the error must say)
    let cases: Vec<(&str, &Path, &str, String)> = vec![
        (
            "an unknown WASI target",
            &good_sdk,
            "wasm32-wasip2,wasm32-wasip4",
            "target wasm32-wasip4 is not a WASI target this build supports: use wasm32-wasip1, wasm32-wasip2 or wasm32-wasip3".into(),
        ),
        (
            "a p3 build with an SDK lacking the wasip2 sysroot it falls back to",
            &without_p2,
            "wasm32-wasip3",
            format!(
                "lib/wasm32-wasip2/libc.a, which Rust {rust}'s bootstrap takes for wasm32-wasip3"
            ),
        ),
        (
            "a p3 build with an SDK that has a wasip3 sysroot",
            &with_p3_sysroot,
            "wasm32-wasip3",
            format!("and Rust {rust}'s bootstrap refuses one"),
        ),
        (
            "a p3 build with an SDK lacking wasm32-wasip3-clang",
            &sdk,
            "wasm32-wasip3",
            "no bin/wasm32-wasip3-clang (wasi-sdk 30 ships none): use the flake's wasi-sdk-wasip3"
                .into(),
        ),
    ];
    let mut said = Vec::new();
    for (what, wasi_sdk, targets, expected) in &cases {
        let mut command = config_command(ctx, &source, &stage0, wasi_sdk)?;
        command.args(["--target", targets]);
        let output = ctx.run_unchecked("bootstrap-config-wasip3-refusal", &mut command)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            !output.status.success(),
            "bootstrap-config.sh accepted {what}"
        );
        ensure!(
            stderr.contains(expected.as_str()),
            "for {what}, bootstrap-config.sh said {stderr:?}, which lacks {expected:?}"
        );
        said.push(stderr.trim().to_string());
    }
    // Both targets, as a list and as repeated --target, give one configuration for both.
    let mut configs = Vec::new();
    for args in [
        vec!["--target", "wasm32-wasip2,wasm32-wasip3"],
        vec!["--target", "wasm32-wasip2", "--target", "wasm32-wasip3"],
    ] {
        let mut command = config_command(ctx, &source, &stage0, &good_sdk)?;
        command.args(&args);
        configs.push(stdout_text(
            &ctx.run("bootstrap-config-wasip3", &mut command)?,
        ));
    }
    ensure!(
        configs[0] == configs[1],
        "a target list and repeated --target gave different configurations"
    );
    let expected = format!(
        "target = [\"{}\", \"wasm32-wasip2\", \"wasm32-wasip3\"]",
        host_triple()
    );
    ensure!(
        configs[0].contains(&expected) && configs[0].contains("[target.wasm32-wasip3]"),
        "the configuration for both targets lacks {expected:?} or [target.wasm32-wasip3]:\n{}",
        configs[0]
    );
    Ok(Verdict::Proved(format!(
        "{} bad inputs refused, e.g. {:?}; p2+p3 accepted as a list and as repeated --target",
        cases.len(),
        said.last().map(String::as_str).unwrap_or_default()
    )))
}

pub(super) fn config_command(
    ctx: &Context,
    source: &Path,
    stage0: &Path,
    sdk: &Path,
) -> Result<Command> {
    let mut command =
        bootstrap_config_command(ctx, "bootstrap-config-wasip3", source, stage0, sdk)?;
    command.args(["--vendor", "false", "--compiler-rt-c", "false"]);
    Ok(command)
}
