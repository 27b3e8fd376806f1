/* check_periph.c - adder tree, activation, pooling, residual adds and the scale arithmetic
 * (models/periph.c). */
#include "base/status.h"
#include "check_models.h"
#include "periph.h"

/* 16 lanes; add 2, activation 1, pooling 3, multiplication 5 cycles. */
static const periph_params_t good = {
    .lanes = 16, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 3, .t_mul_cyc = 5};
static periph_t *x;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(periph_create(&good, &x), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    periph_destroy(x);
    x = NULL;
}

/* ---- Core ---- */

START_TEST(test_periph_reduce_cycles_are_levels_times_t_add_times_rounds)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_reduce(x, 4, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 16); /* log2 4 = 2 levels * 2 cycles * ceil(64/16) = 4 rounds */
}
END_TEST

START_TEST(test_periph_reduce_adds_are_n_minus_one_per_output)
{
    uint64_t cyc;
    ck_assert_int_eq(periph_reduce(x, 4, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_ADD], 192); /* (4 - 1) * 64 */
    ck_assert_uint_eq(periph_stats(x)->adds, 192);
}
END_TEST

START_TEST(test_periph_activate_cycles_are_rounds_times_t_act)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_activate(x, 100, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 7); /* ceil(100/16) = 7 rounds * 1 */
    ck_assert_uint_eq(acc.n[ACT_ACT], 100);
    ck_assert_uint_eq(periph_stats(x)->activations, 100);
}
END_TEST

START_TEST(test_periph_pool_costs_window_minus_one_ops_per_output)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_pool(x, 32, 4, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 18);             /* ceil(32/16) = 2 rounds * (4-1) * 3 */
    ck_assert_uint_eq(acc.n[ACT_POOL], 96); /* 32 * (4 - 1) */
    ck_assert_uint_eq(periph_stats(x)->pool_ops, 96);
}
END_TEST

START_TEST(test_periph_residual_add_cycles_are_rounds_times_t_add)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_add(x, 40, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 6); /* ceil(40/16) = 3 rounds * 2 */
    ck_assert_uint_eq(acc.n[ACT_ADD], 40);
    ck_assert_uint_eq(periph_stats(x)->adds, 40);
}
END_TEST

START_TEST(test_periph_stats_sum_and_reset_zeroes)
{
    uint64_t cyc;
    ck_assert_int_eq(periph_reduce(x, 3, 10, &cyc, &acc), ST_OK); /* 2 * 10 = 20 adds */
    ck_assert_int_eq(periph_add(x, 5, &cyc, &acc), ST_OK);        /* + 5 */
    ck_assert_uint_eq(periph_stats(x)->adds, 25);
    ck_assert_uint_eq(acc.n[ACT_ADD], 25);
    periph_stats_reset(x);
    ck_assert_uint_eq(periph_stats(x)->adds, 0);
    ck_assert_uint_eq(periph_stats(x)->activations, 0);
    ck_assert_uint_eq(periph_stats(x)->pool_ops, 0);
    ck_assert_int_eq(periph_scale(x, 4, &cyc, &acc), ST_OK); /* 4 muls */
    ck_assert_uint_eq(periph_stats(x)->muls, 4);
    periph_stats_reset(x);
    ck_assert_uint_eq(periph_stats(x)->muls, 0);
}
END_TEST

START_TEST(test_periph_scale_is_one_mul_per_output_in_lane_rounds)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_scale(x, 40, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 15);            /* ceil(40/16) = 3 rounds * t_mul 5 */
    ck_assert_uint_eq(acc.n[ACT_MUL], 40); /* one per output */
    ck_assert_uint_eq(acc.n[ACT_ADD], 0);  /* a pure multiplication */
    ck_assert_uint_eq(periph_stats(x)->muls, 40);
    ck_assert_uint_eq(periph_stats(x)->adds, 0);
}
END_TEST

