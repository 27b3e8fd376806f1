/* wl_onnx.c - ONNX models (docs/onnx.md) -> wl_net_t + wl_weights_t: a bounded read, a
 * nesting check, protobuf-c unpacking, then one pass over the node chain as a state
 * machine (the grammar is in wl_onnx.h):
 *
 *   START --Binarize--> BIN --Dropout--> DROP --Conv|Gemm|MatMul--> SUM
 *   BIN --Conv|Gemm|MatMul--> SUM      BIN|DROP --Flatten--> (same)   BIN --MaxPool--> BIN
 *   SUM --stage--> STAGED   SUM|STAGED --BatchNormalization--> BN
 *   SUM|STAGED|BN --Binarize--> BIN    end of graph: SUM|STAGED|BN (the logits)
 *
 * Loading stops at the first error. */
#define _POSIX_C_SOURCE 200809L /* fileno */

#include "wl_onnx.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/status.h"
#include "onnx.pb-c.h"

/* The workload file's bounds (wl.c), so an ONNX network maps like a YAML one. */
#define DIM_MAX 65536u
#define K_MAX 64u
#define P_MAX 0.99
#define T_DEFAULT 20u
#define T_MAX 100000u
#define VI_BITS_MAX 1024
/* Values per tensor: far above any weight a 64 MiB file holds, far below overflow. */
#define TENSOR_MAX ((uint64_t)1 << 40)

static const char *const schemes[] = {
    "none",      "mc_dropout",     "spindrop",  "spatial_spindrop",
    "scaledrop", "affine_dropout", "subset_vi", NULL};

typedef enum { S_START, S_BIN, S_DROP, S_SUM, S_STAGED, S_BN } state_t;

/* A float or double initializer's values, read in place. */
typedef struct tview {
    const Onnx__TensorProto *t;
    int64_t dims[4];
    size_t n_dims;
    uint64_t n; /* values */
} tview_t;

typedef struct ctx {
    const char *file;
    arch_diag_list_t *dl;
    const Onnx__NodeProto *node;     /* the node diagnostics name; NULL: the graph */
    const Onnx__TensorProto **inits; /* sorted by name */
    size_t n_inits;
    int oom;
} ctx_t;

/* ---- Diagnostics ---- */
static const char *S(const char *s)
{
    return s ? s : "";
}

/* s for a message: at most 48 bytes (cut at a character boundary), control characters and
 * quotes as '?'. */
static void clean(const char *s, char *buf, size_t n)
{
    size_t len = strlen(S(s)), o = 0;
    if (len > 48)
        for (len = 48; len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80; len--)
            ;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c == 0x7f || c == '\'' || c == '"') ? '?' : (char)c;
    }
    buf[o] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
err(ctx_t *c, const char *fmt, ...)
{
    char msg[320], name[64], op[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->node) {
        clean(c->node->name, name, sizeof name);
        clean(c->node->op_type, op, sizeof op);
        arch_diag_add(c->dl, c->file, 0, 0, "", NULL, "node '%s' (%s): %s", name, op, msg);
    } else {
        arch_diag_add(c->dl, c->file, 0, 0, "", NULL, "%s", msg);
    }
    return ST_ECONFIG;
}

/* ---- Reading the protobuf ---- */
static void *pb_alloc(void *data, size_t n)
{
    void *p = st_malloc(n);
    if (!p)
        *(int *)data = 1;
    return p;
}

static void pb_free(void *data, void *p)
{
    (void)data;
    free(p);
}

static int varint(const uint8_t *p, size_t len, size_t *o, uint64_t *v)
{
    *v = 0;
    for (unsigned s = 0; s < 64; s += 7) {
        if (*o >= len)
            return 0;
        uint8_t b = p[(*o)++];
        *v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80))
            return 1;
    }
    return 0;
}

/* What protobuf-c allocates per wire field at most: its scan record (transient) and the
 * field's slot (a pointer or a scalar of an array); the payload comes on top. */
#define PB_FIELD_COST 48u

/* 1 when the message of type d in p[0, len) is well-formed wire format whose nested
 * messages go at most WL_ONNX_DEPTH_MAX levels deep (protobuf-c unpacks recursively, and
 * a deep file would exhaust the stack) and whose unpacked size, estimated from above into
 * *cost, stays within WL_ONNX_UNPACK_MAX (a file of tiny fields unpacks to many times its
 * size).  Each byte is scanned once. */
static int pb_shallow(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *d,
                      unsigned depth, uint64_t *cost)
{
    size_t o = 0;
    uint64_t key, v;

    if (depth > WL_ONNX_DEPTH_MAX)
        return 0;
    while (o < len) {
        const ProtobufCFieldDescriptor *f;
        if (!varint(p, len, &o, &key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
            return 0;
        f = d ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3)) : NULL;
        *cost += PB_FIELD_COST;
        switch (key & 7) {
        case 0:
            if (!varint(p, len, &o, &v))
                return 0;
            break;
        case 1:
        case 5: {
            size_t w = (key & 7) == 1 ? 8 : 4;
            if (len - o < w)
                return 0;
            o += w;
            break;
        }
        case 2:
            if (!varint(p, len, &o, &v) || v > len - o)
                return 0;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                const ProtobufCMessageDescriptor *sub = f->descriptor;
                *cost += sub->sizeof_message;
                if (!pb_shallow(p + o, (size_t)v, sub, depth + 1, cost))
                    return 0;
            } else if (f &&
                       (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_BYTES ||
                        f->type == PROTOBUF_C_TYPE_FLOAT || f->type == PROTOBUF_C_TYPE_DOUBLE ||
                        f->type == PROTOBUF_C_TYPE_FIXED32 || f->type == PROTOBUF_C_TYPE_FIXED64 ||
                        f->type == PROTOBUF_C_TYPE_SFIXED32 ||
                        f->type == PROTOBUF_C_TYPE_SFIXED64)) {
                *cost += v + 1; /* a copy, or packed values of their wire size */
            } else {
                *cost += 8 * v; /* packed varints: 8 bytes each at most; unknown: a copy */
            }
            o += (size_t)v;
            break;
        default:
            return 0; /* groups: not in onnx.proto */
        }
        if (*cost > WL_ONNX_UNPACK_MAX)
            return 0;
    }
    return 1;
}

