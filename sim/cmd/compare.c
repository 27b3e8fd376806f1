/* compare.c - `neuspin compare`: one workload on several architectures, side by side.
 *
 * SystemC elaborates one design per process, so each architecture runs as its own child
 * (`neuspin run … -q -o TMP/i`, started by cli_spawn); the parent reads each child's
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
#include "eval.h"
#include "sweep_int.h"
#include "trc_fs.h"
#include "trc_read.h"
#include "wl.h"

#define CMP_MAX_ARCHS 64
#define CMP_MAX_FWD (CLI_MAX_PARAMS + 8) /* options passed on to each run */
/* Per-image figures of one layer on one architecture. */
typedef cli_layer_t cmp_layer_t;

typedef struct cmp_arch {
    const char *spec; /* as given: built-in name or path */
    arch_t arch;
    uint32_t n_layers;
    cmp_layer_t *layers; /* owned */
    uint64_t end_cyc;    /* latency per image */
    double chip_mm2;     /* chip area (run.json area.chip_mm2) */
} cmp_arch_t;

enum { O_PER_LAYER = 1, O_OUT, O_EVAL, O_IMAGES, O_LABELS, O_COUNT, O_OOD, O_JOBS };

static const cli_opt_t compare_opts[] = {
    CLI_OPTS_RUN_COMMON,
    {O_PER_LAYER, 0, "per-layer", NULL, "add the per-layer energy and latency"},
    {O_OUT, 'o', "output", "DIR",
     "write DIR/compare.csv (a row per architecture x layer) and\nDIR/compare-totals.csv"},
    {O_EVAL, 0, "eval", "MODEL.onnx",
     "compare trained models instead (repeatable): accuracy, uncertainty,\n"
     "OOD detection and cost, a row per model on its scheme's built-in\n"
     "architecture (or -a), beside Table I; -o writes DIR/compare-eval.csv"},
    {O_IMAGES, 0, "images", "FILE", "--eval: test images (IDX; default Fashion-MNIST t10k)"},
    {O_LABELS, 0, "labels", "FILE", "--eval: their labels (IDX)"},
    {O_COUNT, 'n', "count", "N", "--eval: the first N images (default: all)"},
    {O_OOD, 0, "ood", "LIST", "--eval: OOD sets, as for 'neuspin eval'"},
    {O_JOBS, 'j', "jobs", "J", "--eval: threads per model (default 1)"},
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_compare_cmd = {
    "compare", "[OPTION]... [ARCH]...",
    "Runs one network on each architecture (YAML files or built-in names, given as\n"
    "arguments or with -a) and prints energy per image, latency per image, RNG modules,\n"
    "random bits per image and memory side by side, each with its ratio to the first\n"
    "column.  Without ARCH it compares the reference configuration of every scheme:\n"
    "spindrop, spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes, mc-dropout,\n"
    "mc-dropconnect, deterministic.  -p applies to every architecture; a deterministic\n"
    "scheme runs one pass.",
    compare_opts, NULL};

/* Reads DIR/layers.csv into c (per-image sums over passes) and the chip area from
 * DIR/run.json.  ST_OK, ST_EIO or ST_ENOMEM. */
static int read_layers(const char *dir, cmp_arch_t *c, char *err, size_t errn)
{
    cli_run_t r;
    trc_run_info_t info;
    int rc = trc_run_info_read(dir, &info, err, errn);
    if (rc != ST_OK)
        return rc;
    free(info.arch_yaml);
    c->chip_mm2 = info.chip_mm2;
    rc = trc_layers_read(dir, &r, err, errn);
    if (rc == ST_OK) {
        c->n_layers = r.n_layers;
        c->layers = r.layers;
        c->end_cyc = r.end_cyc;
    }
    return rc;
}

/* Energy x latency x chip area of one image, pJ ns mm^2. */
static double cmp_edap(const cmp_arch_t *c);

/* Runs `neuspin run -a SPEC -w WL FWD... -q -o DIR` for one architecture; returns its exit
 * status.  fwd: the common options as given, "--long=value" each (NULL-terminated). */
static int spawn_run(const char *spec, const char *wl, char *const *fwd, const char *out_dir)
{
    char *argv[CMP_MAX_FWD + 12];
    int n = 0;
    argv[n++] = "neuspin";
    argv[n++] = "run";
    argv[n++] = "-a";
    argv[n++] = (char *)spec;
    argv[n++] = "-w";
    argv[n++] = (char *)wl;
    for (; *fwd; fwd++)
        argv[n++] = *fwd;
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

static void fmt_count(char *b, size_t n, double v)
{
    snprintf(b, n, "%.0f", v);
}

static void fmt_area(char *b, size_t n, double mm2)
{
    snprintf(b, n, "%.4f mm2", mm2);
}

static void fmt_sci(char *b, size_t n, double v)
{
    snprintf(b, n, "%.4g", v);
}

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
        case 0:
            t += l->e_pj;
            break;
        case 1:
            t += l->rng_modules;
            break;
        case 2:
            t += (double)l->rng_bits;
            break;
        case 4:
            t += l->e_rng_pj;
            break;
        case 5:
            t += (double)l->rng_cycles;
            break;
        case 6:
            t += l->tiles;
            break;
        default:
            t += (double)(l->weight_bits + l->bayes_bits + l->sram_bits);
            break;
        }
    }
    return t;
}

