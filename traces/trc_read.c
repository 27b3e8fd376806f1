/* trc_read.c - the bounded RFC 4180 reader and the readers of layers.csv and summary.csv
 * (see trc_read.h).  A record is parsed into one scratch buffer that grows to the longest
 * record, so reading allocates nothing per row. */
#define _POSIX_C_SOURCE 200809L
#include "trc_int.h"
#include "trc_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/status.h"

/* ---- Writing ---- */

void trc_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4  ? 4
               : s[0] >= 0xe0                ? 3
               : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
                                             : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

char *trc_safe_text(char *buf, size_t n, const char *s)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    if (!n)
        return buf;
    while (*p) {
        size_t k = utf8_len(p);
        if (k == 0) {
            if (o + 1 >= n)
                break;
            buf[o++] = '?';
            p++;
        } else if (k == 1) {
            if (o + 1 >= n)
                break;
            unsigned char ch = *p++;
            buf[o++] = ch == '"' ? '\'' : (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
        } else {
            if (o + k >= n)
                break;
            memcpy(buf + o, p, k);
            o += k;
            p += k;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* ---- Files ---- */

int trc_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errn)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        trc_set_err(err, errn, "%s: cannot read: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ST_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        trc_set_err(err, errn, "%s: cannot read: not a regular file", path);
        close(fd);
        return ST_EIO;
    }
    if ((uint64_t)st.st_size > max) {
        trc_set_err(err, errn, "%s: %llu bytes, more than the %llu this neuspin reads", path,
                    (unsigned long long)st.st_size, (unsigned long long)max);
        close(fd);
        return ST_ERANGE;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *b = st_malloc(cap);
    if (!b) {
        close(fd);
        return ST_ENOMEM;
    }
    for (;;) {
        ssize_t k = read(fd, b + n, cap - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            trc_set_err(err, errn, "%s: cannot read: %s", path, strerror(errno));
            free(b);
            close(fd);
            return ST_EIO;
        }
        if (k == 0 || (n += (size_t)k) == cap - 1)
            break; /* a file that grows while read is cut at its size when opened */
    }
    close(fd);
    b[n] = '\0';
    if (memchr(b, '\0', n)) {
        trc_set_err(err, errn, "%s: holds a NUL byte: not a text file neuspin wrote", path);
        free(b);
        return ST_EIO;
    }
    *buf = b;
    if (len)
        *len = n;
    return ST_OK;
}

/* ---- CSV reader ---- */

struct trc_csv {
    const char *name; /* for messages */
    const char *text;
    size_t len;
    size_t pos;         /* next unread byte */
    unsigned long line; /* line of text[pos] (1-based) */
    size_t line_start;  /* offset of that line's first byte */
    /* the current record */
    unsigned long rec_line;
    size_t rec_start, rec_end; /* raw bytes, line end excluded */
    char *buf;                 /* the fields, unquoted, NUL-separated */
    size_t buf_cap;
    size_t *off;                 /* [nf] offset of field i in buf */
    unsigned long *fline, *fcol; /* where field i starts */
    unsigned nf, f_cap;
};

int trc_csv_open_mem(const char *name, const char *text, size_t len, trc_csv_t **out)
{
    trc_csv_t *c = st_calloc(1, sizeof *c);
    if (!c)
        return ST_ENOMEM;
    c->name = name;
    c->text = text;
    c->len = len;
    c->line = 1;
    *out = c;
    return ST_OK;
}

void trc_csv_rewind(trc_csv_t *c)
{
    c->pos = 0;
    c->line = 1;
    c->line_start = 0;
    c->nf = 0;
}

void trc_csv_close(trc_csv_t *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->off);
    free(c->fline);
    free(c->fcol);
    free(c);
}

unsigned trc_csv_nfields(const trc_csv_t *c)
{
    return c->nf;
}

const char *trc_csv_get(const trc_csv_t *c, unsigned i)
{
    return i < c->nf ? c->buf + c->off[i] : "";
}

const char *trc_csv_raw(const trc_csv_t *c, size_t *len)
{
    *len = c->rec_end - c->rec_start;
    return c->text + c->rec_start;
}

unsigned long trc_csv_line(const trc_csv_t *c)
{
    return c->rec_line;
}

/* "FILE:LINE:COL: error: " + message. */
static int csv_err(const trc_csv_t *c, unsigned long line, unsigned long col, char *err,
                   size_t errn, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int csv_err(const trc_csv_t *c, unsigned long line, unsigned long col, char *err,
                   size_t errn, const char *fmt, ...)
{
    if (err && errn) {
        int k = snprintf(err, errn, "%s:%lu:%lu: error: ", c->name, line, col);
        if (k > 0 && (size_t)k < errn) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + k, errn - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return ST_EIO;
}

static int add_field(trc_csv_t *c, size_t off)
{
    if (c->nf == c->f_cap) {
        unsigned cap = c->f_cap ? 2 * c->f_cap : 32;
        size_t *o = realloc(c->off, cap * sizeof *o);
        if (o)
            c->off = o;
        unsigned long *l = realloc(c->fline, cap * sizeof *l);
        if (l)
            c->fline = l;
        unsigned long *k = realloc(c->fcol, cap * sizeof *k);
        if (k)
            c->fcol = k;
        if (!o || !l || !k)
            return ST_ENOMEM;
        c->f_cap = cap;
    }
    c->off[c->nf] = off;
    c->fline[c->nf] = c->line;
    c->fcol[c->nf] = (unsigned long)(c->pos - c->line_start) + 1;
    c->nf++;
    return ST_OK;
}

/* Makes buf hold at least need bytes. */
static int buf_reserve(trc_csv_t *c, size_t need)
{
    if (need <= c->buf_cap)
        return ST_OK;
    size_t cap = c->buf_cap ? c->buf_cap : 256;
    while (cap < need)
        cap *= 2;
    char *b = realloc(c->buf, cap);
    if (!b)
        return ST_ENOMEM;
    c->buf = b;
    c->buf_cap = cap;
    return ST_OK;
}

int trc_csv_next(trc_csv_t *c, char *err, size_t errn)
{
    c->nf = 0;
    if (c->pos >= c->len)
        return 0;
    const char *t = c->text;
    /* the unquoted record can never be longer than its raw text */
    const char *nl = memchr(t + c->pos, '\n', c->len - c->pos);
    size_t o = 0;
    c->rec_line = c->line;
    c->rec_start = c->pos;
    if (buf_reserve(c, (nl ? (size_t)(nl - t) : c->len) - c->pos + 2) != ST_OK)
        return ST_ENOMEM;
    for (;;) {
        if (c->nf == TRC_CSV_MAX_FIELDS)
            return csv_err(c, c->line, c->pos - c->line_start + 1, err, errn,
                           "more than %u fields in one record", TRC_CSV_MAX_FIELDS);
        if (add_field(c, o) != ST_OK)
            return ST_ENOMEM;
        if (c->pos < c->len && t[c->pos] == '"') {
            unsigned long qline = c->line, qcol = c->pos - c->line_start + 1;
            c->pos++;
            for (;;) {
                if (c->pos >= c->len)
                    return csv_err(c, qline, qcol, err, errn,
                                   "quoted field not closed before the end of the file");
                char ch = t[c->pos];
                if (ch == '"') {
                    if (c->pos + 1 < c->len && t[c->pos + 1] == '"') {
                        c->pos += 2;
                        ch = '"';
                    } else {
                        c->pos++;
                        break;
                    }
                } else {
                    c->pos++;
                    if (ch == '\n') {
                        c->line++;
                        c->line_start = c->pos;
                    }
                }
                if (buf_reserve(c, o + 2) != ST_OK)
                    return ST_ENOMEM;
                c->buf[o++] = ch;
            }
            if (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\n' &&
                !(t[c->pos] == '\r' && c->pos + 1 < c->len && t[c->pos + 1] == '\n'))
                return csv_err(c, c->line, c->pos - c->line_start + 1, err, errn,
                               "expected ',' or a line end after a closing quote");
        } else {
            while (c->pos < c->len && t[c->pos] != ',' && t[c->pos] != '\n') {
                char ch = t[c->pos];
                if (ch == '"')
                    return csv_err(c, c->line, c->pos - c->line_start + 1, err, errn,
                                   "a quote inside an unquoted field");
                if (ch == '\r' && !(c->pos + 1 < c->len && t[c->pos + 1] == '\n'))
                    return csv_err(c, c->line, c->pos - c->line_start + 1, err, errn,
                                   "a carriage return outside quotes");
                if (ch == '\r')
                    break;
                if (buf_reserve(c, o + 2) != ST_OK)
                    return ST_ENOMEM;
                c->buf[o++] = ch;
                c->pos++;
            }
        }
        if (buf_reserve(c, o + 1) != ST_OK) /* a record past its first line break */
            return ST_ENOMEM;
        c->buf[o++] = '\0';
        if (c->pos >= c->len)
            return csv_err(c, c->line, c->pos - c->line_start + 1, err, errn,
                           "the last record has no line end: the file is truncated");
        if (t[c->pos] == ',') {
            c->pos++;
            continue;
        }
        c->rec_end = c->pos;
        c->pos += t[c->pos] == '\r' ? 2 : 1;
        c->line++;
        c->line_start = c->pos;
        return 1;
    }
}

/* The field quoted for a message: printable, at most 40 bytes. */
static const char *shown(const char *s, char *buf, size_t n)
{
    trc_safe_text(buf, n, s);
    return buf;
}

int trc_csv_want_fields(const trc_csv_t *c, unsigned n, char *err, size_t errn)
{
    if (c->nf == n)
        return ST_OK;
    unsigned k = c->nf < n ? c->nf - 1 : n;
    return csv_err(c, c->fline[k], c->fcol[k], err, errn, "expected %u fields, got %u", n, c->nf);
}

int trc_csv_u64(const trc_csv_t *c, unsigned i, const char *col, uint64_t lo, uint64_t hi,
                uint64_t *v, char *err, size_t errn)
{
    const char *s = trc_csv_get(c, i);
    char b[48];
    uint64_t x = 0;
    int ok = *s != '\0';
    for (const char *p = s; ok && *p; p++) {
        if (*p < '0' || *p > '9' || x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
            ok = 0;
            break;
        }
        x = x * 10 + (uint64_t)(*p - '0');
    }
    if (!ok || x < lo || x > hi) {
        if (lo == 0 && hi == UINT64_MAX)
            return csv_err(
                c, c->fline[i], c->fcol[i], err, errn,
                "column '%s': expected an integer in [0, 18446744073709551615], got \"%s\"", col,
                shown(s, b, sizeof b));
        return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                       "column '%s': expected an integer in [%llu, %llu], got \"%s\"", col,
                       (unsigned long long)lo, (unsigned long long)hi, shown(s, b, sizeof b));
    }
    *v = x;
    return ST_OK;
}

int trc_csv_f64(const trc_csv_t *c, unsigned i, const char *col, double *v, char *err, size_t errn)
{
    const char *s = trc_csv_get(c, i);
    char b[48], *end;
    /* strtod takes "nan", "inf", hex and leading blanks: refuse them first */
    int ok = *s && strspn(s, "0123456789+-.eE") == strlen(s);
    double x = ok ? strtod(s, &end) : 0;
    if (!ok || *end || x != x || x - x != 0)
        return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                       "column '%s': expected a number, got \"%s\"", col, shown(s, b, sizeof b));
    *v = x;
    return ST_OK;
}

int trc_csv_check(const trc_csv_t *c, unsigned i, const char *col, trc_type_t t, size_t max_len,
                  char *err, size_t errn)
{
    const char *s = trc_csv_get(c, i);
    uint64_t u;
    double d;
    switch (t) {
    case TRC_T_U64:
        return trc_csv_u64(c, i, col, 0, UINT64_MAX, &u, err, errn);
    case TRC_T_F64:
        return trc_csv_f64(c, i, col, &d, err, errn);
    case TRC_T_U64_STAR:
        return strcmp(s, "*") ? trc_csv_u64(c, i, col, 0, UINT64_MAX, &u, err, errn) : ST_OK;
    case TRC_T_U64_OPT:
        return *s ? trc_csv_u64(c, i, col, 0, UINT64_MAX, &u, err, errn) : ST_OK;
    case TRC_T_F64_OPT:
        return *s ? trc_csv_f64(c, i, col, &d, err, errn) : ST_OK;
    default:
        if (max_len && strlen(s) > max_len)
            return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                           "column '%s': expected at most %zu bytes, got %zu", col, max_len,
                           strlen(s));
        return ST_OK;
    }
}

