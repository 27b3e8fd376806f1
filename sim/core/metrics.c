/* metrics.c - accuracy, calibration, uncertainty and OOD detection figures (metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

void sim_softmax(const double *z, uint32_t n, double *p)
{
    double m = z[0], s = 0;
    for (uint32_t c = 1; c < n; c++)
        if (z[c] > m)
            m = z[c];
    for (uint32_t c = 0; c < n; c++)
        s += p[c] = exp(z[c] - m);
    for (uint32_t c = 0; c < n; c++)
        p[c] /= s;
}

double sim_entropy(const double *p, uint32_t n)
{
    double h = 0;
    for (uint32_t c = 0; c < n; c++)
        if (p[c] > 0)
            h -= p[c] * log(p[c]);
    return h;
}

void sim_img_metrics(const double *logits, uint32_t T, uint32_t C, uint32_t y, double *work,
                     double *p, sim_img_metrics_t *out)
{
    double *mean = work, *pt = work + C, h_t = 0;
    memset(mean, 0, C * sizeof *mean);
    for (uint32_t t = 0; t < T; t++) {
        sim_softmax(logits + (size_t)t * C, C, pt);
        h_t += sim_entropy(pt, C);
        for (uint32_t c = 0; c < C; c++)
            mean[c] += pt[c];
    }
    uint32_t best = 0;
    double brier = 0;
    for (uint32_t c = 0; c < C; c++) {
        mean[c] /= T;
        if (mean[c] > mean[best])
            best = c;
        const double d = mean[c] - (c == y ? 1.0 : 0.0);
        brier += d * d;
    }
    const double py = y < C ? mean[y] : 0.0;
    out->pred = best;
    out->confidence = mean[best];
    out->nll = -log(py > SIM_NLL_FLOOR ? py : SIM_NLL_FLOOR);
    out->brier = brier;
    out->entropy = sim_entropy(mean, C);
    out->mi = out->entropy - h_t / T;
    if (out->mi < 0) /* rounding: H[mean] >= mean H by concavity */
        out->mi = 0;
    if (p)
        memcpy(p, mean, C * sizeof *p);
}

void sim_metrics_init(sim_metrics_acc_t *a)
{
    memset(a, 0, sizeof *a);
}

void sim_metrics_add(sim_metrics_acc_t *a, const sim_img_metrics_t *m, int correct)
{
    a->n++;
    a->correct += correct != 0;
    a->nll += m->nll;
    a->brier += m->brier;
    a->entropy += m->entropy;
    a->mi += m->mi;
    /* bin b holds b/15 < conf <= (b+1)/15 */
    int b = (int)ceil(m->confidence * SIM_ECE_BINS) - 1;
    b = b < 0 ? 0 : b >= SIM_ECE_BINS ? SIM_ECE_BINS - 1 : b;
    a->bin_n[b]++;
    a->bin_conf[b] += m->confidence;
    a->bin_correct[b] += correct != 0;
}

void sim_metrics_finish(const sim_metrics_acc_t *a, sim_metrics_t *out)
{
    memset(out, 0, sizeof *out);
    out->n = a->n;
    if (!a->n)
        return;
    const double n = (double)a->n;
    out->accuracy = (double)a->correct / n;
    out->nll = a->nll / n;
    out->brier = a->brier / n;
    out->entropy = a->entropy / n;
    out->mi = a->mi / n;
    for (int b = 0; b < SIM_ECE_BINS; b++)
        if (a->bin_n[b])
            out->ece += fabs(a->bin_correct[b] - a->bin_conf[b]) / n; /* (n_b/N)|acc-conf| */
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int sim_ood_threshold(const double *s, size_t n, double *thr)
{
    if (!n)
        return ST_EINVAL;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return ST_ENOMEM;
    memcpy(v, s, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = (95 * n + 99) / 100; /* ceil(0.95 n), exact in integers */
    *thr = v[k ? k - 1 : 0];
    free(v);
    return ST_OK;
}

double sim_ood_rate(const double *s, size_t n, double thr)
{
    size_t above = 0;
    for (size_t i = 0; i < n; i++)
        above += s[i] > thr;
    return n ? (double)above / (double)n : 0.0;
}

typedef struct {
    double s;
    int ood;
} scored_t;

static int cmp_scored(const void *x, const void *y)
{
    const scored_t *a = x, *b = y;
    return (a->s > b->s) - (a->s < b->s);
}

int sim_auroc(const double *in, size_t n_in, const double *ood, size_t n_ood, double *auroc)
{
    if (!n_in || !n_ood)
        return ST_EINVAL;
    const size_t n = n_in + n_ood;
    scored_t *v = malloc(n * sizeof *v);
    if (!v)
        return ST_ENOMEM;
    for (size_t i = 0; i < n_in; i++)
        v[i] = (scored_t){in[i], 0};
    for (size_t i = 0; i < n_ood; i++)
        v[n_in + i] = (scored_t){ood[i], 1};
    qsort(v, n, sizeof *v, cmp_scored);
    double r_ood = 0;
    for (size_t i = 0; i < n;) { /* a run of ties [i, j) shares the mid-rank (i+1 + j) / 2 */
        size_t j = i, k_ood = 0;
        while (j < n && v[j].s == v[i].s)
            k_ood += (size_t)v[j++].ood;
        r_ood += (double)k_ood * ((double)(i + 1) + (double)j) / 2.0;
        i = j;
    }
    free(v);
    const double no = (double)n_ood;
    *auroc = (r_ood - no * (no + 1) / 2.0) / (no * (double)n_in);
    return ST_OK;
}
