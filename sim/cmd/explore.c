/* explore.c - `neuspin explore SWEEP.yaml -o DIR`: searches the space of a sweep file's axes
 * for its Pareto front with a budget of evaluations instead of running every point.
 * Points are evaluated in process (sweep_inproc.c, analytic timing), each at most once;
 * the search is NSGA-II (sim/core/nsga2.h), random sampling or a Latin hypercube, chosen in
 * the file's `explore:` section with the objectives and the constraints:
 *
 *   explore:
 *     budget: 5000                       # distinct points evaluated, at most
 *     objectives: [energy, latency]      # 2 or 3 summary columns, each minimised
 *     constraints: ["area_mm2 <= 10"]    # COLUMN OP NUMBER, OP one of <= < >= > ==
 *     method: nsga2                      # nsga2 (default), random, lhs
 *     population: 100                    # nsga2 only; even, 4..4096
 *     seed: 1                            # default: the sweep's master seed
 *
 * Constraints are parsed by the fixed grammar above, never evaluated as code.  Outputs:
 * DIR/summary.csv (every evaluated point, summary.csv's columns, sorted by point) and
 * DIR/pareto.csv (the feasible non-dominated ones); with --grid every point of the space
 * is evaluated as well, DIR/grid-pareto.csv written, and the hypervolume of the search's
 * front reported against the grid's, both to the same reference point. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/status.h"
#include "cli.h"
#include "cli_int.h"
#include "engine.h"
#include "nsga2.h"
#include "sweep.h"
#include "sweep_int.h"
#include "yamldoc.h"

enum { O_OUT = 1, O_GRID, O_BUDGET };

static const cli_opt_t explore_opts[] = {
    {O_OUT, 'o', "output", "DIR", "output directory (required)"},
    {O_BUDGET, 0, "budget", "N", "evaluate at most N distinct points (default: the file's)"},
    {O_GRID, 0, "grid", NULL,
     "also evaluate every point of the space and compare the fronts\n"
     "(hypervolume to the same reference point); writes DIR/grid-pareto.csv"},
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_explore_cmd = {
    "explore", "[OPTION]... SWEEP.yaml -o DIR",
    "Searches the space of a sweep file's axes (docs/sweeps.md) for the Pareto front of the\n"
    "objectives its `explore:` section names, under its constraints, with at most `budget`\n"
    "evaluations: NSGA-II, random or Latin-hypercube sampling.  Points are evaluated in\n"
    "process with analytic timing, as 'neuspin sweep' does.  Writes DIR/summary.csv (the\n"
    "evaluated points) and DIR/pareto.csv (the front) and prints the front's size and\n"
    "hypervolume.",
    explore_opts,
    "Same file and seed, same search and the same bytes.  Exit status: 0 done, 1 an\n"
    "evaluation or a write failed, 2 invalid input."};

/* ---- The explore section ---- */

enum { C_ENERGY, C_LATENCY, C_AREA, C_EDAP, C_RNG_BITS, C_RNG_MODULES, C_MEMORY, C_TILES, C_N };

static const char *const col_names[C_N][2] = {
    {"energy", "energy_pj"},        {"latency", "latency_ns"},
    {"area", "area_mm2"},           {"edap", "edap"},
    {"rng_bits", "rng_bits"},       {"rng_modules", "rng_modules"},
    {"memory_bits", "memory_bits"}, {"tiles", "tiles"},
};

enum { OP_LE, OP_LT, OP_GE, OP_GT, OP_EQ };
enum { M_NSGA2, M_RANDOM, M_LHS };
#define X_MAX_CON 16

typedef struct constraint {
    int col, op;
    double v;
} constraint_t;

typedef struct xcfg {
    uint64_t budget; /* 0: not given */
    unsigned n_obj;
    int obj[NSGA2_MAX_OBJ];
    unsigned n_con;
    constraint_t con[X_MAX_CON];
    int method;
    uint32_t pop;
    uint64_t seed;
    int have_seed;
} xcfg_t;

