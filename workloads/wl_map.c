/* wl_map.c - the mappers of wl_map.h: place each conv/fc layer's weight matrix on tiles.
 *
 * Two passes.  The first counts row groups, column groups and tiles in 64-bit arithmetic
 * and runs every check (dropout hardware, reachable p, tile budget, global-buffer
 * footprint); only when all pass does the second allocate and fill the slice lists, so a
 * workload far too large for the chip never allocates them. */
#include "wl_map.h"

#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

/* Geometry of one layer before any allocation. */
typedef struct layer_plan {
    uint32_t strategy;   /* 1 or 2; 0 for pool/add */
    uint64_t rows;       /* logical rows (word-line pairs) */
    uint64_t cols;       /* logical columns (Cout) */
    uint64_t row_groups;
    uint64_t col_groups;
    uint64_t tiles;      /* row_groups * col_groups */
    uint64_t n_mvm;      /* input vectors per pass: hout * wout (fc: 1) */
    uint64_t first_tile; /* physical index of the layer's first tile */
} layer_plan_t;

static uint64_t div_ceil(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* Row group g of a layer: its first row and row count.  Strategy 1 cuts the row vector
 * into contiguous X-row pieces; strategy 2 cuts each kernel position's Cin rows. */
static void row_group(const wl_layer_t *l, const layer_plan_t *pl, uint32_t x, uint64_t g,
                      uint64_t *off, uint64_t *n)
{
    if (pl->strategy == 2 && l->kind == WL_CONV) {
        uint64_t per_kpos = div_ceil(l->cin, x);
        uint64_t kpos = g / per_kpos, sub = g % per_kpos;
        uint64_t base = sub * x;
        *off = kpos * l->cin + base;
        *n = (l->cin - base < x) ? l->cin - base : x;
    } else {
        *off = g * x;
        *n = (pl->rows - *off < x) ? pl->rows - *off : x;
    }
}

/* Fills pl for layer l; ST_EINVAL when a hand-built layer breaks wl.h's invariants. */
static int plan_layer(const wl_layer_t *l, const arch_t *a, uint32_t strategy,
                      layer_plan_t *pl)
{
    uint32_t x = a->tile.xbar.rows, y = a->tile.xbar.cols;

    memset(pl, 0, sizeof *pl);
    if (!wl_layer_is_mvm(l))
        return ST_OK;
    if (l->cout == 0 || l->cin == 0 || l->mapping > 2)
        return ST_EINVAL;
    if (l->kind == WL_CONV && l->k == 0)
        return ST_EINVAL;
    pl->strategy = l->mapping ? l->mapping : strategy;
    if (l->kind == WL_FC)
        pl->rows = (uint64_t)l->cin * (l->hin ? l->hin : 1) * (l->win ? l->win : 1);
    else
        pl->rows = (uint64_t)l->k * l->k * l->cin;
    pl->cols = l->cout;
    if (pl->strategy == 2 && l->kind == WL_CONV)
        pl->row_groups = (uint64_t)l->k * l->k * div_ceil(l->cin, x);
    else
        pl->row_groups = div_ceil(pl->rows, x);
    pl->col_groups = div_ceil(pl->cols, y);
    pl->tiles = pl->row_groups * pl->col_groups;
    pl->n_mvm = l->kind == WL_FC ? 1 : (uint64_t)l->hout * l->wout;
    return ST_OK;
}

/* Live 1-bit activations while layer i runs: its inputs and output plus every earlier
 * tensor a later layer still reads.  Tensor t + 1 indexes mark[] (0 = network input). */
static uint64_t live_bits(const wl_net_t *net, uint32_t i, const int32_t *last_use,
                          unsigned char *mark)
{
    const wl_layer_t *l = &net->layers[i];
    uint64_t in_net = (uint64_t)net->in_c * net->in_h * net->in_w, sum = 0;

    memset(mark, 0, net->n_layers + 1);
    mark[l->input + 1] = 1;
    if (l->kind == WL_ADD && l->from >= -1)
        mark[l->from + 1] = 1;
    mark[i + 1] = 1;
    for (uint32_t t = 0; t <= i; t++) /* t = tensor index + 1 */
        if (last_use[t] > (int32_t)i)
            mark[t] = 1;
    for (uint32_t t = 0; t <= i + 1; t++) {
        if (!mark[t])
            continue;
        sum += t == 0 ? in_net : wl_layer_out_elems(&net->layers[t - 1]);
    }
    return sum;
}

/* Adds the error about a p no SET current reaches. */
static void report_p_unreachable(const wl_net_t *net, uint32_t i, const arch_t *a,
                                 arch_diag_list_t *dl)
{
    const wl_layer_t *l = &net->layers[i];
    char path[96];
    drng_params_t unbounded = a->drng;
    double need;

    snprintf(path, sizeof path, "layers[%" PRIu32 "].dropout", i);
    unbounded.i_max_ua = DBL_MAX;
    if (drng_current_for_p(&unbounded, l->p, &need) == ST_OK)
        arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                      "dropout probability %g needs a SET current of %.4g uA, more than "
                      "dropout.i_max_ua = %g uA",
                      l->p, need, a->drng.i_max_ua);
    else
        arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                      "dropout probability %g is below what the dropout module gives at zero "
                      "current (dropout.i_max_ua = %g uA)",
                      l->p, a->drng.i_max_ua);
}

