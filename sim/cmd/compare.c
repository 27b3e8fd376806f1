/* compare.c - `neuspin compare`: one workload on several architectures, side by side.
 *
 * SystemC elaborates one design per process, so each architecture runs as its own child
 * (`neuspin run … -q -o TMP/i`, started with posix_spawn); the parent reads each child's
 * layers.csv and sets the totals side by side, each with its ratio to the first column.
 * Every architecture is loaded and checked before the first child starts, so a bad file is
 * reported at once with its file:line:col. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/status.h"
#include "child.h"
#include "cli.h"
#include "cli_int.h"
#include "sweep_int.h"
#include "trc_fs.h"
#include "trc_read.h"
#include "wl.h"

#define CMP_MAX_ARCHS 64
/* Per-image figures of one layer on one architecture. */
typedef cli_layer_t cmp_layer_t;

typedef struct cmp_arch {
    const char *spec;    /* as given: built-in name or path */
    arch_t arch;
    uint32_t n_layers;
    cmp_layer_t *layers; /* owned */
    uint64_t end_cyc;    /* latency per image */
} cmp_arch_t;

static const char compare_help[] =
    "usage: neuspin compare [ARCH...] [-w WORKLOAD] [-T N] [--seed S] [-m 1|2] [--per-layer]\n"
    "                       [-o DIR]\n"
    "\n"
    "Runs one workload on each architecture (YAML files or built-in names) and prints energy\n"
    "per image, latency per image, RNG modules, random bits per image and memory side by\n"
    "side, each with its ratio to the first column.  Without ARCH it compares the reference\n"
    "configuration of every scheme: spindrop, spatial-spindrop, scaledrop, affine-dropout,\n"
    "subset-vi, spinbayes, mc-dropout, mc-dropconnect, deterministic.\n"
    "\n"
    "  -w WORKLOAD    built-in name or workload file (default: lenet5-mnist)\n"
    "  -T N           MC passes (default: the workload's; a deterministic scheme runs one)\n"
    "  --seed S       master seed (default: 1)\n"
    "  -m 1|2         conv mapping strategy for layers without their own\n"
    "  --per-layer    add the per-layer energy and latency\n"
    "  -o DIR         write DIR/compare.csv (a row per architecture x layer)\n";

/* Reads DIR/layers.csv into c (per-image sums over passes).  ST_OK, ST_EIO or ST_ENOMEM. */
static int read_layers(const char *dir, cmp_arch_t *c, char *err, size_t errn)
{
    cli_run_t r;
    int rc = trc_layers_read(dir, &r, err, errn);
    if (rc == ST_OK) {
        c->n_layers = r.n_layers;
        c->layers = r.layers;
        c->end_cyc = r.end_cyc;
    }
    return rc;
}

/* Runs `neuspin run` for one architecture into out_dir; returns its exit status. */
static int spawn_run(const char *spec, const char *wl, const char *T, const char *seed,
                     const char *m, const char *out_dir)
{
    char *argv[20];
    int n = 0;
    argv[n++] = "neuspin";
    argv[n++] = "run";
    argv[n++] = "-a";
    argv[n++] = (char *)spec;
    argv[n++] = "-w";
    argv[n++] = (char *)wl;
    if (T) {
        argv[n++] = "-T";
        argv[n++] = (char *)T;
    }
    if (m) {
        argv[n++] = "-m";
        argv[n++] = (char *)m;
    }
    argv[n++] = "--seed";
    argv[n++] = (char *)seed;
    argv[n++] = "-q";
    argv[n++] = "-o";
    argv[n++] = (char *)out_dir;
    argv[n] = NULL;

    pid_t pid;
    int e = cli_spawn(argv, -1, -1, &pid);
    if (e != 0) {
        fprintf(stderr, "neuspin: error: cannot start a run: %s\n", strerror(e));
        return CLI_ERUN;
    }
    int code = cli_wait(pid);
    return code < 0 || code > 2 ? CLI_ERUN : code;
}