/* ---- Initializers ---- */
static int init_cmp(const void *a, const void *b)
{
    const Onnx__TensorProto *x = *(const Onnx__TensorProto *const *)a;
    const Onnx__TensorProto *y = *(const Onnx__TensorProto *const *)b;
    return strcmp(S(x->name), S(y->name));
}

static const Onnx__TensorProto *init_find(const ctx_t *c, const char *name)
{
    size_t lo = 0, hi = c->n_inits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(S(c->inits[mid]->name), name);
        if (r == 0)
            return c->inits[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Input `idx` of the current node as an initializer of n_dims dimensions (n_dims 0: a
 * scalar, given as [] or [1]), its size checked against the data it holds. */
static int tensor(ctx_t *c, size_t idx, const char *what, size_t n_dims, tview_t *tv)
{
    const Onnx__NodeProto *nd = c->node;
    const Onnx__TensorProto *t;
    char name[64];
    uint64_t n = 1, have, size;

    if (idx >= nd->n_input || !nd->input[idx] || !nd->input[idx][0])
        return err(c, "%s input is required but not given", what);
    clean(nd->input[idx], name, sizeof name);
    t = init_find(c, nd->input[idx]);
    if (!t)
        return err(c, "%s '%s' is not an initializer", what, name);
    if ((t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
        t->n_external_data)
        return err(c, "%s '%s': external data not supported", what, name);
    if (t->segment)
        return err(c, "%s '%s': segmented tensors not supported", what, name);
    if (t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
        t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        return err(c, "%s '%s': expected float or double data, got data type %" PRId32, what, name,
                   t->data_type);
    if (!(t->n_dims == n_dims || (n_dims == 0 && t->n_dims == 1 && t->dims[0] == 1)))
        return err(c, "%s '%s': expected %zu dimensions, got %zu", what, name, n_dims, t->n_dims);
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || (uint64_t)t->dims[i] > TENSOR_MAX)
            return err(c, "%s '%s': dimension %zu is %" PRId64, what, name, i, t->dims[i]);
        if (t->dims[i] && n > TENSOR_MAX / (uint64_t)t->dims[i])
            return err(c, "%s '%s': more than %" PRIu64 " values", what, name, TENSOR_MAX);
        n *= (uint64_t)t->dims[i];
    }
    size = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? 4 : 8;
    if (t->has_raw_data && t->raw_data.len)
        have = t->raw_data.len / size, size = t->raw_data.len % size ? 0 : size;
    else
        have = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? t->n_float_data
                                                                    : t->n_double_data;
    if (have != n || size == 0)
        return err(c, "%s '%s': its dimensions need %" PRIu64 " values, its data holds %" PRIu64,
                   what, name, n, have);
    tv->t = t;
    tv->n_dims = t->n_dims;
    for (size_t i = 0; i < t->n_dims && i < 4; i++)
        tv->dims[i] = t->dims[i];
    tv->n = n;
    return ST_OK;
}

/* Value i of a checked tensor (raw data little-endian). */
static double tval(const tview_t *tv, uint64_t i)
{
    const Onnx__TensorProto *t = tv->t;
    int is_f = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;

    if (t->has_raw_data && t->raw_data.len) {
        const uint8_t *b = t->raw_data.data + i * (is_f ? 4 : 8);
        uint64_t u = 0;
        for (int k = is_f ? 3 : 7; k >= 0; k--)
            u = u << 8 | b[k];
        if (is_f) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, sizeof f);
            return f;
        }
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    return is_f ? (double)t->float_data[i] : t->double_data[i];
}

/* A [cout] vector input of the current node into a new array *out. */
static int vec(ctx_t *c, size_t idx, const char *what, uint32_t cout, double **out)
{
    tview_t tv;
    int rc = tensor(c, idx, what, 1, &tv);
    if (rc != ST_OK)
        return rc;
    if (tv.n != cout)
        return err(c, "%s has %" PRIu64 " values, the layer has %" PRIu32 " outputs", what, tv.n,
                   cout);
    *out = st_calloc(cout, sizeof **out);
    if (!*out)
        return ST_ENOMEM;
    for (uint32_t i = 0; i < cout; i++) {
        (*out)[i] = tval(&tv, i);
        if (!isfinite((*out)[i]))
            return err(c, "%s value %" PRIu32 " is not finite", what, i);
    }
    return ST_OK;
}

/* ---- Attributes ---- */
static const Onnx__AttributeProto *attr(const Onnx__NodeProto *nd, const char *name)
{
    for (size_t i = 0; i < nd->n_attribute; i++)
        if (strcmp(S(nd->attribute[i]->name), name) == 0)
            return nd->attribute[i];
    return NULL;
}

/* Refuses an attribute not in `known` (NULL-terminated). */
static int attrs_known(ctx_t *c, const char *const *known)
{
    for (size_t i = 0; i < c->node->n_attribute; i++) {
        const char *a = S(c->node->attribute[i]->name);
        const char *const *k = known;
        char name[64];
        while (*k && strcmp(*k, a) != 0)
            k++;
        if (!*k) {
            clean(a, name, sizeof name);
            return err(c, "attribute '%s' not supported", name);
        }
    }
    return ST_OK;
}

static int attr_int(ctx_t *c, const char *name, int64_t def, int64_t *v)
{
    const Onnx__AttributeProto *a = attr(c->node, name);
    *v = def;
    if (!a)
        return ST_OK;
    if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) || !a->has_i)
        return err(c, "attribute '%s': expected an integer", name);
    *v = a->i;
    return ST_OK;
}

static int attr_float(ctx_t *c, const char *name, double def, double *v)
{
    const Onnx__AttributeProto *a = attr(c->node, name);
    *v = def;
    if (!a)
        return ST_OK;
    if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT) || !a->has_f)
        return err(c, "attribute '%s': expected a float", name);
    if (!isfinite(a->f))
        return err(c, "attribute '%s': expected a finite number", name);
    *v = a->f;
    return ST_OK;
}

