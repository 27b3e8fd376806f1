/* check_periph.c - adder tree, activation, pooling, residual adds (models/periph.c). */
#include "base/status.h"
#include "check_models.h"
#include "periph.h"

/* 16 lanes; add 2, activation 1, pooling 3 cycles. */
static const periph_params_t good = {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 1,
                                     .t_pool_cyc = 3};
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
    ck_assert_uint_eq(cyc, 7);             /* ceil(100/16) = 7 rounds * 1 */
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
}
END_TEST

START_TEST(test_periph_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(periph_stat_descs, periph_stat_ndescs, sizeof(periph_stats_t));
    ck_assert_int_eq(periph_pool(x, 10, 2, &cyc, &acc), ST_OK);
    for (unsigned i = 0; i < periph_stat_ndescs; i++)
        if (!strcmp(periph_stat_descs[i].name, "pool_ops"))
            ck_assert_uint_eq(stat_get(periph_stats(x), &periph_stat_descs[i]), 10);
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

START_TEST(test_periph_largest_tree_has_32_levels)
{
    periph_params_t p = {.lanes = 1, .t_add_cyc = 1, .t_act_cyc = 1, .t_pool_cyc = 1};
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

static const periph_params_t bad[] = {
    {.lanes = 0, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 3},
    {.lanes = 16, .t_add_cyc = 0, .t_act_cyc = 1, .t_pool_cyc = 3},
    {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 0, .t_pool_cyc = 3},
    {.lanes = 16, .t_add_cyc = 2, .t_act_cyc = 1, .t_pool_cyc = 0},
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
    tcase_add_test(core, test_periph_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_periph_4_partials_take_2_levels_5_take_3);
    tcase_add_test(lim, test_periph_single_partial_needs_no_adder);
    tcase_add_test(lim, test_periph_16_outputs_take_one_round_17_take_two);
    tcase_add_test(lim, test_periph_one_input_window_costs_nothing);
    tcase_add_test(lim, test_periph_largest_tree_has_32_levels);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_periph_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(err, test_periph_arguments_below_minimum_are_einval_and_count_nothing);
    tcase_add_test(err, test_periph_overflowing_pool_is_erange_and_counts_nothing);
    tcase_add_test(err, test_periph_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
