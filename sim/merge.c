/* merge.c - `neuspin merge DIR... -o OUT`: the summaries of a sweep's shards (or of whole
 * sweep directories) joined into OUT/summary.csv, sorted by point, with the points that no
 * input holds named.  Rows are copied as they are, so a merge of shards is byte-identical
 * to the summary of the same sweep run in one piece. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_int.h"
#include "sweep_int.h"

static const char merge_help[] =
    "usage: neuspin merge DIR... -o OUT\n"
    "\n"
    "Joins the summaries of one sweep's shards into OUT/summary.csv (a row per point, sorted)\n"
    "and copies DIR/sweep.json to OUT.  Each DIR is a sweep output directory holding\n"
    "summary.csv and/or summary.shard-I-of-N.csv files; a CSV file may be named directly.\n"
    "A point found in several inputs keeps its 'ok' row.  Prints the ids of the points no\n"
    "input holds and then exits 1.\n";

typedef struct merge {
    char *header;          /* the first file's header (owned) */
    char *manifest;        /* the first sweep.json (owned) */
    uint64_t points;       /* from sweep.json; 0 = unknown */
    char **row;            /* [points] or grown: row text per point (owned) */
    uint64_t cap;
    uint64_t max_index;    /* largest index seen + 1 */
    char **texts;          /* file contents (owned) */
    size_t n_texts;
} merge_t;

/* 1 when a row's status column is "ok": the column before the last (error). */
static int row_ok(const char *row)
{
    /* the error column may be quoted and hold commas: find the status from the end of
     * the unquoted part; a failed row's error is never empty, an ok row's always is */
    size_t n = strlen(row);
    return n >= 4 && strcmp(row + n - 4, ",ok,") == 0;
}

static int grow(merge_t *m, uint64_t need)
{
    if (need <= m->cap)
        return 0;
    uint64_t cap = m->cap ? m->cap : 1024;
    while (cap < need)
        cap *= 2;
    char **r = realloc(m->row, cap * sizeof *r);
    if (!r)
        return -1;
    memset(r + m->cap, 0, (cap - m->cap) * sizeof *r);
    m->row = r;
    m->cap = cap;
    return 0;
}

/* Adds the rows of one summary file.  0, or -1 (printed). */
static int add_file(merge_t *m, const char *path)
{
    size_t len;
    char *text = sweep_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "neuspin: error: %s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    char **t = realloc(m->texts, (m->n_texts + 1) * sizeof *t);
    if (!t) {
        free(text);
        return -1;
    }
    m->texts = t;
    m->texts[m->n_texts++] = text;
    char *nl = strchr(text, '\n');
    if (!nl || strncmp(text, "point,", 6) != 0) {
        fprintf(stderr, "neuspin: error: %s: not a sweep summary (expected a 'point,...' "
                        "header)\n", path);
        return -1;
    }
    *nl = '\0';
    if (!m->header) {
        m->header = strdup(text);
        if (!m->header)
            return -1;
    } else if (strcmp(m->header, text) != 0) {
        fprintf(stderr, "neuspin: error: %s: its columns differ from the first summary's: "
                        "another sweep\n", path);
        return -1;
    }
    for (char *p = nl + 1; *p;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        if (*p) {
            char *end;
            uint64_t i = strtoull(p, &end, 10);
            if (end == p || *end != ',' || (m->points && i >= m->points)) {
                fprintf(stderr, "neuspin: error: %s: bad row '%.40s'\n", path, p);
                return -1;
            }
            if (grow(m, i + 1) != 0)
                return -1;
            if (!m->row[i] || (!row_ok(m->row[i]) && row_ok(p)))
                m->row[i] = p; /* borrowed from texts */
            if (i + 1 > m->max_index)
                m->max_index = i + 1;
        }
        if (!e)
            break;
        p = e + 1;
    }
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

/* Reads DIR/sweep.json, if any: the point count every input must agree on. */
static int add_manifest(merge_t *m, const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    char *man = sweep_read_file(path, NULL);
    if (man) {
        uint64_t pts = sweep_manifest_points(man);
        if (!m->manifest) {
            m->manifest = man;
            m->points = pts;
        } else {
            if (pts != m->points) {
                fprintf(stderr, "neuspin: error: %s: %llu points, the first input has %llu: "
                                "another sweep\n", path, (unsigned long long)pts,
                        (unsigned long long)m->points);
                free(man);
                return -1;
            }
            free(man);
        }
    }
    return 0;
}

/* Adds every summary file of a directory (in name order). */
static int add_dir(merge_t *m, const char *dir)
{
    char path[4300];
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "neuspin: error: %s: cannot read: %s\n", dir, strerror(errno));
        return -1;
    }
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024)
        if (is_summary_name(e->d_name) && (names[n] = strdup(e->d_name)))
            n++;
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    int rc = 0;
    if (n == 0) {
        fprintf(stderr, "neuspin: error: %s: no summary.csv or summary.shard-*.csv in it\n", dir);
        rc = -1;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!rc && add_file(m, path) != 0)
            rc = -1;
        free(names[i]);
    }
    return rc;
}

