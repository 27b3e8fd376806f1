/* cli.c - neuspin's command line: run, validate, config, list.
 *
 *   neuspin run [-a ARCH.yaml] [-p KEY=VALUE]... [-w WORKLOAD] [-m 1|2] [-T N] [--seed S]
 *               [-o DIR] [-q]
 *   neuspin sweep SWEEP.yaml -o DIR [-j N] [--resume] [--shard I/N]   (sweep_cmd.c)
 *   neuspin merge DIR... -o OUT                                       (merge.c)
 *   neuspin plot DIR -o OUT                                           (plot.c)
 *   neuspin validate [-a ARCH.yaml] FILE...
 *   neuspin config [-a ARCH.yaml] [--list-params]
 *   neuspin list
 *   neuspin --version | --help
 *
 * Every bad argument is reported as "<cmdline>:1:COL: error: …", COL being the argument's
 * column in the command line "neuspin ARG1 ARG2 …" (the program named neuspin whatever
 * path started it, words joined by single spaces). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "cli_int.h"
#include "cli_limits.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "engine.h"
#include "sim.h"
#include "trc.h"
#include "trc_fs.h"
#include "trc_manifest.h"
#include "wl.h"
#include "wl_map.h"
#include "yamldoc.h"

#include "version.h" /* stamped at every build by sim/version.cmake */

#define DEFAULT_SEED 1u

/* ---- Argument scanning ---- */

int cli_usage_error(const args_t *a, int k, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cli_loc_error(a, (cli_loc_t){k, 0}, "%s", msg);
}

/* Reports that writing standard output failed (a full disk, /dev/full, a closed pipe);
 * returns CLI_ERUN. */
static int stdout_failed(void)
{
    int e = errno;
    fprintf(stderr, "neuspin: error: writing to standard output failed: %s\n",
            e ? strerror(e) : "write error");
    return CLI_ERUN;
}

/* ---- Loading ---- */

/* Loads the architecture (a built-in name or a file; the compiled-in default when NULL). */
/* The key node of the first network key (input, layers, mc_samples) at the top of d when d has
 * one and no architecture block, else 0: a network file. */
static int network_key(const ydoc_t *d)
{
    static const char *const net_keys[] = {"input", "layers", "mc_samples"};
    int root = ydoc_root(d);
    if (ydoc_kind(d, root) != YNODE_MAP)
        return 0;
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    for (size_t i = 0; i < nb; i++)
        if (b[i].key[0] && ydoc_map_get(d, root, b[i].key))
            return 0;
    for (size_t i = 0; i < ydoc_len(d, root); i++) { /* the key itself, for the message */
        const char *k = ydoc_scalar(d, ydoc_map_key(d, root, i));
        for (size_t j = 0; k && j < sizeof net_keys / sizeof net_keys[0]; j++)
            if (!strcmp(k, net_keys[j]))
                return ydoc_map_key(d, root, i);
    }
    return 0;
}

int cli_load_arch(const char *spec, arch_t *arch)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int builtin = 0;
    for (size_t i = 0; spec && i < arch_builtin_count(); i++)
        builtin |= !strcmp(spec, arch_builtin_name(i));
    ydoc_t *d = NULL;
    if (spec && !builtin && ydoc_load_file(spec, &d, &dl) == ST_OK) {
        int k = network_key(d); /* a network given as -a: say so, not "unknown key" x 3 */
        if (k)
            ydoc_error(d, k, &dl, "",
                       "this is a network file (it has 'input', 'layers'); give it "
                       "with -w, not -a");
        ydoc_destroy(d);
        if (k) {
            arch_diag_print(stderr, &dl);
            return CLI_EUSAGE;
        }
    }
    arch_diag_init(&dl);
    int st = spec ? arch_load(spec, arch, &dl) : arch_load_default(arch, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        return st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
    }
    return CLI_OK;
}

static int load_workload(const char *spec, wl_net_t **net)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int st = wl_load(spec ? spec : wl_builtin_default(), net, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        return st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
    }
    return CLI_OK;
}

static int map_workload(const wl_net_t *net, const arch_t *arch, uint32_t strategy, wl_map_t **map)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int st = wl_map_build(net, arch, strategy, map, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        return st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
    }
    return CLI_OK;
}

/* ---- run ---- */

enum { O_OUT = 1, O_QUIET, O_VCD, O_VCD_MAX, O_TRACE_TX };

