/* eval.c - `neuspin eval`: a trained model (ONNX) through the mapped hardware over a data
 * set (IDX), T MC passes per image: accuracy, calibration, uncertainty and OOD detection
 * (sim/core/metrics.h), beside the run's analytic energy, latency and area.
 *
 * Images run on J threads, each with its own infer_t; image i of set s always uses the
 * mask stream of image index s * N + i (N the test images evaluated; the test set is s = 0,
 * so its image i is index i whatever the OOD sets), so the figures do not depend on J.  Per-image
 * figures land in arrays by index and are summed in index order afterwards: same seeds,
 * same bytes. */
#define _POSIX_C_SOURCE 200809L
#include "eval.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"
#include "cli.h"
#include "idx.h"
#include "infer.h"
#include "ood.h"
#include "sim.h"
#include "trc.h"
#include "trc_fs.h"
#include "trc_read.h"
#include "version.h"
#include "wl_map.h"
#include "wl_onnx.h"

#define EVAL_MAX_JOBS 256

enum { SET_IN = 0, SET_NOISE, SET_ROTATE, SET_IDX };

/* One set of images run through the network. */
typedef struct eval_set {
    int kind;
    char name[24];
    const uint8_t *pix;    /* n x npix (SET_IN, SET_ROTATE: the test images; SET_IDX) */
    const uint8_t *labels; /* SET_IN: [n]; else NULL */
    uint64_t n;
    double rot_lo, rot_hi;  /* SET_ROTATE, degrees */
    sim_img_metrics_t *img; /* [n] out */
    wl_idx_t own;           /* SET_IDX: the file's data */
} eval_set_t;

typedef struct eval_work {
    const arch_t *arch;
    const wl_net_t *net;
    const wl_map_t *map;
    const wl_weights_t *w;
    uint64_t seed, device_seed;
    uint32_t T, C, npix, jobs;
    eval_set_t *sets;
    int n_sets;
} eval_work_t;

typedef struct eval_thread {
    const eval_work_t *wk;
    uint32_t id;
    int st;
    char err[512];
} eval_thread_t;

static void *eval_worker(void *arg)
{
    eval_thread_t *th = arg;
    const eval_work_t *wk = th->wk;
    infer_t *f = NULL;
    double *logits = malloc((size_t)wk->T * wk->C * sizeof *logits);
    double *work = malloc(2 * (size_t)wk->C * sizeof *work);
    uint8_t *pix = malloc(wk->npix);
    th->st = logits && work && pix ? ST_OK : ST_ENOMEM;
    if (th->st != ST_OK)
        snprintf(th->err, sizeof th->err, "out of memory");
    else
        th->st = infer_create(wk->arch, wk->net, wk->map, wk->w, wk->device_seed, wk->seed, &f,
                              th->err, sizeof th->err);
    for (int s = 0; s < wk->n_sets && th->st == ST_OK; s++) {
        const eval_set_t *set = &wk->sets[s];
        for (uint64_t i = th->id; i < set->n && th->st == ST_OK; i += wk->jobs) {
            const uint8_t *src = set->pix ? set->pix + i * wk->npix : NULL;
            if (set->kind == SET_NOISE) {
                sim_ood_noise(wk->seed, i, wk->npix, pix);
                src = pix;
            } else if (set->kind == SET_ROTATE) {
                const double deg = sim_ood_angle(wk->seed, i, set->rot_lo, set->rot_hi);
                sim_ood_rotate(src, wk->net->in_c, wk->net->in_h, wk->net->in_w, deg, pix);
                src = pix;
            }
            const uint64_t image = (uint64_t)s * wk->sets[0].n + i;
            th->st = infer_image(f, image, src, wk->T, logits);
            if (th->st != ST_OK) {
                snprintf(th->err, sizeof th->err, "inference of %s image %llu failed", set->name,
                         (unsigned long long)i);
                break;
            }
            sim_img_metrics(logits, wk->T, wk->C, set->labels ? set->labels[i] : wk->C, work, NULL,
                            &set->img[i]);
        }
    }
    infer_destroy(f);
    free(logits);
    free(work);
    free(pix);
    return NULL;
}

