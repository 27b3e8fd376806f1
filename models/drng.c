/* drng.c - spintronic dropout modules: switching models (Neel-Brown, Sun precessional) with
 * their regimes, supply energy, per-module device spread and trim-DAC calibration, and mask
 * drawing from the counter-based generator Philox4x32-10 (Random123). */
#include "drng.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <Random123/philox.h>

#include "base/bits.h"
#include "base/status.h"

/* Word-wide mask kernels: Philox4x32-10 on 8 (AVX2) or 16 (AVX-512F) counters at once,
 * chosen per bank at creation from what the CPU has (the default build targets the x86-64
 * baseline; these functions alone are compiled for the wider ISA). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DRNG_X86 1
#endif

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
    uint32_t calls;       /* Philox calls of one mask: ceil(rows / 4) */
    uint32_t kernel;      /* drng_kernel_t in use (never AUTO) */
    uint32_t *thr4;       /* [4][calls rounded up to 16]: lane j of call q compares with
                             thr4[j * calls16 + q] = min(thr[4 q + j], 2^32 - 1); in thr's
                             block */
    uint64_t *keep;       /* [ceil(rows / 64)]: rows that can be kept (thr < 2^32); in thr's
                             block */
    uint32_t *per;        /* [6][calls + 16], periodic tables of drng_draw_many's stream at
                             t: t % calls, t / calls, then thr4[j][t % calls] for j = 0..3 */
    uint64_t *sbuf;       /* [scap / 16]: drng_draw_many's stream of one batch of masks */
    uint32_t scap;        /* calls the stream holds: max(1024, calls rounded up to 16) */
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
    /* one block: thr[rows], keep[ceil(rows / 64)], thr4[4][calls16], per[6][calls + 16],
     * sbuf[scap / 16] */
    d->calls = rows / 4 + (rows % 4 != 0);
    const uint32_t calls16 = (d->calls + 15) / 16 * 16;
    const uint64_t nwords = rows / 64 + (rows % 64 != 0), P = (uint64_t)d->calls + 16;
    d->scap = calls16 > 1024 ? calls16 : 1024;
    d->thr = st_calloc((uint64_t)rows + nwords + 2 * (uint64_t)calls16 + 3 * P + d->scap / 16,
                       sizeof *d->thr);
    if (!d->thr)
        goto free_mod;
    d->keep = d->thr + rows;
    d->thr4 = (uint32_t *)(d->keep + nwords);
    d->per = d->thr4 + 4 * (uint64_t)calls16;
    d->sbuf = (uint64_t *)(d->per + 6 * P);

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
        for (uint64_t r = (uint64_t)m * p->share; r < r_end && r < rows; r++) {
            d->thr[r] = thr;
            d->thr4[(r % 4) * calls16 + r / 4] = thr > UINT32_MAX ? UINT32_MAX : (uint32_t)thr;
            if (thr <= UINT32_MAX)
                d->keep[r / 64] |= 1ull << (r % 64);
        }
    }
    for (uint64_t t = 0; t < P; t++) {
        d->per[t] = (uint32_t)(t % d->calls);
        d->per[P + t] = (uint32_t)(t / d->calls);
        for (uint32_t j = 0; j < 4; j++)
            d->per[(2 + j) * P + t] = d->thr4[j * calls16 + t % d->calls];
    }
    drng_set_kernel(d, DRNG_KERNEL_AUTO);
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
    free(d->thr); /* with keep, thr4, per and sbuf */
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

/* The scalar kernel: four rows per Philox call; 4 divides 64, so a call never straddles
 * two words. */
static uint64_t drng_draw_scalar(const drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask)
{
    uint64_t kept = 0;
    const uint32_t rows = d->rows;
    const uint32_t nwords = rows / 64 + (rows % 64 != 0);
    philox4x32_key_t key = {{d->k0, d->k1}};
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
    return kept;
}

#ifdef DRNG_X86
/* Bit i of the low 16 bits of x to bit 4 i (a 16 -> 64 spread: lane l's row 4 l + j). */
static inline uint64_t drng_spread4(uint64_t x)
{
    x = (x | x << 24) & 0x000000FF000000FFull;
    x = (x | x << 12) & 0x000F000F000F000Full;
    x = (x | x << 6) & 0x0303030303030303ull;
    return (x | x << 3) & 0x1111111111111111ull;
}

/* AVX2: calls q0 .. q0 + 7 of one mask in the eight 32-bit lanes (structure of arrays: xj
 * holds word j of every lane's counter), ten rounds as Random123's _philox4x32round, then
 * lane l's word j against thr4[j][q0 + l]: bit 4 l + j of the 32-bit result, the rows
 * 4 q0 .. 4 q0 + 31. */
