/* sweep.c - sweep files: parse (through ydoc), expand the axes into points, check every
 * point before anything runs (see sweep.h).  Points are never stored: point i's value
 * indices follow from i (mixed radix for product, i itself for zip). */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "wl_map.h"
#include "yamldoc.h"

#define MAX_AXIS_VALUES 1000000u

/* ---- Small helpers ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = st_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* "got Y" of an error: the scalar quoted (cut), or what the node is. */
static void got_text(const ydoc_t *d, int node, char *buf, size_t n)
{
    const char *s = ydoc_scalar(d, node);
    switch (ydoc_kind(d, node)) {
    case YNODE_MAP: snprintf(buf, n, "a mapping"); return;
    case YNODE_SEQ: snprintf(buf, n, "a sequence"); return;
    case YNODE_NONE: snprintf(buf, n, "nothing"); return;
    case YNODE_SCALAR: break;
    }
    if (!s || !s[0])
        snprintf(buf, n, "an empty value");
    else
        snprintf(buf, n, "\"%.40s%s\"", s, strlen(s) > 40 ? "..." : "");
}

/* Decimal digits only into a uint64_t; 0 on anything else or overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 1;
}

/* A decimal number (the architecture file's rule: no hex, inf or nan). */
static int parse_num(const char *s, double *out)
{
    char *end;
    if (!s || !*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return 0;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}


/* Directory part of path with its slash ("a/b/" of "a/b/s.yaml"), "" without one. */
static void dir_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    if (len >= n)
        len = n - 1;
    memcpy(buf, path, len);
    buf[len] = '\0';
}

/* A relative file path resolved against the sweep file's directory; names of built-ins
 * and absolute paths unchanged.  NULL on ENOMEM. */
static char *resolve(const sweep_t *s, const char *given, int is_builtin)
{
    char dir[4096];
    dir_of(s->path, dir, sizeof dir);
    if (is_builtin || given[0] == '/' || !dir[0])
        return dup_str(given);
    size_t n = strlen(dir) + strlen(given) + 1;
    char *p = st_malloc(n);
    if (p)
        snprintf(p, n, "%s%s", dir, given);
    return p;
}

static int is_arch_builtin(const char *name)
{
    for (size_t i = 0; i < arch_builtin_count(); i++)
        if (!strcmp(name, arch_builtin_name(i)))
            return 1;
    return 0;
}

static int is_wl_builtin(const char *name)
{
    for (size_t i = 0; i < wl_builtin_count(); i++)
        if (!strcmp(name, wl_builtin_name(i)))
            return 1;
    return 0;
}

/* Copies diagnostics of a nested load into dl; those made at "<cmdline>" (a name that is
 * neither a file nor a built-in) are re-homed at the node that gave the name. */
static void adopt(const sweep_t *s, int node, const arch_diag_list_t *from, arch_diag_list_t *dl)
{
    for (uint32_t i = 0; i < from->n; i++) {
        const arch_diag_t *e = &from->d[i];
        if (!strcmp(e->file, "<cmdline>")) {
            if (e->path[0])
                ydoc_error(s->doc, node, dl, "", "%s: %s", e->path, e->msg);
            else
                ydoc_error(s->doc, node, dl, "", "%s", e->msg);
        } else if (dl->n < ARCH_DIAG_MAX) {
            dl->d[dl->n++] = *e;
        } else {
            dl->dropped++;
        }
    }
    dl->dropped += from->dropped;
}

/* ---- Loading ---- */

typedef struct top {
    uint32_t version;
    uint32_t mode;
} top_t;

typedef struct base {
    uint32_t T;
    uint32_t mapping;
    uint32_t timing;
} base_t;

const char *const sweep_timing_names[] = {"event", "cycle", "analytic", NULL};

static const char *const mode_names[] = {"product", "zip", NULL};

static const yfield_t top_rows[] = {
    {"version", YF_U32, offsetof(top_t, version), 1, 0, NULL, 1, 1, "-",
     "sweep file version; this neuspin reads 1", NULL},
    {"mode", YF_ENUM, offsetof(top_t, mode), 0, 0, NULL, 0, 0, "-",
     "how axes combine: product (every combination) or zip (i-th values together)", mode_names},
};
static const char *const top_skip[] = {"base", "axes", NULL};

