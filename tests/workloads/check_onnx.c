/* check_onnx.c - ONNX models as workloads with weights (wl_onnx.h): models built here with
 * protobuf-c from known weights, packed, and loaded from memory; the bit-packed words, the
 * batch-norm folding, the dropout factor and each stage worked out by hand beside each
 * assertion; every refusal's exact message; allocation failure; wl_load's dispatch; and
 * every committed ONNX file in workloads/trained/. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/status.h"
#include "onnx.pb-c.h"
#include "wl.h"
#include "wl_onnx.h"

/* ---- A model builder ---- */
#define FX_NODES 4200
#define FX_ATTRS 64
#define FX_INITS 32

typedef struct fx {
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto ops[2];
    Onnx__OperatorSetIdProto *opp[2];
    Onnx__NodeProto nodes[FX_NODES];
    Onnx__NodeProto *np[FX_NODES];
    char *ins[FX_NODES][6];
    char *outs[FX_NODES][1];
    Onnx__AttributeProto attrs[FX_ATTRS];
    Onnx__AttributeProto *ap[FX_ATTRS]; /* attributes of each node, consecutive */
    size_t na;
    int64_t ints[FX_ATTRS][4];
    Onnx__TensorProto inits[FX_INITS];
    Onnx__TensorProto *ip[FX_INITS];
    float vals[FX_INITS][256];
    int64_t dims[FX_INITS][4];
    Onnx__ValueInfoProto vin, vout;
    Onnx__ValueInfoProto *vinp, *voutp;
    Onnx__TypeProto tin;
    Onnx__TypeProto__Tensor ttin;
    Onnx__TensorShapeProto shin;
    Onnx__TensorShapeProto__Dimension dim[4];
    Onnx__TensorShapeProto__Dimension *dimp[4];
    Onnx__StringStringEntryProto meta[8];
    Onnx__StringStringEntryProto *mp[8];
    char pool[1 << 20];
    size_t used;
} fx_t;

static char *fx_str(fx_t *f, const char *fmt, ...)
{
    va_list ap;
    char *s = f->pool + f->used;
    va_start(ap, fmt);
    int n = vsnprintf(s, sizeof f->pool - f->used, fmt, ap);
    va_end(ap);
    ck_assert_int_lt((int)(f->used + (size_t)n + 1), (int)sizeof f->pool);
    f->used += (size_t)n + 1;
    return s;
}