/* "657.3 nJ" / "113.0 uJ" from pJ. */
static void fmt_energy(char *b, size_t n, double pj)
{
    if (pj >= 1e6)
        snprintf(b, n, "%.1f uJ", pj / 1e6);
    else if (pj >= 1e3)
        snprintf(b, n, "%.1f nJ", pj / 1e3);
    else
        snprintf(b, n, "%.1f pJ", pj);
}

static void fmt_time(char *b, size_t n, double ns)
{
    if (ns >= 1e6)
        snprintf(b, n, "%.2f ms", ns / 1e6);
    else if (ns >= 1e3)
        snprintf(b, n, "%.1f us", ns / 1e3);
    else
        snprintf(b, n, "%.0f ns", ns);
}

static void fmt_bits(char *b, size_t n, double bits)
{
    if (bits >= 1024.0 * 1024.0)
        snprintf(b, n, "%.2f Mib", bits / (1024.0 * 1024.0));
    else if (bits >= 1024.0)
        snprintf(b, n, "%.1f Kib", bits / 1024.0);
    else
        snprintf(b, n, "%.0f b", bits);
}

static void fmt_count(char *b, size_t n, double v) { snprintf(b, n, "%.0f", v); }

typedef void (*fmt_fn)(char *, size_t, double);

/* One table row: label, then each architecture's value and its ratio to the first. */
static void print_row(const char *label, const double *v, int n, fmt_fn fmt, int width)
{
    printf("%-22s", label);
    for (int i = 0; i < n; i++) {
        char val[48], cell[80];
        fmt(val, sizeof val, v[i]);
        if (i == 0)
            snprintf(cell, sizeof cell, "%s", val);
        else if (v[0] > 0)
            snprintf(cell, sizeof cell, "%s (%.3gx)", val, v[i] / v[0]);
        else
            snprintf(cell, sizeof cell, "%s (-)", val);
        printf(" %*s", width, cell);
    }
    printf("\n");
}

static double arch_total(const cmp_arch_t *c, int what)
{
    double t = 0;
    for (uint32_t i = 0; i < c->n_layers; i++) {
        const cmp_layer_t *l = &c->layers[i];
        switch (what) {
        case 0: t += l->e_pj; break;
        case 1: t += l->rng_modules; break;
        case 2: t += (double)l->rng_bits; break;
        case 4: t += l->e_rng_pj; break;
        case 5: t += (double)l->rng_cycles; break;
        case 6: t += l->tiles; break;
        default: t += (double)(l->weight_bits + l->bayes_bits + l->sram_bits); break;
        }
    }
    return t;
}

/* Writes DIR/compare.csv (a row per architecture x layer) and DIR/compare-totals.csv (a
 * row per architecture with the per-image totals: `neuspin plot` reads it, since
 * compare.csv alone cannot give the latency of overlapping layers).  Headers come from
 * traces/' schemas, names are RFC 4180 fields, and each file appears whole (trc_fs.h). */
