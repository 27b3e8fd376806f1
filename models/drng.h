/* drng.h - spintronic dropout modules (SpinDrop): the stochastic switching of an MTJ is the
 * random number generator.
 *
 * One random bit = SET pulse -> sense -> RESET to P.  The SET pulse of width t_p switches
 * the free layer with the Neel-Brown thermal-activation probability
 *     P_sw = 1 - exp(-t_p / tau),   tau = tau0 * exp(delta * (1 - I / Ic0)),
 * so the driver picks the current I that gives the layer's dropout probability p at the
 * nominal Ic0.  Devices differ: each module's Ic0 is drawn once as
 * Ic0 * (1 + sigma_ic0_rel * N(0,1)), so its real probability p_m differs from p (the
 * device-to-device spread SpinDrop is shown to tolerate); sigma_p adds a direct Gaussian
 * spread of p_m.  A switched MTJ means "drop".
 *
 * One drng_t is the bank of dropout modules of one layer: a module per `share` consecutive
 * word-line pairs (input rows); a module serves its rows one after another, so a mask costs
 * share * (t_set + t_sense + t_reset) cycles while all modules work in parallel.
 *
 * Bits are not drawn from a stateful stream: bit (pass, mvm, row) is a pure function of
 * (seed, layer, pass, mvm, row) through the counter-based generator Philox4x32-10
 * (Random123): key = seed, counter = (row / 4, mvm, pass, layer), 32-bit lane row % 4.
 * Module m = row / share draws row's bit, so the mask is reproducible and independent of the
 * order passes, layers or tiles are simulated in.  The device spread uses the same
 * generator under a different key (seed with the D2D stream tag), so it never collides with
 * mask bits. */
#ifndef NS_DRNG_H
#define NS_DRNG_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct drng drng_t; /* opaque: per-row thresholds of one layer's modules */

typedef struct drng_params {
    uint32_t share;       /* word-line pairs served by one module, >= 1 */
    uint32_t t_set_cyc;   /* SET pulse, cycles (its width t_p = t_set_cyc * clk_ns) */
    uint32_t t_sense_cyc; /* read of the MTJ state, cycles */
    uint32_t t_reset_cyc; /* RESET pulse back to P, cycles */
    double clk_ns;        /* clock period, ns (from the architecture clock) */
    double tau0_ns;       /* attempt time of the Neel-Brown model, ns */
    double delta;         /* thermal stability factor of the dropout MTJ */
    double ic0_ua;        /* nominal critical switching current, uA */
    double sigma_ic0_rel; /* device-to-device spread of Ic0, std / mean, >= 0 */
    double sigma_p;       /* extra spread of each module's p itself, std, >= 0 (SpinScaleDrop
                             fits p across devices to a Gaussian): p_m += sigma_p * N(0,1),
                             clamped to [0, 1]; 0 = off */
    double i_max_ua;      /* largest SET current the driver supplies, uA */
} drng_params_t;

typedef struct drng_stats {
    uint64_t masks;   /* masks drawn */
    uint64_t bits;    /* random bits drawn (one SET/sense/RESET each) */
    uint64_t dropped; /* bits that switched (row dropped) */
} drng_stats_t;

/* ---- Device physics (pure functions) ---- */
/* Neel-Brown switching probability of a pulse of width t_ns at current i_ua on a device of
 * critical current ic0_ua. */
double drng_psw(const drng_params_t *p, double i_ua, double ic0_ua, double t_ns);

/* SET current giving switching probability prob (0 < prob < 1) at the nominal Ic0 with the
 * pulse t_set_cyc * clk_ns.  ST_OK, ST_EINVAL (prob outside (0, 1) or bad params), or
 * ST_ERANGE when the current would be negative or above i_max_ua (*i_ua untouched). */
int drng_current_for_p(const drng_params_t *p, double prob, double *i_ua);

/* ---- Lifecycle ---- */
/* Creates the dropout modules of layer `layer` (0-based) with `rows` input rows and dropout
 * probability prob.  Draws each module's Ic0 and precomputes its threshold; after this the
 * bank never allocates.  ST_OK, ST_EINVAL (rows == 0, prob outside (0, 1), bad params),
 * ST_ERANGE (no current gives prob), ST_ENOMEM; *out untouched on error. */
int drng_create(const drng_params_t *p, uint64_t seed, uint32_t layer, uint32_t rows, double prob,
                drng_t **out);
void drng_destroy(drng_t *d); /* NULL is a no-op */

/* Physical modules of the bank: ceil(rows / share). */
uint32_t drng_modules(const drng_t *d);

/* Real switching probability of module m (< drng_modules) after the device spread. */
double drng_module_p(const drng_t *d, uint32_t m);

/* SET current the bank drives, uA. */
double drng_current_ua(const drng_t *d);

/* ---- Requests ---- */
/* Draws the mask of input vector `mvm` of MC pass `pass`: for every row r < rows, bit r of
 * mask (ceil(rows / 64) words, caller-owned) is set when the row is kept (driven) and clear
 * when dropped; bits past `rows` in the last word are cleared.
 * *cycles = share * (t_set_cyc + t_sense_cyc + t_reset_cyc);
 * ACT_DRNG_SET, ACT_DRNG_SENSE and ACT_DRNG_RESET += rows.  *dropped (may be NULL) gets the
 * number of dropped rows.  No allocation. */
int drng_draw(drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask, uint64_t *cycles,
              act_counts_t *acc, uint32_t *dropped);

/* What a draw of `units` bits costs, without drawing (the analytic mode): every module
 * serves `p->share` units in turn, *cycles = share * (t_set + t_sense + t_reset);
 * ACT_DRNG_SET, ACT_DRNG_SENSE and ACT_DRNG_RESET += units.  drng_draw charges exactly
 * this. */
void drng_draw_cost(const drng_params_t *p, uint64_t units, uint64_t *cycles, act_counts_t *acc);

const drng_stats_t *drng_stats(const drng_t *d);
void drng_stats_reset(drng_t *d);
extern const stat_desc_t drng_stat_descs[];
extern const unsigned drng_stat_ndescs;

/* ---- Shared generator (also used by arb) ---- */
/* The four 32-bit outputs of Philox4x32-10 for key (k0, k1) and counter (c0..c3). */
void drng_philox(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                 uint32_t out[4]);

#ifdef __cplusplus
}
#endif
#endif
