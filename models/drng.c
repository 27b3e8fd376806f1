/* drng.c - spintronic dropout modules: switching models (Neel-Brown, Sun precessional) with
 * their regimes, supply energy, per-module device spread and trim-DAC calibration, and mask
 * drawing from the counter-based generator Philox4x32-10 (Random123). */
#include "drng.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <Random123/philox.h>

#include "base/status.h"

#define DRNG_D2D_TAG 0xD2D5EED0u /* xored into the key's high word for the device spread */
#define DRNG_TWO_PI 6.283185307179586476925286766559
#define DRNG_TWO_32 4294967296.0
#define DRNG_PI2_4 2.4674011002723396547 /* pi^2 / 4 */
#define DRNG_THERMAL_MIN_T_TAU0 10.0     /* thermal model: pulse of at least 10 tau0 */
#define DRNG_THERMAL_MIN_BARRIER 5.0     /* thermal model: barrier of at least 5 kT */
#define DRNG_CAL_K 5.0                   /* calibration bound: estimation error within 5 sigma */
#define DRNG_TRIM_MAX_BITS 16u

/* One physical module: its achieved probability, trimmed current and trim code. */
typedef struct drng_mod {
    double p;
    double i_ua;
    uint32_t code;
} drng_mod_t;

struct drng {
    drng_params_t p;
    uint32_t layer;
    uint32_t rows;
    uint32_t modules;     /* ceil(rows / share) */
    uint32_t k0, k1;      /* Philox key: seed low / high 32 bits */
    double i_ua;          /* SET current of the bank at the nominal device */
    double prob;          /* target p */
    double p_mean, p_std; /* achieved p over the modules */
    double cal_tol;       /* calibration bound (0 without trim) */
    uint32_t cal_sat;     /* modules whose code saturated off target */
    drng_mod_t *mod;      /* [modules] */
    uint64_t *thr;        /* [rows] drop when the row's 32-bit lane < thr; 2^32 = always */
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
           p->i_max_ua > 0 && !isnan(p->i_max_ua) && p->model < DRNG_MODEL_COUNT &&
           (p->model != DRNG_MODEL_PRECESSIONAL || (p->tau_d_ns > 0 && isfinite(p->tau_d_ns))) &&
           (p->trim_bits == 0 || (p->trim_bits <= DRNG_TRIM_MAX_BITS && p->trim_range_rel > 0 &&
                                  p->trim_range_rel < 1 && p->cal_samples >= 1));
}

/* The circuit values the energy needs; zero is a valid (free) supply or read current. */
static int drng_circuit_ok(const drng_params_t *p)
{
    return p->v_dd_v >= 0 && isfinite(p->v_dd_v) && p->i_read_ua >= 0 && isfinite(p->i_read_ua) &&
           p->reset_wer > 0 && p->reset_wer < 1 && p->p_static_uw >= 0 && isfinite(p->p_static_uw);
}

double drng_psw(const drng_params_t *p, double i_ua, double ic0_ua, double t_ns)
{
    if (p->model == DRNG_MODEL_PRECESSIONAL) {
        /* the initial angle must grow from theta0 to pi/2 within t: theta0 >= theta_c =
         * (pi/2) exp(-(I/Ic0 - 1) t / tau_d), and P(theta0 >= theta_c) = exp(-delta
         * theta_c^2) for the Boltzmann distribution of a high barrier */
        double g = exp(-2.0 * (i_ua / ic0_ua - 1.0) * t_ns / p->tau_d_ns);
        return exp(-DRNG_PI2_4 * p->delta * g);
    }
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
    double i;
    if (p->model == DRNG_MODEL_PRECESSIONAL) {
        double l = log(DRNG_PI2_4 * p->delta / -log(prob));
        i = p->ic0_ua * (1.0 + p->tau_d_ns / (2.0 * t) * l);
    } else {
        double tau = -t / log1p(-prob);
        i = p->ic0_ua * (1.0 - log(tau / p->tau0_ns) / p->delta);
    }
    if (!(i >= 0.0 && i <= p->i_max_ua))
        return ST_ERANGE;
    *i_ua = i;
    return ST_OK;
}