static const yfield_t base_rows[] = {
    {"T", YF_U32, offsetof(base_t, T), 0, 0, NULL, 1, 100000, "pass",
     "MC passes per input (default: the workload's)", NULL},
    {"mapping", YF_U32, offsetof(base_t, mapping), 0, 0, NULL, 1, 2, "-",
     "conv mapping strategy (default: the architecture's)", NULL},
    {"timing", YF_ENUM, offsetof(base_t, timing), 0, 0, NULL, 0, 0, "-",
     "timing mode of the runs (default: neuspin run's)", sweep_timing_names},
};
static const char *const base_skip[] = {"arch", "workload", "seed", NULL};
static const char *const axis_skip[] = {"key", "values", "range", NULL};
static const char *const range_skip[] = {"from", "to", "step", "mul", NULL};

/* Index of workload `given` in s->wl, adding (and loading) it when new; -1 on error. */
static int add_workload(sweep_t *s, const char *given, int node, arch_diag_list_t *dl)
{
    for (uint32_t i = 0; i < s->n_wl; i++)
        if (!strcmp(s->wl[i].given, given))
            return (int)i;
    sweep_wl_t *w = realloc(s->wl, (s->n_wl + 1) * sizeof *w);
    if (!w)
        return -1;
    s->wl = w;
    w = &s->wl[s->n_wl];
    memset(w, 0, sizeof *w);
    w->given = dup_str(given);
    w->spec = w->given ? resolve(s, given, is_wl_builtin(given)) : NULL;
    if (!w->given || !w->spec) {
        free(w->given);
        free(w->spec);
        return -1;
    }
    s->n_wl++;
    arch_diag_list_t tmp;
    arch_diag_init(&tmp);
    if (wl_load(w->spec, &w->net, &tmp) != ST_OK) {
        adopt(s, node, &tmp, dl);
        return -1;
    }
    return (int)(s->n_wl - 1);
}

/* A non-empty scalar string at node, or NULL with an error. */
static const char *need_name(const sweep_t *s, int node, const char *path, const char *what,
                             arch_diag_list_t *dl)
{
    const char *v = ydoc_scalar(s->doc, node);
    if (!v || !v[0]) {
        char got[64];
        got_text(s->doc, node, got, sizeof got);
        ydoc_error(s->doc, node, dl, path, "expected %s, got %s", what, got);
        return NULL;
    }
    return v;
}

static int parse_base(sweep_t *s, int node, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    base_t b;
    int rc = ST_OK;
    const char *arch = NULL, *wl = NULL;
    s->seed = 1;
    if (node) {
        if (ydoc_apply(d, node, "base", base_rows, 3, &b, base_skip, dl) != ST_OK)
            return ST_ECONFIG;
        s->T = b.T;
        s->mapping = b.mapping;
        s->timing = ydoc_map_get(d, node, "timing") ? b.timing + 1 : 0;
        int n;
        if ((n = ydoc_map_get(d, node, "seed"))) {
            const char *v = ydoc_scalar(d, n);
            if (!parse_u64(v, &s->seed)) {
                char got[64];
                got_text(d, n, got, sizeof got);
                ydoc_error(d, n, dl, "base.seed",
                           "expected integer in [0, 18446744073709551615], got %s", got);
                rc = ST_ECONFIG;
            }
        }
        if ((n = ydoc_map_get(d, node, "arch")) &&
            !(arch = need_name(s, n, "base.arch", "a built-in architecture or a file", dl)))
            rc = ST_ECONFIG;
        if ((n = ydoc_map_get(d, node, "workload")) &&
            !(wl = need_name(s, n, "base.workload", "a built-in workload or a file", dl)))
            rc = ST_ECONFIG;
    }
    if (rc != ST_OK)
        return rc;

    arch_diag_list_t tmp;
    arch_diag_init(&tmp);
    int an = node ? ydoc_map_get(d, node, "arch") : 0;
    if (arch) {
        s->arch_given = dup_str(arch);
        s->arch_spec = resolve(s, arch, is_arch_builtin(arch));
        if (!s->arch_given || !s->arch_spec)
            return ST_ENOMEM;
        rc = arch_load(s->arch_spec, &s->base, &tmp);
    } else {
        rc = arch_load_default(&s->base, &tmp);
    }
    if (rc != ST_OK) {
        adopt(s, an ? an : ydoc_root(d), &tmp, dl);
        return rc == ST_ENOMEM ? rc : ST_ECONFIG;
    }
    int wn = node ? ydoc_map_get(d, node, "workload") : 0;
    int k = add_workload(s, wl ? wl : wl_builtin_default(), wn ? wn : ydoc_root(d), dl);
    if (k < 0)
        return ST_ECONFIG;
    s->base_wl = (uint32_t)k;
    return ST_OK;
}

