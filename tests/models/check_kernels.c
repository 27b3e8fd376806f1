/* check_kernels.c - the word-wide kernels of functional inference against references
 * written here bit by bit: every mask kernel of the dropout modules (models/drng.c: scalar,
 * AVX2, AVX-512 and the many-mask stream) against the documented Philox counter layout and
 * each module's achieved p, drng_draw_many against single draws, the dropped fraction
 * within a binomial bound, and fn_match_cols and fn_step_sums against per-bit counts. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/status.h"
#include "check_main.h"
#include "drng.h"
#include "fn.h"

/* The thermal test point of check_drng.c (a 2 ns pulse, Ic0 100 uA): the mask machinery
 * does not need the model's regime. */
static const drng_params_t base = {.share = 1,
                                   .t_set_cyc = 2,
                                   .t_sense_cyc = 1,
                                   .t_reset_cyc = 2,
                                   .clk_ns = 1.0,
                                   .tau0_ns = 1.0,
                                   .delta = 40.0,
                                   .ic0_ua = 100.0,
                                   .sigma_ic0_rel = 0.0,
                                   .i_max_ua = 200.0};
static const uint64_t seed = 0x0123456789ABCDEFull;

/* Row counts around every boundary the kernels have: a Philox call (4 rows), an AVX2 step
 * (32), a word or AVX-512 step (64), and LeNet-5's layers (25, 150, 400, 1176). */
static const uint32_t rows_list[] = {1, 3, 4, 5, 25, 31, 32, 33, 63, 64, 65, 150, 400, 1000, 1176};
#define N_ROWS (sizeof rows_list / sizeof rows_list[0])

/* Bit r of the mask of (pass, mvm), from the spec (drng.h): kept iff lane r % 4 of
 * Philox4x32-10(key = mask seed, counter = (r / 4, mvm, pass, layer)) >= round(p_m 2^32),
 * p_m the achieved p of module r / share (a threshold of 2^32, p_m = 1, never keeps). */
static int ref_kept(const drng_t *d, uint32_t share, uint32_t layer, uint32_t pass, uint32_t mvm,
                    uint32_t r)
{
    uint32_t o[4];
    drng_philox((uint32_t)seed, (uint32_t)(seed >> 32), r / 4, mvm, pass, layer, o);
    const double thr = floor(drng_module_p(d, r / share) * 4294967296.0 + 0.5);
    return (double)o[r % 4] >= thr;
}

/* One bank per (rows, share) with a wide device spread and sigma_p = 0.3 around p = 0.3, so
 * that some modules clamp to p = 0 (always kept) and p = 1 (never kept). */
static drng_t *spread_bank(uint32_t rows, uint32_t share, uint32_t layer)
{
    drng_params_t p = base;
    p.share = share;
    p.sigma_ic0_rel = 0.05;
    p.sigma_p = 0.3;
    drng_t *d = NULL;
    ck_assert_int_eq(drng_create(&p, seed, layer, rows, 0.3, &d), ST_OK);
    return d;
}

START_TEST(test_kernels_every_mask_kernel_follows_the_counter_layout)
{
    const drng_kernel_t kernels[] = {DRNG_KERNEL_SCALAR, DRNG_KERNEL_AVX2, DRNG_KERNEL_AVX512};
    uint32_t ran = 0, never = 0, always = 0;
    for (uint32_t ri = 0; ri < N_ROWS; ri++)
        for (uint32_t share = 1; share <= 3; share += 2) {
            const uint32_t rows = rows_list[ri], layer = 3 + ri, nw = (rows + 63) / 64;
            drng_t *d = spread_bank(rows, share, layer);
            for (uint32_t m = 0; m < drng_modules(d); m++) {
                never += drng_module_p(d, m) == 1.0;
                always += drng_module_p(d, m) == 0.0;
            }
            for (uint32_t k = 0; k < 3; k++) {
                if (drng_set_kernel(d, kernels[k]) != ST_OK)
                    continue; /* this CPU lacks it */
                ck_assert_int_eq(drng_kernel(d), kernels[k]);
                ran++;
                for (uint32_t mvm = 0; mvm < 3; mvm++) {
                    uint64_t mask[20], cyc;
                    act_counts_t acc;
                    act_counts_clear(&acc);
                    memset(mask, 0xA5, sizeof mask); /* stale bits the draw must clear */
                    uint32_t dropped = 0, want_drop = 0;
                    ck_assert_int_eq(drng_draw(d, 7 + mvm, mvm, mask, &cyc, &acc, &dropped), ST_OK);
                    for (uint32_t r = 0; r < rows; r++) {
                        const int want = ref_kept(d, share, layer, 7 + mvm, mvm, r);
                        ck_assert_msg((int)(mask[r / 64] >> (r % 64) & 1u) == want,
                                      "kernel %d rows %u share %u mvm %u: row %u", kernels[k], rows,
                                      share, mvm, r);
                        want_drop += !want;
                    }
                    for (uint32_t r = rows; r < 64 * nw; r++)
                        ck_assert_uint_eq(mask[r / 64] >> (r % 64) & 1u, 0);
                    ck_assert_uint_eq(mask[nw], 0xA5A5A5A5A5A5A5A5ull); /* past the mask */
                    ck_assert_uint_eq(dropped, want_drop);
                }
            }
            drng_destroy(d);
        }
    ck_assert_uint_ge(ran, 2 * N_ROWS); /* the scalar kernel at least */
    ck_assert_uint_gt(never, 0);        /* the spread reached both clamps */
    ck_assert_uint_gt(always, 0);
}
END_TEST

