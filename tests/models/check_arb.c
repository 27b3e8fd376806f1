/* check_arb.c - SpinBayes stochastic arbiter: uniform one-of-k by rejection sampling
 * (models/arb.c). */
#include <math.h>

#include "arb.h"
#include "base/status.h"
#include "check_models.h"
#include "drng.h"

static const arb_params_t good = {.k = 3, .t_bit_cyc = 5};
static const uint64_t seed = 0xFEEDFACECAFEBEEFull;
static arb_t *a; /* k = 3, layer 4 */
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(arb_create(&good, seed, 4, &a), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    arb_destroy(a);
    a = NULL;
}

/* Pearson chi-square of `draws` selections among k equally likely crossbars. */
static double chi_square(uint32_t k, uint32_t draws, uint64_t s)
{
    arb_params_t p = {.k = k, .t_bit_cyc = 1};
    arb_t *x;
    uint64_t cnt[16] = {0}, cyc;
    ck_assert_int_eq(arb_create(&p, s, 0, &x), ST_OK);
    for (uint32_t pass = 0; pass < draws; pass++) {
        uint32_t sel;
        ck_assert_int_eq(arb_draw(x, pass, &sel, &cyc, &acc), ST_OK);
        cnt[sel]++;
    }
    arb_destroy(x);
    double e = (double)draws / k, chi = 0.0;
    for (uint32_t i = 0; i < k; i++)
        chi += ((double)cnt[i] - e) * ((double)cnt[i] - e) / e;
    return chi;
}

/* ---- Core ---- */

START_TEST(test_arb_bits_per_try_are_ceil_log2_k)
{
    static const struct {
        uint32_t k, b;
    } t[] = {{2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {512, 9}, {513, 10}, {1024, 10}};
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        arb_params_t p = {.k = t[i].k, .t_bit_cyc = 1};
        ck_assert_uint_eq(arb_bits_per_try(&p), t[i].b);
    }
}
END_TEST

START_TEST(test_arb_selection_is_below_k)
{
    static const uint32_t ks[] = {2, 3, 5, 6, 7, 8, 100, 1024};
    for (unsigned i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        arb_params_t p = {.k = ks[i], .t_bit_cyc = 1};
        arb_t *x;
        uint64_t cyc;
        ck_assert_int_eq(arb_create(&p, seed, 0, &x), ST_OK);
        for (uint32_t pass = 0; pass < 1000; pass++) {
            uint32_t sel = UINT32_MAX;
            ck_assert_int_eq(arb_draw(x, pass, &sel, &cyc, &acc), ST_OK);
            ck_assert_uint_lt(sel, ks[i]);
        }
        arb_destroy(x);
    }
}
END_TEST

START_TEST(test_arb_k3_draws_two_bits_per_try_and_rejects_three)
{
    uint64_t tries_before = 0, rejected = 0;
    for (uint32_t pass = 0; pass < 1000; pass++) {
        uint32_t sel;
        uint64_t cyc = 0;
        ck_assert_int_eq(arb_draw(a, pass, &sel, &cyc, &acc), ST_OK);
        uint64_t tries = arb_stats(a)->tries - tries_before;
        tries_before = arb_stats(a)->tries;
        ck_assert_uint_ge(tries, 1);
        ck_assert_uint_eq(cyc, tries * 2 * 5); /* 2 bits per try * 5 cycles per bit */
        rejected += tries - 1;
    }
    /* P(no rejection in 1000 draws) = (3/4)^1000 ~ 1e-125 */
    ck_assert_uint_gt(rejected, 0);
    ck_assert_uint_eq(arb_stats(a)->draws, 1000);
    ck_assert_uint_eq(arb_stats(a)->bits, 2 * arb_stats(a)->tries); /* rejected bits counted */
    ck_assert_uint_eq(acc.n[ACT_ARB_BIT], arb_stats(a)->bits);
}
END_TEST

START_TEST(test_arb_selection_follows_documented_counter)
{
    /* Rebuild each draw: key (seed lo, seed hi ^ 0xA4B17E55), counter (try, pass, layer, 0),
     * value = lane 0 & 3; first value < 3 wins. */
    for (uint32_t pass = 0; pass < 200; pass++) {
        uint32_t want = UINT32_MAX, want_tries = 0;
        for (uint32_t t = 0; t < 64 && want == UINT32_MAX; t++) {
            uint32_t o[4];
            drng_philox((uint32_t)seed, (uint32_t)(seed >> 32) ^ 0xA4B17E55u, t, pass, 4, 0, o);
            want_tries = t + 1;
            if ((o[0] & 3) < 3)
                want = o[0] & 3;
        }
        uint32_t sel;
        uint64_t cyc;
        ck_assert_int_eq(arb_draw(a, pass, &sel, &cyc, &acc), ST_OK);
        ck_assert_uint_eq(sel, want);
        ck_assert_uint_eq(cyc, (uint64_t)want_tries * 2 * 5);
    }
}
END_TEST