/* Runs every set on jobs threads.  ST_OK or the first failure (printed). */
static int run_sets(const eval_work_t *wk)
{
    pthread_t tid[EVAL_MAX_JOBS];
    eval_thread_t th[EVAL_MAX_JOBS];
    uint32_t started = 0;
    int st = ST_OK;
    for (uint32_t j = 0; j < wk->jobs; j++) {
        th[j] = (eval_thread_t){wk, j, ST_OK, ""};
        if (pthread_create(&tid[j], NULL, eval_worker, &th[j]) != 0) {
            fprintf(stderr, "neuspin: error: cannot start a thread: %s\n", strerror(errno));
            st = ST_ENOMEM;
            break;
        }
        started++;
    }
    for (uint32_t j = 0; j < started; j++) {
        pthread_join(tid[j], NULL);
        if (th[j].st != ST_OK && st == ST_OK) {
            fprintf(stderr, "neuspin: error: %s\n", th[j].err);
            st = th[j].st;
        }
    }
    return st;
}

/* Parses the --ood list into sets[1..]; returns how many or -1 (printed). */
static int parse_ood(const char *spec, const char *model, eval_set_t *sets, int max)
{
    char buf[1024], digits[1024], deflt[1100];
    if (!spec) { /* noise, rotate and the digits beside the model when they are there */
        const char *slash = strrchr(model, '/');
        const int dl = slash ? (int)(slash - model) : 1;
        snprintf(digits, sizeof digits, "%.*s/%s", dl > 900 ? 900 : dl, slash ? model : ".",
                 EVAL_OOD_DIGITS);
        snprintf(deflt, sizeof deflt, "noise,rotate%s%s", access(digits, R_OK) == 0 ? ",idx:" : "",
                 access(digits, R_OK) == 0 ? digits : "");
        spec = deflt;
    }
    if (strlen(spec) >= sizeof buf) {
        fprintf(stderr, "neuspin: error: --ood: longer than %zu characters\n", sizeof buf - 1);
        return -1;
    }
    memcpy(buf, spec, strlen(spec) + 1); /* fits: checked above */
    if (!strcmp(buf, "none"))
        return 0;
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == max) {
            fprintf(stderr, "neuspin: error: --ood: at most %d sets\n", max);
            return -1;
        }
        eval_set_t *s = &sets[n];
        memset(s, 0, sizeof *s);
        if (!strcmp(t, "noise")) {
            s->kind = SET_NOISE;
            snprintf(s->name, sizeof s->name, "noise");
        } else if (!strncmp(t, "rotate", 6) && (t[6] == 0 || t[6] == ':')) {
            s->kind = SET_ROTATE;
            snprintf(s->name, sizeof s->name, "rotate");
            s->rot_lo = SIM_OOD_ROT_LO_DEG;
            s->rot_hi = SIM_OOD_ROT_HI_DEG;
            if (t[6] == ':') {
                char *e1, *e2;
                s->rot_lo = strtod(t + 7, &e1);
                s->rot_hi = *e1 == ':' ? strtod(e1 + 1, &e2) : -1;
                if (*e1 != ':' || *e2 ||
                    !(s->rot_lo >= -360 && s->rot_lo <= s->rot_hi && s->rot_hi <= 360)) {
                    fprintf(stderr,
                            "neuspin: error: --ood: expected rotate:LO:HI with -360 <= LO <= HI "
                            "<= 360 degrees, got '%s'\n",
                            t);
                    return -1;
                }
            }
        } else if (!strncmp(t, "idx:", 4) && t[4]) {
            s->kind = SET_IDX;
            snprintf(s->name, sizeof s->name, "idx");
            char err[512];
            if (wl_idx_load(t + 4, 3, &s->own, err, sizeof err) != ST_OK) {
                fprintf(stderr, "%s\n", err);
                return -1;
            }
            s->pix = s->own.data;
        } else {
            fprintf(stderr,
                    "neuspin: error: --ood: expected noise, rotate[:LO:HI], idx:FILE or none, "
                    "got '%s'\n",
                    t);
            return -1;
        }
        for (int k = 0; k < n; k++)
            if (!strcmp(sets[k].name, s->name)) {
                fprintf(stderr, "neuspin: error: --ood: set '%s' given twice\n", s->name);
                wl_idx_free(&s->own);
                return -1;
            }
        n++;
    }
    return n;
}

