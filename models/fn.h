/* fn.h - the arithmetic of a binary crossbar read, for functional inference: the match
 * count of a slice's driven rows (XNOR/popcount on 64-bit words), the sense amplifier's
 * partial-sum quantiser, and the device non-idealities (the read-flip probability of a
 * complementary MTJ pair under resistance spread, stuck-at cells).  Pure C: no state, no
 * I/O, no allocation.  docs/function.md gives every formula and its regime.
 *
 * Bit vectors hold row r of a layer at bit r % 64 of word r / 64 (wl_weights.h): an input
 * bit 1 = +1, a weight bit 1 = +1, a driven bit 1 = the word-line pair is driven. */
#ifndef NS_FN_H
#define NS_FN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Crossbar read ---- */
/* Match count of rows [lo, hi) of one column: popcount(~(x XOR w) & driven) over the range,
 * the cells whose read agrees with their input (x_r w_r = +1).  flip (may be NULL) XORs
 * each row's agreement: a cell whose read decision flipped.  lo <= hi; no bounds beyond
 * the words [lo / 64, (hi - 1) / 64] are touched. */
uint32_t fn_match_count(const uint64_t *x, const uint64_t *w, const uint64_t *driven,
                        const uint64_t *flip, uint32_t lo, uint32_t hi);

/* Driven rows of [lo, hi): popcount(driven) over the range. */
uint32_t fn_driven_count(const uint64_t *driven, uint32_t lo, uint32_t hi);

/* The sense amplifier's conversion of a match count m with `bits` bits (1..31): m when
 * m <= 2^bits - 1, else 2^bits - 1 with *clipped (may be NULL) incremented.
 * b = 2, m = 5: 2^2 - 1 = 3, clipped. */
uint32_t fn_quantise(uint32_t m, uint32_t bits, uint64_t *clipped);

/* The signed partial sum the periphery adds for one read step: 2 q - n, q the converted
 * match count and n the driven rows (sum of x_r w_r over the driven rows when q = m). */
static inline int32_t fn_psum(uint32_t q, uint32_t n)
{
    return 2 * (int32_t)q - (int32_t)n;
}

/* ---- Device non-idealities ---- */
/* Probability that the read of a complementary pair (one MTJ in P, one in AP, compared
 * branch against branch) decides the wrong way when each resistance is Gaussian with
 * standard deviation sigma_rel times its mean:
 *   R_P' ~ N(R_P, (s R_P)^2), R_AP' ~ N(R_AP, (s R_AP)^2), R_AP = R_P (1 + tmr);
 *   D = R_AP' - R_P' ~ N(tmr R_P, s^2 (R_P^2 + R_AP^2)); a flip is D < 0:
 *   P_flip = Phi(-tmr / (s sqrt(1 + (1 + tmr)^2))) = erfc(z / sqrt 2) / 2.
 * Independent of R_P.  0 when sigma_rel <= 0; 0.5 when tmr <= 0 and sigma_rel > 0.
 * tmr 1, s 0.2: z = 1 / (0.2 sqrt 5) = 2.23607, P = 0.0126737. */
double fn_read_flip_p(double tmr, double sigma_rel);

/* State of a cell from one uniform 32-bit draw u: FN_STUCK_P when u / 2^32 < p_rate,
 * FN_STUCK_AP when it is < p_rate + ap_rate, else FN_STUCK_NONE. */
typedef enum { FN_STUCK_NONE = 0, FN_STUCK_P, FN_STUCK_AP } fn_stuck_t;
fn_stuck_t fn_stuck_state(uint32_t u, double p_rate, double ap_rate);

/* Gap before the next flipped read in a stream of reads that each flip with probability p
 * (0 < p < 1), from one uniform 32-bit draw u: floor(ln U / ln(1 - p)), U = (u + 0.5) /
 * 2^32 in (0, 1) (inversion of the geometric distribution), saturating at UINT32_MAX. */
uint32_t fn_geom_gap(uint32_t u, double log1m_p);

/* Subset VI's scale sample from n fair bits of which `ones` are set: (ones - n / 2) /
 * sqrt(n / 4), a binomial count centred and normalised (wl_weights.h).  n = 4, ones = 3:
 * 1 / 1 = 1. */
double fn_vi_eps(uint32_t ones, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
