/* check_xbar.c - SOT-MRAM crossbar: read steps, cycles, cell actions (models/xbar.c). */
#include "base/status.h"
#include "check_models.h"
#include "xbar.h"

/* 128 pairs x 64 columns, 32 pairs per step, 3-cycle read, 10-cycle row write. */
static const xbar_params_t good = {
    .rows = 128, .cols = 64, .max_active_rows = 32, .t_read_cyc = 3, .t_write_cyc = 10};
static xbar_t *x;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(xbar_create(&good, &x), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    xbar_destroy(x);
    x = NULL;
}

/* ---- Core ---- */

START_TEST(test_xbar_read_steps_are_ceil_rows_over_max_active)
{
    ck_assert_uint_eq(xbar_read_steps(&good, 100), 4); /* 32+32+32+4: ceil(100/32) = 4 */
    ck_assert_uint_eq(xbar_read_steps(&good, 64), 2);  /* 64/32 exactly */
    ck_assert_uint_eq(xbar_read_steps(&good, 65), 3);  /* one pair spills into step 3 */
}
END_TEST

START_TEST(test_xbar_cycles_are_steps_times_t_read)
{
    xbar_req_t rq = {.rows_used = 100, .cols_used = 50, .rows_driven = 100};
    uint64_t cyc = 0;
    ck_assert_int_eq(xbar_mvm(x, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 12); /* 4 steps * 3 cycles */
}
END_TEST

START_TEST(test_xbar_cell_reads_are_driven_rows_times_cols)
{
    xbar_req_t rq = {.rows_used = 100, .cols_used = 50, .rows_driven = 90};
    uint64_t cyc = 0;
    acc.n[ACT_XBAR_CELL_READ] = 7; /* the accumulator is add-only */
    ck_assert_int_eq(xbar_mvm(x, &rq, &cyc, &acc), ST_OK);
    /* 90 driven pairs * 50 cols = 4500 cells, each biased for t_read_cyc = 3 cycles */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 7 + 13500);
    for (int a = 0; a < ACT_COUNT; a++)
        if (a != ACT_XBAR_CELL_READ)
            ck_assert_uint_eq(acc.n[a], 0);
}
END_TEST

START_TEST(test_xbar_dropping_rows_does_not_shorten_the_read)
{
    xbar_req_t all = {.rows_used = 100, .cols_used = 50, .rows_driven = 100};
    xbar_req_t some = {.rows_used = 100, .cols_used = 50, .rows_driven = 10};
    uint64_t c_all = 0, c_some = 0;
    ck_assert_int_eq(xbar_mvm(x, &all, &c_all, &acc), ST_OK);
    ck_assert_int_eq(xbar_mvm(x, &some, &c_some, &acc), ST_OK);
    ck_assert_uint_eq(c_all, c_some); /* steps depend on rows_used, not on rows_driven */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], (5000 + 500) * 3); /* (100*50 + 10*50) * 3 */
}
END_TEST

START_TEST(test_xbar_stats_sum_over_reads_and_reset_zeroes)
{
    xbar_req_t a = {.rows_used = 100, .cols_used = 50, .rows_driven = 90};
    xbar_req_t b = {.rows_used = 32, .cols_used = 64, .rows_driven = 32};
    uint64_t cyc;
    ck_assert_int_eq(xbar_mvm(x, &a, &cyc, &acc), ST_OK);
    ck_assert_int_eq(xbar_mvm(x, &b, &cyc, &acc), ST_OK);
    const xbar_stats_t *st = xbar_stats(x);
    ck_assert_uint_eq(st->mvms, 2);
    ck_assert_uint_eq(st->read_steps, 5);           /* 4 + 1 */
    ck_assert_uint_eq(st->cell_reads, 4500 + 2048); /* 90*50 + 32*64 */
    ck_assert_uint_eq(st->row_writes, 0);
    xbar_stats_reset(x);
    ck_assert_uint_eq(st->mvms, 0);
    ck_assert_uint_eq(st->read_steps, 0);
    ck_assert_uint_eq(st->cell_reads, 0);
}
END_TEST

START_TEST(test_xbar_program_costs_rows_times_t_write_and_two_cells_per_weight)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(xbar_program(x, 10, 20, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 100);                        /* 10 rows * 10 cycles */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_WRITE], 400); /* 2 cells * 10 * 20 */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);    /* writes are booked apart */
    ck_assert_uint_eq(xbar_stats(x)->row_writes, 10);
    ck_assert_uint_eq(xbar_stats(x)->cell_writes, 400);
    ck_assert_uint_eq(xbar_stats(x)->mvms, 0);
}
END_TEST

