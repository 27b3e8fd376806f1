/* check_wl_map.c - suite "wl_map": the mappers of workloads/wl_map.h.
 *
 * Nets and architectures are built by hand (arch_t filled field by field) so every expected
 * number below follows from the stated crossbar size alone; the built-in ResNet-18 and
 * LeNet-5 are loaded from YAML where the test is about them. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/status.h"
#include "wl.h"
#include "wl_map.h"
#include "check_workloads.h"

/* ---- Fixtures built by hand ---- */

/* X x Y crossbars, `tiles` of them, max_active_rows mar, SpinDrop modules shared by
 * `share` rows.  Dropout physics: 10 ns SET pulse, tau0 1 ns, delta 40, Ic0 100 uA,
 * driver limit 200 uA (p = 0.2 needs about 90.5 uA, see test_p_above_driver_limit; p = 0.5
 * about 93.3 uA).  Scheme parameters: the schema defaults (8-bit scales, 4-bit parameters,
 * 3-MTJ cells of 2 bits, 4-bit samples, k = 4 crossbars per SpinBayes layer). */
static arch_t make_arch(uint32_t x, uint32_t y, uint32_t tiles, uint32_t mar, uint32_t share)
{
    arch_t a;
    memset(&a, 0, sizeof a);
    a.version = 1;
    snprintf(a.name, sizeof a.name, "hand-built");
    a.clk_mhz = 1000.0;
    a.tiles = tiles;
    a.mapping = 1;
    a.tile.xbar.rows = x;
    a.tile.xbar.cols = y;
    a.tile.xbar.max_active_rows = mar;
    a.tile.xbar.t_read_cyc = 1;
    a.tile.xbar.t_write_cyc = 1;
    a.tile.wldec.t_decode_cyc = 1;
    a.tile.sa.cols_per_sa = 1;
    a.tile.sa.psum_bits = 8;
    a.tile.sa.t_sense_cyc = 1;
    a.gbuf.words = 1u << 20;
    a.gbuf.word_bits = 64;
    a.gbuf.t_read_cyc = 1;
    a.gbuf.t_write_cyc = 1;
    a.dropout_impl = ARCH_DROPOUT_SPINDROP;
    a.drng.share = share;
    a.drng.t_set_cyc = 10;
    a.drng.t_sense_cyc = 1;
    a.drng.t_reset_cyc = 1;
    a.drng.clk_ns = 1.0;
    a.drng.tau0_ns = 0.05; /* 10 ns = 200 tau0: barriers 5.7 kT (p 0.5) to 7.5 kT (p 0.1), in the
                              thermal regime */
    a.drng.delta = 40.0;
    a.drng.ic0_ua = 100.0;
    a.drng.sigma_ic0_rel = 0.0;
    a.drng.i_max_ua = 200.0;
    a.arb.k = 4;
    a.arb.t_bit_cyc = 12;
    a.scale_buf.word_bits = 64;
    a.periph.thresh_bits = 16;
    a.bayes.scale_bits = 8;
    a.bayes.param_bits = 4;
    a.bayes.mtjs_per_cell = 3;
    a.bayes.sample_bits = 4;
    return a;
}

/* A conv (or pool) layer reading `input` of shape cin x h x h. */
static wl_layer_t mk_conv(const char *name, uint32_t kind, int32_t input, uint32_t cin, uint32_t h,
                          uint32_t cout, uint32_t k, uint32_t stride, uint32_t pad, double p)
{
    wl_layer_t l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "%s", name);
    l.kind = kind;
    l.input = input;
    l.from = -1;
    l.cin = cin;
    l.hin = l.win = h;
    l.cout = kind == WL_CONV ? cout : cin;
    l.k = k;
    l.stride = stride;
    l.pad = pad;
    l.hout = l.wout = (h + 2 * pad - k) / stride + 1;
    l.p = p;
    l.line = 10 + (uint32_t)(input + 1);
    l.col = 5;
    return l;
}

static wl_layer_t mk_fc(const char *name, int32_t input, uint32_t cin, uint32_t cout, double p)
{
    wl_layer_t l = mk_conv(name, WL_FC, input, cin, 1, cout, 1, 1, 0, p);
    l.kind = WL_FC;
    l.cout = cout;
    return l;
}

/* A one- or few-layer net over layers[] (not copied: the test owns the array). */
static wl_net_t mk_net(wl_layer_t *layers, uint32_t n, uint32_t c, uint32_t h)
{
    wl_net_t net;
    memset(&net, 0, sizeof net);
    snprintf(net.name, sizeof net.name, "hand");
    snprintf(net.source, sizeof net.source, "hand.yaml");
    net.in_c = c;
    net.in_h = net.in_w = h;
    net.T = 1;
    net.n_layers = n;
    net.layers = layers;
    return net;
}

static wl_map_t *map_ok(const wl_net_t *net, const arch_t *a, uint32_t strategy)
{
    arch_diag_list_t dl;
    wl_map_t *m = NULL;
    arch_diag_init(&dl);
    int rc = wl_map_build(net, a, strategy, &m, &dl);
    if (rc != ST_OK && dl.n) {
        char buf[512];
        arch_diag_format(&dl.d[0], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(dl.n, 0);
    return m;
}

/* First diagnostic of a failing map, formatted. */
static int map_fail(const wl_net_t *net, const arch_t *a, uint32_t strategy, char *buf, size_t n,
                    arch_diag_list_t *dl)
{
    wl_map_t *m = (wl_map_t *)(uintptr_t)0x1;
    arch_diag_init(dl);
    int rc = wl_map_build(net, a, strategy, &m, dl);
    ck_assert_ptr_eq(m, (wl_map_t *)(uintptr_t)0x1); /* *out untouched */
    buf[0] = '\0';
    if (dl->n)
        arch_diag_format(&dl->d[0], buf, n);
    return rc;
}

/* ---- Core ---- */

/* 3x3 conv, Cin 64, Cout 64 on 128x128: rows = 9*64 = 576.
 * Strategy 1: ceil(576/128) = 5 row groups (4 x 128 + 64) x ceil(64/128) = 1 -> 5 tiles. */
START_TEST(test_s1_conv3x3_c64_unrolls_into_5_tiles)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 64, 8);
    wl_map_t *m = map_ok(&net, &a, 1);
    const wl_layer_map_t *lm = &m->layers[0];

    ck_assert_uint_eq(lm->strategy, 1);
    ck_assert_uint_eq(lm->rows, 576);
    ck_assert_uint_eq(lm->cols, 64);
    ck_assert_uint_eq(lm->row_groups, 5);
    ck_assert_uint_eq(lm->col_groups, 1);
    ck_assert_uint_eq(lm->n_slices, 5);
    ck_assert_uint_eq(lm->n_mvm, 64); /* 8x8 output (pad 1) */
    for (uint32_t s = 0; s < 5; s++) {
        ck_assert_uint_eq(lm->slices[s].tile, s);
        ck_assert_uint_eq(lm->slices[s].row_off, s * 128);
        ck_assert_uint_eq(lm->slices[s].rows, s < 4 ? 128 : 64);
        ck_assert_uint_eq(lm->slices[s].col_off, 0);
        ck_assert_uint_eq(lm->slices[s].cols, 64);
    }
    ck_assert_uint_eq(m->tiles_used, 5);
    ck_assert_uint_eq(m->tiles_total, 64);
    wl_map_destroy(m);
}
END_TEST

/* Same layer, strategy 2: 9 kernel positions x ceil(64/128) = 1 Cin group -> 9 tiles, each
 * holding the 64 rows kpos*64 .. kpos*64+63. */
START_TEST(test_s2_conv3x3_c64_splits_into_9_tiles)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 64, 8);
    wl_map_t *m = map_ok(&net, &a, 2);
    const wl_layer_map_t *lm = &m->layers[0];

    ck_assert_uint_eq(lm->strategy, 2);
    ck_assert_uint_eq(lm->rows, 576);
    ck_assert_uint_eq(lm->row_groups, 9);
    ck_assert_uint_eq(lm->n_slices, 9);
    for (uint32_t s = 0; s < 9; s++) {
        ck_assert_uint_eq(lm->slices[s].row_off, s * 64);
        ck_assert_uint_eq(lm->slices[s].rows, 64);
    }
    ck_assert_uint_eq(m->tiles_used, 9);
    wl_map_destroy(m);
}
END_TEST

/* Strategy 2 with Cin 200 > X = 128 and Cout 300 > Y = 128: per kpos ceil(200/128) = 2
 * row groups (128 + 72 rows) at kpos*200 + {0, 128}; 9 * 2 = 18 row groups; ceil(300/128)
 * = 3 column groups (128, 128, 44); 54 slices, row-group major. */
START_TEST(test_s2_splits_cin_per_kernel_position_row_group_major)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 200, 4, 300, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 200, 4);
    wl_map_t *m = map_ok(&net, &a, 2);
    const wl_layer_map_t *lm = &m->layers[0];

    ck_assert_uint_eq(lm->row_groups, 18);
    ck_assert_uint_eq(lm->col_groups, 3);
    ck_assert_uint_eq(lm->n_slices, 54);
    for (uint32_t rg = 0; rg < 18; rg++) {
        for (uint32_t cg = 0; cg < 3; cg++) {
            const wl_slice_t *s = &lm->slices[rg * 3 + cg];
            ck_assert_uint_eq(s->tile, rg * 3 + cg);
            ck_assert_uint_eq(s->row_off, (rg / 2) * 200 + (rg % 2) * 128);
            ck_assert_uint_eq(s->rows, rg % 2 ? 72 : 128);
            ck_assert_uint_eq(s->col_off, cg * 128);
            ck_assert_uint_eq(s->cols, cg == 2 ? 44 : 128);
        }
    }
    wl_map_destroy(m);
}
END_TEST

/* Every row of the layer lies in exactly one row group, under both strategies (the mask
 * bit r means the same input row whichever way the layer is cut). */
START_TEST(test_row_groups_cover_every_row_once)
{
    arch_t a = make_arch(128, 64, 256, 32, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 200, 6, 100, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 200, 6);
    for (uint32_t strat = 1; strat <= 2; strat++) {
        wl_map_t *m = map_ok(&net, &a, strat);
        const wl_layer_map_t *lm = &m->layers[0];
        static unsigned char seen[1800]; /* rows = 9 * 200 */
        memset(seen, 0, sizeof seen);
        for (uint32_t s = 0; s < lm->n_slices; s++) {
            if (lm->slices[s].col_off != 0)
                continue; /* one column group is enough to check rows */
            for (uint32_t r = 0; r < lm->slices[s].rows; r++)
                seen[lm->slices[s].row_off + r]++;
        }
        for (uint32_t r = 0; r < 1800; r++)
            ck_assert_uint_eq(seen[r], 1);
        wl_map_destroy(m);
    }
}
END_TEST

/* fc 400 -> 120 and a 1x1 conv Cin 300 -> 200 map identically under both strategies:
 * fc: ceil(400/128) = 4 x 1; 1x1: ceil(300/128) = 3 x ceil(200/128) = 2 -> 6. */
START_TEST(test_fc_and_1x1_conv_map_the_same_under_both)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_fc("fc", -1, 400, 120, 0),
                      mk_conv("pw", WL_CONV, -1, 300, 4, 200, 1, 1, 0, 0)};
    wl_net_t net_fc = mk_net(&l[0], 1, 400, 1);
    wl_net_t net_pw = mk_net(&l[1], 1, 300, 4);
    wl_map_t *m1 = map_ok(&net_fc, &a, 1), *m2 = map_ok(&net_fc, &a, 2);
    ck_assert_uint_eq(m1->layers[0].n_slices, 4);
    ck_assert_uint_eq(m1->layers[0].n_mvm, 1);
    ck_assert_uint_eq(m2->layers[0].n_slices, 4);
    ck_assert_mem_eq(m1->layers[0].slices, m2->layers[0].slices, 4 * sizeof(wl_slice_t));
    wl_map_destroy(m1);
    wl_map_destroy(m2);

    m1 = map_ok(&net_pw, &a, 1);
    m2 = map_ok(&net_pw, &a, 2);
    ck_assert_uint_eq(m1->layers[0].n_slices, 6);
    ck_assert_uint_eq(m2->layers[0].n_slices, 6);
    ck_assert_mem_eq(m1->layers[0].slices, m2->layers[0].slices, 6 * sizeof(wl_slice_t));
    wl_map_destroy(m1);
    wl_map_destroy(m2);
}
END_TEST

/* An fc layer reading an unflattened 16x5x5 map has 16*5*5 = 400 rows. */
START_TEST(test_fc_flattens_its_input)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("fc", WL_FC, -1, 16, 5, 120, 1, 1, 0, 0)};
    l[0].hout = l[0].wout = 1;
    wl_net_t net = mk_net(l, 1, 16, 5);
    wl_map_t *m = map_ok(&net, &a, 2);
    ck_assert_uint_eq(m->layers[0].rows, 400);
    ck_assert_uint_eq(m->layers[0].n_slices, 4); /* ceil(400/128) */
    ck_assert_uint_eq(m->layers[0].n_mvm, 1);
    wl_map_destroy(m);
}
END_TEST

/* Tiles are consecutive across layers; a pool layer between them takes none.
 * conv a: 1x1, Cin 256 -> Cout 128: ceil(256/128) = 2 tiles (0, 1); pool: none; conv b:
 * 3x3 Cin 128 under strategy 1: ceil(1152/128) = 9 tiles (2..10). */
START_TEST(test_tiles_are_assigned_consecutively_across_layers)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("a", WL_CONV, -1, 256, 8, 128, 1, 1, 0, 0),
                      mk_conv("p", WL_MAXPOOL, 0, 128, 8, 0, 2, 2, 0, 0),
                      mk_conv("b", WL_CONV, 1, 128, 4, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 3, 256, 8);
    wl_map_t *m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->layers[0].n_slices, 2);
    ck_assert_uint_eq(m->layers[0].slices[1].tile, 1);
    ck_assert_uint_eq(m->layers[1].strategy, 0);
    ck_assert_uint_eq(m->layers[1].n_slices, 0);
    ck_assert_ptr_null(m->layers[1].slices);
    ck_assert_uint_eq(m->layers[1].rows, 0);
    ck_assert_uint_eq(m->layers[2].n_slices, 9);
    ck_assert_uint_eq(m->layers[2].slices[0].tile, 2);
    ck_assert_uint_eq(m->layers[2].slices[8].tile, 10);
    ck_assert_uint_eq(m->tiles_used, 11);
    wl_map_destroy(m);
}
END_TEST

/* n_psum = sum over row groups of ceil(rows / max_active_rows), max_active_rows 32.
 * 3x3, Cin 48: rows 432.  Strategy 1: groups 128,128,128,48 -> 4+4+4+2 = 14.
 * Strategy 2: 9 groups of 48 -> 9*2 = 18.  Cin 64 (rows 576): strategy 1 groups
 * 4x128 + 64 -> 4*4 + 2 = 18; strategy 2: 9 x 64 -> 9*2 = 18. */
START_TEST(test_n_psum_sums_read_steps_of_row_groups)
{
    arch_t a = make_arch(128, 128, 64, 32, 1);
    wl_layer_t l48[] = {mk_conv("c", WL_CONV, -1, 48, 8, 64, 3, 1, 1, 0)};
    wl_layer_t l64[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0)};
    wl_net_t n48 = mk_net(l48, 1, 48, 8), n64 = mk_net(l64, 1, 64, 8);
    wl_map_t *m;

    m = map_ok(&n48, &a, 1);
    ck_assert_uint_eq(m->layers[0].n_psum, 14);
    wl_map_destroy(m);
    m = map_ok(&n48, &a, 2);
    ck_assert_uint_eq(m->layers[0].n_psum, 18);
    wl_map_destroy(m);
    m = map_ok(&n64, &a, 1);
    ck_assert_uint_eq(m->layers[0].n_psum, 18);
    wl_map_destroy(m);
    m = map_ok(&n64, &a, 2);
    ck_assert_uint_eq(m->layers[0].n_psum, 18);
    wl_map_destroy(m);
}
END_TEST

/* n_psum with max_active_rows = X: one read step per row group, so n_psum = row_groups. */
START_TEST(test_n_psum_equals_row_groups_when_all_rows_read_at_once)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 48, 8, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 48, 8);
    wl_map_t *m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->layers[0].n_psum, 4); /* ceil(432/128) */
    wl_map_destroy(m);
    m = map_ok(&net, &a, 2);
    ck_assert_uint_eq(m->layers[0].n_psum, 9);
    wl_map_destroy(m);
}
END_TEST

/* drng_modules = sum over row groups of ceil(rows / share).
 * share 1: one module per row = rows (432 for 3x3 Cin 48) under both strategies.
 * share 4, Cin 48: strategy 1: 32+32+32+12 = 108; strategy 2: 9 * ceil(48/4) = 108.
 * share 3, Cin 64 (rows 576): strategy 1: 4*ceil(128/3) + ceil(64/3) = 4*43 + 22 = 194;
 * strategy 2: 9 * ceil(64/3) = 9*22 = 198.  No dropout: 0 modules. */
START_TEST(test_drng_modules_follow_row_groups_and_share)
{
    wl_layer_t l48[] = {mk_conv("c", WL_CONV, -1, 48, 8, 64, 3, 1, 1, 0.2)};
    wl_layer_t l64[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0.2)};
    wl_net_t n48 = mk_net(l48, 1, 48, 8), n64 = mk_net(l64, 1, 64, 8);
    arch_t a1 = make_arch(128, 128, 64, 32, 1);
    arch_t a4 = make_arch(128, 128, 64, 32, 4);
    arch_t a3 = make_arch(128, 128, 64, 32, 3);
    static const uint32_t strat[] = {1, 2, 1, 2, 1, 2};
    static const uint32_t modules[] = {432, 432, 108, 108, 194, 198};
    const wl_net_t *nets[] = {&n48, &n48, &n48, &n48, &n64, &n64};
    const arch_t *archs[] = {&a1, &a1, &a4, &a4, &a3, &a3};

    for (unsigned i = 0; i < 6; i++) {
        wl_map_t *m = map_ok(nets[i], archs[i], strat[i]);
        ck_assert_msg(m->layers[0].drng_modules == modules[i], "case %u: %u modules, expected %u",
                      i, m->layers[0].drng_modules, modules[i]);
        wl_map_destroy(m);
    }

    l48[0].p = 0;
    wl_map_t *m = map_ok(&n48, &a1, 1);
    ck_assert_uint_eq(m->layers[0].drng_modules, 0);
    wl_map_destroy(m);
}
END_TEST

/* weight_bits = rows*cols; cells_used = 2*weight_bits; cells_alloc = 2*tiles*X*Y;
 * utilization = used / alloc.  3x3 Cin 64 Cout 64 on 128x128, strategy 1: 576*64 = 36864
 * weights, 5 tiles -> alloc 2*5*16384 = 163840 cells, used 73728: 0.45. */
START_TEST(test_cells_and_utilization)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 64, 8);
    wl_map_t *m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->layers[0].weight_bits, 36864);
    ck_assert_uint_eq(m->layers[0].cells_used, 73728);
    ck_assert_uint_eq(m->layers[0].cells_alloc, 163840);
    ck_assert_double_eq_tol(m->utilization, 0.45, 1e-12);
    wl_map_destroy(m);
    /* Strategy 2: 9 tiles -> alloc 294912, utilization 73728 / 294912 = 0.25. */
    m = map_ok(&net, &a, 2);
    ck_assert_uint_eq(m->layers[0].cells_alloc, 294912);
    ck_assert_double_eq_tol(m->utilization, 0.25, 1e-12);
    wl_map_destroy(m);
}
END_TEST

/* LeNet-5 on 128x128 (strategy 1): conv1 25x6 -> 1 tile; conv2 150x16 -> 2; fc1 400x120
 * -> 4; fc2 120x84 -> 1; fc3 84x10 -> 1: 9 tiles.  Weights 150 + 2400 + 48000 + 10080
 * + 840 = 61470; utilization 2*61470 / (2*9*16384) = 61470 / 147456. */
START_TEST(test_lenet5_tiles_weights_and_utilization)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_net_t *net = load_builtin("lenet5-mnist");
    wl_map_t *m = map_ok(net, &a, 1);
    static const uint32_t tiles[7] = {1, 0, 2, 0, 4, 1, 1};
    uint64_t bits = 0;
    for (uint32_t i = 0; i < 7; i++) {
        ck_assert_uint_eq(m->layers[i].n_slices, tiles[i]);
        bits += m->layers[i].weight_bits;
    }
    ck_assert_uint_eq(bits, 61470);
    ck_assert_uint_eq(m->tiles_used, 9);
    ck_assert_double_eq_tol(m->utilization, 61470.0 / 147456.0, 1e-12);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* ResNet-18/CIFAR-10 on 128x128 crossbars: 698 tiles under strategy 1, 726 under 2.
 * Independent count from the architecture alone, per conv (k, Cin, Cout, how many):
 *   s1 tiles = ceil(k*k*Cin/128) * ceil(Cout/128); s2 = k*k*ceil(Cin/128)*ceil(Cout/128)
 *   stem 3,3,64 x1:        1 |   9
 *   3,64,64 x4:       4* 5=20 |  4*9=36
 *   3,64,128 x1:           5 |   9      3,128,128 x3: 3*9=27 | 27      1,64,128: 1 | 1
 *   3,128,256 x1:    9*2=18 |  18      3,256,256 x3: 3*36=108 | 108   1,128,256: 2 | 2
 *   3,256,512 x1:   18*4=72 |  72      3,512,512 x3: 3*144=432 | 432  1,256,512: 8 | 8
 *   fc 512 -> 10:          4 |   4
 *   totals: 1+20+33+128+512+4 = 698;  9+36+37+128+512+4 = 726. */
START_TEST(test_resnet18_takes_698_tiles_s1_and_726_s2)
{
    static const struct {
        uint32_t k, cin, cout, n;
    } convs[] = {
        {3, 3, 64, 1},    {3, 64, 64, 4},   {3, 64, 128, 1},  {3, 128, 128, 3},
        {1, 64, 128, 1},  {3, 128, 256, 1}, {3, 256, 256, 3}, {1, 128, 256, 1},
        {3, 256, 512, 1}, {3, 512, 512, 3}, {1, 256, 512, 1}, {1, 512, 10, 1},
    };
    uint32_t ind1 = 0, ind2 = 0;
    for (unsigned i = 0; i < sizeof convs / sizeof convs[0]; i++) {
        uint32_t k = convs[i].k, cin = convs[i].cin, cg = (convs[i].cout + 127) / 128;
        ind1 += convs[i].n * ((k * k * cin + 127) / 128) * cg;
        ind2 += convs[i].n * k * k * ((cin + 127) / 128) * cg;
    }
    ck_assert_uint_eq(ind1, 698);
    ck_assert_uint_eq(ind2, 726);

    arch_t a = make_arch(128, 128, 1024, 128, 1);
    wl_net_t *net = load_builtin("resnet18-cifar10");
    wl_map_t *m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->tiles_used, ind1);
    wl_map_destroy(m);
    m = map_ok(net, &a, 2);
    ck_assert_uint_eq(m->tiles_used, ind2);
    /* The last slice of the last layer sits on the last tile used. */
    const wl_layer_map_t *fc = &m->layers[net->n_layers - 1];
    ck_assert_uint_eq(fc->slices[fc->n_slices - 1].tile, 725);
    wl_map_destroy(m);
    /* Exactly enough tiles is enough. */
    a.tiles = 726;
    m = map_ok(net, &a, 2);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* Every built-in maps on the compiled-in default architecture (128 x 128 crossbars,
 * 1024 tiles), under both strategies.  Tiles, by hand:
 *   LeNet-5   s1: 1 + 2 + 4 + 1 + 1 = 9;  s2: conv1 25*1 + conv2 25*1 + fc 6 = 56.
 *   VGG-small s1: conv 1 + 9 + 9*2 + 18*2 + 18*4 + 36*4 = 280, fc 64*8 + 8*8 + 8*1 = 584,
 *             864;  s2: conv 9 + 9 + 9*2 + 9*2*2 + 9*2*4 + 9*4*4 = 288, + 584 = 872.
 *   ResNet-18 698 and 726 (test above).
 * Peak live bits: LeNet-5 at pool1, 6*28*28 + 6*14*14 = 4704 + 1176 = 5880; VGG-small at
 * conv2, 2 * 128*32*32 = 262144; ResNet-18 at s1b1_convb, 3 * 64*32*32 = 196608. */
START_TEST(test_builtins_map_on_the_default_architecture)
{
    static const struct {
        const char *name;
        uint32_t tiles[2];
        uint64_t peak;
    } want[] = {
        {"lenet5-mnist", {9, 56}, 5880},
        {"vgg-small-cifar10", {864, 872}, 262144},
        {"resnet18-cifar10", {698, 726}, 196608},
    };
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    ck_assert_msg(a.tile.xbar.rows == 128 && a.tile.xbar.cols == 128,
                  "the expected counts assume the default 128 x 128 crossbars");
    for (unsigned i = 0; i < 3; i++) {
        wl_net_t *net = load_builtin(want[i].name);
        for (uint32_t s = 1; s <= 2; s++) {
            wl_map_t *m = map_ok(net, &a, s);
            ck_assert_msg(m->tiles_used == want[i].tiles[s - 1], "%s s%u: %u tiles", want[i].name,
                          s, m->tiles_used);
            ck_assert_uint_eq(m->gbuf_peak_bits, want[i].peak);
            wl_map_destroy(m);
        }
        wl_net_destroy(net);
    }
}
END_TEST

/* ---- Strategy override ---- */

/* A layer's own `mapping` wins over both the arch default and a forced strategy; strategy
 * 0 means the arch default for layers without their own.  Two 3x3 Cin 64 convs (5 tiles
 * under 1, 9 under 2); layer b says mapping: 2. */
START_TEST(test_layer_mapping_wins_over_run_and_arch_default)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("a", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0),
                      mk_conv("b", WL_CONV, 0, 64, 8, 64, 3, 1, 1, 0)};
    l[1].mapping = 2;
    wl_net_t net = mk_net(l, 2, 64, 8);
    wl_map_t *m;

    m = map_ok(&net, &a, 0); /* arch default 1 for a, own 2 for b */
    ck_assert_uint_eq(m->layers[0].strategy, 1);
    ck_assert_uint_eq(m->layers[1].strategy, 2);
    ck_assert_uint_eq(m->tiles_used, 5 + 9);
    wl_map_destroy(m);

    a.mapping = 2; /* arch default 2 */
    m = map_ok(&net, &a, 0);
    ck_assert_uint_eq(m->layers[0].strategy, 2);
    ck_assert_uint_eq(m->tiles_used, 9 + 9);
    wl_map_destroy(m);

    m = map_ok(&net, &a, 1); /* forced 1 for a; b keeps its own 2 */
    ck_assert_uint_eq(m->layers[0].strategy, 1);
    ck_assert_uint_eq(m->layers[1].strategy, 2);
    ck_assert_uint_eq(m->tiles_used, 5 + 9);
    wl_map_destroy(m);

    l[1].mapping = 1; /* own 1 beats forced 2 */
    m = map_ok(&net, &a, 2);
    ck_assert_uint_eq(m->layers[0].strategy, 2);
    ck_assert_uint_eq(m->layers[1].strategy, 1);
    ck_assert_uint_eq(m->tiles_used, 9 + 5);
    wl_map_destroy(m);
}
END_TEST

/* ---- Global buffer ---- */

/* Live activations: inputs and output of the running layer plus earlier outputs still
 * read later.  Net input 1x4x4 = 16 bits; L0 conv 1x1 -> 2x4x4 = 32; L1 conv 1x1 -> 4x4x4
 * = 64; L2 conv 1x1 (input L1) -> 32; L3 add (input L2, from L0) -> 32.
 *   L0: 16 + 32 = 48;  L1: 32 + 64 = 96 (L0 is its input);  L2: 64 + 32 + L0 32 = 128;
 *   L3: 32 + 32 + 32 = 96.  Peak 128. */
START_TEST(test_gbuf_peak_counts_outputs_still_referenced)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("l0", WL_CONV, -1, 1, 4, 2, 1, 1, 0, 0),
                      mk_conv("l1", WL_CONV, 0, 2, 4, 4, 1, 1, 0, 0),
                      mk_conv("l2", WL_CONV, 1, 4, 4, 2, 1, 1, 0, 0),
                      mk_conv("l3", WL_ADD, 2, 2, 4, 0, 1, 1, 0, 0)};
    l[3].from = 0;
    wl_net_t net = mk_net(l, 4, 1, 4);
    wl_map_t *m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->gbuf_peak_bits, 128);
    wl_map_destroy(m);

    /* Without the residual (L3 reads only L2), L0 dies after L1: L2 = 64 + 32 = 96. */
    l[3].from = 2;
    m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->gbuf_peak_bits, 96);
    wl_map_destroy(m);
}
END_TEST

/* ResNet-18: stage 1 tensors are 64x32x32 = 65536 bits; at s1b1_convb the block input
 * (stem output), convb's input and its output are live: 3 * 65536 = 196608 (later stages
 * are at most 65536 + 3 * 32768).  A buffer of 3071 x 64 = 196544 bits is too small. */
START_TEST(test_gbuf_too_small_names_layer_and_sizes)
{
    arch_t a = make_arch(128, 128, 1024, 128, 1);
    wl_net_t *net = load_builtin("resnet18-cifar10");
    wl_map_t *m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->gbuf_peak_bits, 196608);
    wl_map_destroy(m);

    arch_diag_list_t dl;
    char buf[512];
    a.gbuf.words = 3071;
    ck_assert_int_eq(map_fail(net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(dl.d[0].path, "layers[2]");
    ck_assert_uint_eq(dl.d[0].line, net->layers[2].line);
    ck_assert_str_eq(dl.d[0].msg, "live activations at layer 's1b1_convb' need 196608 bits, "
                                  "more than the global buffer's 196544 bits "
                                  "(gbuf.words x gbuf.word_bits)");
    a.gbuf.words = 3072; /* 196608: exactly enough */
    m = map_ok(net, &a, 1);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* A hand-built fc over 65536 x 65536 x 65536 inputs has 2^48 rows: an error, not a
 * wrapped 32-bit row count. */
START_TEST(test_rows_beyond_32_bits_is_an_error)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("f", WL_FC, -1, 65536, 65536, 10, 1, 1, 0, 0)};
    l[0].hout = l[0].wout = 1;
    wl_net_t net = mk_net(l, 1, 65536, 65536);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "layer 'f' has 281474976710656 input rows and 1 output "
                                  "positions; at most 4294967295 of each fit");
}
END_TEST

/* ---- Bayesian schemes ---- */

/* What one Bayesian layer costs under one scheme. */
typedef struct scheme_want {
    uint32_t scheme;
    uint32_t sto, gran, post;
    uint64_t units, bits_pass;
    uint32_t modules;
    double p;
    uint64_t sram_bits, bayes_bits, bayes_cells;
    uint32_t copies, per_copy, n_extra, n_slices, cell_mtjs;
} scheme_want_t;

/* Asserts every accounting field of lm against w; what names the case in messages. */
static void assert_scheme(const wl_layer_map_t *lm, const scheme_want_t *w, const char *what)
{
#define EQ(f, v)                                                                                   \
    ck_assert_msg((uint64_t)(f) == (uint64_t)(v), "%s %s: %s = %llu, expected %llu", what,         \
                  arch_dropout_name(w->scheme), #f, (unsigned long long)(f),                       \
                  (unsigned long long)(v))
    EQ(lm->sto, w->sto);
    EQ(lm->gran, w->gran);
    EQ(lm->post, w->post);
    EQ(lm->units, w->units);
    EQ(lm->rng_bits_pass, w->bits_pass);
    EQ(lm->drng_modules, w->modules);
    EQ(lm->sram_bits, w->sram_bits);
    EQ(lm->bayes_bits, w->bayes_bits);
    EQ(lm->bayes_cells, w->bayes_cells);
    EQ(lm->copies, w->copies);
    EQ(lm->slices_per_copy, w->per_copy);
    EQ(lm->n_extra, w->n_extra);
    EQ(lm->n_slices, w->n_slices);
    EQ(lm->cell_mtjs, w->cell_mtjs);
#undef EQ
    ck_assert_msg(fabs(lm->p - w->p) < 1e-12, "%s %s: p = %g, expected %g", what,
                  arch_dropout_name(w->scheme), lm->p, w->p);
}

/* The conv layer of the scheme tests: 3x3, Cin 64 -> Cout 64, 32x32 input, pad 1, so a
 * 32x32 output; dropout 0.2.  R = 3*3*64 = 576 rows, C = 64, V = 32*32 = 1024 vectors,
 * N = 64*32*32 = 65536 input neurons, W = 576*64 = 36864 weights.  Binary tiles on
 * 128x128: strategy 1 ceil(576/128) = 5 row groups (4 x 128 + 64), strategy 2 9 kernel
 * positions x ceil(64/128) = 9 row groups of 64; one column group either way.
 * Scheme parameters (make_arch): scale_bits 8, param_bits 4, 3 MTJs -> 2 bits per cell so
 * 2 cells per parameter, sample_bits 4, k 4, share 1. */
static const scheme_want_t conv_want[2][9] = {
    {
        /* strategy 1: 5 binary tiles */
        {ARCH_DROPOUT_NONE, WL_STO_NONE, 0, WL_POST_NONE, 0, 0, 0, 0.0, 0, 0, 0, 1, 5, 0, 5, 1},
        /* SpinDrop: a module per row, 4*128 + 64 = 576 = R; units R; bits per pass R*V =
         * 576*1024 = 589824 (a fresh mask per vector). */
        {ARCH_DROPOUT_SPINDROP, WL_STO_VECTOR, WL_GRAN_ROW, WL_POST_NONE, 576, 589824, 576, 0.2, 0,
         0, 0, 1, 5, 0, 5, 1},
        /* MC-Dropout: one per input neuron, N = 65536, once per pass. */
        {ARCH_DROPOUT_MC_DROPOUT, WL_STO_PASS, WL_GRAN_NEURON, WL_POST_NONE, 65536, 65536, 65536,
         0.2, 0, 0, 0, 1, 5, 0, 5, 1},
        /* MC-DropConnect: one per weight, R*C = 576*64 = 36864. */
        {ARCH_DROPOUT_MC_DROPCONNECT, WL_STO_PASS, WL_GRAN_WEIGHT, WL_POST_NONE, 36864, 36864,
         36864, 0.2, 0, 0, 0, 1, 5, 0, 5, 1},
        /* Spatial-SpinDrop: one per channel, Cin = 64 = SpinDrop's 576 / 9. */
        {ARCH_DROPOUT_SPATIAL, WL_STO_PASS, WL_GRAN_CHANNEL, WL_POST_NONE, 64, 64, 64, 0.2, 0, 0, 0,
         1, 5, 0, 5, 1},
        /* ScaleDrop (scenario.scale_apply threshold): one scalar, one module, no multiply;
         * the alternative thresholds, one 16-bit threshold (periph.thresh_bits) per output:
         * C * 16 = 1024 bits of SRAM (multiply: the scale vector, C * 8 = 512). */
        {ARCH_DROPOUT_SCALEDROP, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NONE, 1, 1, 1, 0.2, 1024, 0,
         0, 1, 5, 0, 5, 1},
        /* Affine Dropout: two scalars (gamma, beta), two modules; 2 * 64 * 8 = 1024 bits. */
        {ARCH_DROPOUT_AFFINE, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NORM, 2, 2, 2, 0.2, 1024, 0, 0,
         1, 5, 0, 5, 1},
        /* Subset VI: C * 4 = 256 sample bits at p 0.5 from C = 64 SOT RNGs; mean and deviation
         * 2 * 64 * 4 = 512 bits in 2 * 64 * 2 = 256 cells: 2 rows x 128 columns, one 128x128
         * slice after the 5 weight tiles -> 6. */
        {ARCH_DROPOUT_SUBSET_VI, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_SCALE, 256, 256, 64, 0.5, 0,
         512, 256, 1, 5, 1, 6, 1},
        /* SpinBayes: log2 4 = 2 arbiter bits at p 0.5, no dropout modules; 4 copies of a
         * matrix 576 x (64 * 2 cells) = 576 x 128: 5 tiles each -> 20 = 4 x 5; posterior
         * 4 * 36864 * 4 = 589824 bits in 4 * 36864 * 2 = 294912 three-MTJ cells. */
        {ARCH_DROPOUT_SPINBAYES, WL_STO_ARBITER, WL_GRAN_SCALAR, WL_POST_NONE, 2, 2, 0, 0.5, 0,
         589824, 294912, 4, 5, 0, 20, 3},
    },
    {
        /* strategy 2: 9 binary tiles; every count but the tiles as under strategy 1 */
        {ARCH_DROPOUT_NONE, WL_STO_NONE, 0, WL_POST_NONE, 0, 0, 0, 0.0, 0, 0, 0, 1, 9, 0, 9, 1},
        /* SpinDrop: 9 row groups of 64 rows: 9 * 64 = 576 modules, as under strategy 1. */
        {ARCH_DROPOUT_SPINDROP, WL_STO_VECTOR, WL_GRAN_ROW, WL_POST_NONE, 576, 589824, 576, 0.2, 0,
         0, 0, 1, 9, 0, 9, 1},
        {ARCH_DROPOUT_MC_DROPOUT, WL_STO_PASS, WL_GRAN_NEURON, WL_POST_NONE, 65536, 65536, 65536,
         0.2, 0, 0, 0, 1, 9, 0, 9, 1},
        {ARCH_DROPOUT_MC_DROPCONNECT, WL_STO_PASS, WL_GRAN_WEIGHT, WL_POST_NONE, 36864, 36864,
         36864, 0.2, 0, 0, 0, 1, 9, 0, 9, 1},
        /* Spatial-SpinDrop: still Cin = 64, each module driving its channel's row in all 9
         * kernel-position crossbars. */
        {ARCH_DROPOUT_SPATIAL, WL_STO_PASS, WL_GRAN_CHANNEL, WL_POST_NONE, 64, 64, 64, 0.2, 0, 0, 0,
         1, 9, 0, 9, 1},
        {ARCH_DROPOUT_SCALEDROP, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NONE, 1, 1, 1, 0.2, 1024, 0,
         0, 1, 9, 0, 9, 1},
        {ARCH_DROPOUT_AFFINE, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NORM, 2, 2, 2, 0.2, 1024, 0, 0,
         1, 9, 0, 9, 1},
        /* 9 weight tiles + 1 scale slice = 10. */
        {ARCH_DROPOUT_SUBSET_VI, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_SCALE, 256, 256, 64, 0.5, 0,
         512, 256, 1, 9, 1, 10, 1},
        /* 4 copies x 9 = 36. */
        {ARCH_DROPOUT_SPINBAYES, WL_STO_ARBITER, WL_GRAN_SCALAR, WL_POST_NONE, 2, 2, 0, 0.5, 0,
         589824, 294912, 4, 9, 0, 36, 3},
    },
};

/* The fc layer: 1024 -> 100, dropout 0.2.  R = N = 1024, C = 100, V = 1, W = 102400;
 * ceil(1024/128) = 8 row groups x 1 column group = 8 tiles under both strategies. */
static const scheme_want_t fc_want[9] = {
    {ARCH_DROPOUT_NONE, WL_STO_NONE, 0, WL_POST_NONE, 0, 0, 0, 0.0, 0, 0, 0, 1, 8, 0, 8, 1},
    /* SpinDrop: 8 x 128 = 1024 modules; bits per pass R * V = 1024. */
    {ARCH_DROPOUT_SPINDROP, WL_STO_VECTOR, WL_GRAN_ROW, WL_POST_NONE, 1024, 1024, 1024, 0.2, 0, 0,
     0, 1, 8, 0, 8, 1},
    /* MC-Dropout: N = R = 1024; an fc row is an input neuron (gran ROW, no expansion). */
    {ARCH_DROPOUT_MC_DROPOUT, WL_STO_PASS, WL_GRAN_ROW, WL_POST_NONE, 1024, 1024, 1024, 0.2, 0, 0,
     0, 1, 8, 0, 8, 1},
    /* MC-DropConnect: 1024 * 100 = 102400. */
    {ARCH_DROPOUT_MC_DROPCONNECT, WL_STO_PASS, WL_GRAN_WEIGHT, WL_POST_NONE, 102400, 102400, 102400,
     0.2, 0, 0, 0, 1, 8, 0, 8, 1},
    /* Spatial-SpinDrop on fc: one module per input neuron, R = 1024 (a 1x1 map). */
    {ARCH_DROPOUT_SPATIAL, WL_STO_PASS, WL_GRAN_ROW, WL_POST_NONE, 1024, 1024, 1024, 0.2, 0, 0, 0,
     1, 8, 0, 8, 1},
    /* ScaleDrop, threshold form: 100 alternative thresholds x 16 = 1600 SRAM bits. */
    {ARCH_DROPOUT_SCALEDROP, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NONE, 1, 1, 1, 0.2, 1600, 0, 0, 1,
     8, 0, 8, 1},
    /* Affine: 2 * 100 * 8 = 1600. */
    {ARCH_DROPOUT_AFFINE, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_NORM, 2, 2, 2, 0.2, 1600, 0, 0, 1, 8,
     0, 8, 1},
    /* Subset VI: 100 * 4 = 400 bits from 100 RNGs; 2 * 100 * 4 = 800 bits in 2 * 100 * 2 =
     * 400 cells: 2 rows x 200 columns -> ceil(200/128) = 2 slices; 8 + 2 = 10. */
    {ARCH_DROPOUT_SUBSET_VI, WL_STO_PASS, WL_GRAN_SCALAR, WL_POST_SCALE, 400, 400, 100, 0.5, 0, 800,
     400, 1, 8, 2, 10, 1},
    /* SpinBayes: 100 weights x 2 cells = 200 cell columns -> 2 column groups, so a copy is
     * 8 x 2 = 16 tiles (not 8: 4-bit weights need 2 cells); 4 copies = 64.  4 * 102400 * 4
     * = 1638400 bits in 4 * 102400 * 2 = 819200 cells. */
    {ARCH_DROPOUT_SPINBAYES, WL_STO_ARBITER, WL_GRAN_SCALAR, WL_POST_NONE, 2, 2, 0, 0.5, 0, 1638400,
     819200, 4, 16, 0, 64, 3},
};

START_TEST(test_schemes_conv3x3_c64_under_both_strategies)
{
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 64, 32);
    ck_assert_uint_eq(l[0].hout, 32);
    for (uint32_t strat = 1; strat <= 2; strat++)
        for (uint32_t k = 0; k < 9; k++) {
            const scheme_want_t *w = &conv_want[strat - 1][k];
            arch_t a = make_arch(128, 128, 64, 128, 1);
            char what[32];
            a.dropout_impl = w->scheme;
            snprintf(what, sizeof what, "conv s%u", (unsigned)strat);
            wl_map_t *m = map_ok(&net, &a, strat);
            ck_assert_uint_eq(m->scheme, w->scheme);
            ck_assert_uint_eq(m->T, w->scheme == ARCH_DROPOUT_NONE ? 1 : 0);
            ck_assert_uint_eq(m->tiles_used, w->n_slices);
            assert_scheme(&m->layers[0], w, what);
            wl_map_destroy(m);
        }
}
END_TEST

START_TEST(test_schemes_fc_the_same_under_both_strategies)
{
    wl_layer_t l[] = {mk_fc("f", -1, 1024, 100, 0.2)};
    wl_net_t net = mk_net(l, 1, 1024, 1);
    for (uint32_t strat = 1; strat <= 2; strat++)
        for (uint32_t k = 0; k < 9; k++) {
            arch_t a = make_arch(128, 128, 64, 128, 1);
            char what[32];
            a.dropout_impl = fc_want[k].scheme;
            snprintf(what, sizeof what, "fc s%u", (unsigned)strat);
            wl_map_t *m = map_ok(&net, &a, strat);
            assert_scheme(&m->layers[0], &fc_want[k], what);
            wl_map_destroy(m);
        }
}
END_TEST

/* Spatial-SpinDrop needs 9x fewer modules than SpinDrop on a 3x3 conv (K*K*Cin / Cin), and
 * the ratio holds for any Cin under both strategies (share 1). */
START_TEST(test_spatial_has_k_squared_fewer_modules_than_spindrop)
{
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 200, 8, 32, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 200, 8);
    for (uint32_t strat = 1; strat <= 2; strat++) {
        arch_t a = make_arch(128, 128, 64, 128, 1);
        wl_map_t *sd = map_ok(&net, &a, strat);
        a.dropout_impl = ARCH_DROPOUT_SPATIAL;
        wl_map_t *sp = map_ok(&net, &a, strat);
        ck_assert_uint_eq(sd->layers[0].drng_modules, 1800); /* 9 * 200 rows */
        ck_assert_uint_eq(sp->layers[0].drng_modules, 200);
        ck_assert_uint_eq(sd->layers[0].drng_modules, 9 * sp->layers[0].drng_modules);
        wl_map_destroy(sd);
        wl_map_destroy(sp);
    }
}
END_TEST

/* Cells under the schemes that add memory (conv of the table, strategy 1):
 *   subset VI: 2 * 36864 binary cells + 256 scale cells = 73984 used; 5 binary slices x
 *     2 * 16384 + 1 multi-level slice x 16384 = 180224 allocated;
 *   SpinBayes: 294912 multi-level cells used of 20 slices x 16384 = 327680.
 * weight_bits keeps its binary meaning (the layer's 36864 weights) under both. */
START_TEST(test_scheme_cells_count_copies_and_the_scale_crossbar)
{
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 64, 32);
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SUBSET_VI;
    wl_map_t *m = map_ok(&net, &a, 1);
    const wl_layer_map_t *lm = &m->layers[0];
    ck_assert_uint_eq(lm->weight_bits, 36864);
    ck_assert_uint_eq(lm->cells_used, 73984);
    ck_assert_uint_eq(lm->cells_alloc, 180224);
    ck_assert_double_eq_tol(m->utilization, 73984.0 / 180224.0, 1e-12);
    /* The scale slice: the 6th tile, 2 rows x 128 columns from (0, 0). */
    const wl_slice_t *x = &lm->slices[5];
    ck_assert_uint_eq(x->tile, 5);
    ck_assert_uint_eq(x->row_off, 0);
    ck_assert_uint_eq(x->rows, 2);
    ck_assert_uint_eq(x->col_off, 0);
    ck_assert_uint_eq(x->cols, 128);
    wl_map_destroy(m);

    a.dropout_impl = ARCH_DROPOUT_SPINBAYES;
    m = map_ok(&net, &a, 1);
    lm = &m->layers[0];
    ck_assert_uint_eq(lm->weight_bits, 36864);
    ck_assert_uint_eq(lm->cells_used, 294912);
    ck_assert_uint_eq(lm->cells_alloc, 327680);
    /* Copy j, row group g on tile 5j + g: rows as in the binary mapping, 64 * 2 = 128 cell
     * columns (2 cells per 4-bit weight, adjacent). */
    for (uint32_t j = 0; j < 4; j++)
        for (uint32_t g = 0; g < 5; g++) {
            const wl_slice_t *sl = &lm->slices[j * 5 + g];
            ck_assert_uint_eq(sl->tile, j * 5 + g);
            ck_assert_uint_eq(sl->row_off, g * 128);
            ck_assert_uint_eq(sl->rows, g < 4 ? 128 : 64);
            ck_assert_uint_eq(sl->col_off, 0);
            ck_assert_uint_eq(sl->cols, 128);
        }
    wl_map_destroy(m);
}
END_TEST

/* The fc's extra slices (subset VI): 2 rows x 200 columns -> tiles 8 (cols 0..127) and 9
 * (128..199); SpinBayes' copy j, row group g, column group c is slice 16j + 2g + c with
 * 128 or 200 - 128 = 72 cell columns. */
START_TEST(test_scheme_slices_of_the_fc_layer)
{
    wl_layer_t l[] = {mk_fc("f", -1, 1024, 100, 0.2)};
    wl_net_t net = mk_net(l, 1, 1024, 1);
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SUBSET_VI;
    wl_map_t *m = map_ok(&net, &a, 1);
    const wl_layer_map_t *lm = &m->layers[0];
    for (uint32_t c = 0; c < 2; c++) {
        const wl_slice_t *x = &lm->slices[8 + c];
        ck_assert_uint_eq(x->tile, 8 + c);
        ck_assert_uint_eq(x->rows, 2);
        ck_assert_uint_eq(x->col_off, c * 128);
        ck_assert_uint_eq(x->cols, c ? 72 : 128);
    }
    wl_map_destroy(m);
    a.dropout_impl = ARCH_DROPOUT_SPINBAYES;
    m = map_ok(&net, &a, 2);
    lm = &m->layers[0];
    ck_assert_uint_eq(lm->col_groups, 2);
    for (uint32_t j = 0; j < 4; j++)
        for (uint32_t g = 0; g < 8; g++)
            for (uint32_t c = 0; c < 2; c++) {
                const wl_slice_t *sl = &lm->slices[16 * j + 2 * g + c];
                ck_assert_uint_eq(sl->tile, 16 * j + 2 * g + c);
                ck_assert_uint_eq(sl->row_off, g * 128);
                ck_assert_uint_eq(sl->col_off, c * 128);
                ck_assert_uint_eq(sl->cols, c ? 72 : 128);
            }
    wl_map_destroy(m);
}
END_TEST

/* Under every scheme a layer with p = 0 is deterministic (NONE, 1 copy, no extra slices),
 * a pool takes nothing, and tiles stay consecutive after a SpinBayes or subset-VI layer.
 * Net: c0 3x3 Cin 64 (p 0.2; 5 binary tiles), pool, c1 3x3 Cin 64 on 16x16 (p 0; 5). */
START_TEST(test_deterministic_layers_are_none_under_every_scheme)
{
    /* Tiles of c0 per scheme: 5, except subset VI 6 and SpinBayes 20 (table above). */
    static const uint32_t c0_tiles[9] = {5, 5, 5, 5, 5, 5, 5, 6, 20};
    wl_layer_t l[] = {mk_conv("c0", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2),
                      mk_conv("p", WL_MAXPOOL, 0, 64, 32, 0, 2, 2, 0, 0),
                      mk_conv("c1", WL_CONV, 1, 64, 16, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 3, 64, 32);
    for (uint32_t k = 0; k < 9; k++) {
        arch_t a = make_arch(128, 128, 64, 128, 1);
        a.dropout_impl = k;
        wl_map_t *m = map_ok(&net, &a, 1);
        const wl_layer_map_t *p = &m->layers[1], *c1 = &m->layers[2];
        ck_assert_uint_eq(p->sto, WL_STO_NONE);
        ck_assert_uint_eq(p->n_slices, 0);
        ck_assert_uint_eq(c1->sto, WL_STO_NONE);
        ck_assert_uint_eq(c1->drng_modules, 0);
        ck_assert_uint_eq(c1->units, 0);
        ck_assert_uint_eq(c1->copies, 1);
        ck_assert_uint_eq(c1->n_extra, 0);
        ck_assert_uint_eq(c1->cell_mtjs, 1);
        ck_assert_uint_eq(c1->n_slices, 5);
        ck_assert_uint_eq(c1->sram_bits + c1->bayes_bits + c1->bayes_cells, 0);
        ck_assert_uint_eq(c1->slices[0].tile, c0_tiles[k]);
        ck_assert_uint_eq(m->tiles_used, c0_tiles[k] + 5);
        wl_map_destroy(m);
    }
}
END_TEST

/* bayes.whole_model: one ScaleDrop module for the whole model, on its first Bayesian layer.
 * ResNet-18 has dropout on its 21 conv/fc layers (stem, 4 + 5 + 5 + 5 block and
 * downsample convs, fc): 21 modules per layer, 1 for the whole model. */
START_TEST(test_scaledrop_whole_model_counts_one_module)
{
    arch_t a = make_arch(128, 128, 1024, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SCALEDROP;
    wl_net_t *net = load_builtin("resnet18-cifar10");
    uint32_t bayes = 0, first = UINT32_MAX;
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (wl_layer_is_mvm(&net->layers[i]) && net->layers[i].p > 0) {
            bayes++;
            if (first == UINT32_MAX)
                first = i;
        }
    ck_assert_uint_eq(bayes, 21);
    for (uint32_t whole = 0; whole <= 1; whole++) {
        uint32_t modules = 0;
        a.bayes.whole_model = whole;
        wl_map_t *m = map_ok(net, &a, 1);
        for (uint32_t i = 0; i < net->n_layers; i++) {
            modules += m->layers[i].drng_modules;
            if (m->layers[i].sto != WL_STO_NONE)
                ck_assert_uint_eq(m->layers[i].drng_modules, !whole || i == first ? 1 : 0);
        }
        ck_assert_uint_eq(modules, whole ? 1 : 21);
        wl_map_destroy(m);
    }
    wl_net_destroy(net);
}
END_TEST

/* bayes.adaptive_p: p_l = max(0.01, p * W_l / W_max).  LeNet-5, p 0.2 everywhere, weights
 * conv1 25*6 = 150, conv2 150*16 = 2400, fc1 400*120 = 48000 (W_max), fc2 120*84 = 10080,
 * fc3 84*10 = 840:  0.2*150/48000 = 0.000625 -> 0.01;  0.2*2400/48000 = 0.01;  0.2;
 * 0.2*10080/48000 = 0.042;  0.2*840/48000 = 0.0035 -> 0.01.  Off: 0.2 everywhere.  Other
 * schemes ignore the flag. */
START_TEST(test_scaledrop_adaptive_p_scales_with_layer_size)
{
    static const uint32_t at[5] = {0, 2, 4, 5, 6};
    static const double want[5] = {0.01, 0.01, 0.2, 0.042, 0.01};
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SCALEDROP;
    a.bayes.adaptive_p = 1;
    wl_net_t *net = load_builtin("lenet5-mnist");
    wl_map_t *m = map_ok(net, &a, 1);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_double_eq_tol(m->layers[at[i]].p, want[i], 1e-12);
    wl_map_destroy(m);
    a.bayes.adaptive_p = 0;
    m = map_ok(net, &a, 1);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_double_eq_tol(m->layers[at[i]].p, 0.2, 1e-12);
    wl_map_destroy(m);
    a.bayes.adaptive_p = 1;
    a.dropout_impl = ARCH_DROPOUT_SPINDROP;
    m = map_ok(net, &a, 1);
    ck_assert_double_eq_tol(m->layers[0].p, 0.2, 1e-12);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* SpinBayes on the built-in spinbayes architecture (k 4, 2-bit weights in 3-MTJ cells: 1
 * cell per weight) takes k x the binary tiles: LeNet-5 4 x 9 = 36 (strategy 1) and 4 x 56
 * = 224 (strategy 2) of 1024. */
START_TEST(test_spinbayes_takes_k_times_the_binary_tiles)
{
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load("spinbayes", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.arb.k, 4);
    ck_assert_uint_eq(a.bayes.param_bits, 2);
    wl_net_t *net = load_builtin("lenet5-mnist");
    wl_map_t *m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->tiles_used, 36);
    ck_assert_uint_eq(m->layers[4].copies, 4); /* fc1: 4 tiles per copy */
    ck_assert_uint_eq(m->layers[4].slices_per_copy, 4);
    wl_map_destroy(m);
    m = map_ok(net, &a, 2);
    ck_assert_uint_eq(m->tiles_used, 224);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* ---- Errors ---- */

/* LeNet-5 needs 9 tiles on 128x128 (see above); with 8, fc3 (layers[6], tile 8) is the
 * first that does not fit. */
START_TEST(test_tiles_do_not_fit_names_first_layer_past_the_end)
{
    arch_t a = make_arch(128, 128, 8, 128, 1);
    wl_net_t *net = load_builtin("lenet5-mnist");
    arch_diag_list_t dl;
    char buf[512], want[512];
    ck_assert_int_eq(map_fail(net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    snprintf(want, sizeof want,
             "<builtin:lenet5-mnist>:%u:%u: error: layers[6]: layer 'fc3' needs tiles 8..8 "
             "but the architecture has 8 (the workload needs 9, 1 missing)",
             (unsigned)net->layers[6].line, (unsigned)net->layers[6].col);
    ck_assert_str_eq(buf, want);

    /* With 3 tiles conv2 (tiles 1..2) fits; fc1 (tiles 3..6) is the first one out. */
    a.tiles = 3;
    ck_assert_int_eq(map_fail(net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "layer 'fc1' needs tiles 3..6 but the architecture has 3 "
                                  "(the workload needs 9, 6 missing)");
    ck_assert_str_eq(dl.d[0].path, "layers[4]");
    wl_net_destroy(net);
}
END_TEST

/* dropout.impl none is the deterministic BNN: the workload's dropout is ignored (no error
 * any more), every layer is NONE with no modules, and the map allows one pass (T = 1).
 * LeNet-5 has dropout 0.2 on conv1, conv2, fc1, fc2, fc3. */
START_TEST(test_none_ignores_workload_dropout_and_forces_t_1)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_NONE;
    a.drng.i_max_ua = 1.0; /* reaches no p at all: never checked under none */
    wl_net_t *net = load_builtin("lenet5-mnist");
    ck_assert(net->layers[0].p == 0.2 && net->layers[6].p == 0.2);
    wl_map_t *m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->scheme, ARCH_DROPOUT_NONE);
    ck_assert_uint_eq(m->T, 1);
    ck_assert_uint_eq(m->tiles_used, 9); /* the binary mapping, as without dropout */
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_map_t *lm = &m->layers[i];
        ck_assert_uint_eq(lm->sto, WL_STO_NONE);
        ck_assert_uint_eq(lm->drng_modules, 0);
        ck_assert_uint_eq(lm->units, 0);
        ck_assert_uint_eq(lm->rng_bits_pass, 0);
        ck_assert(lm->p == 0.0);
        ck_assert_uint_eq(lm->post, WL_POST_NONE);
    }
    wl_map_destroy(m);

    /* The same net on SpinDrop is Bayesian: T as asked (0). */
    a.dropout_impl = ARCH_DROPOUT_SPINDROP;
    a.drng.i_max_ua = 200.0;
    m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->scheme, ARCH_DROPOUT_SPINDROP);
    ck_assert_uint_eq(m->T, 0);
    wl_map_destroy(m);
    /* Without a Bayesian layer even SpinDrop gives T = 1. */
    for (uint32_t i = 0; i < net->n_layers; i++)
        net->layers[i].p = 0;
    m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->T, 1);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* The tile budget counts SpinBayes copies: ResNet-18 needs 4 x 698 = 2792 tiles; the
 * built-in spinbayes architecture has 4096, cut here to the default chip's 1024.  Cumulative, 4 x
 * the binary tiles of each conv: stem 4; stage 1 4 x 20 -> 84; s2b1 conva 20, convb 36, down 4 ->
 * 144; s2b2 36 + 36 -> 216; s3b1 72 + 144 + 8 -> 440; s3b2 144 + 144 -> 728; s4b1_conva 4 x 72 =
 * 288 -> 1016; s4b1_convb 4 x 144 = 576 needs tiles 1016..1591: the first past the end. */
START_TEST(test_spinbayes_copies_count_against_the_tile_budget)
{
    arch_t a;
    arch_diag_list_t dl;
    char buf[512];
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load("spinbayes", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.tiles, 4096);
    a.tiles = 1024;
    wl_net_t *net = load_builtin("resnet18-cifar10");
    ck_assert_int_eq(map_fail(net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(dl.d[0].msg, "layer 's4b1_convb' needs tiles 1016..1591 (4 crossbar "
                                  "copies of 144) but the architecture has 1024 (the workload "
                                  "needs 2792, 1768 missing)");
    a.tiles = 2792; /* exactly enough */
    wl_map_t *m = map_ok(net, &a, 1);
    ck_assert_uint_eq(m->tiles_used, 2792);
    wl_map_destroy(m);
    wl_net_destroy(net);
}
END_TEST

/* ... and the subset-VI scale crossbar: the table's conv needs 5 + 1 tiles. */
START_TEST(test_subset_vi_scale_crossbar_counts_against_the_tile_budget)
{
    arch_t a = make_arch(128, 128, 5, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SUBSET_VI;
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 64, 32);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "layer 'c' needs tiles 0..5 (5 for weights, 1 for the scale "
                                  "crossbar) but the architecture has 5 (the workload needs 6, "
                                  "1 missing)");
    a.tiles = 6;
    wl_map_t *m = map_ok(&net, &a, 1);
    wl_map_destroy(m);
}
END_TEST

/* Subset-VI sample bits and SpinBayes arbiter bits are drawn at p = 0.5, which needs
 * 100 * (1 - ln(10 / ln 2 / 0.05) / 40) = 85.84 uA (tau0 = 0.05 ns): an 84.5 uA driver
 * serves p = 0.2 (83.00 uA) for the dropout schemes but not them. */
START_TEST(test_half_probability_of_vi_and_arbiter_bits_is_checked)
{
    double need = 100.0 * (1.0 - log(10.0 / log(2.0) / 0.05) / 40.0);
    ck_assert_double_eq_tol(need, 85.84, 0.005);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 8, 8, 8, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 8, 8);
    arch_diag_list_t dl;
    char buf[512];
    for (uint32_t k = 1; k < 9; k++) {
        arch_t a = make_arch(128, 128, 64, 128, 1);
        a.dropout_impl = k;
        a.drng.i_max_ua = 84.5;
        if (k != ARCH_DROPOUT_SUBSET_VI && k != ARCH_DROPOUT_SPINBAYES) {
            wl_map_t *m = map_ok(&net, &a, 1);
            wl_map_destroy(m);
            continue;
        }
        ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
        ck_assert_str_eq(buf, k == ARCH_DROPOUT_SUBSET_VI
                                  ? "hand.yaml:10:5: error: layers[0].dropout: sample-bit "
                                    "probability 0.5 needs a SET current of 85.84 uA, more than "
                                    "dropout.i_max_ua = 84.5 uA"
                                  : "hand.yaml:10:5: error: layers[0].dropout: arbiter-bit "
                                    "probability 0.5 needs a SET current of 85.84 uA, more than "
                                    "dropout.i_max_ua = 84.5 uA");
    }
}
END_TEST

/* ScaleDrop's adaptive p is the one checked: LeNet-5's conv1 draws at 0.01 (see
 * test_scaledrop_adaptive_p_scales_with_layer_size), which needs 100 * (1 - ln(-10 /
 * ln(0.99) / 0.05) / 40) = 75.25 uA, less than p = 0.2; so a driver limit of 77.5 uA passes
 * with adaptive p only where p_l is small and fails at fc1 (p 0.2, 83.00 uA). */
START_TEST(test_scaledrop_checks_the_adaptive_p)
{
    double need = 100.0 * (1.0 - log(-10.0 / log(0.99) / 0.05) / 40.0);
    ck_assert_double_eq_tol(need, 75.25, 0.005);
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SCALEDROP;
    a.bayes.adaptive_p = 1;
    a.drng.i_max_ua = 77.5;
    wl_net_t *net = load_builtin("lenet5-mnist");
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    /* fc1 (0.2: 83.00 uA) and fc2 (0.042: tau = -10 / ln(0.958) = 233.1 ns, 100 * (1 -
     * ln(233.1 / 0.05) / 40) = 78.88 uA) fail; conv1, conv2, fc3 at 0.01 pass. */
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(dl.d[0].path, "layers[4].dropout");
    ck_assert_str_eq(dl.d[0].msg, "dropout probability 0.2 needs a SET current of 83 uA, "
                                  "more than dropout.i_max_ua = 77.5 uA");
    ck_assert_str_eq(dl.d[1].msg, "dropout probability 0.042 needs a SET current of 78.88 uA, "
                                  "more than dropout.i_max_ua = 77.5 uA");
    wl_net_destroy(net);
}
END_TEST

/* drng_modules is 32 bits: DropConnect on an fc 65536 -> 65537 needs 65536 * 65537 =
 * 4295032832 modules, one more column group than 2^32 - 1 allows.  An error, not a wrapped
 * count (the 512 x 513 = 262656 tiles would fit). */
START_TEST(test_modules_beyond_32_bits_is_an_error)
{
    arch_t a = make_arch(128, 128, 1u << 20, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_MC_DROPCONNECT;
    a.periph.thresh_bits = 18; /* 65536 rows: ceil(log2(131073)) = 18 bits */
    wl_layer_t l[] = {mk_fc("f", -1, 65536, 65537, 0.2)};
    wl_net_t net = mk_net(l, 1, 65536, 1);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(dl.d[0].msg, "layer 'f' needs 4295032832 random-number modules under "
                                  "mc_dropconnect; at most 4294967295 fit");
}
END_TEST

/* p = 0.2 with a 10 ns SET pulse: tau = -10 / ln(0.8) = 44.814 ns; I = Ic0 * (1 -
 * ln(tau / tau0) / delta) = 100 * (1 - 3.8026 / 40) = 90.49 uA: above a 50 uA driver,
 * below a 200 uA one. */
START_TEST(test_p_above_driver_limit_reports_the_current_needed)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 8, 8, 8, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 8, 8);
    arch_diag_list_t dl;
    char buf[512];

    double need = 100.0 * (1.0 - log(-10.0 / log(0.8) / 0.05) / 40.0);
    ck_assert_double_eq_tol(need, 83.00, 0.005);
    wl_map_t *m = map_ok(&net, &a, 1);
    wl_map_destroy(m);

    a.drng.i_max_ua = 50.0;
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(buf, "hand.yaml:10:5: error: layers[0].dropout: dropout probability 0.2 "
                          "needs a SET current of 83 uA, more than dropout.i_max_ua = 50 uA");
}
END_TEST

/* The switching model must hold at each layer's own p, not only at the architecture's
 * p = 0.5: with a 10 ns SET pulse and tau0 = 0.05 ns, p = 0.9 needs tau = -10 / ln(0.1) =
 * 4.343 ns = 86.86 tau0, a barrier of ln(86.86) = 4.46 kT, below the 5 kT the Neel-Brown
 * model needs; the current, 100 * (1 - 4.464 / 40) = 88.84 uA, is within the driver. */
START_TEST(test_layer_p_outside_the_switching_regime_is_an_error)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 8, 8, 8, 3, 1, 1, 0.9)};
    wl_net_t net = mk_net(l, 1, 8, 8);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(buf, "hand.yaml:10:5: error: layers[0].dropout: layer 'c': dropout "
                          "probability 0.9 is outside the switching model's regime: p = 0.9 in "
                          "a 10 ns pulse leaves a barrier of 4.46 kT, below 5 kT: the thermal "
                          "model does not hold; use model: precessional");
    l[0].p = 0.5; /* barrier ln(10 / ln 2 / 0.05) = 5.66 kT: holds */
    wl_map_t *m = map_ok(&net, &a, 1);
    wl_map_destroy(m);
}
END_TEST

/* A threshold compares a sum over R rows, in [-R, R]: R = 3 x 3 x 64 = 576 needs
 * ceil(log2(1153)) = 11 bits (2^10 = 1024 < 1153 <= 2048); 10 bits are refused, 11 pass. */
START_TEST(test_threshold_width_must_hold_the_sum)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 1, 64, 8);
    arch_diag_list_t dl;
    char buf[512];
    a.periph.thresh_bits = 10;
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(buf, "hand.yaml:10:5: error: layers[0]: layer 'c' sums 576 rows to [-576, "
                          "576], which needs 11-bit thresholds; periph.thresh_bits is 10");
    a.periph.thresh_bits = 11;
    wl_map_t *m = map_ok(&net, &a, 1);
    wl_map_destroy(m);
}
END_TEST

/* A p so small that even zero current switches more often (tau would have to exceed
 * tau0 * e^delta = e^40 ns): no current reaches it. */
START_TEST(test_p_below_zero_current_is_an_error)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 8, 8, 8, 3, 1, 1, 1e-20)};
    wl_net_t net = mk_net(l, 1, 8, 8);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "dropout probability 1e-20 is below what the dropout module "
                                  "gives at zero current (dropout.i_max_ua = 200 uA)");
}
END_TEST

/* Errors are collected: an unreachable p (0.1 needs more than a 50 uA driver gives) and
 * too few tiles in one run. */
START_TEST(test_errors_are_collected)
{
    arch_t a = make_arch(128, 128, 1, 128, 1);
    a.drng.i_max_ua = 50.0;
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0.1)};
    wl_net_t net = mk_net(l, 1, 64, 8);
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(dl.d[0].path, "layers[0].dropout");
    ck_assert_str_eq(dl.d[1].msg, "layer 'c' needs tiles 0..4 but the architecture has 1 "
                                  "(the workload needs 5, 4 missing)");
}
END_TEST

/* Caller bugs are ST_EINVAL without diagnostics: a strategy other than 0..2, a layer that
 * reads a later layer, a net without layers. */
START_TEST(test_bad_arguments_are_einval)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("a", WL_CONV, -1, 8, 8, 8, 3, 1, 1, 0),
                      mk_conv("b", WL_CONV, 0, 8, 8, 8, 3, 1, 1, 0)};
    wl_net_t net = mk_net(l, 2, 8, 8);
    arch_diag_list_t dl;
    char buf[512];

    ck_assert_int_eq(map_fail(&net, &a, 3, buf, sizeof buf, &dl), ST_EINVAL);
    ck_assert_uint_eq(dl.n, 0);
    l[0].input = 1;
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_EINVAL);
    l[0].input = -1;
    net.n_layers = 0;
    ck_assert_int_eq(map_fail(&net, &a, 1, buf, sizeof buf, &dl), ST_EINVAL);
    net.n_layers = 2;
    a.mapping = 0; /* an arch_t that skipped validation */
    ck_assert_int_eq(map_fail(&net, &a, 0, buf, sizeof buf, &dl), ST_EINVAL);
    ck_assert_int_eq(wl_map_build(NULL, &a, 1, NULL, &dl), ST_EINVAL);
    wl_map_destroy(NULL); /* a no-op */
}
END_TEST

/* Fault injection: every allocation failure is ST_ENOMEM with *out untouched (ASan checks
 * that nothing leaks), until the build succeeds. */
START_TEST(test_oom_at_every_allocation_is_enomem)
{
    arch_t a = make_arch(128, 128, 64, 128, 1);
    wl_layer_t l[] = {mk_conv("a", WL_CONV, -1, 64, 8, 64, 3, 1, 1, 0.1),
                      mk_conv("p", WL_MAXPOOL, 0, 64, 8, 0, 2, 2, 0, 0),
                      mk_fc("f", 1, 1024, 10, 0.1)};
    wl_net_t net = mk_net(l, 3, 64, 8);
    unsigned failures = 0;
    int rc = ST_ENOMEM;

    for (unsigned long n = 1; n < 100 && rc == ST_ENOMEM; n++) {
        arch_diag_list_t dl;
        wl_map_t *m = (wl_map_t *)(uintptr_t)0x1;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = wl_map_build(&net, &a, 1, &m, &dl);
        st_fail_alloc_at = 0;
        if (rc == ST_ENOMEM) {
            ck_assert_ptr_eq(m, (wl_map_t *)(uintptr_t)0x1);
            ck_assert_uint_eq(dl.n, 0);
            failures++;
        } else {
            wl_map_destroy(m);
        }
    }
    ck_assert_int_eq(rc, ST_OK);
    /* Eight allocations, each failed once: plans, the scenario's layer selection, the two
     * gbuf scratch arrays, the map, its layer array, and the slice lists of the two
     * crossbar layers. */
    ck_assert_uint_eq(failures, 8);
}
END_TEST

/* ---- Scenario (block scenario) ---- */

/* Loads an architecture from YAML text named "s.yaml" (the default architecture plus the
 * text's keys), so the scenario keys carry their marks. */
static arch_t load_arch_text(const char *text)
{
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_string("s.yaml", text, strlen(text), &a, &dl), ST_OK);
    return a;
}

/* LeNet-5 under SpinDrop (share 1): a module per row of each Bayesian layer, rows conv1 25,
 * conv2 150, fc1 400, fc2 120, fc3 84 (all: 779).
 *   bayes_layers last, bayes_last 2: fc2 + fc3 = 120 + 84 = 204; conv1..fc1 deterministic.
 *   bayes_layers list "conv2,fc1": 150 + 400 = 550; the others deterministic.
 * Either way some layer is Bayesian, so T stays as asked (0). */
START_TEST(test_scenario_selects_the_bayesian_layers)
{
    wl_net_t *net = load_builtin("lenet5-mnist");
    static const struct {
        const char *text;
        uint32_t modules;
        const char *bayes; /* names of the Bayesian layers, in order, comma-separated */
    } want[] = {
        {"version: 1\n", 779, "conv1,conv2,fc1,fc2,fc3"},
        {"version: 1\nscenario: {bayes_layers: last, bayes_last: 2}\n", 204, "fc2,fc3"},
        {"version: 1\nscenario: {bayes_layers: list, bayes_list: \"conv2,fc1\"}\n", 550,
         "conv2,fc1"},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        arch_t a = load_arch_text(want[k].text);
        wl_map_t *m = map_ok(net, &a, 0);
        uint32_t modules = 0;
        char got[128] = "";
        for (uint32_t i = 0; i < net->n_layers; i++) {
            modules += m->layers[i].drng_modules;
            if (m->layers[i].sto != WL_STO_NONE) {
                ck_assert_uint_eq(m->layers[i].sto, WL_STO_VECTOR);
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", got[0] ? "," : "",
                         net->layers[i].name);
            } else {
                ck_assert_uint_eq(m->layers[i].units, 0); /* no mask at all */
                ck_assert_uint_eq(m->layers[i].rng_bits_pass, 0);
            }
        }
        ck_assert_uint_eq(modules, want[k].modules);
        ck_assert_str_eq(got, want[k].bayes);
        ck_assert_uint_eq(m->T, 0);
        wl_map_destroy(m);
    }
    wl_net_destroy(net);
}
END_TEST

