/* yamldoc.c - the raw YAML layer (see yamldoc.h): load a whole document with libyaml, vet
 * it (encoding, one document, duplicate keys, alias expansion), and apply schema tables.
 *
 * Loading runs in this order, each step stopping at its first error:
 *   read file -> UTF-8 and control-character check -> yaml_parser_load ->
 *   no second document -> duplicate keys -> expanded size through aliases.
 * An empty document is not an error here (ydoc_root gives 0): each caller knows what the
 * document should have held and says so. */
#define _POSIX_C_SOURCE 200809L /* stat() */

#include "yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/status.h"

#define YDOC_MAX_NODES 1000000u      /* expanded node bound (alias bombs) */
#define YDOC_MAX_BYTES (64ul << 20)  /* larger files are refused before parsing */

struct ydoc {
    yaml_document_t doc;
    int loaded;  /* doc holds a document that yaml_document_delete must free */
    char *name;  /* file name used in diagnostics */
    char *text;  /* the source, NUL-terminated, kept to echo lines */
    size_t len;  /* bytes of text */
};

/* ---- Source text: line breaks, UTF-8, echo lines ---- */

/* Bytes of the line break at s (libyaml's set: CR LF, CR, LF, NEL, LS, PS), or 0. */
static size_t brk_len(const unsigned char *s, size_t n)
{
    if (n >= 1 && s[0] == '\n')
        return 1;
    if (n >= 1 && s[0] == '\r')
        return (n >= 2 && s[1] == '\n') ? 2 : 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0x85)
        return 2;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
        return 3;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s, with its code point in *cp; 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0];
    size_t k;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        k = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        k = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        k = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0; /* overlong, out of range, or a surrogate */
    *cp = c;
    return k;
}

/* Whether YAML allows code point c in a stream (libyaml's printable set plus tab and
 * breaks). */
static int yaml_printable(uint32_t c)
{
    if (c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85)
        return 1;
    if (c < 0xA0)
        return 0;
    return c != 0xFFFE && c != 0xFFFF;
}

/* Byte offset of the start of line `line` (1-based); len when past the end. */
static size_t line_start(const ydoc_t *d, uint32_t line)
{
    const unsigned char *s = (const unsigned char *)d->text;
    size_t i = 0;
    for (uint32_t l = 1; l < line && i < d->len;) {
        size_t b = brk_len(s + i, d->len - i);
        if (b) {
            i += b;
            l++;
        } else {
            i++;
        }
    }
    return i;
}

/* Copies line `line` (1-based) into out[n] for echoing; bytes that are not printable UTF-8
 * become '?', so an echo never writes raw garbage to the terminal. */
static void line_text(const ydoc_t *d, uint32_t line, char *out, size_t n)
{
    const unsigned char *s = (const unsigned char *)d->text;
    size_t i = line == 0 ? d->len : line_start(d, line), o = 0;
    while (i < d->len && !brk_len(s + i, d->len - i)) {
        uint32_t cp;
        size_t k = utf8_len(s + i, d->len - i, &cp);
        int bad = k == 0 || !yaml_printable(cp);
        size_t w = bad ? 1 : k;
        if (o + w >= n)
            break;
        if (bad)
            out[o] = '?';
        else
            memcpy(out + o, s + i, k);
        o += w;
        i += k ? k : 1;
    }
    out[o] = '\0';
}

