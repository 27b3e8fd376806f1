/* check_wl_prog.c - suite "wl_prog": the per-layer operation programs of
 * workloads/wl_prog.h, counted by hand on a tiny conv / pool / fc network mapped on the
 * toy2 architecture (tests/golden/toy2/arch.yaml: 8 x 4 crossbars, 4 rows per read step,
 * 8-bit scale-buffer words, SpinDrop with share 1). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/status.h"
#include "wl.h"
#include "wl_map.h"
#include "wl_prog.h"

/* c1: 2x4x4 input, 3x3 kernel, no padding -> 3x2x2; 18 rows (3*3*2) x 3 columns.
 * p1: 2x2 max pool, stride 2 -> 3x1x1.  f1: fc of the 3 pooled values to 2, dropout 0.5. */
static const char tiny_yaml[] = "version: 1\n"
                                "name: tiny\n"
                                "input: {c: 2, h: 4, w: 4}\n"
                                "mc_samples: 2\n"
                                "layers:\n"
                                "  - {name: c1, type: conv, cout: 3, k: 3}\n"
                                "  - {name: p1, type: maxpool, k: 2, stride: 2}\n"
                                "  - {name: f1, type: fc, cout: 2, dropout: 0.5}\n";

/* tiny with dropout 0.5 on c1 as well: two Bayesian crossbar layers for the scenario. */
static const char tiny_bayes_yaml[] = "version: 1\n"
                                      "name: tiny\n"
                                      "input: {c: 2, h: 4, w: 4}\n"
                                      "mc_samples: 2\n"
                                      "layers:\n"
                                      "  - {name: c1, type: conv, cout: 3, k: 3, dropout: 0.5}\n"
                                      "  - {name: p1, type: maxpool, k: 2, stride: 2}\n"
                                      "  - {name: f1, type: fc, cout: 2, dropout: 0.5}\n";

static arch_t arch;
static wl_net_t *net;
static wl_map_t *map;
static wl_prog_t *prog;

/* Loads toy2's architecture under `scheme` (reuse_prefix as given, then tweak, may be
 * NULL), maps the network `yaml`, builds. */
static void build_net(const char *yaml, size_t len, uint32_t scheme, int reuse,
                      void (*tweak)(arch_t *))
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_file(NS_SOURCE_DIR "/tests/golden/toy2/arch.yaml", &arch, &dl),
                     ST_OK);
    arch.dropout_impl = scheme;
    arch.reuse_prefix = reuse;
    if (tweak)
        tweak(&arch);
    ck_assert_int_eq(wl_load_string("tiny", yaml, len, &net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(net, &arch, 0, &map, &dl), ST_OK);
    ck_assert_int_eq(wl_prog_build(net, map, &arch, &prog), ST_OK);
    ck_assert_uint_eq(prog->n_layers, 3);
}

/* The same on tiny. */
static void build(uint32_t scheme, int reuse)
{
    build_net(tiny_yaml, sizeof tiny_yaml - 1, scheme, reuse, NULL);
}

static void teardown(void)
{
    wl_prog_destroy(prog);
    wl_map_destroy(map);
    wl_net_destroy(net);
    prog = NULL;
    map = NULL;
    net = NULL;
}

/* Step k of layer pl is on res with n_ops operations. */
static void check_step(const wl_prog_layer_t *pl, unsigned k, uint32_t res, unsigned n_ops,
                       int overlap)
{
    ck_assert_uint_lt(k, (unsigned)pl->n_setup + pl->n_body);
    ck_assert_str_eq(wl_res_name(pl->steps[k].res), wl_res_name(res));
    ck_assert_uint_eq(pl->steps[k].n_ops, n_ops);
    ck_assert_uint_eq(pl->steps[k].overlap, overlap);
}

