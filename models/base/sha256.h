/* sha256.h - SHA-256 (FIPS 180-4), for recording what a result was computed from: input
 * files by content, output files by content (docs/security.md).  Pure C, no I/O. */
#ifndef NS_SHA256_H
#define NS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    unsigned char buf[64];
    size_t n; /* bytes in buf */
} sha256_t;

#define SHA256_HEX_LEN 64 /* hex digits; the string needs one more byte */

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t n);
void sha256_final(sha256_t *s, unsigned char digest[32]);

/* The digest of data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t n, char hex[SHA256_HEX_LEN + 1]);

/* 32 digest bytes as lower-case hex. */
void sha256_to_hex(const unsigned char digest[32], char hex[SHA256_HEX_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif
