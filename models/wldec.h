/* wldec.h - multi-row word-line decoder and drivers: one decode enables up to
 * max_active_rows consecutive word-line pairs of a crossbar (the NeuSpin decoder "enables
 * multiple consecutive addresses"); a driver then charges each driven word line to v_wl_v.
 *
 * A driven pair charges one of its two word lines (the input bit picks WL or WLB); a
 * dropped pair charges none.  Each charge costs C_WL x V_WL^2 from the supply (half stored,
 * half dissipated in the driver; the stored half is lost at discharge), with C_WL from the
 * crossbar's geometry (xbar_wl_cap_ff), counted as ACT_WLDEC_WL_CHARGE.  A crossbar of
 * `rows` pairs has 2 x rows drivers, each with area a_driver_um2 and leakage p_driver_nw. */
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
    /* Circuit (energy, area, static power only; 0 = counts only): */
    double v_wl_v;       /* word-line drive voltage, V */
    double a_driver_um2; /* area of one word-line driver (with its decoder share), um^2 */
    double p_driver_nw;  /* static (leakage) power of one driver, nW */
} wldec_params_t;

typedef struct wldec_stats {
    uint64_t decodes;    /* decodes performed */
    uint64_t wl_charges; /* word lines charged to v_wl_v */
} wldec_stats_t;

/* ST_OK, ST_EINVAL (t_decode_cyc == 0) or ST_ENOMEM; *out untouched on error. */
int wldec_create(const wldec_params_t *p, wldec_t **out);
void wldec_destroy(wldec_t *w); /* NULL is a no-op */

/* n decodes: *cycles = n * t_decode_cyc; ACT_WLDEC_DECODE += n. */
int wldec_decode(wldec_t *w, uint32_t n, uint64_t *cycles, act_counts_t *acc);

/* `lines` word lines charged (one per driven pair and read step; within the decode's
 * cycles): ACT_WLDEC_WL_CHARGE and wl_charges += lines.  ST_EINVAL on NULL arguments. */
int wldec_charge(wldec_t *w, uint64_t lines, act_counts_t *acc);

/* ---- Circuit ---- */
/* Energy of one word-line charge, pJ: wl_cap_ff x v_wl_v^2 / 1000 (fF x V^2 = fJ). */
double wldec_e_charge_pj(const wldec_params_t *p, double wl_cap_ff);

/* Area, um^2, and static power, uW, of the drivers of `word_lines` word lines. */
double wldec_area_um2(const wldec_params_t *p, uint32_t word_lines);
double wldec_static_uw(const wldec_params_t *p, uint32_t word_lines);

const wldec_stats_t *wldec_stats(const wldec_t *w);
void wldec_stats_reset(wldec_t *w);
extern const stat_desc_t wldec_stat_descs[];
extern const unsigned wldec_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
