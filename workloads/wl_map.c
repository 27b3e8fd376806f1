/* wl_map.c - the mappers of wl_map.h: place each conv/fc layer's weight matrix on tiles,
 * and account for what the architecture's Bayesian scheme adds (docs/schemes.md).
 *
 * Two passes.  The first counts row groups, column groups, crossbar copies and tiles in
 * 64-bit arithmetic, works out each Bayesian layer's random units, RNG modules and memory,
 * and runs every check (reachable p, module count, tile budget, global-buffer footprint);
 * only when all pass does the second allocate and fill the slice lists, so a workload far
 * too large for the chip never allocates them. */
#include "wl_map.h"

#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

/* Geometry and scheme accounting of one layer before any allocation. */
typedef struct layer_plan {
    uint32_t strategy; /* 1 or 2; 0 for pool/add */
    uint64_t rows;     /* logical rows (word-line pairs) */
    uint64_t cols;     /* logical columns (Cout) */
    uint64_t cpw;      /* crossbar columns per weight in a copy (SpinBayes MLC), else 1 */
    uint64_t row_groups;
    uint64_t col_groups; /* of one copy: ceil(cols * cpw / Y) */
    uint64_t copies;     /* crossbar sets (SpinBayes: arbiter.k), 1 otherwise */
    uint64_t per_copy;   /* row_groups * col_groups */
    uint64_t extra_rows; /* subset VI scale crossbar: 2 rows (mean, deviation) ... */
    uint64_t extra_cols; /* ... of cols * cells-per-parameter columns */
    uint64_t n_extra;    /* its slices */
    uint64_t tiles;      /* copies * per_copy + n_extra */
    uint64_t n_mvm;      /* input vectors per pass: hout * wout (fc: 1) */
    uint64_t first_tile; /* physical index of the layer's first tile */
    /* Bayesian scheme (all zero for a deterministic layer) */
    int bayes; /* 1 = Bayesian layer: crossbar, p > 0, scheme not none */
    uint32_t sto, gran, post;
    uint64_t units, modules, rng_bits_pass;
    double p; /* probability the units are drawn with */
    uint64_t bayes_bits, bayes_cells, sram_bits;
    uint32_t alt_thresh; /* ScaleDrop's threshold form */
} layer_plan_t;