int trc_csv_header(trc_csv_t *c, const trc_schema_t *s, char *err, size_t errn)
{
    int rc = trc_csv_next(c, err, errn);
    if (rc == 0)
        return csv_err(c, 1, 1, err, errn, "empty file: expected the %s header", s->file);
    if (rc < 0)
        return rc;
    for (unsigned i = 0; i < s->n_cols && i < c->nf; i++)
        if (strcmp(trc_csv_get(c, i), s->cols[i].name) != 0) {
            char b[48];
            return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                           "expected the %s header: column %u is '%s', got \"%s\"", s->file, i + 1,
                           s->cols[i].name, shown(trc_csv_get(c, i), b, sizeof b));
        }
    return trc_csv_want_fields(c, s->n_cols, err, errn);
}

int trc_csv_check_all(trc_csv_t *c, const trc_schema_t *s, char *err, size_t errn)
{
    int rc;
    while ((rc = trc_csv_next(c, err, errn)) == 1) {
        if ((rc = trc_csv_want_fields(c, s->n_cols, err, errn)) != ST_OK)
            return rc;
        for (unsigned i = 0; i < s->n_cols; i++)
            if ((rc = trc_csv_check(c, i, s->cols[i].name, s->cols[i].type, 0, err, errn)))
                return rc;
    }
    return rc;
}

