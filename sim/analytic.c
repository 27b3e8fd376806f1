/* analytic.c - the analytic timing mode: per-layer closed forms over the same C models,
 * no SystemC, no masks drawn.
 *
 * A crossbar layer's pass costs set-up + V x vector, where
 *   set-up = scale-buffer reads + the per-pass draw or arbiter pick + subset VI's scale
 *            crossbar read and sampling,
 *   vector = max(input fetch, mask draw) + slowest tile + periphery chain + write-back,
 * each shared-resource operation counted as at least one cycle, exactly as the engines in
 * sim.cpp schedule them (docs/timing.md).  Nothing contends in the layer schedule, so the
 * cycles equal the event mode's; tests/sim check it.  Under the pipelined schedule a layer
 * reports its own busy cycles and the image latency is a lower bound: no schedule finishes
 * before the busiest shared resource or the busiest layer has done its work.
 * Energy uses expected counts: a word-line pair or weight is driven with probability 1 - p
 * instead of by a sampled mask, and the arbiter draws b 2^b / k bits on average. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "sim.h"

/* Scratch models: only their cost functions are used. */
typedef struct scratch {
    tile_t *tile;
    sbuf_t *gbuf, *scale;
    bus_t *bus;
    periph_t *periph;
} scratch_t;

static void scratch_free(scratch_t *s)
{
    tile_destroy(s->tile);
    sbuf_destroy(s->gbuf);
    sbuf_destroy(s->scale);
    bus_destroy(s->bus);
    periph_destroy(s->periph);
}

static uint64_t at_least_1(uint64_t c) { return c ? c : 1; }

/* Per-pass cost of one layer: cycles, the shared resources' busy cycles, actions. */
typedef struct layer_cost {
    uint64_t cycles;
    uint64_t gap, periph, scale; /* busy cycles of the shared resources */
    uint64_t rng_cycles;
    uint64_t rng_bits;
    act_counts_t acts;
} layer_cost_t;

/* The global-buffer path: bus transfer then buffer access, as the bus adapter forwards. */
static int gap_cost(scratch_t *s, int write, uint64_t bits, uint64_t *cyc, act_counts_t *acc)
{
    uint64_t cb = 0, cg = 0;
    int st = bus_transfer(s->bus, bits, &cb, acc);
    if (st == ST_OK)
        st = write ? sbuf_write(s->gbuf, bits, &cg, acc) : sbuf_read(s->gbuf, bits, &cg, acc);
    *cyc = at_least_1(cb + cg);
    return st;
}