static int write_csv(const char *dir, const cmp_arch_t *c, int n)
{
    char err[512];
    trc_dir_t *d;
    trc_file_t *tf[2] = {NULL, NULL};
    if (trc_dir_open(dir, 1, &d, err, sizeof err) != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        return CLI_ERUN;
    }
    int rc = trc_file_create(d, "compare.csv", &tf[0], err, sizeof err);
    if (rc == ST_OK)
        rc = trc_file_create(d, "compare-totals.csv", &tf[1], err, sizeof err);
    if (rc != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        trc_file_abort(tf[0]);
        trc_dir_close(d);
        return CLI_ERUN;
    }
    FILE *f = trc_file_stream(tf[0]), *t = trc_file_stream(tf[1]);
    trc_schema_header(f, &trc_schema_compare);
    trc_schema_header(t, &trc_schema_compare_totals);
    for (int a = 0; a < n; a++) {
        const char *scheme = arch_dropout_name(c[a].arch.dropout_impl);
        for (uint32_t i = 0; i < c[a].n_layers; i++) {
            const cmp_layer_t *l = &c[a].layers[i];
            trc_csv_field(f, c[a].arch.name);
            fprintf(f, ",%s,%u,", scheme, i);
            trc_csv_field(f, l->name);
            fprintf(f, ",%s,%.9g,%llu,%.9g,%u,%u,%llu,%.9g,%llu,%llu,%llu,%llu\n", l->kind,
                    l->e_pj, (unsigned long long)l->cycles, l->cycles * arch_clk_ns(&c[a].arch),
                    l->tiles, l->rng_modules, (unsigned long long)l->rng_bits, l->e_rng_pj,
                    (unsigned long long)l->rng_cycles,
                    (unsigned long long)l->weight_bits, (unsigned long long)l->bayes_bits,
                    (unsigned long long)l->sram_bits);
        }
        trc_csv_field(t, c[a].arch.name);
        fprintf(t, ",%s,%.10g,%.10g,%.0f,%.0f,%.0f,%.0f\n", scheme, arch_total(&c[a], 0),
                c[a].end_cyc * arch_clk_ns(&c[a].arch), arch_total(&c[a], 1),
                arch_total(&c[a], 2), arch_total(&c[a], 3), arch_total(&c[a], 6));
    }
    rc = trc_file_commit(tf[0], err, sizeof err);
    if (rc == ST_OK)
        rc = trc_file_commit(tf[1], err, sizeof err);
    else
        trc_file_abort(tf[1]);
    if (rc == ST_OK)
        trc_dir_sync(d);
    else
        fprintf(stderr, "neuspin: error: %s\n", err);
    trc_dir_close(d);
    return rc == ST_OK ? CLI_OK : CLI_ERUN;
}

