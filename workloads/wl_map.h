/* wl_map.h - mappers: place each conv/fc layer's binary weight matrix on crossbar tiles.
 *
 * A layer's logical matrix has rows = K*K*Cin word-line pairs (fc: the flattened inputs) and
 * cols = Cout, with row index r = kpos * Cin + c (kpos = kh * K + kw), the same order under
 * both strategies, so a dropout mask bit means the same input under both.
 *  - Strategy 1 (im2col, NeuroSim "conventional"): each K*K*Cin kernel is unrolled into one
 *    column; rows are split into ceil(rows / X) row groups and cols into ceil(Cout / Y)
 *    column groups (X x Y crossbar), one tile per (row group, column group).
 *  - Strategy 2 (kernel split, NeuroSim "novel"): each kernel position kpos gets its own
 *    crossbars of Cin x Cout; Cin is split into ceil(Cin / X) row groups per kpos, so there
 *    are K*K*ceil(Cin / X) row groups, times ceil(Cout / Y) column groups.
 *  fc layers and 1x1 convolutions map the same under both.
 * Every row group yields one partial sum per column per read step; the adder tree adds
 * n_psum = sum over row groups of read steps.  Tiles are assigned in layer order, each tile
 * to one layer (weight-stationary, no reprogramming between layers or passes).
 *
 * The architecture's scenario (block scenario) decides which crossbar layers with dropout
 * p > 0 are Bayesian: all, the last N, or a named list; the rest are deterministic.  Its
 * Bayesian scheme (dropout.impl) decides what a Bayesian layer costs: its random units, RNG modules
 * and extra memory, and for SpinBayes (arbiter.k crossbar copies) and subset VI (a scale crossbar)
 * extra tiles. docs/schemes.md gives every formula and its source. */
#ifndef NS_WL_MAP_H
#define NS_WL_MAP_H

#include <stdint.h>

#include "arch.h"
#include "wl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tile's share of a layer. */
typedef struct wl_slice {
    uint32_t tile;    /* physical tile index, < arch tiles */
    uint32_t row_off; /* first row in the layer's row vector */
    uint32_t rows;    /* rows on this tile */
    uint32_t col_off; /* first column (output channel) */
    uint32_t cols;    /* columns on this tile */
} wl_slice_t;

/* How a Bayesian layer draws its randomness (from the architecture's scheme). */
typedef enum {
    WL_STO_NONE = 0, /* deterministic layer */
    WL_STO_VECTOR,   /* a draw of `units` bits per input vector (SpinDrop) */
    WL_STO_PASS,     /* a draw of `units` bits per MC pass (MC-Dropout, DropConnect,
                        Spatial-SpinDrop, ScaleDrop, Affine Dropout, subset VI) */
    WL_STO_ARBITER   /* a one-hot selection among `copies` crossbar sets per pass (SpinBayes) */
} wl_sto_t;

/* What the units of a draw gate. */
typedef enum {
    WL_GRAN_ROW = 0, /* one unit per word-line pair (row) */
    WL_GRAN_NEURON,  /* one per input neuron (activation), expanded to rows per vector */
    WL_GRAN_CHANNEL, /* one per input channel, expanded to the K*K rows of each channel */
    WL_GRAN_WEIGHT,  /* one per weight (row-major rows x cols) */
    WL_GRAN_SCALAR   /* scalar masks (scale, gamma/beta) or scale samples: rows all driven */
} wl_gran_t;

/* Digital work per output element after the adder tree. */
typedef enum {
    WL_POST_NONE = 0,
    WL_POST_SCALE, /* multiply by the (sampled or dropped) scale: ScaleDrop, subset VI */
    WL_POST_NORM   /* affine transform then inverted normalization: Affine Dropout */
} wl_post_t;

