/* check_metrics.c - eval's figures (sim/core/metrics.c) and OOD inputs (sim/core/ood.c)
 * against values worked by hand beside each assertion.  Its own runner (main below). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/status.h"
#include "check_main.h"
#include "drng.h"
#include "metrics.h"
#include "ood.h"

#define EPS 1e-6

/* e = 2.718281828; softmax(1, 0) = (e/(e+1), 1/(e+1)) = (0.7310586, 0.2689414) */
#define P_HI 0.7310586
#define P_LO 0.2689414

START_TEST(test_metrics_one_pass_two_classes)
{
    const double z[2] = {1.0, 0.0};
    double work[4], p[2];
    sim_img_metrics_t m;
    sim_img_metrics(z, 1, 2, 0, work, p, &m);
    ck_assert_double_eq_tol(p[0], P_HI, EPS);
    ck_assert_uint_eq(m.pred, 0);
    ck_assert_double_eq_tol(m.confidence, P_HI, EPS);
    /* nll = -ln 0.7310586 = 0.3132617 */
    ck_assert_double_eq_tol(m.nll, 0.3132617, EPS);
    /* brier = (0.7310586 - 1)^2 + 0.2689414^2 = 2 x 0.0723295 = 0.1446590 */
    ck_assert_double_eq_tol(m.brier, 0.1446590, EPS);
    /* H = 0.7310586 x 0.3132617 + 0.2689414 x 1.3132617 = 0.2290144 + 0.3531887 = 0.5822031 */
    ck_assert_double_eq_tol(m.entropy, 0.5822031, EPS);
    ck_assert_double_eq_tol(m.mi, 0.0, EPS); /* one pass: H[mean] = mean H */
}
END_TEST

START_TEST(test_metrics_two_passes_disagreeing_give_bald_mi)
{
    /* pass 0 softmax (0.731, 0.269), pass 1 (0.269, 0.731): mean (0.5, 0.5) */
    const double z[4] = {1.0, 0.0, 0.0, 1.0};
    double work[4];
    sim_img_metrics_t m;
    sim_img_metrics(z, 2, 2, 1, work, NULL, &m);
    ck_assert_uint_eq(m.pred, 0); /* a tie goes to the lowest class */
    ck_assert_double_eq_tol(m.confidence, 0.5, EPS);
    ck_assert_double_eq_tol(m.nll, 0.6931472, EPS);     /* -ln 0.5 = ln 2 */
    ck_assert_double_eq_tol(m.brier, 0.5, EPS);         /* 0.5^2 + 0.5^2 */
    ck_assert_double_eq_tol(m.entropy, 0.6931472, EPS); /* H[(0.5, 0.5)] = ln 2 */
    /* MI = ln 2 - (0.5822031 + 0.5822031) / 2 = 0.6931472 - 0.5822031 = 0.1109441 */
    ck_assert_double_eq_tol(m.mi, 0.1109441, EPS);
}
END_TEST

START_TEST(test_metrics_nll_floored_at_1e_12)
{
    /* p_0 = 1 / (1 + e^40) = 4.2e-18 < 1e-12: nll = -ln 1e-12 = 12 ln 10 = 27.6310211 */
    const double z[2] = {0.0, 40.0};
    double work[4];
    sim_img_metrics_t m;
    sim_img_metrics(z, 1, 2, 0, work, NULL, &m);
    ck_assert_double_eq_tol(m.nll, 27.6310211, EPS);
}
END_TEST

