/* trc.h - run outputs: per-layer records, their totals, the pretty table and the files
 * layers.csv (a row per layer x MC pass), stats.csv (long format: layer, sample, path,
 * stat, index, value, unit) and run.json (the manifest).
 *
 * traces/ depends on models/ only: it reads action counts through energy.h and hardware
 * stats through stat descriptors, so no model calls into traces/.  Files are written to
 * hidden temporary names in the output directory and renamed into place by
 * trc_out_commit(), after a flush and fsync, so an interrupted run never leaves a
 * half-written file under a final name. */
#ifndef NS_TRC_H
#define NS_TRC_H

#include <stdint.h>
#include <stdio.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types ---- */
/* Static description of one layer, shared by every writer. */
typedef struct trc_layer {
    const char *name;
    const char *kind;     /* "conv", "fc", "maxpool", "avgpool", "add" */
    uint32_t mapping;     /* 1, 2, or 0 for layers without crossbars */
    uint32_t tiles;       /* crossbar tiles holding the layer */
    uint32_t rng_modules; /* physical dropout modules */
    uint32_t n_mvm;       /* input vectors per pass */
    uint64_t weight_bits; /* binary weights stored */
    double util;          /* cells used / cells of its tiles; 0 without tiles */
    uint64_t bayes_bits;  /* Bayesian-parameter memory (posterior samples, scale mean and
                             deviation) in multi-level cells */
    uint64_t sram_bits;   /* scheme state in the SRAM scale buffer (scale vector, gamma/beta) */
    uint64_t bayes_cells; /* multi-level cells holding bayes_bits */
    /* Area and static power (zero when the command does not describe them): */
    double area_um2;  /* the blocks the layer owns: its tiles, dropout modules, arbiter */
    double static_uw; /* static power while the layer runs: its own blocks plus the shared
                         ones (SRAM buffers, periphery, bus); see trc_leak_pj */
    /* Dropout probability the layer's bank achieves (has_p 0: no dropout modules, the
       layers.csv fields are empty and run.json has null): */
    int has_p;
    double p_target, p_mean, p_std; /* drng_p_target, drng_p_mean, drng_p_std */
    /* The layer's own energy table (has_en 1) where an action's energy depends on the layer:
     * a dropout bit costs the supply energy at the current its modules draw for their p. */
    int has_en;
    en_table_t en;
} trc_layer_t;

/* Area of a chip by component, um^2 (COMP_LEAK unused), and the totals. */
typedef struct trc_area {
    double chip_um2[COMP_COUNT]; /* every block of the chip: all chip.tiles tiles */
    double chip_total_um2;       /* sum of chip_um2 */
    double used_um2;             /* the tiles the network uses instead of all of them */
    double static_uw;            /* static power of the whole chip */
} trc_area_t;

/* What one layer cost in one MC pass. */
typedef struct trc_rec {
    uint32_t layer;        /* index into the trc_layer_t array */
    uint32_t pass;         /* 0-based MC pass */
    uint64_t start_cyc;    /* cycle the layer started in this pass */
    uint64_t cycles;       /* cycles it took */
    uint64_t rng_bits;     /* random bits drawn */
    uint64_t rows_dropped; /* word-line pairs left undriven */
    uint64_t rng_cycles;   /* cycles the stochastic units (dropout modules, arbiter, VI
                              sampling) were busy; they may overlap other work */
    act_counts_t acts;     /* actions */
} trc_rec_t;

/* Totals of a run, per layer over all passes. */
typedef struct trc_sum {
    uint32_t n_layers;
    uint32_t T;                /* MC passes */
    const trc_layer_t *layers; /* borrowed */
    en_table_t en;             /* energy table */
    double clk_ns;             /* clock period */
    uint64_t *cycles;          /* [n_layers] summed over passes */
    uint64_t *rng_bits;        /* [n_layers] */
    uint64_t *rows_dropped;    /* [n_layers] */
    uint64_t *rng_cycles;      /* [n_layers] */
    act_counts_t *acts;        /* [n_layers] */
    uint64_t end_cyc;          /* cycle the last pass ended: latency per image */
} trc_sum_t;