__attribute__((target("avx2,popcnt"))) static uint64_t
drng_draw_avx2(const drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask)
{
    uint64_t kept = 0;
    const uint32_t calls16 = (d->calls + 15) / 16 * 16;
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i rk0[10], rk1[10];
    for (uint32_t i = 0; i < 10; i++) {
        rk0[i] = _mm256_set1_epi32((int)(d->k0 + i * PHILOX_W32_0));
        rk1[i] = _mm256_set1_epi32((int)(d->k1 + i * PHILOX_W32_1));
    }
    const uint32_t nwords = d->rows / 64 + (d->rows % 64 != 0);
    for (uint32_t wi = 0; wi < nwords; wi++) {
        uint64_t w = 0;
        for (uint32_t h = 0; h < 2; h++) {
            const uint32_t q0 = wi * 16 + h * 8;
            if (q0 >= d->calls)
                break;
            __m256i x0 = _mm256_add_epi32(_mm256_set1_epi32((int)q0), iota);
            __m256i x1 = _mm256_set1_epi32((int)mvm), x2 = _mm256_set1_epi32((int)pass);
            __m256i x3 = _mm256_set1_epi32((int)d->layer);
            for (uint32_t i = 0; i < 10; i++) {
                const __m256i pe0 = _mm256_mul_epu32(x0, m0);
                const __m256i po0 = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
                const __m256i pe1 = _mm256_mul_epu32(x2, m1);
                const __m256i po1 = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
                const __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
                const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
                const __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
                const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
                x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), rk0[i]);
                x1 = lo1;
                x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), rk1[i]);
                x3 = lo0;
            }
            const __m256i xs[4] = {x0, x1, x2, x3};
            uint64_t part = 0;
            for (uint32_t j = 0; j < 4; j++) {
                const __m256i t = _mm256_loadu_si256((const __m256i *)(d->thr4 + j * calls16 + q0));
                const __m256i ge = _mm256_cmpeq_epi32(_mm256_max_epu32(xs[j], t), xs[j]);
                part |= drng_spread4((uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(ge))) << j;
            }
            w |= part << (32 * h);
        }
        mask[wi] = w & d->keep[wi]; /* rows past `rows` and rows that always drop */
        kept += (uint64_t)__builtin_popcountll(mask[wi]);
    }
    return kept;
}

/* Philox4x32's ten rounds on sixteen calls held as two halves (a: even calls, b: odd) of
 * four words each, in 64-bit lanes (see drng_draw_avx512): x[0], x[1], x[2], x[3] of a call
 * in a[0..3] / b[0..3].  m0, m1 the multipliers, rk0/rk1 the round keys. */
__attribute__((target("avx512f"), always_inline)) static inline void
philox_rounds_avx512(__m512i a[4], __m512i b[4], __m512i m0, __m512i m1, const __m512i rk0[10],
                     const __m512i rk1[10])
{
    __m512i a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    __m512i b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    for (uint32_t i = 0; i < 10; i++) {
        const __m512i pa0 = _mm512_mul_epu32(a0, m0), pa1 = _mm512_mul_epu32(a2, m1);
        const __m512i pb0 = _mm512_mul_epu32(b0, m0), pb1 = _mm512_mul_epu32(b2, m1);
        /* hi: the odd dword copied down (vpshufd, off the multiplier's port) */
        a0 = _mm512_ternarylogic_epi32(_mm512_shuffle_epi32(pa1, 0xF5), a1, rk0[i], 0x96);
        a2 = _mm512_ternarylogic_epi32(_mm512_shuffle_epi32(pa0, 0xF5), a3, rk1[i], 0x96);
        b0 = _mm512_ternarylogic_epi32(_mm512_shuffle_epi32(pb1, 0xF5), b1, rk0[i], 0x96);
        b2 = _mm512_ternarylogic_epi32(_mm512_shuffle_epi32(pb0, 0xF5), b3, rk1[i], 0x96);
        a1 = pa1;
        a3 = pa0;
        b1 = pb1;
        b3 = pb0;
    }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
    b[0] = b0, b[1] = b1, b[2] = b2, b[3] = b3;
}

/* AVX-512F: sixteen calls, one mask word, per step, in 64-bit lanes (the counter word in
 * the low half): a 32 x 32 -> 64-bit vpmuludq is then a whole mulhilo, lo the product's
 * low half as it stands and hi one dword shuffle.  The high halves of lo and of what is xored
 * with it carry garbage, which vpmuludq never reads and the final compare masks off.
 * Half a holds the even calls q0 + 2 i, half b the odd ones, so that a's compare bits
 * (even 32-bit lanes) and b's shifted up (odd lanes) interleave into call order. */
