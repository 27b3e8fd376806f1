/* check_nsga2.c - NSGA-II's pieces (sim/core/nsga2.c) against fronts, crowding distances and
 * hypervolumes worked by hand beside each assertion.  Its own runner (main below). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "nsga2.h"

#define EPS 1e-12

/* Six points, two objectives:
 *   P0 (1,5)  P1 (2,3)  P2 (4,1)  P3 (3,4)  P4 (5,5)  P5 (2,3) = P1
 * P0, P1, P2, P5: nothing is no worse in both and better in one (P1 and P5 are equal, so
 * neither dominates) -> front 0.  P3 (3,4) is dominated by P1 (2 < 3, 3 < 4) -> front 1.
 * P4 (5,5) is dominated by P3 (3 < 5, 4 < 5) -> front 2. */
static const double six[12] = {1, 5, 2, 3, 4, 1, 3, 4, 5, 5, 2, 3};

START_TEST(test_nsga2_dominance_needs_one_strictly_better)
{
    const double a[2] = {1, 2}, b[2] = {2, 2}, c[2] = {1, 2};
    ck_assert_int_eq(nsga2_dominates(a, b, 2), 1); /* 1 < 2, 2 <= 2 */
    ck_assert_int_eq(nsga2_dominates(b, a, 2), 0); /* 2 > 1 */
    ck_assert_int_eq(nsga2_dominates(a, c, 2), 0); /* equal: none better */
}
END_TEST

START_TEST(test_nsga2_sort_ranks_fronts_by_hand)
{
    uint32_t rank[6], work[12];
    ck_assert_uint_eq(nsga2_sort(six, NULL, 6, 2, rank, work), 3);
    const uint32_t want[6] = {0, 0, 0, 1, 2, 0}; /* worked above */
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(rank[i], want[i]);
}
END_TEST

START_TEST(test_nsga2_sort_feasible_first_then_least_violation)
{
    /* P2 infeasible by 0.5, P4 by 0.2.  Feasible P0, P1, P5 -> 0; P3 (dominated by P1) -> 1;
     * P4 loses to every feasible point, so it comes after P3's front -> 2; P2 loses to P4
     * too (0.2 < 0.5) -> 3. */
    const double viol[6] = {0, 0, 0.5, 0, 0.2, 0};
    uint32_t rank[6], work[12];
    ck_assert_uint_eq(nsga2_sort(six, viol, 6, 2, rank, work), 4);
    const uint32_t want[6] = {0, 0, 3, 1, 2, 0};
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(rank[i], want[i]);
}
END_TEST

START_TEST(test_nsga2_crowding_by_hand)
{
    /* A (0,10), B (1,6), C (3,4), D (6,0); ranges 6 and 10.  Ends A and D: infinite.
     * B: f1 neighbours A, C: (3 - 0) / 6 = 0.5; f2 neighbours C (4), A (10): 6 / 10 = 0.6
     *    -> 1.1
     * C: f1 neighbours B, D: (6 - 1) / 6 = 0.8333...; f2 neighbours D (0), B (6): 0.6
     *    -> 1.4333... */
    const double obj[8] = {0, 10, 1, 6, 3, 4, 6, 0};
    const uint32_t idx[4] = {0, 1, 2, 3};
    double dist[4];
    uint32_t work[4];
    nsga2_crowding(obj, 2, idx, 4, dist, work);
    ck_assert(isinf(dist[0]) && isinf(dist[3]));
    ck_assert_double_eq_tol(dist[1], 1.1, EPS);
    ck_assert_double_eq_tol(dist[2], 5.0 / 6.0 + 0.6, EPS);
    /* the crowded comparison: same rank, larger distance preferred; lower rank first */
    const uint32_t rank[4] = {0, 0, 0, 1};
    ck_assert_int_eq(nsga2_crowded_less(rank, dist, 2, 1), 1);
    ck_assert_int_eq(nsga2_crowded_less(rank, dist, 1, 2), 0);
    ck_assert_int_eq(nsga2_crowded_less(rank, dist, 1, 3), 1);
}
END_TEST

START_TEST(test_nsga2_front2_keeps_copies_drops_equal_f0_worse)
{
    /* (1,5) (1,4) (2,4) (2,3) (3,3) (1,4): the front is (1,4) twice and (2,3): (1,5) and
     * (2,4) lose to (1,4), (3,3) to (2,3). */
    const double obj[12] = {1, 5, 1, 4, 2, 4, 2, 3, 3, 3, 1, 4};
    unsigned char on[6];
    uint32_t work[12];
    ck_assert_uint_eq(nsga2_front2(obj, 6, on, work), 3);
    const unsigned char want[6] = {0, 1, 0, 1, 0, 1};
    ck_assert_mem_eq(on, want, 6);
}
END_TEST

START_TEST(test_nsga2_hypervolume_2d_staircase)
{
    /* (1,3) (2,2) (3,1), reference (4,4).  Unit cells of [1,4] x [1,4]: x in [1,2] only
     * y in [3,4] (1 cell); x in [2,4], y in [2,4] (4 cells); x in [3,4], y in [1,2] (1).
     * 6.  A dominated point (3,3) and one beyond the reference (5,0) add nothing. */
    const double obj[10] = {1, 3, 2, 2, 3, 1, 3, 3, 5, 0};
    const double ref[2] = {4, 4};
    uint32_t work[10];
    ck_assert_double_eq_tol(nsga2_hypervolume(obj, 3, 2, ref, work), 6.0, EPS);
    ck_assert_double_eq_tol(nsga2_hypervolume(obj, 5, 2, ref, work), 6.0, EPS);
    ck_assert(nsga2_hypervolume(obj, 5, 4, ref, work) < 0); /* m = 4: refused */
}
END_TEST

