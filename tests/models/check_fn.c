/* check_fn.c - the arithmetic of a binary crossbar read (models/fn.h): match counts of a
 * slice worked by hand, the sense amplifier's clipping, the read-flip probability's closed
 * form at a worked point, stuck-at draws and the subset-VI sample. */
#include <check.h>
#include <math.h>
#include <stdint.h>

#include "check_main.h"
#include "fn.h"

/* A 3-row slice at rows 0..2:
 *   x = (+1, -1, +1) -> bits 1 0 1 = 0b101
 *   w = (+1, +1, -1) -> bits 1 1 0 = 0b011
 *   x_r w_r = (+1, -1, -1): one agreeing row, sum -1 = 2 * 1 - 3. */
START_TEST(test_fn_match_count_of_a_three_row_slice_by_hand)
{
    const uint64_t x = 0x5, w = 0x3, all = 0x7, first_two = 0x3;
    ck_assert_uint_eq(fn_match_count(&x, &w, &all, NULL, 0, 3), 1);
    ck_assert_uint_eq(fn_driven_count(&all, 0, 3), 3);
    ck_assert_int_eq(fn_psum(1, 3), -1); /* (+1) + (-1) + (-1) */
    /* rows 0, 1 driven only: row 0 agrees, row 1 does not -> m = 1, sum 0 */
    ck_assert_uint_eq(fn_match_count(&x, &w, &first_two, NULL, 0, 3), 1);
    ck_assert_int_eq(fn_psum(1, fn_driven_count(&first_two, 0, 3)), 0);
    /* the slice [1, 3) alone: rows 1 and 2 both disagree -> m = 0 */
    ck_assert_uint_eq(fn_match_count(&x, &w, &all, NULL, 1, 3), 0);
}
END_TEST

/* The same three rows at 62, 63, 64, straddling two words, with agreeing rows 61 and 65
 * outside the range that must not count; then row 63's read flipped (disagree -> agree). */
START_TEST(test_fn_match_count_straddles_words_and_honours_the_range)
{
    uint64_t x[2] = {0, 0}, w[2] = {0, 0}, d[2] = {~0ull, ~0ull}, fl[2] = {0, 0};
    x[0] |= 1ull << 61; /* row 61: +1, w +1: agrees (outside) */
    w[0] |= 1ull << 61;
    x[0] |= 1ull << 62; /* row 62: x +1, w +1: agrees */
    w[0] |= 1ull << 62;
    w[0] |= 1ull << 63; /* row 63: x -1, w +1: disagrees */
    x[1] |= 1ull << 0;  /* row 64: x +1, w -1: disagrees */
    /* row 65: x -1, w -1: agrees (outside) */
    ck_assert_uint_eq(fn_match_count(x, w, d, NULL, 62, 65), 1);
    ck_assert_uint_eq(fn_driven_count(d, 62, 65), 3);
    ck_assert_uint_eq(fn_match_count(x, w, d, NULL, 61, 66), 3); /* + rows 61 and 65 */
    fl[0] = 1ull << 63;
    ck_assert_uint_eq(fn_match_count(x, w, d, fl, 62, 65), 2);
    ck_assert_uint_eq(fn_match_count(x, w, d, NULL, 5, 5), 0); /* empty range */
}
END_TEST

START_TEST(test_fn_quantise_clips_at_two_to_the_bits_minus_one)
{
    uint64_t clipped = 0;
    ck_assert_uint_eq(fn_quantise(5, 2, &clipped), 3); /* 2^2 - 1 = 3 < 5 */
    ck_assert_uint_eq(clipped, 1);
    ck_assert_uint_eq(fn_quantise(3, 2, &clipped), 3); /* exact at the top */
    ck_assert_uint_eq(clipped, 1);
    ck_assert_uint_eq(fn_quantise(2, 1, &clipped), 1); /* sign SA: 2^1 - 1 = 1 */
    ck_assert_uint_eq(clipped, 2);
    ck_assert_uint_eq(fn_quantise(32, 6, NULL), 32); /* 63 >= 32 */
}
END_TEST

/* tmr 1, s 0.2: z = 1 / (0.2 sqrt(1 + 2^2)) = 1 / 0.4472136 = 2.2360680;
 * P = erfc(2.2360680 / 1.4142136) / 2 = erfc(1.5811388) / 2 = 0.0253473 / 2 = 0.0126737.
 * tmr 1.5, s 0.2: z = 1.5 / (0.2 sqrt(1 + 6.25)) = 1.5 / 0.5385165 = 2.7854301;
 * P = erfc(1.9695965) / 2 = 0.0053457 / 2 = 0.0026728. */
