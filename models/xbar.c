/* xbar.c - SOT-MRAM crossbar array: read-step timing and cell actions (see xbar.h). */
#include "xbar.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"
#include "xbar_int.h"

struct xbar {
    xbar_params_t p;
    xbar_stats_t st;
};

const stat_desc_t xbar_stat_descs[] = {
    {"mvms", "count", "matrix-vector reads served", offsetof(xbar_stats_t, mvms)},
    {"read_steps", "count", "read steps of at most max_active_rows pairs",
     offsetof(xbar_stats_t, read_steps)},
    {"cell_reads", "count", "conducting cells summed over read steps",
     offsetof(xbar_stats_t, cell_reads)},
    {"row_writes", "count", "rows programmed", offsetof(xbar_stats_t, row_writes)},
    {"cell_writes", "count", "cells programmed", offsetof(xbar_stats_t, cell_writes)},
    {"cell_bias_cyc", "cycle", "conducting cells x cycles their bit line stayed biased",
     offsetof(xbar_stats_t, cell_bias_cyc)},
};
const unsigned xbar_stat_ndescs = sizeof xbar_stat_descs / sizeof xbar_stat_descs[0];

int xbar_create(const xbar_params_t *p, xbar_t **out)
{
    if (!p || !out || p->rows == 0 || p->cols == 0 || p->max_active_rows == 0 ||
        p->max_active_rows > p->rows || p->t_read_cyc == 0)
        return ST_EINVAL;
    xbar_t *x = st_calloc(1, sizeof *x);
    if (!x)
        return ST_ENOMEM;
    x->p = *p;
    *out = x;
    return ST_OK;
}

void xbar_destroy(xbar_t *x)
{
    free(x);
}

uint32_t xbar_read_steps(const xbar_params_t *p, uint32_t rows_used)
{
    /* Division first: rows_used + max_active_rows - 1 could wrap near UINT32_MAX. */
    return rows_used / p->max_active_rows + (rows_used % p->max_active_rows != 0);
}

int xbar_mvm_cells(xbar_t *x, const xbar_req_t *rq, uint64_t cells, uint64_t bias_cyc,
                   uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !rq || !cycles || !acc || rq->rows_used == 0 || rq->rows_used > x->p.rows ||
        rq->cols_used == 0 || rq->cols_used > x->p.cols || rq->rows_driven > rq->rows_used)
        return ST_EINVAL;
    uint64_t cell_cyc;
    if (__builtin_mul_overflow(cells, bias_cyc, &cell_cyc))
        return ST_ERANGE;
    uint32_t steps = xbar_read_steps(&x->p, rq->rows_used);
    *cycles = (uint64_t)steps * x->p.t_read_cyc;
    /* Every step biases its own cells for bias_cyc, so the sum over steps is cells x bias. */
    acc->n[ACT_XBAR_CELL_READ] += cell_cyc;
    x->st.mvms++;
    x->st.read_steps += steps;
    x->st.cell_reads += cells;
    x->st.cell_bias_cyc += cell_cyc;
    return ST_OK;
}

int xbar_mvm(xbar_t *x, const xbar_req_t *rq, uint64_t *cycles, act_counts_t *acc)
{
    /* One conducting cell per driven pair and used column (the complementary pair). */
    uint64_t cells = rq ? (uint64_t)rq->rows_driven * rq->cols_used : 0;
    return xbar_mvm_cells(x, rq, cells, x ? x->p.t_read_cyc : 0, cycles, acc);
}

int xbar_program(xbar_t *x, uint32_t rows, uint32_t cols, uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !cycles || !acc || rows == 0 || rows > x->p.rows || cols == 0 || cols > x->p.cols)
        return ST_EINVAL;
    uint64_t cells = 2 * (uint64_t)rows * cols; /* both cells of each complementary pair */
    *cycles = (uint64_t)rows * x->p.t_write_cyc;
    acc->n[ACT_XBAR_CELL_WRITE] += cells;
    x->st.row_writes += rows;
    x->st.cell_writes += cells;
    return ST_OK;
}

double xbar_e_cell_cyc_pj(const xbar_params_t *p, double clk_ns)
{
    double r_p = p->r_p_kohm + p->r_access_kohm;
    double r_ap = p->r_p_kohm * (1.0 + p->tmr) + p->r_access_kohm;
    if (r_p <= 0.0)
        return 0.0;
    /* A match conducts through the P cell, a mismatch through the AP cell: equal weight. */
    return p->v_read_v * p->v_read_v * 0.5 * (1.0 / r_p + 1.0 / r_ap) * clk_ns;
}

double xbar_wl_cap_ff(const xbar_params_t *p)
{
    double w_um = p->cell_w_f * p->feature_nm / 1000.0;
    return (double)p->cols * (p->c_gate_ff + w_um * p->c_wire_ff_per_um);
}

double xbar_area_um2(const xbar_params_t *p)
{
    double f_um = p->feature_nm / 1000.0;
    return 2.0 * (double)p->rows * p->cols * (p->cell_w_f * f_um) * (p->cell_h_f * f_um);
}

double xbar_static_uw(const xbar_params_t *p)
{
    (void)p;
    return 0.0;
}

const xbar_stats_t *xbar_stats(const xbar_t *x)
{
    return &x->st;
}

void xbar_stats_reset(xbar_t *x)
{
    x->st = (xbar_stats_t){0};
}