static double cmp_edap(const cmp_arch_t *c)
{
    return arch_total(c, 0) * (double)c->end_cyc * arch_clk_ns(&c->arch) * c->chip_mm2;
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
            fprintf(f, ",%s,%.9g,%llu,%.9g,%u,%u,%llu,%.9g,%llu,%llu,%llu,%llu,%.9g\n", l->kind,
                    l->e_pj, (unsigned long long)l->cycles, l->cycles * arch_clk_ns(&c[a].arch),
                    l->tiles, l->rng_modules, (unsigned long long)l->rng_bits, l->e_rng_pj,
                    (unsigned long long)l->rng_cycles, (unsigned long long)l->weight_bits,
                    (unsigned long long)l->bayes_bits, (unsigned long long)l->sram_bits,
                    l->area_um2);
        }
        trc_csv_field(t, c[a].arch.name);
        fprintf(t, ",%s,%.10g,%.10g,%.0f,%.0f,%.0f,%.0f,%.10g,%.10g\n", scheme,
                arch_total(&c[a], 0), c[a].end_cyc * arch_clk_ns(&c[a].arch), arch_total(&c[a], 1),
                arch_total(&c[a], 2), arch_total(&c[a], 3), arch_total(&c[a], 6), c[a].chip_mm2,
                cmp_edap(&c[a]));
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

/* ---- compare --eval: trained models side by side ---- */

#define CMP_MAX_MODELS 16

/* Table I of the NeuSpin overview (arXiv 2401.06195; docs/validation.md): accuracy (%,
 * -1 not given) and energy per image (uJ) of each scheme's own paper. */
static const struct {
    const char *scheme;
    double acc_pct, energy_uj;
} table1[] = {
    {"spindrop", 91.95, 2.00},  {"spatial_spindrop", 90.34, 0.68}, {"scaledrop", 90.45, 0.18},
    {"subset_vi", 90.62, 0.30}, {"spinbayes", -1, 0.26},
};

static int table1_find(const char *scheme)
{
    for (int i = 0; i < (int)(sizeof table1 / sizeof table1[0]); i++)
        if (!strcmp(table1[i].scheme, scheme))
            return i;
    return -1;
}

