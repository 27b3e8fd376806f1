/* bus.h - interconnect between the tiles and the global activation buffer: a shared bus of
 * width_bits bits per cycle plus a fixed hop latency per transfer.  A broadcast to several
 * tiles is one transfer. */
#ifndef NS_BUS_H
#define NS_BUS_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bus bus_t; /* opaque */

typedef struct bus_params {
    uint32_t width_bits; /* bits moved per cycle, >= 1 */
    uint32_t t_hop_cyc;  /* fixed latency per transfer (arbitration + wire), >= 0 */
    uint32_t overlap;    /* 1: the global buffer takes each beat as it arrives, so after the
                            hop the beats and the buffer's word accesses run together and a
                            transfer holds the path t_hop + max(beats, words x t_rw) cycles;
                            0: beats, then words (docs/timing.md, "Block rules") */
} bus_params_t;

typedef struct bus_stats {
    uint64_t transfers; /* transfers */
    uint64_t bits;      /* bits moved */
} bus_stats_t;

int bus_create(const bus_params_t *p, bus_t **out); /* ST_OK, ST_EINVAL, ST_ENOMEM */
void bus_destroy(bus_t *b);                         /* NULL is a no-op */

/* Moves `bits` (>= 1) bits: *cycles = t_hop_cyc + ceil(bits / width_bits);
 * ACT_BUS_BIT += bits.  ST_EINVAL when bits == 0, ST_ERANGE when the cycles overflow
 * 64 bits; nothing counted on error. */
int bus_transfer(bus_t *b, uint64_t bits, uint64_t *cycles, act_counts_t *acc);

/* ---- Area and static power (45 nm; docs/parameters.md, "Area and static power") ---- */
#define BUS_A_BIT_UM2 10.0 /* one bit lane's drivers and repeaters, um^2 (chosen) */
#define BUS_P_BIT_NW 5.0   /* leakage of one bit lane's drivers, nW (chosen) */

/* width_bits x BUS_A_BIT_UM2, um^2 (256 bits: 2560 um^2). */
double bus_area_um2(const bus_params_t *p);

/* width_bits x BUS_P_BIT_NW / 1000, uW (256 bits: 1.28 uW). */
double bus_static_uw(const bus_params_t *p);

const bus_stats_t *bus_stats(const bus_t *b);
void bus_stats_reset(bus_t *b);
extern const stat_desc_t bus_stat_descs[];
extern const unsigned bus_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
