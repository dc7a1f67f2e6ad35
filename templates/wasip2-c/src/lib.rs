//! Safe Rust over the C functions in `c/checksum.c`.

use std::ffi::CStr;
use std::os::raw::c_char;

unsafe extern "C" {
    fn checksum_adler32(data: *const u8, len: usize) -> u32;
    fn checksum_format_hex(value: u32, out: *mut c_char, out_len: usize) -> i32;
}

/// Adler-32 of `data`, computed by the C code.
pub fn adler32(data: &[u8]) -> u32 {
    // SAFETY: the pointer and length describe one live slice, which the C function only reads.
    unsafe { checksum_adler32(data.as_ptr(), data.len()) }
}

/// `value` as eight hex digits, formatted by wasi-libc's `snprintf`.
pub fn to_hex(value: u32) -> String {
    let mut buffer = [0 as c_char; 9];
    // SAFETY: the buffer is writable for its whole length, which is passed along; the C function
    // writes at most that many bytes, NUL included.
    let written = unsafe { checksum_format_hex(value, buffer.as_mut_ptr(), buffer.len()) };
    assert_eq!(written, 8, "checksum_format_hex wrote {written} digits");
    // SAFETY: snprintf NUL-terminated the buffer (it returned 8 < 9).
    let text = unsafe { CStr::from_ptr(buffer.as_ptr()) };
    text.to_string_lossy().into_owned()
}

/// The same checksum in Rust, to check the C code against.
pub fn adler32_reference(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_matches_the_published_value() {
        // The example in Wikipedia's Adler-32 article.
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(b""), 1);
    }

    #[test]
    fn snprintf_formats_hex() {
        assert_eq!(to_hex(0x11e6_0398), "11e60398");
        assert_eq!(to_hex(1), "00000001");
    }
}
