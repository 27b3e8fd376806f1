/* sweep_cmd.c - `neuspin sweep`: run every point of a sweep file as its own child
 * (`neuspin run … -q -o DIR/points/<id>`), N at a time, and write DIR/summary.csv.
 *
 * Order of work: load the sweep file and check every point (nothing runs when one is
 * invalid); write DIR/sweep.json; pick this process's points (the shard's, then this MPI
 * rank's share of them); skip the complete ones under --resume; run the rest; gather the
 * rows on rank 0, which writes the summary sorted by point index.  A point is complete
 * when its run.json exists: `neuspin run` renames it into place last.
 *
 * Waiting: SIGCHLD, SIGINT and SIGTERM are blocked except inside pselect, so a child's end
 * or a stop request wakes the loop at once without a race; the 250 ms timeout also covers
 * a signal delivered to another thread (MPI's) and redraws the progress bar. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/status.h"
#include "child.h"
#include "cli.h"
#include "cli_int.h"
#include "sweep.h"
#include "sweep_int.h"
#include "sweep_mpi.h"
#include "trc.h"
#include "trc_fs.h"
#include "trc_read.h"
#include "trc_verify.h"
#include "base/sha256.h"
#include "engine.h"
#include "nsga2.h"
#include "yamldoc.h"

#include "version.h" /* stamped at every build by sim/version.cmake */

enum { O_OUT = 1, O_JOBS, O_RESUME, O_RESTART, O_SHARD, O_DRY, O_SKIP, O_KEEP };

static const cli_opt_t sweep_opts[] = {
    {O_OUT, 'o', "output", "DIR", "output directory (required)"},
    {O_JOBS, 'j', "jobs", "N", "points run at a time (default 1)"},
    {O_RESUME, 0, "resume", NULL,
     "skip the points DIR already holds complete (their files as their\n"
     "run.json records them); run the others.  Refused when an input file\n"
     "changed since the sweep started"},
    {O_RESTART, 0, "restart", NULL, "start over in DIR: remove its points and summaries first"},
    {O_SHARD, 0, "shard", "I/N",
     "run only the points whose index % N == I and write\n"
     "DIR/summary.shard-I-of-N.csv (default from SLURM_ARRAY_TASK_ID and\n"
     "SLURM_ARRAY_TASK_COUNT); 'neuspin merge' joins the shards"},
    {O_DRY, 0, "dry-run", NULL, "check the file and print each point's command line; run nothing"},
    {O_SKIP, 0, "skip-invalid", NULL,
     "run the points that pass every check; list the others (a cross-field\n"
     "rule or the mapping refuses them) in the summary as invalid"},
    {O_KEEP, 0, "keep", "WHAT",
     "which analytic points also write their traces to DIR/points/<id>:\n"
     "none (default: they are evaluated in process, a summary row each),\n"
     "all, pareto (the energy-latency front), or a list of point indices\n"
     "and ranges (3,17,40-60).  Event and cycle points always write them"},
    CLI_OPT_ARCH,
    CLI_OPT_PARAM,
    CLI_OPT_PASSES,
    CLI_OPT_SEED,
    CLI_OPT_DEVICE_SEED,
    CLI_OPT_MAPPING,
    CLI_OPT_TIMING,
    CLI_OPT_INCLUDE,
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_sweep_cmd = {
    "sweep", "[OPTION]... SWEEP.yaml -o DIR",
    "Runs every point of a sweep file (docs/sweeps.md) as its own 'neuspin run', N at a\n"
    "time, each into DIR/points/<id>/, and writes DIR/summary.csv (a row per point, sorted\n"
    "by point) and DIR/sweep.json.  Every point is checked before the first one runs.  A\n"
    "failed point is recorded (status failed, its first error line; all of it in\n"
    "DIR/points/<id>/stderr.txt) and the sweep goes on.  Ctrl-C stops launching, ends the\n"
    "running points and writes the summary of the finished ones.  -a, -p, -T, --seed, -m\n"
    "and --timing set the sweep's base as on 'neuspin run' (the file's axes apply on top;\n"
    "the base network is the file's `base: {workload: ...}`).  A file with an `eval:` block\n"
    "runs 'neuspin eval' of its trained model at every point instead, and the summary gains\n"
    "accuracy, calibration and OOD columns (docs/sweeps.md).",
    sweep_opts,
    "Every input file (the sweep file, architectures, networks and their includes) is\n"
    "recorded in DIR/sweep.json by SHA-256 and copied to DIR/inputs/; points run from the\n"
    "copies, so editing a file during a sweep changes nothing.\n"
    "\n"
    "Started by mpirun (built with NEUSPIN_WITH_MPI), the ranks share the points and rank 0\n"
    "writes the summary.  Exit status: 0 all points ok, 1 some failed, 2 invalid input,\n"
    "130 interrupted."};

enum { PT_PENDING = 0, PT_RUNNING, PT_OK, PT_FAILED, PT_INTERRUPTED, PT_INVALID };

typedef struct job {
    pid_t pid;
    uint64_t k; /* position in sel */
    struct timespec start;
} job_t;

typedef struct runner {
    const sweep_t *s;
    const char *dir;
    trc_dir_t *points; /* DIR/points, opened once: every point directory is made in it */
    int width;         /* digits of point ids */
    uint64_t *sel;     /* point indices this process runs, ascending */
    uint64_t n_sel;
    unsigned char *state;  /* PT_* per sel entry */
    unsigned char *inproc; /* per sel entry: its row comes from figs (evaluated in process) */
    sweep_figs_t *figs;    /* per sel entry, when inproc */
    uint64_t front;        /* running energy-latency front size (progress only) */
    sweep_eval_t *cost;    /* an eval sweep: its points' analytic cost, for the summary */
    char **err;            /* first error line per failed sel entry (owned) */
    job_t *jobs;
    int n_jobs, max_jobs;
    uint64_t next; /* next sel position to launch */
    uint64_t done, failed, skipped, interrupted, invalid;
    uint64_t finished_here; /* points run to an end by this process */
    uint64_t stop_after;    /* NEUSPIN_SWEEP_STOP_AFTER: behave as if interrupted after K */
    int tty, rank, size;
    double t0, last_draw;
} runner_t;

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void on_chld(int sig)
{
    (void)sig;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- Files ---- */

char *sweep_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (n + 1 < cap)
            break;
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int sweep_write_file(const char *dir, const char *name, const char *text, size_t n)
{
    char err[600];
    trc_dir_t *d = NULL;
    int rc = trc_dir_open(dir, 1, &d, err, sizeof err);
    if (rc == ST_OK)
        rc = trc_dir_write(d, name, text, n, err, sizeof err);
    trc_dir_close(d);
    if (rc != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", rc == ST_ENOMEM ? "out of memory" : err);
        return -1;
    }
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    const sweep_row_t *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

int sweep_write_rows(const char *dir, const char *name, const char *header, sweep_row_t *rows,
                     size_t n)
{
    qsort(rows, n, sizeof *rows, row_cmp);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        return -1;
    }
    fprintf(m, "%s\n", header);
    for (size_t i = 0; i < n; i++)
        fprintf(m, "%s\n", rows[i].text);
    if (fclose(m) != 0) {
        free(buf);
        fprintf(stderr, "neuspin: error: out of memory\n");
        return -1;
    }
    int rc = sweep_write_file(dir, name, buf, len);
    free(buf);
    return rc;
}

uint64_t sweep_manifest_points(const char *json)
{
    const char *p = json ? strstr(json, "\"points\": ") : NULL;
    return p ? strtoull(p + 10, NULL, 10) : 0;
}

void sweep_csv_field(char *buf, size_t cap, size_t *o, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (*o + 1 >= cap)
        return;
    if (quote)
        buf[(*o)++] = '"';
    for (; *s && *o + 3 < cap; s++) {
        if (*s == '"')
            buf[(*o)++] = '"';
        buf[(*o)++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
    }
    if (quote && *o + 1 < cap)
        buf[(*o)++] = '"';
    buf[*o] = '\0';
}

/* ---- Inputs ---- */

/* A file the loaders read while the sweep was loaded (ydoc_read_hook_set). */
typedef struct input_file {
    char *path;  /* as opened (owned) */
    char *bytes; /* its content, until the copies are written (owned) */
    size_t n;
    char sha[SHA256_HEX_LEN + 1];
} input_file_t;

typedef struct inputs {
    input_file_t *v;
    size_t n, cap;
    int oom;
} inputs_t;

static void record_input(void *ctx, const char *path, const char *bytes, size_t n)
{
    inputs_t *in = ctx;
    for (size_t i = 0; i < in->n; i++)
        if (!strcmp(in->v[i].path, path))
            return; /* read twice (a network named by two axes): recorded once */
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 8;
        input_file_t *v = realloc(in->v, cap * sizeof *v);
        if (!v) {
            in->oom = 1;
            return;
        }
        in->v = v;
        in->cap = cap;
    }
    input_file_t *f = &in->v[in->n];
    f->path = strdup(path);
    f->bytes = malloc(n ? n : 1);
    if (!f->path || !f->bytes) {
        free(f->path);
        free(f->bytes);
        in->oom = 1;
        return;
    }
    memcpy(f->bytes, bytes, n);
    f->n = n;
    sha256_hex(bytes, n, f->sha);
    in->n++;
}

static void inputs_free(inputs_t *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].bytes);
    }
    free(in->v);
}

/* 1 when spec names a built-in network (compiled in: nothing to copy). */
static int is_builtin_wl(const char *spec)
{
    for (size_t i = 0; i < wl_builtin_count(); i++)
        if (!strcmp(spec, wl_builtin_name(i)))
            return 1;
    return 0;
}

/* Points run from DIR/inputs: the base architecture as resolved (inputs/arch.yaml) and each
 * network file as loaded (inputs/network-K.yaml), never from the originals, which may change
 * while the sweep runs.  Rewrites the specs the children get; every rank does this (the
 * names are fixed), rank 0 also writes the files (write_inputs).  ST_OK or ST_ENOMEM. */