/* An ints attribute of exactly n values, all in [lo, hi], into v; absent: every v = def. */
static int attr_ints(ctx_t *c, const char *name, size_t n, int64_t def, int64_t lo, int64_t hi,
                     int64_t *v)
{
    const Onnx__AttributeProto *a = attr(c->node, name);
    for (size_t i = 0; i < n; i++)
        v[i] = def;
    if (!a)
        return ST_OK;
    if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) || a->n_ints != n)
        return err(c, "attribute '%s': expected %zu integers", name, n);
    for (size_t i = 0; i < n; i++) {
        if (a->ints[i] < lo || a->ints[i] > hi)
            return err(c,
                       "attribute '%s': value %" PRId64 " must be between %" PRId64 " and %" PRId64
                       " inclusive",
                       name, a->ints[i], lo, hi);
        v[i] = a->ints[i];
    }
    return ST_OK;
}

/* auto_pad, when given, must be NOTSET. */
static int no_auto_pad(ctx_t *c)
{
    const Onnx__AttributeProto *a = attr(c->node, "auto_pad");
    if (a && !(a->has_s && a->s.len == 6 && memcmp(a->s.data, "NOTSET", 6) == 0))
        return err(c, "attribute 'auto_pad': only NOTSET supported; give explicit pads");
    return ST_OK;
}

static int ratio_ok(ctx_t *c, const char *what, double p)
{
    if (!(p >= 0 && p <= P_MAX))
        return err(c, "%s %g must be between 0 and %g inclusive", what, p, P_MAX);
    return ST_OK;
}

/* ---- The loader ---- */
typedef struct build {
    ctx_t c;
    wl_net_t *net;
    wl_weights_t *w;
    uint32_t n; /* layers so far */
    state_t st;
    uint32_t ch, hh, ww; /* current tensor shape */
    int flat;            /* Flatten seen (or an fc produced it) */
    double drop_p;       /* pending Dropout ratio (state DROP) */
} build_t;

/* A name from the file into dst[n]: cut at a character boundary, control characters as
 * '?'. */
static void copy_name(char *dst, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len >= n)
        for (len = n - 1; len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80; len--)
            ;
    for (size_t i = 0; i < len; i++)
        dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    dst[len] = '\0';
}

static void layer_name(build_t *b, wl_layer_t *l)
{
    if (!S(b->c.node->name)[0])
        snprintf(l->name, sizeof l->name, "layer%" PRIu32, b->n);
    else
        copy_name(l->name, sizeof l->name, b->c.node->name);
}

/* A new layer of the chain, checked for a unique name. */
static int layer_new(build_t *b, uint32_t kind, wl_layer_t **out)
{
    wl_layer_t *l = &b->net->layers[b->n];
    layer_name(b, l);
    for (uint32_t i = 0; i < b->n; i++)
        if (strcmp(b->net->layers[i].name, l->name) == 0)
            return err(&b->c, "layer name '%.63s' is used twice", l->name);
    l->kind = kind;
    l->input = (int32_t)b->n - 1;
    l->from = -1;
    l->cin = b->ch;
    l->hin = b->hh;
    l->win = b->ww;
    b->w->layers[b->n].copies = 1;
    *out = l;
    return ST_OK;
}

static int do_maxpool(build_t *b)
{
    static const char *const known[] = {"kernel_shape", "strides",   "pads",          "auto_pad",
                                        "ceil_mode",    "dilations", "storage_order", NULL};
    int64_t k[2], s[2], pads[4], dil[2], v;
    wl_layer_t *l;
    int rc;

    if (b->st != S_BIN)
        return err(&b->c, "a pooling layer must read binary activations (after a Binarize)");
    if ((rc = attrs_known(&b->c, known)) || (rc = no_auto_pad(&b->c)))
        return rc;
    if (!attr(b->c.node, "kernel_shape"))
        return err(&b->c, "attribute 'kernel_shape' is required but not given");
    if ((rc = attr_ints(&b->c, "kernel_shape", 2, 1, 1, K_MAX, k)) ||
        (rc = attr_ints(&b->c, "strides", 2, 1, 1, K_MAX, s)) ||
        (rc = attr_ints(&b->c, "pads", 4, 0, 0, K_MAX, pads)) ||
        (rc = attr_ints(&b->c, "dilations", 2, 1, 1, 1, dil)))
        return rc;
    if (pads[0] || pads[1] || pads[2] || pads[3])
        return err(&b->c, "attribute 'pads': padding not supported on a pooling layer");
    if ((rc = attr_int(&b->c, "ceil_mode", 0, &v)) || v != 0)
        return rc ? rc : err(&b->c, "attribute 'ceil_mode': only 0 supported");
    if ((rc = attr_int(&b->c, "storage_order", 0, &v)) || v != 0)
        return rc ? rc : err(&b->c, "attribute 'storage_order': only 0 supported");
    if (k[0] != k[1] || s[0] != s[1])
        return err(&b->c,
                   "expected a square window and equal strides, got %" PRId64 "x%" PRId64
                   " stride %" PRId64 "x%" PRId64,
                   k[0], k[1], s[0], s[1]);
    if (b->c.node->n_input != 1 || b->c.node->n_output != 1)
        return err(&b->c, "expected one input and one output (no indices)");
    if ((uint64_t)k[0] > b->hh || (uint64_t)k[0] > b->ww)
        return err(&b->c,
                   "window %" PRId64 "x%" PRId64 " is larger than the input %" PRIu32 "x%" PRIu32,
                   k[0], k[0], b->hh, b->ww);
    if ((rc = layer_new(b, WL_MAXPOOL, &l)))
        return rc;
    l->k = (uint32_t)k[0];
    l->stride = (uint32_t)s[0];
    l->cout = b->ch;
    l->hout = (b->hh - l->k) / l->stride + 1;
    l->wout = (b->ww - l->k) / l->stride + 1;
    b->hh = l->hout;
    b->ww = l->wout;
    b->n++;
    return ST_OK;
}

