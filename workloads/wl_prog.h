/* wl_prog.h - the operation program of each layer: what one MC pass of a layer does, as a
 * short list of operations, built once from the layer, its mapping and the architecture.
 *
 * This is the one place that says which operations a layer issues, on which resource, how
 * large, how often and which of them overlap.  Its readers only interpret it:
 *  - the SystemC engine (sim/engine/engine.cpp) sends each operation to its block and waits;
 *  - the analytic mode (sim/core/analytic.c) sums the models' costs over it;
 *  - the estimators (sim/core/limits.c: transactions, traces, memory; the --vcd size) count it.
 * Adding a block (or an operation) touches the builder here and the per-kind switch of each
 * reader, never a hand-written copy of a layer's sequence.
 *
 * The scenario shows in the program through the map: a deterministic layer (not selected
 * by scenario.bayes_layers) has no draw; SpinDrop with scenario.conv_mask activation draws
 * the input activations once per pass (set-up) and expands them per vector; ScaleDrop
 * with scenario.scale_apply threshold draws, then reads the selected threshold set, and
 * has no scale read or multiply.
 *
 * Set-up data (thresholds of periph.thresh_bits bits, the scale vector or gamma/beta) is read
 * once per pass, or once per image (a step marked `once`) when the layer's share fits in
 * the threshold registers (periph.resident_bits, given out greedily in network order).
 *
 * A layer's program has two phases of steps:
 *
 *   pass:  setup[0] setup[1] ...                  once per MC pass
 *   items: body[0] body[1] ...   x items          rows x row_items times per pass
 *
 * A step occupies one resource.  Its operations run one after another under one grant of a
 * shared resource (the step lasts their sum, at least one cycle); a tile step (one MVM
 * operation over `count` slices) reads the slices in parallel and lasts the slowest; a
 * dropout or arbiter step lasts its draw.  A step marked `overlap` runs alongside the next
 * step (a parallel group of two): the layer goes on when both are done.  docs/timing.md
 * gives the timing rules; the program never holds cycle counts, only what to ask the
 * models.  A program is small (at most WL_PROG_MAX_STEPS steps, WL_PROG_MAX_OPS operations
 * per layer) and interpreting it needs no allocation. */
#ifndef NS_WL_PROG_H
#define NS_WL_PROG_H

#include <stdint.h>

#include "arch.h"
#include "wl.h"
#include "wl_map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types ---- */

/* Where an operation runs.  The first WL_RES_SHARED are shared by every layer, each behind
 * an arbiter; the others belong to the layer. */
typedef enum {
    WL_RES_GBUF = 0,  /* global activation path: the bus, then the global buffer port */
    WL_RES_PERIPH,    /* digital periphery (adder tree, scale, activation, pool, add) */
    WL_RES_SCALE_BUF, /* scale buffer port (thresholds, scale vector, gamma/beta) */
    WL_RES_TILES,     /* the layer's crossbar tiles */
    WL_RES_DRNG,      /* the layer's dropout modules */
    WL_RES_ARB,       /* the layer's SpinBayes arbiter */
    WL_RES_COUNT
} wl_res_t;
#define WL_RES_SHARED 3u /* resources [0, WL_RES_SHARED) are arbitrated between layers */

/* What an operation asks its block. */
typedef enum {
    WL_OP_READ = 0, /* buffer read of n bits (on WL_RES_GBUF the bits also cross the bus);
                       arg: window bits then read from the line buffer (0: none) */
    WL_OP_WRITE,    /* buffer write of n bits (likewise) */
    WL_OP_MVM,      /* read slices [slice, slice + count) of the layer's map in parallel;
                       n: the layer's columns (weight-mask stride, 0 when no weight mask);
                       arg: MTJs conducting per weight cell */
    WL_OP_DRAW,     /* draw n random units (a mask) */
    WL_OP_EXPAND,   /* route the pass's unit mask to the item's word-line pairs (wiring) */
    WL_OP_SELECT,   /* the arbiter's one-hot pick of a crossbar copy for the pass */
    WL_OP_REDUCE,   /* adder tree: arg partial sums for each of n outputs */
    WL_OP_SCALE,    /* n scale multiplications */
    WL_OP_NORM,     /* n affine transforms and inverted normalizations */
    WL_OP_ACTIVATE, /* n sign/threshold activations */
    WL_OP_SAMPLE,   /* n scale samples mu + sigma * eps */
    WL_OP_POOL,     /* n pooled outputs over windows of arg inputs */
    WL_OP_ADD,      /* n residual additions */
    WL_OP_COUNT
} wl_op_kind_t;

/* Operation flags: which of the layer's mask buffers an operation fills or reads.
 *  OUT_ROWS   DRAW/EXPAND: fills the item's word-line-pair mask (its undriven pairs count
 *             as rows dropped)
 *  OUT_UNITS  DRAW: fills the pass's unit mask
 *  IN_ROWS    MVM: gated by the item's pair mask
 *  IN_UNITS   MVM: gated by the pass's unit mask, one unit per weight (DropConnect);
 *             EXPAND: its source
 *  PICKED     MVM: reads the crossbar copy the pass's SELECT picked (slice + pick x
 *             copy_slices) */
#define WL_OPF_OUT_ROWS 0x01u
#define WL_OPF_OUT_UNITS 0x02u
#define WL_OPF_IN_ROWS 0x04u
#define WL_OPF_IN_UNITS 0x08u
#define WL_OPF_PICKED 0x10u