static void add_at(const ydoc_t *d, arch_diag_list_t *dl, uint32_t line, uint32_t col,
                   const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Appends an error at line:col (1-based; 0 = none), echoing that line. */
static void add_at(const ydoc_t *d, arch_diag_list_t *dl, uint32_t line, uint32_t col,
                   const char *path, const char *fmt, ...)
{
    char msg[sizeof dl->d[0].msg], src[sizeof dl->d[0].src] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Finding a line scans the text from the start: skip it for errors only counted. */
    if (line && dl->n < ARCH_DIAG_MAX)
        line_text(d, line, src, sizeof src);
    arch_diag_add(dl, d->name, line, col, path, src, "%s", msg);
}

/* Checks that the text is UTF-8 made of characters YAML allows.  libyaml checks this too,
 * but reports only a byte offset; we give line and column. */
static int check_text(const ydoc_t *d, arch_diag_list_t *dl)
{
    const unsigned char *s = (const unsigned char *)d->text;
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < d->len;) {
        size_t b = brk_len(s + i, d->len - i);
        if (b) {
            i += b, line++, col = 1;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_len(s + i, d->len - i, &cp);
        if (k == 0) {
            add_at(d, dl, line, col, "", "expected UTF-8 text, got byte 0x%02x", s[i]);
            return ST_ECONFIG;
        }
        if (!yaml_printable(cp)) {
            add_at(d, dl, line, col, "", "expected printable text, got control character U+%04X",
                   (unsigned)cp);
            return ST_ECONFIG;
        }
        i += k, col++;
    }
    return ST_OK;
}

/* ---- Lifecycle ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = st_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Safe on a partly built handle: load_owned's failure paths all end here. */
void ydoc_destroy(ydoc_t *d)
{
    if (!d)
        return;
    if (d->loaded)
        yaml_document_delete(&d->doc);
    free(d->name);
    free(d->text);
    free(d);
}

static void oom(const char *name, arch_diag_list_t *dl)
{
    arch_diag_add(dl, name, 0, 0, "", NULL, "out of memory");
}

/* Reports libyaml's error: its problem at its mark, and its context as a note. */
static int parser_error(const ydoc_t *d, const yaml_parser_t *p, arch_diag_list_t *dl)
{
    if (p->error == YAML_MEMORY_ERROR) {
        oom(d->name, dl);
        return ST_ENOMEM;
    }
    uint32_t line, col;
    if (p->error == YAML_READER_ERROR) {
        /* Only a byte offset is known: count lines and characters up to it. */
        const unsigned char *s = (const unsigned char *)d->text;
        size_t end = p->problem_offset < d->len ? p->problem_offset : d->len;
        line = 1, col = 1;
        for (size_t i = 0; i < end;) {
            size_t b = brk_len(s + i, d->len - i);
            uint32_t cp;
            size_t k = b ? b : utf8_len(s + i, d->len - i, &cp);
            i += k ? k : 1;
            if (b)
                line++, col = 1;
            else
                col++;
        }
    } else {
        line = (uint32_t)p->problem_mark.line + 1;
        col = (uint32_t)p->problem_mark.column + 1;
    }
    const char *problem = p->problem ? p->problem : "invalid YAML";
    /* libyaml reports a tab used as indentation as an unexpected character. */
    size_t at = line_start(d, line);
    for (uint32_t c = 1; c < col && at < d->len; c++) {
        uint32_t cp;
        size_t k = utf8_len((const unsigned char *)d->text + at, d->len - at, &cp);
        at += k ? k : 1;
    }
    if (at < d->len && d->text[at] == '\t')
        add_at(d, dl, line, col, "", "%s; YAML indents with spaces, not tabs", problem);
    else
        add_at(d, dl, line, col, "", "%s", problem);
    /* The context is worth a note only where it points elsewhere ("while parsing a flow
     * sequence" at the '['); at the problem's own mark it repeats the error. */
    if (p->context && (p->context_mark.line != p->problem_mark.line ||
                       p->context_mark.column != p->problem_mark.column))
        arch_diag_note(dl, (uint32_t)p->context_mark.line + 1,
                       (uint32_t)p->context_mark.column + 1, "%s", p->context);
    return ST_ECONFIG;
}

/* Scalar key of one mapping pair, for sorting. */
typedef struct kent {
    const unsigned char *s;
    size_t len;
    size_t pair;
    int node;
} kent_t;

static int kent_cmp(const void *a, const void *b)
{
    const kent_t *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = memcmp(x->s, y->s, x->len);
    if (c)
        return c;
    return x->pair < y->pair ? -1 : x->pair > y->pair;
}

static int mark_before(const yaml_mark_t *a, const yaml_mark_t *b)
{
    return a->line < b->line || (a->line == b->line && a->column < b->column);
}

/* Rejects duplicate scalar keys in every mapping (libyaml keeps them), reporting the one
 * that comes first in the text, with a note at the key it repeats.  Sorting keeps this
 * O(n log n) in the size of a mapping. */
static int check_dups(ydoc_t *d, arch_diag_list_t *dl)
{
    yaml_node_t *nodes = d->doc.nodes.start;
    size_t n = (size_t)(d->doc.nodes.top - nodes), most = 0;
    for (size_t i = 0; i < n; i++)
        if (nodes[i].type == YAML_MAPPING_NODE) {
            size_t k = (size_t)(nodes[i].data.mapping.pairs.top - nodes[i].data.mapping.pairs.start);
            most = k > most ? k : most;
        }
    if (most < 2)
        return ST_OK;
    kent_t *e = st_malloc(most * sizeof *e);
    if (!e) {
        oom(d->name, dl);
        return ST_ENOMEM;
    }
    int first = 0, second = 0; /* the duplicate to report: node indices of both keys */
    for (size_t i = 0; i < n; i++) {
        if (nodes[i].type != YAML_MAPPING_NODE)
            continue;
        yaml_node_pair_t *p = nodes[i].data.mapping.pairs.start;
        size_t k = (size_t)(nodes[i].data.mapping.pairs.top - p), m = 0;
        for (size_t j = 0; j < k; j++) {
            yaml_node_t *key = yaml_document_get_node(&d->doc, p[j].key);
            if (key && key->type == YAML_SCALAR_NODE)
                e[m++] = (kent_t){key->data.scalar.value, key->data.scalar.length, j, p[j].key};
        }
        qsort(e, m, sizeof *e, kent_cmp);
        for (size_t j = 1, run = 0; j < m; j++) {
            if (e[j].len != e[run].len || memcmp(e[j].s, e[run].s, e[j].len) != 0) {
                run = j;
                continue;
            }
            yaml_node_t *cand = yaml_document_get_node(&d->doc, e[j].node);
            if (!second ||
                mark_before(&cand->start_mark,
                            &yaml_document_get_node(&d->doc, second)->start_mark)) {
                first = e[run].node;
                second = e[j].node;
            }
        }
    }
    free(e);
    if (!second)
        return ST_OK;
    uint32_t l, c, fl, fc;
    ydoc_mark(d, second, &l, &c);
    ydoc_mark(d, first, &fl, &fc);
    add_at(d, dl, l, c, "", "duplicate key '%s'", ydoc_scalar(d, second));
    arch_diag_note(dl, fl, fc, "first defined here");
    return ST_ECONFIG;
}

/* Number of children of node (a mapping counts its keys and values). */
static size_t n_children(const yaml_node_t *x)
{
    if (x->type == YAML_SEQUENCE_NODE)
        return (size_t)(x->data.sequence.items.top - x->data.sequence.items.start);
    if (x->type == YAML_MAPPING_NODE)
        return 2 * (size_t)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
    return 0;
}

static int child(const yaml_node_t *x, size_t i)
{
    if (x->type == YAML_SEQUENCE_NODE)
        return x->data.sequence.items.start[i];
    const yaml_node_pair_t *p = &x->data.mapping.pairs.start[i / 2];
    return (i % 2) ? p->value : p->key;
}

/* Counts the nodes of the tree as a reader that follows aliases would see it (aliases are
 * shared nodes in libyaml's model, so memoize per node), iteratively so deep nesting cannot
 * overflow the C stack.  Refuses more than YDOC_MAX_NODES, and cycles (an anchored
 * collection that contains its own alias). */
static int check_expansion(ydoc_t *d, arch_diag_list_t *dl)
{
    size_t n = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    uint64_t *cnt = st_calloc(n + 1, sizeof *cnt);
    unsigned char *state = st_calloc(n + 1, 1); /* 0 new, 1 on the stack, 2 done */
    struct frame { int node; size_t next; } *st = st_calloc(n + 1, sizeof *st);
    int rc = ST_OK;
    if (n == 0)
        goto out; /* empty document */
    if (!cnt || !state || !st) {
        oom(d->name, dl);
        rc = ST_ENOMEM;
        goto out;
    }
    size_t top = 0;
    st[top++] = (struct frame){1, 0};
    state[1] = 1, cnt[1] = 1;
    while (top > 0) {
        struct frame *f = &st[top - 1];
        yaml_node_t *x = yaml_document_get_node(&d->doc, f->node);
        if (f->next < n_children(x)) {
            int c = child(x, f->next++);
            if (state[c] == 2) {
                cnt[f->node] += cnt[c];
            } else if (state[c] == 1) {
                uint32_t l, col;
                ydoc_mark(d, c, &l, &col);
                add_at(d, dl, l, col, "", "alias refers to a node that contains it");
                rc = ST_ECONFIG;
                goto out;
            } else {
                state[c] = 1, cnt[c] = 1;
                st[top++] = (struct frame){c, 0};
            }
            if (cnt[f->node] > YDOC_MAX_NODES)
                cnt[f->node] = YDOC_MAX_NODES + 1; /* saturate: no overflow */
            continue;
        }
        if (cnt[f->node] > YDOC_MAX_NODES) {
            uint32_t l, col;
            ydoc_mark(d, f->node, &l, &col);
            add_at(d, dl, l, col, "",
                   "document expands to more than %u nodes through aliases", YDOC_MAX_NODES);
            rc = ST_ECONFIG;
            goto out;
        }
        state[f->node] = 2;
        top--;
        if (top > 0) {
            uint64_t *pc = &cnt[st[top - 1].node];
            *pc += cnt[f->node];
            if (*pc > YDOC_MAX_NODES)
                *pc = YDOC_MAX_NODES + 1;
        }
    }
out:
    free(st);
    free(state);
    free(cnt);
    return rc;
}

/* Takes ownership of text (NUL-terminated, len bytes) and runs the load steps listed at
 * the top of this file.  The handle keeps the text so diagnostics made later (by arch/ or
 * workloads/, through ydoc_error) can still echo the offending line. */
static int load_owned(const char *name, char *text, size_t len, ydoc_t **out,
                      arch_diag_list_t *dl)
{
    int rc;
    ydoc_t *d = st_calloc(1, sizeof *d);
    if (!d) {
        free(text);
        oom(name, dl);
        return ST_ENOMEM;
    }
    d->text = text;
    d->len = len;
    d->name = dup_str(name);
    if (!d->name) {
        oom(name, dl);
        rc = ST_ENOMEM;
        goto fail_doc;
    }
    rc = check_text(d, dl);
    if (rc)
        goto fail_doc;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        oom(name, dl);
        rc = ST_ENOMEM;
        goto fail_doc;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d->doc)) {
        rc = parser_error(d, &p, dl);
        goto fail_parser;
    }
    d->loaded = 1;
    /* An empty document loads (ydoc_root gives 0); what it should have held is the
     * caller's to say. */
    yaml_document_t next;
    if (!yaml_parser_load(&p, &next)) {
        rc = parser_error(d, &p, dl);
        goto fail_parser;
    }
    int more = yaml_document_get_root_node(&next) != NULL;
    yaml_mark_t m = next.start_mark;
    yaml_document_delete(&next);
    if (more) {
        add_at(d, dl, (uint32_t)m.line + 1, (uint32_t)m.column + 1, "",
               "expected a single document, got a second one");
        rc = ST_ECONFIG;
        goto fail_parser;
    }
    yaml_parser_delete(&p);

    rc = check_dups(d, dl);
    if (rc)
        goto fail_doc;
    rc = check_expansion(d, dl);
    if (rc)
        goto fail_doc;
    *out = d;
    return ST_OK;