/* ---- Totals ---- */
/* ST_OK or ST_ENOMEM; *out untouched on error. */
int trc_sum_create(const trc_layer_t *layers, uint32_t n_layers, uint32_t T, const en_table_t *en,
                   double clk_ns, trc_sum_t **out);
void trc_sum_destroy(trc_sum_t *s); /* NULL is a no-op */

/* Adds one record (r->layer < n_layers). */
void trc_sum_add(trc_sum_t *s, const trc_rec_t *r);

/* Leakage of one record of layer l, pJ: l->static_uw x cycles x clk_ns x 1e-3 (uW x ns = fJ).
 * The rule (traces/README.md, "Leakage"): a layer's own blocks (tiles, dropout modules,
 * arbiter) are powered while it runs and power-gated otherwise (the MTJs keep the weights
 * without power), tiles no layer uses are off, and the shared blocks (SRAM buffers,
 * periphery, bus) leak during every layer's cycles, booked to the layer that runs.  Under
 * the pipelined schedule layers overlap, so the shared blocks' leakage is an upper bound.
 * 10 uW for 1000 cycles of 1 ns: 10 x 1000 x 1e-3 = 10 pJ. */
double trc_leak_pj(const trc_layer_t *l, uint64_t cycles, double clk_ns);

/* Energy of layer i over all passes, pJ, actions plus leakage (COMP_LEAK); per component
 * into comp_pj (may be NULL). */
double trc_sum_layer_pj(const trc_sum_t *s, uint32_t i, double comp_pj[COMP_COUNT]);

/* Energy of all layers over all passes (one image), pJ. */
double trc_sum_total_pj(const trc_sum_t *s);

/* Prints the per-layer table (per-pass means) and the per-pass and per-image totals. */
void trc_print_table(FILE *f, const trc_sum_t *s, const char *title);

/* Prints the area lines: chip and used area in mm^2, the split by component, static power
 * and the energy-delay-area product of one image (pJ x ns x mm^2 of the chip). */
void trc_print_area(FILE *f, const trc_sum_t *s, const trc_area_t *a);

/* ---- Files ---- */
typedef struct trc_out trc_out_t; /* opaque */

/* Creates `dir` if needed and opens layers.csv and stats.csv under temporary names.
 * ST_OK, or ST_EIO with a one-line reason in err (errn bytes).  *out untouched on error. */
int trc_out_open(const char *dir, const trc_layer_t *layers, uint32_t n_layers,
                 const en_table_t *en, double clk_ns, trc_out_t **out, char *err, size_t errn);

/* Writes one layer x pass record to both CSV files.  ST_OK or ST_EIO. */
int trc_out_rec(trc_out_t *o, const trc_rec_t *r);

/* Writes one hardware block's counters (a row per descriptor) to stats.csv with layer and
 * sample "*": path "chip.tile", index 3 -> rows "*,*,chip.tile,read_steps,3,…". */
int trc_out_block(trc_out_t *o, const char *path, uint32_t index, const stat_desc_t *descs,
                  unsigned n, const void *stats);

/* Writes run.json: the JSON object given (without a "files" member; it ends in "}") with
 * a last member added, "files": [{"name": "layers.csv", "bytes": N, "sha256": "..."},
 * {"name": "stats.csv", ...}], the size and SHA-256 of each file as written; flushes and fsyncs
 * every file and renames the three into place, run.json last (an earlier run's run.json is removed
 * first), then fsyncs the directory: a directory holding run.json holds one complete run.
 * Frees o either way.  ST_OK, or ST_EIO with err filled and no file left under a final or
 * temporary name. */
int trc_out_commit(trc_out_t *o, const char *run_json, char *err, size_t errn);

/* Removes the temporary files and frees o (NULL is a no-op). */
void trc_out_abort(trc_out_t *o);

/* ---- JSON helpers ---- */
/* Appends s to f as a JSON string literal with quotes and escapes. */
void trc_json_string(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
