/* merge.c - `neuspin merge DIR... -o OUT`: the summaries of a sweep's shards (or of whole
 * sweep directories) joined into OUT/summary.csv, sorted by point, with the points that no
 * input holds named.  Rows are copied as they are, so a merge of shards is byte-identical
 * to the summary of the same sweep run in one piece.
 *
 * Every input is untrusted: each summary is read through traces/ (bounded, RFC 4180, every
 * field checked), each row's point index is checked against the point count of the
 * sweep.json beside it before anything is kept, and memory grows with the input's size
 * only (a row list, never an array indexed by point). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/status.h"
#include "cli.h"
#include "cli_int.h"
#include "trc_fs.h"
#include "trc_read.h"
#include "trc_verify.h"

enum { O_OUT = 1 };

static const cli_opt_t merge_opts[] = {
    {O_OUT, 'o', "output", "OUT", "output directory (required)"},
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_merge_cmd = {
    "merge", "[OPTION]... DIR... -o OUT",
    "Joins the summaries of one sweep's shards into OUT/summary.csv (a row per point, sorted)\n"
    "and copies DIR/sweep.json to OUT.  Each DIR is a sweep output directory holding\n"
    "sweep.json and summary.csv and/or summary.shard-I-of-N.csv files; a CSV file may be\n"
    "named directly (its directory must hold the sweep's sweep.json).  Inputs of different\n"
    "sweeps, malformed rows, points outside the sweep and a point given twice in one file\n"
    "are refused.  A point found in several inputs keeps its 'ok' row; two different 'ok'\n"
    "rows for one point are refused.  Where a sweep directory still holds points/<id>, an\n"
    "'ok' row counts only when that point's files are the ones its run.json names.",
    merge_opts, "Prints the ids of the points no input holds and then exits 1."};

/* Prints a reader's message: a `FILE:LINE:COL: error:` line as it is, anything else after
 * "neuspin: error: ". */
static void print_err(const char *err)
{
    fprintf(stderr, "%s%s\n", strstr(err, ": error: ") ? "" : "neuspin: error: ", err);
}

/* One kept row. */
typedef struct mrow {
    uint64_t point;
    int ok;
    const char *text; /* raw CSV record, borrowed from the file's text */
    size_t len;
    unsigned file; /* index into merge_t.paths */
    unsigned long line;
    size_t seq; /* input order, for a stable sort */
} mrow_t;

typedef struct merge {
    trc_sweep_info_t *man; /* the first manifest */
    char *header;          /* the first summary's header record (owned) */
    size_t header_len;
    mrow_t *rows;
    size_t n, cap;
    char **texts, **paths; /* each summary's text and path (owned) */
    unsigned n_files;
} merge_t;

static int oom(void)
{
    fprintf(stderr, "neuspin: error: out of memory\n");
    return -1;
}

/* Reads the sweep.json of directory dir and checks it is the first one's sweep. */
static int add_manifest(merge_t *m, const char *dir)
{
    char err[768];
    trc_sweep_info_t *s;
    int rc = trc_sweep_info_read(dir, &s, err, sizeof err);
    if (rc == ST_ENOMEM)
        return oom();
    if (rc != ST_OK) {
        fprintf(stderr, "neuspin: error: %s%s\n", err,
                strstr(err, "cannot read") ? " (merge checks every row against the sweep's "
                                             "manifest)"
                                           : "");
        return -1;
    }
    if (!m->man) {
        m->man = s;
        return 0;
    }
    rc = trc_sweep_same(m->man, s) ? 0 : -1;
    if (rc)
        fprintf(stderr,
                "neuspin: error: %s/sweep.json: another sweep than the first input's "
                "(%llu points, the first has %llu)\n",
                dir, (unsigned long long)trc_sweep_points(s),
                (unsigned long long)trc_sweep_points(m->man));
    trc_sweep_info_free(s);
    return rc;
}