/* Checks every weight is +1 or -1 and packs it: value i goes to (row, col) = rc(i). */
static int pack(build_t *b, const tview_t *tv, wl_layer_w_t *lw, uint32_t kind, uint32_t k,
                uint32_t cin, int b_is_cout_major)
{
    const uint64_t rows = lw->rows, cols = lw->cols;
    for (uint64_t i = 0; i < tv->n; i++) {
        double v = tval(tv, i);
        if (v != 1.0 && v != -1.0)
            return err(&b->c, "weight value %g at index %" PRIu64 " is not +1 or -1", v, i);
    }
    lw->row_words = (uint32_t)((rows + 63) / 64);
    lw->w = st_calloc(cols * lw->row_words, sizeof *lw->w);
    if (!lw->w)
        return ST_ENOMEM;
    for (uint64_t i = 0; i < tv->n; i++) {
        uint64_t r, col;
        if (kind == WL_CONV) { /* i = ((co * cin + ci) * k + kh) * k + kw */
            uint64_t kw = i % k, kh = i / k % k, ci = i / ((uint64_t)k * k) % cin;
            col = i / ((uint64_t)k * k * cin);
            r = (kh * k + kw) * cin + ci;
        } else if (b_is_cout_major) { /* B[co][r] */
            col = i / rows;
            r = i % rows;
        } else { /* B[r][co] */
            r = i / cols;
            col = i % cols;
        }
        if (tval(tv, i) > 0)
            lw->w[col * lw->row_words + r / 64] |= (uint64_t)1 << (r % 64);
    }
    return ST_OK;
}

static int do_mvm(build_t *b, uint32_t kind, int is_gemm)
{
    static const char *const conv_known[] = {"kernel_shape", "strides", "pads", "auto_pad",
                                             "dilations",    "group",   NULL};
    static const char *const gemm_known[] = {"alpha", "beta", "transA", "transB", NULL};
    static const char *const matmul_known[] = {NULL};
    const Onnx__NodeProto *nd = b->c.node;
    wl_layer_w_t *lw = &b->w->layers[b->n];
    wl_layer_t *l;
    tview_t tv;
    uint32_t cout, k = 1, stride = 1, pad = 0;
    int cout_major = 0, rc;

    if (b->st != S_BIN && b->st != S_DROP)
        return err(&b->c, "a crossbar layer must read binary activations (after a Binarize)");
    if (nd->n_output != 1)
        return err(&b->c, "expected one output, got %zu", nd->n_output);
    if (kind == WL_CONV) {
        int64_t ks[2], s[2], pads[4], dil[2], group;
        if (b->flat)
            return err(&b->c, "a convolution after Flatten is not supported");
        if ((rc = attrs_known(&b->c, conv_known)) || (rc = no_auto_pad(&b->c)))
            return rc;
        if (nd->n_input > 2)
            return err(&b->c, "bias input not supported; put it in the BatchNormalization");
        if ((rc = tensor(&b->c, 1, "weight", 4, &tv)))
            return rc;
        if ((rc = attr_ints(&b->c, "kernel_shape", 2, tv.dims[2], 1, K_MAX, ks)) ||
            (rc = attr_ints(&b->c, "strides", 2, 1, 1, K_MAX, s)) ||
            (rc = attr_ints(&b->c, "pads", 4, 0, 0, K_MAX, pads)) ||
            (rc = attr_ints(&b->c, "dilations", 2, 1, 1, 1, dil)) ||
            (rc = attr_int(&b->c, "group", 1, &group)))
            return rc;
        if (group != 1)
            return err(&b->c, "attribute 'group': only 1 supported, got %" PRId64, group);
        if (tv.dims[2] != tv.dims[3] || tv.dims[2] < 1 || tv.dims[2] > (int64_t)K_MAX)
            return err(&b->c,
                       "weight: expected a square kernel of side 1 to %u, got %" PRId64 "x%" PRId64,
                       K_MAX, tv.dims[2], tv.dims[3]);
        if (ks[0] != tv.dims[2] || ks[1] != tv.dims[3])
            return err(&b->c,
                       "attribute 'kernel_shape' %" PRId64 "x%" PRId64
                       " differs from the weight's %" PRId64 "x%" PRId64,
                       ks[0], ks[1], tv.dims[2], tv.dims[3]);
        if (s[0] != s[1] || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3])
            return err(&b->c, "expected equal strides and equal pads on every side");
        if (tv.dims[1] != (int64_t)b->ch)
            return err(&b->c, "weight has %" PRId64 " input channels, the input has %" PRIu32,
                       tv.dims[1], b->ch);
        k = (uint32_t)tv.dims[2];
        stride = (uint32_t)s[0];
        pad = (uint32_t)pads[0];
        if (k > b->hh + 2 * pad || k > b->ww + 2 * pad)
            return err(&b->c,
                       "kernel %" PRIu32 "x%" PRIu32 " is larger than the padded input %" PRIu32
                       "x%" PRIu32 " (pad %" PRIu32 ")",
                       k, k, b->hh + 2 * pad, b->ww + 2 * pad, pad);
        cout = tv.dims[0] >= 1 && tv.dims[0] <= (int64_t)DIM_MAX ? (uint32_t)tv.dims[0] : 0;
    } else {
        int64_t ta = 0, tb = 0;
        double alpha = 1;
        if (!b->flat)
            return err(&b->c, "expected a Flatten (axis 1) before the first fc layer");
        if ((rc = attrs_known(&b->c, is_gemm ? gemm_known : matmul_known)))
            return rc;
        if (is_gemm &&
            ((rc = attr_float(&b->c, "alpha", 1, &alpha)) ||
             (rc = attr_int(&b->c, "transA", 0, &ta)) || (rc = attr_int(&b->c, "transB", 0, &tb))))
            return rc;
        if (alpha != 1 || ta != 0 || (tb != 0 && tb != 1))
            return err(&b->c, "expected alpha 1, transA 0 and transB 0 or 1");
        if (nd->n_input > 2)
            return err(&b->c, "bias input C not supported; put it in the BatchNormalization");
        if ((rc = tensor(&b->c, 1, "weight", 2, &tv)))
            return rc;
        cout_major = tb == 1;
        int64_t in = tv.dims[cout_major ? 1 : 0], co = tv.dims[cout_major ? 0 : 1];
        if (in != (int64_t)b->ch)
            return err(&b->c,
                       "weight has %" PRId64 " inputs, the flattened input has %" PRIu32 " values",
                       in, b->ch);
        cout = co >= 1 && co <= (int64_t)DIM_MAX ? (uint32_t)co : 0;
    }
    if (cout == 0)
        return err(&b->c, "weight: output count must be between 1 and %u inclusive", DIM_MAX);
    if ((rc = layer_new(b, kind, &l)))
        return rc;
    l->cout = cout;
    l->k = k;
    l->stride = stride;
    l->pad = pad;
    l->hout = kind == WL_CONV ? (b->hh + 2 * pad - k) / stride + 1 : 1;
    l->wout = kind == WL_CONV ? (b->ww + 2 * pad - k) / stride + 1 : 1;
    l->p = b->st == S_DROP ? b->drop_p : 0;
    lw->rows = kind == WL_CONV ? k * k * b->ch : b->ch;
    lw->cols = cout;
    lw->act = WL_ACT_NONE; /* until a Binarize follows */
    lw->stage = WL_STAGE_NONE;
    if ((rc = pack(b, &tv, lw, kind, k, b->ch, cout_major)))
        return rc;
    lw->bn_scale = st_calloc(cout, sizeof *lw->bn_scale);
    lw->bn_bias = st_calloc(cout, sizeof *lw->bn_bias);
    if (!lw->bn_scale || !lw->bn_bias)
        return ST_ENOMEM;
    for (uint32_t c = 0; c < cout; c++) /* inverted dropout: wl_onnx.h */
        lw->bn_scale[c] = b->st == S_DROP ? 1.0 / (1.0 - b->drop_p) : 1.0;
    b->ch = cout;
    b->hh = l->hout;
    b->ww = l->wout;
    b->flat = kind != WL_CONV;
    b->st = S_SUM;
    b->n++;
    return ST_OK;
}