START_TEST(test_xbar_stat_descs_cover_every_counter)
{
    ns_check_stat_descs(xbar_stat_descs, xbar_stat_ndescs, sizeof(xbar_stats_t));
    xbar_req_t rq = {.rows_used = 100, .cols_used = 50, .rows_driven = 90};
    uint64_t cyc;
    ck_assert_int_eq(xbar_mvm(x, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(ns_stat_value(xbar_stats(x), xbar_stat_descs, xbar_stat_ndescs, "cell_reads"),
                      4500);
}
END_TEST

/* The circuit of docs/parameters.md with round numbers: V_read 0.2 V, R_P 3 kOhm, TMR 1
 * (R_AP 6 kOhm), R_access 1 kOhm; 100 columns of 8F x 5F cells at F = 50 nm, 0.15 fF gate
 * and 0.25 fF/um wire. */
static const xbar_params_t phys = {.rows = 64,
                                   .cols = 100,
                                   .max_active_rows = 32,
                                   .t_read_cyc = 1,
                                   .t_write_cyc = 1,
                                   .v_read_v = 0.2,
                                   .r_p_kohm = 3,
                                   .tmr = 1,
                                   .r_access_kohm = 1,
                                   .c_gate_ff = 0.15,
                                   .c_wire_ff_per_um = 0.25,
                                   .feature_nm = 50,
                                   .cell_w_f = 8,
                                   .cell_h_f = 5};

START_TEST(test_xbar_cell_cycle_energy_is_v2_over_series_r_times_t)
{
    /* P: 1/(3 + 1 kOhm) = 0.25 mS; AP: 1/(6 + 1 kOhm) = 0.142857 mS; mean 0.196429 mS.
     * 0.2^2 V^2 x 0.196429 mS x 2 ns (500 MHz) = 0.04 x 0.392857 = 0.0157143 pJ. */
    ck_assert_double_eq_tol(xbar_e_cell_cyc_pj(&phys, 2.0), 0.0157142857, 1e-9);
    /* Without the access transistor: (1/3 + 1/6)/2 = 0.25 mS -> 0.04 x 0.25 x 1 = 0.01 pJ. */
    xbar_params_t bare = phys;
    bare.r_access_kohm = 0;
    ck_assert_double_eq_tol(xbar_e_cell_cyc_pj(&bare, 1.0), 0.01, 1e-12);
}
END_TEST

START_TEST(test_xbar_word_line_cap_is_cells_times_gate_plus_wire)
{
    /* Cell width 8 x 50 nm = 0.4 um -> 0.4 x 0.25 = 0.1 fF of wire; + 0.15 fF gate
     * = 0.25 fF per cell; x 100 cells = 25 fF. */
    ck_assert_double_eq_tol(xbar_wl_cap_ff(&phys), 25.0, 1e-9);
}
END_TEST

START_TEST(test_xbar_area_is_two_cells_per_weight)
{
    /* 2 x 64 x 100 cells of (0.4 um x 0.25 um = 0.1 um^2) = 1280 um^2; no static power. */
    ck_assert_double_eq_tol(xbar_area_um2(&phys), 1280.0, 1e-9);
    ck_assert_double_eq(xbar_static_uw(&phys), 0.0);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_xbar_32_rows_take_one_step_33_take_two)
{
    xbar_req_t r32 = {.rows_used = 32, .cols_used = 1, .rows_driven = 32};
    xbar_req_t r33 = {.rows_used = 33, .cols_used = 1, .rows_driven = 33};
    uint64_t c32 = 0, c33 = 0;
    ck_assert_int_eq(xbar_mvm(x, &r32, &c32, &acc), ST_OK);
    ck_assert_int_eq(xbar_mvm(x, &r33, &c33, &acc), ST_OK);
    ck_assert_uint_eq(c32, 3); /* 1 step * 3 */
    ck_assert_uint_eq(c33, 6); /* 2 steps * 3 */
}
END_TEST

START_TEST(test_xbar_full_array_and_single_cell_are_accepted)
{
    xbar_req_t full = {.rows_used = 128, .cols_used = 64, .rows_driven = 128};
    xbar_req_t one = {.rows_used = 1, .cols_used = 1, .rows_driven = 1};
    uint64_t cyc = 0;
    ck_assert_int_eq(xbar_mvm(x, &full, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 12); /* 128/32 = 4 steps * 3 */
    ck_assert_int_eq(xbar_mvm(x, &one, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 3);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], (8192 + 1) * 3); /* (128*64 + 1) * t_read 3 */
}
END_TEST

START_TEST(test_xbar_all_rows_dropped_reads_no_cell)
{
    xbar_req_t rq = {.rows_used = 100, .cols_used = 50, .rows_driven = 0};
    uint64_t cyc = 0;
    ck_assert_int_eq(xbar_mvm(x, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 12); /* the steps still run */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
}
END_TEST

START_TEST(test_xbar_max_active_rows_equal_rows_reads_in_one_step)
{
    xbar_params_t p = good;
    p.max_active_rows = p.rows;
    ck_assert_uint_eq(xbar_read_steps(&p, 128), 1);
    p.max_active_rows = 1; /* one pair per step: steps = rows */
    ck_assert_uint_eq(xbar_read_steps(&p, 128), 128);
    /* no wrap near the top of uint32: ceil((2^32 - 1) / 2) = 2^31 */
    p.max_active_rows = 2;
    ck_assert_uint_eq(xbar_read_steps(&p, UINT32_MAX), 2147483648u);
}
END_TEST

/* ---- Errors ---- */

static const xbar_params_t bad_params[] = {
    {.rows = 0, .cols = 64, .max_active_rows = 1, .t_read_cyc = 3},
    {.rows = 128, .cols = 0, .max_active_rows = 32, .t_read_cyc = 3},
    {.rows = 128, .cols = 64, .max_active_rows = 0, .t_read_cyc = 3},
    {.rows = 128, .cols = 64, .max_active_rows = 129, .t_read_cyc = 3},
    {.rows = 128, .cols = 64, .max_active_rows = 32, .t_read_cyc = 0},
};

START_TEST(test_xbar_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    xbar_t *out = (xbar_t *)(void *)&marker;
    ck_assert_int_eq(xbar_create(&bad_params[_i], &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (xbar_t *)(void *)&marker);
}
END_TEST

static const xbar_req_t bad_reqs[] = {
    {.rows_used = 129, .cols_used = 64, .rows_driven = 0}, /* more rows than the array */
    {.rows_used = 128, .cols_used = 65, .rows_driven = 0}, /* more columns */
    {.rows_used = 0, .cols_used = 64, .rows_driven = 0},   /* empty */
    {.rows_used = 10, .cols_used = 0, .rows_driven = 0},   /* empty */
    {.rows_used = 10, .cols_used = 64, .rows_driven = 11}, /* drives unused rows */
};

START_TEST(test_xbar_oversized_request_is_einval_and_counts_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(xbar_mvm(x, &bad_reqs[_i], &cyc, &acc), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
    ck_assert_uint_eq(xbar_stats(x)->mvms, 0);
    ck_assert_uint_eq(xbar_stats(x)->read_steps, 0);
}
END_TEST

START_TEST(test_xbar_program_outside_array_is_einval)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(xbar_program(x, 129, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(xbar_program(x, 1, 65, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(xbar_program(x, 0, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_WRITE], 0);
    ck_assert_uint_eq(xbar_stats(x)->row_writes, 0);
}
END_TEST

START_TEST(test_xbar_null_arguments_are_einval)
{
    xbar_req_t rq = {.rows_used = 1, .cols_used = 1, .rows_driven = 1};
    uint64_t cyc;
    ck_assert_int_eq(xbar_create(NULL, &x), ST_EINVAL);
    ck_assert_int_eq(xbar_create(&good, NULL), ST_EINVAL);
    ck_assert_int_eq(xbar_mvm(NULL, &rq, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(xbar_mvm(x, NULL, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(xbar_mvm(x, &rq, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(xbar_mvm(x, &rq, &cyc, NULL), ST_EINVAL);
    xbar_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_xbar_create_survives_every_allocation_failure)
{
    xbar_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(xbar_t, out, fails, xbar_create(&good, &out));
    ck_assert_uint_ge(fails, 1); /* at least the handle itself is allocated */
    xbar_destroy(out);
}
END_TEST

Suite *xbar_suite(void)
{
    Suite *s = suite_create("xbar");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_xbar_cell_cycle_energy_is_v2_over_series_r_times_t);
    tcase_add_test(core, test_xbar_word_line_cap_is_cells_times_gate_plus_wire);
    tcase_add_test(core, test_xbar_area_is_two_cells_per_weight);
    tcase_add_test(core, test_xbar_read_steps_are_ceil_rows_over_max_active);
    tcase_add_test(core, test_xbar_cycles_are_steps_times_t_read);
    tcase_add_test(core, test_xbar_cell_reads_are_driven_rows_times_cols);
    tcase_add_test(core, test_xbar_dropping_rows_does_not_shorten_the_read);
    tcase_add_test(core, test_xbar_stats_sum_over_reads_and_reset_zeroes);
    tcase_add_test(core, test_xbar_program_costs_rows_times_t_write_and_two_cells_per_weight);
    tcase_add_test(core, test_xbar_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_xbar_32_rows_take_one_step_33_take_two);
    tcase_add_test(lim, test_xbar_full_array_and_single_cell_are_accepted);
    tcase_add_test(lim, test_xbar_all_rows_dropped_reads_no_cell);
    tcase_add_test(lim, test_xbar_max_active_rows_equal_rows_reads_in_one_step);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_xbar_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad_params / sizeof bad_params[0]));
    tcase_add_loop_test(err, test_xbar_oversized_request_is_einval_and_counts_nothing, 0,
                        (int)(sizeof bad_reqs / sizeof bad_reqs[0]));
    tcase_add_test(err, test_xbar_program_outside_array_is_einval);
    tcase_add_test(err, test_xbar_null_arguments_are_einval);
    tcase_add_test(err, test_xbar_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
