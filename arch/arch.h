/* arch.h - the architecture description: YAML (version 1) -> a validated arch_t.
 *
 * The document is a mapping of blocks (clock, chip, xbar, wldec, senseamp, gbuf, scale_buf,
 * dropout, arbiter, bayes, scenario, bus, periph, energy), each read through its schema table (key,
 * type, default, min, max, unit, description; see arch_blocks()).  Every key has a default
 * except `version`, so `version: 1` alone is the default architecture.  After the per-key
 * checks come the cross-field checks (e.g. senseamp.psum_bits must hold a count of
 * max_active_rows, or a multi-level cell's partial sum under subset_vi and spinbayes).  All errors
 * are collected; nothing is half-filled on error.
 *
 * The default architecture is configs/default.yaml, compiled into the binary. */
#ifndef NS_ARCH_H
#define NS_ARCH_H

#include <stdint.h>
#include <stdio.h>

#include "arb.h"
#include "bus.h"
#include "diag.h"
#include "drng.h"
#include "energy.h"
#include "periph.h"
#include "sbuf.h"
#include "tile.h"
#include "yamldoc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Bayesian scheme (dropout.impl): where the randomness comes from and what hardware it
 * needs (docs/schemes.md).  A workload layer with `dropout: p > 0` is a Bayesian layer;
 * the scheme decides what that costs.  YAML names in brackets. */
typedef enum {
    ARCH_DROPOUT_NONE = 0,       /* [none] deterministic BNN: no stochastic hardware, workload
                                    dropout ignored, T forced to 1 */
    ARCH_DROPOUT_SPINDROP,       /* [spindrop] a module per word-line pair (input row), shared
                                    in time by `share` pairs; a fresh mask per input vector */
    ARCH_DROPOUT_MC_DROPOUT,     /* [mc_dropout] one Bernoulli module per input neuron
                                    (activation), a mask per pass */
    ARCH_DROPOUT_MC_DROPCONNECT, /* [mc_dropconnect] one module per weight, a mask per pass */
    ARCH_DROPOUT_SPATIAL,        /* [spatial_spindrop] one module per input feature map
                                    (channel), a mask per pass */
    ARCH_DROPOUT_SCALEDROP,      /* [scaledrop] one module per layer (or per model) dropping
                                    the layer's scale vector, held in the SRAM scale buffer */
    ARCH_DROPOUT_AFFINE,         /* [affine_dropout] two scalar masks per layer (gamma, beta)
                                    before an inverted normalization unit */
    ARCH_DROPOUT_SUBSET_VI,      /* [subset_vi] deterministic binary crossbar plus a second
                                    crossbar of multi-level cells holding the Bayesian scale's
                                    mean and deviation, sampled with SOT devices */
    ARCH_DROPOUT_SPINBAYES       /* [spinbayes] arbiter.k crossbars per layer of quantized
                                    posterior samples in multi-level cells; a stochastic
                                    arbiter selects one per pass */
} arch_dropout_t;

/* Schedule of the layers (chip.schedule; docs/timing.md). */
typedef enum {
    ARCH_SCHED_LAYER = 0, /* [layer] one layer at a time, passes one after another */
    ARCH_SCHED_PIPELINE   /* [pipeline] a layer works on an output row as soon as the input
                             rows it needs exist; layers and MC passes overlap */
} arch_schedule_t;

/* Arbitration of the shared resources (chip.arbitration; docs/timing.md). */
typedef enum {
    ARCH_ARB_STATIC = 0, /* [static] the lower layer index wins */
    ARCH_ARB_AGE         /* [age] the oldest MC pass wins, then the lower layer index */
} arch_arbitration_t;

/* Parameters of the schemes beyond the dropout modules (block bayes). */
typedef struct arch_bayes {
    uint32_t whole_model;   /* scaledrop: 1 = one module for the whole model, time-shared */
    uint32_t adaptive_p;    /* scaledrop: 1 = layer-dependent p (docs/schemes.md) */
    uint32_t scale_bits;    /* scaledrop/affine/subset_vi: bits of one scale (gamma, beta) value */
    uint32_t param_bits;    /* subset_vi: bits per mean/deviation; spinbayes: bits per weight */
    uint32_t mtjs_per_cell; /* MTJs in one multi-level SOT cell: floor(log2(m + 1)) bits */
    uint32_t sample_bits;   /* subset_vi: random bits per scale sample */
} arch_bayes_t;

