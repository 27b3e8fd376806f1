/* analytic.c - the analytic timing mode: the models' costs summed over each layer's
 * operation program (workloads/wl_prog.h), no SystemC, no masks drawn.
 *
 * A layer's pass costs set-up + items x body, each phase the sum of its steps, where a
 * step on a shared resource lasts the sum of its operations (at least one cycle), a tile
 * step its slowest slice, a dropout or arbiter step its draw, and an overlapping step and
 * the next one the longer of the two: exactly how the engines in sim.cpp run the same
 * program (docs/timing.md).  Nothing contends in the layer schedule, so the cycles equal
 * the event mode's; tests/sim check it.  Under the pipelined schedule a layer reports its
 * own busy cycles and the image latency is a lower bound: no schedule finishes before the
 * busiest shared resource or the busiest layer has done its work.
 * Energy uses expected counts: a word-line pair or weight gated by a mask is driven with
 * probability 1 - p instead of by a sampled mask, and the arbiter draws b 2^b / k bits on
 * average. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "sim.h"

/* Scratch models: only their cost functions are used. */
typedef struct scratch {
    const arch_t *arch;
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

/* The block models of job's architecture and its layers' operation programs; ST_OK, or
 * the status with err filled and nothing to free. */
static int scratch_init(scratch_t *s, const sim_job_t *job, wl_prog_t **program, char *err,
                        size_t errn)
{
    const arch_t *a = job->arch;
    int st;
    *s = (scratch_t){a, NULL, NULL, NULL, NULL, NULL};
    if ((st = tile_create(&a->tile, &s->tile)) || (st = sbuf_create(&a->gbuf, &s->gbuf)) ||
        (st = sbuf_create(&a->scale_buf, &s->scale)) || (st = bus_create(&a->bus, &s->bus)) ||
        (st = periph_create(&a->periph, &s->periph))) {
        scratch_free(s);
        snprintf(err, errn, "cannot build the models: %s", st_str(st));
        return st;
    }
    if ((st = wl_prog_build(job->net, job->map, a, program)) != ST_OK) {
        scratch_free(s);
        snprintf(err, errn, "cannot build the layers' operation programs: %s", st_str(st));
        return st;
    }
    return ST_OK;
}

static uint64_t at_least_1(uint64_t c)
{
    return c ? c : 1;
}

/* Per-pass cost of one layer: cycles, the shared resources' busy cycles, actions. */
typedef struct layer_cost {
    uint64_t cycles;
    uint64_t busy[WL_RES_SHARED]; /* busy cycles of the shared resources */
    uint64_t rng_cycles;
    act_counts_t acts;
} layer_cost_t;

/* Keeps the first failure (status codes are not flags). */
static void keep(int *st, int r)
{
    if (*st == ST_OK)
        *st = r;
}

/* The model's cost of one operation of layer pl on resource res: *cyc, actions into acc;
 * an MVM the slowest of its slices, which read in parallel. */
static int op_cost(scratch_t *s, const wl_layer_map_t *m, const wl_prog_layer_t *pl,
                   const wl_op_t *op, uint32_t res, uint64_t *cyc, act_counts_t *acc)
{
    const arch_t *a = s->arch;
    uint64_t c = 0, cb = 0;
    int st = ST_OK;
    *cyc = 0;
    switch (op->kind) {
    case WL_OP_READ:
    case WL_OP_WRITE: {
        sbuf_t *buf = res == WL_RES_GBUF ? s->gbuf : s->scale;
        if (res == WL_RES_GBUF) /* the global path: the bus, then the buffer */
            st = bus_transfer(s->bus, op->n, &cb, acc);
        if (st == ST_OK)
            st = op->kind == WL_OP_READ ? sbuf_read(buf, op->n, &c, acc)
                                        : sbuf_write(buf, op->n, &c, acc);
        if (st == ST_OK && op->kind == WL_OP_READ && op->arg) /* the window, from latches */
            st = sbuf_line_read(buf, op->arg, acc);
        if (res == WL_RES_GBUF && a->bus.overlap && op->n > 0) /* beats and words together */
            *cyc = a->bus.t_hop_cyc + (cb - a->bus.t_hop_cyc > c ? cb - a->bus.t_hop_cyc : c);
        else
            *cyc = cb + c;
        return st;
    }
    case WL_OP_MVM:
        for (uint32_t k = 0; k < op->count && st == ST_OK; k++) {
            const wl_slice_t *sl = &m->slices[op->slice + k];
            tile_req_t rq = {sl->row_off, sl->rows,    sl->cols,        NULL,
                             NULL,        sl->col_off, (uint32_t)op->n, op->arg};
            st = tile_mvm(s->tile, &rq, &c, acc);
            if (c > *cyc)
                *cyc = c;
        }
        return st;
    case WL_OP_DRAW: {
        drng_params_t dp = a->drng;
        if (pl->drng_share)
            dp.share = pl->drng_share;
        drng_draw_cost(&dp, op->n, cyc, acc);
        return ST_OK;
    }
    case WL_OP_EXPAND: /* wiring: no cycles, no actions */
        return ST_OK;
    case WL_OP_SELECT: {
        const uint64_t bits = (uint64_t)llround(arb_expected_bits(&a->arb));
        acc->n[ACT_ARB_BIT] += bits;
        *cyc = bits * a->arb.t_bit_cyc;
        return ST_OK;
    }
    case WL_OP_REDUCE:
        return periph_reduce(s->periph, op->arg, (uint32_t)op->n, cyc, acc);
    case WL_OP_SCALE:
        return periph_scale(s->periph, op->n, cyc, acc);
    case WL_OP_NORM:
        return periph_norm(s->periph, op->n, cyc, acc);
    case WL_OP_ACTIVATE:
        return periph_activate(s->periph, op->n, cyc, acc);
    case WL_OP_SAMPLE:
        return periph_sample(s->periph, op->n, cyc, acc);
    case WL_OP_POOL:
        return periph_pool(s->periph, op->n, op->arg, cyc, acc);
    case WL_OP_ADD:
        return periph_add(s->periph, op->n, cyc, acc);
    default:
        SIM_BUG("operation kind outside wl_op_kind_t");
    }
    return ST_EINVAL;
}

/* One phase (steps [first, first + n)) executed once: its cycles, the shared resources'
 * busy cycles and the dropout/arbiter cycles into c, actions into acc, into *cells the
 * cell reads of the MVMs a mask gates and into *lines the word lines a row mask gates. */
static int phase_cost(scratch_t *s, const wl_layer_map_t *m, const wl_prog_layer_t *pl,
                      unsigned first, unsigned n, int first_pass, layer_cost_t *c,
                      act_counts_t *acc, uint64_t *cells, uint64_t *lines, uint64_t *cycles)
{
    int st = ST_OK;
    uint64_t t = 0, pending = 0; /* pending: the overlapping step's cycles */
    for (unsigned k = first; k < first + n; k++) {
        const wl_step_t *sp = &pl->steps[k];
        uint64_t step = 0, cy;
        if (sp->once && !first_pass) /* resident set-up data: loaded in the first pass */
            continue;
        for (unsigned j = sp->first; j < (unsigned)sp->first + sp->n_ops; j++) {
            const wl_op_t *op = &pl->ops[j];
            const uint64_t before = acc->n[ACT_XBAR_CELL_READ];
            const uint64_t wl_before = acc->n[ACT_WLDEC_WL_CHARGE];
            keep(&st, op_cost(s, m, pl, op, sp->res, &cy, acc));
            if (op->kind == WL_OP_MVM && (op->flags & (WL_OPF_IN_ROWS | WL_OPF_IN_UNITS)))
                *cells += acc->n[ACT_XBAR_CELL_READ] - before;
            if (op->kind == WL_OP_MVM &&
                (op->flags & WL_OPF_IN_ROWS)) /* a dropped pair's line stays low */
                *lines += acc->n[ACT_WLDEC_WL_CHARGE] - wl_before;
            step += cy;
        }
        if (sp->res < WL_RES_SHARED) {
            step = at_least_1(step);
            c->busy[sp->res] += step;
        } else if (sp->res != WL_RES_TILES) {
            c->rng_cycles += step;
        }
        if (sp->overlap) {
            pending = step;
            continue;
        }
        t += step > pending ? step : pending;
        pending = 0;
    }
    *cycles = t + pending;
    return st;
}

/* One pass of layer i: set-up once, then the body items times.  first_pass: the layer's
 * first pass of the image, which also loads its resident set-up data. */
static int layer_cost(scratch_t *s, const wl_map_t *map, const wl_prog_layer_t *pl, uint32_t i,
                      double p, int first_pass, layer_cost_t *c)
{
    const wl_layer_map_t *m = &map->layers[i];
    layer_cost_t body;
    act_counts_t v;
    uint64_t setup_cyc, item_cyc, cells_setup = 0, cells = 0, lines_setup = 0, lines = 0;
    memset(&body, 0, sizeof body);
    act_counts_clear(&v);
    int st = phase_cost(s, m, pl, 0, pl->n_setup, first_pass, c, &c->acts, &cells_setup,
                        &lines_setup, &setup_cyc);
    keep(&st, phase_cost(s, m, pl, pl->n_setup, pl->n_body, first_pass, &body, &v, &cells, &lines,
                         &item_cyc));
    for (int k = 0; k < ACT_COUNT; k++)
        c->acts.n[k] += v.n[k] * pl->items;
    if (cells) { /* masks leave a pair or weight driven with probability 1 - p */
        const uint64_t all = cells * pl->items;
        c->acts.n[ACT_XBAR_CELL_READ] -= all;
        c->acts.n[ACT_XBAR_CELL_READ] += (uint64_t)llround((double)all * (1.0 - p));
    }
    if (lines) { /* and charge a word line with probability 1 - p */
        const uint64_t all = lines * pl->items;
        c->acts.n[ACT_WLDEC_WL_CHARGE] -= all;
        c->acts.n[ACT_WLDEC_WL_CHARGE] += (uint64_t)llround((double)all * (1.0 - p));
    }
    c->cycles = setup_cyc + (uint64_t)pl->items * item_cyc;
    for (unsigned r = 0; r < WL_RES_SHARED; r++)
        c->busy[r] += (uint64_t)pl->items * body.busy[r];
    c->rng_cycles += (uint64_t)pl->items * body.rng_cycles;
    return st;
}

int sim_analytic(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn)
{
    const arch_t *a = job->arch;
    const wl_map_t *map = job->map;
    const uint32_t n = job->net->n_layers;
    scratch_t s;
    wl_prog_t *program = NULL;
    int st = scratch_init(&s, job, &program, err, errn);
    if (st != ST_OK)
        return st;
    layer_cost_t *cost = st_calloc(n ? 2 * (size_t)n : 1, sizeof *cost); /* later passes, first */
    if (!cost) {
        wl_prog_destroy(program);
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

    /* A mask drops with the p its modules achieve on this chip (the bank the engine builds,
     * reported as p_mean), not the nominal one: event and analytic then agree on average. */
    for (uint32_t i = 0; i < n && st == ST_OK; i++) {
        const double p =
            job->layers && job->layers[i].has_p ? job->layers[i].p_mean : program->layers[i].p;
        st = layer_cost(&s, map, &program->layers[i], i, p, 0, &cost[i]);
        keep(&st, layer_cost(&s, map, &program->layers[i], i, p, 1, &cost[n + i]));
    }
    if (st != ST_OK) {
        snprintf(err, errn, "a model refused an operation: %s", st_str(st));
        goto done;
    }

    const int pipeline = a->schedule == ARCH_SCHED_PIPELINE;
    uint64_t t = 0, busy[WL_RES_SHARED] = {0}, longest = 0;
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
            if (pass < wl_prog_passes(program, i, job->T)) {
                const layer_cost_t *c = &cost[pass == 0 ? n + i : i];
                rec.cycles = c->cycles;
                rec.acts = c->acts;
                /* every random bit is one SET of a stochastic MTJ or one arbiter bit, as
                 * the engine counts them */
                rec.rng_bits = c->acts.n[ACT_DRNG_SET] + c->acts.n[ACT_ARB_BIT];
                rec.rng_cycles = c->rng_cycles;
                for (unsigned r = 0; r < WL_RES_SHARED; r++)
                    busy[r] += c->busy[r];
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
        for (unsigned r = 0; r < WL_RES_SHARED; r++)
            if (busy[r] > lb)
                lb = busy[r];
        job->sum->end_cyc = lb;
    }
done:
    free(cost);
    wl_prog_destroy(program);
    scratch_free(&s);
    return st;
}

uint64_t sim_estimate_toggles(const wl_net_t *net, const wl_map_t *map, uint32_t T)
{
    uint64_t steps = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        wl_prog_layer_t pl;
        wl_prog_layer_build(net, map, NULL, i, &pl); /* the structure alone */
        steps += wl_prog_layer_steps(&pl);
    }
    return 2 * steps * T; /* each step raises and lowers a busy signal */
}

/* For in-process sweeps (sim/cmd/sweep_inproc.c): what sim_analytic computes before its
 * record loop, per layer, so a caller can skip the layers it already knows.  Same scratch
 * models, programs and p as sim_analytic; only the layers with need[i] (need NULL: all). */
int sim_analytic_layers(const sim_job_t *job, const unsigned char *need, trc_rec_t *first,
                        trc_rec_t *later, uint32_t *passes, char *err, size_t errn)
{
    const uint32_t n = job->net->n_layers;
    scratch_t s;
    wl_prog_t *program = NULL;
    int st = scratch_init(&s, job, &program, err, errn);
    if (st != ST_OK)
        return st;
    for (uint32_t i = 0; i < n && st == ST_OK; i++) {
        passes[i] = wl_prog_passes(program, i, job->T);
        if (need && !need[i])
            continue;
        const double p =
            job->layers && job->layers[i].has_p ? job->layers[i].p_mean : program->layers[i].p;
        layer_cost_t c[2];
        memset(c, 0, sizeof c);
        st = layer_cost(&s, job->map, &program->layers[i], i, p, 0, &c[0]);
        keep(&st, layer_cost(&s, job->map, &program->layers[i], i, p, 1, &c[1]));
        for (int k = 0; k < 2; k++) {
            trc_rec_t *r = k ? &first[i] : &later[i];
            memset(r, 0, sizeof *r);
            r->layer = i;
            r->cycles = c[k].cycles;
            r->acts = c[k].acts;
            r->rng_bits = c[k].acts.n[ACT_DRNG_SET] + c[k].acts.n[ACT_ARB_BIT];
            r->rng_cycles = c[k].rng_cycles;
        }
    }
    if (st != ST_OK)
        snprintf(err, errn, "a model refused an operation: %s", st_str(st));
    wl_prog_destroy(program);
    scratch_free(&s);
    return st;
}
