/* check_energy.c - action table and counts x energy sums (models/energy.c). */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>

#include "check_models.h"
#include "energy.h"

/* A table and counts chosen so every product is exact in binary floating point. */
static void hand_table(en_table_t *t, act_counts_t *c)
{
    static const double e[ACT_COUNT] = {
        [ACT_XBAR_CELL_READ] = 0.5,
        [ACT_XBAR_CELL_WRITE] = 2.0,
        [ACT_WLDEC_DECODE] = 1.25,
        [ACT_SA_SENSE] = 0.75,
        [ACT_DRNG_SET] = 3.0,
        [ACT_DRNG_SENSE] = 0.5,
        [ACT_DRNG_RESET] = 2.0,
        [ACT_ARB_BIT] = 4.0,
        [ACT_SBUF_READ_BIT] = 0.125,
        [ACT_SBUF_WRITE_BIT] = 0.25,
        [ACT_ADD] = 0.25,
        [ACT_ACT] = 0.5,
        [ACT_POOL] = 0.75,
        [ACT_MUL] = 1.5,
        [ACT_BUS_BIT] = 0.0625,
    };
    static const uint64_t n[ACT_COUNT] = {
        [ACT_XBAR_CELL_READ] = 1000,
        [ACT_XBAR_CELL_WRITE] = 10,
        [ACT_WLDEC_DECODE] = 4,
        [ACT_SA_SENSE] = 64,
        [ACT_DRNG_SET] = 8,
        [ACT_DRNG_SENSE] = 8,
        [ACT_DRNG_RESET] = 8,
        [ACT_ARB_BIT] = 2,
        [ACT_SBUF_READ_BIT] = 256,
        [ACT_SBUF_WRITE_BIT] = 128,
        [ACT_ADD] = 12,
        [ACT_ACT] = 16,
        [ACT_POOL] = 6,
        [ACT_MUL] = 10,
        [ACT_BUS_BIT] = 320,
    };
    for (int i = 0; i < ACT_COUNT; i++) {
        t->e_pj[i] = e[i];
        c->n[i] = n[i];
    }
}

/* ---- Core ---- */

START_TEST(test_energy_act_names_are_lower_case_enum_names)
{
    /* Spot checks straight from the enum spelling (ACT_ prefix dropped, lower-cased). */
    ck_assert_str_eq(act_desc(ACT_XBAR_CELL_READ)->name, "xbar_cell_read");
    ck_assert_str_eq(act_desc(ACT_XBAR_CELL_WRITE)->name, "xbar_cell_write");
    ck_assert_str_eq(act_desc(ACT_WLDEC_DECODE)->name, "wldec_decode");
    ck_assert_str_eq(act_desc(ACT_SA_SENSE)->name, "sa_sense");
    ck_assert_str_eq(act_desc(ACT_DRNG_SET)->name, "drng_set");
    ck_assert_str_eq(act_desc(ACT_DRNG_SENSE)->name, "drng_sense");
    ck_assert_str_eq(act_desc(ACT_DRNG_RESET)->name, "drng_reset");
    ck_assert_str_eq(act_desc(ACT_ARB_BIT)->name, "arb_bit");
    ck_assert_str_eq(act_desc(ACT_SBUF_READ_BIT)->name, "sbuf_read_bit");
    ck_assert_str_eq(act_desc(ACT_SBUF_WRITE_BIT)->name, "sbuf_write_bit");
    ck_assert_str_eq(act_desc(ACT_ADD)->name, "add");
    ck_assert_str_eq(act_desc(ACT_ACT)->name, "act");
    ck_assert_str_eq(act_desc(ACT_POOL)->name, "pool");
    ck_assert_str_eq(act_desc(ACT_MUL)->name, "mul");
    ck_assert_str_eq(act_desc(ACT_BUS_BIT)->name, "bus_bit");
    ck_assert_str_eq(act_desc(ACT_WLDEC_WL_CHARGE)->name, "wldec_wl_charge");
    ck_assert_str_eq(act_desc(ACT_SA_MUX)->name, "sa_mux");
    ck_assert_str_eq(act_desc(ACT_SA_SAMPLE)->name, "sa_sample");
    for (int a = 0; a < ACT_COUNT; a++)
        for (const char *s = act_desc((act_t)a)->name; *s; s++)
            ck_assert_msg(!isupper((unsigned char)*s), "upper case in %s",
                          act_desc((act_t)a)->name);
}
END_TEST

