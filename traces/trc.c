/* trc.c - totals, the pretty table, and the crash-safe CSV/JSON writers. */
#define _POSIX_C_SOURCE 200809L
#include "trc_int.h"
#include "trc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/status.h"
#include "trc_fs.h"
#include "trc_read.h"

/* ---- Totals ---- */

int trc_sum_create(const trc_layer_t *layers, uint32_t n_layers, uint32_t T, const en_table_t *en,
                   double clk_ns, trc_sum_t **out)
{
    trc_sum_t *s = st_calloc(1, sizeof *s);
    if (!s)
        return ST_ENOMEM;
    s->n_layers = n_layers;
    s->T = T;
    s->layers = layers;
    s->en = *en;
    s->clk_ns = clk_ns;
    s->cycles = st_calloc(n_layers, sizeof *s->cycles);
    s->rng_bits = st_calloc(n_layers, sizeof *s->rng_bits);
    s->rows_dropped = st_calloc(n_layers, sizeof *s->rows_dropped);
    s->rng_cycles = st_calloc(n_layers, sizeof *s->rng_cycles);
    s->acts = st_calloc(n_layers, sizeof *s->acts);
    if (!s->cycles || !s->rng_bits || !s->rows_dropped || !s->rng_cycles || !s->acts) {
        trc_sum_destroy(s);
        return ST_ENOMEM;
    }
    *out = s;
    return ST_OK;
}

void trc_sum_destroy(trc_sum_t *s)
{
    if (!s)
        return;
    free(s->cycles);
    free(s->rng_bits);
    free(s->rows_dropped);
    free(s->rng_cycles);
    free(s->acts);
    free(s);
}

void trc_sum_add(trc_sum_t *s, const trc_rec_t *r)
{
    SIM_ASSERT(r->layer < s->n_layers);
    s->cycles[r->layer] += r->cycles;
    s->rng_bits[r->layer] += r->rng_bits;
    s->rows_dropped[r->layer] += r->rows_dropped;
    s->rng_cycles[r->layer] += r->rng_cycles;
    act_counts_add(&s->acts[r->layer], &r->acts);
    if (r->start_cyc + r->cycles > s->end_cyc)
        s->end_cyc = r->start_cyc + r->cycles;
}

double trc_leak_pj(const trc_layer_t *l, uint64_t cycles, double clk_ns)
{
    return l->static_uw * (double)cycles * clk_ns * 1e-3;
}

double trc_sum_layer_pj(const trc_sum_t *s, uint32_t i, double comp_pj[COMP_COUNT])
{
    double leak = trc_leak_pj(&s->layers[i], s->cycles[i], s->clk_ns);
    if (comp_pj) {
        en_by_comp_pj(s->layers[i].has_en ? &s->layers[i].en : &s->en, &s->acts[i], comp_pj);
        comp_pj[COMP_LEAK] += leak;
    }
    return en_total_pj(s->layers[i].has_en ? &s->layers[i].en : &s->en, &s->acts[i]) + leak;
}

double trc_sum_total_pj(const trc_sum_t *s)
{
    double e = 0;
    for (uint32_t i = 0; i < s->n_layers; i++)
        e += trc_sum_layer_pj(s, i, NULL);
    return e;
}

/* Formats a bit count as "61.5 Kib" style text with binary prefixes. */
static void fmt_bits(char *buf, size_t n, double bits)
{
    static const char *const unit[] = {"b", "Kib", "Mib", "Gib"};
    int u = 0;
    while (bits >= 1024.0 && u < 3) {
        bits /= 1024.0;
        u++;
    }
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", bits, unit[u]);
}