static int mvm_layer_cost(const sim_job_t *job, scratch_t *s, uint32_t i, layer_cost_t *c)
{
    const arch_t *a = job->arch;
    const wl_layer_t *l = &job->net->layers[i];
    const wl_layer_map_t *m = &job->map->layers[i];
    act_counts_t *acc = &c->acts;
    uint64_t cy = 0, t;
    int st = ST_OK;

    /* set-up */
    uint64_t setup = 0;
    st |= sbuf_read(s->scale, (uint64_t)m->cols * a->scale_buf.word_bits, &cy, acc);
    t = cy;
    if (m->sram_bits) {
        st |= sbuf_read(s->scale, m->sram_bits, &cy, acc);
        t += cy;
    }
    setup += at_least_1(t);
    c->scale += at_least_1(t);
    if (m->sto == WL_STO_PASS) {
        drng_params_t dp = a->drng;
        if (m->drng_modules > 0)
            dp.share = (uint32_t)((m->units + m->drng_modules - 1) / m->drng_modules);
        drng_draw_cost(&dp, m->units, &cy, acc);
        setup += cy;
        c->rng_cycles += cy;
        c->rng_bits += m->units;
    } else if (m->sto == WL_STO_ARBITER) {
        const uint64_t bits = (uint64_t)llround(arb_expected_bits(&a->arb));
        acc->n[ACT_ARB_BIT] += bits;
        cy = bits * a->arb.t_bit_cyc;
        setup += cy;
        c->rng_cycles += cy;
        c->rng_bits += bits;
    }
    if (m->n_extra) {
        const wl_slice_t *xs = m->slices + (size_t)m->copies * m->slices_per_copy;
        uint64_t extra = 0;
        for (uint32_t k = 0; k < m->n_extra; k++) {
            tile_req_t rq = {0, xs[k].rows, xs[k].cols, NULL, NULL, 0, 0, a->bayes.mtjs_per_cell};
            st |= tile_mvm(s->tile, &rq, &cy, acc);
            if (cy > extra)
                extra = cy;
        }
        setup += extra;
        st |= periph_sample(s->periph, m->cols, &cy, acc);
        setup += at_least_1(cy);
        c->periph += at_least_1(cy);
    }

    /* one vector; V of them, identical in cycles */
    act_counts_t v;
    act_counts_clear(&v);
    uint64_t fetch, mask = 0, tiles = 0, chain = 0, write;
    st |= gap_cost(s, 0, m->rows, &fetch, &v);
    if (m->sto == WL_STO_VECTOR) {
        drng_draw_cost(&a->drng, m->units, &mask, &v);
        c->rng_cycles += (uint64_t)m->n_mvm * mask;
        c->rng_bits += (uint64_t)m->n_mvm * m->units;
    }
    uint64_t cells_before = v.n[ACT_XBAR_CELL_READ];
    for (uint32_t k = 0; k < m->slices_per_copy; k++) {
        const wl_slice_t *sl = &m->slices[k];
        tile_req_t rq = {sl->row_off, sl->rows, sl->cols, NULL, NULL, sl->col_off, m->cols,
                         m->cell_mtjs};
        st |= tile_mvm(s->tile, &rq, &cy, &v);
        if (cy > tiles)
            tiles = cy;
    }
    const uint64_t cells = v.n[ACT_XBAR_CELL_READ] - cells_before;
    if (m->n_psum > 1) {
        st |= periph_reduce(s->periph, m->n_psum, m->cols, &cy, &v);
        chain += cy;
    }
    if (m->post == WL_POST_SCALE) {
        st |= periph_scale(s->periph, m->cols, &cy, &v);
        chain += cy;
    } else if (m->post == WL_POST_NORM) {
        st |= periph_norm(s->periph, m->cols, &cy, &v);
        chain += cy;
    }
    st |= periph_activate(s->periph, m->cols, &cy, &v);
    chain = at_least_1(chain + cy);
    st |= gap_cost(s, 1, m->cols, &write, &v);
    const uint64_t vec = (fetch > mask ? fetch : mask) + tiles + chain + write;

    /* V vectors; masks leave a pair or weight driven with probability 1 - p */
    const int masked = (m->sto == WL_STO_VECTOR || m->sto == WL_STO_PASS) &&
                       m->gran != WL_GRAN_SCALAR;
    for (int k = 0; k < ACT_COUNT; k++)
        acc->n[k] += v.n[k] * m->n_mvm;
    if (masked) {
        const double keep = 1.0 - m->p;
        const uint64_t all = cells * m->n_mvm;
        acc->n[ACT_XBAR_CELL_READ] -= all;
        acc->n[ACT_XBAR_CELL_READ] += (uint64_t)llround((double)all * keep);
    }
    c->cycles = setup + (uint64_t)m->n_mvm * vec;
    c->gap += (uint64_t)m->n_mvm * (fetch + write);
    c->periph += (uint64_t)m->n_mvm * chain;
    (void)l;
    return st;
}

static int other_layer_cost(const sim_job_t *job, scratch_t *s, uint32_t i, layer_cost_t *c)
{
    const wl_layer_t *l = &job->net->layers[i];
    const uint64_t out = (uint64_t)l->cout * l->wout;
    const uint64_t in = l->kind == WL_ADD ? 2 * out : (uint64_t)l->cin * l->k * l->win;
    act_counts_t r;
    act_counts_clear(&r);
    uint64_t rd, op, wr;
    int st = gap_cost(s, 0, in, &rd, &r);
    if (l->kind == WL_ADD)
        st |= periph_add(s->periph, out, &op, &r);
    else
        st |= periph_pool(s->periph, out, l->k * l->k, &op, &r);
    op = at_least_1(op);
    st |= gap_cost(s, 1, out, &wr, &r);
    for (int k = 0; k < ACT_COUNT; k++)
        c->acts.n[k] += r.n[k] * l->hout;
    c->cycles = (uint64_t)l->hout * (rd + op + wr);
    c->gap = (uint64_t)l->hout * (rd + wr);
    c->periph = (uint64_t)l->hout * op;
    return st;
}

