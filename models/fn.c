/* fn.c - the arithmetic of a binary crossbar read (fn.h). */
#include "fn.h"

#include <math.h>

/* The x86-64 baseline has no popcount instruction, and GCC's software fallback dominates
 * a read; clone the counting kernels for CPUs with POPCNT (chosen once at load time). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define FN_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define FN_POPCNT_CLONES
#endif

/* Mask of bits [a, b) inside one word, 0 <= a < b <= 64. */
static inline uint64_t range_mask(uint32_t a, uint32_t b)
{
    const uint64_t hi = b >= 64 ? ~0ull : (1ull << b) - 1;
    return hi & ~((1ull << a) - 1);
}

FN_POPCNT_CLONES uint32_t fn_match_count(const uint64_t *x, const uint64_t *w,
                                         const uint64_t *driven, const uint64_t *flip, uint32_t lo,
                                         uint32_t hi)
{
    if (lo >= hi)
        return 0;
    uint32_t n = 0;
    const uint32_t w0 = lo / 64, w1 = (hi - 1) / 64;
    for (uint32_t k = w0; k <= w1; k++) {
        uint64_t agree = ~(x[k] ^ w[k]);
        if (flip)
            agree ^= flip[k];
        uint64_t m = driven[k];
        if (k == w0 || k == w1)
            m &= range_mask(k == w0 ? lo % 64 : 0, k == w1 ? hi - 64 * k : 64);
        n += (uint32_t)__builtin_popcountll(agree & m);
    }
    return n;
}

FN_POPCNT_CLONES uint32_t fn_driven_count(const uint64_t *driven, uint32_t lo, uint32_t hi)
{
    if (lo >= hi)
        return 0;
    uint32_t n = 0;
    const uint32_t w0 = lo / 64, w1 = (hi - 1) / 64;
    for (uint32_t k = w0; k <= w1; k++) {
        uint64_t m = driven[k];
        if (k == w0 || k == w1)
            m &= range_mask(k == w0 ? lo % 64 : 0, k == w1 ? hi - 64 * k : 64);
        n += (uint32_t)__builtin_popcountll(m);
    }
    return n;
}

uint32_t fn_quantise(uint32_t m, uint32_t bits, uint64_t *clipped)
{
    const uint32_t top = bits >= 32 ? UINT32_MAX : (1u << bits) - 1;
    if (m <= top)
        return m;
    if (clipped)
        (*clipped)++;
    return top;
}

double fn_read_flip_p(double tmr, double sigma_rel)
{
    if (!(sigma_rel > 0.0))
        return 0.0;
    if (!(tmr > 0.0))
        return 0.5;
    const double z = tmr / (sigma_rel * sqrt(1.0 + (1.0 + tmr) * (1.0 + tmr)));
    return 0.5 * erfc(z / sqrt(2.0));
}

fn_stuck_t fn_stuck_state(uint32_t u, double p_rate, double ap_rate)
{
    const double x = (double)u * (1.0 / 4294967296.0);
    if (x < p_rate)
        return FN_STUCK_P;
    if (x < p_rate + ap_rate)
        return FN_STUCK_AP;
    return FN_STUCK_NONE;
}

uint32_t fn_geom_gap(uint32_t u, double log1m_p)
{
    const double U = ((double)u + 0.5) * (1.0 / 4294967296.0);
    const double g = floor(log(U) / log1m_p);
    return g >= 4294967295.0 ? UINT32_MAX : (uint32_t)g;
}

double fn_vi_eps(uint32_t ones, uint32_t n)
{
    if (n == 0)
        return 0.0;
    return ((double)ones - 0.5 * n) / sqrt(0.25 * n);
}