/* Current for prob without the driver limit (what the configuration checks judge). */
static int drng_current_unbounded(const drng_params_t *p, double prob, double *i_ua)
{
    drng_params_t q = *p;
    q.i_max_ua = INFINITY;
    return drng_current_for_p(&q, prob, i_ua);
}

int drng_regime_check(const drng_params_t *p, double prob, char *why, unsigned long n)
{
    char buf[8];
    if (!why || n == 0) {
        why = buf;
        n = sizeof buf;
    }
    why[0] = '\0';
    if (!p || !drng_params_ok(p) || !(prob > 0.0 && prob < 1.0))
        return ST_EINVAL;
    const double t = p->t_set_cyc * p->clk_ns;
    double i = 0.0;
    int rc = drng_current_unbounded(p, prob, &i);
    if (p->model == DRNG_MODEL_PRECESSIONAL) {
        if (rc != ST_OK || i <= p->ic0_ua) {
            snprintf(why, n,
                     "p = %g in a %g ns pulse needs %.4g uA, not above ic0 = %g uA: the "
                     "precessional model does not hold; use model: thermal with a longer pulse",
                     prob, t, rc == ST_OK ? i : 0.0, p->ic0_ua);
            return ST_ERANGE;
        }
        return ST_OK;
    }
    if (t < DRNG_THERMAL_MIN_T_TAU0 * p->tau0_ns) {
        snprintf(why, n,
                 "a %g ns pulse is within %g tau0 = %g ns: the thermal model does not hold; "
                 "use model: precessional",
                 t, DRNG_THERMAL_MIN_T_TAU0, DRNG_THERMAL_MIN_T_TAU0 * p->tau0_ns);
        return ST_ERANGE;
    }
    /* the barrier at the operating point, in kT: delta (1 - I/Ic0) = ln(tau / tau0) */
    double barrier = log(-t / log1p(-prob) / p->tau0_ns);
    if (barrier < DRNG_THERMAL_MIN_BARRIER) {
        snprintf(why, n,
                 "p = %g in a %g ns pulse leaves a barrier of %.3g kT, below %g kT: the "
                 "thermal model does not hold; use model: precessional",
                 prob, t, barrier, DRNG_THERMAL_MIN_BARRIER);
        return ST_ERANGE;
    }
    return ST_OK;
}

int drng_reset_current(const drng_params_t *p, double *i_ua)
{
    if (!p || !i_ua || !drng_params_ok(p) || p->t_reset_cyc < 1 ||
        !(p->reset_wer > 0 && p->reset_wer < 1))
        return ST_EINVAL;
    drng_params_t q = *p;
    q.t_set_cyc = p->t_reset_cyc;
    return drng_current_unbounded(&q, 1.0 - p->reset_wer, i_ua);
}

/* ---- Energy and area ---- */

int drng_energy_at(const drng_params_t *p, double i_ua, double prob, drng_energy_t *e)
{
    double i_reset;
    if (!p || !e || !drng_circuit_ok(p) || !(i_ua >= 0 && isfinite(i_ua)) ||
        !(prob >= 0.0 && prob <= 1.0))
        return ST_EINVAL;
    int rc = drng_reset_current(p, &i_reset);
    if (rc != ST_OK)
        return rc;
    /* V x uA x ns = fJ = 1e-3 pJ */
    e->set_pj = p->v_dd_v * i_ua * (p->t_set_cyc * p->clk_ns) * 1e-3;
    e->sense_pj = p->v_dd_v * p->i_read_ua * (p->t_sense_cyc * p->clk_ns) * 1e-3;
    e->reset_pj = p->v_dd_v * i_reset * (p->t_reset_cyc * p->clk_ns) * 1e-3 *
                  (p->reset_on_switch ? prob : 1.0);
    return ST_OK;
}

int drng_energy(const drng_params_t *p, double prob, drng_energy_t *e)
{
    double i;
    if (!p || !e)
        return ST_EINVAL;
    int rc = drng_current_for_p(p, prob, &i);
    if (rc != ST_OK)
        return rc;
    return drng_energy_at(p, i, prob, e);
}

double drng_static_pj(const drng_params_t *p, uint64_t modules, double powered_ns)
{
    return (double)modules * p->p_static_uw * powered_ns * 1e-3;
}