int sim_analytic(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn)
{
    const arch_t *a = job->arch;
    const wl_map_t *map = job->map;
    const uint32_t n = job->net->n_layers;
    scratch_t s = {0};
    int st;
    if ((st = tile_create(&a->tile, &s.tile)) || (st = sbuf_create(&a->gbuf, &s.gbuf)) ||
        (st = sbuf_create(&a->scale_buf, &s.scale)) || (st = bus_create(&a->bus, &s.bus)) ||
        (st = periph_create(&a->periph, &s.periph))) {
        scratch_free(&s);
        snprintf(err, errn, "cannot build the models: %s", st_str(st));
        return st;
    }
    layer_cost_t *cost = st_calloc(n ? n : 1, sizeof *cost);
    if (!cost) {
        scratch_free(&s);
        return ST_ENOMEM;
    }

    /* programming, as the SystemC top does it */
    prog->cycles = 0;
    act_counts_clear(&prog->acts);
    for (uint32_t i = 0; i < map->n_layers && st == ST_OK; i++)
        for (uint32_t k = 0; k < map->layers[i].n_slices && st == ST_OK; k++) {
            uint64_t c = 0;
            st = tile_program(s.tile, map->layers[i].slices[k].rows, map->layers[i].slices[k].cols,
                              &c, &prog->acts);
            if (c > prog->cycles)
                prog->cycles = c;
        }

    uint32_t prefix = 0;
    if (a->reuse_prefix)
        while (prefix < n && map->layers[prefix].sto == WL_STO_NONE)
            prefix++;
    if (prefix == n)
        prefix = 0;

    for (uint32_t i = 0; i < n && st == ST_OK; i++)
        st = wl_layer_is_mvm(&job->net->layers[i]) ? mvm_layer_cost(job, &s, i, &cost[i])
                                                   : other_layer_cost(job, &s, i, &cost[i]);
    if (st != ST_OK) {
        snprintf(err, errn, "a model refused an operation: %s", st_str(st));
        goto done;
    }

    const int pipeline = a->schedule == ARCH_SCHED_PIPELINE;
    uint64_t t = 0, gap = 0, periph = 0, scale = 0, longest = 0;
    for (uint32_t pass = 0; pass < job->T; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            if (job->stop && *job->stop) {
                st = 1;
                goto done;
            }
            trc_rec_t rec;
            memset(&rec, 0, sizeof rec);
            rec.layer = i;
            rec.pass = pass;
            rec.start_cyc = pipeline ? 0 : t;
            if (!(i < prefix && pass > 0)) {
                const layer_cost_t *c = &cost[i];
                rec.cycles = c->cycles;
                rec.acts = c->acts;
                rec.rng_bits = c->rng_bits;
                rec.rng_cycles = c->rng_cycles;
                gap += c->gap;
                periph += c->periph;
                scale += c->scale;
            }
            t += rec.cycles;
            trc_sum_add(job->sum, &rec);
            if (job->out && trc_out_rec(job->out, &rec) != ST_OK) {
                snprintf(err, errn, "writing the traces failed");
                st = ST_EIO;
                goto done;
            }
        }
    }
    if (pipeline) { /* a lower bound of the image latency */
        for (uint32_t i = 0; i < n; i++)
            if (job->sum->cycles[i] > longest)
                longest = job->sum->cycles[i];
        uint64_t lb = longest;
        if (gap > lb)
            lb = gap;
        if (periph > lb)
            lb = periph;
        if (scale > lb)
            lb = scale;
        job->sum->end_cyc = lb;
    }
done:
    free(cost);
    scratch_free(&s);
    return st;
}

uint64_t sim_estimate_toggles(const wl_net_t *net, const wl_map_t *map, uint32_t T)
{
    uint64_t ops = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        /* a vector: fetch, tiles, mask, periphery, write; a pooling/add row: three */
        ops += wl_layer_is_mvm(l) ? 3 + 5 * (uint64_t)map->layers[i].n_mvm : 3 * (uint64_t)l->hout;
    }
    return 2 * ops * T;
}
