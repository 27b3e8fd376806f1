/* check_infer.c - functional inference (sim/core/infer.c): a tiny network whose logits are
 * worked by hand, the sense amplifier's clipping and stuck-at cells on it, determinism and
 * image-order independence, dropout's dropped-row fraction within a binomial bound, the
 * read-flip rate against its closed form, refusals; and, when the trained LeNet-5 and its
 * reference exist, the bit-exact cross-check against the trainer. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "check_main.h"
#include "infer.h"
#include "base/sha256.h"
#include "wl.h"
#include "idx.h"
#include "wl_map.h"
#include "wl_onnx.h"
#include "wl_weights.h"

/* The tiny network: input 1x3x3, conv c1 (2 output channels, 2x2, stride 1) -> 2x2x2,
 * maxpool 2x2 -> 2x1x1, fc of 2 classes. */
static const char tiny_yaml[] = "version: 1\n"
                                "name: tiny\n"
                                "input: {c: 1, h: 3, w: 3}\n"
                                "mc_samples: 4\n"
                                "layers:\n"
                                "  - {name: c1, type: conv, cout: 2, k: 2, stride: 1, pad: 0, "
                                "dropout: %s}\n"
                                "  - {name: p1, type: %s, k: 2, stride: 2}\n"
                                "  - {name: f1, type: fc, cout: 2, dropout: %s}\n";

/* Pixels (threshold 0.5 -> +1 at 255, -1 at 0):
 *   255   0 255      +1 -1 +1
 *     0 255   0  ->  -1 +1 -1
 *   255 255   0      +1 +1 -1 */
static const uint8_t tiny_pixels[9] = {255, 0, 255, 0, 255, 0, 255, 255, 0};

typedef struct tiny {
    arch_t arch;
    wl_net_t *net;
    wl_map_t *map;
    wl_weights_t *w;
} tiny_t;

static void set_bits(wl_layer_w_t *l, uint32_t c, const int *wv)
{
    for (uint32_t r = 0; r < l->rows; r++)
        if (wv[r] > 0)
            l->w[(uint64_t)c * l->row_words + r / 64] |= 1ull << (r % 64);
}

static wl_layer_w_t crossbar(uint32_t rows, uint32_t cols, uint32_t act)
{
    wl_layer_w_t l;
    memset(&l, 0, sizeof l);
    l.rows = rows;
    l.cols = cols;
    l.row_words = (rows + 63) / 64;
    l.copies = 1;
    l.w = calloc((size_t)cols * l.row_words, sizeof(uint64_t));
    l.act = act;
    l.stage = WL_STAGE_NONE;
    l.bn_scale = calloc(cols, sizeof(double));
    l.bn_bias = calloc(cols, sizeof(double));
    return l;
}

/* Weights (rows r = kpos = kh * 2 + kw, cin 1):
 *   c1 ch0: (+1, -1, -1, +1), bn 1, bias -1    c1 ch1: (+1, +1, +1, +1), bn 1, bias -3
 *   f1 class 0: (+1, +1), bn 0.5, bias 0.25    f1 class 1: (+1, -1), bn 2, bias -1 */
static wl_weights_t *tiny_weights(void)
{
    wl_weights_t *w = calloc(1, sizeof *w);
    w->n_layers = 3;
    w->layers = calloc(3, sizeof *w->layers);
    w->in_thresh = 0.5;
    w->classes = 2;
    w->ref_accuracy = -1;
    static const int c0[4] = {1, -1, -1, 1}, c1[4] = {1, 1, 1, 1};
    static const int f0[2] = {1, 1}, f1[2] = {1, -1};
    w->layers[0] = crossbar(4, 2, WL_ACT_SIGN);
    set_bits(&w->layers[0], 0, c0);
    set_bits(&w->layers[0], 1, c1);
    w->layers[0].bn_scale[0] = w->layers[0].bn_scale[1] = 1.0;
    w->layers[0].bn_bias[0] = -1.0;
    w->layers[0].bn_bias[1] = -3.0;
    w->layers[2] = crossbar(2, 2, WL_ACT_NONE);
    set_bits(&w->layers[2], 0, f0);
    set_bits(&w->layers[2], 1, f1);
    w->layers[2].bn_scale[0] = 0.5;
    w->layers[2].bn_bias[0] = 0.25;
    w->layers[2].bn_scale[1] = 2.0;
    w->layers[2].bn_bias[1] = -1.0;
    return w;
}

/* arch_yaml: an architecture document; p: the layers' dropout; pool: maxpool or avgpool. */
static void tiny_build2(tiny_t *t, const char *arch_yaml, const char *p_c1, const char *pool,
                        const char *p_f1)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_string("<test>", arch_yaml, strlen(arch_yaml), &t->arch, &dl),
                     ST_OK);
    char net[1024];
    snprintf(net, sizeof net, tiny_yaml, p_c1, pool, p_f1);
    ck_assert_int_eq(wl_load_string("<tiny>", net, strlen(net), &t->net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(t->net, &t->arch, 0, &t->map, &dl), ST_OK);
    t->w = tiny_weights();
}

static void tiny_build(tiny_t *t, const char *arch_yaml, const char *p, const char *pool)
{
    tiny_build2(t, arch_yaml, p, pool, p);
}

static void tiny_free(tiny_t *t)
{
    wl_weights_destroy(t->w);
    wl_map_destroy(t->map);
    wl_net_destroy(t->net);
}

static infer_t *tiny_infer(tiny_t *t, uint64_t dev, uint64_t mask)
{
    infer_t *f = NULL;
    char err[256];
    ck_assert_msg(infer_create(&t->arch, t->net, t->map, t->w, dev, mask, &f, err, sizeof err) ==
                      ST_OK,
                  "infer_create: %s", err);
    return f;
}

