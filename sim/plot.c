/* plot.c - `neuspin plot DIR -o OUT`: gnuplot figures of what neuspin wrote.
 *
 *   a sweep (DIR/summary.csv)      energy vs latency of every point, Pareto front marked
 *   a run (DIR/layers.csv)         per-layer energy per image, stacked by component
 *   a comparison (DIR/compare.csv) the schemes as grouped bars: energy, latency, RNG modules
 *
 * Each figure is a data file (.dat, tab-separated, '#' comments), a gnuplot script (.gp)
 * that reads it by its plain name, and the SVG and PNG that the script renders: a user edits
 * the script and reruns `gnuplot NAME.gp` in OUT.  gnuplot runs as a child with OUT as its
 * working directory (`cd` in its first -e command), so neuspin itself never changes
 * directory. */
#define _POSIX_C_SOURCE 200809L
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

#include "base/status.h"
#include "child.h"
#include "cli.h"
#include "cli_int.h"
#include "sweep_int.h"

extern char **environ;

static const char plot_help[] =
    "usage: neuspin plot DIR [-o OUT]\n"
    "\n"
    "Renders with gnuplot (Debian package gnuplot-nox), as SVG and PNG:\n"
    "  a sweep directory (summary.csv)     energy vs latency of every point, the Pareto\n"
    "                                      front marked and connected -> energy-latency.*\n"
    "  a run directory (layers.csv)        per-layer energy per image, stacked by component\n"
    "                                      -> layer-energy.*\n"
    "  a compare directory (compare.csv)   the schemes as grouped bars of energy, latency\n"
    "                                      and RNG modules, log scale -> schemes.*\n"
    "Next to each figure: its data (.dat) and gnuplot script (.gp); edit the script and run\n"
    "'gnuplot NAME.gp' in OUT to redraw.\n"
    "\n"
    "  -o OUT   output directory (default: DIR/plots)\n";

/* Common header of every script: both terminals, fonts, colours. */
static const char gp_head[] =
    "# %s.gp - written by neuspin plot; edit and run 'gnuplot %s.gp' in this directory.\n"
    "set encoding utf8\n"
    "set datafile separator '\\t'\n"
    "set datafile missing 'NaN'\n"
    "set border lw 1.2 lc rgb '#444444'\n"
    "set grid back lc rgb '#dddddd' lw 1\n"
    "set key opaque box lc rgb '#bbbbbb'\n"
    "set tics textcolor rgb '#222222'\n"
    "set title font ',15'\n";

/* Renders through both terminals; %s = name (4 times). */
static const char gp_tail[] =
    "set terminal svg size %d,%d dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'\n"
    "set output '%s.svg'\n"
    "eval plotcmd\n"
    "unset output\n"
    "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "  set terminal pngcairo size %d,%d enhanced font 'DejaVu Sans,12' background rgb 'white'\n"
    "} else {\n"
    "  set terminal png size %d,%d enhanced font 'DejaVuSans,11' background rgb 'white'\n"
    "}\n"
    "set output '%s.png'\n"
    "eval plotcmd\n"
    "unset output\n";

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

/* Text of a gnuplot double-quoted string body: quotes, backslashes and the enhanced-text
 * markup characters escaped. */
static void gp_quote(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        else if (strchr("^_@&~{}", *s))
            fputs("\\\\", f); /* enhanced text: \\ in "..." is one literal backslash */
        fputc(*s == '\n' || *s == '\t' ? ' ' : *s, f);
    }
}

/* ---- Files ---- */