/* Reads one value given as text into v for axis a; errors at node.  `path` names it. */
static int set_value(sweep_t *s, sweep_axis_t *a, sweep_value_t *v, const char *text, int node,
                     const char *path, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    char canon[128];
    v->node = node;
    switch (a->kind) {
    case SWEEP_KEY_ARCH: {
        arch_t tmp = s->base;
        arch_diag_list_t e;
        arch_diag_init(&e);
        int rc = arch_override(&tmp, a->key, text, &e);
        if (rc == ST_ENOMEM)
            return rc;
        if (rc != ST_OK) {
            for (uint32_t i = 0; i < e.n; i++)
                ydoc_error(d, node, dl, path, "%s: %s", e.d[i].path, e.d[i].msg);
            return ST_ECONFIG;
        }
        memcpy(v->raw, (const char *)&tmp + a->row->offset, arch_field_size(a->row));
        if (a->row->type == YF_STR)
            snprintf(canon, sizeof canon, "%s", text);
        else
            ydoc_format_value(a->row, &tmp, canon, sizeof canon);
        break;
    }
    case SWEEP_KEY_T:
    case SWEEP_KEY_MAPPING:
    case SWEEP_KEY_SEED: {
        uint64_t hi = a->kind == SWEEP_KEY_T ? 100000 : a->kind == SWEEP_KEY_MAPPING ? 2 : UINT64_MAX;
        uint64_t lo = a->kind == SWEEP_KEY_SEED ? 0 : 1;
        if (!parse_u64(text, &v->num) || v->num < lo || v->num > hi) {
            char got[64];
            snprintf(got, sizeof got, "\"%.40s\"", text);
            ydoc_error(d, node, dl, path, "%s: expected integer in [%llu, %llu], got %s", a->key,
                       (unsigned long long)lo, (unsigned long long)hi,
                       text[0] ? got : "an empty value");
            return ST_ECONFIG;
        }
        snprintf(canon, sizeof canon, "%llu", (unsigned long long)v->num);
        break;
    }
    case SWEEP_KEY_TIMING: {
        uint32_t k = 0;
        while (sweep_timing_names[k] && strcmp(text, sweep_timing_names[k]) != 0)
            k++;
        if (!sweep_timing_names[k]) {
            ydoc_error(d, node, dl, path, "timing: expected event, cycle or analytic, got \"%.40s\"",
                       text);
            return ST_ECONFIG;
        }
        v->num = k + 1;
        snprintf(canon, sizeof canon, "%s", text);
        break;
    }
    case SWEEP_KEY_WORKLOAD: {
        if (!text[0]) {
            ydoc_error(d, node, dl, path, "workload: expected a built-in workload or a file, got "
                                          "an empty value");
            return ST_ECONFIG;
        }
        int k = add_workload(s, text, node, dl);
        if (k < 0)
            return ST_ECONFIG;
        v->num = (uint64_t)k;
        snprintf(canon, sizeof canon, "%s", text);
        break;
    }
    }
    v->text = dup_str(a->kind == SWEEP_KEY_WORKLOAD ? text : canon);
    return v->text ? ST_OK : ST_ENOMEM;
}

/* Reads range field `key` of node rn as a number; 0 when absent. */
static int range_num(const ydoc_t *d, int rn, const char *key, const char *path, int integer,
                     double *out, int *given, arch_diag_list_t *dl)
{
    int n = ydoc_map_get(d, rn, key);
    *given = n != 0;
    if (!n)
        return ST_OK;
    char full[160], got[64];
    snprintf(full, sizeof full, "%s.%s", path, key);
    if (!parse_num(ydoc_scalar(d, n), out) ||
        (integer && (*out != floor(*out) || fabs(*out) > 9007199254740992.0))) {
        got_text(d, n, got, sizeof got);
        ydoc_error(d, n, dl, full, "expected %s, got %s", integer ? "an integer" : "a number", got);
        return ST_ECONFIG;
    }
    return ST_OK;
}