/* Which crossbar layers are Bayesian (scenario.bayes_layers).  A layer is Bayesian when the
 * scenario selects it, its workload dropout p is > 0 and the scheme is not none; every
 * other layer runs deterministic (no modules, no masks) whatever the workload says. */
typedef enum {
    ARCH_BAYES_ALL = 0, /* [all] every crossbar layer with p > 0 (the workload decides) */
    ARCH_BAYES_LAST,    /* [last] the last scenario.bayes_last crossbar layers */
    ARCH_BAYES_LIST     /* [list] the crossbar layers named in scenario.bayes_list */
} arch_bayes_layers_t;

/* Mask granularity of SpinDrop on conv inputs (scenario.conv_mask; docs/schemes.md). */
typedef enum {
    ARCH_CONV_MASK_ROW_VECTOR = 0, /* [row_vector] a fresh bit per word-line pair and input
                                      vector (the SpinDrop module on each pair) */
    ARCH_CONV_MASK_ACTIVATION      /* [activation] one bit per input activation per pass,
                                      the same in every patch that reads it */
} arch_conv_mask_t;

/* How ScaleDrop applies its dropped or kept scale (scenario.scale_apply). */
typedef enum {
    ARCH_SCALE_THRESHOLD = 0, /* [threshold] the mask selects one of two threshold sets
                                 (scale folded into them); no multiply per output */
    ARCH_SCALE_MULTIPLY       /* [multiply] every output multiplied by the scale */
} arch_scale_apply_t;

/* Device non-idealities of the crossbars, for functional inference (block variation;
 * docs/function.md).  All 0 = ideal hardware; the cost path ignores them. */
typedef struct arch_variation {
    double stuck_p_rate;  /* fraction of weight cells stuck in P (read as +1), per chip */
    double stuck_ap_rate; /* fraction stuck in AP (read as -1); the two sum to <= 1 */
    double r_sigma_rel;   /* Gaussian spread of an MTJ's resistance per read, std / mean */
} arch_variation_t;

/* Where a key was given, for errors found later (at mapping time).  line 0: not given. */
typedef struct arch_mark {
    char file[256]; /* as in diagnostics: a path, "<builtin:NAME>" or "<cmdline>" */
    uint32_t line;  /* 1-based */
    uint32_t col;   /* 1-based */
} arch_mark_t;

/* The scenario of a scheme (block scenario): which layers are Bayesian, how SpinDrop
 * masks conv inputs, how ScaleDrop applies its scale. */
typedef struct arch_scenario {
    uint32_t bayes_layers; /* arch_bayes_layers_t */
    uint32_t bayes_last;   /* crossbar layers counted from the output, under [last] */
    char bayes_list[64];   /* comma-separated layer names, under [list] */
    uint32_t conv_mask;    /* arch_conv_mask_t */
    uint32_t scale_apply;  /* arch_scale_apply_t */
    arch_mark_t at_last;   /* where bayes_last was given (not a schema field) */
    arch_mark_t at_list;   /* where bayes_list was given (not a schema field) */
} arch_scenario_t;

