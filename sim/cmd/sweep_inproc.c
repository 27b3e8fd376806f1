/* sweep_inproc.c - analytic sweep points evaluated inside the sweep's own processes: the
 * steps of `neuspin run --timing analytic` for one point (sim/cmd/cli.c cmd_run) without
 * files, and the summary row's figures exactly as summary_row reads them back from the
 * point's layers.csv and run.json.
 *
 * Byte identity with the child path: layers.csv holds each record's energy as %.9g and
 * summary_row sums those parsed values per layer in record order, then over layers; the
 * same rounding and the same order are kept here (rec_pj).  A point whose evaluation does
 * not end in figures (a mapping error, a limit, a refused operation) is handed back to the
 * caller, which runs it as a child: its row, error text included, is then the child's.
 *
 * Cache: points that differ only in their seed and T (the axes that change neither the
 * chip nor the network) share every layer's first-pass and later-pass record, the layer
 * descriptions and the area.  The key is the exact bytes those come from: the point's
 * arch_t, its network's layers, the mapping strategy and the achieved p of every layer
 * (which follow the device seed); a hit is compared byte by byte, never trusted on a hash
 * alone, so a cached point cannot differ from a computed one.
 *
 * Bank cache: each layer's calibrated dropout bank (drng_create_chip; the bulk of a
 * ResNet-18 point) is kept by its exact inputs - the dropout parameters with the layer's
 * share, the device seed, the layer index, its units and its p.  The point's mask seed is
 * not among them: drng_create_chip stores it only as the key of the mask stream (k0, k1),
 * and the bank's p and supply energies come from the rest.  The 200-point identity test
 * (tests/sim/inproc_test.sh) holds the two paths to the same bytes. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "cli_int.h"
#include "sim_limits.h"
#include "sim.h"
#include "sweep.h"
#include "sweep_int.h"

typedef cli_bank_key_t bank_key_t;
typedef cli_bank_val_t bank_val_t;

typedef struct bank_slot {
    int used;
    bank_key_t key;
    bank_val_t val;
} bank_slot_t;

#define BANK_MAX_SLOTS (1u << 20) /* past this many the table starts over: bounded memory */

struct sweep_eval {
    const sweep_t *s;
    int analytic_default; /* run's default timing is analytic (built without SystemC) */
    uint32_t cap;         /* layers the buffers hold */
    trc_layer_t *layers;
    trc_rec_t *first, *later;
    uint32_t *passes;
    double *e_layer;
    /* the cache: the last point's key and results */
    unsigned char *key; /* arch_t, mapping, every layer's wl_layer_t and p_mean */
    size_t key_len, key_cap;
    int have;        /* key and results valid */
    uint32_t n;      /* layers of the cached point */
    double chip_mm2; /* the area, as run.json's %.17g reads back */
    uint64_t hits, misses;
    bank_slot_t *bank; /* open addressing, cap a power of two */
    size_t bank_cap, bank_n;
};

int sweep_eval_create(const sweep_t *s, int analytic_default, sweep_eval_t **out)
{
    sweep_eval_t *e = calloc(1, sizeof *e);
    if (!e)
        return ST_ENOMEM;
    e->s = s;
    e->analytic_default = analytic_default;
    *out = e;
    return ST_OK;
}

void sweep_eval_destroy(sweep_eval_t *e)
{
    if (!e)
        return;
    free(e->layers);
    free(e->first);
    free(e->later);
    free(e->passes);
    free(e->e_layer);
    free(e->key);
    free(e->bank);
    free(e);
}

void sweep_eval_stats(const sweep_eval_t *e, uint64_t *hits, uint64_t *misses)
{
    *hits = e->hits;
    *misses = e->misses;
}

int sweep_eval_inproc(const sweep_eval_t *e, uint64_t i)
{
    const char *t = sweep_point_timing(e->s, i);
    return t ? !strcmp(t, "analytic") : e->analytic_default;
}

static int grow(sweep_eval_t *e, uint32_t n)
{
    if (n <= e->cap)
        return ST_OK;
    free(e->layers);
    free(e->first);
    free(e->later);
    free(e->passes);
    free(e->e_layer);
    e->layers = calloc(n, sizeof *e->layers);
    e->first = calloc(n, sizeof *e->first);
    e->later = calloc(n, sizeof *e->later);
    e->passes = calloc(n, sizeof *e->passes);
    e->e_layer = calloc(n, sizeof *e->e_layer);
    e->cap = n;
    e->have = 0;
    if (!e->layers || !e->first || !e->later || !e->passes || !e->e_layer) {
        e->cap = 0;
        return ST_ENOMEM;
    }
    return ST_OK;
}

/* A number as the layers.csv reader gets it back (written %.9g). */
static double reread9(double x)
{
    char b[64];
    snprintf(b, sizeof b, "%.9g", x);
    return strtod(b, NULL);
}

