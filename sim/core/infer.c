/* infer.c - functional inference: the mapped tiles compute (infer.h; docs/function.md).
 *
 * Activations are bit-packed end to end: every layer's output is a bit vector in HWC order
 * (bit (h * W + w) * C + c), so the cin rows of one kernel position are cin consecutive
 * bits and a kernel row's in-image rows one bit-range copy.  A layer's input vectors (the
 * im2col rows, 64 to a word) are packed once per pass, or once per image when the layer's
 * input does not change between passes; a layer with no randomness of its own whose input
 * does not change between passes (LeNet-5's first conv with its pool, any layer of the
 * mean network) runs once per image and its pass counters are replayed.  When no read
 * step can clip and the slices of a copy partition every column's rows, a column's sum is
 * 2 M - N over the whole vector (fn_match_cols: XNOR/popcount of all columns in one
 * call); otherwise every slice and read step is converted as the sense amplifier does.
 * A hidden layer's sign is a comparison of the integer sum with an interval found at
 * creation by evaluating its batch norm at every reachable sum. */
#include "infer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "arb.h"
#include "base/bits.h"
#include "base/status.h"
#include "dmask.h"
#include "drng.h"
#include "fn.h"
#include "wl_prog.h"

/* Philox stream tags of the non-idealities (xored into the key's high word), apart from
 * the dropout modules' and the arbiter's. */
#define INFER_TAG_STUCK 0x57AC4F17u /* device seed: stuck-at cells */
#define INFER_TAG_READ 0x4EADF11Du  /* mask seed: per-read flips */
#define INFER_LAYER_MIX 0x9E3779B9u /* layer -> key low word (a bijection for one seed) */

typedef struct infer_layer {
    const wl_layer_t *l;
    const wl_layer_map_t *m;
    const wl_layer_w_t *lw;
    uint32_t mvm;   /* 1: conv/fc */
    uint32_t out_n; /* output elements */
    uint64_t *ob;   /* output activations, bit-packed HWC: bit (v * cout + c) */
    uint32_t src_c; /* shape of the activations read (producer's output or network input) */
    uint32_t src_hw;
    uint64_t *xs;      /* n_vec x row_words: the packed input vectors */
    uint64_t *ins;     /* n_vec x row_words: rows of vector v inside the image (not padding) */
    uint32_t *nin;     /* n_vec: popcount of ins */
    uint32_t *seg;     /* conv: n_vec x k (row, input bit, bits) copies that pack a vector */
    uint32_t part;     /* every copy's slices partition [0, rows) for each of its columns */
    uint32_t *blo;     /* hidden layer: [4][cols] the sums a with sign +1 are those with */
    uint32_t *bsp;     /* (uint32) (a - blo) <= bsp, per keep variant keep_a + 2 keep_b (an
                          empty set: blo = rows + 1, bsp = 0); NULL: evaluate the batch norm */
    uint32_t stat;     /* this image: the output is the same in every pass */
    uint32_t in_stat;  /* this image: the input is the same in every pass */
    infer_stats_t st0; /* counters of the layer's pass 0 (a static layer replays them) */
    uint32_t rows, cols, row_words, n_vec;
    uint32_t copies; /* physical crossbar copies (map) */
    uint32_t cpw;    /* cell columns per weight column in a slice (SpinBayes), else 1 */
    uint64_t *w;     /* copies x cols x row_words: the weights as the cells read them */
    uint64_t *wt;    /* the same word-major, per copy (fn_cols_layout), for fn_match_cols */
    uint32_t *sc;    /* per slice (all copies): first and end weight column, 2 each */
    fn_step_t *stp;  /* per copy, nstp each: its conversions in f->nd's order */
    uint32_t nstp;
    uint32_t
        steps;    /* read steps of a copy (the most of any): sum of ceil(rows / max_active_rows) */
    drng_t *drng; /* dropout modules (sto VECTOR / PASS), else NULL */
    arb_t *arb;   /* SpinBayes arbiter, else NULL */
    dmask_geom_t geom; /* row expansion of a per-pass draw */
    dmask_gran_t dgran;
    uint64_t *units; /* a draw's mask: ceil(units / 64) words */
    uint64_t *vm;    /* per-vector draws (sto VECTOR): n_vec x row_words row masks */
    uint64_t *wmask; /* DropConnect: cols x row_words kept-weight masks of the pass */
    double *eps;     /* subset VI: the pass's eps per column */
    uint32_t pick;   /* crossbar copy of the pass */
    uint32_t keep_a; /* ScaleDrop's scale, Affine's gamma kept this pass */
    uint32_t keep_b; /* Affine's beta kept this pass */
} infer_layer_t;

struct infer {
    const arch_t *arch;
    const wl_net_t *net;
    uint64_t device_seed, mask_seed;
    uint32_t n_layers, classes, T, mean_net;
    infer_layer_t *layers;
    uint64_t *ib;                /* binarised network input, bit-packed HWC */
    uint8_t bin[256];            /* pixel value -> input bit */
    uint64_t *drv, *dcol, *flip; /* max row_words each */
    uint32_t *mc;                /* max cols: match counts of one vector */
    uint32_t *flip_pos;          /* max rows */
    uint32_t *nd;                /* driven rows per read step of the vector: max steps */
    int32_t *sums;               /* max cols */
    int32_t *last_sums;          /* classes */
    double log1m_pflip;          /* ln(1 - P_flip); 0 when reads are ideal */
    uint32_t psum_bits, max_active;
    uint32_t exact;   /* 2^psum_bits - 1 >= max_active_rows: no read step can clip */
    act_counts_t acc; /* the cost the draws report, unused here */
    infer_stats_t st;
};