typedef struct wl_op {
    uint8_t kind;  /* wl_op_kind_t */
    uint8_t flags; /* WL_OPF_* */
    uint16_t pad_;
    uint32_t arg;   /* REDUCE: partial sums; POOL: window elements; MVM: MTJs per cell;
                       READ: line-buffer window bits */
    uint32_t slice; /* MVM: first slice, an index into the layer's wl_layer_map_t slices */
    uint32_t count; /* MVM: slices read in parallel (transactions); else 1 */
    uint64_t n;     /* READ/WRITE: bits; DRAW: units; periphery: elements; MVM: see above */
} wl_op_t;

typedef struct wl_step {
    uint8_t res;     /* wl_res_t */
    uint8_t overlap; /* 1: runs alongside the next step; the layer goes on when both end */
    uint8_t first;   /* its operations: ops[first, first + n_ops) of the layer */
    uint8_t n_ops;
    uint8_t once; /* a set-up step that runs in the layer's first pass only: the load of
                     set-up data that stays resident in the threshold registers */
} wl_step_t;

#define WL_PROG_MAX_STEPS 12u
#define WL_PROG_MAX_OPS 16u

/* The input rows an output row waits for (pipelined schedule). */
typedef enum {
    WL_DEP_ALL = 0, /* the whole input (fc) */
    WL_DEP_ROW,     /* the same row of each input (add) */
    WL_DEP_WINDOW   /* rows up to row x stride + k - 1 - pad (conv, pool) */
} wl_dep_t;

/* wl_prog_rows_needed: every row of the input. */
#define WL_PROG_ALL_ROWS UINT32_MAX

typedef struct wl_prog_layer {
    uint8_t n_setup;  /* steps[0, n_setup): once per pass */
    uint8_t n_body;   /* steps[n_setup, n_setup + n_body): once per item */
    uint8_t n_ops;    /* ops used */
    uint8_t line_buf; /* 1: a conv whose K input rows fit the line buffer (gbuf.line_bits) */
    wl_step_t steps[WL_PROG_MAX_STEPS];
    wl_op_t ops[WL_PROG_MAX_OPS];
    uint32_t items;     /* body repeats per pass: input vectors (n_mvm), or output rows of
                           a pool/add layer */
    uint32_t rows;      /* output rows per pass, the unit of progress other layers wait
                           on (fc: 1); items = rows x row_items */
    uint32_t row_items; /* items per output row (conv: wout; fc, pool, add: 1) */
    uint32_t dep;       /* wl_dep_t */
    uint32_t dep_stride, dep_k, dep_pad, dep_hin; /* WL_DEP_WINDOW's geometry */
    int32_t src[2];       /* layers whose output it reads (-1: none or the network input) */
    uint32_t copy_slices; /* slices per crossbar copy (WL_OPF_PICKED) */
    uint32_t drng_share;  /* word-line pairs per dropout module for this layer's draws,
                             0 = the architecture's dropout.share */
    double p;             /* probability of a unit being 1 (dropped), for expected counts */
} wl_prog_layer_t;

typedef struct wl_prog {
    uint32_t n_layers;
    wl_prog_layer_t *layers; /* owned, one per net layer */
    uint32_t prefix;         /* layers [0, prefix) run in pass 0 only (chip.reuse_prefix) */
    uint64_t held_bits;      /* their outputs that later layers read, held in the global
                                buffer across the passes */
} wl_prog_t;

/* ---- Lifecycle ---- */

/* Builds the program of every layer of net, mapped by map on arch (a map made by
 * wl_map_build for this net and arch).  ST_OK; ST_EINVAL (NULL argument, or map and net
 * of different lengths); ST_ENOMEM.  *out untouched on error; free with wl_prog_destroy. */
int wl_prog_build(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, wl_prog_t **out);
void wl_prog_destroy(wl_prog_t *p); /* NULL is a no-op */

/* Builds layer i's program into *out, without allocating.  arch may be NULL for the
 * structure alone (steps and counts; the sizes that come from the architecture are 0). */
void wl_prog_layer_build(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t i,
                         wl_prog_layer_t *out);

/* The prefix-reuse decision, taken once for the network: with arch->reuse_prefix, the
 * layers before the first Bayesian one (none when every layer is deterministic, since then
 * all passes are equal and all are kept).  Returns their count and sets *held_bits (may be
 * NULL) to the bits of their outputs that a later layer reads. */
uint32_t wl_prog_prefix(const wl_net_t *net, const wl_map_t *map, const arch_t *arch,
                        uint64_t *held_bits);

/* ---- Queries ---- */

/* Input rows output row `row` of layer pl waits for, or WL_PROG_ALL_ROWS. */
uint32_t wl_prog_rows_needed(const wl_prog_layer_t *pl, uint32_t row);

/* Transactions (operations sent to a block; an MVM sends one per slice) of one pass of
 * pl, saturating at UINT64_MAX. */
uint64_t wl_prog_layer_transactions(const wl_prog_layer_t *pl);

/* Steps executed in one pass of pl (each one a busy/idle pulse of a block), saturating. */
uint64_t wl_prog_layer_steps(const wl_prog_layer_t *pl);

/* 1 when layer program pl sends operations to resource res (a wl_res_t), else 0. */
int wl_prog_uses(const wl_prog_layer_t *pl, uint32_t res);

/* Passes layer i runs in a run of T passes: 1 inside the reused prefix, else T. */
uint32_t wl_prog_passes(const wl_prog_t *p, uint32_t i, uint32_t T);

/* Name of an operation kind ("read", "mvm", ...) or of a resource ("gbuf", "tiles", ...),
 * "?" when out of range: for tests and debugging dumps. */
const char *wl_op_name(uint32_t kind);
const char *wl_res_name(uint32_t res);

#ifdef __cplusplus
}
#endif
#endif