double drng_module_area_um2(const drng_params_t *p)
{
    double units = p->trim_bits ? ldexp(1.0, (int)p->trim_bits) - 1.0 : 0.0;
    return p->a_module_um2 + units * p->a_trim_unit_um2 + p->trim_bits * p->a_trim_bit_um2;
}

int drng_cal_cost(const drng_params_t *p, double prob, uint64_t modules, drng_cal_cost_t *c)
{
    drng_energy_t e;
    if (!p || !c)
        return ST_EINVAL;
    if (p->trim_bits == 0) {
        *c = (drng_cal_cost_t){0};
        return ST_OK;
    }
    int rc = drng_energy(p, prob, &e);
    if (rc != ST_OK)
        return rc;
    const uint64_t per = (uint64_t)p->trim_bits * p->cal_samples;
    c->cycles = per * ((uint64_t)p->t_set_cyc + p->t_sense_cyc + p->t_reset_cyc);
    c->bits = per * modules;
    c->energy_pj = (double)c->bits * (e.set_pj + e.sense_pj + e.reset_pj);
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

/* Achieved p of a module with critical current ic0 driven at i_ua: the model, plus the
 * direct spread sigma_p * z1 (skipped at 0, so the old masks stay bit-identical). */
static double drng_module_p_at(const drng_params_t *p, double i_ua, double ic0, double t, double z1)
{
    double pm = drng_psw(p, i_ua, ic0, t);
    if (p->sigma_p > 0.0) {
        pm += p->sigma_p * z1;
        pm = pm < 0.0 ? 0.0 : pm > 1.0 ? 1.0 : pm;
    }
    return pm;
}

/* The estimation-error bound of one search step: DRNG_CAL_K standard deviations of an
 * M-draw estimate, at the p within reach of the target (a flip needs the trial's p within
 * K sigma of it) nearest 0.5, where the binomial spread is largest. */
static double drng_cal_noise_bound(double prob, uint32_t m)
{
    double reach = DRNG_CAL_K * 0.5 / sqrt((double)m);
    double q = prob < 0.5 ? fmin(prob + reach, 0.5) : fmax(prob - reach, 0.5);
    return DRNG_CAL_K * sqrt(q * (1.0 - q) / m);
}

int drng_create_chip(const drng_params_t *p, uint64_t device_seed, uint64_t mask_seed,
                     uint32_t layer, uint32_t rows, double prob, drng_t **out)
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
    d->k0 = (uint32_t)mask_seed;
    d->k1 = (uint32_t)(mask_seed >> 32);
    d->i_ua = i_ua;
    d->prob = prob;
    d->mod = st_calloc(d->modules, sizeof *d->mod);
    if (!d->mod)
        goto free_drng;
    d->thr = st_calloc(rows, sizeof *d->thr);
    if (!d->thr)
        goto free_mod;

    const uint32_t dk0 = (uint32_t)device_seed, dk1 = (uint32_t)(device_seed >> 32);
    const double t = p->t_set_cyc * p->clk_ns;
    const uint32_t nbits = p->trim_bits, cmax = nbits ? (1u << nbits) - 1u : 0u;
    const double i_lo = i_ua * (1.0 - p->trim_range_rel);
    const double i_step = nbits ? 2.0 * p->trim_range_rel * i_ua / cmax : 0.0;
    const double noise = nbits ? drng_cal_noise_bound(prob, p->cal_samples) : 0.0;
    double sum = 0.0;
    for (uint32_t m = 0; m < d->modules; m++) {
        double ic0 = p->ic0_ua;
        if (p->sigma_ic0_rel > 0.0) {
            ic0 *= 1.0 + p->sigma_ic0_rel * drng_d2d_normal(dk0, dk1, m, 0, layer);
            if (ic0 < p->ic0_ua * 1e-6) /* a far tail draw: keep Ic0 physical (> 0) */
                ic0 = p->ic0_ua * 1e-6;
        }
        const double z1 = p->sigma_p > 0.0 ? drng_d2d_normal(dk0, dk1, m, 1, layer) : 0.0;
        drng_mod_t *md = &d->mod[m];
        md->i_ua = i_ua;
        if (nbits) {
            /* successive approximation, MSB first: keep a trial bit when the M-draw
             * estimate of its p is at most the target; the driver saturates at i_max */
            uint32_t code = 0;
            for (uint32_t b = nbits; b-- > 0;) {
                uint32_t trial = code | 1u << b;
                double it = fmin(i_lo + i_step * trial, p->i_max_ua);
                double pt = drng_module_p_at(p, it, ic0, t, z1);
                double est = pt + sqrt(pt * (1.0 - pt) / p->cal_samples) *
                                      drng_d2d_normal(dk0, dk1, m, 2 + b, layer);
                if (est <= prob)
                    code = trial;
            }
            md->code = code;
            md->i_ua = fmin(i_lo + i_step * code, p->i_max_ua);
        }
        md->p = drng_module_p_at(p, md->i_ua, ic0, t, z1);
        if (nbits) {
            double lsb = 0.0;
            if (md->code < cmax)
                lsb = drng_module_p_at(p, fmin(i_lo + i_step * (md->code + 1), p->i_max_ua), ic0, t,
                                       z1) -
                      md->p;
            double tol = noise + lsb;
            if (fabs(md->p - prob) > tol && (md->code == 0 || md->code == cmax))
                d->cal_sat++;
            else if (tol > d->cal_tol)
                d->cal_tol = tol;
        }
        sum += md->p;
        uint64_t thr = (uint64_t)(md->p * DRNG_TWO_32 + 0.5); /* round(p_m * 2^32), <= 2^32 */
        uint64_t r_end = (uint64_t)(m + 1) * p->share;
        for (uint64_t r = (uint64_t)m * p->share; r < r_end && r < rows; r++)
            d->thr[r] = thr;
    }
    d->p_mean = sum / d->modules;
    if (d->modules > 1) {
        double sq = 0.0;
        for (uint32_t m = 0; m < d->modules; m++)
            sq += (d->mod[m].p - d->p_mean) * (d->mod[m].p - d->p_mean);
        d->p_std = sqrt(sq / (d->modules - 1));
    }
    *out = d;
    return ST_OK;

free_mod:
    free(d->mod);
free_drng:
    free(d);
    return ST_ENOMEM;
}