static uint32_t words_of(uint64_t bits)
{
    return (uint32_t)((bits + 63) / 64);
}

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errn, int st,
                                                      const char *fmt, ...)
{
    if (err && errn) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errn, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Sets the effective weights of layer L: each physical copy j holds the trained copy j
 * (or copy 0 when one set was trained), with the chip's stuck cells pinned. */
static void place_weights(infer_t *f, uint32_t li, infer_layer_t *L)
{
    const wl_layer_w_t *lw = L->lw;
    const arch_variation_t *v = &f->arch->variation;
    const int stuck = v->stuck_p_rate > 0.0 || v->stuck_ap_rate > 0.0;
    const uint32_t k0 = (uint32_t)f->device_seed ^ (li * INFER_LAYER_MIX);
    const uint32_t k1 = (uint32_t)(f->device_seed >> 32) ^ INFER_TAG_STUCK;
    for (uint32_t j = 0; j < L->copies; j++) {
        const uint32_t src = lw->copies == 1 ? 0 : j;
        for (uint32_t c = 0; c < L->cols; c++) {
            uint64_t *dst = L->w + ((uint64_t)j * L->cols + c) * L->row_words;
            memcpy(dst, lw->w + ((uint64_t)src * L->cols + c) * L->row_words,
                   (size_t)L->row_words * sizeof *dst);
            if (!stuck)
                continue;
            for (uint32_t r = 0; r < L->rows; r += 4) {
                uint32_t u[4];
                drng_philox(k0, k1, r / 4, c, j, 0, u);
                for (uint32_t q = 0; q < 4 && r + q < L->rows; q++) {
                    const uint32_t rr = r + q;
                    const fn_stuck_t s = fn_stuck_state(u[q], v->stuck_p_rate, v->stuck_ap_rate);
                    if (s == FN_STUCK_NONE)
                        continue;
                    f->st.stuck_cells++;
                    if (s == FN_STUCK_P)
                        dst[rr / 64] |= 1ull << (rr % 64);
                    else
                        dst[rr / 64] &= ~(1ull << (rr % 64));
                }
            }
        }
    }
}

/* Checks layer i of the map and weights against the net; fills L's geometry. */
static int check_layer(const wl_net_t *net, const wl_map_t *map, const wl_weights_t *w, uint32_t i,
                       infer_layer_t *L, char *err, size_t errn)
{
    const wl_layer_t *l = &net->layers[i];
    const wl_layer_map_t *m = &map->layers[i];
    const wl_layer_w_t *lw = &w->layers[i];
    L->l = l;
    L->m = m;
    L->lw = lw;
    L->out_n = (uint32_t)wl_layer_out_elems(l);
    if (l->kind == WL_AVGPOOL || l->kind == WL_ADD)
        return fail(err, errn, ST_EINVAL,
                    "layer '%s': the functional model computes conv, fc and maxpool layers only "
                    "(binary activations have no average or residual sum)",
                    l->name);
    if (l->input >= (int32_t)i)
        return fail(err, errn, ST_EINVAL, "layer '%s': its input is not an earlier layer", l->name);
    const wl_layer_t *pr = l->input < 0 ? NULL : &net->layers[l->input];
    L->src_c = pr ? pr->cout : net->in_c;
    L->src_hw = pr ? pr->hout * pr->wout : net->in_h * net->in_w;
    if ((uint64_t)L->src_c * L->src_hw != wl_layer_in_elems(l) ||
        (l->kind != WL_FC && (L->src_c != l->cin || L->src_hw != l->hin * l->win)) ||
        (l->kind == WL_MAXPOOL && l->cout != l->cin))
        return fail(err, errn, ST_EINVAL, "layer '%s': its input shape does not match its producer",
                    l->name);
    if (l->kind == WL_MAXPOOL)
        return ST_OK;
    L->mvm = 1;
    const uint64_t rows = l->kind == WL_FC ? wl_layer_in_elems(l) : (uint64_t)l->k * l->k * l->cin;
    L->n_vec = l->kind == WL_FC ? 1 : l->hout * l->wout;
    if (m->rows != rows || m->cols != l->cout || m->n_mvm != L->n_vec || m->copies == 0 ||
        m->slices_per_copy == 0 || (uint64_t)m->copies * m->slices_per_copy > m->n_slices)
        return fail(err, errn, ST_EINVAL, "layer '%s': the map does not match the network",
                    l->name);
    if (lw->rows != m->rows || lw->cols != m->cols || lw->row_words != words_of(m->rows) ||
        !lw->w || !lw->bn_scale || !lw->bn_bias || (lw->copies != 1 && lw->copies != m->copies))
        return fail(err, errn, ST_EINVAL,
                    "layer '%s': its weights do not match the mapped layer (rows, columns or "
                    "copies)",
                    l->name);
    if ((lw->stage == WL_STAGE_SCALE && !lw->alpha) ||
        (lw->stage == WL_STAGE_SCALE_VI && (!lw->alpha || !lw->alpha_sd)) ||
        (lw->stage == WL_STAGE_AFFINE && (!lw->gamma || !lw->beta)) ||
        lw->stage > WL_STAGE_SCALE_VI)
        return fail(err, errn, ST_EINVAL, "layer '%s': its stage lacks its parameters", l->name);
    const int last = i + 1 == net->n_layers;
    if ((lw->act == WL_ACT_NONE) != last)
        return fail(err, errn, ST_EINVAL,
                    last ? "layer '%s': the last layer must output its values (act none)"
                         : "layer '%s': a hidden layer must binarise its output (act sign)",
                    l->name);
    L->rows = m->rows;
    L->cols = m->cols;
    L->row_words = lw->row_words;
    L->copies = m->copies;
    /* cell columns per weight column: a copy's slices cover rows x cols x cpw cells */
    uint64_t cells = 0;
    for (uint32_t s = 0; s < m->slices_per_copy; s++)
        cells += (uint64_t)m->slices[s].rows * m->slices[s].cols;
    const uint64_t wc = (uint64_t)m->rows * m->cols;
    if (cells % wc)
        return fail(err, errn, ST_EINVAL, "layer '%s': its slices do not tile its matrix", l->name);
    L->cpw = (uint32_t)(cells / wc);
    for (uint32_t s = 0; s < m->copies * m->slices_per_copy; s++) {
        const wl_slice_t *sl = &m->slices[s];
        if ((uint64_t)sl->row_off + sl->rows > m->rows || sl->col_off % L->cpw ||
            sl->cols % L->cpw || (uint64_t)sl->col_off + sl->cols > (uint64_t)m->cols * L->cpw)
            return fail(err, errn, ST_EINVAL, "layer '%s': a slice lies outside its matrix",
                        l->name);
    }
    return ST_OK;
}

/* The weight-column range of every slice and the read steps of one copy. */
static int slice_tables(infer_layer_t *L, uint32_t max_active)
{
    const wl_layer_map_t *m = L->m;
    const uint32_t n = m->copies * m->slices_per_copy;
    if (!(L->sc = st_malloc((uint64_t)n * 2 * sizeof *L->sc)))
        return ST_ENOMEM;
    for (uint32_t s = 0; s < n; s++) {
        L->sc[2 * s] = m->slices[s].col_off / L->cpw;
        L->sc[2 * s + 1] = L->sc[2 * s] + m->slices[s].cols / L->cpw;
    }
    uint64_t steps = 0; /* the most of any copy */
    for (uint32_t j = 0; j < m->copies; j++) {
        uint64_t n_j = 0;
        for (uint32_t s = j * m->slices_per_copy; s < (j + 1) * m->slices_per_copy; s++)
            n_j += (m->slices[s].rows + (uint64_t)max_active - 1) / max_active;
        steps = n_j > steps ? n_j : steps;
    }
    if (steps > UINT32_MAX)
        return ST_ERANGE;
    L->steps = (uint32_t)steps;
    return ST_OK;
}

/* The conversions of each copy for fn_step_sums, in the order run_mvm counts f->nd: per
 * slice, one (exact) or one per read step of at most max_active rows. */
static int step_tables(infer_layer_t *L, uint32_t exact, uint32_t max_active)
{
    const wl_layer_map_t *m = L->m;
    L->nstp = exact ? m->slices_per_copy : L->steps;
    if (!(L->stp = st_calloc((uint64_t)L->copies * L->nstp, sizeof *L->stp)))
        return ST_ENOMEM;
    for (uint32_t j = 0; j < L->copies; j++) {
        fn_step_t *o = L->stp + (uint64_t)j * L->nstp;
        for (uint32_t s = j * m->slices_per_copy; s < (j + 1) * m->slices_per_copy; s++) {
            const uint32_t lo0 = m->slices[s].row_off, end = lo0 + m->slices[s].rows;
            const uint32_t step = exact ? m->slices[s].rows : max_active;
            for (uint32_t lo = lo0; lo < end; lo += step) {
                const uint32_t hi = end - lo > step ? lo + step : end;
                o->k0 = lo / 64;
                o->k1 = (hi - 1) / 64;
                o->m0 = ~0ull << (lo % 64);
                o->m1 = hi % 64 ? (1ull << (hi % 64)) - 1 : ~0ull;
                if (o->k0 == o->k1)
                    o->m0 = o->m1 = o->m0 & o->m1;
                o->c0 = L->sc[2 * s];
                o->c1 = L->sc[2 * s + 1];
                o++;
            }
        }
    }
    return ST_OK;
}

/* Rows of each input vector that fall inside the image (geometry alone), and their count. */
static int vector_tables(infer_layer_t *L)
{
    const wl_layer_t *l = L->l;
    const uint64_t n = (uint64_t)L->n_vec * L->row_words;
    if (!(L->xs = st_calloc(n, sizeof *L->xs)) || !(L->ins = st_calloc(n, sizeof *L->ins)) ||
        !(L->nin = st_calloc(L->n_vec, sizeof *L->nin)))
        return ST_ENOMEM;
    if (l->kind != WL_FC) {
        if ((uint64_t)l->cin * l->hin * l->win > UINT32_MAX)
            return ST_ERANGE;
        if (!(L->seg = st_calloc((uint64_t)L->n_vec * l->k * 3, sizeof *L->seg)))
            return ST_ENOMEM;
    }
    for (uint32_t v = 0; v < L->n_vec; v++) {
        uint64_t *in = L->ins + (uint64_t)v * L->row_words;
        if (l->kind == WL_FC) {
            bits_set(in, 0, L->rows);
        } else {
            /* kernel row kh reads input row ih, columns iw0 + kw0 .. iw0 + kw1 - 1: its
             * rows (kh k + kw0) cin .. are those pixels' consecutive HWC bits */
            const uint32_t oh = v / l->wout, ow = v % l->wout;
            const int64_t iw0 = (int64_t)ow * l->stride - l->pad;
            const uint32_t kw0 = iw0 < 0 ? (uint32_t)-iw0 : 0;
            const int64_t past = iw0 + l->k - (int64_t)l->win; /* columns beyond the image */
            const uint32_t kw1 = past > 0 ? (past >= l->k ? 0 : l->k - (uint32_t)past) : l->k;
            for (uint32_t kh = 0; kh < l->k && kw0 < kw1; kh++) {
                const int64_t ih = (int64_t)oh * l->stride + kh - l->pad;
                if (ih < 0 || ih >= l->hin)
                    continue; /* bits 0: nothing to copy */
                uint32_t *sg = L->seg + ((uint64_t)v * l->k + kh) * 3;
                sg[0] = (kh * l->k + kw0) * l->cin;
                sg[1] = (uint32_t)(((uint64_t)ih * l->win + (uint64_t)(iw0 + kw0)) * l->cin);
                sg[2] = (kw1 - kw0) * l->cin;
                bits_set(in, sg[0], sg[2]);
            }
        }
        L->nin[v] = fn_driven_count(in, 0, L->rows);
    }
    return ST_OK;
}

/* Whether the slices of every copy partition [0, rows) for each column they cover (then an
 * exact read's sum is one 2 M - N over the whole vector).  A rows-bit scratch per column. */
static int slices_partition(const infer_layer_t *L, int *out)
{
    const wl_layer_map_t *m = L->m;
    uint64_t *seen = st_calloc(L->row_words, sizeof *seen);
    if (!seen)
        return ST_ENOMEM;
    *out = 1;
    for (uint32_t j = 0; j < L->copies && *out; j++) {
        const uint32_t s0 = j * m->slices_per_copy, s1 = s0 + m->slices_per_copy;
        for (uint32_t c = 0; c < L->cols && *out; c++) {
            memset(seen, 0, L->row_words * sizeof *seen);
            uint64_t covered = 0;
            for (uint32_t s = s0; s < s1 && *out; s++) {
                if (c < L->sc[2 * s] || c >= L->sc[2 * s + 1])
                    continue;
                const wl_slice_t *sl = &m->slices[s];
                if (bits_count(seen, sl->row_off, sl->rows) != 0)
                    *out = 0; /* two slices of one copy read a row of c twice */
                bits_set(seen, sl->row_off, sl->rows);
                covered += sl->rows;
            }
            if (covered != L->rows)
                *out = 0;
        }
    }
    free(seen);
    return ST_OK;
}

/* The stage, batch norm of column c for the integer sum a (infer.h; the one expression both
 * the interval tables and the per-value path evaluate). */
static double stage_value(const wl_layer_w_t *lw, uint32_t c, int32_t a, uint32_t keep_a,
                          uint32_t keep_b, const double *eps)
{
    double t = a;
    switch (lw->stage) {
    case WL_STAGE_SCALE:
        t *= keep_a ? lw->alpha[c] : 1.0;
        break;
    case WL_STAGE_AFFINE:
        t = t * (keep_a ? lw->gamma[c] : 1.0) + (keep_b ? lw->beta[c] : 0.0);
        break;
    case WL_STAGE_SCALE_VI:
        t *= lw->alpha[c] + lw->alpha_sd[c] * (eps ? eps[c] : 0.0);
        break;
    default:
        break;
    }
    return lw->bn_scale[c] * t + lw->bn_bias[c];
}

/* A hidden layer without subset VI's samples: for each keep variant and column, the sums a
 * in [-rows, rows] (every reachable one) whose value is >= 0, when they form one interval
 * [lo, hi]: stored as blo = lo and bsp = hi - lo, so that a is in it exactly when the
 * unsigned a - lo is <= bsp (no branch).  Every a is evaluated, so the comparison equals
 * the value's sign exactly; a column whose set is not an interval (NaN parameters) leaves
 * the tables off and the layer evaluates its values. */
static int sign_tables(infer_layer_t *L)
{
    const wl_layer_w_t *lw = L->lw;
    if (lw->act == WL_ACT_NONE || lw->stage == WL_STAGE_SCALE_VI || L->rows > INT32_MAX / 4)
        return ST_OK;
    if (!(L->blo = st_malloc(4 * (uint64_t)L->cols * sizeof *L->blo)) ||
        !(L->bsp = st_malloc(4 * (uint64_t)L->cols * sizeof *L->bsp)))
        return ST_ENOMEM;
    const int32_t r = (int32_t)L->rows;
    /* the variants the stage tells apart: scale reads keep_a, affine both, none neither */
    const uint32_t nkv = lw->stage == WL_STAGE_AFFINE ? 4 : lw->stage == WL_STAGE_SCALE ? 2 : 1;
    for (uint32_t kv = 0; kv < nkv; kv++)
        for (uint32_t c = 0; c < L->cols; c++) {
            int32_t lo = r + 1, hi = r + 1, a = -r;
            while (a <= r && !(stage_value(lw, c, a, kv & 1u, kv >> 1, NULL) >= 0.0))
                a++;
            if (a <= r) {
                lo = a;
                while (a <= r && stage_value(lw, c, a, kv & 1u, kv >> 1, NULL) >= 0.0)
                    a++;
                hi = a - 1;
                for (; a <= r; a++)
                    if (stage_value(lw, c, a, kv & 1u, kv >> 1, NULL) >= 0.0) {
                        free(L->blo);
                        free(L->bsp);
                        L->blo = L->bsp = NULL;
                        return ST_OK;
                    }
            }
            L->blo[kv * L->cols + c] = (uint32_t)lo;
            L->bsp[kv * L->cols + c] = (uint32_t)(hi - lo);
        }
    for (uint32_t kv = nkv; kv < 4; kv++) {
        memcpy(L->blo + kv * L->cols, L->blo + (kv % nkv) * L->cols, L->cols * sizeof *L->blo);
        memcpy(L->bsp + kv * L->cols, L->bsp + (kv % nkv) * L->cols, L->cols * sizeof *L->bsp);
    }
    return ST_OK;
}

/* Builds layer i's dropout modules or arbiter as the engine does. */
static int build_rng(infer_t *f, const arch_t *arch, const wl_map_t *map, uint32_t i,
                     infer_layer_t *L, char *err, size_t errn)
{
    const wl_layer_map_t *m = L->m;
    const wl_layer_t *l = L->l;
    if (m->sto == WL_STO_NONE)
        return ST_OK;
    if (m->sto == WL_STO_ARBITER) {
        int st = arb_create(&arch->arb, f->mask_seed, i, &L->arb);
        return st ? fail(err, errn, st, "layer '%s': cannot build its arbiter", l->name) : ST_OK;
    }
    wl_prog_layer_t pl;
    wl_prog_layer_build(f->net, map, arch, i, &pl);
    drng_params_t dp = arch->drng;
    if (pl.drng_share)
        dp.share = pl.drng_share;
    if (m->units == 0 || m->units > UINT32_MAX)
        return fail(err, errn, ST_ERANGE, "layer '%s': its dropout units do not fit 32 bits",
                    l->name);
    int st =
        drng_create_chip(&dp, f->device_seed, f->mask_seed, i, (uint32_t)m->units, m->p, &L->drng);
    if (st)
        return fail(err, errn, st, "layer '%s': cannot build its dropout modules", l->name);
    if (!(L->units = st_calloc(words_of(m->units), sizeof(uint64_t))))
        return ST_ENOMEM;
    if (m->sto == WL_STO_VECTOR) {
        if (m->units != L->rows)
            return fail(err, errn, ST_EINVAL,
                        "layer '%s': a per-vector mask must have one unit per row", l->name);
        if (!(L->vm = st_calloc((uint64_t)L->n_vec * L->row_words, sizeof(uint64_t))))
            return ST_ENOMEM;
    }
    L->geom = (dmask_geom_t){l->cin, l->hin, l->win, l->k, l->stride, l->pad, l->wout, m->rows};
    L->dgran = m->gran == WL_GRAN_NEURON    ? DMASK_NEURON
               : m->gran == WL_GRAN_CHANNEL ? DMASK_CHANNEL
                                            : DMASK_ROW;
    if (l->kind == WL_FC)
        L->dgran = DMASK_ROW; /* an fc row is an input neuron */
    if (m->gran == WL_GRAN_WEIGHT) {
        if (m->units != (uint64_t)m->rows * m->cols)
            return fail(err, errn, ST_EINVAL, "layer '%s': a weight mask of the wrong size",
                        l->name);
        if (!(L->wmask = st_calloc((uint64_t)L->cols * L->row_words, sizeof(uint64_t))))
            return ST_ENOMEM;
    }
    if (L->lw->stage == WL_STAGE_SCALE_VI && !(L->eps = st_calloc(L->cols, sizeof(double))))
        return ST_ENOMEM;
    return ST_OK;
}

int infer_create(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                 const wl_weights_t *w, uint64_t device_seed, uint64_t mask_seed, infer_t **out,
                 char *err, size_t errn)
{
    if (err && errn)
        err[0] = '\0';
    if (!arch || !net || !map || !w || !out || net->n_layers == 0)
        return fail(err, errn, ST_EINVAL, "%s", "missing architecture, network, map or weights");
    if (map->n_layers != net->n_layers || w->n_layers != net->n_layers)
        return fail(err, errn, ST_EINVAL, "%s",
                    "the map and the weights must have one entry per network layer");
    if (arch->tile.sa.psum_bits < 1 || arch->tile.sa.psum_bits > 31 ||
        arch->tile.xbar.max_active_rows < 1)
        return fail(err, errn, ST_EINVAL, "%s", "senseamp.psum_bits or xbar.max_active_rows");
    infer_t *f = st_calloc(1, sizeof *f);
    if (!f)
        return ST_ENOMEM;
    f->arch = arch;
    f->net = net;
    f->device_seed = device_seed;
    f->mask_seed = mask_seed;
    f->n_layers = net->n_layers;
    f->psum_bits = arch->tile.sa.psum_bits;
    f->max_active = arch->tile.xbar.max_active_rows;
    f->exact = (1u << f->psum_bits) - 1 >= f->max_active;
    int st = ST_ENOMEM;
    uint32_t max_words = 1, max_rows = 1, max_cols = 1, max_steps = 1;
    if (!(f->layers = st_calloc(net->n_layers, sizeof *f->layers)))
        goto fail_all;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        infer_layer_t *L = &f->layers[i];
        if ((st = check_layer(net, map, w, i, L, err, errn)) != ST_OK)
            goto fail_all;
        st = ST_ENOMEM;
        if (!(L->ob = st_calloc(words_of(L->out_n ? L->out_n : 1), sizeof *L->ob)))
            goto fail_all;
        if (!L->mvm)
            continue;
        if (L->row_words > max_words)
            max_words = L->row_words;
        if (L->rows > max_rows)
            max_rows = L->rows;
        if (L->cols > max_cols)
            max_cols = L->cols;
        if ((st = slice_tables(L, f->max_active)) != ST_OK)
            goto fail_all;
        st = ST_ENOMEM;
        if (L->steps + L->m->slices_per_copy > max_steps) /* per step, or per slice */
            max_steps = L->steps + L->m->slices_per_copy;
        if (!(L->w = st_malloc((uint64_t)L->copies * L->cols * L->row_words * sizeof(uint64_t))))
            goto fail_all;
        place_weights(f, i, L);
        const uint64_t wt_n = (uint64_t)L->row_words * fn_cols_pad(L->cols);
        if (!(L->wt = st_malloc(L->copies * wt_n * sizeof *L->wt)))
            goto fail_all;
        for (uint32_t j = 0; j < L->copies; j++)
            fn_cols_layout(L->w + (uint64_t)j * L->cols * L->row_words, L->row_words, L->cols,
                           L->wt + j * wt_n);
        int part = 0;
        if ((st = vector_tables(L)) != ST_OK || (st = slices_partition(L, &part)) != ST_OK ||
            (st = sign_tables(L)) != ST_OK || (st = step_tables(L, f->exact, f->max_active)))
            goto fail_all;
        L->part = (uint32_t)part;
        if ((st = build_rng(f, arch, map, i, L, err, errn)) != ST_OK)
            goto fail_all;
    }
    const infer_layer_t *last = &f->layers[net->n_layers - 1];
    st = ST_EINVAL;
    if (!last->mvm || last->cols != w->classes || w->classes == 0 || last->n_vec != 1) {
        fail(err, errn, st,
             "layer '%s': the last layer must be a conv or fc layer with one "
             "column per class",
             last->l->name);
        goto fail_all;
    }
    f->classes = w->classes;
    st = ST_ENOMEM;
    const uint64_t in_n = (uint64_t)net->in_c * net->in_h * net->in_w;
    if (!(f->ib = st_calloc(words_of(in_n ? in_n : 1), sizeof(uint64_t))) ||
        !(f->mc = st_calloc(max_cols, sizeof(uint32_t))) ||
        !(f->drv = st_calloc(max_words, sizeof(uint64_t))) ||
        !(f->dcol = st_calloc(max_words, sizeof(uint64_t))) ||
        !(f->flip = st_calloc(max_words, sizeof(uint64_t))) ||
        !(f->flip_pos = st_calloc(max_rows, sizeof(uint32_t))) ||
        !(f->nd = st_calloc(max_steps, sizeof(uint32_t))) ||
        !(f->sums = st_calloc(max_cols, sizeof(int32_t))) ||
        !(f->last_sums = st_calloc(f->classes, sizeof(int32_t))))
        goto fail_all;
    for (unsigned v = 0; v < 256; v++)
        f->bin[v] = (double)v / 255.0 >= w->in_thresh;
    const double pf = fn_read_flip_p(arch->tile.xbar.tmr, arch->variation.r_sigma_rel);
    f->log1m_pflip = pf > 0.0 ? log1p(-pf) : 0.0;
    *out = f;
    return ST_OK;
fail_all:
    infer_destroy(f);
    return st;
}

