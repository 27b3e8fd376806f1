/* arb.c - SpinBayes stochastic arbiter: uniform one-of-k selection by rejection sampling of
 * ceil(log2 k) random bits per try, bits from Philox4x32-10 (via drng_philox). */
#include "arb.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"
#include "drng.h"

#define ARB_TAG 0xA4B17E55u /* xored into the key's high word: the arbiter's own stream */
#define ARB_MAX_TRIES 64

struct arb {
    arb_params_t p;
    uint32_t layer;
    uint32_t k0, k1; /* Philox key: seed low 32, seed high 32 ^ ARB_TAG */
    uint32_t b;      /* bits per try */
    uint32_t b_mask; /* low b bits */
    arb_stats_t st;
};

const stat_desc_t arb_stat_descs[] = {
    {"draws", "count", "selections made", offsetof(arb_stats_t, draws)},
    {"bits", "bit", "random bits drawn, rejected tries included", offsetof(arb_stats_t, bits)},
    {"tries", "count", "tries, rejected ones included", offsetof(arb_stats_t, tries)},
};
const unsigned arb_stat_ndescs = sizeof arb_stat_descs / sizeof arb_stat_descs[0];

uint32_t arb_bits_per_try(const arb_params_t *p)
{
    /* ceil(log2 k) is the bit length of k - 1 (k >= 2). */
    return p->k <= 1 ? 0 : 32 - (uint32_t)__builtin_clz(p->k - 1);
}

double arb_expected_bits(const arb_params_t *p)
{
    const uint32_t b = arb_bits_per_try(p);
    return p->k < 2 ? 0.0 : (double)b * (double)((uint64_t)1 << b) / (double)p->k;
}

int arb_create(const arb_params_t *p, uint64_t seed, uint32_t layer, arb_t **out)
{
    if (!p || !out || p->k < 2 || p->k > 1024 || p->t_bit_cyc == 0)
        return ST_EINVAL;
    arb_t *a = st_calloc(1, sizeof *a);
    if (!a)
        return ST_ENOMEM;
    a->p = *p;
    a->layer = layer;
    a->k0 = (uint32_t)seed;
    a->k1 = (uint32_t)(seed >> 32) ^ ARB_TAG;
    a->b = arb_bits_per_try(p);
    a->b_mask = ((uint32_t)1 << a->b) - 1;
    *out = a;
    return ST_OK;
}

void arb_destroy(arb_t *a)
{
    free(a);
}

int arb_draw(arb_t *a, uint32_t pass, uint32_t *sel, uint64_t *cycles, act_counts_t *acc)
{
    if (!a || !sel || !cycles || !acc)
        return ST_EINVAL;
    for (uint32_t t = 0; t < ARB_MAX_TRIES; t++) {
        uint32_t r[4];
        drng_philox(a->k0, a->k1, t, pass, a->layer, 0, r);
        uint32_t v = r[0] & a->b_mask;
        if (v >= a->p.k)
            continue; /* reject: keeps every crossbar equally likely */
        uint64_t tries = (uint64_t)t + 1;
        uint64_t bits = tries * a->b;
        *sel = v;
        *cycles = bits * a->p.t_bit_cyc;
        acc->n[ACT_ARB_BIT] += bits;
        a->st.draws++;
        a->st.bits += bits;
        a->st.tries += tries;
        return ST_OK;
    }
    return ST_ERANGE; /* 64 rejections in a row: probability below 2^-64 */
}

const arb_stats_t *arb_stats(const arb_t *a)
{
    return &a->st;
}

void arb_stats_reset(arb_t *a)
{
    a->st = (arb_stats_t){0};
}

double arb_area_um2(const arb_params_t *p, double a_module_um2)
{
    return a_module_um2 + (double)(arb_bits_per_try(p) + p->k) * ARB_A_BIT_UM2;
}

double arb_static_uw(const arb_params_t *p, double p_module_uw)
{
    (void)p;
    return p_module_uw;
}