static const cli_opt_t run_opts[] = {
    CLI_OPTS_RUN_COMMON,
    {O_OUT, 'o', "output", "DIR", "write DIR/layers.csv, DIR/stats.csv and DIR/run.json"},
    {O_QUIET, 'q', "quiet", NULL, "do not print the table"},
    {O_VCD, 0, "vcd", "FILE", "write every block's busy/idle waveform (event, cycle; GTKWave)"},
    {O_VCD_MAX, 0, "vcd-max-mb", "N", "refuse waveforms estimated above N MB (default 64)"},
    {O_TRACE_TX, 0, "trace-tx", "FILE",
     "write one line per transaction: request, grant, release (event, cycle; same limit)"},
    CLI_OPT_LIMITS,
    {0, 0, NULL, NULL, NULL},
};

static const cli_cmd_t run_cmd = {
    "run", "[OPTION]...",
    "Simulates T Monte-Carlo passes of a binary Bayesian network on the architecture and\n"
    "prints the per-layer latency, energy by component, RNG modules and random bits.",
    run_opts,
    "Exit status: 0 success, 1 a runtime failure (an output cannot be written), 2 a usage\n"
    "or configuration error, 130 interrupted (nothing written)."};

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* The architecture's keys for run.json's "architecture" object, from the schema tables:
 * numbers and booleans as they are, enums and strings as text.  *kv and *vals are malloc'd
 * (the caller frees both); ST_OK or ST_ENOMEM. */
static int arch_keys(const arch_t *arch, trc_kv_t **kv, char **vals, size_t *n)
{
    size_t nb, count = 0;
    const arch_block_t *b = arch_blocks(&nb);
    for (size_t i = 0; i < nb; i++)
        count += b[i].n_fields;
    *kv = malloc((count ? count : 1) * sizeof **kv);
    *vals = malloc((count ? count : 1) * YDOC_FMT_MAX);
    if (!*kv || !*vals) {
        free(*kv);
        free(*vals);
        return ST_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < b[i].n_fields; j++, k++) {
            const yfield_t *r = &b[i].fields[j];
            char *v = *vals + k * YDOC_FMT_MAX;
            if (r->type == YF_STR) /* the text itself: run.json escapes it as JSON */
                snprintf(v, YDOC_FMT_MAX, "%s", (const char *)arch + r->offset);
            else
                ydoc_format_value(r, arch, v, YDOC_FMT_MAX);
            (*kv)[k] = (trc_kv_t){b[i].key, r->key, v,
                                  r->type == YF_BOOL                        ? TRC_KV_BOOL
                                  : r->type == YF_ENUM || r->type == YF_STR ? TRC_KV_STRING
                                                                            : TRC_KV_NUMBER};
        }
    *n = count;
    return ST_OK;
}

/* Builds run.json in memory (traces/trc_manifest.h writes it). */
static char *run_json(const arch_t *arch, const wl_net_t *net, uint32_t T, uint32_t strategy,
                      uint64_t seed, uint64_t device_seed, int timing, const trc_sum_t *sum,
                      const sim_prog_t *prog, const wl_map_t *map, const trc_area_t *area)
{
    static const char *const timing_names[] = {"event", "cycle", "analytic"};
    trc_kv_t *kv = NULL;
    char *vals = NULL, *arch_text = arch_dump_string(arch), *wl_text = NULL, *json = NULL;
    size_t n_kv = 0, wl_len = 0;
    FILE *m = open_memstream(&wl_text, &wl_len);
    int ok = m && wl_dump_yaml(net, m) == ST_OK;
    if (m)
        ok &= fclose(m) == 0;
    if (ok && arch_text && arch_keys(arch, &kv, &vals, &n_kv) == ST_OK) {
        trc_run_manifest_t man = {
            .version = sim_version_text(),
            .seed = seed,
            .device_seed = device_seed,
            .mc_passes = T,
            .mapping_override = strategy,
            .clock_mhz = arch->clk_mhz,
            .cycle_ns = arch_clk_ns(arch),
            .scheme = arch_dropout_name(arch->dropout_impl),
            .schedule = arch_schedule_name(arch->schedule),
            .timing = timing_names[timing],
            .wl_name = net->name,
            .wl_source = net->source,
            .wl_yaml = wl_text,
            .wl_layers = net->n_layers,
            .arch = kv,
            .n_arch = n_kv,
            .arch_yaml = arch_text,
            .tiles_used = map->tiles_used,
            .tiles_total = map->tiles_total,
            .prog_cycles = prog->cycles,
            .prog_energy_pj = en_total_pj(&arch->energy, &prog->acts),
            .area = area,
        };
        json = trc_run_json(&man, sum);
    }
    free(kv);
    free(vals);
    free(arch_text);
    free(wl_text);
    return json;
}