/* Loads images and labels and checks them against the network. */
static int load_data(const eval_cfg_t *c, const wl_net_t *net, uint32_t C, wl_idx_t *img,
                     wl_idx_t *lab)
{
    const char *ip = c->images ? c->images : EVAL_IMAGES, *lp = c->labels ? c->labels : EVAL_LABELS;
    if ((!c->images || !c->labels) && access(c->images ? lp : ip, F_OK) != 0) {
        fprintf(stderr,
                "neuspin: error: %s is absent: install the Debian package "
                "dataset-fashion-mnist, or give both --images and --labels\n",
                c->images ? lp : ip);
        return CLI_EUSAGE;
    }
    char err[512];
    if (wl_idx_load(ip, 3, img, err, sizeof err) != ST_OK) {
        fprintf(stderr, "%s\n", err);
        return CLI_EUSAGE;
    }
    if (wl_idx_load(lp, 1, lab, err, sizeof err) != ST_OK) {
        fprintf(stderr, "%s\n", err);
        return CLI_EUSAGE;
    }
    if (net->in_c != 1 || img->dims[1] != net->in_h || img->dims[2] != net->in_w) {
        fprintf(stderr,
                "%s: error: images are %u x %u with one channel; the network '%s' takes %u x "
                "%u x %u\n",
                ip, img->dims[1], img->dims[2], net->name, net->in_c, net->in_h, net->in_w);
        return CLI_EUSAGE;
    }
    if (lab->dims[0] != img->dims[0]) {
        fprintf(stderr, "%s: error: %u labels for the %u images of %s\n", lp, lab->dims[0],
                img->dims[0], ip);
        return CLI_EUSAGE;
    }
    for (uint64_t i = 0; i < lab->n_elems; i++)
        if (lab->data[i] >= C) {
            fprintf(stderr, "%s: error: label %llu is %u; the network has %u classes\n", lp,
                    (unsigned long long)i, lab->data[i], C);
            return CLI_EUSAGE;
        }
    return CLI_OK;
}

/* The analytic cost of one image (T passes): energy, latency, area, achieved p. */
static int eval_cost(const arch_t *arch, const wl_net_t *net, const wl_map_t *map, uint32_t T,
                     uint64_t seed, uint64_t device_seed, eval_res_t *r)
{
    char err[512] = "";
    trc_sum_t *sum = NULL;
    trc_layer_t *layers = calloc(net->n_layers ? net->n_layers : 1, sizeof *layers);
    if (!layers ||
        trc_sum_create(layers, net->n_layers, T, &arch->energy, arch_clk_ns(arch), &sum) != ST_OK) {
        free(layers);
        fprintf(stderr, "neuspin: error: out of memory\n");
        return CLI_ERUN;
    }
    cli_describe_layers(arch, net, map, device_seed, seed, layers);
    sim_job_t job = {.arch = arch,
                     .net = net,
                     .map = map,
                     .T = T,
                     .seed = seed,
                     .layers = layers,
                     .sum = sum,
                     .timing = SIM_TIMING_ANALYTIC,
                     .device_seed = device_seed};
    sim_prog_t prog;
    int st = sim_analytic(&job, &prog, err, sizeof err);
    if (st == ST_OK) {
        trc_area_t area;
        cli_chip_area(arch, map, &area);
        r->energy_uj = trc_sum_total_pj(sum) / 1e6;
        r->latency_us = (double)sum->end_cyc * arch_clk_ns(arch) / 1e3;
        r->area_mm2 = area.chip_total_um2 / 1e6;
        double p = 0;
        int np = 0;
        for (uint32_t i = 0; i < net->n_layers; i++)
            if (layers[i].has_p) {
                p += layers[i].p_mean;
                np++;
            }
        r->p_mean = np ? p / np : -1.0;
    } else {
        fprintf(stderr, "neuspin: error: %s\n", err);
    }
    trc_sum_destroy(sum);
    free(layers);
    return st == ST_OK ? CLI_OK : CLI_ERUN;
}

