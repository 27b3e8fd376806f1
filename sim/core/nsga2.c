/* nsga2.c - NSGA-II and its measures (see nsga2.h for the paper and the conventions).
 * No allocation: callers pass work arrays, so a search allocates once. */
#include "nsga2.h"

#include <math.h>
#include <string.h>

/* ---- Random numbers ---- */

uint64_t nsga2_rng_next(nsga2_rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double nsga2_rng_unit(nsga2_rng_t *r)
{
    return (double)(nsga2_rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t nsga2_rng_below(nsga2_rng_t *r, uint32_t n)
{
    return (uint32_t)(nsga2_rng_unit(r) * (double)n); /* unit < 1: below n */
}

/* ---- Sorting indices (stable merge sort, buffer of n) ---- */

typedef int cmp_fn(const void *ctx, uint32_t a, uint32_t b); /* < 0: a first */

static void msort(uint32_t *v, size_t n, uint32_t *tmp, cmp_fn *cmp, const void *ctx)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(ctx, v[j], v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

typedef struct by_obj {
    const double *obj;
    unsigned m, k; /* sort by objective k, then k + 1, ..., then index */
} by_obj_t;

static int cmp_obj(const void *ctx, uint32_t a, uint32_t b)
{
    const by_obj_t *c = ctx;
    for (unsigned j = 0; j < c->m; j++) {
        const unsigned k = (c->k + j) % c->m;
        const double x = c->obj[(size_t)a * c->m + k], y = c->obj[(size_t)b * c->m + k];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

/* ---- Dominance, fronts, crowding ---- */

int nsga2_dominates(const double *a, const double *b, unsigned m)
{
    int better = 0;
    for (unsigned k = 0; k < m; k++) {
        if (a[k] > b[k])
            return 0;
        better |= a[k] < b[k];
    }
    return better;
}

int nsga2_cdominates(const double *obj, const double *viol, unsigned m, size_t a, size_t b)
{
    if (viol && (viol[a] > 0 || viol[b] > 0))
        return viol[a] < viol[b];
    return nsga2_dominates(obj + a * m, obj + b * m, m);
}

uint32_t nsga2_sort(const double *obj, const double *viol, size_t n, unsigned m, uint32_t *rank,
                    uint32_t *work)
{
    /* Deb's sort with S_p recomputed instead of stored: the same O(m n^2) comparisons
     * twice, and O(n) memory instead of O(n^2). */
    uint32_t *count = work, *front = work + n; /* n_p; the current front */
    size_t len = 0;
    for (size_t p = 0; p < n; p++) {
        count[p] = 0;
        for (size_t q = 0; q < n; q++)
            count[p] += q != p && nsga2_cdominates(obj, viol, m, q, p);
        if (count[p] == 0) {
            rank[p] = 0;
            front[len++] = (uint32_t)p;
        }
    }
    uint32_t fronts = 0;
    size_t head = 0; /* front[head, len): the current front; the next one is appended */
    while (head < len) {
        const size_t end = len;
        fronts++;
        for (size_t j = head; j < end; j++) {
            const size_t p = front[j];
            for (size_t q = 0; q < n; q++)
                if (q != p && nsga2_cdominates(obj, viol, m, p, q) && --count[q] == 0) {
                    rank[q] = fronts;
                    front[len++] = (uint32_t)q;
                }
        }
        head = end;
    }
    return fronts;
}

void nsga2_crowding(const double *obj, unsigned m, const uint32_t *idx, size_t len, double *dist,
                    uint32_t *work)
{
    for (size_t j = 0; j < len; j++)
        dist[idx[j]] = 0;
    if (len == 0)
        return;
    /* work: the sorted order in its first half would need len more; sort in place by
     * insertion instead (fronts are at most a population) */
    uint32_t *v = work;
    for (unsigned k = 0; k < m; k++) {
        by_obj_t c = {obj, m, k};
        for (size_t j = 0; j < len; j++) { /* insertion sort: stable, no buffer */
            uint32_t x = idx[j];
            size_t i = j;
            while (i > 0 && cmp_obj(&c, x, v[i - 1]) < 0) {
                v[i] = v[i - 1];
                i--;
            }
            v[i] = x;
        }
        const double lo = obj[(size_t)v[0] * m + k], hi = obj[(size_t)v[len - 1] * m + k];
        dist[v[0]] = INFINITY;
        dist[v[len - 1]] = INFINITY;
        if (hi <= lo)
            continue;
        for (size_t j = 1; j + 1 < len; j++)
            dist[v[j]] +=
                (obj[(size_t)v[j + 1] * m + k] - obj[(size_t)v[j - 1] * m + k]) / (hi - lo);
    }
}

int nsga2_crowded_less(const uint32_t *rank, const double *dist, size_t i, size_t j)
{
    return rank[i] < rank[j] || (rank[i] == rank[j] && dist[i] > dist[j]);
}

size_t nsga2_front2(const double *obj, size_t n, unsigned char *on, uint32_t *work)
{
    uint32_t *v = work, *tmp = work + n;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint32_t)i;
    by_obj_t c = {obj, 2, 0};
    msort(v, n, tmp, cmp_obj, &c);
    memset(on, 0, n);
    size_t cnt = 0;
    double best = INFINITY; /* the least f1 among points of a smaller f0 */
    for (size_t g = 0; g < n;) {
        const double f0 = obj[(size_t)v[g] * 2], gmin = obj[(size_t)v[g] * 2 + 1];
        size_t e = g;
        while (e < n && obj[(size_t)v[e] * 2] == f0)
            e++;
        if (gmin < best) /* the group's least f1 (sorted first), and every copy of it */
            for (size_t j = g; j < e && obj[(size_t)v[j] * 2 + 1] == gmin; j++) {
                on[v[j]] = 1;
                cnt++;
            }
        if (gmin < best)
            best = gmin;
        g = e;
    }
    return cnt;
}

/* ---- Hypervolume ---- */

/* 2-D hypervolume of the points v[0..n) (indices into obj, stride m, objectives k0, k1),
 * already sorted by k0 ascending. */
static double hv2_sorted(const double *obj, unsigned m, const uint32_t *v, size_t n,
                         const double *ref)
{
    double hv = 0, prev = ref[1];
    for (size_t j = 0; j < n; j++) {
        const double x = obj[(size_t)v[j] * m], y = obj[(size_t)v[j] * m + 1];
        if (x >= ref[0] || y >= prev)
            continue; /* outside the box, or dominated by an earlier point */
        hv += (ref[0] - x) * (prev - y);
        prev = y;
    }
    return hv;
}

double nsga2_hypervolume(const double *obj, size_t n, unsigned m, const double *ref, uint32_t *work)
{
    if (m != 2 && m != 3)
        return -1;
    uint32_t *v = work, *tmp = work + n;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int in = 1;
        for (unsigned k = 0; k < m; k++)
            in &= obj[i * m + k] < ref[k];
        if (in)
            v[len++] = (uint32_t)i;
    }
    if (m == 2) {
        by_obj_t c = {obj, 2, 0};
        msort(v, len, tmp, cmp_obj, &c);
        return hv2_sorted(obj, 2, v, len, ref);
    }
    /* m = 3: slice along the third objective.  Sorted by it, the slab between the j-th
     * value and the next (or ref) is covered by the 2-D front of the first j + 1 points. */
    by_obj_t c3 = {obj, 3, 2};
    msort(v, len, tmp, cmp_obj, &c3);
    double hv = 0;
    for (size_t j = 0; j < len; j++) {
        const double z = obj[(size_t)v[j] * 3 + 2];
        const double z1 = j + 1 < len ? obj[(size_t)v[j + 1] * 3 + 2] : ref[2];
        /* the first j + 1 points in tmp, sorted by the first objective (insertion into
         * the previous slab's order keeps this O(n) per slab) */
        const by_obj_t c0 = {obj, 3, 0};
        size_t i = j;
        while (i > 0 && cmp_obj(&c0, v[j], tmp[i - 1]) < 0) {
            tmp[i] = tmp[i - 1];
            i--;
        }
        tmp[i] = v[j];
        if (z1 <= z)
            continue;
        hv += hv2_sorted(obj, 3, tmp, j + 1, ref) * (z1 - z);
    }
    return hv;
}

/* ---- Sampling and variation ---- */

void nsga2_sample_random(nsga2_rng_t *r, const uint32_t *card, unsigned genes, uint32_t *g)
{
    for (unsigned k = 0; k < genes; k++)
        g[k] = nsga2_rng_below(r, card[k]);
}

void nsga2_sample_lhs(nsga2_rng_t *r, const uint32_t *card, unsigned genes, size_t n, uint32_t *out,
                      uint32_t *work)
{
    for (unsigned k = 0; k < genes; k++) {
        for (size_t j = 0; j < n; j++)
            work[j] = (uint32_t)j;
        for (size_t j = n; j > 1; j--) { /* Fisher-Yates */
            const size_t i = nsga2_rng_below(r, (uint32_t)j);
            const uint32_t t = work[j - 1];
            work[j - 1] = work[i];
            work[i] = t;
        }
        for (size_t j = 0; j < n; j++) {
            const double u = ((double)work[j] + nsga2_rng_unit(r)) / (double)n;
            uint32_t x = (uint32_t)(u * card[k]);
            out[j * genes + k] = x < card[k] ? x : card[k] - 1;
        }
    }
}

static uint32_t round_gene(double x, uint32_t card)
{
    if (!(x > 0))
        return 0;
    const double hi = (double)(card - 1);
    return (uint32_t)llround(x < hi ? x : hi);
}

void nsga2_sbx(nsga2_rng_t *r, const uint32_t *card, unsigned genes, double eta_c,
               const uint32_t *a, const uint32_t *b, uint32_t *c, uint32_t *d)
{
    for (unsigned k = 0; k < genes; k++) {
        c[k] = a[k];
        d[k] = b[k];
        if (card[k] < 2 || a[k] == b[k] || nsga2_rng_unit(r) >= 0.5)
            continue;
        const double u = nsga2_rng_unit(r);
        const double beta =
            u <= 0.5 ? pow(2 * u, 1 / (eta_c + 1)) : pow(1 / (2 * (1 - u)), 1 / (eta_c + 1));
        const double x1 = a[k], x2 = b[k];
        c[k] = round_gene(0.5 * ((1 + beta) * x1 + (1 - beta) * x2), card[k]);
        d[k] = round_gene(0.5 * ((1 - beta) * x1 + (1 + beta) * x2), card[k]);
    }
}

void nsga2_mutate(nsga2_rng_t *r, const uint32_t *card, unsigned genes, double eta_m, double pm,
                  uint32_t *g)
{
    for (unsigned k = 0; k < genes; k++) {
        if (card[k] < 2 || nsga2_rng_unit(r) >= pm)
            continue;
        const double u = nsga2_rng_unit(r), hi = (double)(card[k] - 1), x = g[k];
        const double d1 = x / hi, d2 = (hi - x) / hi; /* distances to the bounds, scaled */
        double dq;
        if (u < 0.5)
            dq = pow(2 * u + (1 - 2 * u) * pow(1 - d1, eta_m + 1), 1 / (eta_m + 1)) - 1;
        else
            dq = 1 - pow(2 * (1 - u) + 2 * (u - 0.5) * pow(1 - d2, eta_m + 1), 1 / (eta_m + 1));
        uint32_t y = round_gene(x + dq * hi, card[k]);
        if (y == g[k]) /* one step, towards the side u chose, inside the axis */
            y = (u < 0.5 && g[k] > 0) || g[k] + 1 >= card[k] ? g[k] - 1 : g[k] + 1;
        g[k] = y;
    }
}