/* ... and as the run.json reader does (written %.17g). */
static double reread17(double x)
{
    char b[64];
    snprintf(b, sizeof b, "%.17g", x);
    return strtod(b, NULL);
}

/* Appends n bytes to the key being built. */
static int key_add(unsigned char **k, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        unsigned char *b = realloc(*k, c);
        if (!b)
            return ST_ENOMEM;
        *k = b;
        *cap = c;
    }
    memcpy(*k + *len, p, n);
    *len += n;
    return ST_OK;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* The bank of key k, from the table or built now (NULL: out of memory). */
static const bank_val_t *bank_get(sweep_eval_t *e, const bank_key_t *k)
{
    if (e->bank_n * 2 >= e->bank_cap) {
        size_t cap = e->bank_cap ? 2 * e->bank_cap : 1024;
        if (cap > BANK_MAX_SLOTS) { /* start over */
            cap = e->bank_cap;
            memset(e->bank, 0, cap * sizeof *e->bank);
            e->bank_n = 0;
        } else {
            bank_slot_t *nb = calloc(cap, sizeof *nb);
            if (!nb)
                return NULL;
            for (size_t j = 0; j < e->bank_cap; j++)
                if (e->bank[j].used) {
                    size_t h = (size_t)fnv1a(&e->bank[j].key, sizeof(bank_key_t)) & (cap - 1);
                    while (nb[h].used)
                        h = (h + 1) & (cap - 1);
                    nb[h] = e->bank[j];
                }
            free(e->bank);
            e->bank = nb;
            e->bank_cap = cap;
        }
    }
    size_t h = (size_t)fnv1a(k, sizeof *k) & (e->bank_cap - 1);
    while (e->bank[h].used) {
        if (!memcmp(&e->bank[h].key, k, sizeof *k))
            return &e->bank[h].val;
        h = (h + 1) & (e->bank_cap - 1);
    }
    bank_slot_t *sl = &e->bank[h];
    cli_bank_measure(k, 0, &sl->val); /* the mask seed: any value, it keys the masks only */
    sl->key = *k;
    sl->used = 1;
    e->bank_n++;
    return &sl->val;
}

/* cli_layer_p with the bank from the cache.  ST_OK or ST_ENOMEM. */
static int layer_p(sweep_eval_t *e, const arch_t *a, const wl_net_t *net, const wl_map_t *map,
                   uint32_t i, uint64_t device_seed, trc_layer_t *t)
{
    bank_key_t k;
    if (!cli_layer_bank_key(a, net, map, i, device_seed, &k))
        return ST_OK;
    const bank_val_t *v = bank_get(e, &k);
    if (!v)
        return ST_ENOMEM;
    cli_layer_p_apply(a, v, t);
    return ST_OK;
}

