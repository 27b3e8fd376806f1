/* limits.c - run-cost estimates and limits (see sim_limits.h). */
#include "sim_limits.h"

#include <stdio.h>
#include <string.h>

#include "base/status.h"
#include "drng.h"
#include "sbuf.h"
#include "tile.h"
#include "xbar.h"
#include "wldec.h"
#include "senseamp.h"
#include "periph.h"
#include "bus.h"
#include "arb.h"
#include "wl_prog.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

void sim_limits_default(sim_limits_t *l)
{
    l->max_events = SIM_DEFAULT_MAX_EVENTS;
    l->max_trace_mb = SIM_DEFAULT_MAX_TRACE_MB;
    l->max_mem_mb = SIM_DEFAULT_MAX_MEM_MB;
}

uint64_t sim_estimate_layer_transactions(const wl_net_t *net, const wl_map_t *map,
                                         const arch_t *arch, uint32_t i)
{
    wl_prog_layer_t pl;
    wl_prog_layer_build(net, map, arch, i, &pl);
    return wl_prog_layer_transactions(&pl);
}

/* Bytes of one layers.csv row and of the stats.csv rows of one record, as trc.c writes
 * them: fixed fields at their widest plausible length plus the layer name. */
static uint64_t record_bytes(const wl_layer_t *l)
{
    uint64_t name = strlen(l->name) + 2; /* possibly quoted */
    uint64_t layers_row = 240 + name;    /* 8 counters, 9 energies, cycles, … */
    uint64_t stats_rows = 2 + ACT_COUNT + COMP_COUNT;
    return layers_row + stats_rows * (56 + name);
}

void sim_estimate(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                  sim_estimate_t *e)
{
    uint64_t trans = 0, rec = 0, slices = 0, units = 0, masks = 0, banks = 0, arbs = 0;
    const uint32_t prefix = wl_prog_prefix(net, map, arch, NULL);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_map_t *m = &map->layers[i];
        const uint32_t passes = i < prefix ? 1 : T; /* a reused prefix runs once */
        trans = add_sat(trans, mul_sat(sim_estimate_layer_transactions(net, map, arch, i), passes));
        rec = add_sat(rec, record_bytes(&net->layers[i]));
        slices = add_sat(slices, m->n_slices);
        /* Engine: a mask word per 64 rows and per 64 units, plus one each. */
        uint64_t words = (uint64_t)m->rows / 64 + (m->rows % 64 != 0) + 1 + m->units / 64 +
                         (m->units % 64 != 0) + 1;
        masks = add_sat(masks, mul_sat(words, 8));
        if (m->sto == WL_STO_VECTOR || m->sto == WL_STO_PASS) {
            units = add_sat(units, m->units);
            banks++;
        } else if (m->sto == WL_STO_ARBITER) {
            arbs++;
        }
    }
    e->transactions = trans;

    /* stats.csv block rows (sim.cpp dump_blocks): every tile's five blocks, every bank or
     * arbiter, the shared blocks; about 48 bytes each. */
    uint64_t per_tile =
        tile_stat_ndescs + xbar_stat_ndescs + wldec_stat_ndescs + senseamp_stat_ndescs + 1;
    uint64_t block_rows = mul_sat(slices, per_tile) + banks * drng_stat_ndescs +
                          arbs * arb_stat_ndescs + 2 * sbuf_stat_ndescs + periph_stat_ndescs +
                          bus_stat_ndescs + 1;
    e->trace_bytes = add_sat(add_sat(mul_sat(rec, T), mul_sat(block_rows, 48)), 256);

    uint64_t mem = SIM_MEM_BASE;
    mem = add_sat(mem, mul_sat(units, SIM_MEM_PER_UNIT));
    mem = add_sat(mem, masks);
    mem = add_sat(mem, mul_sat(slices, SIM_MEM_PER_SLICE));
    mem = add_sat(mem, mul_sat(net->n_layers, SIM_MEM_PER_LAYER));
    mem = add_sat(mem, mul_sat(arch->tiles, sizeof(unsigned))); /* the tile port table */
    e->mem_bytes = mem;
}

/* N MiB, rounded up. */
static uint64_t mib(uint64_t bytes)
{
    return bytes / (1u << 20) + (bytes % (1u << 20) != 0);
}

int sim_limits_check(const sim_estimate_t *e, const sim_limits_t *l, int count_events,
                     int with_traces, char *err, size_t errn)
{
    if (count_events && l->max_events && e->transactions > l->max_events) {
        snprintf(err, errn,
                 "the run needs an estimated %llu transactions (limit %llu); raise it "
                 "with --max-events",
                 (unsigned long long)e->transactions, (unsigned long long)l->max_events);
        return ST_ERANGE;
    }
    if (with_traces && l->max_trace_mb && mib(e->trace_bytes) > l->max_trace_mb) {
        snprintf(err, errn,
                 "the run's traces need an estimated %llu MB (limit %llu MB); raise "
                 "it with --max-trace-mb",
                 (unsigned long long)mib(e->trace_bytes), (unsigned long long)l->max_trace_mb);
        return ST_ERANGE;
    }
    if (l->max_mem_mb && mib(e->mem_bytes) > l->max_mem_mb) {
        snprintf(err, errn,
                 "the run needs an estimated %llu MB of memory (limit %llu MB); raise "
                 "it with --max-mem-mb",
                 (unsigned long long)mib(e->mem_bytes), (unsigned long long)l->max_mem_mb);
        return ST_ERANGE;
    }
    return ST_OK;
}