START_TEST(test_nsga2_hypervolume_3d_by_inclusion_exclusion)
{
    /* one point (1,1,1), reference (2,3,4): 1 x 2 x 3 = 6 */
    const double one[3] = {1, 1, 1}, r1[3] = {2, 3, 4};
    uint32_t work[4];
    ck_assert_double_eq_tol(nsga2_hypervolume(one, 1, 3, r1, work), 6.0, EPS);
    /* (0,0,1) and (1,1,0), reference (2,2,2): boxes 2 x 2 x 1 = 4 and 1 x 1 x 2 = 2,
     * overlapping in [1,2]^3 = 1: 4 + 2 - 1 = 5 */
    const double two[6] = {0, 0, 1, 1, 1, 0}, r2[3] = {2, 2, 2};
    ck_assert_double_eq_tol(nsga2_hypervolume(two, 2, 3, r2, work), 5.0, EPS);
}
END_TEST

START_TEST(test_nsga2_rng_is_splitmix64)
{
    /* splitmix64 from state 0: first output 0xE220A8397B1DCDAF (Vigna's reference code) */
    nsga2_rng_t r = {0};
    ck_assert_uint_eq(nsga2_rng_next(&r), 0xE220A8397B1DCDAFull);
    for (int i = 0; i < 1000; i++) {
        const double u = nsga2_rng_unit(&r);
        ck_assert(u >= 0 && u < 1);
        ck_assert_uint_lt(nsga2_rng_below(&r, 7), 7);
    }
}
END_TEST

START_TEST(test_nsga2_lhs_uses_each_stratum_once)
{
    /* n = 5 samples over axes of 5 and 10 values: axis 0 gets each value 0..4 once (one
     * stratum per value); axis 1 one value from each pair {2j, 2j+1} */
    const uint32_t card[2] = {5, 10};
    uint32_t g[10], work[5];
    nsga2_rng_t r = {42};
    nsga2_sample_lhs(&r, card, 2, 5, g, work);
    int seen0[5] = {0}, seen1[5] = {0};
    for (int j = 0; j < 5; j++) {
        ck_assert_uint_lt(g[j * 2], 5);
        ck_assert_uint_lt(g[j * 2 + 1], 10);
        seen0[g[j * 2]]++;
        seen1[g[j * 2 + 1] / 2]++;
    }
    for (int v = 0; v < 5; v++) {
        ck_assert_int_eq(seen0[v], 1);
        ck_assert_int_eq(seen1[v], 1);
    }
}
END_TEST

START_TEST(test_nsga2_variation_stays_on_the_axes)
{
    const uint32_t card[3] = {1, 2, 50};
    nsga2_rng_t r = {7};
    for (int t = 0; t < 2000; t++) {
        uint32_t a[3] = {0, 0, nsga2_rng_below(&r, 50)}, b[3] = {0, 1, nsga2_rng_below(&r, 50)};
        uint32_t c[3], d[3];
        nsga2_sbx(&r, card, 3, 15, a, b, c, d);
        for (int k = 0; k < 3; k++) {
            ck_assert_uint_lt(c[k], card[k]);
            ck_assert_uint_lt(d[k], card[k]);
        }
        uint32_t m[3] = {c[0], c[1], c[2]};
        nsga2_mutate(&r, card, 3, 20, 1.0, m); /* pm = 1: every gene of 2+ values moves */
        ck_assert_uint_eq(m[0], 0);
        ck_assert_uint_ne(m[1], c[1]);
        ck_assert_uint_ne(m[2], c[2]);
        ck_assert_uint_lt(m[2], 50);
    }
    /* equal parents: children are the parents */
    uint32_t a[3] = {0, 1, 17}, c[3], d[3];
    nsga2_sbx(&r, card, 3, 15, a, a, c, d);
    ck_assert_mem_eq(c, a, sizeof a);
    ck_assert_mem_eq(d, a, sizeof a);
}
END_TEST

static Suite *nsga2_suite(void)
{
    Suite *s = suite_create("nsga2");
    TCase *c = tcase_create("Core");
    tcase_add_test(c, test_nsga2_dominance_needs_one_strictly_better);
    tcase_add_test(c, test_nsga2_sort_ranks_fronts_by_hand);
    tcase_add_test(c, test_nsga2_sort_feasible_first_then_least_violation);
    tcase_add_test(c, test_nsga2_crowding_by_hand);
    tcase_add_test(c, test_nsga2_front2_keeps_copies_drops_equal_f0_worse);
    tcase_add_test(c, test_nsga2_hypervolume_2d_staircase);
    tcase_add_test(c, test_nsga2_hypervolume_3d_by_inclusion_exclusion);
    suite_add_tcase(s, c);
    TCase *v = tcase_create("Sampling");
    tcase_add_test(v, test_nsga2_rng_is_splitmix64);
    tcase_add_test(v, test_nsga2_lhs_uses_each_stratum_once);
    tcase_add_test(v, test_nsga2_variation_stays_on_the_axes);
    suite_add_tcase(s, v);
    return s;
}

int main(void)
{
    static const ns_suite_fn suites[] = {nsga2_suite};
    return ns_check_run(suites, 1);
}
