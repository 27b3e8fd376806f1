/* arb.h - stochastic arbiter (SpinBayes): each forward pass it emits a one-hot selection
 * of one of k crossbars, uniformly.  It draws b = ceil(log2 k) stochastic-MTJ bits (each a
 * SET/sense/RESET at p = 0.5) and rejects values >= k, drawing again (try index in the
 * counter), so every crossbar is equally likely.  Bits come from Philox4x32-10 with
 * key = (seed low 32, seed high 32 ^ ARB stream tag 0xA4B17E55), counter = (try, pass,
 * layer, 0), the low b bits of lane 0: reproducible and order-free. */
#ifndef NS_ARB_H
#define NS_ARB_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct arb arb_t; /* opaque */

typedef struct arb_params {
    uint32_t k;         /* crossbars to choose among, 2..1024 */
    uint32_t t_bit_cyc; /* cycles per random bit (SET + sense + RESET), >= 1 */
} arb_params_t;

typedef struct arb_stats {
    uint64_t draws; /* selections made */
    uint64_t bits;  /* random bits drawn, rejected tries included */
    uint64_t tries; /* tries (>= draws) */
} arb_stats_t;

/* Arbiter of layer `layer`.  ST_OK, ST_EINVAL (k or t_bit_cyc out of range), ST_ENOMEM. */
int arb_create(const arb_params_t *p, uint64_t seed, uint32_t layer, arb_t **out);
void arb_destroy(arb_t *a); /* NULL is a no-op */

/* Bits per try: ceil(log2 k). */
uint32_t arb_bits_per_try(const arb_params_t *p);

/* Expected random bits of one selection: b * 2^b / k (the mean number of tries of the
 * rejection, 2^b / k, times b bits); exact when k is a power of two. */
double arb_expected_bits(const arb_params_t *p);

/* ---- Area and static power (docs/parameters.md, "Area and static power") ---- */
#define ARB_A_BIT_UM2 4.522 /* one register bit, NanGate 45 DFF_X1, um^2 */

/* One arbiter: its stochastic-MTJ bit source (a dropout module of area a_module_um2, see
 * drng_module_area_um2) plus a register of b = arb_bits_per_try bits and the k one-hot
 * select outputs: a_module_um2 + (b + k) x ARB_A_BIT_UM2 (k = 4, module 10 um^2:
 * 10 + 6 x 4.522 = 37.132 um^2). */
double arb_area_um2(const arb_params_t *p, double a_module_um2);

/* One arbiter's static power: its bit source's bias, p_module_uw (the register's leakage
 * is neglected). */
double arb_static_uw(const arb_params_t *p, double p_module_uw);

/* Selects the crossbar of MC pass `pass`: *sel in [0, k); *cycles = bits drawn * t_bit_cyc;
 * ACT_ARB_BIT += bits drawn.  Gives up after 64 rejected tries with ST_ERANGE (probability
 * below 2^-64). */
int arb_draw(arb_t *a, uint32_t pass, uint32_t *sel, uint64_t *cycles, act_counts_t *acc);

const arb_stats_t *arb_stats(const arb_t *a);
void arb_stats_reset(arb_t *a);
extern const stat_desc_t arb_stat_descs[];
extern const unsigned arb_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
