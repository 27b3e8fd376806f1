/* tile.h - one CIM tile: a crossbar with its word-line decoder and sense amplifiers.
 *
 * A matrix-vector read runs read_steps = ceil(rows_used / max_active_rows) steps in
 * sequence; each step is decode -> array read -> sense all used columns:
 *   cycles = read_steps * (t_decode_cyc + t_read_cyc + sense_cycles(cols_used))
 * (no overlap between steps; see docs/timing.md).  The driven rows of this tile come from
 * the dropout mask: bit (row_off + r) of `mask` set means input row r is driven.  A NULL
 * mask drives every row (deterministic layer).  Conducting cells, counted as
 * ACT_XBAR_CELL_READ: for every driven row, its kept weights among the slice's columns
 * (all cols without a weight mask), times cell_mtjs (a multi-level cell conducts through
 * each of its MTJs).
 *
 * Physics of a read step (docs/parameters.md, "Crossbar, word line, sense amplifier"):
 * every driven pair charges one word line (ACT_WLDEC_WL_CHARGE, C_WL V_WL^2 once per
 * activation); the conducting cells stay biased for
 *   bias_cyc = t_read_cyc + senseamp_hold_cycles(cols)
 * cycles (the whole mux sequence, or t_read_cyc alone behind a sample-and-hold), counted as
 * ACT_XBAR_CELL_READ = conducting cells x bias_cyc; each used column is converted once
 * (ACT_SA_SENSE) and, when columns share an SA, selected through the mux (ACT_SA_MUX).
 * tile_energy_fill turns the circuit parameters into the energies of these actions. */
#ifndef NS_TILE_H
#define NS_TILE_H

#include <stdint.h>

#include "energy.h"
#include "senseamp.h"
#include "wldec.h"
#include "xbar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tile tile_t; /* opaque: owns one xbar, one wldec, one senseamp bank */

typedef struct tile_params {
    xbar_params_t xbar;
    wldec_params_t wldec;
    senseamp_params_t sa;
} tile_params_t;

/* One read of this tile's slice of a layer. */
typedef struct tile_req {
    uint32_t row_off;     /* first row of the slice in the layer's row vector (mask index) */
    uint32_t rows;        /* rows of the slice, 1..xbar.rows */
    uint32_t cols;        /* columns of the slice, 1..xbar.cols */
    const uint64_t *mask; /* layer mask, bit i = row i driven; NULL = all driven */
    /* Optional, zero for a plain binary read: */
    const uint64_t *wmask; /* DropConnect weight mask of the whole layer, row-major: bit
                              r * wcols + c set = weight (r, c) kept; NULL = all kept */
    uint32_t col_off;      /* first column of the slice in the layer (wmask index) */
    uint32_t wcols;        /* columns of the layer (wmask row stride) */
    uint32_t cell_mtjs;    /* MTJs conducting per weight cell: 0 or 1 = binary pair, m for a
                               multi-level cell of m MTJs */
} tile_req_t;

typedef struct tile_stats {
    uint64_t mvms;         /* reads served */
    uint64_t rows_driven;  /* driven word-line pairs summed over reads */
    uint64_t rows_dropped; /* dropped word-line pairs summed over reads */
} tile_stats_t;

/* ST_OK, ST_EINVAL (any part's params invalid) or ST_ENOMEM; *out untouched on error. */
int tile_create(const tile_params_t *p, tile_t **out);
void tile_destroy(tile_t *t); /* NULL is a no-op */

/* Serves one read (see file comment); adds the xbar, wldec and senseamp actions to acc.
 * ST_EINVAL when the slice does not fit the crossbar or, with a weight mask, the columns
 * [col_off, col_off + cols) do not fit in wcols; ST_ERANGE when the conducting cells
 * overflow 64 bits.  Nothing is counted on error. */
int tile_mvm(tile_t *t, const tile_req_t *rq, uint64_t *cycles, act_counts_t *acc);

/* Cycles of one read of a rows x cols slice, independent of the mask. */
uint64_t tile_mvm_cycles(const tile_params_t *p, uint32_t rows, uint32_t cols);

/* Cycles the bit lines of a read step of `cols` used columns stay biased:
 * t_read_cyc + senseamp_hold_cycles(&p->sa, p->xbar.cols, cols). */
uint64_t tile_bias_cycles(const tile_params_t *p, uint32_t cols);

/* ---- Circuit: energy table, area, static power ---- */
/* Fills the energy of the tile's circuit-derived actions into t, pJ, for a clock period of
 * clk_ns, but only where t holds a negative value ("derive"); a value >= 0 was given (a
 * measured figure) and stays:
 *   ACT_XBAR_CELL_READ   xbar_e_cell_cyc_pj(&p->xbar, clk_ns)
 *   ACT_WLDEC_WL_CHARGE  wldec_e_charge_pj(&p->wldec, xbar_wl_cap_ff(&p->xbar))
 *   ACT_SA_SENSE         senseamp_e_conv_pj(&p->sa)
 *   ACT_SA_MUX           senseamp_e_mux_pj(&p->sa)
 *   ACT_SA_SAMPLE        senseamp_e_sample_pj(&p->sa) */
void tile_energy_fill(const tile_params_t *p, double clk_ns, en_table_t *t);

/* Adds one tile's area, um^2, to out[COMP_XBAR] (the array), out[COMP_WLDEC] (2 x rows
 * word-line drivers) and out[COMP_SA] (SAs, mux, sample-and-hold); other entries untouched. */
void tile_area_by_comp_um2(const tile_params_t *p, double out[COMP_COUNT]);

/* Adds one tile's static power, uW, to out[COMP_XBAR], out[COMP_WLDEC], out[COMP_SA]. */
void tile_static_by_comp_uw(const tile_params_t *p, double out[COMP_COUNT]);

/* One tile's total area, um^2, and static power, uW (sums of the two above). */
double tile_area_um2(const tile_params_t *p);
double tile_static_uw(const tile_params_t *p);

/* Programs the slice; see xbar_program. */
int tile_program(tile_t *t, uint32_t rows, uint32_t cols, uint64_t *cycles, act_counts_t *acc);

const tile_stats_t *tile_stats(const tile_t *t);
const xbar_stats_t *tile_xbar_stats(const tile_t *t);
const wldec_stats_t *tile_wldec_stats(const tile_t *t);
const senseamp_stats_t *tile_sa_stats(const tile_t *t);
void tile_stats_reset(tile_t *t); /* resets the tile's and its parts' stats */
extern const stat_desc_t tile_stat_descs[];
extern const unsigned tile_stat_ndescs;

/* Number of set bits of mask in [off, off + n). */
uint32_t tile_mask_count(const uint64_t *mask, uint32_t off, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