/* Operation j of step k is kind with size n. */
static const wl_op_t *check_op(const wl_prog_layer_t *pl, unsigned k, unsigned j, uint32_t kind,
                               uint64_t n)
{
    const wl_op_t *op = &pl->ops[pl->steps[k].first + j];
    ck_assert_str_eq(wl_op_name(op->kind), wl_op_name(kind));
    ck_assert_uint_eq(op->n, n);
    return op;
}

/* c1, deterministic.  Rows 18 on 8-row crossbars: row groups 8 + 8 + 2 = 3 slices (3
 * columns fit one 4-column group); read steps ceil(8/4) + 2 + ceil(2/4) = 5 partial sums.
 *   set-up: scale buffer: read 3 thresholds x 8 bits = 24                   1 step, 1 op
 *   body:   gbuf: read 8 input bits, window 18 from the line buffer (its 3 rows of 2 x 4:
 *           24 bits fit toy2's default gbuf.line_bits 16384; each of the 2 x 4 x 4 = 32
 *           input bits read once: 32 / 4 vectors = 8 each, remainder 0, no set-up read)
 *           tiles: MVM of slices 0..2 (3 transactions), weight stride 3, 1 MTJ per cell
 *           periph: reduce 5 partial sums of 3 outputs, activate 3
 *           gbuf: write 3
 *   items: 2 x 2 output positions = 4, 2 rows of 2.
 *   transactions: 1 + 4 x (1 + 3 + 2 + 1) = 29; steps: 1 + 4 x 4 = 17. */
START_TEST(test_wl_prog_conv_by_hand)
{
    build(ARCH_DROPOUT_SPINDROP, 0);
    const wl_prog_layer_t *pl = &prog->layers[0];
    ck_assert_uint_eq(pl->n_setup, 1);
    ck_assert_uint_eq(pl->n_body, 4);
    check_step(pl, 0, WL_RES_SCALE_BUF, 1, 0);
    check_op(pl, 0, 0, WL_OP_READ, 24);
    check_step(pl, 1, WL_RES_GBUF, 1, 0);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_READ, 8)->arg, 18); /* fetch 8, window 18 */
    ck_assert_uint_eq(pl->line_buf, 1);
    check_step(pl, 2, WL_RES_TILES, 1, 0);
    const wl_op_t *mvm = check_op(pl, 2, 0, WL_OP_MVM, 3);
    ck_assert_uint_eq(mvm->slice, 0);
    ck_assert_uint_eq(mvm->count, 3);
    ck_assert_uint_eq(mvm->arg, 1);
    ck_assert_uint_eq(mvm->flags, 0); /* deterministic: no mask */
    check_step(pl, 3, WL_RES_PERIPH, 2, 0);
    ck_assert_uint_eq(check_op(pl, 3, 0, WL_OP_REDUCE, 3)->arg, 5);
    check_op(pl, 3, 1, WL_OP_ACTIVATE, 3);
    check_step(pl, 4, WL_RES_GBUF, 1, 0);
    check_op(pl, 4, 0, WL_OP_WRITE, 3);
    ck_assert_uint_eq(pl->items, 4);
    ck_assert_uint_eq(pl->rows, 2);
    ck_assert_uint_eq(pl->row_items, 2);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 29);
    ck_assert_uint_eq(wl_prog_layer_steps(pl), 17);
    /* output row 0 reads input rows 0..2 (k = 3), row 1 rows 0..3 */
    ck_assert_uint_eq(wl_prog_rows_needed(pl, 0), 3);
    ck_assert_uint_eq(wl_prog_rows_needed(pl, 1), 4);
    ck_assert_int_eq(pl->src[0], -1);
    ck_assert_int_eq(pl->src[1], -1);
}
END_TEST

static void line_23(arch_t *a)
{
    a->gbuf.line_bits = 23;
}

static void line_24(arch_t *a)
{
    a->gbuf.line_bits = 24;
}

