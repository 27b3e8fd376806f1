/* wl_dump.c - a network written back as YAML that loads to the same network (wl.h).
 *
 * Used where a result must not depend on a file that may change: a sweep runs its points
 * from these dumps in its own directory (docs/security.md).  Every key is written that the
 * loader would otherwise infer differently: `input:` only where a layer does not read the
 * previous one, k/stride/pad for windows, cout for conv and fc, p with 17 digits. */
#include <stdio.h>

#include "base/status.h"
#include "wl.h"

/* A YAML double-quoted scalar.  Names never hold control characters (the loader refuses
 * them), so quotes and backslashes are all that need escaping. */
static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int wl_dump_yaml(const wl_net_t *n, FILE *f)
{
    if (!n || !f)
        return ST_EINVAL;
    fprintf(f, "version: 1\nname: ");
    quoted(f, n->name);
    fprintf(f, "\ninput: {c: %u, h: %u, w: %u}\nmc_samples: %u\nlayers:\n", n->in_c, n->in_h,
            n->in_w, n->T);
    for (uint32_t i = 0; i < n->n_layers; i++) {
        const wl_layer_t *l = &n->layers[i];
        fprintf(f, "  - {name: ");
        quoted(f, l->name);
        fprintf(f, ", type: %s", wl_kind_name(l->kind));
        if (l->input != (int32_t)i - 1) {
            if (l->input < 0) /* only the first layer reads the network input */
                return ST_EINVAL;
            fprintf(f, ", input: ");
            quoted(f, n->layers[l->input].name);
        }
        if (l->kind == WL_CONV || l->kind == WL_FC)
            fprintf(f, ", cout: %u", l->cout);
        if (l->kind == WL_CONV || l->kind == WL_MAXPOOL || l->kind == WL_AVGPOOL)
            fprintf(f, ", k: %u, stride: %u, pad: %u", l->k, l->stride, l->pad);
        if (l->kind == WL_ADD && l->from >= 0) {
            fprintf(f, ", from: ");
            quoted(f, n->layers[l->from].name);
        }
        if (l->p > 0)
            fprintf(f, ", dropout: %.17g", l->p);
        if (l->mapping)
            fprintf(f, ", mapping: %u", l->mapping);
        fprintf(f, "}\n");
    }
    return ferror(f) ? ST_EIO : ST_OK;
}
