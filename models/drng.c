/* drng.c - spintronic dropout modules: Neel-Brown device physics, per-module device spread,
 * and mask drawing from the counter-based generator Philox4x32-10 (Random123). */
#include "drng.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include <Random123/philox.h>

#include "base/status.h"

#define DRNG_D2D_TAG 0xD2D5EED0u /* xored into the key's high word for the device spread */
#define DRNG_TWO_PI 6.283185307179586476925286766559
#define DRNG_TWO_32 4294967296.0

struct drng {
    drng_params_t p;
    uint32_t layer;
    uint32_t rows;
    uint32_t modules; /* ceil(rows / share) */
    uint32_t k0, k1;  /* Philox key: seed low / high 32 bits */
    double i_ua;      /* SET current of the bank */
    double *module_p; /* [modules] switching probability after the device spread */
    uint64_t *thr;    /* [rows] drop when the row's 32-bit lane < thr; 2^32 = always */
    drng_stats_t st;
};

const stat_desc_t drng_stat_descs[] = {
    {"masks", "count", "masks drawn", offsetof(drng_stats_t, masks)},
    {"bits", "bit", "random bits drawn (one set/sense/reset each)", offsetof(drng_stats_t, bits)},
    {"dropped", "count", "bits that switched (row dropped)", offsetof(drng_stats_t, dropped)},
};
const unsigned drng_stat_ndescs = sizeof drng_stat_descs / sizeof drng_stat_descs[0];

