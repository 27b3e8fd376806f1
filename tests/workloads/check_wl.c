/* check_wl.c - suite "wl": workload files -> wl_net_t (workloads/wl.h): the built-ins'
 * shapes and weight counts, defaults, references, and every diagnostic of
 * tests/configs/bad-workloads/ against its .expect file. */
#define _POSIX_C_SOURCE 200809L /* opendir/readdir */

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "base/status.h"
#include "wl.h"
#include "wl_map.h"
#include "check_workloads.h"

#define BAD_DIR "tests/configs/bad-workloads"

/* ---- Helpers ---- */

static wl_net_t *load_text(const char *text)
{
    arch_diag_list_t dl;
    wl_net_t *net = NULL;
    arch_diag_init(&dl);
    int rc = wl_load_string("t.yaml", text, strlen(text), &net, &dl);
    if (rc != ST_OK)
        arch_diag_print(stderr, &dl);
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_eq(dl.n, 0);
    return net;
}

/* Loads text that must fail; returns the status and the first diagnostic line in buf. */
static int load_bad(const char *text, char *buf, size_t n, arch_diag_list_t *dl)
{
    wl_net_t *net = (wl_net_t *)(uintptr_t)0x1;
    arch_diag_init(dl);
    int rc = wl_load_string("t.yaml", text, strlen(text), &net, dl);
    ck_assert_ptr_eq(net, (wl_net_t *)(uintptr_t)0x1); /* *out untouched */
    ck_assert_uint_gt(dl->n, 0);
    arch_diag_format(&dl->d[0], buf, n);
    return rc;
}

static void assert_shape(const wl_layer_t *l, uint32_t cin, uint32_t hin, uint32_t cout,
                         uint32_t hout)
{
    ck_assert_msg(l->cin == cin && l->hin == hin && l->win == hin && l->cout == cout &&
                      l->hout == hout && l->wout == hout,
                  "%s: %ux%ux%u -> %ux%ux%u, expected %ux%ux%u -> %ux%ux%u", l->name, l->cin,
                  l->hin, l->win, l->cout, l->hout, l->wout, cin, hin, hin, cout, hout, hout);
}

/* Binary weights of a net: k*k*Cin*Cout per conv, Cin*Cout per fc (Cin flattened). */
static uint64_t weight_bits(const wl_net_t *net)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        if (l->kind == WL_CONV)
            sum += (uint64_t)l->k * l->k * l->cin * l->cout;
        else if (l->kind == WL_FC)
            sum += (uint64_t)l->cin * l->hin * l->win * l->cout;
    }
    return sum;
}

static int32_t index_of(const wl_net_t *net, const char *name)
{
    for (uint32_t i = 0; i < net->n_layers; i++)
        if (strcmp(net->layers[i].name, name) == 0)
            return (int32_t)i;
    return -2;
}

/* ---- Core: built-ins ---- */

/* LeNet-5/MNIST: 1x28x28 -conv1 5x5 pad 2-> 6x28x28 -pool 2/2-> 6x14x14 -conv2 5x5->
 * 16x10x10 -pool-> 16x5x5 -fc1-> 120 (400 inputs) -fc2-> 84 -fc3-> 10. */
