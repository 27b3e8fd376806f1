/* wl_prog.c - the operation program of each layer (see wl_prog.h): the one place where a
 * layer's sequence of operations is written down. */
#include "wl_prog.h"

#include <stdlib.h>
#include <string.h>

#include "base/status.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* Opens a step on res; the operations that follow belong to it. */
static void step(wl_prog_layer_t *pl, uint32_t res, int overlap)
{
    const unsigned k = (unsigned)pl->n_setup + pl->n_body;
    SIM_ASSERT(k < WL_PROG_MAX_STEPS);
    pl->steps[k] = (wl_step_t){(uint8_t)res, (uint8_t)overlap, pl->n_ops, 0, 0};
    pl->n_body++; /* the set-up count is fixed when its phase closes */
}

/* Adds an operation to the open step. */
static void op(wl_prog_layer_t *pl, uint32_t kind, uint32_t flags, uint64_t n, uint32_t arg)
{
    const unsigned k = (unsigned)pl->n_setup + pl->n_body;
    SIM_ASSERT(k > 0 && pl->n_ops < WL_PROG_MAX_OPS);
    pl->ops[pl->n_ops++] = (wl_op_t){(uint8_t)kind, (uint8_t)flags, 0, arg, 0, 1, n};
    pl->steps[k - 1].n_ops++;
}

/* Adds an MVM over slices [slice, slice + count). */
static void mvm(wl_prog_layer_t *pl, uint32_t flags, uint32_t slice, uint32_t count, uint64_t wcols,
                uint32_t cell_mtjs)
{
    op(pl, WL_OP_MVM, flags, wcols, cell_mtjs);
    pl->ops[pl->n_ops - 1].slice = slice;
    pl->ops[pl->n_ops - 1].count = count;
}

/* Bits of set-up data a crossbar layer keeps in the periphery: its thresholds (with
 * ScaleDrop's threshold form, both sets) and its scale vector or gamma/beta. */
static uint64_t setup_bits(const wl_layer_map_t *m, const arch_t *a)
{
    return (uint64_t)m->cols * a->periph.thresh_bits + m->sram_bits;
}

/* Whether layer i's set-up data stays resident: the threshold registers are given out in
 * network order, a layer getting them when its share fits in what is left. */
static int resident(const wl_map_t *map, const arch_t *a, uint32_t i)
{
    uint64_t used = 0;
    for (uint32_t j = 0; j <= i; j++) {
        const wl_layer_map_t *m = &map->layers[j];
        if (m->rows == 0)
            continue;
        const uint64_t need = setup_bits(m, a);
        if (used + need <= a->periph.resident_bits) {
            used += need;
            if (j == i)
                return 1;
        }
    }
    return 0;
}

/* A crossbar layer: set-up once per pass (or its loads once per image when resident), then
 * per input vector the fetch (with the mask draw or expansion alongside), the tiles, the
 * periphery chain and the write-back. */