static int compare_eval(eval_cfg_t *cfg, const char *const *models, int n, const char *out)
{
    eval_res_t *r = st_calloc((unsigned long)n, sizeof *r);
    if (!r) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        return CLI_ERUN;
    }
    int rc = CLI_OK;
    for (int i = 0; i < n && !rc; i++) {
        cfg->model = models[i];
        rc = eval_model(cfg, &r[i]);
    }
    if (!rc) {
        printf("neuspin compare --eval: %llu test images, seed %llu, device seed %llu; OOD "
               "detection at the 95th percentile of the test set's predictive entropy\n",
               (unsigned long long)r[0].m.n, (unsigned long long)cfg->seed,
               (unsigned long long)cfg->device_seed);
        printf("%-22s %-16s %3s %7s %6s %6s %6s %6s", "model", "scheme", "T", "acc %", "nll", "ece",
               "brier", "mi");
        for (int k = 0; k < r[0].n_ood; k++)
            printf(" %6.6s%% %5.5s", r[0].ood[k].name, "auroc");
        printf(" %10s %10s %9s %8s %8s\n", "energy uJ", "latency us", "area mm2", "T-I acc",
               "T-I uJ");
        for (int i = 0; i < n; i++) {
            printf("%-22.22s %-16.16s %3u %7.2f %6.3f %6.3f %6.3f %6.3f", r[i].model, r[i].scheme,
                   r[i].T, 100 * r[i].m.accuracy, r[i].m.nll, r[i].m.ece, r[i].m.brier, r[i].m.mi);
            for (int k = 0; k < r[i].n_ood; k++)
                printf(" %7.1f %5.3f", 100 * r[i].ood[k].rate_entropy, r[i].ood[k].auroc_entropy);
            printf(" %10.4g %10.4g %9.4g", r[i].energy_uj, r[i].latency_us, r[i].area_mm2);
            const int t = table1_find(r[i].scheme);
            if (t >= 0 && table1[t].acc_pct >= 0)
                printf(" %8.2f", table1[t].acc_pct);
            else
                printf(" %8s", "-");
            if (t >= 0)
                printf(" %8.2f\n", table1[t].energy_uj);
            else
                printf(" %8s\n", "-");
        }
    }
    if (!rc && out) {
        char err[512];
        trc_dir_t *d = NULL;
        trc_file_t *tf = NULL;
        if (trc_dir_open(out, 1, &d, err, sizeof err) != ST_OK ||
            trc_file_create(d, "compare-eval.csv", &tf, err, sizeof err) != ST_OK) {
            fprintf(stderr, "neuspin: error: %s\n", err);
            rc = CLI_ERUN;
        } else {
            FILE *f = trc_file_stream(tf);
            fputs("model,scheme,architecture,images,T,accuracy,nll,ece,brier,entropy,mi", f);
            for (int k = 0; k < r[0].n_ood; k++)
                fprintf(f, ",ood_%s_rate,ood_%s_auroc", r[0].ood[k].name, r[0].ood[k].name);
            fputs(",energy_uj,latency_us,area_mm2,p_mean,table1_accuracy,table1_energy_uj\n", f);
            for (int i = 0; i < n; i++) {
                trc_csv_field(f, r[i].model);
                fprintf(f, ",%s,", r[i].scheme);
                trc_csv_field(f, r[i].arch_name);
                fprintf(f, ",%llu,%u,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g",
                        (unsigned long long)r[i].m.n, r[i].T, r[i].m.accuracy, r[i].m.nll,
                        r[i].m.ece, r[i].m.brier, r[i].m.entropy, r[i].m.mi);
                for (int k = 0; k < r[i].n_ood; k++)
                    fprintf(f, ",%.10g,%.10g", r[i].ood[k].rate_entropy, r[i].ood[k].auroc_entropy);
                fprintf(f, ",%.10g,%.10g,%.10g,", r[i].energy_uj, r[i].latency_us, r[i].area_mm2);
                if (r[i].p_mean >= 0)
                    fprintf(f, "%.10g", r[i].p_mean);
                const int t = table1_find(r[i].scheme);
                if (t >= 0 && table1[t].acc_pct >= 0)
                    fprintf(f, ",%.4f", table1[t].acc_pct / 100);
                else
                    fputc(',', f);
                if (t >= 0)
                    fprintf(f, ",%.2f\n", table1[t].energy_uj);
                else
                    fputs(",\n", f);
            }
            rc = trc_file_commit(tf, err, sizeof err) == ST_OK ? CLI_OK : CLI_ERUN;
            if (rc)
                fprintf(stderr, "neuspin: error: %s\n", err);
            else
                printf("wrote %s/compare-eval.csv\n", out);
        }
        trc_dir_close(d);
    }
    free(r);
    return rc;
}

