/* trc_manifest.c - run.json from a plain description of the run (trc_manifest.h). */
#define _POSIX_C_SOURCE 200809L
#include "trc_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"

/* The architecture as a JSON object: top-level keys first, then one object per block. */
static void arch_object(FILE *f, const trc_kv_t *kv, size_t n)
{
    fputc('{', f);
    const char *open = NULL; /* the block whose object is open */
    int first = 1, first_in = 1;
    for (size_t i = 0; i < n; i++) {
        const char *b = kv[i].block ? kv[i].block : "";
        if (b[0] && (!open || strcmp(open, b))) {
            if (open)
                fputc('}', f);
            fputs(first ? "\n    " : ",\n    ", f);
            trc_json_string(f, b);
            fputs(": {", f);
            open = b;
            first = 0;
            first_in = 1;
        } else if (!b[0]) {
            if (open)
                fputc('}', f);
            open = NULL;
            fputs(first ? "\n    " : ",\n    ", f);
            first = 0;
        }
        if (open)
            fputs(first_in ? "" : ", ", f);
        first_in = 0;
        trc_json_string(f, kv[i].key);
        fputs(": ", f);
        if (kv[i].kind == TRC_KV_STRING)
            trc_json_string(f, kv[i].value);
        else
            fputs(kv[i].value, f);
    }
    if (open)
        fputc('}', f);
    fputs(n ? "\n  }" : "}", f);
}

char *trc_run_json(const trc_run_manifest_t *m, const trc_sum_t *sum)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    uint64_t bits = 0, mods = 0, wbits = 0, bbits = 0, sbits = 0;
    for (uint32_t i = 0; i < sum->n_layers; i++) {
        bits += sum->rng_bits[i];
        mods += sum->layers[i].rng_modules;
        wbits += sum->layers[i].weight_bits;
        bbits += sum->layers[i].bayes_bits;
        sbits += sum->layers[i].sram_bits;
    }
    char wl_sha[SHA256_HEX_LEN + 1];
    sha256_hex(m->wl_yaml ? m->wl_yaml : "", m->wl_yaml ? strlen(m->wl_yaml) : 0, wl_sha);
    fprintf(f, "{\n  \"schema\": 1,\n  \"simulator\": \"neuspin\",\n  \"version\": ");
    trc_json_string(f, m->version);
    fprintf(f, ",\n  \"command\": \"run\",\n  \"seed\": \"%llu\",\n  \"device_seed\": \"%llu\",\n",
            (unsigned long long)m->seed, (unsigned long long)m->device_seed);
    fprintf(f, "  \"mc_passes\": %u,\n  \"mapping_override\": %u,\n  \"clock_mhz\": %.17g,\n",
            m->mc_passes, m->mapping_override, m->clock_mhz);
    fprintf(f, "  \"scheme\": ");
    trc_json_string(f, m->scheme);
    fprintf(f, ",\n  \"schedule\": ");
    trc_json_string(f, m->schedule);
    fprintf(f, ",\n  \"timing\": ");
    trc_json_string(f, m->timing);
    fprintf(f, ",\n  \"time_unit\": \"cycle\",\n  \"cycle_ns\": %.17g,\n", m->cycle_ns);
    fprintf(f, "  \"workload\": {\"name\": ");
    trc_json_string(f, m->wl_name);
    fprintf(f, ", \"source\": ");
    trc_json_string(f, m->wl_source);
    fprintf(f, ", \"layers\": %u, \"sha256\": \"%s\", \"yaml\": ", m->wl_layers, wl_sha);
    trc_json_string(f, m->wl_yaml ? m->wl_yaml : "");
    fprintf(f, "},\n  \"architecture\": ");
    arch_object(f, m->arch, m->n_arch);
    fprintf(f, ",\n  \"architecture_yaml\": ");
    trc_json_string(f, m->arch_yaml ? m->arch_yaml : "");
    fprintf(f,
            ",\n  \"per_image\": {\"cycles\": %llu, \"latency_ns\": %.17g, \"energy_pj\": %.17g, "
            "\"rng_bits\": %llu},\n",
            (unsigned long long)sum->end_cyc, sum->end_cyc * m->cycle_ns, trc_sum_total_pj(sum),
            (unsigned long long)bits);
    fprintf(f,
            "  \"hardware\": {\"rng_modules\": %llu, \"weight_bits\": %llu, \"bayes_bits\": %llu, "
            "\"sram_bits\": %llu, \"tiles_used\": %u, \"tiles\": %u},\n",
            (unsigned long long)mods, (unsigned long long)wbits, (unsigned long long)bbits,
            (unsigned long long)sbits, m->tiles_used, m->tiles_total);
    fprintf(f, "  \"programming\": {\"cycles\": %llu, \"energy_pj\": %.17g}",
            (unsigned long long)m->prog_cycles, m->prog_energy_pj);
    if (m->area) {
        const trc_area_t *a = m->area;
        fprintf(f,
                ",\n  \"area\": {\"chip_mm2\": %.17g, \"used_mm2\": %.17g, \"static_uw\": %.17g, "
                "\"by_component\": {",
                a->chip_total_um2 / 1e6, a->used_um2 / 1e6, a->static_uw);
        for (int k = 0, n = 0; k < COMP_COUNT; k++)
            if (k != COMP_LEAK)
                fprintf(f, "%s\"%s\": %.17g", n++ ? ", " : "", comp_name((comp_t)k),
                        a->chip_um2[k] / 1e6);
        fprintf(f, "}}");
    }
    fprintf(f, ",\n  \"layers\": [");
    for (uint32_t i = 0; i < sum->n_layers; i++) {
        const trc_layer_t *l = &sum->layers[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        trc_json_string(f, l->name);
        fprintf(f, ", \"area_um2\": %.17g, \"static_uw\": %.17g, ", l->area_um2, l->static_uw);
        if (l->has_p)
            fprintf(f, "\"p_target\": %.17g, \"p_mean\": %.17g, \"p_std\": %.17g}", l->p_target,
                    l->p_mean, l->p_std);
        else
            fprintf(f, "\"p_target\": null, \"p_mean\": null, \"p_std\": null}");
    }
    fprintf(f, "\n  ]\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
