/* plot.c - `neuspin plot DIR -o OUT`: figures of what neuspin wrote, as data plus fixed
 * gnuplot templates.
 *
 *   a sweep (DIR/summary.csv)      energy vs latency of every point, Pareto front marked
 *   a run (DIR/layers.csv)         per layer: energy stacked by component, and latency
 *   a comparison (DIR/compare.csv) one panel per metric, each normalised to a baseline
 *
 * Every input is read through traces/ (trc_read.h: checked CSV and JSON readers).  Each
 * figure is NAME.gp (a template from traces/plots, never generated text), its data NAME.dat
 * and NAME.labels (user strings made safe by trc_safe_text, numbers checked as numbers by
 * the readers), and the SVG and PNG that `gnuplot -c NAME.gp` renders in OUT.  Files are
 * made through trc_fs.h; gnuplot is started with posix_spawnp (no shell) in OUT's
 * descriptor, so nothing a user wrote ever becomes gnuplot or shell code. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addfchdir_np */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"
#include "child.h"
#include "cli.h"
#include "cli_int.h"
#include "trc_fs.h"
#include "trc_plot.h"
#include "trc_read.h"

extern char **environ;

enum { O_OUT = 1, O_BASELINE };

static const cli_opt_t plot_opts[] = {
    {O_OUT, 'o', "output", "OUT", "output directory (default: DIR/plots)"},
    {O_BASELINE, 0, "baseline", "ARCH",
     "the architecture the comparison is normalised to (default: the\nfirst one)"},
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_plot_cmd = {
    "plot", "[OPTION]... DIR",
    "Renders with gnuplot (Debian package gnuplot-nox), as SVG and PNG:\n"
    "  a sweep directory (summary.csv)     energy vs latency of every point, coloured by a\n"
    "                                      varied axis, the Pareto front marked and labelled\n"
    "                                      -> energy-latency.*\n"
    "  a run directory (layers.csv)        per layer: energy per image stacked by component,\n"
    "                                      and latency per image -> layer-energy.*\n"
    "  a compare directory (compare.csv)   one panel per metric (energy, latency, RNG\n"
    "                                      modules, random bits, memory, tiles), each\n"
    "                                      architecture's ratio to the baseline -> schemes.*\n"
    "Next to each figure: its data (.dat, .labels) and gnuplot script (.gp); edit the script\n"
    "and run 'gnuplot -c NAME.gp' in OUT to redraw.",
    plot_opts, NULL};

/* Prints a reader's message: a `FILE:LINE:COL: error:` line as it is, anything else after
 * "neuspin: error: ". */
static void print_err(const char *err)
{
    fprintf(stderr, "%s%s\n", strstr(err, ": error: ") ? "" : "neuspin: error: ", err);
}

/* ---- Units ---- */

typedef struct unit {
    double div;
    const char *name;
} unit_t;

static unit_t energy_unit(double max_pj)
{
    if (max_pj >= 1e9)
        return (unit_t){1e9, "mJ"};
    if (max_pj >= 1e6)
        return (unit_t){1e6, "µJ"};
    if (max_pj >= 1e3)
        return (unit_t){1e3, "nJ"};
    return (unit_t){1, "pJ"};
}

static unit_t time_unit(double max_ns)
{
    if (max_ns >= 1e9)
        return (unit_t){1e9, "s"};
    if (max_ns >= 1e6)
        return (unit_t){1e6, "ms"};
    if (max_ns >= 1e3)
        return (unit_t){1e3, "µs"};
    return (unit_t){1, "ns"};
}

/* ---- Data text ---- */

/* A user string as one data field: printable, no quote or tab, never empty, never
 * starting with '#' (a comment to gnuplot). */
static const char *field(char *buf, size_t n, const char *s)
{
    trc_safe_text(buf, n, s);
    if (!buf[0])
        snprintf(buf, n, "-");
    if (buf[0] == '#')
        buf[0] = '_';
    return buf;
}

/* ---- Output ---- */

typedef struct out {
    trc_dir_t *d;
    FILE *f; /* memstream of the file being made */
    char *buf;
    size_t len;
} out_t;

static int out_begin(out_t *o)
{
    o->buf = NULL;
    o->len = 0;
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f)
        fprintf(stderr, "neuspin: error: out of memory\n");
    return o->f ? 0 : -1;
}

/* Writes what was printed since out_begin to OUT/name, whole or not at all. */
static int out_end(out_t *o, const char *name)
{
    char err[512];
    int bad = fclose(o->f) != 0;
    o->f = NULL;
    if (bad) {
        free(o->buf);
        fprintf(stderr, "neuspin: error: out of memory\n");
        return -1;
    }
    int rc = trc_dir_write(o->d, name, o->buf, o->len, err, sizeof err);
    free(o->buf);
    if (rc != ST_OK) {
        print_err(err);
        return -1;
    }
    return 0;
}

