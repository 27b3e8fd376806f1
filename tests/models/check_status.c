/* check_status.c - status codes and how they combine (models/base/status.h). */
#include <limits.h>

#include "base/status.h"
#include "bus.h"
#include "check_models.h"

static const int failures[] = {ST_ENOMEM, ST_EINVAL, ST_ERANGE, ST_ECONFIG, ST_EIO};
#define N_FAILURES ((int)(sizeof failures / sizeof failures[0]))

static int calls;

/* A step that reports `st` and counts that it ran. */
static int step(int st)
{
    calls++;
    return st;
}

/* ---- Core ---- */

/* Why OR-ing is wrong, worked by hand in two's complement: -2 = ...11110 and -3 = ...11101,
 * so -2 | -3 = ...11111 = -1 = ST_ENOMEM.  st_first keeps the first failure instead. */
START_TEST(test_st_first_einval_then_erange_is_einval_not_enomem)
{
    ck_assert_int_eq(ST_EINVAL | ST_ERANGE, ST_ENOMEM); /* the defect OR-ing had */
    ck_assert_int_eq(st_first(ST_EINVAL, ST_ERANGE), ST_EINVAL);
    ck_assert_str_eq(st_str(st_first(ST_EINVAL, ST_ERANGE)), "invalid argument");
    ck_assert_int_eq(st_first(ST_ERANGE, ST_EINVAL), ST_ERANGE);
}
END_TEST

START_TEST(test_st_first_ok_is_the_identity)
{
    ck_assert_int_eq(st_first(ST_OK, ST_OK), ST_OK);
    for (int i = 0; i < N_FAILURES; i++) {
        ck_assert_int_eq(st_first(ST_OK, failures[i]), failures[i]);
        ck_assert_int_eq(st_first(failures[i], ST_OK), failures[i]);
    }
}
END_TEST

/* Every ordered pair of failures, and a chain of three: the first one is reported. */
START_TEST(test_st_first_keeps_the_first_of_every_pair)
{
    const int a = failures[_i / N_FAILURES], b = failures[_i % N_FAILURES];
    ck_assert_int_eq(st_first(a, b), a);
    ck_assert_int_eq(st_first(st_first(ST_OK, a), b), a);
    ck_assert_int_eq(st_first(st_first(a, ST_OK), b), a);
}
END_TEST

/* The later steps still run after a failure (so they still record their diagnostics), and
 * their status is dropped. */
START_TEST(test_st_first_evaluates_every_step)
{
    calls = 0;
    int st = step(ST_OK);
    st = st_first(st, step(ST_ECONFIG));
    st = st_first(st, step(ST_ERANGE));
    st = st_first(st, step(ST_OK));
    ck_assert_int_eq(calls, 4);
    ck_assert_int_eq(st, ST_ECONFIG);
}
END_TEST

/* Two requests a real model refuses, combined: a zero-bit transfer (ST_EINVAL) then one
 * whose cycle count overflows, 1 + (2^64 - 1) cycles (ST_ERANGE).  OR-ed they would read as
 * "out of memory"; combined with st_first they read as the first refusal. */
START_TEST(test_st_first_two_refused_bus_requests_report_the_first)
{
    bus_params_t p = {.width_bits = 1, .t_hop_cyc = 1};
    bus_t *b;
    act_counts_t acc;
    uint64_t cyc;
    act_counts_clear(&acc);
    ck_assert_int_eq(bus_create(&p, &b), ST_OK);
    int st = bus_transfer(b, 0, &cyc, &acc);
    st = st_first(st, bus_transfer(b, UINT64_MAX, &cyc, &acc));
    ck_assert_int_eq(st, ST_EINVAL);
    ck_assert_str_eq(st_str(st), "invalid argument");
    bus_destroy(b);
}
END_TEST

START_TEST(test_st_str_names_every_code)
{
    ck_assert_str_eq(st_str(ST_OK), "ok");
    ck_assert_str_eq(st_str(ST_ENOMEM), "out of memory");
    ck_assert_str_eq(st_str(ST_EINVAL), "invalid argument");
    ck_assert_str_eq(st_str(ST_ERANGE), "out of range");
    ck_assert_str_eq(st_str(ST_ECONFIG), "invalid configuration");
    ck_assert_str_eq(st_str(ST_EIO), "input/output error");
    ck_assert_str_eq(st_str(INT_MIN), "unknown status");
}
END_TEST

Suite *status_suite(void)
{
    Suite *s = suite_create("status");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_st_first_einval_then_erange_is_einval_not_enomem);
    tcase_add_test(core, test_st_first_ok_is_the_identity);
    tcase_add_loop_test(core, test_st_first_keeps_the_first_of_every_pair, 0,
                        N_FAILURES * N_FAILURES);
    tcase_add_test(core, test_st_first_evaluates_every_step);
    tcase_add_test(core, test_st_first_two_refused_bus_requests_report_the_first);
    tcase_add_test(core, test_st_str_names_every_code);
    suite_add_tcase(s, core);
    return s;
}
