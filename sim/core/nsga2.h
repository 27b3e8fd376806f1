/* nsga2.h - multi-objective search over a discrete design space (C11, no I/O): NSGA-II as
 * in K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective
 * genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2):182-197, 2002 - the fast
 * non-dominated sort (sec. III-A), crowding distance (III-B), the crowded-comparison
 * operator and binary tournament (III-B, III-C), constrained domination (sec. VI), SBX and
 * polynomial mutation (the operators the paper's experiments use, eta_c = 15, eta_m = 20
 * by default) - plus random and Latin-hypercube sampling and the hypervolume of a front in
 * two or three objectives.  `neuspin explore` (sim/cmd/explore.c) drives it.
 *
 * Conventions: every objective is minimised; objective vectors are rows of m doubles
 * (obj[i * m + k]); a genome is one value index per axis, gene k in [0, card[k]).  All
 * randomness comes from an nsga2_rng_t the caller seeds: the same seed gives the same
 * search on every host. */
#ifndef NS_NSGA2_H
#define NS_NSGA2_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NSGA2_MAX_OBJ 3     /* hypervolume is exact up to here */
#define NSGA2_MAX_GENES 32  /* = SWEEP_MAX_AXES */
#define NSGA2_MAX_POP 4096u /* population bound: the sort is O(m n^2) */

/* ---- Random numbers ---- */

/* splitmix64: the generator the sweep's seeds come from (docs/sweeps.md). */
typedef struct nsga2_rng {
    uint64_t s; /* state; any value */
} nsga2_rng_t;

uint64_t nsga2_rng_next(nsga2_rng_t *r);
double nsga2_rng_unit(nsga2_rng_t *r);                /* uniform in [0, 1), 53 bits */
uint32_t nsga2_rng_below(nsga2_rng_t *r, uint32_t n); /* uniform in [0, n), n >= 1 */

/* ---- Dominance, fronts, crowding ---- */

/* 1 when a dominates b: no objective worse and at least one better (minimising). */
int nsga2_dominates(const double *a, const double *b, unsigned m);

/* Deb's constrained domination: a feasible point (viol 0) beats an infeasible one, of two
 * infeasible ones the smaller total violation wins, of two feasible ones dominance decides.
 * viol NULL: all feasible. */
int nsga2_cdominates(const double *obj, const double *viol, unsigned m, size_t a, size_t b);

/* The fast non-dominated sort: rank[i] = the front of point i (0 = not constrained-
 * dominated by any point), for n points of m objectives.  work holds 2n entries.  The
 * number of fronts.  O(m n^2) time, no allocation. */
uint32_t nsga2_sort(const double *obj, const double *viol, size_t n, unsigned m, uint32_t *rank,
                    uint32_t *work);

/* Crowding distance of the points idx[0..len) of one front into dist[idx[j]]: for each
 * objective, sorted by it (ties by index), the two ends get +infinity and each other point
 * adds (next - previous) / (max - min) of that objective (nothing when max == min).
 * work holds len entries.  No allocation. */
void nsga2_crowding(const double *obj, unsigned m, const uint32_t *idx, size_t len, double *dist,
                    uint32_t *work);

/* The crowded-comparison operator: 1 when i is preferred to j (lower rank, or the same
 * rank and the larger crowding distance). */
int nsga2_crowded_less(const uint32_t *rank, const double *dist, size_t i, size_t j);

/* Non-dominated points of n points in 2 objectives, O(n log n): on[i] = 1 when no point
 * dominates point i (equal vectors do not dominate each other).  work holds n entries.
 * The number on the front. */
size_t nsga2_front2(const double *obj, size_t n, unsigned char *on, uint32_t *work);

/* ---- Hypervolume ---- */

/* The hypervolume dominated by the n points of obj (m = 2 or 3) and bounded by the
 * reference point ref: the measure of the set of vectors y <= ref dominated by some point.
 * Points not strictly better than ref in every objective add nothing; dominated points
 * and duplicates are allowed.  work holds 2n entries (indices).  Negative when m is not
 * 2 or 3.  O(n log n) for m = 2, O(n^2) for m = 3. */
double nsga2_hypervolume(const double *obj, size_t n, unsigned m, const double *ref,
                         uint32_t *work);

/* ---- Sampling and variation over value indices ---- */

/* Uniform random genome: gene k uniform in [0, card[k]). */
void nsga2_sample_random(nsga2_rng_t *r, const uint32_t *card, unsigned genes, uint32_t *g);

/* n genomes by Latin hypercube: per axis, the n strata [j/n, (j+1)/n) in a random order,
 * a uniform point in each, scaled to the axis: gene = floor(u * card).  out holds n x
 * genes; work holds n entries. */
void nsga2_sample_lhs(nsga2_rng_t *r, const uint32_t *card, unsigned genes, size_t n, uint32_t *out,
                      uint32_t *work);

/* Simulated binary crossover (Deb & Agrawal 1995) per gene with probability 1/2, the
 * genes relaxed to reals in [0, card - 1] and the children rounded back; spread index
 * eta_c.  a, b: parents; c, d: children. */
void nsga2_sbx(nsga2_rng_t *r, const uint32_t *card, unsigned genes, double eta_c,
               const uint32_t *a, const uint32_t *b, uint32_t *c, uint32_t *d);

/* Polynomial mutation (Deb & Goyal 1996) of each gene with probability pm, rounded; a gene
 * the rounding leaves unchanged moves one step instead, so a mutation is never void on an
 * axis of two or more values. */
void nsga2_mutate(nsga2_rng_t *r, const uint32_t *card, unsigned genes, double eta_m, double pm,
                  uint32_t *g);

#ifdef __cplusplus
}
#endif
#endif