START_TEST(test_energy_key_is_e_name_pj)
{
    for (int a = 0; a < ACT_COUNT; a++) {
        char want[64];
        snprintf(want, sizeof want, "e_%s_pj", act_desc((act_t)a)->name);
        ck_assert_str_eq(act_desc((act_t)a)->key, want);
        ck_assert_uint_gt(strlen(act_desc((act_t)a)->desc), 0);
    }
}
END_TEST

START_TEST(test_energy_every_act_has_distinct_key)
{
    for (int a = 0; a < ACT_COUNT; a++)
        for (int b = 0; b < a; b++) {
            ck_assert_str_ne(act_desc((act_t)a)->key, act_desc((act_t)b)->key);
            ck_assert_str_ne(act_desc((act_t)a)->name, act_desc((act_t)b)->name);
        }
}
END_TEST

START_TEST(test_energy_act_booked_to_component_of_enum_comment)
{
    static const comp_t want[ACT_COUNT] = {
        [ACT_XBAR_CELL_READ] = COMP_XBAR,
        [ACT_XBAR_CELL_WRITE] = COMP_XBAR,
        [ACT_WLDEC_DECODE] = COMP_WLDEC,
        [ACT_SA_SENSE] = COMP_SA,
        [ACT_DRNG_SET] = COMP_DRNG,
        [ACT_DRNG_SENSE] = COMP_DRNG,
        [ACT_DRNG_RESET] = COMP_DRNG,
        [ACT_ARB_BIT] = COMP_ARB,
        [ACT_SBUF_READ_BIT] = COMP_SBUF,
        [ACT_SBUF_WRITE_BIT] = COMP_SBUF,
        [ACT_ADD] = COMP_DIGITAL,
        [ACT_ACT] = COMP_DIGITAL,
        [ACT_POOL] = COMP_DIGITAL,
        [ACT_MUL] = COMP_DIGITAL,
        [ACT_BUS_BIT] = COMP_BUS,
        [ACT_WLDEC_WL_CHARGE] = COMP_WLDEC,
        [ACT_SA_MUX] = COMP_SA,
        [ACT_SA_SAMPLE] = COMP_SA,
        [ACT_LBUF_READ_BIT] = COMP_SBUF,
        [ACT_SCALE_READ_BIT] = COMP_SBUF,
        [ACT_SCALE_WRITE_BIT] = COMP_SBUF,
    };
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_int_eq(act_desc((act_t)a)->comp, want[a]);
}
END_TEST

START_TEST(test_energy_mul_is_digital_with_key_e_mul_pj)
{
    en_table_t t = {{0}};
    act_counts_t c = {{0}};
    double by[COMP_COUNT];
    ck_assert_str_eq(act_desc(ACT_MUL)->name, "mul");
    ck_assert_str_eq(act_desc(ACT_MUL)->key, "e_mul_pj");
    ck_assert_int_eq(act_desc(ACT_MUL)->comp, COMP_DIGITAL);
    /* it sits between the pooling and the bus actions */
    ck_assert_int_eq(ACT_MUL, ACT_POOL + 1);
    ck_assert_int_eq(ACT_BUS_BIT, ACT_MUL + 1);
    c.n[ACT_MUL] = 7;
    t.e_pj[ACT_MUL] = 0.5;
    en_by_comp_pj(&t, &c, by);
    for (int k = 0; k < COMP_COUNT; k++)
        ck_assert_double_eq_tol(by[k], k == COMP_DIGITAL ? 3.5 : 0.0, 1e-12); /* 7 * 0.5 */
}
END_TEST