START_TEST(test_arb_k3_mean_tries_is_four_thirds)
{
    /* Tries per draw are geometric with success q = 3/4: mean 1/q = 4/3, variance
     * (1-q)/q^2 = 4/9.  Over n = 30000 draws the mean's sd is sqrt(4/9/30000) = 3.85e-3;
     * allowed 5 sd = 1.92e-2. */
    uint64_t cyc;
    for (uint32_t pass = 0; pass < 30000; pass++) {
        uint32_t sel;
        ck_assert_int_eq(arb_draw(a, pass, &sel, &cyc, &acc), ST_OK);
    }
    double mean = (double)arb_stats(a)->tries / 30000.0;
    ck_assert_double_le(fabs(mean - 4.0 / 3.0), 5.0 * sqrt(4.0 / 9.0 / 30000.0));
}
END_TEST

START_TEST(test_arb_k3_is_uniform_by_chi_square)
{
    /* 30000 draws, df = k - 1 = 2: 99.9 % critical value 13.82 */
    ck_assert_double_lt(chi_square(3, 30000, seed), 13.82);
}
END_TEST

START_TEST(test_arb_k8_is_uniform_by_chi_square)
{
    /* 30000 draws, df = 7: 99.9 % critical value 24.32 */
    ck_assert_double_lt(chi_square(8, 30000, seed), 24.32);
}
END_TEST

START_TEST(test_arb_power_of_two_k_never_rejects)
{
    arb_params_t p = {.k = 8, .t_bit_cyc = 2};
    arb_t *x;
    uint64_t cyc;
    ck_assert_int_eq(arb_create(&p, seed, 0, &x), ST_OK);
    for (uint32_t pass = 0; pass < 500; pass++) {
        uint32_t sel;
        ck_assert_int_eq(arb_draw(x, pass, &sel, &cyc, &acc), ST_OK);
        ck_assert_uint_eq(cyc, 6); /* one try of 3 bits * 2 cycles */
    }
    ck_assert_uint_eq(arb_stats(x)->tries, 500);
    ck_assert_uint_eq(arb_stats(x)->bits, 1500); /* 3 * 500 */
    arb_destroy(x);
}
END_TEST

START_TEST(test_arb_same_seed_same_sequence)
{
    arb_t *b;
    uint64_t cyc_a, cyc_b;
    ck_assert_int_eq(arb_create(&good, seed, 4, &b), ST_OK);
    for (uint32_t pass = 0; pass < 300; pass++) {
        uint32_t sa, sb;
        ck_assert_int_eq(arb_draw(a, pass, &sa, &cyc_a, &acc), ST_OK);
        ck_assert_int_eq(arb_draw(b, pass, &sb, &cyc_b, &acc), ST_OK);
        ck_assert_uint_eq(sa, sb);
        ck_assert_uint_eq(cyc_a, cyc_b);
    }
    arb_destroy(b);
}
END_TEST

START_TEST(test_arb_other_seed_or_layer_gives_other_sequence)
{
    arb_t *b, *c;
    uint64_t cyc;
    unsigned diff_seed = 0, diff_layer = 0;
    ck_assert_int_eq(arb_create(&good, seed ^ (1ull << 45), 4, &b), ST_OK);
    ck_assert_int_eq(arb_create(&good, seed, 5, &c), ST_OK);
    /* 300 independent k = 3 draws agree with probability (1/3)^300 */
    for (uint32_t pass = 0; pass < 300; pass++) {
        uint32_t sa, sb, sc;
        ck_assert_int_eq(arb_draw(a, pass, &sa, &cyc, &acc), ST_OK);
        ck_assert_int_eq(arb_draw(b, pass, &sb, &cyc, &acc), ST_OK);
        ck_assert_int_eq(arb_draw(c, pass, &sc, &cyc, &acc), ST_OK);
        diff_seed += sa != sb;
        diff_layer += sa != sc;
    }
    ck_assert_uint_gt(diff_seed, 0);
    ck_assert_uint_gt(diff_layer, 0);
    arb_destroy(b);
    arb_destroy(c);
}
END_TEST