static const char configs_spinbayes[] =
    "version: 1\ndropout: {impl: spinbayes, sigma_ic0_rel: 0}\narbiter: {k: 4}\n"
    "bayes: {param_bits: 2, mtjs_per_cell: 3}\nsenseamp: {psum_bits: 7}\n";
static const char ideal_arch[] = "version: 1\ndropout: {impl: none}\n";

/* Zero padding is undriven.  Input 1x2x2 (+1 -1 / -1 -1), conv k 2, pad 1 -> 3x3, maxpool
 * 3x3 -> 1x1, fc of 2 classes.  Conv ch0 weights all +1, bias -0.5: position (0,0) reads
 * only x00 (kernel position (1,1)): 1 - 0.5 > 0 -> +1; every other position sums <= 0
 * ((0,1): x00 + x01 = 0; (1,1): 1 - 3 = -2; ...) -> -1; pool +1.  (Were the 3 padded rows
 * driven as -1, (0,0) would sum -2 and the pool give -1.)  Ch1 weights all -1, bias -0.5:
 * (1,1) reads all four, -(1 - 3) = 2 -> +1; pool +1.  fc on (+1, +1): class 0 (+1,+1) 2,
 * class 1 (+1,-1) 0, bn 1 and 0 -> logits (2, 0).  In-image rows per pass: 4 corners x 1
 * + 4 edges x 2 + the centre 4 = 16, + 2 fc rows = 18. */
START_TEST(test_infer_padding_rows_are_undriven)
{
    static const char yaml[] = "version: 1\nname: pad\ninput: {c: 1, h: 2, w: 2}\nlayers:\n"
                               "  - {name: c1, type: conv, cout: 2, k: 2, stride: 1, pad: 1}\n"
                               "  - {name: p1, type: maxpool, k: 3, stride: 3}\n"
                               "  - {name: f1, type: fc, cout: 2}\n";
    static const uint8_t px[4] = {255, 0, 0, 0};
    tiny_t t;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_string("<test>", ideal_arch, strlen(ideal_arch), &t.arch, &dl),
                     ST_OK);
    ck_assert_int_eq(wl_load_string("<pad>", yaml, strlen(yaml), &t.net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(t.net, &t.arch, 0, &t.map, &dl), ST_OK);
    t.w = tiny_weights();
    static const int c0[4] = {1, 1, 1, 1}, fc[2] = {1, -1};
    wl_layer_w_t *l0 = &t.w->layers[0], *l2 = &t.w->layers[2];
    l0->w[0] = l0->w[1] = 0;
    set_bits(l0, 0, c0); /* ch1: all -1, bits 0 */
    l0->bn_scale[0] = l0->bn_scale[1] = 1.0;
    l0->bn_bias[0] = l0->bn_bias[1] = -0.5;
    l2->w[1] = 0;
    set_bits(l2, 1, fc);
    l2->bn_scale[0] = l2->bn_scale[1] = 1.0;
    l2->bn_bias[0] = l2->bn_bias[1] = 0.0;
    infer_t *f = tiny_infer(&t, 1, 2);
    double lg[2];
    ck_assert_int_eq(infer_image(f, 0, px, 1, lg), ST_OK);
    ck_assert_double_eq_tol(lg[0], 2.0, 1e-12);
    ck_assert_double_eq_tol(lg[1], 0.0, 1e-12);
    ck_assert_uint_eq(infer_stats(f)->rows_driven, 18);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* By hand.  c1, a_c per output position (oh, ow), patch (x[oh][ow], x[oh][ow+1],
 * x[oh+1][ow], x[oh+1][ow+1]):
 *   (0,0) (+1,-1,-1,+1): ch0 1+1+1+1 = 4, ch1 0     (0,1) (-1,+1,+1,-1): ch0 -4, ch1 0
 *   (1,0) (-1,+1,+1,+1): ch0 -1-1-1+1 = -2, ch1 2   (1,1) (+1,-1,+1,-1): ch0 0, ch1 0
 * ch0 - 1: 3, -5, -3, -1 -> +1 -1 -1 -1 -> pool +1;  ch1 - 3: all < 0 -> pool -1.
 * f1 on (+1, -1): class 0 (+1,+1): 1 - 1 = 0 -> 0.5 * 0 + 0.25 = 0.25;
 *                 class 1 (+1,-1): 1 + 1 = 2 -> 2 * 2 - 1 = 3. */
START_TEST(test_infer_tiny_net_logits_by_hand)
{
    tiny_t t;
    tiny_build(&t, ideal_arch, "0", "maxpool");
    infer_t *f = tiny_infer(&t, 1, 2);
    double lg[2 * 3];
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 3, lg), ST_OK);
    for (int k = 0; k < 3; k++) {
        ck_assert_double_eq_tol(lg[2 * k], 0.25, 1e-12);
        ck_assert_double_eq_tol(lg[2 * k + 1], 3.0, 1e-12);
    }
    ck_assert_int_eq(infer_last_sums(f)[0], 0);
    ck_assert_int_eq(infer_last_sums(f)[1], 2);
    ck_assert_uint_eq(infer_classes(f), 2);
    const infer_stats_t *s = infer_stats(f);
    ck_assert_uint_eq(s->psum_clipped, 0);
    ck_assert_uint_eq(s->rows_dropped, 0);
    ck_assert_uint_eq(s->rows_driven, 3 * (4 * 4 + 2)); /* 3 passes x (4 vectors x 4 + 2) */
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* psum_bits 1 (a sign SA: counts above 1 clip to 1), one read step of 4 rows:
 *   c1 ch0 matches m = (a + 4) / 2: 4, 0, 1, 2 -> q 1, 0, 1, 1 -> 2q - 4: -2 -4 -2 -2
 *      (2 clipped); ch1 m: 2, 2, 3, 2 -> all clip to 1 -> -2 (4 clipped)
 *   ch0 - 1 < 0, ch1 - 3 < 0 everywhere -> pool (-1, -1)
 *   f1: class 0 (+1,+1) m 0 -> -2 -> 0.5 * -2 + 0.25 = -0.75; class 1 (+1,-1) m 1 -> 0 ->
 *   -1.  6 clipped sums per pass. */