fail_parser:
    yaml_parser_delete(&p);
fail_doc:
    ydoc_destroy(d);
    return rc;
}

int ydoc_load_string(const char *name, const char *text, size_t len, ydoc_t **out,
                     arch_diag_list_t *dl)
{
    char *copy = st_malloc(len + 1);
    if (!copy) {
        oom(name, dl);
        return ST_ENOMEM;
    }
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return load_owned(name, copy, len, out, dl);
}

int ydoc_load_file(const char *path, ydoc_t **out, arch_diag_list_t *dl)
{
    /* stat first: fopen() of a directory succeeds on Linux and only the first read fails,
     * so "Is a directory" would otherwise depend on how the C library reports it. */
    struct stat sb;
    if (stat(path, &sb) != 0) {
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read file: %s", strerror(errno));
        return ST_EIO;
    }
    if (S_ISDIR(sb.st_mode)) {
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read file: %s", strerror(EISDIR));
        return ST_EIO;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read file: %s", strerror(errno));
        return ST_EIO;
    }
    /* Read to the end rather than trusting st_size (pipes, files that change). */
    size_t cap = 4096, len = 0;
    char *buf = st_malloc(cap + 1);
    int rc = ST_OK;
    if (!buf)
        goto nomem;
    for (;;) {
        if (len == cap) {
            if (cap >= YDOC_MAX_BYTES) {
                arch_diag_add(dl, path, 0, 0, "", NULL,
                              "file is too large, expected at most %lu bytes", YDOC_MAX_BYTES);
                rc = ST_EIO;
                goto fail;
            }
            char *bigger = st_malloc(2 * cap + 1);
            if (!bigger)
                goto nomem;
            memcpy(bigger, buf, len);
            free(buf);
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read file: %s", strerror(errno));
        rc = ST_EIO;
        goto fail;
    }
    fclose(f);
    buf[len] = '\0';
    return load_owned(path, buf, len, out, dl);

nomem:
    oom(path, dl);
    rc = ST_ENOMEM;
fail:
    free(buf);
    fclose(f);
    return rc;
}

/* ---- Nodes ---- */

/* libyaml's accessors take a non-const document; nothing here modifies it, so the casts
 * below only bridge that API. */
static yaml_node_t *node_at(const ydoc_t *d, int node)
{
    if (!d || node <= 0)
        return NULL;
    return yaml_document_get_node((yaml_document_t *)&d->doc, node);
}

const char *ydoc_name(const ydoc_t *d)
{
    return d->name;
}

int ydoc_root(const ydoc_t *d)
{
    return yaml_document_get_root_node((yaml_document_t *)&d->doc) ? 1 : 0;
}

ynode_kind_t ydoc_kind(const ydoc_t *d, int node)
{
    yaml_node_t *x = node_at(d, node);
    if (!x)
        return YNODE_NONE;
    switch (x->type) {
    case YAML_SCALAR_NODE: return YNODE_SCALAR;
    case YAML_SEQUENCE_NODE: return YNODE_SEQ;
    case YAML_MAPPING_NODE: return YNODE_MAP;
    default: return YNODE_NONE;
    }
}

const char *ydoc_scalar(const ydoc_t *d, int node)
{
    yaml_node_t *x = node_at(d, node);
    return (x && x->type == YAML_SCALAR_NODE) ? (const char *)x->data.scalar.value : NULL;
}

size_t ydoc_len(const ydoc_t *d, int node)
{
    yaml_node_t *x = node_at(d, node);
    if (!x)
        return 0;
    if (x->type == YAML_SEQUENCE_NODE)
        return (size_t)(x->data.sequence.items.top - x->data.sequence.items.start);
    if (x->type == YAML_MAPPING_NODE)
        return (size_t)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
    return 0;
}

int ydoc_seq_item(const ydoc_t *d, int node, size_t i)
{
    yaml_node_t *x = node_at(d, node);
    if (!x || x->type != YAML_SEQUENCE_NODE || i >= ydoc_len(d, node))
        return 0;
    return x->data.sequence.items.start[i];
}

int ydoc_map_key(const ydoc_t *d, int node, size_t i)
{
    yaml_node_t *x = node_at(d, node);
    if (!x || x->type != YAML_MAPPING_NODE || i >= ydoc_len(d, node))
        return 0;
    return x->data.mapping.pairs.start[i].key;
}

int ydoc_map_value(const ydoc_t *d, int node, size_t i)
{
    yaml_node_t *x = node_at(d, node);
    if (!x || x->type != YAML_MAPPING_NODE || i >= ydoc_len(d, node))
        return 0;
    return x->data.mapping.pairs.start[i].value;
}

int ydoc_map_get(const ydoc_t *d, int node, const char *key)
{
    yaml_node_t *x = node_at(d, node);
    if (!x || x->type != YAML_MAPPING_NODE)
        return 0;
    /* A linear scan: blocks have a handful of keys, and the duplicate check at load time
     * guarantees the first match is the only one. */
    size_t klen = strlen(key);
    for (yaml_node_pair_t *p = x->data.mapping.pairs.start; p < x->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == klen &&
            memcmp(k->data.scalar.value, key, klen) == 0)
            return p->value;
    }
    return 0;
}

