/* sbuf.h - SRAM buffer (global activation buffer; scale-vector buffer): words x word_bits.
 * Transfers are bit-packed: an access of `bits` bits takes ceil(bits / word_bits) word
 * times (single port, one word per t_read_cyc), and its energy is that of the bits moved,
 * not of whole words: vectors narrower than a word share one (a write register collects
 * them; a read selects the bits it needs).  The global buffer may have a line buffer for
 * convolutions (line_bits of latches): a window read from it costs ACT_LBUF_READ_BIT per
 * bit and no buffer time (sbuf_line_read). */
#ifndef NS_SBUF_H
#define NS_SBUF_H

#include <stdint.h>

#include "energy.h"
#include "base/stat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sbuf sbuf_t; /* opaque */

typedef struct sbuf_params {
    uint32_t words;       /* capacity in words, >= 1 */
    uint32_t word_bits;   /* bits per word, 1..4096 */
    uint32_t t_read_cyc;  /* cycles per word read, >= 1 */
    uint32_t t_write_cyc; /* cycles per word write, >= 1 */
    uint32_t line_bits;   /* line buffer beside it, bits (0: none; the scale buffer has none) */
    uint32_t scale;       /* 0: the global buffer (ACT_SBUF_*); 1: the scale buffer, whose
                             accesses count as ACT_SCALE_* (its own, smaller, energy) */
} sbuf_params_t;

typedef struct sbuf_stats {
    uint64_t word_reads;  /* words read */
    uint64_t word_writes; /* words written */
    uint64_t bits_read;   /* bits read (the energy's count) */
    uint64_t bits_written;
    uint64_t line_bits_read; /* window bits read from the line buffer */
} sbuf_stats_t;

int sbuf_create(const sbuf_params_t *p, sbuf_t **out); /* ST_OK, ST_EINVAL, ST_ENOMEM */
void sbuf_destroy(sbuf_t *s);                          /* NULL is a no-op */

/* Capacity in bits (words * word_bits). */
uint64_t sbuf_capacity_bits(const sbuf_params_t *p);

/* ---- Area and static power (45 nm; docs/parameters.md, "Area and static power") ---- */
#define SBUF_CELL_UM2 0.346 /* 6T SRAM bit cell at 45 nm (Mistry et al., IEDM 2007) */
#define SBUF_P_BIT_NW 0.05  /* hold leakage of one bit, nW (chosen: low-power 45 nm 6T) */

/* Energy of one bit read (or written) from an SRAM of capacity_bits at a CMOS node of
 * node_nm, pJ.  At 45 nm, 0.9 V, a 64-bit read costs 10 pJ from 8 KB, 20 pJ from 32 KB and
 * 100 pJ from 1 MB (Horowitz, "Computing's energy problem", ISSCC 2014), interpolated
 * linearly in log(energy) over log(capacity) and extrapolated with the nearest segment's
 * slope (0.5 below 8 KB, log 5 / log 32 = 0.464 above 32 KB); per bit, 1/64 of it.  Writes
 * are charged as reads (the source gives reads only; chosen).  Another node scales it by
 * node_nm / 45: capacitance with the feature size at the ~0.9 V supply that planar CMOS kept
 * from 90 to 22 nm.  8 KB: 0.15625; 128 KB: 20 x 4^0.4644 / 64 = 0.5947 pJ. */
double sbuf_e_bit_pj(uint64_t capacity_bits, double node_nm);

/* Area of one bit with its share of the periphery, um^2: SBUF_CELL_UM2 / efficiency, the
 * array efficiency growing with capacity as decoders and sense amps are shared by more
 * cells: 0.5 up to 64 Kib, 0.6 up to 1 Mib, 0.7 above (so 0.692, 0.5767, 0.4943). */
double sbuf_area_per_bit_um2(uint64_t capacity_bits);

/* Area of the buffer, um^2: capacity x sbuf_area_per_bit_um2(capacity).  A 1024 x 64-bit
 * buffer (64 Kib): 65536 x 0.692 = 45350.9 um^2. */
double sbuf_area_um2(const sbuf_params_t *p);

/* Static power of the buffer, uW: capacity x SBUF_P_BIT_NW / 1000 (65536 bits: 3.2768 uW). */
double sbuf_static_uw(const sbuf_params_t *p);

/* Reads `bits` bits: w = ceil(bits / word_bits) words, *cycles = w * t_read_cyc,
 * ACT_SBUF_READ_BIT += bits (packed: 6 bits of a 64-bit word count 6, not 64).
 * ST_ERANGE when bits exceed the capacity. */
int sbuf_read(sbuf_t *s, uint64_t bits, uint64_t *cycles, act_counts_t *acc);

/* Writes `bits` bits; as sbuf_read with t_write_cyc and ACT_SBUF_WRITE_BIT. */
int sbuf_write(sbuf_t *s, uint64_t bits, uint64_t *cycles, act_counts_t *acc);

/* Reads a window of `bits` bits from the line buffer: ACT_LBUF_READ_BIT += bits, no
 * cycles of its own (the latches drive the word lines alongside the buffer's fetch).
 * ST_ERANGE when bits exceed line_bits (a program only asks for it when the window's K
 * rows fit); bits == 0 is a no-op. */
int sbuf_line_read(sbuf_t *s, uint64_t bits, act_counts_t *acc);

const sbuf_stats_t *sbuf_stats(const sbuf_t *s);
void sbuf_stats_reset(sbuf_t *s);
extern const stat_desc_t sbuf_stat_descs[];
extern const unsigned sbuf_stat_ndescs;

#ifdef __cplusplus
}
#endif
#endif