/* The copy of input file `path` under DIR/inputs/files (as write_inputs names it), a new
 * string; NULL when path is not an input (cannot happen) or on ENOMEM. */
static char *input_copy(const inputs_t *in, const char *out, const char *path)
{
    for (size_t i = 0; i < in->n; i++)
        if (!strcmp(in->v[i].path, path)) {
            const char *base = strrchr(path, '/');
            size_t n = strlen(out) + 240;
            char *p = malloc(n);
            if (p)
                snprintf(p, n, "%s/inputs/files/%03zu-%.200s", out, i, base ? base + 1 : path);
            return p;
        }
    return NULL;
}

/* Replaces *slot (owned) by the copy of the file it names; ST_OK or ST_ENOMEM. */
static int to_copy(const inputs_t *in, const char *out, char **slot, size_t skip)
{
    char *c = input_copy(in, out, *slot + skip);
    if (!c)
        return ST_ENOMEM;
    if (skip) { /* "idx:PATH" */
        char *t = malloc(strlen(c) + skip + 1);
        if (!t) {
            free(c);
            return ST_ENOMEM;
        }
        memcpy(t, *slot, skip);
        strcpy(t + skip, c);
        free(c);
        c = t;
    }
    free(*slot);
    *slot = c;
    return ST_OK;
}

/* Records the file at path as an input; 0, or -1 after printing why. */
static int record_file(inputs_t *in, const char *path)
{
    size_t len;
    char *b = sweep_read_file(path, &len);
    if (!b) {
        fprintf(stderr, "neuspin: error: %s: %s\n", path, strerror(errno));
        return -1;
    }
    record_input(in, path, b, len);
    free(b);
    if (in->oom) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        return -1;
    }
    return 0;
}

/* An eval sweep reads its models and data files itself (not through ydoc): recorded as
 * inputs by content, models first.  0, or -1 after printing why. */
static int record_eval_inputs(const sweep_t *s, inputs_t *in)
{
    const sweep_evalspec_t *e = &s->eval;
    for (uint32_t w = 0; w < s->n_wl; w++)
        if (record_file(in, s->wl[w].spec))
            return -1;
    if (record_file(in, e->images) || record_file(in, e->labels))
        return -1;
    for (uint32_t k = 0; k < e->n_ood; k++)
        if (!strncmp(e->ood[k], "idx:", 4) && record_file(in, e->ood[k] + 4))
            return -1;
    return 0;
}

static int use_snapshots(sweep_t *s, const char *out, const inputs_t *in)
{
    char path[4400];
    { /* always: -a and -p may have changed the base in memory */
        int k = snprintf(path, sizeof path, "%s/inputs/arch.yaml", out);
        SIM_ASSERT(k > 0 && (size_t)k < sizeof path);
        char *p = strdup(path);
        if (!p)
            return ST_ENOMEM;
        free(s->arch_spec);
        s->arch_spec = p;
    }
    if (s->eval.on) { /* models and data from their copies, each model's architecture too */
        sweep_evalspec_t *e = &s->eval;
        for (uint32_t k = 0; k < s->n_wl; k++) {
            if (to_copy(in, out, &s->wl[k].spec, 0) != ST_OK)
                return ST_ENOMEM;
            if (!s->wl[k].arch)
                continue;
            int w = snprintf(path, sizeof path, "%s/inputs/arch-%u.yaml", out, k);
            SIM_ASSERT(w > 0 && (size_t)w < sizeof path);
            char *p = strdup(path);
            if (!p)
                return ST_ENOMEM;
            free(s->wl[k].arch_spec);
            s->wl[k].arch_spec = p;
        }
        if (to_copy(in, out, &e->images, 0) != ST_OK || to_copy(in, out, &e->labels, 0) != ST_OK)
            return ST_ENOMEM;
        for (uint32_t k = 0; k < e->n_ood; k++)
            if (!strncmp(e->ood[k], "idx:", 4) && to_copy(in, out, &e->ood[k], 4) != ST_OK)
                return ST_ENOMEM;
        return ST_OK;
    }
    for (uint32_t k = 0; k < s->n_wl; k++) {
        if (is_builtin_wl(s->wl[k].spec))
            continue;
        int w = snprintf(path, sizeof path, "%s/inputs/network-%u.yaml", out, k);
        SIM_ASSERT(w > 0 && (size_t)w < sizeof path);
        char *p = strdup(path);
        if (!p)
            return ST_ENOMEM;
        free(s->wl[k].spec);
        s->wl[k].spec = p;
    }
    return ST_OK;
}

/* Where points find their network (sweep_point_argv_net): DIR/inputs/net-ID.yaml. */
typedef struct net_paths {
    const char *out;
    char buf[4400];
} net_paths_t;

static const char *net_path(void *ctx, uint64_t id)
{
    net_paths_t *np = ctx;
    char name[48];
    sweep_net_file_name(id, name, sizeof name);
    snprintf(np->buf, sizeof np->buf, "%s/inputs/%s", np->out, name);
    return np->buf;
}

/* Writes DIR/inputs: arch.yaml and network-K.yaml (what the points run from, see
 * use_snapshots) and files/NNN-NAME, a byte copy of every input file read, in the order
 * of sweep.json's "inputs".  ST_OK, or ST_EIO/ST_ENOMEM with the reason in err. */
static int write_inputs(const sweep_t *s, const inputs_t *in, trc_dir_t *od, char *err, size_t errn)
{
    trc_dir_t *id = NULL, *fd = NULL;
    int rc = trc_dir_sub(od, "inputs", 1, &id, err, errn);
    if (rc == ST_OK)
        rc = trc_dir_sub(id, "files", 1, &fd, err, errn);
    if (rc == ST_OK) {
        trc_dir_clean_tmp(id);
        trc_dir_clean_tmp(fd);
    }
    for (size_t i = 0; rc == ST_OK && i < in->n; i++) {
        const char *base = strrchr(in->v[i].path, '/');
        char name[256];
        snprintf(name, sizeof name, "%03zu-%.200s", i, base ? base + 1 : in->v[i].path);
        rc = trc_dir_write(fd, name, in->v[i].bytes, in->v[i].n, err, errn);
    }
    if (rc == ST_OK) {
        char *text = arch_dump_string(&s->base);
        rc = text ? trc_dir_write(id, "arch.yaml", text, strlen(text), err, errn) : ST_ENOMEM;
        free(text);
    }
    for (uint32_t k = 0; rc == ST_OK && s->eval.on && k < s->n_wl; k++) {
        if (!s->wl[k].arch)
            continue;
        char name[48], *text = arch_dump_string(s->wl[k].arch);
        snprintf(name, sizeof name, "arch-%u.yaml", k);
        rc = text ? trc_dir_write(id, name, text, strlen(text), err, errn) : ST_ENOMEM;
        free(text);
    }
    for (uint32_t k = 0; rc == ST_OK && !s->eval.on && k < s->n_wl; k++) {
        if (is_builtin_wl(s->wl[k].given))
            continue;
        char *text = NULL, name[48];
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (!m)
            return ST_ENOMEM;
        rc = wl_dump_yaml(s->wl[k].net, m);
        if (fclose(m) != 0 && rc == ST_OK)
            rc = ST_ENOMEM;
        snprintf(name, sizeof name, "network-%u.yaml", k);
        if (rc == ST_OK)
            rc = trc_dir_write(id, name, text, len, err, errn);
        else if (!err[0])
            snprintf(err, errn, "%s: cannot write the network back as YAML", s->wl[k].given);
        free(text);
    }
    /* the points' networks with their net.* values, each distinct one once */
    for (uint64_t k = 0, nn = sweep_net_count(s); rc == ST_OK && k < nn; k++) {
        wl_net_t *net = NULL;
        char *text = NULL, name[48];
        size_t len = 0;
        FILE *m = NULL;
        rc = sweep_point_network(s, sweep_net_point(s, k), &net);
        if (rc == ST_OK && !(m = open_memstream(&text, &len)))
            rc = ST_ENOMEM;
        if (rc == ST_OK)
            rc = wl_dump_yaml(net, m);
        if (m && fclose(m) != 0 && rc == ST_OK)
            rc = ST_ENOMEM;
        wl_net_destroy(net);
        sweep_net_file_name(k, name, sizeof name);
        if (rc == ST_OK)
            rc = trc_dir_write(id, name, text, len, err, errn);
        else if (!err[0])
            snprintf(err, errn, "inputs/%s: cannot write the network", name);
        free(text);
    }
    trc_dir_close(fd);
    trc_dir_close(id);
    return rc;
}

/* --restart: removes what earlier runs of a sweep left in DIR: every point directory's
 * files and the directory, the summaries, the input copies.  Only names neuspin makes. */