static double col_value(const sweep_figs_t *f, int c)
{
    switch (c) {
    case C_ENERGY:
        return f->energy_pj;
    case C_LATENCY:
        return f->latency_ns;
    case C_AREA:
        return f->area_mm2;
    case C_EDAP:
        return f->energy_pj * f->latency_ns * f->area_mm2;
    case C_RNG_BITS:
        return (double)f->rng_bits;
    case C_RNG_MODULES:
        return (double)f->rng_modules;
    case C_MEMORY:
        return (double)f->memory_bits;
    default:
        return (double)f->tiles;
    }
}

static int col_find(const char *name, size_t n)
{
    for (int c = 0; c < C_N; c++)
        for (int k = 0; k < 2; k++)
            if (strlen(col_names[c][k]) == n && !strncmp(col_names[c][k], name, n))
                return c;
    return -1;
}

/* An unsigned decimal integer, all of s; 0 or -1. */
static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return -1;
    *v = strtoull(s, NULL, 10);
    return 0;
}

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits], all of s (no inf, nan or hex). */
static int parse_num(const char *s, double *v)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t d = strspn(p, "0123456789");
    p += d;
    if (*p == '.') {
        size_t f = strspn(p + 1, "0123456789");
        d += f;
        p += 1 + f;
    }
    if (!d)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t x = strspn(p, "0123456789");
        if (!x)
            return -1;
        p += x;
    }
    if (*p)
        return -1;
    *v = strtod(s, NULL);
    return isfinite(*v) ? 0 : -1;
}

/* "COLUMN OP NUMBER" (blanks around the operator optional) into *c; NULL, or what is wrong. */
static const char *parse_constraint(const char *s, constraint_t *c)
{
    static const char *const ops[] = {"<=", "<", ">=", ">", "=="};
    while (*s == ' ')
        s++;
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");
    if (!n)
        return "expected a summary column first";
    if ((c->col = col_find(s, n)) < 0)
        return "unknown column";
    s += n;
    while (*s == ' ')
        s++;
    c->op = -1;
    for (int k = 0; k < 5 && c->op < 0; k++) /* "<=" before "<" */
        if (!strncmp(s, ops[k], strlen(ops[k]))) {
            c->op = k;
            s += strlen(ops[k]);
        }
    if (c->op < 0)
        return "expected an operator <=, <, >=, > or == after the column";
    while (*s == ' ')
        s++;
    char num[64];
    n = strcspn(s, " ");
    if (n == 0 || n >= sizeof num)
        return "expected a number after the operator";
    memcpy(num, s, n);
    num[n] = '\0';
    if (parse_num(num, &c->v))
        return "expected a decimal number after the operator";
    s += n;
    while (*s == ' ')
        s++;
    return *s ? "unexpected text after the number" : NULL;
}

