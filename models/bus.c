/* bus.c - shared interconnect: fixed hop latency plus width-limited serialisation. */
#include "bus.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"

struct bus {
    bus_params_t p;
    bus_stats_t st;
};

const stat_desc_t bus_stat_descs[] = {
    {"transfers", "count", "transfers (a broadcast is one)", offsetof(bus_stats_t, transfers)},
    {"bits", "bit", "bits moved", offsetof(bus_stats_t, bits)},
};
const unsigned bus_stat_ndescs = sizeof bus_stat_descs / sizeof bus_stat_descs[0];

int bus_create(const bus_params_t *p, bus_t **out)
{
    if (!p || !out || p->width_bits == 0)
        return ST_EINVAL;
    bus_t *b = st_calloc(1, sizeof *b);
    if (!b)
        return ST_ENOMEM;
    b->p = *p;
    *out = b;
    return ST_OK;
}

void bus_destroy(bus_t *b)
{
    free(b);
}

int bus_transfer(bus_t *b, uint64_t bits, uint64_t *cycles, act_counts_t *acc)
{
    if (!b || !cycles || !acc || bits == 0)
        return ST_EINVAL;
    uint64_t beats = bits / b->p.width_bits + (bits % b->p.width_bits != 0);
    uint64_t c;
    if (__builtin_add_overflow(beats, (uint64_t)b->p.t_hop_cyc, &c))
        return ST_ERANGE;
    *cycles = c;
    acc->n[ACT_BUS_BIT] += bits;
    b->st.transfers++;
    b->st.bits += bits;
    return ST_OK;
}

const bus_stats_t *bus_stats(const bus_t *b)
{
    return &b->st;
}

void bus_stats_reset(bus_t *b)
{
    b->st = (bus_stats_t){0};
}

double bus_area_um2(const bus_params_t *p)
{
    return p->width_bits * BUS_A_BIT_UM2;
}

double bus_static_uw(const bus_params_t *p)
{
    return p->width_bits * BUS_P_BIT_NW / 1000.0;
}