START_TEST(test_infer_sense_amplifier_clips_partial_sums)
{
    tiny_t t;
    tiny_build(&t, ideal_arch, "0", "maxpool");
    t.arch.tile.sa.psum_bits = 1;
    t.arch.tile.xbar.max_active_rows = 4;
    infer_t *f = tiny_infer(&t, 1, 2);
    double lg[2];
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 1, lg), ST_OK);
    ck_assert_double_eq_tol(lg[0], -0.75, 1e-12);
    ck_assert_double_eq_tol(lg[1], -1.0, 1e-12);
    ck_assert_uint_eq(infer_stats(f)->psum_clipped, 6);
    infer_destroy(f);
    /* read steps of one row: a count of 0 or 1 never clips -> the exact logits */
    t.arch.tile.xbar.max_active_rows = 1;
    f = tiny_infer(&t, 1, 2);
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 1, lg), ST_OK);
    ck_assert_double_eq_tol(lg[0], 0.25, 1e-12);
    ck_assert_double_eq_tol(lg[1], 3.0, 1e-12);
    ck_assert_uint_eq(infer_stats(f)->psum_clipped, 0);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* Every cell stuck in P: all weights +1.  c1 both channels (+1,+1,+1,+1): sums 0 0 2 0;
 * ch0 - 1: -1 -1 +1 -1 -> pool +1; ch1 - 3 < 0 -> -1.  f1 (+1,+1) both on (+1,-1): 0 ->
 * 0.25 and 2 * 0 - 1 = -1.  Stuck in AP: all -1.  c1 sums 0 0 -2 0 -> both < 0 -> pool
 * (-1,-1); f1 (-1,-1) on (-1,-1): 2 -> 0.5 * 2 + 0.25 = 1.25 and 2 * 2 - 1 = 3.
 * 8 + 4 = 12 stuck cells. */
START_TEST(test_infer_stuck_cells_read_their_stuck_value)
{
    tiny_t t;
    tiny_build(&t, "version: 1\ndropout: {impl: none}\nvariation: {stuck_p_rate: 1}\n", "0",
               "maxpool");
    infer_t *f = tiny_infer(&t, 7, 2);
    double lg[2];
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 1, lg), ST_OK);
    ck_assert_double_eq_tol(lg[0], 0.25, 1e-12);
    ck_assert_double_eq_tol(lg[1], -1.0, 1e-12);
    ck_assert_uint_eq(infer_stats(f)->stuck_cells, 12);
    infer_destroy(f);
    t.arch.variation.stuck_p_rate = 0;
    t.arch.variation.stuck_ap_rate = 1;
    f = tiny_infer(&t, 7, 2);
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 1, lg), ST_OK);
    ck_assert_double_eq_tol(lg[0], 1.25, 1e-12);
    ck_assert_double_eq_tol(lg[1], 3.0, 1e-12);
    ck_assert_uint_eq(infer_stats(f)->stuck_cells, 12);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

static const char spindrop_arch[] =
    "version: 1\ndropout: {impl: spindrop, sigma_ic0_rel: 0}\nvariation: {r_sigma_rel: 0.3}\n";

/* Same seeds, same logits; the logits of image i do not depend on what ran before. */
START_TEST(test_infer_same_seeds_same_logits_in_any_image_order)
{
    tiny_t t;
    tiny_build(&t, spindrop_arch, "0.3", "maxpool");
    infer_t *a = tiny_infer(&t, 11, 12), *b = tiny_infer(&t, 11, 12);
    enum { T = 8 };
    double a3[2 * T], a5[2 * T], b3[2 * T], b5[2 * T];
    ck_assert_int_eq(infer_image(a, 3, tiny_pixels, T, a3), ST_OK);
    ck_assert_int_eq(infer_image(a, 5, tiny_pixels, T, a5), ST_OK);
    ck_assert_int_eq(infer_image(b, 5, tiny_pixels, T, b5), ST_OK);
    ck_assert_int_eq(infer_image(b, 3, tiny_pixels, T, b3), ST_OK);
    ck_assert_int_eq(memcmp(a3, b3, sizeof a3), 0);
    ck_assert_int_eq(memcmp(a5, b5, sizeof a5), 0);
    ck_assert_int_ne(memcmp(a3, a5, sizeof a3), 0); /* other passes, other masks */
    infer_destroy(a);
    infer_destroy(b);
    tiny_free(&t);
}
END_TEST