void drng_philox(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                 uint32_t out[4])
{
    philox4x32_ctr_t c = {{c0, c1, c2, c3}};
    philox4x32_key_t k = {{k0, k1}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        out[i] = r.v[i];
}

/* The physics needs a positive pulse, attempt time, stability, Ic0 and driver limit, and
 * finite non-negative spreads; the comparisons also reject NaN. */
static int drng_params_ok(const drng_params_t *p)
{
    return p->share >= 1 && p->t_set_cyc >= 1 && p->clk_ns > 0 && isfinite(p->clk_ns) &&
           p->tau0_ns > 0 && isfinite(p->tau0_ns) && p->delta > 0 && isfinite(p->delta) &&
           p->ic0_ua > 0 && isfinite(p->ic0_ua) && p->sigma_ic0_rel >= 0 &&
           isfinite(p->sigma_ic0_rel) && p->sigma_p >= 0 && isfinite(p->sigma_p) &&
           p->i_max_ua > 0 && !isnan(p->i_max_ua);
}

double drng_psw(const drng_params_t *p, double i_ua, double ic0_ua, double t_ns)
{
    double tau = p->tau0_ns * exp(p->delta * (1.0 - i_ua / ic0_ua));
    if (tau == 0.0)
        return 1.0; /* exp underflowed: the barrier is gone, the pulse always switches */
    return -expm1(-t_ns / tau); /* 1 - exp(-t/tau) without cancellation at small p */
}

int drng_current_for_p(const drng_params_t *p, double prob, double *i_ua)
{
    if (!p || !i_ua || !drng_params_ok(p) || !(prob > 0.0 && prob < 1.0))
        return ST_EINVAL;
    double t = p->t_set_cyc * p->clk_ns;
    double tau = -t / log1p(-prob);
    double i = p->ic0_ua * (1.0 - log(tau / p->tau0_ns) / p->delta);
    if (!(i >= 0.0 && i <= p->i_max_ua))
        return ST_ERANGE;
    *i_ua = i;
    return ST_OK;
}

/* Standard normal number `which` of module m by Box-Muller on 2 x 53 bits of one Philox
 * output at counter (m, which, 0, layer): 0 spreads Ic0, 1 spreads p. */
static double drng_d2d_normal(uint32_t k0, uint32_t k1, uint32_t m, uint32_t which, uint32_t layer)
{
    uint32_t r[4];
    drng_philox(k0, k1 ^ DRNG_D2D_TAG, m, which, 0, layer, r);
    uint64_t a = (uint64_t)r[0] << 32 | r[1];
    uint64_t b = (uint64_t)r[2] << 32 | r[3];
    double u1 = ((double)(a >> 11) + 1.0) * 0x1p-53; /* (0, 1]: log stays finite */
    double u2 = (double)(b >> 11) * 0x1p-53;         /* [0, 1) */
    return sqrt(-2.0 * log(u1)) * cos(DRNG_TWO_PI * u2);
}

int drng_create(const drng_params_t *p, uint64_t seed, uint32_t layer, uint32_t rows, double prob,
                drng_t **out)
{
    int rc;
    double i_ua;
    drng_t *d;

    if (!p || !out || rows == 0 || !drng_params_ok(p) || !(prob > 0.0 && prob < 1.0))
        return ST_EINVAL;
    rc = drng_current_for_p(p, prob, &i_ua);
    if (rc != ST_OK)
        return rc;

    d = st_calloc(1, sizeof *d);
    if (!d)
        return ST_ENOMEM;
    d->p = *p;
    d->layer = layer;
    d->rows = rows;
    d->modules = rows / p->share + (rows % p->share != 0);
    d->k0 = (uint32_t)seed;
    d->k1 = (uint32_t)(seed >> 32);
    d->i_ua = i_ua;
    d->module_p = st_calloc(d->modules, sizeof *d->module_p);
    if (!d->module_p)
        goto free_drng;
    d->thr = st_calloc(rows, sizeof *d->thr);
    if (!d->thr)
        goto free_module_p;

    double t = p->t_set_cyc * p->clk_ns;
    for (uint32_t m = 0; m < d->modules; m++) {
        double ic0 = p->ic0_ua;
        if (p->sigma_ic0_rel > 0.0) {
            ic0 *= 1.0 + p->sigma_ic0_rel * drng_d2d_normal(d->k0, d->k1, m, 0, layer);
            if (ic0 < p->ic0_ua * 1e-6) /* a far tail draw: keep Ic0 physical (> 0) */
                ic0 = p->ic0_ua * 1e-6;
        }
        double pm = drng_psw(p, i_ua, ic0, t);
        if (p->sigma_p > 0.0) { /* skipped at 0, so the old masks stay bit-identical */
            pm += p->sigma_p * drng_d2d_normal(d->k0, d->k1, m, 1, layer);
            pm = pm < 0.0 ? 0.0 : pm > 1.0 ? 1.0 : pm;
        }
        d->module_p[m] = pm;
        uint64_t thr = (uint64_t)(pm * DRNG_TWO_32 + 0.5); /* round(p_m * 2^32), up to 2^32 */
        uint64_t r_end = (uint64_t)(m + 1) * p->share;
        for (uint64_t r = (uint64_t)m * p->share; r < r_end && r < rows; r++)
            d->thr[r] = thr;
    }
    *out = d;
    return ST_OK;

free_module_p:
    free(d->module_p);
free_drng:
    free(d);
    return ST_ENOMEM;
}

void drng_destroy(drng_t *d)
{
    if (!d)
        return;
    free(d->thr);
    free(d->module_p);
    free(d);
}

uint32_t drng_modules(const drng_t *d)
{
    return d->modules;
}

double drng_module_p(const drng_t *d, uint32_t m)
{
    SIM_ASSERT(m < d->modules);
    return d->module_p[m];
}

double drng_current_ua(const drng_t *d)
{
    return d->i_ua;
}

void drng_draw_cost(const drng_params_t *p, uint64_t units, uint64_t *cycles, act_counts_t *acc)
{
    *cycles = (uint64_t)p->share * ((uint64_t)p->t_set_cyc + p->t_sense_cyc + p->t_reset_cyc);
    acc->n[ACT_DRNG_SET] += units;
    acc->n[ACT_DRNG_SENSE] += units;
    acc->n[ACT_DRNG_RESET] += units;
}

int drng_draw(drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask, uint64_t *cycles,
              act_counts_t *acc, uint32_t *dropped)
{
    if (!d || !mask || !cycles || !acc)
        return ST_EINVAL;
    const uint32_t rows = d->rows;
    const uint32_t nwords = rows / 64 + (rows % 64 != 0);
    philox4x32_key_t key = {{d->k0, d->k1}};
    uint64_t kept = 0;

    /* Four rows per Philox call; 4 divides 64, so a call never straddles two words. */
    for (uint32_t wi = 0; wi < nwords; wi++) {
        const uint32_t base = wi * 64;
        const uint32_t lim = rows - base < 64 ? rows - base : 64;
        const uint64_t *thr = d->thr + base;
        uint64_t w = 0; /* bits past `rows` stay clear */
        for (uint32_t b = 0; b < lim; b += 4) {
            philox4x32_ctr_t c = {{(base + b) >> 2, mvm, pass, d->layer}};
            philox4x32_ctr_t r = philox4x32(c, key);
            const uint32_t nl = lim - b < 4 ? lim - b : 4;
            for (uint32_t j = 0; j < nl; j++)
                w |= (uint64_t)(r.v[j] >= thr[b + j]) << (b + j); /* set = kept (driven) */
        }
        mask[wi] = w;
        kept += (uint64_t)__builtin_popcountll(w);
    }

    const uint32_t ndrop = rows - (uint32_t)kept;
    drng_draw_cost(&d->p, rows, cycles, acc);
    if (dropped)
        *dropped = ndrop;
    d->st.masks++;
    d->st.bits += rows;
    d->st.dropped += ndrop;
    return ST_OK;
}

const drng_stats_t *drng_stats(const drng_t *d)
{
    return &d->st;
}

void drng_stats_reset(drng_t *d)
{
    d->st = (drng_stats_t){0};
}
