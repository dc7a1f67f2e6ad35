#include "checksum.h"

#include <stdio.h>

#define ADLER_MOD 65521u

uint32_t checksum_adler32(const uint8_t *data, size_t len) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < len; i++) {
    a = (a + data[i]) % ADLER_MOD;
    b = (b + a) % ADLER_MOD;
  }
  return (b << 16) | a;
}

int checksum_format_hex(uint32_t value, char *out, size_t out_len) {
  if (out_len < 9) {
    return -1;
  }
  return snprintf(out, out_len, "%08x", (unsigned)value);
}
