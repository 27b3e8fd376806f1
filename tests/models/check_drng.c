/* check_drng.c - spintronic dropout modules: switching models and their regimes, supply
 * energy, device spread, trim-DAC calibration, two seeds, and counter-based masks
 * (models/drng.c). */
#include <math.h>
#include <string.h>

#include "base/status.h"
#include "check_models.h"
#include "drng.h"

/* Share 4 rows per module; SET 2 + sense 1 + RESET 2 cycles at 1 ns; tau0 1 ns, delta 40,
 * Ic0 100 uA, no device spread, driver up to 200 uA.  Pulse t = 2 ns.  The model is the
 * thermal one (model 0): a 2 ns pulse is outside its regime (drng_regime_check says so),
 * which these tests of the formulas and the mask machinery do not need. */
static const drng_params_t good = {.share = 4,
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
static drng_t *d; /* layer 2, 1000 rows, p = 0.3 */
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(drng_create(&good, seed, 2, 1000, 0.3, &d), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    drng_destroy(d);
    d = NULL;
}

static uint32_t popcount_words(const uint64_t *m, unsigned n)
{
    uint32_t c = 0;
    for (unsigned i = 0; i < n; i++)
        for (uint64_t w = m[i]; w; w &= w - 1)
            c++;
    return c;
}

/* White-box reference of the device-spread normal: Box-Muller on Philox4x32-10 under the
 * D2D key (seed, high word xored with drng.c's stream tag 0xD2D5EED0) at counter
 * (m, which, 0, layer), which = 0 for the Ic0 spread and 1 for the p spread (drng.h). */
static double ref_d2d_normal(uint64_t sd, uint32_t m, uint32_t which, uint32_t layer)
{
    uint32_t r[4];
    drng_philox((uint32_t)sd, (uint32_t)(sd >> 32) ^ 0xD2D5EED0u, m, which, 0, layer, r);
    uint64_t a = (uint64_t)r[0] << 32 | r[1], b = (uint64_t)r[2] << 32 | r[3];
    double u1 = ((double)(a >> 11) + 1.0) * 0x1p-53, u2 = (double)(b >> 11) * 0x1p-53;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2);
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* ---- Core ---- */

START_TEST(test_drng_philox_matches_random123_known_answers)
{
    /* Known-answer vectors of Philox4x32-10 from Random123's kat_vectors file. */
    uint32_t r[4];
    drng_philox(0, 0, 0, 0, 0, 0, r);
    ck_assert_uint_eq(r[0], 0x6627e8d5u);
    ck_assert_uint_eq(r[1], 0xe169c58du);
    ck_assert_uint_eq(r[2], 0xbc57ac4cu);
    ck_assert_uint_eq(r[3], 0x9b00dbd8u);
    /* counter = pi digits, key = more pi digits: argument order (k0, k1, c0..c3) matters */
    drng_philox(0xa4093822u, 0x299f31d0u, 0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, r);
    ck_assert_uint_eq(r[0], 0xd16cfe09u);
    ck_assert_uint_eq(r[1], 0x94fdccebu);
    ck_assert_uint_eq(r[2], 0x5001e420u);
    ck_assert_uint_eq(r[3], 0x24126ea1u);
}
END_TEST

START_TEST(test_drng_psw_at_ic0_is_one_minus_exp_of_minus_t_over_tau0)
{
    /* I = Ic0 -> tau = tau0 = 1 ns -> P = 1 - exp(-2) = 0.8646647167633873 */
    ck_assert_double_eq_tol(drng_psw(&good, 100.0, 100.0, 2.0), 0.8646647167633873, 1e-12);
    /* I = 0 -> tau = e^40 ns -> P = 1 - exp(-2 e^-40) ~= 2 e^-40 = 8.49670851e-18 */
    ck_assert_double_eq_tol(drng_psw(&good, 0.0, 100.0, 2.0) / 8.49670851e-18, 1.0, 1e-8);
}
END_TEST

START_TEST(test_drng_current_for_half_is_hand_value)
{
    double i = 0.0;
    ck_assert_int_eq(drng_current_for_p(&good, 0.5, &i), ST_OK);
    /* tau = -t / ln(1 - 0.5) = 2 / 0.6931472 = 2.8853901 ns; ln(2.8853901) = 1.0596601;
     * I = 100 * (1 - 1.0596601 / 40) = 97.350850 uA */
    ck_assert_double_eq_tol(i, 97.350850, 1e-5);
}
END_TEST

START_TEST(test_drng_psw_inverts_current_for_p)
{
    static const double ps[] = {1e-6, 0.01, 0.1, 0.3, 0.5, 0.9, 0.999};
    for (unsigned k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        double i;
        ck_assert_int_eq(drng_current_for_p(&good, ps[k], &i), ST_OK);
        ck_assert_double_eq_tol(drng_psw(&good, i, good.ic0_ua, 2.0), ps[k], 1e-12);
    }
}
END_TEST

START_TEST(test_drng_modules_are_ceil_rows_over_share)
{
    drng_t *e;
    ck_assert_uint_eq(drng_modules(d), 250); /* 1000 / 4 */
    ck_assert_int_eq(drng_create(&good, seed, 2, 1001, 0.3, &e), ST_OK);
    ck_assert_uint_eq(drng_modules(e), 251); /* ceil(1001 / 4): row 1000 gets its own */
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_without_spread_every_module_p_is_p)
{
    double i;
    ck_assert_int_eq(drng_current_for_p(&good, 0.3, &i), ST_OK);
    ck_assert_double_eq_tol(drng_current_ua(d), i, 1e-12);
    for (uint32_t m = 0; m < drng_modules(d); m++)
        ck_assert_double_eq_tol(drng_module_p(d, m), 0.3, 1e-9);
}
END_TEST

START_TEST(test_drng_cycles_are_share_times_set_sense_reset)
{
    uint64_t mask[16], cyc = 0; /* ceil(1000/64) = 16 words */
    ck_assert_int_eq(drng_draw(d, 0, 0, mask, &cyc, &acc, NULL), ST_OK);
    ck_assert_uint_eq(cyc, 20);                   /* 4 rows per module * (2 + 1 + 2) */
    ck_assert_uint_eq(acc.n[ACT_DRNG_SET], 1000); /* one SET per row */
    ck_assert_uint_eq(acc.n[ACT_DRNG_SENSE], 1000);
    ck_assert_uint_eq(acc.n[ACT_DRNG_RESET], 1000);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ] + acc.n[ACT_ARB_BIT], 0);
}
END_TEST