void infer_destroy(infer_t *f)
{
    if (!f)
        return;
    if (f->layers) {
        for (uint32_t i = 0; i < f->n_layers; i++) {
            infer_layer_t *L = &f->layers[i];
            free(L->ob);
            free(L->xs);
            free(L->ins);
            free(L->nin);
            free(L->seg);
            free(L->blo);
            free(L->bsp);
            free(L->w);
            free(L->wt);
            free(L->sc);
            free(L->stp);
            drng_destroy(L->drng);
            arb_destroy(L->arb);
            free(L->units);
            free(L->vm);
            free(L->wmask);
            free(L->eps);
        }
    }
    free(f->layers);
    free(f->ib);
    free(f->mc);
    free(f->drv);
    free(f->dcol);
    free(f->flip);
    free(f->flip_pos);
    free(f->nd);
    free(f->sums);
    free(f->last_sums);
    free(f);
}

void infer_set_mean_net(infer_t *f, int on)
{
    if (f)
        f->mean_net = on != 0;
}

const int32_t *infer_last_sums(const infer_t *f)
{
    return f ? f->last_sums : NULL;
}

uint32_t infer_classes(const infer_t *f)
{
    return f ? f->classes : 0;
}

const infer_stats_t *infer_stats(const infer_t *f)
{
    return f ? &f->st : NULL;
}