/* Expands `range: {from, to, step | mul}` into axis a's values. */
static int parse_range(sweep_t *s, sweep_axis_t *a, int rn, const char *path,
                       arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    int integer = a->kind != SWEEP_KEY_ARCH || a->row->type == YF_U32;
    if (a->kind == SWEEP_KEY_WORKLOAD || a->kind == SWEEP_KEY_TIMING ||
        (a->kind == SWEEP_KEY_ARCH && a->row->type != YF_U32 && a->row->type != YF_F64)) {
        ydoc_error(d, rn, dl, path, "a range needs a numeric key, '%s' is not one; list its values "
                                    "instead",
                   a->key);
        return ST_ECONFIG;
    }
    if (ydoc_kind(d, rn) != YNODE_MAP) {
        char got[64];
        got_text(d, rn, got, sizeof got);
        ydoc_error(d, rn, dl, path, "expected a mapping {from, to, step or mul}, got %s", got);
        return ST_ECONFIG;
    }
    int dummy;
    if (ydoc_apply(d, rn, path, NULL, 0, &dummy, range_skip, dl) != ST_OK)
        return ST_ECONFIG;
    double from = 0, to = 0, step = 0, mul = 0;
    int g_from, g_to, g_step, g_mul;
    int rc = range_num(d, rn, "from", path, integer, &from, &g_from, dl);
    rc = st_first(rc, range_num(d, rn, "to", path, integer, &to, &g_to, dl)); /* all report */
    rc = st_first(rc, range_num(d, rn, "step", path, integer, &step, &g_step, dl));
    rc = st_first(rc, range_num(d, rn, "mul", path, 0, &mul, &g_mul, dl));
    if (rc)
        return ST_ECONFIG;
    char full[160];
    if (!g_from || !g_to) {
        snprintf(full, sizeof full, "%s.%s", path, g_from ? "to" : "from");
        ydoc_error(d, rn, dl, full, "is required but not given");
        return ST_ECONFIG;
    }
    if (g_step == g_mul) {
        ydoc_error(d, rn, dl, path, "expected exactly one of 'step' or 'mul'");
        return ST_ECONFIG;
    }
    /* The direction must lead from `from` to `to`. */
    int up = to >= from;
    if (g_step && (step == 0 || (to != from && (step > 0) != up))) {
        snprintf(full, sizeof full, "%s.step", path);
        ydoc_error(d, ydoc_map_get(d, rn, "step"), dl, full,
                   "expected a %s step to go from %g to %g", up ? "positive" : "negative", from, to);
        return ST_ECONFIG;
    }
    if (g_mul && (mul <= 0 || mul == 1 || (to != from && (mul > 1) != up) || from == 0)) {
        snprintf(full, sizeof full, "%s.mul", path);
        ydoc_error(d, ydoc_map_get(d, rn, "mul"), dl, full,
                   "expected a factor %s to go from %g to %g (and from not 0)",
                   up ? "above 1" : "between 0 and 1", from, to);
        return ST_ECONFIG;
    }

    /* Count first, then fill: values are from + k*step (no accumulated rounding) or
     * repeated multiplication, rounded for integer keys. */
    double eps = g_step ? fabs(step) * 1e-9 : fabs(to) * 1e-12;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t k = 0;
        double v = from, prev = NAN;
        while (up ? v <= to + eps : v >= to - eps) {
            if (k >= MAX_AXIS_VALUES) {
                ydoc_error(d, rn, dl, path, "more than %u values", MAX_AXIS_VALUES);
                return ST_ECONFIG;
            }
            /* 12 significant digits: 0.01 + 2 * 0.01 is "0.03", not 0.030000000000000002 */
            double x = v;
            if (integer) {
                x = floor(v + 0.5);
            } else {
                char t[40];
                snprintf(t, sizeof t, "%.12g", v);
                x = strtod(t, NULL);
            }
            if (x == prev) {
                ydoc_error(d, rn, dl, path, "mul %g repeats the integer value %g; use a larger "
                                            "factor", mul, x);
                return ST_ECONFIG;
            }
            if (pass == 1) {
                char text[64];
                if (integer)
                    snprintf(text, sizeof text, "%.0f", x); /* a negative one is refused */
                else
                    ydoc_format_number(x, text, sizeof text);
                char vp[192];
                snprintf(vp, sizeof vp, "%s", path);
                rc = set_value(s, a, &a->values[k], text, rn, vp, dl);
                if (rc != ST_OK)
                    return rc;
            }
            prev = x;
            k++;
            if (to == from)
                break;
            v = g_step ? from + k * step : v * mul;
        }
        if (pass == 0) {
            a->values = st_calloc(k ? k : 1, sizeof *a->values);
            if (!a->values)
                return ST_ENOMEM;
            a->n_values = k;
        }
    }
    return ST_OK;
}