/* Reads the explore section (node 0: absent; defaults).  ST_OK or ST_ECONFIG. */
static int parse_cfg(const ydoc_t *d, int node, xcfg_t *x, arch_diag_list_t *dl)
{
    memset(x, 0, sizeof x[0]);
    x->n_obj = 2;
    x->obj[0] = C_ENERGY;
    x->obj[1] = C_LATENCY;
    if (!node)
        return ST_OK;
    if (ydoc_kind(d, node) != YNODE_MAP) {
        ydoc_error(d, node, dl, "explore", "expected a mapping");
        return ST_ECONFIG;
    }
    for (size_t i = 0; i < ydoc_len(d, node); i++) {
        const char *key = ydoc_scalar(d, ydoc_map_key(d, node, i));
        const int v = ydoc_map_value(d, node, i);
        const char *sv = ydoc_scalar(d, v);
        char path[64], got[64];
        ydoc_describe_node(d, v, got, sizeof got);
        snprintf(path, sizeof path, "explore.%.40s", key ? key : "?");
        uint64_t u;
        if (!key) {
            ydoc_error(d, ydoc_map_key(d, node, i), dl, "explore", "expected a key");
        } else if (!strcmp(key, "budget")) {
            if (parse_u64(sv, &u) || u < 1 || u > SWEEP_MAX_POINTS)
                ydoc_error(d, v, dl, path, "expected integer in [1, %llu], got %s",
                           SWEEP_MAX_POINTS, got);
            else
                x->budget = u;
        } else if (!strcmp(key, "population")) {
            if (parse_u64(sv, &u) || u < 4 || u > NSGA2_MAX_POP / 2 || u % 2)
                ydoc_error(d, v, dl, path, "expected an even integer in [4, %u], got %s",
                           NSGA2_MAX_POP / 2, got);
            else
                x->pop = (uint32_t)u;
        } else if (!strcmp(key, "seed")) {
            if (parse_u64(sv, &u))
                ydoc_error(d, v, dl, path, "expected integer in [0, 2^64 - 1], got %s", got);
            x->seed = u;
            x->have_seed = 1;
        } else if (!strcmp(key, "method")) {
            if (sv && !strcmp(sv, "nsga2"))
                x->method = M_NSGA2;
            else if (sv && !strcmp(sv, "random"))
                x->method = M_RANDOM;
            else if (sv && !strcmp(sv, "lhs"))
                x->method = M_LHS;
            else
                ydoc_error(d, v, dl, path, "expected one of nsga2, random, lhs, got %s", got);
        } else if (!strcmp(key, "objectives")) {
            size_t n = ydoc_kind(d, v) == YNODE_SEQ ? ydoc_len(d, v) : 0;
            if (n < 2 || n > NSGA2_MAX_OBJ) {
                ydoc_error(d, v, dl, path, "expected a list of 2 or 3 summary columns");
                continue;
            }
            x->n_obj = (unsigned)n;
            for (size_t j = 0; j < n; j++) {
                const int it = ydoc_seq_item(d, v, j);
                const char *name = ydoc_scalar(d, it);
                x->obj[j] = name ? col_find(name, strlen(name)) : -1;
                if (x->obj[j] < 0) {
                    ydoc_describe_node(d, it, got, sizeof got);
                    ydoc_error(d, it, dl, path,
                               "unknown objective %s; expected one of energy, latency, area, edap, "
                               "rng_bits, rng_modules, memory_bits, tiles",
                               got);
                }
            }
        } else if (!strcmp(key, "constraints")) {
            size_t n = ydoc_kind(d, v) == YNODE_SEQ ? ydoc_len(d, v) : 0;
            if (ydoc_kind(d, v) != YNODE_SEQ || n > X_MAX_CON) {
                ydoc_error(d, v, dl, path, "expected a list of at most %d constraints", X_MAX_CON);
                continue;
            }
            x->n_con = (unsigned)n;
            for (size_t j = 0; j < n; j++) {
                const int it = ydoc_seq_item(d, v, j);
                const char *t = ydoc_scalar(d, it);
                const char *why = t ? parse_constraint(t, &x->con[j]) : "expected a string";
                if (why) {
                    ydoc_describe_node(d, it, got, sizeof got);
                    ydoc_error(d, it, dl, path,
                               "%s: expected COLUMN OP NUMBER such as \"area_mm2 <= 10\", got %s",
                               why, got);
                }
            }
        } else {
            ydoc_error(d, ydoc_map_key(d, node, i), dl, "explore",
                       "unknown key '%.40s'; expected budget, objectives, constraints, method, "
                       "population or seed",
                       key);
        }
    }
    return dl->n ? ST_ECONFIG : ST_OK;
}

/* ---- Evaluations ---- */

typedef struct result {
    uint64_t point;
    int st; /* ST_OK: figures */
    sweep_figs_t f;
} result_t;

typedef struct explorer {
    const sweep_t *s;
    const xcfg_t *x;
    sweep_eval_t *ev;
    uint64_t budget, evals;
    result_t *res; /* [cap], in evaluation order */
    size_t n_res, cap;
    uint64_t *slot; /* hash: point -> index + 1 into res, 0 empty */
    size_t slots;
    unsigned genes;
    uint32_t card[NSGA2_MAX_GENES];
    uint64_t stride[NSGA2_MAX_GENES];
    int bad_timing; /* a point is not analytic */
    int tty;
    double t0, last;
} explorer_t;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t genome_point(const explorer_t *e, const uint32_t *g)
{
    uint64_t p = 0;
    for (unsigned k = 0; k < e->genes; k++)
        p += g[k] * e->stride[k];
    return p;
}

