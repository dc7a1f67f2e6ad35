//! Whether a binary uses Wasm exception handling: a core module that defines exception tags (the
//! tag section, id 13) was compiled with `-Ctarget-feature=+exception-handling`, and Wasmtime
//! refuses it unless `-W exceptions=y`. Components are searched through their nested core
//! modules and components.

const MAGIC: &[u8; 4] = b"\0asm";
const TAG_SECTION: u8 = 13;
/// Component sections that hold a whole nested binary.
const CORE_MODULE_SECTION: u8 = 1;
const COMPONENT_SECTION: u8 = 4;

/// True when `bytes` is a core module or component with an exception tag anywhere inside. Bytes
/// that are not Wasm (or are cut short) are taken as not needing exceptions: Wasmtime then
/// reports what is wrong with them.
pub fn uses_exceptions(bytes: &[u8]) -> bool {
    scan(bytes, 0)
}

fn scan(bytes: &[u8], depth: usize) -> bool {
    // Nesting deeper than any toolchain produces means corrupt input, not a real component.
    if depth > 16 || bytes.len() < 8 || &bytes[..4] != MAGIC {
        return false;
    }
    let component = bytes[6..8] == [1, 0];
    let mut rest = &bytes[8..];
    while let Some((&id, after_id)) = rest.split_first() {
        let Some((size, after_size)) = leb_u32(after_id) else {
            return false;
        };
        let Some(body) = after_size.get(..size as usize) else {
            return false;
        };
        let found = if component {
            (id == CORE_MODULE_SECTION || id == COMPONENT_SECTION) && scan(body, depth + 1)
        } else {
            id == TAG_SECTION
        };
        if found {
            return true;
        }
        rest = &after_size[size as usize..];
    }
    false
}

/// An unsigned LEB128 number of at most 5 bytes, and the bytes after it.
fn leb_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE_HEADER: [u8; 8] = [0, b'a', b's', b'm', 1, 0, 0, 0];
    const COMPONENT_HEADER: [u8; 8] = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];

    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        let mut size = body.len();
        loop {
            let byte = (size & 0x7f) as u8;
            size >>= 7;
            if size == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(body);
        out
    }

    fn binary(header: [u8; 8], sections: &[Vec<u8>]) -> Vec<u8> {
        let mut out = header.to_vec();
        for s in sections {
            out.extend_from_slice(s);
        }
        out
    }

    /// A tag section with one tag of type 0, as LLVM writes `__cpp_exception`.
    fn tag_section() -> Vec<u8> {
        section(TAG_SECTION, &[1, 0, 0])
    }

    #[test]
    fn a_module_with_a_tag_needs_exceptions() {
        let type_section = section(1, &[1, 0x60, 1, 0x7f, 0]);
        assert!(uses_exceptions(&binary(
            MODULE_HEADER,
            &[type_section, tag_section()]
        )));
    }

    #[test]
    fn a_module_without_tags_does_not() {
        let big_custom = section(0, &[7; 300]);
        assert!(!uses_exceptions(&binary(
            MODULE_HEADER,
            &[big_custom, section(1, &[0])]
        )));
    }

    #[test]
    fn a_component_is_searched_through_its_nested_modules() {
        let plain = binary(MODULE_HEADER, &[section(1, &[0])]);
        let throwing = binary(MODULE_HEADER, &[tag_section()]);
        let without = binary(COMPONENT_HEADER, &[section(CORE_MODULE_SECTION, &plain)]);
        assert!(!uses_exceptions(&without));
        let with = binary(
            COMPONENT_HEADER,
            &[
                section(CORE_MODULE_SECTION, &plain),
                section(CORE_MODULE_SECTION, &throwing),
            ],
        );
        assert!(uses_exceptions(&with));
        let nested = binary(COMPONENT_HEADER, &[section(COMPONENT_SECTION, &with)]);
        assert!(uses_exceptions(&nested));
    }

    #[test]
    fn a_tag_section_id_in_a_component_is_not_a_tag() {
        // Id 13 at the component level is not a core tag section.
        assert!(!uses_exceptions(&binary(
            COMPONENT_HEADER,
            &[tag_section()]
        )));
    }

    #[test]
    fn what_is_not_wasm_or_is_cut_short_needs_nothing() {
        assert!(!uses_exceptions(b"#!/bin/sh\necho hi\n"));
        assert!(!uses_exceptions(&[]));
        let mut cut = binary(MODULE_HEADER, &[section(1, &[0; 40])]);
        cut.truncate(20);
        assert!(!uses_exceptions(&cut));
        assert!(!uses_exceptions(&binary(MODULE_HEADER, &[vec![13, 0xff]])));
    }
}