static int do_stage(build_t *b, const char *op)
{
    static const char *const ratio_known[] = {"ratio", NULL};
    static const char *const vi_known[] = {"sample_bits", NULL};
    wl_layer_t *l = &b->net->layers[b->n - 1];
    wl_layer_w_t *lw = &b->w->layers[b->n - 1];
    int vi = strcmp(op, "ScaleVI") == 0, affine = strcmp(op, "AffineDropout") == 0, rc;
    size_t want = affine || vi ? 3 : 2;

    if (b->st != S_SUM)
        return err(&b->c, "a stage must follow a crossbar layer directly (before its batch norm)");
    if (l->p > 0)
        return err(&b->c,
                   "layer '%.63s' has a Dropout already; a layer takes a Dropout or a "
                   "stage, not both",
                   l->name);
    if (b->c.node->n_input != want || b->c.node->n_output != 1)
        return err(&b->c, "expected %zu inputs and one output", want);
    if ((rc = attrs_known(&b->c, vi ? vi_known : ratio_known)))
        return rc;
    if (vi) {
        int64_t bits;
        if ((rc = attr_int(&b->c, "sample_bits", 0, &bits)))
            return rc;
        if (bits < 1 || bits > VI_BITS_MAX)
            return err(&b->c, "attribute 'sample_bits' must be between 1 and %d inclusive",
                       VI_BITS_MAX);
        lw->stage = WL_STAGE_SCALE_VI;
        lw->sample_bits = (uint32_t)bits;
        l->p = 0.5;
        if ((rc = vec(&b->c, 1, "mu", lw->cols, &lw->alpha)) ||
            (rc = vec(&b->c, 2, "sigma", lw->cols, &lw->alpha_sd)))
            return rc;
    } else {
        double p;
        if (!attr(b->c.node, "ratio"))
            return err(&b->c, "attribute 'ratio' is required but not given");
        if ((rc = attr_float(&b->c, "ratio", 0, &p)) || (rc = ratio_ok(&b->c, "ratio", p)))
            return rc;
        l->p = p;
        if (affine) {
            lw->stage = WL_STAGE_AFFINE;
            if ((rc = vec(&b->c, 1, "gamma", lw->cols, &lw->gamma)) ||
                (rc = vec(&b->c, 2, "beta", lw->cols, &lw->beta)))
                return rc;
        } else {
            lw->stage = WL_STAGE_SCALE;
            if ((rc = vec(&b->c, 1, "alpha", lw->cols, &lw->alpha)))
                return rc;
        }
    }
    b->st = S_STAGED;
    return ST_OK;
}

static int do_bn(build_t *b)
{
    static const char *const known[] = {"epsilon", "momentum", "training_mode", NULL};
    wl_layer_w_t *lw = &b->w->layers[b->n - 1];
    double *v[4] = {NULL, NULL, NULL, NULL}, eps;
    static const char *const what[4] = {"scale", "B", "input_mean", "input_var"};
    int64_t tm;
    int rc;

    if (b->st != S_SUM && b->st != S_STAGED)
        return err(&b->c, "a batch norm must follow a crossbar layer or its stage");
    if (b->c.node->n_input != 5 || b->c.node->n_output != 1)
        return err(&b->c, "expected 5 inputs and one output (inference mode)");
    if ((rc = attrs_known(&b->c, known)) || (rc = attr_float(&b->c, "epsilon", 1e-5, &eps)) ||
        (rc = attr_int(&b->c, "training_mode", 0, &tm)))
        return rc;
    if (tm != 0)
        return err(&b->c, "attribute 'training_mode': only 0 supported");
    for (int i = 0; i < 4 && rc == ST_OK; i++)
        rc = vec(&b->c, (size_t)i + 1, what[i], lw->cols, &v[i]);
    for (uint32_t c = 0; rc == ST_OK && c < lw->cols; c++) {
        double s;
        if (!(v[3][c] + eps > 0)) {
            rc = err(&b->c, "input_var + epsilon of output %" PRIu32 " is not positive", c);
            break;
        }
        s = v[0][c] / sqrt(v[3][c] + eps);
        lw->bn_scale[c] *= s; /* the dropout factor stays (inverted dropout) */
        lw->bn_bias[c] = v[1][c] - v[2][c] * s;
        if (!isfinite(lw->bn_scale[c]) || !isfinite(lw->bn_bias[c])) {
            rc = err(&b->c, "folded batch norm of output %" PRIu32 " is not finite", c);
            break;
        }
    }
    for (int i = 0; i < 4; i++)
        free(v[i]);
    b->st = S_BN;
    return rc;
}

