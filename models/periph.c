/* periph.c - digital periphery: adder tree, activation, pooling, residual adds and the
 * scale arithmetic of the Bayesian schemes, each spread over `lanes` parallel units. */
#include "periph.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"

struct periph {
    periph_params_t p;
    periph_stats_t st;
};

const stat_desc_t periph_stat_descs[] = {
    {"adds", "count", "additions (adder tree and residual)", offsetof(periph_stats_t, adds)},
    {"activations", "count", "sign/threshold activations", offsetof(periph_stats_t, activations)},
    {"pool_ops", "count", "pooling comparisons or additions", offsetof(periph_stats_t, pool_ops)},
    {"muls", "count", "scale multiplications", offsetof(periph_stats_t, muls)},
};
const unsigned periph_stat_ndescs = sizeof periph_stat_descs / sizeof periph_stat_descs[0];

int periph_create(const periph_params_t *p, periph_t **out)
{
    if (!p || !out || p->lanes == 0 || p->t_add_cyc == 0 || p->t_act_cyc == 0 ||
        p->t_pool_cyc == 0 || p->t_mul_cyc == 0)
        return ST_EINVAL;
    periph_t *x = st_calloc(1, sizeof *x);
    if (!x)
        return ST_ENOMEM;
    x->p = *p;
    *out = x;
    return ST_OK;
}

void periph_destroy(periph_t *x)
{
    free(x);
}

/* Rounds of `lanes` units needed for n elements. */
static inline uint64_t periph_rounds(const periph_t *x, uint64_t n)
{
    return n / x->p.lanes + (n % x->p.lanes != 0);
}

int periph_reduce(periph_t *x, uint32_t n_partials, uint32_t outputs, uint64_t *cycles,
                  act_counts_t *acc)
{
    if (!x || !cycles || !acc || n_partials == 0 || outputs == 0)
        return ST_EINVAL;
    /* ceil(log2 n): the bit length of n - 1 (0 for a single partial sum). */
    uint32_t levels = n_partials == 1 ? 0 : 32 - (uint32_t)__builtin_clz(n_partials - 1);
    uint64_t c;
    if (__builtin_mul_overflow((uint64_t)levels * x->p.t_add_cyc, periph_rounds(x, outputs), &c))
        return ST_ERANGE;
    uint64_t adds = (uint64_t)(n_partials - 1) * outputs; /* a tree of n leaves has n-1 adders */
    *cycles = c;
    acc->n[ACT_ADD] += adds;
    x->st.adds += adds;
    return ST_OK;
}

int periph_activate(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !cycles || !acc)
        return ST_EINVAL;
    uint64_t c;
    if (__builtin_mul_overflow(periph_rounds(x, n), (uint64_t)x->p.t_act_cyc, &c))
        return ST_ERANGE;
    *cycles = c;
    acc->n[ACT_ACT] += n;
    x->st.activations += n;
    return ST_OK;
}

int periph_pool(periph_t *x, uint64_t n_out, uint32_t window, uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !cycles || !acc || window == 0)
        return ST_EINVAL;
    uint64_t ops, c;
    if (__builtin_mul_overflow(n_out, (uint64_t)(window - 1), &ops) ||
        __builtin_mul_overflow(periph_rounds(x, n_out), (uint64_t)(window - 1) * x->p.t_pool_cyc,
                               &c))
        return ST_ERANGE;
    *cycles = c;
    acc->n[ACT_POOL] += ops;
    x->st.pool_ops += ops;
    return ST_OK;
}

int periph_add(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !cycles || !acc)
        return ST_EINVAL;
    uint64_t c;
    if (__builtin_mul_overflow(periph_rounds(x, n), (uint64_t)x->p.t_add_cyc, &c))
        return ST_ERANGE;
    *cycles = c;
    acc->n[ACT_ADD] += n;
    x->st.adds += n;
    return ST_OK;
}

/* Shared body of the scale requests: n elements, each costing muls_per multiplications and
 * adds_per additions, in `sweeps` passes of t_mul_cyc + adds_cyc cycles per round.  Checks
 * every product before counting anything, so an overflow leaves all outputs alone. */
static int periph_muladd(periph_t *x, uint64_t n, uint64_t muls_per, uint64_t adds_per,
                         uint64_t sweeps, uint64_t adds_cyc, uint64_t *cycles, act_counts_t *acc)
{
    if (!x || !cycles || !acc)
        return ST_EINVAL;
    uint64_t muls, adds, c;
    /* sweeps * (t_mul + t_add) <= 2 * 2^33: the per-round cost itself cannot overflow */
    if (__builtin_mul_overflow(n, muls_per, &muls) || __builtin_mul_overflow(n, adds_per, &adds) ||
        __builtin_mul_overflow(periph_rounds(x, n), sweeps * (x->p.t_mul_cyc + adds_cyc), &c))
        return ST_ERANGE;
    *cycles = c;
    acc->n[ACT_MUL] += muls;
    acc->n[ACT_ADD] += adds;
    x->st.muls += muls;
    x->st.adds += adds;
    return ST_OK;
}

int periph_scale(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc)
{
    return periph_muladd(x, n, 1, 0, 1, 0, cycles, acc);
}

int periph_sample(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc)
{
    if (!x)
        return ST_EINVAL;
    return periph_muladd(x, n, 1, 1, 1, x->p.t_add_cyc, cycles, acc);
}

int periph_norm(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc)
{
    if (!x)
        return ST_EINVAL;
    /* affine (1 mul, 1 add) + statistics (1 mul, 2 adds) + normalization (1 mul, 1 add);
     * one sweep for the statistics, one to apply. */
    return periph_muladd(x, n, 3, 4, 2, x->p.t_add_cyc, cycles, acc);
}

const periph_stats_t *periph_stats(const periph_t *x)
{
    return &x->st;
}

void periph_stats_reset(periph_t *x)
{
    x->st = (periph_stats_t){0};
}

double periph_area_um2(const periph_params_t *p)
{
    return p->lanes * PERIPH_A_LANE_UM2 + p->resident_bits * PERIPH_A_REG_BIT_UM2;
}

double periph_static_uw(const periph_params_t *p)
{
    return p->lanes * PERIPH_P_LANE_UW + p->resident_bits * PERIPH_P_REG_BIT_UW;
}