START_TEST(test_drng_mask_bit_is_philox_lane_below_threshold)
{
    /* Rebuild the mask from the documented counter layout: bit r dropped iff lane r % 4 of
     * Philox(key = seed, counter = (r / 4, mvm, pass, layer)) < round(p_m * 2^32). */
    uint64_t mask[16], cyc;
    const uint32_t pass = 5, mvm = 9, layer = 2;
    ck_assert_int_eq(drng_draw(d, pass, mvm, mask, &cyc, &acc, NULL), ST_OK);
    for (uint32_t r = 0; r < 1000; r++) {
        uint32_t o[4];
        drng_philox((uint32_t)seed, (uint32_t)(seed >> 32), r / 4, mvm, pass, layer, o);
        uint64_t thr = (uint64_t)llround(drng_module_p(d, r / 4) * 4294967296.0);
        int kept = (mask[r / 64] >> (r % 64)) & 1;
        ck_assert_int_eq(kept, o[r % 4] >= thr);
    }
}
END_TEST

START_TEST(test_drng_dropped_fraction_converges_to_p)
{
    /* n = 200 masks * 1000 rows = 200000 Bernoulli(0.3) bits.  Binomial sd of the fraction
     * sqrt(0.3 * 0.7 / 200000) = 1.0247e-3; allowed 5 sd = 5.12e-3. */
    const unsigned masks = 200;
    uint64_t mask[16], cyc, total = 0;
    for (unsigned k = 0; k < masks; k++) {
        uint32_t dropped = 0;
        ck_assert_int_eq(drng_draw(d, k / 10, k % 10, mask, &cyc, &acc, &dropped), ST_OK);
        ck_assert_uint_eq(dropped, 1000 - popcount_words(mask, 16)); /* cleared = dropped */
        total += dropped;
    }
    double n = masks * 1000.0, f = (double)total / n;
    ck_assert_double_le(fabs(f - 0.3), 5.0 * sqrt(0.3 * 0.7 / n));
    ck_assert_uint_eq(drng_stats(d)->dropped, total);
    ck_assert_uint_eq(drng_stats(d)->bits, 200000);
    ck_assert_uint_eq(drng_stats(d)->masks, 200);
}
END_TEST

