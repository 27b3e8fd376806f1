/* eval_data.h - what `neuspin eval` (eval.c) and an eval sweep (sweep.c) take by default:
 * the data set, the OOD set beside a model, and the built-in architecture of a model's
 * scheme.  Header-only, pure C: sweep.c is also compiled alone (tests/fuzz). */
#ifndef NS_EVAL_DATA_H
#define NS_EVAL_DATA_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The data eval reads without --images and --labels (Debian package dataset-fashion-mnist),
 * and the OOD set it looks for beside the model. */
#define EVAL_DATA_DIR "/usr/share/datasets/fashion-mnist"
#define EVAL_IMAGES EVAL_DATA_DIR "/t10k-images-idx3-ubyte.gz"
#define EVAL_LABELS EVAL_DATA_DIR "/t10k-labels-idx1-ubyte.gz"
#define EVAL_OOD_DIGITS "ood/digits-images-idx3-ubyte.gz" /* beside the model */

/* The built-in architecture of a model's metadata scheme into out: "spatial_spindrop" ->
 * "spatial-spindrop", "none" -> "deterministic", "" -> "default". */
static inline void eval_scheme_arch(const char *scheme, char *out, size_t n)
{
    if (!scheme[0] || !strcmp(scheme, "none")) {
        snprintf(out, n, "%s", scheme[0] ? "deterministic" : "default");
        return;
    }
    snprintf(out, n, "%s", scheme);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
}

#endif
