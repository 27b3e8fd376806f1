/* senseamp_int.h - senseamp internals shared with tile.c (libyaml's yaml_private.h idea):
 * not part of the public contract, so sim/ and arch/ never include it. */
#ifndef NS_SENSEAMP_INT_H
#define NS_SENSEAMP_INT_H

#include "senseamp.h"

/* n back-to-back reads of cols_used columns in one call, so a tile's read steps cost one
 * call instead of a loop: *cycles = n * ceil(cols_used / n_sa) * psum_bits * t_sense_cyc,
 * ACT_SA_SENSE += n * cols_used (and ACT_SA_MUX, ACT_SA_SAMPLE as senseamp_read), reads
 * += n.  n == 0 counts nothing.
 * ST_EINVAL (nothing counted) when cols_used is outside 1..cols. */
int senseamp_read_n(senseamp_t *s, uint32_t cols_used, uint32_t n, uint64_t *cycles,
                    act_counts_t *acc);

#endif