static int open_out(const char *out, const char *name, const char *ext, FILE **f, char *path,
                    size_t n)
{
    snprintf(path, n, "%s/%s.%s", out, name, ext);
    *f = fopen(path, "w");
    if (!*f) {
        fprintf(stderr, "neuspin: error: %s: cannot create: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int close_out(FILE *f, const char *path)
{
    if (fclose(f) != 0) {
        fprintf(stderr, "neuspin: error: %s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs `gnuplot -e "cd 'OUT'" NAME.gp`; its messages go to OUT/NAME.log.  CLI_OK or
 * CLI_ERUN (printed). */
static int run_gnuplot(const char *out, const char *name)
{
    char cd[4400], script[128], log[4300];
    size_t o = (size_t)snprintf(cd, sizeof cd, "cd '");
    for (const char *s = out; *s && o + 4 < sizeof cd; s++) {
        if (*s == '\'')
            cd[o++] = '\'';
        cd[o++] = *s;
    }
    snprintf(cd + o, sizeof cd - o, "'");
    snprintf(script, sizeof script, "%s.gp", name);
    snprintf(log, sizeof log, "%s/%s.log", out, name);
    char *argv[] = {"gnuplot", "-e", cd, script, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int e = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e == ENOENT) {
        fprintf(stderr, "neuspin: error: gnuplot not found in PATH: install the Debian package "
                        "gnuplot-nox (apt-get install gnuplot-nox); the data and script are in "
                        "%s/%s.dat and %s/%s.gp\n", out, name, out, name);
        return CLI_ERUN;
    }
    if (e) {
        fprintf(stderr, "neuspin: error: cannot start gnuplot: %s\n", strerror(e));
        return CLI_ERUN;
    }
    int code = cli_wait(pid);
    char first[400] = "";
    FILE *lf = fopen(log, "r");
    if (lf) {
        /* gnuplot's messages: the last non-empty line says what went wrong */
        char line[400];
        while (fgets(line, sizeof line, lf))
            if (line[strspn(line, " \t\r\n")])
                snprintf(first, sizeof first, "%s", line);
        fclose(lf);
    }
    first[strcspn(first, "\r\n")] = '\0';
    if (code != 0) {
        fprintf(stderr, "neuspin: error: gnuplot failed on %s/%s.gp (exit %d)%s%s; see %s\n", out,
                name, code, first[0] ? ": " : "", first, log);
        return CLI_ERUN;
    }
    struct stat st;
    if (stat(log, &st) == 0 && st.st_size == 0)
        unlink(log);
    printf("wrote %s/%s.svg and %s/%s.png (data %s.dat, script %s.gp)\n", out, name, out, name,
           name, name);
    return CLI_OK;
}

/* Reads a CSV file: its split header through hf (which picks the columns; the strings
 * stay valid until *text is freed), then each row through rf.  0, or -1 (printed) or what
 * a callback returned. */
typedef int (*hdr_fn)(void *ctx, const char *path, char **h, int n);
typedef int (*row_fn)(void *ctx, char **f, int n);

static int read_csv(const char *path, char **text, hdr_fn hf, row_fn rf, void *ctx)
{
    static char *h[256], *f[256];
    *text = sweep_read_file(path, NULL);
    if (!*text) {
        fprintf(stderr, "neuspin: error: %s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    char *nl = strchr(*text, '\n');
    if (!nl) {
        fprintf(stderr, "neuspin: error: %s: empty\n", path);
        return -1;
    }
    *nl = '\0';
    int rc = hf(ctx, path, h, cli_csv_split(*text, h, 256));
    for (char *p = nl + 1; *p && !rc;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        if (*p)
            rc = rf(ctx, f, cli_csv_split(p, f, 256));
        if (!e)
            break;
        p = e + 1;
    }
    return rc;
}

/* ---- Sweep: energy vs latency ---- */

#define PLOT_AXES 32     /* axis columns looked at for colouring */
#define PLOT_GROUPS 10   /* an axis with more distinct values does not colour the points */

typedef struct spoint {
    uint64_t id;
    double e_pj, t_ns;
    char label[200];                  /* axis values */
    unsigned char grp[PLOT_AXES];     /* index of its value in each axis' distinct values */
} spoint_t;

/* The distinct values of one axis column (up to PLOT_GROUPS). */
typedef struct saxis {
    char val[PLOT_GROUPS][48];
    int n;                            /* distinct values; PLOT_GROUPS + 1 = too many */
    int numeric;                      /* every value is a number */
} saxis_t;

typedef struct sweep_ctx {
    spoint_t *p;
    size_t n, cap;
    size_t failed;
    int c_point, c_e, c_t, c_status, first_axis, last_axis;
    char **hdr;
    saxis_t ax[PLOT_AXES];
} sweep_ctx_t;

/* Index of value v among axis a's distinct values, adding it; PLOT_GROUPS when too many. */
static unsigned char group_of(saxis_t *a, const char *v)
{
    char *end;
    strtod(v, &end);
    if (end == v || *end)
        a->numeric = 0;
    for (int i = 0; i < a->n && i < PLOT_GROUPS; i++)
        if (!strcmp(a->val[i], v))
            return (unsigned char)i;
    if (a->n >= PLOT_GROUPS) {
        a->n = PLOT_GROUPS + 1;
        return PLOT_GROUPS;
    }
    snprintf(a->val[a->n], sizeof a->val[0], "%s", v);
    return (unsigned char)a->n++;
}

static int sweep_row(void *vctx, char **f, int n)
{
    sweep_ctx_t *c = vctx;
    if (n <= c->c_status)
        return 0;
    if (strcmp(f[c->c_status], "ok") != 0) {
        c->failed++;
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        spoint_t *q = realloc(c->p, cap * sizeof *q);
        if (!q)
            return -1;
        c->p = q;
        c->cap = cap;
    }
    spoint_t *p = &c->p[c->n++];
    p->id = strtoull(f[c->c_point], NULL, 10);
    p->e_pj = strtod(f[c->c_e], NULL);
    p->t_ns = strtod(f[c->c_t], NULL);
    size_t o = 0;
    p->label[0] = '\0';
    for (int k = c->first_axis; k <= c->last_axis && o < sizeof p->label; k++)
        o += (size_t)snprintf(p->label + o, sizeof p->label - o, "%s%s=%s", o ? " " : "",
                              c->hdr[k], f[k]);
    for (int k = c->first_axis; k <= c->last_axis && k - c->first_axis < PLOT_AXES; k++)
        p->grp[k - c->first_axis] = group_of(&c->ax[k - c->first_axis], f[k]);
    return 0;
}

/* The axis whose values colour the points: one with 2..PLOT_GROUPS distinct values, a
 * non-numeric one (a scheme, a workload) first, then the one with the fewest values; -1
 * for none. */
static int colour_axis(const sweep_ctx_t *c)
{
    int best = -1;
    for (int k = 0; k <= c->last_axis - c->first_axis && k < PLOT_AXES; k++) {
        const saxis_t *a = &c->ax[k];
        if (a->n < 2 || a->n > PLOT_GROUPS)
            continue;
        if (best < 0 || (!a->numeric && c->ax[best].numeric) ||
            (a->numeric == c->ax[best].numeric && a->n < c->ax[best].n))
            best = k;
    }
    return best;
}

static int sweep_hdr(void *vctx, const char *path, char **h, int hn)
{
    sweep_ctx_t *c = vctx;
    c->hdr = h;
    c->c_point = cli_csv_col(h, hn, "point");
    c->c_e = cli_csv_col(h, hn, "energy_pj");
    c->c_t = cli_csv_col(h, hn, "latency_ns");
    c->c_status = cli_csv_col(h, hn, "status");
    int c_seed = cli_csv_col(h, hn, "seed");
    if (c->c_point != 0 || c->c_e < 0 || c->c_t < 0 || c->c_status < 0) {
        fprintf(stderr, "neuspin: error: %s: not a sweep summary\n", path);
        return -1;
    }
    /* the axis columns: after point, before seed (or the metrics) */
    c->first_axis = 1;
    c->last_axis = (c_seed >= 0 && c_seed < c->c_e ? c_seed : c->c_e) - 1;
    for (int k = 0; k < PLOT_AXES; k++)
        c->ax[k].numeric = 1;
    return 0;
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

static int plot_sweep(const char *dir, const char *out)
{
    char path[4300], p2[4300], *text = NULL;
    sweep_ctx_t c;
    unsigned char *front = NULL;
    int rc = CLI_ERUN;
    FILE *f;
    memset(&c, 0, sizeof c);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (read_csv(path, &text, sweep_hdr, sweep_row, &c) != 0)
        goto done;
    if (c.n == 0) {
        fprintf(stderr, "neuspin: error: %s: no point with status ok to plot\n", path);
        goto done;
    }
    /* Pareto front (both minimized): by latency, keep each point that lowers the energy of
     * every faster one. */
    qsort(c.p, c.n, sizeof *c.p, by_latency);
    front = calloc(c.n, 1);
    double best = INFINITY, emin = INFINITY, emax = 0, tmin = INFINITY, tmax = 0;
    size_t nf = 0;
    for (size_t i = 0; front && i < c.n; i++) {
        if (c.p[i].e_pj < best) {
            front[i] = 1;
            best = c.p[i].e_pj;
            nf++;
        }
        emin = fmin(emin, c.p[i].e_pj), emax = fmax(emax, c.p[i].e_pj);
        tmin = fmin(tmin, c.p[i].t_ns), tmax = fmax(tmax, c.p[i].t_ns);
    }
    unit_t eu = energy_unit(emax), tu = time_unit(tmax);
    if (!front || open_out(out, "energy-latency", "dat", &f, p2, sizeof p2) != 0)
        goto done;
    /* One block (gnuplot "index") per value of the colouring axis, by latency in each. */
    int ca = colour_axis(&c), ng = ca < 0 ? 1 : c.ax[ca].n;
    const char *ckey = ca < 0 ? "" : c.hdr[c.first_axis + ca];
    fprintf(f, "# neuspin plot: the points of %s with status ok, by latency%s%s\n", path,
            ca < 0 ? "" : "; a block per value of ", ckey);
    fprintf(f, "# point\tlatency_%s\tenergy_%s\tpareto\taxes\n", tu.name, eu.name);
    for (int g = 0; g < ng; g++) {
        if (g)
            fprintf(f, "\n\n");
        if (ca >= 0)
            fprintf(f, "# group: %s = %s\n", ckey, c.ax[ca].val[g]);
        for (size_t i = 0; i < c.n; i++)
            if (ca < 0 || c.p[i].grp[ca] == g)
                fprintf(f, "%llu\t%.10g\t%.10g\t%d\t%s\n", (unsigned long long)c.p[i].id,
                        c.p[i].t_ns / tu.div, c.p[i].e_pj / eu.div, front[i], c.p[i].label);
    }
    if (close_out(f, p2) != 0 ||
        open_out(out, "energy-latency-pareto", "dat", &f, p2, sizeof p2) != 0)
        goto done;
    fprintf(f, "# the Pareto front of energy-latency.dat: no other point is both faster and "
               "cheaper\n# point\tlatency_%s\tenergy_%s\taxes\n", tu.name, eu.name);
    for (size_t i = 0; i < c.n; i++)
        if (front[i])
            fprintf(f, "%llu\t%.10g\t%.10g\t%s\n", (unsigned long long)c.p[i].id,
                    c.p[i].t_ns / tu.div, c.p[i].e_pj / eu.div, c.p[i].label);
    if (close_out(f, p2) != 0 || open_out(out, "energy-latency", "gp", &f, p2, sizeof p2) != 0)
        goto done;
    fprintf(f, gp_head, "energy-latency", "energy-latency");
    fprintf(f, "set title \"Design space: energy vs latency per image\\n{/*0.8 %zu points%s, "
               "%zu on the Pareto front (labelled with their point id)}\"\n",
            c.n, c.failed ? " with status ok" : "", nf);
    fprintf(f, "set xlabel 'latency per image [%s]'\nset ylabel 'energy per image [%s]'\n",
            tu.name, eu.name);
    /* a log axis once the values spread over more than a decade and a half */
    if (tmax > 30 * tmin)
        fprintf(f, "set logscale x\n");
    if (emax > 30 * emin)
        fprintf(f, "set logscale y\n");
    fprintf(f, "set key outside right top vertical Left reverse samplen 1.5\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n");
    /* colours of the groups; the front is red and drawn on top */
    static const char *const pal[PLOT_GROUPS] = {"#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
                                                 "#8c564b", "#17becf", "#e377c2", "#7f7f7f",
                                                 "#bcbd22", "#aec7e8"};
    fprintf(f, "array colour[%d] = [", ng);
    for (int g = 0; g < ng; g++)
        fprintf(f, "%s'%s'", g ? ", " : "", ng == 1 ? "#7a9cc6" : pal[g]);
    fprintf(f, "]\narray group[%d] = [", ng);
    for (int g = 0; g < ng; g++) {
        fprintf(f, "%s\"", g ? ", " : "");
        if (ca < 0)
            fprintf(f, "design points (%zu)", c.n);
        else
            gp_quote(f, c.ax[ca].val[g]);
        fprintf(f, "\"");
    }
    fprintf(f, "]\n");
    if (ca >= 0) {
        fprintf(f, "set key title \"");
        gp_quote(f, ckey);
        fprintf(f, "\" left\n");
    }
    fprintf(f, "plotcmd = \"plot for [g=1:%d] 'energy-latency.dat' index (g-1) using 2:3 with "
               "points pt 7 ps 1.3 lc rgb colour[g] title group[g], "
               "'energy-latency-pareto.dat' using 2:3 with linespoints pt 5 ps 1.5 lw 2 "
               "lc rgb '#d62728' title 'Pareto front (%zu)'%s\"\n",
            ng, nf,
            /* ids above and below the front in turn, so neighbours do not overlap */
            nf <= 25 ? ", 'energy-latency-pareto.dat' every 2::0 using 2:3:(sprintf('%d', $1)) "
                       "with labels offset char 0.8,0.9 font ',9' tc rgb '#a01010' notitle, "
                       "'energy-latency-pareto.dat' every 2::1 using 2:3:(sprintf('%d', $1)) "
                       "with labels offset char 0.8,-0.9 font ',9' tc rgb '#a01010' notitle"
                     : "");
    fprintf(f, gp_tail, 960, 640, "energy-latency", 1280, 860, 1280, 860, "energy-latency");
    if (close_out(f, p2) != 0)
        goto done;
    rc = run_gnuplot(out, "energy-latency");
done:
    free(front);
    free(text);
    free(c.p);
    return rc;
}

/* ---- Run: per-layer energy by component ---- */

/* The value of "key": "…" (string) or number after the first occurrence of `key`. */
static void json_get(const char *json, const char *key, char *buf, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = json ? strstr(json, pat) : NULL;
    buf[0] = '\0';
    if (!p)
        return;
    p += strlen(pat);
    if (*p == '"') {
        p++;
        size_t k = strcspn(p, "\"");
        snprintf(buf, n, "%.*s", (int)(k < n ? k : n - 1), p);
    } else {
        size_t k = strcspn(p, ",}\n");
        snprintf(buf, n, "%.*s", (int)(k < n ? k : n - 1), p);
    }
}

/* Colour of component k: the same in every figure. */
static const char *comp_color(int k)
{
    static const char *const c[] = {"#1f77b4", "#9edae5", "#ff7f0e", "#d62728",
                                    "#9467bd", "#2ca02c", "#8c564b", "#7f7f7f"};
    return k < (int)(sizeof c / sizeof c[0]) ? c[k] : "#17becf";
}

static int plot_run(const char *dir, const char *out)
{
    cli_run_t r;
    char err[512], path[4300];
    if (cli_read_layers(dir, &r, err, sizeof err) != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        return CLI_ERUN;
    }
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *json = sweep_read_file(path, NULL);
    char wl[96] = "", scheme[64] = "", T[32] = "", arch[96] = "";
    if (json) {
        const char *w = strstr(json, "\"workload\"");
        json_get(w, "name", wl, sizeof wl);
        json_get(json, "scheme", scheme, sizeof scheme);
        json_get(json, "mc_passes", T, sizeof T);
        const char *y = strstr(json, "\\nname: ");
        if (y) {
            y += 8;
            if (*y == '\\' && y[1] == '"')
                y += 2;
            size_t k = strcspn(y, "\\");
            snprintf(arch, sizeof arch, "%.*s", (int)(k < 90 ? k : 90), y);
        }
        free(json);
    }
    /* components that carry energy anywhere */
    int show[COMP_COUNT], ns = 0;
    double emax = 0;
    for (int k = 0; k < COMP_COUNT; k++) {
        show[k] = 0;
        for (uint32_t l = 0; l < r.n_layers; l++)
            if (r.layers[l].e_comp_pj[k] > 0)
                show[k] = 1;
        ns += show[k];
    }
    for (uint32_t l = 0; l < r.n_layers; l++)
        emax = fmax(emax, r.layers[l].e_pj);
    unit_t eu = energy_unit(emax);
    int rc = CLI_ERUN;
    FILE *f;
    char p2[4300];
    if (open_out(out, "layer-energy", "dat", &f, p2, sizeof p2) != 0)
        goto done;
    fprintf(f, "# neuspin plot: energy per image (all MC passes) of each layer of %s, by "
               "component, in %s\n# layer", dir, eu.name);
    for (int k = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(f, "\t%s", comp_name((comp_t)k));
    fprintf(f, "\n");
    for (uint32_t l = 0; l < r.n_layers; l++) {
        fprintf(f, "%s", r.layers[l].name);
        for (int k = 0; k < COMP_COUNT; k++)
            if (show[k])
                fprintf(f, "\t%.10g", r.layers[l].e_comp_pj[k] / eu.div);
        fprintf(f, "\n");
    }
    if (close_out(f, p2) != 0 || open_out(out, "layer-energy", "gp", &f, p2, sizeof p2) != 0)
        goto done;
    fprintf(f, gp_head, "layer-energy", "layer-energy");
    fprintf(f, "set title \"Energy per image by layer and component");
    if (wl[0] || arch[0]) {
        fprintf(f, "\\n{/*0.8 ");
        gp_quote(f, wl);
        fprintf(f, " on ");
        gp_quote(f, arch[0] ? arch : "?");
        if (scheme[0]) {
            fprintf(f, " (scheme ");
            gp_quote(f, scheme);
            fprintf(f, ")");
        }
        if (T[0])
            fprintf(f, ", T = %s MC passes", T);
        fprintf(f, "}");
    }
    fprintf(f, "\"\n");
    fprintf(f, "set ylabel 'energy per image [%s]'\nset xlabel 'layer'\n", eu.name);
    fprintf(f, "set style data histograms\nset style histogram rowstacked\n"
               "set style fill solid 0.9 border rgb '#333333'\nset boxwidth 0.75\n"
               "set yrange [0:*]\nset grid noxtics ytics\n"
               "set key outside right top vertical title 'component' noopaque nobox\n"
               "set xtics noenhanced\n"); /* layer names are text: s1b1_conva, not a subscript */
    if (r.n_layers > 8)
        fprintf(f, "set xtics rotate by -45 left\n");
    fprintf(f, "plotcmd = \"plot ");
    int col = 2, first = 1;
    for (int k = 0; k < COMP_COUNT; k++) {
        if (!show[k])
            continue;
        fprintf(f, "%s'layer-energy.dat' using %d%s title '%s' lc rgb '%s'", first ? "" : ", ",
                col, first ? ":xtic(1)" : "", comp_name((comp_t)k), comp_color(k));
        first = 0;
        col++;
    }
    if (!ns)
        fprintf(f, "'layer-energy.dat' using (0):xtic(1) notitle");
    fprintf(f, "\"\n");
    int w = r.n_layers > 12 ? 1200 : 960;
    fprintf(f, gp_tail, w, 600, "layer-energy", w * 4 / 3, 800, w * 4 / 3, 800, "layer-energy");
    if (close_out(f, p2) != 0)
        goto done;
    rc = run_gnuplot(out, "layer-energy");
done:
    free(r.layers);
    return rc;
}

/* ---- Compare: schemes as grouped bars ---- */

typedef struct cmp_row {
    char arch[64], scheme[32];
    double e_pj, t_ns, mods;
} cmp_row_t;

typedef struct cmp_ctx {
    cmp_row_t row[64];
    int n;
    int c_arch, c_scheme, c_e, c_t, c_m, per_layer;
} cmp_ctx_t;

static int cmp_row(void *vctx, char **f, int n)
{
    cmp_ctx_t *c = vctx;
    if (n <= c->c_m || n <= c->c_e || n <= c->c_t)
        return 0;
    int i = 0;
    while (i < c->n && strcmp(c->row[i].arch, f[c->c_arch]) != 0)
        i++;
    if (i == c->n) {
        if (c->n == 64)
            return 0;
        memset(&c->row[i], 0, sizeof c->row[i]);
        snprintf(c->row[i].arch, sizeof c->row[i].arch, "%s", f[c->c_arch]);
        snprintf(c->row[i].scheme, sizeof c->row[i].scheme, "%s", f[c->c_scheme]);
        c->n++;
    }
    c->row[i].e_pj += strtod(f[c->c_e], NULL);
    c->row[i].t_ns += strtod(f[c->c_t], NULL);
    c->row[i].mods += strtod(f[c->c_m], NULL);
    return 0;
}

static int cmp_hdr(void *vctx, const char *path, char **h, int hn)
{
    cmp_ctx_t *c = vctx;
    c->c_arch = cli_csv_col(h, hn, "arch");
    c->c_scheme = cli_csv_col(h, hn, "scheme");
    c->c_e = cli_csv_col(h, hn, "energy_pj");
    c->c_t = cli_csv_col(h, hn, "latency_ns");
    c->c_m = cli_csv_col(h, hn, "rng_modules");
    if (c->c_arch < 0 || c->c_scheme < 0 || c->c_e < 0 || c->c_t < 0 || c->c_m < 0) {
        fprintf(stderr, "neuspin: error: %s: not a compare.csv this neuspin reads\n", path);
        return -1;
    }
    return 0;
}

static int plot_compare(const char *dir, const char *out)
{
    static cmp_ctx_t c;
    char path[4300], *text = NULL;
    memset(&c, 0, sizeof c);
    /* compare-totals.csv has the true latency per image (layers may overlap); an older
     * compare.csv alone gives the sum of the layers' latencies */
    snprintf(path, sizeof path, "%s/compare-totals.csv", dir);
    struct stat st;
    c.per_layer = stat(path, &st) != 0;
    if (c.per_layer)
        snprintf(path, sizeof path, "%s/compare.csv", dir);
    if (read_csv(path, &text, cmp_hdr, cmp_row, &c) != 0) {
        free(text);
        return CLI_ERUN;
    }
    free(text);
    if (c.n == 0) {
        fprintf(stderr, "neuspin: error: %s: no rows\n", path);
        return CLI_ERUN;
    }
    double emax = 0, tmax = 0;
    for (int i = 0; i < c.n; i++)
        emax = fmax(emax, c.row[i].e_pj), tmax = fmax(tmax, c.row[i].t_ns);
    unit_t eu = energy_unit(emax), tu = time_unit(tmax);
    FILE *f;
    char p2[4300];
    if (open_out(out, "schemes", "dat", &f, p2, sizeof p2) != 0)
        return CLI_ERUN;
    fprintf(f, "# neuspin plot: per-image totals of each architecture of %s\n", path);
    fprintf(f, "# arch\tscheme\tenergy_%s\tlatency_%s\trng_modules\n", eu.name, tu.name);
    for (int i = 0; i < c.n; i++)
        fprintf(f, "%s\t%s\t%.10g\t%.10g\t%.0f\n", c.row[i].arch, c.row[i].scheme,
                c.row[i].e_pj / eu.div, c.row[i].t_ns / tu.div, c.row[i].mods);
    if (close_out(f, p2) != 0 || open_out(out, "schemes", "gp", &f, p2, sizeof p2) != 0)
        return CLI_ERUN;
    fprintf(f, gp_head, "schemes", "schemes");
    fprintf(f, "set title \"Bayesian schemes side by side (per image, log scale)%s\"\n",
            c.per_layer ? "\\n{/*0.8 latency = sum of the layers' latencies}" : "");
    fprintf(f, "set ylabel 'value (unit in the legend), log scale'\n");
    fprintf(f, "set style data histograms\nset style histogram clustered gap 1\n"
               "set style fill solid 0.9 border rgb '#333333'\nset boxwidth 0.9\n"
               "set logscale y\nset yrange [0.5:*]\nset format y '10^{%%L}'\nset grid noxtics ytics\n"
               "set key top left horizontal\nset offsets 0, 0, graph 0.12, 0\n"
               "set xtics noenhanced\n");
    if (c.n > 5)
        fprintf(f, "set xtics rotate by -30 left\n");
    /* a zero (no RNG module) cannot sit on a log axis: it is missing, and labelled 0 */
    fprintf(f, "nz(x) = x > 0 ? x : NaN\nfmt(x) = x >= 100 ? sprintf('%%.0f', x) : x >= 10 ? "
               "sprintf('%%.1f', x) : sprintf('%%.2g', x)\n");
    fprintf(f, "plotcmd = \"plot 'schemes.dat' using (nz($3)):xtic(1) title 'energy / image "
               "[%s]' lc rgb '#1f77b4', '' using (nz($4)) title 'latency / image [%s]' lc rgb "
               "'#ff7f0e', '' using (nz($5)) title 'RNG modules [count]' lc rgb '#2ca02c', "
               "'' using ($0-0.25):(nz($3)):(fmt($3)) with labels offset 0,0.7 font ',8' "
               "notitle, '' using ($0):(nz($4)):(fmt($4)) with labels offset 0,0.7 font ',8' "
               "notitle, '' using ($0+0.25):($5 > 0 ? $5 : 0.5):(sprintf('%%.0f', $5)) with labels offset "
               "0,0.7 font ',8' notitle\"\n",
            eu.name, tu.name);
    int w = c.n > 5 ? 1200 : 900;
    fprintf(f, gp_tail, w, 620, "schemes", w * 4 / 3, 830, w * 4 / 3, 830, "schemes");
    if (close_out(f, p2) != 0)
        return CLI_ERUN;
    return run_gnuplot(out, "schemes");
}

/* ---- The command ---- */

int cli_plot(args_t *a)
{
    const char *in = NULL, *out = NULL;
    while (a->i < a->argc) {
        int k = a->i;
        const char *o = a->argv[a->i++];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(plot_help, stdout);
            return CLI_OK;
        } else if (!strcmp(o, "-o")) {
            if (!(out = cli_opt_value(a, o)))
                return CLI_EUSAGE;
        } else if (o[0] == '-' && o[1]) {
            return cli_usage_error(a, k, "unknown option '%s' for 'plot' (see 'neuspin plot --help')", o);
        } else if (in) {
            return cli_usage_error(a, k, "unexpected argument '%s': one directory at a time", o);
        } else {
            in = o;
        }
    }
    if (!in)
        return cli_usage_error(a, a->argc, "%s", "plot: expected a sweep, run or compare directory");
    char def[4200], p[4300];
    if (!out) {
        snprintf(def, sizeof def, "%s/plots", in);
        out = def;
    }
    struct stat st;
    int kind = -1; /* 0 sweep, 1 run, 2 compare */
    snprintf(p, sizeof p, "%s/summary.csv", in);
    if (stat(p, &st) == 0)
        kind = 0;
    snprintf(p, sizeof p, "%s/layers.csv", in);
    if (kind < 0 && stat(p, &st) == 0)
        kind = 1;
    snprintf(p, sizeof p, "%s/compare.csv", in);
    if (kind < 0 && stat(p, &st) == 0)
        kind = 2;
    if (kind < 0) {
        fprintf(stderr, "neuspin: error: %s: no summary.csv (sweep), layers.csv (run) or "
                        "compare.csv (compare -o) in it%s\n", in,
                stat(in, &st) == 0 ? "; a sharded sweep: 'neuspin merge' it first" : "");
        return CLI_EUSAGE;
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "neuspin: error: %s: cannot create: %s\n", out, strerror(errno));
        return CLI_ERUN;
    }
    return kind == 0 ? plot_sweep(in, out) : kind == 1 ? plot_run(in, out) : plot_compare(in, out);
}
