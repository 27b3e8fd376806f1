/* check_senseamp.c - muxed sense amplifiers with multi-bit readout (models/senseamp.c). */
#include "base/status.h"
#include "check_models.h"
#include "senseamp.h"

/* 64 columns, 8 per SA -> 8 SAs; 4-bit partial sums; 2 cycles per comparison. */
static const senseamp_params_t good = {.cols_per_sa = 8, .psum_bits = 4, .t_sense_cyc = 2};
static senseamp_t *s;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(senseamp_create(&good, 64, &s), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    senseamp_destroy(s);
    s = NULL;
}

/* ---- Core ---- */

START_TEST(test_senseamp_count_is_ceil_cols_over_cols_per_sa)
{
    senseamp_t *t;
    ck_assert_uint_eq(senseamp_count(s), 8); /* 64 / 8 */
    ck_assert_int_eq(senseamp_create(&good, 65, &t), ST_OK);
    ck_assert_uint_eq(senseamp_count(t), 9); /* ceil(65 / 8): one SA for the 65th column */
    senseamp_destroy(t);
}
END_TEST

START_TEST(test_senseamp_cycles_are_slots_times_bits_times_t_sense)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(senseamp_read(s, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 64); /* ceil(64/8) = 8 slots * 4 bits * 2 cycles */
    ck_assert_int_eq(senseamp_read(s, 50, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 56); /* ceil(50/8) = 7 slots * 4 * 2 */
}
END_TEST

START_TEST(test_senseamp_counts_one_sense_per_column_and_bit)
{
    uint64_t cyc;
    ck_assert_int_eq(senseamp_read(s, 50, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 200); /* 50 columns * 4 bits */
    ck_assert_int_eq(senseamp_read(s, 3, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 212); /* + 3 * 4 */
    ck_assert_uint_eq(senseamp_stats(s)->reads, 2);
    ck_assert_uint_eq(senseamp_stats(s)->comparisons, 212);
    senseamp_stats_reset(s);
    ck_assert_uint_eq(senseamp_stats(s)->reads, 0);
    ck_assert_uint_eq(senseamp_stats(s)->comparisons, 0);
}
END_TEST

START_TEST(test_senseamp_sign_sa_is_one_comparison_per_slot)
{
    senseamp_params_t p = {.cols_per_sa = 4, .psum_bits = 1, .t_sense_cyc = 3};
    senseamp_t *t;
    uint64_t cyc = 0;
    ck_assert_int_eq(senseamp_create(&p, 32, &t), ST_OK); /* 8 SAs */
    ck_assert_int_eq(senseamp_read(t, 32, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 12);                 /* 4 slots * 1 bit * 3 cycles */
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 32); /* 32 columns * 1 bit */
    senseamp_destroy(t);
}
END_TEST

START_TEST(test_senseamp_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(senseamp_stat_descs, senseamp_stat_ndescs, sizeof(senseamp_stats_t));
    ck_assert_int_eq(senseamp_read(s, 10, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(
        ns_stat_value(senseamp_stats(s), senseamp_stat_descs, senseamp_stat_ndescs, "comparisons"),
        40);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_senseamp_8_columns_take_one_slot_9_take_two)
{
    uint64_t c8 = 0, c9 = 0;
    ck_assert_int_eq(senseamp_read(s, 8, &c8, &acc), ST_OK);
    ck_assert_int_eq(senseamp_read(s, 9, &c9, &acc), ST_OK);
    ck_assert_uint_eq(c8, 8);  /* 1 slot * 4 * 2 */
    ck_assert_uint_eq(c9, 16); /* 2 slots * 4 * 2 */
}
END_TEST

START_TEST(test_senseamp_one_sa_per_column_reads_in_one_slot)
{
    senseamp_params_t p = {.cols_per_sa = 1, .psum_bits = 16, .t_sense_cyc = 1};
    senseamp_t *t;
    uint64_t cyc = 0;
    ck_assert_int_eq(senseamp_create(&p, 64, &t), ST_OK); /* psum_bits 16 is the top */
    ck_assert_int_eq(senseamp_read(t, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 16); /* 1 slot * 16 bits */
    senseamp_destroy(t);
}
END_TEST

START_TEST(test_senseamp_one_sa_for_all_columns_reads_serially)
{
    senseamp_params_t p = {.cols_per_sa = 1000, .psum_bits = 1, .t_sense_cyc = 1};
    senseamp_t *t;
    uint64_t cyc = 0;
    ck_assert_int_eq(senseamp_create(&p, 64, &t), ST_OK);
    ck_assert_uint_eq(senseamp_count(t), 1); /* ceil(64 / 1000) */
    ck_assert_int_eq(senseamp_read(t, 64, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 64); /* 64 slots */
    senseamp_destroy(t);
}
END_TEST

/* ---- Errors ---- */

static const struct {
    senseamp_params_t p;
    uint32_t cols;
} bad[] = {
    {{.cols_per_sa = 0, .psum_bits = 4, .t_sense_cyc = 2}, 64},
    {{.cols_per_sa = 8, .psum_bits = 0, .t_sense_cyc = 2}, 64},
    {{.cols_per_sa = 8, .psum_bits = 17, .t_sense_cyc = 2}, 64},
    {{.cols_per_sa = 8, .psum_bits = 4, .t_sense_cyc = 0}, 64},
    {{.cols_per_sa = 8, .psum_bits = 4, .t_sense_cyc = 2}, 0},
};

START_TEST(test_senseamp_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    senseamp_t *out = (senseamp_t *)(void *)&marker;
    ck_assert_int_eq(senseamp_create(&bad[_i].p, bad[_i].cols, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (senseamp_t *)(void *)&marker);
}
END_TEST

START_TEST(test_senseamp_columns_outside_array_are_einval_and_count_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(senseamp_read(s, 0, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(senseamp_read(s, 65, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(senseamp_read(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(senseamp_read(s, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(senseamp_read(s, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 0);
    ck_assert_uint_eq(senseamp_stats(s)->reads, 0);
    senseamp_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_senseamp_create_survives_every_allocation_failure)
{
    senseamp_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(senseamp_t, out, fails, senseamp_create(&good, 64, &out));
    ck_assert_uint_ge(fails, 1);
    senseamp_destroy(out);
}
END_TEST

Suite *senseamp_suite(void)
{
    Suite *su = suite_create("senseamp");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_senseamp_count_is_ceil_cols_over_cols_per_sa);
    tcase_add_test(core, test_senseamp_cycles_are_slots_times_bits_times_t_sense);
    tcase_add_test(core, test_senseamp_counts_one_sense_per_column_and_bit);
    tcase_add_test(core, test_senseamp_sign_sa_is_one_comparison_per_slot);
    tcase_add_test(core, test_senseamp_stat_descs_cover_every_counter);
    suite_add_tcase(su, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_senseamp_8_columns_take_one_slot_9_take_two);
    tcase_add_test(lim, test_senseamp_one_sa_per_column_reads_in_one_slot);
    tcase_add_test(lim, test_senseamp_one_sa_for_all_columns_reads_serially);
    suite_add_tcase(su, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_senseamp_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(err, test_senseamp_columns_outside_array_are_einval_and_count_nothing);
    tcase_add_test(err, test_senseamp_create_survives_every_allocation_failure);
    suite_add_tcase(su, err);
    return su;
}