/* Static power of the blocks every layer shares (SRAM buffers, periphery, bus), uW. */
static double shared_static_uw(const arch_t *a)
{
    return arch_cmos_leak_scale(a) * (sbuf_static_uw(&a->gbuf) + sbuf_static_uw(&a->scale_buf) +
                                      periph_static_uw(&a->periph) + bus_static_uw(&a->bus));
}

/* The chip's area by component and its static power (traces/trc.h, trc_area_t): chip.tiles
 * tiles, every layer's dropout modules and arbiter, both SRAM buffers, the periphery lanes
 * and the bus; used_um2 counts the tiles the network uses instead of chip.tiles. */
void cli_chip_area(const arch_t *a, const wl_map_t *map, trc_area_t *out)
{
    memset(out, 0, sizeof *out);
    double tile[COMP_COUNT] = {0}, tile_w[COMP_COUNT] = {0};
    tile_area_by_comp_um2(&a->tile, tile);
    tile_static_by_comp_uw(&a->tile, tile_w);
    uint64_t mods = 0, arbs = 0;
    for (uint32_t i = 0; i < map->n_layers; i++) {
        mods += map->layers[i].drng_modules;
        arbs += map->layers[i].sto == WL_STO_ARBITER;
    }
    const double a_mod = drng_module_area_um2(&a->drng);
    for (int k = 0; k < COMP_COUNT; k++)
        out->chip_um2[k] = a->tiles * tile[k];
    out->chip_um2[COMP_DRNG] += (double)mods * a_mod;
    out->chip_um2[COMP_ARB] += (double)arbs * arb_area_um2(&a->arb, a_mod);
    const double cmos = arch_cmos_area_scale(a);
    out->chip_um2[COMP_SBUF] += cmos * (sbuf_area_um2(&a->gbuf) + sbuf_area_um2(&a->scale_buf));
    out->chip_um2[COMP_DIGITAL] += cmos * periph_area_um2(&a->periph);
    out->chip_um2[COMP_BUS] += cmos * bus_area_um2(&a->bus);
    for (int k = 0; k < COMP_COUNT; k++)
        out->chip_total_um2 += out->chip_um2[k];
    out->used_um2 =
        out->chip_total_um2 - (double)(a->tiles - map->tiles_used) * tile_area_um2(&a->tile);
    out->static_uw = a->tiles * tile_static_uw(&a->tile) + (double)mods * a->drng.p_static_uw +
                     (double)arbs * arb_static_uw(&a->arb, a->drng.p_static_uw) +
                     shared_static_uw(a);
}

int cli_layer_bank_key(const arch_t *a, const wl_net_t *net, const wl_map_t *map, uint32_t i,
                       uint64_t device_seed, cli_bank_key_t *k)
{
    const wl_layer_map_t *m = &map->layers[i];
    wl_prog_layer_t pl;
    wl_prog_layer_build(net, map, a, i, &pl);
    if (!wl_prog_uses(&pl, WL_RES_DRNG) || m->units == 0 || m->units > UINT32_MAX)
        return 0;
    memset(k, 0, sizeof *k);
    k->dp = a->drng;
    if (pl.drng_share)
        k->dp.share = pl.drng_share;
    k->device_seed = device_seed;
    k->layer = i;
    k->units = (uint32_t)m->units;
    k->p = m->p;
    return 1;
}

void cli_bank_measure(const cli_bank_key_t *k, uint64_t seed, cli_bank_val_t *v)
{
    memset(v, 0, sizeof *v);
    drng_t *d = NULL;
    if (drng_create_chip(&k->dp, k->device_seed, seed, k->layer, k->units, k->p, &d) != ST_OK)
        return;
    v->ok = 1;
    v->p_target = drng_p_target(d);
    v->p_mean = drng_p_mean(d);
    v->p_std = drng_p_std(d);
    v->en_ok = drng_bank_energy(d, &v->en) == ST_OK;
    drng_destroy(d);
}

void cli_layer_p_apply(const arch_t *a, const cli_bank_val_t *v, trc_layer_t *t)
{
    if (!v->ok)
        return;
    t->has_p = 1;
    t->p_target = v->p_target;
    t->p_mean = v->p_mean;
    t->p_std = v->p_std;
    /* A drawn bit costs the supply energy at the currents this bank's modules draw for
     * their p, unless the architecture gives the dropout energies outright. */
    const double *cfg = a->energy_cfg.e_pj;
    if ((cfg[ACT_DRNG_SET] < 0 || cfg[ACT_DRNG_SENSE] < 0 || cfg[ACT_DRNG_RESET] < 0) && v->en_ok) {
        t->en = a->energy;
        if (cfg[ACT_DRNG_SET] < 0)
            t->en.e_pj[ACT_DRNG_SET] = v->en.set_pj;
        if (cfg[ACT_DRNG_SENSE] < 0)
            t->en.e_pj[ACT_DRNG_SENSE] = v->en.sense_pj;
        if (cfg[ACT_DRNG_RESET] < 0)
            t->en.e_pj[ACT_DRNG_RESET] = v->en.reset_pj;
        t->has_en = 1;
    }
}