/* The line buffer's fit rule on c1 (3 input rows of 2 channels x 4 = 24 bits):
 *  line_bits 24: fits; per pass the gbuf reads 4 x 8 = 32 bits (each input bit once) and
 *    the line buffer 4 x 18 = 72 window bits.
 *  line_bits 23: does not fit; every vector re-reads its window from the gbuf: 4 x 18 =
 *    72 gbuf bits, no line-buffer read (the counting of today, 2.25x the 32 bits).
 * And a remainder: 1 channel of 5 x 5, 3 x 3 kernel -> 3 x 3 = 9 vectors; 25 input bits:
 *    floor(25 / 9) = 2 per vector, the remainder 25 - 18 = 7 read once in the set-up
 *    (after the thresholds 3 x 8 = 24): 7 + 9 x 2 = 25, each bit once. */
START_TEST(test_wl_prog_conv_line_buffer_fits_or_rereads)
{
    build_net(tiny_yaml, sizeof tiny_yaml - 1, ARCH_DROPOUT_SPINDROP, 0, line_24);
    const wl_prog_layer_t *pl = &prog->layers[0];
    ck_assert_uint_eq(pl->line_buf, 1);
    ck_assert_uint_eq(pl->n_setup, 1); /* 32 % 4 = 0: no remainder read */
    const wl_op_t *rd = check_op(pl, 1, 0, WL_OP_READ, 8);
    ck_assert_uint_eq(rd->n * pl->items, 32);   /* 8 x 4 */
    ck_assert_uint_eq(rd->arg * pl->items, 72); /* 18 x 4 */
    teardown();

    build_net(tiny_yaml, sizeof tiny_yaml - 1, ARCH_DROPOUT_SPINDROP, 0, line_23);
    pl = &prog->layers[0];
    ck_assert_uint_eq(pl->line_buf, 0);
    rd = check_op(pl, 1, 0, WL_OP_READ, 18);
    ck_assert_uint_eq(rd->arg, 0);
    ck_assert_uint_eq(rd->n * pl->items, 72); /* 18 x 4 */
    teardown();

    static const char y5[] = "version: 1\n"
                             "name: tiny\n"
                             "input: {c: 1, h: 5, w: 5}\n"
                             "mc_samples: 2\n"
                             "layers:\n"
                             "  - {name: c1, type: conv, cout: 3, k: 3}\n"
                             "  - {name: p1, type: maxpool, k: 2, stride: 1}\n"
                             "  - {name: f1, type: fc, cout: 2, dropout: 0.5}\n";
    build_net(y5, sizeof y5 - 1, ARCH_DROPOUT_SPINDROP, 0, NULL);
    pl = &prog->layers[0];
    ck_assert_uint_eq(pl->items, 9);
    ck_assert_uint_eq(pl->n_setup, 2);
    check_step(pl, 0, WL_RES_SCALE_BUF, 1, 0);
    check_op(pl, 0, 0, WL_OP_READ, 24);
    check_step(pl, 1, WL_RES_GBUF, 1, 0);
    check_op(pl, 1, 0, WL_OP_READ, 7);                            /* 25 - 9 x 2 */
    ck_assert_uint_eq(check_op(pl, 2, 0, WL_OP_READ, 2)->arg, 9); /* window 3 x 3 x 1 */
    ck_assert_uint_eq(7 + pl->items * 2, 25);
}
END_TEST

/* p1: per output row (one): read cin x k x win = 3 x 2 x 2 = 12 bits, pool 3 outputs over
 * windows of 2 x 2 = 4, write 3.  No set-up.  3 transactions, 3 steps; it needs both rows
 * of c1's output (0 x 2 + 2). */
START_TEST(test_wl_prog_pool_by_hand)
{
    build(ARCH_DROPOUT_SPINDROP, 0);
    const wl_prog_layer_t *pl = &prog->layers[1];
    ck_assert_uint_eq(pl->n_setup, 0);
    ck_assert_uint_eq(pl->n_body, 3);
    check_step(pl, 0, WL_RES_GBUF, 1, 0);
    check_op(pl, 0, 0, WL_OP_READ, 12);
    check_step(pl, 1, WL_RES_PERIPH, 1, 0);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_POOL, 3)->arg, 4);
    check_step(pl, 2, WL_RES_GBUF, 1, 0);
    check_op(pl, 2, 0, WL_OP_WRITE, 3);
    ck_assert_uint_eq(pl->items, 1);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 3);
    ck_assert_uint_eq(wl_prog_rows_needed(pl, 0), 2);
    ck_assert_int_eq(pl->src[0], 0);
}
END_TEST