static size_t slot_of(const explorer_t *e, uint64_t point)
{
    uint64_t h = point * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 17) & (e->slots - 1);
    while (e->slot[i] && e->res[e->slot[i] - 1].point != point)
        i = (i + 1) & (e->slots - 1);
    return i;
}

/* The result of point, evaluated now if new and the budget allows; NULL when the budget
 * is spent (or on ENOMEM: then e->evals = budget). */
static const result_t *evaluate(explorer_t *e, uint64_t point)
{
    size_t i = slot_of(e, point);
    if (e->slot[i])
        return &e->res[e->slot[i] - 1];
    if (e->evals >= e->budget)
        return NULL;
    if (!sweep_eval_inproc(e->ev, point)) {
        e->bad_timing = 1;
        e->evals = e->budget;
        return NULL;
    }
    result_t *r = &e->res[e->n_res];
    r->point = point;
    r->st = sweep_eval_point(e->ev, point, &r->f);
    e->slot[i] = ++e->n_res;
    e->evals++;
    if (e->tty && now_s() - e->last > 0.2) {
        e->last = now_s();
        fprintf(stderr, "\r%llu/%llu evaluations, %.0f points/s\033[K",
                (unsigned long long)e->evals, (unsigned long long)e->budget,
                (double)e->evals / (e->last - e->t0 + 1e-9));
    }
    return r;
}

/* Objectives and total constraint violation of a result (infeasible when it failed). */
static void objectives(const xcfg_t *x, const result_t *r, double *obj, double *viol)
{
    *viol = 0;
    for (unsigned k = 0; k < x->n_obj; k++)
        obj[k] = r->st == ST_OK ? col_value(&r->f, x->obj[k]) : 0;
    if (r->st != ST_OK) {
        *viol = 1e300;
        return;
    }
    for (unsigned j = 0; j < x->n_con; j++) {
        const constraint_t *c = &x->con[j];
        const double v = col_value(&r->f, c->col), scale = fabs(c->v) > 1 ? fabs(c->v) : 1;
        int ok = c->op == OP_LE   ? v <= c->v
                 : c->op == OP_LT ? v < c->v
                 : c->op == OP_GE ? v >= c->v
                 : c->op == OP_GT ? v > c->v
                                  : v == c->v;
        if (!ok) /* how far, relative to the bound; never 0 for a broken constraint */
            *viol += fabs(v - c->v) / scale + 1e-12;
    }
}

/* ---- Searches ---- */

static void search_random(explorer_t *e, nsga2_rng_t *rng)
{
    uint32_t g[NSGA2_MAX_GENES];
    /* distinct points until the budget; bounded tries when the space is nearly used up */
    for (uint64_t tries = 0; e->evals < e->budget && tries < 100 * e->budget; tries++) {
        nsga2_sample_random(rng, e->card, e->genes, g);
        evaluate(e, genome_point(e, g));
    }
}

static int search_lhs(explorer_t *e, nsga2_rng_t *rng)
{
    const size_t n = (size_t)e->budget;
    uint32_t *gs = malloc(n * e->genes * sizeof *gs), *work = malloc(n * sizeof *work);
    if (!gs || !work) {
        free(gs);
        free(work);
        return ST_ENOMEM;
    }
    nsga2_sample_lhs(rng, e->card, e->genes, n, gs, work);
    for (size_t j = 0; j < n; j++)
        evaluate(e, genome_point(e, gs + j * e->genes));
    search_random(e, rng); /* duplicates left budget: spend it at random */
    free(gs);
    free(work);
    return ST_OK;
}

/* Rank and crowding of the n genomes' objectives. */
static void rank_crowd(unsigned m, const double *obj, const double *viol, size_t n, uint32_t *rank,
                       double *dist, uint32_t *work, uint32_t *idx)
{
    uint32_t fronts = nsga2_sort(obj, viol, n, m, rank, work);
    for (uint32_t f = 0; f < fronts; f++) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == f)
                idx[len++] = (uint32_t)i;
        nsga2_crowding(obj, m, idx, len, dist, work);
    }
}