/* drng_draw_many equals n drng_draw calls, mask by mask (stride > words: the words between
 * masks untouched), with the same charges: n * rows per action, one draw's cycles, the
 * dropped rows summed, n masks in the stats; under every kernel the CPU has (the single
 * draws were checked against the counter layout above). */
START_TEST(test_kernels_draw_many_equals_single_draws)
{
    const uint32_t counts[] = {1, 2, 3, 7, 40, 300};
    const drng_kernel_t kernels[] = {DRNG_KERNEL_SCALAR, DRNG_KERNEL_AVX2, DRNG_KERNEL_AVX512};
    static uint64_t many[300 * 21], one[20];
    for (uint32_t ri = 0; ri < N_ROWS; ri++)
        for (uint32_t ci = 0; ci < 6 * 3; ci++) {
            const uint32_t rows = rows_list[ri], n = counts[ci % 6], nw = (rows + 63) / 64;
            const uint32_t stride = nw + 1;
            drng_t *d = spread_bank(rows, 1, 2);
            if (drng_set_kernel(d, kernels[ci / 6]) != ST_OK) {
                drng_destroy(d);
                continue; /* this CPU lacks it */
            }
            act_counts_t acc;
            act_counts_clear(&acc);
            uint64_t cyc = 0, dropped = 0, cyc1;
            memset(many, 0x5A, sizeof many);
            ck_assert_int_eq(drng_draw_many(d, 9, 11, n, many, stride, &cyc, &acc, &dropped),
                             ST_OK);
            act_counts_t acc1;
            act_counts_clear(&acc1);
            uint64_t drop1 = 0;
            for (uint32_t i = 0; i < n; i++) {
                uint32_t dr;
                ck_assert_int_eq(drng_draw(d, 9, 11 + i, one, &cyc1, &acc1, &dr), ST_OK);
                drop1 += dr;
                for (uint32_t w = 0; w < nw; w++)
                    ck_assert_msg(many[(uint64_t)i * stride + w] == one[w],
                                  "rows %u n %u: mask %u word %u", rows, n, i, w);
                ck_assert_uint_eq(many[(uint64_t)i * stride + nw], 0x5A5A5A5A5A5A5A5Aull);
            }
            ck_assert_uint_eq(cyc, cyc1);
            ck_assert_uint_eq(dropped, drop1);
            ck_assert_uint_eq(acc.n[ACT_DRNG_SET], (uint64_t)n * rows);
            ck_assert_uint_eq(acc.n[ACT_DRNG_RESET], (uint64_t)n * rows);
            ck_assert_uint_eq(drng_stats(d)->masks, 2 * (uint64_t)n);
            ck_assert_uint_eq(drng_stats(d)->bits, 2 * (uint64_t)n * rows);
            ck_assert_uint_eq(drng_stats(d)->dropped, 2 * drop1);
            drng_destroy(d);
        }
}
END_TEST

