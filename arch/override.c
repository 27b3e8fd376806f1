/* override.c - one architecture key set from text (`neuspin run -p xbar.rows=256`, the axes
 * of a sweep file), read through the same schema row and the same value rules as a YAML
 * file: the value is wrapped in a one-key document and handed to ydoc_apply. */
#include "arch.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

/* Splits "block.key" (or a top-level "key") and finds its row.  NULL when unknown. */
const yfield_t *arch_key_find(const char *key, const arch_block_t **block)
{
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    const char *dot = key ? strchr(key, '.') : NULL;
    size_t bl = dot ? (size_t)(dot - key) : 0;
    const char *leaf = dot ? dot + 1 : key;
    if (!key)
        return NULL;
    for (size_t i = 0; i < nb; i++) {
        if (strlen(b[i].key) != bl || strncmp(b[i].key, key, bl) != 0)
            continue;
        for (size_t j = 0; j < b[i].n_fields; j++)
            if (strcmp(b[i].fields[j].key, leaf) == 0) {
                if (block)
                    *block = &b[i];
                return &b[i].fields[j];
            }
    }
    return NULL;
}

size_t arch_field_size(const yfield_t *r)
{
    switch (r->type) {
    case YF_U32:
        return sizeof(uint32_t);
    case YF_F64:
        return sizeof(double);
    case YF_BOOL:
        return sizeof(int);
    case YF_ENUM:
        return sizeof(uint32_t);
    case YF_STR:
        return 64;
    }
    return 0;
}

/* Edit distance with transpositions, enough to suggest a key for a typo. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[80][80];
    if (la >= 80 || lb >= 80)
        return 99;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* "block.key" of row j of block b into buf. */
static void full_key(char *buf, size_t n, const arch_block_t *b, size_t j)
{
    if (b->key[0])
        snprintf(buf, n, "%s.%s", b->key, b->fields[j].key);
    else
        snprintf(buf, n, "%s", b->fields[j].key);
}

/* Re-homes the diagnostics [from, dl->n) onto the caller's location: they were made
 * against the one-line document built here. */
static void relocate(arch_diag_list_t *dl, uint32_t from, const char *file, uint32_t line,
                     uint32_t col, const char *src)
{
    for (uint32_t i = from; i < dl->n; i++) {
        arch_diag_t *d = &dl->d[i];
        snprintf(d->file, sizeof d->file, "%s", file);
        d->line = line;
        d->col = line ? col : 0;
        snprintf(d->src, sizeof d->src, "%s", line && src ? src : "");
        d->note_line = 0;
        d->note[0] = '\0';
    }
}

void arch_key_suggest(const char *key, char *buf, size_t n)
{
    size_t nb, best_d = 3;
    const arch_block_t *b = arch_blocks(&nb);
    char k[96];
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < b[i].n_fields; j++) {
            full_key(k, sizeof k, &b[i], j);
            size_t e = distance(key, k);
            if (e < best_d && e < strlen(key))
                best_d = e, snprintf(buf, n, "%s", k);
        }
}

int arch_override_at(arch_t *a, const char *key, const char *value, const char *file, uint32_t line,
                     uint32_t col, const char *src, arch_diag_list_t *dl)
{
    const arch_block_t *blk = NULL;
    const yfield_t *r = arch_key_find(key, &blk);
    if (!r) {
        char best[96];
        arch_key_suggest(key, best, sizeof best);
        uint32_t from = dl->n;
        if (best[0])
            arch_diag_add(dl, file, 0, 0, "", NULL,
                          "unknown architecture key '%s', did you mean '%s'?", key, best);
        else
            arch_diag_add(dl, file, 0, 0, "", NULL,
                          "unknown architecture key '%s' (see 'neuspin config --list-params')",
                          key);
        /* the key comes before the value ("KEY=VALUE"): point at it */
        uint32_t kcol = col > strlen(key) + 1 ? col - (uint32_t)strlen(key) - 1 : col;
        relocate(dl, from, file, line, kcol, src);
        return ST_ECONFIG;
    }

    /* `"leaf": "value"` with the value double-quoted (every byte escaped that YAML would
     * read differently), or left plain when empty so an empty value reads as one. */
    size_t vlen = strlen(value);
    char *text = st_malloc(strlen(r->key) + 4 * vlen + 16);
    if (!text)
        return ST_ENOMEM;
    size_t o = (size_t)sprintf(text, "\"%s\":", r->key);
    if (vlen) {
        text[o++] = ' ';
        text[o++] = '"';
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
            if (*p == '"' || *p == '\\') {
                text[o++] = '\\';
                text[o++] = (char)*p;
            } else if (*p < 0x20 || *p == 0x7f) {
                o += (size_t)sprintf(text + o, "\\x%02x", *p);
            } else {
                text[o++] = (char)*p;
            }
        }
        text[o++] = '"';
    }
    text[o++] = '\n';
    text[o] = '\0';

    uint32_t from = dl->n;
    ydoc_t *d = NULL;
    int rc = ydoc_load_string(file, text, o, &d, dl);
    free(text);
    if (rc == ST_OK) {
        /* A copy takes the value, so *a is unchanged on error (ydoc_apply resets the row
         * to its default before reading). */
        arch_t tmp = *a;
        rc = ydoc_apply(d, ydoc_root(d), blk->key, r, 1, &tmp, NULL, dl);
        if (rc == ST_OK) {
            tmp.drng.clk_ns = 1000.0 / tmp.clk_mhz; /* derived, as the loader does */
            arch_derive(&tmp);                      /* derived energies follow the circuit keys */
            /* the mapper's errors about these keys point at the override */
            arch_mark_t *m =
                r->offset == offsetof(arch_t, scenario.bayes_last)   ? &tmp.scenario.at_last
                : r->offset == offsetof(arch_t, scenario.bayes_list) ? &tmp.scenario.at_list
                                                                     : NULL;
            if (m) {
                snprintf(m->file, sizeof m->file, "%s", file);
                m->line = line;
                m->col = col;
            }
            *a = tmp;
        }
    }
    ydoc_destroy(d);
    if (rc != ST_OK && rc != ST_ENOMEM)
        relocate(dl, from, file, line, col, src);
    return rc;
}

int arch_override(arch_t *a, const char *key, const char *value, arch_diag_list_t *dl)
{
    return arch_override_at(a, key, value, "<cmdline>", 0, 0, NULL, dl);
}