__attribute__((target("avx512f,popcnt"))) static uint64_t
drng_draw_avx512(const drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask)
{
    uint64_t kept = 0;
    const uint32_t calls16 = (d->calls + 15) / 16 * 16;
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    __m512i rk0[10], rk1[10];
    for (uint32_t i = 0; i < 10; i++) {
        rk0[i] = _mm512_set1_epi32((int)(d->k0 + i * PHILOX_W32_0));
        rk1[i] = _mm512_set1_epi32((int)(d->k1 + i * PHILOX_W32_1));
    }
    const uint32_t nwords = d->rows / 64 + (d->rows % 64 != 0);
    for (uint32_t wi = 0; wi < nwords; wi++) {
        const uint32_t q0 = wi * 16;
        const __m512i base = _mm512_set1_epi64(q0);
        __m512i a0 = _mm512_add_epi64(base, even), b0 = _mm512_add_epi64(base, odd);
        __m512i a1 = _mm512_set1_epi64(mvm), b1 = a1;
        __m512i a2 = _mm512_set1_epi64(pass), b2 = a2;
        __m512i a3 = _mm512_set1_epi64(d->layer), b3 = a3;
        __m512i as[4] = {a0, a1, a2, a3}, bs[4] = {b0, b1, b2, b3};
        philox_rounds_avx512(as, bs, m0, m1, rk0, rk1);
        uint64_t w = 0;
        for (uint32_t j = 0; j < 4; j++) {
            const __m512i t = _mm512_loadu_si512(d->thr4 + j * calls16 + q0);
            const uint32_t ge =
                (uint32_t)_mm512_mask_cmpge_epu32_mask(0x5555, as[j], t) |
                (uint32_t)_mm512_mask_cmpge_epu32_mask(0xAAAA, _mm512_slli_epi64(bs[j], 32), t);
            w |= drng_spread4(ge) << j;
        }
        mask[wi] = w & d->keep[wi];
        kept += (uint64_t)__builtin_popcountll(mask[wi]);
    }
    return kept;
}

/* AVX-512F over many masks: the calls of masks mvm0 .. mvm0 + n - 1 one after another
 * (call g = v * calls + q), sixteen to a step whatever the mask boundaries, so no lane
 * idles at the end of a mask.  Step s yields bits [64 s, 64 s + 64) of a stream (4 bits a
 * call, lane order as drng_draw_avx512) and mask v is the stream's bits
 * [4 calls v, 4 calls v + rows).  A step starting at call g0 reads its lanes' counter
 * words and thresholds from the periodic tables at g0 % calls. */
__attribute__((target("avx512f,popcnt"))) static uint64_t
drng_many_avx512(drng_t *d, uint32_t pass, uint32_t mvm0, uint32_t n, uint64_t *masks,
                 size_t stride)
{
    uint64_t kept = 0;
    const uint32_t calls = d->calls, rows = d->rows, P = calls + 16;
    const uint32_t nwords = rows / 64 + (rows % 64 != 0), nb = d->scap / calls;
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
    const __m512i c2 = _mm512_set1_epi32((int)pass), c3 = _mm512_set1_epi32((int)d->layer);
    __m512i rk0[10], rk1[10];
    for (uint32_t i = 0; i < 10; i++) {
        rk0[i] = _mm512_set1_epi32((int)(d->k0 + i * PHILOX_W32_0));
        rk1[i] = _mm512_set1_epi32((int)(d->k1 + i * PHILOX_W32_1));
    }
    for (uint32_t v0 = 0; v0 < n; v0 += nb) {
        const uint32_t m = n - v0 < nb ? n - v0 : nb;
        const uint32_t steps = (m * calls + 15) / 16;
        uint32_t off = 0, vb = 0; /* the step's first call: v0 + vb, q = off */
        for (uint32_t st = 0; st < steps; st++) {
            const __m512i q = _mm512_loadu_si512(d->per + off);
            const __m512i v = _mm512_add_epi32(_mm512_set1_epi32((int)(mvm0 + v0 + vb)),
                                               _mm512_loadu_si512(d->per + P + off));
            __m512i a0 = q, b0 = _mm512_shuffle_epi32(q, 0xF5);
            __m512i a1 = v, b1 = _mm512_shuffle_epi32(v, 0xF5);
            __m512i a2 = c2, b2 = c2, a3 = c3, b3 = c3;
            __m512i as[4] = {a0, a1, a2, a3}, bs[4] = {b0, b1, b2, b3};
            philox_rounds_avx512(as, bs, m0, m1, rk0, rk1);
            uint64_t w = 0;
            for (uint32_t j = 0; j < 4; j++) {
                const __m512i t = _mm512_loadu_si512(d->per + (2 + j) * P + off);
                const uint32_t ge =
                    (uint32_t)_mm512_mask_cmpge_epu32_mask(0x5555, as[j], t) |
                    (uint32_t)_mm512_mask_cmpge_epu32_mask(0xAAAA, _mm512_slli_epi64(bs[j], 32), t);
                w |= drng_spread4(ge) << j;
            }
            d->sbuf[st] = w;
            for (off += 16; off >= calls; off -= calls)
                vb++;
        }
        for (uint32_t i = 0; i < m; i++) {
            uint64_t *mk = masks + (v0 + i) * stride;
            bits_copy(mk, 0, d->sbuf, 4 * (uint64_t)calls * i, rows);
            for (uint32_t wi = 0; wi < nwords; wi++) {
                mk[wi] &= d->keep[wi]; /* past `rows`, and rows that always drop */
                kept += (uint64_t)__builtin_popcountll(mk[wi]);
            }
        }
    }
    return kept;
}
#endif