typedef struct arch {
    uint32_t version;        /* document version, 1 */
    char name[64];           /* free text */
    double clk_mhz;          /* clock frequency */
    uint32_t tiles;          /* crossbar tiles on the chip */
    uint32_t mapping;        /* default conv mapping strategy, 1 or 2 */
    uint32_t schedule;       /* arch_schedule_t */
    uint32_t reuse_prefix;   /* 1: layers before the first Bayesian layer run once per input */
    uint32_t arbitration;    /* arch_arbitration_t (chip.arbitration) */
    uint32_t max_ahead;      /* chip.max_passes_ahead: pipeline passes a layer may run ahead of
                                the last layer's; 0 = unbounded (the buffer still bounds) */
    tile_params_t tile;      /* xbar + wldec + senseamp (blocks xbar, wldec, senseamp) */
    sbuf_params_t gbuf;      /* global activation buffer */
    sbuf_params_t scale_buf; /* SRAM scale-vector / threshold buffer */
    uint32_t dropout_impl;   /* arch_dropout_t */
    drng_params_t drng;      /* dropout modules (block dropout); drng.clk_ns = 1000 / clk_mhz */
    arch_bayes_t bayes;      /* scheme parameters (block bayes) */
    arb_params_t arb;        /* arbiter (block arbiter); arb.k is SpinBayes' crossbars per layer;
                                arb.t_bit_cyc derived (arch_derive) from arb_t_bit_cfg */
    uint32_t arb_t_bit_cfg;  /* arbiter.t_bit_cyc as given; 0 = dropout t_set + t_sense + t_reset */
    bus_params_t bus;        /* interconnect */
    periph_params_t periph;  /* adder tree, activation, pooling */
    en_table_t energy_cfg;   /* pJ per action as given (block energy, keys from
                                act_desc()->key); -1 = derive from the circuit */
    en_table_t energy;       /* pJ per action in effect: energy_cfg with every -1 replaced by
                                the tile's circuit model (arch_derive); what outputs use */
    /* the scenario of the scheme (block scenario) */
    arch_scenario_t scenario;
    arch_variation_t variation; /* device non-idealities (block variation) */
    struct {
        double node_nm; /* CMOS node (block tech): SRAM, periphery, bus, arbiter */
    } tech;
} arch_t;

/* One block of the document and its schema. */
typedef struct arch_block {
    const char *key;        /* YAML key of the block; "" for top-level keys */
    const char *desc;       /* one line */
    const yfield_t *fields; /* offsets are relative to arch_t */
    size_t n_fields;
} arch_block_t;

/* The schema: blocks in document order.  *n gets the count. */
const arch_block_t *arch_blocks(size_t *n);

/* ---- Loading ---- */
/* Loads and validates `path` into *out.  ST_OK; ST_EIO / ST_ECONFIG with diagnostics;
 * ST_ENOMEM.  *out untouched on error. */
int arch_load_file(const char *path, arch_t *out, arch_diag_list_t *dl);

/* Same from text; `name` names it in diagnostics. */
int arch_load_string(const char *name, const char *text, size_t len, arch_t *out,
                     arch_diag_list_t *dl);

/* The compiled-in default architecture (configs/default.yaml), always valid. */
int arch_load_default(arch_t *out, arch_diag_list_t *dl);

/* Text of the compiled-in default architecture. */
const char *arch_default_text(void);

/* Built-in architectures, compiled in: "default" (configs/default.yaml) and one reference
 * configuration per scheme (configs/schemes/NAME.yaml), in this order: spindrop,
 * spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes, mc-dropout,
 * mc-dropconnect, deterministic.  `neuspin compare` without files compares the schemes. */
size_t arch_builtin_count(void);
const char *arch_builtin_name(size_t i);
const char *arch_builtin_text(size_t i);

/* Loads `spec`: a built-in name when it names one, else a file path ("<builtin:NAME>" in
 * diagnostics).  Neither a built-in nor an existing file: ST_EIO with "no such file or
 * built-in architecture 'x' (built-ins: …)" at <cmdline>. */
int arch_load(const char *spec, arch_t *out, arch_diag_list_t *dl);

/* Recomputes every derived field of *a from the fields the schema fills: drng.clk_ns and
 * the effective energy table (energy = energy_cfg, each -1 entry replaced through
 * tile_energy_fill at the clock period 1000 / clk_mhz ns).  The loaders and
 * arch_override call it; anything else that writes schema fields directly (a sweep point)
 * must call it before using *a. */
void arch_derive(arch_t *a);

/* Runs the cross-field checks on an already filled arch_t (used by the loaders and after
 * command-line overrides).  Errors point at `name` without a line. */
