/* infer.c - functional inference: the mapped tiles compute (infer.h; docs/function.md).
 *
 * Activations are held one byte per element (1 = +1, 0 = -1) in CHW order, the order of
 * an fc layer's rows; each input vector is packed into 64-bit words (x, and the in-image
 * mask of the rows that do not fall on the zero padding) before the slices read it. */
#include "infer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arb.h"
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
    uint8_t *out;   /* output activations, CHW */
    uint32_t rows, cols, row_words, n_vec;
    uint32_t copies; /* physical crossbar copies (map) */
    uint32_t cpw;    /* cell columns per weight column in a slice (SpinBayes), else 1 */
    uint64_t *w;     /* copies x cols x row_words: the weights as the cells read them */
    uint32_t *sc;    /* per slice (all copies): first and end weight column, 2 each */
    uint32_t
        steps;    /* read steps of a copy (the most of any): sum of ceil(rows / max_active_rows) */
    drng_t *drng; /* dropout modules (sto VECTOR / PASS), else NULL */
    arb_t *arb;   /* SpinBayes arbiter, else NULL */
    dmask_geom_t geom; /* row expansion of a per-pass draw */
    dmask_gran_t dgran;
    uint64_t *units; /* a draw's mask: ceil(units / 64) words */
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
    uint8_t *input;                          /* binarised network input, CHW */
    uint8_t bin[256];                        /* pixel value -> input bit */
    uint64_t *x, *inimg, *drv, *dcol, *flip; /* max row_words each */
    uint32_t *flip_pos;                      /* max rows */
    uint32_t *nd;       /* driven rows per read step of the vector: max steps */
    int32_t *sums;      /* max cols */
    int32_t *last_sums; /* classes */
    double log1m_pflip; /* ln(1 - P_flip); 0 when reads are ideal */
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
        if (!(L->out = st_calloc(L->out_n ? L->out_n : 1, 1)))
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
    if (!(f->input = st_calloc(in_n ? in_n : 1, 1)) ||
        !(f->x = st_calloc(max_words, sizeof(uint64_t))) ||
        !(f->inimg = st_calloc(max_words, sizeof(uint64_t))) ||
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
            free(L->out);
            free(L->w);
            free(L->sc);
            drng_destroy(L->drng);
            arb_destroy(L->arb);
            free(L->units);
            free(L->wmask);
            free(L->eps);
        }
    }
    free(f->layers);
    free(f->input);
    free(f->x);
    free(f->inimg);
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

