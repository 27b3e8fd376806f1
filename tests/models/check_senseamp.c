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

START_TEST(test_senseamp_counts_one_conversion_per_column_and_a_comparison_per_bit)
{
    uint64_t cyc;
    ck_assert_int_eq(senseamp_read(s, 50, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 50); /* one 4-bit conversion per column */
    ck_assert_uint_eq(acc.n[ACT_SA_MUX], 50);   /* 8 columns share an SA: each is selected */
    ck_assert_uint_eq(acc.n[ACT_SA_SAMPLE], 0); /* no sample-and-hold */
    ck_assert_int_eq(senseamp_read(s, 3, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 53); /* + 3 */
    ck_assert_uint_eq(senseamp_stats(s)->reads, 2);
    ck_assert_uint_eq(senseamp_stats(s)->conversions, 53);
    ck_assert_uint_eq(senseamp_stats(s)->comparisons, 212); /* 53 conversions * 4 bits */
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

/* Circuit values with round numbers: FOM 10 fJ/step, 0.25 fF per pass gate at 1 V, 4 fF
 * sample capacitor; areas 40 um^2 + 2 um^2 per level, 0.5 um^2 per pass gate, 3 um^2 per
 * sample-and-hold; 1.5 uW per SA. */
static const senseamp_params_t phys = {.cols_per_sa = 8,
                                       .psum_bits = 6,
                                       .t_sense_cyc = 1,
                                       .fom_fj = 10,
                                       .v_dd_v = 1.0,
                                       .c_mux_ff = 0.25,
                                       .c_sh_ff = 4,
                                       .a_sa_um2 = 40,
                                       .a_lsb_um2 = 2,
                                       .a_mux_um2 = 0.5,
                                       .a_sh_um2 = 3,
                                       .p_sa_uw = 1.5};

START_TEST(test_senseamp_conversion_energy_doubles_per_bit)
{
    senseamp_params_t p = phys;
    ck_assert_double_eq_tol(senseamp_e_conv_pj(&p), 0.64, 1e-12); /* 10 fJ x 2^6 = 640 fJ */
    p.psum_bits = 7;
    ck_assert_double_eq_tol(senseamp_e_conv_pj(&p), 1.28, 1e-12); /* 10 fJ x 2^7 = 1280 fJ */
    p.psum_bits = 1;
    ck_assert_double_eq_tol(senseamp_e_conv_pj(&p), 0.02, 1e-12); /* sign SA: 10 x 2 fJ */
}
END_TEST

START_TEST(test_senseamp_mux_energy_grows_with_columns_per_sa)
{
    senseamp_params_t p = phys;
    /* 8 pass gates x 0.25 fF on the shared node x 1 V^2 = 2 fJ per selection. */
    ck_assert_double_eq_tol(senseamp_e_mux_pj(&p), 0.002, 1e-12);
    p.cols_per_sa = 32;
    ck_assert_double_eq_tol(senseamp_e_mux_pj(&p), 0.008, 1e-12);    /* 32 x 0.25 fF */
    ck_assert_double_eq_tol(senseamp_e_sample_pj(&p), 0.004, 1e-12); /* 4 fF x 1 V^2 */
}
END_TEST

START_TEST(test_senseamp_bit_lines_stay_biased_through_the_mux_unless_held)
{
    senseamp_params_t p = phys;
    /* 128 columns, 8 per SA -> 16 SAs; 100 used -> ceil(100/16) = 7 slots x 6 bits x 1 */
    ck_assert_uint_eq(senseamp_sense_cycles(&p, 128, 100), 42);
    ck_assert_uint_eq(senseamp_hold_cycles(&p, 128, 100), 42);
    p.sample_hold = 1;
    ck_assert_uint_eq(senseamp_sense_cycles(&p, 128, 100), 42); /* sensing takes as long */
    ck_assert_uint_eq(senseamp_hold_cycles(&p, 128, 100), 0);   /* but the lines are free */
}
END_TEST

START_TEST(test_senseamp_sample_hold_counts_a_sample_per_column)
{
    senseamp_params_t p = phys;
    senseamp_t *t;
    uint64_t cyc;
    p.sample_hold = 1;
    p.cols_per_sa = 1; /* an SA per column: no mux */
    ck_assert_int_eq(senseamp_create(&p, 64, &t), ST_OK);
    ck_assert_int_eq(senseamp_read(t, 20, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SA_SAMPLE], 20);
    ck_assert_uint_eq(acc.n[ACT_SA_MUX], 0);
    ck_assert_uint_eq(senseamp_stats(t)->samples, 20);
    senseamp_destroy(t);
}
END_TEST

START_TEST(test_senseamp_area_and_static_power_fall_with_sharing)
{
    senseamp_params_t p = phys;
    /* 128 columns, 8 per SA: 16 x (40 + 2 x 64) = 2688 um^2 of SAs + 128 x 0.5 of mux
     * = 2752 um^2; 16 x 1.5 = 24 uW. */
    ck_assert_double_eq_tol(senseamp_area_um2(&p, 128), 2752.0, 1e-9);
    ck_assert_double_eq_tol(senseamp_static_uw(&p, 128), 24.0, 1e-12);
    /* 32 per SA: 4 x 168 = 672 + 64 = 736 um^2; 4 x 1.5 = 6 uW. */
    p.cols_per_sa = 32;
    ck_assert_double_eq_tol(senseamp_area_um2(&p, 128), 736.0, 1e-9);
    ck_assert_double_eq_tol(senseamp_static_uw(&p, 128), 6.0, 1e-12);
    /* one SA per column, no mux, with sample-and-hold: 128 x 168 + 128 x 3 = 21888 um^2 */
    p.cols_per_sa = 1;
    p.sample_hold = 1;
    ck_assert_double_eq_tol(senseamp_area_um2(&p, 128), 21888.0, 1e-9);
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
    tcase_add_test(core, test_senseamp_counts_one_conversion_per_column_and_a_comparison_per_bit);
    tcase_add_test(core, test_senseamp_conversion_energy_doubles_per_bit);
    tcase_add_test(core, test_senseamp_mux_energy_grows_with_columns_per_sa);
    tcase_add_test(core, test_senseamp_bit_lines_stay_biased_through_the_mux_unless_held);
    tcase_add_test(core, test_senseamp_sample_hold_counts_a_sample_per_column);
    tcase_add_test(core, test_senseamp_area_and_static_power_fall_with_sharing);
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
