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

const wldec_stats_t *wldec_stats(const wldec_t *w)
{
    return &w->st;
}

void wldec_stats_reset(wldec_t *w)
{
    w->st = (wldec_stats_t){0};
}