void ydoc_mark(const ydoc_t *d, int node, uint32_t *line, uint32_t *col)
{
    yaml_node_t *x = node_at(d, node);
    *line = x ? (uint32_t)x->start_mark.line + 1 : 0;
    *col = x ? (uint32_t)x->start_mark.column + 1 : 0;
}

void ydoc_error(const ydoc_t *d, int node, arch_diag_list_t *dl, const char *path,
                const char *fmt, ...)
{
    char msg[sizeof dl->d[0].msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line, col;
    ydoc_mark(d, node, &line, &col);
    add_at(d, dl, line, col, path, "%s", msg);
}

/* ---- Schema tables ---- */

/* Shortest text that strtod reads back as exactly v; integral values without exponent. */
static void fmt_num(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* "got Y" part of a type error: the value quoted (cut at 40 bytes so a pasted block does
 * not flood the message; quotes and controls replaced so the message stays one line), or
 * what the node is when it is not a scalar. */
static void describe(const ydoc_t *d, int node, char *buf, size_t n)
{
    yaml_node_t *x = node_at(d, node);
    if (!x) {
        snprintf(buf, n, "nothing");
    } else if (x->type == YAML_MAPPING_NODE) {
        snprintf(buf, n, "a mapping");
    } else if (x->type == YAML_SEQUENCE_NODE) {
        snprintf(buf, n, "a sequence");
    } else if (x->data.scalar.length == 0 && x->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        snprintf(buf, n, "an empty value");
    } else {
        char v[48];
        const unsigned char *s = x->data.scalar.value;
        size_t len = x->data.scalar.length, o = 0, i = 0;
        while (i < len && o < 40) {
            uint32_t cp;
            size_t k = utf8_len(s + i, len - i, &cp);
            if (k == 0 || cp < 0x20 || cp == '"' || cp == '\\') {
                v[o++] = (k == 0 || cp < 0x20) ? '?' : (char)cp;
                i += k ? k : 1;
                continue;
            }
            if (o + k > 40)
                break;
            memcpy(v + o, s + i, k);
            o += k, i += k;
        }
        v[o] = '\0';
        snprintf(buf, n, "\"%s%s\"", v, i < len ? "..." : "");
    }
}

/* Edit distance, capped: enough to suggest a key for a typo. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64], prev[64], prev2[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j, prev2[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1; /* transposition: "rwos" is one step from "rows" */
            row[j] = v;
        }
        memcpy(prev2, prev, sizeof prev);
        memcpy(prev, row, sizeof row);
    }
    return prev[lb];
}