/* f1 under SpinDrop: 3 rows x 2 columns on one slice, one read step (no reduction), a
 * mask of 3 units drawn per input vector alongside the fetch.
 *   set-up: scale buffer: read 2 x 8 = 16
 *   body:   drng (overlapping the next step): draw 3 units into the row mask
 *           gbuf: read 3;  tiles: MVM of slice 0 gated by the row mask
 *           periph: activate 2;  gbuf: write 2
 *   1 item; transactions 1 + 5 = 6; it needs all of p1's output. */
START_TEST(test_wl_prog_fc_spindrop_by_hand)
{
    build(ARCH_DROPOUT_SPINDROP, 0);
    const wl_prog_layer_t *pl = &prog->layers[2];
    ck_assert_uint_eq(pl->n_setup, 1);
    ck_assert_uint_eq(pl->n_body, 5);
    check_op(pl, 0, 0, WL_OP_READ, 16);
    check_step(pl, 1, WL_RES_DRNG, 1, 1);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_DRAW, 3)->flags, WL_OPF_OUT_ROWS);
    check_step(pl, 2, WL_RES_GBUF, 1, 0);
    check_op(pl, 2, 0, WL_OP_READ, 3);
    const wl_op_t *mvm = check_op(pl, 3, 0, WL_OP_MVM, 2);
    ck_assert_uint_eq(mvm->count, 1);
    ck_assert_uint_eq(mvm->flags, WL_OPF_IN_ROWS);
    check_step(pl, 4, WL_RES_PERIPH, 1, 0);
    check_op(pl, 4, 0, WL_OP_ACTIVATE, 2);
    check_op(pl, 5, 0, WL_OP_WRITE, 2);
    ck_assert_uint_eq(pl->items, 1);
    ck_assert_uint_eq(pl->rows, 1);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 6);
    ck_assert_uint_eq(wl_prog_rows_needed(pl, 0), WL_PROG_ALL_ROWS);
    ck_assert_uint_eq(pl->drng_share, 0); /* a per-vector bank shares as the arch says */
    ck_assert(pl->p == 0.5);
    ck_assert_uint_eq(prog->prefix, 0); /* reuse_prefix off */
}
END_TEST

/* f1 under MC-DropConnect: one unit per weight (3 x 2 = 6) drawn once per pass into the
 * unit mask; the MVM reads it as a weight mask; nothing is drawn per vector.
 *   set-up: scale read 16; drng: draw 6 units.  body: read, MVM, activate, write.
 *   transactions 2 + 4 = 6. */
START_TEST(test_wl_prog_fc_dropconnect_draws_per_pass)
{
    build(ARCH_DROPOUT_MC_DROPCONNECT, 0);
    const wl_prog_layer_t *pl = &prog->layers[2];
    ck_assert_uint_eq(pl->n_setup, 2);
    ck_assert_uint_eq(pl->n_body, 4);
    check_step(pl, 1, WL_RES_DRNG, 1, 0);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_DRAW, 6)->flags, WL_OPF_OUT_UNITS);
    check_step(pl, 2, WL_RES_GBUF, 1, 0);
    ck_assert_uint_eq(check_op(pl, 3, 0, WL_OP_MVM, 2)->flags, WL_OPF_IN_UNITS);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 6);
}
END_TEST

/* f1 under SpinBayes: the arbiter picks a crossbar copy once per pass; the MVM reads the
 * picked copy's slices (one per copy here). */
