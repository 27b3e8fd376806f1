/* metrics.h - what `neuspin eval` reports about a Bayesian network's predictions: accuracy,
 * calibration and uncertainty over a data set, and out-of-distribution (OOD) detection.
 * Pure functions, no I/O, no allocation but in sim_ood_threshold and sim_auroc.
 *
 * Per image, from T passes of C logits z_t (natural logarithms throughout):
 *   p_t        = softmax(z_t)                      (each pass's distribution)
 *   p          = (1/T) sum_t p_t                   (the predictive distribution)
 *   prediction = argmax_c p_c (lowest c on ties), confidence = max_c p_c
 *   nll        = -ln max(p_y, 1e-12)               (y the label; the floor keeps one
 *                                                   confident mistake finite: <= 27.63)
 *   brier      = sum_c (p_c - [c == y])^2
 *   entropy    = H[p] = -sum_c p_c ln p_c          (0 ln 0 = 0; predictive entropy)
 *   mi         = H[p] - (1/T) sum_t H[p_t]         (mutual information, BALD)
 * Over N images: accuracy, the means of nll, brier, entropy and mi, and the expected
 * calibration error with 15 equal-width confidence bins (Guo et al., 2017): image i goes to
 * bin b with b/15 < confidence <= (b+1)/15, and ECE = sum_b (n_b / N) |acc_b - conf_b|. */
#ifndef NS_METRICS_H
#define NS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIM_ECE_BINS 15
#define SIM_NLL_FLOOR 1e-12

/* One image's figures. */
typedef struct sim_img_metrics {
    uint32_t pred;     /* predicted class */
    double confidence; /* p_pred */
    double nll, brier, entropy, mi;
} sim_img_metrics_t;

/* A data set's running sums: add images in a fixed order for reproducible figures. */
typedef struct sim_metrics_acc {
    uint64_t n, correct;
    double nll, brier, entropy, mi; /* sums */
    uint64_t bin_n[SIM_ECE_BINS];
    double bin_conf[SIM_ECE_BINS]; /* sums of confidence */
    double bin_correct[SIM_ECE_BINS];
} sim_metrics_acc_t;

/* The data set's figures. */
typedef struct sim_metrics {
    uint64_t n;
    double accuracy, nll, ece, brier, entropy, mi; /* fractions and means */
} sim_metrics_t;

/* ---- Per image ---- */
/* Figures of one image from logits (T x C, pass-major), label y (< C; y >= C gives nll and
 * brier as if no class were right: nll = -ln 1e-12).  work: 2 C doubles of scratch.  p (C
 * doubles, or NULL) receives the predictive distribution. */
void sim_img_metrics(const double *logits, uint32_t T, uint32_t C, uint32_t y, double *work,
                     double *p, sim_img_metrics_t *out);

/* softmax of z (n values) into p, computed stably (max subtracted). */
void sim_softmax(const double *z, uint32_t n, double *p);

/* H[p] = -sum p ln p, nats (terms with p_c = 0 add nothing). */
double sim_entropy(const double *p, uint32_t n);

/* ---- Over a data set ---- */
void sim_metrics_init(sim_metrics_acc_t *a);
/* Adds image m whose label was right when correct != 0. */
void sim_metrics_add(sim_metrics_acc_t *a, const sim_img_metrics_t *m, int correct);
/* The figures (all 0 when no image was added). */
void sim_metrics_finish(const sim_metrics_acc_t *a, sim_metrics_t *out);

/* ---- OOD detection (a higher score means "more likely out of distribution") ---- */
/* The threshold at the 95th percentile of in-distribution scores s[0..n): the nearest-rank
 * value s_(k), k = ceil(0.95 n) in the ascending order (1-based), so at most 5 % of the
 * in-distribution images score above it (fewer when scores tie at it).  ST_OK; ST_EINVAL
 * (n = 0); ST_ENOMEM. */
int sim_ood_threshold(const double *s, size_t n, double *thr);

/* Fraction of scores s[0..n) strictly above thr (0 when n = 0). */
double sim_ood_rate(const double *s, size_t n, double thr);

/* Area under the ROC curve of telling OOD scores (positives) from in-distribution ones by
 * score: the Mann-Whitney form, the fraction of (OOD, in) pairs with the OOD score higher,
 * ties counted half, computed from mid-ranks in O((n_in + n_ood) log): AUROC = (R_ood -
 * n_ood (n_ood + 1) / 2) / (n_ood n_in), R_ood the sum of the OOD scores' ranks.  ST_OK;
 * ST_EINVAL (an empty side); ST_ENOMEM. */
int sim_auroc(const double *in, size_t n_in, const double *ood, size_t n_ood, double *auroc);

#ifdef __cplusplus
}
#endif
#endif