/* ---- layers.csv ---- */

enum {
    LY_LAYER,
    LY_NAME,
    LY_KIND,
    LY_PASS,
    LY_MAPPING,
    LY_TILES,
    LY_START,
    LY_CYCLES,
    LY_LAT,
    LY_ENERGY,
    LY_COMP0,
    LY_RNG_MODULES = LY_COMP0 + COMP_COUNT,
    LY_RNG_BITS,
    LY_RNG_CYCLES,
    LY_ROWS_DROPPED,
    LY_WEIGHT_BITS,
    LY_BAYES_BITS,
    LY_BAYES_CELLS,
    LY_SRAM_BITS,
    LY_AREA,
    LY_STATIC,
    LY_P_TARGET,
    LY_P_MEAN,
    LY_P_STD,
    LY_COUNT
};

/* Checks and converts the current layers.csv record. */
typedef struct ly_rec {
    uint64_t layer, pass, start, cycles, rng_bits, rng_cycles, weight, bayes, sram;
    uint64_t tiles, mods;
    double e, comp[COMP_COUNT], area;
} ly_rec_t;

static int ly_record(const trc_csv_t *c, ly_rec_t *r, char *err, size_t errn)
{
    const trc_col_t *col = trc_schema_layers.cols;
    int rc = trc_csv_want_fields(c, LY_COUNT, err, errn);
    for (unsigned i = 0; !rc && i < LY_COUNT; i++)
        rc = trc_csv_check(c, i, col[i].name, col[i].type,
                           i == LY_NAME   ? TRC_NAME_MAX - 1
                           : i == LY_KIND ? 15
                                          : 0,
                           err, errn);
    uint64_t u;
#define U(i, lo, hi, dst) (rc ? rc : (rc = trc_csv_u64(c, i, col[i].name, lo, hi, dst, err, errn)))
#define F(i, dst) (rc ? rc : (rc = trc_csv_f64(c, i, col[i].name, dst, err, errn)))
    U(LY_LAYER, 0, UINT64_MAX, &r->layer);
    U(LY_PASS, 0, UINT32_MAX, &r->pass);
    U(LY_MAPPING, 0, 2, &u);
    U(LY_TILES, 0, UINT32_MAX, &r->tiles);
    U(LY_START, 0, UINT64_MAX, &r->start);
    U(LY_CYCLES, 0, UINT64_MAX - r->start, &r->cycles);
    F(LY_ENERGY, &r->e);
    for (int k = 0; k < COMP_COUNT; k++)
        F(LY_COMP0 + k, &r->comp[k]);
    U(LY_RNG_MODULES, 0, UINT32_MAX, &r->mods);
    U(LY_RNG_BITS, 0, UINT64_MAX, &r->rng_bits);
    U(LY_RNG_CYCLES, 0, UINT64_MAX, &r->rng_cycles);
    U(LY_WEIGHT_BITS, 0, UINT64_MAX, &r->weight);
    U(LY_BAYES_BITS, 0, UINT64_MAX, &r->bayes);
    U(LY_SRAM_BITS, 0, UINT64_MAX, &r->sram);
    F(LY_AREA, &r->area);
#undef U
#undef F
    return rc;
}