void cli_layer_p(const arch_t *a, const wl_net_t *net, const wl_map_t *map, uint32_t i,
                 uint64_t device_seed, uint64_t seed, trc_layer_t *t)
{
    cli_bank_key_t k;
    cli_bank_val_t v;
    if (!cli_layer_bank_key(a, net, map, i, device_seed, &k))
        return;
    cli_bank_measure(&k, seed, &v);
    cli_layer_p_apply(a, &v, t);
}

/* Fills the writers' static per-layer description (names borrowed from net): what it
 * stores, its area and static power (trc_leak_pj's rule) and its achieved dropout p. */
void cli_describe_layers(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                         uint64_t device_seed, uint64_t seed, trc_layer_t *out)
{
    cli_describe_layers_static(arch, net, map, out);
    for (uint32_t i = 0; i < net->n_layers; i++)
        cli_layer_p(arch, net, map, i, device_seed, seed, &out[i]);
}

void cli_describe_layers_static(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                                trc_layer_t *out)
{
    const double a_tile = tile_area_um2(&arch->tile), w_tile = tile_static_uw(&arch->tile);
    const double a_mod = drng_module_area_um2(&arch->drng), shared_w = shared_static_uw(arch);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        const wl_layer_map_t *m = &map->layers[i];
        trc_layer_t *t = &out[i];
        t->name = l->name;
        t->kind = wl_kind_name(l->kind);
        t->mapping = m->strategy;
        t->tiles = m->n_slices;
        /* a SpinBayes arbiter is one stochastic unit of its layer */
        t->rng_modules = m->drng_modules + (m->sto == WL_STO_ARBITER ? 1u : 0u);
        t->n_mvm = m->n_mvm;
        /* SpinBayes keeps no binary weights: its posterior samples are bayes_bits */
        t->weight_bits = m->sto == WL_STO_ARBITER ? 0 : m->weight_bits;
        t->util = m->cells_alloc ? (double)m->cells_used / (double)m->cells_alloc : 0.0;
        t->bayes_bits = m->bayes_bits;
        t->bayes_cells = m->bayes_cells;
        t->sram_bits = m->sram_bits;
        const int arb = m->sto == WL_STO_ARBITER;
        t->area_um2 = m->n_slices * a_tile + m->drng_modules * a_mod +
                      (arb ? arb_area_um2(&arch->arb, a_mod) : 0.0);
        t->static_uw = m->n_slices * w_tile + m->drng_modules * arch->drng.p_static_uw +
                       (arb ? arb_static_uw(&arch->arb, arch->drng.p_static_uw) : 0.0) + shared_w;
    }
}