/* Detection figures of OOD set s against the in-distribution set in. */
static int ood_figures(const eval_set_t *in, const eval_set_t *s, eval_ood_t *o)
{
    const uint64_t ni = in->n, no = s->n;
    double *a = malloc((ni + no) * 2 * sizeof *a);
    if (!a)
        return ST_ENOMEM;
    double *ie = a, *im = a + ni, *oe = a + 2 * ni, *om = a + 2 * ni + no, thr;
    for (uint64_t i = 0; i < ni; i++) {
        ie[i] = in->img[i].entropy;
        im[i] = in->img[i].mi;
    }
    for (uint64_t i = 0; i < no; i++) {
        oe[i] = s->img[i].entropy;
        om[i] = s->img[i].mi;
    }
    snprintf(o->name, sizeof o->name, "%s", s->name);
    o->images = no;
    int st = sim_ood_threshold(ie, ni, &thr);
    if (st == ST_OK) {
        o->rate_entropy = sim_ood_rate(oe, no, thr);
        st = sim_auroc(ie, ni, oe, no, &o->auroc_entropy);
    }
    if (st == ST_OK)
        st = sim_ood_threshold(im, ni, &thr);
    if (st == ST_OK) {
        o->rate_mi = sim_ood_rate(om, no, thr);
        st = sim_auroc(im, ni, om, no, &o->auroc_mi);
    }
    free(a);
    return st;
}