int trc_layers_parse(const char *name, const char *text, size_t len, trc_run_t *r, char *err,
                     size_t errn)
{
    memset(r, 0, sizeof *r);
    trc_csv_t *c;
    if (trc_csv_open_mem(name, text, len, &c) != ST_OK)
        return ST_ENOMEM;
    ly_rec_t x;
    uint64_t rows = 0, max_layer = 0;
    unsigned long max_line = 2, max_col = 1;
    int rc = trc_csv_header(c, &trc_schema_layers, err, errn);
    /* pass 1: check every record and find how many layers there are */
    while (!rc && (rc = trc_csv_next(c, err, errn)) == 1) {
        rc = ly_record(c, &x, err, errn);
        rows++;
        if (!rc && x.layer > max_layer) {
            max_layer = x.layer;
            max_line = c->fline[LY_LAYER];
            max_col = c->fcol[LY_LAYER];
        }
    }
    if (!rc && rows == 0)
        rc = csv_err(c, 2, 1, err, errn, "no rows: expected a row per layer and MC pass");
    if (!rc && max_layer >= rows) /* each layer has a row: more layers than rows is a lie */
        rc = csv_err(c, max_line, max_col, err, errn,
                     "column 'layer': expected a layer index below the %llu rows, got %llu",
                     (unsigned long long)rows, (unsigned long long)max_layer);
    if (!rc) {
        r->n_layers = (uint32_t)max_layer + 1;
        r->layers = st_calloc(r->n_layers, sizeof *r->layers);
        if (!r->layers)
            rc = ST_ENOMEM;
    }
    uint32_t *seen = rc ? NULL : st_calloc(r->n_layers, sizeof *seen);
    if (!rc && !seen)
        rc = ST_ENOMEM;
    trc_csv_rewind(c);
    if (!rc && (rc = trc_csv_next(c, err, errn)) == 1)
        rc = ST_OK; /* the header, checked above */
    while (!rc && (rc = trc_csv_next(c, err, errn)) == 1) {
        rc = ly_record(c, &x, err, errn);
        if (rc)
            break;
        trc_layer_sum_t *l = &r->layers[x.layer];
        const char *nm = trc_csv_get(c, LY_NAME), *kd = trc_csv_get(c, LY_KIND);
        if (seen[x.layer]++ == 0) {
            snprintf(l->name, sizeof l->name, "%s", nm);
            snprintf(l->kind, sizeof l->kind, "%s", kd);
        } else if (strcmp(l->name, nm) || strcmp(l->kind, kd)) {
            rc = csv_err(c, c->fline[LY_NAME], c->fcol[LY_NAME], err, errn,
                         "layer %llu is '%s' (%s) in an earlier row, here \"%.40s\" (%.15s)",
                         (unsigned long long)x.layer, l->name, l->kind, nm, kd);
            break;
        }
        l->cycles += x.cycles;
        l->e_pj += x.e;
        for (int k = 0; k < COMP_COUNT; k++)
            l->e_comp_pj[k] += x.comp[k];
        l->rng_bits += x.rng_bits;
        l->e_rng_pj += x.comp[COMP_DRNG] + x.comp[COMP_ARB];
        l->rng_cycles += x.rng_cycles;
        l->tiles = (uint32_t)x.tiles;
        l->rng_modules = (uint32_t)x.mods;
        l->weight_bits = x.weight;
        l->bayes_bits = x.bayes;
        l->sram_bits = x.sram;
        l->area_um2 = x.area;
        if (x.start + x.cycles > r->end_cyc)
            r->end_cyc = x.start + x.cycles;
    }
    for (uint32_t i = 0; !rc && i < r->n_layers; i++)
        if (!seen[i])
            rc = csv_err(c, 2, 1, err, errn, "layer %u has no row (layers 0..%u expected)", i,
                         r->n_layers - 1);
    if (!rc)
        r->passes = seen[0];
    free(seen);
    trc_csv_close(c);
    if (rc) {
        free(r->layers);
        memset(r, 0, sizeof *r);
    }
    return rc;
}