static void remove_results(trc_dir_t *od)
{
    static const char *const point_files[] = {"layers.csv", "stats.csv", "run.json",
                                              "stderr.txt", "eval.csv",  "eval.json"};
    trc_dir_t *pd = NULL;
    if (trc_dir_sub(od, "points", 0, &pd, NULL, 0) == ST_OK) {
        int fd = openat(trc_dir_fd(pd), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *e;
        while (dir && (e = readdir(dir)) != NULL) {
            if (!e->d_name[0] || strspn(e->d_name, "0123456789") != strlen(e->d_name))
                continue;
            trc_dir_t *one = NULL;
            if (trc_dir_sub(pd, e->d_name, 0, &one, NULL, 0) != ST_OK)
                continue;
            for (size_t i = 0; i < sizeof point_files / sizeof point_files[0]; i++)
                trc_dir_unlink(one, point_files[i], NULL, 0);
            trc_dir_clean_tmp(one);
            trc_dir_close(one);
            unlinkat(trc_dir_fd(pd), e->d_name, AT_REMOVEDIR); /* if nothing else is there */
        }
        if (dir)
            closedir(dir);
        else if (fd >= 0)
            close(fd);
        trc_dir_close(pd);
    }
    int fd = openat(trc_dir_fd(od), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (!strncmp(e->d_name, "summary", 7) && n > 4 && !strcmp(e->d_name + n - 4, ".csv"))
            trc_dir_unlink(od, e->d_name, NULL, 0);
    }
    if (dir)
        closedir(dir);
    else if (fd >= 0)
        close(fd);
}

/* ---- Manifest ---- */

/* DIR/sweep.json: what the sweep is, enough to check that DIR holds this sweep and for
 * merge to know how many points there are.  No time or host: identical for every run. */
static char *manifest(const sweep_t *s, const inputs_t *in, const cli_runopts_t *ro, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    fprintf(f, "{\n  \"schema\": 1,\n  \"simulator\": \"neuspin\",\n  \"version\": ");
    trc_json_string(f, sim_version_text());
    fprintf(f, ",\n  \"command\": \"sweep\",\n  \"sweep_file\": ");
    trc_json_string(f, s->path);
    fprintf(f, ",\n  \"mode\": \"%s\",\n  \"points\": %llu,\n  \"id_width\": %d,\n",
            s->zip ? "zip" : "product", (unsigned long long)s->n_points, sweep_id_width(s));
    fprintf(f,
            "  \"master_seed\": \"%llu\",\n  \"seed_mixing\": \"splitmix64: point i runs with "
            "the (i+1)-th output of splitmix64 started at master_seed, unless a seed axis "
            "gives it\",\n",
            (unsigned long long)s->seed);
    fprintf(f, "  \"base\": {\"arch\": ");
    trc_json_string(f, s->arch_given ? s->arch_given : "default");
    fprintf(f, ", \"workload\": ");
    trc_json_string(f, s->wl[s->base_wl].given);
    fprintf(f, ", \"T\": %llu, \"mapping\": %llu, \"timing\": \"%s\", \"device_seed\": \"%llu\"",
            (unsigned long long)s->T, (unsigned long long)s->mapping,
            s->timing ? sweep_timing_names[s->timing - 1] : "default",
            (unsigned long long)(s->device_seed ? s->device_seed : 1));
    if (s->eval.on) { /* what each point evaluates (the models are the networks) */
        const sweep_evalspec_t *e = &s->eval;
        fprintf(f, ", \"eval\": {\"models\": [");
        for (uint32_t k = 0; k < s->n_wl; k++) {
            fputs(k ? ", " : "", f);
            trc_json_string(f, s->wl[k].given);
        }
        fprintf(f, "], \"count\": %llu, \"ood\": [", (unsigned long long)e->count);
        for (uint32_t k = 0; k < e->n_ood; k++) {
            fputs(k ? ", " : "", f);
            trc_json_string(f, strncmp(e->ood[k], "idx:", 4) ? e->ood[k] : "idx");
        }
        fputc(']', f);
        fputc('}', f);
    }
    if (ro->n_param) { /* -p on the command line, applied to the base architecture */
        fprintf(f, ", \"params\": [");
        for (int k = 0; k < ro->n_param; k++) {
            fputs(k ? ", " : "", f);
            trc_json_string(f, ro->param[k]);
        }
        fputc(']', f);
    }
    fprintf(f, "},\n  \"axes\": [");
    for (uint32_t k = 0; k < s->n_axes; k++) {
        fprintf(f, "%s\n    {\"key\": ", k ? "," : "");
        trc_json_string(f, s->axes[k].key);
        fprintf(f, ", \"values\": [");
        for (uint32_t j = 0; j < s->axes[k].n_values; j++) {
            if (j)
                fputs(", ", f);
            trc_json_string(f, s->axes[k].values[j].text);
        }
        fputs("]}", f);
    }
    fprintf(f, "%s],\n  \"inputs\": [", s->n_axes ? "\n  " : "");
    for (size_t i = 0; i < in->n; i++) {
        fprintf(f, "%s\n    {\"path\": ", i ? "," : "");
        trc_json_string(f, in->v[i].path);
        fprintf(f, ", \"bytes\": %zu, \"sha256\": \"%s\"}", in->v[i].n, in->v[i].sha);
    }
    fprintf(f,
            "%s],\n  \"inputs_dir\": \"inputs/: arch.yaml and network-K.yaml, what the "
            "points run from; files/NNN-NAME, a copy of each input\",\n",
            in->n ? "\n  " : "");
    fprintf(f, "  \"points_dir\": \"points/<id>, id = the point index, %d digits\"\n}\n",
            sweep_id_width(s));
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- Rows ---- */

/* Paths under DIR fit their buffers: -o is at most SWEEP_MAX_DIR bytes (checked when the
 * command line is read), ids at most 20 digits. */
#define SWEEP_MAX_DIR 4000

static void point_dir(const runner_t *r, uint64_t i, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s/points/%0*llu", r->dir, r->width, (unsigned long long)i);
    SIM_ASSERT(k > 0 && (size_t)k < n);
}

/* The name of point i's directory inside DIR/points ("0017"). */
static void point_name(const runner_t *r, uint64_t i, char *buf, size_t n)
{
    snprintf(buf, n, "%0*llu", r->width, (unsigned long long)i);
}

/* The eval columns of a summary row: ",accuracy,nll,ece,brier,entropy,mi" and per OOD set
 * ",rate,auroc" (entropy-scored), as the text of the point's eval.csv, appended to buf (cap
 * bytes, at *o).  ST_OK; ST_EIO with the reason in err (a missing column or a value that
 * is not a number); ST_ENOMEM. */
static int eval_figs(const sweep_t *s, trc_dir_t *pd, char *buf, size_t cap, size_t *o, char *err,
                     size_t errn)
{
    static const char *const base[] = {"accuracy", "nll", "ece", "brier", "entropy", "mi"};
    char names[6 + 2 * SWEEP_EVAL_MAX_OOD][32];
    unsigned col[6 + 2 * SWEEP_EVAL_MAX_OOD], n = 0;
    for (unsigned k = 0; k < 6; k++)
        snprintf(names[n++], sizeof names[0], "%s", base[k]);
    for (uint32_t k = 0; k < s->eval.n_ood; k++) {
        snprintf(names[n++], sizeof names[0], "ood_%s_rate", s->eval.ood_name[k]);
        snprintf(names[n++], sizeof names[0], "ood_%s_auroc", s->eval.ood_name[k]);
    }
    char *text = NULL;
    size_t len = 0;
    int rc = trc_dir_read(pd, "eval.csv", 1u << 20, &text, &len, err, errn);
    if (rc != ST_OK)
        return rc;
    trc_csv_t *c = NULL;
    if (trc_csv_open_mem("eval.csv", text, len, &c) != ST_OK) {
        free(text);
        snprintf(err, errn, "out of memory");
        return ST_ENOMEM;
    }
    rc = trc_csv_next(c, err, errn) == 1 ? ST_OK : ST_EIO;
    for (unsigned j = 0; rc == ST_OK && j < n; j++) {
        unsigned f = 0, nf = trc_csv_nfields(c);
        while (f < nf && strcmp(trc_csv_get(c, f), names[j]) != 0)
            f++;
        if (f == nf) {
            snprintf(err, errn, "%s/eval.csv: no column '%s'", trc_dir_path(pd), names[j]);
            rc = ST_EIO;
        }
        col[j] = f;
    }
    if (rc == ST_OK && trc_csv_next(c, err, errn) != 1) {
        snprintf(err, errn, "%s/eval.csv: no row of figures", trc_dir_path(pd));
        rc = ST_EIO;
    }
    for (unsigned j = 0; rc == ST_OK && j < n; j++) {
        double d;
        if (trc_csv_f64(c, col[j], names[j], &d, err, errn) != ST_OK || !*trc_csv_get(c, col[j]))
            rc = ST_EIO;
        else if (*o + strlen(trc_csv_get(c, col[j])) + 2 < cap)
            *o += (size_t)snprintf(buf + *o, cap - *o, ",%s", trc_csv_get(c, col[j]));
    }
    trc_csv_close(c);
    free(text);
    return rc;
}

/* An eval point is complete when its eval.json and eval.csv are there (eval writes each
 * whole, eval.csv first) and eval.csv holds every figure of the summary's eval columns. */
static int eval_verify(const sweep_t *s, trc_dir_t *pd, char *err, size_t errn)
{
    struct stat st;
    static const char *const f[] = {"eval.json", "eval.csv"};
    for (int k = 0; k < 2; k++)
        if (fstatat(trc_dir_fd(pd), f[k], &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(err, errn, "%s/%s: missing", trc_dir_path(pd), f[k]);
            return ST_EIO;
        }
    char buf[1024];
    size_t o = 0;
    return eval_figs(s, pd, buf, sizeof buf, &o, err, errn);
}

/* A point directory holds a complete result: a run's files as its run.json records them,
 * or an eval point's outputs. */
static int dir_verify(const runner_t *r, trc_dir_t *pd, char *err, size_t errn)
{
    return r->s->eval.on ? eval_verify(r->s, pd, err, errn) : trc_run_verify(pd, err, errn);
}

/* The number of eval columns of a summary row (0 without an eval block). */
static unsigned eval_columns(const sweep_t *s)
{
    return s->eval.on ? 6 + 2 * s->eval.n_ood : 0;
}

/* ST_OK when point i's directory holds a complete run whose files match its run.json;
 * otherwise the reason in err. */
static int point_verify(const runner_t *r, uint64_t i, char *err, size_t errn)
{
    char name[32];
    trc_dir_t *pd = NULL;
    point_name(r, i, name, sizeof name);
    int rc = trc_dir_sub(r->points, name, 0, &pd, err, errn);
    if (rc == ST_OK) {
        trc_dir_clean_tmp(pd); /* what a killed run left */
        rc = dir_verify(r, pd, err, errn);
    }
    trc_dir_close(pd);
    return rc;
}

/* "point,<axis keys>,seed,<metrics>" (no seed column when an axis is the seed). */
char *sweep_summary_header(const sweep_t *s)
{
    size_t cap = 256 + (size_t)s->n_axes * 200, o = 0;
    char *h = malloc(cap);
    if (!h)
        return NULL;
    int seed_axis = 0;
    o = (size_t)snprintf(h, cap, "point");
    for (uint32_t k = 0; k < s->n_axes; k++) {
        h[o++] = ',';
        sweep_csv_field(h, cap, &o, s->axes[k].key);
        seed_axis |= s->axes[k].kind == SWEEP_KEY_SEED;
    }
    o += (size_t)snprintf(h + o, cap - o, "%s,%s", seed_axis ? "" : ",seed", SWEEP_METRIC_COLUMNS);
    return h;
}

/* The summary's header: sweep_summary_header, and in an eval sweep the eval columns
 * before status (malloc'd; NULL on ENOMEM). */
static char *summary_header_eval(const sweep_t *s)
{
    char *h = sweep_summary_header(s);
    if (!h || !s->eval.on)
        return h;
    size_t n = strlen(h), cap = n + 64 + 48 * (size_t)s->eval.n_ood;
    char *e = malloc(cap);
    if (!e) {
        free(h);
        return NULL;
    }
    SIM_ASSERT(n >= 13 && !strcmp(h + n - 13, ",status,error"));
    size_t o = (size_t)snprintf(e, cap, "%.*s,accuracy,nll,ece,brier,entropy,mi", (int)(n - 13), h);
    for (uint32_t k = 0; k < s->eval.n_ood; k++)
        o += (size_t)snprintf(e + o, cap - o, ",ood_%s_rate,ood_%s_auroc", s->eval.ood_name[k],
                              s->eval.ood_name[k]);
    snprintf(e + o, cap - o, ",status,error");
    free(h);
    return e;
}

/* Appends n empty fields to buf (cap bytes, at *o). */
static void empty_fields(char *buf, size_t cap, size_t *o, unsigned n)
{
    for (unsigned k = 0; k < n && *o + 2 < cap; k++)
        buf[(*o)++] = ',';
    buf[*o] = '\0';
}

/* The summary row of point i: its axis values, seed, and the figures of its run (ok) or
 * the error (failed).  Returns a malloc'd line, NULL on ENOMEM. */
static char *summary_row(runner_t *r, uint64_t k)
{
    const sweep_t *s = r->s;
    uint64_t i = r->sel[k], T, mapping, seed;
    uint32_t wl, idx[SWEEP_MAX_AXES];
    int seed_axis = 0;
    sweep_point_index(s, i, idx);
    sweep_point_run(s, i, &T, &mapping, &seed, &wl);
    size_t cap = 2048 + (size_t)s->n_axes * 200, o = 0;
    char *row = malloc(cap), dir[4200], err[512] = "";
    if (!row)
        return NULL;
    o = (size_t)snprintf(row, cap, "%llu", (unsigned long long)i);
    for (uint32_t a = 0; a < s->n_axes; a++) {
        row[o++] = ',';
        sweep_csv_field(row, cap, &o, s->axes[a].values[idx[a]].text);
        seed_axis |= s->axes[a].kind == SWEEP_KEY_SEED;
    }
    if (!seed_axis)
        o += (size_t)snprintf(row + o, cap - o, ",%llu", (unsigned long long)seed);
    if (r->state[k] == PT_INVALID) { /* --skip-invalid: the rule it breaks, nothing run */
        char why[400];
        sweep_point_check(s, i, why, sizeof why);
        empty_fields(row, cap, &o, eval_columns(s));
        o += (size_t)snprintf(row + o, cap - o, ",,,,,,,,,invalid,");
        sweep_csv_field(row, cap, &o, why);
        return row;
    }
    if (r->state[k] == PT_OK && s->eval.on) {
        /* the cost in process (analytic, as eval's), the figures from the point's eval.csv */
        sweep_figs_t f;
        trc_dir_t *pd = NULL;
        char name[32];
        point_name(r, i, name, sizeof name);
        int st = r->cost ? sweep_eval_point(r->cost, i, &f) : ST_ENOMEM;
        if (st != ST_OK) {
            snprintf(err, sizeof err, "the analytic cost of the point failed: %s", st_str(st));
        } else if (trc_dir_sub(r->points, name, 0, &pd, err, sizeof err) == ST_OK) {
            size_t m = sweep_figs_format(&f, row + o, cap - o), o0 = o;
            SIM_ASSERT(m > 4 && !strcmp(row + o + m - 4, ",ok,"));
            o += m - 4; /* ",energy,...,edap": the figures follow */
            st = eval_figs(s, pd, row, cap, &o, err, sizeof err);
            if (st == ST_OK) {
                o += (size_t)snprintf(row + o, cap - o, ",ok,");
                trc_dir_close(pd);
                return row;
            }
            o = o0;
            row[o] = '\0';
        }
        trc_dir_close(pd);
        r->state[k] = PT_FAILED;
        empty_fields(row, cap, &o, eval_columns(s));
        o += (size_t)snprintf(row + o, cap - o, ",,,,,,,,,failed,");
        sweep_csv_field(row, cap, &o, err);
        return row;
    }
    if (r->state[k] == PT_OK && r->inproc && r->inproc[k]) {
        sweep_figs_format(&r->figs[k], row + o, cap - o);
        return row;
    }
    if (r->state[k] == PT_OK) {
        cli_run_t run;
        trc_run_info_t info;
        point_dir(r, i, dir, sizeof dir);
        int ok = trc_run_info_read(dir, &info, err, sizeof err) == ST_OK; /* the chip area */
        if (ok)
            free(info.arch_yaml);
        if (ok && trc_layers_read(dir, &run, err, sizeof err) == ST_OK) {
            sweep_figs_t f;
            memset(&f, 0, sizeof f);
            for (uint32_t l = 0; l < run.n_layers; l++) {
                const cli_layer_t *x = &run.layers[l];
                f.energy_pj += x->e_pj;
                f.rng_bits += x->rng_bits;
                f.rng_modules += x->rng_modules;
                f.tiles += x->tiles;
                f.memory_bits += x->weight_bits + x->bayes_bits + x->sram_bits;
            }
            arch_t a;
            sweep_point_arch(s, i, &a);
            f.latency_ns = (double)run.end_cyc * arch_clk_ns(&a);
            f.area_mm2 = info.chip_mm2;
            sweep_figs_format(&f, row + o, cap - o);
            free(run.layers);
            return row;
        }
        r->state[k] = PT_FAILED; /* its outputs cannot be read back: not a result */
    } else if (r->err[k]) {
        snprintf(err, sizeof err, "%s", r->err[k]);
    }
    empty_fields(row, cap, &o, eval_columns(s));
    o += (size_t)snprintf(row + o, cap - o, ",,,,,,,,,failed,");
    sweep_csv_field(row, cap, &o, err);
    return row;
}

/* ---- Progress ---- */

static void fmt_dur(char *b, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(b, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(b, n, "%ld:%02ld", t / 60, t % 60);
}

static void draw(runner_t *r, int force)
{
    double t = now_s();
    if (!r->tty || (!force && t - r->last_draw < 0.2))
        return;
    r->last_draw = t;
    uint64_t total = r->n_sel, ran = r->done - r->skipped, left = total - r->done;
    char bar[33], el[32], eta[32] = "-";
    int w = 30, fill = total ? (int)(r->done * (uint64_t)w / total) : w;
    for (int i = 0; i < w; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[w] = '\0';
    fmt_dur(el, sizeof el, t - r->t0);
    if (ran && left)
        fmt_dur(eta, sizeof eta, (t - r->t0) / (double)ran * (double)left);
    else if (!left)
        snprintf(eta, sizeof eta, "0:00");
    fprintf(stderr, "\r[%s] %llu/%llu done, %llu failed, %d running, %s elapsed, ETA %s\033[K", bar,
            (unsigned long long)r->done, (unsigned long long)total, (unsigned long long)r->failed,
            r->n_jobs, el, eta);
    fflush(stderr);
}

/* One line per finished point when stderr is not a terminal. */
static void report(runner_t *r, uint64_t k, const char *what, double secs)
{
    if (r->tty) {
        draw(r, 1);
        return;
    }
    char who[32] = "";
    if (r->size > 1)
        snprintf(who, sizeof who, "rank %d: ", r->rank);
    fprintf(stderr, "%spoint %llu/%llu %s (%.2f s)%s%s\n", who, (unsigned long long)r->sel[k],
            (unsigned long long)r->s->n_points, what, secs, r->err[k] ? ": " : "",
            r->err[k] ? r->err[k] : "");
}

/* ---- Running ---- */

/* First line of d/name (at most n-1 bytes), "" when empty or unreadable; never through a
 * link, never more than 1 MiB read. */
static void first_line(trc_dir_t *d, const char *name, char *buf, size_t n)
{
    char *text = NULL;
    buf[0] = '\0';
    if (!d || trc_dir_read(d, name, 1u << 20, &text, NULL, NULL, 0) != ST_OK)
        return;
    snprintf(buf, n, "%.*s", (int)strcspn(text, "\r\n"), text);
    free(text);
}

static void set_err(runner_t *r, uint64_t k, const char *msg)
{
    free(r->err[k]);
    r->err[k] = malloc(strlen(msg) + 1);
    if (r->err[k])
        strcpy(r->err[k], msg);
}

/* Records the end of job j (exit code rc). */
static void finish(runner_t *r, int j, int rc)
{
    job_t *jb = &r->jobs[j];
    uint64_t k = jb->k, i = r->sel[k];
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double secs = (double)(t.tv_sec - jb->start.tv_sec) + (t.tv_nsec - jb->start.tv_nsec) * 1e-9;
    char name[32], line[600], why[600] = "";
    trc_dir_t *pd = NULL;
    point_name(r, i, name, sizeof name);
    trc_dir_sub(r->points, name, 0, &pd, NULL, 0);
    /* complete: exit 0 and run.json naming files that are there, as written */
    int complete = rc == 0 && pd && dir_verify(r, pd, why, sizeof why) == ST_OK;
    struct stat st;
    if (complete) {
        r->state[k] = PT_OK;
        if (fstatat(trc_dir_fd(pd), "stderr.txt", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode) && st.st_size == 0)
            trc_dir_unlink(pd, "stderr.txt", NULL, 0);
    } else if (g_stop && rc != 0) {
        /* ended by the stop (or at the same moment): not finished, run again on --resume */
        r->state[k] = PT_INTERRUPTED;
        r->interrupted++;
        if (pd)
            trc_dir_unlink(pd, "stderr.txt", NULL, 0);
    } else {
        r->state[k] = PT_FAILED;
        first_line(pd, "stderr.txt", line, sizeof line);
        if (!line[0] && rc == 0 && why[0])
            snprintf(line, sizeof line, "%s", why);
        else if (!line[0])
            snprintf(line, sizeof line, "neuspin %s exited with status %d and no message",
                     r->s->eval.on ? "eval" : "run", rc);
        set_err(r, k, line);
    }
    trc_dir_close(pd);
    r->jobs[j] = r->jobs[--r->n_jobs];
    if (r->state[k] == PT_INTERRUPTED)
        return;
    r->done++;
    r->finished_here++;
    if (r->state[k] == PT_FAILED)
        r->failed++;
    report(r, k, r->state[k] == PT_OK ? "ok" : "failed", secs);
    if (r->stop_after && r->finished_here >= r->stop_after)
        g_stop = 1;
}

/* Starts sel entry k; on failure to start, records it as failed. */
static void launch(runner_t *r, uint64_t k)
{
    uint64_t i = r->sel[k];
    char dir[4200], name[32], msg[700];
    trc_dir_t *pd = NULL;
    char **argv = NULL;
    int efd = -1;
    point_dir(r, i, dir, sizeof dir);
    point_name(r, i, name, sizeof name);
    /* the point's directory, never through a planted link; a rerun that fails must not
     * look complete, so its run.json goes first */
    if (trc_dir_sub(r->points, name, 1, &pd, msg, sizeof msg) != ST_OK ||
        trc_dir_unlink(pd, r->s->eval.on ? "eval.json" : "run.json", msg, sizeof msg) != ST_OK ||
        (r->s->eval.on && trc_dir_unlink(pd, "eval.csv", msg, sizeof msg) != ST_OK) ||
        trc_dir_create_fd(pd, "stderr.txt", &efd, msg, sizeof msg) != ST_OK)
        goto fail;
    net_paths_t np = {.out = r->dir};
    if (sweep_point_argv_net(r->s, i, dir, net_path, &np, &argv) != ST_OK) {
        snprintf(msg, sizeof msg, "out of memory");
        goto fail;
    }
    job_t *jb = &r->jobs[r->n_jobs];
    int e = cli_spawn(argv, -1, efd, &jb->pid);
    free(argv);
    if (e) {
        snprintf(msg, sizeof msg, "cannot start neuspin %s: %s", r->s->eval.on ? "eval" : "run",
                 strerror(e));
        goto fail;
    }
    close(efd);
    trc_dir_close(pd);
    jb->k = k;
    clock_gettime(CLOCK_MONOTONIC, &jb->start);
    r->n_jobs++;
    r->state[k] = PT_RUNNING;
    return;
fail:
    if (efd >= 0)
        close(efd);
    trc_dir_close(pd);
    r->state[k] = PT_FAILED;
    set_err(r, k, msg);
    r->done++;
    r->failed++;
    r->finished_here++;
    report(r, k, "failed", 0);
}

/* Reaps every job that ended. */
static void reap(runner_t *r, int block)
{
    for (int j = 0; j < r->n_jobs;) {
        int ws;
        pid_t p = waitpid(r->jobs[j].pid, &ws, block ? 0 : WNOHANG);
        if (p == r->jobs[j].pid) {
            finish(r, j, cli_exit_code(ws));
            continue; /* job j now holds the last job */
        }
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0) { /* not our child any more: cannot happen; count it failed */
            finish(r, j, 1);
            continue;
        }
        j++;
    }
}

static void run_points(runner_t *r)
{
    struct sigaction sa, old_int, old_term, old_chld;
    sigset_t block, orig;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop; /* no SA_RESTART: pselect must return */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, &old_chld);
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &orig);

    for (;;) {
        reap(r, 0);
        if (g_stop)
            break;
        while (r->n_jobs < r->max_jobs && r->next < r->n_sel && !g_stop) {
            uint64_t k = r->next++;
            if (r->state[k] == PT_PENDING)
                launch(r, k);
        }
        if (g_stop)
            break;
        if (r->n_jobs == 0 && r->next >= r->n_sel)
            break;
        draw(r, 0);
        struct timespec to = {0, 250 * 1000 * 1000};
        pselect(0, NULL, NULL, NULL, &to, &orig);
    }
    if (g_stop) {
        for (int j = 0; j < r->n_jobs; j++)
            kill(r->jobs[j].pid, SIGTERM);
        reap(r, 1);
    }
    sigprocmask(SIG_SETMASK, &orig, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    if (r->tty) {
        draw(r, 1);
        fputc('\n', stderr);
    }
}

/* ---- In process ---- */

/* What a worker sends back per point: sel position, status, figures. */
typedef struct inproc_msg {
    uint64_t k;
    int32_t st;
    uint32_t pad; /* zero */
    sweep_figs_t f;
} inproc_msg_t;

enum { INPROC_BATCH = 32, INPROC_CHUNK = 64 }; /* a batch is < PIPE_BUF: written at once */

/* The running energy-latency front, for the progress line only. */
typedef struct front2 {
    double *v; /* pairs */
    size_t n, cap;
} front2_t;

static void front_add(front2_t *fr, double e, double ns)
{
    for (size_t j = 0; j < fr->n; j++)
        if (fr->v[2 * j] <= e && fr->v[2 * j + 1] <= ns)
            return; /* no better in both: not on the front (or a copy of a point on it) */
    size_t o = 0;
    for (size_t j = 0; j < fr->n; j++)
        if (!(e <= fr->v[2 * j] && ns <= fr->v[2 * j + 1])) {
            fr->v[2 * o] = fr->v[2 * j];
            fr->v[2 * o + 1] = fr->v[2 * j + 1];
            o++;
        }
    fr->n = o;
    if (fr->n == fr->cap) {
        size_t cap = fr->cap ? 2 * fr->cap : 64;
        double *v = realloc(fr->v, 2 * cap * sizeof *v);
        if (!v)
            return; /* progress only */
        fr->v = v;
        fr->cap = cap;
    }
    fr->v[2 * fr->n] = e;
    fr->v[2 * fr->n + 1] = ns;
    fr->n++;
}

static void draw_inproc(runner_t *r, uint64_t todo, uint64_t got, int force)
{
    double t = now_s();
    if (!r->tty || (!force && t - r->last_draw < 0.2))
        return;
    r->last_draw = t;
    char bar[33], el[32], eta[32] = "-";
    int w = 30, fill = todo ? (int)(got * (uint64_t)w / todo) : w;
    for (int i = 0; i < w; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[w] = '\0';
    fmt_dur(el, sizeof el, t - r->t0);
    const double rate = t > r->t0 ? (double)got / (t - r->t0) : 0;
    if (got && got < todo)
        fmt_dur(eta, sizeof eta, (double)(todo - got) / rate);
    else if (got >= todo)
        snprintf(eta, sizeof eta, "0:00");
    fprintf(stderr,
            "\r[%s] %llu/%llu points in process, %.0f points/s, %s elapsed, ETA %s, "
            "front %llu\033[K",
            bar, (unsigned long long)got, (unsigned long long)todo, rate, el, eta,
            (unsigned long long)r->front);
    fflush(stderr);
}

/* Records one worker result: ok points are done; the others stay pending for a child. */
static void inproc_take(runner_t *r, const inproc_msg_t *m, front2_t *fr, uint64_t *got)
{
    const uint64_t k = m->k;
    (*got)++;
    if (k >= r->n_sel || r->state[k] != PT_PENDING || m->st != ST_OK)
        return;
    r->state[k] = PT_OK;
    r->inproc[k] = 1;
    r->figs[k] = m->f;
    r->done++;
    r->finished_here++;
    if (r->tty) {
        front_add(fr, m->f.energy_pj, m->f.latency_ns);
        r->front = fr->n;
    }
    if (r->stop_after && r->finished_here >= r->stop_after)
        g_stop = 1;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Worker w of nw: the chunks c of list with c % nw == w, results to fd.  Never returns. */
static void inproc_worker(runner_t *r, sweep_eval_t *ev, const uint64_t *list, uint64_t n,
                          uint64_t w, uint64_t nw, int fd)
{
    inproc_msg_t buf[INPROC_BATCH];
    int nb = 0;
    memset(buf, 0, sizeof buf);
    for (uint64_t c = w * INPROC_CHUNK; c < n; c += nw * INPROC_CHUNK)
        for (uint64_t j = c; j < n && j < c + INPROC_CHUNK; j++) {
            inproc_msg_t *m = &buf[nb++];
            m->k = list[j];
            m->st = sweep_eval_point(ev, r->sel[list[j]], &m->f);
            if (nb == INPROC_BATCH) {
                if (write_all(fd, buf, sizeof buf))
                    _exit(1);
                nb = 0;
            }
        }
    if (nb && write_all(fd, buf, (size_t)nb * sizeof *buf))
        _exit(1);
    _exit(0);
}

/* Evaluates the pending analytic points that --keep does not ask traces of, in nw worker
 * processes (forked: each has its own evaluator and cache), or in this process when nw is
 * 1 or under MPI (the ranks are the workers).  Points a worker cannot finish stay pending
 * and run as children afterwards.  Stops early on g_stop. */
static void run_inproc(runner_t *r, uint64_t nw, const unsigned char *keep, int keep_all)
{
    sweep_eval_t *ev = NULL;
    uint64_t *list = NULL, n = 0, got = 0;
    front2_t fr = {0};
    if (keep_all || sweep_eval_create(r->s, !sim_engine_available(), &ev) != ST_OK ||
        !(list = malloc((r->n_sel ? r->n_sel : 1) * sizeof *list))) {
        sweep_eval_destroy(ev);
        return; /* every point runs as a child */
    }
    for (uint64_t k = 0; k < r->n_sel; k++)
        if (r->state[k] == PT_PENDING && sweep_eval_inproc(ev, r->sel[k]) &&
            !(keep && sweep_bad_test(keep, r->sel[k])))
            list[n++] = k;
    if (n == 0)
        goto out;
    if (nw > (n + INPROC_CHUNK - 1) / INPROC_CHUNK)
        nw = (n + INPROC_CHUNK - 1) / INPROC_CHUNK;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    const double t0 = now_s();
    if (nw <= 1 || r->size > 1) {
        for (uint64_t j = 0; j < n && !g_stop; j++) {
            inproc_msg_t m;
            memset(&m, 0, sizeof m);
            m.k = list[j];
            m.st = sweep_eval_point(ev, r->sel[list[j]], &m.f);
            inproc_take(r, &m, &fr, &got);
            draw_inproc(r, n, got, 0);
        }
    } else {
        pid_t pid[1024];
        int fd[1024];
        size_t have[1024]; /* bytes of a partial message kept per worker */
        static inproc_msg_t part[1024];
        uint64_t live = 0;
        for (uint64_t w = 0; w < nw; w++) {
            int pfd[2];
            pid[w] = -1;
            fd[w] = -1;
            have[w] = 0;
            if (pipe(pfd) != 0)
                continue; /* its points stay pending: children run them */
            fflush(NULL);
            pid[w] = fork();
            if (pid[w] == 0) {
                signal(SIGINT, SIG_DFL);
                signal(SIGTERM, SIG_DFL);
                close(pfd[0]);
                for (uint64_t v = 0; v < w; v++)
                    if (fd[v] >= 0)
                        close(fd[v]);
                inproc_worker(r, ev, list, n, w, nw, pfd[1]);
            }
            close(pfd[1]);
            if (pid[w] < 0) {
                close(pfd[0]);
                continue;
            }
            fd[w] = pfd[0];
            live++;
        }
        while (live && !g_stop) {
            fd_set rd;
            int maxfd = -1;
            FD_ZERO(&rd);
            for (uint64_t w = 0; w < nw; w++)
                if (fd[w] >= 0) {
                    FD_SET(fd[w], &rd);
                    maxfd = fd[w] > maxfd ? fd[w] : maxfd;
                }
            struct timeval to = {0, 250000};
            int ready = select(maxfd + 1, &rd, NULL, NULL, &to);
            for (uint64_t w = 0; ready > 0 && w < nw; w++) {
                if (fd[w] < 0 || !FD_ISSET(fd[w], &rd))
                    continue;
                inproc_msg_t buf[INPROC_BATCH];
                char *p = (char *)buf;
                size_t off = have[w];
                memcpy(p, &part[w], off);
                ssize_t got_b = read(fd[w], p + off, sizeof buf - off);
                if (got_b < 0 && errno == EINTR)
                    continue;
                if (got_b <= 0) {
                    close(fd[w]);
                    fd[w] = -1;
                    live--;
                    continue;
                }
                size_t tot = off + (size_t)got_b, whole = tot / sizeof *buf;
                for (size_t j = 0; j < whole; j++)
                    inproc_take(r, &buf[j], &fr, &got);
                have[w] = tot - whole * sizeof *buf;
                memcpy(&part[w], p + whole * sizeof *buf, have[w]);
            }
            draw_inproc(r, n, got, 0);
        }
        for (uint64_t w = 0; w < nw; w++) {
            if (pid[w] > 0 && g_stop)
                kill(pid[w], SIGTERM);
            if (fd[w] >= 0)
                close(fd[w]);
        }
        for (uint64_t w = 0; w < nw; w++)
            if (pid[w] > 0)
                while (waitpid(pid[w], NULL, 0) < 0 && errno == EINTR)
                    ;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (r->tty) {
        draw_inproc(r, n, got, 1);
        fputc('\n', stderr);
    } else {
        const double dt = now_s() - t0;
        fprintf(stderr, "%s%llu of %llu points evaluated in process (%.1f s, %.0f points/s)\n",
                r->size > 1 ? "rank: " : "", (unsigned long long)got, (unsigned long long)n, dt,
                dt > 0 ? (double)got / dt : 0.0);
    }
out:
    free(fr.v);
    free(list);
    sweep_eval_destroy(ev);
}

/* --keep pareto: the points of this process on the energy-latency front of its ok
 * in-process rows run again as children, which write their traces (their rows do not
 * change: the two paths give the same bytes). */
static int keep_front(runner_t *r)
{
    uint64_t n = 0;
    for (uint64_t k = 0; k < r->n_sel; k++)
        n += r->state[k] == PT_OK && r->inproc[k];
    if (n == 0)
        return 0;
    double *obj = malloc(2 * n * sizeof *obj);
    uint64_t *pos = malloc(n * sizeof *pos);
    unsigned char *on = malloc(n);
    uint32_t *work = malloc(2 * n * sizeof *work);
    if (!obj || !pos || !on || !work) {
        free(obj);
        free(pos);
        free(on);
        free(work);
        return -1;
    }
    n = 0;
    for (uint64_t k = 0; k < r->n_sel; k++)
        if (r->state[k] == PT_OK && r->inproc[k]) {
            obj[2 * n] = r->figs[k].energy_pj;
            obj[2 * n + 1] = r->figs[k].latency_ns;
            pos[n++] = k;
        }
    nsga2_front2(obj, n, on, work);
    for (uint64_t j = 0; j < n; j++)
        if (on[j]) {
            r->state[pos[j]] = PT_PENDING;
            r->inproc[pos[j]] = 0;
            r->done--;
            r->finished_here--;
        }
    r->next = 0;
    free(obj);
    free(pos);
    free(on);
    free(work);
    return 0;
}

/* --keep LIST into a bitmap of n bits ("3,17,40-60"): 0, or -1 after a usage error. */
static int parse_keep(const args_t *a, cli_loc_t loc, const char *v, uint64_t n, unsigned char *map)
{
    const char *p = v;
    for (;;) {
        char *end;
        if (*p < '0' || *p > '9')
            goto bad;
        unsigned long long lo = strtoull(p, &end, 10), hi = lo;
        p = end;
        if (*p == '-') {
            if (p[1] < '0' || p[1] > '9')
                goto bad;
            hi = strtoull(p + 1, &end, 10);
            p = end;
        }
        if (hi < lo || hi >= n) {
            cli_loc_error(a, loc,
                          "--keep: point %llu: expected point indices in [0, %llu] (the sweep "
                          "has %llu points)",
                          hi < lo ? lo : hi, (unsigned long long)(n ? n - 1 : 0),
                          (unsigned long long)n);
            return -1;
        }
        for (unsigned long long i = lo; i <= hi; i++)
            map[i >> 3] |= (unsigned char)(1u << (i & 7));
        if (!*p)
            return 0;
        if (*p++ != ',')
            goto bad;
    }
bad:
    cli_loc_error(a, loc,
                  "--keep: expected all, pareto, none or point indices and ranges such as "
                  "3,17,40-60, got \"%s\"",
                  v);
    return -1;
}

/* ---- The command ---- */

/* 1 when d holds any entry (besides . and ..). */
static int dir_has_entries(trc_dir_t *d)
{
    int fd = openat(trc_dir_fd(d), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return 1; /* unreadable: do not take it for empty */
    }
    int any = 0;
    struct dirent *e;
    while (!any && (e = readdir(dir)) != NULL)
        any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(dir);
    return any;
}

/* --shard I/N (at loc) into *I, *N; CLI_OK or CLI_EUSAGE (printed). */
static int parse_shard(const args_t *a, cli_loc_t loc, const char *v, uint64_t *I, uint64_t *N)
{
    const char *slash = strchr(v, '/');
    char left[32];
    if (!slash || (size_t)(slash - v) >= sizeof left || !slash[1])
        return cli_loc_error(a, loc, "--shard: expected I/N (e.g. 0/4), got \"%s\"", v);
    memcpy(left, v, (size_t)(slash - v));
    left[slash - v] = '\0';
    cli_loc_t nloc = {loc.argi, loc.off + (uint32_t)(slash - v) + 1};
    if (cli_loc_u64(a, nloc, "--shard N", slash + 1, 1, 1000000, N) ||
        cli_loc_u64(a, loc, "--shard I", left, 0, *N - 1, I))
        return CLI_EUSAGE;
    return CLI_OK;
}

/* Shard from a Slurm job array, when --shard was not given.  CLI_OK or CLI_EUSAGE. */
static int slurm_shard(uint64_t *I, uint64_t *N, int *have)
{
    const char *id = getenv("SLURM_ARRAY_TASK_ID"), *cnt = getenv("SLURM_ARRAY_TASK_COUNT"),
               *min = getenv("SLURM_ARRAY_TASK_MIN"), *max = getenv("SLURM_ARRAY_TASK_MAX");
    if (!id || !cnt)
        return CLI_OK;
    char *e1, *e2, *e3 = NULL, *e4 = NULL;
    unsigned long long i = strtoull(id, &e1, 10), n = strtoull(cnt, &e2, 10),
                       m = min ? strtoull(min, &e3, 10) : 0,
                       x = max ? strtoull(max, &e4, 10) : m + n - 1;
    /* Only an array of consecutive ids maps onto shards: --array=3,7 (a rerun of two
     * tasks) would otherwise run the wrong points. */
    if (*e1 || *e2 || (min && *e3) || (max && *e4) || n == 0 || i < m || i - m >= n ||
        x - m + 1 != n) {
        fprintf(stderr,
                "neuspin: error: SLURM_ARRAY_TASK_ID=%s, SLURM_ARRAY_TASK_COUNT=%s: "
                "expected an array of consecutive task ids (sbatch --array=0-%llu); "
                "to rerun some tasks, give --shard I/N\n",
                id, cnt, n ? n - 1 : 0);
        return CLI_EUSAGE;
    }
    *I = i - m;
    *N = n;
    *have = 1;
    return CLI_OK;
}

/* Parses rank texts "S <code> <ok> <failed> <interrupted>\n" + "R <index>\t<row>\n"...
 * into rows (borrowing from all) and totals. */
static size_t parse_gathered(char *all, sweep_row_t *rows, uint64_t *ok, uint64_t *failed,
                             uint64_t *intr, uint64_t *inval)
{
    size_t n = 0;
    for (char *p = all; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (p[0] == 'S') {
            unsigned long long a = 0, b = 0, c = 0, d = 0;
            if (sscanf(p, "S %llu %llu %llu %llu", &a, &b, &c, &d) == 4) {
                *ok += a;
                *failed += b;
                *intr += c;
                *inval += d;
            }
        } else if (p[0] == 'R') {
            char *tab = strchr(p, '\t');
            if (tab) {
                rows[n].index = strtoull(p + 2, NULL, 10);
                rows[n].text = tab + 1;
                n++;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

/* The command line's base settings (-a, -p, -T, --seed, -m, --timing) over the file's. */
static int apply_base(const args_t *a, sweep_t *s, const cli_runopts_t *ro)
{
    int rc;
    if (ro->arch) {
        arch_t base;
        if ((rc = cli_load_arch(ro->arch, &base)))
            return rc;
        char *given = strdup(ro->arch), *spec = strdup(ro->arch);
        if (!given || !spec) {
            free(given);
            free(spec);
            fprintf(stderr, "neuspin: error: out of memory\n");
            return CLI_ERUN;
        }
        free(s->arch_given);
        free(s->arch_spec);
        s->arch_given = given;
        s->arch_spec = spec;
        s->base = base;
        for (uint32_t k = 0; k < s->n_wl; k++) { /* -a: every model runs on it */
            free(s->wl[k].arch);
            free(s->wl[k].arch_spec);
            s->wl[k].arch = NULL;
            s->wl[k].arch_spec = NULL;
        }
    }
    if ((rc = cli_apply_overrides(a, &s->base, ro)))
        return rc;
    for (uint32_t k = 0; k < s->n_wl; k++)
        if (s->wl[k].arch && (rc = cli_apply_overrides(a, s->wl[k].arch, ro)))
            return rc;
    if (s->eval.on && ro->timing >= 0 && strcmp(sweep_timing_names[ro->timing], "analytic")) {
        fprintf(stderr, "neuspin: error: sweep: --timing: an eval sweep's cost is analytic, as "
                        "neuspin eval's\n");
        return CLI_EUSAGE;
    }
    if (ro->T)
        s->T = ro->T;
    if (ro->have_seed)
        s->seed = ro->seed;
    s->device_seed = ro->device_seed;
    if (ro->mapping)
        s->mapping = ro->mapping;
    if (ro->timing >= 0)
        s->timing = (uint32_t)ro->timing + 1;
    return CLI_OK;
}

int cli_sweep(args_t *a)
{
    const char *file = NULL, *out = NULL;
    uint64_t jobs = 1, shard_i = 0, shard_n = 1;
    int resume = 0, restart = 0, dry = 0, have_shard = 0, skip_invalid = 0, rc;
    unsigned char *bad_map = NULL;  /* --skip-invalid: the invalid points */
    unsigned char *keep_map = NULL; /* --keep LIST */
    const char *keep = NULL;
    cli_loc_t keep_loc = {0, 0};
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_sweep_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        switch (id) {
        case O_RESUME:
            resume = 1;
            break;
        case O_RESTART:
            restart = 1;
            break;
        case O_DRY:
            dry = 1;
            break;
        case O_SKIP:
            skip_invalid = 1;
            break;
        case O_KEEP:
            keep = v;
            keep_loc = loc;
            break;
        case O_OUT:
            out = v;
            break;
        case O_JOBS:
            if (cli_loc_u64(a, loc, "-j", v, 1, 1024, &jobs))
                return CLI_EUSAGE;
            break;
        case O_SHARD:
            if (parse_shard(a, loc, v, &shard_i, &shard_n))
                return CLI_EUSAGE;
            have_shard = 1;
            break;
        case CLI_OPT_ARG:
            if (file)
                return cli_loc_error(a, loc, "unexpected argument '%s': one sweep file at a time",
                                     v);
            file = v;
            break;
        default:
            if (cli_runopts_take(&ro, a, id, v, loc) < 0)
                return CLI_EUSAGE;
        }
    }
    if (ex >= 0)
        return ex;
    if (!file)
        return cli_usage_error(a, a->argc, "%s",
                               "sweep: expected a sweep file (see 'neuspin sweep --help')");
    if (out && strlen(out) > SWEEP_MAX_DIR)
        return cli_usage_error(a, a->argc,
                               "sweep: -o: expected a path of at most %d bytes, got %zu",
                               SWEEP_MAX_DIR, strlen(out));
    if (!out && !dry)
        return cli_usage_error(a, a->argc, "%s", "sweep: expected -o DIR");
    if (resume && restart)
        return cli_usage_error(a, a->argc, "%s",
                               "sweep: --resume and --restart exclude each other");
    if (!have_shard && (rc = slurm_shard(&shard_i, &shard_n, &have_shard)))
        return rc;

    int rank = 0, size = 1;
    if (sweep_mpi_init(&rank, &size) != 0)
        return CLI_ERUN;
    if (sweep_mpi_started())
        cli_spawn_exec_only(); /* MPI's state must not be forked into a run */

    /* Every rank loads and checks (the same file gives the same answer); rank 0 speaks. */
    sweep_t *s = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    rc = CLI_OK;
    /* every file the loaders read, includes too, by content (sweep.json "inputs") */
    inputs_t in = {0};
    ydoc_read_hook_set(record_input, &in);
    int st = sweep_load(file, &s, &dl);
    if (st == ST_OK && (rc = apply_base(a, s, &ro)) != CLI_OK) {
        ydoc_read_hook_set(NULL, NULL);
        goto out_early;
    }
    ydoc_read_hook_set(NULL, NULL);
    if (st == ST_OK && in.oom)
        st = ST_ENOMEM;
    if (st == ST_OK && s->eval.on && !dry && record_eval_inputs(s, &in)) {
        rc = CLI_ERUN;
        goto out_early;
    }
    uint64_t n_bad = 0;
    if (st == ST_OK)
        st = sweep_check_map(s, &dl, &n_bad, skip_invalid ? &bad_map : NULL);
    if (st == ST_ECONFIG && skip_invalid && n_bad < s->n_points) {
        if (rank == 0) {
            arch_diag_print(stderr, &dl);
            fprintf(stderr,
                    "neuspin: %llu of %llu points invalid; --skip-invalid: they are not "
                    "run, and their summary rows say why\n",
                    (unsigned long long)n_bad, (unsigned long long)s->n_points);
        }
        st = ST_OK;
    }
    if (st != ST_OK) {
        if (rank == 0) {
            arch_diag_print(stderr, &dl);
            if (n_bad)
                fprintf(stderr, "neuspin: %llu of %llu points invalid; nothing was run\n",
                        (unsigned long long)n_bad, (unsigned long long)s->n_points);
        }
        rc = st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
        goto out_early;
    }

    const int keep_all = keep && !strcmp(keep, "all");
    const int keep_pareto = keep && !strcmp(keep, "pareto");
    if (keep && !keep_all && !keep_pareto && strcmp(keep, "none")) {
        keep_map = calloc((size_t)(s->n_points / 8 + 1), 1);
        if (!keep_map) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            rc = CLI_ERUN;
            goto out_early;
        }
        if (parse_keep(a, keep_loc, keep, s->n_points, keep_map)) {
            rc = CLI_EUSAGE;
            goto out_early;
        }
    }

    runner_t r;
    trc_dir_t *od = NULL;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.dir = out;
    r.width = sweep_id_width(s);
    r.rank = rank;
    r.size = size;
    r.max_jobs = (int)jobs;
    r.tty = isatty(STDERR_FILENO);
    const char *stop = getenv("NEUSPIN_SWEEP_STOP_AFTER");
    r.stop_after = stop ? strtoull(stop, NULL, 10) : 0;
    /* This process's points: the shard's, then every size-th of them from rank. */
    uint64_t n_shard = s->n_points / shard_n + (shard_i < s->n_points % shard_n);
    r.sel = malloc((n_shard / (uint64_t)size + 1) * sizeof *r.sel);
    if (!r.sel) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        rc = CLI_ERUN;
        goto out_early;
    }
    for (uint64_t i = shard_i, pos = 0; i < s->n_points; i += shard_n, pos++)
        if (pos % (uint64_t)size == (uint64_t)rank)
            r.sel[r.n_sel++] = i;

    if (dry) {
        if (rank == 0)
            printf("# %llu points%s; the command line of each\n", (unsigned long long)s->n_points,
                   have_shard ? " (this shard's)" : "");
        for (uint64_t k = 0; k < r.n_sel; k++) {
            char dir[4200], **argv = NULL;
            snprintf(dir, sizeof dir, "%s/points/%0*llu", out ? out : "DIR", r.width,
                     (unsigned long long)r.sel[k]);
            net_paths_t np = {.out = out ? out : "DIR"};
            if (sweep_point_argv_net(s, r.sel[k], dir, net_path, &np, &argv) != ST_OK) {
                rc = CLI_ERUN;
                break;
            }
            for (char **p = argv; *p; p++)
                printf("%s%s", p == argv ? "" : " ", *p);
            printf("\n");
            free(argv);
        }
        free(r.sel);
        goto out_early;
    }

    /* The output directory: it must hold this sweep or nothing.  Rank 0 opens (creating),
     * locks it against another sweep, removes what a killed writer left and writes
     * sweep.json; then every rank opens DIR/points, never through a planted link. */
    char err[700] = "", what[4300];
    int cmp = TRC_SWEEP_SAME;
    size_t mlen = 0;
    char *man = use_snapshots(s, out, &in) == ST_OK ? manifest(s, &in, &ro, &mlen) : NULL,
         *old = NULL;
    int setup = 0;
    if (!man) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        setup = CLI_ERUN;
    } else if (rank == 0) {
        if (trc_dir_open(out, 1, &od, err, sizeof err) != ST_OK ||
            trc_dir_lock(od, err, sizeof err) != ST_OK) {
            fprintf(stderr, "neuspin: error: %s\n", err);
            setup = CLI_ERUN;
        } else {
            trc_dir_clean_tmp(od);
            if (trc_dir_has_file(od, "sweep.json") &&
                trc_dir_read(od, "sweep.json", 64u << 20, &old, NULL, err, sizeof err) != ST_OK) {
                fprintf(stderr, "neuspin: error: %s\n", err);
                setup = CLI_EUSAGE;
            } else if (!old && dir_has_entries(od)) {
                fprintf(stderr,
                        "neuspin: error: %s: not empty and holds no sweep.json, so it is "
                        "not a sweep directory; use a new or empty -o DIR\n",
                        out);
                setup = CLI_EUSAGE;
            } else if (old && !restart &&
                       (cmp = trc_sweep_manifest_cmp(old, strlen(old), man, mlen, what,
                                                     sizeof what)) != TRC_SWEEP_SAME) {
                if (cmp == TRC_SWEEP_INPUTS)
                    fprintf(stderr,
                            "neuspin: error: %s: %s changed since this sweep started "
                            "(%s/sweep.json records its SHA-256); restore it, or give "
                            "--restart to start over\n",
                            out, what, out);
                else
                    fprintf(stderr,
                            "neuspin: error: %s holds another sweep (%s differs in "
                            "%s/sweep.json); use another -o DIR, or --restart\n",
                            out, what, out);
                setup = CLI_EUSAGE;
            } else if ((restart ? (remove_results(od), 0) : 0) ||
                       ((!old || strcmp(old, man) != 0) &&
                        trc_dir_write(od, "sweep.json", man, mlen, err, sizeof err) != ST_OK) ||
                       write_inputs(s, &in, od, err, sizeof err) != ST_OK) {
                fprintf(stderr, "neuspin: error: %s\n", err);
                setup = CLI_ERUN;
            } else if (trc_dir_sub(od, "points", 1, &r.points, err, sizeof err) != ST_OK) {
                fprintf(stderr, "neuspin: error: %s\n", err);
                setup = CLI_ERUN;
            } else {
                trc_dir_clean_tmp(r.points);
            }
        }
    }
    free(old);
    free(man);
    setup = sweep_mpi_max(setup);
    if (!setup && rank != 0) {
        trc_dir_t *d0 = NULL;
        if (trc_dir_open(out, 0, &d0, err, sizeof err) != ST_OK ||
            trc_dir_sub(d0, "points", 0, &r.points, err, sizeof err) != ST_OK) {
            fprintf(stderr, "neuspin: error: rank %d: %s\n", rank, err);
            setup = CLI_ERUN;
        }
        trc_dir_close(d0);
    }
    r.state = calloc(r.n_sel ? r.n_sel : 1, 1);
    r.err = calloc(r.n_sel ? r.n_sel : 1, sizeof *r.err);
    r.jobs = calloc((size_t)jobs, sizeof *r.jobs);
    r.inproc = calloc(r.n_sel ? r.n_sel : 1, 1);
    r.figs = calloc(r.n_sel ? r.n_sel : 1, sizeof *r.figs);
    if (!setup && (!r.state || !r.err || !r.jobs || !r.inproc || !r.figs)) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        setup = CLI_ERUN;
    }
    setup = sweep_mpi_max(setup);
    if (setup) {
        rc = setup;
        goto out;
    }
    for (uint64_t k = 0; bad_map && k < r.n_sel; k++) /* --skip-invalid */
        if (sweep_bad_test(bad_map, r.sel[k])) {
            r.state[k] = PT_INVALID;
            r.invalid++;
            r.done++;
        }

    if (resume) {
        /* done: run.json present and every file it names there, unaltered */
        uint64_t altered = 0;
        for (uint64_t k = 0; k < r.n_sel; k++) {
            if (r.state[k] == PT_INVALID)
                continue;
            if (point_verify(&r, r.sel[k], err, sizeof err) == ST_OK) {
                r.state[k] = PT_OK;
                r.done++;
                r.skipped++;
            } else if (!strstr(err, "run.json: missing") && !strstr(err, "eval.json: missing") &&
                       !strstr(err, "No such file")) {
                altered++;
                fprintf(stderr, "neuspin: note: point %llu runs again: %s\n",
                        (unsigned long long)r.sel[k], err);
            }
        }
        char who[32] = "";
        if (size > 1)
            snprintf(who, sizeof who, "rank %d: ", rank);
        fprintf(stderr,
                "%sresume: %llu of %llu points already complete, %llu to run (%llu of "
                "them incomplete or altered)\n",
                who, (unsigned long long)r.skipped, (unsigned long long)r.n_sel,
                (unsigned long long)(r.n_sel - r.skipped - r.invalid), (unsigned long long)altered);
    }

    r.t0 = now_s();
    g_stop = 0;
    if (s->eval.on) { /* every point is a `neuspin eval` child; the cost comes in process */
        if (sweep_eval_create(s, 1, &r.cost) != ST_OK) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            rc = CLI_ERUN;
            goto out;
        }
    } else {
        run_inproc(&r, jobs, keep_map, keep_all);
    }
    r.last_draw = 0;
    run_points(&r);
    if (keep_pareto && !g_stop) {
        if (keep_front(&r) == 0)
            run_points(&r);
        else
            fprintf(stderr, "neuspin: error: out of memory; --keep pareto wrote no traces\n");
    }
    int code = g_stop && r.done < r.n_sel ? CLI_EINTR : r.failed ? CLI_ERUN : CLI_OK;

    /* This rank's rows as text, gathered on rank 0.  The rows come first: a point whose
     * outputs cannot be read back is failed, and the counts say so too. */
    char *mine = NULL;
    size_t mine_len = 0;
    FILE *m = open_memstream(&mine, &mine_len);
    int bad = !m;
    if (m) {
        char *rows = NULL;
        size_t rows_len = 0;
        FILE *rm = open_memstream(&rows, &rows_len);
        bad = !rm;
        for (uint64_t k = 0; rm && k < r.n_sel; k++) {
            if (r.state[k] != PT_OK && r.state[k] != PT_FAILED && r.state[k] != PT_INVALID)
                continue;
            int was_ok = r.state[k] == PT_OK;
            char *row = summary_row(&r, k);
            if (!row) {
                bad = 1;
                break;
            }
            if (was_ok && r.state[k] == PT_FAILED)
                r.failed++;
            fprintf(rm, "R %llu\t%s\n", (unsigned long long)r.sel[k], row);
            free(row);
        }
        if (rm)
            bad |= fclose(rm) != 0;
        fprintf(m, "S %llu %llu %llu %llu\n", (unsigned long long)(r.done - r.failed - r.invalid),
                (unsigned long long)r.failed, (unsigned long long)(r.n_sel - r.done),
                (unsigned long long)r.invalid);
        if (rows)
            fwrite(rows, 1, rows_len, m);
        free(rows);
        bad |= fclose(m) != 0;
    }
    char *all = NULL;
    size_t all_len = 0;
    if (bad || sweep_mpi_gather(mine ? mine : "", bad ? 0 : mine_len, &all, &all_len) != 0) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        code = CLI_ERUN;
    }
    free(mine);
    code = sweep_mpi_max(code);
    if (rank == 0 && all) {
        uint64_t ok = 0, failed = 0, left = 0;
        size_t lines = 1;
        for (const char *p = all; *p; p++)
            lines += *p == '\n';
        sweep_row_t *rows = malloc(lines * sizeof *rows);
        char *header = summary_header_eval(s), name[96];
        if (have_shard)
            snprintf(name, sizeof name, "summary.shard-%llu-of-%llu.csv",
                     (unsigned long long)shard_i, (unsigned long long)shard_n);
        else
            snprintf(name, sizeof name, "summary.csv");
        if (!rows || !header) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            code = CLI_ERUN;
        } else {
            uint64_t inval = 0;
            size_t n = parse_gathered(all, rows, &ok, &failed, &left, &inval);
            if (sweep_write_rows(out, name, header, rows, n) != 0)
                code = CLI_ERUN;
            else if (code == CLI_EINTR)
                fprintf(stderr,
                        "neuspin: interrupted: %llu ok, %llu failed, %llu not run; wrote "
                        "%s/%s; run again with --resume to continue\n",
                        (unsigned long long)ok, (unsigned long long)failed,
                        (unsigned long long)left, out, name);
            else if (inval)
                fprintf(stderr,
                        "neuspin: %llu points: %llu ok, %llu failed, %llu invalid "
                        "(skipped); wrote %s/%s (%.1f s)\n",
                        (unsigned long long)(ok + failed + inval), (unsigned long long)ok,
                        (unsigned long long)failed, (unsigned long long)inval, out, name,
                        now_s() - r.t0);
            else
                fprintf(stderr,
                        "neuspin: %llu points: %llu ok, %llu failed; wrote %s/%s "
                        "(%.1f s)\n",
                        (unsigned long long)(ok + failed), (unsigned long long)ok,
                        (unsigned long long)failed, out, name, now_s() - r.t0);
        }
        free(rows);
        free(header);
    }
    free(all);
    rc = code;
out:
    sweep_eval_destroy(r.cost);
    for (uint64_t k = 0; r.err && k < r.n_sel; k++)
        free(r.err[k]);
    free(r.err);
    free(r.state);
    free(r.inproc);
    free(r.figs);
    free(r.jobs);
    free(r.sel);
    trc_dir_close(r.points);
    trc_dir_close(od);
out_early:
    free(bad_map);
    free(keep_map);
    inputs_free(&in);
    sweep_destroy(s);
    sweep_mpi_finalize();
    return rc;
}