int eval_model(const eval_cfg_t *c, eval_res_t *r)
{
    memset(r, 0, sizeof *r);
    r->p_mean = -1;
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    wl_map_t *map = NULL;
    wl_idx_t img = {0}, lab = {0};
    eval_set_t sets[EVAL_MAX_OOD + 1];
    int n_sets = 0, rc;
    memset(sets, 0, sizeof sets);
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int st = wl_onnx_load(c->model, &net, &w, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        return st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
    }
    char spec[64];
    eval_scheme_arch(w->scheme, spec, sizeof spec);
    arch_t arch;
    if ((rc = cli_load_arch(c->arch ? c->arch : spec, &arch)) ||
        (c->ro && (rc = cli_apply_overrides(c->a, &arch, c->ro))))
        goto done;
    arch_diag_init(&dl);
    st = wl_map_build(net, &arch, c->ro ? (uint32_t)c->ro->mapping : 0, &map, &dl);
    if (st != ST_OK) {
        arch_diag_print(stderr, &dl);
        rc = st == ST_ENOMEM ? CLI_ERUN : CLI_EUSAGE;
        goto done;
    }
    const uint32_t C = w->classes, T = map->T == 1 ? 1 : c->T ? c->T : net->T;
    if ((rc = load_data(c, net, C, &img, &lab)))
        goto done;
    const uint64_t n = c->n && c->n < img.dims[0] ? c->n : img.dims[0];
    const uint32_t npix = net->in_c * net->in_h * net->in_w;
    rc = CLI_EUSAGE;
    sets[0] =
        (eval_set_t){.kind = SET_IN, .name = "test", .pix = img.data, .labels = lab.data, .n = n};
    int k = parse_ood(c->ood, c->model, sets + 1, EVAL_MAX_OOD);
    if (k < 0)
        goto done;
    n_sets = 1 + k;
    for (int s = 1; s < n_sets; s++) {
        if (sets[s].kind == SET_ROTATE)
            sets[s].pix = img.data;
        if (sets[s].kind == SET_IDX && sets[s].own.dims[1] * sets[s].own.dims[2] != npix) {
            fprintf(stderr,
                    "neuspin: error: --ood idx: images are %u x %u; the network takes %u x %u\n",
                    sets[s].own.dims[1], sets[s].own.dims[2], net->in_h, net->in_w);
            goto done;
        }
        sets[s].n = sets[s].kind == SET_IDX && sets[s].own.dims[0] < n ? sets[s].own.dims[0] : n;
    }
    if ((uint64_t)n_sets * n * T > UINT32_MAX) { /* infer.h: image x T + t is 32 bits */
        fprintf(stderr,
                "neuspin: error: %d sets x %llu images x T=%u exceed the 2^32 MC passes one "
                "mask seed gives; evaluate fewer images (-n) or passes (-T)\n",
                n_sets, (unsigned long long)n, T);
        goto done;
    }
    rc = CLI_ERUN;
    for (int s = 0; s < n_sets; s++)
        if (!(sets[s].img = calloc(sets[s].n ? sets[s].n : 1, sizeof *sets[s].img))) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            goto done;
        }
    if ((rc = eval_cost(&arch, net, map, T, c->seed, c->device_seed, r)))
        goto done;
    const eval_work_t wk = {&arch,          net,   map, w,    c->seed,
                            c->device_seed, T,     C,   npix, c->jobs ? c->jobs : 1,
                            sets,           n_sets};
    rc = CLI_ERUN;
    if (run_sets(&wk) != ST_OK)
        goto done;

    sim_metrics_acc_t acc;
    sim_metrics_init(&acc);
    for (uint64_t i = 0; i < n; i++)
        sim_metrics_add(&acc, &sets[0].img[i], sets[0].img[i].pred == lab.data[i]);
    sim_metrics_finish(&acc, &r->m);
    for (int s = 1; s < n_sets; s++)
        if (ood_figures(&sets[0], &sets[s], &r->ood[s - 1]) != ST_OK) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            goto done;
        }
    r->n_ood = n_sets - 1;
    snprintf(r->model, sizeof r->model, "%s", net->name);
    snprintf(r->scheme, sizeof r->scheme, "%s", arch_dropout_name(arch.dropout_impl));
    snprintf(r->arch_name, sizeof r->arch_name, "%s", arch.name);
    r->T = T;
    r->ref_accuracy = w->ref_accuracy;
    rc = CLI_OK;
done:
    for (int s = 0; s < EVAL_MAX_OOD + 1; s++) {
        free(sets[s].img);
        wl_idx_free(&sets[s].own);
    }
    wl_idx_free(&img);
    wl_idx_free(&lab);
    wl_map_destroy(map);
    wl_weights_destroy(w);
    wl_net_destroy(net);
    return rc;
}

/* ---- Output ---- */

/* eval.csv: a header and one row (traces/README.md documents the columns). */
static void write_csv(FILE *f, const eval_res_t *r, const char *model_path)
{
    fputs("scheme,model,file,images,T,accuracy,nll,ece,brier,entropy,mi", f);
    for (int i = 0; i < r->n_ood; i++)
        fprintf(f, ",ood_%s_rate,ood_%s_auroc", r->ood[i].name, r->ood[i].name);
    fputs(",energy_uj,latency_us,area_mm2,p_mean\n", f);
    trc_csv_field(f, r->scheme);
    fputc(',', f);
    trc_csv_field(f, r->model);
    fputc(',', f);
    trc_csv_field(f, model_path);
    fprintf(f, ",%llu,%u,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g", (unsigned long long)r->m.n, r->T,
            r->m.accuracy, r->m.nll, r->m.ece, r->m.brier, r->m.entropy, r->m.mi);
    for (int i = 0; i < r->n_ood; i++)
        fprintf(f, ",%.10g,%.10g", r->ood[i].rate_entropy, r->ood[i].auroc_entropy);
    fprintf(f, ",%.10g,%.10g,%.10g,", r->energy_uj, r->latency_us, r->area_mm2);
    if (r->p_mean >= 0)
        fprintf(f, "%.10g", r->p_mean);
    fputc('\n', f);
}