static uint64_t div_ceil(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Saturating arithmetic: counts that overflow 64 bits are far past any tile budget, and
 * saturating keeps them so instead of wrapping into a small number that would fit. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

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

/* Fills pl's geometry for layer l; ST_EINVAL when a hand-built layer breaks wl.h's
 * invariants.  Whether the layer is Bayesian is decided here, since SpinBayes copies and
 * the subset-VI scale crossbar take tiles. */
static int plan_layer(const wl_layer_t *l, const arch_t *a, uint32_t strategy, int selected,
                      layer_plan_t *pl)
{
    uint32_t x = a->tile.xbar.rows, y = a->tile.xbar.cols;
    uint32_t scheme = a->dropout_impl;

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
    pl->bayes = selected && l->p > 0 && scheme != ARCH_DROPOUT_NONE;
    pl->cpw = 1;
    pl->copies = 1;
    if (pl->bayes && scheme == ARCH_DROPOUT_SPINBAYES) {
        if (a->arb.k < 2 || a->bayes.param_bits == 0)
            return ST_EINVAL;
        pl->cpw = div_ceil(a->bayes.param_bits, arch_mlc_bits(a->bayes.mtjs_per_cell));
        pl->copies = a->arb.k;
    }
    if (pl->strategy == 2 && l->kind == WL_CONV)
        pl->row_groups = (uint64_t)l->k * l->k * div_ceil(l->cin, x);
    else
        pl->row_groups = div_ceil(pl->rows, x);
    pl->col_groups = div_ceil(pl->cols * pl->cpw, y);
    pl->per_copy = mul_sat(pl->row_groups, pl->col_groups);
    if (pl->bayes && scheme == ARCH_DROPOUT_SUBSET_VI) {
        if (a->bayes.param_bits == 0 || a->bayes.sample_bits == 0)
            return ST_EINVAL;
        pl->extra_rows = 2;
        pl->extra_cols =
            pl->cols * div_ceil(a->bayes.param_bits, arch_mlc_bits(a->bayes.mtjs_per_cell));
        pl->n_extra = div_ceil(pl->extra_rows, x) * div_ceil(pl->extra_cols, y);
    }
    pl->tiles = add_sat(mul_sat(pl->copies, pl->per_copy), pl->n_extra);
    pl->n_mvm = l->kind == WL_FC ? 1 : (uint64_t)l->hout * l->wout;
    return ST_OK;
}

/* Fills the scheme part of pl (docs/schemes.md has the formulas and their sources).
 * w_max: weights of the largest Bayesian layer (ScaleDrop's adaptive p); *first_done:
 * whether a Bayesian layer came before (ScaleDrop's one module for the whole model). */
static void plan_scheme(const wl_layer_t *l, const arch_t *a, uint64_t w_max, int *first_done,
                        layer_plan_t *pl)
{
    uint64_t r = pl->rows, c = pl->cols, w = r * c;
    uint32_t x = a->tile.xbar.rows;
    int fc = l->kind == WL_FC;

    if (!pl->bayes)
        return;
    pl->p = l->p;
    switch (a->dropout_impl) {
    case ARCH_DROPOUT_SPINDROP: {
        uint32_t share = a->drng.share ? a->drng.share : 1;
        for (uint64_t g = 0; g < pl->row_groups; g++) {
            uint64_t off, n;
            row_group(l, pl, x, g, &off, &n);
            pl->modules += div_ceil(n, share);
        }
        if (!fc && a->scenario.conv_mask == ARCH_CONV_MASK_ACTIVATION) {
            /* One bit per input activation and pass, drawn by the same modules in turn
             * and routed to every patch that reads the activation. */
            pl->sto = WL_STO_PASS;
            pl->gran = WL_GRAN_NEURON;
            pl->units = pl->rng_bits_pass = wl_layer_in_elems(l);
        } else {
            pl->sto = WL_STO_VECTOR;
            pl->gran = WL_GRAN_ROW;
            pl->units = r;
            pl->rng_bits_pass = r * pl->n_mvm;
        }
        break;
    }
    case ARCH_DROPOUT_MC_DROPOUT:
        /* An fc row is an input neuron, so no expansion is needed there. */
        pl->sto = WL_STO_PASS;
        pl->gran = fc ? WL_GRAN_ROW : WL_GRAN_NEURON;
        pl->units = fc ? r : wl_layer_in_elems(l);
        pl->modules = pl->rng_bits_pass = pl->units;
        break;
    case ARCH_DROPOUT_MC_DROPCONNECT:
        pl->sto = WL_STO_PASS;
        pl->gran = WL_GRAN_WEIGHT;
        pl->units = pl->modules = pl->rng_bits_pass = w;
        break;
    case ARCH_DROPOUT_SPATIAL:
        /* Spatial dropout on an fc layer's 1 x 1 "maps" is plain dropout of its inputs. */
        pl->sto = WL_STO_PASS;
        pl->gran = fc ? WL_GRAN_ROW : WL_GRAN_CHANNEL;
        pl->units = fc ? r : l->cin;
        pl->modules = pl->rng_bits_pass = pl->units;
        break;
    case ARCH_DROPOUT_SCALEDROP:
        pl->sto = WL_STO_PASS;
        pl->gran = WL_GRAN_SCALAR;
        pl->units = pl->rng_bits_pass = 1;
        pl->modules = a->bayes.whole_model && *first_done ? 0 : 1;
        if (a->scenario.scale_apply == ARCH_SCALE_THRESHOLD) {
            /* sign(s y - t) = sign(y - t / s): the scale folds into a second threshold
             * per output, and the mask picks the set */
            pl->alt_thresh = 1;
            pl->sram_bits = c * a->periph.thresh_bits;
        } else {
            pl->post = WL_POST_SCALE;
            pl->sram_bits = c * a->bayes.scale_bits;
        }
        if (a->bayes.adaptive_p && w_max) {
            double pa = l->p * (double)w / (double)w_max;
            pl->p = pa > 0.01 ? pa : 0.01;
        }
        break;
    case ARCH_DROPOUT_AFFINE:
        pl->sto = WL_STO_PASS;
        pl->gran = WL_GRAN_SCALAR;
        pl->units = pl->modules = pl->rng_bits_pass = 2;
        pl->post = WL_POST_NORM;
        pl->sram_bits = 2 * c * a->bayes.scale_bits;
        break;
    case ARCH_DROPOUT_SUBSET_VI:
        pl->sto = WL_STO_PASS;
        pl->gran = WL_GRAN_SCALAR;
        pl->units = pl->rng_bits_pass = c * a->bayes.sample_bits;
        pl->modules = c;
        pl->p = 0.5;
        pl->post = WL_POST_SCALE;
        pl->bayes_bits = 2 * c * a->bayes.param_bits;
        pl->bayes_cells = pl->extra_rows * pl->extra_cols;
        break;
    case ARCH_DROPOUT_SPINBAYES:
        pl->sto = WL_STO_ARBITER;
        pl->gran = WL_GRAN_SCALAR;
        pl->units = pl->rng_bits_pass = arb_bits_per_try(&a->arb);
        pl->modules = 0; /* the arbiter is counted apart: one per layer */
        pl->p = 0.5;
        pl->bayes_bits = mul_sat(mul_sat(pl->copies, w), a->bayes.param_bits);
        pl->bayes_cells = mul_sat(mul_sat(pl->copies, w), pl->cpw);
        break;
    default:
        break;
    }
    *first_done = 1;
}

/* What the probability of a layer's random bits is called in diagnostics. */
static const char *p_noun(const arch_t *a)
{
    switch (a->dropout_impl) {
    case ARCH_DROPOUT_SUBSET_VI:
        return "sample-bit probability";
    case ARCH_DROPOUT_SPINBAYES:
        return "arbiter-bit probability";
    default:
        return "dropout probability";
    }
}

/* Adds the error about a probability p (the one layer i draws with) that no SET current
 * reaches. */
static void report_p_unreachable(const wl_net_t *net, uint32_t i, const arch_t *a, double p,
                                 arch_diag_list_t *dl)
{
    const wl_layer_t *l = &net->layers[i];
    char path[96];
    drng_params_t unbounded = a->drng;
    double need;

    snprintf(path, sizeof path, "layers[%" PRIu32 "].dropout", i);
    unbounded.i_max_ua = DBL_MAX;
    if (drng_current_for_p(&unbounded, p, &need) == ST_OK)
        arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                      "%s %g needs a SET current of %.4g uA, more than "
                      "dropout.i_max_ua = %g uA",
                      p_noun(a), p, need, a->drng.i_max_ua);
    else
        arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                      "%s %g is below what the dropout module gives at zero "
                      "current (dropout.i_max_ua = %g uA)",
                      p_noun(a), p, a->drng.i_max_ua);
}

