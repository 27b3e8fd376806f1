/* tile.c - one CIM tile: xbar + word-line decoder + sense amplifiers, read step by step
 * (decode -> array read -> sense), with the dropout mask deciding the driven rows. */
#include "tile.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"
#include "senseamp_int.h"

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
    uint32_t cps = p->sa.cols_per_sa;
    uint64_t n_sa = p->xbar.cols / cps + (p->xbar.cols % cps != 0);
    uint64_t slots = cols / n_sa + (cols % n_sa != 0);
    uint64_t sense = slots * p->sa.psum_bits * p->sa.t_sense_cyc;
    return (uint64_t)steps * ((uint64_t)p->wldec.t_decode_cyc + p->xbar.t_read_cyc + sense);
}

int tile_mvm(tile_t *t, const tile_req_t *rq, uint64_t *cycles, act_counts_t *acc)
{
    if (!t || !rq || !cycles || !acc || rq->rows == 0 || rq->rows > t->p.xbar.rows ||
        rq->cols == 0 || rq->cols > t->p.xbar.cols || rq->row_off > UINT32_MAX - rq->rows)
        return ST_EINVAL;
    uint32_t driven = rq->mask ? tile_mask_count(rq->mask, rq->row_off, rq->rows) : rq->rows;
    xbar_req_t xr = {.rows_used = rq->rows, .cols_used = rq->cols, .rows_driven = driven};
    uint32_t steps = xbar_read_steps(&t->p.xbar, rq->rows);
    uint64_t c_xbar = 0, c_dec = 0, c_sa = 0;

    /* The request was checked against the crossbar above, so the parts cannot refuse it. */
    if (xbar_mvm(t->xbar, &xr, &c_xbar, acc) != ST_OK ||
        wldec_decode(t->wldec, steps, &c_dec, acc) != ST_OK ||
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

/* Low k bits set, 1 <= k <= 64. */
static inline uint64_t low_bits(unsigned k)
{
    return k == 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;
}

uint32_t tile_mask_count(const uint64_t *mask, uint32_t off, uint32_t n)
{
    if (n == 0)
        return 0;
    uint64_t end = (uint64_t)off + n; /* one past the last bit; 64-bit so it cannot wrap */
    uint64_t w0 = off >> 6, w1 = (end - 1) >> 6;
    unsigned lo = off & 63, hi = (unsigned)((end - 1) & 63) + 1; /* bits [lo, 64) / [0, hi) */

    if (w0 == w1)
        return (uint32_t)__builtin_popcountll((mask[w0] >> lo) & low_bits(hi - lo));
    uint32_t cnt = (uint32_t)__builtin_popcountll(mask[w0] >> lo);
    for (uint64_t w = w0 + 1; w < w1; w++)
        cnt += (uint32_t)__builtin_popcountll(mask[w]);
    return cnt + (uint32_t)__builtin_popcountll(mask[w1] & low_bits(hi));
}