static int parse_axis(sweep_t *s, sweep_axis_t *a, int node, uint32_t ai, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    char path[64], full[128], got[64];
    snprintf(path, sizeof path, "axes[%u]", ai);
    if (ydoc_kind(d, node) != YNODE_MAP) {
        got_text(d, node, got, sizeof got);
        ydoc_error(d, node, dl, path, "expected a mapping {key, values or range}, got %s", got);
        return ST_ECONFIG;
    }
    int dummy;
    if (ydoc_apply(d, node, path, NULL, 0, &dummy, axis_skip, dl) != ST_OK)
        return ST_ECONFIG;
    int kn = ydoc_map_get(d, node, "key"), vn = ydoc_map_get(d, node, "values"),
        rn = ydoc_map_get(d, node, "range");
    snprintf(full, sizeof full, "%s.key", path);
    if (!kn) {
        ydoc_error(d, node, dl, full, "is required but not given");
        return ST_ECONFIG;
    }
    const char *key = ydoc_scalar(d, kn);
    if (!key || !key[0] || strlen(key) >= sizeof a->key) {
        got_text(d, kn, got, sizeof got);
        ydoc_error(d, kn, dl, full, "expected an architecture key path or T, mapping, workload, "
                                    "seed, timing, got %s", got);
        return ST_ECONFIG;
    }
    snprintf(a->key, sizeof a->key, "%s", key);
    if (!strcmp(key, "T"))
        a->kind = SWEEP_KEY_T;
    else if (!strcmp(key, "mapping"))
        a->kind = SWEEP_KEY_MAPPING;
    else if (!strcmp(key, "workload"))
        a->kind = SWEEP_KEY_WORKLOAD;
    else if (!strcmp(key, "seed"))
        a->kind = SWEEP_KEY_SEED;
    else if (!strcmp(key, "timing"))
        a->kind = SWEEP_KEY_TIMING;
    else if ((a->row = arch_key_find(key, NULL)) != NULL)
        a->kind = SWEEP_KEY_ARCH;
    else {
        char best[96];
        arch_key_suggest(key, best, sizeof best);
        if (best[0])
            ydoc_error(d, kn, dl, full, "unknown key '%s', did you mean '%s'?", key, best);
        else
            ydoc_error(d, kn, dl, full, "unknown key '%s' (an architecture key path as in "
                                        "'neuspin config --list-params', or T, mapping, "
                                        "workload, seed, timing)", key);
        return ST_ECONFIG;
    }
    for (uint32_t j = 0; j < ai; j++)
        if (!strcmp(s->axes[j].key, key)) {
            ydoc_error(d, kn, dl, full, "'%s' is already axes[%u]", key, j);
            return ST_ECONFIG;
        }
    if (!vn == !rn) {
        ydoc_error(d, node, dl, path, "expected exactly one of 'values' or 'range'");
        return ST_ECONFIG;
    }
    if (rn) {
        snprintf(full, sizeof full, "%s.range", path);
        return parse_range(s, a, rn, full, dl);
    }
    snprintf(full, sizeof full, "%s.values", path);
    if (ydoc_kind(d, vn) != YNODE_SEQ || ydoc_len(d, vn) == 0) {
        got_text(d, vn, got, sizeof got);
        ydoc_error(d, vn, dl, full, "expected a non-empty list of values, got %s",
                   ydoc_kind(d, vn) == YNODE_SEQ ? "an empty list" : got);
        return ST_ECONFIG;
    }
    size_t n = ydoc_len(d, vn);
    if (n > MAX_AXIS_VALUES) {
        ydoc_error(d, vn, dl, full, "more than %u values", MAX_AXIS_VALUES);
        return ST_ECONFIG;
    }
    a->values = st_calloc(n, sizeof *a->values);
    if (!a->values)
        return ST_ENOMEM;
    a->n_values = (uint32_t)n;
    int rc = ST_OK;
    for (size_t i = 0; i < n; i++) {
        int it = ydoc_seq_item(d, vn, i);
        char vp[160];
        snprintf(vp, sizeof vp, "%s[%zu]", full, i);
        const char *text = ydoc_scalar(d, it);
        if (!text) {
            got_text(d, it, got, sizeof got);
            ydoc_error(d, it, dl, vp, "expected a value, got %s", got);
            rc = ST_ECONFIG;
            continue;
        }
        int r = set_value(s, a, &a->values[i], text, it, vp, dl);
        if (r == ST_ENOMEM)
            return r;
        if (r)
            rc = r;
    }
    return rc;
}