/* Writes the slices of one crossbar set: rows [0, rows) cut by row_group (or, for the
 * subset-VI scale crossbar, into X-row pieces), `cols` columns cut into Y-column pieces,
 * row-group major, on consecutive tiles from *tile.  Returns the partial sums per output
 * (sum of read steps over row groups). */
static uint64_t fill_slices(const wl_layer_t *l, const layer_plan_t *pl, const arch_t *a,
                            int scale_xbar, uint64_t rows, uint64_t cols, wl_slice_t *out,
                            uint64_t *tile)
{
    uint32_t x = a->tile.xbar.rows, y = a->tile.xbar.cols;
    uint64_t psum = 0, groups = scale_xbar ? div_ceil(rows, x) : pl->row_groups;
    uint64_t cgroups = div_ceil(cols, y), s = 0;

    for (uint64_t g = 0; g < groups; g++) {
        uint64_t off, n;
        if (scale_xbar) {
            off = g * x;
            n = rows - off < x ? rows - off : x;
        } else {
            row_group(l, pl, x, g, &off, &n);
        }
        psum += xbar_read_steps(&a->tile.xbar, (uint32_t)n);
        for (uint64_t c = 0; c < cgroups; c++, s++) {
            wl_slice_t *sl = &out[s];
            sl->tile = (uint32_t)(*tile)++;
            sl->row_off = (uint32_t)off;
            sl->rows = (uint32_t)n;
            sl->col_off = (uint32_t)(c * y);
            sl->cols = (uint32_t)((cols - c * y < y) ? cols - c * y : y);
        }
    }
    return psum;
}