/* Adds the rows of one summary file.  0, or -1 (printed). */
static int add_file(merge_t *m, const char *path)
{
    char err[768], *text, *p = strdup(path);
    size_t len;
    if (!p)
        return oom();
    int rc = trc_read_file(path, TRC_CSV_MAX_BYTES, &text, &len, err, sizeof err);
    if (rc != ST_OK) {
        free(p);
        print_err(rc == ST_ENOMEM ? "out of memory" : err);
        return -1;
    }
    char **t = realloc(m->texts, (m->n_files + 1) * sizeof *t);
    if (t)
        m->texts = t;
    char **q = realloc(m->paths, (m->n_files + 1) * sizeof *q);
    if (q)
        m->paths = q;
    if (!t || !q) {
        free(text);
        free(p);
        return oom();
    }
    unsigned fi = m->n_files++;
    m->texts[fi] = text;
    m->paths[fi] = p;

    trc_csv_t *c;
    if (trc_csv_open_mem(p, text, len, &c) != ST_OK)
        return oom();
    trc_summary_hdr_t h;
    uint64_t points = trc_sweep_points(m->man);
    /* An ok row counts only when its point's files are the ones its run.json names, where
     * the sweep directory still holds them (DIR/points/<id>, beside the summary). */
    trc_dir_t *pts = NULL;
    {
        char *dir = strdup(p), *sl = dir ? strrchr(dir, '/') : NULL;
        trc_dir_t *sd = NULL;
        if (dir && sl)
            sl[sl == dir] = '\0';
        if (dir && trc_dir_open(sl ? dir : ".", 0, &sd, NULL, 0) == ST_OK)
            trc_dir_sub(sd, "points", 0, &pts, NULL, 0);
        trc_dir_close(sd);
        free(dir);
    }
    int width = 4;
    for (uint64_t v = points ? points - 1 : 0, d = 1000; v / d >= 10; d *= 10)
        width++;
    size_t first = m->n;
    rc = trc_summary_header(c, (int)trc_sweep_n_axes(m->man), &h, err, sizeof err);
    if (rc == ST_OK) {
        size_t hl;
        const char *hr = trc_csv_raw(c, &hl);
        if (!m->header) {
            if (!(m->header = malloc(hl + 1))) {
                trc_csv_close(c);
                return oom();
            }
            memcpy(m->header, hr, hl);
            m->header[hl] = '\0';
            m->header_len = hl;
        } else if (hl != m->header_len || memcmp(hr, m->header, hl) != 0) {
            snprintf(err, sizeof err,
                     "%s:1:1: error: its columns differ from the first "
                     "summary's (%s): another sweep",
                     p, m->paths[0]);
            rc = ST_EIO;
        }
    }
    trc_summary_row_t row;
    while (rc == ST_OK && (rc = trc_csv_next(c, err, sizeof err)) == 1) {
        if ((rc = trc_summary_row(c, &h, points, &row, err, sizeof err)) != ST_OK)
            break;
        if (row.ok && pts) {
            char id[32], why[768];
            trc_dir_t *pd = NULL;
            snprintf(id, sizeof id, "%0*llu", width, (unsigned long long)row.point);
            int v = trc_dir_sub(pts, id, 0, &pd, why, sizeof why);
            if (v == ST_OK) /* an eval sweep's point: eval's two files (docs/sweeps.md) */
                v = trc_dir_has_file(pd, "eval.json") && trc_dir_has_file(pd, "eval.csv")
                        ? ST_OK
                        : trc_run_verify(pd, why, sizeof why);
            else if (strstr(why, "No such file")) /* evaluated in process: no traces */
                v = ST_OK;
            trc_dir_close(pd);
            if (v != ST_OK) {
                fprintf(stderr, "neuspin: error: %s:%lu: point %llu is not counted: %s\n", p,
                        trc_csv_line(c), (unsigned long long)row.point, why);
                continue;
            }
        }
        if (m->n == m->cap) {
            size_t cap = m->cap ? 2 * m->cap : 256;
            mrow_t *r = realloc(m->rows, cap * sizeof *r);
            if (!r) {
                rc = ST_ENOMEM;
                break;
            }
            m->rows = r;
            m->cap = cap;
        }
        mrow_t *r = &m->rows[m->n];
        r->point = row.point;
        r->ok = row.ok;
        r->text = trc_csv_raw(c, &r->len);
        r->file = fi;
        r->line = trc_csv_line(c);
        r->seq = m->n++;
    }
    trc_csv_close(c);
    trc_dir_close(pts);
    if (rc == ST_ENOMEM)
        return oom();
    if (rc < 0) {
        print_err(err);
        return -1;
    }
    if (m->n == first)
        fprintf(stderr, "neuspin: warning: %s: no rows\n", p);
    return 0;
}