static int in_list(const char *key, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(key, *list) == 0)
            return 1;
    return 0;
}

static void join_path(char *buf, size_t n, const char *path, const char *key)
{
    if (path && path[0])
        snprintf(buf, n, "%s.%s", path, key);
    else
        snprintf(buf, n, "%s", key);
}

/* Reads the scalar at node into the field of row r; an error names `path`. */
static int apply_value(const ydoc_t *d, int node, const char *path, const yfield_t *r,
                       void *base, arch_diag_list_t *dl)
{
    char *field = (char *)base + r->offset;
    const char *s = ydoc_scalar(d, node);
    char got[64], lo[32], hi[32];
    describe(d, node, got, sizeof got);
    fmt_num(r->min, lo, sizeof lo);
    fmt_num(r->max, hi, sizeof hi);

    switch (r->type) {
    case YF_U32: {
        /* Plain decimal digits only: no sign, no fraction, no exponent, no base prefix.  The
         * value is gathered in a double that stops growing at 1e12, so a long digit string
         * is reported as out of range instead of wrapping around. */
        size_t len = s ? strlen(s) : 0, i = 0;
        double v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (v < 1e12)
                v = v * 10 + (s[i] - '0');
            i++;
        }
        if (!s || len == 0 || i != len) {
            ydoc_error(d, node, dl, path, "expected integer in [%s, %s], got %s", lo, hi, got);
            return ST_ECONFIG;
        }
        if (v < r->min || v > r->max) {
            ydoc_error(d, node, dl, path, "must be between %s and %s inclusive, got %s", lo, hi,
                       s);
            return ST_ECONFIG;
        }
        *(uint32_t *)field = (uint32_t)v;
        return ST_OK;
    }
    case YF_F64: {
        /* strtod alone also takes hex, "inf", "nan" and leading blanks: allow only a
         * decimal number's characters. */
        size_t len = s ? strlen(s) : 0;
        char *end = NULL;
        double v = 0;
        int ok = s && len > 0 && strspn(s, "0123456789+-.eE") == len;
        if (ok) {
            errno = 0;
            v = strtod(s, &end);
            ok = end == s + len && isfinite(v) && errno != ERANGE;
        }
        if (!ok) {
            ydoc_error(d, node, dl, path, "expected number in [%s, %s], got %s", lo, hi, got);
            return ST_ECONFIG;
        }
        if (v < r->min || v > r->max) {
            ydoc_error(d, node, dl, path, "must be between %s and %s inclusive, got %s", lo, hi,
                       s);
            return ST_ECONFIG;
        }
        *(double *)field = v;
        return ST_OK;
    }
    case YF_BOOL:
        if (s && strcmp(s, "true") == 0) {
            *(int *)field = 1;
        } else if (s && strcmp(s, "false") == 0) {
            *(int *)field = 0;
        } else {
            ydoc_error(d, node, dl, path, "expected true or false, got %s", got);
            return ST_ECONFIG;
        }
        return ST_OK;
    case YF_ENUM: {
        uint32_t k = 0;
        for (; r->enum_names[k]; k++)
            if (s && strcmp(s, r->enum_names[k]) == 0) {
                *(uint32_t *)field = k;
                return ST_OK;
            }
        /* "expected a or b", "expected one of a, b or c" */
        char choices[256] = "";
        size_t o = 0;
        for (uint32_t j = 0; j < k && o < sizeof choices; j++)
            o += (size_t)snprintf(choices + o, sizeof choices - o, "%s%s",
                                  j == 0 ? "" : (j + 1 == k ? " or " : ", "), r->enum_names[j]);
        ydoc_error(d, node, dl, path, "expected %s%s, got %s", k > 2 ? "one of " : "", choices,
                   got);
        return ST_ECONFIG;
    }
    case YF_STR: {
        if (!s) {
            ydoc_error(d, node, dl, path, "expected a string, got %s", got);
            return ST_ECONFIG;
        }
        size_t len = strlen(s);
        if (len > 63) {
            ydoc_error(d, node, dl, path, "expected a string of at most 63 bytes, got %zu bytes",
                       len);
            return ST_ECONFIG;
        }
        memcpy(field, s, len + 1);
        return ST_OK;
    }
    }
    SIM_BUG("unknown yfield type");
    return ST_EINVAL;
}

