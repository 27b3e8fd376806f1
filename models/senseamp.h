/* senseamp.h - sense amplifiers behind a column mux, with optional multi-bit readout.
 *
 * A crossbar of `cols` columns has n_sa = ceil(cols / cols_per_sa) sense amplifiers.  The
 * mux is interleaved (column c goes to SA c mod n_sa), so reading cols_used columns takes
 * ceil(cols_used / n_sa) sense slots.  A partial sum of psum_bits bits is read
 * successive-approximation style, one comparison per bit, so each slot is psum_bits
 * comparisons of t_sense_cyc cycles.  psum_bits = 1 is the plain sign sense amplifier.
 *
 * Bias and sharing (docs/parameters.md): without a sample-and-hold the word lines stay on
 * and every used bit line stays biased through the whole mux sequence of a read step,
 * slots x psum_bits x t_sense_cyc cycles after the array read (senseamp_hold_cycles), so
 * fewer sense amplifiers (larger cols_per_sa) cost conduction energy as well as time.  With
 * sample_hold each column's bit-line voltage is sampled on a capacitor at the end of the
 * array read; the bit lines are released and the SAs convert from the capacitors, at the
 * cost of one sample per column (ACT_SA_SAMPLE) and a capacitor per column of area.
 *
 * Actions per read step and used column: one conversion of psum_bits bits (ACT_SA_SENSE),
 * whose energy grows with the resolution as the Walden figure of merit has it,
 * e = fom_fj x 2^psum_bits (senseamp_e_conv_pj); one mux selection (ACT_SA_MUX) when
 * columns share an SA, whose node carries the cols_per_sa pass gates, e = cols_per_sa x
 * c_mux_ff x v_dd_v^2.  Area and static power scale with the number of SAs. */
#ifndef NS_SENSEAMP_H
#define NS_SENSEAMP_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct senseamp senseamp_t; /* opaque */

typedef struct senseamp_params {
    uint32_t cols_per_sa; /* columns sharing one sense amplifier through the mux, >= 1 */
    uint32_t psum_bits;   /* bits per partial-sum readout, 1..16 */
    uint32_t t_sense_cyc; /* cycles of one comparison, >= 1 */
    uint32_t sample_hold; /* 1: a sample-and-hold per column releases the bit lines after
                             the array read; 0: they stay biased through the mux sequence */
    uint32_t saturate;    /* 1: psum_bits may be too narrow for a count of the rows read at
                             once, and a larger count saturates at 2^psum_bits - 1 (a study of
                             narrow converters); 0: the architecture check refuses that */
    /* Circuit (energy, area, static power only; 0 = counts only): */
    double fom_fj;    /* Walden figure of merit, fJ per conversion step (2^bits steps) */
    double v_dd_v;    /* supply of the mux select and sample switches, V */
    double c_mux_ff;  /* capacitance one column's pass gate adds to the shared node, fF */
    double c_sh_ff;   /* sample-and-hold capacitor per column, fF */
    double a_sa_um2;  /* area of one SA's comparator and SAR logic, um^2 */
    double a_lsb_um2; /* area per unit DAC level of one SA (x 2^psum_bits), um^2 */
    double a_mux_um2; /* area of one column's mux pass gate, um^2 */
    double a_sh_um2;  /* area of one column's sample-and-hold, um^2 */
    double p_sa_uw;   /* static power of one SA (bias, reference, leakage), uW */
} senseamp_params_t;

typedef struct senseamp_stats {
    uint64_t reads;       /* column groups read (calls) */
    uint64_t comparisons; /* single-bit comparisons */
    uint64_t conversions; /* partial-sum conversions (one per column read) */
    uint64_t mux_selects; /* columns switched onto a shared SA */
    uint64_t samples;     /* bit-line voltages sampled (sample_hold only) */
} senseamp_stats_t;

/* Creates the sense amplifiers of a crossbar with `cols` columns.  ST_OK, ST_EINVAL or
 * ST_ENOMEM; *out untouched on error. */
int senseamp_create(const senseamp_params_t *p, uint32_t cols, senseamp_t **out);
void senseamp_destroy(senseamp_t *s); /* NULL is a no-op */

/* Number of sense amplifiers: ceil(cols / cols_per_sa). */
uint32_t senseamp_count(const senseamp_t *s);

/* Reads cols_used (1..cols) columns once:
 * *cycles = ceil(cols_used / n_sa) * psum_bits * t_sense_cyc; ACT_SA_SENSE += cols_used;
 * ACT_SA_MUX += cols_used when cols_per_sa > 1; ACT_SA_SAMPLE += cols_used with
 * sample_hold.  ST_EINVAL when cols_used is out of range. */
int senseamp_read(senseamp_t *s, uint32_t cols_used, uint64_t *cycles, act_counts_t *acc);

/* ---- Timing and circuit queries (params only) ---- */
/* Number of SAs of a crossbar with `cols` columns: ceil(cols / cols_per_sa). */
uint32_t senseamp_count_for(const senseamp_params_t *p, uint32_t cols);

/* Cycles the sensing of cols_used columns takes in one read step:
 * ceil(cols_used / n_sa) * psum_bits * t_sense_cyc. */
uint64_t senseamp_sense_cycles(const senseamp_params_t *p, uint32_t cols, uint32_t cols_used);

/* Cycles the bit lines stay biased after the array read of one step: the sense cycles
 * without a sample-and-hold, 0 with one. */
uint64_t senseamp_hold_cycles(const senseamp_params_t *p, uint32_t cols, uint32_t cols_used);

/* Energy of one conversion, pJ: fom_fj x 2^psum_bits / 1000. */
double senseamp_e_conv_pj(const senseamp_params_t *p);

/* Energy of one mux selection, pJ: cols_per_sa x c_mux_ff x v_dd_v^2 / 1000. */
double senseamp_e_mux_pj(const senseamp_params_t *p);

/* Energy of one sample, pJ: c_sh_ff x v_dd_v^2 / 1000. */
double senseamp_e_sample_pj(const senseamp_params_t *p);

/* Area of the sense circuit of a crossbar with `cols` columns, um^2:
 * n_sa x (a_sa_um2 + a_lsb_um2 x 2^psum_bits) + cols x a_mux_um2 (when cols_per_sa > 1)
 * + cols x a_sh_um2 (with sample_hold). */
double senseamp_area_um2(const senseamp_params_t *p, uint32_t cols);

/* Static power, uW: n_sa x p_sa_uw. */
double senseamp_static_uw(const senseamp_params_t *p, uint32_t cols);

const senseamp_stats_t *senseamp_stats(const senseamp_t *s);
void senseamp_stats_reset(senseamp_t *s);
extern const stat_desc_t senseamp_stat_descs[];
extern const unsigned senseamp_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