/* The activations layer l reads (bit-packed HWC): its producer's output, or the network
 * input. */
static const uint64_t *input_of(const infer_t *f, const wl_layer_t *l)
{
    return l->input < 0 ? f->ib : f->layers[l->input].ob;
}

/* The pass's set-up of layer i: the copy, the unit mask, DropConnect's weight masks, the
 * scalar masks and subset VI's samples. */
static int layer_setup(infer_t *f, uint32_t i, uint32_t pass)
{
    infer_layer_t *L = &f->layers[i];
    const wl_layer_map_t *m = L->m;
    uint64_t cyc;
    L->pick = 0;
    L->keep_a = L->keep_b = 1;
    if (L->eps)
        memset(L->eps, 0, L->cols * sizeof *L->eps);
    if (f->mean_net)
        return ST_OK;
    if (L->arb) {
        int st = arb_draw(L->arb, pass, &L->pick, &cyc, &f->acc);
        if (st)
            return st;
        if (L->pick >= L->copies)
            return ST_ERANGE;
        return ST_OK;
    }
    if (!L->drng || m->sto != WL_STO_PASS)
        return ST_OK;
    int st = drng_draw(L->drng, pass, 0, L->units, &cyc, &f->acc, NULL);
    if (st)
        return st;
    if (m->gran == WL_GRAN_WEIGHT) {
        /* unit r * cols + c (row-major) gates weight (r, c) */
        memset(L->wmask, 0, (size_t)L->cols * L->row_words * sizeof *L->wmask);
        for (uint32_t r = 0; r < L->rows; r++)
            for (uint32_t c = 0; c < L->cols; c++) {
                const uint64_t u = (uint64_t)r * L->cols + c;
                if (L->units[u / 64] >> (u % 64) & 1u)
                    L->wmask[(uint64_t)c * L->row_words + r / 64] |= 1ull << (r % 64);
            }
    } else if (m->gran == WL_GRAN_SCALAR) {
        const uint32_t stage = L->lw->stage;
        if (stage == WL_STAGE_SCALE || stage == WL_STAGE_AFFINE) {
            L->keep_a = (uint32_t)(L->units[0] & 1u);
            L->keep_b = m->units >= 2 ? (uint32_t)(L->units[0] >> 1 & 1u) : L->keep_a;
        } else if (stage == WL_STAGE_SCALE_VI && m->units >= L->cols) {
            const uint32_t n = (uint32_t)(m->units / L->cols); /* sample bits per channel */
            for (uint32_t c = 0; c < L->cols; c++) {
                uint32_t ones = 0;
                for (uint32_t b = 0; b < n; b++) {
                    const uint64_t u = (uint64_t)c * n + b;
                    ones += (uint32_t)(L->units[u / 64] >> (u % 64) & 1u);
                }
                L->eps[c] = fn_vi_eps(ones, n);
            }
        }
    }
    return ST_OK;
}