/* Writes the template NAME.gp to OUT. */
static int out_template(out_t *o, const char *name)
{
    char file[64], err[512];
    const trc_plot_template_t *t = trc_plot_template(name);
    SIM_ASSERT(t != NULL);
    snprintf(file, sizeof file, "%s.gp", name);
    if (trc_dir_write(o->d, file, t->text, t->len, err, sizeof err) != ST_OK) {
        print_err(err);
        return -1;
    }
    return 0;
}

/* Runs `gnuplot -c NAME.gp` in OUT; its messages go to OUT/NAME.log.  CLI_OK or CLI_ERUN
 * (printed). */
static int run_gnuplot(out_t *o, const char *name)
{
    const char *out = trc_dir_path(o->d);
    char script[64], log[64], err[512];
    snprintf(script, sizeof script, "%s.gp", name);
    snprintf(log, sizeof log, "%s.log", name);
    int lfd;
    if (trc_dir_create_fd(o->d, log, &lfd, err, sizeof err) != ST_OK) {
        print_err(err);
        return CLI_ERUN;
    }
    char *argv[] = {"gnuplot", "-c", script, NULL};
    posix_spawn_file_actions_t fa;
    int e = posix_spawn_file_actions_init(&fa);
    if (!e)
        e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, lfd, STDOUT_FILENO);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, lfd, STDERR_FILENO);
    if (!e)
        e = posix_spawn_file_actions_addfchdir_np(&fa, trc_dir_fd(o->d));
    pid_t pid;
    if (!e)
        e = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(lfd);
    if (e == ENOENT) {
        fprintf(stderr,
                "neuspin: error: gnuplot not found in PATH: install the Debian package "
                "gnuplot-nox (apt-get install gnuplot-nox); the data and script are in "
                "%s/%s.dat and %s/%s.gp\n",
                out, name, out, name);
        return CLI_ERUN;
    }
    if (e) {
        fprintf(stderr, "neuspin: error: cannot start gnuplot: %s\n", strerror(e));
        return CLI_ERUN;
    }
    int code = cli_wait(pid);
    char *text = NULL, last[400] = "";
    size_t len = 0;
    if (trc_dir_read(o->d, log, 1 << 20, &text, &len, NULL, 0) == ST_OK) {
        /* gnuplot's messages: the last non-empty line says what went wrong */
        for (char *p = text; p && *p;) {
            char *nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            if (p[strspn(p, " \t\r")])
                trc_safe_text(last, sizeof last, p);
            p = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    if (code != 0) {
        fprintf(stderr, "neuspin: error: gnuplot failed on %s/%s.gp (exit %d)%s%s; see %s/%s\n",
                out, name, code, last[0] ? ": " : "", last, out, log);
        return CLI_ERUN;
    }
    if (len == 0)
        trc_dir_unlink(o->d, log, NULL, 0);
    printf("wrote %s/%s.svg and %s/%s.png (data %s.dat, script %s.gp)\n", out, name, out, name,
           name, name);
    return CLI_OK;
}

/* Reads DIR/FILE as a whole CSV text. */
static int read_csv(const char *dir, const char *file, char **path, char **text, size_t *len,
                    trc_csv_t **c)
{
    char err[512];
    size_t n = strlen(dir) + strlen(file) + 2;
    *text = NULL;
    *c = NULL;
    if (!(*path = malloc(n)))
        return -1;
    snprintf(*path, n, "%s/%s", dir, file);
    if (trc_read_file(*path, TRC_CSV_MAX_BYTES, text, len, err, sizeof err) != ST_OK) {
        print_err(err);
        return -1;
    }
    if (trc_csv_open_mem(*path, *text, *len, c) != ST_OK) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        return -1;
    }
    return 0;
}

/* ---- Sweep: energy vs latency ---- */

#define PLOT_AXES 32   /* axis columns looked at for colouring */
#define PLOT_GROUPS 10 /* an axis with more distinct values does not colour the points */

typedef struct spoint {
    uint64_t id;
    double e_pj, t_ns, a_mm2;
    unsigned char grp; /* its value's index in the colouring axis */
} spoint_t;

/* The distinct values of one axis column (up to PLOT_GROUPS). */
typedef struct saxis {
    char val[PLOT_GROUPS][64]; /* safe text */
    int n;                     /* distinct values; PLOT_GROUPS + 1 = too many */
    int numeric;               /* every value is a number */
} saxis_t;

/* Starts data block g of a grouped figure (blocks are two blank lines apart): its comment
 * and, in gname, its legend title, the axis value of the group, or "design points (n)"
 * when nothing is varied (a NULL axis). */
static void group_begin(FILE *f, int g, const saxis_t *axis, const char *key, size_t n, char *gname,
                        size_t gn)
{
    if (g)
        fprintf(f, "\n\n");
    if (axis) {
        fprintf(f, "# group: %s = %s\n", key, axis->val[g]);
        snprintf(gname, gn, "%s", axis->val[g]);
    } else {
        snprintf(gname, gn, "design points (%zu)", n);
    }
}