START_TEST(test_periph_sample_is_one_mul_and_one_add_per_sample)
{
    uint64_t cyc = 0;
    /* s = mu + sigma * eps */
    ck_assert_int_eq(periph_sample(x, 40, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 21); /* 3 rounds * (t_mul 5 + t_add 2) */
    ck_assert_uint_eq(acc.n[ACT_MUL], 40);
    ck_assert_uint_eq(acc.n[ACT_ADD], 40);
    ck_assert_uint_eq(periph_stats(x)->muls, 40);
    ck_assert_uint_eq(periph_stats(x)->adds, 40);
}
END_TEST

START_TEST(test_periph_norm_is_three_muls_four_adds_in_two_sweeps)
{
    uint64_t cyc = 0;
    /* affine 1 mul + 1 add; x^2 1 mul, sums 2 adds; (x - mu) * inv_sigma 1 add + 1 mul */
    ck_assert_int_eq(periph_norm(x, 40, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 42);             /* 3 rounds * 2 sweeps * (5 + 2) */
    ck_assert_uint_eq(acc.n[ACT_MUL], 120); /* 3 * 40 */
    ck_assert_uint_eq(acc.n[ACT_ADD], 160); /* 4 * 40 */
    ck_assert_uint_eq(periph_stats(x)->muls, 120);
    ck_assert_uint_eq(periph_stats(x)->adds, 160);
}
END_TEST

START_TEST(test_periph_scale_requests_touch_no_other_action)
{
    uint64_t cyc;
    ck_assert_int_eq(periph_scale(x, 3, &cyc, &acc), ST_OK);
    ck_assert_int_eq(periph_sample(x, 3, &cyc, &acc), ST_OK);
    ck_assert_int_eq(periph_norm(x, 3, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_MUL], 15); /* 3 + 3 + 9 */
    ck_assert_uint_eq(acc.n[ACT_ADD], 15); /* 0 + 3 + 12 */
    for (int a = 0; a < ACT_COUNT; a++)
        if (a != ACT_MUL && a != ACT_ADD)
            ck_assert_uint_eq(acc.n[a], 0);
    ck_assert_uint_eq(periph_stats(x)->activations, 0);
    ck_assert_uint_eq(periph_stats(x)->pool_ops, 0);
}
END_TEST

START_TEST(test_periph_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(periph_stat_descs, periph_stat_ndescs, sizeof(periph_stats_t));
    ck_assert_int_eq(periph_pool(x, 10, 2, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(
        ns_stat_value(periph_stats(x), periph_stat_descs, periph_stat_ndescs, "pool_ops"), 10);
    ck_assert_int_eq(periph_norm(x, 2, &cyc, &acc), ST_OK); /* 3 * 2 = 6 muls */
    ck_assert_uint_eq(ns_stat_value(periph_stats(x), periph_stat_descs, periph_stat_ndescs, "muls"),
                      6);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_periph_4_partials_take_2_levels_5_take_3)
{
    uint64_t c4 = 0, c5 = 0;
    ck_assert_int_eq(periph_reduce(x, 4, 16, &c4, &acc), ST_OK);
    ck_assert_int_eq(periph_reduce(x, 5, 16, &c5, &acc), ST_OK);
    ck_assert_uint_eq(c4, 4); /* 2 levels * 2 * 1 round */
    ck_assert_uint_eq(c5, 6); /* 3 levels * 2 * 1 round */
}
END_TEST

START_TEST(test_periph_single_partial_needs_no_adder)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(periph_reduce(x, 1, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 0);
    ck_assert_uint_eq(acc.n[ACT_ADD], 0);
    /* and 2 partials: one level, one add per output */
    ck_assert_int_eq(periph_reduce(x, 2, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 8); /* 1 * 2 * 4 rounds */
    ck_assert_uint_eq(acc.n[ACT_ADD], 64);
}
END_TEST

START_TEST(test_periph_16_outputs_take_one_round_17_take_two)
{
    uint64_t c16 = 0, c17 = 0;
    ck_assert_int_eq(periph_activate(x, 16, &c16, &acc), ST_OK);
    ck_assert_int_eq(periph_activate(x, 17, &c17, &acc), ST_OK);
    ck_assert_uint_eq(c16, 1);
    ck_assert_uint_eq(c17, 2);
}
END_TEST

START_TEST(test_periph_one_input_window_costs_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(periph_pool(x, 1000, 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 0);
    ck_assert_uint_eq(acc.n[ACT_POOL], 0);
}
END_TEST

START_TEST(test_periph_scale_16_outputs_take_one_round_17_take_two)
{
    uint64_t c16 = 0, c17 = 0, s16 = 0, s17 = 0, n16 = 0, n17 = 0;
    ck_assert_int_eq(periph_scale(x, 16, &c16, &acc), ST_OK);
    ck_assert_int_eq(periph_scale(x, 17, &c17, &acc), ST_OK);
    ck_assert_uint_eq(c16, 5);  /* 1 round * 5 */
    ck_assert_uint_eq(c17, 10); /* 2 rounds * 5 */
    ck_assert_int_eq(periph_sample(x, 16, &s16, &acc), ST_OK);
    ck_assert_int_eq(periph_sample(x, 17, &s17, &acc), ST_OK);
    ck_assert_uint_eq(s16, 7);  /* 1 * (5 + 2) */
    ck_assert_uint_eq(s17, 14); /* 2 * (5 + 2) */
    ck_assert_int_eq(periph_norm(x, 16, &n16, &acc), ST_OK);
    ck_assert_int_eq(periph_norm(x, 17, &n17, &acc), ST_OK);
    ck_assert_uint_eq(n16, 14); /* 1 * 2 * (5 + 2) */
    ck_assert_uint_eq(n17, 28); /* 2 * 2 * (5 + 2) */
}
END_TEST

START_TEST(test_periph_scale_requests_of_zero_outputs_cost_nothing)
{
    uint64_t c1 = 77, c2 = 77, c3 = 77;
    ck_assert_int_eq(periph_scale(x, 0, &c1, &acc), ST_OK);
    ck_assert_int_eq(periph_sample(x, 0, &c2, &acc), ST_OK);
    ck_assert_int_eq(periph_norm(x, 0, &c3, &acc), ST_OK);
    ck_assert_uint_eq(c1, 0); /* ceil(0/16) = 0 rounds, as periph_add(x, 0) */
    ck_assert_uint_eq(c2, 0);
    ck_assert_uint_eq(c3, 0);
    ck_assert_uint_eq(acc.n[ACT_MUL], 0);
    ck_assert_uint_eq(acc.n[ACT_ADD], 0);
    ck_assert_uint_eq(periph_stats(x)->muls, 0);
}
END_TEST

START_TEST(test_periph_largest_norm_that_fits_counts_3n_muls)
{
    /* n = floor((2^64 - 1) / 4) = 2^62 - 1: 4n = 2^64 - 4 adds fit; one lane rounds
     * n * 2 * (1 + 1) = 4n cycles fit too. */
    periph_params_t p = {
        .lanes = 1, .t_add_cyc = 1, .t_act_cyc = 1, .t_pool_cyc = 1, .t_mul_cyc = 1};
    periph_t *y;
    uint64_t cyc = 0;
    const uint64_t n = UINT64_MAX / 4;
    ck_assert_uint_eq(n, 0x3FFFFFFFFFFFFFFFull);
    ck_assert_int_eq(periph_create(&p, &y), ST_OK);
    ck_assert_int_eq(periph_norm(y, n, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 0xFFFFFFFFFFFFFFFCull);            /* 4n */
    ck_assert_uint_eq(acc.n[ACT_ADD], 0xFFFFFFFFFFFFFFFCull); /* 4n */
    ck_assert_uint_eq(acc.n[ACT_MUL], 0xBFFFFFFFFFFFFFFDull); /* 3n = 3 * 2^62 - 3 */
    periph_destroy(y);
}
END_TEST

START_TEST(test_periph_largest_tree_has_32_levels)
{
    periph_params_t p = {
        .lanes = 1, .t_add_cyc = 1, .t_act_cyc = 1, .t_pool_cyc = 1, .t_mul_cyc = 1};
    periph_t *y;
    uint64_t cyc = 0;
    ck_assert_int_eq(periph_create(&p, &y), ST_OK);
    ck_assert_int_eq(periph_reduce(y, UINT32_MAX, 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 32); /* ceil(log2(2^32 - 1)) = 32 */
    ck_assert_int_eq(periph_reduce(y, 0x80000001u, 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 32); /* 2^31 + 1 needs one level more than 2^31 */
    ck_assert_int_eq(periph_reduce(y, 0x80000000u, 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 31);
    periph_destroy(y);
}
END_TEST

/* ---- Errors ---- */

/* good with one field zeroed each */
static const periph_params_t bad[] = {
    {.lanes = 0, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 3, .t_mul_cyc = 5},
    {.lanes = 16, .t_add_cyc = 0, .t_act_cyc = 1, .t_pool_cyc = 3, .t_mul_cyc = 5},
    {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 0, .t_pool_cyc = 3, .t_mul_cyc = 5},
    {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 0, .t_mul_cyc = 5},
    {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 3, .t_mul_cyc = 0},
};

START_TEST(test_periph_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    periph_t *out = (periph_t *)(void *)&marker;
    ck_assert_int_eq(periph_create(&bad[_i], &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (periph_t *)(void *)&marker);
}
END_TEST

START_TEST(test_periph_arguments_below_minimum_are_einval_and_count_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(periph_reduce(x, 0, 64, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_reduce(x, 4, 0, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_pool(x, 32, 0, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_activate(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_add(x, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_add(x, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_uint_eq(acc.n[a], 0);
    ck_assert_uint_eq(periph_stats(x)->adds, 0);
    ck_assert_uint_eq(periph_stats(x)->pool_ops, 0);
    periph_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_periph_overflowing_pool_is_erange_and_counts_nothing)
{
    uint64_t cyc = 77;
    /* 2^64 - 1 outputs * (3 - 1) ops each does not fit in 64 bits */
    ck_assert_int_eq(periph_pool(x, UINT64_MAX, 3, &cyc, &acc), ST_ERANGE);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_POOL], 0);
    ck_assert_uint_eq(periph_stats(x)->pool_ops, 0);
}
END_TEST

START_TEST(test_periph_overflowing_scale_requests_are_erange_and_count_nothing)
{
    uint64_t cyc = 77;
    /* one lane, t_mul 2, t_add 1 */
    periph_params_t p = {
        .lanes = 1, .t_add_cyc = 1, .t_act_cyc = 1, .t_pool_cyc = 1, .t_mul_cyc = 2};
    periph_t *y;
    ck_assert_int_eq(periph_create(&p, &y), ST_OK);
    /* norm, counts only (fixture: 16 lanes): n = 2^62 -> 4n = 2^64 adds do not fit, while
     * 3n muls and 2^58 rounds * 2 * 7 cycles would */
    ck_assert_int_eq(periph_norm(x, (uint64_t)1 << 62, &cyc, &acc), ST_ERANGE);
    /* norm, cycles only: n = 2^62 - 1 rounds * 2 * (2 + 1) = 6n > 2^64; 4n adds fit */
    ck_assert_int_eq(periph_norm(y, ((uint64_t)1 << 62) - 1, &cyc, &acc), ST_ERANGE);
    /* sample: (2^64 - 1) rounds * (2 + 1) cycles do not fit */
    ck_assert_int_eq(periph_sample(y, UINT64_MAX, &cyc, &acc), ST_ERANGE);
    /* scale: (2^64 - 1) rounds * t_mul 2 do not fit */
    ck_assert_int_eq(periph_scale(y, UINT64_MAX, &cyc, &acc), ST_ERANGE);
    ck_assert_uint_eq(cyc, 77);
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_uint_eq(acc.n[a], 0);
    ck_assert_uint_eq(periph_stats(y)->muls, 0);
    ck_assert_uint_eq(periph_stats(y)->adds, 0);
    ck_assert_uint_eq(periph_stats(x)->muls, 0);
    ck_assert_uint_eq(periph_stats(x)->adds, 0);
    /* one below the scale limit: 2^63 - 1 rounds * 2 = 2^64 - 2 cycles fit */
    ck_assert_int_eq(periph_scale(y, ((uint64_t)1 << 63) - 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, UINT64_MAX - 1);
    ck_assert_int_eq(periph_scale(y, (uint64_t)1 << 63, &cyc, &acc), ST_ERANGE); /* 2^64 */
    periph_destroy(y);
}
END_TEST

START_TEST(test_periph_scale_requests_with_null_arguments_are_einval)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(periph_scale(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_sample(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_norm(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_scale(x, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(periph_sample(x, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_int_eq(periph_norm(x, 1, NULL, &acc), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_MUL], 0);
    ck_assert_uint_eq(periph_stats(x)->muls, 0);
}
END_TEST

START_TEST(test_periph_create_survives_every_allocation_failure)
{
    periph_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(periph_t, out, fails, periph_create(&good, &out));
    ck_assert_uint_ge(fails, 1);
    periph_destroy(out);
}
END_TEST

Suite *periph_suite(void)
{
    Suite *s = suite_create("periph");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_periph_reduce_cycles_are_levels_times_t_add_times_rounds);
    tcase_add_test(core, test_periph_reduce_adds_are_n_minus_one_per_output);
    tcase_add_test(core, test_periph_activate_cycles_are_rounds_times_t_act);
    tcase_add_test(core, test_periph_pool_costs_window_minus_one_ops_per_output);
    tcase_add_test(core, test_periph_residual_add_cycles_are_rounds_times_t_add);
    tcase_add_test(core, test_periph_stats_sum_and_reset_zeroes);
    tcase_add_test(core, test_periph_scale_is_one_mul_per_output_in_lane_rounds);
    tcase_add_test(core, test_periph_sample_is_one_mul_and_one_add_per_sample);
    tcase_add_test(core, test_periph_norm_is_three_muls_four_adds_in_two_sweeps);
    tcase_add_test(core, test_periph_scale_requests_touch_no_other_action);
    tcase_add_test(core, test_periph_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_periph_4_partials_take_2_levels_5_take_3);
    tcase_add_test(lim, test_periph_single_partial_needs_no_adder);
    tcase_add_test(lim, test_periph_16_outputs_take_one_round_17_take_two);
    tcase_add_test(lim, test_periph_one_input_window_costs_nothing);
    tcase_add_test(lim, test_periph_largest_tree_has_32_levels);
    tcase_add_test(lim, test_periph_scale_16_outputs_take_one_round_17_take_two);
    tcase_add_test(lim, test_periph_scale_requests_of_zero_outputs_cost_nothing);
    tcase_add_test(lim, test_periph_largest_norm_that_fits_counts_3n_muls);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_periph_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(err, test_periph_arguments_below_minimum_are_einval_and_count_nothing);
    tcase_add_test(err, test_periph_overflowing_pool_is_erange_and_counts_nothing);
    tcase_add_test(err, test_periph_overflowing_scale_requests_are_erange_and_count_nothing);
    tcase_add_test(err, test_periph_scale_requests_with_null_arguments_are_einval);
    tcase_add_test(err, test_periph_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