/* Packs input vector v of conv layer L from the bit-packed HWC vector `in` into x (rows on
 * the padding: 0; they are never driven): one bit-range copy per kernel row (L->seg).  The
 * neuron units of a dropout mask share the layout (unit (ih * win + iw) * cin + c), so
 * the same copies expand a unit mask into vector v's row mask (dmask_rows ANDed with the
 * in-image rows). */
static void pack_one(const infer_layer_t *L, const uint64_t *in, uint32_t v, uint64_t *x)
{
    memset(x, 0, L->row_words * sizeof *x);
    const uint32_t *sg = L->seg + (uint64_t)v * L->l->k * 3;
    for (uint32_t kh = 0; kh < L->l->k; kh++, sg += 3) {
        uint64_t dst = sg[0], src = sg[1];
        for (uint32_t n = sg[2]; n;) { /* x is clear: OR in */
            const unsigned take = n < 64 ? n : 64, s = (unsigned)(dst % 64);
            const uint64_t b = bits_get(in, src, take);
            x[dst / 64] |= b << s;
            if (s && s + take > 64)
                x[dst / 64 + 1] |= b >> (64 - s);
            dst += take;
            src += take;
            n -= take;
        }
    }
}

/* Packs every input vector of layer L into L->xs.  An fc row r = c * HW + p (CHW) is bit
 * p * C + c of its HWC input: one copy when C or HW is 1, else a gather. */