int drng_set_kernel(drng_t *d, drng_kernel_t k)
{
    if (!d || (unsigned)k > DRNG_KERNEL_AVX512)
        return ST_EINVAL;
#ifdef DRNG_X86
    const int avx2 = __builtin_cpu_supports("avx2"), avx512 = __builtin_cpu_supports("avx512f");
#else
    const int avx2 = 0, avx512 = 0;
#endif
    if (k == DRNG_KERNEL_AUTO)
        k = avx512 ? DRNG_KERNEL_AVX512 : avx2 ? DRNG_KERNEL_AVX2 : DRNG_KERNEL_SCALAR;
    if ((k == DRNG_KERNEL_AVX2 && !avx2) || (k == DRNG_KERNEL_AVX512 && !avx512))
        return ST_EINVAL;
    d->kernel = (uint32_t)k;
    return ST_OK;
}

drng_kernel_t drng_kernel(const drng_t *d)
{
    return (drng_kernel_t)d->kernel;
}

/* One mask with the bank's kernel; returns its kept rows. */
static uint64_t drng_draw_one(const drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask)
{
    switch (d->kernel) {
#ifdef DRNG_X86
    case DRNG_KERNEL_AVX512:
        return drng_draw_avx512(d, pass, mvm, mask);
    case DRNG_KERNEL_AVX2:
        return drng_draw_avx2(d, pass, mvm, mask);
#endif
    default:
        return drng_draw_scalar(d, pass, mvm, mask);
    }
}

int drng_draw(drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask, uint64_t *cycles,
              act_counts_t *acc, uint32_t *dropped)
{
    if (!d || !mask || !cycles || !acc)
        return ST_EINVAL;
    const uint32_t rows = d->rows;
    const uint64_t kept = drng_draw_one(d, pass, mvm, mask);
    const uint32_t ndrop = rows - (uint32_t)kept;
    drng_draw_cost(&d->p, rows, cycles, acc);
    if (dropped)
        *dropped = ndrop;
    d->st.masks++;
    d->st.bits += rows;
    d->st.dropped += ndrop;
    return ST_OK;
}

int drng_draw_many(drng_t *d, uint32_t pass, uint32_t mvm0, uint32_t n, uint64_t *masks,
                   size_t stride, uint64_t *cycles, act_counts_t *acc, uint64_t *dropped)
{
    if (!d || !masks || !cycles || !acc || n == 0 || (uint64_t)mvm0 + n - 1 > UINT32_MAX ||
        stride < (size_t)(d->rows / 64 + (d->rows % 64 != 0)))
        return ST_EINVAL;
    uint64_t kept = 0;
#ifdef DRNG_X86
    if (d->kernel == DRNG_KERNEL_AVX512)
        kept = drng_many_avx512(d, pass, mvm0, n, masks, stride);
    else
#endif
        for (uint32_t i = 0; i < n; i++)
            kept += drng_draw_one(d, pass, mvm0 + i, masks + (size_t)i * stride);
    const uint64_t bits = (uint64_t)n * d->rows, ndrop = bits - kept;
    drng_draw_cost(&d->p, bits, cycles, acc);
    if (dropped)
        *dropped = ndrop;
    d->st.masks += n;
    d->st.bits += bits;
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
