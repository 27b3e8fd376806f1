/* periph.h - digital periphery: the adder tree that sums partial sums across read steps,
 * row tiles and kernel positions; the sign/threshold activation; pooling; residual adds.
 * `lanes` units work in parallel, each handling one output element at a time.
 * Requests return ST_EINVAL for an argument below its stated minimum and ST_ERANGE when a
 * count or the cycles would overflow 64 bits; either way nothing is counted. */
#ifndef NS_PERIPH_H
#define NS_PERIPH_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct periph periph_t; /* opaque */

typedef struct periph_params {
    uint32_t lanes;         /* parallel units, >= 1 */
    uint32_t t_add_cyc;     /* cycles of one adder-tree level (or one residual add), >= 1 */
    uint32_t t_act_cyc;     /* cycles of one sign/threshold activation, >= 1 */
    uint32_t t_pool_cyc;    /* cycles of one pooling comparison or addition, >= 1 */
    uint32_t t_mul_cyc;     /* cycles of one scale multiplication, >= 1 */
    uint32_t thresh_bits;   /* width of one stored threshold, bits (2..64) */
    uint32_t resident_bits; /* threshold registers beside the lanes, bits (flip-flops): layers
                               whose set-up data (thresholds, scale vector, gamma/beta) fit,
                               in network order, load it once per image instead of once per
                               pass (workloads/wl_prog.h); 0 = none */
} periph_params_t;

typedef struct periph_stats {
    uint64_t adds;        /* additions (adder tree and residual) */
    uint64_t activations; /* activations */
    uint64_t pool_ops;    /* pooling comparisons/additions */
    uint64_t muls;        /* scale multiplications */
} periph_stats_t;

int periph_create(const periph_params_t *p, periph_t **out); /* ST_OK, ST_EINVAL, ST_ENOMEM */
void periph_destroy(periph_t *x);                            /* NULL is a no-op */

/* Reduces n_partials (>= 1) partial sums for each of `outputs` (>= 1) outputs with a
 * binary adder tree: levels = ceil(log2 n_partials);
 * *cycles = levels * t_add_cyc * ceil(outputs / lanes); ACT_ADD += (n_partials - 1) * outputs. */
int periph_reduce(periph_t *x, uint32_t n_partials, uint32_t outputs, uint64_t *cycles,
                  act_counts_t *acc);

/* n activations: *cycles = ceil(n / lanes) * t_act_cyc; ACT_ACT += n. */
int periph_activate(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc);

/* Pools n_out outputs over a window of `window` (>= 1) inputs each:
 * ops = n_out * (window - 1); *cycles = ceil(n_out / lanes) * (window - 1) * t_pool_cyc
 * (a 1-input window costs nothing); ACT_POOL += ops. */
int periph_pool(periph_t *x, uint64_t n_out, uint32_t window, uint64_t *cycles, act_counts_t *acc);

/* n element-wise residual additions: *cycles = ceil(n / lanes) * t_add_cyc; ACT_ADD += n. */
int periph_add(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc);

/* Multiplies n outputs by their scale: *cycles = ceil(n / lanes) * t_mul_cyc; ACT_MUL += n. */
int periph_scale(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc);

/* Draws n scale samples s = mu + sigma * eps (subset VI; eps from the random bits):
 * *cycles = ceil(n / lanes) * (t_mul_cyc + t_add_cyc); ACT_MUL += n; ACT_ADD += n. */
int periph_sample(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc);

/* Affine transform then inverted normalization of n outputs (Affine Dropout): the affine
 * gamma * x + beta (1 mul + 1 add), the statistics (x^2: 1 mul; sum x and sum x^2: 2 adds)
 * and the normalization ((x - mu) * inv_sigma: 1 add + 1 mul), so ACT_MUL += 3n and
 * ACT_ADD += 4n; two sweeps over the outputs (statistics, then apply):
 * *cycles = ceil(n / lanes) * 2 * (t_mul_cyc + t_add_cyc). */
int periph_norm(periph_t *x, uint64_t n, uint64_t *cycles, act_counts_t *acc);

/* ---- Area and static power (45 nm; docs/parameters.md, "Area and static power") ---- */
/* One lane: a 16-bit adder of 16 full adders (NanGate 45 FA_X1, 4.256 um^2) and a 16-bit
 * register (DFF_X1, 4.522 um^2): 16 x (4.256 + 4.522) = 140.448 um^2. */
#define PERIPH_A_LANE_UM2 140.448
#define PERIPH_P_LANE_UW 2.0 /* leakage of one lane, uW (chosen) */

#define PERIPH_A_REG_BIT_UM2 4.522 /* one threshold-register bit, NanGate 45 DFF_X1, um^2 */
#define PERIPH_P_REG_BIT_UW                                                                        \
    0.0625 /* its leakage, uW: the lane figure's basis, 2.0 uW / 32 cells                          \
            */

/* lanes x PERIPH_A_LANE_UM2 + resident_bits x PERIPH_A_REG_BIT_UM2, um^2 (128 lanes and
 * no registers: 17977.344 um^2; 1024 register bits add 4630.528 um^2). */
double periph_area_um2(const periph_params_t *p);

/* lanes x PERIPH_P_LANE_UW + resident_bits x PERIPH_P_REG_BIT_UW, uW (128 lanes: 256 uW;
 * 1024 register bits add 64 uW). */
double periph_static_uw(const periph_params_t *p);

const periph_stats_t *periph_stats(const periph_t *x);
void periph_stats_reset(periph_t *x);
extern const stat_desc_t periph_stat_descs[];
extern const unsigned periph_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