static int search_nsga2(explorer_t *e, nsga2_rng_t *rng, uint32_t N)
{
    const unsigned G = e->genes, m = e->x->n_obj;
    const size_t R = 2 * (size_t)N;
    uint32_t *gen = malloc(R * G * sizeof *gen), *ng = malloc(R * G * sizeof *ng);
    double *obj = malloc(R * m * sizeof *obj), *viol = malloc(R * sizeof *viol);
    double *dist = malloc(R * sizeof *dist), *nobj = malloc(R * m * sizeof *nobj);
    double *nviol = malloc(R * sizeof *nviol);
    uint32_t *rank = malloc(R * sizeof *rank), *work = malloc(2 * R * sizeof *work);
    uint32_t *idx = malloc(R * sizeof *idx), *order = malloc(R * sizeof *order);
    int st = ST_OK;
    if (!gen || !ng || !obj || !viol || !dist || !nobj || !nviol || !rank || !work || !idx ||
        !order) {
        st = ST_ENOMEM;
        goto out;
    }
    /* the first population: a Latin hypercube of N */
    nsga2_sample_lhs(rng, e->card, G, N, gen, work);
    size_t n = 0;
    for (size_t j = 0; j < N; j++) {
        const result_t *r = evaluate(e, genome_point(e, gen + j * G));
        if (!r)
            continue;
        memmove(gen + n * G, gen + j * G, G * sizeof *gen);
        objectives(e->x, r, obj + n * m, &viol[n]);
        n++;
    }
    if (n < 2)
        goto out;
    rank_crowd(m, obj, viol, n, rank, dist, work, idx);
    for (unsigned stall = 0; e->evals < e->budget && stall < 50;) {
        const uint64_t before = e->evals;
        size_t q = n; /* offspring appended after the parents */
        while (q + 2 <= n + N && e->evals < e->budget) {
            uint32_t p[2];
            for (int t = 0; t < 2; t++) { /* binary tournament, crowded comparison */
                const uint32_t a = nsga2_rng_below(rng, (uint32_t)n),
                               b = nsga2_rng_below(rng, (uint32_t)n);
                p[t] = nsga2_crowded_less(rank, dist, b, a) ? b : a;
            }
            uint32_t *c = gen + q * G, *d = gen + (q + 1) * G;
            nsga2_sbx(rng, e->card, G, 15.0, gen + p[0] * G, gen + p[1] * G, c, d);
            for (int t = 0; t < 2; t++) {
                uint32_t *ch = t ? d : c;
                nsga2_mutate(rng, e->card, G, 20.0, 1.0 / G, ch);
                /* a child already evaluated teaches nothing: move it (a few tries) */
                for (int k = 0; k < 8 && e->slot[slot_of(e, genome_point(e, ch))]; k++)
                    nsga2_mutate(rng, e->card, G, 20.0, 1.0 / G, ch);
                const result_t *r = evaluate(e, genome_point(e, ch));
                if (!r)
                    break;
                if (ch != gen + q * G)
                    memmove(gen + q * G, ch, G * sizeof *gen);
                objectives(e->x, r, obj + q * m, &viol[q]);
                q++;
            }
        }
        stall = e->evals == before ? stall + 1 : 0;
        /* environmental selection: whole fronts of P + Q, the last by crowding */
        uint32_t fronts = nsga2_sort(obj, viol, q, m, rank, work);
        size_t kept = 0;
        for (uint32_t f = 0; f < fronts && kept < N; f++) {
            size_t len = 0;
            for (size_t i = 0; i < q; i++)
                if (rank[i] == f)
                    idx[len++] = (uint32_t)i;
            if (kept + len > N) {
                nsga2_crowding(obj, m, idx, len, dist, work);
                for (size_t a = 1; a < len; a++) { /* by distance, larger first; stable */
                    uint32_t v = idx[a];
                    size_t b = a;
                    while (b > 0 && dist[idx[b - 1]] < dist[v]) {
                        idx[b] = idx[b - 1];
                        b--;
                    }
                    idx[b] = v;
                }
                len = N - kept;
            }
            for (size_t j = 0; j < len; j++)
                order[kept++] = idx[j];
        }
        for (size_t j = 0; j < kept; j++) {
            memcpy(ng + j * G, gen + (size_t)order[j] * G, G * sizeof *gen);
            memcpy(nobj + j * m, obj + (size_t)order[j] * m, m * sizeof *obj);
            nviol[j] = viol[order[j]];
        }
        n = kept;
        memcpy(gen, ng, n * G * sizeof *gen);
        memcpy(obj, nobj, n * m * sizeof *obj);
        memcpy(viol, nviol, n * sizeof *viol);
        rank_crowd(m, obj, viol, n, rank, dist, work, idx);
    }
out:
    free(gen);
    free(ng);
    free(obj);
    free(viol);
    free(dist);
    free(nobj);
    free(nviol);
    free(rank);
    free(work);
    free(idx);
    free(order);
    return st;
}