int cli_merge(args_t *a)
{
    const char *out = NULL;
    int first = -1, n_in = 0;
    while (a->i < a->argc) {
        int k = a->i;
        const char *o = a->argv[a->i++];
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            fputs(merge_help, stdout);
            return CLI_OK;
        } else if (!strcmp(o, "-o")) {
            if (!(out = cli_opt_value(a, o)))
                return CLI_EUSAGE;
        } else if (o[0] == '-' && o[1]) {
            return cli_usage_error(a, k, "unknown option '%s' for 'merge' (see 'neuspin merge --help')", o);
        } else {
            if (first < 0)
                first = k;
            n_in++;
        }
    }
    if (n_in == 0)
        return cli_usage_error(a, a->argc, "%s", "merge: expected at least one sweep directory");
    if (!out)
        return cli_usage_error(a, a->argc, "%s", "merge: expected -o OUT");

    merge_t m;
    memset(&m, 0, sizeof m);
    int rc = CLI_OK;
    /* Manifests first, so every file's rows are checked against the point count. */
    for (int pass = 0; pass < 2; pass++)
        for (int k = first; k < a->argc && rc == CLI_OK; k++) {
            const char *in = a->argv[k];
            struct stat st;
            if (!strcmp(in, "-o")) {
                k++;
                continue;
            }
            if (stat(in, &st) != 0) {
                fprintf(stderr, "neuspin: error: %s: %s\n", in, strerror(errno));
                rc = CLI_EUSAGE;
            } else if (pass == 0) {
                if (S_ISDIR(st.st_mode) && add_manifest(&m, in))
                    rc = CLI_EUSAGE;
            } else if (S_ISDIR(st.st_mode) ? add_dir(&m, in) : add_file(&m, in)) {
                rc = CLI_EUSAGE;
            }
        }
    uint64_t total = m.points ? m.points : m.max_index, missing = 0;
    if (rc == CLI_OK && !m.points)
        fprintf(stderr, "neuspin: warning: no sweep.json among the inputs: the point count is "
                        "taken from the rows (%llu)\n", (unsigned long long)total);
    if (rc == CLI_OK) {
        sweep_row_t *rows = malloc((total ? total : 1) * sizeof *rows);
        size_t n = 0;
        if (!rows || grow(&m, total) != 0) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            rc = CLI_ERUN;
        } else {
            for (uint64_t i = 0; i < total; i++) {
                if (m.row[i]) {
                    rows[n].index = i;
                    rows[n++].text = m.row[i];
                } else {
                    missing++;
                }
            }
            if (mkdir(out, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "neuspin: error: %s: cannot create: %s\n", out, strerror(errno));
                rc = CLI_ERUN;
            } else if (sweep_write_rows(out, "summary.csv", m.header, rows, n) != 0 ||
                       (m.manifest &&
                        sweep_write_file(out, "sweep.json", m.manifest, strlen(m.manifest)))) {
                rc = CLI_ERUN;
            }
        }
        free(rows);
        if (rc == CLI_OK && missing) {
            /* ids as ranges: "3, 7, 11-15" */
            fprintf(stderr, "neuspin: %llu of %llu points missing:", (unsigned long long)missing,
                    (unsigned long long)total);
            int shown = 0;
            for (uint64_t i = 0; i < total; i++) {
                if (m.row[i])
                    continue;
                uint64_t j = i;
                while (j + 1 < total && !m.row[j + 1])
                    j++;
                if (shown++ == 50) {
                    fprintf(stderr, " ...");
                    break;
                }
                if (j > i)
                    fprintf(stderr, "%s %llu-%llu", shown > 1 ? "," : "", (unsigned long long)i,
                            (unsigned long long)j);
                else
                    fprintf(stderr, "%s %llu", shown > 1 ? "," : "", (unsigned long long)i);
                i = j;
            }
            fprintf(stderr, "\nneuspin: wrote %s/summary.csv with the %llu present\n", out,
                    (unsigned long long)(total - missing));
            rc = CLI_ERUN;
        } else if (rc == CLI_OK) {
            fprintf(stderr, "neuspin: merged %llu points into %s/summary.csv\n",
                    (unsigned long long)total, out);
        }
    }
    for (size_t i = 0; i < m.n_texts; i++)
        free(m.texts[i]);
    free(m.texts);
    free(m.row);
    free(m.header);
    free(m.manifest);
    return rc;
}