/* The activations layer L reads: its producer's output, or the network input. */
static const uint8_t *input_of(const infer_t *f, const wl_layer_t *l)
{
    return l->input < 0 ? f->input : f->layers[l->input].out;
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

/* ORs n activations src[0], src[stride], ... into bits r0 .. r0 + n - 1 of x, a word at a
 * time. */
static void put_bits(uint64_t *x, uint32_t r0, const uint8_t *src, uint64_t stride, uint32_t n)
{
    uint32_t r = r0;
    while (n) {
        const uint32_t b = r % 64, take = 64 - b < n ? 64 - b : n;
        uint64_t word = 0;
        for (uint32_t j = 0; j < take; j++, src += stride)
            word |= (uint64_t)*src << (b + j);
        x[r / 64] |= word;
        r += take;
        n -= take;
    }
}

/* Sets bits [r0, r0 + n) of x. */
static void set_range(uint64_t *x, uint32_t r0, uint32_t n)
{
    while (n) {
        const uint32_t b = r0 % 64, take = 64 - b < n ? 64 - b : n;
        x[r0 / 64] |= (take == 64 ? ~0ull : ((1ull << take) - 1)) << b;
        r0 += take;
        n -= take;
    }
}

/* Packs input vector v of layer L into f->x and f->inimg (rows on the padding: neither). */
static void pack_vector(infer_t *f, const infer_layer_t *L, const uint8_t *in, uint32_t v)
{
    const wl_layer_t *l = L->l;
    memset(f->x, 0, L->row_words * sizeof *f->x);
    memset(f->inimg, 0, L->row_words * sizeof *f->inimg);
    if (l->kind == WL_FC) {
        put_bits(f->x, 0, in, 1, L->rows);
        set_range(f->inimg, 0, L->rows);
        return;
    }
    const uint32_t oh = v / l->wout, ow = v % l->wout;
    const uint64_t plane = (uint64_t)l->hin * l->win;
    for (uint32_t kh = 0; kh < l->k; kh++) {
        const int64_t ih = (int64_t)oh * l->stride + kh - l->pad;
        if (ih < 0 || ih >= l->hin)
            continue;
        if (l->cin == 1) { /* one channel: the kernel row's in-image rows are consecutive */
            const int64_t iw0 = (int64_t)ow * l->stride - l->pad;
            const uint32_t kw0 = iw0 < 0 ? (uint32_t)-iw0 : 0;
            const int64_t past = iw0 + l->k - (int64_t)l->win; /* columns beyond the image */
            const uint32_t kw1 = past > 0 ? l->k - (uint32_t)past : l->k;
            if (kw0 >= kw1)
                continue;
            const uint32_t r = kh * l->k + kw0;
            put_bits(f->x, r, in + (uint64_t)ih * l->win + (uint64_t)(iw0 + kw0), 1, kw1 - kw0);
            set_range(f->inimg, r, kw1 - kw0);
            continue;
        }
        for (uint32_t kw = 0; kw < l->k; kw++) {
            const int64_t iw = (int64_t)ow * l->stride + kw - l->pad;
            if (iw < 0 || iw >= l->win)
                continue;
            const uint32_t r = (kh * l->k + kw) * l->cin;
            put_bits(f->x, r, in + (uint64_t)ih * l->win + (uint64_t)iw, plane, l->cin);
            set_range(f->inimg, r, l->cin);
        }
    }
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

/* One MVM layer, one pass. */
static int run_mvm(infer_t *f, uint32_t li, uint32_t pass, double *logits)
{
    infer_layer_t *L = &f->layers[li];
    const wl_layer_map_t *m = L->m;
    const wl_layer_w_t *lw = L->lw;
    const uint8_t *in = input_of(f, L->l);
    const wl_slice_t *sl = m->slices + (uint64_t)L->pick * m->slices_per_copy;
    const int rowmask =
        !f->mean_net && L->drng &&
        (m->sto == WL_STO_VECTOR || (m->gran != WL_GRAN_WEIGHT && m->gran != WL_GRAN_SCALAR));
    const int wmask = !f->mean_net && L->wmask;
    const int flips = f->log1m_pflip < 0.0;
    const int last = li + 1 == f->n_layers;
    for (uint32_t v = 0; v < L->n_vec; v++) {
        pack_vector(f, L, in, v);
        const uint64_t *driven = f->inimg;
        if (rowmask) {
            uint64_t cyc;
            if (m->sto == WL_STO_VECTOR) {
                int st = drng_draw(L->drng, pass, v, f->drv, &cyc, &f->acc, NULL);
                if (st)
                    return st;
            } else {
                dmask_rows(&L->geom, L->dgran, L->units, v, f->drv);
            }
            uint64_t in_rows = 0, kept = 0;
            for (uint32_t k = 0; k < L->row_words; k++) {
                in_rows += (uint64_t)__builtin_popcountll(f->inimg[k]);
                f->drv[k] &= f->inimg[k]; /* a padded row is never driven */
                kept += (uint64_t)__builtin_popcountll(f->drv[k]);
            }
            f->st.rows_driven += kept;
            f->st.rows_dropped += in_rows - kept;
            driven = f->drv;
        } else {
            for (uint32_t k = 0; k < L->row_words; k++)
                f->st.rows_driven += (uint64_t)__builtin_popcountll(f->inimg[k]);
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
        const uint32_t *sc = L->sc + 2 * (uint64_t)L->pick * m->slices_per_copy;
        for (uint32_t c = 0; c < L->cols; c++) {
            const uint64_t *wc = L->w + ((uint64_t)L->pick * L->cols + c) * L->row_words;
            const uint64_t *dc = driven;
            if (wmask) {
                const uint64_t *km = L->wmask + (uint64_t)c * L->row_words;
                for (uint32_t k = 0; k < L->row_words; k++)
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
                    const uint32_t mc = fn_match_count(f->x, wc, dc, fl, sl[s].row_off, end);
                    const uint32_t nd = wmask ? fn_driven_count(dc, sl[s].row_off, end) : f->nd[k];
                    a += fn_psum(mc, nd);
                    k++;
                    continue;
                }
                /* read steps of at most max_active_rows pairs, one conversion each */
                for (uint32_t lo = sl[s].row_off; lo < end; lo += f->max_active, k++) {
                    const uint32_t hi = end - lo > f->max_active ? lo + f->max_active : end;
                    const uint32_t mc = fn_match_count(f->x, wc, dc, fl, lo, hi);
                    const uint32_t nd = wmask ? fn_driven_count(dc, lo, hi) : f->nd[k];
                    a += fn_psum(fn_quantise(mc, f->psum_bits, &f->st.psum_clipped), nd);
                }
            }
            for (uint32_t q = 0; q < nflip; q++)
                f->flip[f->flip_pos[q] / 64] = 0;
            f->sums[c] = a;
        }
        for (uint32_t c = 0; c < L->cols; c++) {
            double t = f->sums[c];
            switch (lw->stage) {
            case WL_STAGE_SCALE:
                t *= L->keep_a ? lw->alpha[c] : 1.0;
                break;
            case WL_STAGE_AFFINE:
                t = t * (L->keep_a ? lw->gamma[c] : 1.0) + (L->keep_b ? lw->beta[c] : 0.0);
                break;
            case WL_STAGE_SCALE_VI:
                t *= lw->alpha[c] + lw->alpha_sd[c] * (L->eps ? L->eps[c] : 0.0);
                break;
            default:
                break;
            }
            const double val = lw->bn_scale[c] * t + lw->bn_bias[c];
            if (last) {
                logits[c] = val;
                f->last_sums[c] = f->sums[c];
            } else {
                L->out[(uint64_t)c * L->n_vec + v] = val >= 0.0;
            }
        }
    }
    return ST_OK;
}

/* Max pooling over +-1: an output is +1 when any input of its window is +1. */
static void run_pool(infer_t *f, const infer_layer_t *L)
{
    const wl_layer_t *l = L->l;
    const uint8_t *in = input_of(f, l);
    for (uint32_t c = 0; c < l->cout; c++)
        for (uint32_t oh = 0; oh < l->hout; oh++)
            for (uint32_t ow = 0; ow < l->wout; ow++) {
                uint8_t any = 0;
                for (uint32_t kh = 0; kh < l->k && !any; kh++) {
                    const int64_t ih = (int64_t)oh * l->stride + kh - l->pad;
                    if (ih < 0 || ih >= l->hin)
                        continue;
                    for (uint32_t kw = 0; kw < l->k; kw++) {
                        const int64_t iw = (int64_t)ow * l->stride + kw - l->pad;
                        if (iw >= 0 && iw < l->win)
                            any |= in[((uint64_t)c * l->hin + ih) * l->win + iw];
                    }
                }
                L->out[((uint64_t)c * l->hout + oh) * l->wout + ow] = any;
            }
}

int infer_image(infer_t *f, uint64_t image, const uint8_t *pixels, uint32_t T, double *logits)
{
    if (!f || !pixels || !logits || T == 0)
        return ST_EINVAL;
    if (image > (UINT32_MAX - (uint64_t)(T - 1)) / T)
        return ST_EINVAL; /* the pass index image * T + t would pass 2^32 */
    const uint64_t in_n = (uint64_t)f->net->in_c * f->net->in_h * f->net->in_w;
    for (uint64_t k = 0; k < in_n; k++)
        f->input[k] = f->bin[pixels[k]];
    for (uint32_t t = 0; t < T; t++) {
        const uint32_t pass = (uint32_t)(image * T + t);
        for (uint32_t i = 0; i < f->n_layers; i++) {
            const infer_layer_t *L = &f->layers[i];
            if (!L->mvm) {
                run_pool(f, L);
                continue;
            }
            int st = layer_setup(f, i, pass);
            if (st == ST_OK)
                st = run_mvm(f, i, pass, logits + (uint64_t)t * f->classes);
            if (st)
                return st;
        }
    }
    return ST_OK;
}
