/* energy.h - actions and the per-action energy table (the Accelergy ERT split).
 *
 * Models never compute energy.  They count actions (a crossbar cell read, one sense-amp
 * comparison, one SET pulse of a dropout MTJ, one bit over the bus …) into an act_counts_t.
 * Energy is counts x per-action energy from the architecture's energy table, so a new table
 * can be applied to an old run's counts without simulating again. */
#ifndef NS_ENERGY_H
#define NS_ENERGY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Hardware components that energy is reported by (columns of the per-layer table). */
typedef enum {
    COMP_XBAR = 0, /* SOT-MRAM crossbar array: cell reads and writes */
    COMP_WLDEC,    /* word-line decoder */
    COMP_SA,       /* sense amplifiers / partial-sum readout */
    COMP_DRNG,     /* spintronic dropout modules (RNG) */
    COMP_ARB,      /* SpinBayes stochastic arbiter */
    COMP_SBUF,     /* SRAM buffers: global activation buffer and scale buffer */
    COMP_DIGITAL,  /* adder tree, activation (sign/threshold), pooling, residual add */
    COMP_BUS,      /* interconnect between tiles and the global buffer */
    COMP_LEAK,     /* static power x powered time of every block (no action books to it;
                      traces/ adds it: see trc.h) */
    COMP_COUNT
} comp_t;

/* Countable actions.  Each has one energy in the table, in pJ per action. */
typedef enum {
    ACT_XBAR_CELL_READ = 0, /* one conducting 1T-1MTJ cell biased for one clock cycle */
    ACT_XBAR_CELL_WRITE,    /* programming one cell (reported apart from inference) */
    ACT_WLDEC_DECODE,       /* one multi-row decode (enables up to max_active_rows pairs) */
    ACT_SA_SENSE,           /* one partial-sum conversion of senseamp.psum_bits bits */
    ACT_DRNG_SET,           /* one SET pulse through a dropout MTJ's heavy metal */
    ACT_DRNG_SENSE,         /* one read of a dropout MTJ's state */
    ACT_DRNG_RESET,         /* one RESET pulse back to the parallel state */
    ACT_ARB_BIT,            /* one random bit drawn inside a stochastic arbiter */
    ACT_SBUF_READ_BIT,      /* one bit read from the global buffer (SRAM) */
    ACT_SBUF_WRITE_BIT,     /* one bit written to the global buffer */
    ACT_ADD,                /* one partial-sum or residual addition */
    ACT_ACT,                /* one sign/threshold activation */
    ACT_POOL,               /* one pooling comparison or addition */
    ACT_MUL,                /* one scale multiplication (ScaleDrop, subset VI, normalization) */
    ACT_BUS_BIT,            /* one bit moved over the interconnect */
    ACT_WLDEC_WL_CHARGE,    /* one word line charged to its drive voltage (C_WL V^2) */
    ACT_SA_MUX,             /* one column switched onto a shared sense amplifier */
    ACT_SA_SAMPLE,          /* one bit-line voltage sampled on a sample-and-hold capacitor */
    ACT_LBUF_READ_BIT,      /* one bit of a conv window read from the line buffer (latches) */
    ACT_SCALE_READ_BIT,     /* one bit read from the scale buffer (thresholds, scales) */
    ACT_SCALE_WRITE_BIT,    /* one bit written to the scale buffer */
    ACT_COUNT
} act_t;

/* Counts of every action; add-only accumulator, zero it with act_counts_clear. */
typedef struct act_counts {
    uint64_t n[ACT_COUNT];
} act_counts_t;

/* Energy per action in picojoules, indexed by act_t. */
typedef struct en_table {
    double e_pj[ACT_COUNT];
} en_table_t;

/* Static description of one action. */
typedef struct act_desc {
    const char *name; /* stat name, e.g. "xbar_cell_read" */
    const char *key;  /* energy-table YAML key, e.g. "e_xbar_cell_read_pj" */
    comp_t comp;      /* component its energy is booked to */
    const char *desc; /* one line */
} act_desc_t;

/* Descriptor of action a (a < ACT_COUNT), never NULL. */
const act_desc_t *act_desc(act_t a);

/* Lower-case component name ("xbar", "drng", …) of c (c < COMP_COUNT). */
const char *comp_name(comp_t c);

void act_counts_clear(act_counts_t *c);

/* dst += src, action by action. */
void act_counts_add(act_counts_t *dst, const act_counts_t *src);

/* Total energy of counts c under table t, in pJ. */
double en_total_pj(const en_table_t *t, const act_counts_t *c);

/* Energy of counts c under table t, split by component: out_pj[COMP_COUNT]. */
void en_by_comp_pj(const en_table_t *t, const act_counts_t *c, double out_pj[COMP_COUNT]);

#ifdef __cplusplus
}
#endif
#endif