START_TEST(test_energy_every_act_has_a_table_row)
{
    /* A designated-initializer table silently leaves a forgotten row NULL. */
    for (int a = 0; a < ACT_COUNT; a++) {
        ck_assert_ptr_nonnull(act_desc((act_t)a)->name);
        ck_assert_ptr_nonnull(act_desc((act_t)a)->key);
        ck_assert_ptr_nonnull(act_desc((act_t)a)->desc);
    }
}
END_TEST

START_TEST(test_energy_comp_names_are_lower_case_short_names)
{
    ck_assert_str_eq(comp_name(COMP_XBAR), "xbar");
    ck_assert_str_eq(comp_name(COMP_WLDEC), "wldec");
    ck_assert_str_eq(comp_name(COMP_SA), "sa");
    ck_assert_str_eq(comp_name(COMP_DRNG), "drng");
    ck_assert_str_eq(comp_name(COMP_ARB), "arb");
    ck_assert_str_eq(comp_name(COMP_SBUF), "sbuf");
    ck_assert_str_eq(comp_name(COMP_DIGITAL), "digital");
    ck_assert_str_eq(comp_name(COMP_BUS), "bus");
}
END_TEST

START_TEST(test_energy_total_is_sum_of_counts_times_energy)
{
    en_table_t t;
    act_counts_t c;
    hand_table(&t, &c);
    /* 1000*0.5 + 10*2 + 4*1.25 + 64*0.75 + 8*3 + 8*0.5 + 8*2 + 2*4 + 256*0.125 + 128*0.25
     * + 12*0.25 + 16*0.5 + 6*0.75 + 10*1.5 + 320*0.0625
     * = 500 + 20 + 5 + 48 + 24 + 4 + 16 + 8 + 32 + 32 + 3 + 8 + 4.5 + 15 + 20 = 739.5 pJ */
    ck_assert_double_eq_tol(en_total_pj(&t, &c), 739.5, 1e-9);
}
END_TEST

START_TEST(test_energy_by_comp_splits_total_by_component)
{
    en_table_t t;
    act_counts_t c;
    double by[COMP_COUNT];
    hand_table(&t, &c);
    en_by_comp_pj(&t, &c, by);
    ck_assert_double_eq_tol(by[COMP_XBAR], 520.0, 1e-9); /* 1000*0.5 + 10*2 */
    ck_assert_double_eq_tol(by[COMP_WLDEC], 5.0, 1e-9);  /* 4*1.25 */
    ck_assert_double_eq_tol(by[COMP_SA], 48.0, 1e-9);    /* 64*0.75 */
    ck_assert_double_eq_tol(by[COMP_DRNG], 44.0, 1e-9);  /* 8*3 + 8*0.5 + 8*2 */
    ck_assert_double_eq_tol(by[COMP_ARB], 8.0, 1e-9);    /* 2*4 */
    ck_assert_double_eq_tol(by[COMP_SBUF], 64.0, 1e-9);  /* 256*0.125 + 128*0.25 */
    /* 12*0.25 + 16*0.5 + 6*0.75 + 10*1.5 */
    ck_assert_double_eq_tol(by[COMP_DIGITAL], 30.5, 1e-9);
    ck_assert_double_eq_tol(by[COMP_BUS], 20.0, 1e-9); /* 320*0.0625 */
    double sum = 0.0;
    for (int k = 0; k < COMP_COUNT; k++)
        sum += by[k];
    ck_assert_double_eq_tol(sum, en_total_pj(&t, &c), 1e-9);
}
END_TEST