/* Fills lm from the plan: slices (copy-major, row-group major inside a copy, then the
 * scale crossbar), partial sums, cells and the scheme's accounting. */
static int fill_layer(const wl_layer_t *l, const layer_plan_t *pl, const arch_t *a,
                      wl_layer_map_t *lm)
{
    uint64_t xy = (uint64_t)a->tile.xbar.rows * a->tile.xbar.cols;
    uint64_t tile = pl->first_tile, psum = 0;

    lm->strategy = pl->strategy;
    lm->rows = (uint32_t)pl->rows;
    lm->cols = (uint32_t)pl->cols;
    lm->n_mvm = (uint32_t)pl->n_mvm;
    lm->row_groups = (uint32_t)pl->row_groups;
    lm->col_groups = (uint32_t)pl->col_groups;
    lm->n_slices = (uint32_t)pl->tiles;
    lm->copies = (uint32_t)pl->copies;
    lm->slices_per_copy = (uint32_t)pl->per_copy;
    lm->n_extra = (uint32_t)pl->n_extra;
    lm->slices = st_calloc(pl->tiles, sizeof *lm->slices);
    if (!lm->slices)
        return ST_ENOMEM;
    for (uint64_t k = 0; k < pl->copies; k++)
        psum = fill_slices(l, pl, a, 0, pl->rows, pl->cols * pl->cpw, lm->slices + k * pl->per_copy,
                           &tile);
    if (pl->n_extra)
        fill_slices(l, pl, a, 1, pl->extra_rows, pl->extra_cols,
                    lm->slices + pl->copies * pl->per_copy, &tile);
    lm->n_psum = (uint32_t)psum;
    lm->weight_bits = pl->rows * pl->cols;
    if (pl->bayes && a->dropout_impl == ARCH_DROPOUT_SPINBAYES) {
        /* SpinBayes: multi-level cells, one per crosspoint, on every slice. */
        lm->cell_mtjs = a->bayes.mtjs_per_cell;
        lm->cells_used = pl->bayes_cells;
        lm->cells_alloc = pl->tiles * xy;
    } else {
        /* Binary weights in complementary pairs, plus the scale crossbar's multi-level
         * cells (subset VI), one per crosspoint. */
        lm->cell_mtjs = 1;
        lm->cells_used = 2 * lm->weight_bits + pl->bayes_cells;
        lm->cells_alloc = 2 * pl->per_copy * xy + pl->n_extra * xy;
    }
    lm->drng_modules = (uint32_t)pl->modules;
    lm->sto = pl->sto;
    lm->gran = pl->gran;
    lm->units = pl->units;
    lm->p = pl->p;
    lm->rng_bits_pass = pl->rng_bits_pass;
    lm->post = pl->post;
    lm->bayes_bits = pl->bayes_bits;
    lm->bayes_cells = pl->bayes_cells;
    lm->sram_bits = pl->sram_bits;
    lm->alt_thresh = pl->alt_thresh;
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
        const layer_plan_t *pl = &plans[i];
        if (!pl->bayes)
            continue;
        if (pl->modules > UINT32_MAX) {
            snprintf(path, sizeof path, "layers[%" PRIu32 "].dropout", i);
            arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                          "layer '%s' needs %" PRIu64 " random-number modules under %s; at "
                          "most %" PRIu32 " fit",
                          l->name, pl->modules, arch_dropout_name(a->dropout_impl), UINT32_MAX);
            (*errs)++;
        }
        double cur;
        int rc = drng_current_for_p(&a->drng, pl->p, &cur);
        if (rc == ST_EINVAL)
            return ST_EINVAL;
        if (rc != ST_OK) {
            report_p_unreachable(net, i, a, pl->p, dl);
            (*errs)++;
            continue;
        }
        /* the switching model must hold at the layer's own operating point, not only at
         * the p = 0.5 the architecture is checked at (drng.h) */
        char why[160];
        if (drng_regime_check(&a->drng, pl->p, why, sizeof why) != ST_OK) {
            snprintf(path, sizeof path, "layers[%" PRIu32 "].dropout", i);
            arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                          "layer '%s': %s %g is outside the switching model's regime: %s", l->name,
                          p_noun(a), pl->p, why);
            (*errs)++;
        }
    }
    if (total > a->tiles) {
        for (uint32_t i = 0; i < net->n_layers; i++) {
            const layer_plan_t *pl = &plans[i];
            const wl_layer_t *l = &net->layers[i];
            char how[128] = "";
            if (pl->tiles == 0 || add_sat(pl->first_tile, pl->tiles) <= a->tiles)
                continue;
            if (pl->copies > 1)
                snprintf(how, sizeof how, " (%" PRIu64 " crossbar copies of %" PRIu64 ")",
                         pl->copies, pl->per_copy);
            else if (pl->n_extra)
                snprintf(how, sizeof how,
                         " (%" PRIu64 " for weights, %" PRIu64 " for the "
                         "scale crossbar)",
                         pl->per_copy, pl->n_extra);
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", i);
            arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                          "layer '%s' needs tiles %" PRIu64 "..%" PRIu64
                          "%s but the architecture has %" PRIu32 " (the workload needs %" PRIu64
                          ", %" PRIu64 " missing)",
                          l->name, pl->first_tile, pl->first_tile + pl->tiles - 1, how, a->tiles,
                          total, total - a->tiles);
            (*errs)++;
            break;
        }
    }
    /* a sign threshold compares a sum in [-R, R]: it needs ceil(log2(2R + 1)) bits (judged
     * once the layers fit on the chip) */
    for (uint32_t i = 0; i < net->n_layers && total <= a->tiles; i++) {
        const wl_layer_t *l = &net->layers[i];
        uint32_t need = 0;
        while (need < 64 && (1ull << need) < 2 * plans[i].rows + 1)
            need++;
        if (plans[i].rows == 0 || need <= a->periph.thresh_bits || a->periph.thresh_bits == 0)
            continue;
        snprintf(path, sizeof path, "layers[%" PRIu32 "]", i);
        arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                      "layer '%s' sums %" PRIu64 " rows to [-%" PRIu64 ", %" PRIu64
                      "], which needs %" PRIu32 "-bit thresholds; periph.thresh_bits is %" PRIu32,
                      l->name, plans[i].rows, plans[i].rows, plans[i].rows, need,
                      a->periph.thresh_bits);
        (*errs)++;
    }
    return ST_OK;
}

