//! The C code, compiled by the wasi-sdk's clang, agrees with the Rust reference under Wasmtime.

use checksum::{adler32, adler32_reference, to_hex};

#[test]
fn agrees_on_many_inputs() {
    let mut data = Vec::new();
    for n in 0..2000u32 {
        data.push((n.wrapping_mul(2_654_435_761) >> 24) as u8);
        assert_eq!(
            adler32(&data),
            adler32_reference(&data),
            "length {}",
            data.len()
        );
    }
}

#[test]
fn checksums_a_file_read_through_wasi() {
    let manifest = std::fs::read("Cargo.toml").expect("the runner preopens the project folder");
    assert_eq!(
        to_hex(adler32(&manifest)),
        format!("{:08x}", adler32_reference(&manifest))
    );
}