START_TEST(test_lenet5_shapes)
{
    wl_net_t *net = load_builtin("lenet5-mnist");
    ck_assert_str_eq(net->name, "lenet5-mnist");
    ck_assert_str_eq(net->source, "<builtin:lenet5-mnist>");
    ck_assert_uint_eq(net->in_c, 1);
    ck_assert_uint_eq(net->in_h, 28);
    ck_assert_uint_eq(net->in_w, 28);
    ck_assert_uint_eq(net->T, 20);
    ck_assert_uint_eq(net->n_layers, 7);
    assert_shape(&net->layers[0], 1, 28, 6, 28);
    assert_shape(&net->layers[1], 6, 28, 6, 14);
    assert_shape(&net->layers[2], 6, 14, 16, 10);
    assert_shape(&net->layers[3], 16, 10, 16, 5);
    assert_shape(&net->layers[4], 400, 1, 120, 1); /* fc flattens 16*5*5 = 400 */
    assert_shape(&net->layers[5], 120, 1, 84, 1);  /* fc after fc: 120 */
    assert_shape(&net->layers[6], 84, 1, 10, 1);
    ck_assert_uint_eq(net->layers[0].kind, WL_CONV);
    ck_assert_uint_eq(net->layers[1].kind, WL_MAXPOOL);
    ck_assert_uint_eq(net->layers[4].kind, WL_FC);
    ck_assert_uint_eq(net->layers[0].pad, 2);
    ck_assert_uint_eq(net->layers[1].stride, 2);
    ck_assert_uint_eq(net->layers[0].input, -1);
    ck_assert_int_eq(net->layers[5].input, 4);
    /* Dropout 0.2 on every conv/fc, the first conv included; none on the pools. */
    ck_assert_double_eq(net->layers[0].p, 0.2);
    ck_assert_double_eq(net->layers[1].p, 0.0);
    ck_assert_double_eq(net->layers[2].p, 0.2);
    ck_assert_double_eq(net->layers[6].p, 0.2);
    ck_assert_uint_eq(wl_layer_in_elems(&net->layers[4]), 400);
    ck_assert_uint_eq(wl_layer_out_elems(&net->layers[0]), 4704); /* 6*28*28 */
    wl_net_destroy(net);
}
END_TEST

/* Weight bits of each built-in, counted by hand:
 *  LeNet-5: 5*5*1*6 + 5*5*6*16 + 400*120 + 120*84 + 84*10
 *         = 150 + 2400 + 48000 + 10080 + 840 = 61470.
 *  VGG-small: 9*3*128 + 9*128*128 + 9*128*256 + 9*256*256 + 9*256*512 + 9*512*512
 *           = 3456 + 147456 + 294912 + 589824 + 1179648 + 2359296 = 4574592 (conv);
 *           fc 8192*1024 + 1024*1024 + 1024*10 = 8388608 + 1048576 + 10240 = 9447424;
 *           total 14022016.
 *  ResNet-18: stem 27*64 = 1728; stage 1: 4 * 576*64 = 147456;
 *           stage 2: 576*128 + 3 * 1152*128 + 64*128 = 73728 + 442368 + 8192 = 524288;
 *           stage 3: 1152*256 + 3 * 2304*256 + 128*256 = 294912 + 1769472 + 32768 = 2097152;
 *           stage 4: 2304*512 + 3 * 4608*512 + 256*512 = 1179648 + 7077888 + 131072
 *                  = 8388608; fc 512*10 = 5120; total 11164352. */
START_TEST(test_builtin_weight_bits)
{
    static const struct {
        const char *name;
        uint64_t bits;
    } want[] = {
        {"lenet5-mnist", 61470},
        {"vgg-small-cifar10", 14022016},
        {"resnet18-cifar10", 11164352},
    };
    for (unsigned i = 0; i < 3; i++) {
        wl_net_t *net = load_builtin(want[i].name);
        ck_assert_msg(weight_bits(net) == want[i].bits, "%s: %llu weight bits", want[i].name,
                      (unsigned long long)weight_bits(net));
        wl_net_destroy(net);
    }
}
END_TEST

/* VGG-small: 32 -> 32 -> 32 -MP-> 16 -> 16 -> 16 -MP-> 8 -> 8 -> 8 -MP-> 4; fc1 reads
 * 512*4*4 = 8192. */
START_TEST(test_vgg_small_shapes)
{
    wl_net_t *net = load_builtin("vgg-small-cifar10");
    ck_assert_uint_eq(net->n_layers, 12);
    assert_shape(&net->layers[0], 3, 32, 128, 32);
    assert_shape(&net->layers[1], 128, 32, 128, 32);
    assert_shape(&net->layers[2], 128, 32, 128, 16);
    assert_shape(&net->layers[4], 256, 16, 256, 16);
    assert_shape(&net->layers[7], 512, 8, 512, 8);
    assert_shape(&net->layers[8], 512, 8, 512, 4);
    assert_shape(&net->layers[9], 8192, 1, 1024, 1);
    assert_shape(&net->layers[11], 1024, 1, 10, 1);
    wl_net_destroy(net);
}
END_TEST