int trc_layers_read(const char *dir, trc_run_t *r, char *err, size_t errn)
{
    memset(r, 0, sizeof *r);
    size_t n = strlen(dir) + sizeof "/layers.csv";
    char *path = st_malloc(n), *text;
    size_t len;
    if (!path)
        return ST_ENOMEM;
    snprintf(path, n, "%s/layers.csv", dir);
    int rc = trc_read_file(path, TRC_CSV_MAX_BYTES, &text, &len, err, errn);
    if (rc == ST_OK) {
        rc = trc_layers_parse(path, text, len, r, err, errn);
        free(text);
    }
    free(path);
    return rc == ST_ERANGE ? ST_EIO : rc;
}

/* ---- summary.csv ---- */

#define SUM_METRICS 10 /* energy_pj .. error */

/* 1 when name is one of an eval sweep's summary figures. */
static int is_eval_col(const char *name)
{
    static const char *const fig[] = {"accuracy", "nll", "ece", "brier", "entropy", "mi"};
    size_t n = strlen(name);
    for (size_t k = 0; k < sizeof fig / sizeof fig[0]; k++)
        if (!strcmp(name, fig[k]))
            return 1;
    return !strncmp(name, "ood_", 4) && ((n > 9 && !strcmp(name + n - 5, "_rate")) ||
                                         (n > 10 && !strcmp(name + n - 6, "_auroc")));
}