START_TEST(test_arb_pass_order_does_not_change_selection)
{
    arb_t *b;
    uint32_t fwd[20], rev[20];
    uint64_t cyc;
    ck_assert_int_eq(arb_create(&good, seed, 4, &b), ST_OK);
    for (uint32_t pass = 0; pass < 20; pass++)
        ck_assert_int_eq(arb_draw(a, pass, &fwd[pass], &cyc, &acc), ST_OK);
    for (uint32_t pass = 20; pass-- > 0;)
        ck_assert_int_eq(arb_draw(b, pass, &rev[pass], &cyc, &acc), ST_OK);
    ck_assert_mem_eq(fwd, rev, sizeof fwd);
    arb_destroy(b);
}
END_TEST

START_TEST(test_arb_stats_reset_and_descs)
{
    uint32_t sel;
    uint64_t cyc;
    ns_check_stat_descs(arb_stat_descs, arb_stat_ndescs, sizeof(arb_stats_t));
    ck_assert_int_eq(arb_draw(a, 0, &sel, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(ns_stat_value(arb_stats(a), arb_stat_descs, arb_stat_ndescs, "draws"), 1);
    arb_stats_reset(a);
    ck_assert_uint_eq(arb_stats(a)->draws, 0);
    ck_assert_uint_eq(arb_stats(a)->bits, 0);
    ck_assert_uint_eq(arb_stats(a)->tries, 0);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_arb_k2_and_k1024_are_accepted)
{
    arb_params_t p2 = {.k = 2, .t_bit_cyc = 1}, p1024 = {.k = 1024, .t_bit_cyc = 1};
    arb_t *x;
    uint32_t sel;
    uint64_t cyc = 0;
    ck_assert_int_eq(arb_create(&p2, seed, 0, &x), ST_OK);
    ck_assert_int_eq(arb_draw(x, 0, &sel, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 1); /* 1 bit, no rejection possible */
    arb_destroy(x);
    ck_assert_int_eq(arb_create(&p1024, seed, 0, &x), ST_OK);
    ck_assert_int_eq(arb_draw(x, 0, &sel, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 10); /* 10 bits, 2^10 = k: no rejection possible */
    arb_destroy(x);
}
END_TEST

/* ---- Errors ---- */

static const arb_params_t bad[] = {
    {.k = 0, .t_bit_cyc = 1},
    {.k = 1, .t_bit_cyc = 1},
    {.k = 1025, .t_bit_cyc = 1},
    {.k = 3, .t_bit_cyc = 0},
};

START_TEST(test_arb_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    arb_t *out = (arb_t *)(void *)&marker;
    ck_assert_int_eq(arb_create(&bad[_i], seed, 0, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (arb_t *)(void *)&marker);
}
END_TEST

START_TEST(test_arb_null_arguments_are_einval_and_count_nothing)
{
    static int marker;
    arb_t *out = (arb_t *)(void *)&marker;
    uint32_t sel = 77;
    uint64_t cyc = 77;
    ck_assert_int_eq(arb_create(NULL, seed, 0, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (arb_t *)(void *)&marker);
    ck_assert_int_eq(arb_draw(NULL, 0, &sel, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(arb_draw(a, 0, NULL, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(arb_draw(a, 0, &sel, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(arb_draw(a, 0, &sel, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(sel, 77);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_ARB_BIT], 0);
    ck_assert_uint_eq(arb_stats(a)->draws, 0);
    arb_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_arb_create_survives_every_allocation_failure)
{
    arb_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(arb_t, out, fails, arb_create(&good, seed, 0, &out));
    ck_assert_uint_ge(fails, 1);
    arb_destroy(out);
}
END_TEST

Suite *arb_suite(void)
{
    Suite *s = suite_create("arb");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_arb_bits_per_try_are_ceil_log2_k);
    tcase_add_test(core, test_arb_selection_is_below_k);
    tcase_add_test(core, test_arb_k3_draws_two_bits_per_try_and_rejects_three);
    tcase_add_test(core, test_arb_selection_follows_documented_counter);
    tcase_add_test(core, test_arb_k3_mean_tries_is_four_thirds);
    tcase_add_test(core, test_arb_k3_is_uniform_by_chi_square);
    tcase_add_test(core, test_arb_k8_is_uniform_by_chi_square);
    tcase_add_test(core, test_arb_power_of_two_k_never_rejects);
    tcase_add_test(core, test_arb_same_seed_same_sequence);
    tcase_add_test(core, test_arb_other_seed_or_layer_gives_other_sequence);
    tcase_add_test(core, test_arb_pass_order_does_not_change_selection);
    tcase_add_test(core, test_arb_stats_reset_and_descs);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_arb_k2_and_k1024_are_accepted);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_arb_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(err, test_arb_null_arguments_are_einval_and_count_nothing);
    tcase_add_test(err, test_arb_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