/* Mean network: every mask kept, so the dropout network gives the hand logits. */
START_TEST(test_infer_mean_net_keeps_every_mask)
{
    tiny_t t;
    tiny_build(&t, "version: 1\ndropout: {impl: spindrop, sigma_ic0_rel: 0}\n", "0.3", "maxpool");
    infer_t *f = tiny_infer(&t, 1, 2);
    infer_set_mean_net(f, 1);
    double lg[2 * 4];
    ck_assert_int_eq(infer_image(f, 9, tiny_pixels, 4, lg), ST_OK);
    for (int k = 0; k < 4; k++) {
        ck_assert_double_eq_tol(lg[2 * k], 0.25, 1e-12);
        ck_assert_double_eq_tol(lg[2 * k + 1], 3.0, 1e-12);
    }
    ck_assert_uint_eq(infer_stats(f)->rows_dropped, 0);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* Dropped-row fraction against p = 0.3 over N = 2000 passes, 18 in-image rows each (c1: 4
 * vectors x 4 rows, f1: 2).  spindrop: every row its own Bernoulli draw, sd =
 * sqrt(0.3 * 0.7 / 36000) = 0.00242.  mc_dropout: a unit per input neuron, counted once
 * per row that reads it (c1's 3x3 input under 2x2 windows: 4 corners once, 4 edges twice,
 * the centre 4 times; f1 2 neurons once): variance per pass 0.21 (4 + 16 + 16 + 2) = 7.98,
 * sd of the fraction sqrt(7.98 * 2000) / 36000 = 0.00351.  Bound: 5 sd. */
static const char *const drop_arch[] = {
    "version: 1\ndropout: {impl: spindrop, sigma_ic0_rel: 0}\n",
    "version: 1\ndropout: {impl: mc_dropout, sigma_ic0_rel: 0}\n"};
static const double drop_sd[] = {0.00242, 0.00351};

START_TEST(test_infer_dropout_drops_rows_at_p_within_a_binomial_bound)
{
    tiny_t t;
    tiny_build(&t, drop_arch[_i], "0.3", "maxpool");
    infer_t *f = tiny_infer(&t, 21, 22);
    enum { N = 2000 };
    double lg[2 * 100];
    for (uint32_t i = 0; i < N / 100; i++)
        ck_assert_int_eq(infer_image(f, i, tiny_pixels, 100, lg), ST_OK);
    const infer_stats_t *s = infer_stats(f);
    ck_assert_uint_eq(s->rows_dropped + s->rows_driven, (uint64_t)N * 18);
    const double frac = (double)s->rows_dropped / (double)(N * 18);
    ck_assert_msg(fabs(frac - 0.3) < 5 * drop_sd[_i], "dropped fraction %g, p 0.3", frac);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* Read flips at tmr 1, s 0.2: P = 0.0126737 (check_fn's worked point).  Cells read per
 * pass: c1 4 vectors x 4 rows x 2 columns + f1 2 x 2 = 36; N = 5000 passes: 180000 reads,
 * mean 2281.3, sd sqrt(180000 x 0.0126737 x 0.9873263) = 47.5; bound 5 sd. */
START_TEST(test_infer_read_flips_at_the_closed_form_rate)
{
    tiny_t t;
    tiny_build(&t,
               "version: 1\ndropout: {impl: none}\nxbar: {tmr: 1}\nvariation: {r_sigma_rel: 0.2}\n",
               "0", "maxpool");
    infer_t *f = tiny_infer(&t, 1, 5);
    double lg[2 * 100];
    for (uint32_t i = 0; i < 50; i++)
        ck_assert_int_eq(infer_image(f, i, tiny_pixels, 100, lg), ST_OK);
    const double n = (double)infer_stats(f)->read_errors;
    ck_assert_msg(fabs(n - 2281.3) < 5 * 47.5, "read errors %g, expected 2281.3", n);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

/* Per-scheme stages on f1 alone (c1 deterministic: its input to f1 stays (+1, -1), f1's
 * sums a = (0, 2)); N = 1000 passes of one image.  Each pass's logits must be one of the
 * hand-worked outcomes, and each outcome must occur (p = 0.3: the rarest has probability
 * >= 0.09, absent from 1000 passes with probability 0.91^1000 < 1e-40). */
static double *scheme_run(tiny_t *t, uint32_t N)
{
    infer_t *f = tiny_infer(t, 3, 4);
    double *lg = malloc(sizeof(double) * 2 * N);
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, N, lg), ST_OK);
    infer_destroy(f);
    return lg;
}

static double *alloc_cols(double a, double b)
{
    double *v = malloc(2 * sizeof(double));
    v[0] = a;
    v[1] = b;
    return v;
}

/* ScaleDrop, alpha (3, 0.5): kept t = (0, 1) -> logits (0.25, 2 * 1 - 1 = 1); dropped
 * t = (0, 2) -> (0.25, 3).  Kept with probability 0.7. */
START_TEST(test_infer_scaledrop_switches_the_scale_per_pass)
{
    tiny_t t;
    tiny_build2(&t, "version: 1\ndropout: {impl: scaledrop, sigma_ic0_rel: 0}\n", "0", "maxpool",
                "0.3");
    t.w->layers[2].stage = WL_STAGE_SCALE;
    t.w->layers[2].alpha = alloc_cols(3.0, 0.5);
    enum { N = 1000 };
    double *lg = scheme_run(&t, N);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < N; k++) {
        ck_assert_double_eq_tol(lg[2 * k], 0.25, 1e-12);
        ck_assert_msg(lg[2 * k + 1] == 1.0 || lg[2 * k + 1] == 3.0, "logit %g", lg[2 * k + 1]);
        kept += lg[2 * k + 1] == 1.0;
    }
    /* binomial: mean 700, sd sqrt(1000 x 0.21) = 14.5; 5 sd */
    ck_assert_msg(fabs(kept - 700.0) < 5 * 14.5, "kept %u of 1000", kept);
    free(lg);
    tiny_free(&t);
}
END_TEST

/* Affine Dropout, gamma (2, 2), beta (1, -1): class 1 t = 2 g + b with g in {2 kept, 1},
 * b in {-1 kept, 0}: both 3 -> 5; gamma only 4 -> 7; beta only 1 -> 1; none 2 -> 3.
 * Class 0 t = 0 + b: beta kept 1 -> 0.75, else 0.25. */
START_TEST(test_infer_affine_dropout_draws_gamma_and_beta_apart)
{
    tiny_t t;
    tiny_build2(&t, "version: 1\ndropout: {impl: affine_dropout, sigma_ic0_rel: 0}\n", "0",
                "maxpool", "0.3");
    t.w->layers[2].stage = WL_STAGE_AFFINE;
    t.w->layers[2].gamma = alloc_cols(2.0, 2.0);
    t.w->layers[2].beta = alloc_cols(1.0, -1.0);
    enum { N = 1000 };
    double *lg = scheme_run(&t, N);
    uint32_t seen[4] = {0, 0, 0, 0};
    for (uint32_t k = 0; k < N; k++) {
        const double l0 = lg[2 * k], l1 = lg[2 * k + 1];
        const int both = l1 == 5.0, g = l1 == 7.0, b = l1 == 1.0, none = l1 == 3.0;
        ck_assert_msg(both + g + b + none == 1, "logit %g", l1);
        ck_assert_double_eq_tol(l0, both || b ? 0.75 : 0.25, 1e-12);
        seen[both ? 0 : g ? 1 : b ? 2 : 3]++;
    }
    for (int k = 0; k < 4; k++)
        ck_assert_uint_gt(seen[k], 0);
    free(lg);
    tiny_free(&t);
}
END_TEST

/* Subset VI, mu (1, 1), sigma (0.5, 0.5), 4 fair bits per sample: eps in {-2..2}, mean 0,
 * variance 1; class 1 t = 2 (1 + 0.5 eps) = 2 + eps -> logit 3 + 2 eps in {-1, 1, 3, 5, 7};
 * its mean over 1000 passes lies within 5 sd = 5 x 2 / sqrt(1000) = 0.32 of 3. */
START_TEST(test_infer_subset_vi_samples_the_scale)
{
    tiny_t t;
    tiny_build2(
        &t, "version: 1\ndropout: {impl: subset_vi, sigma_ic0_rel: 0}\nsenseamp: {psum_bits: 7}\n",
        "0", "maxpool", "0.3");
    t.w->layers[2].stage = WL_STAGE_SCALE_VI;
    t.w->layers[2].alpha = alloc_cols(1.0, 1.0);
    t.w->layers[2].alpha_sd = alloc_cols(0.5, 0.5);
    enum { N = 1000 };
    double *lg = scheme_run(&t, N), sum = 0;
    for (uint32_t k = 0; k < N; k++) {
        const double l1 = lg[2 * k + 1], e = (l1 - 3.0) / 2.0;
        ck_assert_double_eq_tol(lg[2 * k], 0.25, 1e-12);
        ck_assert_msg(e == -2 || e == -1 || e == 0 || e == 1 || e == 2, "logit %g", l1);
        sum += l1;
    }
    ck_assert_msg(fabs(sum / N - 3.0) < 0.32, "mean logit %g", sum / N);
    free(lg);
    tiny_free(&t);
}
END_TEST

/* DropConnect on f1's four weights, p 0.3: class 1 products (+1, +1), a1 = kept count, mean
 * 2 x 0.7 = 1.4, variance 2 x 0.21 = 0.42 -> logit 2 a1 - 1, mean 1.8, sd of the mean over
 * 1000 passes 2 sqrt(0.42 / 1000) = 0.041; bound 5 sd = 0.205.  Class 0 products (+1, -1):
 * a0 in {-1, 0, 1} -> logit in {-0.25, 0.25, 0.75}.  No row is dropped. */
START_TEST(test_infer_dropconnect_drops_weights_not_rows)
{
    tiny_t t;
    tiny_build2(&t, "version: 1\ndropout: {impl: mc_dropconnect, sigma_ic0_rel: 0}\n", "0",
                "maxpool", "0.3");
    enum { N = 1000 };
    infer_t *f = tiny_infer(&t, 3, 4);
    double *lg = malloc(sizeof(double) * 2 * N), sum = 0;
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, N, lg), ST_OK);
    ck_assert_uint_eq(infer_stats(f)->rows_dropped, 0);
    for (uint32_t k = 0; k < N; k++) {
        const double l0 = lg[2 * k];
        ck_assert_msg(l0 == -0.25 || l0 == 0.25 || l0 == 0.75, "logit %g", l0);
        sum += lg[2 * k + 1];
    }
    ck_assert_msg(fabs(sum / N - 1.8) < 0.205, "mean logit %g", sum / N);
    infer_destroy(f);
    free(lg);
    tiny_free(&t);
}
END_TEST