static int cmd_run(args_t *a)
{
    const char *out_dir = NULL, *vcd = NULL, *trace_tx = NULL;
    uint64_t vcd_max_mb = 64;
    int quiet = 0, rc;
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    sim_limits_t lim;
    sim_limits_default(&lim);
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &run_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if ((rc = cli_runopts_take(&ro, a, id, v, loc)) ||
            (rc = cli_limits_take(&lim, a, id, v, loc))) {
            if (rc < 0)
                return CLI_EUSAGE;
        } else if (id == O_OUT) {
            out_dir = v;
        } else if (id == O_QUIET) {
            quiet = 1;
        } else if (id == O_VCD) {
            vcd = v;
        } else if (id == O_TRACE_TX) {
            trace_tx = v;
        } else if (id == O_VCD_MAX) {
            if (cli_loc_u64(a, loc, "--vcd-max-mb", v, 1, 1u << 20, &vcd_max_mb))
                return CLI_EUSAGE;
        } else { /* CLI_OPT_ARG */
            return cli_loc_error(a, loc,
                                 "unexpected argument '%s' for 'run' (see 'neuspin run "
                                 "--help')",
                                 v);
        }
    }
    if (ex >= 0)
        return ex;
    int timing = ro.timing >= 0           ? ro.timing
                 : sim_engine_available() ? SIM_TIMING_EVENT
                                          : SIM_TIMING_ANALYTIC;
    if (timing != SIM_TIMING_ANALYTIC && !sim_engine_available())
        return cli_loc_error(a, ro.timing_loc,
                             "--timing: this neuspin was built without SystemC "
                             "(NEUSPIN_WITH_SYSTEMC=OFF); only analytic is "
                             "available");
    uint64_t T = ro.T, strategy = ro.mapping, seed = ro.have_seed ? ro.seed : DEFAULT_SEED;
    int schedule = ro.schedule;
    const char *arch_path = ro.arch, *wl_spec = ro.workload;

    arch_t arch;
    wl_net_t *net = NULL;
    wl_map_t *map = NULL;
    trc_layer_t *layers = NULL;
    trc_sum_t *sum = NULL;
    trc_out_t *out = NULL;
    char err[512] = "";
    if ((rc = cli_load_arch(arch_path, &arch)) || (rc = cli_apply_overrides(a, &arch, &ro)) ||
        (rc = load_workload(wl_spec, &net)))
        goto done;
    if (schedule >= 0)
        arch.schedule = (uint32_t)schedule;
    if ((rc = map_workload(net, &arch, (uint32_t)strategy, &map)))
        goto done;
    if (map->T == 1) { /* a deterministic map: one pass tells everything */
        if (T > 1)
            fprintf(stderr,
                    "neuspin: note: %s: no Bayesian layer to sample, running one pass "
                    "(T = 1) instead of %llu\n",
                    arch.dropout_impl == ARCH_DROPOUT_NONE ? "scheme none" : net->name,
                    (unsigned long long)T);
        T = 1;
    } else if (!T) {
        T = net->T;
    }
    if (vcd && timing == SIM_TIMING_ANALYTIC) {
        fprintf(stderr, "neuspin: error: --vcd needs --timing event or cycle: the analytic "
                        "mode has no waveforms\n");
        rc = CLI_EUSAGE;
        goto done;
    }
    if (vcd) { /* about 24 bytes per value change in a VCD file */
        const uint64_t mb = sim_estimate_toggles(net, map, (uint32_t)T) * 24 / (1u << 20);
        if (mb > vcd_max_mb) {
            fprintf(stderr,
                    "neuspin: error: %s: the waveform would take about %llu MB (limit "
                    "%llu MB); raise it with --vcd-max-mb or run a smaller case\n",
                    vcd, (unsigned long long)mb, (unsigned long long)vcd_max_mb);
            rc = CLI_EUSAGE;
            goto done;
        }
    }
    if (trace_tx) { /* about 48 bytes per transaction line, one per two value changes */
        const uint64_t mb = sim_estimate_toggles(net, map, (uint32_t)T) * 24 / (1u << 20);
        if (timing == SIM_TIMING_ANALYTIC || mb > vcd_max_mb) {
            if (timing == SIM_TIMING_ANALYTIC)
                fprintf(stderr, "neuspin: error: --trace-tx needs --timing event or cycle\n");
            else
                fprintf(stderr,
                        "neuspin: error: %s: the transaction trace would take about %llu MB "
                        "(limit %llu MB); raise it with --vcd-max-mb or run a smaller case\n",
                        trace_tx, (unsigned long long)mb, (unsigned long long)vcd_max_mb);
            rc = CLI_EUSAGE;
            goto done;
        }
    }
    /* prefix outputs kept across passes (chip.reuse_prefix): the operation program's
     * decision (workloads/wl_prog.h), the one the engines and the estimates follow */
    uint64_t held_bits = 0;
    const uint32_t prefix = wl_prog_prefix(net, map, &arch, &held_bits);
    if (prefix) {
        if (held_bits + map->gbuf_peak_bits > sbuf_capacity_bits(&arch.gbuf)) {
            fprintf(stderr,
                    "neuspin: error: chip.reuse_prefix: the held prefix output (%llu bits) "
                    "and the live activations (%llu bits) exceed the global buffer "
                    "(%llu bits)\n",
                    (unsigned long long)held_bits, (unsigned long long)map->gbuf_peak_bits,
                    (unsigned long long)sbuf_capacity_bits(&arch.gbuf));
            rc = CLI_EUSAGE;
            goto done;
        }
    }
    if ((rc = cli_limits_check(net, map, &arch, (uint32_t)T, (uint32_t)timing, out_dir != NULL,
                               &lim)))
        goto done;

    /* From here on a signal stops the run at a layer boundary and removes its outputs. */
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    rc = CLI_ERUN;
    layers = st_calloc(net->n_layers, sizeof *layers);
    if (!layers || trc_sum_create(layers, net->n_layers, (uint32_t)T, &arch.energy,
                                  arch_clk_ns(&arch), &sum) != ST_OK) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        goto done;
    }
    cli_describe_layers(&arch, net, map, ro.device_seed, seed, layers);
    trc_area_t area;
    cli_chip_area(&arch, map, &area);
    if (out_dir && trc_out_open(out_dir, layers, net->n_layers, &arch.energy, arch_clk_ns(&arch),
                                &out, err, sizeof err) != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        goto done;
    }

    sim_job_t job = {&arch,   net, map,     (uint32_t)T,      seed, layers,
                     sum,     out, &g_stop, (uint32_t)timing, vcd,  ro.device_seed,
                     trace_tx};
    sim_prog_t prog;
    int st = timing == SIM_TIMING_ANALYTIC ? sim_analytic(&job, &prog, err, sizeof err)
                                           : sim_engine_run(&job, &prog, err, sizeof err);
    if (st == 1 || g_stop) {
        fprintf(stderr, "neuspin: interrupted; no output written\n");
        rc = CLI_EINTR;
        goto done;
    }
    if (st != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        goto done;
    }

    if (!quiet) {
        char title[256];
        snprintf(title, sizeof title,
                 "neuspin %s: workload %s on architecture %s (scheme %s), T=%llu, "
                 "seed %llu, %u of %u tiles (%.0f%% of their cells used)",
                 sim_version(), net->name, arch.name, arch_dropout_name(arch.dropout_impl),
                 (unsigned long long)T, (unsigned long long)seed, map->tiles_used, map->tiles_total,
                 100.0 * map->utilization);
        trc_print_table(stdout, sum, title);
        trc_print_area(stdout, sum, &area);
        printf("  weight programming (once, before inference): %llu cycles, %.3f nJ\n",
               (unsigned long long)prog.cycles, en_total_pj(&arch.energy, &prog.acts) / 1000.0);
        printf("  timing %s, schedule %s%s\n",
               timing == SIM_TIMING_EVENT   ? "event"
               : timing == SIM_TIMING_CYCLE ? "cycle"
                                            : "analytic",
               arch_schedule_name(arch.schedule),
               timing == SIM_TIMING_ANALYTIC && arch.schedule == ARCH_SCHED_PIPELINE
                   ? " (image latency is a lower bound)"
                   : "");
        if (prefix) {
            uint64_t cyc = 0;
            double pj = 0;
            for (uint32_t i = 0; i < prefix; i++) {
                cyc += sum->cycles[i];
                pj += trc_sum_layer_pj(sum, i, NULL);
            }
            printf("  prefix reuse: layers %s..%s run once and hold %llu bits in the global "
                   "buffer; %u passes saved %llu cycles and %.3f nJ\n",
                   net->layers[0].name, net->layers[prefix - 1].name, (unsigned long long)held_bits,
                   (unsigned)T - 1, (unsigned long long)(cyc * (T - 1)),
                   pj * (double)(T - 1) / 1000.0);
        }
    }
    if (out) {
        char *json = run_json(&arch, net, (uint32_t)T, (uint32_t)strategy, seed, ro.device_seed,
                              timing, sum, &prog, map, &area);
        if (!json) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            goto done;
        }
        st = trc_out_commit(out, json, err, sizeof err);
        out = NULL;
        free(json);
        if (st != ST_OK) {
            fprintf(stderr, "neuspin: error: %s\n", err);
            goto done;
        }
        if (!quiet)
            printf("  wrote %s/layers.csv, %s/stats.csv, %s/run.json\n", out_dir, out_dir, out_dir);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "neuspin: error: writing to standard output failed: %s\n", strerror(errno));
        goto done;
    }
    rc = CLI_OK;