int cli_compare(args_t *a)
{
    const char *out = NULL, *specs[CMP_MAX_ARCHS];
    char *fwd[CMP_MAX_FWD + 1], fwd_buf[CMP_MAX_FWD][320];
    int n = 0, n_fwd = 0, per_layer = 0, rc;
    const char *models[CMP_MAX_MODELS];
    int n_models = 0;
    eval_cfg_t ecfg = {.jobs = 1};
    uint64_t v64;
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_compare_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == CLI_OPT_ARG || id == CLI_O_ARCH) {
            if (n == CMP_MAX_ARCHS)
                return cli_loc_error(a, loc, "too many architectures (at most %d), got '%s'",
                                     CMP_MAX_ARCHS, v);
            specs[n++] = v;
        } else if (id == O_PER_LAYER) {
            per_layer = 1;
        } else if (id == O_OUT) {
            out = v;
        } else if (id == O_EVAL) {
            if (n_models == CMP_MAX_MODELS)
                return cli_loc_error(a, loc, "--eval: at most %d models", CMP_MAX_MODELS);
            models[n_models++] = v;
        } else if (id == O_IMAGES || id == O_LABELS || id == O_OOD) {
            *(id == O_IMAGES ? &ecfg.images : id == O_LABELS ? &ecfg.labels : &ecfg.ood) = v;
        } else if (id == O_COUNT) {
            if (cli_loc_u64(a, loc, "-n", v, 1, UINT32_MAX, &ecfg.n))
                return CLI_EUSAGE;
        } else if (id == O_JOBS) {
            if (cli_loc_u64(a, loc, "--jobs", v, 1, 256, &v64))
                return CLI_EUSAGE;
            ecfg.jobs = (uint32_t)v64;
        } else if (cli_runopts_take(&ro, a, id, v, loc) < 0) {
            return CLI_EUSAGE;
        } else if (id != CLI_O_WORKLOAD) { /* the rest go to every run as given */
            char name[64];
            if (n_fwd == CMP_MAX_FWD || strlen(v) > 256)
                return cli_loc_error(a, loc, "too many options for the runs (at most %d)",
                                     CMP_MAX_FWD);
            snprintf(fwd_buf[n_fwd], sizeof fwd_buf[n_fwd], "%s=%s",
                     cli_opt_spelling(&cli_compare_cmd, id, name, sizeof name), v);
            fwd[n_fwd] = fwd_buf[n_fwd];
            n_fwd++;
        }
    }
    if (ex >= 0)
        return ex;
    if (n_models) { /* trained models: in this process, one eval each */
        if (n > 1 || ro.workload || per_layer || ro.timing >= 0) {
            fprintf(stderr, "neuspin: error: compare --eval: give at most one -a, no -w, "
                            "--per-layer or --timing\n");
            return CLI_EUSAGE;
        }
        if ((ecfg.images != NULL) != (ecfg.labels != NULL)) {
            fprintf(stderr, "neuspin: error: compare --eval: give both --images and --labels, "
                            "or neither\n");
            return CLI_EUSAGE;
        }
        ecfg.arch = n ? specs[0] : NULL;
        ecfg.T = (uint32_t)ro.T;
        ecfg.seed = ro.have_seed ? ro.seed : 1;
        ecfg.device_seed = ro.device_seed;
        ecfg.a = a;
        ecfg.ro = &ro;
        return compare_eval(&ecfg, models, n_models, out);
    }
    if (ecfg.images || ecfg.labels || ecfg.ood || ecfg.n || ecfg.jobs != 1) {
        fprintf(stderr, "neuspin: error: compare: --images, --labels, --ood, -n and --jobs go "
                        "with --eval\n");
        return CLI_EUSAGE;
    }
    fwd[n_fwd] = NULL;
    const char *wl = ro.workload;
    char seed[24], T[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)(ro.have_seed ? ro.seed : 1));
    snprintf(T, sizeof T, "%llu", (unsigned long long)ro.T);
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
        if (!r) /* -p checked here, where its errors point at the command line */
            r = cli_apply_overrides(a, &c[i].arch, &ro);
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
            fprintf(stderr, "neuspin: error: cannot create a temporary directory: %s\n",
                    strerror(errno));
            rc = CLI_ERUN;
        } else {
            have_tmp = 1;
        }
    }
    for (int i = 0; i < n && !rc; i++) {
        char dir[64], err[512];
        snprintf(dir, sizeof dir, "%s/%d", tmpdir, i); /* 27 + 1 + at most 2 digits */
        int r = spawn_run(specs[i], wl, fwd, dir);
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
        double v[CMP_MAX_ARCHS] = {0};
        int width = 20;
        if (ro.T)
            printf("neuspin compare: workload %s, T=%s (a deterministic scheme runs one pass), "
                   "seed %s; ratios to the first column\n",
                   net->name, T, seed);
        else
            printf("neuspin compare: workload %s, T=%u from the workload (a deterministic scheme "
                   "runs one pass), seed %s; ratios to the first column\n",
                   net->name, net->T, seed);
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
        for (int i = 0; i < n; i++)
            v[i] = c[i].chip_mm2;
        print_row("area (chip)", v, n, fmt_area, width);
        for (int i = 0; i < n; i++)
            v[i] = cmp_edap(&c[i]);
        print_row("EDAP pJ ns mm2", v, n, fmt_sci, width);

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
