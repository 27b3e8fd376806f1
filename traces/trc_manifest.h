/* trc_manifest.h - run.json, written here from a plain description of the run (the commands
 * fill it; traces/ knows no architecture or network types).  Its reader is
 * trc_run_info_parse (trc_read.h) and both follow trc_schema_run (trc_schema.c).
 *
 *   {"schema": 1, "simulator", "version", "command": "run",
 *    "seed": "S", "device_seed": "D",      seeds as decimal strings (JSON numbers hold 53
 *                                          or 63 bits)
 *    "mc_passes", "mapping_override", "clock_mhz", "scheme", "schedule", "timing",
 *    "time_unit", "cycle_ns",
 *    "workload": {"name", "source", "layers", "sha256", "yaml"},   the network as resolved
 *    "architecture": {"name": ..., "xbar": {"rows": 128, ...}, ...},  every key, typed
 *    "architecture_yaml": "...",           the same, loadable with `run -a`
 *    "per_image", "hardware", "programming",
 *    "area": {"chip_mm2", "used_mm2", "static_uw", "by_component": {"xbar": mm2, ...}},
 *    "layers": [{"name", "area_um2", "static_uw", "p_target", "p_mean", "p_std"}, ...],
 *    "files": [...]}                        added by trc_out_commit */
#ifndef NS_TRC_MANIFEST_H
#define NS_TRC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "trc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One architecture key: its block ("" for top-level keys), key, value as text and kind. */
typedef enum { TRC_KV_NUMBER = 0, TRC_KV_STRING, TRC_KV_BOOL } trc_kv_kind_t;
typedef struct trc_kv {
    const char *block;
    const char *key;
    const char *value; /* a JSON number, "true"/"false", or text (escaped when written) */
    trc_kv_kind_t kind;
} trc_kv_t;

typedef struct trc_run_manifest {
    const char *version; /* sim_version_text() */
    uint64_t seed, device_seed;
    uint32_t mc_passes, mapping_override;
    double clock_mhz, cycle_ns;
    const char *scheme, *schedule, *timing;
    const char *wl_name, *wl_source, *wl_yaml; /* wl_yaml: the network as resolved */
    uint32_t wl_layers;
    const trc_kv_t *arch; /* the architecture's keys, blocks contiguous */
    size_t n_arch;
    const char *arch_yaml;
    uint32_t tiles_used, tiles_total;
    uint64_t prog_cycles; /* one-time weight programming */
    double prog_energy_pj;
    const trc_area_t *area; /* NULL: no "area" member */
} trc_run_manifest_t;

/* run.json's text without its "files" member (trc_out_commit adds it), from the manifest
 * and the run's totals; malloc'd (caller frees), NULL on ENOMEM. */
char *trc_run_json(const trc_run_manifest_t *m, const trc_sum_t *sum);

#ifdef __cplusplus
}
#endif
#endif
