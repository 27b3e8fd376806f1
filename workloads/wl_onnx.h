/* wl_onnx.h - trained binary (Bayesian) networks from ONNX files: the graph convention of
 * docs/onnx.md -> a workload (wl_net_t) and its parameters (wl_weights_t).
 *
 * The graph is a chain read node by node (at most WL_ONNX_NODES_MAX nodes):
 *
 *   Binarize(threshold)                                  -> wl_weights_t.in_thresh
 *   { [Dropout] -> [Flatten] -> Conv | Gemm | MatMul    -> a crossbar layer named by the node
 *       -> [ScaleDropout | AffineDropout | ScaleVI]      -> its stage
 *       -> [BatchNormalization]                           -> bn_scale, bn_bias
 *       -> Binarize                                       -> act SIGN (absent: the last layer,
 *                                                            act NONE; its output the logits)
 *   | MaxPool                                             -> a pooling layer named by the node
 *   | Flatten (axis 1) }
 *
 * What the loader derives (one crossbar layer, output channel c):
 *   - weights: every value exactly +1 or -1, else the node and the first bad index are
 *     named.  Conv W[co][ci][kh][kw] lands at row r = (kh * K + kw) * Cin + ci, column co;
 *     Gemm (transB 1) B[co][i] and MatMul (or Gemm transB 0) B[i][co] at row i (the input
 *     flattened in NCHW order), column co: the mapper's row order (wl_map.h).
 *   - batch norm folded: bn_scale = scale / sqrt(var + eps), bn_bias = B - mean * bn_scale;
 *     without a BatchNormalization node bn_scale = 1 and bn_bias = 0.  A Binarize threshold
 *     th after it is folded too (bn_bias -= th: v >= th <=> v - th >= 0).
 *   - inverted dropout: the trainer scales each kept input by 1 / (1 - p); since the sum is
 *     linear the factor is multiplied into bn_scale of the layer the Dropout feeds, and the
 *     hardware adds unscaled +-1 products.  A layer with both a Dropout and a stage is
 *     refused (the factor would not commute with AffineDropout's beta, and the layer has
 *     one p).
 *   - p of a layer: its Dropout's ratio, or its stage's `ratio` (ScaleDropout,
 *     AffineDropout), or 0.5 for ScaleVI (fair bits); 0 otherwise.  Ratios must lie in
 *     [0, 0.99] (the workload file's range).
 *   - the workload: layer names from the nodes (a node without a name: "layerN", N its
 *     layer index), shapes inferred from the graph input [N, C, H, W] as wl.c infers them
 *     and checked against every weight, T from metadata neuspin.mc_samples (else 20), name
 *     from the graph name (else the file name without .onnx), source = the path.
 *   - metadata: neuspin.scheme (one of the schemes in docs/onnx.md) -> scheme,
 *     neuspin.accuracy (a fraction in [0, 1]) -> ref_accuracy; other keys are ignored.
 *
 * Bounded input: a file above WL_ONNX_FILE_MAX bytes is refused before it is read; the
 * wire format is scanned before protobuf-c unpacks it: at most WL_ONNX_DEPTH_MAX levels of
 * nesting, and what unpacking allocates (estimated from above per field) at most
 * WL_ONNX_UNPACK_MAX; every tensor's dims product is
 * checked for overflow and against the data it holds; initializers are found by binary
 * search, so the work is O(size log size).  Every allocation goes through st_malloc.
 *
 * Diagnostics have no line: "model.onnx: error: node 'conv2' (Conv): bias input not
 * supported; put it in the BatchNormalization".  Loading stops at the first error. */
#ifndef NS_WL_ONNX_H
#define NS_WL_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "wl.h"
#include "wl_weights.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WL_ONNX_FILE_MAX (64u << 20)    /* bytes */
#define WL_ONNX_NODES_MAX 4096u         /* graph nodes */
#define WL_ONNX_DEPTH_MAX 32u           /* nested protobuf messages */
#define WL_ONNX_UNPACK_MAX (256u << 20) /* bytes protobuf-c may allocate, estimated */

/* ---- Loading ---- */
/* Loads the ONNX model in file `path` as a workload *net and its trained parameters *w
 * (layer i of *w belongs to layer i of *net).  Returns ST_OK; ST_EIO (cannot open or
 * read, not a regular file) or ST_ECONFIG (larger than WL_ONNX_FILE_MAX, not an ONNX
 * model of the convention) with one diagnostic in dl; ST_ENOMEM; ST_EINVAL for a NULL argument.
 * *net and *w are untouched on error; on success the caller owns both (wl_net_destroy,
 * wl_weights_destroy). */
int wl_onnx_load(const char *path, wl_net_t **net, wl_weights_t **w, arch_diag_list_t *dl);

/* As wl_onnx_load, from the `len` bytes at buf; `name` is the file name diagnostics and
 * net->source carry. */
int wl_onnx_load_mem(const char *name, const uint8_t *buf, size_t len, wl_net_t **net,
                     wl_weights_t **w, arch_diag_list_t *dl);

#ifdef __cplusplus
}
#endif
#endif