/* ---- Fronts and output ---- */

/* on[i] = 1 for the feasible results no other feasible one dominates (equal vectors do not
 * dominate each other), by a running front: O(n x front).  obj/viol of n results. */
static size_t front_of(const double *obj, const double *viol, size_t n, unsigned m,
                       unsigned char *on, uint32_t *fr)
{
    size_t nf = 0;
    memset(on, 0, n);
    for (size_t i = 0; i < n; i++) {
        if (viol[i] > 0)
            continue;
        int dominated = 0;
        for (size_t j = 0; j < nf && !dominated; j++)
            dominated = nsga2_dominates(obj + (size_t)fr[j] * m, obj + i * m, m);
        if (dominated)
            continue;
        size_t o = 0;
        for (size_t j = 0; j < nf; j++)
            if (!nsga2_dominates(obj + i * m, obj + (size_t)fr[j] * m, m))
                fr[o++] = fr[j];
        fr[o++] = (uint32_t)i;
        nf = o;
    }
    for (size_t j = 0; j < nf; j++)
        on[fr[j]] = 1;
    return nf;
}

/* The summary row of a result (malloc'd). */
static char *row_text(const sweep_t *s, const result_t *r)
{
    uint32_t idx[SWEEP_MAX_AXES];
    uint64_t T, mapping, seed;
    uint32_t w;
    int seed_axis = 0;
    sweep_point_index(s, r->point, idx);
    sweep_point_run(s, r->point, &T, &mapping, &seed, &w);
    size_t cap = 1024 + (size_t)s->n_axes * 200, o;
    char *row = malloc(cap);
    if (!row)
        return NULL;
    o = (size_t)snprintf(row, cap, "%llu", (unsigned long long)r->point);
    for (uint32_t a = 0; a < s->n_axes; a++) {
        row[o++] = ',';
        sweep_csv_field(row, cap, &o, s->axes[a].values[idx[a]].text);
        seed_axis |= s->axes[a].kind == SWEEP_KEY_SEED;
    }
    if (!seed_axis)
        o += (size_t)snprintf(row + o, cap - o, ",%llu", (unsigned long long)seed);
    char why[400];
    if (r->st == ST_OK) {
        sweep_figs_format(&r->f, row + o, cap - o);
    } else if (sweep_point_check(s, r->point, why, sizeof why) == ST_ECONFIG) {
        o += (size_t)snprintf(row + o, cap - o, ",,,,,,,,,invalid,"); /* as sweep --skip-invalid */
        sweep_csv_field(row, cap, &o, why);
    } else {
        snprintf(row + o, cap - o,
                 ",,,,,,,,,failed,not evaluated in process: run it with 'neuspin sweep --keep' "
                 "to see why");
    }
    return row;
}

/* Writes DIR/NAME with the rows of the results where sel (NULL: all) is set. */
static int write_rows(const char *dir, const char *name, const sweep_t *s, const result_t *res,
                      size_t n, const unsigned char *sel)
{
    char *header = sweep_summary_header(s);
    sweep_row_t *rows = malloc((n ? n : 1) * sizeof *rows);
    size_t k = 0;
    int rc = header && rows ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (sel && !sel[i])
            continue;
        rows[k].index = res[i].point;
        if (!(rows[k].text = row_text(s, &res[i])))
            rc = -1;
        else
            k++;
    }
    if (rc == 0)
        rc = sweep_write_rows(dir, name, header, rows, k);
    else
        fprintf(stderr, "neuspin: error: out of memory\n");
    for (size_t i = 0; i < k; i++)
        free(rows[i].text);
    free(rows);
    free(header);
    return rc;
}