static void build_mvm(const wl_layer_t *l, const wl_layer_map_t *m, const arch_t *a, int keep,
                      wl_prog_layer_t *pl)
{
    const uint32_t thresh_bits = a ? a->periph.thresh_bits : 0;
    const uint32_t scale_mtjs = a ? a->bayes.mtjs_per_cell : 0;

    /* set-up: thresholds (a scale-buffer word per output) and the scheme's scale vector or
     * gamma/beta; the per-pass randomness; subset VI's scale crossbar and sampling.
     * ScaleDrop's threshold form draws first and reads the selected threshold set. */
    if (keep) {
        /* resident: both threshold sets and the scales, loaded in the first pass only */
        step(pl, WL_RES_SCALE_BUF, 0);
        pl->steps[pl->n_body - 1].once = 1;
        op(pl, WL_OP_READ, 0, (uint64_t)m->cols * thresh_bits, 0);
        if (m->sram_bits)
            op(pl, WL_OP_READ, 0, m->sram_bits, 0);
        if (m->alt_thresh) { /* the pass's mask bit selects a resident set */
            step(pl, WL_RES_DRNG, 0);
            op(pl, WL_OP_DRAW, WL_OPF_OUT_UNITS, m->units, 0);
        }
    } else if (m->alt_thresh) {
        /* ScaleDrop's threshold form: the pass's mask bit first, then the one threshold
         * set it selects (the scale is folded into the thresholds) */
        step(pl, WL_RES_DRNG, 0);
        op(pl, WL_OP_DRAW, WL_OPF_OUT_UNITS, m->units, 0);
        step(pl, WL_RES_SCALE_BUF, 0);
        op(pl, WL_OP_READ, 0, (uint64_t)m->cols * thresh_bits, 0);
    } else {
        step(pl, WL_RES_SCALE_BUF, 0);
        op(pl, WL_OP_READ, 0, (uint64_t)m->cols * thresh_bits, 0);
        if (m->sram_bits)
            op(pl, WL_OP_READ, 0, m->sram_bits, 0);
    }
    if (m->sto == WL_STO_PASS && !m->alt_thresh) {
        step(pl, WL_RES_DRNG, 0);
        op(pl, WL_OP_DRAW, WL_OPF_OUT_UNITS, m->units, 0);
    } else if (m->sto == WL_STO_ARBITER) {
        step(pl, WL_RES_ARB, 0);
        op(pl, WL_OP_SELECT, 0, 0, 0);
    }
    if (m->n_extra) {
        step(pl, WL_RES_TILES, 0);
        mvm(pl, 0, m->copies * m->slices_per_copy, m->n_extra, 0, scale_mtjs);
        step(pl, WL_RES_PERIPH, 0);
        op(pl, WL_OP_SAMPLE, 0, m->cols, 0);
    }
    /* the line buffer (docs/timing.md, "Line buffer"): a conv layer whose K input rows
     * (cin x win x k bits) fit in gbuf.line_bits streams each input bit from the global
     * buffer once per pass, floor(in / items) bits per vector and the remainder at set-up,
     * and reads every window (its rows bits) from the line buffer; otherwise each vector
     * re-reads its whole window from the global buffer. */
    uint64_t fetch = m->rows, window = 0;
    if (l->kind == WL_CONV && l->k > 1 && a && m->n_mvm > 0) {
        const uint64_t lines = (uint64_t)l->cin * l->win * l->k;
        const uint64_t in = (uint64_t)l->cin * l->hin * l->win;
        if (lines <= a->gbuf.line_bits && in / m->n_mvm > 0) {
            fetch = in / m->n_mvm;
            window = m->rows;
            pl->line_buf = 1;
            if (in % m->n_mvm) {
                step(pl, WL_RES_GBUF, 0);
                op(pl, WL_OP_READ, 0, in % m->n_mvm, 0);
            }
        }
    }
    pl->n_setup = pl->n_body;
    pl->n_body = 0;

    /* one input vector */
    uint32_t in = 0;
    if (m->sto == WL_STO_VECTOR) {
        step(pl, WL_RES_DRNG, 1);
        op(pl, WL_OP_DRAW, WL_OPF_OUT_ROWS, m->units, 0);
        in = WL_OPF_IN_ROWS;
    } else if (m->sto == WL_STO_PASS && m->gran != WL_GRAN_WEIGHT && m->gran != WL_GRAN_SCALAR) {
        step(pl, WL_RES_DRNG, 1);
        op(pl, WL_OP_EXPAND, WL_OPF_OUT_ROWS | WL_OPF_IN_UNITS, m->units, 0);
        in = WL_OPF_IN_ROWS;
    } else if (m->sto == WL_STO_PASS && m->gran == WL_GRAN_WEIGHT) {
        in = WL_OPF_IN_UNITS;
    }
    if (m->sto == WL_STO_ARBITER)
        in |= WL_OPF_PICKED;
    step(pl, WL_RES_GBUF, 0);
    op(pl, WL_OP_READ, 0, fetch, (uint32_t)window);
    step(pl, WL_RES_TILES, 0);
    mvm(pl, in, 0, m->slices_per_copy, m->cols, m->cell_mtjs);
    step(pl, WL_RES_PERIPH, 0);
    if (m->n_psum > 1)
        op(pl, WL_OP_REDUCE, 0, m->cols, m->n_psum);
    if (m->post != WL_POST_NONE)
        op(pl, m->post == WL_POST_SCALE ? WL_OP_SCALE : WL_OP_NORM, 0, m->cols, 0);
    op(pl, WL_OP_ACTIVATE, 0, m->cols, 0);
    step(pl, WL_RES_GBUF, 0);
    op(pl, WL_OP_WRITE, 0, m->cols, 0);

    pl->items = m->n_mvm;
    pl->copy_slices = m->slices_per_copy;
    if (m->sto == WL_STO_PASS && m->drng_modules > 0)
        pl->drng_share = (uint32_t)((m->units + m->drng_modules - 1) / m->drng_modules);
    pl->p = m->p;
}

/* A pooling or residual-add layer, per output row: read its inputs (an add both operand
 * rows, a pool its k input rows: overlapping windows are read again), the periphery's
 * operation, the write-back. */
static void build_other(const wl_layer_t *l, wl_prog_layer_t *pl)
{
    const uint64_t out = (uint64_t)l->cout * l->wout;
    const uint64_t in = l->kind == WL_ADD ? 2 * out : (uint64_t)l->cin * l->k * l->win;
    step(pl, WL_RES_GBUF, 0);
    op(pl, WL_OP_READ, 0, in, 0);
    step(pl, WL_RES_PERIPH, 0);
    if (l->kind == WL_ADD)
        op(pl, WL_OP_ADD, 0, out, 0);
    else
        op(pl, WL_OP_POOL, 0, out, l->k * l->k);
    step(pl, WL_RES_GBUF, 0);
    op(pl, WL_OP_WRITE, 0, out, 0);
    pl->items = l->hout;
}