static void write_json(FILE *f, const eval_res_t *r, const eval_cfg_t *c, const char *images,
                       const char *labels)
{
    fprintf(f, "{\n  \"schema\": \"neuspin-eval/1\",\n  \"version\": ");
    trc_json_string(f, sim_version_text());
    fprintf(f, ",\n  \"model\": ");
    trc_json_string(f, r->model);
    fprintf(f, ",\n  \"model_file\": ");
    trc_json_string(f, c->model);
    fprintf(f, ",\n  \"architecture\": ");
    trc_json_string(f, r->arch_name);
    fprintf(f, ",\n  \"scheme\": ");
    trc_json_string(f, r->scheme);
    fprintf(f, ",\n  \"images_file\": ");
    trc_json_string(f, images);
    fprintf(f, ",\n  \"labels_file\": ");
    trc_json_string(f, labels);
    fprintf(f,
            ",\n  \"seed\": %llu,\n  \"device_seed\": %llu,\n  \"mc_passes\": %u,\n"
            "  \"images\": %llu,\n",
            (unsigned long long)c->seed, (unsigned long long)c->device_seed, r->T,
            (unsigned long long)r->m.n);
    fprintf(f,
            "  \"metrics\": {\"accuracy\": %.10g, \"nll\": %.10g, \"ece\": %.10g, "
            "\"ece_bins\": %d, \"brier\": %.10g, \"entropy\": %.10g, \"mi\": %.10g, "
            "\"nll_floor\": %g},\n",
            r->m.accuracy, r->m.nll, r->m.ece, SIM_ECE_BINS, r->m.brier, r->m.entropy, r->m.mi,
            SIM_NLL_FLOOR);
    fprintf(f, "  \"reference_accuracy\": ");
    if (r->ref_accuracy >= 0)
        fprintf(f, "%.10g,\n", r->ref_accuracy);
    else
        fprintf(f, "null,\n");
    fprintf(f, "  \"ood\": [");
    for (int i = 0; i < r->n_ood; i++) {
        const eval_ood_t *o = &r->ood[i];
        fprintf(f,
                "%s\n    {\"set\": \"%s\", \"images\": %llu, \"threshold_percentile\": 95, "
                "\"entropy\": {\"rate\": %.10g, \"auroc\": %.10g}, "
                "\"mi\": {\"rate\": %.10g, \"auroc\": %.10g}}",
                i ? "," : "", o->name, (unsigned long long)o->images, o->rate_entropy,
                o->auroc_entropy, o->rate_mi, o->auroc_mi);
    }
    fprintf(f, "%s],\n", r->n_ood ? "\n  " : "");
    fprintf(f,
            "  \"cost\": {\"timing\": \"analytic\", \"energy_uj\": %.10g, \"latency_us\": "
            "%.10g, \"area_mm2\": %.10g, \"p_mean\": ",
            r->energy_uj, r->latency_us, r->area_mm2);
    if (r->p_mean >= 0)
        fprintf(f, "%.10g}\n}\n", r->p_mean);
    else
        fprintf(f, "null}\n}\n");
}