done:
    trc_out_abort(out);
    trc_sum_destroy(sum);
    free(layers);
    wl_map_destroy(map);
    wl_net_destroy(net);
    return rc;
}

/* ---- validate ---- */

static const cli_opt_t validate_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_INCLUDE,
    {0, 0, NULL, NULL, NULL},
};

static const cli_cmd_t validate_cmd = {
    "validate", "[OPTION]... FILE...",
    "Checks architecture and network files.  A file with a 'layers' key is a network: it is\n"
    "also mapped onto ARCH (default: the built-in architecture) to check that it fits.\n"
    "Prints 'FILE: ok' per valid file and every error otherwise.",
    validate_opts, NULL};

/* 1 when `path` is a workload (its root mapping has 'layers'), 0 otherwise or unreadable. */
static int is_workload_file(const char *path)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ydoc_t *d = NULL;
    if (ydoc_load_file(path, &d, &dl) != ST_OK)
        return 0;
    int r = network_key(d) != 0 ||
            (ydoc_kind(d, ydoc_root(d)) == YNODE_MAP && ydoc_map_get(d, ydoc_root(d), "layers"));
    ydoc_destroy(d);
    return r;
}

static int cmd_validate(args_t *a)
{
    int rc = CLI_OK, files[256], n_files = 0;
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &validate_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == CLI_OPT_ARG) {
            if (n_files == 256)
                return cli_loc_error(a, loc, "validate: at most 256 files at a time");
            files[n_files++] = loc.argi;
        } else if ((rc = cli_runopts_take(&ro, a, id, v, loc)) < 0) {
            return CLI_EUSAGE;
        }
    }
    if (ex >= 0)
        return ex;
    rc = CLI_OK;
    if (n_files == 0)
        return cli_usage_error(a, a->argc, "%s", "validate: expected at least one FILE");
    arch_t arch;
    if ((rc = cli_load_arch(ro.arch, &arch)))
        return rc;
    for (int f = 0; f < n_files; f++) {
        const char *path = a->argv[files[f]];
        int r;
        if (is_workload_file(path)) {
            wl_net_t *net = NULL;
            wl_map_t *map = NULL;
            arch_diag_list_t dl;
            arch_diag_init(&dl);
            if ((r = load_workload(path, &net)) == CLI_OK)
                r = map_workload(net, &arch, 0, &map);
            if (r == CLI_OK)
                printf("%s: ok (workload '%s', %u layers, %u tiles)\n", path, net->name,
                       net->n_layers, map->tiles_used);
            wl_map_destroy(map);
            wl_net_destroy(net);
        } else {
            arch_t tmp;
            if ((r = cli_load_arch(path, &tmp)) == CLI_OK)
                printf("%s: ok (architecture '%s')\n", path, tmp.name);
        }
        if (r && !rc)
            rc = r;
    }
    return rc;
}

