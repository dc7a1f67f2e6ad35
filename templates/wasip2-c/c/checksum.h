#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adler-32 of `len` bytes at `data` (RFC 1950). */
uint32_t checksum_adler32(const uint8_t *data, size_t len);

/* Writes `value` as eight lowercase hex digits and a NUL into `out` (at least 9 bytes) with
 * wasi-libc's snprintf; returns the number of digits written, or -1 if `out` is too small. */
int checksum_format_hex(uint32_t value, char *out, size_t out_len);

#endif