static int do_binarize(build_t *b, double *in_thresh)
{
    static const char *const known[] = {"threshold", NULL};
    double th;
    int rc;

    if (b->c.node->n_input != 1 || b->c.node->n_output != 1)
        return err(&b->c, "expected one input and one output");
    if ((rc = attrs_known(&b->c, known)) || (rc = attr_float(&b->c, "threshold", 0, &th)))
        return rc;
    if (b->st == S_START) {
        *in_thresh = th;
    } else if (b->st == S_SUM || b->st == S_STAGED || b->st == S_BN) {
        wl_layer_w_t *lw = &b->w->layers[b->n - 1];
        for (uint32_t c = 0; c < lw->cols; c++)
            if (!isfinite(lw->bn_bias[c] -= th))
                return err(&b->c, "folded threshold of output %" PRIu32 " is not finite", c);
        lw->act = WL_ACT_SIGN;
    } else {
        return err(&b->c, "the activations are binary already");
    }
    b->st = S_BIN;
    return ST_OK;
}

static int do_dropout(build_t *b)
{
    static const char *const known[] = {"seed", NULL};
    double p = 0.5;
    int rc;

    if (b->st != S_BIN)
        return err(&b->c, "a Dropout must sit on the binary input of a crossbar layer");
    if ((rc = attrs_known(&b->c, known)))
        return rc;
    if (b->c.node->n_input > 2)
        return err(&b->c, "training_mode input not supported");
    if (b->c.node->n_output > 2)
        return err(&b->c, "expected at most two outputs (the output and the mask)");
    if (b->c.node->n_input == 2 && b->c.node->input[1] && b->c.node->input[1][0]) {
        tview_t tv;
        if ((rc = tensor(&b->c, 1, "ratio", 0, &tv)))
            return rc;
        p = tval(&tv, 0);
    }
    if ((rc = ratio_ok(&b->c, "ratio", p)))
        return rc;
    b->drop_p = p;
    b->st = S_DROP;
    return ST_OK;
}

static int do_flatten(build_t *b)
{
    static const char *const known[] = {"axis", NULL};
    int64_t axis;
    uint64_t n = (uint64_t)b->ch * b->hh * b->ww;
    int rc;

    if (b->st != S_BIN && b->st != S_DROP)
        return err(&b->c, "Flatten must read binary activations (after a Binarize)");
    if ((rc = attrs_known(&b->c, known)) || (rc = attr_int(&b->c, "axis", 1, &axis)))
        return rc;
    if (b->c.node->n_input != 1 || b->c.node->n_output != 1)
        return err(&b->c, "expected one input and one output");
    if (axis != 1)
        return err(&b->c, "attribute 'axis': only 1 supported, got %" PRId64, axis);
    if (n > UINT32_MAX)
        return err(&b->c, "flattened input of %" PRIu64 " values is more than %" PRIu32, n,
                   UINT32_MAX);
    b->ch = (uint32_t)n;
    b->hh = b->ww = 1;
    b->flat = 1;
    return ST_OK;
}

typedef enum {
    OP_BINARIZE,
    OP_DROPOUT,
    OP_CONV,
    OP_GEMM,
    OP_MATMUL,
    OP_STAGE,
    OP_BN,
    OP_MAXPOOL,
    OP_FLATTEN
} op_t;

typedef struct opdef {
    const char *name;
    int custom; /* in domain ai.neuspin */
    op_t op;
} opdef_t;

static const opdef_t ops[] = {
    {"Binarize", 1, OP_BINARIZE}, {"ScaleDropout", 1, OP_STAGE}, {"AffineDropout", 1, OP_STAGE},
    {"ScaleVI", 1, OP_STAGE},     {"Dropout", 0, OP_DROPOUT},    {"Conv", 0, OP_CONV},
    {"Gemm", 0, OP_GEMM},         {"MatMul", 0, OP_MATMUL},      {"BatchNormalization", 0, OP_BN},
    {"MaxPool", 0, OP_MAXPOOL},   {"Flatten", 0, OP_FLATTEN},
};
#define N_OPS (sizeof ops / sizeof ops[0])

static int is_default_domain(const char *d)
{
    return !d || !d[0] || strcmp(d, "ai.onnx") == 0;
}

static int do_node(build_t *b, double *in_thresh)
{
    const Onnx__NodeProto *nd = b->c.node;
    const opdef_t *o = NULL;
    char dom[64];

    for (size_t i = 0; i < N_OPS && !o; i++)
        if (strcmp(S(nd->op_type), ops[i].name) == 0)
            o = &ops[i];
    if (!o)
        return err(&b->c, "operator not supported; expected one of: Conv, Gemm, MatMul, "
                          "BatchNormalization, MaxPool, Flatten, Dropout, and in domain "
                          "ai.neuspin Binarize, ScaleDropout, AffineDropout, ScaleVI");
    if (o->custom ? strcmp(S(nd->domain), "ai.neuspin") != 0 : !is_default_domain(nd->domain)) {
        clean(nd->domain, dom, sizeof dom);
        return err(&b->c, "operator of domain '%s' not supported; %s is in domain '%s'", dom,
                   o->name, o->custom ? "ai.neuspin" : "");
    }
    if (b->st == S_START && o->op != OP_BINARIZE)
        return err(&b->c, "the first node must binarise the input (ai.neuspin Binarize)");
    if (b->st == S_DROP && o->op != OP_CONV && o->op != OP_GEMM && o->op != OP_MATMUL &&
        o->op != OP_FLATTEN)
        return err(&b->c, "the Dropout before it must feed a crossbar layer");
    if ((b->st == S_SUM || b->st == S_STAGED || b->st == S_BN) &&
        (o->op == OP_DROPOUT || o->op == OP_CONV || o->op == OP_GEMM || o->op == OP_MATMUL ||
         o->op == OP_MAXPOOL || o->op == OP_FLATTEN))
        return err(&b->c, "layer '%.63s' is not binarised; expected a Binarize before this node",
                   b->net->layers[b->n - 1].name);
    switch (o->op) {
    case OP_BINARIZE:
        return do_binarize(b, in_thresh);
    case OP_DROPOUT:
        return do_dropout(b);
    case OP_CONV:
        return do_mvm(b, WL_CONV, 0);
    case OP_GEMM:
        return do_mvm(b, WL_FC, 1);
    case OP_MATMUL:
        return do_mvm(b, WL_FC, 0);
    case OP_STAGE:
        return do_stage(b, o->name);
    case OP_BN:
        return do_bn(b);
    case OP_MAXPOOL:
        return do_maxpool(b);
    case OP_FLATTEN:
        return do_flatten(b);
    }
    return SIM_BUG("unknown op"), ST_ECONFIG;
}

