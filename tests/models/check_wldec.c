/* check_wldec.c - multi-row word-line decoder (models/wldec.c). */
#include "base/status.h"
#include "check_models.h"
#include "wldec.h"

static const wldec_params_t good = {.t_decode_cyc = 2};
static wldec_t *w;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(wldec_create(&good, &w), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    wldec_destroy(w);
    w = NULL;
}

/* ---- Core ---- */

START_TEST(test_wldec_cycles_are_decodes_times_t_decode)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(wldec_decode(w, 5, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 10); /* 5 * 2 */
}
END_TEST

START_TEST(test_wldec_word_line_charge_is_c_v_squared_once_per_line)
{
    const wldec_params_t p = {
        .t_decode_cyc = 1, .v_wl_v = 1.2, .a_driver_um2 = 1.5, .p_driver_nw = 2};
    /* 25 fF x 1.2^2 V^2 = 36 fJ = 0.036 pJ */
    ck_assert_double_eq_tol(wldec_e_charge_pj(&p, 25.0), 0.036, 1e-12);
    ck_assert_int_eq(wldec_charge(w, 40, &acc), ST_OK);
    ck_assert_int_eq(wldec_charge(w, 2, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_WL_CHARGE], 42);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 0); /* charging is not decoding */
    ck_assert_uint_eq(wldec_stats(w)->wl_charges, 42);
    /* 256 drivers: 256 x 1.5 = 384 um^2, 256 x 2 nW = 0.512 uW */
    ck_assert_double_eq_tol(wldec_area_um2(&p, 256), 384.0, 1e-12);
    ck_assert_double_eq_tol(wldec_static_uw(&p, 256), 0.512, 1e-12);
}
END_TEST

START_TEST(test_wldec_counts_one_action_per_decode)
{
    uint64_t cyc;
    acc.n[ACT_WLDEC_DECODE] = 1; /* add-only accumulator */
    ck_assert_int_eq(wldec_decode(w, 5, &cyc, &acc), ST_OK);
    ck_assert_int_eq(wldec_decode(w, 3, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 1 + 5 + 3);
    ck_assert_uint_eq(wldec_stats(w)->decodes, 8);
    wldec_stats_reset(w);
    ck_assert_uint_eq(wldec_stats(w)->decodes, 0);
}
END_TEST

START_TEST(test_wldec_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(wldec_stat_descs, wldec_stat_ndescs, sizeof(wldec_stats_t));
    ck_assert_int_eq(wldec_decode(w, 4, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(ns_stat_value(wldec_stats(w), wldec_stat_descs, wldec_stat_ndescs, "decodes"),
                      4);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_wldec_zero_decodes_cost_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(wldec_decode(w, 0, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 0);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 0);
}
END_TEST

START_TEST(test_wldec_max_decodes_do_not_wrap)
{
    wldec_params_t p = {.t_decode_cyc = UINT32_MAX};
    wldec_t *big;
    uint64_t cyc;
    ck_assert_int_eq(wldec_create(&p, &big), ST_OK);
    ck_assert_int_eq(wldec_decode(big, UINT32_MAX, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 18446744065119617025ull); /* (2^32 - 1)^2 = 2^64 - 2^33 + 1 */
    wldec_destroy(big);
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_wldec_zero_t_decode_is_einval_and_leaves_out)
{
    static int marker;
    wldec_params_t p = {.t_decode_cyc = 0};
    wldec_t *out = (wldec_t *)(void *)&marker;
    ck_assert_int_eq(wldec_create(&p, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (wldec_t *)(void *)&marker);
    ck_assert_int_eq(wldec_create(NULL, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (wldec_t *)(void *)&marker);
    wldec_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_wldec_null_arguments_are_einval)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(wldec_decode(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(wldec_decode(w, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(wldec_decode(w, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(wldec_stats(w)->decodes, 0);
}
END_TEST

START_TEST(test_wldec_create_survives_every_allocation_failure)
{
    wldec_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(wldec_t, out, fails, wldec_create(&good, &out));
    ck_assert_uint_ge(fails, 1);
    wldec_destroy(out);
}
END_TEST

Suite *wldec_suite(void)
{
    Suite *s = suite_create("wldec");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_wldec_cycles_are_decodes_times_t_decode);
    tcase_add_test(core, test_wldec_counts_one_action_per_decode);
    tcase_add_test(core, test_wldec_word_line_charge_is_c_v_squared_once_per_line);
    tcase_add_test(core, test_wldec_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_wldec_zero_decodes_cost_nothing);
    tcase_add_test(lim, test_wldec_max_decodes_do_not_wrap);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_test(err, test_wldec_zero_t_decode_is_einval_and_leaves_out);
    tcase_add_test(err, test_wldec_null_arguments_are_einval);
    tcase_add_test(err, test_wldec_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