int trc_summary_header(trc_csv_t *c, int n_axes, trc_summary_hdr_t *h, char *err, size_t errn)
{
    const trc_schema_t *s = &trc_schema_summary;
    int rc = trc_csv_next(c, err, errn);
    if (rc == 0)
        return csv_err(c, 1, 1, err, errn, "empty file: expected a summary.csv header");
    if (rc < 0)
        return rc;
    unsigned n = c->nf, ne = 0;
    if (n < 1 + SUM_METRICS || strcmp(trc_csv_get(c, 0), "point") != 0)
        return csv_err(c, 1, 1, err, errn,
                       "expected a summary.csv header: point, the axis keys, seed, %s, ..., error",
                       s->cols[s->n_cols - SUM_METRICS].name);
    /* an eval sweep's figures between edap and status */
    h->c_accuracy = -1;
    if (!strcmp(trc_csv_get(c, n - 2), "status"))
        while (n - 2 - ne > SUM_METRICS && is_eval_col(trc_csv_get(c, n - 3 - ne))) {
            if (!strcmp(trc_csv_get(c, n - 3 - ne), "accuracy"))
                h->c_accuracy = (int)(n - 3 - ne);
            ne++;
        }
    for (unsigned k = 0; k < SUM_METRICS; k++) {
        unsigned i = n - SUM_METRICS + k - (k < SUM_METRICS - 2 ? ne : 0);
        const char *want = s->cols[s->n_cols - SUM_METRICS + k].name;
        if (strcmp(trc_csv_get(c, i), want) != 0) {
            char b[48];
            return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                           "expected the summary.csv column '%s' here, got \"%s\"", want,
                           shown(trc_csv_get(c, i), b, sizeof b));
        }
    }
    h->n_fields = n;
    h->first_axis = 1;
    h->c_metric = n - SUM_METRICS - ne;
    h->c_eval = n - 2 - ne;
    h->n_eval = ne;
    /* the column before the metrics is the seed unless an axis is (then it is that axis) */
    h->c_seed = -1;
    unsigned mid = h->c_metric - 1;
    if (n_axes >= 0) {
        unsigned given = h->c_metric - 1; /* axis columns + the seed column, if any */
        if (given != (unsigned)n_axes && given != (unsigned)n_axes + 1)
            return csv_err(c, 1, 1, err, errn,
                           "%u columns between 'point' and 'energy_pj', but sweep.json names "
                           "%d axes: another sweep's summary",
                           given, n_axes);
        if (given == (unsigned)n_axes + 1) {
            if (strcmp(trc_csv_get(c, mid), "seed") != 0)
                return csv_err(c, c->fline[mid], c->fcol[mid], err, errn,
                               "expected the column 'seed' here");
            h->c_seed = (int)mid;
        }
    } else if (mid >= 1 && !strcmp(trc_csv_get(c, mid), "seed")) {
        int seed_axis = 0;
        for (unsigned i = 1; i < mid; i++)
            seed_axis |= !strcmp(trc_csv_get(c, i), "seed");
        if (!seed_axis)
            h->c_seed = (int)mid;
    }
    h->n_axes = h->c_metric - 1 - (h->c_seed >= 0);
    return ST_OK;
}

