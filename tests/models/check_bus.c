/* check_bus.c - shared interconnect: hop latency plus width-limited beats (models/bus.c). */
#include "base/status.h"
#include "bus.h"
#include "check_models.h"

/* 32 bits per cycle, 4-cycle hop. */
static const bus_params_t good = {.width_bits = 32, .t_hop_cyc = 4};
static bus_t *b;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(bus_create(&good, &b), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    bus_destroy(b);
    b = NULL;
}

/* ---- Core ---- */

START_TEST(test_bus_cycles_are_hop_plus_ceil_bits_over_width)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(bus_transfer(b, 100, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 8); /* 4 + ceil(100/32) = 4 + 4 */
}
END_TEST

START_TEST(test_bus_counts_every_bit_and_transfer)
{
    uint64_t cyc;
    ck_assert_int_eq(bus_transfer(b, 100, &cyc, &acc), ST_OK);
    ck_assert_int_eq(bus_transfer(b, 7, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_BUS_BIT], 107); /* bits, not padded beats: 100 + 7 */
    ck_assert_uint_eq(bus_stats(b)->transfers, 2);
    ck_assert_uint_eq(bus_stats(b)->bits, 107);
    bus_stats_reset(b);
    ck_assert_uint_eq(bus_stats(b)->transfers, 0);
    ck_assert_uint_eq(bus_stats(b)->bits, 0);
}
END_TEST

START_TEST(test_bus_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(bus_stat_descs, bus_stat_ndescs, sizeof(bus_stats_t));
    ck_assert_int_eq(bus_transfer(b, 33, &cyc, &acc), ST_OK);
    const stat_desc_t *bits = ns_stat_desc(bus_stat_descs, bus_stat_ndescs, "bits");
    ck_assert_str_eq(bits->unit, "bit");
    ck_assert_uint_eq(stat_get(bus_stats(b), bits), 33);
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_bus_32_bits_take_one_beat_33_take_two)
{
    uint64_t c32 = 0, c33 = 0;
    ck_assert_int_eq(bus_transfer(b, 32, &c32, &acc), ST_OK);
    ck_assert_int_eq(bus_transfer(b, 33, &c33, &acc), ST_OK);
    ck_assert_uint_eq(c32, 5); /* 4 + 1 */
    ck_assert_uint_eq(c33, 6); /* 4 + 2 */
}
END_TEST

START_TEST(test_bus_zero_hop_is_pure_serialisation)
{
    bus_params_t p = {.width_bits = 1, .t_hop_cyc = 0};
    bus_t *w;
    uint64_t cyc = 0;
    ck_assert_int_eq(bus_create(&p, &w), ST_OK);
    ck_assert_int_eq(bus_transfer(w, 1, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 1); /* 0 + 1 bit / 1 bit per cycle */
    ck_assert_int_eq(bus_transfer(w, UINT64_MAX, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, UINT64_MAX); /* the largest transfer still fits */
    bus_destroy(w);
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_bus_zero_width_is_einval_and_leaves_out)
{
    static int marker;
    bus_params_t p = {.width_bits = 0, .t_hop_cyc = 4};
    bus_t *out = (bus_t *)(void *)&marker;
    ck_assert_int_eq(bus_create(&p, &out), ST_EINVAL);
    ck_assert_int_eq(bus_create(NULL, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (bus_t *)(void *)&marker);
    bus_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_bus_empty_or_null_transfer_is_einval_and_counts_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(bus_transfer(b, 0, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(bus_transfer(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(bus_transfer(b, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(bus_transfer(b, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_BUS_BIT], 0);
    ck_assert_uint_eq(bus_stats(b)->transfers, 0);
}
END_TEST

START_TEST(test_bus_cycle_overflow_is_erange_and_counts_nothing)
{
    bus_params_t p = {.width_bits = 1, .t_hop_cyc = 1};
    bus_t *w;
    uint64_t cyc = 77;
    ck_assert_int_eq(bus_create(&p, &w), ST_OK);
    ck_assert_int_eq(bus_transfer(w, UINT64_MAX, &cyc, &acc), ST_ERANGE); /* 1 + 2^64 - 1 */
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_BUS_BIT], 0);
    ck_assert_uint_eq(bus_stats(w)->transfers, 0);
    bus_destroy(w);
}
END_TEST

START_TEST(test_bus_create_survives_every_allocation_failure)
{
    bus_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(bus_t, out, fails, bus_create(&good, &out));
    ck_assert_uint_ge(fails, 1);
    bus_destroy(out);
}
END_TEST

Suite *bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_bus_cycles_are_hop_plus_ceil_bits_over_width);
    tcase_add_test(core, test_bus_counts_every_bit_and_transfer);
    tcase_add_test(core, test_bus_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_bus_32_bits_take_one_beat_33_take_two);
    tcase_add_test(lim, test_bus_zero_hop_is_pure_serialisation);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_test(err, test_bus_zero_width_is_einval_and_leaves_out);
    tcase_add_test(err, test_bus_empty_or_null_transfer_is_einval_and_counts_nothing);
    tcase_add_test(err, test_bus_cycle_overflow_is_erange_and_counts_nothing);
    tcase_add_test(err, test_bus_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