static int is_summary_name(const char *n)
{
    size_t l = strlen(n);
    return !strcmp(n, "summary.csv") ||
           (!strncmp(n, "summary.shard-", 14) && l > 4 && !strcmp(n + l - 4, ".csv"));
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every summary file of a directory (in name order). */
static int add_dir(merge_t *m, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "neuspin: error: %s: cannot read: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (!is_summary_name(e->d_name))
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            char **q = realloc(names, nc * sizeof *q);
            if (!q) {
                rc = oom();
                break;
            }
            names = q;
            cap = nc;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = oom();
        else
            n++;
    }
    closedir(d);
    if (!rc && n == 0) {
        fprintf(stderr, "neuspin: error: %s: no summary.csv or summary.shard-*.csv in it\n", dir);
        rc = -1;
    }
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(pl);
        if (!rc && !path)
            rc = oom();
        if (!rc) {
            snprintf(path, pl, "%s/%s", dir, names[i]);
            rc = add_file(m, path);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* By point, ok rows first, then input order. */
static int row_cmp(const void *a, const void *b)
{
    const mrow_t *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    if (x->ok != y->ok)
        return y->ok - x->ok;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Keeps one row per point (sorted): a point twice in one file is refused, and so are two
 * different ok rows; identical rows from two files are one result; an ok row wins over a
 * failed one.  Returns the rows kept, or (size_t)-1 (printed). */
static size_t dedupe(merge_t *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        const mrow_t *r = &m->rows[i];
        if (k && m->rows[k - 1].point == r->point) {
            const mrow_t *w = &m->rows[k - 1];
            /* the same file twice: every earlier row of this point, not just the kept one */
            for (size_t j = i; j-- > 0 && m->rows[j].point == r->point;)
                if (m->rows[j].file == r->file) {
                    const mrow_t *a = m->rows[j].seq < r->seq ? &m->rows[j] : r;
                    const mrow_t *b = a == r ? &m->rows[j] : r;
                    fprintf(stderr,
                            "%s:%lu:1: error: point %llu is given twice in one file "
                            "(first on line %lu)\n",
                            m->paths[b->file], b->line, (unsigned long long)r->point, a->line);
                    return (size_t)-1;
                }
            if (r->ok && w->ok && (r->len != w->len || memcmp(r->text, w->text, r->len))) {
                fprintf(stderr,
                        "%s:%lu:1: error: point %llu has another result in %s:%lu: "
                        "inputs of different runs\n",
                        m->paths[r->file], r->line, (unsigned long long)r->point, m->paths[w->file],
                        w->line);
                return (size_t)-1;
            }
            continue;
        }
        m->rows[k++] = *r;
    }
    return k;
}

static void merge_free(merge_t *m)
{
    for (unsigned i = 0; i < m->n_files; i++) {
        free(m->texts[i]);
        free(m->paths[i]);
    }
    free(m->texts);
    free(m->paths);
    free(m->rows);
    free(m->header);
    trc_sweep_info_free(m->man);
}

/* Writes OUT/summary.csv and OUT/sweep.json.  0, or -1 (printed). */
static int write_out(const merge_t *m, size_t n, const char *out)
{
    char err[768];
    trc_dir_t *d;
    trc_file_t *f;
    if (trc_dir_open(out, 1, &d, err, sizeof err) != ST_OK) {
        print_err(err);
        return -1;
    }
    int rc = trc_dir_lock(d, err, sizeof err);
    if (rc == ST_OK)
        rc = trc_file_create(d, "summary.csv", &f, err, sizeof err);
    if (rc == ST_OK) {
        FILE *s = trc_file_stream(f);
        fwrite(m->header, 1, m->header_len, s);
        fputc('\n', s);
        for (size_t i = 0; i < n; i++) {
            fwrite(m->rows[i].text, 1, m->rows[i].len, s);
            fputc('\n', s);
        }
        rc = trc_file_commit(f, err, sizeof err);
    }
    if (rc == ST_OK) {
        size_t len;
        const char *t = trc_sweep_text(m->man, &len);
        rc = trc_dir_write(d, "sweep.json", t, len, err, sizeof err);
    }
    if (rc == ST_OK)
        trc_dir_sync(d);
    else
        print_err(err);
    trc_dir_close(d);
    return rc == ST_OK ? 0 : -1;
}

int cli_merge(args_t *a)
{
    const char *out = NULL;
    int inputs[1024], n_in = 0;
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_merge_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if (id == O_OUT) {
            out = v;
        } else if (n_in == 1024) {
            return cli_loc_error(a, loc, "merge: at most 1024 inputs at a time");
        } else {
            inputs[n_in++] = loc.argi;
        }
    }
    if (ex >= 0)
        return ex;
    if (n_in == 0)
        return cli_usage_error(a, a->argc, "%s", "merge: expected at least one sweep directory");
    if (!out)
        return cli_usage_error(a, a->argc, "%s", "merge: expected -o OUT");

    merge_t m;
    memset(&m, 0, sizeof m);
    int rc = CLI_OK;
    /* Manifests first, so every file's rows are checked against the point count. */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < n_in && rc == CLI_OK; k++) {
            const char *in = a->argv[inputs[k]];
            struct stat st;
            if (stat(in, &st) != 0) {
                fprintf(stderr, "neuspin: error: %s: %s\n", in, strerror(errno));
                rc = CLI_EUSAGE;
            } else if (pass == 0) {
                /* a file's manifest is the one in its directory */
                char *dir = strdup(in);
                if (!dir) {
                    rc = CLI_ERUN;
                    oom();
                    break;
                }
                if (!S_ISDIR(st.st_mode)) {
                    char *sl = strrchr(dir, '/');
                    if (sl)
                        sl[sl == dir] = '\0';
                    else
                        strcpy(dir, ".");
                }
                if (add_manifest(&m, dir))
                    rc = CLI_EUSAGE;
                free(dir);
            } else if (S_ISDIR(st.st_mode) ? add_dir(&m, in) : add_file(&m, in)) {
                rc = CLI_EUSAGE;
            }
        }
    size_t n = 0;
    if (rc == CLI_OK) {
        qsort(m.rows, m.n, sizeof *m.rows, row_cmp);
        n = dedupe(&m);
        if (n == (size_t)-1)
            rc = CLI_EUSAGE;
    }
    if (rc == CLI_OK && write_out(&m, n, out) != 0)
        rc = CLI_ERUN;
    if (rc == CLI_OK) {
        uint64_t total = trc_sweep_points(m.man), missing = total - n;
        if (missing) {
            /* ids as ranges: "3, 7, 11-15", from the gaps between the kept rows */
            fprintf(stderr, "neuspin: %llu of %llu points missing:", (unsigned long long)missing,
                    (unsigned long long)total);
            uint64_t next = 0;
            int shown = 0;
            for (size_t i = 0; i <= n && shown <= 50; i++) {
                uint64_t end = i < n ? m.rows[i].point : total; /* first present after the gap */
                if (end > next) {
                    if (shown++ == 50) {
                        fprintf(stderr, " ...");
                        break;
                    }
                    if (end - 1 > next)
                        fprintf(stderr, "%s %llu-%llu", shown > 1 ? "," : "",
                                (unsigned long long)next, (unsigned long long)(end - 1));
                    else
                        fprintf(stderr, "%s %llu", shown > 1 ? "," : "", (unsigned long long)next);
                }
                next = end + 1;
            }
            fprintf(stderr, "\nneuspin: wrote %s/summary.csv with the %llu present\n", out,
                    (unsigned long long)n);
            rc = CLI_ERUN;
        } else {
            fprintf(stderr, "neuspin: merged %llu points into %s/summary.csv\n",
                    (unsigned long long)total, out);
        }
    }
    merge_free(&m);
    return rc;
}
