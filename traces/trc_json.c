/* trc_json.c - run.json and sweep.json read with jansson against their schema tables
 * (see trc_read.h).  Nothing here searches JSON text for a value; the text is searched
 * only to point a diagnostic at the key it is about. */
#define _POSIX_C_SOURCE 200809L
#include "trc_read.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

struct trc_sweep_info {
    json_t *doc; /* the whole document */
    char *text;  /* as read (owned) */
    size_t len;
    uint64_t points;
};

/* Line and column of the first `"key"` in text, for messages; 1:1 when not found. */
static void key_pos(const char *text, size_t len, const char *key, unsigned long *line,
                    unsigned long *col)
{
    size_t k = strlen(key);
    *line = 1;
    *col = 1;
    unsigned long l = 1;
    size_t ls = 0;
    for (size_t i = 0; i + k + 2 <= len; i++) {
        if (text[i] == '\n') {
            l++;
            ls = i + 1;
        } else if (text[i] == '"' && !memcmp(text + i + 1, key, k) && text[i + 1 + k] == '"') {
            *line = l;
            *col = (unsigned long)(i - ls) + 1;
            return;
        }
    }
}

static int json_err(const char *name, const char *text, size_t len, const char *key, char *err,
                    size_t errn, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int json_err(const char *name, const char *text, size_t len, const char *key, char *err,
                    size_t errn, const char *fmt, ...)
{
    unsigned long line = 1, col = 1;
    if (key)
        key_pos(text, len, key, &line, &col);
    if (err && errn) {
        int k = snprintf(err, errn, "%s:%lu:%lu: error: ", name, line, col);
        if (k > 0 && (size_t)k < errn) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + k, errn - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return ST_EIO;
}

static int type_ok(const json_t *v, trc_type_t t)
{
    switch (t) {
    case TRC_T_STR:
        return json_is_string(v);
    case TRC_T_U64:
    case TRC_T_U64_OPT:
    case TRC_T_U64_STAR:
        return json_is_integer(v) && json_integer_value(v) >= 0;
    case TRC_T_F64:
    case TRC_T_F64_OPT:
        return json_is_number(v);
    case TRC_T_OBJ:
        return json_is_object(v);
    case TRC_T_ARR:
        return json_is_array(v);
    case TRC_T_BOOL:
        return json_is_boolean(v);
    }
    return 0;
}

/* Parses text as a JSON object and checks it against s: every key of s that is present
 * has its type; every key not marked optional is present.  Unknown keys are allowed (a
 * newer neuspin may add some). */
static int load_checked(const char *name, const char *text, size_t len, const trc_schema_t *s,
                        json_t **out, char *err, size_t errn)
{
    json_error_t je;
    if (len > TRC_JSON_MAX_BYTES)
        return json_err(name, text, len, NULL, err, errn, "larger than %zu bytes",
                        TRC_JSON_MAX_BYTES);
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        if (err && errn)
            snprintf(err, errn, "%s:%d:%d: error: %s", name, je.line > 0 ? je.line : 1,
                     je.column > 0 ? je.column : 1, je.text);
        return ST_EIO;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        return json_err(name, text, len, NULL, err, errn, "expected a JSON object (%s)", s->file);
    }
    for (unsigned i = 0; i < s->n_cols; i++) {
        const trc_col_t *c = &s->cols[i];
        json_t *v = json_object_get(doc, c->name);
        if (!v && !(c->flags & TRC_COL_OPTIONAL)) {
            json_decref(doc);
            return json_err(name, text, len, NULL, err, errn, "key '%s' is required but not given",
                            c->name);
        }
        if (v && !type_ok(v, c->type)) {
            json_decref(doc);
            return json_err(
                name, text, len, c->name, err, errn, "key '%s': expected %s %s", c->name,
                c->type == TRC_T_U64 || c->type == TRC_T_ARR || c->type == TRC_T_OBJ ? "an" : "a",
                c->type == TRC_T_U64 ? "integer >= 0" : trc_type_name(c->type));
        }
    }
    *out = doc;
    return ST_OK;
}

/* Reads DIR/NAME into a malloc'd text with its path. */
static int read_in(const char *dir, const char *file, char **path, char **text, size_t *len,
                   char *err, size_t errn)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    *path = st_malloc(n);
    if (!*path)
        return ST_ENOMEM;
    snprintf(*path, n, "%s/%s", dir, file);
    int rc = trc_read_file(*path, TRC_JSON_MAX_BYTES, text, len, err, errn);
    if (rc != ST_OK) {
        free(*path);
        *path = NULL;
    }
    return rc == ST_ERANGE ? ST_EIO : rc;
}

/* ---- run.json ---- */

static void copy_str(char *dst, size_t n, json_t *v)
{
    dst[0] = '\0';
    if (json_is_string(v))
        snprintf(dst, n, "%s", json_string_value(v));
}