static int load_doc(sweep_t *s, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    int root = ydoc_root(d);
    if (!root || ydoc_kind(d, root) != YNODE_MAP) {
        arch_diag_add(dl, ydoc_name(d), 0, 0, "", NULL,
                      "expected a mapping with 'version: 1', 'base' and 'axes'");
        return ST_ECONFIG;
    }
    if (ydoc_check_version(d, root, dl) != ST_OK)
        return ST_ECONFIG;
    top_t top;
    if (ydoc_apply(d, root, "", top_rows, 2, &top, top_skip, dl) != ST_OK)
        return ST_ECONFIG;
    s->zip = top.mode == 1;
    int rc = parse_base(s, ydoc_map_get(d, root, "base"), dl);
    if (rc != ST_OK)
        return rc;

    int an = ydoc_map_get(d, root, "axes");
    s->axes_node = an ? an : root;
    s->n_points = 1;
    if (!an)
        return ST_OK;
    if (ydoc_kind(d, an) != YNODE_SEQ) {
        char got[64];
        got_text(d, an, got, sizeof got);
        ydoc_error(d, an, dl, "axes", "expected a list of axes, got %s", got);
        return ST_ECONFIG;
    }
    size_t n = ydoc_len(d, an);
    if (n > SWEEP_MAX_AXES) {
        ydoc_error(d, an, dl, "axes", "expected at most %d axes, got %zu", SWEEP_MAX_AXES, n);
        return ST_ECONFIG;
    }
    s->axes = st_calloc(n ? n : 1, sizeof *s->axes);
    if (!s->axes)
        return ST_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int r = parse_axis(s, &s->axes[i], ydoc_seq_item(d, an, i), (uint32_t)i, dl);
        s->n_axes = (uint32_t)i + 1; /* so sweep_destroy frees what parse_axis made */
        if (r == ST_ENOMEM)
            return r;
        if (r)
            rc = ST_ECONFIG;
    }
    if (rc)
        return rc;
    /* Count the points. */
    for (uint32_t i = 0; i < s->n_axes; i++) {
        const sweep_axis_t *a = &s->axes[i];
        if (s->zip) {
            if (a->n_values != s->axes[0].n_values) {
                char p[32];
                snprintf(p, sizeof p, "axes[%u]", i);
                ydoc_error(d, ydoc_seq_item(d, an, i), dl, p,
                           "mode zip needs axes of equal length: axes[0] (%s) has %u values, "
                           "axes[%u] (%s) has %u",
                           s->axes[0].key, s->axes[0].n_values, i, a->key, a->n_values);
                rc = ST_ECONFIG;
            }
            s->n_points = s->axes[0].n_values;
        } else {
            if (s->n_points > SWEEP_MAX_POINTS / a->n_values) {
                ydoc_error(d, an, dl, "axes", "the product of the axes has more than %llu points",
                           (unsigned long long)SWEEP_MAX_POINTS);
                return ST_ECONFIG;
            }
            s->n_points *= a->n_values;
        }
    }
    return rc;
}

static int finish_load(sweep_t *s, arch_diag_list_t *dl, sweep_t **out)
{
    int rc = load_doc(s, dl);
    if (rc != ST_OK) {
        sweep_destroy(s);
        return rc;
    }
    *out = s;
    return ST_OK;
}