void ydoc_defaults(const yfield_t *table, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++) {
        const yfield_t *r = &table[i];
        char *field = (char *)base + r->offset;
        switch (r->type) {
        case YF_U32: *(uint32_t *)field = (uint32_t)r->def; break;
        case YF_F64: *(double *)field = r->def; break;
        case YF_BOOL: *(int *)field = r->def != 0; break;
        case YF_ENUM: *(uint32_t *)field = (uint32_t)r->def; break;
        case YF_STR:
            memset(field, 0, 64);
            if (r->def_str)
                strncpy(field, r->def_str, 63);
            break;
        }
    }
}

int ydoc_apply(const ydoc_t *d, int node, const char *path, const yfield_t *table, size_t n,
               void *base, const char *const *skip, arch_diag_list_t *dl)
{
    char full[256], got[64];
    int rc = ST_OK;
    /* Defaults first: a refused value then leaves its default in place, so even on error
     * the struct holds something valid and no field is left uninitialized. */
    ydoc_defaults(table, n, base);
    if (ydoc_kind(d, node) != YNODE_MAP) { /* `xbar: 128` or an empty `xbar:` */
        describe(d, node, got, sizeof got);
        ydoc_error(d, node, dl, path, "expected a mapping, got %s", got);
        return ST_ECONFIG;
    }
    for (size_t i = 0; i < ydoc_len(d, node); i++) {
        int kn = ydoc_map_key(d, node, i), vn = ydoc_map_value(d, node, i);
        const char *key = ydoc_scalar(d, kn);
        if (!key) {
            describe(d, kn, got, sizeof got);
            ydoc_error(d, kn, dl, path, "expected a key, got %s", got);
            rc = ST_ECONFIG;
            continue;
        }
        if (in_list(key, skip))
            continue;
        const yfield_t *r = NULL;
        for (size_t j = 0; j < n && !r; j++)
            if (strcmp(table[j].key, key) == 0)
                r = &table[j];
        if (!r) {
            /* Suggest the closest known key when it is a plausible typo. */
            const char *best = NULL;
            size_t bd = 3, klen = strlen(key);
            for (size_t j = 0; j < n; j++) {
                size_t e = edit_distance(key, table[j].key);
                if (e < bd && e < klen)
                    bd = e, best = table[j].key;
            }
            for (const char *const *sk = skip; sk && *sk; sk++) {
                size_t e = edit_distance(key, *sk);
                if (e < bd && e < klen)
                    bd = e, best = *sk;
            }
            if (best)
                ydoc_error(d, kn, dl, path, "unknown key '%s', did you mean '%s'?", key, best);
            else
                ydoc_error(d, kn, dl, path, "unknown key '%s'", key);
            rc = ST_ECONFIG;
            continue;
        }
        join_path(full, sizeof full, path, key);
        if (apply_value(d, vn, full, r, base, dl) != ST_OK)
            rc = ST_ECONFIG;
    }
    /* Missing required keys are reported at the mapping, since they have no mark of their
     * own, after the errors about keys that are there. */
    for (size_t j = 0; j < n; j++)
        if (table[j].required && !ydoc_map_get(d, node, table[j].key)) {
            join_path(full, sizeof full, path, table[j].key);
            ydoc_error(d, node, dl, full, "is required but not given");
            rc = ST_ECONFIG;
        }
    return rc;
}

