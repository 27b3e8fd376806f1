/* drng.h - spintronic dropout modules (SpinDrop): the stochastic switching of an MTJ is the
 * random number generator, built as a circuit: device physics, supply energy, trim DAC.
 *
 * One random bit = SET pulse -> sense -> RESET to P.  The SET pulse of width t_p at current
 * I switches the free layer with probability P_sw(I, t_p), from one of two models, each
 * valid in its own regime (drng_regime_check refuses a point outside it):
 *   DRNG_MODEL_THERMAL       Neel-Brown thermal activation, long pulses below Ic0:
 *       P_sw = 1 - exp(-t_p / tau),   tau = tau0 * exp(delta * (1 - I / Ic0));
 *       holds for t_p >= 10 tau0 and a barrier delta (1 - I/Ic0) >= 5 kT with I < Ic0.
 *   DRNG_MODEL_PRECESSIONAL  Sun's macrospin precessional switching with a thermally
 *       distributed initial angle (Sun, PRB 62, 570 (2000); He, Sun & Zhang, JAP 101,
 *       09A501 (2007); Butler et al., IEEE TMAG 48, 4684 (2012)), ns pulses above Ic0:
 *       P_sw = exp(-(pi^2 delta / 4) * exp(-2 (I / Ic0 - 1) t_p / tau_d));
 *       holds for I > Ic0 (the initial-angle growth the model rests on needs a
 *       supercritical current).
 * The driver picks the current I that gives the layer's probability p at the nominal Ic0.
 *
 * Devices differ: each module's Ic0 is drawn once as Ic0 * (1 + sigma_ic0_rel * N(0,1));
 * sigma_p adds a direct Gaussian spread of p_m.  Without calibration (trim_bits = 0) every
 * module gets the nominal current and its achieved p_m is reported, spread and all
 * (drng_module_p, drng_p_mean, drng_p_std).  With a trim DAC of trim_bits bits the module's
 * current is I * (1 - r + 2 r c / (2^N - 1)), r = trim_range_rel, code c in [0, 2^N - 1],
 * set at power-up by a binary search (successive approximation, MSB first): each step
 * estimates the module's p with cal_samples SET/sense/RESET draws and keeps the trial bit
 * when the estimate is <= the target.  The code c it lands on has p(c) <= target + n and
 * p(c + 1) > target - n, n the largest estimation error, so |p_m - target| <= n + the
 * module's one-LSB step (drng_cal_tolerance).  The estimate is the true p plus
 * sqrt(p (1 - p) / M) * N(0,1) (the normal limit of a binomial count of M draws).
 *
 * Two seeds: the chip instance (every module's Ic0, its p spread and the calibration
 * residue) comes from the device seed, the masks from the mask seed (drng_create_chip).
 *
 * Energy from the supply (drng_energy): a SET draws V_DD * I * t_set, a sense V_DD *
 * I_read * t_sense, a RESET V_DD * I_reset * t_reset, I_reset being the current that
 * switches back with error rate reset_wer in t_reset; with reset_on_switch the sensed
 * bit gates the RESET driver, so a bit costs a RESET only with probability p.  The bias
 * and trim DAC draw p_static_uw per module while powered (drng_static_pj), which is
 * not an action: the caller books it as leakage.
 *
 * One drng_t is the bank of dropout modules of one layer: a module per `share` consecutive
 * word-line pairs (input rows); a module serves its rows one after another, so a mask costs
 * share * (t_set + t_sense + t_reset) cycles while all modules work in parallel.
 *
 * Bits are not drawn from a stateful stream: bit (pass, mvm, row) is a pure function of
 * (mask seed, layer, pass, mvm, row) through the counter-based generator Philox4x32-10
 * (Random123): key = mask seed, counter = (row / 4, mvm, pass, layer), 32-bit lane row % 4.
 * Module m = row / share draws row's bit, so the mask is reproducible and independent of
 * the order passes, layers or tiles are simulated in.  The device draws use the same
 * generator under the device seed with the D2D stream tag xored into its high word, at
 * counter (m, which, 0, layer): which 0 spreads Ic0, 1 spreads p, 2 + b is the
 * calibration estimate of trial bit b. */
#ifndef NS_DRNG_H
#define NS_DRNG_H

#include <stddef.h>
#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct drng drng_t; /* opaque: per-row thresholds of one layer's modules */