START_TEST(test_wl_prog_fc_spinbayes_reads_the_picked_copy)
{
    build(ARCH_DROPOUT_SPINBAYES, 0);
    const wl_prog_layer_t *pl = &prog->layers[2];
    ck_assert_uint_eq(pl->n_setup, 2);
    check_step(pl, 1, WL_RES_ARB, 1, 0);
    check_op(pl, 1, 0, WL_OP_SELECT, 0);
    const wl_op_t *mvm = &pl->ops[pl->steps[3].first];
    ck_assert_uint_eq(mvm->kind, WL_OP_MVM);
    ck_assert_uint_eq(mvm->flags, WL_OPF_PICKED);
    ck_assert_uint_eq(pl->copy_slices, map->layers[2].slices_per_copy);
    ck_assert_uint_eq(mvm->count, map->layers[2].slices_per_copy);
}
END_TEST

/* The prefix-reuse decision: c1 and p1 come before the first Bayesian layer (f1).  Only
 * p1's output is read after the prefix (by f1): 3 x 1 x 1 = 3 bits held. */
START_TEST(test_wl_prog_prefix_holds_what_later_layers_read)
{
    build(ARCH_DROPOUT_SPINDROP, 1);
    ck_assert_uint_eq(prog->prefix, 2);
    ck_assert_uint_eq(prog->held_bits, 3);
    ck_assert_uint_eq(wl_prog_passes(prog, 0, 5), 1);
    ck_assert_uint_eq(wl_prog_passes(prog, 1, 5), 1);
    ck_assert_uint_eq(wl_prog_passes(prog, 2, 5), 5);
}
END_TEST

/* Under scheme none every layer is deterministic: all passes are equal, none is reused. */
START_TEST(test_wl_prog_no_prefix_without_a_bayesian_layer)
{
    build(ARCH_DROPOUT_NONE, 1);
    ck_assert_uint_eq(prog->prefix, 0);
    ck_assert_uint_eq(prog->held_bits, 0);
    ck_assert_uint_eq(wl_prog_passes(prog, 0, 5), 5);
}
END_TEST

/* Window dependencies with padding: k 3, stride 2, pad 1, 5 input rows.  Row r needs
 * rows up to r x 2 + 3 - 1: row 0 -> 2, row 1 -> 4, row 2 -> 6 capped at 5.  A residual
 * add's row r needs row r (r + 1 rows). */
START_TEST(test_wl_prog_rows_needed_with_padding)
{
    wl_prog_layer_t pl;
    memset(&pl, 0, sizeof pl);
    pl.dep = WL_DEP_WINDOW;
    pl.dep_k = 3;
    pl.dep_stride = 2;
    pl.dep_pad = 1;
    pl.dep_hin = 5;
    ck_assert_uint_eq(wl_prog_rows_needed(&pl, 0), 2);
    ck_assert_uint_eq(wl_prog_rows_needed(&pl, 1), 4);
    ck_assert_uint_eq(wl_prog_rows_needed(&pl, 2), 5);
    pl.dep = WL_DEP_ROW;
    ck_assert_uint_eq(wl_prog_rows_needed(&pl, 3), 4);
}
END_TEST

START_TEST(test_wl_prog_build_refuses_mismatched_inputs)
{
    build(ARCH_DROPOUT_SPINDROP, 0);
    wl_prog_t *p = (wl_prog_t *)0x1;
    map->n_layers--;
    ck_assert_int_eq(wl_prog_build(net, map, &arch, &p), ST_EINVAL);
    map->n_layers++;
    ck_assert_ptr_eq(p, (wl_prog_t *)0x1); /* untouched */
    ck_assert_int_eq(wl_prog_build(net, map, NULL, &p), ST_EINVAL);
    ck_assert_str_eq(wl_op_name(WL_OP_COUNT), "?");
    ck_assert_str_eq(wl_res_name(WL_RES_COUNT), "?");
}
END_TEST

/* ---- Scenario ---- */