int cli_compare(args_t *a)
{
    const char *wl = NULL, *T = NULL, *seed = "1", *m = NULL, *out = NULL;
    const char *specs[CMP_MAX_ARCHS];
    int n = 0, per_layer = 0, rc;
    uint64_t dummy;
    while (a->i < a->argc) {
        int k = a->i;
        const char *o = a->argv[a->i++];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(compare_help, stdout);
            return CLI_OK;
        } else if (!strcmp(o, "--per-layer")) {
            per_layer = 1;
        } else if (!strcmp(o, "-w") || !strcmp(o, "-o")) {
            const char *v = cli_opt_value(a, o);
            if (!v)
                return CLI_EUSAGE;
            *(o[1] == 'w' ? &wl : &out) = v;
        } else if (!strcmp(o, "-T") || !strcmp(o, "--seed") || !strcmp(o, "-m")) {
            const char *v = cli_opt_value(a, o);
            uint64_t lo = o[1] == 'T' ? 1 : o[1] == 'm' ? 1 : 0;
            uint64_t hi = o[1] == 'T' ? 100000 : o[1] == 'm' ? 2 : UINT64_MAX;
            if (!v || cli_parse_u64(a, k + 1, o, v, lo, hi, &dummy))
                return CLI_EUSAGE;
            *(o[1] == 'T' ? &T : o[1] == 'm' ? &m : &seed) = v;
        } else if (o[0] == '-' && o[1]) {
            return cli_usage_error(a, k, "unknown option '%s' for 'compare' (see 'neuspin compare --help')", o);
        } else {
            if (n == CMP_MAX_ARCHS)
                return cli_usage_error(a, k, "too many architectures (at most 64), got '%s'", o);
            specs[n++] = o;
        }
    }
    if (n == 0) /* every reference scheme; built-in 0 is "default", the same as spindrop */
        for (size_t i = 1; i < arch_builtin_count() && n < CMP_MAX_ARCHS; i++)
            specs[n++] = arch_builtin_name(i);
    if (!wl)
        wl = wl_builtin_default();

    /* Check every input before running anything. */
    cmp_arch_t *c = st_calloc((unsigned long)n, sizeof *c);
    if (!c) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        return CLI_ERUN;
    }
    rc = CLI_OK;
    for (int i = 0; i < n; i++) {
        c[i].spec = specs[i];
        int r = cli_load_arch(specs[i], &c[i].arch);
        if (r && !rc)
            rc = r;
    }
    wl_net_t *net = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    if (!rc && wl_load(wl, &net, &dl) != ST_OK) {
        arch_diag_print(stderr, &dl);
        rc = CLI_EUSAGE;
    }

    char tmpdir[] = "/tmp/neuspin-compare-XXXXXX";
    int have_tmp = 0;
    if (!rc) {
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "neuspin: error: cannot create a temporary directory: %s\n", strerror(errno));
            rc = CLI_ERUN;
        } else {
            have_tmp = 1;
        }
    }
    for (int i = 0; i < n && !rc; i++) {
        char dir[64], err[512];
        snprintf(dir, sizeof dir, "%s/%d", tmpdir, i); /* 27 + 1 + at most 2 digits */
        int r = spawn_run(specs[i], wl, T, seed, m, dir);
        if (r != CLI_OK) {
            fprintf(stderr, "neuspin: error: the run on '%s' failed (exit %d)\n", specs[i], r);
            rc = r == CLI_EUSAGE ? CLI_EUSAGE : CLI_ERUN;
        } else if (read_layers(dir, &c[i], err, sizeof err) != ST_OK) {
            fprintf(stderr, "neuspin: error: %s\n", err);
            rc = CLI_ERUN;
        }
        cli_remove_run_dir(dir);
    }
    if (have_tmp)
        rmdir(tmpdir);

    if (!rc) {
        double v[CMP_MAX_ARCHS];
        int width = 20;
        if (T)
            printf("neuspin compare: workload %s, T=%s (a deterministic scheme runs one pass), "
                   "seed %s; ratios to the first column\n", net->name, T, seed);
        else
            printf("neuspin compare: workload %s, T=%u from the workload (a deterministic scheme "
                   "runs one pass), seed %s; ratios to the first column\n", net->name, net->T, seed);
        printf("%-22s", "");
        for (int i = 0; i < n; i++)
            printf(" %*.*s", width, width, c[i].arch.name);
        printf("\n%-22s", "scheme");
        for (int i = 0; i < n; i++)
            printf(" %*s", width, arch_dropout_name(c[i].arch.dropout_impl));
        printf("\n");
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 0);
        print_row("energy / image", v, n, fmt_energy, width);
        for (int i = 0; i < n; i++)
            v[i] = c[i].end_cyc * arch_clk_ns(&c[i].arch);
        print_row("latency / image", v, n, fmt_time, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 1);
        print_row("RNG modules", v, n, fmt_count, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 2);
        print_row("random bits / image", v, n, fmt_count, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 3);
        print_row("memory", v, n, fmt_bits, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 6);
        print_row("crossbar tiles", v, n, fmt_count, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 4);
        print_row("RNG energy / image", v, n, fmt_energy, width);
        for (int i = 0; i < n; i++)
            v[i] = arch_total(&c[i], 5) * arch_clk_ns(&c[i].arch);
        print_row("RNG busy / image", v, n, fmt_time, width);

        if (per_layer) {
            printf("\nper layer, energy / image:\n");
            for (uint32_t l = 0; l < c[0].n_layers; l++) {
                for (int i = 0; i < n; i++)
                    v[i] = l < c[i].n_layers ? c[i].layers[l].e_pj : 0;
                print_row(c[0].layers[l].name, v, n, fmt_energy, width);
            }
            printf("\nper layer, latency / image:\n");
            for (uint32_t l = 0; l < c[0].n_layers; l++) {
                for (int i = 0; i < n; i++)
                    v[i] = l < c[i].n_layers ? c[i].layers[l].cycles * arch_clk_ns(&c[i].arch) : 0;
                print_row(c[0].layers[l].name, v, n, fmt_time, width);
            }
        }
        if (out) {
            rc = write_csv(out, c, n);
            if (!rc)
                printf("wrote %s/compare.csv and %s/compare-totals.csv\n", out, out);
        }
    }
    for (int i = 0; i < n; i++)
        free(c[i].layers);
    free(c);
    wl_net_destroy(net);
    return rc;
}