/* Fills lm from the plan: slices (row-group major), partial sums, dropout modules. */
static int fill_layer(const wl_layer_t *l, const layer_plan_t *pl, const arch_t *a,
                      wl_layer_map_t *lm)
{
    uint32_t x = a->tile.xbar.rows, y = a->tile.xbar.cols;
    uint32_t share = a->drng.share ? a->drng.share : 1;
    uint64_t psum = 0, modules = 0, s = 0;

    lm->strategy = pl->strategy;
    lm->rows = (uint32_t)pl->rows;
    lm->cols = (uint32_t)pl->cols;
    lm->n_mvm = (uint32_t)pl->n_mvm;
    lm->row_groups = (uint32_t)pl->row_groups;
    lm->col_groups = (uint32_t)pl->col_groups;
    lm->n_slices = (uint32_t)pl->tiles;
    lm->slices = st_calloc(pl->tiles, sizeof *lm->slices);
    if (!lm->slices)
        return ST_ENOMEM;
    for (uint64_t g = 0; g < pl->row_groups; g++) {
        uint64_t off, n;
        row_group(l, pl, x, g, &off, &n);
        psum += xbar_read_steps(&a->tile.xbar, (uint32_t)n);
        modules += div_ceil(n, share);
        for (uint64_t c = 0; c < pl->col_groups; c++, s++) {
            wl_slice_t *sl = &lm->slices[s];
            sl->tile = (uint32_t)(pl->first_tile + s);
            sl->row_off = (uint32_t)off;
            sl->rows = (uint32_t)n;
            sl->col_off = (uint32_t)(c * y);
            sl->cols = (uint32_t)((pl->cols - c * y < y) ? pl->cols - c * y : y);
        }
    }
    lm->n_psum = (uint32_t)psum;
    lm->weight_bits = pl->rows * pl->cols;
    lm->cells_used = 2 * lm->weight_bits;
    lm->cells_alloc = 2 * pl->tiles * x * y;
    lm->drng_modules = l->p > 0 ? (uint32_t)modules : 0;
    return ST_OK;
}

/* Checks that need only the plans; *errs counts the errors added.  ST_EINVAL when the
 * dropout parameters themselves are invalid (an arch_t that skipped arch_check). */
static int check_plans(const wl_net_t *net, const arch_t *a, const layer_plan_t *plans,
                       uint64_t total, unsigned *errs, arch_diag_list_t *dl)
{
    char path[96];

    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        if (!wl_layer_is_mvm(l) || !(l->p > 0))
            continue;
        if (a->dropout_impl == ARCH_DROPOUT_NONE) {
            snprintf(path, sizeof path, "layers[%" PRIu32 "].dropout", i);
            arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                          "the architecture has no dropout hardware (dropout.impl: none)");
            (*errs)++;
        } else {
            double cur;
            int rc = drng_current_for_p(&a->drng, l->p, &cur);
            if (rc == ST_EINVAL)
                return ST_EINVAL;
            if (rc != ST_OK) {
                report_p_unreachable(net, i, a, dl);
                (*errs)++;
            }
        }
    }
    if (total > a->tiles) {
        for (uint32_t i = 0; i < net->n_layers; i++) {
            const layer_plan_t *pl = &plans[i];
            const wl_layer_t *l = &net->layers[i];
            if (pl->tiles == 0 || pl->first_tile + pl->tiles <= a->tiles)
                continue;
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", i);
            arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                          "layer '%s' needs tiles %" PRIu64 "..%" PRIu64
                          " but the architecture has %" PRIu32 " (the workload needs %" PRIu64
                          ", %" PRIu64 " missing)",
                          l->name, pl->first_tile, pl->first_tile + pl->tiles - 1, a->tiles,
                          total, total - a->tiles);
            (*errs)++;
            break;
        }
    }
    return ST_OK;
}