/* ---- config, list ---- */

enum { O_LIST_PARAMS = 1, O_LIST_NETWORK };

static const cli_opt_t config_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_PARAM,
    CLI_OPT_INCLUDE,
    {O_LIST_PARAMS, 0, "list-params", NULL,
     "print the architecture field reference (key, type, default, range,\nunit, description) "
     "instead"},
    {O_LIST_NETWORK, 0, "list-network-keys", NULL, "print that of network files (-w) instead"},
    {0, 0, NULL, NULL, NULL},
};

static const cli_cmd_t config_cmd = {
    "config", "[OPTION]...",
    "Prints the resolved architecture (every key, defaults filled in, -p applied) as YAML\n"
    "that loads back unchanged.",
    config_opts, NULL};

static int cmd_config(args_t *a)
{
    int list = 0, rc;
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &config_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == O_LIST_PARAMS || id == O_LIST_NETWORK)
            list = id;
        else if (id == CLI_OPT_ARG)
            return cli_loc_error(a, loc, "unexpected argument '%s' for 'config'", v);
        else if (cli_runopts_take(&ro, a, id, v, loc) < 0)
            return CLI_EUSAGE;
    }
    if (ex >= 0)
        return ex;
    if (list)
        return (list == O_LIST_NETWORK ? wl_list_keys(stdout) : arch_list_params(stdout)) == ST_OK
                   ? CLI_OK
                   : stdout_failed();
    arch_t arch;
    if ((rc = cli_load_arch(ro.arch, &arch)) || (rc = cli_apply_overrides(a, &arch, &ro)))
        return rc;
    return arch_dump_yaml(&arch, stdout) == ST_OK ? CLI_OK : stdout_failed();
}

static const cli_opt_t list_opts[] = {{0, 0, NULL, NULL, NULL}};

static const cli_cmd_t list_cmd = {
    "list", "",
    "Lists the built-in networks (usable as 'neuspin run -w NAME'): layers, MC samples T,\n"
    "binary weights and input shape.",
    list_opts, NULL};

static int cmd_list(args_t *a)
{
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &list_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    if (cli_opt_more(&ps, &id, &v, &loc, &ex))
        return cli_loc_error(a, loc, "unexpected argument '%s' for 'list'", v);
    if (ex >= 0)
        return ex;
    printf("%-20s %7s %6s %12s  %s\n", "built-in workload", "layers", "T", "weights", "input");
    for (size_t i = 0; i < wl_builtin_count(); i++) {
        wl_net_t *net = NULL;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        if (wl_load_builtin(wl_builtin_name(i), &net, &dl) != ST_OK) {
            arch_diag_print(stderr, &dl);
            return CLI_ERUN;
        }
        uint64_t w = 0;
        for (uint32_t k = 0; k < net->n_layers; k++) {
            const wl_layer_t *l = &net->layers[k];
            if (wl_layer_is_mvm(l))
                w += (uint64_t)l->k * l->k * l->cin * l->cout *
                     (l->kind == WL_FC ? (uint64_t)l->hin * l->win : 1);
        }
        printf("%-20s %7u %6u %12llu  %ux%ux%u%s\n", net->name, net->n_layers, net->T,
               (unsigned long long)w, net->in_c, net->in_h, net->in_w,
               strcmp(net->name, wl_builtin_default()) ? "" : "  (default)");
        wl_net_destroy(net);
    }
    return CLI_OK;
}

