/* sim.h - a run as the core sees it (C11, no SystemC): the job, the one-time weight
 * programming cost, and the analytic mode, which sums the models' costs over the layers'
 * operation programs (workloads/wl_prog.h).  The SystemC engine (sim/engine/engine.h)
 * interprets the same programs in event or cycle timing; the commands (sim/cmd/) choose one.
 */
#ifndef NS_SIM_H
#define NS_SIM_H

#include <signal.h>
#include <stdint.h>

#include "arch.h"
#include "trc.h"
#include "wl.h"
#include "wl_map.h"
#include "wl_prog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How time advances (`--timing`; docs/timing.md). */
typedef enum {
    SIM_TIMING_EVENT = 0, /* SystemC/TLM-2.0, events only at operation boundaries */
    SIM_TIMING_CYCLE,     /* the same engines clocked, stepping each cycle: a consistency check
                             of the event kernel, not an independent reference (that is rtl/) */
    SIM_TIMING_ANALYTIC   /* closed-form per-layer formulas, no SystemC (analytic.c) */
} sim_timing_t;

typedef struct sim_job {
    const arch_t *arch;
    const wl_net_t *net;
    const wl_map_t *map;
    uint32_t T;                  /* MC passes, >= 1 */
    uint64_t seed;               /* master seed of every dropout module */
    const trc_layer_t *layers;   /* [net->n_layers], for the writers */
    trc_sum_t *sum;              /* receives every record */
    trc_out_t *out;              /* trace files, or NULL */
    volatile sig_atomic_t *stop; /* non-zero: stop at the next layer boundary (SIGINT), or NULL */
    uint32_t timing;             /* sim_timing_t */
    const char *vcd_path;        /* write block busy/idle waveforms here (event, cycle), or NULL */
    uint64_t device_seed;        /* the chip instance: each dropout module's device variation
                                    and calibration residue (seed: only the masks) */
    const char *trace_tx_path;   /* write the per-transaction trace here (event, cycle), or NULL */
} sim_job_t;

/* Cost of programming the weights once, before inference (reported apart). */
typedef struct sim_prog {
    uint64_t cycles; /* tiles program in parallel: the slowest tile */
    act_counts_t acts;
} sim_prog_t;

/* The analytic mode (analytic.c, C): the same layer records from closed-form per-layer
 * formulas over the same C models, without SystemC.  Cycles are exact for the layer
 * schedule (nothing contends there); with the pipelined schedule each layer reports its
 * own busy cycles and the image latency is a lower bound (docs/timing.md).  Energy uses
 * expected mask counts instead of sampled masks.  ST_OK; ST_EIO (trace write failed),
 * ST_ERANGE/ST_EINVAL (a model refused a request: reported in err), ST_ENOMEM; 1 when
 * stopped by *job->stop. */
int sim_analytic(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn);

/* Per-layer entry point of the analytic mode, for in-process sweeps: the record sim_analytic
 * gives layer i in its first pass (first[i]) and in a later pass (later[i]), with layer,
 * cycles, acts, rng_bits and rng_cycles set (pass and start_cyc 0), and passes[i], the passes
 * that run the layer (later ones are empty records).  Only layers with need[i] are filled
 * (need NULL: all); passes[] always.  Arrays of net->n_layers.  Returns as sim_analytic. */
int sim_analytic_layers(const sim_job_t *job, const unsigned char *need, trc_rec_t *first,
                        trc_rec_t *later, uint32_t *passes, char *err, size_t errn);

/* Estimated waveform changes of a run (two per block operation): what --vcd would write. */
uint64_t sim_estimate_toggles(const wl_net_t *net, const wl_map_t *map, uint32_t T);

#ifdef __cplusplus
}
#endif
#endif
