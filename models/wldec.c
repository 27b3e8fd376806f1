/* wldec.c - multi-row word-line decoder: a fixed latency and one action per decode. */
#include "wldec.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"

struct wldec {
    wldec_params_t p;
    wldec_stats_t st;
};

const stat_desc_t wldec_stat_descs[] = {
    {"decodes", "count", "multi-row decodes performed", offsetof(wldec_stats_t, decodes)},
    {"wl_charges", "count", "word lines charged to the drive voltage",
     offsetof(wldec_stats_t, wl_charges)},
};
const unsigned wldec_stat_ndescs = sizeof wldec_stat_descs / sizeof wldec_stat_descs[0];

int wldec_create(const wldec_params_t *p, wldec_t **out)
{
    if (!p || !out || p->t_decode_cyc == 0)
        return ST_EINVAL;
    wldec_t *w = st_calloc(1, sizeof *w);
    if (!w)
        return ST_ENOMEM;
    w->p = *p;
    *out = w;
    return ST_OK;
}

void wldec_destroy(wldec_t *w)
{
    free(w);
}

int wldec_decode(wldec_t *w, uint32_t n, uint64_t *cycles, act_counts_t *acc)
{
    if (!w || !cycles || !acc)
        return ST_EINVAL;
    *cycles = (uint64_t)n * w->p.t_decode_cyc;
    acc->n[ACT_WLDEC_DECODE] += n;
    w->st.decodes += n;
    return ST_OK;
}

int wldec_charge(wldec_t *w, uint64_t lines, act_counts_t *acc)
{
    if (!w || !acc)
        return ST_EINVAL;
    acc->n[ACT_WLDEC_WL_CHARGE] += lines;
    w->st.wl_charges += lines;
    return ST_OK;
}

double wldec_e_charge_pj(const wldec_params_t *p, double wl_cap_ff)
{
    return wl_cap_ff * p->v_wl_v * p->v_wl_v / 1000.0;
}

double wldec_area_um2(const wldec_params_t *p, uint32_t word_lines)
{
    return (double)word_lines * p->a_driver_um2;
}

double wldec_static_uw(const wldec_params_t *p, uint32_t word_lines)
{
    return (double)word_lines * p->p_driver_nw / 1000.0;
}

const wldec_stats_t *wldec_stats(const wldec_t *w)
{
    return &w->st;
}

void wldec_stats_reset(wldec_t *w)
{
    w->st = (wldec_stats_t){0};
}