START_TEST(test_energy_by_comp_overwrites_output)
{
    en_table_t t = {{0}};
    act_counts_t c = {{0}};
    double by[COMP_COUNT];
    for (int k = 0; k < COMP_COUNT; k++)
        by[k] = 99.0; /* stale values must not leak into the result */
    c.n[ACT_BUS_BIT] = 3;
    t.e_pj[ACT_BUS_BIT] = 2.0;
    en_by_comp_pj(&t, &c, by);
    for (int k = 0; k < COMP_COUNT; k++)
        ck_assert_double_eq_tol(by[k], k == COMP_BUS ? 6.0 : 0.0, 1e-12); /* 3*2 on bus only */
}
END_TEST

START_TEST(test_energy_counts_add_is_per_action_and_clear_zeroes)
{
    act_counts_t a, b;
    for (int i = 0; i < ACT_COUNT; i++) {
        a.n[i] = (uint64_t)i;           /* 0, 1, 2, ... */
        b.n[i] = 100 * (uint64_t)i + 1; /* 1, 101, 201, ... */
    }
    act_counts_add(&a, &b);
    for (int i = 0; i < ACT_COUNT; i++)
        ck_assert_uint_eq(a.n[i], 101 * (uint64_t)i + 1); /* i + 100 i + 1 */
    act_counts_clear(&a);
    for (int i = 0; i < ACT_COUNT; i++)
        ck_assert_uint_eq(a.n[i], 0);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_energy_zero_counts_give_zero_energy)
{
    en_table_t t;
    act_counts_t c;
    hand_table(&t, &c);
    act_counts_clear(&c);
    ck_assert_double_eq(en_total_pj(&t, &c), 0.0);
}
END_TEST

START_TEST(test_energy_large_counts_keep_precision)
{
    en_table_t t = {{0}};
    act_counts_t c = {{0}};
    c.n[ACT_XBAR_CELL_READ] = (uint64_t)1 << 40; /* 2^40 * 0.5 pJ = 2^39 pJ exactly */
    t.e_pj[ACT_XBAR_CELL_READ] = 0.5;
    ck_assert_double_eq(en_total_pj(&t, &c), 549755813888.0);
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_energy_act_desc_out_of_range_is_a_bug_and_aborts)
{
    act_desc(ACT_COUNT); /* SIM_ASSERT: abort(), never a quiet NULL */
}
END_TEST

START_TEST(test_energy_comp_name_out_of_range_is_a_bug_and_aborts)
{
    comp_name(COMP_COUNT);
}
END_TEST

Suite *energy_suite(void)
{
    Suite *s = suite_create("energy");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_energy_act_names_are_lower_case_enum_names);
    tcase_add_test(core, test_energy_key_is_e_name_pj);
    tcase_add_test(core, test_energy_every_act_has_distinct_key);
    tcase_add_test(core, test_energy_act_booked_to_component_of_enum_comment);
    tcase_add_test(core, test_energy_mul_is_digital_with_key_e_mul_pj);
    tcase_add_test(core, test_energy_every_act_has_a_table_row);
    tcase_add_test(core, test_energy_comp_names_are_lower_case_short_names);
    tcase_add_test(core, test_energy_total_is_sum_of_counts_times_energy);
    tcase_add_test(core, test_energy_by_comp_splits_total_by_component);
    tcase_add_test(core, test_energy_by_comp_overwrites_output);
    tcase_add_test(core, test_energy_counts_add_is_per_action_and_clear_zeroes);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_energy_zero_counts_give_zero_energy);
    tcase_add_test(lim, test_energy_large_counts_keep_precision);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_set_tags(err, "aborts"); /* SIM_BUG tests: skipped under CK_FORK=no (valgrind) */
    tcase_add_test_raise_signal(err, test_energy_act_desc_out_of_range_is_a_bug_and_aborts,
                                SIGABRT);
    tcase_add_test_raise_signal(err, test_energy_comp_name_out_of_range_is_a_bug_and_aborts,
                                SIGABRT);
    suite_add_tcase(s, err);
    return s;
}