START_TEST(test_drng_same_seed_same_mask)
{
    drng_t *e;
    uint64_t a[16], b[16], cyc;
    ck_assert_int_eq(drng_create(&good, seed, 2, 1000, 0.3, &e), ST_OK);
    ck_assert_int_eq(drng_draw(d, 3, 7, a, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(e, 3, 7, b, &cyc, &acc, NULL), ST_OK);
    ck_assert_mem_eq(a, b, sizeof a);
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_different_seed_different_mask)
{
    drng_t *e;
    uint64_t a[16], b[16], cyc;
    /* Equal masks would need 1000 equal Bernoulli(0.3) outcomes: (0.58)^1000 ~ 1e-236. */
    ck_assert_int_eq(drng_create(&good, seed + 1, 2, 1000, 0.3, &e), ST_OK);
    ck_assert_int_eq(drng_draw(d, 3, 7, a, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(e, 3, 7, b, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    drng_destroy(e);
    /* a seed differing only in its high half changes the key's second word */
    ck_assert_int_eq(drng_create(&good, seed ^ (1ull << 40), 2, 1000, 0.3, &e), ST_OK);
    ck_assert_int_eq(drng_draw(e, 3, 7, b, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_pass_order_does_not_change_masks)
{
    drng_t *e;
    uint64_t a1[16], a3[16], b1[16], b3[16], cyc;
    ck_assert_int_eq(drng_create(&good, seed, 2, 1000, 0.3, &e), ST_OK);
    ck_assert_int_eq(drng_draw(d, 1, 0, a1, &cyc, &acc, NULL), ST_OK); /* pass 1 then 3 */
    ck_assert_int_eq(drng_draw(d, 3, 0, a3, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(e, 3, 0, b3, &cyc, &acc, NULL), ST_OK); /* pass 3 then 1 */
    ck_assert_int_eq(drng_draw(e, 1, 0, b1, &cyc, &acc, NULL), ST_OK);
    ck_assert_mem_eq(a1, b1, sizeof a1);
    ck_assert_mem_eq(a3, b3, sizeof a3);
    ck_assert_int_ne(memcmp(a1, a3, sizeof a1), 0); /* and the passes do differ */
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_mvm_and_layer_select_different_masks)
{
    drng_t *e;
    uint64_t a[16], b[16], c[16], cyc;
    ck_assert_int_eq(drng_create(&good, seed, 3, 1000, 0.3, &e), ST_OK); /* layer 3 */
    ck_assert_int_eq(drng_draw(d, 0, 0, a, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(d, 0, 1, b, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(e, 0, 0, c, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    ck_assert_int_ne(memcmp(a, c, sizeof a), 0);
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_device_spread_matches_propagated_std)
{
    /* sigma 0.002, p 0.5, 10000 rows / share 4 = M = 2500 modules.
     * Propagation: P = 1 - exp(-t/tau), tau = tau0 exp(delta (1 - I/Ic0)), so
     *   dP/dIc0 = -(1-P) (t/tau) delta I / Ic0^2 and t/tau = -ln(1-P);
     * with dIc0 = Ic0 sigma z:  sd(p_m) ~= (1-P) |ln(1-P)| delta (I/Ic0) sigma
     *   = 0.5 * 0.6931 * 40 * 0.9735 * 0.002 = 0.02699.
     * The sample sd of M normal-ish values has relative standard error 1/sqrt(2(M-1)) =
     * 0.0141; allowed: 5 of those (0.071) + 0.03 for the linearisation (its next term is
     * of relative order (delta sigma)^2 ~ 0.006) = 0.10.
     * Mean: standard error sd/sqrt(M) = 5.4e-4; second-order bias (1/2) d2P/dz2 is about
     * 3.8e-4 here; allowed 5 * 5.4e-4 + 1e-3 = 3.7e-3. */
    drng_params_t p = good;
    p.sigma_ic0_rel = 0.002;
    drng_t *e;
    ck_assert_int_eq(drng_create(&p, seed, 0, 10000, 0.5, &e), ST_OK);
    const uint32_t m_n = drng_modules(e);
    ck_assert_uint_eq(m_n, 2500);
    double sum = 0.0, sq = 0.0;
    for (uint32_t m = 0; m < m_n; m++)
        sum += drng_module_p(e, m);
    double mean = sum / m_n;
    for (uint32_t m = 0; m < m_n; m++)
        sq += (drng_module_p(e, m) - mean) * (drng_module_p(e, m) - mean);
    double s = sqrt(sq / (m_n - 1));
    double ir = drng_current_ua(e) / p.ic0_ua;
    double sd = 0.5 * fabs(log(0.5)) * p.delta * ir * p.sigma_ic0_rel;
    ck_assert_double_le(fabs(s / sd - 1.0), 5.0 / sqrt(2.0 * (m_n - 1)) + 0.03);
    ck_assert_double_le(fabs(mean - 0.5), 5.0 * sd / sqrt(m_n) + 1e-3);
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_device_spread_is_reproducible_and_per_layer)
{
    drng_params_t p = good;
    p.sigma_ic0_rel = 0.01;
    drng_t *a, *b, *c;
    ck_assert_int_eq(drng_create(&p, seed, 1, 400, 0.5, &a), ST_OK);
    ck_assert_int_eq(drng_create(&p, seed, 1, 400, 0.5, &b), ST_OK);
    ck_assert_int_eq(drng_create(&p, seed, 2, 400, 0.5, &c), ST_OK);
    unsigned differ = 0;
    for (uint32_t m = 0; m < drng_modules(a); m++) {
        ck_assert_double_eq(drng_module_p(a, m), drng_module_p(b, m)); /* same draw */
        differ += drng_module_p(a, m) != drng_module_p(c, m);
    }
    ck_assert_uint_gt(differ, 0); /* another layer draws other devices */
    drng_destroy(a);
    drng_destroy(b);
    drng_destroy(c);
}
END_TEST

START_TEST(test_drng_sigma_p_zero_keeps_the_masks_of_before_sigma_p)
{
    /* Recorded from models/drng.c at commit cd44f74, before sigma_p existed: Ic0 spread
     * 0.05, layer 2, 200 rows, p 0.3, pass 3, mvm 7. */
    static const uint64_t old_mask[4] = {0x160fc29300e40fbfull, 0x4030671ff0fa0d9full,
                                         0xbfdb4317efef3956ull, 0x00000000000000feull};
    static const double old_p[3] = {0.12338590826434218, 0.085911897248453356,
                                    0.048654980880566072};
    drng_params_t p = good; /* sigma_p not named: zero, the old parameter set */
    p.sigma_ic0_rel = 0.05;
    drng_params_t q = p;
    q.sigma_p = 0.0; /* explicitly off */
    drng_t *a, *b;
    uint64_t ma[4], mb[4], cyc;
    uint32_t da = 0, db = 0;
    ck_assert_int_eq(drng_create(&p, seed, 2, 200, 0.3, &a), ST_OK);
    ck_assert_int_eq(drng_create(&q, seed, 2, 200, 0.3, &b), ST_OK);
    ck_assert_int_eq(drng_draw(a, 3, 7, ma, &cyc, &acc, &da), ST_OK);
    ck_assert_int_eq(drng_draw(b, 3, 7, mb, &cyc, &acc, &db), ST_OK);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(ma[i], old_mask[i]);
        ck_assert_uint_eq(mb[i], old_mask[i]);
    }
    ck_assert_uint_eq(da, 90); /* 200 - popcount of the old mask */
    ck_assert_uint_eq(db, 90);
    for (uint32_t m = 0; m < 3; m++)
        ck_assert_double_eq(drng_module_p(b, m), old_p[m]);
    for (uint32_t m = 0; m < drng_modules(a); m++)
        ck_assert_double_eq(drng_module_p(a, m), drng_module_p(b, m));
    drng_destroy(a);
    drng_destroy(b);
}
END_TEST

START_TEST(test_drng_sigma_p_adds_the_counter_1_normal_after_the_ic0_spread)
{
    /* p_m = clamp(P_sw(I, Ic0 (1 + s_ic0 z0)) + sigma_p z1, 0, 1), z0 at counter
     * (m, 0, 0, layer), z1 at (m, 1, 0, layer).  First without the Ic0 spread, then with. */
    drng_params_t p = good;
    p.sigma_p = 0.05;
    drng_t *e;
    ck_assert_int_eq(drng_create(&p, seed, 5, 400, 0.3, &e), ST_OK);
    for (uint32_t m = 0; m < drng_modules(e); m++)
        ck_assert_double_eq_tol(drng_module_p(e, m),
                                clamp01(0.3 + 0.05 * ref_d2d_normal(seed, m, 1, 5)), 1e-12);
    drng_destroy(e);
    p.sigma_ic0_rel = 0.002;
    ck_assert_int_eq(drng_create(&p, seed, 5, 400, 0.3, &e), ST_OK);
    const double t_ns = good.t_set_cyc * good.clk_ns;
    for (uint32_t m = 0; m < drng_modules(e); m++) {
        double ic0 = good.ic0_ua * (1.0 + 0.002 * ref_d2d_normal(seed, m, 0, 5));
        double pm = drng_psw(&p, drng_current_ua(e), ic0, t_ns);
        ck_assert_double_eq_tol(drng_module_p(e, m),
                                clamp01(pm + 0.05 * ref_d2d_normal(seed, m, 1, 5)), 1e-12);
    }
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_sigma_p_spreads_module_p_around_p)
{
    /* sigma_p 0.05 alone, p 0.5, M = 10000 / 4 = 2500 modules: p_m = 0.5 + 0.05 z, and a
     * clamp needs |z| > 10 (probability ~1.5e-23), so p_m is normal(0.5, 0.05).
     * Mean: standard error 0.05 / sqrt(2500) = 1e-3; allowed 5 of those = 5e-3.
     * Sample sd: relative standard error 1/sqrt(2 (M - 1)) = 0.0141; allowed 5 of those. */
    drng_params_t p = good;
    p.sigma_p = 0.05;
    drng_t *e;
    ck_assert_int_eq(drng_create(&p, seed, 0, 10000, 0.5, &e), ST_OK);
    const uint32_t m_n = drng_modules(e);
    ck_assert_uint_eq(m_n, 2500);
    double sum = 0.0, sq = 0.0;
    for (uint32_t m = 0; m < m_n; m++)
        sum += drng_module_p(e, m);
    double mean = sum / m_n;
    for (uint32_t m = 0; m < m_n; m++)
        sq += (drng_module_p(e, m) - mean) * (drng_module_p(e, m) - mean);
    double sd = sqrt(sq / (m_n - 1));
    ck_assert_double_le(fabs(mean - 0.5), 5.0 * 0.05 / sqrt(m_n));
    ck_assert_double_le(fabs(sd / 0.05 - 1.0), 5.0 / sqrt(2.0 * (m_n - 1)));
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_stats_reset_and_descs)
{
    uint64_t mask[16], cyc;
    ns_check_stat_descs(drng_stat_descs, drng_stat_ndescs, sizeof(drng_stats_t));
    ck_assert_int_eq(drng_draw(d, 0, 0, mask, &cyc, &acc, NULL), ST_OK);
    ck_assert_uint_eq(ns_stat_value(drng_stats(d), drng_stat_descs, drng_stat_ndescs, "bits"),
                      1000);
    drng_stats_reset(d);
    ck_assert_uint_eq(drng_stats(d)->masks, 0);
    ck_assert_uint_eq(drng_stats(d)->bits, 0);
    ck_assert_uint_eq(drng_stats(d)->dropped, 0);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_drng_tail_bits_beyond_rows_are_zero)
{
    static const uint32_t rows[] = {1, 63, 64, 65, 100, 127};
    for (unsigned k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        drng_t *e;
        uint64_t mask[2], cyc;
        /* p = 1e-6: nearly every row kept, so a stray set bit past `rows` would show */
        ck_assert_int_eq(drng_create(&good, seed, 0, rows[k], 1e-6, &e), ST_OK);
        mask[0] = mask[1] = ~0ull;
        ck_assert_int_eq(drng_draw(e, 0, 0, mask, &cyc, &acc, NULL), ST_OK);
        const unsigned words = (rows[k] + 63) / 64;
        if (rows[k] % 64)
            ck_assert_uint_eq(mask[words - 1] >> (rows[k] % 64), 0);
        if (words == 1)
            ck_assert_uint_eq(mask[1], ~0ull); /* the word after the mask is not touched */
        drng_destroy(e);
    }
}
END_TEST

START_TEST(test_drng_share_one_gives_a_module_per_row)
{
    drng_params_t p = good;
    p.share = 1;
    drng_t *e;
    uint64_t mask[2], cyc = 0;
    ck_assert_int_eq(drng_create(&p, seed, 0, 100, 0.3, &e), ST_OK);
    ck_assert_uint_eq(drng_modules(e), 100);
    ck_assert_int_eq(drng_draw(e, 0, 0, mask, &cyc, &acc, NULL), ST_OK);
    ck_assert_uint_eq(cyc, 5); /* 1 * (2 + 1 + 2) */
    drng_destroy(e);
    p.share = 1000; /* one module serves all 100 rows in turn */
    ck_assert_int_eq(drng_create(&p, seed, 0, 100, 0.3, &e), ST_OK);
    ck_assert_uint_eq(drng_modules(e), 1);
    ck_assert_int_eq(drng_draw(e, 0, 0, mask, &cyc, &acc, NULL), ST_OK);
    ck_assert_uint_eq(cyc, 5000); /* 1000 * 5: cost follows share, as documented */
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_module_with_p_one_drops_every_row)
{
    /* sigma 10: any z < -0.1 makes Ic0 non-positive, clamped to a tiny positive value, so
     * I/Ic0 is huge, tau underflows to 0 and p_m is exactly 1 (threshold 2^32).  At least
     * 46 % of modules land there (P(z < -0.1) = 0.46), so 100 modules hold some. */
    drng_params_t p = good;
    p.sigma_ic0_rel = 10.0;
    drng_t *e;
    uint64_t mask[7], cyc; /* 400 rows */
    ck_assert_int_eq(drng_create(&p, seed, 0, 400, 0.5, &e), ST_OK);
    unsigned ones = 0;
    for (uint32_t m = 0; m < drng_modules(e); m++) {
        double pm = drng_module_p(e, m);
        ck_assert(pm >= 0.0 && pm <= 1.0);
        ones += pm == 1.0;
    }
    ck_assert_uint_gt(ones, 0);
    for (uint32_t k = 0; k < 20; k++) {
        ck_assert_int_eq(drng_draw(e, k, 0, mask, &cyc, &acc, NULL), ST_OK);
        for (uint32_t r = 0; r < 400; r++)
            if (drng_module_p(e, r / 4) == 1.0)
                ck_assert_uint_eq((mask[r / 64] >> (r % 64)) & 1, 0);
    }
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_sigma_p_clamps_module_p_to_the_unit_interval)
{
    /* sigma_p 2 at p 0.5: p_m < 0 when z < -0.25 and > 1 when z > 0.25, each with
     * probability 0.40, so of 100 modules some clamp at each end (none: 0.6^100 ~ 6e-23).
     * A module at 0 keeps all its rows, one at 1 drops them all, in every pass. */
    drng_params_t p = good;
    p.sigma_p = 2.0;
    drng_t *e;
    uint64_t mask[7], cyc; /* 400 rows */
    ck_assert_int_eq(drng_create(&p, seed, 0, 400, 0.5, &e), ST_OK);
    unsigned zeros = 0, ones = 0;
    for (uint32_t m = 0; m < drng_modules(e); m++) {
        double pm = drng_module_p(e, m);
        ck_assert(pm >= 0.0 && pm <= 1.0);
        zeros += pm == 0.0;
        ones += pm == 1.0;
    }
    ck_assert_uint_gt(zeros, 0);
    ck_assert_uint_gt(ones, 0);
    for (uint32_t k = 0; k < 20; k++) {
        ck_assert_int_eq(drng_draw(e, k, 0, mask, &cyc, &acc, NULL), ST_OK);
        for (uint32_t r = 0; r < 400; r++) {
            double pm = drng_module_p(e, r / 4);
            if (pm == 0.0 || pm == 1.0)
                ck_assert_uint_eq((mask[r / 64] >> (r % 64)) & 1, pm == 0.0);
        }
    }
    drng_destroy(e);
}
END_TEST

START_TEST(test_drng_extreme_probabilities_are_reachable)
{
    double lo, hi;
    /* p = 1e-6: tau = 2/1e-6 = 2e6 ns, I = 100 (1 - ln(2e6)/40) = 63.73 uA */
    ck_assert_int_eq(drng_current_for_p(&good, 1e-6, &lo), ST_OK);
    ck_assert_double_eq_tol(lo, 63.728357, 1e-5);
    /* p = 0.999: tau = 2 / ln(1000) = 0.28953 ns, I = 100 (1 + 1.23953/40) = 103.10 uA */
    ck_assert_int_eq(drng_current_for_p(&good, 0.999, &hi), ST_OK);
    ck_assert_double_eq_tol(hi, 103.098744, 1e-5);
}
END_TEST

/* ---- Circuit: precessional model, regimes, supply energy, calibration, two seeds ---- */

/* Precessional SOT/STT module as configs/default.yaml: 10 ns SET and RESET, 1 ns sense,
 * tau_d 1.79 ns, delta 40, Ic0 110 uA, 5 % Ic0 spread, 0.9 V, 35 uA read, RESET sized for
 * a write-error rate of 1e-6 and gated by the sensed bit, 8-bit trim over +-30 %,
 * 16384 draws per search step. */
static const drng_params_t circ = {.share = 1,
                                   .t_set_cyc = 10,
                                   .t_sense_cyc = 1,
                                   .t_reset_cyc = 10,
                                   .clk_ns = 1.0,
                                   .tau0_ns = 1.0,
                                   .delta = 40.0,
                                   .ic0_ua = 110.0,
                                   .sigma_ic0_rel = 0.05,
                                   .i_max_ua = 1200.0,
                                   .model = DRNG_MODEL_PRECESSIONAL,
                                   .tau_d_ns = 1.79,
                                   .v_dd_v = 0.9,
                                   .i_read_ua = 35.0,
                                   .reset_wer = 1e-6,
                                   .reset_on_switch = 1,
                                   .p_static_uw = 0.9,
                                   .trim_bits = 8,
                                   .trim_range_rel = 0.3,
                                   .cal_samples = 16384,
                                   .a_module_um2 = 10.0,
                                   .a_trim_unit_um2 = 0.5,
                                   .a_trim_bit_um2 = 4.522};
static const uint64_t dev_seed = 0x5EEDD0D0CAFEull;

START_TEST(test_drng_precessional_psw_at_a_hand_point)
{
    /* delta 40, I = 2 Ic0, t = 2 ns, tau_d = 1 ns: exp(-2 (2 - 1) 2 / 1) = e^-4 =
     * 0.01831564; pi^2 40 / 4 = 98.696044; 98.696044 * 0.01831564 = 1.807682;
     * P = exp(-1.807682) = 0.1640341. */
    drng_params_t p = good;
    p.model = DRNG_MODEL_PRECESSIONAL;
    p.tau_d_ns = 1.0;
    ck_assert_double_eq_tol(drng_psw(&p, 200.0, 100.0, 2.0), 0.16403407442582518, 1e-12);
    /* and back: the current for that p is 2 Ic0 = 200 uA */
    double i = 0.0;
    ck_assert_int_eq(drng_current_for_p(&p, 0.16403407442582518, &i), ST_OK);
    ck_assert_double_eq_tol(i, 200.0, 1e-9);
    /* p = 0.5 at the default circuit: I = 110 (1 + 1.79 / 20 ln(98.696044 / ln 2)) =
     * 110 (1 + 0.0895 * 4.958594) = 158.8170 uA */
    ck_assert_int_eq(drng_current_for_p(&circ, 0.5, &i), ST_OK);
    ck_assert_double_eq_tol(i, 158.817001, 1e-5);
}
END_TEST

START_TEST(test_drng_each_model_refuses_a_point_outside_its_regime)
{
    char why[200];
    /* thermal, 2 ns pulse, tau0 1 ns: within 10 tau0 */
    ck_assert_int_eq(drng_regime_check(&good, 0.5, why, sizeof why), ST_ERANGE);
    ck_assert_str_eq(why, "a 2 ns pulse is within 10 tau0 = 10 ns: the thermal model does not "
                          "hold; use model: precessional");
    /* thermal, 20 ns: barrier ln(tau / tau0) = ln(20 / ln 2) = 3.362 kT < 5 kT */
    drng_params_t p = good;
    p.t_set_cyc = 20;
    ck_assert_int_eq(drng_regime_check(&p, 0.5, why, sizeof why), ST_ERANGE);
    ck_assert_str_eq(why, "p = 0.5 in a 20 ns pulse leaves a barrier of 3.36 kT, below 5 kT: "
                          "the thermal model does not hold; use model: precessional");
    /* thermal, 1000 ns: barrier ln(1000 / ln 2) = 7.27 kT; I = 100 (1 - 7.27 / 40) < Ic0 */
    p.t_set_cyc = 1000;
    ck_assert_int_eq(drng_regime_check(&p, 0.5, why, sizeof why), ST_OK);
    ck_assert_str_eq(why, "");
    /* precessional, tau_d 1 ns, t 2 ns, delta 40, p = 1e-50: -ln p = 115.13, so
     * I = 100 (1 + 0.25 ln(98.696 / 115.13)) = 96.15 uA, not above Ic0 */
    p = good;
    p.model = DRNG_MODEL_PRECESSIONAL;
    p.tau_d_ns = 1.0;
    ck_assert_int_eq(drng_regime_check(&p, 1e-50, why, sizeof why), ST_ERANGE);
    ck_assert_str_eq(why, "p = 1e-50 in a 2 ns pulse needs 96.15 uA, not above ic0 = 100 uA: "
                          "the precessional model does not hold; use model: thermal with a "
                          "longer pulse");
    ck_assert_int_eq(drng_regime_check(&p, 0.5, why, sizeof why), ST_OK);
    ck_assert_int_eq(drng_regime_check(&p, 0.5, NULL, 0), ST_OK);
    ck_assert_int_eq(drng_regime_check(&p, 1.0, why, sizeof why), ST_EINVAL);
}
END_TEST

START_TEST(test_drng_set_energy_is_supply_voltage_times_current_times_pulse)
{
    drng_energy_t e;
    drng_params_t p = good; /* 2 ns SET, 1 ns sense, 2 ns RESET */
    p.model = DRNG_MODEL_PRECESSIONAL;
    p.tau_d_ns = 4.0; /* tau_d / (2 t_reset) = 1 */
    p.v_dd_v = 0.9;
    p.i_read_ua = 35.0;
    p.reset_wer = 1e-6;
    p.reset_on_switch = 1;
    ck_assert_int_eq(drng_energy_at(&p, 165.0, 0.5, &e), ST_OK);
    /* SET: 0.9 V x 165 uA x 2 ns = 0.297 pJ */
    ck_assert_double_eq_tol(e.set_pj, 0.297, 1e-12);
    /* sense: 0.9 V x 35 uA x 1 ns = 0.0315 pJ */
    ck_assert_double_eq_tol(e.sense_pj, 0.0315, 1e-12);
    /* RESET: I = 100 (1 + 1 * ln(98.696044 / 1.0000005e-6)) = 100 * 19.407555 = 1940.7555 uA;
     * 0.9 V x 1940.7555 uA x 2 ns x p 0.5 = 1.746680 pJ */
    ck_assert_double_eq_tol(e.reset_pj, 1.746680, 1e-6);
    p.reset_on_switch = 0; /* every bit resets */
    ck_assert_int_eq(drng_energy_at(&p, 165.0, 0.5, &e), ST_OK);
    ck_assert_double_eq_tol(e.reset_pj, 3.493360, 1e-6);
    /* the default circuit at p = 0.5: 0.9 x 158.817 x 10 ns = 1.429353 pJ (e_drng_set_pj) */
    ck_assert_int_eq(drng_energy(&circ, 0.5, &e), ST_OK);
    ck_assert_double_eq_tol(e.set_pj, 1.429353, 1e-6);
    /* static: 1000 modules x 0.9 uW x 1 ms = 0.9 uJ = 9e5 pJ */
    ck_assert_double_eq_tol(drng_static_pj(&circ, 1000, 1e6), 9e5, 1e-6);
    /* area: 10 + (2^8 - 1) x 0.5 + 8 x 4.522 = 173.676 um^2 */
    ck_assert_double_eq_tol(drng_module_area_um2(&circ), 173.676, 1e-9);
    /* calibration: 8 steps x 16384 draws x (10 + 1 + 10) cycles = 2752512 cycles */
    drng_cal_cost_t c;
    ck_assert_int_eq(drng_cal_cost(&circ, 0.5, 3, &c), ST_OK);
    ck_assert_uint_eq(c.cycles, 2752512);
    ck_assert_uint_eq(c.bits, 3 * 8 * 16384);
    ck_assert_double_eq_tol(c.energy_pj, 3 * 8 * 16384 * (e.set_pj + e.sense_pj + e.reset_pj),
                            1e-6);
    p.v_dd_v = -1.0;
    ck_assert_int_eq(drng_energy_at(&p, 165.0, 0.5, &e), ST_EINVAL);
}
END_TEST

/* Tolerance worked out apart from the model: the search lands on code c with
 * p(c) <= target + n and p(c + 1) > target - n, so |p - target| <= n + one LSB step.
 *   n = 5 sqrt(q (1 - q) / M), q = 0.2 + 5 * 0.5 / sqrt(16384) = 0.21953: n = 0.016171;
 *   LSB step <= max(P |ln P|) dx/dI dI = (1/e) * (2 t / tau_d) * dI / Ic0_m with
 *   dI = 2 * 0.3 * 150.5236 / 255 = 0.354173 uA, 2 t / tau_d = 20 / 1.79 = 11.1732 and
 *   Ic0_m >= 0.8 * 110 (checked: no module below z = -4): step <= 0.016544.
 *   Bound 0.016171 + 0.016544 = 0.032715. */
START_TEST(test_drng_calibration_puts_every_module_within_the_tolerance)
{
    const uint32_t n = 1200;
    const double target = 0.2, bound = 0.032715;
    drng_t *d, *raw;
    drng_params_t off = circ;
    off.trim_bits = 0;
    ck_assert_int_eq(drng_create_chip(&circ, dev_seed, 1, 3, n, target, &d), ST_OK);
    ck_assert_int_eq(drng_create_chip(&off, dev_seed, 1, 3, n, target, &raw), ST_OK);
    ck_assert_uint_eq(drng_modules(d), n);
    unsigned outside_raw = 0;
    for (uint32_t m = 0; m < n; m++) {
        ck_assert_double_gt(ref_d2d_normal(dev_seed, m, 0, 3), -4.0);
        ck_assert_msg(fabs(drng_module_p(d, m) - target) <= bound, "module %u: p %.6f", m,
                      drng_module_p(d, m));
        ck_assert_uint_le(drng_module_code(d, m), 255);
        outside_raw += fabs(drng_module_p(raw, m) - target) > bound;
    }
    /* without trim most modules miss the target by more (the defect of issue 11) */
    ck_assert_uint_gt(outside_raw, n / 2);
    ck_assert_uint_eq(drng_cal_saturated(d), 0);
    ck_assert_double_le(drng_cal_tolerance(d), bound);
    ck_assert_double_gt(drng_cal_tolerance(d), 0.016171); /* at least the estimation bound */
    ck_assert_double_le(fabs(drng_p_mean(d) - target), bound);
    ck_assert_double_le(drng_p_std(d), bound);
    ck_assert_double_eq(drng_cal_tolerance(raw), 0.0);
    /* each module's current is its code's step of the DAC: I (0.7 + 0.6 c / 255) */
    const double i = drng_current_ua(d);
    for (uint32_t m = 0; m < 5; m++)
        ck_assert_double_eq_tol(drng_module_current_ua(d, m),
                                i * (0.7 + 0.6 * drng_module_code(d, m) / 255.0), 1e-9);
    /* the bank's SET energy is the mean of V I_m t over its modules */
    double sum = 0.0;
    for (uint32_t m = 0; m < n; m++)
        sum += 0.9 * drng_module_current_ua(d, m) * 10.0 * 1e-3;
    drng_energy_t e;
    ck_assert_int_eq(drng_bank_energy(d, &e), ST_OK);
    ck_assert_double_eq_tol(e.set_pj, sum / n, 1e-12);
    drng_destroy(d);
    drng_destroy(raw);
}
END_TEST

/* Without trim the spread is what the model predicts.  Small sigma (linear): sd(p_m) =
 * P |ln P| (2 t / tau_d) (I / Ic0) sigma = 0.2 * 1.609438 * 11.17318 * 1.368396 * 0.002 =
 * 0.0098429; 2500 modules: sample sd within 5 / sqrt(2 * 2499) = 0.0707 relative, plus
 * 0.03 for the linearisation.  Default sigma 0.05 (not linear): p_m falls as Ic0_m rises,
 * so the q-th percentile of p_m is P at Ic0 (1 + sigma z_(1-q)); with 2500 modules the
 * sample 5th/50th/95th percentiles of z lie within 0.15 of -1.645/0/1.645 (the standard
 * error of a 5 % quantile is sqrt(0.05 * 0.95 / 2500) / phi(1.645) = 0.042). */
START_TEST(test_drng_uncalibrated_spread_matches_the_model)
{
    drng_params_t p = circ;
    p.trim_bits = 0;
    p.sigma_ic0_rel = 0.002;
    drng_t *d;
    ck_assert_int_eq(drng_create_chip(&p, dev_seed, 9, 0, 2500, 0.2, &d), ST_OK);
    ck_assert_double_le(fabs(drng_p_std(d) / 0.0098429 - 1.0), 5.0 / sqrt(2.0 * 2499) + 0.03);
    drng_destroy(d);

    p.sigma_ic0_rel = 0.05;
    ck_assert_int_eq(drng_create_chip(&p, dev_seed, 9, 0, 2500, 0.2, &d), ST_OK);
    static double v[2500];
    for (uint32_t m = 0; m < 2500; m++)
        v[m] = drng_module_p(d, m);
    for (int a = 1; a < 2500; a++) /* insertion sort: small and test-only */
        for (int b = a; b > 0 && v[b - 1] > v[b]; b--) {
            double t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    static const double q[3] = {0.05, 0.5, 0.95}, z[3] = {1.644854, 0.0, -1.644854};
    const double i = drng_current_ua(d);
    for (int k = 0; k < 3; k++) {
        double got = v[(int)(q[k] * 2500)];
        double lo = drng_psw(&p, i, 110.0 * (1 + 0.05 * (z[k] + 0.15)), 10.0);
        double hi = drng_psw(&p, i, 110.0 * (1 + 0.05 * (z[k] - 0.15)), 10.0);
        ck_assert_msg(got >= lo && got <= hi, "percentile %g: %g not in [%g, %g]", q[k], got, lo,
                      hi);
    }
    drng_destroy(d);
}
END_TEST

START_TEST(test_drng_device_seed_fixes_the_chip_and_mask_seed_the_masks)
{
    drng_t *a, *b, *c;
    uint64_t ma[19], mb[19], mc[19], cyc; /* 1200 rows: 19 words */
    ck_assert_int_eq(drng_create_chip(&circ, dev_seed, 1, 0, 1200, 0.3, &a), ST_OK);
    ck_assert_int_eq(drng_create_chip(&circ, dev_seed, 2, 0, 1200, 0.3, &b), ST_OK);
    ck_assert_int_eq(drng_create_chip(&circ, dev_seed + 1, 1, 0, 1200, 0.3, &c), ST_OK);
    unsigned differ = 0;
    for (uint32_t m = 0; m < 1200; m++) {
        ck_assert_double_eq(drng_module_p(a, m), drng_module_p(b, m)); /* same chip */
        differ += drng_module_p(a, m) != drng_module_p(c, m);
    }
    ck_assert_uint_gt(differ, 600); /* another chip */
    ck_assert_int_eq(drng_draw(a, 0, 0, ma, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(b, 0, 0, mb, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_eq(drng_draw(c, 0, 0, mc, &cyc, &acc, NULL), ST_OK);
    ck_assert_int_ne(memcmp(ma, mb, sizeof ma), 0); /* other masks on the same chip */
    drng_destroy(a);
    drng_destroy(b);
    drng_destroy(c);
    /* drng_create is the one-seed form */
    ck_assert_int_eq(drng_create(&circ, dev_seed, 0, 300, 0.3, &a), ST_OK);
    ck_assert_int_eq(drng_create_chip(&circ, dev_seed, dev_seed, 0, 300, 0.3, &b), ST_OK);
    for (uint32_t m = 0; m < 300; m++)
        ck_assert_double_eq(drng_module_p(a, m), drng_module_p(b, m));
    drng_destroy(a);
    drng_destroy(b);
}
END_TEST

/* ---- Errors ---- */

static drng_params_t bad_param(int i)
{
    drng_params_t p = good;
    switch (i) {
    case 0:
        p.share = 0;
        break;
    case 1:
        p.t_set_cyc = 0;
        break;
    case 2:
        p.clk_ns = 0.0;
        break;
    case 3:
        p.tau0_ns = -1.0;
        break;
    case 4:
        p.delta = 0.0;
        break;
    case 5:
        p.ic0_ua = 0.0;
        break;
    case 6:
        p.sigma_ic0_rel = -0.1;
        break;
    case 7:
        p.i_max_ua = 0.0;
        break;
    case 8:
        p.delta = NAN;
        break;
    case 9:
        p.clk_ns = INFINITY;
        break;
    case 10:
        p.sigma_p = -0.01;
        break;
    case 11:
        p.sigma_p = NAN;
        break;
    default:
        p.sigma_p = INFINITY;
        break;
    }
    return p;
}

START_TEST(test_drng_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    drng_t *out = (drng_t *)(void *)&marker;
    drng_params_t p = bad_param(_i);
    double i = -7.0;
    ck_assert_int_eq(drng_create(&p, seed, 0, 100, 0.3, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (drng_t *)(void *)&marker);
    ck_assert_int_eq(drng_current_for_p(&p, 0.3, &i), ST_EINVAL);
    ck_assert_double_eq(i, -7.0);
}
END_TEST

START_TEST(test_drng_rows_zero_or_prob_outside_open_unit_interval_is_einval)
{
    static int marker;
    drng_t *out = (drng_t *)(void *)&marker;
    double i = -7.0;
    ck_assert_int_eq(drng_create(&good, seed, 0, 0, 0.3, &out), ST_EINVAL);
    ck_assert_int_eq(drng_create(&good, seed, 0, 100, 0.0, &out), ST_EINVAL);
    ck_assert_int_eq(drng_create(&good, seed, 0, 100, 1.0, &out), ST_EINVAL);
    ck_assert_int_eq(drng_create(&good, seed, 0, 100, -0.2, &out), ST_EINVAL);
    ck_assert_int_eq(drng_create(&good, seed, 0, 100, NAN, &out), ST_EINVAL);
    ck_assert_int_eq(drng_create(NULL, seed, 0, 100, 0.3, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (drng_t *)(void *)&marker);
    ck_assert_int_eq(drng_current_for_p(&good, 1.0, &i), ST_EINVAL);
    ck_assert_double_eq(i, -7.0);
    drng_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_drng_current_above_i_max_is_erange)
{
    static int marker;
    drng_params_t p = good;
    p.i_max_ua = 97.0; /* p = 0.5 needs 97.35 uA */
    double i = -7.0;
    drng_t *out = (drng_t *)(void *)&marker;
    ck_assert_int_eq(drng_current_for_p(&p, 0.5, &i), ST_ERANGE);
    ck_assert_double_eq(i, -7.0);
    ck_assert_int_eq(drng_create(&p, seed, 0, 100, 0.5, &out), ST_ERANGE);
    ck_assert_ptr_eq(out, (drng_t *)(void *)&marker);
    p.i_max_ua = 97.4; /* just above: reachable */
    ck_assert_int_eq(drng_current_for_p(&p, 0.5, &i), ST_OK);
}
END_TEST

START_TEST(test_drng_negative_current_is_erange)
{
    drng_params_t p = good;
    p.delta = 5.0; /* p = 1e-6: ln(tau/tau0) = ln(2e6) = 14.5 > delta -> I = 100 (1 - 2.9) < 0 */
    double i = -7.0;
    ck_assert_int_eq(drng_current_for_p(&p, 1e-6, &i), ST_ERANGE);
    ck_assert_double_eq(i, -7.0);
}
END_TEST

START_TEST(test_drng_null_draw_arguments_are_einval_and_count_nothing)
{
    uint64_t mask[16], cyc = 77;
    ck_assert_int_eq(drng_draw(NULL, 0, 0, mask, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw(d, 0, 0, NULL, &cyc, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw(d, 0, 0, mask, NULL, &acc, NULL), ST_EINVAL);
    ck_assert_int_eq(drng_draw(d, 0, 0, mask, &cyc, NULL, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_DRNG_SET], 0);
    ck_assert_uint_eq(drng_stats(d)->masks, 0);
}
END_TEST

START_TEST(test_drng_create_survives_every_allocation_failure)
{
    drng_t *out;
    unsigned long fails;
    drng_params_t p = good;
    p.sigma_ic0_rel = 0.05;
    NS_FAULT_LOOP(drng_t, out, fails, drng_create(&p, seed, 0, 1000, 0.3, &out));
    ck_assert_uint_eq(fails, 3); /* handle, per-module p, per-row thresholds */
    drng_destroy(out);
}
END_TEST

Suite *drng_suite(void)
{
    Suite *s = suite_create("drng");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_drng_philox_matches_random123_known_answers);
    tcase_add_test(core, test_drng_psw_at_ic0_is_one_minus_exp_of_minus_t_over_tau0);
    tcase_add_test(core, test_drng_current_for_half_is_hand_value);
    tcase_add_test(core, test_drng_psw_inverts_current_for_p);
    tcase_add_test(core, test_drng_modules_are_ceil_rows_over_share);
    tcase_add_test(core, test_drng_without_spread_every_module_p_is_p);
    tcase_add_test(core, test_drng_cycles_are_share_times_set_sense_reset);
    tcase_add_test(core, test_drng_mask_bit_is_philox_lane_below_threshold);
    tcase_add_test(core, test_drng_dropped_fraction_converges_to_p);
    tcase_add_test(core, test_drng_same_seed_same_mask);
    tcase_add_test(core, test_drng_different_seed_different_mask);
    tcase_add_test(core, test_drng_pass_order_does_not_change_masks);
    tcase_add_test(core, test_drng_mvm_and_layer_select_different_masks);
    tcase_add_test(core, test_drng_device_spread_matches_propagated_std);
    tcase_add_test(core, test_drng_device_spread_is_reproducible_and_per_layer);
    tcase_add_test(core, test_drng_sigma_p_zero_keeps_the_masks_of_before_sigma_p);
    tcase_add_test(core, test_drng_sigma_p_adds_the_counter_1_normal_after_the_ic0_spread);
    tcase_add_test(core, test_drng_sigma_p_spreads_module_p_around_p);
    tcase_add_test(core, test_drng_stats_reset_and_descs);
    tcase_add_test(core, test_drng_precessional_psw_at_a_hand_point);
    tcase_add_test(core, test_drng_each_model_refuses_a_point_outside_its_regime);
    tcase_add_test(core, test_drng_set_energy_is_supply_voltage_times_current_times_pulse);
    tcase_add_test(core, test_drng_calibration_puts_every_module_within_the_tolerance);
    tcase_add_test(core, test_drng_uncalibrated_spread_matches_the_model);
    tcase_add_test(core, test_drng_device_seed_fixes_the_chip_and_mask_seed_the_masks);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_drng_tail_bits_beyond_rows_are_zero);
    tcase_add_test(lim, test_drng_share_one_gives_a_module_per_row);
    tcase_add_test(lim, test_drng_module_with_p_one_drops_every_row);
    tcase_add_test(lim, test_drng_sigma_p_clamps_module_p_to_the_unit_interval);
    tcase_add_test(lim, test_drng_extreme_probabilities_are_reachable);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_drng_create_rejects_bad_params_and_leaves_out, 0, 13);
    tcase_add_test(err, test_drng_rows_zero_or_prob_outside_open_unit_interval_is_einval);
    tcase_add_test(err, test_drng_current_above_i_max_is_erange);
    tcase_add_test(err, test_drng_negative_current_is_erange);
    tcase_add_test(err, test_drng_null_draw_arguments_are_einval_and_count_nothing);
    tcase_add_test(err, test_drng_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
