/* tile.c - one CIM tile: xbar + word-line decoder + sense amplifiers, read step by step
 * (decode -> array read -> sense), with the dropout mask deciding the driven rows and an
 * optional weight mask (DropConnect) the conducting cells. */
#include "tile.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/bits.h"
#include "base/status.h"
#include "senseamp_int.h"
#include "xbar_int.h"

struct tile {
    tile_params_t p;
    xbar_t *xbar;
    wldec_t *wldec;
    senseamp_t *sa;
    tile_stats_t st;
};

const stat_desc_t tile_stat_descs[] = {
    {"mvms", "count", "reads served", offsetof(tile_stats_t, mvms)},
    {"rows_driven", "count", "driven word-line pairs summed over reads",
     offsetof(tile_stats_t, rows_driven)},
    {"rows_dropped", "count", "dropped word-line pairs summed over reads",
     offsetof(tile_stats_t, rows_dropped)},
};
const unsigned tile_stat_ndescs = sizeof tile_stat_descs / sizeof tile_stat_descs[0];

int tile_create(const tile_params_t *p, tile_t **out)
{
    int rc;
    xbar_t *x = NULL;
    wldec_t *w = NULL;
    senseamp_t *s = NULL;
    tile_t *t;

    if (!p || !out)
        return ST_EINVAL;
    /* The parts check their own params before allocating, so bad params give ST_EINVAL. */
    rc = xbar_create(&p->xbar, &x);
    if (rc != ST_OK)
        goto fail;
    rc = wldec_create(&p->wldec, &w);
    if (rc != ST_OK)
        goto free_xbar;
    rc = senseamp_create(&p->sa, p->xbar.cols, &s);
    if (rc != ST_OK)
        goto free_wldec;
    t = st_calloc(1, sizeof *t);
    if (!t) {
        rc = ST_ENOMEM;
        goto free_sa;
    }
    t->p = *p;
    t->xbar = x;
    t->wldec = w;
    t->sa = s;
    *out = t;
    return ST_OK;

free_sa:
    senseamp_destroy(s);
free_wldec:
    wldec_destroy(w);
free_xbar:
    xbar_destroy(x);
fail:
    return rc;
}

void tile_destroy(tile_t *t)
{
    if (!t)
        return;
    senseamp_destroy(t->sa);
    wldec_destroy(t->wldec);
    xbar_destroy(t->xbar);
    free(t);
}

uint64_t tile_mvm_cycles(const tile_params_t *p, uint32_t rows, uint32_t cols)
{
    uint32_t steps = xbar_read_steps(&p->xbar, rows);
    uint64_t sense = senseamp_sense_cycles(&p->sa, p->xbar.cols, cols);
    return (uint64_t)steps * ((uint64_t)p->wldec.t_decode_cyc + p->xbar.t_read_cyc + sense);
}

uint64_t tile_bias_cycles(const tile_params_t *p, uint32_t cols)
{
    return p->xbar.t_read_cyc + senseamp_hold_cycles(&p->sa, p->xbar.cols, cols);
}

void tile_energy_fill(const tile_params_t *p, double clk_ns, en_table_t *t)
{
    const double e[ACT_COUNT] = {
        [ACT_XBAR_CELL_READ] = xbar_e_cell_cyc_pj(&p->xbar, clk_ns),
        [ACT_WLDEC_WL_CHARGE] = wldec_e_charge_pj(&p->wldec, xbar_wl_cap_ff(&p->xbar)),
        [ACT_SA_SENSE] = senseamp_e_conv_pj(&p->sa),
        [ACT_SA_MUX] = senseamp_e_mux_pj(&p->sa),
        [ACT_SA_SAMPLE] = senseamp_e_sample_pj(&p->sa),
    };
    static const act_t derived[] = {ACT_XBAR_CELL_READ, ACT_WLDEC_WL_CHARGE, ACT_SA_SENSE,
                                    ACT_SA_MUX, ACT_SA_SAMPLE};
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
        if (t->e_pj[derived[i]] < 0.0)
            t->e_pj[derived[i]] = e[derived[i]];
}

void tile_area_by_comp_um2(const tile_params_t *p, double out[COMP_COUNT])
{
    out[COMP_XBAR] += xbar_area_um2(&p->xbar);
    out[COMP_WLDEC] += wldec_area_um2(&p->wldec, 2 * p->xbar.rows); /* WL and WLB per pair */
    out[COMP_SA] += senseamp_area_um2(&p->sa, p->xbar.cols);
}

void tile_static_by_comp_uw(const tile_params_t *p, double out[COMP_COUNT])
{
    out[COMP_XBAR] += xbar_static_uw(&p->xbar);
    out[COMP_WLDEC] += wldec_static_uw(&p->wldec, 2 * p->xbar.rows);
    out[COMP_SA] += senseamp_static_uw(&p->sa, p->xbar.cols);
}

double tile_area_um2(const tile_params_t *p)
{
    double a[COMP_COUNT] = {0};
    tile_area_by_comp_um2(p, a);
    return a[COMP_XBAR] + a[COMP_WLDEC] + a[COMP_SA];
}