START_TEST(test_metrics_data_set_of_three)
{
    /* A: (1, 0) label 0, right, conf 0.7310586; B: the two-pass image, label 1, wrong
     * (pred 0), conf 0.5; C: (0, 2) label 0, wrong, softmax (0.1192029, 0.8807971) */
    const double za[2] = {1, 0}, zb[4] = {1, 0, 0, 1}, zc[2] = {0, 2};
    double work[4];
    sim_img_metrics_t m;
    sim_metrics_acc_t acc;
    sim_metrics_t r;
    sim_metrics_init(&acc);
    sim_img_metrics(za, 1, 2, 0, work, NULL, &m);
    sim_metrics_add(&acc, &m, m.pred == 0);
    sim_img_metrics(zb, 2, 2, 1, work, NULL, &m);
    sim_metrics_add(&acc, &m, m.pred == 1);
    sim_img_metrics(zc, 1, 2, 0, work, NULL, &m);
    ck_assert_double_eq_tol(m.nll, 2.1269280, EPS); /* -ln 0.1192029 */
    sim_metrics_add(&acc, &m, m.pred == 0);
    sim_metrics_finish(&acc, &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_double_eq_tol(r.accuracy, 1.0 / 3.0, EPS);
    /* nll: (0.3132617 + 0.6931472 + 2.1269280) / 3 = 3.1333369 / 3 = 1.0444456 */
    ck_assert_double_eq_tol(r.nll, 1.0444456, EPS);
    /* conf 0.731 x 15 = 10.97 -> bin 10; 0.5 x 15 = 7.5 -> bin 7; 0.881 x 15 = 13.2 -> bin
     * 13: one image per bin, ECE = (|1 - 0.7310586| + |0 - 0.5| + |0 - 0.8807971|) / 3
     * = (0.2689414 + 0.5 + 0.8807971) / 3 = 1.6497385 / 3 = 0.5499128 */
    ck_assert_double_eq_tol(r.ece, 0.5499128, EPS);
    /* brier: C's is 2 x 0.8807971^2 = 1.5516070; (0.1446590 + 0.5 + 1.5516070) / 3 =
     * 0.7320887 */
    ck_assert_double_eq_tol(r.brier, 0.7320887, EPS);
    /* entropy: C's is 0.1192029 x 2.1269280 + 0.8807971 x 0.1269280 = 0.2535361 + 0.1117977
     * = 0.3653338; (0.5822031 + 0.6931472 + 0.3653338) / 3 = 1.6406841 / 3 = 0.5468947 */
    ck_assert_double_eq_tol(r.entropy, 0.5468947, EPS);
    ck_assert_double_eq_tol(r.mi, 0.1109441 / 3.0, EPS); /* only B's passes disagree */
}
END_TEST

START_TEST(test_metrics_ece_bin_upper_edge_is_inclusive)
{
    /* confidence 2/3 = 10/15 belongs to bin 9 = (9/15, 10/15]; with a right answer the bin
     * has acc 1 and conf 2/3: ECE = 1/3.  A second image at conf 0.7 (bin 10) would share
     * nothing with it. */
    sim_metrics_acc_t acc;
    sim_metrics_t r;
    sim_img_metrics_t m = {0, 2.0 / 3.0, 0, 0, 0, 0};
    sim_metrics_init(&acc);
    sim_metrics_add(&acc, &m, 1);
    ck_assert_uint_eq(acc.bin_n[9], 1);
    sim_metrics_finish(&acc, &r);
    ck_assert_double_eq_tol(r.ece, 1.0 / 3.0, EPS);
}
END_TEST

START_TEST(test_ood_threshold_flags_five_percent_of_twenty)
{
    /* scores 1..20 (in reverse): k = ceil(0.95 x 20) = 19, threshold s_(19) = 19; only 20
     * is above it: 1 / 20 = 5 % */
    double s[20], thr;
    for (int i = 0; i < 20; i++)
        s[i] = 20 - i;
    ck_assert_int_eq(sim_ood_threshold(s, 20, &thr), ST_OK);
    ck_assert_double_eq(thr, 19.0);
    ck_assert_double_eq_tol(sim_ood_rate(s, 20, thr), 0.05, EPS);
    /* 10 scores 0.1..1.0: k = ceil(9.5) = 10, the maximum: nothing above (0 <= 5 %) */
    double t[10];
    for (int i = 0; i < 10; i++)
        t[i] = (i + 1) / 10.0;
    ck_assert_int_eq(sim_ood_threshold(t, 10, &thr), ST_OK);
    ck_assert_double_eq(thr, 1.0);
    /* OOD scores {0.5, 1.0, 1.5, 2.0} against 1.0: 1.5 and 2.0 above -> 0.5 */
    const double o[4] = {0.5, 1.0, 1.5, 2.0};
    ck_assert_double_eq_tol(sim_ood_rate(o, 4, thr), 0.5, EPS);
    ck_assert_int_eq(sim_ood_threshold(t, 0, &thr), ST_EINVAL);
}
END_TEST

START_TEST(test_auroc_counts_ties_half)
{
    /* in {0.1, 0.4, 0.35, 0.8}, OOD {0.4, 0.9, 0.2}: pairs OOD > in:
     *   0.4: > 0.1, = 0.4 (half), > 0.35, < 0.8  -> 2.5
     *   0.9: above all four                     -> 4
     *   0.2: > 0.1 only                          -> 1
     * (2.5 + 4 + 1) / (3 x 4) = 7.5 / 12 = 0.625 */
    const double in[4] = {0.1, 0.4, 0.35, 0.8}, ood[3] = {0.4, 0.9, 0.2};
    double a;
    ck_assert_int_eq(sim_auroc(in, 4, ood, 3, &a), ST_OK);
    ck_assert_double_eq_tol(a, 0.625, 1e-12);
    /* all equal: every pair a tie -> 0.5; fully separated -> 1 */
    const double same[2] = {1, 1}, hi[2] = {2, 3};
    ck_assert_int_eq(sim_auroc(same, 2, same, 2, &a), ST_OK);
    ck_assert_double_eq_tol(a, 0.5, 1e-12);
    ck_assert_int_eq(sim_auroc(same, 2, hi, 2, &a), ST_OK);
    ck_assert_double_eq_tol(a, 1.0, 1e-12);
    ck_assert_int_eq(sim_auroc(same, 0, hi, 2, &a), ST_EINVAL);
}
END_TEST

START_TEST(test_ood_noise_is_philox_bytes_of_image_index)
{
    uint8_t a[40], b[40];
    sim_ood_noise(7, 3, 40, a);
    sim_ood_noise(7, 3, 40, b);
    ck_assert_mem_eq(a, b, 40);
    /* pixel 17 = block 1 (pixels 16..31), word 0, byte 1 of Philox(key 7, counter
     * (3, 0, 1, 'OOD' = 0x4f4f4400)) */
    uint32_t r[4];
    drng_philox(7, 0, 3, 0, 1, 0x4f4f4400u, r);
    ck_assert_uint_eq(a[17], (r[0] >> 8) & 0xff);
    sim_ood_noise(7, 4, 40, b);
    ck_assert(memcmp(a, b, 40) != 0); /* another image, other pixels */
}
END_TEST

START_TEST(test_ood_angle_within_range_and_fixed_by_image)
{
    for (uint64_t i = 0; i < 100; i++) {
        double d = sim_ood_angle(5, i, 30, 330);
        ck_assert(d >= 30 && d <= 330);
        ck_assert_double_eq(d, sim_ood_angle(5, i, 30, 330));
    }
}
END_TEST

START_TEST(test_ood_rotate_quarter_turns_by_hand)
{
    /* 1 2 3            3 6 9             9 8 7
     * 4 5 6  -90 ccw-> 2 5 8   -180->    6 5 4
     * 7 8 9            1 4 7             3 2 1 */
    const uint8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const uint8_t r90[9] = {3, 6, 9, 2, 5, 8, 1, 4, 7}, r180[9] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    uint8_t out[9];
    sim_ood_rotate(in, 1, 3, 3, 90.0, out);
    ck_assert_mem_eq(out, r90, 9);
    sim_ood_rotate(in, 1, 3, 3, 180.0, out);
    ck_assert_mem_eq(out, r180, 9);
    sim_ood_rotate(in, 1, 3, 3, 360.0, out);
    ck_assert_mem_eq(out, in, 9);
}
END_TEST

START_TEST(test_ood_rotate_fills_corners_with_zero)
{
    /* 4 x 4 of 255 turned 45 degrees: output (0, 0) is 1.5 sqrt 2 = 2.12 from the centre
     * (1.5, 1.5); its source is (1.5, 1.5 - 2.12) = (1.5, -0.62) -> row -1: outside, 0.
     * The centre pixels stay 255. */
    uint8_t in[16], out[16];
    memset(in, 255, sizeof in);
    sim_ood_rotate(in, 1, 4, 4, 45.0, out);
    ck_assert_uint_eq(out[0], 0);
    ck_assert_uint_eq(out[15], 0);
    ck_assert_uint_eq(out[5], 255);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *c = tcase_create("Core");
    tcase_add_test(c, test_metrics_one_pass_two_classes);
    tcase_add_test(c, test_metrics_two_passes_disagreeing_give_bald_mi);
    tcase_add_test(c, test_metrics_data_set_of_three);
    tcase_add_test(c, test_auroc_counts_ties_half);
    tcase_add_test(c, test_ood_threshold_flags_five_percent_of_twenty);
    suite_add_tcase(s, c);
    TCase *l = tcase_create("Limits");
    tcase_add_test(l, test_metrics_nll_floored_at_1e_12);
    tcase_add_test(l, test_metrics_ece_bin_upper_edge_is_inclusive);
    suite_add_tcase(s, l);
    TCase *o = tcase_create("Ood");
    tcase_add_test(o, test_ood_noise_is_philox_bytes_of_image_index);
    tcase_add_test(o, test_ood_angle_within_range_and_fixed_by_image);
    tcase_add_test(o, test_ood_rotate_quarter_turns_by_hand);
    tcase_add_test(o, test_ood_rotate_fills_corners_with_zero);
    suite_add_tcase(s, o);
    return s;
}

int main(void)
{
    static const ns_suite_fn suites[] = {metrics_suite};
    return ns_check_run(suites, 1);
}