/* bayes_last past the network's 5 crossbar layers is an error at the key (line 4, the
 * value's column 15), naming them; the layers' own lines are not involved. */
START_TEST(test_scenario_bayes_last_past_the_network_is_an_error_at_the_key)
{
    wl_net_t *net = load_builtin("lenet5-mnist");
    arch_t a = load_arch_text("version: 1\nscenario:\n  bayes_layers: last\n  bayes_last: 6\n");
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(net, &a, 0, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(buf, "s.yaml:4:15: error: scenario.bayes_last: expected at most 5, the "
                          "crossbar layers of network 'lenet5-mnist' (conv1, conv2, fc1, fc2, "
                          "fc3), got 6");
    wl_net_destroy(net);
}
END_TEST

/* Every bad name of bayes_list is reported (collected), at the list's value: line 2,
 * column 44 (`scenario: {bayes_layers: list, bayes_list: ` is 43 characters).  pool1 is a
 * layer without crossbar, fc9 no layer. */
START_TEST(test_scenario_bayes_list_names_are_checked_against_the_network)
{
    wl_net_t *net = load_builtin("lenet5-mnist");
    arch_t a = load_arch_text(
        "version: 1\nscenario: {bayes_layers: list, bayes_list: \"fc1,pool1,fc9\"}\n");
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(net, &a, 0, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(buf, "s.yaml:2:44: error: scenario.bayes_list: 'pool1' has no crossbar in "
                          "network 'lenet5-mnist'; expected its crossbar layers with dropout: "
                          "conv1, conv2, fc1, fc2, fc3");
    ck_assert_str_eq(dl.d[1].msg, "'fc9' is no layer of network 'lenet5-mnist'; expected its "
                                  "crossbar layers with dropout: conv1, conv2, fc1, fc2, fc3");
    /* a command-line override moves the location to <cmdline> */
    ck_assert_int_eq(arch_override(&a, "scenario.bayes_list", "fc3,conv7", &dl), ST_OK);
    ck_assert_int_eq(map_fail(net, &a, 0, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(dl.d[0].file, "<cmdline>");
    ck_assert_str_eq(dl.d[0].path, "scenario.bayes_list");
    wl_net_destroy(net);
}
END_TEST

/* A layer with dropout 0 in the network cannot be named Bayesian. */
START_TEST(test_scenario_bayes_list_refuses_a_layer_without_dropout)
{
    wl_layer_t l[] = {mk_fc("f1", -1, 16, 8, 0.0), mk_fc("f2", 0, 8, 4, 0.2)};
    wl_net_t net = mk_net(l, 2, 16, 1);
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.scenario.bayes_layers = ARCH_BAYES_LIST;
    snprintf(a.scenario.bayes_list, sizeof a.scenario.bayes_list, "f1");
    arch_diag_list_t dl;
    char buf[512];
    ck_assert_int_eq(map_fail(&net, &a, 0, buf, sizeof buf, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "'f1' has no dropout in network 'hand'; expected its crossbar "
                                  "layers with dropout: f2");
}
END_TEST

/* scenario.conv_mask activation under SpinDrop, on the scheme table's 3x3 conv (Cin 64,
 * 32x32, pad 1): the same 576 modules (a module per row), but one bit per input activation
 * per pass, N = 64 x 32 x 32 = 65536, instead of R x V = 576 x 1024 = 589824 (9x fewer: a
 * 3x3 stride-1 conv reads each activation in 9 patches).  The fc layer keeps its per-vector
 * rows (an fc row is an activation, V = 1). */
START_TEST(test_scenario_conv_mask_activation_draws_per_activation)
{
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2),
                      mk_fc("f", 0, 64 * 32 * 32, 10, 0.2)};
    wl_net_t net = mk_net(l, 2, 64, 32);
    for (uint32_t strat = 1; strat <= 2; strat++) {
        arch_t a = make_arch(128, 128, 1024, 128, 1);
        a.scenario.conv_mask = ARCH_CONV_MASK_ACTIVATION;
        a.periph.thresh_bits = 18; /* f sums 65536 rows: ceil(log2(131073)) = 18 bits */
        wl_map_t *m = map_ok(&net, &a, strat);
        const wl_layer_map_t *c = &m->layers[0], *f = &m->layers[1];
        ck_assert_uint_eq(c->sto, WL_STO_PASS);
        ck_assert_uint_eq(c->gran, WL_GRAN_NEURON);
        ck_assert_uint_eq(c->units, 65536);
        ck_assert_uint_eq(c->rng_bits_pass, 65536);
        ck_assert_uint_eq(c->drng_modules, 576);
        ck_assert_uint_eq(f->sto, WL_STO_VECTOR);
        ck_assert_uint_eq(f->gran, WL_GRAN_ROW);
        ck_assert_uint_eq(f->rng_bits_pass, 65536); /* R x 1 */
        wl_map_destroy(m);
    }
}
END_TEST

/* scenario.scale_apply: threshold (default) selects a second threshold set, one 16-bit
 * threshold per output (C = 64: 1024 SRAM bits), no multiply; multiply keeps the
 * 8-bit scale vector (512 bits) and a multiply per output. */
START_TEST(test_scenario_scale_apply_threshold_or_multiply)
{
    wl_layer_t l[] = {mk_conv("c", WL_CONV, -1, 64, 32, 64, 3, 1, 1, 0.2)};
    wl_net_t net = mk_net(l, 1, 64, 32);
    arch_t a = make_arch(128, 128, 64, 128, 1);
    a.dropout_impl = ARCH_DROPOUT_SCALEDROP;
    wl_map_t *m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->layers[0].alt_thresh, 1);
    ck_assert_uint_eq(m->layers[0].post, WL_POST_NONE);
    ck_assert_uint_eq(m->layers[0].sram_bits, 1024);
    wl_map_destroy(m);
    a.scenario.scale_apply = ARCH_SCALE_MULTIPLY;
    m = map_ok(&net, &a, 1);
    ck_assert_uint_eq(m->layers[0].alt_thresh, 0);
    ck_assert_uint_eq(m->layers[0].post, WL_POST_SCALE);
    ck_assert_uint_eq(m->layers[0].sram_bits, 512);
    wl_map_destroy(m);
}
END_TEST

Suite *wl_map_suite(void)
{
    Suite *s = suite_create("wl_map");
    TCase *core = tcase_create("Core");
    TCase *limits = tcase_create("Limits");
    TCase *errors = tcase_create("Errors");

    tcase_add_test(core, test_s1_conv3x3_c64_unrolls_into_5_tiles);
    tcase_add_test(core, test_s2_conv3x3_c64_splits_into_9_tiles);
    tcase_add_test(core, test_s2_splits_cin_per_kernel_position_row_group_major);
    tcase_add_test(core, test_row_groups_cover_every_row_once);
    tcase_add_test(core, test_fc_and_1x1_conv_map_the_same_under_both);
    tcase_add_test(core, test_fc_flattens_its_input);
    tcase_add_test(core, test_tiles_are_assigned_consecutively_across_layers);
    tcase_add_test(core, test_n_psum_sums_read_steps_of_row_groups);
    tcase_add_test(core, test_n_psum_equals_row_groups_when_all_rows_read_at_once);
    tcase_add_test(core, test_drng_modules_follow_row_groups_and_share);
    tcase_add_test(core, test_cells_and_utilization);
    tcase_add_test(core, test_lenet5_tiles_weights_and_utilization);
    tcase_add_test(core, test_resnet18_takes_698_tiles_s1_and_726_s2);
    tcase_add_test(core, test_builtins_map_on_the_default_architecture);
    tcase_add_test(core, test_layer_mapping_wins_over_run_and_arch_default);
    tcase_add_test(core, test_gbuf_peak_counts_outputs_still_referenced);
    tcase_add_test(limits, test_gbuf_too_small_names_layer_and_sizes);
    tcase_add_test(limits, test_rows_beyond_32_bits_is_an_error);
    tcase_add_test(errors, test_tiles_do_not_fit_names_first_layer_past_the_end);
    tcase_add_test(core, test_none_ignores_workload_dropout_and_forces_t_1);
    tcase_add_test(core, test_schemes_conv3x3_c64_under_both_strategies);
    tcase_add_test(core, test_schemes_fc_the_same_under_both_strategies);
    tcase_add_test(core, test_spatial_has_k_squared_fewer_modules_than_spindrop);
    tcase_add_test(core, test_scheme_cells_count_copies_and_the_scale_crossbar);
    tcase_add_test(core, test_scheme_slices_of_the_fc_layer);
    tcase_add_test(core, test_deterministic_layers_are_none_under_every_scheme);
    tcase_add_test(core, test_scaledrop_whole_model_counts_one_module);
    tcase_add_test(core, test_scaledrop_adaptive_p_scales_with_layer_size);
    tcase_add_test(core, test_spinbayes_takes_k_times_the_binary_tiles);
    tcase_add_test(core, test_scenario_selects_the_bayesian_layers);
    tcase_add_test(core, test_scenario_conv_mask_activation_draws_per_activation);
    tcase_add_test(core, test_scenario_scale_apply_threshold_or_multiply);
    tcase_add_test(errors, test_scenario_bayes_last_past_the_network_is_an_error_at_the_key);
    tcase_add_test(errors, test_scenario_bayes_list_names_are_checked_against_the_network);
    tcase_add_test(errors, test_scenario_bayes_list_refuses_a_layer_without_dropout);
    tcase_add_test(errors, test_spinbayes_copies_count_against_the_tile_budget);
    tcase_add_test(errors, test_subset_vi_scale_crossbar_counts_against_the_tile_budget);
    tcase_add_test(errors, test_half_probability_of_vi_and_arbiter_bits_is_checked);
    tcase_add_test(errors, test_scaledrop_checks_the_adaptive_p);
    tcase_add_test(errors, test_modules_beyond_32_bits_is_an_error);
    tcase_add_test(errors, test_p_above_driver_limit_reports_the_current_needed);
    tcase_add_test(errors, test_p_below_zero_current_is_an_error);
    tcase_add_test(errors, test_layer_p_outside_the_switching_regime_is_an_error);
    tcase_add_test(errors, test_threshold_width_must_hold_the_sum);
    tcase_add_test(errors, test_errors_are_collected);
    tcase_add_test(errors, test_bad_arguments_are_einval);
    tcase_add_test(errors, test_oom_at_every_allocation_is_enomem);
    suite_add_tcase(s, core);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, errors);
    return s;
}
