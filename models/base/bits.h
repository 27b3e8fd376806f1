/* bits.h - word-wise operations on bit vectors stored as uint64_t words, bit i in word
 * i / 64 at position i % 64 (the layout of every mask in neuspin: drng_draw, tile, dmask).
 * Header-only and allocation-free, for the per-operation paths of the models. */
#ifndef NS_BITS_H
#define NS_BITS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Low k bits set, 0 <= k <= 64. */
static inline uint64_t bits_low(unsigned k)
{
    return k >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;
}

/* Number of set bits of v in [off, off + n); reads only the words that range touches.
 * off + n must not wrap. */
static inline uint64_t bits_count(const uint64_t *v, uint64_t off, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t end = off + n; /* one past the last bit */
    uint64_t w0 = off >> 6, w1 = (end - 1) >> 6;
    unsigned lo = (unsigned)(off & 63), hi = (unsigned)((end - 1) & 63) + 1;

    if (w0 == w1)
        return (uint64_t)__builtin_popcountll((v[w0] >> lo) & bits_low(hi - lo));
    uint64_t cnt = (uint64_t)__builtin_popcountll(v[w0] >> lo);
    for (uint64_t w = w0 + 1; w < w1; w++)
        cnt += (uint64_t)__builtin_popcountll(v[w]);
    return cnt + (uint64_t)__builtin_popcountll(v[w1] & bits_low(hi));
}

/* The k (<= 64) bits of v starting at bit off, in the low bits of the result (the rest
 * clear).  Reads word off / 64 and, only when the range straddles, the next one. */
static inline uint64_t bits_get(const uint64_t *v, uint64_t off, unsigned k)
{
    if (k == 0)
        return 0;
    uint64_t w = off >> 6;
    unsigned s = (unsigned)(off & 63);
    uint64_t x = v[w] >> s;
    if (s != 0 && s + k > 64)
        x |= v[w + 1] << (64 - s);
    return x & bits_low(k);
}

/* Writes the low k (<= 64) bits of x to dst[off, off + k), leaving every other bit. */
static inline void bits_put(uint64_t *dst, uint64_t off, unsigned k, uint64_t x)
{
    if (k == 0)
        return;
    uint64_t w = off >> 6;
    unsigned s = (unsigned)(off & 63);
    uint64_t m = bits_low(k);
    x &= m;
    dst[w] = (dst[w] & ~(m << s)) | (x << s);
    if (s != 0 && s + k > 64) /* the high part spills into the next word */
        dst[w + 1] = (dst[w + 1] & ~(m >> (64 - s))) | (x >> (64 - s));
}

/* Copies src[soff, soff + n) to dst[doff, doff + n), 64 bits at a time; other bits of dst
 * keep their value.  dst and src must not overlap. */
static inline void bits_copy(uint64_t *dst, uint64_t doff, const uint64_t *src, uint64_t soff,
                             uint64_t n)
{
    for (; n >= 64; n -= 64, doff += 64, soff += 64)
        bits_put(dst, doff, 64, bits_get(src, soff, 64));
    bits_put(dst, doff, (unsigned)n, bits_get(src, soff, (unsigned)n));
}

/* Sets dst[off, off + n). */
static inline void bits_set(uint64_t *dst, uint64_t off, uint64_t n)
{
    for (; n >= 64; n -= 64, off += 64)
        bits_put(dst, off, 64, ~(uint64_t)0);
    bits_put(dst, off, (unsigned)n, ~(uint64_t)0);
}

#ifdef __cplusplus
}
#endif
#endif
