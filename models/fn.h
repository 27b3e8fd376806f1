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

/* Match counts of a whole read of `cols` columns at once, for a read whose partial sums
 * cannot clip: m[c] = popcount(~(x XOR w_c) AND driven) over words [0, words).  The
 * weights are word-major (fn_cols_layout): word k of column c at wt[k * fn_cols_pad(cols)
 * + c], so one 512-bit load holds word k of eight columns; with AVX-512 VPOPCNTDQ (chosen
 * at run time) a ternary-logic XNOR-AND and a vector popcount count eight columns at a
 * time, else one column at a time.  driven must be clear past the last row. */
void fn_match_cols(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t words,
                   uint32_t cols, uint32_t *m);

/* The portable kernel fn_match_cols falls back to (one column at a time); the same
 * counts. */
void fn_match_cols_scalar(const uint64_t *x, const uint64_t *driven, const uint64_t *wt,
                          uint32_t words, uint32_t cols, uint32_t *m);

/* Columns of a word-major matrix: cols rounded up to 8 (the padding columns are 0). */
static inline uint32_t fn_cols_pad(uint32_t cols)
{
    return (cols + 7u) & ~7u;
}

/* Writes the word-major copy of a column-major matrix (w: column c's words at w + c *
 * words) to wt (words * fn_cols_pad(cols) words, padding 0). */
void fn_cols_layout(const uint64_t *w, uint32_t words, uint32_t cols, uint64_t *wt);

/* One conversion of a read, for fn_step_sums: the rows of one read step (or, when no step
 * can clip, of one slice) and the weight columns its slice holds. */
typedef struct fn_step {
    uint32_t k0, k1; /* first and last word its rows touch */
    uint64_t m0, m1; /* its rows in word k0 and in word k1 (k0 = k1: m0 = m1 = both) */
    uint32_t c0, c1; /* weight columns [c0, c1) of its slice */
} fn_step_t;

/* The periphery's sums of a read converted step by step: for each column c < cols,
 * a_c = sum over the steps s with c0 <= c < c1 of 2 min(m_cs, top) - nd[s], m_cs the
 * agreeing driven rows of s (popcount(~(x XOR w_c) AND driven) over its rows), top the
 * converter's largest code (fn_quantise; UINT32_MAX: exact); *clipped += the (c, s) with
 * m_cs > top.  Weights word-major as for fn_match_cols; with AVX-512 VPOPCNTDQ eight
 * columns at a time. */
void fn_step_sums(const uint64_t *x, const uint64_t *driven, const uint64_t *wt, uint32_t words,
                  uint32_t cols, const fn_step_t *steps, const uint32_t *nd, uint32_t nsteps,
                  uint32_t top, int32_t *sums, uint64_t *clipped);

/* The portable kernel fn_step_sums falls back to; the same sums and count. */
void fn_step_sums_scalar(const uint64_t *x, const uint64_t *driven, const uint64_t *wt,
                         uint32_t words, uint32_t cols, const fn_step_t *steps, const uint32_t *nd,
                         uint32_t nsteps, uint32_t top, int32_t *sums, uint64_t *clipped);

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
