/* infer.h - functional inference: the mapped tiles compute.  One image runs T MC passes
 * through the network as the hardware computes it: XNOR/popcount of bit-packed weights per
 * mapped slice (wl_map.h), the sense amplifier's quantisation of each slice's partial sum
 * to senseamp.psum_bits (clipping included), the periphery's accumulation, the scheme's
 * stage, batch norm and sign, and pooling; dropout masks from the same dropout modules
 * (drng_create_chip with the run's device and mask seeds, layer i, the program's share)
 * and arbiters the cost path uses, so function and cost describe one piece of hardware.
 * Non-idealities (the architecture's `variation` block: MTJ resistance spread and TMR
 * giving read errors, stuck-at faults) are drawn from the device seed.
 *
 * An infer_t is built once per (arch, net, map, weights) and then runs images without
 * allocating. */
#ifndef NS_INFER_H
#define NS_INFER_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "wl.h"
#include "wl_map.h"
#include "wl_weights.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct infer infer_t;

typedef struct infer_stats {
    uint64_t psum_clipped; /* slice partial sums the sense amplifier clipped */
    uint64_t read_errors;  /* cell reads that flipped (variation) */
    uint64_t stuck_cells;  /* cells stuck at P or AP on this chip */
    uint64_t rows_dropped; /* word-line pairs left undriven by dropout masks */
    uint64_t rows_driven;
} infer_stats_t;

/* Builds the functional model of net (mapped by map on arch) with weights w.
 * ST_OK; ST_EINVAL (a layer the function cannot compute, e.g. an avgpool or add, or
 * weights that do not match the map: reason in err); ST_ENOMEM.  *out untouched on
 * error.  arch, net, map and w are borrowed and must outlive *out; an infer_t holds its
 * buffers, so each thread needs its own. */
int infer_create(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                 const wl_weights_t *w, uint64_t device_seed, uint64_t mask_seed, infer_t **out,
                 char *err, size_t errn);
void infer_destroy(infer_t *f); /* NULL is a no-op */

/* Runs image `image` (its index: the MC masks of image i, pass t are a pure function of
 * (mask seed, image, t), independent of the order images run in) for T passes.  pixels:
 * in_c * in_h * in_w bytes (CHW, 0..255).  logits: T x classes doubles, caller-owned.
 * ST_OK; ST_EINVAL. */
int infer_image(infer_t *f, uint64_t image, const uint8_t *pixels, uint32_t T, double *logits);

/* With on != 0 every mask is kept and every sample takes its mean (the mean network:
 * dropout off, ScaleDrop's alpha, Affine's gamma/beta, subset VI's mu, SpinBayes copy 0):
 * what the bit-exact cross-check against the trainer's reference runs.  Default off. */
void infer_set_mean_net(infer_t *f, int on);

/* The integer pre-stage sums a_c of the last crossbar layer of the last pass run
 * (classes values): what the reference files pin bit for bit. */
const int32_t *infer_last_sums(const infer_t *f);

uint32_t infer_classes(const infer_t *f);
const infer_stats_t *infer_stats(const infer_t *f);

#ifdef __cplusplus
}
#endif
#endif