int drng_create(const drng_params_t *p, uint64_t seed, uint32_t layer, uint32_t rows, double prob,
                drng_t **out)
{
    return drng_create_chip(p, seed, seed, layer, rows, prob, out);
}

void drng_destroy(drng_t *d)
{
    if (!d)
        return;
    free(d->thr);
    free(d->mod);
    free(d);
}

uint32_t drng_modules(const drng_t *d)
{
    return d->modules;
}

double drng_module_p(const drng_t *d, uint32_t m)
{
    SIM_ASSERT(m < d->modules);
    return d->mod[m].p;
}

double drng_current_ua(const drng_t *d)
{
    return d->i_ua;
}

double drng_module_current_ua(const drng_t *d, uint32_t m)
{
    SIM_ASSERT(m < d->modules);
    return d->mod[m].i_ua;
}

uint32_t drng_module_code(const drng_t *d, uint32_t m)
{
    SIM_ASSERT(m < d->modules);
    return d->mod[m].code;
}

double drng_p_target(const drng_t *d)
{
    return d->prob;
}

double drng_p_mean(const drng_t *d)
{
    return d->p_mean;
}

double drng_p_std(const drng_t *d)
{
    return d->p_std;
}

double drng_cal_tolerance(const drng_t *d)
{
    return d->cal_tol;
}

uint32_t drng_cal_saturated(const drng_t *d)
{
    return d->cal_sat;
}

int drng_bank_energy(const drng_t *d, drng_energy_t *e)
{
    drng_energy_t sum = {0}, one;
    if (!d || !e)
        return ST_EINVAL;
    for (uint32_t m = 0; m < d->modules; m++) {
        int rc = drng_energy_at(&d->p, d->mod[m].i_ua, d->mod[m].p, &one);
        if (rc != ST_OK)
            return rc;
        sum.set_pj += one.set_pj;
        sum.sense_pj += one.sense_pj;
        sum.reset_pj += one.reset_pj;
    }
    e->set_pj = sum.set_pj / d->modules;
    e->sense_pj = sum.sense_pj / d->modules;
    e->reset_pj = sum.reset_pj / d->modules;
    return ST_OK;
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