/* Peak live activation footprint and the layer where it occurs.  ST_ENOMEM or ST_OK.
 * Live while layer i runs: its inputs and output plus every earlier tensor a later layer
 * still reads.  Tensor t + 1 is the output of layer t (0 = the network input).  One pass
 * keeps the sum of the tensors a later layer reads, adding each when it is made and taking
 * it out after its last reader, so the cost is linear in the layers (100,000 layers: a
 * scan per layer took minutes).  Sums are 128-bit, since a long network of 2^48-bit
 * tensors passes 64 bits; the peak saturates at UINT64_MAX, far past any buffer. */
static int gbuf_peak(const wl_net_t *net, uint64_t *peak, uint32_t *at)
{
    uint32_t n = net->n_layers;
    int32_t *last_use = st_malloc((unsigned long)(n + 1) * sizeof *last_use);
    /* One block: dies[n + 1] (tensors ordered by last reader), start[n + 2] (layer i's
     * are dies[start[i] .. start[i + 1])), fill[n + 1] (scratch). */
    uint32_t *dies = st_calloc(3 * (unsigned long)n + 4, sizeof *dies);
    uint32_t *start = dies ? dies + n + 1 : NULL, *fill = dies ? start + n + 2 : NULL;
    int rc = ST_ENOMEM;

    if (!last_use || !dies)
        goto out_free;
    for (uint32_t t = 0; t <= n; t++)
        last_use[t] = -1;
    for (uint32_t m = 0; m < n; m++) {
        const wl_layer_t *l = &net->layers[m];
        last_use[l->input + 1] = (int32_t)m;
        if (l->kind == WL_ADD && l->from >= -1)
            last_use[l->from + 1] = (int32_t)m;
    }
    for (uint32_t t = 0; t <= n; t++)
        if (last_use[t] >= 0)
            start[last_use[t] + 1]++;
    for (uint32_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (uint32_t t = 0; t <= n; t++)
        if (last_use[t] >= 0)
            dies[start[last_use[t]] + fill[last_use[t]]++] = t;
    unsigned __int128 held = 0, best = 0; /* held: tensors t <= i + 1 read after layer i */
    uint64_t in_net = (uint64_t)net->in_c * net->in_h * net->in_w;
#define TENSOR_BITS(t) ((t) == 0 ? in_net : wl_layer_out_elems(&net->layers[(t)-1]))
    if (last_use[0] >= 0)
        held = in_net;
    *at = 0;
    for (uint32_t i = 0; i < n; i++) {
        const wl_layer_t *l = &net->layers[i];
        if (last_use[i + 1] > (int32_t)i)
            held += TENSOR_BITS(i + 1);
        for (uint32_t k = start[i]; k < start[i + 1]; k++)
            held -= TENSOR_BITS(dies[k]); /* read last by layer i */
        /* The tensors layer i touches that no later layer reads: its inputs read for the
         * last time, and an output nobody reads.  Each counts once. */
        uint32_t in = (uint32_t)(l->input + 1), out = i + 1;
        unsigned __int128 live = held;
        if (last_use[in] == (int32_t)i)
            live += TENSOR_BITS(in);
        if (l->kind == WL_ADD && l->from >= -1) {
            uint32_t from = (uint32_t)(l->from + 1);
            if (from != in && last_use[from] == (int32_t)i)
                live += TENSOR_BITS(from);
        }
        if (last_use[out] < 0)
            live += TENSOR_BITS(out);
        if (live > best) {
            best = live;
            *at = i;
        }
    }
#undef TENSOR_BITS
    *peak = best > UINT64_MAX ? UINT64_MAX : (uint64_t)best;
    rc = ST_OK;
out_free:
    free(dies);
    free(last_use);
    return rc;
}

/* The names of net's crossbar layers (with dropout p > 0 when with_p) into buf, ", "
 * separated, cut with "..." past n bytes. */
static void layer_names(const wl_net_t *net, int with_p, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        if (!wl_layer_is_mvm(l) || (with_p && !(l->p > 0)))
            continue;
        int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", l->name);
        if (k < 0 || (size_t)k >= n - used) {
            snprintf(buf + (n > 4 ? n - 4 : 0), n > 4 ? 4 : n, "...");
            return;
        }
        used += (size_t)k;
    }
    if (used == 0)
        snprintf(buf, n, "none");
}

