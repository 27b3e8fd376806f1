/* check_wl_large.c - suite "wl_large": networks far larger than any real one load and map
 * in linear time and with counts that cannot wrap.  A 100,000-layer file once took about a
 * minute (a name lookup scanned every earlier layer, and the live-activation peak rescanned
 * every tensor at each layer); 65,537 live tensors of 2^48 bits each summed past 2^64 and
 * wrapped (a wrong count in the error, and a sum that wrapped below the buffer's size would
 * have been accepted).  Tagged "slow": the valgrind runs skip it. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch.h"
#include "base/status.h"
#include "wl.h"
#include "wl_map.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* 100,000 pooling layers, each reading its predecessor by name: loads, maps and resolves
 * every reference in seconds (the quadratic versions needed about a minute). */
START_TEST(test_wl_100000_layers_load_and_map_in_linear_time)
{
    const uint32_t n = 100000;
    size_t cap = (size_t)n * 64 + 256, o = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    o += (size_t)snprintf(t + o, cap - o, "version: 1\ninput: {c: 1, h: 4, w: 4}\nlayers:\n");
    for (uint32_t i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o,
                              i ? "  - {name: p%u, type: maxpool, k: 1, input: p%u}\n"
                                : "  - {name: p%u, type: maxpool, k: 1}\n",
                              i, i ? i - 1 : 0);
    double t0 = now_s();
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    wl_net_t *net = NULL;
    ck_assert_int_eq(wl_load_string("big.yaml", t, o, &net, &dl), ST_OK);
    ck_assert_uint_eq(net->n_layers, n);
    ck_assert_int_eq(net->layers[n - 1].input, (int32_t)n - 2);
    arch_t a;
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    wl_map_t *m = NULL;
    ck_assert_int_eq(wl_map_build(net, &a, 0, &m, &dl), ST_OK);
    ck_assert_uint_eq(m->gbuf_peak_bits, 32); /* an input and an output of 16 bits */
    double dt = now_s() - t0;
    ck_assert_msg(dt < 20, "100000 layers took %.1f s", dt);
    wl_map_destroy(m);
    wl_net_destroy(net);
    free(t);
}
END_TEST

/* 65,537 pooling layers of 65536 x 65536 x 65536 one-bit activations (2^48 bits each),
 * every one read again at the end: the live footprint is 2^64 + 2^48 bits and more, which
 * must saturate (refused against any buffer), not wrap to a small number. */
START_TEST(test_wl_live_activations_past_64_bits_saturate)
{
    const uint32_t m = 65537, n = 2 * m;
    wl_layer_t *l = calloc(n, sizeof *l);
    ck_assert_ptr_nonnull(l);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(l[i].name, sizeof l[i].name, "l%u", i);
        l[i].cin = l[i].cout = 65536;
        l[i].hin = l[i].win = l[i].hout = l[i].wout = 65536;
        l[i].k = l[i].stride = 1;
        l[i].input = (int32_t)i - 1;
        l[i].from = -1;
        if (i < m) {
            l[i].kind = WL_MAXPOOL;
        } else {
            l[i].kind = WL_ADD;
            l[i].from = (int32_t)(i - m); /* re-read every pooling output */
        }
    }
    wl_net_t net;
    memset(&net, 0, sizeof net);
    snprintf(net.source, sizeof net.source, "hand.yaml");
    net.in_c = net.in_h = net.in_w = 65536;
    net.T = 1;
    net.n_layers = n;
    net.layers = l;
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    a.gbuf.words = 67108864; /* the largest buffer the schema allows */
    a.gbuf.word_bits = 4096;
    wl_map_t *map = NULL;
    ck_assert_int_eq(wl_map_build(&net, &a, 0, &map, &dl), ST_ECONFIG);
    char got[1024];
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_msg(strstr(got, "need 18446744073709551615 bits, more than the global buffer's "
                              "274877906944 bits") != NULL,
                  "%s", got);
    free(l);
}
END_TEST

Suite *wl_large_suite(void)
{
    Suite *s = suite_create("wl_large");
    TCase *lim = tcase_create("Limits");
    tcase_set_tags(lim, "slow");
    tcase_set_timeout(lim, 120);
    tcase_add_test(lim, test_wl_100000_layers_load_and_map_in_linear_time);
    tcase_add_test(lim, test_wl_live_activations_past_64_bits_saturate);
    suite_add_tcase(s, lim);
    return s;
}