/* Switching-probability model (YAML dropout.model: thermal, precessional). */
typedef enum {
    DRNG_MODEL_THERMAL = 0,  /* Neel-Brown: t_p >= 10 tau0, I < Ic0, barrier >= 5 kT */
    DRNG_MODEL_PRECESSIONAL, /* Sun's precessional model: ns pulses, I > Ic0 */
    DRNG_MODEL_COUNT
} drng_model_t;

typedef struct drng_params {
    uint32_t share;           /* word-line pairs served by one module, >= 1 */
    uint32_t t_set_cyc;       /* SET pulse, cycles (its width t_p = t_set_cyc * clk_ns) */
    uint32_t t_sense_cyc;     /* read of the MTJ state, cycles */
    uint32_t t_reset_cyc;     /* RESET pulse back to P, cycles */
    double clk_ns;            /* clock period, ns (from the architecture clock) */
    double tau0_ns;           /* attempt time of the Neel-Brown model, ns */
    double delta;             /* thermal stability factor of the dropout MTJ */
    double ic0_ua;            /* nominal critical switching current, uA */
    double sigma_ic0_rel;     /* device-to-device spread of Ic0, std / mean, >= 0 */
    double sigma_p;           /* extra spread of each module's p itself, std, >= 0 (SpinScaleDrop
                                 fits p across devices to a Gaussian): p_m += sigma_p * N(0,1),
                                 clamped to [0, 1]; 0 = off */
    double i_max_ua;          /* largest SET current the driver supplies, uA */
    uint32_t model;           /* drng_model_t */
    double tau_d_ns;          /* precessional characteristic time (1+a^2)/(a gamma mu0 H_eff), ns */
    double v_dd_v;            /* supply of the SET/RESET drivers and the read bias, V */
    double i_read_ua;         /* read current through the MTJ while sensing, uA */
    double reset_wer;         /* RESET write-error rate the RESET current is sized for, (0, 1) */
    uint32_t reset_on_switch; /* 1: the sensed bit gates RESET (only switched MTJs reset) */
    double p_static_uw;       /* static power of one module's bias and trim DAC, uW */
    uint32_t trim_bits;       /* trim DAC bits per module; 0 = no calibration */
    double trim_range_rel;    /* trim DAC span: current from I (1 - r) to I (1 + r) */
    uint32_t cal_samples;     /* draws per binary-search step of the power-up calibration */
    double a_module_um2;      /* module without trim: MTJ, SET/RESET driver, sense latch, um^2 */
    double a_trim_unit_um2;   /* one unit current cell of the trim DAC, um^2 */
    double a_trim_bit_um2;    /* one trim-code register bit, um^2 */
} drng_params_t;

/* Energy of one action of a module from the supply, pJ (indexed like ACT_DRNG_*). */
typedef struct drng_energy {
    double set_pj;   /* V_DD * I * t_set */
    double sense_pj; /* V_DD * I_read * t_sense */
    double reset_pj; /* V_DD * I_reset * t_reset, times p with reset_on_switch */
} drng_energy_t;

/* Power-up calibration of one bank: all modules search in parallel. */
typedef struct drng_cal_cost {
    uint64_t cycles;  /* trim_bits * cal_samples * (t_set + t_sense + t_reset) */
    uint64_t bits;    /* SET/sense/RESET draws of all modules: modules * N * M */
    double energy_pj; /* bits * (set + sense + reset) at the nominal current */
} drng_cal_cost_t;

typedef struct drng_stats {
    uint64_t masks;   /* masks drawn */
    uint64_t bits;    /* random bits drawn (one SET/sense/RESET each) */
    uint64_t dropped; /* bits that switched (row dropped) */
} drng_stats_t;

/* ---- Device physics (pure functions) ---- */
/* Switching probability of p->model for a pulse of width t_ns at current i_ua on a device
 * of critical current ic0_ua.  The formula alone: the regime is drng_regime_check's. */
double drng_psw(const drng_params_t *p, double i_ua, double ic0_ua, double t_ns);

/* SET current giving switching probability prob (0 < prob < 1) at the nominal Ic0 with the
 * pulse t_set_cyc * clk_ns.  ST_OK, ST_EINVAL (prob outside (0, 1) or bad params), or
 * ST_ERANGE when the current would be negative or above i_max_ua (*i_ua untouched). */