/* Marks in sel[] the crossbar layers the scenario makes Bayesian (scenario.bayes_layers);
 * errors at the scenario key's line.  Returns the number of errors added. */
static unsigned select_bayes(const wl_net_t *net, const arch_t *a, uint8_t *sel,
                             arch_diag_list_t *dl)
{
    const arch_scenario_t *sc = &a->scenario;
    char names[200];
    uint32_t i, n_x = 0;

    for (i = 0; i < net->n_layers; i++) {
        sel[i] = sc->bayes_layers == ARCH_BAYES_ALL;
        n_x += wl_layer_is_mvm(&net->layers[i]);
    }
    if (sc->bayes_layers == ARCH_BAYES_LAST) {
        if (sc->bayes_last > n_x) {
            layer_names(net, 0, names, sizeof names);
            arch_diag_add(dl, sc->at_last.file, sc->at_last.line, sc->at_last.col,
                          "scenario.bayes_last", NULL,
                          "expected at most %" PRIu32 ", the crossbar layers of network '%s' (%s), "
                          "got %" PRIu32,
                          n_x, net->name, names, sc->bayes_last);
            return 1;
        }
        uint32_t left = sc->bayes_last;
        for (i = net->n_layers; i-- > 0 && left > 0;)
            if (wl_layer_is_mvm(&net->layers[i])) {
                sel[i] = 1;
                left--;
            }
    } else if (sc->bayes_layers == ARCH_BAYES_LIST) {
        unsigned errs = 0;
        uint32_t n = arch_bayes_list_count(sc->bayes_list);
        for (uint32_t k = 0; k < n; k++) {
            char name[64];
            arch_bayes_list_name(sc->bayes_list, k, name, sizeof name);
            for (i = 0; i < net->n_layers; i++)
                if (strcmp(net->layers[i].name, name) == 0)
                    break;
            if (i < net->n_layers && wl_layer_is_mvm(&net->layers[i]) && net->layers[i].p > 0) {
                sel[i] = 1;
                continue;
            }
            const char *why = i == net->n_layers                  ? "is no layer of"
                              : !wl_layer_is_mvm(&net->layers[i]) ? "has no crossbar in"
                                                                  : "has no dropout in";
            layer_names(net, 1, names, sizeof names);
            arch_diag_add(dl, sc->at_list.file, sc->at_list.line, sc->at_list.col,
                          "scenario.bayes_list", NULL,
                          "'%s' %s network '%s'; expected its crossbar layers with dropout: %s",
                          name, why, net->name, names);
            errs++;
        }
        return errs;
    }
    return 0;
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
    uint8_t *sel = NULL; /* 1: the scenario makes layer i Bayesian */
    wl_map_t *m = NULL;
    uint64_t total = 0, used = 0, alloc = 0, peak = 0;
    uint32_t peak_at = 0, i, bayes_layers = 0;
    unsigned sel_errs;
    uint32_t eff;
    int rc;

    if (!net_is_sane(net) || !arch || !out || strategy > 2)
        return ST_EINVAL;
    eff = strategy ? strategy : arch->mapping;
    if (eff < 1 || eff > 2 || arch->tile.xbar.rows == 0 || arch->tile.xbar.cols == 0 ||
        arch->dropout_impl > ARCH_DROPOUT_SPINBAYES ||
        arch->scenario.bayes_layers > ARCH_BAYES_LIST)
        return ST_EINVAL;

    plans = st_calloc(net->n_layers, sizeof *plans);
    sel = st_calloc(net->n_layers, sizeof *sel);
    if (!plans || !sel) {
        rc = ST_ENOMEM;
        goto err_plans;
    }
    sel_errs = select_bayes(net, arch, sel, dl); /* reported with the other checks */
    for (i = 0; i < net->n_layers; i++) {
        rc = plan_layer(&net->layers[i], arch, eff, sel[i], &plans[i]);
        if (rc != ST_OK)
            goto err_plans;
        if (plans[i].rows > UINT32_MAX || plans[i].n_mvm > UINT32_MAX) {
            const wl_layer_t *l = &net->layers[i];
            char path[96];
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", i);
            arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
                          "layer '%s' has %" PRIu64 " input rows and %" PRIu64
                          " output positions; at most %" PRIu32 " of each fit",
                          l->name, plans[i].rows, plans[i].n_mvm, UINT32_MAX);
            rc = ST_ECONFIG;
            goto err_plans;
        }
        plans[i].first_tile = total;
        total = add_sat(total, plans[i].tiles);
    }
    {
        /* The scheme's accounting needs the largest Bayesian layer (adaptive p) and which
         * Bayesian layer comes first (one module for the whole model). */
        uint64_t w_max = 0;
        int first_done = 0;
        for (i = 0; i < net->n_layers; i++)
            if (plans[i].bayes && plans[i].rows * plans[i].cols > w_max)
                w_max = plans[i].rows * plans[i].cols;
        for (i = 0; i < net->n_layers; i++) {
            plan_scheme(&net->layers[i], arch, w_max, &first_done, &plans[i]);
            bayes_layers += plans[i].bayes;
        }
    }

    rc = gbuf_peak(net, &peak, &peak_at);
    if (rc != ST_OK)
        goto err_plans;
    {
        unsigned errs = sel_errs;
        uint64_t cap;
        rc = check_plans(net, arch, plans, total, &errs, dl);
        if (rc != ST_OK)
            goto err_plans;
        cap = sbuf_capacity_bits(&arch->gbuf);
        if (peak > cap) {
            const wl_layer_t *l = &net->layers[peak_at];
            char path[96];
            snprintf(path, sizeof path, "layers[%" PRIu32 "]", peak_at);
            arch_diag_add(dl, wl_layer_source(net, l), l->line, l->col, path, NULL,
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
    m->scheme = arch->dropout_impl;
    m->T = arch->dropout_impl == ARCH_DROPOUT_NONE || bayes_layers == 0 ? 1 : 0;
    free(sel);
    free(plans);
    *out = m;
    return ST_OK;

err_map:
    wl_map_destroy(m);
err_plans:
    free(sel);
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