/* The graph input the first node reads: a float [N, C, H, W] tensor. */
static int graph_input(ctx_t *c, const Onnx__GraphProto *g, const char *name, wl_net_t *net)
{
    const Onnx__ValueInfoProto *vi = NULL;
    const Onnx__TensorShapeProto *sh;
    uint32_t d[3];
    char nm[64];

    clean(name, nm, sizeof nm);
    for (size_t i = 0; i < g->n_input && !vi; i++)
        if (strcmp(S(g->input[i]->name), name) == 0)
            vi = g->input[i];
    if (!vi)
        return err(c, "the first node reads '%s', which is not a graph input", nm);
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !vi->type->tensor_type || !vi->type->tensor_type->shape ||
        vi->type->tensor_type->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ||
        vi->type->tensor_type->shape->n_dim != 4)
        return err(c, "graph input '%s': expected a float tensor [N, C, H, W]", nm);
    sh = vi->type->tensor_type->shape;
    for (int i = 0; i < 3; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = sh->dim[i + 1];
        if (dm->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
            dm->dim_value < 1 || dm->dim_value > (int64_t)DIM_MAX)
            return err(c, "graph input '%s': dimension %d must be a number between 1 and %u", nm,
                       i + 1, DIM_MAX);
        d[i] = (uint32_t)dm->dim_value;
    }
    net->in_c = d[0];
    net->in_h = d[1];
    net->in_w = d[2];
    return ST_OK;
}

/* neuspin.* metadata into net->T and w->scheme, w->ref_accuracy. */
static int metadata(ctx_t *c, const Onnx__ModelProto *m, wl_net_t *net, wl_weights_t *w)
{
    net->T = T_DEFAULT;
    w->ref_accuracy = -1;
    for (size_t i = 0; i < m->n_metadata_props; i++) {
        const char *k = S(m->metadata_props[i]->key), *v = S(m->metadata_props[i]->value);
        char got[64];
        clean(v, got, sizeof got);
        if (strcmp(k, "neuspin.scheme") == 0) {
            size_t j = 0;
            while (schemes[j] && strcmp(schemes[j], v) != 0)
                j++;
            if (!schemes[j])
                return err(c,
                           "metadata 'neuspin.scheme': expected one of none, mc_dropout, "
                           "spindrop, spatial_spindrop, scaledrop, affine_dropout, "
                           "subset_vi, got '%s'",
                           got);
            snprintf(w->scheme, sizeof w->scheme, "%s", schemes[j]);
        } else if (strcmp(k, "neuspin.mc_samples") == 0) {
            unsigned long t = strlen(v) <= 6 && v[0] && strspn(v, "0123456789") == strlen(v)
                                  ? strtoul(v, NULL, 10)
                                  : 0;
            if (t < 1 || t > T_MAX)
                return err(c,
                           "metadata 'neuspin.mc_samples': expected an integer between 1 "
                           "and %u, got '%s'",
                           T_MAX, got);
            net->T = (uint32_t)t;
        } else if (strcmp(k, "neuspin.accuracy") == 0) {
            char *end;
            double a = strlen(v) < 32 ? strtod(v, &end) : NAN;
            if (strlen(v) >= 32 || end == v || *end || !(a >= 0 && a <= 1))
                return err(c,
                           "metadata 'neuspin.accuracy': expected a fraction between 0 and 1, "
                           "got '%s'",
                           got);
            w->ref_accuracy = a;
        }
    }
    return ST_OK;
}

/* The network's name when the graph has none: the file name without directory and
 * ".onnx". */
static void default_name(const char *path, char *name, size_t n)
{
    const char *s = strrchr(path, '/');
    size_t len;
    s = s ? s + 1 : path;
    len = strlen(s);
    if (len > 5 && strcmp(s + len - 5, ".onnx") == 0)
        len -= 5;
    if (len >= n)
        len = n - 1;
    memcpy(name, s, len);
    name[len] = '\0';
}

static int model_check(ctx_t *c, const Onnx__ModelProto *m)
{
    int64_t opset = -1, custom = -1;
    if (!m->has_ir_version || m->ir_version < 7)
        return err(c, "ONNX IR version %" PRId64 " not supported; expected 7 or later",
                   m->has_ir_version ? m->ir_version : 0);
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (is_default_domain(o->domain))
            opset = o->version;
        else if (strcmp(S(o->domain), "ai.neuspin") == 0)
            custom = o->version;
    }
    if (opset < 13)
        return err(c, "opset %" PRId64 " of the default domain not supported; expected 13 or later",
                   opset);
    if (custom != 1)
        return err(c, "expected an opset import of domain ai.neuspin version 1");
    if (!m->graph || m->graph->n_node == 0)
        return err(c, "the model has no graph nodes");
    if (m->graph->n_node > WL_ONNX_NODES_MAX)
        return err(c, "%zu graph nodes; at most %u supported", m->graph->n_node, WL_ONNX_NODES_MAX);
    return ST_OK;
}

