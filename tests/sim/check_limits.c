/* check_limits.c - suite "limits": the run-cost estimates of sim/core/limits.h against counts
 * worked out by hand on tests/golden/toy2 (two fc layers, SpinDrop on the second), and the
 * limit check's messages.  The transaction count is the same number the event model's bus
 * adapter reports (tests/golden/toy2/stats.csv: chip.bus.adapter transports = 26), counted
 * from the layers' operation programs (workloads/wl_prog.h), and
 * tests/sim/safety_test.sh checks the estimate against that counter on every built-in
 * scheme. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "sim_limits.h"
#include "wl.h"
#include "wl_map.h"

static arch_t arch;
static wl_net_t *net;
static wl_map_t *map;

static void load(const char *arch_path, const char *net_spec)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = arch_path ? arch_load_file(arch_path, &arch, &dl) : arch_load_default(&arch, &dl);
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_int_eq(wl_load(net_spec, &net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(net, &arch, 0, &map, &dl), ST_OK);
}

static void unload(void)
{
    wl_map_destroy(map);
    wl_net_destroy(net);
    map = NULL;
    net = NULL;
}

static void toy2(void)
{
    load(NS_SOURCE_DIR "/tests/golden/toy2/arch.yaml", NS_SOURCE_DIR "/tests/golden/toy2/net.yaml");
}

/* toy2, by hand.  Crossbars of 8 x 4, 4 rows per read step.
 *  fc1: 12 inputs x 4 outputs, deterministic.  Rows split 8 + 4: 2 slices, 2 + 1 = 3 read
 *       steps, so the adder tree reduces (n_psum 3 > 1).  One input vector.
 *       setup: scale read                                    1
 *       vector: gbuf read, 2 tile MVMs, reduce, activate, write  1 + 2 + 1 + 1 + 1 = 6
 *       -> 7 per pass
 *  fc2: 4 inputs x 2 outputs, SpinDrop (a mask per vector): 1 slice, 1 read step.
 *       setup: scale read                                    1
 *       vector: mask draw, gbuf read, 1 MVM, activate, write 1 + 1 + 1 + 1 + 1 = 5
 *       -> 6 per pass
 *  13 per pass, 26 for T = 2: golden stats.csv's chip.bus.adapter transports. */
START_TEST(test_limits_toy2_transactions_by_hand)
{
    toy2();
    ck_assert_uint_eq(sim_estimate_layer_transactions(net, map, &arch, 0), 7);
    ck_assert_uint_eq(sim_estimate_layer_transactions(net, map, &arch, 1), 6);
    sim_estimate_t e;
    sim_estimate(net, map, &arch, 2, &e);
    ck_assert_uint_eq(e.transactions, 26);
    sim_estimate(net, map, &arch, 100000, &e);
    ck_assert_uint_eq(e.transactions, 1300000);
    unload();
}
END_TEST

/* toy2 with chip.reuse_prefix: fc1 (deterministic, before the Bayesian fc2) runs in pass 0
 * only, so it makes its 7 transactions once; fc2 makes 6 per pass: 7 + 2 x 6 = 19, the bus
 * adapter's count of that run (`neuspin run -a <toy2 + reuse_prefix> -T 2`: 19).  Counting
 * fc1 in every pass (26) refused a run at its exact cost with --max-events 19. */
START_TEST(test_limits_reused_prefix_counts_once)
{
    toy2();
    arch.reuse_prefix = 1;
    sim_estimate_t e;
    sim_estimate(net, map, &arch, 2, &e);
    ck_assert_uint_eq(e.transactions, 7 + 2 * 6);
    sim_estimate(net, map, &arch, 100000, &e);
    ck_assert_uint_eq(e.transactions, 7 + 100000 * 6);
    unload();
}
END_TEST

/* Traces of toy2, T = 2.  A record (layer x pass) is charged a layers.csv row of 240 bytes
 * plus the name ("fc1" as a possibly quoted field: 5) and 2 + 21 actions + 9 components
 * (leak included) = 32 stats.csv rows of 56 + 5 bytes: 245 + 1952 = 2197.  Four records:
 * 8788.  Block rows:
 * 3 tiles x (tile 3 + xbar 6 + wldec 2 + senseamp 5 + adapter 1) = 51, the SpinDrop bank 3,
 * gbuf 5, scale_buf 5 (words and bits read and written, line-buffer bits), periph 4, bus 2,
 * bus adapter 1: 71 rows of 48 bytes = 3408.  Plus 256 of headers: 8788 + 3408 + 256 =
 * 12452.  The golden files hold 6146 bytes (757 + 5389): the estimate is an upper bound,
 * within a factor of 1.95. */
START_TEST(test_limits_toy2_trace_bytes_by_hand)
{
    ck_assert_int_eq(ACT_COUNT, 21);
    ck_assert_int_eq(COMP_COUNT, 9);
    toy2();
    sim_estimate_t e;
    sim_estimate(net, map, &arch, 2, &e);
    ck_assert_uint_eq(e.trace_bytes, 12452);
    ck_assert_uint_ge(e.trace_bytes, 6146);
    unload();
}
END_TEST

/* Memory of toy2.  Units: fc2's SpinDrop bank has a unit per row, 4 x 16 bytes = 64.  Mask
 * words (8 bytes): fc1 (12 + 63) / 64 + 1 = 2 for its rows and 0 / 64 + 1 = 1 for units, fc2
 * 2 + 2: 7 words = 56 bytes.  3 slices x 4096 = 12288; 2 layers x 327680 = 655360; the port
 * table of 8 tiles x 4 = 32; the base 16 MiB = 16777216.  Total 17445016. */