START_TEST(test_kernels_draw_many_refuses_bad_arguments)
{
    drng_t *d = spread_bank(150, 1, 0);
    uint64_t m[8], cyc = 5;
    act_counts_t acc;
    act_counts_clear(&acc);
    ck_assert_int_eq(drng_draw_many(d, 0, 0, 0, m, 3, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw_many(d, 0, 0, 1, m, 2, &cyc, &acc, NULL), ST_EINVAL); /* < 3 */
    ck_assert_int_eq(drng_draw_many(d, 0, UINT32_MAX, 2, m, 3, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw_many(NULL, 0, 0, 1, m, 3, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw_many(d, 0, 0, 1, NULL, 3, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 5);
    ck_assert_uint_eq(acc.n[ACT_DRNG_SET], 0);
    ck_assert_int_eq(drng_set_kernel(d, (drng_kernel_t)7), ST_EINVAL);
    ck_assert_int_eq(drng_set_kernel(NULL, DRNG_KERNEL_AUTO), ST_EINVAL);
    ck_assert_int_ne(drng_kernel(d), DRNG_KERNEL_AUTO); /* AUTO resolves to a kernel */
    drng_destroy(d);
}
END_TEST

/* Without device spread every module has the nominal p (0.1 at the nominal current).
 * 2000 masks of 150 rows from drng_draw_many = 300,000 Bernoulli(p) drops: the fraction's
 * sd is sqrt(0.1 * 0.9 / 300000) = 5.477e-4; allowed 5 sd = 2.74e-3. */
START_TEST(test_kernels_dropped_fraction_within_a_binomial_bound)
{
    drng_t *d = NULL;
    ck_assert_int_eq(drng_create(&base, seed, 1, 150, 0.1, &d), ST_OK);
    ck_assert_double_eq_tol(drng_module_p(d, 0), 0.1, 1e-9);
    static uint64_t m[2000 * 3];
    uint64_t cyc, dropped = 0;
    act_counts_t acc;
    act_counts_clear(&acc);
    for (uint32_t pass = 0; pass < 20; pass++) {
        uint64_t dr;
        ck_assert_int_eq(drng_draw_many(d, pass, 0, 100, m, 3, &cyc, &acc, &dr), ST_OK);
        dropped += dr;
    }
    const double frac = (double)dropped / 300000.0;
    ck_assert_msg(fabs(frac - 0.1) <= 2.74e-3, "dropped fraction %g", frac);
    drng_destroy(d);
}
END_TEST

/* xorshift64*: the test's own stream of words. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

/* fn_match_cols (the CPU's kernel) and fn_match_cols_scalar on fn_cols_layout's word-major
 * copy against a per-bit count over the column-major matrix:
 * m[c] = #{r : driven_r and x_r == w_rc}. */
START_TEST(test_kernels_match_cols_equals_a_per_bit_xnor_count)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    static uint64_t x[9], d[9], w[20 * 9], wt[24 * 9];
    uint32_t m[21], ms[21];
    for (uint32_t words = 1; words <= 9; words++)
        for (uint32_t cols = 1; cols <= 20; cols += 3) {
            for (uint32_t k = 0; k < words; k++) {
                x[k] = rnd(&s);
                d[k] = rnd(&s) | rnd(&s); /* about 3/4 driven */
            }
            for (uint32_t k = 0; k < words * cols; k++)
                w[k] = rnd(&s);
            fn_cols_layout(w, words, cols, wt);
            m[cols] = ms[cols] = 12345; /* past the last column: untouched */
            fn_match_cols(x, d, wt, words, cols, m);
            fn_match_cols_scalar(x, d, wt, words, cols, ms);
            ck_assert_uint_eq(m[cols], 12345);
            ck_assert_uint_eq(ms[cols], 12345);
            for (uint32_t c = 0; c < cols; c++) {
                uint32_t want = 0;
                for (uint32_t r = 0; r < 64 * words; r++) {
                    const unsigned xb = x[r / 64] >> (r % 64) & 1u;
                    const unsigned wb = w[(uint64_t)c * words + r / 64] >> (r % 64) & 1u;
                    const unsigned db = d[r / 64] >> (r % 64) & 1u;
                    want += db && xb == wb;
                }
                ck_assert_uint_eq(m[c], want);
                ck_assert_uint_eq(ms[c], want);
            }
        }
    /* by hand: x = 1010, w = 1100, driven = 1111 (rows 0..3): rows 1 (0,0) and 3 (1,1)
     * agree -> 2; with row 3 undriven -> 1 */
    const uint64_t hx = 0xA, hw = 0xC, hd = 0xF, hd2 = 0x7;
    uint64_t hwt[8];
    fn_cols_layout(&hw, 1, 1, hwt);
    ck_assert_uint_eq(hwt[0], 0xC);
    ck_assert_uint_eq(hwt[7], 0); /* padding column */
    fn_match_cols(&hx, &hd, hwt, 1, 1, m);
    ck_assert_uint_eq(m[0], 2);
    fn_match_cols(&hx, &hd2, hwt, 1, 1, m);
    ck_assert_uint_eq(m[0], 1);
}
END_TEST

/* fn_step_sums (the CPU's kernel) and fn_step_sums_scalar against a per-bit count: random
 * 150-row columns read in steps of 32 rows from two slices (rows 0..127 for columns 0..11,
 * rows 128..149 for columns 4..19, so some columns miss a slice), converted with top = 7:
 * a_c = sum over the steps holding c of 2 min(m, 7) - n, clipped counts m > 7; top =
 * UINT32_MAX gives the exact 2 m - n sums. */
START_TEST(test_kernels_step_sums_equal_a_per_bit_conversion)
{
    enum { ROWS = 150, WORDS = 3, COLS = 20, NS = 5 };
    uint64_t s = 0x0DDB1A5E5BAD5EEDull;
    static uint64_t x[WORDS], d[WORDS], w[COLS * WORDS], wt[24 * WORDS];
    fn_step_t st[NS];
    uint32_t nd[NS];
    for (uint32_t q = 0; q < NS; q++) {
        const uint32_t lo = 32 * q, hi = q < 4 ? lo + 32 : ROWS;
        st[q].k0 = lo / 64;
        st[q].k1 = (hi - 1) / 64;
        st[q].m0 = ~0ull << (lo % 64);
        st[q].m1 = hi % 64 ? (1ull << (hi % 64)) - 1 : ~0ull;
        if (st[q].k0 == st[q].k1)
            st[q].m0 = st[q].m1 = st[q].m0 & st[q].m1;
        st[q].c0 = q < 4 ? 0 : 4;
        st[q].c1 = q < 4 ? 12 : 20;
    }
    for (uint32_t rep = 0; rep < 20; rep++) {
        for (uint32_t k = 0; k < WORDS; k++) {
            x[k] = rnd(&s);
            d[k] = rnd(&s) | rnd(&s);
        }
        d[2] &= (1ull << (ROWS - 128)) - 1; /* no row past 150 */
        for (uint32_t k = 0; k < COLS * WORDS; k++)
            w[k] = rnd(&s);
        fn_cols_layout(w, WORDS, COLS, wt);
        for (uint32_t q = 0; q < NS; q++) {
            nd[q] = 0;
            for (uint32_t r = 32 * q; r < (q < 4 ? 32 * q + 32 : ROWS); r++)
                nd[q] += (uint32_t)(d[r / 64] >> (r % 64) & 1u);
        }
        const uint32_t tops[2] = {7, UINT32_MAX};
        for (uint32_t ti = 0; ti < 2; ti++) {
            int32_t want[COLS] = {0}, got[COLS], got_s[COLS];
            uint64_t want_clip = 0, clip = 3, clip_s = 3;
            for (uint32_t c = 0; c < COLS; c++)
                for (uint32_t q = 0; q < NS; q++) {
                    if (c < st[q].c0 || c >= st[q].c1)
                        continue;
                    uint32_t m = 0;
                    for (uint32_t r = 32 * q; r < (q < 4 ? 32 * q + 32 : ROWS); r++) {
                        const unsigned xb = x[r / 64] >> (r % 64) & 1u;
                        const unsigned wb = w[(uint64_t)c * WORDS + r / 64] >> (r % 64) & 1u;
                        m += (d[r / 64] >> (r % 64) & 1u) && xb == wb;
                    }
                    want_clip += m > tops[ti];
                    want[c] += 2 * (int32_t)(m > tops[ti] ? tops[ti] : m) - (int32_t)nd[q];
                }
            fn_step_sums(x, d, wt, WORDS, COLS, st, nd, NS, tops[ti], got, &clip);
            fn_step_sums_scalar(x, d, wt, WORDS, COLS, st, nd, NS, tops[ti], got_s, &clip_s);
            for (uint32_t c = 0; c < COLS; c++) {
                ck_assert_int_eq(got[c], want[c]);
                ck_assert_int_eq(got_s[c], want[c]);
            }
            ck_assert_uint_eq(clip, 3 + want_clip);
            ck_assert_uint_eq(clip_s, 3 + want_clip);
            if (ti == 1)
                ck_assert_uint_eq(want_clip, 0);
        }
    }
}
END_TEST

Suite *kernels_suite(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("Core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_kernels_every_mask_kernel_follows_the_counter_layout);
    tcase_add_test(tc, test_kernels_draw_many_equals_single_draws);
    tcase_add_test(tc, test_kernels_dropped_fraction_within_a_binomial_bound);
    tcase_add_test(tc, test_kernels_match_cols_equals_a_per_bit_xnor_count);
    tcase_add_test(tc, test_kernels_step_sums_equal_a_per_bit_conversion);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("Errors");
    tcase_add_test(te, test_kernels_draw_many_refuses_bad_arguments);
    suite_add_tcase(s, te);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {kernels_suite};
    return ns_check_run(suites, 1);
}