/* ResNet-18/CIFAR-10: 30 layers = 20 conv (1 stem + 16 block + 3 downsample), 8 add,
 * 1 avgpool, 1 fc; stages at 32, 16, 8, 4; downsample convs read the block input; every
 * add sums two tensors of the same shape. */
START_TEST(test_resnet18_structure)
{
    wl_net_t *net = load_builtin("resnet18-cifar10");
    uint32_t count[5] = {0};
    ck_assert_uint_eq(net->n_layers, 30);
    for (uint32_t i = 0; i < net->n_layers; i++)
        count[net->layers[i].kind]++;
    ck_assert_uint_eq(count[WL_CONV], 20);
    ck_assert_uint_eq(count[WL_FC], 1);
    ck_assert_uint_eq(count[WL_ADD], 8);
    ck_assert_uint_eq(count[WL_AVGPOOL], 1);
    ck_assert_uint_eq(count[WL_MAXPOOL], 0);

    assert_shape(&net->layers[0], 3, 32, 64, 32);
    const wl_layer_t *l = &net->layers[index_of(net, "s2b1_conva")];
    assert_shape(l, 64, 32, 128, 16);
    ck_assert_uint_eq(l->stride, 2);
    l = &net->layers[index_of(net, "s2b1_down")];
    assert_shape(l, 64, 32, 128, 16);
    ck_assert_uint_eq(l->k, 1);
    ck_assert_int_eq(l->input, index_of(net, "s1b2_add"));
    l = &net->layers[index_of(net, "s2b1_add")];
    ck_assert_int_eq(l->input, index_of(net, "s2b1_down"));
    ck_assert_int_eq(l->from, index_of(net, "s2b1_convb"));
    assert_shape(l, 128, 16, 128, 16);
    l = &net->layers[index_of(net, "s1b1_add")];
    ck_assert_int_eq(l->from, 0);
    assert_shape(&net->layers[index_of(net, "s4b2_add")], 512, 4, 512, 4);
    assert_shape(&net->layers[28], 512, 4, 512, 1); /* avgpool 4x4 */
    assert_shape(&net->layers[29], 512, 1, 10, 1);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *a = &net->layers[i];
        if (a->kind != WL_ADD)
            continue;
        const wl_layer_t *f = &net->layers[a->from];
        ck_assert_uint_eq(f->cout * f->hout * f->wout, wl_layer_in_elems(a));
    }
    /* Dropout on every conv/fc, the stem included; none on adds and the pool. */
    for (uint32_t i = 0; i < net->n_layers; i++)
        ck_assert_double_eq(net->layers[i].p, wl_layer_is_mvm(&net->layers[i]) ? 0.2 : 0.0);
    wl_net_destroy(net);
}
END_TEST

/* The peers' benchmark networks: weights summed by hand from the layer shapes.
 * VGG-8: 3*3*(3*128 + 128*128 + 128*256 + 256*256 + 256*512 + 512*512) = 4574592 conv
 * + 8192*1024 + 1024*10 = 8398848 fc -> 12973440.
 * ResNet-18/ImageNet: stem 7*7*3*64 = 9408; stage 1 4 x 36864; stage 2 73728 +
 * 3 x 147456 + 8192; stage 3 294912 + 3 x 589824 + 32768; stage 4 1179648 + 3 x 2359296
 * + 131072; fc 512 * 1000 -> 11678912.  Output 1000 classes from a 7x7 average pool. */