int sweep_eval_point(sweep_eval_t *e, uint64_t i, sweep_figs_t *f)
{
    const sweep_t *s = e->s;
    arch_t a;
    uint64_t T, mapping, seed;
    uint32_t w;
    sweep_point_arch(s, i, &a);
    sweep_point_run(s, i, &T, &mapping, &seed, &w);
    wl_net_t *own = NULL;
    const wl_net_t *net = s->wl[w].net;
    if (s->n_net_axes) {
        if (sweep_point_network(s, i, &own) != ST_OK)
            return ST_ENOMEM;
        net = own;
    }
    const uint64_t dseed = s->device_seed ? s->device_seed : 1;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    wl_map_t *map = NULL;
    char err[512];
    int st = arch_check(&a, "", &dl); /* the cross-field rules run's overrides pass */
    if (st == ST_OK)
        st = wl_map_build(net, &a, (uint32_t)mapping, &map, &dl);
    if (st != ST_OK)
        goto out;
    st = ST_EINVAL; /* from here: anything but figures goes to a child */
    if (map->T == 1)
        T = 1;
    else if (!T)
        T = net->T;
    uint64_t held = 0;
    if (wl_prog_prefix(net, map, &a, &held) &&
        held + map->gbuf_peak_bits > sbuf_capacity_bits(&a.gbuf))
        goto out;
    sim_limits_t lim;
    sim_estimate_t est;
    sim_limits_default(&lim);
    sim_estimate(net, map, &a, (uint32_t)T, &est);
    if (sim_limits_check(&est, &lim, 0, 1, err, sizeof err) != 0)
        goto out;
    const uint32_t n = net->n_layers;
    if ((st = grow(e, n)) != ST_OK)
        goto out;
    memset(e->layers, 0, n * sizeof *e->layers);
    cli_describe_layers_static(&a, net, map, e->layers);
    for (uint32_t l = 0; l < n; l++)
        if ((st = layer_p(e, &a, net, map, l, dseed, &e->layers[l])) != ST_OK)
            goto out;

    /* the cache key: everything the layer records, descriptions and area come from */
    unsigned char *key = NULL;
    size_t klen = 0, kcap = 0;
    st = key_add(&key, &klen, &kcap, &a, sizeof a);
    if (st == ST_OK)
        st = key_add(&key, &klen, &kcap, &mapping, sizeof mapping);
    const uint32_t shape[4] = {net->in_c, net->in_h, net->in_w, n};
    if (st == ST_OK)
        st = key_add(&key, &klen, &kcap, shape, sizeof shape);
    for (uint32_t l = 0; st == ST_OK && l < n; l++) {
        const wl_layer_t *x = &net->layers[l];
        st = key_add(&key, &klen, &kcap, x, sizeof *x); /* no pointers in a layer */
        const trc_layer_t *t = &e->layers[l];
        if (st == ST_OK)
            st = key_add(&key, &klen, &kcap, &t->has_p, sizeof t->has_p);
        if (st == ST_OK)
            st = key_add(&key, &klen, &kcap, &t->p_mean, sizeof t->p_mean);
    }
    if (st != ST_OK) {
        free(key);
        goto out;
    }
    const int hit = e->have && e->n == n && klen == e->key_len && !memcmp(key, e->key, klen);
    sim_job_t job;
    memset(&job, 0, sizeof job);
    job.arch = &a;
    job.net = net;
    job.map = map;
    job.T = (uint32_t)T;
    job.seed = seed;
    job.layers = e->layers;
    job.timing = SIM_TIMING_ANALYTIC;
    job.device_seed = dseed;
    if (!hit) {
        e->misses++;
        e->have = 0;
        st = sim_analytic_layers(&job, NULL, e->first, e->later, e->passes, err, sizeof err);
        if (st != ST_OK) {
            free(key);
            st = ST_EINVAL;
            goto out;
        }
        trc_area_t area;
        cli_chip_area(&a, map, &area);
        e->chip_mm2 = reread17(area.chip_total_um2 / 1e6);
        free(e->key);
        e->key = key;
        e->key_len = klen;
        e->n = n;
        e->have = 1;
    } else {
        e->hits++;
        free(key);
        /* passes follow T, which is not in the key */
        wl_prog_t *prog = NULL;
        if (wl_prog_build(net, map, &a, &prog) != ST_OK) {
            st = ST_ENOMEM;
            goto out;
        }
        for (uint32_t l = 0; l < n; l++)
            e->passes[l] = wl_prog_passes(prog, l, (uint32_t)T);
        wl_prog_destroy(prog);
    }

    /* sim_analytic's record loop, and summary_row's sums over the records layers.csv holds */
    const double clk = arch_clk_ns(&a);
    const int pipeline = a.schedule == ARCH_SCHED_PIPELINE;
    uint64_t t = 0, end = 0;
    memset(f, 0, sizeof *f);
    for (uint32_t l = 0; l < n; l++)
        e->e_layer[l] = 0;
    for (uint32_t pass = 0; pass < T; pass++)
        for (uint32_t l = 0; l < n; l++) {
            trc_rec_t zero;
            const trc_rec_t *r = &zero;
            if (pass < e->passes[l]) {
                r = pass == 0 ? &e->first[l] : &e->later[l];
            } else {
                memset(&zero, 0, sizeof zero);
            }
            const uint64_t start = pipeline ? 0 : t;
            t += r->cycles;
            const trc_layer_t *ly = &e->layers[l];
            const en_table_t *en = ly->has_en ? &ly->en : &a.energy;
            const double pj = en_total_pj(en, &r->acts) + trc_leak_pj(ly, r->cycles, clk);
            e->e_layer[l] += reread9(pj);
            f->rng_bits += r->rng_bits;
            if (start + r->cycles > end)
                end = start + r->cycles;
        }
    for (uint32_t l = 0; l < n; l++) {
        const trc_layer_t *ly = &e->layers[l];
        f->energy_pj += e->e_layer[l];
        f->rng_modules += ly->rng_modules;
        f->tiles += ly->tiles;
        f->memory_bits += ly->weight_bits + ly->bayes_bits + ly->sram_bits;
    }
    f->latency_ns = (double)end * clk;
    f->area_mm2 = e->chip_mm2;
    st = ST_OK;
out:
    wl_map_destroy(map);
    wl_net_destroy(own);
    return st;
}

size_t sweep_figs_format(const sweep_figs_t *f, char *buf, size_t cap)
{
    int k =
        snprintf(buf, cap, ",%.10g,%.10g,%llu,%llu,%llu,%llu,%.10g,%.10g,ok,", f->energy_pj,
                 f->latency_ns, (unsigned long long)f->rng_modules, (unsigned long long)f->rng_bits,
                 (unsigned long long)f->memory_bits, (unsigned long long)f->tiles, f->area_mm2,
                 f->energy_pj * f->latency_ns * f->area_mm2);
    return k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
}
