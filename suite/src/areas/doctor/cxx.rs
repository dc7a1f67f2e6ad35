//! C++ over an SDK without libc++: cargo says only the link error, the doctor names the fix.

use anyhow::ensure;

use super::doctor_binary;
use super::report::{Case, judge};
use super::shell::{healthy_env, shell_sdk, with_sdk};
use crate::support::sdk::sdk_without_libcxx;
use crate::support::toolchain::cargo_of;
use crate::{CheckResult, Context, Verdict};

pub(super) fn without_libcxx(ctx: &mut Context) -> CheckResult {
    if !doctor_binary(ctx).exists() {
        return ctx.missing("the doctor was not built (see the build check)");
    }
    let Some(toolchain) = ctx.parts.wasip2_toolchain.clone() else {
        return ctx.missing("needs the wasip2 toolchain (see the parts area)");
    };
    let sdk = shell_sdk(ctx)?;
    let fake = ctx.fresh_dir("doctor-sdk-without-libcxx")?;
    sdk_without_libcxx(&sdk, &fake)?;
    // The dev shell's variables over that SDK, as a shell made from it would have them.
    let env = with_sdk(&healthy_env(ctx)?, &sdk, &fake);
    let home = ctx.fresh_dir("doctor-sdk-without-libcxx-home")?;

    // What the user sees first: a C++ crate's link error, and nothing about the fix.
    let fixture = ctx.fresh_dir("doctor-cxx-bridge")?;
    crate::support::files::copy_tree(&ctx.repo.join("suite/fixtures/cxx-bridge"), &fixture)?;
    let output = ctx.run_unchecked(
        "doctor-cxx-bridge-without-libcxx",
        cargo_of(&toolchain, &env, &fixture).args([
            "build",
            "--locked",
            "--target",
            "wasm32-wasip2",
        ]),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let link_error = "unable to find library -lc++";
    ensure!(
        !output.status.success() && stderr.contains(link_error),
        "the cxx crate should fail to link with {link_error:?} over an SDK without libc++:\n{stderr}"
    );

    // What the doctor says in the same environment.
    let (said, checks) = judge(
        ctx,
        &env,
        &home,
        Case {
            name: "sdk-without-libcxx",
            check: "libc++",
            fix_mentions: "libc++.a,libc++abi.a",
            args: &[],
            also: &[],
        },
        false,
    )?;
    let probe = &checks["probe-cxx"];
    let fix = probe["fix"].as_str().unwrap_or_default();
    ensure!(
        probe["status"] == "fail" && fix.contains("libc++.a,libc++abi.a"),
        "probe-cxx should fail naming the SDK's libc++: {probe}"
    );
    Ok(Verdict::Proved(format!(
        "cargo build of the cxx crate says {link_error:?}; {said}, and probe-cxx fails with the fix {fix:?}"
    )))
}