START_TEST(test_limits_toy2_memory_by_hand)
{
    toy2();
    sim_estimate_t e;
    sim_estimate(net, map, &arch, 2, &e);
    ck_assert_uint_eq(e.mem_bytes, 64 + 56 + 12288 + 655360 + 32 + 16777216);
    unload();
}
END_TEST

/* A pooling layer makes three transactions per output row: LeNet-5's pool1 has 14 rows. */
START_TEST(test_limits_pooling_is_three_per_output_row)
{
    load(NULL, "lenet5-mnist");
    uint32_t i = 0;
    while (i < net->n_layers && net->layers[i].kind != WL_MAXPOOL)
        i++;
    ck_assert_uint_lt(i, net->n_layers);
    ck_assert_uint_eq(net->layers[i].hout, 14);
    ck_assert_uint_eq(sim_estimate_layer_transactions(net, map, &arch, i), 42);
    unload();
}
END_TEST

START_TEST(test_limits_check_names_the_first_limit_exceeded)
{
    sim_limits_t l;
    sim_limits_default(&l);
    ck_assert_uint_eq(l.max_events, 2000000000ull);
    ck_assert_uint_eq(l.max_trace_mb, 4096);
    ck_assert_uint_eq(l.max_mem_mb, 8192);
    char err[256] = "";
    sim_estimate_t e = {2000000000ull, 4096ull << 20, 8192ull << 20};
    ck_assert_int_eq(sim_limits_check(&e, &l, 1, 1, err, sizeof err), ST_OK); /* inclusive */
    e.transactions++;
    ck_assert_int_eq(sim_limits_check(&e, &l, 1, 1, err, sizeof err), ST_ERANGE);
    ck_assert_str_eq(err, "the run needs an estimated 2000000001 transactions (limit "
                          "2000000000); raise it with --max-events");
    ck_assert_int_eq(sim_limits_check(&e, &l, 0, 1, err, sizeof err), ST_OK); /* analytic */
    e.trace_bytes++; /* 4096 MiB and one byte: 4097 MB, rounded up */
    ck_assert_int_eq(sim_limits_check(&e, &l, 0, 1, err, sizeof err), ST_ERANGE);
    ck_assert_str_eq(err, "the run's traces need an estimated 4097 MB (limit 4096 MB); raise it "
                          "with --max-trace-mb");
    ck_assert_int_eq(sim_limits_check(&e, &l, 0, 0, err, sizeof err), ST_OK); /* no -o */
    e.mem_bytes = UINT64_MAX;
    ck_assert_int_eq(sim_limits_check(&e, &l, 0, 0, err, sizeof err), ST_ERANGE);
    ck_assert_str_eq(err, "the run needs an estimated 17592186044416 MB of memory (limit 8192 "
                          "MB); raise it with --max-mem-mb");
    l.max_mem_mb = 0; /* no limit */
    ck_assert_int_eq(sim_limits_check(&e, &l, 0, 0, err, sizeof err), ST_OK);
}
END_TEST

/* Counts saturate instead of wrapping: a run of UINT32_MAX passes of a large network is
 * over any limit, never a small number. */
START_TEST(test_limits_estimates_saturate)
{
    load(NULL, "resnet18-cifar10");
    sim_estimate_t e;
    sim_estimate(net, map, &arch, UINT32_MAX, &e);
    uint64_t per_pass = 0;
    for (uint32_t i = 0; i < net->n_layers; i++)
        per_pass += sim_estimate_layer_transactions(net, map, &arch, i);
    ck_assert_uint_eq(e.transactions, per_pass * (uint64_t)UINT32_MAX); /* fits: no wrap */
    ck_assert_uint_gt(e.transactions, 2000000000ull);
    unload();

    /* A hand-built layer past 64 bits: (2^32 - 1 slices + 6) x (2^32 - 1) vectors + 1. */
    wl_layer_t l;
    wl_layer_map_t m;
    memset(&l, 0, sizeof l);
    memset(&m, 0, sizeof m);
    snprintf(l.name, sizeof l.name, "huge");
    l.kind = WL_FC;
    m.n_mvm = UINT32_MAX;
    m.slices_per_copy = UINT32_MAX;
    m.n_slices = UINT32_MAX;
    m.units = UINT64_MAX;
    m.sto = WL_STO_PASS;
    wl_net_t n = {.n_layers = 1, .layers = &l};
    wl_map_t mp = {.n_layers = 1, .layers = &m};
    arch_t a;
    memset(&a, 0, sizeof a);
    ck_assert_uint_eq(sim_estimate_layer_transactions(&n, &mp, &a, 0), UINT64_MAX);
    sim_estimate(&n, &mp, &a, 2, &e);
    ck_assert_uint_eq(e.transactions, UINT64_MAX);
    ck_assert_uint_eq(e.mem_bytes, UINT64_MAX);
}
END_TEST

Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_limits_toy2_transactions_by_hand);
    tcase_add_test(core, test_limits_reused_prefix_counts_once);
    tcase_add_test(core, test_limits_toy2_trace_bytes_by_hand);
    tcase_add_test(core, test_limits_toy2_memory_by_hand);
    tcase_add_test(core, test_limits_pooling_is_three_per_output_row);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_limits_check_names_the_first_limit_exceeded);
    tcase_add_test(lim, test_limits_estimates_saturate);
    suite_add_tcase(s, lim);
    return s;
}