int sweep_load(const char *path, sweep_t **out, arch_diag_list_t *dl)
{
    sweep_t *s = st_calloc(1, sizeof *s);
    if (!s)
        return ST_ENOMEM;
    if (!(s->path = dup_str(path))) {
        free(s);
        return ST_ENOMEM;
    }
    int rc = ydoc_load_file(path, &s->doc, dl);
    if (rc != ST_OK) {
        sweep_destroy(s);
        return rc;
    }
    return finish_load(s, dl, out);
}

int sweep_load_string(const char *path, const char *text, size_t len, sweep_t **out,
                      arch_diag_list_t *dl)
{
    sweep_t *s = st_calloc(1, sizeof *s);
    if (!s)
        return ST_ENOMEM;
    if (!(s->path = dup_str(path))) {
        free(s);
        return ST_ENOMEM;
    }
    int rc = ydoc_load_string(path, text, len, &s->doc, dl);
    if (rc != ST_OK) {
        sweep_destroy(s);
        return rc;
    }
    return finish_load(s, dl, out);
}

void sweep_destroy(sweep_t *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->n_axes; i++) {
        for (uint32_t j = 0; j < s->axes[i].n_values; j++)
            free(s->axes[i].values[j].text);
        free(s->axes[i].values);
    }
    free(s->axes);
    for (uint32_t i = 0; i < s->n_wl; i++) {
        free(s->wl[i].given);
        free(s->wl[i].spec);
        wl_net_destroy(s->wl[i].net);
    }
    free(s->wl);
    ydoc_destroy(s->doc);
    free(s->arch_given);
    free(s->arch_spec);
    free(s->path);
    free(s);
}

/* ---- Points ---- */

void sweep_point_index(const sweep_t *s, uint64_t i, uint32_t *idx)
{
    for (uint32_t k = s->n_axes; k-- > 0;) {
        if (s->zip) {
            idx[k] = (uint32_t)i;
        } else {
            idx[k] = (uint32_t)(i % s->axes[k].n_values);
            i /= s->axes[k].n_values;
        }
    }
}

void sweep_point_arch(const sweep_t *s, uint64_t i, arch_t *a)
{
    uint32_t idx[SWEEP_MAX_AXES];
    sweep_point_index(s, i, idx);
    *a = s->base;
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_ARCH)
            memcpy((char *)a + s->axes[k].row->offset, s->axes[k].values[idx[k]].raw,
                   arch_field_size(s->axes[k].row));
    a->drng.clk_ns = 1000.0 / a->clk_mhz; /* derived, as arch_load and arch_override do */
}

uint64_t sweep_seed(uint64_t master, uint64_t i)
{
    uint64_t z = master + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void sweep_point_run(const sweep_t *s, uint64_t i, uint64_t *T, uint64_t *mapping,
                     uint64_t *seed, uint32_t *wl)
{
    uint32_t idx[SWEEP_MAX_AXES];
    sweep_point_index(s, i, idx);
    *T = s->T;
    *mapping = s->mapping;
    *seed = sweep_seed(s->seed, i);
    *wl = s->base_wl;
    for (uint32_t k = 0; k < s->n_axes; k++) {
        const sweep_value_t *v = &s->axes[k].values[idx[k]];
        switch (s->axes[k].kind) {
        case SWEEP_KEY_T: *T = v->num; break;
        case SWEEP_KEY_MAPPING: *mapping = v->num; break;
        case SWEEP_KEY_SEED: *seed = v->num; break;
        case SWEEP_KEY_WORKLOAD: *wl = (uint32_t)v->num; break;
        default: break;
        }
    }
}

const char *sweep_point_timing(const sweep_t *s, uint64_t i)
{
    uint32_t idx[SWEEP_MAX_AXES], t = s->timing;
    sweep_point_index(s, i, idx);
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_TIMING)
            t = (uint32_t)s->axes[k].values[idx[k]].num;
    return t ? sweep_timing_names[t - 1] : NULL;
}

void sweep_point_label(const sweep_t *s, uint64_t i, char *buf, size_t n)
{
    uint32_t idx[SWEEP_MAX_AXES];
    size_t o = 0;
    sweep_point_index(s, i, idx);
    buf[0] = '\0';
    if (!s->n_axes)
        snprintf(buf, n, "the base");
    for (uint32_t k = 0; k < s->n_axes && o < n; k++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s=%s", k ? ", " : "", s->axes[k].key,
                              s->axes[k].values[idx[k]].text);
}