/* SpinBayes, arbiter.k 4 copies of f1: copies 0 and 2 as trained, 1 and 3 negated
 * (class 0 (-1,-1) on (+1,-1): 0 -> 0.25; class 1 (-1,+1): -2 -> 2 x -2 - 1 = -5).  The
 * arbiter picks uniformly: about half the passes give (0.25, 3), half (0.25, -5); 1000
 * passes, sd sqrt(250) = 15.8, bound 5 sd.  The mean network reads copy 0. */
START_TEST(test_infer_spinbayes_reads_the_picked_copy)
{
    tiny_t t;
    tiny_build2(&t, configs_spinbayes, "0", "maxpool", "0.3");
    wl_layer_w_t *l = &t.w->layers[2];
    free(l->w);
    l->copies = 4;
    l->w = calloc(4 * 2, sizeof(uint64_t));
    for (uint32_t j = 0; j < 4; j++) {
        l->w[j * 2 + 0] = j % 2 ? 0x0 : 0x3; /* class 0: (+1,+1) or (-1,-1) */
        l->w[j * 2 + 1] = j % 2 ? 0x2 : 0x1; /* class 1: (+1,-1) or (-1,+1) */
    }
    enum { N = 1000 };
    double *lg = scheme_run(&t, N);
    uint32_t trained = 0;
    for (uint32_t k = 0; k < N; k++) {
        ck_assert_double_eq_tol(lg[2 * k], 0.25, 1e-12);
        ck_assert_msg(lg[2 * k + 1] == 3.0 || lg[2 * k + 1] == -5.0, "logit %g", lg[2 * k + 1]);
        trained += lg[2 * k + 1] == 3.0;
    }
    ck_assert_msg(fabs(trained - 500.0) < 5 * 15.8, "trained copy %u of 1000", trained);
    free(lg);
    infer_t *f = tiny_infer(&t, 3, 4);
    infer_set_mean_net(f, 1);
    double m[2];
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 1, m), ST_OK);
    ck_assert_double_eq_tol(m[1], 3.0, 1e-12);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