static void conv_mask_activation(arch_t *a)
{
    a->scenario.conv_mask = ARCH_CONV_MASK_ACTIVATION;
}

/* c1 (dropout 0.5) under SpinDrop, per row and vector (the default): 18 modules (row groups
 * 8 + 8 + 2, share 1), a mask of 18 rows per vector:
 *   set-up: scale read 24.  body: drng draw 18 (overlap), read 18, MVM gated by the rows,
 *   reduce + activate, write 3.  4 vectors: 18 x 4 = 72 random bits per pass;
 *   transactions 1 + 4 x (1 + 1 + 3 + 2 + 1) = 33.
 * With scenario.conv_mask activation: one bit per input activation, 2 x 4 x 4 = 32 per
 * pass, drawn in the set-up by the same 18 modules, ceil(32 / 18) = 2 each, and expanded to
 * the rows per vector (every patch reading an activation sees the same bit):
 *   set-up: scale read 24; drng draw 32 into the unit mask.
 *   body:   drng expand 32 (overlap), read 8 (window 18 from the line buffer), MVM gated by the
 * rows, reduce 5 + activate 3, write 3. transactions 2 + 4 x (1 + 1 + 3 + 2 + 1) = 34; steps 2 + 4
 * x 5 = 22. */
START_TEST(test_wl_prog_conv_spindrop_mask_per_activation_by_hand)
{
    build_net(tiny_bayes_yaml, sizeof tiny_bayes_yaml - 1, ARCH_DROPOUT_SPINDROP, 0, NULL);
    const wl_prog_layer_t *pl = &prog->layers[0];
    ck_assert_uint_eq(pl->n_setup, 1);
    ck_assert_uint_eq(pl->n_body, 5);
    check_step(pl, 1, WL_RES_DRNG, 1, 1);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_DRAW, 18)->flags, WL_OPF_OUT_ROWS);
    ck_assert_uint_eq(map->layers[0].rng_bits_pass, 72);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 33);
    teardown();

    build_net(tiny_bayes_yaml, sizeof tiny_bayes_yaml - 1, ARCH_DROPOUT_SPINDROP, 0,
              conv_mask_activation);
    pl = &prog->layers[0];
    ck_assert_uint_eq(map->layers[0].drng_modules, 18);
    ck_assert_uint_eq(map->layers[0].rng_bits_pass, 32);
    ck_assert_uint_eq(pl->n_setup, 2);
    ck_assert_uint_eq(pl->n_body, 5);
    check_step(pl, 0, WL_RES_SCALE_BUF, 1, 0);
    check_op(pl, 0, 0, WL_OP_READ, 24);
    check_step(pl, 1, WL_RES_DRNG, 1, 0);
    ck_assert_uint_eq(check_op(pl, 1, 0, WL_OP_DRAW, 32)->flags, WL_OPF_OUT_UNITS);
    check_step(pl, 2, WL_RES_DRNG, 1, 1);
    ck_assert_uint_eq(check_op(pl, 2, 0, WL_OP_EXPAND, 32)->flags,
                      WL_OPF_OUT_ROWS | WL_OPF_IN_UNITS);
    check_step(pl, 3, WL_RES_GBUF, 1, 0);
    ck_assert_uint_eq(check_op(pl, 3, 0, WL_OP_READ, 8)->arg, 18);
    const wl_op_t *mvm = check_op(pl, 4, 0, WL_OP_MVM, 3);
    ck_assert_uint_eq(mvm->count, 3);
    ck_assert_uint_eq(mvm->flags, WL_OPF_IN_ROWS);
    check_step(pl, 5, WL_RES_PERIPH, 2, 0);
    ck_assert_uint_eq(check_op(pl, 5, 0, WL_OP_REDUCE, 3)->arg, 5);
    check_op(pl, 6, 0, WL_OP_WRITE, 3);
    ck_assert_uint_eq(pl->drng_share, 2);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 34);
    ck_assert_uint_eq(wl_prog_layer_steps(pl), 22);
    /* f1 is an fc layer: its rows are its activations, drawn per vector as before */
    check_step(&prog->layers[2], 1, WL_RES_DRNG, 1, 1);
    check_op(&prog->layers[2], 1, 0, WL_OP_DRAW, 3);
}
END_TEST