double tile_static_uw(const tile_params_t *p)
{
    double w[COMP_COUNT] = {0};
    tile_static_by_comp_uw(p, w);
    return w[COMP_XBAR] + w[COMP_WLDEC] + w[COMP_SA];
}

/* Conducting weights of the driven rows under a weight mask: for each driven row, the kept
 * weights among the slice's columns, one word-wise range count per row.  The driven rows
 * are walked through the set bits of the row mask, so dropped rows cost nothing. */
static uint64_t tile_kept_weights(const tile_req_t *rq)
{
    const uint64_t stride = rq->wcols;
    const uint64_t base = (uint64_t)rq->row_off * stride + rq->col_off;
    uint64_t cells = 0;

    if (!rq->mask) {
        for (uint64_t r = 0; r < rq->rows; r++)
            cells += bits_count(rq->wmask, base + r * stride, rq->cols);
        return cells;
    }
    const uint64_t end = (uint64_t)rq->row_off + rq->rows;
    for (uint64_t w = rq->row_off >> 6; w <= (end - 1) >> 6; w++) {
        uint64_t bits = rq->mask[w];
        if (w == rq->row_off >> 6)
            bits &= ~bits_low(rq->row_off & 63); /* rows before the slice */
        if (w == (end - 1) >> 6)
            bits &= bits_low((unsigned)((end - 1) & 63) + 1); /* rows after it */
        for (; bits; bits &= bits - 1) {
            uint64_t r = w * 64 + (unsigned)__builtin_ctzll(bits) - rq->row_off;
            cells += bits_count(rq->wmask, base + r * stride, rq->cols);
        }
    }
    return cells;
}

int tile_mvm(tile_t *t, const tile_req_t *rq, uint64_t *cycles, act_counts_t *acc)
{
    if (!t || !rq || !cycles || !acc || rq->rows == 0 || rq->rows > t->p.xbar.rows ||
        rq->cols == 0 || rq->cols > t->p.xbar.cols || rq->row_off > UINT32_MAX - rq->rows)
        return ST_EINVAL;
    /* A weight mask row holds wcols weights: the slice's columns must lie inside it. */
    if (rq->wmask && (rq->col_off > rq->wcols || rq->cols > rq->wcols - rq->col_off))
        return ST_EINVAL;
    uint32_t driven = rq->mask ? tile_mask_count(rq->mask, rq->row_off, rq->rows) : rq->rows;
    uint64_t mtjs = rq->cell_mtjs ? rq->cell_mtjs : 1;
    uint64_t kept = rq->wmask ? tile_kept_weights(rq) : (uint64_t)driven * rq->cols;
    uint64_t cells, cell_cyc;
    const uint64_t bias = tile_bias_cycles(&t->p, rq->cols);
    if (__builtin_mul_overflow(kept, mtjs, &cells) ||
        __builtin_mul_overflow(cells, bias, &cell_cyc))
        return ST_ERANGE;
    xbar_req_t xr = {.rows_used = rq->rows, .cols_used = rq->cols, .rows_driven = driven};
    uint32_t steps = xbar_read_steps(&t->p.xbar, rq->rows);
    uint64_t c_xbar = 0, c_dec = 0, c_sa = 0;

    /* The request was checked against the crossbar above, so the parts cannot refuse it. */
    if (xbar_mvm_cells(t->xbar, &xr, cells, bias, &c_xbar, acc) != ST_OK ||
        wldec_decode(t->wldec, steps, &c_dec, acc) != ST_OK ||
        wldec_charge(t->wldec, driven, acc) != ST_OK || /* one line per driven pair */
        senseamp_read_n(t->sa, rq->cols, steps, &c_sa, acc) != ST_OK)
        SIM_BUG("tile part refused a request the tile accepted");
    *cycles = c_dec + c_xbar + c_sa; /* == tile_mvm_cycles(): steps run strictly in sequence */
    t->st.mvms++;
    t->st.rows_driven += driven;
    t->st.rows_dropped += rq->rows - driven;
    return ST_OK;
}

int tile_program(tile_t *t, uint32_t rows, uint32_t cols, uint64_t *cycles, act_counts_t *acc)
{
    if (!t)
        return ST_EINVAL;
    return xbar_program(t->xbar, rows, cols, cycles, acc);
}

const tile_stats_t *tile_stats(const tile_t *t)
{
    return &t->st;
}

const xbar_stats_t *tile_xbar_stats(const tile_t *t)
{
    return xbar_stats(t->xbar);
}

const wldec_stats_t *tile_wldec_stats(const tile_t *t)
{
    return wldec_stats(t->wldec);
}

const senseamp_stats_t *tile_sa_stats(const tile_t *t)
{
    return senseamp_stats(t->sa);
}

void tile_stats_reset(tile_t *t)
{
    t->st = (tile_stats_t){0};
    xbar_stats_reset(t->xbar);
    wldec_stats_reset(t->wldec);
    senseamp_stats_reset(t->sa);
}

uint32_t tile_mask_count(const uint64_t *mask, uint32_t off, uint32_t n)
{
    return (uint32_t)bits_count(mask, off, n); /* at most n set bits: fits 32 bits */
}