/* Index of value v among a's distinct values, adding it; PLOT_GROUPS when too many. */
static unsigned char group_of(saxis_t *a, const char *v)
{
    char s[64], *end;
    strtod(v, &end);
    if (end == v || *end)
        a->numeric = 0;
    field(s, sizeof s, v);
    for (int i = 0; i < a->n && i < PLOT_GROUPS; i++)
        if (!strcmp(a->val[i], s))
            return (unsigned char)i;
    if (a->n >= PLOT_GROUPS) {
        a->n = PLOT_GROUPS + 1;
        return PLOT_GROUPS;
    }
    memcpy(a->val[a->n], s, sizeof s);
    return (unsigned char)a->n++;
}

static int by_latency(const void *a, const void *b)
{
    const spoint_t *x = a, *y = b;
    if (x->t_ns != y->t_ns)
        return x->t_ns < y->t_ns ? -1 : 1;
    if (x->e_pj != y->e_pj)
        return x->e_pj < y->e_pj ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- Eval sweeps: accuracy vs energy, and vs a numeric axis ---- */

#define PLOT_LINES 20 /* lines of accuracy-axis: 10 colours, then dashed */

typedef struct apoint {
    uint64_t id;
    double e_pj, acc, x; /* energy, accuracy in %, the x axis' value */
    unsigned char grp;   /* colour group (accuracy-energy) */
    unsigned char line;  /* line (accuracy-axis) */
} apoint_t;

static int by_line_x(const void *a, const void *b)
{
    const apoint_t *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->x != y->x)
        return x->x < y->x ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* An axis value as shown in a legend: a file path by its last component, then safe text. */
static const char *value_text(char *buf, size_t n, const char *v)
{
    const char *slash = strrchr(v, '/');
    return field(buf, n, slash && slash[1] ? slash + 1 : v);
}

/* The accuracy figures of a summary with an accuracy column (an eval sweep): accuracy vs
 * energy per image, the points coloured as in energy-latency (axis ca of ax, "key"); and,
 * when an axis is numeric with 2 or more values (the one with the most), accuracy against
 * it, a line per combination of the other varied axes (at most PLOT_LINES).  c is the
 * summary, its rows checked already. */
static int plot_accuracy(out_t *o, trc_csv_t *c, const trc_summary_hdr_t *h, saxis_t *ax,
                         unsigned na, int ca, const char *key, const char *wl, const char *T)
{
    apoint_t *p = NULL;
    size_t n = 0, cap = 0;
    int rc = CLI_ERUN, xa = -1, nl = 0, too_many = 0;
    char(*lines)[160] = calloc(PLOT_LINES, sizeof *lines), ktitle[200] = "", xkey[64] = "";
    trc_summary_row_t row;
    if (!lines)
        goto done;
    for (unsigned k = 0; k < na; k++)
        if (ax[k].numeric && ax[k].n >= 2 && (xa < 0 || ax[k].n > ax[xa].n))
            xa = (int)k;
    trc_csv_rewind(c);
    trc_csv_next(c, NULL, 0); /* the header */
    if (xa >= 0)
        field(xkey, sizeof xkey, trc_csv_get(c, h->first_axis + (unsigned)xa));
    for (unsigned k = 0, ko = 0; k < na; k++)
        if ((int)k != xa && ax[k].n >= 2) {
            char kk[64];
            field(kk, sizeof kk, trc_csv_get(c, h->first_axis + k));
            ko += (unsigned)snprintf(ktitle + ko, sizeof ktitle - ko, "%s%s", ko ? ", " : "", kk);
            if (ko >= sizeof ktitle)
                ko = sizeof ktitle - 1;
        }
    while (trc_csv_next(c, NULL, 0) == 1) {
        trc_summary_row(c, h, 0, &row, NULL, 0);
        if (!row.ok)
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            apoint_t *q = realloc(p, ncap * sizeof *q);
            if (!q)
                goto done;
            p = q;
            cap = ncap;
        }
        apoint_t *a = &p[n++];
        a->id = row.point;
        a->e_pj = row.energy_pj;
        a->acc = 100 * row.accuracy;
        a->grp = ca >= 0 ? group_of(&ax[ca], trc_csv_get(c, h->first_axis + (unsigned)ca)) : 0;
        a->x = xa >= 0 ? strtod(trc_csv_get(c, h->first_axis + (unsigned)xa), NULL) : 0;
        char lab[160] = "";
        size_t lo = 0;
        for (unsigned k = 0; k < na; k++)
            if ((int)k != xa && ax[k].n >= 2) {
                char v[64];
                value_text(v, sizeof v, trc_csv_get(c, h->first_axis + k));
                lo += (size_t)snprintf(lab + lo, sizeof lab - lo, "%s%s", lo ? ", " : "", v);
                if (lo >= sizeof lab)
                    lo = sizeof lab - 1;
            }
        if (!lab[0])
            snprintf(lab, sizeof lab, "accuracy");
        int l = 0;
        while (l < nl && strcmp(lines[l], lab) != 0)
            l++;
        if (l == nl && nl < PLOT_LINES)
            snprintf(lines[nl++], sizeof lines[0], "%s", lab);
        else if (l == nl)
            too_many = 1;
        a->line = (unsigned char)(l < PLOT_LINES ? l : 0);
    }
    if (n == 0) { /* plot_sweep found ok points: cannot happen */
        rc = CLI_OK;
        goto done;
    }
    double emin = INFINITY, emax = 0;
    for (size_t i = 0; i < n; i++)
        emin = fmin(emin, p[i].e_pj), emax = fmax(emax, p[i].e_pj);
    unit_t eu = energy_unit(emax);
    int ng = ca < 0 ? 1 : ax[ca].n;
    char model[TRC_NAME_MAX];
    value_text(model, sizeof model, wl);

    if (out_begin(o))
        goto done;
    fprintf(o->f, "# neuspin plot: accuracy and energy per image of the ok points%s%s\n",
            ca < 0 ? "" : "; a block per value of ", key);
    for (int g = 0; g < ng; g++) {
        char gname[96];
        group_begin(o->f, g, ca < 0 ? NULL : &ax[ca], key, n, gname, sizeof gname);
        fprintf(o->f, "point\tenergy_%s\taccuracy_pct\t%s\n", eu.name, gname);
        for (size_t i = 0; i < n; i++)
            if (ca < 0 || p[i].grp == g)
                fprintf(o->f, "%llu\t%.10g\t%.10g\tx\n", (unsigned long long)p[i].id,
                        p[i].e_pj / eu.div, p[i].acc);
    }
    if (out_end(o, "accuracy-energy.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "Accuracy vs energy per image\tmodel %s, T = %s; %zu points\tenergy per image "
            "[%s]\taccuracy on the test images [%%]\t%s\t%d\t%d\n",
            model, T, n, eu.name, ca < 0 ? "-" : key, ng, emax > 30 * emin);
    if (out_end(o, "accuracy-energy.labels") || out_template(o, "accuracy-energy") ||
        run_gnuplot(o, "accuracy-energy") != CLI_OK)
        goto done;
    if (xa < 0) { /* nothing numeric varies */
        rc = CLI_OK;
        goto done;
    }
    if (too_many) {
        fprintf(stderr,
                "neuspin: note: accuracy-axis not drawn: the axes besides %s make more than "
                "%d lines\n",
                xkey, PLOT_LINES);
        rc = CLI_OK;
        goto done;
    }
    qsort(p, n, sizeof *p, by_line_x);
    if (out_begin(o))
        goto done;
    fprintf(o->f, "# neuspin plot: accuracy of the ok points against %s, a block per line\n", xkey);
    for (int l = 0; l < nl; l++) {
        fprintf(o->f, "%s# line: %s\npoint\t%s\taccuracy_pct\t%s\n", l ? "\n\n" : "", lines[l],
                xkey, lines[l]);
        for (size_t i = 0; i < n; i++)
            if (p[i].line == l)
                fprintf(o->f, "%llu\t%.10g\t%.10g\tx\n", (unsigned long long)p[i].id, p[i].x,
                        p[i].acc);
    }
    if (out_end(o, "accuracy-axis.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "Accuracy vs %s\tmodel %s, T = %s; %zu points, %d line%s\t%s\taccuracy on the "
            "test images [%%]\t%s\t%d\t0\n",
            xkey, model, T, n, nl, nl == 1 ? "" : "s", xkey, ktitle[0] ? ktitle : "-", nl);
    if (out_end(o, "accuracy-axis.labels") || out_template(o, "accuracy-axis"))
        goto done;
    rc = run_gnuplot(o, "accuracy-axis");
done:
    free(lines);
    free(p);
    return rc;
}

static int plot_sweep(const char *dir, out_t *o)
{
    char *path = NULL, *text = NULL, err[512];
    size_t len;
    trc_csv_t *c = NULL;
    trc_sweep_info_t *si = NULL;
    spoint_t *p = NULL;
    unsigned char *front = NULL;
    saxis_t *ax = NULL;
    trc_summary_hdr_t h;
    trc_summary_row_t row;
    size_t n = 0, cap = 0, failed = 0;
    int rc = CLI_ERUN, r;

    if (read_csv(dir, "summary.csv", &path, &text, &len, &c) != 0)
        goto done;
    /* sweep.json: the point count and the axes; a summary without one is still drawn */
    struct stat st;
    size_t pn = strlen(dir) + sizeof "/sweep.json";
    char *sp = malloc(pn);
    if (!sp)
        goto done;
    snprintf(sp, pn, "%s/sweep.json", dir);
    r = lstat(sp, &st) == 0 ? trc_sweep_info_read(dir, &si, err, sizeof err) : ST_OK;
    free(sp);
    if (r != ST_OK) {
        print_err(err);
        goto done;
    }
    if (trc_summary_header(c, si ? (int)trc_sweep_n_axes(si) : -1, &h, err, sizeof err) != ST_OK) {
        print_err(err);
        goto done;
    }
    unsigned na = h.n_axes < PLOT_AXES ? h.n_axes : PLOT_AXES;
    ax = calloc(PLOT_AXES, sizeof *ax);
    if (!ax)
        goto done;
    for (unsigned k = 0; k < PLOT_AXES; k++)
        ax[k].numeric = 1;
    /* pass 1: check every row, collect the points and each axis' values */
    while ((r = trc_csv_next(c, err, sizeof err)) == 1) {
        if ((r = trc_summary_row(c, &h, si ? trc_sweep_points(si) : 0, &row, err, sizeof err)))
            break;
        if (!row.ok) {
            failed++;
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            spoint_t *q = realloc(p, ncap * sizeof *q);
            if (!q) {
                r = ST_ENOMEM;
                break;
            }
            p = q;
            cap = ncap;
        }
        p[n].id = row.point;
        p[n].e_pj = row.energy_pj;
        p[n].t_ns = row.latency_ns;
        p[n].a_mm2 = row.area_mm2;
        p[n].grp = 0;
        for (unsigned k = 0; k < na; k++)
            group_of(&ax[k], trc_csv_get(c, h.first_axis + k));
        n++;
    }
    if (r != 0) {
        print_err(r == ST_ENOMEM ? "out of memory" : err);
        goto done;
    }
    if (n == 0) {
        fprintf(stderr, "neuspin: error: %s: no point with status ok to plot\n", path);
        goto done;
    }
    /* The axis whose values colour the points: one with 2..PLOT_GROUPS distinct values
     * among the ok points, a non-numeric one (a scheme, a workload) first, then the one
     * with the fewest values; none when no axis varies. */
    int ca = -1;
    for (unsigned k = 0; k < na; k++) {
        const saxis_t *a = &ax[k];
        if (a->n < 2 || a->n > PLOT_GROUPS)
            continue;
        if (ca < 0 || (!a->numeric && ax[ca].numeric) ||
            (a->numeric == ax[ca].numeric && a->n < ax[ca].n))
            ca = (int)k;
    }
    char key[64] = "";
    if (ca >= 0) {
        trc_csv_rewind(c);
        trc_csv_next(c, NULL, 0); /* the header */
        field(key, sizeof key, trc_csv_get(c, h.first_axis + (unsigned)ca));
        size_t i = 0;
        while (trc_csv_next(c, NULL, 0) == 1) {
            trc_summary_row(c, &h, 0, &row, NULL, 0);
            if (row.ok)
                p[i++].grp = group_of(&ax[ca], trc_csv_get(c, h.first_axis + (unsigned)ca));
        }
    }
    /* Pareto front (both minimized): by latency, keep each point that lowers the energy of
     * every faster one. */
    qsort(p, n, sizeof *p, by_latency);
    if (!(front = calloc(n, 1)))
        goto done;
    double best = INFINITY, emin = INFINITY, emax = 0, tmin = INFINITY, tmax = 0;
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].e_pj < best) {
            front[i] = 1;
            best = p[i].e_pj;
            nf++;
        }
        emin = fmin(emin, p[i].e_pj), emax = fmax(emax, p[i].e_pj);
        tmin = fmin(tmin, p[i].t_ns), tmax = fmax(tmax, p[i].t_ns);
    }
    unit_t eu = energy_unit(emax), tu = time_unit(tmax);
    int ng = ca < 0 ? 1 : ax[ca].n;

    if (out_begin(o))
        goto done;
    fprintf(o->f, "# neuspin plot: the points of summary.csv with status ok, by latency%s%s\n",
            ca < 0 ? "" : "; a block per value of ", key);
    for (int g = 0; g < ng; g++) {
        char gname[96];
        group_begin(o->f, g, ca < 0 ? NULL : &ax[ca], key, n, gname, sizeof gname);
        fprintf(o->f, "point\tlatency_%s\tenergy_%s\tpareto\t%s\n", tu.name, eu.name, gname);
        for (size_t i = 0; i < n; i++)
            if (ca < 0 || p[i].grp == g)
                fprintf(o->f, "%llu\t%.10g\t%.10g\t%d\tx\n", (unsigned long long)p[i].id,
                        p[i].t_ns / tu.div, p[i].e_pj / eu.div, front[i]);
    }
    if (out_end(o, "energy-latency.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "# the Pareto front of energy-latency.dat: no other point is both faster and "
            "cheaper\n# point\tlatency_%s\tenergy_%s\n",
            tu.name, eu.name);
    for (size_t i = 0; i < n; i++)
        if (front[i])
            fprintf(o->f, "%llu\t%.10g\t%.10g\n", (unsigned long long)p[i].id, p[i].t_ns / tu.div,
                    p[i].e_pj / eu.div);
    if (out_end(o, "energy-latency-pareto.dat") || out_begin(o))
        goto done;
    /* subtitle: the workload and T, unless an axis varies them */
    char wl[TRC_NAME_MAX] = "?", T[32] = "?";
    if (si) {
        field(wl, sizeof wl, trc_sweep_base_workload(si));
        if (trc_sweep_base_T(si))
            snprintf(T, sizeof T, "%llu", (unsigned long long)trc_sweep_base_T(si));
        for (unsigned k = 0; k < trc_sweep_n_axes(si); k++) {
            if (!strcmp(trc_sweep_axis_key(si, k), "workload") ||
                !strcmp(trc_sweep_axis_key(si, k), "model"))
                snprintf(wl, sizeof wl, "varied");
            if (!strcmp(trc_sweep_axis_key(si, k), "T"))
                snprintf(T, sizeof T, "varied");
        }
    }
    fprintf(o->f,
            "Design space: energy vs latency per image\tworkload %s, T = %s; %zu points%s, "
            "%zu on the Pareto front%s\tlatency per image [%s]\tenergy per image [%s]\t%s\t%d"
            "\t%d\t%d\t%d\n",
            wl, T, n, failed ? " with status ok" : "", nf,
            nf <= 25 ? " (labelled with their point id)" : "", tu.name, eu.name, ca < 0 ? "-" : key,
            ng, tmax > 30 * tmin, emax > 30 * emin, nf <= 25);
    if (out_end(o, "energy-latency.labels") || out_template(o, "energy-latency"))
        goto done;
    if ((rc = run_gnuplot(o, "energy-latency")) != CLI_OK)
        goto done;
    rc = CLI_ERUN;
    /* second figure: chip area against energy, the same points and groups */
    if (out_begin(o))
        goto done;
    fprintf(o->f, "# neuspin plot: chip area and energy per image of the ok points%s%s\n",
            ca < 0 ? "" : "; a block per value of ", key);
    for (int g = 0; g < ng; g++) {
        char gname[96];
        group_begin(o->f, g, ca < 0 ? NULL : &ax[ca], key, n, gname, sizeof gname);
        fprintf(o->f, "point\tarea_mm2\tenergy_%s\t%s\n", eu.name, gname);
        for (size_t i = 0; i < n; i++)
            if (ca < 0 || p[i].grp == g)
                fprintf(o->f, "%llu\t%.10g\t%.10g\tx\n", (unsigned long long)p[i].id, p[i].a_mm2,
                        p[i].e_pj / eu.div);
    }
    if (out_end(o, "area-energy.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "Design space: chip area vs energy per image\tworkload %s, T = %s; %zu points%s\t"
            "chip area [mm^2]\tenergy per image [%s]\t%s\t%d\t%d\n",
            wl, T, n, failed ? " with status ok" : "", eu.name, ca < 0 ? "-" : key, ng,
            emax > 30 * emin);
    if (out_end(o, "area-energy.labels") || out_template(o, "area-energy"))
        goto done;
    rc = run_gnuplot(o, "area-energy");
    if (rc == CLI_OK && h.c_accuracy >= 0) /* an eval sweep */
        rc = plot_accuracy(o, c, &h, ax, na, ca, key, wl, T);
done:
    trc_csv_close(c);
    trc_sweep_info_free(si);
    free(text);
    free(path);
    free(front);
    free(ax);
    free(p);
    return rc;
}

/* ---- Run: per-layer energy by component, and latency ---- */

/* Colour of component k: the same in every figure. */
static const char *comp_color(int k)
{
    static const char *const c[] = {"#1f77b4", "#9edae5", "#ff7f0e", "#d62728",
                                    "#9467bd", "#2ca02c", "#8c564b", "#7f7f7f"};
    return k < (int)(sizeof c / sizeof c[0]) ? c[k] : "#17becf";
}

/* The architecture's name: from run.json's architecture object, else from loading its
 * resolved YAML (the arch loader is the one reader of architecture YAML). */
static void arch_name_of(const trc_run_info_t *info, char *buf, size_t n)
{
    snprintf(buf, n, "%s", info->arch_name);
    if (buf[0] || !info->arch_yaml)
        return;
    arch_t a;
    arch_diag_list_t *dl = malloc(sizeof *dl);
    if (!dl)
        return;
    arch_diag_init(dl);
    if (arch_load_string("run.json:architecture_yaml", info->arch_yaml, strlen(info->arch_yaml), &a,
                         dl) == ST_OK)
        snprintf(buf, n, "%s", a.name);
    free(dl);
}

static int plot_run(const char *dir, out_t *o)
{
    trc_run_t r;
    trc_run_info_t info;
    char err[512];
    if (trc_layers_read(dir, &r, err, sizeof err) != ST_OK) {
        print_err(err);
        return CLI_ERUN;
    }
    int have_info = trc_run_info_read(dir, &info, err, sizeof err) == ST_OK;
    if (!have_info && !strstr(err, "cannot read")) {
        print_err(err);
        free(r.layers);
        return CLI_ERUN;
    }
    char wl[TRC_NAME_MAX] = "?", arch[TRC_NAME_MAX] = "?", scheme[32] = "?", an[TRC_NAME_MAX];
    double cycle_ns = 1;
    unsigned long long T = r.passes;
    if (have_info) {
        field(wl, sizeof wl, info.workload);
        field(scheme, sizeof scheme, info.scheme);
        arch_name_of(&info, an, sizeof an);
        if (an[0])
            field(arch, sizeof arch, an);
        if (info.cycle_ns > 0)
            cycle_ns = info.cycle_ns;
        T = info.mc_passes;
        free(info.arch_yaml);
    }
    int show[COMP_COUNT], ns = 0;
    double emax = 0, tmax = 0;
    for (int k = 0; k < COMP_COUNT; k++) {
        show[k] = 0;
        for (uint32_t l = 0; l < r.n_layers; l++)
            if (r.layers[l].e_comp_pj[k] > 0)
                show[k] = 1;
        ns += show[k];
    }
    for (uint32_t l = 0; l < r.n_layers; l++) {
        emax = fmax(emax, r.layers[l].e_pj);
        tmax = fmax(tmax, (double)r.layers[l].cycles * cycle_ns);
    }
    unit_t eu = energy_unit(emax), tu = time_unit(tmax);
    int rc = CLI_ERUN;
    if (out_begin(o))
        goto done;
    fprintf(o->f,
            "# neuspin plot: each layer's latency and energy per image (all MC passes), "
            "energy by component\n# layer\tlatency_%s",
            tu.name);
    for (int k = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(o->f, "\t%s_%s", comp_name((comp_t)k), eu.name);
    fprintf(o->f, "\n");
    for (uint32_t l = 0; l < r.n_layers; l++) {
        char nm[TRC_NAME_MAX];
        fprintf(o->f, "%s\t%.10g", field(nm, sizeof nm, r.layers[l].name),
                (double)r.layers[l].cycles * cycle_ns / tu.div);
        for (int k = 0; k < COMP_COUNT; k++)
            if (show[k])
                fprintf(o->f, "\t%.10g", r.layers[l].e_comp_pj[k] / eu.div);
        fprintf(o->f, "\n");
    }
    if (out_end(o, "layer-energy.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "Energy and latency per image by layer\t%s on %s (scheme %s), T = %llu MC "
            "passes\tenergy per image [%s]\tlatency per image [%s]\t",
            wl, arch, scheme, T, eu.name, tu.name);
    for (int k = 0, f = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(o->f, "%s%s", f++ ? " " : "", comp_name((comp_t)k));
    fprintf(o->f, "%s\t", ns ? "" : "-");
    for (int k = 0, f = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(o->f, "%s%s", f++ ? " " : "", comp_color(k));
    fprintf(o->f, "%s\n", ns ? "" : "-");
    if (out_end(o, "layer-energy.labels") || out_template(o, "layer-energy"))
        goto done;
    rc = run_gnuplot(o, "layer-energy");
done:
    free(r.layers);
    return rc;
}

/* ---- Compare: one panel per metric, normalised to a baseline ---- */

#define CMP_METRICS 6

typedef struct cmp_row {
    char arch[TRC_NAME_MAX], scheme[32]; /* safe text */
    double v[CMP_METRICS];               /* energy pJ, latency ns, modules, bits, memory, tiles */
} cmp_row_t;

static int plot_compare(const char *dir, out_t *o, const char *baseline)
{
    static const char *const metric[CMP_METRICS] = {"energy / image", "latency / image",
                                                    "RNG modules",    "random bits / image",
                                                    "memory",         "crossbar tiles"};
    static const char *const col[CMP_METRICS] = {"energy_pj", "latency_ns",  "rng_modules",
                                                 "rng_bits",  "memory_bits", "tiles"};
    char *path = NULL, *text = NULL, err[512];
    size_t len, n = 0, cap = 0;
    trc_csv_t *c = NULL;
    cmp_row_t *row = NULL;
    int rc = CLI_ERUN, r;
    const trc_schema_t *s = &trc_schema_compare_totals;
    if (read_csv(dir, "compare-totals.csv", &path, &text, &len, &c) != 0)
        goto done;
    if (trc_csv_header(c, s, err, sizeof err) != ST_OK) {
        print_err(err);
        goto done;
    }
    while ((r = trc_csv_next(c, err, sizeof err)) == 1) {
        if ((r = trc_csv_want_fields(c, s->n_cols, err, sizeof err)))
            break;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            cmp_row_t *q = realloc(row, ncap * sizeof *q);
            if (!q) {
                r = ST_ENOMEM;
                break;
            }
            row = q;
            cap = ncap;
        }
        cmp_row_t *x = &row[n];
        for (int m = 0; m < CMP_METRICS && !r; m++) {
            int i = trc_schema_col(s, col[m]);
            r = trc_csv_f64(c, (unsigned)i, col[m], &x->v[m], err, sizeof err);
            if (!r && x->v[m] < 0) /* no metric is negative */
                r = trc_csv_u64(c, (unsigned)i, col[m], 0, UINT64_MAX, &(uint64_t){0}, err,
                                sizeof err);
        }
        if (r)
            break;
        field(x->arch, sizeof x->arch, trc_csv_get(c, 0));
        field(x->scheme, sizeof x->scheme, trc_csv_get(c, 1));
        n++;
    }
    if (r) {
        print_err(r == ST_ENOMEM ? "out of memory" : err);
        goto done;
    }
    if (n == 0) {
        fprintf(stderr, "neuspin: error: %s: no rows\n", path);
        goto done;
    }
    size_t b = 0;
    if (baseline) {
        char want[TRC_NAME_MAX];
        field(want, sizeof want, baseline);
        while (b < n && strcmp(row[b].arch, want) != 0)
            b++;
        if (b == n) {
            fprintf(stderr,
                    "neuspin: error: --baseline '%s': no architecture of that name in %s "
                    "(the first is '%s')\n",
                    want, path, row[0].arch);
            rc = CLI_EUSAGE;
            goto done;
        }
    }
    /* a metric the baseline does not have (0) is normalised to its largest value */
    double base[CMP_METRICS];
    int by_max[CMP_METRICS];
    for (int m = 0; m < CMP_METRICS; m++) {
        base[m] = row[b].v[m];
        by_max[m] = !(base[m] > 0);
        if (by_max[m]) {
            base[m] = 0;
            for (size_t i = 0; i < n; i++)
                base[m] = fmax(base[m], row[i].v[m]);
        }
    }
    if (out_begin(o))
        goto done;
    fprintf(o->f,
            "# neuspin plot: each architecture's per-image figures divided by the "
            "baseline's (%s)\n# arch\tscheme",
            row[b].arch);
    for (int m = 0; m < CMP_METRICS; m++)
        fprintf(o->f, "\t%s", col[m]);
    fprintf(o->f, "\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(o->f, "%s\t%s", row[i].arch, row[i].scheme);
        for (int m = 0; m < CMP_METRICS; m++)
            fprintf(o->f, "\t%.6g", base[m] > 0 ? row[i].v[m] / base[m] : 0.0);
        fprintf(o->f, "\n");
    }
    if (out_end(o, "schemes.dat") || out_begin(o))
        goto done;
    fprintf(o->f,
            "Architectures side by side, per image\tbars: ratio to %s (scheme %s); "
            "dashed line: 1\t",
            row[b].arch, row[b].scheme);
    for (int m = 0; m < CMP_METRICS; m++) {
        double v = by_max[m] ? base[m] : row[b].v[m];
        char val[48];
        if (m == 0) {
            unit_t u = energy_unit(v);
            snprintf(val, sizeof val, "%.4g %s", v / u.div, u.name);
        } else if (m == 1) {
            unit_t u = time_unit(v);
            snprintf(val, sizeof val, "%.4g %s", v / u.div, u.name);
        } else {
            snprintf(val, sizeof val, "%.0f%s", v, m == 3 || m == 4 ? " bit" : "");
        }
        fprintf(o->f, "%s (%s = %s)%s", metric[m], by_max[m] ? "1 = the largest" : "1", val,
                m + 1 < CMP_METRICS ? "\t" : "\n");
    }
    if (out_end(o, "schemes.labels") || out_template(o, "schemes"))
        goto done;
    rc = run_gnuplot(o, "schemes");
done:
    trc_csv_close(c);
    free(text);
    free(path);
    free(row);
    return rc;
}

/* ---- The command ---- */

int cli_plot(args_t *a)
{
    const char *in = NULL, *out = NULL, *baseline = NULL;
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_plot_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == O_OUT)
            out = v;
        else if (id == O_BASELINE)
            baseline = v;
        else if (in)
            return cli_loc_error(a, loc, "unexpected argument '%s': one directory at a time", v);
        else
            in = v;
    }
    if (ex >= 0)
        return ex;
    if (!in)
        return cli_usage_error(a, a->argc, "%s",
                               "plot: expected a sweep, run or compare directory");
    size_t n = strlen(in) + sizeof "/compare-totals.csv";
    char *def = malloc(n), *p = malloc(n);
    int rc = CLI_ERUN;
    trc_dir_t *d = NULL;
    if (!def || !p) {
        fprintf(stderr, "neuspin: error: out of memory\n");
        goto done;
    }
    if (!out) {
        snprintf(def, n, "%s/plots", in);
        out = def;
    }
    struct stat st;
    int kind = -1; /* 0 sweep, 1 run, 2 compare */
    static const char *const probe[] = {"summary.csv", "layers.csv", "compare-totals.csv"};
    for (int k = 0; k < 3 && kind < 0; k++) {
        snprintf(p, n, "%s/%s", in, probe[k]);
        if (stat(p, &st) == 0)
            kind = k;
    }
    snprintf(p, n, "%s/compare.csv", in);
    if (kind < 0 && stat(p, &st) == 0) {
        fprintf(stderr,
                "neuspin: error: %s: compare.csv without compare-totals.csv: written by "
                "an older neuspin; run 'neuspin compare -o' again\n",
                in);
        goto done;
    }
    if (kind < 0) {
        fprintf(stderr,
                "neuspin: error: %s: no summary.csv (sweep), layers.csv (run) or "
                "compare.csv (compare -o) in it%s\n",
                in, stat(in, &st) == 0 ? "; a sharded sweep: 'neuspin merge' it first" : "");
        rc = CLI_EUSAGE;
        goto done;
    }
    char err[512];
    if (trc_dir_open(out, 1, &d, err, sizeof err) != ST_OK) {
        print_err(err);
        goto done;
    }
    out_t o = {d, NULL, NULL, 0};
    rc = kind == 0   ? plot_sweep(in, &o)
         : kind == 1 ? plot_run(in, &o)
                     : plot_compare(in, &o, baseline);
done:
    trc_dir_close(d);
    free(def);
    free(p);
    return rc;
}