int sweep_id_width(const sweep_t *s)
{
    int w = 1;
    for (uint64_t v = s->n_points > 1 ? s->n_points - 1 : 0; v >= 10; v /= 10)
        w++;
    return w < 4 ? 4 : w;
}

/* Reports the failure e of point i at the value that most likely caused it: the axis whose
 * key the error names, else the axes list. */
static void point_error(const sweep_t *s, uint64_t i, const arch_diag_t *e, arch_diag_list_t *dl)
{
    uint32_t idx[SWEEP_MAX_AXES];
    char label[160];
    int node = s->axes_node;
    sweep_point_index(s, i, idx);
    sweep_point_label(s, i, label, sizeof label);
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (!strcmp(e->path, s->axes[k].key))
            node = s->axes[k].values[idx[k]].node;
    if (e->path[0])
        ydoc_error(s->doc, node, dl, "", "point %llu (%s): %s: %s", (unsigned long long)i, label,
                   e->path, e->msg);
    else
        ydoc_error(s->doc, node, dl, "", "point %llu (%s): %s", (unsigned long long)i, label,
                   e->msg);
}

int sweep_check(const sweep_t *s, arch_diag_list_t *dl, uint64_t *n_bad)
{
    *n_bad = 0;
    for (uint64_t i = 0; i < s->n_points; i++) {
        arch_t a;
        arch_diag_list_t e;
        uint64_t T, mapping, seed;
        uint32_t wl;
        arch_diag_init(&e);
        sweep_point_arch(s, i, &a);
        sweep_point_run(s, i, &T, &mapping, &seed, &wl);
        int rc = arch_check(&a, "", &e);
        if (rc == ST_OK) {
            wl_map_t *map = NULL;
            rc = wl_map_build(s->wl[wl].net, &a, (uint32_t)mapping, &map, &e);
            wl_map_destroy(map);
        }
        if (rc == ST_ENOMEM)
            return rc;
        if (rc != ST_OK) {
            (*n_bad)++;
            for (uint32_t k = 0; k < e.n; k++)
                point_error(s, i, &e.d[k], dl);
            if (!e.n)
                ydoc_error(s->doc, s->axes_node, dl, "", "point %llu: %s",
                           (unsigned long long)i, st_str(rc));
        }
    }
    return *n_bad ? ST_ECONFIG : ST_OK;
}

int sweep_point_argv(const sweep_t *s, uint64_t i, const char *dir, char ***argv)
{
    uint32_t idx[SWEEP_MAX_AXES];
    uint64_t T, mapping, seed;
    uint32_t wl;
    sweep_point_index(s, i, idx);
    sweep_point_run(s, i, &T, &mapping, &seed, &wl);

    /* One block: the pointer array, then the strings it points at. */
    size_t nptr = 20 + 2 * (size_t)s->n_axes, bytes = 192 + strlen(dir) + strlen(s->wl[wl].spec);
    if (s->arch_spec)
        bytes += strlen(s->arch_spec) + 1;
    for (uint32_t k = 0; k < s->n_axes; k++)
        bytes += strlen(s->axes[k].key) + strlen(s->axes[k].values[idx[k]].text) + 5;
    char **v = st_malloc(nptr * sizeof *v + bytes);
    if (!v)
        return ST_ENOMEM;
    char *p = (char *)(v + nptr);
    int n = 0;
#define ARG(...) (v[n++] = p, p += sprintf(p, __VA_ARGS__) + 1)
    ARG("neuspin");
    ARG("run");
    if (s->arch_spec) {
        ARG("-a");
        ARG("%s", s->arch_spec);
    }
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_ARCH) {
            ARG("-p");
            ARG("%s=%s", s->axes[k].key, s->axes[k].values[idx[k]].text);
        }
    ARG("-w");
    ARG("%s", s->wl[wl].spec);
    if (T) {
        ARG("-T");
        ARG("%llu", (unsigned long long)T);
    }
    if (mapping) {
        ARG("-m");
        ARG("%llu", (unsigned long long)mapping);
    }
    const char *timing = sweep_point_timing(s, i);
    if (timing) {
        ARG("--timing");
        ARG("%s", timing);
    }
    ARG("--seed");
    ARG("%llu", (unsigned long long)seed);
    ARG("-q");
    ARG("-o");
    ARG("%s", dir);
#undef ARG
    v[n] = NULL;
    *argv = v;
    return ST_OK;
}
