/* xbar.h - SOT-MRAM crossbar array: binary weights as complementary 1T-1MTJ pairs.
 *
 * One weight occupies two cells on a word-line pair (WL, WLB): the input bit drives one word
 * line of the pair, so exactly one of the two cells conducts per pair and column, and the
 * bit-line current counts the XNOR matches (popcount; dot = 2*popcount - N for +-1 vectors).
 * At most max_active_rows pairs are enabled per read step; a longer input takes
 * ceil(rows_used / max_active_rows) steps, each producing one partial sum per column.
 * Cycles here are the array's own (word lines on, bit lines settle); decoding and sensing
 * are the wldec and senseamp models.  A dropped word-line pair is not driven, so it draws
 * no cell current. */
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
} xbar_params_t;

/* One matrix-vector read of the rows [0, rows_used) x columns [0, cols_used). */
typedef struct xbar_req {
    uint32_t rows_used;   /* word-line pairs holding weights of this layer, 1..rows */
    uint32_t cols_used;   /* columns holding weights of this layer, 1..cols */
    uint32_t rows_driven; /* pairs actually driven (not dropped), 0..rows_used */
} xbar_req_t;

typedef struct xbar_stats {
    uint64_t mvms;        /* matrix-vector reads served */
    uint64_t read_steps;  /* read steps (groups of <= max_active_rows pairs) */
    uint64_t cell_reads;  /* conducting cells summed over read steps */
    uint64_t row_writes;  /* rows programmed */
    uint64_t cell_writes; /* cells programmed */
} xbar_stats_t;

/* ---- Lifecycle ---- */
/* Checks p (rows, cols >= 1; 1 <= max_active_rows <= rows; t_read_cyc >= 1) and creates a
 * crossbar.  Returns ST_OK, ST_EINVAL (bad params) or ST_ENOMEM; *out untouched on error. */
int xbar_create(const xbar_params_t *p, xbar_t **out);
void xbar_destroy(xbar_t *x); /* NULL is a no-op */

/* ---- Requests ---- */
/* Read steps needed for rows_used pairs: ceil(rows_used / max_active_rows). */
uint32_t xbar_read_steps(const xbar_params_t *p, uint32_t rows_used);

/* Serves one read.  *cycles = read_steps * t_read_cyc.  Adds rows_driven * cols_used to
 * ACT_XBAR_CELL_READ.  Returns ST_EINVAL (nothing counted) when the request exceeds the
 * array or rows_driven > rows_used. */
int xbar_mvm(xbar_t *x, const xbar_req_t *rq, uint64_t *cycles, act_counts_t *acc);

/* Programs rows x cols weights (write cost, reported apart from inference).
 * *cycles = rows * t_write_cyc; ACT_XBAR_CELL_WRITE += 2 * rows * cols. */
int xbar_program(xbar_t *x, uint32_t rows, uint32_t cols, uint64_t *cycles, act_counts_t *acc);

/* ---- Stats ---- */
const xbar_stats_t *xbar_stats(const xbar_t *x);
void xbar_stats_reset(xbar_t *x);
extern const stat_desc_t xbar_stat_descs[];
extern const unsigned xbar_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