/* Writes DIR/eval.csv and DIR/eval.json, each whole (trc_fs.h).  CLI_OK or CLI_ERUN. */
static int write_outputs(trc_dir_t *d, const eval_res_t *r, const eval_cfg_t *c)
{
    char err[512];
    trc_file_t *tf[2] = {NULL, NULL};
    int st = trc_file_create(d, "eval.csv", &tf[0], err, sizeof err);
    if (st == ST_OK)
        st = trc_file_create(d, "eval.json", &tf[1], err, sizeof err);
    if (st != ST_OK) {
        trc_file_abort(tf[0]);
        fprintf(stderr, "neuspin: error: %s\n", err);
        return CLI_ERUN;
    }
    write_csv(trc_file_stream(tf[0]), r, c->model);
    write_json(trc_file_stream(tf[1]), r, c, c->images ? c->images : EVAL_IMAGES,
               c->labels ? c->labels : EVAL_LABELS);
    st = trc_file_commit(tf[0], err, sizeof err);
    if (st == ST_OK)
        st = trc_file_commit(tf[1], err, sizeof err);
    else
        trc_file_abort(tf[1]);
    if (st != ST_OK) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        return CLI_ERUN;
    }
    trc_dir_sync(d);
    return CLI_OK;
}

static void print_res(const eval_res_t *r, uint64_t seed)
{
    printf("neuspin eval: %s on %s (scheme %s), %llu images, T=%u, seed %llu\n", r->model,
           r->arch_name, r->scheme, (unsigned long long)r->m.n, r->T, (unsigned long long)seed);
    printf("  accuracy %.2f %%", 100 * r->m.accuracy);
    if (r->ref_accuracy >= 0)
        printf(" (trainer: %.2f %%)", 100 * r->ref_accuracy);
    printf("\n  nll %.4f  ece %.4f  brier %.4f  entropy %.4f  mi %.4f\n", r->m.nll, r->m.ece,
           r->m.brier, r->m.entropy, r->m.mi);
    for (int i = 0; i < r->n_ood; i++)
        printf("  ood %-7s %5llu images: detected %5.1f %% (entropy), %5.1f %% (mi); AUROC "
               "%.3f (entropy), %.3f (mi)\n",
               r->ood[i].name, (unsigned long long)r->ood[i].images, 100 * r->ood[i].rate_entropy,
               100 * r->ood[i].rate_mi, r->ood[i].auroc_entropy, r->ood[i].auroc_mi);
    printf("  per image (analytic): energy %.4g uJ, latency %.4g us; chip area %.4g mm2",
           r->energy_uj, r->latency_us, r->area_mm2);
    if (r->p_mean >= 0)
        printf(", achieved p %.4f", r->p_mean);
    printf("\n");
}

/* ---- The command ---- */

enum { O_IMAGES = 1, O_LABELS, O_COUNT, O_OOD, O_JOBS, O_OUT, O_QUIET };

static const cli_opt_t eval_opts[] = {
    {CLI_O_ARCH, 'a', "arch", "ARCH",
     "architecture: a YAML file or a built-in name (default: the built-in\n"
     "of the model's scheme, metadata neuspin.scheme)"},
    {CLI_O_WORKLOAD, 'w', "model", "MODEL.onnx", "the trained network (docs/onnx.md); required"},
    CLI_OPT_PARAM,
    CLI_OPT_PASSES,
    CLI_OPT_SEED,
    CLI_OPT_DEVICE_SEED,
    CLI_OPT_MAPPING,
    CLI_OPT_INCLUDE,
    {O_IMAGES, 0, "images", "FILE", "test images, IDX (.gz or plain; default: Fashion-MNIST t10k)"},
    {O_LABELS, 0, "labels", "FILE", "their labels, IDX"},
    {O_COUNT, 'n', "count", "N", "evaluate the first N images (default: all)"},
    {O_OOD, 0, "ood", "LIST",
     "out-of-distribution sets, comma-separated: noise, rotate[:LO:HI]\n"
     "(degrees; default 30:330), idx:FILE, or none (default: noise, rotate\n"
     "and the model directory's ood/digits-images-idx3-ubyte.gz if present)"},
    {O_JOBS, 'j', "jobs", "J", "threads (default 1; the output is the same for any J)"},
    {O_OUT, 'o', "output", "DIR", "write DIR/eval.csv and DIR/eval.json"},
    {O_QUIET, 'q', "quiet", NULL, "do not print the table"},
    {0, 0, NULL, NULL, NULL},
};