static void pack_vectors(const infer_t *f, infer_layer_t *L)
{
    const wl_layer_t *l = L->l;
    const uint64_t *in = input_of(f, l);
    if (l->kind != WL_FC) {
        for (uint32_t v = 0; v < L->n_vec; v++)
            pack_one(L, in, v, L->xs + (uint64_t)v * L->row_words);
        return;
    }
    uint64_t *x = L->xs;
    memset(x, 0, L->row_words * sizeof *x);
    if (L->src_c == 1 || L->src_hw == 1) {
        bits_copy(x, 0, in, 0, L->rows);
        return;
    }
    uint32_t r = 0;
    uint64_t word = 0;
    for (uint32_t c = 0; c < L->src_c; c++)
        for (uint64_t b = c; b < (uint64_t)L->src_hw * L->src_c; b += L->src_c, r++) {
            word |= (in[b / 64] >> (b % 64) & 1u) << (r % 64);
            if (r % 64 == 63) { /* a register word, stored when full */
                x[r / 64] = word;
                word = 0;
            }
        }
    if (r % 64)
        x[r / 64] = word;
}

/* Marks in f->flip the cells of column c of layer li, vector v, whose read flips this
 * pass (only driven cells count); returns how many bits it set (listed in flip_pos). */
static uint32_t draw_flips(infer_t *f, uint32_t li, const infer_layer_t *L, uint32_t pass,
                           uint32_t v, uint32_t c, const uint64_t *driven)
{
    const uint32_t k0 = (uint32_t)f->mask_seed ^ (li * INFER_LAYER_MIX);
    const uint32_t k1 = (uint32_t)(f->mask_seed >> 32) ^ INFER_TAG_READ;
    uint32_t n = 0, call = 0, lane = 4, u[4];
    uint64_t pos = 0;
    for (;;) {
        if (lane == 4) {
            drng_philox(k0, k1, call++, c, v, pass, u);
            lane = 0;
        }
        pos += fn_geom_gap(u[lane++], f->log1m_pflip);
        if (pos >= L->rows)
            break;
        const uint32_t r = (uint32_t)pos++;
        if (driven[r / 64] >> (r % 64) & 1u) {
            f->flip[r / 64] |= 1ull << (r % 64);
            f->flip_pos[n++] = r;
        }
    }
    f->st.read_errors += n;
    return n;
}

/* Writes vector v's outputs: a hidden layer's signs (bits v * cols .. + cols - 1), or the
 * last layer's logits and sums. */
