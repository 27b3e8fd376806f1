/* sim_limits.h - what a run will cost, estimated from the map before anything is elaborated,
 * and the limits `neuspin run` refuses a run over (--max-events, --max-trace-mb,
 * --max-mem-mb).  Pure C: no SystemC, so the arithmetic is unit-tested on its own
 * (tests/sim/check_limits.c counts a small network by hand).
 *
 * The estimates count the layers' operation programs (workloads/wl_prog.h), which the
 * engine in sim.cpp interprets:
 *  - transactions: TLM b_transport calls through the bus: every operation of a layer's
 *    program (an MVM one per crossbar slice), its set-up once per pass and its body once
 *    per item, over the passes the layer runs (a reused prefix runs once).  Exact for the
 *    event-driven model (checked against the bus adapter's transport count); the cycle
 *    mode makes the same transactions and also steps every clock.
 *  - trace bytes: layers.csv and stats.csv, a row per layer x pass (stats.csv: every action
 *    and component counted as present, so an upper bound) and the block counters.
 *  - memory: dropout-bank thresholds and module probabilities (16 bytes per unit), each
 *    layer's mask words, a module per crossbar slice, an SC_THREAD stack per layer. */
#ifndef NS_SIM_LIMITS_H
#define NS_SIM_LIMITS_H

#include <stdint.h>

#include "arch.h"
#include "wl.h"
#include "wl_map.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_estimate {
    uint64_t transactions; /* TLM transactions of the whole run (all T passes) */
    uint64_t trace_bytes;  /* layers.csv + stats.csv */
    uint64_t mem_bytes;    /* peak memory of the elaborated model */
} sim_estimate_t;

typedef struct sim_limits {
    uint64_t max_events;   /* transactions; 0 = no limit */
    uint64_t max_trace_mb; /* MiB of traces; 0 = no limit */
    uint64_t max_mem_mb;   /* MiB of model memory; 0 = no limit */
} sim_limits_t;

#define SIM_DEFAULT_MAX_EVENTS 2000000000ull /* ~20-200 s of the event model */
#define SIM_DEFAULT_MAX_TRACE_MB 4096ull     /* 4 GiB of CSV */
#define SIM_DEFAULT_MAX_MEM_MB 8192ull       /* 8 GiB */

/* Bytes the estimate charges for pieces of the model, calibrated on the peak RSS of runs
 * (ResNet-18 under mc_dropconnect: 11M units, 188 MB measured, 216 MB estimated; on 16x16
 * crossbars: 43,000 tiles, 179 MB measured, 217 MB estimated). */
#define SIM_MEM_PER_UNIT 16u           /* a dropout unit: 8-byte threshold + module p */
#define SIM_MEM_PER_SLICE 4096u        /* a tile: model, adapter module and socket */
#define SIM_MEM_PER_LAYER (320u << 10) /* an engine: its SC_THREAD stack and buffers */
#define SIM_MEM_BASE (16u << 20)       /* the SystemC kernel, the program, the loaders */

/* The defaults above. */
void sim_limits_default(sim_limits_t *l);

/* Estimates the run of net mapped by map on arch for T passes (saturating at UINT64_MAX). */
void sim_estimate(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                  sim_estimate_t *e);

/* Transactions of layer i in one pass (the per-pass part of sim_estimate), saturating. */
uint64_t sim_estimate_layer_transactions(const wl_net_t *net, const wl_map_t *map,
                                         const arch_t *arch, uint32_t i);

/* Compares e with l.  ST_OK, or ST_ERANGE with the one-line reason of the first limit
 * exceeded in err ("the run needs an estimated N transactions (limit M); raise it with
 * --max-events").  count_events: 0 when the timing mode makes no transactions (analytic);
 * with_traces: 0 when no trace is written. */
int sim_limits_check(const sim_estimate_t *e, const sim_limits_t *l, int count_events,
                     int with_traces, char *err, size_t errn);

#ifdef __cplusplus
}
#endif
#endif
