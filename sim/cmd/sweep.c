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

#include <unistd.h>

#include "base/status.h"
#include "eval_data.h"
#include "wl_map.h"
#include "wl_onnx.h"
#include "yamldoc.h"

#define MAX_AXIS_VALUES 1000000u
#define NET_P_MAX 0.99          /* the network file's bound on dropout (wl.c) */
#define NET_LAYERS_MAX 1000000u /* net.bayes_last's bound before the workloads check it */
#define NET_PREFIX "net."
#define NET_DROPOUT_LAYER "net.dropout."

/* ---- Small helpers ---- */

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
        return st_strdup(given);
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
static const char *const top_skip[] = {"base", "axes", "explore", "eval",
                                       NULL}; /* explore: explore.c */

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
    w->given = st_strdup(given);
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

/* Index of trained model `given` (an ONNX file, eval sweeps) in s->wl, adding and loading it
 * when new, with the built-in architecture of its scheme when the sweep names none; -1 on
 * error (at node, `path` naming the key). */
static int add_model(sweep_t *s, const char *given, int node, const char *path,
                     arch_diag_list_t *dl)
{
    for (uint32_t i = 0; i < s->n_wl; i++)
        if (!strcmp(s->wl[i].given, given))
            return (int)i;
    size_t len = strlen(given);
    if (len < 6 || strcmp(given + len - 5, ".onnx") != 0) {
        ydoc_error(s->doc, node, dl, path, "expected a trained model, an .onnx file, got \"%.60s\"",
                   given);
        return -1;
    }
    sweep_wl_t *w = realloc(s->wl, (s->n_wl + 1) * sizeof *w);
    if (!w)
        return -1;
    s->wl = w;
    w = &s->wl[s->n_wl];
    memset(w, 0, sizeof *w);
    w->given = st_strdup(given);
    w->spec = w->given ? resolve(s, given, 0) : NULL;
    if (!w->given || !w->spec) {
        free(w->given);
        free(w->spec);
        return -1;
    }
    s->n_wl++;
    if (access(w->spec, R_OK) != 0) {
        ydoc_error(s->doc, node, dl, path, "cannot read the model %s", w->spec);
        return -1;
    }
    arch_diag_list_t tmp;
    arch_diag_init(&tmp);
    wl_weights_t *wt = NULL;
    if (wl_onnx_load(w->spec, &w->net, &wt, &tmp) != ST_OK) {
        adopt(s, node, &tmp, dl);
        return -1;
    }
    snprintf(w->scheme, sizeof w->scheme, "%s", wt->scheme);
    wl_weights_destroy(wt);
    if (!s->arch_given) { /* as `neuspin eval` without -a: the scheme's built-in */
        char name[64];
        eval_scheme_arch(w->scheme, name, sizeof name);
        if (!(w->arch = st_malloc(sizeof *w->arch)) || !(w->arch_spec = st_strdup(name)))
            return -1;
        if (arch_load(name, w->arch, &tmp) != ST_OK) {
            adopt(s, node, &tmp, dl);
            return -1;
        }
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
        ydoc_describe_node(s->doc, node, got, sizeof got);
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
                ydoc_describe_node(d, n, got, sizeof got);
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
        if (s->eval.on && n) {
            ydoc_error(d, n, dl, "base.workload",
                       "an eval sweep's network is its trained model (eval.model or a model "
                       "axis); remove base.workload");
            rc = ST_ECONFIG;
        }
        if (s->eval.on && s->timing && strcmp(sweep_timing_names[s->timing - 1], "analytic")) {
            ydoc_error(d, ydoc_map_get(d, node, "timing"), dl, "base.timing",
                       "an eval sweep's cost is analytic, as neuspin eval's; remove base.timing");
            rc = ST_ECONFIG;
        }
    }
    if (rc != ST_OK)
        return rc;

    arch_diag_list_t tmp;
    arch_diag_init(&tmp);
    int an = node ? ydoc_map_get(d, node, "arch") : 0;
    if (arch) {
        s->arch_given = st_strdup(arch);
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
    if (s->eval.on)
        return ST_OK; /* the models are the networks (parse_eval, the model axis) */
    int wn = node ? ydoc_map_get(d, node, "workload") : 0;
    int k = add_workload(s, wl ? wl : wl_builtin_default(), wn ? wn : ydoc_root(d), dl);
    if (k < 0)
        return ST_ECONFIG;
    s->base_wl = (uint32_t)k;
    return ST_OK;
}

/* ---- The eval block ---- */

typedef struct evalrow {
    uint32_t count;
} evalrow_t;

static const yfield_t eval_rows[] = {
    {"count", YF_U32, offsetof(evalrow_t, count), 0, 0, NULL, 1, 4294967295.0, "image",
     "images evaluated, the first ones of the set (default: all)", NULL},
};
static const char *const eval_skip[] = {"model", "images", "labels", "ood", NULL};

/* A data file named at node: resolved against the sweep file's directory and readable; NULL
 * with an error (or on ENOMEM). */
static char *data_file(sweep_t *s, int node, const char *path, arch_diag_list_t *dl)
{
    const char *v = need_name(s, node, path, "a file", dl);
    char *p = v ? resolve(s, v, 0) : NULL;
    if (p && access(p, R_OK) != 0) {
        ydoc_error(s->doc, node, dl, path, "cannot read %s", p);
        free(p);
        return NULL;
    }
    return p;
}

/* Adds OOD set t (noise, rotate[:LO:HI], idx:FILE) given at node; ST_OK or ST_ECONFIG. */
static int add_ood(sweep_t *s, const char *t, int node, arch_diag_list_t *dl)
{
    sweep_evalspec_t *e = &s->eval;
    const char *name = NULL;
    char *item = NULL;
    if (!strcmp(t, "noise")) {
        name = "noise";
        item = st_strdup(t);
    } else if (!strncmp(t, "rotate", 6) && (t[6] == 0 || t[6] == ':')) {
        name = "rotate";
        if (t[6] == ':') {
            char *e1, *e2 = NULL;
            double lo = strtod(t + 7, &e1), hi = *e1 == ':' ? strtod(e1 + 1, &e2) : -1;
            if (*e1 != ':' || *e2 || !(lo >= -360 && lo <= hi && hi <= 360)) {
                ydoc_error(s->doc, node, dl, "eval.ood",
                           "expected rotate:LO:HI with -360 <= LO <= HI <= 360 degrees, got "
                           "\"%.40s\"",
                           t);
                return ST_ECONFIG;
            }
        }
        item = st_strdup(t);
    } else if (!strncmp(t, "idx:", 4) && t[4]) {
        name = "idx";
        char *p = resolve(s, t + 4, 0);
        if (p && (access(p, R_OK) != 0 || strchr(p, ','))) {
            ydoc_error(s->doc, node, dl, "eval.ood", "%s %s",
                       strchr(p, ',') ? "expected a file name without a comma, got" : "cannot read",
                       p);
            free(p);
            return ST_ECONFIG;
        }
        if (p && (item = st_malloc(strlen(p) + 5)))
            snprintf(item, strlen(p) + 5, "idx:%s", p);
        free(p);
    } else {
        ydoc_error(s->doc, node, dl, "eval.ood",
                   "expected noise, rotate[:LO:HI], idx:FILE or none, got \"%.40s\"", t);
        return ST_ECONFIG;
    }
    for (uint32_t k = 0; k < e->n_ood; k++)
        if (!strcmp(e->ood_name[k], name)) {
            ydoc_error(s->doc, node, dl, "eval.ood", "set '%s' given twice", name);
            free(item);
            return ST_ECONFIG;
        }
    if (e->n_ood == SWEEP_EVAL_MAX_OOD) {
        ydoc_error(s->doc, node, dl, "eval.ood", "at most %d sets", SWEEP_EVAL_MAX_OOD);
        free(item);
        return ST_ECONFIG;
    }
    if (!item)
        return ST_ENOMEM;
    snprintf(e->ood_name[e->n_ood], sizeof e->ood_name[0], "%s", name);
    e->ood[e->n_ood++] = item;
    return ST_OK;
}

/* eval.ood: "none", a comma-separated string or a list of sets. */
static int parse_ood(sweep_t *s, int node, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    int rc = ST_OK;
    if (ydoc_kind(d, node) == YNODE_SEQ && ydoc_len(d, node) > 0) {
        for (size_t j = 0; j < ydoc_len(d, node); j++) {
            int it = ydoc_seq_item(d, node, j);
            const char *t = ydoc_scalar(d, it);
            int r = t && t[0] ? add_ood(s, t, it, dl) : ST_ECONFIG;
            if (!(t && t[0]))
                ydoc_error(d, it, dl, "eval.ood", "expected noise, rotate[:LO:HI] or idx:FILE");
            rc = st_first(rc, r);
        }
        return rc;
    }
    const char *v = ydoc_scalar(d, node);
    if (!v || !v[0]) {
        char got[64];
        ydoc_describe_node(d, node, got, sizeof got);
        ydoc_error(d, node, dl, "eval.ood",
                   "expected none, or sets noise, rotate[:LO:HI], idx:FILE (a list, or "
                   "separated by commas), got %s",
                   got);
        return ST_ECONFIG;
    }
    if (!strcmp(v, "none"))
        return ST_OK;
    char buf[1024];
    if (strlen(v) >= sizeof buf) {
        ydoc_error(d, node, dl, "eval.ood", "longer than %zu characters", sizeof buf - 1);
        return ST_ECONFIG;
    }
    snprintf(buf, sizeof buf, "%s", v);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        rc = st_first(rc, add_ood(s, t, node, dl));
    return rc;
}

/* The `eval:` block: model, count, images and labels (both or neither), ood. */
static int parse_eval(sweep_t *s, int node, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    sweep_evalspec_t *e = &s->eval;
    evalrow_t r;
    if (ydoc_kind(d, node) != YNODE_MAP) {
        char got[64];
        ydoc_describe_node(d, node, got, sizeof got);
        ydoc_error(d, node, dl, "eval",
                   "expected a mapping {model, count, images, labels, ood}, got %s", got);
        return ST_ECONFIG;
    }
    if (ydoc_apply(d, node, "eval", eval_rows, 1, &r, eval_skip, dl) != ST_OK)
        return ST_ECONFIG;
    e->count = r.count;
    int rc = ST_OK, n;
    if ((n = ydoc_map_get(d, node, "model"))) {
        const char *m = need_name(s, n, "eval.model", "a trained model (.onnx file)", dl);
        int k = m ? add_model(s, m, n, "eval.model", dl) : -1;
        if (k < 0)
            rc = ST_ECONFIG;
        else
            s->base_wl = (uint32_t)k;
    }
    int in = ydoc_map_get(d, node, "images"), ln = ydoc_map_get(d, node, "labels");
    if (!in != !ln) {
        ydoc_error(d, in ? in : ln, dl, in ? "eval.images" : "eval.labels",
                   "give both eval.images and eval.labels, or neither (the Fashion-MNIST t10k "
                   "set)");
        rc = ST_ECONFIG;
    } else if (in) {
        if (!(e->images = data_file(s, in, "eval.images", dl)) ||
            !(e->labels = data_file(s, ln, "eval.labels", dl)))
            rc = ST_ECONFIG;
    } else if (access(EVAL_IMAGES, R_OK) != 0 || access(EVAL_LABELS, R_OK) != 0) {
        ydoc_error(d, node, dl, "eval",
                   "%s is absent: install the Debian package dataset-fashion-mnist, or give "
                   "eval.images and eval.labels",
                   access(EVAL_IMAGES, R_OK) != 0 ? EVAL_IMAGES : EVAL_LABELS);
        rc = ST_ECONFIG;
    } else if (!(e->images = st_strdup(EVAL_IMAGES)) || !(e->labels = st_strdup(EVAL_LABELS))) {
        return ST_ENOMEM;
    }
    if ((n = ydoc_map_get(d, node, "ood")))
        rc = st_first(rc, parse_ood(s, n, dl));
    return rc;
}

/* After the axes: a model is given; without eval.ood, eval's default sets for the base
 * model (noise, rotate, and the digits beside it when they are there). */
static int finish_eval(sweep_t *s, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    sweep_evalspec_t *e = &s->eval;
    if (!ydoc_map_get(d, e->node, "model")) {
        if (e->model_axis < 0) {
            ydoc_error(d, e->node, dl, "eval.model",
                       "is required but not given (or give the models as a model axis)");
            return ST_ECONFIG;
        }
        s->base_wl = (uint32_t)s->axes[e->model_axis].values[0].num;
    }
    if (ydoc_map_get(d, e->node, "ood"))
        return ST_OK;
    int rc = add_ood(s, "noise", e->node, dl);
    if (rc == ST_OK)
        rc = add_ood(s, "rotate", e->node, dl);
    const char *model = s->wl[s->base_wl].spec, *slash = strrchr(model, '/');
    char digits[4200];
    snprintf(digits, sizeof digits, "idx:%.*s%s%s", slash ? (int)(slash - model + 1) : 0, model, "",
             EVAL_OOD_DIGITS);
    if (rc == ST_OK && access(digits + 4, R_OK) == 0 && !strchr(digits, ',')) {
        char *item = st_strdup(digits);
        if (!item)
            return ST_ENOMEM;
        snprintf(e->ood_name[e->n_ood], sizeof e->ood_name[0], "idx");
        e->ood[e->n_ood++] = item;
    }
    return rc;
}

/* Reads one value given as text into v for axis a; errors at node.  `path` names it. */
static int set_value(sweep_t *s, sweep_axis_t *a, sweep_value_t *v, const char *text, int node,
                     const char *path, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    char canon[512];
    v->node = node;
    switch (a->kind) {
    case SWEEP_KEY_ARCH: {
        if (a->row->type == YF_U32 || a->row->type == YF_F64) {
            /* A number is read straight into the value under the loader's rules, not through
             * a YAML document of its own (arch_override): an axis may hold a million. */
            const int why = ydoc_number_read(a->row, text, v->raw);
            if (why) {
                char got[64], msg[320];
                ydoc_describe_text(text, got, sizeof got);
                ydoc_number_msg(a->row, why, text, got, msg, sizeof msg);
                ydoc_error(d, node, dl, path, "%s: %s", a->key, msg);
                return ST_ECONFIG;
            }
            if (a->row->type == YF_U32) {
                uint32_t u;
                memcpy(&u, v->raw, sizeof u);
                snprintf(canon, sizeof canon, "%u", (unsigned)u);
            } else {
                double x;
                memcpy(&x, v->raw, sizeof x);
                ydoc_format_number(x, canon, sizeof canon); /* as ydoc_format_value */
            }
            break;
        }
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
        uint64_t hi = a->kind == SWEEP_KEY_T         ? 100000
                      : a->kind == SWEEP_KEY_MAPPING ? 2
                                                     : UINT64_MAX;
        uint64_t lo = a->kind == SWEEP_KEY_SEED ? 0 : 1;
        if (!parse_u64(text, &v->num) || v->num < lo || v->num > hi) {
            char got[64];
            ydoc_describe_text(text, got, sizeof got);
            ydoc_error(d, node, dl, path, "%s: expected integer in [%llu, %llu], got %s", a->key,
                       (unsigned long long)lo, (unsigned long long)hi, got);
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
            char got[64];
            ydoc_describe_text(text, got, sizeof got);
            ydoc_error(d, node, dl, path, "timing: expected event, cycle or analytic, got %s", got);
            return ST_ECONFIG;
        }
        v->num = k + 1;
        snprintf(canon, sizeof canon, "%s", text);
        break;
    }
    case SWEEP_KEY_NET_DROPOUT:
    case SWEEP_KEY_NET_DROPOUT_LAYER: {
        double x;
        if (!parse_num(text, &x)) {
            char got[64];
            ydoc_describe_text(text, got, sizeof got);
            ydoc_error(d, node, dl, path, "%s: expected a number in [0, 0.99], got %s", a->key,
                       got);
            return ST_ECONFIG;
        }
        if (x < 0 || x > NET_P_MAX) {
            ydoc_format_number(x, canon, sizeof canon);
            ydoc_error(d, node, dl, path, "%s: must be between 0 and 0.99 inclusive, got %s",
                       a->key, canon);
            return ST_ECONFIG;
        }
        v->p = x == 0 ? 0 : x; /* no "-0" */
        ydoc_format_number(v->p, canon, sizeof canon);
        break;
    }
    case SWEEP_KEY_NET_BAYES_LAST: {
        if (!parse_u64(text, &v->num) || v->num > NET_LAYERS_MAX) {
            char got[64];
            ydoc_describe_text(text, got, sizeof got);
            ydoc_error(d, node, dl, path, "%s: expected integer in [0, %u], got %s", a->key,
                       NET_LAYERS_MAX, got);
            return ST_ECONFIG;
        }
        snprintf(canon, sizeof canon, "%llu", (unsigned long long)v->num);
        break;
    }
    case SWEEP_KEY_NET_BAYES_LAYERS: {
        /* names are resolved once every workload is loaded (resolve_net_axes) */
        size_t o = 0;
        const char *q = text;
        v->num = !strcmp(text, "all");
        if (v->num || !strcmp(text, "none")) {
            snprintf(canon, sizeof canon, "%s", text);
            break;
        }
        canon[0] = '\0';
        for (const char *next;; q = next + 1) {
            size_t len = strcspn(q, ",");
            const char *e = q + len;
            next = e;
            while (q < e && *q == ' ')
                q++;
            while (e > q && e[-1] == ' ')
                e--;
            if (e == q || (size_t)(e - q) >= sizeof((wl_layer_t *)0)->name ||
                o + (size_t)(e - q) + 2 > sizeof canon) {
                ydoc_error(d, node, dl, path,
                           "%s: expected all, none or layer names separated "
                           "by commas, got \"%.40s\"%s",
                           a->key, text, e == q ? " (an empty name)" : " (too long)");
                return ST_ECONFIG;
            }
            o += (size_t)snprintf(canon + o, sizeof canon - o, "%s%.*s", o ? "," : "", (int)(e - q),
                                  q);
            v->n_sel++;
            if (!*next)
                break;
        }
        break;
    }
    case SWEEP_KEY_MODEL: {
        int k = text[0] ? add_model(s, text, node, path, dl) : -1;
        if (!text[0])
            ydoc_error(d, node, dl, path, "model: expected an .onnx file, got an empty value");
        if (k < 0)
            return ST_ECONFIG;
        v->num = (uint64_t)k;
        snprintf(canon, sizeof canon, "%s", text);
        break;
    }
    case SWEEP_KEY_WORKLOAD: {
        if (!text[0]) {
            ydoc_error(d, node, dl, path,
                       "workload: expected a built-in workload or a file, got "
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
    v->text = st_strdup(a->kind == SWEEP_KEY_WORKLOAD || a->kind == SWEEP_KEY_MODEL ? text : canon);
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
        ydoc_describe_node(d, n, got, sizeof got);
        ydoc_error(d, n, dl, full, "expected %s, got %s", integer ? "an integer" : "a number", got);
        return ST_ECONFIG;
    }
    return ST_OK;
}

/* Expands `range: {from, to, step | mul}` into axis a's values. */
static int parse_range(sweep_t *s, sweep_axis_t *a, int rn, const char *path, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    int integer = a->kind == SWEEP_KEY_ARCH
                      ? a->row->type == YF_U32
                      : a->kind != SWEEP_KEY_NET_DROPOUT && a->kind != SWEEP_KEY_NET_DROPOUT_LAYER;
    if (a->kind == SWEEP_KEY_WORKLOAD || a->kind == SWEEP_KEY_TIMING ||
        a->kind == SWEEP_KEY_NET_BAYES_LAYERS || a->kind == SWEEP_KEY_MODEL ||
        (a->kind == SWEEP_KEY_ARCH && a->row->type != YF_U32 && a->row->type != YF_F64)) {
        ydoc_error(d, rn, dl, path,
                   "a range needs a numeric key, '%s' is not one; list its values "
                   "instead",
                   a->key);
        return ST_ECONFIG;
    }
    if (ydoc_kind(d, rn) != YNODE_MAP) {
        char got[64];
        ydoc_describe_node(d, rn, got, sizeof got);
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
                   "expected a %s step to go from %g to %g", up ? "positive" : "negative", from,
                   to);
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
                ydoc_error(d, rn, dl, path,
                           "mul %g repeats the integer value %g; use a larger "
                           "factor",
                           mul, x);
                return ST_ECONFIG;
            }
            if (pass == 1) {
                char text[64];
                if (integer)
                    snprintf(text, sizeof text, "%.0f", x); /* a negative one is refused */
                else
                    ydoc_format_number(x, text, sizeof text);
                rc = set_value(s, a, &a->values[k], text, rn, path, dl);
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

/* 1 when key is a network key written without its "net." ("dropout", "dropout.conv1",
 * "bayes_last") and no architecture key. */
static int is_net_name(const char *key)
{
    return !strcmp(key, "dropout") || !strcmp(key, "bayes_last") || !strcmp(key, "bayes_layers") ||
           (!strncmp(key, "dropout.", 8) && key[8] && !arch_key_find(key, NULL));
}

/* The kind of a net.* key into a->kind; an error at node kn for an unknown one. */
static int net_key(const ydoc_t *d, int kn, const char *path, const char *key, sweep_axis_t *a,
                   arch_diag_list_t *dl)
{
    if (!strcmp(key, "net.dropout"))
        a->kind = SWEEP_KEY_NET_DROPOUT;
    else if (!strncmp(key, NET_DROPOUT_LAYER, strlen(NET_DROPOUT_LAYER)) &&
             key[strlen(NET_DROPOUT_LAYER)])
        a->kind = SWEEP_KEY_NET_DROPOUT_LAYER;
    else if (!strcmp(key, "net.bayes_last"))
        a->kind = SWEEP_KEY_NET_BAYES_LAST;
    else if (!strcmp(key, "net.bayes_layers"))
        a->kind = SWEEP_KEY_NET_BAYES_LAYERS;
    else {
        ydoc_error(d, kn, dl, path,
                   "unknown network key '%s' (expected net.dropout, "
                   "net.dropout.LAYER, net.bayes_last or net.bayes_layers)",
                   key);
        return ST_ECONFIG;
    }
    return ST_OK;
}

/* A list value of net.bayes_layers ([conv1, fc3]) as "conv1,fc3"; 0 when an item is not a
 * plain scalar or holds a comma, or the names do not fit. */
static int join_names(const ydoc_t *d, int seq, char *buf, size_t n)
{
    size_t o = 0, len = ydoc_len(d, seq);
    buf[0] = '\0';
    if (!len)
        return 0;
    for (size_t j = 0; j < len; j++) {
        const char *t = ydoc_scalar(d, ydoc_seq_item(d, seq, j));
        if (!t || !t[0] || strchr(t, ',') || o + strlen(t) + 2 > n)
            return 0;
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "," : "", t);
    }
    return 1;
}

static int parse_axis(sweep_t *s, sweep_axis_t *a, int node, uint32_t ai, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    char path[64], full[128], got[64];
    snprintf(path, sizeof path, "axes[%u]", ai);
    if (ydoc_kind(d, node) != YNODE_MAP) {
        ydoc_describe_node(d, node, got, sizeof got);
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
        ydoc_describe_node(d, kn, got, sizeof got);
        ydoc_error(d, kn, dl, full,
                   "expected an architecture key path or T, mapping, workload, "
                   "seed, timing, net.*, got %s",
                   got);
        return ST_ECONFIG;
    }
    snprintf(a->key, sizeof a->key, "%s", key);
    a->key_node = kn;
    if (!strncmp(key, NET_PREFIX, strlen(NET_PREFIX))) {
        if (net_key(d, kn, full, key, a, dl) != ST_OK)
            return ST_ECONFIG;
    } else if (!strcmp(key, "T"))
        a->kind = SWEEP_KEY_T;
    else if (!strcmp(key, "mapping"))
        a->kind = SWEEP_KEY_MAPPING;
    else if (!strcmp(key, "workload"))
        a->kind = SWEEP_KEY_WORKLOAD;
    else if (!strcmp(key, "seed"))
        a->kind = SWEEP_KEY_SEED;
    else if (!strcmp(key, "timing"))
        a->kind = SWEEP_KEY_TIMING;
    else if (!strcmp(key, "model"))
        a->kind = SWEEP_KEY_MODEL;
    else if ((a->row = arch_key_find(key, NULL)) != NULL)
        a->kind = SWEEP_KEY_ARCH;
    else {
        char best[96];
        arch_key_suggest(key, best, sizeof best);
        if (is_net_name(key))
            ydoc_error(d, kn, dl, full,
                       "unknown key '%s'; network parameters are net.* keys: "
                       "did you mean 'net.%s'?",
                       key, key);
        else if (best[0])
            ydoc_error(d, kn, dl, full, "unknown key '%s', did you mean '%s'?", key, best);
        else
            ydoc_error(d, kn, dl, full,
                       "unknown key '%s' (an architecture key path as in "
                       "'neuspin config --list-params', or T, mapping, "
                       "workload, seed, timing, net.*)",
                       key);
        return ST_ECONFIG;
    }
    if (s->eval.on && (a->kind == SWEEP_KEY_WORKLOAD || SWEEP_KEY_IS_NET(a->kind))) {
        ydoc_error(d, kn, dl, full,
                   "'%s': an eval sweep's network is its trained model, fixed by its "
                   "weights; sweep models with a 'model' axis",
                   key);
        return ST_ECONFIG;
    }
    if (s->eval.on && a->kind == SWEEP_KEY_TIMING) {
        ydoc_error(d, kn, dl, full, "an eval sweep's cost is analytic, as neuspin eval's");
        return ST_ECONFIG;
    }
    if (!s->eval.on && a->kind == SWEEP_KEY_MODEL) {
        ydoc_error(d, kn, dl, full,
                   "a 'model' axis evaluates trained models: it needs an eval block "
                   "(eval: {count: N})");
        return ST_ECONFIG;
    }
    if (a->kind == SWEEP_KEY_MODEL)
        s->eval.model_axis = (int)ai;
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
        ydoc_describe_node(d, vn, got, sizeof got);
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
        char joined[512];
        if (!text && a->kind == SWEEP_KEY_NET_BAYES_LAYERS && ydoc_kind(d, it) == YNODE_SEQ &&
            join_names(d, it, joined, sizeof joined))
            text = joined;
        if (!text) {
            ydoc_describe_node(d, it, got, sizeof got);
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

/* ---- Network axes, checked against every workload ---- */

/* "conv1, conv2, fc1": the conv/fc layers of net, cut to n bytes with "...". */
static void mvm_names(const wl_net_t *net, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t l = 0; l < net->n_layers; l++) {
        if (!wl_layer_is_mvm(&net->layers[l]))
            continue;
        size_t len = strlen(net->layers[l].name);
        if (o + len + 8 > n) {
            snprintf(buf + o, n - o, "%s...", o ? ", " : "");
            return;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", net->layers[l].name);
    }
}

/* Index of the conv/fc layer `name` (len bytes) in workload w, or -1 with an error at node
 * naming the valid ones. */
static int32_t find_layer(const sweep_t *s, uint32_t w, const char *name, size_t len, int node,
                          const char *path, const char *key, arch_diag_list_t *dl)
{
    const wl_net_t *net = s->wl[w].net;
    char valid[200];
    for (uint32_t l = 0; l < net->n_layers; l++) {
        const wl_layer_t *ly = &net->layers[l];
        if (strlen(ly->name) != len || memcmp(ly->name, name, len) != 0)
            continue;
        if (wl_layer_is_mvm(ly))
            return (int32_t)l;
        mvm_names(net, valid, sizeof valid);
        ydoc_error(s->doc, node, dl, path,
                   "%s: layer '%.*s' of workload %s is a %s layer, which "
                   "takes no dropout; expected a conv or fc layer: %s",
                   key, (int)len, name, s->wl[w].given, wl_kind_name(ly->kind), valid);
        return -1;
    }
    mvm_names(net, valid, sizeof valid);
    ydoc_error(s->doc, node, dl, path, "%s: no layer '%.*s' in workload %s; expected one of: %s",
               key, (int)len, name, s->wl[w].given, valid);
    return -1;
}

/* Checks the net.* axes against every workload of the sweep (all loaded by now) and
 * resolves their layer names to indices. */
static int resolve_net_axes(sweep_t *s, arch_diag_list_t *dl)
{
    const ydoc_t *d = s->doc;
    int rc = ST_OK, last = -1, layers = -1;
    char path[64];
    for (uint32_t k = 0; k < s->n_axes; k++) {
        sweep_axis_t *a = &s->axes[k];
        if (!SWEEP_KEY_IS_NET(a->kind))
            continue;
        s->n_net_axes++;
        snprintf(path, sizeof path, "axes[%u].key", k);
        if (a->kind == SWEEP_KEY_NET_BAYES_LAST)
            last = (int)k;
        if (a->kind == SWEEP_KEY_NET_BAYES_LAYERS)
            layers = (int)k;
        if (last >= 0 && layers >= 0) {
            ydoc_error(d, a->key_node, dl, path,
                       "net.bayes_last (axes[%d]) and "
                       "net.bayes_layers (axes[%d]) exclude each other; sweep one of them",
                       last, layers);
            return ST_ECONFIG;
        }
        if (a->kind == SWEEP_KEY_NET_DROPOUT) {
            for (uint32_t w = 0; w < s->n_wl; w++) {
                const wl_net_t *net = s->wl[w].net;
                uint32_t l = 0;
                while (l < net->n_layers && !(net->layers[l].p > 0))
                    l++;
                if (l == net->n_layers) {
                    ydoc_error(d, a->key_node, dl, path,
                               "net.dropout: workload %s has no layer "
                               "with dropout to set; give layers their p with "
                               "net.dropout.LAYER",
                               s->wl[w].given);
                    rc = ST_ECONFIG;
                }
            }
        } else if (a->kind == SWEEP_KEY_NET_DROPOUT_LAYER) {
            const char *name = a->key + strlen(NET_DROPOUT_LAYER);
            if (!(a->layer = st_calloc(s->n_wl, sizeof *a->layer)))
                return ST_ENOMEM;
            for (uint32_t w = 0; w < s->n_wl; w++)
                if ((a->layer[w] =
                         find_layer(s, w, name, strlen(name), a->key_node, path, a->key, dl)) < 0)
                    rc = ST_ECONFIG;
        } else if (a->kind == SWEEP_KEY_NET_BAYES_LAST) {
            for (uint32_t j = 0; j < a->n_values; j++)
                for (uint32_t w = 0; w < s->n_wl; w++) {
                    const wl_net_t *net = s->wl[w].net;
                    uint64_t m = 0;
                    for (uint32_t l = 0; l < net->n_layers; l++)
                        m += (uint64_t)wl_layer_is_mvm(&net->layers[l]);
                    if (a->values[j].num > m) {
                        char vp[64];
                        snprintf(vp, sizeof vp, "axes[%u].values[%u]", k, j);
                        ydoc_error(d, a->values[j].node, dl, vp,
                                   "net.bayes_last: workload %s "
                                   "has %llu conv/fc layers, got %llu",
                                   s->wl[w].given, (unsigned long long)m,
                                   (unsigned long long)a->values[j].num);
                        rc = ST_ECONFIG;
                        break;
                    }
                }
        } else if (a->kind == SWEEP_KEY_NET_BAYES_LAYERS) {
            for (uint32_t j = 0; j < a->n_values; j++) {
                sweep_value_t *v = &a->values[j];
                char vp[64];
                snprintf(vp, sizeof vp, "axes[%u].values[%u]", k, j);
                if (!v->n_sel)
                    continue;
                if (!(v->sel = st_calloc((size_t)s->n_wl * v->n_sel, sizeof *v->sel)))
                    return ST_ENOMEM;
                for (uint32_t w = 0; w < s->n_wl; w++) {
                    const char *q = v->text;
                    for (uint32_t n = 0; n < v->n_sel; n++) {
                        size_t len = strcspn(q, ",");
                        int32_t l = find_layer(s, w, q, len, v->node, vp, a->key, dl);
                        if (l < 0) {
                            rc = ST_ECONFIG;
                            break;
                        }
                        v->sel[w * v->n_sel + n] = (uint32_t)l;
                        q += len + (q[len] == ',');
                    }
                }
            }
        }
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
    s->eval.model_axis = -1;
    s->eval.node = ydoc_map_get(d, root, "eval");
    s->eval.on = s->eval.node != 0;
    int rc = parse_base(s, ydoc_map_get(d, root, "base"), dl);
    if (rc != ST_OK)
        return rc;
    if (s->eval.on && (rc = parse_eval(s, s->eval.node, dl)) != ST_OK)
        return rc;

    int an = ydoc_map_get(d, root, "axes");
    s->axes_node = an ? an : root;
    s->n_points = 1;
    if (!an)
        return s->eval.on ? finish_eval(s, dl) : ST_OK;
    if (ydoc_kind(d, an) != YNODE_SEQ) {
        char got[64];
        ydoc_describe_node(d, an, got, sizeof got);
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
    if ((rc = resolve_net_axes(s, dl)) != ST_OK)
        return rc;
    if (s->eval.on && (rc = finish_eval(s, dl)) != ST_OK)
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
    if (!(s->path = st_strdup(path))) {
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
    if (!(s->path = st_strdup(path))) {
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
        for (uint32_t j = 0; j < s->axes[i].n_values; j++) {
            free(s->axes[i].values[j].text);
            free(s->axes[i].values[j].sel);
        }
        free(s->axes[i].values);
        free(s->axes[i].layer);
    }
    free(s->axes);
    for (uint32_t i = 0; i < s->n_wl; i++) {
        free(s->wl[i].given);
        free(s->wl[i].spec);
        free(s->wl[i].arch);
        free(s->wl[i].arch_spec);
        wl_net_destroy(s->wl[i].net);
    }
    free(s->eval.images);
    free(s->eval.labels);
    for (uint32_t k = 0; k < s->eval.n_ood; k++)
        free(s->eval.ood[k]);
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
    uint32_t idx[SWEEP_MAX_AXES], w = s->base_wl;
    sweep_point_index(s, i, idx);
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_MODEL)
            w = (uint32_t)s->axes[k].values[idx[k]].num;
    *a = w < s->n_wl && s->wl[w].arch ? *s->wl[w].arch : s->base; /* a model's scheme */
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_ARCH)
            memcpy((char *)a + s->axes[k].row->offset, s->axes[k].values[idx[k]].raw,
                   arch_field_size(s->axes[k].row));
    arch_derive(a); /* the derived fields and energies follow the axis values */
}

/* Sets the p of every layer in `layers` (a copy of workload w's) for the point with value
 * indices idx: the file's p, then net.dropout, net.dropout.LAYER, and the selection of
 * net.bayes_last or net.bayes_layers, in that order whatever the axes' order.  No
 * allocation: sweep_check runs it for every point. */
static void net_apply(const sweep_t *s, const uint32_t *idx, uint32_t w, wl_layer_t *layers)
{
    const wl_net_t *b = s->wl[w].net;
    for (uint32_t l = 0; l < b->n_layers; l++)
        layers[l].p = b->layers[l].p;
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_NET_DROPOUT)
            for (uint32_t l = 0; l < b->n_layers; l++)
                if (b->layers[l].p > 0)
                    layers[l].p = s->axes[k].values[idx[k]].p;
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_NET_DROPOUT_LAYER)
            layers[s->axes[k].layer[w]].p = s->axes[k].values[idx[k]].p;
    for (uint32_t k = 0; k < s->n_axes; k++) {
        const sweep_value_t *v = &s->axes[k].values[idx[k]];
        if (s->axes[k].kind == SWEEP_KEY_NET_BAYES_LAST) {
            uint64_t seen = 0; /* conv/fc layers from the end */
            for (uint32_t l = b->n_layers; l-- > 0;)
                if (wl_layer_is_mvm(&b->layers[l]) && seen++ >= v->num)
                    layers[l].p = 0;
        } else if (s->axes[k].kind == SWEEP_KEY_NET_BAYES_LAYERS && !v->num) {
            const uint32_t *sel = v->sel ? v->sel + (size_t)w * v->n_sel : NULL;
            for (uint32_t l = 0; l < b->n_layers; l++) {
                uint32_t j = 0;
                while (j < v->n_sel && sel[j] != l)
                    j++;
                if (j == v->n_sel)
                    layers[l].p = 0;
            }
        }
    }
}

uint64_t sweep_net_count(const sweep_t *s)
{
    if (!s->n_net_axes)
        return 0;
    if (s->zip)
        return s->n_points;
    uint64_t n = 1;
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (SWEEP_KEY_IS_NET(s->axes[k].kind) || s->axes[k].kind == SWEEP_KEY_WORKLOAD)
            n *= s->axes[k].n_values; /* at most n_points */
    return n;
}

uint64_t sweep_point_net(const sweep_t *s, uint64_t i)
{
    if (!s->n_net_axes)
        return UINT64_MAX;
    if (s->zip)
        return i;
    uint32_t idx[SWEEP_MAX_AXES];
    uint64_t id = 0;
    sweep_point_index(s, i, idx);
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (SWEEP_KEY_IS_NET(s->axes[k].kind) || s->axes[k].kind == SWEEP_KEY_WORKLOAD)
            id = id * s->axes[k].n_values + idx[k];
    return id;
}

uint64_t sweep_net_point(const sweep_t *s, uint64_t id)
{
    if (s->zip || !s->n_net_axes)
        return id;
    uint64_t i = 0, stride = 1;
    for (uint32_t k = s->n_axes; k-- > 0;) {
        uint64_t n = s->axes[k].n_values;
        if (SWEEP_KEY_IS_NET(s->axes[k].kind) || s->axes[k].kind == SWEEP_KEY_WORKLOAD) {
            i += (id % n) * stride; /* the other axes at their first value */
            id /= n;
        }
        stride *= n;
    }
    return i;
}

void sweep_net_file_name(uint64_t id, char *buf, size_t n)
{
    snprintf(buf, n, "net-%llu.yaml", (unsigned long long)id);
}

int sweep_point_network(const sweep_t *s, uint64_t i, wl_net_t **out)
{
    uint64_t T, mapping, seed;
    uint32_t w, idx[SWEEP_MAX_AXES];
    sweep_point_run(s, i, &T, &mapping, &seed, &w);
    sweep_point_index(s, i, idx);
    const wl_net_t *b = s->wl[w].net;
    wl_net_t *n = st_malloc(sizeof *n);
    wl_layer_t *layers = st_malloc((b->n_layers ? b->n_layers : 1) * sizeof *layers);
    if (!n || !layers) {
        free(n);
        free(layers);
        return ST_ENOMEM;
    }
    *n = *b;
    memcpy(layers, b->layers, b->n_layers * sizeof *layers);
    n->layers = layers;
    net_apply(s, idx, w, layers);
    *out = n;
    return ST_OK;
}

uint64_t sweep_seed(uint64_t master, uint64_t i)
{
    uint64_t z = master + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void sweep_point_run(const sweep_t *s, uint64_t i, uint64_t *T, uint64_t *mapping, uint64_t *seed,
                     uint32_t *wl)
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
        case SWEEP_KEY_T:
            *T = v->num;
            break;
        case SWEEP_KEY_MAPPING:
            *mapping = v->num;
            break;
        case SWEEP_KEY_SEED:
            *seed = v->num;
            break;
        case SWEEP_KEY_WORKLOAD:
        case SWEEP_KEY_MODEL:
            *wl = (uint32_t)v->num;
            break;
        default:
            break;
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
 * key the error names (for "layers[N].dropout", the net.* axis that set layer N's p), else
 * the axes list. */
static void point_error(const sweep_t *s, uint64_t i, uint32_t w, const arch_diag_t *e,
                        arch_diag_list_t *dl)
{
    uint32_t idx[SWEEP_MAX_AXES];
    char label[160];
    int node = s->axes_node;
    unsigned layer = 0;
    int n = 0, by_layer = s->n_net_axes &&
                          sscanf(e->path, "layers[%u].dropout%n", &layer, &n) == 1 && n > 0 &&
                          !e->path[n];
    sweep_point_index(s, i, idx);
    sweep_point_label(s, i, label, sizeof label);
    for (uint32_t k = 0; k < s->n_axes; k++) {
        const sweep_axis_t *a = &s->axes[k];
        if (!strcmp(e->path, a->key))
            node = a->values[idx[k]].node;
        else if (by_layer && a->kind == SWEEP_KEY_NET_DROPOUT && layer < s->wl[w].net->n_layers &&
                 s->wl[w].net->layers[layer].p > 0 && node == s->axes_node)
            node = a->values[idx[k]].node;
    }
    for (uint32_t k = 0; by_layer && k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_NET_DROPOUT_LAYER && s->axes[k].layer[w] == (int32_t)layer)
            node = s->axes[k].values[idx[k]].node; /* the last one wins, as in net_apply */
    if (e->path[0])
        ydoc_error(s->doc, node, dl, "", "point %llu (%s): %s: %s", (unsigned long long)i, label,
                   e->path, e->msg);
    else
        ydoc_error(s->doc, node, dl, "", "point %llu (%s): %s", (unsigned long long)i, label,
                   e->msg);
}

/* Per workload, a copy whose layers' p net_apply rewrites point by point (only with net.*
 * axes; nets NULL otherwise): the check allocates once, not per point. */
typedef struct scratch {
    wl_net_t *nets; /* n_wl shallow copies with owned layer arrays */
    uint32_t n;
} scratch_t;

static void scratch_free(scratch_t *sc)
{
    for (uint32_t w = 0; sc->nets && w < sc->n; w++)
        free(sc->nets[w].layers);
    free(sc->nets);
    sc->nets = NULL;
}

static int scratch_init(const sweep_t *s, scratch_t *sc)
{
    sc->nets = NULL;
    sc->n = 0;
    if (!s->n_net_axes)
        return ST_OK;
    if (!(sc->nets = st_calloc(s->n_wl, sizeof *sc->nets)))
        return ST_ENOMEM;
    for (uint32_t w = 0; w < s->n_wl; w++) {
        const wl_net_t *b = s->wl[w].net;
        sc->nets[w] = *b;
        sc->nets[w].layers = st_malloc((b->n_layers ? b->n_layers : 1) * sizeof *b->layers);
        sc->n = w + 1;
        if (!sc->nets[w].layers) {
            scratch_free(sc);
            return ST_ENOMEM;
        }
        memcpy(sc->nets[w].layers, b->layers, b->n_layers * sizeof *b->layers);
    }
    return ST_OK;
}

/* Builds point i and checks it into e; *wl = its workload.  The status of the check. */
static int check_point(const sweep_t *s, uint64_t i, scratch_t *sc, arch_diag_list_t *e,
                       uint32_t *wl)
{
    arch_t a;
    uint64_t T, mapping, seed;
    uint32_t idx[SWEEP_MAX_AXES];
    sweep_point_arch(s, i, &a);
    sweep_point_run(s, i, &T, &mapping, &seed, wl);
    const wl_net_t *net = s->wl[*wl].net;
    if (sc->nets) {
        sweep_point_index(s, i, idx);
        net_apply(s, idx, *wl, sc->nets[*wl].layers);
        net = &sc->nets[*wl];
    }
    int rc = arch_check(&a, "", e);
    if (rc == ST_OK) {
        wl_map_t *map = NULL;
        rc = wl_map_build(net, &a, (uint32_t)mapping, &map, e);
        wl_map_destroy(map);
    }
    return rc;
}

int sweep_check_map(const sweep_t *s, arch_diag_list_t *dl, uint64_t *n_bad,
                    unsigned char **bad_map)
{
    scratch_t sc;
    unsigned char *map = NULL;
    *n_bad = 0;
    if (bad_map) {
        *bad_map = NULL;
        if (!(map = st_calloc((size_t)(s->n_points / 8 + 1), 1)))
            return ST_ENOMEM;
    }
    if (scratch_init(s, &sc) != ST_OK) {
        free(map);
        return ST_ENOMEM;
    }
    for (uint64_t i = 0; i < s->n_points; i++) {
        arch_diag_list_t e;
        uint32_t wl;
        arch_diag_init(&e);
        int rc = check_point(s, i, &sc, &e, &wl);
        if (rc == ST_ENOMEM) {
            scratch_free(&sc);
            free(map);
            return rc;
        }
        if (rc != ST_OK) {
            (*n_bad)++;
            if (map)
                map[i >> 3] |= (unsigned char)(1u << (i & 7));
            for (uint32_t k = 0; k < e.n; k++)
                point_error(s, i, wl, &e.d[k], dl);
            if (!e.n)
                ydoc_error(s->doc, s->axes_node, dl, "", "point %llu: %s", (unsigned long long)i,
                           st_str(rc));
        }
    }
    scratch_free(&sc);
    if (bad_map)
        *bad_map = map;
    return *n_bad ? ST_ECONFIG : ST_OK;
}

int sweep_check(const sweep_t *s, arch_diag_list_t *dl, uint64_t *n_bad)
{
    return sweep_check_map(s, dl, n_bad, NULL);
}

int sweep_point_check(const sweep_t *s, uint64_t i, char *msg, size_t n)
{
    scratch_t sc;
    arch_diag_list_t e;
    uint32_t wl;
    if (n)
        msg[0] = '\0';
    if (scratch_init(s, &sc) != ST_OK)
        return ST_ENOMEM;
    arch_diag_init(&e);
    int rc = check_point(s, i, &sc, &e, &wl);
    scratch_free(&sc);
    if (rc == ST_OK || rc == ST_ENOMEM)
        return rc;
    if (n && e.n && e.d[0].path[0])
        snprintf(msg, n, "%s: %s", e.d[0].path, e.d[0].msg);
    else if (n)
        snprintf(msg, n, "%s", e.n ? e.d[0].msg : st_str(rc));
    return ST_ECONFIG;
}

int sweep_point_argv(const sweep_t *s, uint64_t i, const char *dir, char ***argv)
{
    return sweep_point_argv_net(s, i, dir, NULL, NULL, argv);
}

int sweep_point_argv_net(const sweep_t *s, uint64_t i, const char *dir, sweep_net_path_fn *net_path,
                         void *ctx, char ***argv)
{
    uint32_t idx[SWEEP_MAX_AXES];
    uint64_t T, mapping, seed;
    uint32_t wl;
    if (s->eval.on)
        return sweep_point_argv_eval(s, i, dir, argv);
    sweep_point_index(s, i, idx);
    sweep_point_run(s, i, &T, &mapping, &seed, &wl);
    const char *net = s->wl[wl].spec;
    if (s->n_net_axes && (!net_path || !(net = net_path(ctx, sweep_point_net(s, i)))))
        return ST_EINVAL; /* never the unmodified network in its place */

    /* One block: the pointer array, then the strings it points at. */
    size_t nptr = 20 + 2 * (size_t)s->n_axes, bytes = 192 + strlen(dir) + strlen(net);
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
    ARG("%s", net);
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
    ARG("--device-seed"); /* one chip for every point: only the masks follow the seed */
    ARG("%llu", (unsigned long long)(s->device_seed ? s->device_seed : 1));
    ARG("-q");
    ARG("-o");
    ARG("%s", dir);
#undef ARG
    v[n] = NULL;
    *argv = v;
    return ST_OK;
}

int sweep_point_argv_eval(const sweep_t *s, uint64_t i, const char *dir, char ***argv)
{
    uint32_t idx[SWEEP_MAX_AXES];
    uint64_t T, mapping, seed;
    uint32_t wl;
    sweep_point_index(s, i, idx);
    sweep_point_run(s, i, &T, &mapping, &seed, &wl);
    const sweep_wl_t *w = &s->wl[wl];
    const char *arch = w->arch ? w->arch_spec : s->arch_spec;
    size_t nptr = 32 + 2 * (size_t)s->n_axes,
           bytes = 256 + strlen(dir) + strlen(w->spec) + strlen(s->eval.images) +
                   strlen(s->eval.labels) + (arch ? strlen(arch) + 1 : 0);
    for (uint32_t k = 0; k < s->eval.n_ood; k++)
        bytes += strlen(s->eval.ood[k]) + 1;
    for (uint32_t k = 0; k < s->n_axes; k++)
        bytes += strlen(s->axes[k].key) + strlen(s->axes[k].values[idx[k]].text) + 5;
    char **v = st_malloc(nptr * sizeof *v + bytes);
    if (!v)
        return ST_ENOMEM;
    char *p = (char *)(v + nptr);
    int n = 0;
#define ARG(...) (v[n++] = p, p += sprintf(p, __VA_ARGS__) + 1)
    ARG("neuspin");
    ARG("eval");
    ARG("-w");
    ARG("%s", w->spec);
    if (arch) {
        ARG("-a");
        ARG("%s", arch);
    }
    for (uint32_t k = 0; k < s->n_axes; k++)
        if (s->axes[k].kind == SWEEP_KEY_ARCH) {
            ARG("-p");
            ARG("%s=%s", s->axes[k].key, s->axes[k].values[idx[k]].text);
        }
    if (T) {
        ARG("-T");
        ARG("%llu", (unsigned long long)T);
    }
    if (mapping) {
        ARG("-m");
        ARG("%llu", (unsigned long long)mapping);
    }
    ARG("--seed");
    ARG("%llu", (unsigned long long)seed);
    ARG("--device-seed");
    ARG("%llu", (unsigned long long)(s->device_seed ? s->device_seed : 1));
    if (s->eval.count) {
        ARG("-n");
        ARG("%llu", (unsigned long long)s->eval.count);
    }
    ARG("--images");
    ARG("%s", s->eval.images);
    ARG("--labels");
    ARG("%s", s->eval.labels);
    ARG("--ood");
    v[n++] = p;
    if (!s->eval.n_ood)
        p += sprintf(p, "none");
    for (uint32_t k = 0; k < s->eval.n_ood; k++)
        p += sprintf(p, "%s%s", k ? "," : "", s->eval.ood[k]);
    p++;
    ARG("-j");
    ARG("1");
    ARG("-q");
    ARG("-o");
    ARG("%s", dir);
#undef ARG
    v[n] = NULL;
    *argv = v;
    return ST_OK;
}
