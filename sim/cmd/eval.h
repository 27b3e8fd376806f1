/* eval.h - `neuspin eval` as a function: one trained model through the mapped hardware over
 * a data set, with its out-of-distribution sets, and the run's cost (eval.c).  compare
 * --eval calls it once per model. */
#ifndef NS_EVAL_H
#define NS_EVAL_H

#include <stdint.h>

#include "cli_int.h"
#include "eval_data.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EVAL_MAX_OOD 8

/* What to evaluate.  Strings are borrowed. */
typedef struct eval_cfg {
    const char *model;           /* ONNX file (docs/onnx.md) */
    const char *arch;            /* NULL: the built-in architecture of the model's scheme */
    const char *images, *labels; /* IDX files; NULL: the Fashion-MNIST t10k set */
    const char *ood;             /* "noise,rotate,idx:FILE" (NULL: noise,rotate and the
                                    model directory's ood/digits-images-idx3-ubyte.gz when
                                    present); "none" for no OOD set */
    uint64_t n;                  /* images (0: all) */
    uint32_t T;                  /* MC passes (0: the model's mc_samples) */
    uint32_t jobs;               /* threads, >= 1 */
    uint64_t seed, device_seed;  /* mask seed (noise and rotations too), chip seed */
    const args_t *a;             /* for -p overrides' diagnostics */
    const cli_runopts_t *ro;     /* -p and -m */
} eval_cfg_t;

/* One OOD set's detection figures. */
typedef struct eval_ood {
    char name[24]; /* "noise", "rotate", "idx" */
    uint64_t images;
    double rate_entropy, auroc_entropy; /* predictive entropy as the score */
    double rate_mi, auroc_mi;           /* mutual information as the score */
} eval_ood_t;

typedef struct eval_res {
    char model[64];  /* the network's name */
    char scheme[32]; /* the architecture's dropout scheme */
    char arch_name[64];
    uint32_t T;
    sim_metrics_t m;
    int n_ood;
    eval_ood_t ood[EVAL_MAX_OOD];
    double energy_uj, latency_us, area_mm2; /* per image (T passes), chip area */
    double p_mean;       /* achieved dropout p, mean over the layers with dropout modules;
                            -1 without any */
    double ref_accuracy; /* the trainer's (metadata), -1 when not given */
} eval_res_t;

/* Runs the evaluation; prints diagnostics.  CLI_OK, CLI_EUSAGE or CLI_ERUN. */
int eval_model(const eval_cfg_t *c, eval_res_t *r);

#ifdef __cplusplus
}
#endif
#endif