START_TEST(test_infer_refuses_avgpool_with_its_name)
{
    tiny_t t;
    tiny_build(&t, ideal_arch, "0", "avgpool");
    infer_t *f = NULL;
    char err[256];
    ck_assert_int_eq(infer_create(&t.arch, t.net, t.map, t.w, 1, 2, &f, err, sizeof err),
                     ST_EINVAL);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(err, "layer 'p1'") != NULL, "err: %s", err);
    tiny_free(&t);
}
END_TEST

/* image * T + t must stay below 2^32: T = 2, image 2^31 - 1 -> last pass 2^32 - 1 (ok);
 * image 2^31 -> 2^32 (refused). */
START_TEST(test_infer_refuses_a_pass_index_past_32_bits)
{
    tiny_t t;
    tiny_build(&t, ideal_arch, "0", "maxpool");
    infer_t *f = tiny_infer(&t, 1, 2);
    double lg[4];
    ck_assert_int_eq(infer_image(f, 0x7FFFFFFFull, tiny_pixels, 2, lg), ST_OK);
    ck_assert_int_eq(infer_image(f, 0x80000000ull, tiny_pixels, 2, lg), ST_EINVAL);
    ck_assert_int_eq(infer_image(f, 0, tiny_pixels, 0, lg), ST_EINVAL);
    infer_destroy(f);
    tiny_free(&t);
}
END_TEST

START_TEST(test_infer_refuses_weights_that_do_not_match_the_map)
{
    tiny_t t;
    tiny_build(&t, ideal_arch, "0", "maxpool");
    t.w->layers[2].rows = 3;
    infer_t *f = NULL;
    char err[256];
    ck_assert_int_eq(infer_create(&t.arch, t.net, t.map, t.w, 1, 2, &f, err, sizeof err),
                     ST_EINVAL);
    ck_assert_msg(strstr(err, "layer 'f1'") != NULL, "err: %s", err);
    t.w->layers[2].rows = 2;
    tiny_free(&t);
}
END_TEST

/* Every allocation of infer_create failing in turn: ST_ENOMEM, nothing leaked (ASan). */
START_TEST(test_infer_create_survives_each_failed_allocation)
{
    tiny_t t;
    tiny_build(&t, spindrop_arch, "0.3", "maxpool");
    for (unsigned long n = 1;; n++) {
        infer_t *f = NULL;
        st_fail_alloc_at = n;
        const int st = infer_create(&t.arch, t.net, t.map, t.w, 1, 2, &f, NULL, 0);
        st_fail_alloc_at = 0;
        if (st == ST_OK) {
            infer_destroy(f);
            break;
        }
        ck_assert_int_eq(st, ST_ENOMEM);
        ck_assert_ptr_null(f);
        ck_assert_uint_lt(n, 200);
    }
    tiny_free(&t);
}
END_TEST

/* ---- The trained LeNet-5 against the trainer's reference ---- */

