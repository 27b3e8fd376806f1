/* wldec.h - multi-row word-line decoder: one decode enables up to max_active_rows
 * consecutive word-line pairs of a crossbar (the NeuSpin decoder "enables multiple
 * consecutive addresses"). */
#ifndef NS_WLDEC_H
#define NS_WLDEC_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wldec wldec_t; /* opaque */

typedef struct wldec_params {
    uint32_t t_decode_cyc; /* cycles of one decode, >= 1 */
} wldec_params_t;

typedef struct wldec_stats {
    uint64_t decodes; /* decodes performed */
} wldec_stats_t;

/* ST_OK, ST_EINVAL (t_decode_cyc == 0) or ST_ENOMEM; *out untouched on error. */
int wldec_create(const wldec_params_t *p, wldec_t **out);
void wldec_destroy(wldec_t *w); /* NULL is a no-op */

/* n decodes: *cycles = n * t_decode_cyc; ACT_WLDEC_DECODE += n. */
int wldec_decode(wldec_t *w, uint32_t n, uint64_t *cycles, act_counts_t *acc);

const wldec_stats_t *wldec_stats(const wldec_t *w);
void wldec_stats_reset(wldec_t *w);
extern const stat_desc_t wldec_stat_descs[];
extern const unsigned wldec_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