/* Front and hypervolume of results [0, n): writes the front's rows to name when given. */
typedef struct front_info {
    size_t size;
    double *obj; /* the front's objectives, size x m (owned) */
} front_info_t;

static int front_compute(const explorer_t *e, const result_t *res, size_t n, front_info_t *fi,
                         const char *dir, const char *name)
{
    const unsigned m = e->x->n_obj;
    double *obj = malloc((n ? n : 1) * m * sizeof *obj), *viol = malloc((n ? n : 1) * sizeof *viol);
    unsigned char *on = malloc(n ? n : 1);
    uint32_t *fr = malloc((n ? n : 1) * sizeof *fr);
    int rc = obj && viol && on && fr ? 0 : -1;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            objectives(e->x, &res[i], obj + i * m, &viol[i]);
        fi->size = front_of(obj, viol, n, m, on, fr);
        fi->obj = malloc((fi->size ? fi->size : 1) * m * sizeof *fi->obj);
        if (!fi->obj)
            rc = -1;
        for (size_t i = 0, k = 0; rc == 0 && i < n; i++)
            if (on[i])
                memcpy(fi->obj + (k++) * m, obj + i * m, m * sizeof *obj);
        if (rc == 0 && name)
            rc = write_rows(dir, name, e->s, res, n, on);
    }
    if (rc && !name)
        fprintf(stderr, "neuspin: error: out of memory\n");
    free(obj);
    free(viol);
    free(on);
    free(fr);
    return rc;
}

static double hv(const front_info_t *f, unsigned m, const double *ref)
{
    uint32_t *work = malloc(2 * (f->size ? f->size : 1) * sizeof *work);
    double v = work ? nsga2_hypervolume(f->obj, f->size, m, ref, work) : -1;
    free(work);
    return v;
}

/* ---- The command ---- */