static void layer_output(infer_t *f, infer_layer_t *L, uint32_t v, int last, double *logits)
{
    const wl_layer_w_t *lw = L->lw;
    const uint32_t cols = L->cols;
    if (last) {
        for (uint32_t c = 0; c < cols; c++) {
            logits[c] = stage_value(lw, c, f->sums[c], L->keep_a, L->keep_b, L->eps);
            f->last_sums[c] = f->sums[c];
        }
        return;
    }
    const uint32_t kv = L->keep_a + 2 * L->keep_b;
    for (uint32_t c0 = 0; c0 < cols; c0 += 64) {
        const uint32_t n = cols - c0 < 64 ? cols - c0 : 64;
        const int32_t *a = f->sums + c0;
        uint64_t word = 0;
        if (L->blo) {
            const uint32_t *lo = L->blo + kv * cols + c0, *sp = L->bsp + kv * cols + c0;
            uint32_t j = 0;
#ifdef __SSE2__
            /* 16 columns a step: a - lo >u sp as a signed compare of both xor 2^31, the
             * four masks narrowed to bytes and their signs gathered (the x86-64 baseline) */
            const __m128i bias = _mm_set1_epi32(INT32_MIN);
            for (; j + 16 <= n; j += 16) {
                __m128i g[4];
                for (uint32_t q = 0; q < 4; q++) {
                    const __m128i d =
                        _mm_sub_epi32(_mm_loadu_si128((const __m128i *)(a + j + 4 * q)),
                                      _mm_loadu_si128((const __m128i *)(lo + j + 4 * q)));
                    g[q] = _mm_cmpgt_epi32(
                        _mm_xor_si128(d, bias),
                        _mm_xor_si128(_mm_loadu_si128((const __m128i *)(sp + j + 4 * q)), bias));
                }
                const int gt = _mm_movemask_epi8(
                    _mm_packs_epi16(_mm_packs_epi32(g[0], g[1]), _mm_packs_epi32(g[2], g[3])));
                word |= (uint64_t)(~(uint32_t)gt & 0xFFFFu) << j;
            }
#endif
            for (; j < n; j++)
                word |= (uint64_t)((uint32_t)a[j] - lo[j] <= sp[j]) << j;
        } else {
            for (uint32_t j = 0; j < n; j++)
                word |=
                    (uint64_t)(stage_value(lw, c0 + j, a[j], L->keep_a, L->keep_b, L->eps) >= 0.0)
                    << j;
        }
        bits_put(L->ob, (uint64_t)v * cols + c0, n, word);
    }
}

/* One MVM layer, one pass (its vectors packed in L->xs). */
static int run_mvm(infer_t *f, uint32_t li, uint32_t pass, double *logits)
{
    infer_layer_t *L = &f->layers[li];
    const wl_layer_map_t *m = L->m;
    const wl_slice_t *sl = m->slices + (uint64_t)L->pick * m->slices_per_copy;
    const int rowmask =
        !f->mean_net && L->drng &&
        (m->sto == WL_STO_VECTOR || (m->gran != WL_GRAN_WEIGHT && m->gran != WL_GRAN_SCALAR));
    const int wmask = !f->mean_net && L->wmask;
    const int flips = f->log1m_pflip < 0.0;
    const int last = li + 1 == f->n_layers;
    const int whole = f->exact && L->part && !wmask && !flips; /* one 2 M - N per column */
    const uint32_t rw = L->row_words;
    const uint64_t *wpick = L->w + (uint64_t)L->pick * L->cols * rw;
    if (rowmask && m->sto == WL_STO_VECTOR) { /* every vector's draw at once */
        uint64_t cyc;
        int st = drng_draw_many(L->drng, pass, 0, L->n_vec, L->vm, rw, &cyc, &f->acc, NULL);
        if (st)
            return st;
    }
    for (uint32_t v = 0; v < L->n_vec; v++) {
        const uint64_t *x = L->xs + (uint64_t)v * rw;
        const uint64_t *driven = L->ins + (uint64_t)v * rw;
        uint32_t n_driven = L->nin[v];
        if (rowmask) { /* a padded row is never driven */
            if (m->sto == WL_STO_VECTOR) {
                const uint64_t *vm = L->vm + (uint64_t)v * rw;
                for (uint32_t k = 0; k < rw; k++)
                    f->drv[k] = vm[k] & driven[k];
            } else if (L->dgran == DMASK_NEURON && L->l->kind != WL_FC) {
                pack_one(L, L->units, v, f->drv); /* copies in-image rows only */
            } else {
                dmask_rows(&L->geom, L->dgran, L->units, v, f->drv);
                for (uint32_t k = 0; k < rw; k++)
                    f->drv[k] &= driven[k];
            }
            const uint32_t kept = fn_driven_count(f->drv, 0, L->rows);
            f->st.rows_dropped += n_driven - kept;
            n_driven = kept;
            driven = f->drv;
        }
        f->st.rows_driven += n_driven;
        if (whole) {
            fn_match_cols(x, driven, L->wt + (uint64_t)L->pick * rw * fn_cols_pad(L->cols), rw,
                          L->cols, f->mc);
            for (uint32_t c = 0; c < L->cols; c++)
                f->sums[c] = 2 * (int32_t)f->mc[c] - (int32_t)n_driven;
            layer_output(f, L, v, last, logits);
            continue;
        }
        /* Driven rows per read step (per slice when no step can clip: then the steps'
         * exact counts add up to the slice's, read at once), the same for every column. */
        if (!wmask) {
            uint32_t k = 0;
            for (uint32_t s = 0; s < m->slices_per_copy; s++) {
                const uint32_t end = sl[s].row_off + sl[s].rows;
                if (f->exact) {
                    f->nd[k++] = fn_driven_count(driven, sl[s].row_off, end);
                    continue;
                }
                for (uint32_t lo = sl[s].row_off; lo < end; lo += f->max_active)
                    f->nd[k++] = fn_driven_count(
                        driven, lo, end - lo > f->max_active ? lo + f->max_active : end);
            }
        }
        if (!wmask && !flips) { /* every conversion of every column in one call */
            fn_step_sums(x, driven, L->wt + (uint64_t)L->pick * rw * fn_cols_pad(L->cols), rw,
                         L->cols, L->stp + (uint64_t)L->pick * L->nstp, f->nd, L->nstp,
                         f->exact ? UINT32_MAX : (1u << f->psum_bits) - 1, f->sums,
                         &f->st.psum_clipped);
            layer_output(f, L, v, last, logits);
            continue;
        }
        const uint32_t *sc = L->sc + 2 * (uint64_t)L->pick * m->slices_per_copy;
        for (uint32_t c = 0; c < L->cols; c++) {
            const uint64_t *wc = wpick + (uint64_t)c * rw;
            const uint64_t *dc = driven;
            if (wmask) {
                const uint64_t *km = L->wmask + (uint64_t)c * rw;
                for (uint32_t k = 0; k < rw; k++)
                    f->dcol[k] = driven[k] & km[k];
                dc = f->dcol;
            }
            const uint32_t nflip = flips ? draw_flips(f, li, L, pass, v, c, dc) : 0;
            const uint64_t *fl = nflip ? f->flip : NULL;
            int32_t a = 0;
            uint32_t k = 0; /* index into f->nd */
            for (uint32_t s = 0; s < m->slices_per_copy; s++) {
                const uint32_t end = sl[s].row_off + sl[s].rows;
                const uint32_t n_k =
                    f->exact ? 1 : (sl[s].rows + f->max_active - 1) / f->max_active;
                if (c < sc[2 * s] || c >= sc[2 * s + 1]) {
                    k += n_k;
                    continue;
                }
                if (f->exact) { /* sum of the exact steps: 2 m - n over the slice */
                    const uint32_t mc = fn_match_count(x, wc, dc, fl, sl[s].row_off, end);
                    const uint32_t nd = wmask ? fn_driven_count(dc, sl[s].row_off, end) : f->nd[k];
                    a += fn_psum(mc, nd);
                    k++;
                    continue;
                }
                /* read steps of at most max_active_rows pairs, one conversion each */
                for (uint32_t lo = sl[s].row_off; lo < end; lo += f->max_active, k++) {
                    const uint32_t hi = end - lo > f->max_active ? lo + f->max_active : end;
                    const uint32_t mc = fn_match_count(x, wc, dc, fl, lo, hi);
                    const uint32_t nd = wmask ? fn_driven_count(dc, lo, hi) : f->nd[k];
                    a += fn_psum(fn_quantise(mc, f->psum_bits, &f->st.psum_clipped), nd);
                }
            }
            for (uint32_t q = 0; q < nflip; q++)
                f->flip[f->flip_pos[q] / 64] = 0;
            f->sums[c] = a;
        }
        layer_output(f, L, v, last, logits);
    }
    return ST_OK;
}

