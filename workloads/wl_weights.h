/* wl_weights.h - the trained parameters of a network, for functional inference: binary
 * weights bit-packed in the mapper's row order, and each crossbar layer's output stage.
 *
 * Loaded with the network from an ONNX file (wl_onnx.h; the graph convention is
 * docs/onnx.md).  Layer i of a wl_weights_t belongs to layer i of the wl_net_t loaded
 * with it; pool and add layers have rows = cols = 0 and no arrays.
 *
 * Numbers (one crossbar layer, one output channel c, one input vector):
 *   x_r  in {-1, +1} or undriven      input of word-line pair r (rows on the zero padding
 *                                     and dropped rows are undriven: they add nothing)
 *   w_rc in {-1, +1}                  the weight, bit (r, c) of w: 1 = +1, 0 = -1
 *   a_c  = sum over driven r of x_r w_rc            (what the XNOR/popcount computes)
 *   t_c  = stage(a_c)                               (the scheme's stage, below)
 *   v_c  = bn_scale[c] * t_c + bn_bias[c]           (batch norm folded)
 *   hidden layer (act SIGN): output +1 when v_c >= 0, else -1
 *   last layer   (act NONE): v_c is logit c
 * Row order: a conv's row r = (kh * k + kw) * cin + ci (wl_map.h); an fc's row r is the
 * flattened input in PyTorch's order, r = (ci * hin + ih) * win + iw.
 * Inverted dropout (a kept input scaled by 1 / (1 - p) in training) is folded into
 * bn_scale of the layer the dropout feeds, so the hardware adds unscaled +-1 products.
 *
 * Stages (stage):
 *   WL_STAGE_NONE      t = a
 *   WL_STAGE_SCALE     ScaleDrop: t = a * (dropped ? 1 : alpha[c]); one scalar mask per
 *                      layer and pass (scale modulation, not zeroing: docs/onnx.md)
 *   WL_STAGE_AFFINE    Affine Dropout: t = a * (g dropped ? 1 : gamma[c])
 *                                          + (b dropped ? 0 : beta[c]); two scalar masks
 *   WL_STAGE_SCALE_VI  subset VI: t = a * (alpha[c] + alpha_sd[c] * eps_c), eps_c from the
 *                      pass's sample_bits random bits of channel c:
 *                      eps = (ones - n/2) / sqrt(n/4), n = sample_bits
 * SpinBayes: `copies` weight sets (posterior samples), the arbiter picks one per pass. */
#ifndef NS_WL_WEIGHTS_H
#define NS_WL_WEIGHTS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WL_ACT_SIGN = 0, WL_ACT_NONE } wl_act_t;

typedef enum { WL_STAGE_NONE = 0, WL_STAGE_SCALE, WL_STAGE_AFFINE, WL_STAGE_SCALE_VI } wl_stage_t;

typedef struct wl_layer_w {
    uint32_t rows, cols;  /* the layer's matrix (conv: k*k*cin x cout; fc: inputs x cout);
                             0 for pool/add */
    uint32_t row_words;   /* ceil(rows / 64) */
    uint32_t copies;      /* weight sets: 1, or k posterior samples (SpinBayes) */
    uint64_t *w;          /* copies x cols x row_words words: bit r % 64 of
                             w[(copy * cols + c) * row_words + r / 64] is w_rc (1 = +1);
                             bits past rows are 0 */
    uint32_t act;         /* wl_act_t */
    uint32_t stage;       /* wl_stage_t */
    uint32_t sample_bits; /* WL_STAGE_SCALE_VI: random bits per channel sample */
    double *bn_scale;     /* [cols] */
    double *bn_bias;      /* [cols] */
    double *alpha;        /* [cols] SCALE: scale vector; SCALE_VI: its mean; else NULL */
    double *alpha_sd;     /* [cols] SCALE_VI: its standard deviation; else NULL */
    double *gamma, *beta; /* [cols] AFFINE; else NULL */
} wl_layer_w_t;

typedef struct wl_weights {
    uint32_t n_layers;
    wl_layer_w_t *layers; /* owned, one per net layer */
    double in_thresh;     /* network input x in [0, 1] (pixel / 255) binarised to +1 when
                             x >= in_thresh, else -1 */
    uint32_t classes;     /* outputs of the last layer */
    char scheme[32];      /* what it was trained for (metadata neuspin.scheme), e.g.
                             "spindrop"; "" when not given */
    double ref_accuracy;  /* the trainer's own test accuracy (metadata), -1 when not given */
} wl_weights_t;

void wl_weights_destroy(wl_weights_t *w); /* NULL is a no-op; frees every array */

/* Weight w_rc of copy `copy` as +1 or -1 (tests and slow paths). */
static inline int wl_weight(const wl_layer_w_t *l, uint32_t copy, uint32_t r, uint32_t c)
{
    const uint64_t word = l->w[((uint64_t)copy * l->cols + c) * l->row_words + r / 64u];
    return (int)((word >> (r % 64u)) & 1u) ? 1 : -1;
}

#ifdef __cplusplus
}
#endif
#endif