int arch_check(const arch_t *a, const char *name, arch_diag_list_t *dl);

/* ---- Overrides (arch/override.c) ---- */
/* Sets one key of *a from text, e.g. ("xbar.rows", "256"), through the key's schema row and
 * the YAML value rules (integers decimal, true/false, enum names, ...).  `key` is a path as
 * in the document: "block.key", or "name" / "version" at the top.  Diagnostics are located
 * at "<cmdline>" without a line; the caller runs arch_check after its last override.
 * ST_OK; ST_ECONFIG (unknown key, bad value) with diagnostics; ST_ENOMEM.  *a unchanged
 * on error. */
int arch_override(arch_t *a, const char *key, const char *value, arch_diag_list_t *dl);

/* Same, with the diagnostics located at file:line:col (line 0: no location) and `src`
 * echoed under them (may be NULL), col being the value's column in "KEY=VALUE": a bad
 * value is reported at col, an unknown key at col - strlen(KEY) - 1. */
int arch_override_at(arch_t *a, const char *key, const char *value, const char *file, uint32_t line,
                     uint32_t col, const char *src, arch_diag_list_t *dl);

/* The schema row of key path `key` ("xbar.rows"), its block into *block (may be NULL);
 * NULL when no block has that key.  Offsets in the row are relative to arch_t. */
const yfield_t *arch_key_find(const char *key, const arch_block_t **block);

/* The known key path closest to a mistyped `key` into buf (at most 2 edits away), or "". */
void arch_key_suggest(const char *key, char *buf, size_t n);

/* Bytes a row's value occupies in arch_t (4 for integers and enums, 8 for numbers, ...). */
size_t arch_field_size(const yfield_t *r);

/* ---- Output ---- */
/* Writes the resolved configuration as a version-1 YAML document that loads back into an
 * identical arch_t (round trip).  Returns ST_OK or ST_EIO. */
int arch_dump_yaml(const arch_t *a, FILE *f);

/* Same into a malloc'd NUL-terminated string (caller frees); NULL on ENOMEM. */
char *arch_dump_string(const arch_t *a);

/* Writes the field reference as Markdown: a table per block (key, type, default, min, max,
 * unit, description).  configs/README.md embeds exactly this output (a test diffs them). */
int arch_list_params(FILE *f);

/* YAML name of schedule s ("layer", "pipeline"), "?" when out of range. */
const char *arch_schedule_name(uint32_t s);

/* YAML name of arbitration policy a ("static", "age"), "?" when out of range. */
const char *arch_arbitration_name(uint32_t a);

/* Checks scenario.bayes_list's syntax: names separated by commas, none empty, no blanks.
 * Returns the number of names, 0 when the list is malformed (or empty). */
uint32_t arch_bayes_list_count(const char *list);

/* Copies name i (0-based) of a well-formed scenario.bayes_list into buf (n bytes);
 * "" past the end. */
void arch_bayes_list_name(const char *list, uint32_t i, char *buf, size_t n);

/* YAML name of scheme s ("spindrop"), "?" when out of range. */
const char *arch_dropout_name(uint32_t s);

/* Bits one multi-level cell of m MTJs stores: floor(log2(m + 1)), at least 1. */
uint32_t arch_mlc_bits(uint32_t mtjs_per_cell);

/* Clock period in ns. */
static inline double arch_clk_ns(const arch_t *a)
{
    return 1000.0 / a->clk_mhz;
}

/* The CMOS blocks' figures (SRAM buffers, periphery lanes and registers, bus) are given at
 * 45 nm; at tech.node_nm their area scales by (node / 45)^2 and their leakage by node / 45
 * (width-proportional subthreshold current at the same supply).  Planar CMOS, 22..90 nm. */
static inline double arch_cmos_area_scale(const arch_t *a)
{
    return (a->tech.node_nm / 45.0) * (a->tech.node_nm / 45.0);
}
static inline double arch_cmos_leak_scale(const arch_t *a)
{
    return a->tech.node_nm / 45.0;
}

#ifdef __cplusplus
}
#endif
#endif
