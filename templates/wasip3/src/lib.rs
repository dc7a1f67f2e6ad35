//! What the component knows about the WASI it was compiled for, and the greeting it prints.

/// The WASI version this code was compiled for, as the target's `cfg` says: `wasm32-wasip3` sets
/// `target_os = "wasi"` and `target_env = "p3"`, `wasm32-wasip2` sets `target_env = "p2"`.
pub fn compiled_for() -> &'static str {
    if cfg!(all(target_os = "wasi", target_env = "p3")) {
        "WASIp3"
    } else if cfg!(all(target_os = "wasi", target_env = "p2")) {
        "WASIp2"
    } else if cfg!(target_os = "wasi") {
        "WASI before p2"
    } else {
        "a host without WASI"
    }
}

/// The line `p3hello NAME` prints.
pub fn greeting(name: &str) -> String {
    let name = name.trim();
    let name = if name.is_empty() { "world" } else { name };
    format!(
        "Hello, {name}, from a component built for {}",
        compiled_for()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_for_wasip3() {
        // Under `cargo test` the tests run as a wasm32-wasip3 component in Wasmtime; built for
        // another target (`cargo test --target wasm32-wasip2`) this fails.
        assert_eq!(compiled_for(), "WASIp3");
    }

    #[test]
    fn greets_the_world_when_no_name_is_given() {
        assert_eq!(
            greeting("  "),
            "Hello, world, from a component built for WASIp3"
        );
        assert!(greeting("Ada").starts_with("Hello, Ada, "));
    }
}