/* Peak live activation footprint and the layer where it occurs.  ST_ENOMEM or ST_OK. */
static int gbuf_peak(const wl_net_t *net, uint64_t *peak, uint32_t *at)
{
    uint32_t n = net->n_layers;
    int32_t *last_use = st_malloc((unsigned long)(n + 1) * sizeof *last_use);
    unsigned char *mark = st_malloc(n + 1);
    int rc = ST_ENOMEM;

    if (!last_use || !mark)
        goto out_free;
    for (uint32_t t = 0; t <= n; t++)
        last_use[t] = -1;
    for (uint32_t m = 0; m < n; m++) {
        const wl_layer_t *l = &net->layers[m];
        last_use[l->input + 1] = (int32_t)m;
        if (l->kind == WL_ADD && l->from >= -1)
            last_use[l->from + 1] = (int32_t)m;
    }
    *peak = 0;
    *at = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t b = live_bits(net, i, last_use, mark);
        if (b > *peak) {
            *peak = b;
            *at = i;
        }
    }
    rc = ST_OK;
out_free:
    free(mark);
    free(last_use);
    return rc;
}

/* Rejects hand-built nets whose layer references break wl.h (a caller bug, not input). */
static int net_is_sane(const wl_net_t *net)
{
    if (!net || !net->layers || net->n_layers == 0)
        return 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        if (l->kind > WL_ADD || l->input < -1 || l->input >= (int32_t)i)
            return 0;
        if (l->kind == WL_ADD && (l->from < -1 || l->from >= (int32_t)i))
            return 0;
    }
    return 1;
}

int wl_map_build(const wl_net_t *net, const arch_t *arch, uint32_t strategy, wl_map_t **out,
                 arch_diag_list_t *dl)
{
    layer_plan_t *plans = NULL;
    wl_map_t *m = NULL;
    uint64_t total = 0, used = 0, alloc = 0, peak = 0;
    uint32_t peak_at = 0, i;
    uint32_t eff;
    int rc;

    if (!net_is_sane(net) || !arch || !out || strategy > 2)
        return ST_EINVAL;
    eff = strategy ? strategy : arch->mapping;
    if (eff < 1 || eff > 2 || arch->tile.xbar.rows == 0 || arch->tile.xbar.cols == 0)
        return ST_EINVAL;

    plans = st_calloc(net->n_layers, sizeof *plans);
    if (!plans)
        return ST_ENOMEM;
    for (i = 0; i < net->n_layers; i++) {
        rc = plan_layer(&net->layers[i], arch, eff, &plans[i]);
        if (rc != ST_OK)
            goto err_plans;
        if (plans[i].rows > UINT32_MAX || plans[i].n_mvm > UINT32_MAX) {
            const wl_layer_t *l = &net->layers[i];
            char path[96];
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", i);
            arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                          "layer '%s' has %" PRIu64 " input rows and %" PRIu64
                          " output positions; at most %" PRIu32 " of each fit",
                          l->name, plans[i].rows, plans[i].n_mvm, UINT32_MAX);
            rc = ST_ECONFIG;
            goto err_plans;
        }
        plans[i].first_tile = total;
        total += plans[i].tiles;
    }

    rc = gbuf_peak(net, &peak, &peak_at);
    if (rc != ST_OK)
        goto err_plans;
    {
        unsigned errs = 0;
        uint64_t cap;
        rc = check_plans(net, arch, plans, total, &errs, dl);
        if (rc != ST_OK)
            goto err_plans;
        cap = sbuf_capacity_bits(&arch->gbuf);
        if (peak > cap) {
            const wl_layer_t *l = &net->layers[peak_at];
            char path[96];
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", peak_at);
            arch_diag_add(dl, net->source, l->line, l->col, path, NULL,
                          "live activations at layer '%s' need %" PRIu64
                          " bits, more than the global buffer's %" PRIu64
                          " bits (gbuf.words x gbuf.word_bits)",
                          l->name, peak, cap);
            errs++;
        }
        if (errs) {
            rc = ST_ECONFIG;
            goto err_plans;
        }
    }

    rc = ST_ENOMEM;
    m = st_calloc(1, sizeof *m);
    if (!m)
        goto err_plans;
    m->layers = st_calloc(net->n_layers, sizeof *m->layers);
    if (!m->layers)
        goto err_map;
    m->n_layers = net->n_layers;
    for (i = 0; i < net->n_layers; i++) {
        if (plans[i].tiles == 0)
            continue;
        rc = fill_layer(&net->layers[i], &plans[i], arch, &m->layers[i]);
        if (rc != ST_OK)
            goto err_map;
        used += m->layers[i].cells_used;
        alloc += m->layers[i].cells_alloc;
    }
    m->tiles_used = (uint32_t)total;
    m->tiles_total = arch->tiles;
    m->utilization = alloc ? (double)used / (double)alloc : 0.0;
    m->gbuf_peak_bits = peak;
    free(plans);
    *out = m;
    return ST_OK;

err_map:
    wl_map_destroy(m);
err_plans:
    free(plans);
    return rc;
}

void wl_map_destroy(wl_map_t *m)
{
    if (!m)
        return;
    if (m->layers)
        for (uint32_t i = 0; i < m->n_layers; i++)
            free(m->layers[i].slices);
    free(m->layers);
    free(m);
}