int trc_run_info_parse(const char *name, const char *text, size_t len, trc_run_info_t *info,
                       char *err, size_t errn)
{
    memset(info, 0, sizeof *info);
    json_t *doc;
    int rc = load_checked(name, text, len, &trc_schema_run, &doc, err, errn);
    if (rc)
        return rc;
    json_t *wl = json_object_get(doc, "workload");
    json_t *wn = json_object_get(wl, "name");
    if (!json_is_string(wn)) {
        json_decref(doc);
        return json_err(name, text, len, "workload", err, errn,
                        "key 'workload': expected an object with a string 'name'");
    }
    copy_str(info->workload, sizeof info->workload, wn);
    copy_str(info->scheme, sizeof info->scheme, json_object_get(doc, "scheme"));
    info->mc_passes = (uint64_t)json_integer_value(json_object_get(doc, "mc_passes"));
    info->cycle_ns = json_number_value(json_object_get(doc, "cycle_ns"));
    json_t *area = json_object_get(doc, "area"); /* absent before area was reported */
    info->chip_mm2 = json_number_value(json_object_get(area, "chip_mm2"));
    info->used_mm2 = json_number_value(json_object_get(area, "used_mm2"));
    /* a newer run.json may carry the architecture as an object with its name */
    json_t *arch = json_object_get(doc, "architecture");
    if (json_is_object(arch))
        copy_str(info->arch_name, sizeof info->arch_name, json_object_get(arch, "name"));
    const char *y = json_string_value(json_object_get(doc, "architecture_yaml"));
    if (y && *y && !(info->arch_yaml = strdup(y)))
        rc = ST_ENOMEM;
    json_decref(doc);
    return rc;
}

int trc_run_info_read(const char *dir, trc_run_info_t *info, char *err, size_t errn)
{
    char *path, *text;
    size_t len;
    memset(info, 0, sizeof *info);
    int rc = read_in(dir, "run.json", &path, &text, &len, err, errn);
    if (rc)
        return rc;
    rc = trc_run_info_parse(path, text, len, info, err, errn);
    free(text);
    free(path);
    return rc;
}

/* ---- sweep.json ---- */

int trc_sweep_info_parse(const char *name, const char *text, size_t len, trc_sweep_info_t **out,
                         char *err, size_t errn)
{
    json_t *doc;
    int rc = load_checked(name, text, len, &trc_schema_sweep, &doc, err, errn);
    if (rc)
        return rc;
    json_int_t pts = json_integer_value(json_object_get(doc, "points"));
    if (pts < 1) {
        json_decref(doc);
        return json_err(name, text, len, "points", err, errn,
                        "key 'points': expected an integer >= 1, got %lld", (long long)pts);
    }
    json_t *axes = json_object_get(doc, "axes"), *ax;
    size_t i;
    json_array_foreach(axes, i, ax)
    {
        if (!json_is_string(json_object_get(ax, "key")) ||
            !json_is_array(json_object_get(ax, "values"))) {
            json_decref(doc);
            return json_err(name, text, len, "axes", err, errn,
                            "key 'axes': entry %zu: expected {\"key\": text, \"values\": [...]}",
                            i);
        }
    }
    trc_sweep_info_t *s = st_calloc(1, sizeof *s);
    char *t = st_malloc(len + 1);
    if (!s || !t) {
        free(s);
        free(t);
        json_decref(doc);
        return ST_ENOMEM;
    }
    memcpy(t, text, len);
    t[len] = '\0';
    s->doc = doc;
    s->text = t;
    s->len = len;
    s->points = (uint64_t)pts;
    *out = s;
    return ST_OK;
}

int trc_sweep_info_read(const char *dir, trc_sweep_info_t **out, char *err, size_t errn)
{
    char *path, *text;
    size_t len;
    int rc = read_in(dir, "sweep.json", &path, &text, &len, err, errn);
    if (rc)
        return rc;
    rc = trc_sweep_info_parse(path, text, len, out, err, errn);
    free(text);
    free(path);
    return rc;
}

uint64_t trc_sweep_points(const trc_sweep_info_t *s)
{
    return s->points;
}

unsigned trc_sweep_n_axes(const trc_sweep_info_t *s)
{
    return (unsigned)json_array_size(json_object_get(s->doc, "axes"));
}

const char *trc_sweep_axis_key(const trc_sweep_info_t *s, unsigned k)
{
    json_t *ax = json_array_get(json_object_get(s->doc, "axes"), k);
    const char *v = json_string_value(json_object_get(ax, "key"));
    return v ? v : "";
}

unsigned trc_sweep_axis_n_values(const trc_sweep_info_t *s, unsigned k)
{
    json_t *ax = json_array_get(json_object_get(s->doc, "axes"), k);
    return (unsigned)json_array_size(json_object_get(ax, "values"));
}

const char *trc_sweep_base_workload(const trc_sweep_info_t *s)
{
    const char *v = json_string_value(json_object_get(json_object_get(s->doc, "base"), "workload"));
    return v ? v : "";
}

uint64_t trc_sweep_base_T(const trc_sweep_info_t *s)
{
    json_t *v = json_object_get(json_object_get(s->doc, "base"), "T");
    return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

const char *trc_sweep_text(const trc_sweep_info_t *s, size_t *len)
{
    if (len)
        *len = s->len;
    return s->text;
}

int trc_sweep_same(const trc_sweep_info_t *a, const trc_sweep_info_t *b)
{
    json_t *x = json_deep_copy(a->doc), *y = json_deep_copy(b->doc);
    int same = 0;
    if (x && y) {
        json_object_del(x, "sweep_file");
        json_object_del(y, "sweep_file");
        same = json_equal(x, y);
    }
    json_decref(x);
    json_decref(y);
    return same;
}

void trc_sweep_info_free(trc_sweep_info_t *s)
{
    if (!s)
        return;
    json_decref(s->doc);
    free(s->text);
    free(s);
}