typedef struct wl_layer_map {
    uint32_t strategy;     /* 1 or 2; 0 for layers without crossbars (pool, add) */
    uint32_t rows, cols;   /* logical matrix (0 for pool/add) */
    uint32_t n_mvm;        /* input vectors per pass: hout * wout (fc: 1) */
    uint32_t row_groups;   /* distinct row ranges */
    uint32_t col_groups;   /* of one copy (SpinBayes: ceil(cols * cpw / Y), see copies) */
    uint32_t n_psum;       /* partial sums per output per read: sum of read steps of groups */
    uint32_t n_slices;     /* tiles used = copies * row_groups * col_groups + n_extra */
    wl_slice_t *slices;    /* owned; copy-major, row-group major within a copy, then the
                              n_extra scale-crossbar slices */
    uint64_t weight_bits;  /* rows * cols binary weights */
    uint64_t cells_used;   /* 2 * weight_bits (complementary 1T-1MTJ pairs), + bayes_cells
                              for subset VI; SpinBayes: bayes_cells (multi-level cells) */
    uint64_t cells_alloc;  /* 2 * X * Y per binary slice, X * Y per multi-level slice (one
                              multi-level cell per crosspoint: SpinBayes copies, the subset-VI
                              scale crossbar) */
    uint32_t drng_modules; /* physical RNG modules of the layer (docs/schemes.md); for
                              SpinDrop the sum over row groups of ceil(rows / share); 0 when
                              the layer is deterministic, and for SpinBayes, whose one
                              arbiter per Bayesian layer is counted apart */
    /* ---- Bayesian scheme (all zero / NONE for a deterministic layer) ---- */
    uint32_t sto;           /* wl_sto_t */
    uint32_t gran;          /* wl_gran_t of the units */
    uint64_t units;         /* random bits per draw (SpinBayes: bits per arbiter try) */
    double p;               /* probability of a unit being 1 (dropped): the layer's p, the
                               adaptive p for ScaleDrop, 0.5 for subset-VI sample bits and
                               SpinBayes arbiter bits */
    uint64_t rng_bits_pass; /* random bits per pass (SpinBayes: without rejected tries) */
    uint32_t copies;        /* crossbar sets: arbiter.k for SpinBayes, else 1 (0 for pool/add).
                               slices[] holds copies x slices_per_copy entries, copy-major.
                               A SpinBayes copy puts cpw = ceil(param_bits / mlc bits) cells
                               of weight (r, c) in columns c * cpw .. c * cpw + cpw - 1, so
                               its slices' col_off/cols count cell columns */
    uint32_t slices_per_copy;
    uint32_t n_extra;     /* subset VI: slices of the scale crossbar, after the copies in
                             slices[] (n_slices = copies * slices_per_copy + n_extra) */
    uint32_t cell_mtjs;   /* MTJs conducting per weight cell read: 1 for binary pairs,
                             bayes.mtjs_per_cell for SpinBayes (the subset-VI scale
                             crossbar's cells also have bayes.mtjs_per_cell MTJs) */
    uint32_t post;        /* wl_post_t */
    uint64_t bayes_bits;  /* Bayesian-parameter memory in bits (posterior samples, mean and
                             deviation of the scale) */
    uint64_t bayes_cells; /* cells holding them (multi-level SOT cells) */
    uint64_t sram_bits;   /* scale vector / gamma-beta bits held in the SRAM scale buffer;
                             ScaleDrop's threshold form: the alternative thresholds, one
                             scale-buffer word per output */
    uint32_t alt_thresh;  /* 1: ScaleDrop's threshold form (scenario.scale_apply threshold):
                             the pass's mask selects which of two threshold sets the
                             set-up reads; no scale vector read, no multiply (post NONE) */
} wl_layer_map_t;

typedef struct wl_map {
    uint32_t n_layers;
    wl_layer_map_t *layers; /* owned, one per net layer */
    uint32_t tiles_used;
    uint32_t tiles_total;
    double utilization;      /* sum cells_used / sum cells_alloc */
    uint64_t gbuf_peak_bits; /* largest live activation footprint (inputs + outputs + residual) */
    uint32_t scheme;         /* arch_dropout_t it was mapped for */
    uint32_t T;              /* MC passes the scheme allows: 1 for a deterministic map (scheme
                                none, or no Bayesian layer), else 0 = as asked */
} wl_map_t;

/* Maps `net` on `arch`.  strategy: 0 = each layer's own `mapping`, else the arch default;
 * 1 or 2 forces it for every layer without its own.  Under dropout.impl none the
 * workload's dropout is ignored (every layer deterministic, T = 1).  Errors (ST_ECONFIG,
 * collected), each at a layer's line: "layers[i]: layer 'x' needs tiles A..B but the
 * architecture has M (the workload needs N, N-M missing)" at the first layer past the last
 * tile (copies and the scale crossbar included); a probability the layer draws with (its p,
 * the adaptive p, or 0.5) that no SET current up to dropout.i_max_ua reaches; more RNG
 * modules than 32 bits count; live activations (gbuf_peak_bits) larger than the global
 * buffer; a scenario.bayes_last larger than the network's crossbar layers, or a
 * scenario.bayes_list name that is no crossbar layer with dropout of the network, at the
 * key's own line (the architecture's), naming the valid layers.
 * ST_OK, ST_ECONFIG, ST_ENOMEM, or ST_EINVAL (a hand-built net or arch that breaks wl.h /
 * arch_check); *out untouched on error. */
int wl_map_build(const wl_net_t *net, const arch_t *arch, uint32_t strategy, wl_map_t **out,
                 arch_diag_list_t *dl);
void wl_map_destroy(wl_map_t *m); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