const cli_cmd_t cli_eval_cmd = {
    "eval", "-w MODEL.onnx [OPTION]...",
    "Runs a trained binary Bayesian network through the mapped hardware, T MC passes per\n"
    "image, and prints accuracy, negative log-likelihood, expected calibration error,\n"
    "Brier score, predictive entropy and mutual information, the out-of-distribution\n"
    "detection rate at the 95th percentile of the test set's entropy (and MI) with its\n"
    "AUROC, and the analytic energy, latency and area per image (docs/eval.md).",
    eval_opts, "Exit status: 0 success, 1 a runtime failure, 2 a usage, model or data error."};

int cli_eval(args_t *a)
{
    eval_cfg_t c = {0};
    const char *out_dir = NULL;
    int quiet = 0, rc;
    uint64_t v64;
    cli_runopts_t ro;
    cli_runopts_init(&ro);
    c.jobs = 1;
    cli_opt_state_t ps;
    cli_opt_begin(&ps, a, &cli_eval_cmd);
    const char *v;
    cli_loc_t loc;
    int id, ex;
    while (cli_opt_more(&ps, &id, &v, &loc, &ex)) {
        if ((rc = cli_runopts_take(&ro, a, id, v, loc))) {
            if (rc < 0)
                return CLI_EUSAGE;
        } else if (id == O_IMAGES) {
            c.images = v;
        } else if (id == O_LABELS) {
            c.labels = v;
        } else if (id == O_COUNT) {
            if (cli_loc_u64(a, loc, "-n", v, 1, UINT32_MAX, &c.n))
                return CLI_EUSAGE;
        } else if (id == O_OOD) {
            c.ood = v;
        } else if (id == O_JOBS) {
            if (cli_loc_u64(a, loc, "--jobs", v, 1, EVAL_MAX_JOBS, &v64))
                return CLI_EUSAGE;
            c.jobs = (uint32_t)v64;
        } else if (id == O_OUT) {
            out_dir = v;
        } else if (id == O_QUIET) {
            quiet = 1;
        } else {
            return cli_loc_error(
                a, loc, "unexpected argument '%s' for 'eval' (see 'neuspin eval --help')", v);
        }
    }
    if (ex >= 0)
        return ex;
    if (!ro.workload) {
        fprintf(stderr, "neuspin: error: eval: the model (-w MODEL.onnx) is required but not "
                        "given\n");
        return CLI_EUSAGE;
    }
    if ((c.images != NULL) != (c.labels != NULL)) {
        fprintf(stderr, "neuspin: error: eval: give both --images and --labels, or neither\n");
        return CLI_EUSAGE;
    }
    c.model = ro.workload;
    c.arch = ro.arch;
    c.T = (uint32_t)ro.T;
    c.seed = ro.have_seed ? ro.seed : 1;
    c.device_seed = ro.device_seed;
    c.a = a;
    c.ro = &ro;
    trc_dir_t *d = NULL;
    char err[512];
    if (out_dir && (trc_dir_open(out_dir, 1, &d, err, sizeof err) != ST_OK ||
                    trc_dir_lock(d, err, sizeof err) != ST_OK)) {
        fprintf(stderr, "neuspin: error: %s\n", err);
        trc_dir_close(d);
        return CLI_ERUN;
    }
    eval_res_t r;
    rc = eval_model(&c, &r);
    if (rc == CLI_OK && !quiet)
        print_res(&r, c.seed);
    if (rc == CLI_OK && d) {
        rc = write_outputs(d, &r, &c);
        if (rc == CLI_OK && !quiet)
            printf("  wrote %s/eval.csv and %s/eval.json\n", out_dir, out_dir);
    }
    trc_dir_close(d);
    return rc;
}