START_TEST(test_peer_benchmark_networks)
{
    static const struct {
        const char *name;
        uint64_t weights;
        uint32_t layers;
    } want[] = {{"vgg8-cifar10", 12973440, 11}, {"resnet18-imagenet", 11678912, 31}};
    for (size_t k = 0; k < 2; k++) {
        wl_net_t *net = load_builtin(want[k].name);
        uint64_t w = 0;
        for (uint32_t i = 0; i < net->n_layers; i++) {
            const wl_layer_t *l = &net->layers[i];
            if (wl_layer_is_mvm(l))
                w += (uint64_t)l->k * l->k * l->cin * l->cout;
        }
        ck_assert_uint_eq(w, want[k].weights);
        ck_assert_uint_eq(net->n_layers, want[k].layers);
        const wl_layer_t *last = &net->layers[net->n_layers - 1];
        ck_assert_uint_eq(last->cout, k == 0 ? 10 : 1000);
        if (k == 1) {
            ck_assert_uint_eq(net->layers[0].hout, 112); /* (224 + 6 - 7) / 2 + 1 */
            ck_assert_uint_eq(net->layers[1].hout, 56);  /* (112 + 2 - 3) / 2 + 1 */
            ck_assert_uint_eq(
                net->layers[net->n_layers - 2].cin * net->layers[net->n_layers - 2].hin, 512 * 7);
        }
        wl_net_destroy(net);
    }
}
END_TEST

START_TEST(test_builtin_list_and_default)
{
    ck_assert_uint_eq(wl_builtin_count(), 5);
    ck_assert_str_eq(wl_builtin_name(0), "lenet5-mnist");
    ck_assert_str_eq(wl_builtin_name(1), "vgg-small-cifar10");
    ck_assert_str_eq(wl_builtin_name(2), "resnet18-cifar10");
    ck_assert_str_eq(wl_builtin_name(3), "vgg8-cifar10");
    ck_assert_str_eq(wl_builtin_name(4), "resnet18-imagenet");
    ck_assert_ptr_null(wl_builtin_name(5));
    ck_assert_ptr_null(wl_builtin_text(5));
    ck_assert_str_eq(wl_builtin_default(), "lenet5-mnist");
    for (size_t i = 0; i < wl_builtin_count(); i++) {
        /* Each file opens with its comment block and holds a version-1 document. */
        ck_assert_int_eq(wl_builtin_text(i)[0], '#');
        ck_assert_ptr_nonnull(strstr(wl_builtin_text(i), "\nversion: 1\n"));
    }
}
END_TEST

/* The files under workloads/builtin/ are the built-ins: loading one by path gives the same
 * layers as loading the embedded copy. */
START_TEST(test_builtin_file_matches_embedded_copy)
{
    for (size_t i = 0; i < wl_builtin_count(); i++) {
        char path[512];
        arch_diag_list_t dl;
        wl_net_t *a = load_builtin(wl_builtin_name(i)), *b = NULL;
        snprintf(path, sizeof path, "%s/workloads/builtin/%s.yaml", NS_SOURCE_DIR,
                 wl_builtin_name(i));
        arch_diag_init(&dl);
        ck_assert_int_eq(wl_load(path, &b, &dl), ST_OK);
        ck_assert_str_eq(b->source, path);
        ck_assert_uint_eq(a->n_layers, b->n_layers);
        ck_assert_mem_eq(a->layers, b->layers, a->n_layers * sizeof *a->layers);
        wl_net_destroy(a);
        wl_net_destroy(b);
    }
}
END_TEST

/* ---- Core: the format ---- */

/* Defaults: stride 1, pad 0, dropout 0, mapping 0, mc_samples 20, and the name of a
 * nameless network is its file name.  3x9x9 -conv k3-> 4x7x7 -avgpool k2 stride 1->
 * 4x6x6. */
START_TEST(test_defaults_apply)
{
    wl_net_t *net = load_text("version: 1\n"
                              "input: {c: 3, h: 9, w: 9}\n"
                              "layers:\n"
                              "  - {name: c, type: conv, cout: 4, k: 3}\n"
                              "  - {name: p, type: avgpool, k: 2}\n");
    ck_assert_str_eq(net->name, "t");
    ck_assert_str_eq(net->source, "t.yaml");
    ck_assert_uint_eq(net->T, 20);
    ck_assert_uint_eq(net->layers[0].stride, 1);
    ck_assert_uint_eq(net->layers[0].pad, 0);
    ck_assert_double_eq(net->layers[0].p, 0.0);
    ck_assert_uint_eq(net->layers[0].mapping, 0);
    ck_assert_int_eq(net->layers[0].from, -1);
    assert_shape(&net->layers[0], 3, 9, 4, 7);
    assert_shape(&net->layers[1], 4, 7, 4, 6);
    ck_assert_uint_eq(net->layers[0].line, 4);
    ck_assert_uint_eq(net->layers[0].col, 5);
    wl_net_destroy(net);
}
END_TEST

