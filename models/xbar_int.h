/* xbar_int.h - xbar internals shared with tile.c (libyaml's yaml_private.h idea): not part
 * of the public contract, so sim/ and arch/ never include it. */
#ifndef NS_XBAR_INT_H
#define NS_XBAR_INT_H

#include "xbar.h"

/* xbar_mvm with the conducting cells counted by the caller (a DropConnect weight mask, or
 * multi-level cells conducting through several MTJs) and the bit lines biased for bias_cyc
 * cycles per read step (the tile: t_read_cyc plus the sensing that keeps them biased):
 * cell_reads += cells; ACT_XBAR_CELL_READ and cell_bias_cyc += cells * bias_cyc.  Same
 * ST_EINVAL checks on rq (nothing counted); ST_ERANGE (nothing counted) when
 * cells * bias_cyc overflows 64 bits. */
int xbar_mvm_cells(xbar_t *x, const xbar_req_t *rq, uint64_t cells, uint64_t bias_cyc,
                   uint64_t *cycles, act_counts_t *acc);

#endif
