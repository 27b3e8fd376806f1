/* wl.c - workload files (version 1) -> wl_net_t: schema tables through arch/yamldoc, then
 * name resolution and shape inference in layer order.
 *
 * Every layer is checked in one pass.  A layer whose keys, references or shape are wrong
 * gets an error and an unknown output shape; layers reading an unknown shape are skipped
 * silently, so one mistake gives one error rather than a cascade. */
#include "wl.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "yamldoc.h"

/* ---- Built-ins (embedded by workloads/CMakeLists.txt) ---- */
extern const char wl_builtin_lenet5_mnist[];
extern const size_t wl_builtin_lenet5_mnist_len;
extern const char wl_builtin_vgg_small_cifar10[];
extern const size_t wl_builtin_vgg_small_cifar10_len;
extern const char wl_builtin_resnet18_cifar10[];
extern const size_t wl_builtin_resnet18_cifar10_len;
extern const char wl_builtin_vgg8_cifar10[];
extern const size_t wl_builtin_vgg8_cifar10_len;
extern const char wl_builtin_resnet18_imagenet[];
extern const size_t wl_builtin_resnet18_imagenet_len;

typedef struct builtin {
    const char *name;
    const char *text;
    const size_t *len;
} builtin_t;

static const builtin_t builtins[] = {
    {"lenet5-mnist", wl_builtin_lenet5_mnist, &wl_builtin_lenet5_mnist_len},
    {"vgg-small-cifar10", wl_builtin_vgg_small_cifar10, &wl_builtin_vgg_small_cifar10_len},
    {"resnet18-cifar10", wl_builtin_resnet18_cifar10, &wl_builtin_resnet18_cifar10_len},
    {"vgg8-cifar10", wl_builtin_vgg8_cifar10, &wl_builtin_vgg8_cifar10_len},
    {"resnet18-imagenet", wl_builtin_resnet18_imagenet, &wl_builtin_resnet18_imagenet_len},
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

/* ---- Schema ---- */
typedef struct raw_top {
    uint32_t version;
    char name[64];
    uint32_t mc_samples;
} raw_top_t;

typedef struct raw_input {
    uint32_t c, h, w;
} raw_input_t;

typedef struct raw_layer {
    char name[64];
    uint32_t type;   /* wl_kind_t */
    uint32_t cout;
    uint32_t k;
    uint32_t stride;
    uint32_t pad;
    double p;
    uint32_t mapping;
    char input[64];
    char from[64];
} raw_layer_t;

static const char *const kind_names[] = {"conv", "fc", "maxpool", "avgpool", "add", NULL};

/* Bounds keep every derived count (k*k*Cin rows, C*H*W elements) far inside 64 bits. */
#define WL_DIM_MAX 65536
#define WL_K_MAX 64
#define WL_VERSION 1

static const yfield_t top_fields[] = {
    {"version", YF_U32, offsetof(raw_top_t, version), 1, 0, NULL, 0, UINT32_MAX, "-",
     "workload document version, 1", NULL},
    {"name", YF_STR, offsetof(raw_top_t, name), 0, 0, "", 0, 0, "-",
     "network name (default: the file name)", NULL},
    {"mc_samples", YF_U32, offsetof(raw_top_t, mc_samples), 0, 20, NULL, 1, 100000, "pass",
     "Monte-Carlo forward passes per input (T)", NULL},
};
static const char *const top_skip[] = {"input", "layers", NULL};

static const yfield_t input_fields[] = {
    {"c", YF_U32, offsetof(raw_input_t, c), 1, 0, NULL, 1, WL_DIM_MAX, "channel",
     "input channels", NULL},
    {"h", YF_U32, offsetof(raw_input_t, h), 1, 0, NULL, 1, WL_DIM_MAX, "pixel", "input height",
     NULL},
    {"w", YF_U32, offsetof(raw_input_t, w), 1, 0, NULL, 1, WL_DIM_MAX, "pixel", "input width",
     NULL},
};

static const yfield_t layer_fields[] = {
    {"name", YF_STR, offsetof(raw_layer_t, name), 1, 0, NULL, 0, 0, "-",
     "layer name, unique in the network", NULL},
    {"type", YF_ENUM, offsetof(raw_layer_t, type), 1, 0, NULL, 0, 0, "-", "layer type",
     kind_names},
    {"cout", YF_U32, offsetof(raw_layer_t, cout), 0, 0, NULL, 1, WL_DIM_MAX, "channel",
     "output channels (conv) or neurons (fc)", NULL},
    {"k", YF_U32, offsetof(raw_layer_t, k), 0, 0, NULL, 1, WL_K_MAX, "pixel",
     "square kernel or pooling window side", NULL},
    {"stride", YF_U32, offsetof(raw_layer_t, stride), 0, 1, NULL, 1, WL_K_MAX, "pixel",
     "window step", NULL},
    {"pad", YF_U32, offsetof(raw_layer_t, pad), 0, 0, NULL, 0, WL_K_MAX, "pixel",
     "zero padding on each side", NULL},
    {"dropout", YF_F64, offsetof(raw_layer_t, p), 0, 0, NULL, 0, 0.99, "-",
     "dropout probability on the layer's inputs (word-line pairs)", NULL},
    {"mapping", YF_U32, offsetof(raw_layer_t, mapping), 0, 0, NULL, 0, 2, "-",
     "conv mapping strategy, 0 = the run's default", NULL},
    {"input", YF_STR, offsetof(raw_layer_t, input), 0, 0, "", 0, 0, "-",
     "earlier layer whose output this layer reads (default: the previous layer)", NULL},
    {"from", YF_STR, offsetof(raw_layer_t, from), 0, 0, "", 0, 0, "-",
     "add: earlier layer whose output is added to the input", NULL},
};
#define N_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Keys each layer type takes beyond name, type and input (bit i = layer_fields row i). */
#define KB(i) (1u << (i))
enum { F_COUT = 2, F_K, F_STRIDE, F_PAD, F_DROPOUT, F_MAPPING, F_INPUT, F_FROM };
static const unsigned kind_keys[] = {
    /* conv */ KB(F_COUT) | KB(F_K) | KB(F_STRIDE) | KB(F_PAD) | KB(F_DROPOUT) | KB(F_MAPPING),
    /* fc */ KB(F_COUT) | KB(F_DROPOUT) | KB(F_MAPPING),
    /* maxpool */ KB(F_K) | KB(F_STRIDE) | KB(F_PAD),
    /* avgpool */ KB(F_K) | KB(F_STRIDE) | KB(F_PAD),
    /* add */ KB(F_FROM),
};
static const unsigned kind_required[] = {
    KB(F_COUT) | KB(F_K), KB(F_COUT), KB(F_K), KB(F_K), KB(F_FROM),
};

/* ---- Queries ---- */
const char *wl_kind_name(uint32_t kind)
{
    return kind <= WL_ADD ? kind_names[kind] : "?";
}

uint64_t wl_layer_out_elems(const wl_layer_t *l)
{
    return (uint64_t)l->cout * l->hout * l->wout;
}

uint64_t wl_layer_in_elems(const wl_layer_t *l)
{
    return (uint64_t)l->cin * l->hin * l->win;
}

int wl_layer_is_mvm(const wl_layer_t *l)
{
    return l->kind == WL_CONV || l->kind == WL_FC;
}

const char *wl_layer_source(const wl_net_t *n, const wl_layer_t *l)
{
    return l->file[0] ? l->file : n->source;
}

/* ---- Loading ---- */
/* Per-layer state of the checking pass. */
typedef struct lstate {
    int node;  /* the layer's mapping node */
    int ok;    /* keys valid (schema and type rules) */
    int known; /* output shape known */
} lstate_t;

static void set_path(char *buf, size_t n, size_t i, const char *key)
{
    if (key)
        snprintf(buf, n, "layers[%zu].%s", i, key);
    else
        snprintf(buf, n, "layers[%zu]", i);
}

/* The node of `key` in layer mapping `node`, or the layer itself when the key is absent. */
static int key_node(const ydoc_t *d, int node, const char *key)
{
    int v = ydoc_map_get(d, node, key);
    return v ? v : node;
}

/* The layers with a valid mapping sorted by name, then index: every name lookup is a
 * binary search, so a network of 100,000 layers resolves its names in milliseconds (a
 * linear scan per layer took minutes). */
typedef struct lname {
    const char *name;
    int32_t idx;
} lname_t;

typedef struct lindex {
    lname_t *e;
    size_t n;
} lindex_t;

static int lname_cmp(const void *a, const void *b)
{
    const lname_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* First layer in [0, n) with a valid mapping named `name`; -1 when none. */
static int32_t find_layer(const lindex_t *ix, size_t n, const char *name)
{
    size_t lo = 0, hi = ix->n; /* the first entry not below name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->e[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ix->n && strcmp(ix->e[lo].name, name) == 0 && (size_t)ix->e[lo].idx < n)
        return ix->e[lo].idx;
    return -1;
}

/* Checks which keys layer i gives against its type.  Returns the errors added. */
static unsigned check_keys(const ydoc_t *d, size_t i, int node, const raw_layer_t *r,
                           arch_diag_list_t *dl)
{
    static const unsigned named[] = {0, F_INPUT, F_FROM};
    unsigned errs = 0;
    char path[96];

    for (unsigned j = 0; j < sizeof named / sizeof named[0]; j++) {
        const char *key = layer_fields[named[j]].key;
        const char *v = (const char *)r + layer_fields[named[j]].offset;
        int vn = ydoc_map_get(d, node, key);
        if (vn && v[0] == '\0') {
            set_path(path, sizeof path, i, key);
            ydoc_error(d, vn, dl, path, "expected a layer name, got an empty string");
            errs++;
        }
    }
    for (unsigned f = F_COUT; f <= F_FROM; f++) {
        const char *key = layer_fields[f].key;
        int given = ydoc_map_get(d, node, key) != 0;
        set_path(path, sizeof path, i, key);
        if (given && f != F_INPUT && !(kind_keys[r->type] & KB(f))) {
            ydoc_error(d, ydoc_map_get(d, node, key), dl, path, "does not apply to %s layers",
                       kind_names[r->type]);
            errs++;
        } else if (!given && (kind_required[r->type] & KB(f))) {
            ydoc_error(d, node, dl, path, "is required for %s layers but not given",
                       kind_names[r->type]);
            errs++;
        }
    }
    return errs;
}

/* Resolves `input:` or `from:` of layer i to a layer index in *idx (-1 = network input).
 * Returns the errors added. */
static unsigned resolve_ref(const ydoc_t *d, size_t i, const lindex_t *ix,
                            const lstate_t *st, size_t n, const char *key, const char *ref,
                            int32_t *idx, arch_diag_list_t *dl)
{
    char path[96];
    int32_t j;

    set_path(path, sizeof path, i, key);
    j = find_layer(ix, n, ref);
    if (j < 0) {
        ydoc_error(d, key_node(d, st[i].node, key), dl, path, "unknown layer '%s'", ref);
        return 1;
    }
    if ((size_t)j == i) {
        ydoc_error(d, key_node(d, st[i].node, key), dl, path,
                   "layer '%s' cannot read its own output", ref);
        return 1;
    }
    if ((size_t)j > i) {
        ydoc_error(d, key_node(d, st[i].node, key), dl, path,
                   "layer '%s' is not defined before this layer; %s must name an earlier layer",
                   ref, key);
        return 1;
    }
    *idx = j;
    return 0;
}

/* Input shape of layer l (from its producer, or the network input). */
static void input_shape(const wl_net_t *net, int32_t src, uint32_t *c, uint32_t *h,
                        uint32_t *w)
{
    if (src < 0) {
        *c = net->in_c;
        *h = net->in_h;
        *w = net->in_w;
    } else {
        *c = net->layers[src].cout;
        *h = net->layers[src].hout;
        *w = net->layers[src].wout;
    }
}

/* Infers the output shape of layer i (its input already resolved and known).  Returns the
 * errors added. */
static unsigned infer_shape(const ydoc_t *d, wl_net_t *net, size_t i, int node,
                            arch_diag_list_t *dl)
{
    wl_layer_t *l = &net->layers[i];
    char path[96];
    uint32_t c, h, w;

    input_shape(net, l->input, &c, &h, &w);
    switch (l->kind) {
    case WL_FC: {
        uint64_t flat = (uint64_t)c * h * w;
        if (flat > UINT32_MAX) {
            set_path(path, sizeof path, i, NULL);
            ydoc_error(d, node, dl, path,
                       "flattened input of %" PRIu64 " values is more than %" PRIu32 " rows",
                       flat, UINT32_MAX);
            return 1;
        }
        l->cin = (uint32_t)flat;
        l->hin = l->win = 1;
        l->hout = l->wout = 1;
        l->k = l->stride = 1;
        l->pad = 0;
        return 0;
    }
    case WL_ADD: {
        uint32_t fc, fh, fw;
        input_shape(net, l->from, &fc, &fh, &fw);
        l->cin = c;
        l->hin = h;
        l->win = w;
        if (fc != c || fh != h || fw != w) {
            set_path(path, sizeof path, i, "from");
            ydoc_error(d, key_node(d, node, "from"), dl, path,
                       "cannot add layer '%s' of shape %" PRIu32 "x%" PRIu32 "x%" PRIu32
                       " to an input of shape %" PRIu32 "x%" PRIu32 "x%" PRIu32,
                       net->layers[l->from].name, fc, fh, fw, c, h, w);
            return 1;
        }
        l->cout = c;
        l->hout = h;
        l->wout = w;
        l->k = l->stride = 1;
        l->pad = 0;
        return 0;
    }
    default: { /* conv, maxpool, avgpool */
        uint32_t hp = h + 2 * l->pad, wp = w + 2 * l->pad;
        l->cin = c;
        l->hin = h;
        l->win = w;
        if (l->k > hp || l->k > wp) {
            set_path(path, sizeof path, i, "k");
            ydoc_error(d, key_node(d, node, "k"), dl, path,
                       "kernel %" PRIu32 "x%" PRIu32 " is larger than the padded input %" PRIu32
                       "x%" PRIu32 " (pad %" PRIu32 ")",
                       l->k, l->k, hp, wp, l->pad);
            return 1;
        }
        if (l->kind != WL_CONV)
            l->cout = c;
        l->hout = (hp - l->k) / l->stride + 1;
        l->wout = (wp - l->k) / l->stride + 1;
        return 0;
    }
    }
}

/* Name of the network when the document gives none: the file name without directory and
 * extension. */
static void default_name(const char *source, char *name, size_t n)
{
    const char *b = strrchr(source, '/');
    size_t len;

    b = b ? b + 1 : source;
    len = strlen(b);
    if (len > 5 && strcmp(b + len - 5, ".yaml") == 0)
        len -= 5;
    else if (len > 4 && strcmp(b + len - 4, ".yml") == 0)
        len -= 4;
    if (len >= n)
        len = n - 1;
    memcpy(name, b, len);
    name[len] = '\0';
}

/* Checks the layers of sequence `seq` into net->layers.  Returns the errors added, or
 * (unsigned)-1 on allocation failure. */
static unsigned load_layers(const ydoc_t *d, int seq, wl_net_t *net, arch_diag_list_t *dl)
{
    size_t n = net->n_layers;
    raw_layer_t *raw = st_calloc(n, sizeof *raw);
    lstate_t *st = st_calloc(n, sizeof *st);
    unsigned errs = 0;
    char path[96];

    if (!raw || !st) {
        free(raw);
        free(st);
        return (unsigned)-1;
    }
    /* Pass 1: keys, so that references may name any layer with a valid mapping. */
    for (size_t i = 0; i < n; i++) {
        st[i].node = ydoc_seq_item(d, seq, i);
        set_path(path, sizeof path, i, NULL);
        if (ydoc_apply(d, st[i].node, path, layer_fields, N_FIELDS(layer_fields), &raw[i],
                       NULL, dl) != ST_OK) {
            errs++;
            continue;
        }
        unsigned e = check_keys(d, i, st[i].node, &raw[i], dl);
        errs += e;
        st[i].ok = e == 0;
    }
    lindex_t ix = {st_calloc(n, sizeof *ix.e), 0};
    if (!ix.e) {
        free(raw);
        free(st);
        return (unsigned)-1;
    }
    for (size_t i = 0; i < n; i++)
        if (st[i].ok)
            ix.e[ix.n++] = (lname_t){raw[i].name, (int32_t)i};
    qsort(ix.e, ix.n, sizeof *ix.e, lname_cmp);
    /* Pass 2: names, references and shapes in layer order. */
    for (size_t i = 0; i < n; i++) {
        wl_layer_t *l = &net->layers[i];
        const raw_layer_t *r = &raw[i];
        int32_t first;
        unsigned e = 0;

        if (!st[i].ok)
            continue;
        memcpy(l->name, r->name, sizeof l->name);
        l->kind = r->type;
        l->cout = r->cout;
        l->k = r->k;
        l->stride = r->stride;
        l->pad = r->pad;
        l->p = r->p;
        l->mapping = r->mapping;
        l->input = (int32_t)i - 1;
        l->from = -1;
        ydoc_mark(d, st[i].node, &l->line, &l->col);
        if (strcmp(ydoc_node_file(d, st[i].node), ydoc_name(d)) != 0)
            snprintf(l->file, sizeof l->file, "%s", ydoc_node_file(d, st[i].node));

        first = find_layer(&ix, i, r->name);
        if (first >= 0) {
            uint32_t fl, fcol;
            set_path(path, sizeof path, i, "name");
            ydoc_error(d, key_node(d, st[i].node, "name"), dl, path,
                       "layer name '%s' is defined twice", r->name);
            ydoc_mark(d, key_node(d, st[first].node, "name"), &fl, &fcol);
            arch_diag_note(dl, fl, fcol, "layer '%s' first defined here", r->name);
            e++;
        }
        if (r->input[0])
            e += resolve_ref(d, i, &ix, st, n, "input", r->input, &l->input, dl);
        if (r->from[0])
            e += resolve_ref(d, i, &ix, st, n, "from", r->from, &l->from, dl);
        errs += e;
        if (e)
            continue;
        if ((l->input >= 0 && !st[l->input].known) || (l->from >= 0 && !st[l->from].known))
            continue; /* an earlier error already explains it */
        e = infer_shape(d, net, i, st[i].node, dl);
        errs += e;
        st[i].known = e == 0;
    }
    free(ix.e);
    free(raw);
    free(st);
    return errs;
}

/* Builds a network from a loaded document.  ST_OK, ST_ECONFIG or ST_ENOMEM. */
static int load_doc(const ydoc_t *d, wl_net_t **out, arch_diag_list_t *dl)
{
    raw_top_t top;
    raw_input_t in;
    wl_net_t *net;
    int root = ydoc_root(d), inode, lnode;
    unsigned errs = 0, lerrs;
    int in_ok = 1, rc = ST_ECONFIG;

    if (root == 0) {
        arch_diag_add(dl, ydoc_name(d), 0, 0, "", NULL,
                      "empty document; expected a workload mapping with version: 1");
        return ST_ECONFIG;
    }
    if (ydoc_apply(d, root, "", top_fields, N_FIELDS(top_fields), &top, top_skip, dl) != ST_OK) {
        if (ydoc_kind(d, root) != YNODE_MAP)
            return ST_ECONFIG;
        errs++;
    } else if (top.version != WL_VERSION) {
        ydoc_error(d, ydoc_map_get(d, root, "version"), dl, "version",
                   "expected %d, got %" PRIu32 " (this build reads version %d workloads)",
                   WL_VERSION, top.version, WL_VERSION);
        return ST_ECONFIG;
    }

    memset(&in, 0, sizeof in);
    inode = ydoc_map_get(d, root, "input");
    if (!inode) {
        ydoc_error(d, root, dl, "input", "is required but not given");
        in_ok = 0;
    } else if (ydoc_apply(d, inode, "input", input_fields, N_FIELDS(input_fields), &in, NULL,
                          dl) != ST_OK) {
        in_ok = 0;
    }

    lnode = ydoc_map_get(d, root, "layers");
    if (!lnode) {
        ydoc_error(d, root, dl, "layers", "is required but not given");
        return ST_ECONFIG;
    }
    if (ydoc_kind(d, lnode) != YNODE_SEQ) {
        ydoc_error(d, lnode, dl, "layers", "expected a sequence of layers, got a %s",
                   ydoc_kind(d, lnode) == YNODE_MAP ? "mapping" : "scalar");
        return ST_ECONFIG;
    }
    if (ydoc_len(d, lnode) == 0) {
        ydoc_error(d, lnode, dl, "layers", "expected at least one layer, got an empty list");
        return ST_ECONFIG;
    }
    if (!in_ok)
        return ST_ECONFIG; /* shapes need a valid input */

    net = st_calloc(1, sizeof *net);
    if (!net)
        return ST_ENOMEM;
    net->n_layers = (uint32_t)ydoc_len(d, lnode);
    net->layers = st_calloc(net->n_layers, sizeof *net->layers);
    if (!net->layers) {
        rc = ST_ENOMEM;
        goto err_net;
    }
    snprintf(net->source, sizeof net->source, "%s", ydoc_name(d));
    if (top.name[0])
        memcpy(net->name, top.name, sizeof net->name);
    else
        default_name(net->source, net->name, sizeof net->name);
    net->in_c = in.c;
    net->in_h = in.h;
    net->in_w = in.w;
    net->T = top.mc_samples;

    lerrs = load_layers(d, lnode, net, dl);
    if (lerrs == (unsigned)-1) {
        rc = ST_ENOMEM;
        goto err_net;
    }
    if (errs || lerrs)
        goto err_net; /* top-level keys or layers */
    *out = net;
    return ST_OK;

err_net:
    wl_net_destroy(net);
    return rc;
}

int wl_load_string(const char *name, const char *text, size_t len, wl_net_t **out,
                   arch_diag_list_t *dl)
{
    ydoc_t *d = NULL;
    int rc;

    if (!name || !text || !out || !dl)
        return ST_EINVAL;
    rc = ydoc_load_string(name, text, len, &d, dl);
    if (rc != ST_OK)
        return rc;
    rc = load_doc(d, out, dl);
    ydoc_destroy(d);
    return rc;
}

int wl_load_file(const char *path, wl_net_t **out, arch_diag_list_t *dl)
{
    ydoc_t *d = NULL;
    int rc;

    if (!path || !out || !dl)
        return ST_EINVAL;
    rc = ydoc_load_file(path, &d, dl);
    if (rc != ST_OK)
        return rc;
    rc = load_doc(d, out, dl);
    ydoc_destroy(d);
    return rc;
}

/* "a, b, c": the built-in names for diagnostics. */
static void builtin_list(char *buf, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < N_BUILTINS && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", builtins[i].name);
}

static const builtin_t *builtin_find(const char *name)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

int wl_load_builtin(const char *name, wl_net_t **out, arch_diag_list_t *dl)
{
    const builtin_t *b;
    char src[256], list[128];

    if (!name || !out || !dl)
        return ST_EINVAL;
    b = builtin_find(name);
    if (!b) {
        builtin_list(list, sizeof list);
        arch_diag_add(dl, "<cmdline>", 0, 0, "", NULL,
                      "unknown built-in workload '%s' (known: %s)", name, list);
        return ST_ECONFIG;
    }
    snprintf(src, sizeof src, "<builtin:%s>", b->name);
    return wl_load_string(src, b->text, *b->len, out, dl);
}

int wl_load(const char *spec, wl_net_t **out, arch_diag_list_t *dl)
{
    FILE *f;
    char list[128];

    if (!spec || !out || !dl)
        return ST_EINVAL;
    if (builtin_find(spec))
        return wl_load_builtin(spec, out, dl);
    errno = 0;
    f = fopen(spec, "rb");
    if (f) {
        fclose(f);
    } else if (errno == ENOENT || spec[0] == '\0') {
        builtin_list(list, sizeof list);
        arch_diag_add(dl, "<cmdline>", 0, 0, "", NULL,
                      "no such file or built-in workload '%s' (built-ins: %s)", spec, list);
        return ST_EIO;
    }
    return wl_load_file(spec, out, dl); /* reports unreadable files itself */
}

void wl_net_destroy(wl_net_t *n)
{
    if (!n)
        return;
    free(n->layers);
    free(n);
}

/* ---- Built-ins ---- */
size_t wl_builtin_count(void) { return N_BUILTINS; }

const char *wl_builtin_name(size_t i) { return i < N_BUILTINS ? builtins[i].name : NULL; }

const char *wl_builtin_text(size_t i) { return i < N_BUILTINS ? builtins[i].text : NULL; }

const char *wl_builtin_default(void) { return builtins[0].name; }