START_TEST(test_fn_read_flip_p_closed_form_at_worked_points)
{
    ck_assert_double_eq_tol(fn_read_flip_p(1.0, 0.2), 0.0126737, 1e-7);
    ck_assert_double_eq_tol(fn_read_flip_p(1.5, 0.2), 0.0026728, 1e-7);
    ck_assert_double_eq(fn_read_flip_p(1.5, 0.0), 0.0);             /* no spread, no flip */
    ck_assert_double_eq(fn_read_flip_p(0.0, 0.1), 0.5);             /* no margin: a coin */
    ck_assert(fn_read_flip_p(1.5, 0.1) < fn_read_flip_p(1.5, 0.2)); /* more spread, more */
}
END_TEST

/* u / 2^32 against the rates: 0 -> P (0 < 0.5); 2^31 = 0.5 -> AP (0.5 < 0.5 + 0.25);
 * 0xC0000000 = 0.75 -> none (not < 0.75); rate 1: every u is P. */
START_TEST(test_fn_stuck_state_splits_the_unit_interval)
{
    ck_assert_int_eq(fn_stuck_state(0, 0.5, 0.25), FN_STUCK_P);
    ck_assert_int_eq(fn_stuck_state(0x80000000u, 0.5, 0.25), FN_STUCK_AP);
    ck_assert_int_eq(fn_stuck_state(0xC0000000u, 0.5, 0.25), FN_STUCK_NONE);
    ck_assert_int_eq(fn_stuck_state(0xFFFFFFFFu, 1.0, 0.0), FN_STUCK_P);
    ck_assert_int_eq(fn_stuck_state(0xFFFFFFFFu, 0.0, 1.0), FN_STUCK_AP);
    ck_assert_int_eq(fn_stuck_state(0, 0.0, 0.0), FN_STUCK_NONE);
}
END_TEST

/* p = 0.5, ln(1 - p) = -0.6931472: u = 0xFFFFFFFF -> U = 1 - 1.2e-10 -> gap 0;
 * u = 0x3FFFFFFF -> U = 0.25 - 1.2e-10 -> ln U / ln 0.5 = 2.0000000007 -> gap 2. */
START_TEST(test_fn_geom_gap_inverts_the_geometric_distribution)
{
    const double l = log(0.5);
    ck_assert_uint_eq(fn_geom_gap(0xFFFFFFFFu, l), 0);
    ck_assert_uint_eq(fn_geom_gap(0x3FFFFFFFu, l), 2);
    ck_assert_uint_eq(fn_geom_gap(0x7FFFFFFFu, l), 1); /* U just below 0.5 */
}
END_TEST

/* n = 4: sqrt(4 / 4) = 1, eps = ones - 2; n = 16: sqrt(4) = 2, eps = (ones - 8) / 2. */
START_TEST(test_fn_vi_eps_centres_and_normalises_the_count)
{
    ck_assert_double_eq_tol(fn_vi_eps(3, 4), 1.0, 1e-12);
    ck_assert_double_eq_tol(fn_vi_eps(0, 4), -2.0, 1e-12);
    ck_assert_double_eq_tol(fn_vi_eps(8, 16), 0.0, 1e-12);
    ck_assert_double_eq_tol(fn_vi_eps(13, 16), 2.5, 1e-12);
}
END_TEST

Suite *fn_suite(void)
{
    Suite *s = suite_create("fn");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_fn_match_count_of_a_three_row_slice_by_hand);
    tcase_add_test(tc, test_fn_match_count_straddles_words_and_honours_the_range);
    tcase_add_test(tc, test_fn_quantise_clips_at_two_to_the_bits_minus_one);
    tcase_add_test(tc, test_fn_read_flip_p_closed_form_at_worked_points);
    tcase_add_test(tc, test_fn_stuck_state_splits_the_unit_interval);
    tcase_add_test(tc, test_fn_geom_gap_inverts_the_geometric_distribution);
    tcase_add_test(tc, test_fn_vi_eps_centres_and_normalises_the_count);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {fn_suite};
    return ns_check_run(suites, 1);
}