int trc_summary_row(const trc_csv_t *c, const trc_summary_hdr_t *h, uint64_t points,
                    trc_summary_row_t *row, char *err, size_t errn)
{
    const trc_col_t *mc = trc_schema_summary.cols + trc_schema_summary.n_cols - SUM_METRICS;
    int rc = trc_csv_want_fields(c, h->n_fields, err, errn);
    if (rc)
        return rc;
    uint64_t u;
    if ((rc = trc_csv_u64(c, 0, "point", 0, points ? points - 1 : UINT64_MAX, &row->point, err,
                          errn)))
        return rc;
    if (h->c_seed >= 0 &&
        (rc = trc_csv_u64(c, (unsigned)h->c_seed, "seed", 0, UINT64_MAX, &u, err, errn)))
        return rc;
    unsigned st = h->n_fields - 2;
    const char *status = trc_csv_get(c, st), *error = trc_csv_get(c, st + 1);
    row->ok = !strcmp(status, "ok");
    if (!row->ok && strcmp(status, "failed") != 0 && strcmp(status, "invalid") != 0) {
        char b[48];
        return csv_err(c, c->fline[st], c->fcol[st], err, errn,
                       "column 'status': expected ok, failed or invalid, got \"%s\"",
                       shown(status, b, sizeof b));
    }
    if (row->ok != !*error)
        return csv_err(c, c->fline[st + 1], c->fcol[st + 1], err, errn,
                       row->ok ? "column 'error': expected empty for an ok point"
                               : "column 'error': expected the reason a failed point failed");
    row->energy_pj = row->latency_ns = row->area_mm2 = 0;
    for (unsigned k = 0; k < SUM_METRICS - 2; k++) {
        unsigned i = h->c_metric + k;
        if (!row->ok) {
            if (*trc_csv_get(c, i))
                return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                               "column '%s': expected empty for a failed point", mc[k].name);
            continue;
        }
        if (mc[k].type == TRC_T_F64_OPT) {
            double d;
            if ((rc = trc_csv_f64(c, i, mc[k].name, &d, err, errn)))
                return rc;
            if (k == 0)
                row->energy_pj = d;
            else if (k == 1)
                row->latency_ns = d;
            else if (k == 6)
                row->area_mm2 = d;
        } else if ((rc = trc_csv_u64(c, i, mc[k].name, 0, UINT64_MAX, &u, err, errn))) {
            return rc;
        }
    }
    row->accuracy = 0;
    for (unsigned k = 0; k < h->n_eval; k++) { /* an eval sweep's figures */
        unsigned i = h->c_eval + k;
        double d;
        if (!row->ok) {
            if (*trc_csv_get(c, i))
                return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                               "column %u (an eval figure): expected empty for a failed point",
                               i + 1);
            continue;
        }
        if ((rc = trc_csv_f64(c, i, "eval figure", &d, err, errn)))
            return rc;
        if (!*trc_csv_get(c, i))
            return csv_err(c, c->fline[i], c->fcol[i], err, errn,
                           "expected a number for an ok point, got an empty field");
        if ((int)i == h->c_accuracy)
            row->accuracy = d;
    }
    return ST_OK;
}