/* A model with input [N, c, h, w], both opsets, no nodes yet. */
static fx_t *fx_new(uint32_t c, uint32_t h, uint32_t w)
{
    fx_t *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    onnx__model_proto__init(&f->m);
    onnx__graph_proto__init(&f->g);
    f->m.has_ir_version = 1;
    f->m.ir_version = 7;
    for (int i = 0; i < 2; i++) {
        onnx__operator_set_id_proto__init(&f->ops[i]);
        f->ops[i].domain = i ? "ai.neuspin" : "";
        f->ops[i].has_version = 1;
        f->ops[i].version = i ? 1 : 13;
        f->opp[i] = &f->ops[i];
    }
    f->m.n_opset_import = 2;
    f->m.opset_import = f->opp;
    f->m.graph = &f->g;
    f->g.name = "tiny";
    f->g.node = f->np;
    f->g.initializer = f->ip;
    onnx__value_info_proto__init(&f->vin);
    onnx__value_info_proto__init(&f->vout);
    onnx__type_proto__init(&f->tin);
    onnx__type_proto__tensor__init(&f->ttin);
    onnx__tensor_shape_proto__init(&f->shin);
    const int64_t d[4] = {1, c, h, w};
    for (int i = 0; i < 4; i++) {
        onnx__tensor_shape_proto__dimension__init(&f->dim[i]);
        if (i == 0) {
            f->dim[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            f->dim[i].dim_param = "N";
        } else {
            f->dim[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            f->dim[i].dim_value = d[i];
        }
        f->dimp[i] = &f->dim[i];
    }
    f->shin.n_dim = 4;
    f->shin.dim = f->dimp;
    f->ttin.has_elem_type = 1;
    f->ttin.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    f->ttin.shape = &f->shin;
    f->tin.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    f->tin.tensor_type = &f->ttin;
    f->vin.name = "input";
    f->vin.type = &f->tin;
    f->vinp = &f->vin;
    f->g.n_input = 1;
    f->g.input = &f->vinp;
    f->voutp = &f->vout;
    f->g.n_output = 1;
    f->g.output = &f->voutp;
    f->m.metadata_props = f->mp;
    return f;
}

/* A node reading the previous node's output (or "input") and the initializers `extra`
 * (NULL-terminated), writing NAME_out. */
static Onnx__NodeProto *fx_node(fx_t *f, const char *op, const char *name, const char *domain,
                                const char *const *extra)
{
    size_t i = f->g.n_node++;
    Onnx__NodeProto *n = &f->nodes[i];
    ck_assert_uint_lt(i, FX_NODES);
    onnx__node_proto__init(n);
    n->op_type = (char *)op;
    n->name = fx_str(f, "%s", name);
    n->domain = (char *)domain;
    n->input = f->ins[i];
    n->input[n->n_input++] = i ? f->nodes[i - 1].output[0] : "input";
    for (; extra && *extra; extra++)
        n->input[n->n_input++] = (char *)*extra;
    n->output = f->outs[i];
    n->output[0] = fx_str(f, "%s_out", name);
    n->n_output = 1;
    n->attribute = &f->ap[f->na];
    f->np[i] = n;
    return n;
}

static Onnx__AttributeProto *fx_attr(fx_t *f, Onnx__NodeProto *n, const char *name)
{
    ck_assert_ptr_eq(n->attribute + n->n_attribute, &f->ap[f->na]); /* the last node's */
    Onnx__AttributeProto *a = &f->attrs[f->na];
    onnx__attribute_proto__init(a);
    a->name = (char *)name;
    f->ap[f->na++] = a;
    n->n_attribute++;
    return a;
}

static void fx_f(fx_t *f, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = fx_attr(f, n, name);
    a->has_type = a->has_f = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    a->f = v;
}

static void fx_i(fx_t *f, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = fx_attr(f, n, name);
    a->has_type = a->has_i = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    a->i = v;
}

static void fx_ints(fx_t *f, Onnx__NodeProto *n, const char *name, size_t k, int64_t a0, int64_t a1,
                    int64_t a2, int64_t a3)
{
    size_t idx = f->na;
    Onnx__AttributeProto *a = fx_attr(f, n, name);
    int64_t *v = f->ints[idx];
    v[0] = a0, v[1] = a1, v[2] = a2, v[3] = a3;
    a->has_type = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    a->n_ints = k;
    a->ints = v;
}

/* An initializer NAME of n_dims dims d0.. with the values v (count: the dims' product). */
static Onnx__TensorProto *fx_tensor(fx_t *f, const char *name, size_t n_dims, int64_t d0,
                                    int64_t d1, int64_t d2, int64_t d3, const float *v)
{
    size_t i = f->g.n_initializer++, n = 1;
    Onnx__TensorProto *t = &f->inits[i];
    ck_assert_uint_lt(i, FX_INITS);
    onnx__tensor_proto__init(t);
    t->name = (char *)name;
    t->has_data_type = 1;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    f->dims[i][0] = d0, f->dims[i][1] = d1, f->dims[i][2] = d2, f->dims[i][3] = d3;
    t->n_dims = n_dims;
    t->dims = f->dims[i];
    for (size_t k = 0; k < n_dims; k++)
        n *= (size_t)f->dims[i][k];
    ck_assert_uint_le(n, 256);
    memcpy(f->vals[i], v, n * sizeof *v);
    t->n_float_data = n;
    t->float_data = f->vals[i];
    f->ip[i] = t;
    return t;
}

static void fx_meta(fx_t *f, const char *k, const char *v)
{
    size_t i = f->m.n_metadata_props++;
    onnx__string_string_entry_proto__init(&f->meta[i]);
    f->meta[i].key = (char *)k;
    f->meta[i].value = (char *)v;
    f->mp[i] = &f->meta[i];
}

static uint8_t *fx_pack(fx_t *f, size_t *len)
{
    f->vout.name = f->g.n_node ? f->nodes[f->g.n_node - 1].output[0] : "none";
    *len = onnx__model_proto__get_packed_size(&f->m);
    uint8_t *buf = malloc(*len ? *len : 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(onnx__model_proto__pack(&f->m, buf), *len);
    return buf;
}

typedef struct loaded {
    int rc;
    wl_net_t *net;
    wl_weights_t *w;
    arch_diag_list_t dl;
    char msg[512]; /* the first diagnostic's line */
} loaded_t;

static void fx_load(fx_t *f, loaded_t *r)
{
    size_t len;
    uint8_t *buf = fx_pack(f, &len);
    memset(r, 0, sizeof *r);
    arch_diag_init(&r->dl);
    r->rc = wl_onnx_load_mem("t.onnx", buf, len, &r->net, &r->w, &r->dl);
    if (r->dl.n)
        arch_diag_format(&r->dl.d[0], r->msg, sizeof r->msg);
    free(buf);
}

static void loaded_free(loaded_t *r)
{
    wl_net_destroy(r->net);
    wl_weights_destroy(r->w);
}

/* ---- The reference model ----
 * input [N, 2, 5, 5] -> Binarize(0.5) -> c1: Conv W[2][2][2][2] -> BN -> Binarize(0.5)
 * -> p1: MaxPool 2/2 -> Flatten -> Dropout(0.5) -> fc: Gemm B[3][8] (transB 1) -> BN.
 * Conv: 5 - 2 + 1 = 4 -> pool (4 - 2) / 2 + 1 = 2 -> flatten 2 * 2 * 2 = 8 rows. */
static fx_t *reference(int matmul, int dropout)
{
    static const char *c1_in[] = {"c1_W", NULL};
    static const char *bn_in[] = {"c1_s", "c1_b", "c1_m", "c1_v", NULL};
    static const char *drop_in[] = {"fc_ratio", NULL};
    static const char *fc_in[] = {"fc_W", NULL};
    static const char *fbn_in[] = {"fc_s", "fc_b", "fc_m", "fc_v", NULL};
    fx_t *f = fx_new(2, 5, 5);
    float w[16], b[24];
    Onnx__NodeProto *n;

    for (int i = 0; i < 16; i++)
        w[i] = 1;
    w[1] = -1;  /* W[0][0][0][1]: ((0*2+0)*2+0)*2+1 = 1 */
    w[14] = -1; /* W[1][1][1][0]: ((1*2+1)*2+1)*2+0 = 14 */
    for (int i = 0; i < 24; i++)
        b[i] = 1;
    if (matmul)
        b[16] = -1; /* B[5][1]: 5*3+1 = 16 */
    else
        b[23] = -1; /* B[2][7]: 2*8+7 = 23 */
    fx_tensor(f, "c1_W", 4, 2, 2, 2, 2, w);
    fx_tensor(f, "c1_s", 1, 2, 0, 0, 0, (const float[]){3, 3});
    fx_tensor(f, "c1_b", 1, 2, 0, 0, 0, (const float[]){1, 1});
    fx_tensor(f, "c1_m", 1, 2, 0, 0, 0, (const float[]){2, 2});
    fx_tensor(f, "c1_v", 1, 2, 0, 0, 0, (const float[]){3.75f, 3.75f});
    fx_tensor(f, "fc_ratio", 0, 0, 0, 0, 0, (const float[]){0.5f});
    if (matmul)
        fx_tensor(f, "fc_W", 2, 8, 3, 0, 0, b);
    else
        fx_tensor(f, "fc_W", 2, 3, 8, 0, 0, b);
    fx_tensor(f, "fc_s", 1, 3, 0, 0, 0, (const float[]){1, 2, 4});
    fx_tensor(f, "fc_b", 1, 3, 0, 0, 0, (const float[]){0.5f, 0.5f, 0.5f});
    fx_tensor(f, "fc_m", 1, 3, 0, 0, 0, (const float[]){1, 1, 1});
    fx_tensor(f, "fc_v", 1, 3, 0, 0, 0, (const float[]){0.75f, 0.75f, 0.75f});

    n = fx_node(f, "Binarize", "in_sign", "ai.neuspin", NULL);
    fx_f(f, n, "threshold", 0.5f);
    n = fx_node(f, "Conv", "c1", "", c1_in);
    fx_ints(f, n, "kernel_shape", 2, 2, 2, 0, 0);
    fx_ints(f, n, "strides", 2, 1, 1, 0, 0);
    fx_ints(f, n, "pads", 4, 0, 0, 0, 0);
    n = fx_node(f, "BatchNormalization", "c1_bn", "", bn_in);
    fx_f(f, n, "epsilon", 0.25f);
    n = fx_node(f, "Binarize", "c1_sign", "ai.neuspin", NULL);
    fx_f(f, n, "threshold", 0.5f);
    n = fx_node(f, "MaxPool", "p1", "", NULL);
    fx_ints(f, n, "kernel_shape", 2, 2, 2, 0, 0);
    fx_ints(f, n, "strides", 2, 2, 2, 0, 0);
    n = fx_node(f, "Flatten", "flatten", "", NULL);
    fx_i(f, n, "axis", 1);
    if (dropout)
        fx_node(f, "Dropout", "fc_drop", "", drop_in);
    n = fx_node(f, matmul ? "MatMul" : "Gemm", "fc", "", fc_in);
    if (!matmul)
        fx_i(f, n, "transB", 1);
    n = fx_node(f, "BatchNormalization", "fc_bn", "", fbn_in);
    fx_f(f, n, "epsilon", 0.25f);
    fx_meta(f, "neuspin.scheme", "mc_dropout");
    fx_meta(f, "neuspin.mc_samples", "7");
    fx_meta(f, "neuspin.accuracy", "0.875");
    fx_meta(f, "neuspin.dataset", "fashion-mnist");
    return f;
}

static loaded_t *load_ok(fx_t *f)
{
    static loaded_t r;
    fx_load(f, &r);
    if (r.rc != ST_OK)
        fprintf(stderr, "%s\n", r.msg);
    ck_assert_int_eq(r.rc, ST_OK);
    ck_assert_uint_eq(r.dl.n, 0);
    free(f);
    return &r;
}

/* ---- Core ---- */
START_TEST(test_onnx_shapes_names_and_metadata_from_the_graph)
{
    loaded_t *r = load_ok(reference(0, 1));
    const wl_net_t *n = r->net;
    ck_assert_str_eq(n->name, "tiny");     /* the graph's name */
    ck_assert_str_eq(n->source, "t.onnx"); /* the name given */
    ck_assert_uint_eq(n->T, 7);            /* neuspin.mc_samples */
    ck_assert_uint_eq(n->in_c, 2);
    ck_assert_uint_eq(n->in_h, 5);
    ck_assert_uint_eq(n->n_layers, 3); /* c1, p1, fc: Flatten/Dropout/BN are no layers */
    ck_assert_str_eq(n->layers[0].name, "c1");
    ck_assert_uint_eq(n->layers[0].kind, WL_CONV);
    ck_assert_uint_eq(n->layers[0].hout, 4); /* 5 - 2 + 1 */
    ck_assert_uint_eq(n->layers[0].cout, 2);
    ck_assert_int_eq(n->layers[0].input, -1);
    ck_assert_str_eq(n->layers[1].name, "p1");
    ck_assert_uint_eq(n->layers[1].kind, WL_MAXPOOL);
    ck_assert_uint_eq(n->layers[1].hout, 2); /* (4 - 2) / 2 + 1 */
    ck_assert_uint_eq(n->layers[1].cout, 2);
    ck_assert_str_eq(n->layers[2].name, "fc");
    ck_assert_uint_eq(n->layers[2].kind, WL_FC);
    ck_assert_uint_eq(n->layers[2].cin, 8); /* 2 * 2 * 2 flattened */
    ck_assert_uint_eq(n->layers[2].cout, 3);
    ck_assert_int_eq(n->layers[2].input, 1);
    ck_assert_double_eq(n->layers[0].p, 0);
    ck_assert_double_eq(n->layers[2].p, 0.5); /* the Dropout's ratio */
    ck_assert_str_eq(r->w->scheme, "mc_dropout");
    ck_assert_double_eq(r->w->ref_accuracy, 0.875);
    ck_assert_double_eq(r->w->in_thresh, 0.5);
    ck_assert_uint_eq(r->w->classes, 3);
    ck_assert_uint_eq(r->w->n_layers, 3);
    ck_assert_uint_eq(r->w->layers[0].act, WL_ACT_SIGN); /* hidden */
    ck_assert_uint_eq(r->w->layers[2].act, WL_ACT_NONE); /* the logits */
    ck_assert_uint_eq(r->w->layers[1].rows, 0);          /* pool: no weights */
    ck_assert_ptr_null(r->w->layers[1].w);
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_conv_weights_land_at_row_kpos_times_cin_plus_ci)
{
    loaded_t *r = load_ok(reference(0, 1));
    const wl_layer_w_t *l = &r->w->layers[0];
    ck_assert_uint_eq(l->rows, 8); /* 2 * 2 * 2 */
    ck_assert_uint_eq(l->cols, 2);
    ck_assert_uint_eq(l->row_words, 1);
    ck_assert_uint_eq(l->copies, 1);
    /* W[0][0][0][1] = -1: r = (0*2+1)*2+0 = 2 -> column 0 is 0xFF without bit 2 */
    ck_assert_uint_eq(l->w[0], 0xFBu);
    /* W[1][1][1][0] = -1: r = (1*2+0)*2+1 = 5 -> column 1 is 0xFF without bit 5 */
    ck_assert_uint_eq(l->w[1], 0xDFu);
    ck_assert_int_eq(wl_weight(l, 0, 2, 0), -1);
    ck_assert_int_eq(wl_weight(l, 0, 1, 0), 1); /* W[0][1][0][0]: r = 0*2+1 = 1 */
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_gemm_transb_rows_are_the_flattened_inputs)
{
    loaded_t *r = load_ok(reference(0, 1));
    const wl_layer_w_t *l = &r->w->layers[2];
    ck_assert_uint_eq(l->rows, 8);
    ck_assert_uint_eq(l->cols, 3);
    ck_assert_uint_eq(l->w[0], 0xFFu);
    ck_assert_uint_eq(l->w[1], 0xFFu);
    ck_assert_uint_eq(l->w[2], 0x7Fu); /* B[2][7] = -1: column 2, row 7 */
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_matmul_rows_are_the_first_dimension)
{
    loaded_t *r = load_ok(reference(1, 1));
    const wl_layer_w_t *l = &r->w->layers[2];
    ck_assert_uint_eq(l->w[0], 0xFFu);
    ck_assert_uint_eq(l->w[1], 0xDFu); /* B[5][1] = -1: column 1, row 5 */
    ck_assert_uint_eq(l->w[2], 0xFFu);
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_bn_folded_and_dropout_factor_in_bn_scale)
{
    loaded_t *r = load_ok(reference(0, 1));
    const wl_layer_w_t *c = &r->w->layers[0], *f = &r->w->layers[2];
    /* c1: s = 3 / sqrt(3.75 + 0.25) = 1.5; bias = 1 - 2 * 1.5 = -2, then the Binarize's
     * threshold 0.5 folded: -2.5 */
    ck_assert_double_eq(c->bn_scale[0], 1.5);
    ck_assert_double_eq(c->bn_bias[1], -2.5);
    /* fc: s = {1, 2, 4} / sqrt(0.75 + 0.25) = {1, 2, 4}; times 1 / (1 - 0.5) = {2, 4, 8};
     * bias = 0.5 - 1 * s (without the factor) = {-0.5, -1.5, -3.5} */
    ck_assert_double_eq(f->bn_scale[0], 2);
    ck_assert_double_eq(f->bn_scale[1], 4);
    ck_assert_double_eq(f->bn_scale[2], 8);
    ck_assert_double_eq(f->bn_bias[0], -0.5);
    ck_assert_double_eq(f->bn_bias[1], -1.5);
    ck_assert_double_eq(f->bn_bias[2], -3.5);
    ck_assert_uint_eq(f->stage, WL_STAGE_NONE);
    loaded_free(r);

    r = load_ok(reference(0, 0)); /* no Dropout: scale without the factor */
    ck_assert_double_eq(r->w->layers[2].bn_scale[2], 4);
    ck_assert_double_eq(r->net->layers[2].p, 0);
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_raw_data_little_endian_same_as_float_data)
{
    fx_t *f = reference(0, 1);
    Onnx__TensorProto *t = &f->inits[0]; /* c1_W */
    uint8_t raw[64];
    for (int i = 0; i < 16; i++) {
        /* +1.0f = 0x3F800000, -1.0f = 0xBF800000, little-endian */
        raw[4 * i] = 0, raw[4 * i + 1] = 0, raw[4 * i + 2] = 0x80;
        raw[4 * i + 3] = (i == 1 || i == 14) ? 0xBF : 0x3F;
    }
    t->n_float_data = 0;
    t->has_raw_data = 1;
    t->raw_data.len = sizeof raw;
    t->raw_data.data = raw;
    loaded_t *r = load_ok(f);
    ck_assert_uint_eq(r->w->layers[0].w[0], 0xFBu);
    ck_assert_uint_eq(r->w->layers[0].w[1], 0xDFu);
    loaded_free(r);
}
END_TEST

/* input [N, 1, 1, 1] -> Binarize -> Flatten -> fc: Gemm [2][1] -> stage; `stage` 0: Scale,
 * 1: Affine, 2: VI. */
static fx_t *staged(int stage)
{
    static const char *w_in[] = {"W", NULL};
    static const char *s_in[3][3] = {{"a", NULL}, {"a", "b", NULL}, {"a", "b", NULL}};
    static const char *const ops[] = {"ScaleDropout", "AffineDropout", "ScaleVI"};
    fx_t *f = fx_new(1, 1, 1);
    Onnx__NodeProto *n;
    fx_tensor(f, "W", 2, 2, 1, 0, 0, (const float[]){1, -1});
    fx_tensor(f, "a", 1, 2, 0, 0, 0, (const float[]){1.25f, 0.75f});
    fx_tensor(f, "b", 1, 2, 0, 0, 0, (const float[]){0.125f, -0.5f});
    fx_node(f, "Binarize", "s", "ai.neuspin", NULL);
    fx_node(f, "Flatten", "fl", "", NULL);
    n = fx_node(f, "Gemm", "fc", "", w_in);
    fx_i(f, n, "transB", 1);
    n = fx_node(f, ops[stage], "st", "ai.neuspin", s_in[stage]);
    if (stage == 2)
        fx_i(f, n, "sample_bits", 16);
    else
        fx_f(f, n, "ratio", 0.25f);
    return f;
}

START_TEST(test_onnx_stages_and_their_p)
{
    loaded_t *r = load_ok(staged(0));
    const wl_layer_w_t *l = &r->w->layers[0];
    ck_assert_uint_eq(l->stage, WL_STAGE_SCALE);
    ck_assert_double_eq(r->net->layers[0].p, 0.25); /* the stage's ratio */
    ck_assert_double_eq(l->alpha[0], 1.25);
    ck_assert_double_eq(l->alpha[1], 0.75);
    ck_assert_double_eq(l->bn_scale[0], 1); /* no BN, no Dropout factor */
    ck_assert_double_eq(l->bn_bias[0], 0);
    ck_assert_uint_eq(l->w[0], 1); /* B[0][0] = +1 */
    ck_assert_uint_eq(l->w[1], 0); /* B[1][0] = -1 */
    ck_assert_str_eq(r->net->name, "tiny");
    ck_assert_str_eq(r->w->scheme, ""); /* no metadata */
    ck_assert_double_eq(r->w->ref_accuracy, -1);
    ck_assert_uint_eq(r->net->T, 20);        /* default */
    ck_assert_double_eq(r->w->in_thresh, 0); /* Binarize without threshold */
    loaded_free(r);

    r = load_ok(staged(1));
    l = &r->w->layers[0];
    ck_assert_uint_eq(l->stage, WL_STAGE_AFFINE);
    ck_assert_double_eq(l->gamma[1], 0.75);
    ck_assert_double_eq(l->beta[0], 0.125);
    ck_assert_double_eq(l->beta[1], -0.5);
    ck_assert_ptr_null(l->alpha);
    loaded_free(r);

    r = load_ok(staged(2));
    l = &r->w->layers[0];
    ck_assert_uint_eq(l->stage, WL_STAGE_SCALE_VI);
    ck_assert_double_eq(r->net->layers[0].p, 0.5); /* fair bits */
    ck_assert_uint_eq(l->sample_bits, 16);
    ck_assert_double_eq(l->alpha[0], 1.25);    /* mu */
    ck_assert_double_eq(l->alpha_sd[1], -0.5); /* sigma, as given */
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_wl_load_dispatches_onnx_files)
{
    char dir[] = "/tmp/neuspin-onnx-XXXXXX", path[64];
    fx_t *f = reference(0, 1);
    size_t len;
    uint8_t *buf = fx_pack(f, &len);
    wl_net_t *net = NULL;
    arch_diag_list_t dl;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/m.onnx", dir);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
    fclose(fp);
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load(path, &net, &dl), ST_OK);
    ck_assert_uint_eq(net->n_layers, 3);
    ck_assert_str_eq(net->source, path);
    wl_net_destroy(net);
    /* a graph without a name is named after the file */
    f->g.name = NULL;
    free(buf);
    buf = fx_pack(f, &len);
    fp = fopen(path, "wb");
    ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
    fclose(fp);
    wl_weights_t *w = NULL;
    ck_assert_int_eq(wl_onnx_load(path, &net, &w, &dl), ST_OK);
    ck_assert_str_eq(net->name, "m");
    wl_net_destroy(net);
    wl_weights_destroy(w);
    unlink(path);
    rmdir(dir);
    free(buf);
    free(f);
}
END_TEST

/* ---- Errors: each refusal's exact first line ---- */
static void refused(fx_t *f, const char *want)
{
    loaded_t r;
    fx_load(f, &r);
    ck_assert_int_eq(r.rc, ST_ECONFIG);
    ck_assert_ptr_null(r.net); /* untouched */
    ck_assert_ptr_null(r.w);
    ck_assert_uint_eq(r.dl.n, 1);
    ck_assert_str_eq(r.msg, want);
    free(f);
}

START_TEST(test_onnx_refuses_a_weight_not_plus_minus_one)
{
    fx_t *f = reference(0, 1);
    f->vals[0][3] = 0.5f;
    refused(f, "t.onnx: error: node 'c1' (Conv): weight value 0.5 at index 3 is not +1 or -1");
}
END_TEST

START_TEST(test_onnx_refuses_a_conv_bias)
{
    fx_t *f = reference(0, 1);
    f->nodes[1].input[f->nodes[1].n_input++] = "c1_s";
    refused(f, "t.onnx: error: node 'c1' (Conv): bias input not supported; put it in the "
               "BatchNormalization");
}
END_TEST

START_TEST(test_onnx_refuses_an_unknown_operator)
{
    fx_t *f = reference(0, 1);
    f->nodes[4].op_type = "Relu";
    refused(f, "t.onnx: error: node 'p1' (Relu): operator not supported; expected one of: Conv, "
               "Gemm, MatMul, BatchNormalization, MaxPool, Flatten, Dropout, and in domain "
               "ai.neuspin Binarize, ScaleDropout, AffineDropout, ScaleVI");
}
END_TEST

START_TEST(test_onnx_refuses_dims_the_data_does_not_hold)
{
    fx_t *f = reference(0, 1);
    f->inits[0].n_float_data = 15;
    refused(f, "t.onnx: error: node 'c1' (Conv): weight 'c1_W': its dimensions need 16 values, "
               "its data holds 15");
    f = reference(0, 1);
    f->dims[0][0] = (int64_t)1 << 30; /* 2^30 * 2^30 * 2 * 2 overflows the bound 2^40 */
    f->dims[0][1] = (int64_t)1 << 30;
    refused(f, "t.onnx: error: node 'c1' (Conv): weight 'c1_W': more than 1099511627776 values");
    f = reference(0, 1);
    f->dims[0][2] = -2;
    refused(f, "t.onnx: error: node 'c1' (Conv): weight 'c1_W': dimension 2 is -2");
}
END_TEST

START_TEST(test_onnx_refuses_dropout_and_stage_on_one_layer)
{
    static const char *r_in[] = {"r", NULL};
    fx_t *f = staged(0);
    /* move the Gemm and the stage one place on, a Dropout before the Gemm */
    fx_tensor(f, "r", 0, 0, 0, 0, 0, (const float[]){0.5f});
    f->g.n_node = 2;
    f->na = 0;
    fx_node(f, "Dropout", "d", "", r_in);
    static const char *w_in[] = {"W", NULL}, *s_in[] = {"a", NULL};
    Onnx__NodeProto *n = fx_node(f, "Gemm", "fc", "", w_in);
    fx_i(f, n, "transB", 1);
    n = fx_node(f, "ScaleDropout", "st", "ai.neuspin", s_in);
    fx_f(f, n, "ratio", 0.25f);
    refused(f, "t.onnx: error: node 'st' (ScaleDropout): layer 'fc' has a Dropout already; a "
               "layer takes a Dropout or a stage, not both");
}
END_TEST

START_TEST(test_onnx_refuses_broken_chains_and_endings)
{
    fx_t *f = reference(0, 1);
    f->nodes[2].input[0] = "in_sign_out"; /* c1_bn reads the input binarisation */
    refused(f, "t.onnx: error: node 'c1_bn' (BatchNormalization): does not read the output of "
               "the node before it ('c1')");
    f = reference(0, 1);
    /* attributes in order: in_sign 0, c1 1-3, c1_bn 4, c1_sign 5, p1 6-7, flatten 8 */
    f->attrs[8].i = 2;
    refused(f, "t.onnx: error: node 'flatten' (Flatten): attribute 'axis': only 1 supported, got "
               "2");
    f = reference(0, 1);
    Onnx__NodeProto *n = fx_node(f, "Binarize", "out_sign", "ai.neuspin", NULL);
    (void)n;
    refused(f, "t.onnx: error: node 'out_sign' (Binarize): the graph must end with the last "
               "crossbar layer's logits (its batch norm, no Binarize)");
    f = reference(0, 1);
    f->nodes[0].op_type = "Flatten";
    f->nodes[0].domain = "";
    f->attrs[0].name = "axis";
    f->attrs[0].type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    f->attrs[0].has_i = 1;
    f->attrs[0].i = 1;
    refused(f, "t.onnx: error: node 'in_sign' (Flatten): the first node must binarise the input "
               "(ai.neuspin Binarize)");
    f = reference(0, 1);
    f->nodes[3].op_type = "Dropout"; /* c1_sign: a Dropout on a real-valued sum */
    f->nodes[3].domain = "";
    f->nodes[3].n_attribute = 0;
    refused(f, "t.onnx: error: node 'c1_sign' (Dropout): layer 'c1' is not binarised; expected a "
               "Binarize before this node");
}
END_TEST

START_TEST(test_onnx_refuses_bad_metadata_and_opsets)
{
    fx_t *f = reference(0, 1);
    f->meta[0].value = "spin\ndrop";
    refused(f, "t.onnx: error: metadata 'neuspin.scheme': expected one of none, mc_dropout, "
               "spindrop, spatial_spindrop, scaledrop, affine_dropout, subset_vi, got 'spin?drop'");
    f = reference(0, 1);
    f->meta[1].value = "0";
    refused(f, "t.onnx: error: metadata 'neuspin.mc_samples': expected an integer between 1 and "
               "100000, got '0'");
    f = reference(0, 1);
    f->meta[2].value = "1.5";
    refused(f, "t.onnx: error: metadata 'neuspin.accuracy': expected a fraction between 0 and 1, "
               "got '1.5'");
    f = reference(0, 1);
    f->ops[0].version = 11;
    refused(f, "t.onnx: error: opset 11 of the default domain not supported; expected 13 or later");
    f = reference(0, 1);
    f->m.n_opset_import = 1;
    refused(f, "t.onnx: error: expected an opset import of domain ai.neuspin version 1");
}
END_TEST

START_TEST(test_onnx_refuses_more_than_4096_nodes)
{
    fx_t *f = fx_new(1, 1, 1);
    Onnx__NodeProto *n = fx_node(f, "Binarize", "s", "ai.neuspin", NULL);
    (void)n;
    for (int i = 0; i < 4096; i++)
        fx_node(f, "Flatten", fx_str(f, "f%d", i), "", NULL);
    refused(f, "t.onnx: error: 4097 graph nodes; at most 4096 supported");
}
END_TEST

START_TEST(test_onnx_refuses_malformed_deep_and_large_input)
{
    /* field 7 (graph), wire type 2, length 5, but only 2 bytes follow */
    static const uint8_t cut[] = {0x3a, 0x05, 0x0a, 0x00};
    uint8_t deep[200];
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    arch_diag_list_t dl;
    char msg[512];
    size_t n = 0;

    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", cut, sizeof cut, &net, &w, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "t.onnx: error: not an ONNX model (malformed protobuf, or nested deeper "
                          "than 32)");
    /* 40 levels of GraphProto.node (field 1) -> NodeProto.attribute (5) -> AttributeProto.g
     * (6) -> GraphProto.node ..., built inside out (level 39 the outermost): each level
     * wraps the rest in tag + one-byte length */
    for (int lvl = 0; lvl < 40; lvl++) {
        static const uint8_t tags[] = {0x0a, 0x2a, 0x32}; /* (1<<3|2), (5<<3|2), (6<<3|2) */
        uint8_t t = tags[(39 - lvl) % 3];
        ck_assert_uint_lt(n, 120);
        memmove(deep + 2, deep, n);
        deep[0] = t;
        deep[1] = (uint8_t)n;
        n += 2;
    }
    memmove(deep + 2, deep, n); /* ModelProto.graph (7) */
    deep[0] = 0x3a;
    deep[1] = (uint8_t)n;
    n += 2;
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", deep, n, &net, &w, &dl), ST_ECONFIG);
    ck_assert_ptr_null(net);
    arch_diag_format(&dl.d[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "t.onnx: error: not an ONNX model (malformed protobuf, or nested deeper "
                          "than 32)");
    /* the same 40 levels less 10 (31 with the graph) nest within the bound: unpacked, then
     * refused for what they are */
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", deep + 2 + 2 * 10 - 2, n - 20, &net, &w, &dl),
                     ST_ECONFIG);
    /* an empty buffer is a model without a graph */
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", NULL, 0, &net, &w, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "t.onnx: error: ONNX IR version 0 not supported; expected 7 or later");

    /* 4 Mi empty metadata entries (field 14, 2 bytes each: 8 MiB) would unpack to about
     * 4 Mi x (48 + sizeof entry) bytes, above the 256 MiB bound */
    size_t nb = (size_t)4 << 20;
    uint8_t *many = malloc(2 * nb);
    ck_assert_ptr_nonnull(many);
    for (size_t i = 0; i < nb; i++)
        many[2 * i] = 0x72, many[2 * i + 1] = 0x00; /* (14<<3|2), length 0 */
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", many, 2 * nb, &net, &w, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "t.onnx: error: unpacking this model would take more than 256 MiB");
    /* a tenth of them unpacks (and is refused for having no graph) */
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load_mem("t.onnx", many, 2 * (nb / 10), &net, &w, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "t.onnx: error: ONNX IR version 0 not supported; expected 7 or later");
    free(many);

    /* a sparse file of 64 MiB + 1 byte is refused before it is read */
    char path[] = "/tmp/neuspin-onnx-big-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)WL_ONNX_FILE_MAX + 1), 0);
    close(fd);
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load(path, &net, &w, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].msg, "67108865 bytes; an ONNX model may have at most 67108864");
    unlink(path);
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_onnx_load("/nonexistent/x.onnx", &net, &w, &dl), ST_EIO);
    ck_assert_ptr_null(net);
    ck_assert_ptr_null(w);
}
END_TEST