static void last_one(arch_t *a)
{
    a->scenario.bayes_layers = ARCH_BAYES_LAST;
    a->scenario.bayes_last = 1;
}

static void list_c1(arch_t *a)
{
    a->scenario.bayes_layers = ARCH_BAYES_LIST;
    snprintf(a->scenario.bayes_list, sizeof a->scenario.bayes_list, "c1");
}

/* tiny_bayes has dropout on c1 and f1.
 *   all (default), reuse_prefix on: c1 is Bayesian, so nothing comes before the first
 *     Bayesian layer: prefix 0.
 *   last 1: only f1.  c1 is the deterministic program of test_wl_prog_conv_by_hand (no
 *     draw, MVM ungated, 29 transactions, 17 steps) and, with p1, the reused prefix: 2
 *     layers, p1's 3 output bits held.
 *   list c1: c1 draws per vector (33 transactions, as above); f1 deterministic:
 *     scale read 16; read 3, MVM, activate 2, write 2: 1 + 4 = 5 transactions. */
START_TEST(test_wl_prog_scenario_bayesian_layers_by_hand)
{
    build_net(tiny_bayes_yaml, sizeof tiny_bayes_yaml - 1, ARCH_DROPOUT_SPINDROP, 1, NULL);
    ck_assert_uint_eq(prog->prefix, 0);
    teardown();

    build_net(tiny_bayes_yaml, sizeof tiny_bayes_yaml - 1, ARCH_DROPOUT_SPINDROP, 1, last_one);
    const wl_prog_layer_t *c1 = &prog->layers[0];
    ck_assert_uint_eq(map->layers[0].sto, WL_STO_NONE);
    ck_assert_uint_eq(map->layers[0].drng_modules, 0);
    ck_assert_uint_eq(c1->n_setup, 1);
    ck_assert_uint_eq(c1->n_body, 4);
    ck_assert_uint_eq(check_op(c1, 2, 0, WL_OP_MVM, 3)->flags, 0);
    ck_assert_uint_eq(wl_prog_layer_transactions(c1), 29);
    ck_assert_uint_eq(wl_prog_layer_steps(c1), 17);
    ck_assert_uint_eq(prog->layers[2].n_body, 5); /* f1's per-vector draw */
    ck_assert_uint_eq(prog->prefix, 2);
    ck_assert_uint_eq(prog->held_bits, 3);
    ck_assert_uint_eq(map->T, 0);
    teardown();

    build_net(tiny_bayes_yaml, sizeof tiny_bayes_yaml - 1, ARCH_DROPOUT_SPINDROP, 0, list_c1);
    ck_assert_uint_eq(wl_prog_layer_transactions(&prog->layers[0]), 33);
    const wl_prog_layer_t *f1 = &prog->layers[2];
    ck_assert_uint_eq(map->layers[2].sto, WL_STO_NONE);
    ck_assert_uint_eq(f1->n_setup, 1);
    ck_assert_uint_eq(f1->n_body, 4);
    check_op(f1, 1, 0, WL_OP_READ, 3);
    ck_assert_uint_eq(check_op(f1, 2, 0, WL_OP_MVM, 2)->flags, 0);
    ck_assert_uint_eq(wl_prog_layer_transactions(f1), 5);
}
END_TEST

static void scale_multiply(arch_t *a)
{
    a->scenario.scale_apply = ARCH_SCALE_MULTIPLY;
}

