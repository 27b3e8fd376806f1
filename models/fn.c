/* fn.c - the arithmetic of a binary crossbar read (fn.h). */
#include "fn.h"

#include <math.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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

FN_POPCNT_CLONES void fn_match_cols_scalar(const uint64_t *x, const uint64_t *driven,
                                           const uint64_t *wt, uint32_t words, uint32_t cols,
                                           uint32_t *m)
{
    const uint32_t cp = fn_cols_pad(cols);
    for (uint32_t c = 0; c < cols; c++) {
        uint32_t n = 0;
        for (uint32_t k = 0; k < words; k++)
            n += (uint32_t)__builtin_popcountll(~(x[k] ^ wt[(uint64_t)k * cp + c]) & driven[k]);
        m[c] = n;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Eight columns per 512-bit lane set: ~(x ^ w) & d is ternary-logic function 0x82 of
 * (x, w, d) (true at (0,0,1) and (1,1,1)). */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void
match_cols_avx512(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t words,
                  uint32_t cols, uint32_t *m)
{
    const uint32_t cp = fn_cols_pad(cols);
    for (uint32_t c0 = 0; c0 < cp; c0 += 8) {
        __m512i acc = _mm512_setzero_si512();
        for (uint32_t k = 0; k < words; k++) {
            const __m512i w = _mm512_loadu_si512(wt + (uint64_t)k * cp + c0);
            const __m512i a =
                _mm512_ternarylogic_epi64(_mm512_set1_epi64((long long)x[k]), w,
                                          _mm512_set1_epi64((long long)driven[k]), 0x82);
            acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(a));
        }
        uint32_t out[8];
        _mm256_storeu_si256((__m256i *)out, _mm512_cvtepi64_epi32(acc));
        for (uint32_t j = 0; j < 8 && c0 + j < cols; j++)
            m[c0 + j] = out[j];
    }
}
#endif

void fn_match_cols(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t words,
                   uint32_t cols, uint32_t *m)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512vpopcntdq")) {
        match_cols_avx512(x, driven, wt, words, cols, m);
        return;
    }
#endif
    fn_match_cols_scalar(x, driven, wt, words, cols, m);
}

FN_POPCNT_CLONES void fn_step_sums_scalar(const uint64_t *x, const uint64_t *driven,
                                          const uint64_t *wt, uint32_t words, uint32_t cols,
                                          const fn_step_t *steps, const uint32_t *nd,
                                          uint32_t nsteps, uint32_t top, int32_t *sums,
                                          uint64_t *clipped)
{
    (void)words;
    const uint32_t cp = fn_cols_pad(cols);
    uint64_t clip = 0;
    for (uint32_t c = 0; c < cols; c++) {
        int32_t a = 0;
        for (uint32_t s = 0; s < nsteps; s++) {
            const fn_step_t *st = &steps[s];
            if (c < st->c0 || c >= st->c1)
                continue;
            uint32_t m = 0;
            for (uint32_t k = st->k0; k <= st->k1; k++) {
                uint64_t mk = ~0ull;
                if (k == st->k0)
                    mk &= st->m0;
                if (k == st->k1)
                    mk &= st->m1;
                m += (uint32_t)__builtin_popcountll(~(x[k] ^ wt[(uint64_t)k * cp + c]) & driven[k] &
                                                    mk);
            }
            clip += m > top;
            a += 2 * (int32_t)(m > top ? top : m) - (int32_t)nd[s];
        }
        sums[c] = a;
    }
    if (clipped)
        *clipped += clip;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Eight columns per step as match_cols_avx512, the step's columns a lane mask. */
__attribute__((target("avx512f,avx512vpopcntdq,popcnt"))) static void
step_sums_avx512(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t cols,
                 const fn_step_t *steps, const uint32_t *nd, uint32_t nsteps, uint32_t top,
                 int32_t *sums, uint64_t *clipped)
{
    const uint32_t cp = fn_cols_pad(cols);
    const __m512i vtop = _mm512_set1_epi64((long long)top);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    uint64_t clip = 0;
    for (uint32_t cb = 0; cb < cp; cb += 8) {
        __m512i acc = _mm512_setzero_si512();
        const __m512i col = _mm512_add_epi64(_mm512_set1_epi64(cb), lane);
        for (uint32_t s = 0; s < nsteps; s++) {
            const fn_step_t *st = &steps[s];
            if (st->c1 <= cb || st->c0 >= cb + 8)
                continue;
            const __mmask8 in = _mm512_cmpge_epu64_mask(col, _mm512_set1_epi64(st->c0)) &
                                _mm512_cmplt_epu64_mask(col, _mm512_set1_epi64(st->c1));
            __m512i cnt = _mm512_setzero_si512();
            for (uint32_t k = st->k0; k <= st->k1; k++) {
                uint64_t mk = ~0ull;
                if (k == st->k0)
                    mk &= st->m0;
                if (k == st->k1)
                    mk &= st->m1;
                const __m512i w = _mm512_loadu_si512(wt + (uint64_t)k * cp + cb);
                const __m512i a =
                    _mm512_ternarylogic_epi64(_mm512_set1_epi64((long long)x[k]), w,
                                              _mm512_set1_epi64((long long)(driven[k] & mk)), 0x82);
                cnt = _mm512_add_epi64(cnt, _mm512_popcnt_epi64(a));
            }
            clip += (uint64_t)__builtin_popcount(_mm512_mask_cmpgt_epu64_mask(in, cnt, vtop));
            const __m512i q = _mm512_min_epu64(cnt, vtop);
            const __m512i ps =
                _mm512_sub_epi64(_mm512_add_epi64(q, q), _mm512_set1_epi64((long long)nd[s]));
            acc = _mm512_mask_add_epi64(acc, in, acc, ps);
        }
        int32_t out[8];
        _mm256_storeu_si256((__m256i *)out, _mm512_cvtepi64_epi32(acc));
        for (uint32_t j = 0; j < 8 && cb + j < cols; j++)
            sums[cb + j] = out[j];
    }
    if (clipped)
        *clipped += clip;
}
#endif

void fn_step_sums(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t words,
                  uint32_t cols, const fn_step_t *steps, const uint32_t *nd, uint32_t nsteps,
                  uint32_t top, int32_t *sums, uint64_t *clipped)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512vpopcntdq")) {
        step_sums_avx512(x, driven, wt, cols, steps, nd, nsteps, top, sums, clipped);
        return;
    }
#endif
    fn_step_sums_scalar(x, driven, wt, words, cols, steps, nd, nsteps, top, sums, clipped);
}

void fn_cols_layout(const uint64_t *w, uint32_t words, uint32_t cols, uint64_t *wt)
{
    const uint32_t cp = fn_cols_pad(cols);
    for (uint32_t k = 0; k < words; k++)
        for (uint32_t c = 0; c < cp; c++)
            wt[(uint64_t)k * cp + c] = c < cols ? w[(uint64_t)c * words + k] : 0;
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
