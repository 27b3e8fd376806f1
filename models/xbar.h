/* xbar.h - SOT-MRAM crossbar array: binary weights as complementary 1T-1MTJ pairs.
 *
 * One weight occupies two cells on a word-line pair (WL, WLB): the input bit drives one word
 * line of the pair, so exactly one of the two cells conducts per pair and column, and the
 * bit-line current counts the XNOR matches (popcount; dot = 2*popcount - N for +-1 vectors).
 * At most max_active_rows pairs are enabled per read step; a longer input takes
 * ceil(rows_used / max_active_rows) steps, each producing one partial sum per column.
 * Cycles here are the array's own (word lines on, bit lines settle); decoding and sensing
 * are the wldec and senseamp models.  A dropped word-line pair is not driven, so it draws
 * no cell current.
 *
 * Conduction (docs/parameters.md, "Crossbar, word line, sense amplifier"): a conducting cell
 * is its MTJ (R_P, or R_AP = R_P (1 + TMR)) in series with the access transistor's
 * on-resistance, biased at v_read_v for as long as its bit line stays biased.  The cell
 * state depends on data (match: P, mismatch: AP), so one cell-cycle costs the mean
 *   e = V_read^2 x (1/(R_P + R_acc) + 1/(R_AP + R_acc)) / 2 x t_clk,
 * and ACT_XBAR_CELL_READ counts conducting cells x bias cycles (xbar_e_cell_cyc_pj).  How
 * long the bit lines stay biased is the sense circuit's business (tile.h): through the
 * whole mux sequence, or t_read_cyc only behind a sample-and-hold.  The array has no
 * static power of its own (non-volatile cells; off-state leakage of the access
 * transistors is neglected) and its area is 2 cells per weight (xbar_area_um2). */
#ifndef NS_XBAR_H
#define NS_XBAR_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types ---- */
typedef struct xbar xbar_t; /* opaque; defined in xbar.c */

typedef struct xbar_params {
    uint32_t rows;            /* word-line pairs (weights per column) */
    uint32_t cols;            /* bit lines (output neurons) */
    uint32_t max_active_rows; /* word-line pairs enabled in one read step, 1..rows */
    uint32_t t_read_cyc;      /* cycles of one read step */
    uint32_t t_write_cyc;     /* cycles to program one row (both cells of each pair) */
    /* Circuit (energy and area only; 0 everywhere = a model that counts actions only): */
    double v_read_v;         /* bit-line read bias, V */
    double r_p_kohm;         /* MTJ resistance in the parallel state, kOhm */
    double tmr;              /* tunnel magnetoresistance ratio: R_AP = R_P (1 + tmr) */
    double r_access_kohm;    /* access-transistor on-resistance in series, kOhm */
    double c_gate_ff;        /* access-transistor gate capacitance on the word line, fF */
    double c_wire_ff_per_um; /* word-line wire capacitance, fF per um */
    double feature_nm;       /* feature size F, nm */
    double cell_w_f;         /* cell width along the word line, in F */
    double cell_h_f;         /* cell height along the bit line, in F */
} xbar_params_t;

/* One matrix-vector read of the rows [0, rows_used) x columns [0, cols_used). */
typedef struct xbar_req {
    uint32_t rows_used;   /* word-line pairs holding weights of this layer, 1..rows */
    uint32_t cols_used;   /* columns holding weights of this layer, 1..cols */
    uint32_t rows_driven; /* pairs actually driven (not dropped), 0..rows_used */
} xbar_req_t;

typedef struct xbar_stats {
    uint64_t mvms;          /* matrix-vector reads served */
    uint64_t read_steps;    /* read steps (groups of <= max_active_rows pairs) */
    uint64_t cell_reads;    /* conducting cells summed over read steps */
    uint64_t row_writes;    /* rows programmed */
    uint64_t cell_writes;   /* cells programmed */
    uint64_t cell_bias_cyc; /* conducting cells x cycles their bit line stayed biased */
} xbar_stats_t;

/* ---- Lifecycle ---- */
/* Checks p (rows, cols >= 1; 1 <= max_active_rows <= rows; t_read_cyc >= 1) and creates a
 * crossbar.  Returns ST_OK, ST_EINVAL (bad params) or ST_ENOMEM; *out untouched on error. */
int xbar_create(const xbar_params_t *p, xbar_t **out);
void xbar_destroy(xbar_t *x); /* NULL is a no-op */

/* ---- Requests ---- */
/* Read steps needed for rows_used pairs: ceil(rows_used / max_active_rows). */
uint32_t xbar_read_steps(const xbar_params_t *p, uint32_t rows_used);

/* Serves one read with the bit lines biased for t_read_cyc only (no sensing attached;
 * tile_mvm biases them for the sensing too).  *cycles = read_steps * t_read_cyc.  Adds
 * rows_driven * cols_used * t_read_cyc to ACT_XBAR_CELL_READ.  Returns ST_EINVAL (nothing counted)
 * when the request exceeds the array or rows_driven > rows_used. */
int xbar_mvm(xbar_t *x, const xbar_req_t *rq, uint64_t *cycles, act_counts_t *acc);

/* Programs rows x cols weights (write cost, reported apart from inference).
 * *cycles = rows * t_write_cyc; ACT_XBAR_CELL_WRITE += 2 * rows * cols. */
int xbar_program(xbar_t *x, uint32_t rows, uint32_t cols, uint64_t *cycles, act_counts_t *acc);

/* ---- Circuit: energy per action, area, static power ---- */
/* Energy of one conducting cell biased for one clock cycle of clk_ns, pJ (file comment):
 * V^2 [V^2] x G [mS] x t [ns] = pJ.  0 when r_p_kohm + r_access_kohm is 0. */
double xbar_e_cell_cyc_pj(const xbar_params_t *p, double clk_ns);

/* Capacitance of one word line, fF: it crosses all `cols` cells of its row, each adding
 * the access-transistor gate and one cell width of wire:
 *   C_WL = cols x (c_gate_ff + cell_w_f x feature_nm / 1000 x c_wire_ff_per_um). */
double xbar_wl_cap_ff(const xbar_params_t *p);

/* Array area, um^2: 2 x rows x cols cells (complementary pairs) of
 * (cell_w_f x F) x (cell_h_f x F). */
double xbar_area_um2(const xbar_params_t *p);

/* Static power of the array, uW: 0 (non-volatile cells; see the file comment). */
double xbar_static_uw(const xbar_params_t *p);

/* ---- Stats ---- */
const xbar_stats_t *xbar_stats(const xbar_t *x);
void xbar_stats_reset(xbar_t *x);
extern const stat_desc_t xbar_stat_descs[];
extern const unsigned xbar_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