/* Block-style layers, mc_samples, mapping, `input:` naming a layer other than the previous
 * one, and an add.  2x8x8 -a 3x3 pad 1-> 4x8x8 -b 3x3 pad 1-> 4x8x8; c reads a (1x1,
 * 4 -> 4); d = c + b. */
START_TEST(test_input_from_and_block_style)
{
    wl_net_t *net = load_text("version: 1\n"
                              "name: net\n"
                              "input: {c: 2, h: 8, w: 8}\n"
                              "mc_samples: 7\n"
                              "layers:\n"
                              "  - name: a\n"
                              "    type: conv\n"
                              "    cout: 4\n"
                              "    k: 3\n"
                              "    pad: 1\n"
                              "    mapping: 2\n"
                              "    dropout: 0.5\n"
                              "  - {name: b, type: conv, cout: 4, k: 3, pad: 1}\n"
                              "  - {name: c, type: conv, input: a, cout: 4, k: 1}\n"
                              "  - {name: d, type: add, from: b}\n"
                              "  - {name: e, type: fc, cout: 3}\n");
    ck_assert_str_eq(net->name, "net");
    ck_assert_uint_eq(net->T, 7);
    ck_assert_uint_eq(net->layers[0].mapping, 2);
    ck_assert_double_eq(net->layers[0].p, 0.5);
    ck_assert_uint_eq(net->layers[0].line, 6);
    ck_assert_uint_eq(net->layers[0].col, 5);
    ck_assert_int_eq(net->layers[2].input, 0);
    assert_shape(&net->layers[2], 4, 8, 4, 8);
    ck_assert_int_eq(net->layers[3].input, 2);
    ck_assert_int_eq(net->layers[3].from, 1);
    assert_shape(&net->layers[3], 4, 8, 4, 8);
    assert_shape(&net->layers[4], 256, 1, 3, 1); /* 4*8*8 */
    wl_net_destroy(net);
}
END_TEST

/* Output size floor((h + 2*pad - k) / stride) + 1: 7x7, k 3, stride 2, pad 0 -> 3;
 * a kernel exactly as large as the padded input gives 1x1. */
START_TEST(test_output_size_rounds_down)
{
    wl_net_t *net = load_text("version: 1\n"
                              "input: {c: 1, h: 7, w: 7}\n"
                              "layers:\n"
                              "  - {name: a, type: conv, cout: 2, k: 3, stride: 2}\n"
                              "  - {name: b, type: maxpool, k: 5, pad: 1}\n");
    assert_shape(&net->layers[0], 1, 7, 2, 3);
    assert_shape(&net->layers[1], 2, 3, 2, 1);
    wl_net_destroy(net);
}
END_TEST

START_TEST(test_queries)
{
    ck_assert_str_eq(wl_kind_name(WL_CONV), "conv");
    ck_assert_str_eq(wl_kind_name(WL_FC), "fc");
    ck_assert_str_eq(wl_kind_name(WL_MAXPOOL), "maxpool");
    ck_assert_str_eq(wl_kind_name(WL_AVGPOOL), "avgpool");
    ck_assert_str_eq(wl_kind_name(WL_ADD), "add");
    ck_assert_str_eq(wl_kind_name(99), "?");
    wl_layer_t l;
    memset(&l, 0, sizeof l);
    l.cin = 65536;
    l.hin = l.win = 65536;
    l.cout = 3;
    l.hout = 4;
    l.wout = 5;
    ck_assert_uint_eq(wl_layer_in_elems(&l), (uint64_t)1 << 48); /* no 32-bit wrap */
    ck_assert_uint_eq(wl_layer_out_elems(&l), 60);
    for (uint32_t k = WL_CONV; k <= WL_ADD; k++) {
        l.kind = k;
        ck_assert_int_eq(wl_layer_is_mvm(&l), k == WL_CONV || k == WL_FC);
    }
    wl_net_destroy(NULL); /* a no-op */
}
END_TEST

