/* wl.h - binary (Bayesian) neural network descriptions: YAML (version 1) -> wl_net_t.
 *
 *   version: 1
 *   name: lenet5-mnist
 *   input: {c: 1, h: 28, w: 28}
 *   mc_samples: 20            # T, Monte-Carlo forward passes per input
 *   layers:
 *     - {name: conv1, type: conv, cout: 6, k: 5, stride: 1, pad: 0, dropout: 0.1}
 *     - {name: pool1, type: maxpool, k: 2, stride: 2}
 *     - {name: fc1, type: fc, cout: 120, dropout: 0.1, mapping: 1}
 *     - {name: res, type: add, from: conv1}        # residual: output of conv1 + input
 *     - {name: sc, type: conv, input: pool1, ...}  # input from another layer (shortcut)
 *
 * Types: conv, fc, maxpool, avgpool, add.  A layer's input is the previous layer's output
 * unless `input:` names an earlier layer.  Shapes are inferred and checked (a kernel larger
 * than its padded input, an add of different shapes, an unknown layer name are errors at the
 * layer's line).  `dropout: p` puts a dropout on the layer's inputs (its word-line pairs);
 * fc layers flatten their input.  `mapping` (1 or 2) overrides the run's conv strategy.
 *
 * The schema tables in wl.c are the format's single source: workloads/README.md embeds
 * their field reference (wl_list_keys, `neuspin config --list-network-keys`), and every
 * diagnostic about a key names the keys valid where it stands ("unknown key 'stide' for a
 * conv layer (did you mean 'stride'?); expected one of: name, type, ...").  An
 * architecture or sweep file given as a network is refused as such ("this is an
 * architecture file (it has 'chip', 'xbar'); give it with -a, not -w"). */
#ifndef NS_WL_H
#define NS_WL_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WL_CONV = 0, WL_FC, WL_MAXPOOL, WL_AVGPOOL, WL_ADD } wl_kind_t;

typedef struct wl_layer {
    char name[64];
    uint32_t kind;             /* wl_kind_t */
    int32_t input;             /* index of the producing layer, -1 = network input */
    int32_t from;              /* add: index of the layer added to the input, else -1 */
    uint32_t cin, hin, win;    /* input shape (inferred) */
    uint32_t cout, hout, wout; /* output shape (cout given for conv/fc; inferred otherwise) */
    uint32_t k, stride, pad;   /* conv/pool window; fc: k = 1, stride = 1, pad = 0 */
    double p;                  /* dropout probability on the inputs, 0 = deterministic */
    uint32_t mapping;          /* 0 = run default, 1 or 2 */
    uint32_t line, col;        /* where the layer is declared (1-based) */
    char file[256];            /* the file of line:col when an !include brought the layer from
                                  another file than the network's source, else "" */
} wl_layer_t;

typedef struct wl_net {
    char name[64];
    char source[256]; /* file name or "<builtin:NAME>" for diagnostics */
    uint32_t in_c, in_h, in_w;
    uint32_t T; /* MC samples per input (mc_samples), >= 1 */
    uint32_t n_layers;
    wl_layer_t *layers; /* owned */
} wl_net_t;

/* ---- Loading ---- */
/* Loads and checks a workload file.  ST_OK; ST_EIO / ST_ECONFIG with diagnostics; ST_ENOMEM.
 * *out untouched on error; free with wl_net_destroy. */
int wl_load_file(const char *path, wl_net_t **out, arch_diag_list_t *dl);
int wl_load_string(const char *name, const char *text, size_t len, wl_net_t **out,
                   arch_diag_list_t *dl);

/* Loads a built-in by name ("lenet5-mnist", "vgg-small-cifar10", "resnet18-cifar10").  An
 * unknown name is ST_ECONFIG with "unknown built-in workload 'x' (known: …)". */
int wl_load_builtin(const char *name, wl_net_t **out, arch_diag_list_t *dl);

/* Loads `spec`: a built-in name when it names one, else a file path; a path ending in
 * ".onnx" is a trained network (wl_onnx_load; its weights are discarded here). */
int wl_load(const char *spec, wl_net_t **out, arch_diag_list_t *dl);

void wl_net_destroy(wl_net_t *n); /* NULL is a no-op */

/* Writes n as a version-1 network file that loads back to the same network (every field
 * but the source positions).  ST_OK, ST_EIO when writing fails, ST_EINVAL for a network no
 * file can describe (a later layer reading the network input). */
int wl_dump_yaml(const wl_net_t *n, FILE *f);

/* ---- Documentation ---- */
/* Writes the network file's field reference as Markdown: the top-level keys, `input`, a
 * matrix of which key each layer type takes, and one table per layer type (key, type,
 * default or "required", min, max, unit, description).  workloads/README.md embeds exactly
 * this output between its BEGIN KEYS and END KEYS lines (a test diffs them).  Returns
 * ST_OK, ST_EIO when writing f fails, ST_EINVAL for a NULL f. */
int wl_list_keys(FILE *f);

/* ---- Built-ins ---- */
size_t wl_builtin_count(void);
const char *wl_builtin_name(size_t i);
const char *wl_builtin_text(size_t i); /* its YAML text */
const char *wl_builtin_default(void);  /* name of the default workload */

/* ---- Queries ---- */
const char *wl_kind_name(uint32_t kind);          /* "conv", "fc", … */
uint64_t wl_layer_out_elems(const wl_layer_t *l); /* cout * hout * wout */
uint64_t wl_layer_in_elems(const wl_layer_t *l);  /* cin * hin * win */
/* 1 when the layer runs on crossbars (conv, fc). */
int wl_layer_is_mvm(const wl_layer_t *l);
/* File a diagnostic about layer l (its line, col) names: l->file, else n->source. */
const char *wl_layer_source(const wl_net_t *n, const wl_layer_t *l);

#ifdef __cplusplus
}
#endif
#endif