START_TEST(test_onnx_allocation_failure_is_enomem_and_leaks_nothing)
{
    fx_t *f = reference(0, 1);
    size_t len;
    uint8_t *buf = fx_pack(f, &len);
    int rc = ST_ENOMEM;
    unsigned long k;
    for (k = 1; rc != ST_OK && k < 10000; k++) {
        wl_net_t *net = NULL;
        wl_weights_t *w = NULL;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        st_fail_alloc_at = k;
        rc = wl_onnx_load_mem("t.onnx", buf, len, &net, &w, &dl);
        st_fail_alloc_at = 0;
        if (rc != ST_OK) {
            ck_assert_int_eq(rc, ST_ENOMEM);
            ck_assert_ptr_null(net);
            ck_assert_ptr_null(w);
        } else {
            ck_assert_uint_eq(net->n_layers, 3);
            wl_net_destroy(net);
            wl_weights_destroy(w);
        }
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_gt(k, 10); /* the unpacked model and the arrays: many allocations */
    free(buf);
    free(f);
}
END_TEST

/* ---- The committed trained models ---- */
START_TEST(test_onnx_trained_models_load_with_their_shapes)
{
    const char *dir = NS_SOURCE_DIR "/workloads/trained";
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return; /* none committed yet */
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char path[512];
        wl_net_t *net = NULL;
        wl_weights_t *w = NULL;
        arch_diag_list_t dl;
        uint32_t mvm = 0;
        if (n < 6 || strcmp(e->d_name + n - 5, ".onnx") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        arch_diag_init(&dl);
        int rc = wl_onnx_load(path, &net, &w, &dl);
        if (rc != ST_OK)
            arch_diag_print(stderr, &dl);
        ck_assert_int_eq(rc, ST_OK);
        for (uint32_t i = 0; i < net->n_layers; i++) {
            const wl_layer_t *l = &net->layers[i];
            const wl_layer_w_t *lw = &w->layers[i];
            if (!wl_layer_is_mvm(l))
                continue;
            mvm++;
            ck_assert_uint_eq(lw->rows, l->kind == WL_CONV ? l->k * l->k * l->cin : l->cin);
            ck_assert_uint_eq(lw->cols, l->cout);
        }
        ck_assert_uint_eq(net->in_c, 1); /* Fashion-MNIST: 1 x 28 x 28, 10 classes */
        ck_assert_uint_eq(net->in_h, 28);
        ck_assert_uint_eq(w->classes, 10);
        if (strncmp(e->d_name, "lenet5", 6) == 0)
            ck_assert_uint_eq(mvm, 5); /* conv1, conv2, fc1, fc2, fc3 */
        ck_assert_str_ne(w->scheme, "");
        wl_net_destroy(net);
        wl_weights_destroy(w);
    }
    closedir(d);
}
END_TEST

/* ---- The fixtures of tests/workloads/onnx (make_fixtures.py; hand values in its
 * README.md, written by another hand than this loader) ---- */
static loaded_t *load_fixture(const char *name)
{
    static loaded_t r;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/workloads/onnx/%s", NS_SOURCE_DIR, name);
    memset(&r, 0, sizeof r);
    arch_diag_init(&r.dl);
    r.rc = wl_onnx_load(path, &r.net, &r.w, &r.dl);
    if (r.dl.n)
        snprintf(r.msg, sizeof r.msg, "%s", r.dl.d[0].msg);
    return &r;
}

START_TEST(test_onnx_fixture_conv_fc_as_its_readme_works_out)
{
    loaded_t *r = load_fixture("conv_fc.onnx");
    ck_assert_msg(r->rc == ST_OK, "%s", r->msg);
    const wl_layer_w_t *c = &r->w->layers[0], *f = &r->w->layers[1];
    ck_assert_uint_eq(r->net->n_layers, 2); /* conv1, fc1 */
    ck_assert_str_eq(r->net->layers[0].name, "conv1");
    ck_assert_uint_eq(r->net->layers[0].hout, 2); /* 3 - 2 + 1 */
    ck_assert_uint_eq(r->net->layers[1].cin, 4);  /* 1 x 2 x 2 flattened */
    /* conv1 rows 0..3 = (+1, -1, -1, +1): bits 0 and 3 */
    ck_assert_uint_eq(c->rows, 4);
    ck_assert_uint_eq(c->w[0], 0x9u);
    ck_assert_double_eq(c->bn_scale[0], 1);   /* 2 / sqrt(3 + 1) */
    ck_assert_double_eq(c->bn_bias[0], -1.5); /* -1 - 0.5 * 1 */
    /* fc1 W = [[+1, +1, +1, +1], [+1, -1, -1, +1]] */
    ck_assert_uint_eq(f->w[0], 0xFu);
    ck_assert_uint_eq(f->w[1], 0x9u);
    ck_assert_double_eq(f->bn_scale[1], 0.5);
    ck_assert_double_eq(f->bn_bias[0], 0.5);
    ck_assert_double_eq(f->bn_bias[1], -1);
    ck_assert_uint_eq(f->act, WL_ACT_NONE);
    ck_assert_uint_eq(c->act, WL_ACT_SIGN);
    ck_assert_double_eq(r->w->in_thresh, 0.5);
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_fixture_fc_dropout_fold_as_its_readme_works_out)
{
    loaded_t *r = load_fixture("fc.onnx");
    ck_assert_msg(r->rc == ST_OK, "%s", r->msg);
    const wl_layer_w_t *f2 = &r->w->layers[1];
    ck_assert_double_eq(r->net->layers[1].p, 0.25);
    /* (0.75, 1.5) x 1 / (1 - 0.25) = (1, 2), to rounding */
    ck_assert_double_eq_tol(f2->bn_scale[0], 1, 1e-12);
    ck_assert_double_eq_tol(f2->bn_scale[1], 2, 1e-12);
    ck_assert_double_eq(f2->bn_bias[1], 0.5);
    /* fc1 W row 2 = [-1, -1, 1, 1]: bits 2, 3 */
    ck_assert_uint_eq(r->w->layers[0].w[2], 0xCu);
    ck_assert_double_eq(r->w->layers[0].bn_bias[2], 3);
    ck_assert_str_eq(r->w->scheme, "mc_dropout");
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_fixture_stages_as_their_readme_gives)
{
    loaded_t *r = load_fixture("stage_scale.onnx");
    ck_assert_msg(r->rc == ST_OK, "%s", r->msg);
    ck_assert_uint_eq(r->w->layers[0].stage, WL_STAGE_SCALE);
    ck_assert_double_eq(r->w->layers[0].alpha[0], 2);
    ck_assert_double_eq_tol(r->net->layers[0].p, 0.2, 1e-7); /* a float attribute */
    loaded_free(r);
    r = load_fixture("stage_affine.onnx");
    ck_assert_msg(r->rc == ST_OK, "%s", r->msg);
    ck_assert_uint_eq(r->w->layers[0].stage, WL_STAGE_AFFINE);
    ck_assert_double_eq(r->w->layers[0].gamma[1], 0.5);
    ck_assert_double_eq(r->w->layers[0].beta[1], -1);
    loaded_free(r);
    r = load_fixture("stage_vi.onnx");
    ck_assert_msg(r->rc == ST_OK, "%s", r->msg);
    ck_assert_uint_eq(r->w->layers[0].stage, WL_STAGE_SCALE_VI);
    ck_assert_uint_eq(r->w->layers[0].sample_bits, 16);
    ck_assert_double_eq(r->w->layers[0].alpha_sd[0], 0.5);
    ck_assert_double_eq(r->net->layers[0].p, 0.5);
    /* W row 1 = [-1, -1, 1, -1]: bit 2 */
    ck_assert_uint_eq(r->w->layers[0].w[1], 0x4u);
    loaded_free(r);
}
END_TEST

START_TEST(test_onnx_fixture_bad_files_name_their_node)
{
    static const char *const cases[][2] = {
        {"bad_conv_bias.onnx",
         "node 'conv1' (Conv): bias input not supported; put it in the BatchNormalization"},
        {"bad_weight.onnx", "node 'conv1' (Conv): weight value 0.5 at index 2 is not +1 or -1"},
        {"bad_unknown_op.onnx", "node 'fc1_relu' (Relu): operator not supported;"},
        {"bad_maxpool_pads.onnx",
         "node 'pool1' (MaxPool): attribute 'pads': padding not supported on a pooling layer"},
        {"bad_chain.onnx", "node 'fc2' (Gemm): does not read the output of the node before it"},
        {"bad_truncated.onnx", "not an ONNX model (malformed protobuf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded_t *r = load_fixture(cases[i][0]);
        ck_assert_int_eq(r->rc, ST_ECONFIG);
        ck_assert_ptr_null(r->net);
        ck_assert_msg(strncmp(r->msg, cases[i][1], strlen(cases[i][1])) == 0, "%s: got '%s'",
                      cases[i][0], r->msg);
    }
}
END_TEST

Suite *wl_onnx_suite(void)
{
    Suite *s = suite_create("wl_onnx");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_onnx_shapes_names_and_metadata_from_the_graph);
    tcase_add_test(core, test_onnx_conv_weights_land_at_row_kpos_times_cin_plus_ci);
    tcase_add_test(core, test_onnx_gemm_transb_rows_are_the_flattened_inputs);
    tcase_add_test(core, test_onnx_matmul_rows_are_the_first_dimension);
    tcase_add_test(core, test_onnx_bn_folded_and_dropout_factor_in_bn_scale);
    tcase_add_test(core, test_onnx_raw_data_little_endian_same_as_float_data);
    tcase_add_test(core, test_onnx_stages_and_their_p);
    tcase_add_test(core, test_onnx_wl_load_dispatches_onnx_files);
    tcase_add_test(core, test_onnx_trained_models_load_with_their_shapes);
    tcase_add_test(core, test_onnx_fixture_conv_fc_as_its_readme_works_out);
    tcase_add_test(core, test_onnx_fixture_fc_dropout_fold_as_its_readme_works_out);
    tcase_add_test(core, test_onnx_fixture_stages_as_their_readme_gives);
    suite_add_tcase(s, core);
    TCase *errs = tcase_create("Errors");
    tcase_add_test(errs, test_onnx_refuses_a_weight_not_plus_minus_one);
    tcase_add_test(errs, test_onnx_refuses_a_conv_bias);
    tcase_add_test(errs, test_onnx_refuses_an_unknown_operator);
    tcase_add_test(errs, test_onnx_refuses_dims_the_data_does_not_hold);
    tcase_add_test(errs, test_onnx_refuses_dropout_and_stage_on_one_layer);
    tcase_add_test(errs, test_onnx_refuses_broken_chains_and_endings);
    tcase_add_test(errs, test_onnx_refuses_bad_metadata_and_opsets);
    tcase_add_test(errs, test_onnx_refuses_more_than_4096_nodes);
    tcase_add_test(errs, test_onnx_refuses_malformed_deep_and_large_input);
    tcase_add_test(errs, test_onnx_allocation_failure_is_enomem_and_leaks_nothing);
    tcase_add_test(errs, test_onnx_fixture_bad_files_name_their_node);
    suite_add_tcase(s, errs);
    return s;
}
