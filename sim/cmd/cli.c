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
#include "wl.h"
#include "wl_map.h"
#include "yamldoc.h"

#include "version.h" /* stamped at every build by sim/version.cmake */

#define DEFAULT_SEED 1u

/* ---- Argument scanning ---- */

/* Column (1-based) of argv[k] in the command line joined by spaces. */
static uint32_t arg_col(const args_t *a, int k)
{
    uint32_t col = 1;
    for (int j = 0; j < k && j < a->argc; j++)
        col += (j == 0 ? (uint32_t)strlen("neuspin") : (uint32_t)strlen(a->argv[j])) + 1;
    return col;
}

uint32_t cli_arg_col(const args_t *a, int k)
{
    return arg_col(a, k);
}

int cli_usage_error(const args_t *a, int k, const char *fmt, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, what);
    fprintf(stderr, "<cmdline>:1:%u: error: %s\n", arg_col(a, k), msg);
    return CLI_EUSAGE;
}

/* The value after option argv[a->i - 1]; NULL (and an error printed) when missing. */
const char *cli_opt_value(args_t *a, const char *opt)
{
    if (a->i >= a->argc) {
        cli_usage_error(a, a->i - 1, "%s: expected a value after it", opt);
        return NULL;
    }
    if (!a->argv[a->i][0]) { /* `-o ""` would name the working directory, or `/` */
        cli_usage_error(a, a->i, "%s: expected a value, got an empty string", opt);
        return NULL;
    }
    return a->argv[a->i++];
}

