/* senseamp.h - sense amplifiers behind a column mux, with optional multi-bit readout.
 *
 * A crossbar of `cols` columns has n_sa = ceil(cols / cols_per_sa) sense amplifiers.  The
 * mux is interleaved (column c goes to SA c mod n_sa), so reading cols_used columns takes
 * ceil(cols_used / n_sa) sense slots.  A partial sum of psum_bits bits is read
 * successive-approximation style, one comparison per bit, so each slot is psum_bits
 * comparisons of t_sense_cyc cycles.  psum_bits = 1 is the plain sign sense amplifier. */
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
} senseamp_params_t;

typedef struct senseamp_stats {
    uint64_t reads;       /* column groups read (calls) */
    uint64_t comparisons; /* single-bit comparisons */
} senseamp_stats_t;

/* Creates the sense amplifiers of a crossbar with `cols` columns.  ST_OK, ST_EINVAL or
 * ST_ENOMEM; *out untouched on error. */
int senseamp_create(const senseamp_params_t *p, uint32_t cols, senseamp_t **out);
void senseamp_destroy(senseamp_t *s); /* NULL is a no-op */

/* Number of sense amplifiers: ceil(cols / cols_per_sa). */
uint32_t senseamp_count(const senseamp_t *s);

/* Reads cols_used (1..cols) columns once:
 * *cycles = ceil(cols_used / n_sa) * psum_bits * t_sense_cyc;
 * ACT_SA_SENSE += cols_used * psum_bits.  ST_EINVAL when cols_used is out of range. */
int senseamp_read(senseamp_t *s, uint32_t cols_used, uint64_t *cycles, act_counts_t *acc);

const senseamp_stats_t *senseamp_stats(const senseamp_t *s);
void senseamp_stats_reset(senseamp_t *s);
extern const stat_desc_t senseamp_stat_descs[];
extern const unsigned senseamp_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
