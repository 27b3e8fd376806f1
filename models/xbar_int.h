/* xbar_int.h - xbar internals shared with tile.c (libyaml's yaml_private.h idea): not part
 * of the public contract, so sim/ and arch/ never include it. */
#ifndef NS_XBAR_INT_H
#define NS_XBAR_INT_H

#include "xbar.h"

/* xbar_mvm with the conducting cells counted by the caller (a DropConnect weight mask, or
 * multi-level cells conducting through several MTJs): as xbar_mvm, but
 * ACT_XBAR_CELL_READ and cell_reads += cells instead of rows_driven * cols_used.  Same
 * ST_EINVAL checks on rq (nothing counted); cells itself is not checked. */
int xbar_mvm_cells(xbar_t *x, const xbar_req_t *rq, uint64_t cells, uint64_t *cycles,
                   act_counts_t *acc);

#endif