/* Builds net and weights from an unpacked model.  ST_OK, ST_ECONFIG, ST_ENOMEM. */
static int build(ctx_t *c, const Onnx__ModelProto *m, wl_net_t **net_out, wl_weights_t **w_out)
{
    const Onnx__GraphProto *g;
    build_t b;
    uint32_t n_layers = 0;
    double in_thresh = 0;
    int rc;

    if ((rc = model_check(c, m)))
        return rc;
    g = m->graph;
    for (size_t i = 0; i < g->n_node; i++) {
        const char *op = S(g->node[i]->op_type);
        n_layers += strcmp(op, "Conv") == 0 || strcmp(op, "Gemm") == 0 ||
                    strcmp(op, "MatMul") == 0 || strcmp(op, "MaxPool") == 0;
    }
    memset(&b, 0, sizeof b);
    b.c = *c;
    b.net = st_calloc(1, sizeof *b.net);
    b.w = st_calloc(1, sizeof *b.w);
    c->inits = st_calloc(g->n_initializer, sizeof *c->inits);
    if (!b.net || !b.w || !c->inits ||
        !(b.net->layers = st_calloc(n_layers, sizeof *b.net->layers)) ||
        !(b.w->layers = st_calloc(n_layers, sizeof *b.w->layers))) {
        rc = ST_ENOMEM;
        goto out;
    }
    b.w->n_layers = b.net->n_layers = n_layers;
    for (size_t i = 0; i < g->n_initializer; i++)
        c->inits[i] = g->initializer[i];
    c->n_inits = g->n_initializer;
    qsort(c->inits, c->n_inits, sizeof *c->inits, init_cmp);
    b.c = *c;
    for (size_t i = 1; i < c->n_inits; i++)
        if (strcmp(S(c->inits[i]->name), S(c->inits[i - 1]->name)) == 0) {
            char nm[64];
            clean(c->inits[i]->name, nm, sizeof nm);
            rc = err(c, "initializer '%s' is defined twice", nm);
            goto out;
        }
    if ((rc = metadata(c, m, b.net, b.w)))
        goto out;
    if (g->node[0]->n_input < 1) {
        b.c.node = g->node[0];
        rc = err(&b.c, "expected an input");
        goto out;
    }
    if ((rc = graph_input(c, g, S(g->node[0]->input[0]), b.net)))
        goto out;
    b.ch = b.net->in_c;
    b.hh = b.net->in_h;
    b.ww = b.net->in_w;
    b.st = S_START;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *nd = g->node[i];
        b.c.node = nd;
        if (nd->n_output < 1 || !S(nd->output[0])[0]) {
            rc = err(&b.c, "expected an output");
            goto out;
        }
        if (i > 0 && (nd->n_input < 1 || strcmp(S(nd->input[0]), S(g->node[i - 1]->output[0])))) {
            char prev[64];
            clean(g->node[i - 1]->name, prev, sizeof prev);
            rc = err(&b.c, "does not read the output of the node before it ('%s')", prev);
            goto out;
        }
        if ((rc = do_node(&b, &in_thresh)))
            goto out;
    }
    if (b.st != S_SUM && b.st != S_STAGED && b.st != S_BN) {
        rc = err(&b.c, "the graph must end with the last crossbar layer's logits (its batch "
                       "norm, no Binarize)");
        goto out;
    }
    if (g->n_output < 1 || strcmp(S(g->output[0]->name), S(g->node[g->n_node - 1]->output[0]))) {
        rc = err(&b.c, "its output is not the graph's output");
        goto out;
    }
    b.w->in_thresh = in_thresh;
    b.w->classes = b.w->layers[b.n - 1].cols;
    if (g->name && g->name[0])
        copy_name(b.net->name, sizeof b.net->name, g->name);
    else
        default_name(c->file, b.net->name, sizeof b.net->name);
    snprintf(b.net->source, sizeof b.net->source, "%s", c->file);
    *net_out = b.net;
    *w_out = b.w;
    b.net = NULL;
    b.w = NULL;
    rc = ST_OK;
out:
    free(c->inits);
    c->inits = NULL;
    wl_net_destroy(b.net);
    wl_weights_destroy(b.w);
    return rc;
}

int wl_onnx_load_mem(const char *name, const uint8_t *buf, size_t len, wl_net_t **net,
                     wl_weights_t **w, arch_diag_list_t *dl)
{
    ctx_t c;
    Onnx__ModelProto *m;
    ProtobufCAllocator al = {pb_alloc, pb_free, NULL};
    uint64_t cost = 0;
    int rc;

    if (!name || (!buf && len) || !net || !w || !dl)
        return ST_EINVAL;
    memset(&c, 0, sizeof c);
    c.file = name;
    c.dl = dl;
    al.allocator_data = &c.oom;
    if (len > WL_ONNX_FILE_MAX)
        return err(&c, "%zu bytes; an ONNX model may have at most %u", len, WL_ONNX_FILE_MAX);
    if (!pb_shallow(buf, len, &onnx__model_proto__descriptor, 0, &cost))
        return cost > WL_ONNX_UNPACK_MAX
                   ? err(&c, "unpacking this model would take more than %u MiB",
                         WL_ONNX_UNPACK_MAX >> 20)
                   : err(&c, "not an ONNX model (malformed protobuf, or nested deeper than %u)",
                         WL_ONNX_DEPTH_MAX);
    m = onnx__model_proto__unpack(&al, len, buf);
    if (!m)
        return c.oom ? ST_ENOMEM : err(&c, "not an ONNX model (malformed protobuf)");
    rc = build(&c, m, net, w);
    onnx__model_proto__free_unpacked(m, &al);
    return rc;
}

int wl_onnx_load(const char *path, wl_net_t **net, wl_weights_t **w, arch_diag_list_t *dl)
{
    FILE *f;
    struct stat sb;
    uint8_t *buf;
    size_t len;
    int rc;

    if (!path || !net || !w || !dl)
        return ST_EINVAL;
    f = fopen(path, "rb");
    if (!f) {
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot open: %s", strerror(errno));
        return ST_EIO;
    }
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        arch_diag_add(dl, path, 0, 0, "", NULL, "not a regular file");
        return ST_EIO;
    }
    if ((uint64_t)sb.st_size > WL_ONNX_FILE_MAX) {
        fclose(f);
        arch_diag_add(dl, path, 0, 0, "", NULL,
                      "%" PRIu64 " bytes; an ONNX model may have at most %u", (uint64_t)sb.st_size,
                      WL_ONNX_FILE_MAX);
        return ST_ECONFIG;
    }
    len = (size_t)sb.st_size;
    buf = st_malloc(len);
    if (!buf) {
        fclose(f);
        return ST_ENOMEM;
    }
    if (fread(buf, 1, len, f) != len) {
        fclose(f);
        free(buf);
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read %zu bytes", len);
        return ST_EIO;
    }
    fclose(f);
    rc = wl_onnx_load_mem(path, buf, len, net, w, dl);
    free(buf);
    return rc;
}