/* ---- main ---- */

static const char main_help[] =
    "usage: neuspin COMMAND [OPTION]...\n"
    "\n"
    "neuspin simulates spintronic (SOT-MRAM) computation-in-memory hardware running binary\n"
    "Bayesian neural networks, cycle by cycle, with SystemC/TLM-2.0.\n"
    "\n"
    "commands:\n"
    "  run        simulate a network's MC passes; print and write per-layer costs\n"
    "  compare    run one network on several architectures (schemes) side by side\n"
    "  eval       accuracy, calibration and OOD detection of a trained model (ONNX)\n"
    "  sweep      run every point of a design-space sweep file (docs/sweeps.md)\n"
    "  explore    search a sweep file's space for its Pareto front (NSGA-II, sampling)\n"
    "  merge      join the summaries of a sweep's shards\n"
    "  plot       render a sweep, a run or a comparison with gnuplot (SVG and PNG)\n"
    "  validate   check architecture and network files\n"
    "  config     print the resolved architecture, or the parameter reference\n"
    "  list       list the built-in networks\n"
    "  help CMD   describe a command (the same as 'neuspin CMD --help')\n"
    "\n"
    "Options take GNU forms: --seed=7 or --seed 7, -T20 or -T 20, -qo DIR, and -- ends them.\n"
    "'neuspin --version' prints the version.\n";

typedef struct command {
    const char *name;
    int (*run)(args_t *a);
    const cli_cmd_t *cmd;
} command_t;

static const command_t commands[] = {
    {"run", cmd_run, &run_cmd},           {"compare", cli_compare, &cli_compare_cmd},
    {"sweep", cli_sweep, &cli_sweep_cmd}, {"merge", cli_merge, &cli_merge_cmd},
    {"plot", cli_plot, &cli_plot_cmd},    {"validate", cmd_validate, &validate_cmd},
    {"config", cmd_config, &config_cmd},  {"list", cmd_list, &list_cmd},
    {"eval", cli_eval, &cli_eval_cmd},    {"explore", cli_explore, &cli_explore_cmd},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static int dispatch(int argc, char **argv);

/* Every command's output reaches standard output or the command fails: a command that
 * succeeded with its output lost (`neuspin list > /dev/full`) exits 1 with the reason. */
int cli_main(int argc, char **argv)
{
    /* Test hook (tests/sim/security_test.sh): the Nth file creation or commit in an output
     * directory fails as on a full disk. */
    const char *fail = getenv("NEUSPIN_TEST_FS_FAIL_AT");
    if (fail && *fail)
        trc_fs_fail_at = strtoul(fail, NULL, 10);
    int rc = dispatch(argc, argv);
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_OK)
        rc = stdout_failed();
    return rc;
}

static int dispatch(int argc, char **argv)
{
    args_t a = {argc, argv, 2};
    if (argc < 2) {
        fputs(main_help, stderr);
        return CLI_EUSAGE;
    }
    const char *c = argv[1];
    if (!strcmp(c, "-h") || !strcmp(c, "--help") || (!strcmp(c, "help") && argc == 2)) {
        fputs(main_help, stdout);
        return CLI_OK;
    }
    if (!strcmp(c, "--version") || !strcmp(c, "version")) {
        printf("neuspin %s\n", sim_version_text());
        return CLI_OK;
    }
    if (!strcmp(c, "help")) { /* neuspin help CMD: the same text as CMD --help */
        const command_t *h = find_command(argv[2]);
        if (!h || argc > 3)
            return cli_usage_error(&a, h ? 3 : 2,
                                   "help: expected one command name (run, compare, "
                                   "sweep, merge, plot, validate, config or list), "
                                   "got '%s'",
                                   argv[h ? 3 : 2]);
        cli_opt_help(stdout, h->cmd);
        return CLI_OK;
    }
    const command_t *cmd = find_command(c);
    if (cmd)
        return cmd->run(&a);
    return cli_usage_error(&a, 1,
                           "unknown command '%s' (expected run, compare, sweep, merge, plot, "
                           "validate, config or list)",
                           c);
}