/* ---- Errors: loading by name ---- */

START_TEST(test_unknown_builtin_is_econfig_at_cmdline)
{
    arch_diag_list_t dl;
    wl_net_t *net = (wl_net_t *)(uintptr_t)0x1;
    char buf[512];
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load_builtin("lenet6", &net, &dl), ST_ECONFIG);
    ck_assert_ptr_eq(net, (wl_net_t *)(uintptr_t)0x1);
    ck_assert_uint_eq(dl.n, 1);
    arch_diag_format(&dl.d[0], buf, sizeof buf);
    ck_assert_str_eq(
        buf, "<cmdline>: error: unknown built-in workload 'lenet6' (known: "
             "lenet5-mnist, vgg-small-cifar10, resnet18-cifar10, vgg8-cifar10, resnet18-imagenet)");
}
END_TEST

START_TEST(test_wl_load_neither_name_nor_file)
{
    arch_diag_list_t dl;
    wl_net_t *net = (wl_net_t *)(uintptr_t)0x1;
    char buf[512];
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load("no-such-net.yaml", &net, &dl), ST_EIO);
    ck_assert_ptr_eq(net, (wl_net_t *)(uintptr_t)0x1);
    ck_assert_uint_eq(dl.n, 1);
    arch_diag_format(&dl.d[0], buf, sizeof buf);
    ck_assert_str_eq(buf, "<cmdline>: error: no such file or built-in workload "
                          "'no-such-net.yaml' (built-ins: lenet5-mnist, vgg-small-cifar10, "
                          "resnet18-cifar10, vgg8-cifar10, resnet18-imagenet)");
    /* A built-in name goes to the built-in. */
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load("resnet18-cifar10", &net, &dl), ST_OK);
    ck_assert_str_eq(net->source, "<builtin:resnet18-cifar10>");
    wl_net_destroy(net);
}
END_TEST

/* A directory exists but is no workload: the YAML loader's own error, not "no such file". */
START_TEST(test_wl_load_directory_is_eio_from_loader)
{
    arch_diag_list_t dl;
    wl_net_t *net = (wl_net_t *)(uintptr_t)0x1;
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load(NS_SOURCE_DIR "/workloads", &net, &dl), ST_EIO);
    ck_assert_ptr_eq(net, (wl_net_t *)(uintptr_t)0x1);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_ptr_null(strstr(dl.d[0].msg, "no such file or built-in"));
    ck_assert_str_eq(dl.d[0].file, NS_SOURCE_DIR "/workloads");
}
END_TEST

START_TEST(test_null_arguments_are_einval)
{
    arch_diag_list_t dl;
    wl_net_t *net = NULL;
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load(NULL, &net, &dl), ST_EINVAL);
    ck_assert_int_eq(wl_load_builtin("lenet5-mnist", NULL, &dl), ST_EINVAL);
    ck_assert_int_eq(wl_load_string("x", NULL, 0, &net, &dl), ST_EINVAL);
    ck_assert_int_eq(wl_load_file(NULL, &net, &dl), ST_EINVAL);
    ck_assert_ptr_null(net);
    ck_assert_uint_eq(dl.n, 0);
}
END_TEST

/* ---- Errors: documents ---- */