void wl_prog_layer_build(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t i,
                         wl_prog_layer_t *out)
{
    const wl_layer_t *l = &net->layers[i];
    memset(out, 0, sizeof *out);
    if (wl_layer_is_mvm(l))
        build_mvm(l, &map->layers[i], arch, arch ? resident(map, arch, i) : 0, out);
    else
        build_other(l, out);
    out->rows = l->kind == WL_FC ? 1 : l->hout;
    out->row_items = out->rows ? out->items / out->rows : 0;
    out->dep = l->kind == WL_FC ? WL_DEP_ALL : l->kind == WL_ADD ? WL_DEP_ROW : WL_DEP_WINDOW;
    out->dep_stride = l->stride;
    out->dep_k = l->k;
    out->dep_pad = l->pad;
    out->dep_hin = l->hin;
    out->src[0] = l->input;
    out->src[1] = l->kind == WL_ADD ? l->from : -1;
}

uint32_t wl_prog_prefix(const wl_net_t *net, const wl_map_t *map, const arch_t *arch,
                        uint64_t *held_bits)
{
    const uint32_t n = net->n_layers;
    uint32_t prefix = 0;
    uint64_t held = 0;
    if (arch && arch->reuse_prefix) {
        while (prefix < n && map->layers[prefix].sto == WL_STO_NONE)
            prefix++;
        if (prefix == n)
            prefix = 0; /* nothing Bayesian: every pass would be the same; keep them all */
        for (uint32_t i = 0; i < prefix; i++) {
            int used_later = 0;
            for (uint32_t j = prefix; j < n; j++)
                used_later |=
                    net->layers[j].input == (int32_t)i || net->layers[j].from == (int32_t)i;
            if (used_later)
                held += wl_layer_out_elems(&net->layers[i]);
        }
    }
    if (held_bits)
        *held_bits = held;
    return prefix;
}

int wl_prog_build(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, wl_prog_t **out)
{
    if (!net || !map || !arch || !out || map->n_layers != net->n_layers)
        return ST_EINVAL;
    wl_prog_t *p = st_calloc(1, sizeof *p);
    if (!p)
        return ST_ENOMEM;
    p->layers = st_calloc(net->n_layers ? net->n_layers : 1, sizeof *p->layers);
    if (!p->layers) {
        free(p);
        return ST_ENOMEM;
    }
    p->n_layers = net->n_layers;
    for (uint32_t i = 0; i < net->n_layers; i++)
        wl_prog_layer_build(net, map, arch, i, &p->layers[i]);
    p->prefix = wl_prog_prefix(net, map, arch, &p->held_bits);
    *out = p;
    return ST_OK;
}

void wl_prog_destroy(wl_prog_t *p)
{
    if (!p)
        return;
    free(p->layers);
    free(p);
}

uint32_t wl_prog_rows_needed(const wl_prog_layer_t *pl, uint32_t row)
{
    if (pl->dep == WL_DEP_ALL)
        return WL_PROG_ALL_ROWS;
    if (pl->dep == WL_DEP_ROW)
        return row + 1;
    const uint64_t last = (uint64_t)row * pl->dep_stride + pl->dep_k; /* one past, unpadded */
    const uint64_t need = last > pl->dep_pad ? last - pl->dep_pad : 0;
    return (uint32_t)(need < pl->dep_hin ? need : pl->dep_hin);
}

uint64_t wl_prog_layer_transactions(const wl_prog_layer_t *pl)
{
    uint64_t setup = 0, body = 0;
    for (unsigned s = 0; s < (unsigned)pl->n_setup + pl->n_body; s++) {
        const wl_step_t *st = &pl->steps[s];
        uint64_t n = 0;
        for (unsigned k = st->first; k < (unsigned)st->first + st->n_ops; k++)
            n = add_sat(n, pl->ops[k].count);
        if (s < pl->n_setup)
            setup = add_sat(setup, n);
        else
            body = add_sat(body, n);
    }
    return add_sat(setup, mul_sat(body, pl->items));
}

uint64_t wl_prog_layer_steps(const wl_prog_layer_t *pl)
{
    return add_sat(pl->n_setup, mul_sat(pl->n_body, pl->items));
}

int wl_prog_uses(const wl_prog_layer_t *pl, uint32_t res)
{
    for (uint32_t k = 0; k < (uint32_t)pl->n_setup + pl->n_body; k++)
        if (pl->steps[k].res == res)
            return 1;
    return 0;
}

uint32_t wl_prog_passes(const wl_prog_t *p, uint32_t i, uint32_t T)
{
    return i < p->prefix && T > 0 ? 1 : T;
}

const char *wl_op_name(uint32_t kind)
{
    static const char *const names[WL_OP_COUNT] = {"read",   "write",  "mvm",   "draw", "expand",
                                                   "select", "reduce", "scale", "norm", "activate",
                                                   "sample", "pool",   "add"};
    return kind < WL_OP_COUNT ? names[kind] : "?";
}

const char *wl_res_name(uint32_t res)
{
    static const char *const names[WL_RES_COUNT] = {"gbuf",  "periph", "scale_buf",
                                                    "tiles", "drng",   "arb"};
    return res < WL_RES_COUNT ? names[res] : "?";
}
