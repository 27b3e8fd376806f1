/* sbuf.c - single-ported SRAM buffer: one word per access time, energy per bit moved. */
#include "sbuf.h"

#include <math.h>

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"

struct sbuf {
    sbuf_params_t p;
    uint64_t cap_bits; /* words * word_bits */
    sbuf_stats_t st;
};

const stat_desc_t sbuf_stat_descs[] = {
    {"word_reads", "count", "words read", offsetof(sbuf_stats_t, word_reads)},
    {"word_writes", "count", "words written", offsetof(sbuf_stats_t, word_writes)},
    {"bits_read", "bit", "bits read (packed)", offsetof(sbuf_stats_t, bits_read)},
    {"bits_written", "bit", "bits written (packed)", offsetof(sbuf_stats_t, bits_written)},
    {"line_bits_read", "bit", "window bits read from the line buffer",
     offsetof(sbuf_stats_t, line_bits_read)},
};
const unsigned sbuf_stat_ndescs = sizeof sbuf_stat_descs / sizeof sbuf_stat_descs[0];

int sbuf_create(const sbuf_params_t *p, sbuf_t **out)
{
    if (!p || !out || p->words == 0 || p->word_bits == 0 || p->word_bits > 4096 ||
        p->t_read_cyc == 0 || p->t_write_cyc == 0)
        return ST_EINVAL;
    sbuf_t *s = st_calloc(1, sizeof *s);
    if (!s)
        return ST_ENOMEM;
    s->p = *p;
    s->cap_bits = sbuf_capacity_bits(p);
    *out = s;
    return ST_OK;
}

void sbuf_destroy(sbuf_t *s)
{
    free(s);
}

uint64_t sbuf_capacity_bits(const sbuf_params_t *p)
{
    return (uint64_t)p->words * p->word_bits;
}

/* Shared body of read and write: one word per t_cyc, the energy of the bits moved. */
static int sbuf_access(sbuf_t *s, uint64_t bits, uint32_t t_cyc, act_t act, uint64_t *words,
                       uint64_t *nbits, uint64_t *cycles, act_counts_t *acc)
{
    if (bits > s->cap_bits)
        return ST_ERANGE;
    /* bits <= words * 4096 < 2^44, so none of these products can wrap. */
    uint64_t w = bits / s->p.word_bits + (bits % s->p.word_bits != 0);
    *cycles = w * t_cyc;
    acc->n[act] += bits;
    *words += w;
    *nbits += bits;
    return ST_OK;
}

int sbuf_read(sbuf_t *s, uint64_t bits, uint64_t *cycles, act_counts_t *acc)
{
    if (!s || !cycles || !acc)
        return ST_EINVAL;
    return sbuf_access(s, bits, s->p.t_read_cyc,
                       s->p.scale ? ACT_SCALE_READ_BIT : ACT_SBUF_READ_BIT, &s->st.word_reads,
                       &s->st.bits_read, cycles, acc);
}

int sbuf_write(sbuf_t *s, uint64_t bits, uint64_t *cycles, act_counts_t *acc)
{
    if (!s || !cycles || !acc)
        return ST_EINVAL;
    return sbuf_access(s, bits, s->p.t_write_cyc,
                       s->p.scale ? ACT_SCALE_WRITE_BIT : ACT_SBUF_WRITE_BIT, &s->st.word_writes,
                       &s->st.bits_written, cycles, acc);
}

int sbuf_line_read(sbuf_t *s, uint64_t bits, act_counts_t *acc)
{
    if (!s || !acc)
        return ST_EINVAL;
    if (bits > s->p.line_bits)
        return ST_ERANGE;
    acc->n[ACT_LBUF_READ_BIT] += bits;
    s->st.line_bits_read += bits;
    return ST_OK;
}

const sbuf_stats_t *sbuf_stats(const sbuf_t *s)
{
    return &s->st;
}

void sbuf_stats_reset(sbuf_t *s)
{
    s->st = (sbuf_stats_t){0};
}

double sbuf_e_bit_pj(uint64_t capacity_bits, double node_nm)
{
    /* Horowitz (ISSCC 2014), 45 nm: (capacity in bits, pJ per 64-bit read) */
    static const double cap[3] = {8.0 * 8192, 32.0 * 8192, 1024.0 * 8192};
    static const double e64[3] = {10.0, 20.0, 100.0};
    const double c = capacity_bits ? (double)capacity_bits : 1.0;
    const int seg = c <= cap[1] ? 0 : 1; /* the segment it lies on or extrapolates from */
    const double slope = log(e64[seg + 1] / e64[seg]) / log(cap[seg + 1] / cap[seg]);
    const double e = e64[seg] * pow(c / cap[seg], slope);
    return e / 64.0 * (node_nm / 45.0);
}

double sbuf_area_per_bit_um2(uint64_t capacity_bits)
{
    double eff = capacity_bits <= 65536u ? 0.5 : capacity_bits <= 1048576u ? 0.6 : 0.7;
    return SBUF_CELL_UM2 / eff;
}

double sbuf_area_um2(const sbuf_params_t *p)
{
    uint64_t bits = sbuf_capacity_bits(p);
    return (double)bits * sbuf_area_per_bit_um2(bits);
}

double sbuf_static_uw(const sbuf_params_t *p)
{
    return (double)sbuf_capacity_bits(p) * SBUF_P_BIT_NW / 1000.0;
}