/* A duplicate layer name is an error at the second definition with a note at the first. */
START_TEST(test_duplicate_name_notes_first_definition)
{
    arch_diag_list_t dl;
    char buf[512];
    int rc = load_bad("version: 1\n"
                      "input: {c: 1, h: 8, w: 8}\n"
                      "layers:\n"
                      "  - {name: a, type: conv, cout: 2, k: 3}\n"
                      "  - {name: a, type: conv, cout: 2, k: 3}\n",
                      buf, sizeof buf, &dl);
    ck_assert_int_eq(rc, ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(buf, "t.yaml:5:12: error: layers[1].name: layer name 'a' is defined twice");
    ck_assert_uint_eq(dl.d[0].note_line, 4);
    ck_assert_uint_eq(dl.d[0].note_col, 12); /* the value 'a' */
    ck_assert_str_eq(dl.d[0].note, "layer 'a' first defined here");
    ck_assert_str_eq(dl.d[0].src, "  - {name: a, type: conv, cout: 2, k: 3}");
}
END_TEST

/* Errors are collected across layers, and a layer reading a broken layer adds none: the
 * bad k of `a` and the bad type of `c` are reported; `b` (reads a) stays quiet. */
START_TEST(test_errors_collected_without_cascade)
{
    arch_diag_list_t dl;
    char buf[512];
    int rc = load_bad("version: 1\n"
                      "input: {c: 1, h: 4, w: 4}\n"
                      "layers:\n"
                      "  - {name: a, type: conv, cout: 2, k: 5}\n"
                      "  - {name: b, type: conv, cout: 2, k: 9}\n"
                      "  - {name: c, type: dense, cout: 2}\n",
                      buf, sizeof buf, &dl);
    ck_assert_int_eq(rc, ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(dl.d[0].path, "layers[2].type"); /* keys are checked first */
    ck_assert_str_eq(dl.d[1].path, "layers[0].k");
}
END_TEST

/* A top-level key error does not hide the layers' errors. */
START_TEST(test_top_level_error_still_checks_layers)
{
    arch_diag_list_t dl;
    char buf[512];
    int rc = load_bad("version: 1\n"
                      "input: {c: 1, h: 4, w: 4}\n"
                      "mc_sample: 5\n"
                      "layers:\n"
                      "  - {name: a, type: conv, cout: 2, k: 5}\n",
                      buf, sizeof buf, &dl);
    ck_assert_int_eq(rc, ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    /* the top level's keys: top_fields (version, name, mc_samples) and input, layers */
    ck_assert_str_eq(buf, "t.yaml:3:1: error: unknown key 'mc_sample' (did you mean "
                          "'mc_samples'?); expected one of: version, name, mc_samples, input, "
                          "layers");
    ck_assert_str_eq(dl.d[1].path, "layers[0].k");
}
END_TEST

/* Each file of tests/configs/bad-workloads/ fails with exactly the first diagnostic line
 * of its .expect file: <rule>.yaml loaded from the file under its repository-relative name
 * (so !include resolves) and, when it loads, mapped onto the default architecture (a
 * workload that does not fit); <rule>.spec holds what `-w` is given instead of a file (an
 * unknown built-in name), loaded with wl_load. */
static int read_all(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16;
    *text = malloc(cap + 1);
    *len = fread(*text, 1, cap, f);
    (*text)[*len] = '\0';
    fclose(f);
    return 0;
}

START_TEST(test_bad_workloads_give_expected_diagnostics)
{
    DIR *dir = opendir(NS_SOURCE_DIR "/" BAD_DIR);
    struct dirent *e;
    unsigned checked = 0;

    ck_assert_ptr_nonnull(dir);
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        char rel[512], path[1024], expect_path[1024], got[1024];
        char *text = NULL, *want = NULL;
        size_t len, wlen;
        int spec = n > 5 && strcmp(e->d_name + n - 5, ".spec") == 0;
        if (!spec && (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0))
            continue;
        snprintf(rel, sizeof rel, "%s/%s", BAD_DIR, e->d_name);
        snprintf(path, sizeof path, "%s/%s", NS_SOURCE_DIR, rel);
        snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", NS_SOURCE_DIR "/" BAD_DIR,
                 (int)(n - 5), e->d_name);
        ck_assert_msg(read_all(path, &text, &len) == 0, "cannot read %s", path);
        ck_assert_msg(read_all(expect_path, &want, &wlen) == 0, "%s has no .expect", rel);
        want[strcspn(want, "\n")] = '\0';

        arch_diag_list_t dl;
        wl_net_t *net = NULL;
        arch_diag_init(&dl);
        ck_assert_int_eq(chdir(NS_SOURCE_DIR), 0);
        int rc;
        if (spec) {
            text[strcspn(text, "\n")] = '\0';
            rc = wl_load(text, &net, &dl);
        } else {
            rc = wl_load_file(rel, &net, &dl);
        }
        if (rc == ST_OK) {
            arch_t a;
            wl_map_t *map = NULL;
            ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
            rc = wl_map_build(net, &a, 0, &map, &dl);
            ck_assert_ptr_null(map);
            wl_net_destroy(net);
            net = NULL;
        }
        ck_assert_msg(rc == ST_ECONFIG || (spec && rc == ST_EIO),
                      "%s: status %d, expected ST_ECONFIG", rel, rc);
        ck_assert_msg(net == NULL && dl.n > 0, "%s: no diagnostic", rel);
        arch_diag_format(&dl.d[0], got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got    %s\n  wanted %s", rel, got, want);
        free(text);
        free(want);
        checked++;
    }
    closedir(dir);
    ck_assert_uint_ge(checked, 18); /* the scan found the files, it did not pass vacuously */
}
END_TEST

/* ---- Limits ---- */

/* Fault injection over the whole load path (YAML document, net, layers, scratch): every
 * failure is ST_ENOMEM with *out untouched and, under ASan, no leak. */
START_TEST(test_oom_at_every_allocation_is_enomem)
{
    unsigned long n;
    unsigned failures = 0;
    int rc = ST_ENOMEM;
    for (n = 1; n < 100000 && rc != ST_OK; n++) {
        arch_diag_list_t dl;
        wl_net_t *net = (wl_net_t *)(uintptr_t)0x1;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = wl_load_builtin("lenet5-mnist", &net, &dl);
        st_fail_alloc_at = 0;
        if (rc != ST_OK) {
            ck_assert_int_eq(rc, ST_ENOMEM);
            ck_assert_ptr_eq(net, (wl_net_t *)(uintptr_t)0x1);
            failures++;
        } else {
            wl_net_destroy(net);
        }
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_ge(failures, 4); /* at least net, layers and the two scratch arrays */
}
END_TEST

/* An fc over a huge flattened input is an error, not a wrapped row count:
 * 65536 * 65536 * 2 = 2^33 rows. */
START_TEST(test_fc_rows_beyond_32_bits_is_an_error)
{
    arch_diag_list_t dl;
    char buf[512];
    int rc = load_bad("version: 1\n"
                      "input: {c: 2, h: 65536, w: 65536}\n"
                      "layers:\n"
                      "  - {name: f, type: fc, cout: 2}\n",
                      buf, sizeof buf, &dl);
    ck_assert_int_eq(rc, ST_ECONFIG);
    ck_assert_str_eq(buf, "t.yaml:4:5: error: layers[0]: flattened input of 8589934592 values "
                          "is more than 4294967295 rows");
}
END_TEST

Suite *wl_suite(void)
{
    Suite *s = suite_create("wl");
    TCase *core = tcase_create("Core");
    TCase *limits = tcase_create("Limits");
    TCase *errors = tcase_create("Errors");

    tcase_add_test(core, test_lenet5_shapes);
    tcase_add_test(core, test_builtin_weight_bits);
    tcase_add_test(core, test_vgg_small_shapes);
    tcase_add_test(core, test_resnet18_structure);
    tcase_add_test(core, test_builtin_list_and_default);
    tcase_add_test(core, test_peer_benchmark_networks);
    tcase_add_test(core, test_builtin_file_matches_embedded_copy);
    tcase_add_test(core, test_defaults_apply);
    tcase_add_test(core, test_input_from_and_block_style);
    tcase_add_test(core, test_output_size_rounds_down);
    tcase_add_test(core, test_queries);
    tcase_add_test(limits, test_oom_at_every_allocation_is_enomem);
    tcase_add_test(limits, test_fc_rows_beyond_32_bits_is_an_error);
    tcase_add_test(errors, test_unknown_builtin_is_econfig_at_cmdline);
    tcase_add_test(errors, test_wl_load_neither_name_nor_file);
    tcase_add_test(errors, test_wl_load_directory_is_eio_from_loader);
    tcase_add_test(errors, test_null_arguments_are_einval);
    tcase_add_test(errors, test_duplicate_name_notes_first_definition);
    tcase_add_test(errors, test_errors_collected_without_cascade);
    tcase_add_test(errors, test_top_level_error_still_checks_layers);
    tcase_add_test(errors, test_bad_workloads_give_expected_diagnostics);
    suite_add_tcase(s, core);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, errors);
    return s;
}