/* Reads the whole of path (NULL when absent). */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, fp) == (size_t)n)
        buf[n] = '\0';
    else {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

/* The next n integers after "key": in the JSON text (nesting brackets skipped); the count
 * read. */
static uint32_t json_ints(const char *text, const char *key, long *out, uint32_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    uint32_t k = 0;
    while (k < n && *p) {
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            out[k++] = strtol(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    return k;
}

/* workloads/trained/lenet5-none: with dropout off and no faults, the function's integer
 * sums of the last layer and its predicted classes equal the PyTorch reference's
 * (sums_first: the first 64 t10k images; pred) bit for bit.  The expected values are the
 * trainer's (scripts/train/reference.py), not this code's. */
START_TEST(test_infer_lenet5_matches_the_reference_bit_for_bit)
{
    const char *model = NS_SOURCE_DIR "/workloads/trained/lenet5-none.onnx";
    const char *images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    char *ref = slurp(NS_SOURCE_DIR "/workloads/trained/lenet5-none.ref.json");
    FILE *probe = fopen(images, "rb");
    if (!ref || !probe) {
        printf("infer: skipped the reference check: %s is absent\n",
               !ref ? "workloads/trained/lenet5-none.ref.json" : images);
        if (probe)
            fclose(probe);
        free(ref);
        return;
    }
    fclose(probe);
    enum { N = 64, C = 10 };
    static long sums[N * C], pred[N];
    ck_assert_uint_eq(json_ints(ref, "sums_first", sums, N * C), N * C);
    ck_assert_uint_eq(json_ints(ref, "pred", pred, N), N);
    free(ref);

    arch_t arch;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_string("<test>", ideal_arch, strlen(ideal_arch), &arch, &dl), ST_OK);
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    wl_map_t *map = NULL;
    ck_assert_int_eq(wl_onnx_load(model, &net, &w, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(net, &arch, 0, &map, &dl), ST_OK);
    wl_idx_t idx;
    char err[512];
    ck_assert_msg(wl_idx_load(images, 3, &idx, err, sizeof err) == ST_OK, "%s", err);
    ck_assert_uint_ge(idx.dims[0], N);
    const uint64_t px = (uint64_t)idx.dims[1] * idx.dims[2];
    ck_assert_uint_eq(px, (uint64_t)net->in_c * net->in_h * net->in_w);
    infer_t *f = NULL;
    ck_assert_msg(infer_create(&arch, net, map, w, 1, 2, &f, err, sizeof err) == ST_OK, "%s", err);
    infer_set_mean_net(f, 1);
    ck_assert_uint_eq(infer_classes(f), C);
    for (uint32_t i = 0; i < N; i++) {
        double lg[C];
        ck_assert_int_eq(infer_image(f, i, idx.data + i * px, 1, lg), ST_OK);
        const int32_t *s = infer_last_sums(f);
        for (uint32_t c = 0; c < C; c++)
            ck_assert_msg(s[c] == sums[i * C + c], "image %u class %u: sum %d, reference %ld", i, c,
                          s[c], sums[i * C + c]);
        uint32_t best = 0;
        for (uint32_t c = 1; c < C; c++)
            if (lg[c] > lg[best])
                best = c;
        ck_assert_msg(best == pred[i], "image %u: class %u, reference %ld", i, best, pred[i]);
    }
    infer_destroy(f);
    wl_idx_free(&idx);
    wl_map_destroy(map);
    wl_weights_destroy(w);
    wl_net_destroy(net);
}
END_TEST

/* Every committed model, every t10k image: with dropout off and no faults (the mean
 * network), the function's predicted classes equal the trainer's ("pred", 10,000 classes)
 * and its last-layer integer sums hash to the trainer's "sums_sha256" (SHA-256 of the
 * int32 little-endian array [images, classes]), both written by scripts/train/reference.py
 * (numpy, checked there against PyTorch), not by this code. */
static const char *const ref_models[] = {
    "lenet5-none",       "lenet5-mc_dropout",     "lenet5-spindrop",  "lenet5-spatial_spindrop",
    "lenet5-scaledrop",  "lenet5-affine_dropout", "lenet5-subset_vi", "vggsmall-none",
    "vggsmall-spindrop", "vggsmall-scaledrop"};

START_TEST(test_reference_every_model_every_image_bit_for_bit)
{
    char path[512], want_hex[SHA256_HEX_LEN + 1] = "";
    const char *images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    snprintf(path, sizeof path, "%s/workloads/trained/%s.ref.json", NS_SOURCE_DIR, ref_models[_i]);
    char *ref = slurp(path);
    FILE *probe = fopen(images, "rb");
    if (!ref || !probe) {
        printf("reference: skipped %s: %s is absent\n", ref_models[_i], !ref ? path : images);
        if (probe)
            fclose(probe);
        free(ref);
        return;
    }
    fclose(probe);
    const char *h = strstr(ref, "\"sums_sha256\":\"");
    ck_assert_ptr_nonnull(h);
    memcpy(want_hex, h + strlen("\"sums_sha256\":\""), SHA256_HEX_LEN);
    want_hex[SHA256_HEX_LEN] = '\0';
    enum { N = 10000 };
    static long pred[N];
    ck_assert_uint_eq(json_ints(ref, "pred", pred, N), N);
    free(ref);

    arch_t arch;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_string("<test>", ideal_arch, strlen(ideal_arch), &arch, &dl), ST_OK);
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    wl_map_t *map = NULL;
    snprintf(path, sizeof path, "%s/workloads/trained/%s.onnx", NS_SOURCE_DIR, ref_models[_i]);
    ck_assert_int_eq(wl_onnx_load(path, &net, &w, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(net, &arch, 0, &map, &dl), ST_OK);
    wl_idx_t idx;
    char err[512];
    ck_assert_msg(wl_idx_load(images, 3, &idx, err, sizeof err) == ST_OK, "%s", err);
    ck_assert_uint_eq(idx.dims[0], N);
    const uint64_t px = (uint64_t)idx.dims[1] * idx.dims[2];
    infer_t *f = NULL;
    ck_assert_msg(infer_create(&arch, net, map, w, 1, 2, &f, err, sizeof err) == ST_OK, "%s", err);
    infer_set_mean_net(f, 1);
    const uint32_t C = infer_classes(f);
    ck_assert_uint_le(C, 16);
    sha256_t sh;
    sha256_init(&sh);
    uint32_t wrong = 0, first_wrong = N;
    for (uint32_t i = 0; i < N; i++) {
        double lg[16];
        ck_assert_int_eq(infer_image(f, i, idx.data + i * px, 1, lg), ST_OK);
        const int32_t *s = infer_last_sums(f);
        for (uint32_t c = 0; c < C; c++) {
            const uint32_t u = (uint32_t)s[c];
            const unsigned char le[4] = {(unsigned char)u, (unsigned char)(u >> 8),
                                         (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
            sha256_update(&sh, le, 4);
        }
        uint32_t best = 0;
        for (uint32_t c = 1; c < C; c++)
            if (lg[c] > lg[best])
                best = c;
        if (best != (uint32_t)pred[i] && wrong++ == 0)
            first_wrong = i;
    }
    unsigned char dg[32];
    char got_hex[SHA256_HEX_LEN + 1];
    sha256_final(&sh, dg);
    sha256_to_hex(dg, got_hex);
    ck_assert_msg(wrong == 0, "%s: %u of %u classes differ from the reference (first: image %u)",
                  ref_models[_i], wrong, N, first_wrong);
    ck_assert_msg(strcmp(got_hex, want_hex) == 0, "%s: sums hash %s, reference %s", ref_models[_i],
                  got_hex, want_hex);
    infer_destroy(f);
    wl_idx_free(&idx);
    wl_map_destroy(map);
    wl_weights_destroy(w);
    wl_net_destroy(net);
}
END_TEST

/* The next n numbers after "key": in the JSON text (brackets and commas skipped). */
static uint32_t json_doubles(const char *text, const char *key, double *out, uint32_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    uint32_t k = 0;
    while (k < n && *p && *p != '}') {
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            out[k++] = strtod(p, &end);
            p = end;
        } else {
            p++;
        }
    }
    return k;
}

/* With dropout on, the predictive mean (softmax averaged over T = 20 passes) of SpinDrop's
 * LeNet-5 agrees with PyTorch's ("mc_mean_first", the trainer's own masks) within the
 * bound two independent T-sample means of one distribution allow.  For image i, class c,
 * the two means differ by d = m_ns - m_ref, E[d^2] = (v_ns + v_ref) / T ~ 2 v / T, v the
 * per-pass variance, which neuspin's own T passes estimate (unbiased, s^2).  The test
 * sums over 300 images x 10 classes: D = sum d^2 against E = sum 2 s^2 / T, and asks
 * D <= 1.5 E + 0.003.  Measured: D / E = 1.32 with SpinDrop's row masks (the achieved p,
 * 0.0963 on this chip, and the trainer's own estimate of v add to 1); the same model under
 * Spatial-SpinDrop's channel masks gives 1.60 and is refused, so the bound tells the mask
 * granularity the network was trained with.  The 4-decimal rounding of the reference adds
 * at most 3000 x (5e-5)^2 = 7.5e-6. */
START_TEST(test_reference_mc_mean_within_the_sampling_bound)
{
    const char *images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    char *ref = slurp(NS_SOURCE_DIR "/workloads/trained/lenet5-spindrop.ref.json");
    FILE *probe = fopen(images, "rb");
    if (!ref || !probe) {
        printf("reference: skipped the MC check: %s is absent\n",
               !ref ? "workloads/trained/lenet5-spindrop.ref.json" : images);
        if (probe)
            fclose(probe);
        free(ref);
        return;
    }
    fclose(probe);
    enum { N = 300, C = 10, T = 20 };
    static double want[N * C];
    ck_assert_uint_eq(json_doubles(ref, "mc_mean_first", want, N * C), N * C);
    free(ref);

    arch_t arch;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load("spindrop", &arch, &dl), ST_OK);
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    wl_map_t *map = NULL;
    ck_assert_int_eq(
        wl_onnx_load(NS_SOURCE_DIR "/workloads/trained/lenet5-spindrop.onnx", &net, &w, &dl),
        ST_OK);
    ck_assert_int_eq(wl_map_build(net, &arch, 0, &map, &dl), ST_OK);
    wl_idx_t idx;
    char err[512];
    ck_assert_msg(wl_idx_load(images, 3, &idx, err, sizeof err) == ST_OK, "%s", err);
    const uint64_t px = (uint64_t)idx.dims[1] * idx.dims[2];
    infer_t *f = NULL;
    ck_assert_msg(infer_create(&arch, net, map, w, 1, 1, &f, err, sizeof err) == ST_OK, "%s", err);
    double d2 = 0.0, e = 0.0;
    static double lg[T * C];
    for (uint32_t i = 0; i < N; i++) {
        ck_assert_int_eq(infer_image(f, i, idx.data + i * px, T, lg), ST_OK);
        double pr[T][C];
        for (uint32_t t = 0; t < T; t++) {
            double mx = lg[t * C], z = 0.0;
            for (uint32_t c = 1; c < C; c++)
                mx = lg[t * C + c] > mx ? lg[t * C + c] : mx;
            for (uint32_t c = 0; c < C; c++)
                z += (pr[t][c] = exp(lg[t * C + c] - mx));
            for (uint32_t c = 0; c < C; c++)
                pr[t][c] /= z;
        }
        for (uint32_t c = 0; c < C; c++) {
            double m = 0.0, v = 0.0;
            for (uint32_t t = 0; t < T; t++)
                m += pr[t][c] / T;
            for (uint32_t t = 0; t < T; t++)
                v += (pr[t][c] - m) * (pr[t][c] - m) / (T - 1);
            d2 += (m - want[i * C + c]) * (m - want[i * C + c]);
            e += 2.0 * v / T;
        }
    }
    printf("reference: SpinDrop MC mean, sum of squared differences %.6f against %.6f expected\n",
           d2, e);
    ck_assert_msg(d2 <= 1.5 * e + 0.003, "sum d^2 = %g exceeds 1.5 x %g + 0.003", d2, e);
    infer_destroy(f);
    wl_idx_free(&idx);
    wl_map_destroy(map);
    wl_weights_destroy(w);
    wl_net_destroy(net);
}
END_TEST

Suite *reference_suite(void)
{
    Suite *s = suite_create("reference");
    TCase *tc = tcase_create("Core");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_reference_mc_mean_within_the_sampling_bound);
    tcase_add_loop_test(tc, test_reference_every_model_every_image_bit_for_bit, 0,
                        (int)(sizeof ref_models / sizeof ref_models[0]));
    suite_add_tcase(s, tc);
    return s;
}

Suite *infer_suite(void)
{
    Suite *s = suite_create("infer");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_infer_tiny_net_logits_by_hand);
    tcase_add_test(tc, test_infer_padding_rows_are_undriven);
    tcase_add_test(tc, test_infer_sense_amplifier_clips_partial_sums);
    tcase_add_test(tc, test_infer_stuck_cells_read_their_stuck_value);
    tcase_add_test(tc, test_infer_same_seeds_same_logits_in_any_image_order);
    tcase_add_test(tc, test_infer_mean_net_keeps_every_mask);
    tcase_add_loop_test(tc, test_infer_dropout_drops_rows_at_p_within_a_binomial_bound, 0, 2);
    tcase_add_test(tc, test_infer_read_flips_at_the_closed_form_rate);
    tcase_add_test(tc, test_infer_scaledrop_switches_the_scale_per_pass);
    tcase_add_test(tc, test_infer_affine_dropout_draws_gamma_and_beta_apart);
    tcase_add_test(tc, test_infer_subset_vi_samples_the_scale);
    tcase_add_test(tc, test_infer_dropconnect_drops_weights_not_rows);
    tcase_add_test(tc, test_infer_spinbayes_reads_the_picked_copy);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("Errors");
    tcase_add_test(te, test_infer_refuses_avgpool_with_its_name);
    tcase_add_test(te, test_infer_refuses_a_pass_index_past_32_bits);
    tcase_add_test(te, test_infer_refuses_weights_that_do_not_match_the_map);
    tcase_add_test(te, test_infer_create_survives_each_failed_allocation);
    suite_add_tcase(s, te);
    TCase *tr = tcase_create("Reference");
    tcase_add_test(tr, test_infer_lenet5_matches_the_reference_bit_for_bit);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {infer_suite, reference_suite};
    return ns_check_run(suites, 2);
}