void ydoc_format_value(const yfield_t *r, const void *base, char *buf, size_t n)
{
    const char *field = (const char *)base + r->offset;
    switch (r->type) {
    case YF_U32: snprintf(buf, n, "%u", (unsigned)*(const uint32_t *)field); return;
    case YF_F64: fmt_num(*(const double *)field, buf, n); return;
    case YF_BOOL: snprintf(buf, n, "%s", *(const int *)field ? "true" : "false"); return;
    case YF_ENUM: {
        uint32_t k = *(const uint32_t *)field, j = 0;
        while (j < k && r->enum_names[j])
            j++;
        snprintf(buf, n, "%s", r->enum_names[j] ? r->enum_names[j] : "?");
        return;
    }
    case YF_STR: {
        /* Double-quoted so any text (": ", "#", leading blanks) reads back unchanged. */
        size_t o = 0;
        if (n < 3) {
            if (n)
                buf[0] = '\0';
            return;
        }
        buf[o++] = '"';
        for (const char *s = field; *s && o + 6 < n; s++) {
            unsigned char c = (unsigned char)*s;
            if (c == '"' || c == '\\')
                buf[o++] = '\\', buf[o++] = (char)c;
            else if (c < 0x20)
                o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
            else
                buf[o++] = (char)c;
        }
        buf[o++] = '"';
        buf[o] = '\0';
        return;
    }
    }
    SIM_BUG("unknown yfield type");
}
