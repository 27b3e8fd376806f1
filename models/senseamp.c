/* senseamp.c - column-muxed sense amplifiers with successive-approximation readout. */
#include "senseamp.h"

#include <math.h>
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
    {"conversions", "count", "partial-sum conversions, one per column read",
     offsetof(senseamp_stats_t, conversions)},
    {"mux_selects", "count", "columns switched onto a shared sense amplifier",
     offsetof(senseamp_stats_t, mux_selects)},
    {"samples", "count", "bit-line voltages sampled and held", offsetof(senseamp_stats_t, samples)},
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
    s->n_sa = senseamp_count_for(p, cols);
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
    uint64_t conv = (uint64_t)n * cols_used;
    *cycles = n * senseamp_sense_cycles(&s->p, s->cols, cols_used);
    acc->n[ACT_SA_SENSE] += conv;
    if (s->p.cols_per_sa > 1) {
        acc->n[ACT_SA_MUX] += conv;
        s->st.mux_selects += conv;
    }
    if (s->p.sample_hold) {
        acc->n[ACT_SA_SAMPLE] += conv;
        s->st.samples += conv;
    }
    s->st.reads += n;
    s->st.conversions += conv;
    s->st.comparisons += conv * s->p.psum_bits;
    return ST_OK;
}

int senseamp_read(senseamp_t *s, uint32_t cols_used, uint64_t *cycles, act_counts_t *acc)
{
    return senseamp_read_n(s, cols_used, 1, cycles, acc);
}

uint32_t senseamp_count_for(const senseamp_params_t *p, uint32_t cols)
{
    return cols / p->cols_per_sa + (cols % p->cols_per_sa != 0);
}

uint64_t senseamp_sense_cycles(const senseamp_params_t *p, uint32_t cols, uint32_t cols_used)
{
    /* Interleaved mux: every SA serves at most this many of the used columns. */
    uint64_t n_sa = senseamp_count_for(p, cols);
    uint64_t slots = cols_used / n_sa + (cols_used % n_sa != 0);
    return slots * p->psum_bits * p->t_sense_cyc;
}

uint64_t senseamp_hold_cycles(const senseamp_params_t *p, uint32_t cols, uint32_t cols_used)
{
    return p->sample_hold ? 0 : senseamp_sense_cycles(p, cols, cols_used);
}

double senseamp_e_conv_pj(const senseamp_params_t *p)
{
    return p->fom_fj * ldexp(1.0, (int)p->psum_bits) / 1000.0;
}

double senseamp_e_mux_pj(const senseamp_params_t *p)
{
    return (double)p->cols_per_sa * p->c_mux_ff * p->v_dd_v * p->v_dd_v / 1000.0;
}

double senseamp_e_sample_pj(const senseamp_params_t *p)
{
    return p->c_sh_ff * p->v_dd_v * p->v_dd_v / 1000.0;
}

double senseamp_area_um2(const senseamp_params_t *p, uint32_t cols)
{
    double a =
        senseamp_count_for(p, cols) * (p->a_sa_um2 + p->a_lsb_um2 * ldexp(1.0, (int)p->psum_bits));
    if (p->cols_per_sa > 1)
        a += (double)cols * p->a_mux_um2;
    if (p->sample_hold)
        a += (double)cols * p->a_sh_um2;
    return a;
}

double senseamp_static_uw(const senseamp_params_t *p, uint32_t cols)
{
    return senseamp_count_for(p, cols) * p->p_sa_uw;
}

const senseamp_stats_t *senseamp_stats(const senseamp_t *s)
{
    return &s->st;
}

void senseamp_stats_reset(senseamp_t *s)
{
    s->st = (senseamp_stats_t){0};
}