void trc_print_table(FILE *f, const trc_sum_t *s, const char *title)
{
    double T = s->T ? s->T : 1;
    double comp_total[COMP_COUNT] = {0};
    for (uint32_t i = 0; i < s->n_layers; i++) {
        double c[COMP_COUNT];
        trc_sum_layer_pj(s, i, c);
        for (int k = 0; k < COMP_COUNT; k++)
            comp_total[k] += c[k];
    }
    int show[COMP_COUNT];
    for (int k = 0; k < COMP_COUNT; k++)
        show[k] = comp_total[k] > 0;

    if (title)
        fprintf(f, "%s\n", title);
    fprintf(f, "per MC pass (mean of %u); energy in nJ\n", s->T);
    fprintf(f, "%-14s %-7s %3s %5s %5s %10s %11s %9s", "layer", "kind", "map", "tiles", "util",
            "cycles", "ns", "E total");
    for (int k = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(f, " %8s", comp_name((comp_t)k));
    fprintf(f, " %8s %10s %10s\n", "rng_mod", "rng_bits", "memory");

    uint64_t mods = 0, wbits = 0, bits_all = 0;
    for (uint32_t i = 0; i < s->n_layers; i++) {
        const trc_layer_t *l = &s->layers[i];
        double c[COMP_COUNT];
        double e = trc_sum_layer_pj(s, i, c);
        char map[8], w[24];
        snprintf(map, sizeof map, l->mapping ? "%u" : "-", l->mapping);
        fmt_bits(w, sizeof w, (double)(l->weight_bits + l->bayes_bits + l->sram_bits));
        char util[8];
        snprintf(util, sizeof util, l->tiles ? "%.0f%%" : "-", 100.0 * l->util);
        fprintf(f, "%-14.14s %-7s %3s %5u %5s %10.0f %11.1f %9.3f", l->name, l->kind, map, l->tiles,
                util, s->cycles[i] / T, s->cycles[i] / T * s->clk_ns, e / T / 1000.0);
        for (int k = 0; k < COMP_COUNT; k++)
            if (show[k])
                fprintf(f, " %8.3f", c[k] / T / 1000.0);
        if (l->tiles)
            fprintf(f, " %8u %10.0f %10s\n", l->rng_modules, s->rng_bits[i] / T, w);
        else /* no crossbar: no dropout modules, no weights */
            fprintf(f, " %8s %10s %10s\n", "-", "-", "-");
        mods += l->rng_modules;
        wbits += l->weight_bits + l->bayes_bits + l->sram_bits;
        bits_all += s->rng_bits[i];
    }

    double e_img = trc_sum_total_pj(s);
    uint64_t cyc_pass_sum = 0;
    for (uint32_t i = 0; i < s->n_layers; i++)
        cyc_pass_sum += s->cycles[i];
    char w[24];
    fmt_bits(w, sizeof w, (double)wbits);
    char img[32];
    snprintf(img, sizeof img, "per image (T=%u)", s->T);
    fprintf(f, "\ntotals %22s %16s %16s %12s\n", "cycles", "latency", "energy", "random bits");
    /* A pass's latency is the image's over T: under the pipelined schedule layers (and
     * passes) overlap, so the layers' summed cycles exceed it and are shown apart. */
    double pass_cyc = (double)s->end_cyc / T;
    fprintf(f, "  %-18s %12.0f %13.3f us %13.3f nJ %12.0f\n", "per pass (mean)", pass_cyc,
            pass_cyc * s->clk_ns / 1000.0, e_img / T / 1000.0, bits_all / T);
    fprintf(f, "  %-18s %12llu %13.3f us %13.3f nJ %12llu\n", img, (unsigned long long)s->end_cyc,
            s->end_cyc * s->clk_ns / 1000.0, e_img / 1000.0, (unsigned long long)bits_all);
    if (cyc_pass_sum != s->end_cyc)
        fprintf(f,
                "  layers busy per pass (mean) %.0f cycles: they overlap, %.2fx the pass "
                "latency\n",
                cyc_pass_sum / T, s->end_cyc ? (double)cyc_pass_sum / (double)s->end_cyc : 0.0);
    fprintf(f, "  energy by component per image:");
    for (int k = 0; k < COMP_COUNT; k++)
        if (show[k])
            fprintf(f, " %s %.1f%%", comp_name((comp_t)k),
                    e_img > 0 ? 100.0 * comp_total[k] / e_img : 0.0);
    uint64_t cells = 0, stoch = 0, cyc_all = 0;
    for (uint32_t i = 0; i < s->n_layers; i++) {
        cells += 2 * s->layers[i].weight_bits + s->layers[i].bayes_cells;
        stoch += s->rng_cycles[i];
        cyc_all += s->cycles[i];
    }
    fprintf(f,
            "\n  RNG modules %llu, stochastic units busy %.1f%% of the cycles, memory %s "
            "(%llu crossbar cells)\n",
            (unsigned long long)mods, cyc_all ? 100.0 * (double)stoch / (double)cyc_all : 0.0, w,
            (unsigned long long)cells);
}

void trc_print_area(FILE *f, const trc_sum_t *s, const trc_area_t *a)
{
    double mm2 = a->chip_total_um2 / 1e6;
    fprintf(f, "  area: chip %.4f mm^2, used %.4f mm^2 (%.0f%%); chip by component:", mm2,
            a->used_um2 / 1e6, mm2 > 0 ? 100.0 * a->used_um2 / a->chip_total_um2 : 0.0);
    for (int k = 0; k < COMP_COUNT; k++)
        if (a->chip_um2[k] > 0)
            fprintf(f, " %s %.1f%%", comp_name((comp_t)k),
                    100.0 * a->chip_um2[k] / a->chip_total_um2);
    double e = trc_sum_total_pj(s), ns = (double)s->end_cyc * s->clk_ns;
    fprintf(f, "\n  static power %.3f uW (chip); EDAP per image %.6g pJ ns mm^2\n", a->static_uw,
            e * ns * mm2);
}

/* ---- Files ---- */

/* CSV fields: trc_csv_field (trc_read.c), quoted per RFC 4180 when needed. */
#define csv_field trc_csv_field

enum { F_LAYERS, F_STATS, F_RUN, F_COUNT };
static const char *const final_name[F_COUNT] = {"layers.csv", "stats.csv", "run.json"};

struct trc_out {
    trc_dir_t *dir;          /* the output directory, locked while the run writes it */
    trc_file_t *tf[F_COUNT]; /* files under their temporary names */
    FILE *f[F_COUNT];
    const trc_layer_t *layers;
    uint32_t n_layers;
    en_table_t en;
    double clk_ns;
    int failed; /* a write failed: commit refuses */
};

void trc_set_err(char *err, size_t n, const char *fmt, ...)
{
    if (!err || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

void trc_out_abort(trc_out_t *o)
{
    if (!o)
        return;
    for (int i = 0; i < F_COUNT; i++)
        trc_file_abort(o->tf[i]);
    trc_dir_close(o->dir);
    free(o);
}

static int open_tmp(trc_out_t *o, int i, char *err, size_t errn)
{
    int rc = trc_file_create(o->dir, final_name[i], &o->tf[i], err, errn);
    if (rc != ST_OK)
        return rc;
    o->f[i] = trc_file_stream(o->tf[i]);
    return ST_OK;
}

int trc_out_open(const char *dir, const trc_layer_t *layers, uint32_t n_layers,
                 const en_table_t *en, double clk_ns, trc_out_t **out, char *err, size_t errn)
{
    trc_out_t *o = st_calloc(1, sizeof *o);
    if (!o)
        return ST_ENOMEM;
    int rc = trc_dir_open(dir, 1, &o->dir, err, errn);
    if (rc == ST_OK)
        rc = trc_dir_lock(o->dir, err, errn);
    if (rc != ST_OK) {
        trc_out_abort(o);
        return rc == ST_ENOMEM ? rc : ST_EIO;
    }
    trc_dir_clean_tmp(o->dir); /* what a killed run left */
    o->layers = layers;
    o->n_layers = n_layers;
    o->en = *en;
    o->clk_ns = clk_ns;
    if ((rc = open_tmp(o, F_LAYERS, err, errn)) || (rc = open_tmp(o, F_STATS, err, errn))) {
        trc_out_abort(o);
        return rc == ST_ENOMEM ? rc : ST_EIO;
    }
    FILE *lf = o->f[F_LAYERS];
    trc_schema_header(lf, &trc_schema_layers); /* the readers check against the same table */
    trc_schema_header(o->f[F_STATS], &trc_schema_stats);
    *out = o;
    return ST_OK;
}

int trc_out_rec(trc_out_t *o, const trc_rec_t *r)
{
    const trc_layer_t *l = &o->layers[r->layer];
    double c[COMP_COUNT];
    const en_table_t *en = l->has_en ? &l->en : &o->en; /* the layer's own, where it has one */
    en_by_comp_pj(en, &r->acts, c);
    c[COMP_LEAK] += trc_leak_pj(l, r->cycles, o->clk_ns);
    double e = en_total_pj(en, &r->acts) + trc_leak_pj(l, r->cycles, o->clk_ns);
    FILE *lf = o->f[F_LAYERS];
    fprintf(lf, "%u,", r->layer);
    csv_field(lf, l->name);
    fprintf(lf, ",%s,%u,%u,%u,%llu,%llu,%.6g,%.9g", l->kind, r->pass, l->mapping, l->tiles,
            (unsigned long long)r->start_cyc, (unsigned long long)r->cycles, r->cycles * o->clk_ns,
            e);
    for (int k = 0; k < COMP_COUNT; k++)
        fprintf(lf, ",%.9g", c[k]);
    fprintf(lf, ",%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu", l->rng_modules,
            (unsigned long long)r->rng_bits, (unsigned long long)r->rng_cycles,
            (unsigned long long)r->rows_dropped, (unsigned long long)l->weight_bits,
            (unsigned long long)l->bayes_bits, (unsigned long long)l->bayes_cells,
            (unsigned long long)l->sram_bits);
    fprintf(lf, ",%.9g,%.9g", l->area_um2, l->static_uw);
    if (l->has_p)
        fprintf(lf, ",%.9g,%.9g,%.9g\n", l->p_target, l->p_mean, l->p_std);
    else
        fputs(",,,\n", lf);

    FILE *sf = o->f[F_STATS];
    csv_field(sf, l->name);
    fprintf(sf, ",%u,layer,cycles,,%llu,cycle\n", r->pass, (unsigned long long)r->cycles);
    csv_field(sf, l->name);
    fprintf(sf, ",%u,layer,rng_bits,,%llu,bit\n", r->pass, (unsigned long long)r->rng_bits);
    for (int a = 0; a < ACT_COUNT; a++) {
        if (!r->acts.n[a])
            continue;
        const act_desc_t *d = act_desc((act_t)a);
        csv_field(sf, l->name);
        fprintf(sf, ",%u,layer.%s,%s,,%llu,count\n", r->pass, comp_name(d->comp), d->name,
                (unsigned long long)r->acts.n[a]);
    }
    for (int k = 0; k < COMP_COUNT; k++)
        if (c[k] > 0) {
            csv_field(sf, l->name);
            fprintf(sf, ",%u,layer.%s,energy,,%.9g,pJ\n", r->pass, comp_name((comp_t)k), c[k]);
        }
    if (ferror(lf) || ferror(sf))
        o->failed = 1;
    return o->failed ? ST_EIO : ST_OK;
}

int trc_out_block(trc_out_t *o, const char *path, uint32_t index, const stat_desc_t *descs,
                  unsigned n, const void *stats)
{
    for (unsigned i = 0; i < n; i++)
        fprintf(o->f[F_STATS], "*,*,%s,%s,%u,%llu,%s\n", path, descs[i].name, index,
                (unsigned long long)stat_get(stats, &descs[i]), descs[i].unit);
    if (ferror(o->f[F_STATS]))
        o->failed = 1;
    return o->failed ? ST_EIO : ST_OK;
}

int trc_out_commit(trc_out_t *o, const char *run_json, char *err, size_t errn)
{
    if (o->failed) {
        trc_set_err(err, errn, "%s: writing the traces failed: %s", trc_dir_path(o->dir),
                    strerror(errno));
        trc_out_abort(o);
        return ST_EIO;
    }
    /* run.json names its files by size and content: resume and merge check them. */
    size_t jn = strlen(run_json);
    while (jn && (run_json[jn - 1] == '\n' || run_json[jn - 1] == ' '))
        jn--;
    if (jn && run_json[jn - 1] == '}') /* the object's own closing brace */
        jn--;
    while (jn && run_json[jn - 1] == '\n')
        jn--;
    char hex[2][65];
    uint64_t bytes[2];
    for (int i = F_LAYERS; i <= F_STATS; i++)
        if (trc_file_sha256(o->tf[i], hex[i], &bytes[i], err, errn) != ST_OK) {
            trc_out_abort(o);
            return ST_EIO;
        }
    if (open_tmp(o, F_RUN, err, errn)) {
        trc_out_abort(o);
        return ST_EIO;
    }
    fwrite(run_json, 1, jn, o->f[F_RUN]);
    size_t k = jn; /* an empty object "{}" takes no comma */
    while (k && (run_json[k - 1] == ' ' || run_json[k - 1] == '\n'))
        k--;
    fputs(k && run_json[k - 1] == '{' ? "\n  \"files\": [" : ",\n  \"files\": [", o->f[F_RUN]);
    for (int i = F_LAYERS; i <= F_STATS; i++)
        fprintf(o->f[F_RUN], "%s{\"name\": \"%s\", \"bytes\": %llu, \"sha256\": \"%s\"}",
                i ? ", " : "", final_name[i], (unsigned long long)bytes[i], hex[i]);
    fputs("]\n}\n", o->f[F_RUN]);
    /* run.json is the commit mark: the earlier run's goes first and the new one is renamed
     * last, so a process killed between two renames leaves a directory without run.json
     * (visibly incomplete), never one whose files come from two runs. */
    if (trc_dir_unlink(o->dir, final_name[F_RUN], err, errn) != ST_OK) {
        trc_out_abort(o);
        return ST_EIO;
    }
    for (int i = 0; i < F_COUNT; i++) {
        trc_file_t *tf = o->tf[i];
        o->tf[i] = NULL;
        if (trc_file_commit(tf, err, errn) != ST_OK) {
            trc_out_abort(o);
            return ST_EIO;
        }
    }
    /* The renames themselves reach the disk with the directory. */
    trc_dir_sync(o->dir);
    trc_dir_close(o->dir);
    free(o);
    return ST_OK;
}

void trc_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}