/* f1 under ScaleDrop (2 outputs, 8-bit scale-buffer words, 8-bit scales).
 *   threshold (default): set-up: drng draw 1 unit; then the scale buffer reads the one
 *     threshold set the bit selects, 2 x 8 = 16 bits.  body: read 3, MVM (rows all
 *     driven), activate 2 (no multiply), write 2.  Transactions 2 + 4 = 6.
 *   multiply: set-up: scale buffer reads thresholds 16 and the scale vector 2 x 8 = 16
 *     (one step, two operations); drng draw 1.  body: read 3, MVM, scale 2 + activate 2,
 *     write 2.  Transactions (2 + 1) + (1 + 1 + 2 + 1) = 8. */
START_TEST(test_wl_prog_fc_scaledrop_threshold_or_multiply_by_hand)
{
    build(ARCH_DROPOUT_SCALEDROP, 0);
    const wl_prog_layer_t *pl = &prog->layers[2];
    ck_assert_uint_eq(pl->n_setup, 2);
    ck_assert_uint_eq(pl->n_body, 4);
    check_step(pl, 0, WL_RES_DRNG, 1, 0);
    ck_assert_uint_eq(check_op(pl, 0, 0, WL_OP_DRAW, 1)->flags, WL_OPF_OUT_UNITS);
    check_step(pl, 1, WL_RES_SCALE_BUF, 1, 0);
    check_op(pl, 1, 0, WL_OP_READ, 16);
    check_step(pl, 2, WL_RES_GBUF, 1, 0);
    ck_assert_uint_eq(check_op(pl, 3, 0, WL_OP_MVM, 2)->flags, 0);
    check_step(pl, 4, WL_RES_PERIPH, 1, 0);
    check_op(pl, 4, 0, WL_OP_ACTIVATE, 2);
    check_op(pl, 5, 0, WL_OP_WRITE, 2);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 6);
    teardown();

    build_net(tiny_yaml, sizeof tiny_yaml - 1, ARCH_DROPOUT_SCALEDROP, 0, scale_multiply);
    pl = &prog->layers[2];
    ck_assert_uint_eq(pl->n_setup, 2);
    ck_assert_uint_eq(pl->n_body, 4);
    check_step(pl, 0, WL_RES_SCALE_BUF, 2, 0);
    check_op(pl, 0, 0, WL_OP_READ, 16);
    check_op(pl, 0, 1, WL_OP_READ, 16);
    check_step(pl, 1, WL_RES_DRNG, 1, 0);
    check_op(pl, 1, 0, WL_OP_DRAW, 1);
    check_step(pl, 4, WL_RES_PERIPH, 2, 0);
    check_op(pl, 4, 0, WL_OP_SCALE, 2);
    check_op(pl, 4, 1, WL_OP_ACTIVATE, 2);
    ck_assert_uint_eq(wl_prog_layer_transactions(pl), 8);
}
END_TEST

Suite *wl_prog_suite(void)
{
    Suite *s = suite_create("wl_prog");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, NULL, teardown);
    tcase_add_test(core, test_wl_prog_conv_by_hand);
    tcase_add_test(core, test_wl_prog_conv_line_buffer_fits_or_rereads);
    tcase_add_test(core, test_wl_prog_pool_by_hand);
    tcase_add_test(core, test_wl_prog_fc_spindrop_by_hand);
    tcase_add_test(core, test_wl_prog_fc_dropconnect_draws_per_pass);
    tcase_add_test(core, test_wl_prog_fc_spinbayes_reads_the_picked_copy);
    tcase_add_test(core, test_wl_prog_prefix_holds_what_later_layers_read);
    tcase_add_test(core, test_wl_prog_no_prefix_without_a_bayesian_layer);
    tcase_add_test(core, test_wl_prog_conv_spindrop_mask_per_activation_by_hand);
    tcase_add_test(core, test_wl_prog_scenario_bayesian_layers_by_hand);
    tcase_add_test(core, test_wl_prog_fc_scaledrop_threshold_or_multiply_by_hand);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_wl_prog_rows_needed_with_padding);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, NULL, teardown);
    tcase_add_test(err, test_wl_prog_build_refuses_mismatched_inputs);
    suite_add_tcase(s, err);
    return s;
}