int drng_current_for_p(const drng_params_t *p, double prob, double *i_ua);

/* Whether p->model holds at the SET point that gives prob: thermal needs t_set >= 10 tau0,
 * I < Ic0 and a barrier delta (1 - I/Ic0) >= 5; precessional needs I > Ic0.  ST_OK, or
 * ST_ERANGE with a one-line lower-case reason in why (may be NULL; n bytes, always
 * terminated), e.g. "a 2 ns pulse is within 10 tau0 = 10 ns: the thermal model does not
 * hold; use model: precessional"; ST_EINVAL for bad params or prob.  The driver limit is
 * not judged here (drng_current_for_p). */
int drng_regime_check(const drng_params_t *p, double prob, char *why, unsigned long n);

/* RESET current: what switches back in t_reset_cyc * clk_ns with probability
 * 1 - reset_wer under p->model, uA (no driver limit).  ST_OK, ST_EINVAL, ST_ERANGE (no
 * positive current does it); *i_ua untouched on error. */
int drng_reset_current(const drng_params_t *p, double *i_ua);

/* ---- Energy and area (pure functions; the Accelergy ERT split) ---- */
/* Per-action supply energy of a module driven at SET current i_ua that switches with
 * probability prob (prob only weighs RESET under reset_on_switch).  ST_OK, ST_EINVAL,
 * ST_ERANGE (no RESET current); *e untouched on error.  A SET at 0.9 V, 165 uA, 2 ns is
 * 0.9 * 165e-6 * 2e-9 J = 0.297 pJ. */
int drng_energy_at(const drng_params_t *p, double i_ua, double prob, drng_energy_t *e);

/* Same at the nominal device, with the current drng_current_for_p picks for prob. */
int drng_energy(const drng_params_t *p, double prob, drng_energy_t *e);

/* Static energy of `modules` modules powered for powered_ns: modules * p_static_uw *
 * powered_ns * 1e-3 pJ (uW x ns = fJ).  Booked as leakage, not as an action. */
double drng_static_pj(const drng_params_t *p, uint64_t modules, double powered_ns);

/* Area of one module with its trim DAC, um^2: a_module + (2^N - 1) a_trim_unit +
 * N a_trim_bit (N = trim_bits; a binary-weighted current-steering DAC of unit cells). */
double drng_module_area_um2(const drng_params_t *p);

/* Power-up calibration cost of `modules` modules targeting prob (zero without trim).
 * ST_OK or as drng_energy. */
int drng_cal_cost(const drng_params_t *p, double prob, uint64_t modules, drng_cal_cost_t *c);

/* ---- Lifecycle ---- */
/* Creates the dropout modules of layer `layer` (0-based) with `rows` input rows and dropout
 * probability prob on the chip instance `device_seed`, drawing masks from `mask_seed`.
 * Draws each module's Ic0 (and p spread), runs the calibration when trim_bits > 0 and
 * precomputes the thresholds; after this the bank never allocates.  ST_OK, ST_EINVAL
 * (rows == 0, prob outside (0, 1), bad params), ST_ERANGE (no current gives prob),
 * ST_ENOMEM; *out untouched on error.  The model's regime is not judged here: the
 * configuration is (drng_regime_check), so the formulas stay testable anywhere. */
int drng_create_chip(const drng_params_t *p, uint64_t device_seed, uint64_t mask_seed,
                     uint32_t layer, uint32_t rows, double prob, drng_t **out);

/* drng_create_chip with one seed for both the chip and the masks (the old behaviour). */
int drng_create(const drng_params_t *p, uint64_t seed, uint32_t layer, uint32_t rows, double prob,
                drng_t **out);
void drng_destroy(drng_t *d); /* NULL is a no-op */

/* Physical modules of the bank: ceil(rows / share). */
uint32_t drng_modules(const drng_t *d);

/* Real switching probability of module m (< drng_modules) after the device spread. */
double drng_module_p(const drng_t *d, uint32_t m);

/* SET current the bank drives at the nominal device (before trim), uA. */
double drng_current_ua(const drng_t *d);

/* SET current of module m after its trim, uA (the nominal current without trim). */
double drng_module_current_ua(const drng_t *d, uint32_t m);

/* Trim code of module m (0 without trim). */
uint32_t drng_module_code(const drng_t *d, uint32_t m);