/* Max pooling over +-1: an output is +1 when any input of its window is +1; on HWC bits,
 * the OR of the window pixels' channel ranges, 64 channels at a time. */
static void run_pool(infer_t *f, const infer_layer_t *L)
{
    const wl_layer_t *l = L->l;
    const uint64_t *in = input_of(f, l);
    const uint32_t C = l->cin;
    for (uint32_t oh = 0; oh < l->hout; oh++)
        for (uint32_t ow = 0; ow < l->wout; ow++)
            for (uint32_t c0 = 0; c0 < C; c0 += 64) {
                const unsigned n = C - c0 < 64 ? C - c0 : 64;
                uint64_t any = 0;
                for (uint32_t kh = 0; kh < l->k; kh++) {
                    const int64_t ih = (int64_t)oh * l->stride + kh - l->pad;
                    if (ih < 0 || ih >= l->hin)
                        continue;
                    for (uint32_t kw = 0; kw < l->k; kw++) {
                        const int64_t iw = (int64_t)ow * l->stride + kw - l->pad;
                        if (iw >= 0 && iw < l->win)
                            any |= bits_get(in, ((uint64_t)ih * l->win + iw) * C + c0, n);
                    }
                }
                bits_put(L->ob, ((uint64_t)oh * l->wout + ow) * C + c0, n, any);
            }
}

/* This image's static flags: a layer is static when it draws nothing (no dropout module,
 * arbiter or read flips; the mean network draws nothing but flips) and its input is. */
static void mark_static(infer_t *f)
{
    const int flips = f->log1m_pflip < 0.0;
    for (uint32_t i = 0; i < f->n_layers; i++) {
        infer_layer_t *L = &f->layers[i];
        const int32_t src = L->l->input;
        L->in_stat = src < 0 ? 1u : f->layers[src].stat;
        const int draws = L->mvm && (flips || (!f->mean_net && (L->drng || L->arb)));
        L->stat = L->in_stat && !draws;
    }
}

/* to += a - b over the per-pass counters */
static void stats_add(infer_stats_t *to, const infer_stats_t *a, const infer_stats_t *b)
{
    to->psum_clipped += a->psum_clipped - b->psum_clipped;
    to->read_errors += a->read_errors - b->read_errors;
    to->rows_dropped += a->rows_dropped - b->rows_dropped;
    to->rows_driven += a->rows_driven - b->rows_driven;
}

int infer_image(infer_t *f, uint64_t image, const uint8_t *pixels, uint32_t T, double *logits)
{
    if (!f || !pixels || !logits || T == 0)
        return ST_EINVAL;
    if (image > (UINT32_MAX - (uint64_t)(T - 1)) / T)
        return ST_EINVAL; /* the pass index image * T + t would pass 2^32 */
    const uint32_t C = f->net->in_c, HW = f->net->in_h * f->net->in_w;
    memset(f->ib, 0, words_of((uint64_t)C * HW) * sizeof *f->ib);
    for (uint32_t c = 0; c < C; c++) /* CHW bytes to HWC bits */
        for (uint32_t p = 0; p < HW; p++) {
            const uint64_t b = (uint64_t)p * C + c;
            f->ib[b / 64] |= (uint64_t)f->bin[pixels[(uint64_t)c * HW + p]] << (b % 64);
        }
    mark_static(f);
    const infer_stats_t zero = {0};
    for (uint32_t t = 0; t < T; t++) {
        const uint32_t pass = (uint32_t)(image * T + t);
        double *lg = logits + (uint64_t)t * f->classes;
        for (uint32_t i = 0; i < f->n_layers; i++) {
            infer_layer_t *L = &f->layers[i];
            if (L->stat && t > 0) { /* the same output as pass 0: replay its counters */
                stats_add(&f->st, &L->st0, &zero);
                if (i + 1 == f->n_layers)
                    memcpy(lg, logits, f->classes * sizeof *lg);
                continue;
            }
            if (!L->mvm) {
                run_pool(f, L);
                continue;
            }
            const infer_stats_t before = f->st;
            int st = layer_setup(f, i, pass);
            if (st == ST_OK) {
                if (t == 0 || !L->in_stat)
                    pack_vectors(f, L);
                st = run_mvm(f, i, pass, lg);
            }
            if (st)
                return st;
            if (L->stat) {
                L->st0 = zero;
                stats_add(&L->st0, &f->st, &before);
            }
        }
    }
    return ST_OK;
}
