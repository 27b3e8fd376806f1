/* senseamp.c - column-muxed sense amplifiers with successive-approximation readout. */
#include "senseamp.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"
#include "senseamp_int.h"

struct senseamp {
    senseamp_params_t p;
    uint32_t cols; /* columns of the crossbar behind the mux */
    uint32_t n_sa; /* ceil(cols / cols_per_sa) */
    senseamp_stats_t st;
};

const stat_desc_t senseamp_stat_descs[] = {
    {"reads", "count", "column groups read", offsetof(senseamp_stats_t, reads)},
    {"comparisons", "count", "single-bit comparisons", offsetof(senseamp_stats_t, comparisons)},
};
const unsigned senseamp_stat_ndescs = sizeof senseamp_stat_descs / sizeof senseamp_stat_descs[0];

int senseamp_create(const senseamp_params_t *p, uint32_t cols, senseamp_t **out)
{
    if (!p || !out || cols == 0 || p->cols_per_sa == 0 || p->psum_bits == 0 || p->psum_bits > 16 ||
        p->t_sense_cyc == 0)
        return ST_EINVAL;
    senseamp_t *s = st_calloc(1, sizeof *s);
    if (!s)
        return ST_ENOMEM;
    s->p = *p;
    s->cols = cols;
    s->n_sa = cols / p->cols_per_sa + (cols % p->cols_per_sa != 0);
    *out = s;
    return ST_OK;
}

void senseamp_destroy(senseamp_t *s)
{
    free(s);
}

uint32_t senseamp_count(const senseamp_t *s)
{
    return s->n_sa;
}

int senseamp_read_n(senseamp_t *s, uint32_t cols_used, uint32_t n, uint64_t *cycles,
                    act_counts_t *acc)
{
    if (!s || !cycles || !acc || cols_used == 0 || cols_used > s->cols)
        return ST_EINVAL;
    /* Interleaved mux: every SA serves at most this many of the used columns. */
    uint64_t slots = cols_used / s->n_sa + (cols_used % s->n_sa != 0);
    uint64_t cmps = (uint64_t)n * cols_used * s->p.psum_bits;
    *cycles = (uint64_t)n * slots * s->p.psum_bits * s->p.t_sense_cyc;
    acc->n[ACT_SA_SENSE] += cmps;
    s->st.reads += n;
    s->st.comparisons += cmps;
    return ST_OK;
}

int senseamp_read(senseamp_t *s, uint32_t cols_used, uint64_t *cycles, act_counts_t *acc)
{
    return senseamp_read_n(s, cols_used, 1, cycles, acc);
}

const senseamp_stats_t *senseamp_stats(const senseamp_t *s)
{
    return &s->st;
}

void senseamp_stats_reset(senseamp_t *s)
{
    s->st = (senseamp_stats_t){0};
}