/* Target p of the bank, and mean and sample standard deviation (n - 1; 0 for one module)
 * of the achieved drng_module_p over its modules. */
double drng_p_target(const drng_t *d);
double drng_p_mean(const drng_t *d);
double drng_p_std(const drng_t *d);

/* Largest over the modules of the calibration bound n + (p(c + 1) - p(c)) with
 * n = 5 sqrt(q (1 - q) / cal_samples), q the p within 5 / (2 sqrt(M)) of the target
 * nearest 0.5: with trim every module lands within it of the target unless its code
 * saturated (drng_cal_saturated).  0 without trim. */
double drng_cal_tolerance(const drng_t *d);

/* Modules whose search ended at code 0 or 2^N - 1 with p still off target by more than the
 * bound (their Ic0 lies beyond the trim range). */
uint32_t drng_cal_saturated(const drng_t *d);

/* Mean per-action supply energy over the bank's modules, each at its own trimmed current
 * and achieved p: what one drawn bit of this layer costs (fill ACT_DRNG_* of the layer's
 * energy table with it).  ST_OK or as drng_energy_at. */
int drng_bank_energy(const drng_t *d, drng_energy_t *e);

/* ---- Requests ---- */
/* Draws the mask of input vector `mvm` of MC pass `pass`: for every row r < rows, bit r of
 * mask (ceil(rows / 64) words, caller-owned) is set when the row is kept (driven) and clear
 * when dropped; bits past `rows` in the last word are cleared.
 * *cycles = share * (t_set_cyc + t_sense_cyc + t_reset_cyc);
 * ACT_DRNG_SET, ACT_DRNG_SENSE and ACT_DRNG_RESET += rows.  *dropped (may be NULL) gets the
 * number of dropped rows.  No allocation. */
int drng_draw(drng_t *d, uint32_t pass, uint32_t mvm, uint64_t *mask, uint64_t *cycles,
              act_counts_t *acc, uint32_t *dropped);

/* The masks of input vectors mvm0 .. mvm0 + n - 1 of pass `pass` at once (n >= 1): mask i
 * at masks + i * stride words (stride >= ceil(rows / 64)), each exactly drng_draw(d, pass,
 * mvm0 + i)'s.  Charges and counts what the n draws would: *cycles that of one draw (the
 * same for each), ACT_DRNG_* += n * rows, the stats n masks; *dropped (may be NULL) gets
 * the dropped rows of all n.  ST_EINVAL (NULL, n = 0, mvm0 + n - 1 past 2^32 - 1, a short
 * stride).  No allocation: the widest kernel runs the n masks' Philox calls back to back,
 * sixteen at a time across mask boundaries. */
int drng_draw_many(drng_t *d, uint32_t pass, uint32_t mvm0, uint32_t n, uint64_t *masks,
                   size_t stride, uint64_t *cycles, act_counts_t *acc, uint64_t *dropped);

/* What a draw of `units` bits costs, without drawing (the analytic mode): every module
 * serves `p->share` units in turn, *cycles = share * (t_set + t_sense + t_reset);
 * ACT_DRNG_SET, ACT_DRNG_SENSE and ACT_DRNG_RESET += units.  drng_draw charges exactly
 * this. */
void drng_draw_cost(const drng_params_t *p, uint64_t units, uint64_t *cycles, act_counts_t *acc);

/* The mask kernel of a bank: every kernel writes the same bits (the Philox counter layout
 * above); they differ in how many counters they run at once.  drng_create_chip picks the
 * widest the CPU has (AUTO); drng_set_kernel forces one (tests, benchmarks): ST_OK, or
 * ST_EINVAL when the CPU lacks it (the bank keeps its kernel). */
typedef enum {
    DRNG_KERNEL_AUTO = 0,
    DRNG_KERNEL_SCALAR, /* one Philox4x32-10 call (four rows) at a time */
    DRNG_KERNEL_AVX2,   /* eight calls (32 rows) per step, x86-64 with AVX2 */
    DRNG_KERNEL_AVX512  /* sixteen calls (one 64-row mask word) per step, AVX-512F */
} drng_kernel_t;
int drng_set_kernel(drng_t *d, drng_kernel_t k);
drng_kernel_t drng_kernel(const drng_t *d); /* the kernel in use (never AUTO) */

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