/* Parses a decimal unsigned integer in [lo, hi]; reports at argument k. */
int cli_parse_u64(const args_t *a, int k, const char *opt, const char *s, uint64_t lo,
                  uint64_t hi, uint64_t *out)
{
    int ok = *s != 0;
    uint64_t v = 0;
    for (const char *p = s; *p && ok; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            ok = 0; /* not a digit, or v * 10 + digit would pass UINT64_MAX */
        else
            v = v * 10 + (uint64_t)(*p - '0');
    }
    if (!ok || v < lo || v > hi) {
        fprintf(stderr, "<cmdline>:1:%u: error: %s: expected integer in [%llu, %llu], got \"%s\"\n",
                arg_col(a, k), opt, (unsigned long long)lo, (unsigned long long)hi, s);
        return CLI_EUSAGE;
    }
    *out = v;
    return CLI_OK;
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
int cli_load_arch(const char *spec, arch_t *arch)
{
    arch_diag_list_t dl;
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

static const char run_help[] =
    "usage: neuspin run [-a ARCH] [-p KEY=VALUE]... [-w WORKLOAD] [-m 1|2] [-T N] [--seed S] [-o DIR] [-q]\n"
    "                  [--timing event|cycle|analytic] [--schedule layer|pipeline] [--vcd FILE]\n"
    "\n"
    "Simulates T Monte-Carlo passes of a binary Bayesian network on the architecture and\n"
    "prints the per-layer latency, energy by component, RNG modules and random bits.\n"
    "\n"
    "  -a ARCH        architecture: a YAML file or a built-in name (default, spindrop,\n"
    "                 spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes,\n"
    "                 mc-dropout, mc-dropconnect, deterministic; default: configs/default.yaml)\n"
    "  -w WORKLOAD    built-in name (see 'neuspin list') or a workload YAML file\n"
    "                 (default: lenet5-mnist)\n"
    "  -m 1|2         conv mapping strategy for layers without their own 'mapping'\n"
    "                 (1: kernel unrolled into a column; 2: kernel split over K*K crossbars;\n"
    "                 default: chip.mapping of the architecture)\n"
    "  -p KEY=VALUE   set an architecture key, e.g. -p xbar.rows=256 (repeatable; keys as\n"
    "                 in the architecture file, see 'neuspin config --list-params')\n"
    "  -T N           MC passes per input (default: the workload's mc_samples)\n"
    "  --seed S       master seed of the dropout modules (default: 1)\n"
    "  -o DIR         write DIR/layers.csv, DIR/stats.csv and DIR/run.json\n"
    "  -q             do not print the table\n"
    "  --timing MODE  event (default): SystemC/TLM-2.0, events at operation boundaries;\n"
    "                 cycle: the clocked reference, every process steps each cycle (slow);\n"
    "                 analytic: closed-form per-layer formulas, no SystemC (fast sweeps)\n"
    "  --schedule S   layer or pipeline (default: chip.schedule of the architecture)\n"
    "  --vcd FILE     write every block's busy/idle waveform (event, cycle; GTKWave)\n"
    "  --vcd-max-mb N refuse waveforms estimated above N MB (default 64)\n" CLI_LIMITS_HELP;

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* Builds run.json in memory. */
static char *run_json(const arch_t *arch, const wl_net_t *net, uint32_t T, uint32_t strategy,
                      uint64_t seed, const trc_sum_t *sum, const sim_prog_t *prog,
                      const wl_map_t *map)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    char *arch_text = arch_dump_string(arch);
    uint64_t bits = 0, mods = 0, wbits = 0, bbits = 0, sbits = 0;
    for (uint32_t i = 0; i < sum->n_layers; i++) {
        bits += sum->rng_bits[i];
        mods += sum->layers[i].rng_modules;
        wbits += sum->layers[i].weight_bits;
        bbits += sum->layers[i].bayes_bits;
        sbits += sum->layers[i].sram_bits;
    }
    fprintf(f, "{\n  \"schema\": 1,\n  \"simulator\": \"neuspin\",\n  \"version\": ");
    trc_json_string(f, sim_version_text());
    /* seeds are strings: JSON readers (jansson, JavaScript) hold integers in 63 or 53 bits */
    fprintf(f, ",\n  \"command\": \"run\",\n  \"seed\": \"%llu\",\n  \"mc_passes\": %u,\n",
            (unsigned long long)seed, T);
    fprintf(f, "  \"mapping_override\": %u,\n  \"clock_mhz\": %.17g,\n", strategy, arch->clk_mhz);
    fprintf(f, "  \"scheme\": \"%s\",\n", arch_dropout_name(arch->dropout_impl));
    fprintf(f, "  \"schedule\": \"%s\",\n", arch_schedule_name(arch->schedule));
    fprintf(f, "  \"time_unit\": \"cycle\",\n  \"cycle_ns\": %.17g,\n", arch_clk_ns(arch));
    fprintf(f, "  \"workload\": {\"name\": ");
    trc_json_string(f, net->name);
    fprintf(f, ", \"source\": ");
    trc_json_string(f, net->source);
    fprintf(f, ", \"layers\": %u},\n  \"architecture_yaml\": ", net->n_layers);
    trc_json_string(f, arch_text ? arch_text : "");
    fprintf(f, ",\n  \"per_image\": {\"cycles\": %llu, \"latency_ns\": %.17g, \"energy_pj\": %.17g, "
               "\"rng_bits\": %llu},\n",
            (unsigned long long)sum->end_cyc, sum->end_cyc * arch_clk_ns(arch),
            trc_sum_total_pj(sum), (unsigned long long)bits);
    fprintf(f, "  \"hardware\": {\"rng_modules\": %llu, \"weight_bits\": %llu, \"bayes_bits\": %llu, "
               "\"sram_bits\": %llu, \"tiles_used\": %u, \"tiles\": %u},\n",
            (unsigned long long)mods, (unsigned long long)wbits, (unsigned long long)bbits,
            (unsigned long long)sbits, map->tiles_used, map->tiles_total);
    fprintf(f, "  \"programming\": {\"cycles\": %llu, \"energy_pj\": %.17g}\n}\n",
            (unsigned long long)prog->cycles, en_total_pj(&arch->energy, &prog->acts));
    free(arch_text);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Fills the writers' static per-layer description (names borrowed from net). */
static void describe_layers(const wl_net_t *net, const wl_map_t *map, trc_layer_t *out)
{
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
    }
}

static int cmd_run(args_t *a)
{
    const char *arch_path = NULL, *wl_spec = NULL, *out_dir = NULL;
    uint64_t T = 0, strategy = 0, seed = DEFAULT_SEED, vcd_max_mb = 64;
    int quiet = 0, rc, timing = sim_engine_available() ? SIM_TIMING_EVENT : SIM_TIMING_ANALYTIC;
    int schedule = -1, timing_argi = 0;
    const char *vcd = NULL;
    int over[64], n_over = 0; /* argv indices of -p KEY=VALUE */
    sim_limits_t lim;
    sim_limits_default(&lim);
    while (a->i < a->argc) {
        int k = a->i;
        const char *o = a->argv[a->i++];
        const char *v;
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(run_help, stdout);
            return CLI_OK;
        } else if (!strcmp(o, "-q")) {
            quiet = 1;
        } else if (!strcmp(o, "-a") || !strcmp(o, "-w") || !strcmp(o, "-o")) {
            if (!(v = cli_opt_value(a, o)))
                return CLI_EUSAGE;
            *(o[1] == 'a' ? &arch_path : o[1] == 'w' ? &wl_spec : &out_dir) = v;
        } else if (!strcmp(o, "-m")) {
            if (!(v = cli_opt_value(a, o)) || (rc = cli_parse_u64(a, k + 1, o, v, 1, 2, &strategy)))
                return CLI_EUSAGE;
        } else if (!strcmp(o, "-T")) {
            if (!(v = cli_opt_value(a, o)) || (rc = cli_parse_u64(a, k + 1, o, v, 1, 100000, &T)))
                return CLI_EUSAGE;
        } else if (!strcmp(o, "--seed")) {
            if (!(v = cli_opt_value(a, o)) || (rc = cli_parse_u64(a, k + 1, o, v, 0, UINT64_MAX, &seed)))
                return CLI_EUSAGE;
        } else if (!strcmp(o, "--timing") || !strcmp(o, "--schedule")) {
            static const char *const timing_names[] = {"event", "cycle", "analytic", NULL};
            static const char *const sched_names[] = {"layer", "pipeline", NULL};
            const int is_t = o[2] == 't';
            const char *const *names = is_t ? timing_names : sched_names;
            int found = -1;
            if (!(v = cli_opt_value(a, o)))
                return CLI_EUSAGE;
            for (int n = 0; names[n]; n++)
                if (!strcmp(v, names[n]))
                    found = n;
            if (found < 0)
                return cli_usage_error(a, k + 1,
                                       is_t ? "--timing: expected event, cycle or analytic, got \"%s\""
                                            : "--schedule: expected layer or pipeline, got \"%s\"",
                                       v);
            *(is_t ? &timing : &schedule) = found;
            if (is_t)
                timing_argi = k + 1;
        } else if (!strcmp(o, "-p")) {
            if (!cli_opt_value(a, o))
                return CLI_EUSAGE;
            if (n_over == 64)
                return cli_usage_error(a, k, "%s: at most 64 overrides", o);
            over[n_over++] = k + 1;
        } else if (!strcmp(o, "--vcd")) {
            if (!(vcd = cli_opt_value(a, o)))
                return CLI_EUSAGE;
        } else if (!strcmp(o, "--vcd-max-mb")) {
            if (!(v = cli_opt_value(a, o)) || (rc = cli_parse_u64(a, k + 1, o, v, 1, 1u << 20, &vcd_max_mb)))
                return CLI_EUSAGE;
        } else if ((rc = cli_limits_option(a, k, o, &lim)) != 0) {
            if (rc < 0)
                return CLI_EUSAGE;
        } else {
            return cli_usage_error(a, k, "unknown option '%s' for 'run' (see 'neuspin run --help')", o);
        }
    }

    arch_t arch;
    wl_net_t *net = NULL;
    wl_map_t *map = NULL;
    trc_layer_t *layers = NULL;
    trc_sum_t *sum = NULL;
    trc_out_t *out = NULL;
    char err[512] = "";
    if ((rc = cli_load_arch(arch_path, &arch)) || (rc = cli_apply_overrides(a, &arch, over, n_over)) ||
        (rc = load_workload(wl_spec, &net)))
        goto done;
    if (schedule >= 0)
        arch.schedule = (uint32_t)schedule;
    if ((rc = map_workload(net, &arch, (uint32_t)strategy, &map)))
        goto done;
    if (map->T == 1) { /* a deterministic map: one pass tells everything */
        if (T > 1)
            fprintf(stderr, "neuspin: note: %s: no Bayesian layer to sample, running one pass "
                            "(T = 1) instead of %llu\n",
                    arch.dropout_impl == ARCH_DROPOUT_NONE ? "scheme none" : net->name,
                    (unsigned long long)T);
        T = 1;
    } else if (!T) {
        T = net->T;
    }
    if (timing != SIM_TIMING_ANALYTIC && !sim_engine_available())
        return cli_usage_error(a, timing_argi, "%s",
                               "--timing: this neuspin was built without SystemC "
                               "(NEUSPIN_WITH_SYSTEMC=OFF); only analytic is available");
    if (vcd && timing == SIM_TIMING_ANALYTIC) {
        fprintf(stderr, "neuspin: error: --vcd needs --timing event or cycle: the analytic "
                        "mode has no waveforms\n");
        rc = CLI_EUSAGE;
        goto done;
    }
    if (vcd) { /* about 24 bytes per value change in a VCD file */
        const uint64_t mb = sim_estimate_toggles(net, map, (uint32_t)T) * 24 / (1u << 20);
        if (mb > vcd_max_mb) {
            fprintf(stderr, "neuspin: error: %s: the waveform would take about %llu MB (limit "
                            "%llu MB); raise it with --vcd-max-mb or run a smaller case\n",
                    vcd, (unsigned long long)mb, (unsigned long long)vcd_max_mb);
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
            fprintf(stderr, "neuspin: error: chip.reuse_prefix: the held prefix output (%llu bits) "
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
    describe_layers(net, map, layers);
    if (out_dir && trc_out_open(out_dir, layers, net->n_layers, &arch.energy, arch_clk_ns(&arch),
                                &out, err, sizeof err) != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        goto done;
    }

    sim_job_t job = {&arch, net, map, (uint32_t)T, seed, layers, sum, out, &g_stop,
                     (uint32_t)timing, vcd};
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
        snprintf(title, sizeof title, "neuspin %s: workload %s on architecture %s (scheme %s), T=%llu, "
                 "seed %llu, %u of %u tiles (%.0f%% of their cells used)",
                 sim_version(), net->name, arch.name, arch_dropout_name(arch.dropout_impl),
                 (unsigned long long)T,
                 (unsigned long long)seed, map->tiles_used, map->tiles_total,
                 100.0 * map->utilization);
        trc_print_table(stdout, sum, title);
        printf("  weight programming (once, before inference): %llu cycles, %.3f nJ\n",
               (unsigned long long)prog.cycles, en_total_pj(&arch.energy, &prog.acts) / 1000.0);
        printf("  timing %s, schedule %s%s\n", timing == SIM_TIMING_EVENT ? "event"
                                                : timing == SIM_TIMING_CYCLE ? "cycle" : "analytic",
               arch_schedule_name(arch.schedule),
               timing == SIM_TIMING_ANALYTIC && arch.schedule == ARCH_SCHED_PIPELINE
                   ? " (image latency is a lower bound)" : "");
        if (prefix) {
            uint64_t cyc = 0;
            double pj = 0;
            for (uint32_t i = 0; i < prefix; i++) {
                cyc += sum->cycles[i];
                pj += trc_sum_layer_pj(sum, i, NULL);
            }
            printf("  prefix reuse: layers %s..%s run once and hold %llu bits in the global "
                   "buffer; %u passes saved %llu cycles and %.3f nJ\n",
                   net->layers[0].name, net->layers[prefix - 1].name,
                   (unsigned long long)held_bits, (unsigned)T - 1,
                   (unsigned long long)(cyc * (T - 1)), pj * (double)(T - 1) / 1000.0);
        }
    }
    if (out) {
        char *json = run_json(&arch, net, (uint32_t)T, (uint32_t)strategy, seed, sum, &prog, map);
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

static const char validate_help[] =
    "usage: neuspin validate [-a ARCH.yaml] FILE...\n"
    "\n"
    "Checks architecture and workload files.  A file with a 'layers' key is a workload: it\n"
    "is also mapped onto ARCH (default: the built-in architecture) to check that it fits.\n"
    "Prints 'FILE: ok' per valid file and every error otherwise.\n";

/* 1 when `path` is a workload (its root mapping has 'layers'), 0 otherwise or unreadable. */
static int is_workload_file(const char *path)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ydoc_t *d = NULL;
    if (ydoc_load_file(path, &d, &dl) != ST_OK)
        return 0;
    int r = ydoc_kind(d, ydoc_root(d)) == YNODE_MAP && ydoc_map_get(d, ydoc_root(d), "layers");
    ydoc_destroy(d);
    return r;
}

static int cmd_validate(args_t *a)
{
    const char *arch_path = NULL;
    int first = -1, rc = CLI_OK;
    while (a->i < a->argc) {
        const char *o = a->argv[a->i];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(validate_help, stdout);
            return CLI_OK;
        }
        if (!strcmp(o, "-a")) {
            a->i++;
            if (!(arch_path = cli_opt_value(a, o)))
                return CLI_EUSAGE;
            continue;
        }
        if (o[0] == '-' && o[1])
            return cli_usage_error(a, a->i, "unknown option '%s' for 'validate'", o);
        if (first < 0)
            first = a->i;
        a->i++;
    }
    if (first < 0)
        return cli_usage_error(a, a->argc, "%s", "validate: expected at least one FILE");
    arch_t arch;
    if ((rc = cli_load_arch(arch_path, &arch)))
        return rc;
    for (int k = first; k < a->argc; k++) {
        const char *path = a->argv[k];
        if (!strcmp(path, "-a")) {
            k++;
            continue;
        }
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

static const char config_help[] =
    "usage: neuspin config [-a ARCH.yaml] [--list-params | --list-network-keys]\n"
    "\n"
    "Prints the resolved architecture (every key, defaults filled in) as YAML that loads\n"
    "back unchanged; --list-params prints the field reference (key, type, default, range,\n"
    "unit, description) instead, --list-network-keys that of network files (-w).\n";

static int cmd_config(args_t *a)
{
    const char *arch_path = NULL;
    int list = 0, rc;
    while (a->i < a->argc) {
        int k = a->i;
        const char *o = a->argv[a->i++];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(config_help, stdout);
            return CLI_OK;
        } else if (!strcmp(o, "--list-params")) {
            list = 1;
        } else if (!strcmp(o, "--list-network-keys")) {
            list = 2;
        } else if (!strcmp(o, "-a")) {
            if (!(arch_path = cli_opt_value(a, o)))
                return CLI_EUSAGE;
        } else {
            return cli_usage_error(a, k, "unknown option '%s' for 'config'", o);
        }
    }
    if (list)
        return (list == 2 ? wl_list_keys(stdout) : arch_list_params(stdout)) == ST_OK
                   ? CLI_OK
                   : stdout_failed();
    arch_t arch;
    if ((rc = cli_load_arch(arch_path, &arch)))
        return rc;
    return arch_dump_yaml(&arch, stdout) == ST_OK ? CLI_OK : stdout_failed();
}

static const char list_help[] =
    "usage: neuspin list\n"
    "\n"
    "Lists the built-in workloads (usable as 'neuspin run -w NAME'): layers, MC samples T,\n"
    "binary weights and input shape.\n";

static int cmd_list(args_t *a)
{
    if (a->i < a->argc) {
        if (!strcmp(a->argv[a->i], "-h") || !strcmp(a->argv[a->i], "--help")) {
            fputs(list_help, stdout);
            return CLI_OK;
        }
        return cli_usage_error(a, a->i, "unexpected argument '%s' for 'list'", a->argv[a->i]);
    }
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
    "usage: neuspin <command> [options]\n"
    "\n"
    "neuspin simulates spintronic (SOT-MRAM) computation-in-memory hardware running binary\n"
    "Bayesian neural networks, cycle by cycle, with SystemC/TLM-2.0.\n"
    "\n"
    "commands:\n"
    "  run        simulate a workload's MC passes; print and write per-layer costs\n"
    "  compare    run one workload on several architectures (schemes) side by side\n"
    "  sweep      run every point of a design-space sweep file (docs/sweeps.md)\n"
    "  merge      join the summaries of a sweep's shards\n"
    "  plot       render a sweep, a run or a comparison with gnuplot (SVG and PNG)\n"
    "  validate   check architecture and workload files\n"
    "  config     print the resolved architecture, or the parameter reference\n"
    "  list       list the built-in workloads\n"
    "\n"
    "'neuspin <command> --help' describes each; 'neuspin --version' prints the version.\n";

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
    if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
        fputs(main_help, stdout);
        return CLI_OK;
    }
    if (!strcmp(c, "--version") || !strcmp(c, "version")) {
        printf("neuspin %s\n", sim_version_text());
        return CLI_OK;
    }
    if (!strcmp(c, "run"))
        return cmd_run(&a);
    if (!strcmp(c, "validate"))
        return cmd_validate(&a);
    if (!strcmp(c, "config"))
        return cmd_config(&a);
    if (!strcmp(c, "list"))
        return cmd_list(&a);
    if (!strcmp(c, "compare"))
        return cli_compare(&a);
    if (!strcmp(c, "sweep"))
        return cli_sweep(&a);
    if (!strcmp(c, "merge"))
        return cli_merge(&a);
    if (!strcmp(c, "plot"))
        return cli_plot(&a);
    a.i = 1;
    return cli_usage_error(&a, 1, "unknown command '%s' (expected run, compare, sweep, merge, plot, validate, config or list)", c);
}