int cli_explore(args_t *a)
{
    const char *file = NULL, *out = NULL;
    uint64_t budget = 0;
    int grid = 0, rc = CLI_OK;
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_explore_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == O_OUT)
            out = v;
        else if (id == O_GRID)
            grid = 1;
        else if (id == O_BUDGET) {
            if (cli_loc_u64(a, loc, "--budget", v, 1, SWEEP_MAX_POINTS, &budget))
                return CLI_EUSAGE;
        } else if (file) {
            return cli_loc_error(a, loc, "unexpected argument '%s': one sweep file at a time", v);
        } else {
            file = v;
        }
    }
    if (ex >= 0)
        return ex;
    if (!file)
        return cli_usage_error(a, a->argc, "%s",
                               "explore: expected a sweep file (see 'neuspin explore --help')");
    if (!out)
        return cli_usage_error(a, a->argc, "%s", "explore: expected -o DIR");

    sweep_t *s = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    xcfg_t x;
    int st = sweep_load(file, &s, &dl);
    if (st == ST_OK)
        st = parse_cfg(s->doc, ydoc_map_get(s->doc, ydoc_root(s->doc), "explore"), &x, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        sweep_destroy(s);
        return st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
    }
    explorer_t e;
    memset(&e, 0, sizeof e);
    e.s = s;
    e.x = &x;
    e.budget = budget ? budget : x.budget ? x.budget : 1000;
    if (e.budget > s->n_points)
        e.budget = s->n_points;
    const uint64_t cap = grid ? s->n_points : e.budget;
    e.tty = isatty(STDERR_FILENO);
    if (s->zip || s->n_axes == 0) { /* one gene: the point index */
        e.genes = 1;
        e.card[0] = (uint32_t)s->n_points;
        e.stride[0] = 1;
    } else {
        e.genes = s->n_axes;
        uint64_t stride = 1;
        for (unsigned k = e.genes; k-- > 0;) {
            e.card[k] = s->axes[k].n_values;
            e.stride[k] = stride;
            stride *= e.card[k];
        }
    }
    for (e.slots = 16; e.slots < 2 * cap; e.slots *= 2)
        ;
    e.res = malloc(cap * sizeof *e.res);
    e.slot = calloc(e.slots, sizeof *e.slot);
    if (!e.res || !e.slot || sweep_eval_create(s, !sim_engine_available(), &e.ev) != ST_OK) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        rc = CLI_ERUN;
        goto done;
    }
    nsga2_rng_t rng = {x.have_seed ? x.seed : s->seed};
    e.t0 = now_s();
    static const char *const method_names[] = {"nsga2", "random", "lhs"};
    st = x.method == M_RANDOM ? (search_random(&e, &rng), ST_OK)
         : x.method == M_LHS
             ? search_lhs(&e, &rng)
             : search_nsga2(&e, &rng,
                            x.pop                 ? x.pop
                            : e.budget / 10 < 4   ? 4
                            : e.budget / 10 > 100 ? 100
                                                  : (uint32_t)(e.budget / 10 & ~1ull));
    if (e.tty)
        fputc('\n', stderr);
    if (e.bad_timing) {
        fprintf(stderr,
                "neuspin: error: %s: explore evaluates points with analytic timing only; set "
                "`base: {timing: analytic}` (and no timing axis)\n",
                file);
        rc = CLI_EUSAGE;
        goto done;
    }
    if (st != ST_OK) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        rc = CLI_ERUN;
        goto done;
    }
    const double t_search = now_s() - e.t0;
    const size_t n_search = e.n_res;
    front_info_t fx = {0, NULL}, fg = {0, NULL};
    if (write_rows(out, "summary.csv", s, e.res, n_search, NULL) ||
        front_compute(&e, e.res, n_search, &fx, out, "pareto.csv")) {
        rc = CLI_ERUN;
        goto done_f;
    }
    const unsigned m = x.n_obj;
    printf("explore: %s, %llu evaluations of %llu points (%.2f %%) in %.2f s; front %zu "
           "points (%s/pareto.csv)\n",
           method_names[x.method], (unsigned long long)e.evals, (unsigned long long)s->n_points,
           100.0 * (double)e.evals / (double)s->n_points, t_search, fx.size, out);
    double ref[NSGA2_MAX_OBJ];
    if (grid) { /* every point, then the grid's front against the search's */
        e.budget = s->n_points;
        const double t1 = now_s();
        for (uint64_t i = 0; i < s->n_points; i++)
            evaluate(&e, i);
        if (e.tty)
            fputc('\n', stderr);
        if (front_compute(&e, e.res, e.n_res, &fg, out, "grid-pareto.csv")) {
            rc = CLI_ERUN;
            goto done_f;
        }
        /* the reference point: 10 % beyond the grid front's worst in each objective */
        for (unsigned k = 0; k < m; k++) {
            ref[k] = 0;
            for (size_t j = 0; j < fg.size; j++)
                ref[k] = fg.obj[j * m + k] > ref[k] ? fg.obj[j * m + k] : ref[k];
            ref[k] = ref[k] > 0 ? 1.1 * ref[k] : 1;
        }
        const double hx = hv(&fx, m, ref), hg = hv(&fg, m, ref);
        printf("grid: %llu points in %.2f s; front %zu points (%s/grid-pareto.csv)\n",
               (unsigned long long)s->n_points, now_s() - t1, fg.size, out);
        printf("hypervolume (reference 1.1 x the grid front's worst): search %.6g, grid %.6g; "
               "the search reaches %.3f %% of the grid's with %.2f %% of its evaluations\n",
               hx, hg, hg > 0 ? 100.0 * hx / hg : 0.0,
               100.0 * (double)n_search / (double)s->n_points);
    } else {
        for (unsigned k = 0; k < m; k++) {
            ref[k] = 0;
            for (size_t j = 0; j < fx.size; j++)
                ref[k] = fx.obj[j * m + k] > ref[k] ? fx.obj[j * m + k] : ref[k];
            ref[k] = ref[k] > 0 ? 1.1 * ref[k] : 1;
        }
        printf("hypervolume (reference 1.1 x the front's worst): %.6g\n", hv(&fx, m, ref));
    }
    if (fflush(stdout) != 0)
        rc = CLI_ERUN;
done_f:
    free(fx.obj);
    free(fg.obj);
done:
    sweep_eval_destroy(e.ev);
    free(e.res);
    free(e.slot);
    sweep_destroy(s);
    return rc;
}
