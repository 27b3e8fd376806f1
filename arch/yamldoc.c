/* yamldoc.c - the raw YAML layer (see yamldoc.h): load a whole document with libyaml, vet
 * it (encoding, nesting depth, one document, duplicate keys, includes, alias expansion),
 * and apply schema tables.
 *
 * Loading runs in this order, each step stopping at its first error:
 *   read file -> UTF-8 and control-character check of the text -> compose (libyaml's
 *   event parser into a document: nesting depth, stopped at the bound; scalars without
 *   control characters; no second document; aliases resolved by sorting) -> duplicate
 *   keys -> !include (confined, each file loaded by these same steps, then merged) ->
 *   duplicate keys again when an include was a key -> expanded size and depth through
 *   aliases.
 * An empty document is not an error here (ydoc_root gives 0): each caller knows what the
 * document should have held and says so.
 *
 * Includes: the included document's nodes are appended to the including document through
 * libyaml's public document API, and the `!include` scalar swaps places with the included
 * root, so every reference to the scalar (its parent, an alias) now reaches the included
 * tree.  Each node remembers its source text (node_src), so diagnostics name the file and
 * echo the line a node came from, followed by "(included from a.yaml:7:9)". */
#define _XOPEN_SOURCE 700 /* stat(), realpath() */

#include "yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/status.h"

#define YDOC_MAX_NODES 1000000u /* expanded node bound (alias bombs) */
#define YDOC_MAX_BYTES                                                                             \
    (64ul << 20) /* larger files (or files with their includes) are                                \
                    refused before parsing */
#define YDOC_MAX_DEPTH                                                                             \
    64u                            /* nested collections, aliases followed: deeper is              \
                                      refused (libyaml's scanner is quadratic in it) */
#define YDOC_MAX_INCLUDE_DEPTH 16u /* files open at once through !include */
#define YDOC_MAX_INCLUDES 256u     /* !include resolutions in one load */
#define YDOC_INCLUDE_TAG "!include"

/* One source text: the document's own file, or a file an !include brought in. */
typedef struct ysrc {
    char *name;  /* file name used in diagnostics */
    char *text;  /* the source, NUL-terminated, kept to echo lines */
    size_t len;  /* bytes of text */
    char *chain; /* where it was included: "b.yaml:2:7, from a.yaml:7:9"; "" for the top */
} ysrc_t;

struct ydoc {
    yaml_document_t doc;
    int loaded;  /* doc holds a document that yaml_document_delete must free */
    ysrc_t *src; /* src[0]: the document's own text; then included files */
    uint32_t n_src;
    uint32_t *node_src; /* [k - 1]: index in src of node k; NULL while all are src[0]'s */
    uint64_t work;      /* steps of the passes that grow with the document (ydoc_test_work) */
};

/* Files being loaded through !include (cycle detection and bounds); NULL for text. */
typedef struct yinc {
    struct {
        dev_t dev;
        ino_t ino;
        const char *name;
    } open[YDOC_MAX_INCLUDE_DEPTH + 1]; /* [0] the top file, [depth - 1] the innermost */
    uint32_t depth;
    uint32_t includes; /* resolved so far */
    size_t bytes;      /* text read so far, every file */
    const char *top;   /* the top file's name as given */
    char *root;        /* its directory, resolved (realpath); NULL if that failed */
} yinc_t;

/* Directories added by ydoc_include_path_add, resolved. */
#define YDOC_MAX_INCLUDE_PATHS 64u
static char *include_paths[YDOC_MAX_INCLUDE_PATHS];
static uint32_t n_include_paths;

/* ydoc_read_hook_set's hook. */
static ydoc_read_hook_t read_hook;
static void *read_hook_ctx;

void ydoc_read_hook_set(ydoc_read_hook_t fn, void *ctx)
{
    read_hook = fn;
    read_hook_ctx = fn ? ctx : NULL;
}

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
static size_t line_start(const ysrc_t *s, uint32_t line)
{
    const unsigned char *t = (const unsigned char *)s->text;
    size_t i = 0;
    for (uint32_t l = 1; l < line && i < s->len;) {
        size_t b = brk_len(t + i, s->len - i);
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
static void line_text(const ysrc_t *s, uint32_t line, char *out, size_t n)
{
    const unsigned char *t = (const unsigned char *)s->text;
    size_t i = line == 0 ? s->len : line_start(s, line), o = 0;
    while (i < s->len && !brk_len(t + i, s->len - i)) {
        uint32_t cp;
        size_t k = utf8_len(t + i, s->len - i, &cp);
        int bad = k == 0 || !yaml_printable(cp);
        size_t w = bad ? 1 : k;
        if (o + w >= n)
            break;
        if (bad)
            out[o] = '?';
        else
            memcpy(out + o, t + i, k);
        o += w;
        i += k ? k : 1;
    }
    out[o] = '\0';
}

/* Index in d->src of the text node came from. */
static uint32_t src_of(const ydoc_t *d, int node)
{
    size_t n = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    if (!d->node_src || node <= 0 || (size_t)node > n)
        return 0;
    return d->node_src[node - 1];
}

static void add_src(const ydoc_t *d, uint32_t si, arch_diag_list_t *dl, uint32_t line, uint32_t col,
                    const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Appends an error at line:col (1-based; 0 = none) of source si, echoing that line; the
 * include chain of the source follows the message. */
static void add_src(const ydoc_t *d, uint32_t si, arch_diag_list_t *dl, uint32_t line, uint32_t col,
                    const char *path, const char *fmt, ...)
{
    char msg[sizeof dl->d[0].msg], src[sizeof dl->d[0].src] = "";
    const ysrc_t *s = &d->src[si];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->chain && s->chain[0] && k >= 0 && (size_t)k < sizeof msg)
        snprintf(msg + k, sizeof msg - (size_t)k, " (included from %s)", s->chain);
    /* Finding a line scans the text from the start: skip it for errors only counted. */
    if (line && dl->n < ARCH_DIAG_MAX)
        line_text(s, line, src, sizeof src);
    arch_diag_add(dl, s->name, line, col, path, src, "%s", msg);
}

/* The document's own text (src[0]) before any include is merged. */
#define add_at(d, dl, line, col, path, ...)                                                        \
    add_src((d), 0, (dl), (line), (col), (path), __VA_ARGS__)

/* A file reached through !include that is not YAML: its position only, never a line of it,
 * so `!include` cannot be used to read a file that is not a YAML document. */
static void not_yaml(const ydoc_t *d, uint32_t line, uint32_t col, arch_diag_list_t *dl)
{
    const ysrc_t *s = &d->src[0];
    arch_diag_add(dl, s->name, line, col, "", NULL, "not a YAML document (included from %s)",
                  s->chain);
}

/* Checks that the text is UTF-8 made of characters YAML allows.  libyaml checks this too,
 * but reports only a byte offset; we give line and column. */
static int check_text(const ydoc_t *d, arch_diag_list_t *dl)
{
    const ysrc_t *src = &d->src[0];
    const unsigned char *s = (const unsigned char *)src->text;
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < src->len;) {
        size_t b = brk_len(s + i, src->len - i);
        if (b) {
            i += b, line++, col = 1;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_len(s + i, src->len - i, &cp);
        if ((k == 0 || !yaml_printable(cp)) && src->chain) {
            not_yaml(d, line, col, dl);
            return ST_ECONFIG;
        }
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

static void src_free(ysrc_t *s)
{
    free(s->name);
    free(s->text);
    free(s->chain);
}

/* Safe on a partly built handle: load_owned's failure paths all end here. */
void ydoc_destroy(ydoc_t *d)
{
    if (!d)
        return;
    if (d->loaded)
        yaml_document_delete(&d->doc);
    for (uint32_t i = 0; i < d->n_src; i++)
        src_free(&d->src[i]);
    free(d->src);
    free(d->node_src);
    free(d);
}

static void oom(const char *name, arch_diag_list_t *dl)
{
    arch_diag_add(dl, name, 0, 0, "", NULL, "out of memory");
}

/* Reports libyaml's error: its problem at its mark, and its context as a note. */
static int parser_error(const ydoc_t *d, const yaml_parser_t *p, arch_diag_list_t *dl)
{
    const ysrc_t *src = &d->src[0];
    if (p->error == YAML_MEMORY_ERROR) {
        oom(src->name, dl);
        return ST_ENOMEM;
    }
    uint32_t line, col;
    if (p->error == YAML_READER_ERROR) {
        /* Only a byte offset is known: count lines and characters up to it. */
        const unsigned char *s = (const unsigned char *)src->text;
        size_t end = p->problem_offset < src->len ? p->problem_offset : src->len;
        line = 1, col = 1;
        for (size_t i = 0; i < end;) {
            size_t b = brk_len(s + i, src->len - i);
            uint32_t cp;
            size_t k = b ? b : utf8_len(s + i, src->len - i, &cp);
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
    if (src->chain) {
        not_yaml(d, line, col, dl);
        return ST_ECONFIG;
    }
    const char *problem = p->problem ? p->problem : "invalid YAML";
    /* libyaml reports a tab used as indentation as an unexpected character. */
    size_t at = line_start(src, line);
    for (uint32_t c = 1; c < col && at < src->len; c++) {
        uint32_t cp;
        size_t k = utf8_len((const unsigned char *)src->text + at, src->len - at, &cp);
        at += k ? k : 1;
    }
    if (at < src->len && src->text[at] == '\t')
        add_at(d, dl, line, col, "", "%s; YAML indents with spaces, not tabs", problem);
    else
        add_at(d, dl, line, col, "", "%s", problem);
    /* The context is worth a note only where it points elsewhere ("while parsing a flow
     * sequence" at the '['); at the problem's own mark it repeats the error. */
    if (p->context && (p->context_mark.line != p->problem_mark.line ||
                       p->context_mark.column != p->problem_mark.column))
        arch_diag_note(dl, (uint32_t)p->context_mark.line + 1, (uint32_t)p->context_mark.column + 1,
                       "%s", p->context);
    return ST_ECONFIG;
}

/* ---- Composing: libyaml's events -> the document ---- */

/* libyaml's own composer (yaml_parser_load) keeps anchors in a list and searches it for
 * every anchor and every alias, so a document with n anchors costs O(n^2): 40,000 take
 * seconds.  This composer builds the same yaml_document_t through libyaml's public
 * document API from the event stream, in one pass that also bounds the nesting depth, and
 * resolves aliases after the stream: anchors and aliases are sorted by (name, position) and
 * each alias takes the anchor before it in its run, O(n log n) in their number.  An alias
 * is first attached as a placeholder (the collection that holds it, a valid node) and
 * patched in place. */

enum { YREF_ANCHOR, YREF_ITEM, YREF_KEY, YREF_VALUE };

/* An anchor, or an alias and the slot it fills. */
typedef struct yref {
    const char *name; /* into the arena; set once the stream is read (the arena moves) */
    size_t off;       /* offset of the name in the arena */
    uint32_t len;     /* bytes of the name */
    uint32_t pos;     /* event number in the stream: which anchor an alias sees */
    uint32_t kind;    /* YREF_* */
    int node;         /* anchor: the anchored node; alias: the collection that holds it */
    size_t idx;       /* alias: item index (sequence) or pair index (mapping) */
    uint32_t line;    /* 1-based mark of the anchor or alias */
    uint32_t col;
} yref_t;

typedef struct ycomp {
    ydoc_t *d;
    yref_t *ref;
    size_t n_ref, cap_ref;
    char *names; /* anchor names, back to back */
    size_t n_names, cap_names;
    struct {
        int node; /* open collection */
        int key;  /* mapping: key node waiting for its value, 0 = none */
    } stack[YDOC_MAX_DEPTH];
    uint32_t depth;
} ycomp_t;

/* Grows *p (elements of size bytes, capacity *cap) to hold need elements.  ST_OK or
 * ST_ENOMEM. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return ST_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return ST_ENOMEM;
    *p = q;
    *cap = c;
    return ST_OK;
}

/* Whether code point c is refused inside a scalar: C0 controls (NUL, tab and line feed
 * included), DEL, C1 controls, and the line and paragraph separators. */
static int is_control(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

/* Byte offset of the first refused character in s[0..len) (UTF-8: libyaml checked it), or
 * len.  A NUL is one: the C string callers read would silently end there. */
static size_t find_control(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            if (is_control(s[i]))
                return i;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_len(s + i, len - i, &cp);
        if (k == 0 || is_control(cp))
            return i;
        i += k;
    }
    return len;
}

/* s[0..len) as a double-quoted YAML string, with YAML's escapes for controls, quotes and
 * backslashes (so the message shows what to look for in the file and never a raw control
 * byte), about 40 bytes of it: from some 16 bytes before byte `at` when at is further in
 * than 24, marked by a leading "...", and "..." where it is cut.  n >= 64. */
static void quote_text(const unsigned char *s, size_t len, size_t at, char *buf, size_t n)
{
    static const char short_esc[] = "0......abtnvfr";
    size_t o = 0, i = 0;
    buf[o++] = '"';
    if (at > 24) {
        i = at - 16;
        while (i > 0 && (s[i] & 0xC0) == 0x80)
            i--; /* start on a character */
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    while (i < len && o < 45 && o + 12 < n) {
        uint32_t cp;
        size_t k = utf8_len(s + i, len - i, &cp);
        if (k == 0)
            cp = s[i], k = 1;
        if (cp == '"' || cp == '\\')
            o += (size_t)snprintf(buf + o, n - o, "\\%c", (char)cp);
        else if (cp < sizeof short_esc - 1 && short_esc[cp] != '.')
            o += (size_t)snprintf(buf + o, n - o, "\\%c", short_esc[cp]);
        else if (cp == 0x1B)
            o += (size_t)snprintf(buf + o, n - o, "\\e");
        else if (is_control(cp) && cp <= 0xFF)
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", (unsigned)cp);
        else if (is_control(cp))
            o += (size_t)snprintf(buf + o, n - o, "\\u%04x", (unsigned)cp);
        else {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        i += k;
    }
    snprintf(buf + o, n - o, "%s\"", i < len ? "..." : "");
}

/* Key path of the node being composed ("layers[3].name"; "" at the root), for messages. */
static void comp_path(const ycomp_t *c, char *buf, size_t n)
{
    const yaml_node_t *nodes = c->d->doc.nodes.start;
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < c->depth && o < n; i++) {
        const yaml_node_t *x = &nodes[c->stack[i].node - 1];
        int top = i + 1 == c->depth;
        if (x->type == YAML_SEQUENCE_NODE) {
            size_t k = (size_t)(x->data.sequence.items.top - x->data.sequence.items.start);
            /* below the top the child is attached already */
            o += (size_t)snprintf(buf + o, n - o, "[%zu]", top ? k : k - 1);
            continue;
        }
        int key = c->stack[i].key;
        if (key && !top)
            break; /* inside a collection used as a key */
        if (!key && top)
            break; /* composing a key: the mapping's own path */
        if (!key)
            key = x->data.mapping.pairs.top[-1].key;
        const yaml_node_t *k = &nodes[key - 1];
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "." : "",
                              k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
                                                          : "?");
    }
}

/* Attaches node id to the open collection (nothing at the root) and says where, in *slot
 * (kind, node, idx).  ST_OK or ST_ENOMEM. */
static int attach(ycomp_t *c, int id, yref_t *slot)
{
    yaml_document_t *doc = &c->d->doc;
    if (c->depth == 0)
        return ST_OK;
    int p = c->stack[c->depth - 1].node;
    yaml_node_t *x = &doc->nodes.start[p - 1];
    slot->node = p;
    if (x->type == YAML_SEQUENCE_NODE) {
        slot->kind = YREF_ITEM;
        slot->idx = (size_t)(x->data.sequence.items.top - x->data.sequence.items.start);
        return yaml_document_append_sequence_item(doc, p, id) ? ST_OK : ST_ENOMEM;
    }
    slot->idx = (size_t)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
    if (!c->stack[c->depth - 1].key) {
        slot->kind = YREF_KEY;
        c->stack[c->depth - 1].key = id;
        return ST_OK;
    }
    slot->kind = YREF_VALUE;
    int key = c->stack[c->depth - 1].key;
    c->stack[c->depth - 1].key = 0;
    return yaml_document_append_mapping_pair(doc, p, key, id) ? ST_OK : ST_ENOMEM;
}

/* Records an anchor or alias named name (NUL-terminated, from the event). */
static int add_ref(ycomp_t *c, const yref_t *r, const yaml_char_t *name)
{
    size_t len = strlen((const char *)name);
    if (grow((void **)&c->ref, &c->cap_ref, c->n_ref + 1, sizeof *c->ref) ||
        grow((void **)&c->names, &c->cap_names, c->n_names + len, 1))
        return ST_ENOMEM;
    yref_t *e = &c->ref[c->n_ref++];
    *e = *r;
    e->off = c->n_names;
    e->len = (uint32_t)len;
    memcpy(c->names + c->n_names, name, len);
    c->n_names += len;
    return ST_OK;
}

static int ref_cmp(const yref_t *a, const yref_t *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    int k = memcmp(a->name, b->name, a->len);
    if (k)
        return k;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Sorts the indices ix[0..n) of r by ref_cmp (bottom-up merge sort: O(n log n) comparisons
 * whatever the input, each counted in *work).  Returns ix or tmp, whichever holds the
 * result. */
static uint32_t *sort_refs(const yref_t *r, uint32_t *ix, uint32_t *tmp, size_t n, uint64_t *work)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                (*work)++;
                tmp[k++] = ref_cmp(&r[ix[j]], &r[ix[i]]) < 0 ? ix[j++] : ix[i++];
            }
            while (i < mid)
                tmp[k++] = ix[i++];
            while (j < hi)
                tmp[k++] = ix[j++];
        }
        uint32_t *t = ix;
        ix = tmp;
        tmp = t;
    }
    return ix;
}

/* Resolves every alias to the anchor of its name that comes before it, reporting the
 * first problem in the stream: an alias with no such anchor, or an anchor defined twice
 * (libyaml refuses those too).  patch: fill the aliases' slots (0 when the stream broke
 * off, so slots may be missing).  ST_OK, ST_ECONFIG or ST_ENOMEM (not reported). */
static int resolve_refs(ycomp_t *c, int patch, arch_diag_list_t *dl)
{
    size_t n = c->n_ref;
    if (n == 0)
        return ST_OK;
    uint32_t *ix = st_malloc(2 * n * sizeof *ix);
    if (!ix)
        return ST_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        c->ref[i].name = c->names + c->ref[i].off;
        ix[i] = (uint32_t)i;
    }
    uint32_t *s = sort_refs(c->ref, ix, ix + n, n, &c->d->work);
    const yref_t *anchor = NULL, *bad = NULL, *first = NULL;
    yaml_node_t *nodes = c->d->doc.nodes.start;
    for (size_t i = 0; i < n; i++) {
        const yref_t *r = &c->ref[s[i]];
        if (anchor && (anchor->len != r->len || memcmp(anchor->name, r->name, r->len) != 0))
            anchor = NULL; /* a new name */
        if (r->kind == YREF_ANCHOR) {
            if (anchor && (!bad || r->pos < bad->pos))
                bad = r, first = anchor;
            anchor = r;
        } else if (!anchor) {
            if (!bad || r->pos < bad->pos)
                bad = r, first = NULL;
        } else if (patch) {
            yaml_node_t *x = &nodes[r->node - 1];
            if (r->kind == YREF_ITEM)
                x->data.sequence.items.start[r->idx] = anchor->node;
            else if (r->kind == YREF_KEY)
                x->data.mapping.pairs.start[r->idx].key = anchor->node;
            else
                x->data.mapping.pairs.start[r->idx].value = anchor->node;
        }
    }
    int rc = ST_OK;
    if (bad) {
        int len = bad->len > 64 ? 64 : (int)bad->len;
        if (bad->kind == YREF_ANCHOR) {
            add_at(c->d, dl, bad->line, bad->col, "", "duplicate anchor '&%.*s'", len, bad->name);
            arch_diag_note(dl, first->line, first->col, "first defined here");
        } else {
            add_at(c->d, dl, bad->line, bad->col, "",
                   "undefined alias '*%.*s': no anchor of that name comes before it", len,
                   bad->name);
        }
        rc = ST_ECONFIG;
    }
    free(ix);
    return rc;
}

/* One scalar, collection start or alias event: a node (or a placeholder) attached to the
 * open collection, its anchor recorded. */
static int comp_node(ycomp_t *c, const yaml_event_t *e, uint32_t pos, arch_diag_list_t *dl)
{
    yaml_document_t *doc = &c->d->doc;
    yref_t r = {0};
    r.pos = pos;
    r.line = (uint32_t)e->start_mark.line + 1;
    r.col = (uint32_t)e->start_mark.column + 1;
    const yaml_char_t *anchor = NULL, *tag = NULL;
    int id;
    if (e->type == YAML_ALIAS_EVENT) {
        if (c->depth == 0) { /* the root: nothing can come before it */
            add_at(c->d, dl, r.line, r.col, "",
                   "undefined alias '*%.64s': no anchor of that name comes before it",
                   (const char *)e->data.alias.anchor);
            return ST_ECONFIG;
        }
        if (attach(c, c->stack[c->depth - 1].node, &r) != ST_OK)
            return ST_ENOMEM;
        return add_ref(c, &r, e->data.alias.anchor);
    }
    if (e->type == YAML_SCALAR_EVENT) {
        const unsigned char *v = e->data.scalar.value;
        size_t len = e->data.scalar.length;
        size_t at = find_control(v, len);
        if (at < len) {
            char path[128], got[96];
            comp_path(c, path, sizeof path);
            quote_text(v, len, at, got, sizeof got);
            add_at(c->d, dl, r.line, r.col, path,
                   "expected text without control characters, got %s", got);
            return ST_ECONFIG;
        }
        anchor = e->data.scalar.anchor, tag = e->data.scalar.tag;
        if (tag && strcmp((const char *)tag, "!") == 0)
            tag = NULL; /* the non-specific tag: the default, as yaml_parser_load does */
        id = yaml_document_add_scalar(doc, (yaml_char_t *)tag, v, (int)len, e->data.scalar.style);
    } else {
        if (c->depth >= YDOC_MAX_DEPTH) {
            add_at(c->d, dl, r.line, r.col, "", "collections nest deeper than %u levels",
                   YDOC_MAX_DEPTH);
            return ST_ECONFIG;
        }
        int seq = e->type == YAML_SEQUENCE_START_EVENT;
        anchor = seq ? e->data.sequence_start.anchor : e->data.mapping_start.anchor;
        tag = seq ? e->data.sequence_start.tag : e->data.mapping_start.tag;
        if (tag && strcmp((const char *)tag, "!") == 0)
            tag = NULL;
        id = seq ? yaml_document_add_sequence(doc, (yaml_char_t *)tag, e->data.sequence_start.style)
                 : yaml_document_add_mapping(doc, (yaml_char_t *)tag, e->data.mapping_start.style);
    }
    if (!id)
        return ST_ENOMEM;
    doc->nodes.start[id - 1].start_mark = e->start_mark;
    doc->nodes.start[id - 1].end_mark = e->end_mark;
    if (attach(c, id, &r) != ST_OK)
        return ST_ENOMEM;
    if (e->type != YAML_SCALAR_EVENT)
        c->stack[c->depth++].node = id, c->stack[c->depth - 1].key = 0;
    if (!anchor)
        return ST_OK;
    r.kind = YREF_ANCHOR;
    r.node = id;
    return add_ref(c, &r, anchor);
}

/* Parses and composes the text into d->doc: one document (an empty stream gives an empty
 * one), collections at most YDOC_MAX_DEPTH deep (stopped at the bound: libyaml's scanner
 * walks its stack of possible simple keys at every token, so deep flow nesting would cost
 * quadratic time), no scalar with a control character, every alias defined.  Stops at the
 * first error. */
static int compose(ydoc_t *d, arch_diag_list_t *dl)
{
    ycomp_t c;
    memset(&c, 0, sizeof c);
    c.d = d;
    const ysrc_t *src = &d->src[0];
    yaml_parser_t p;
    yaml_event_t e;
    int rc = ST_OK, docs = 0, done = 0;
    uint32_t pos = 0;
    if (!yaml_parser_initialize(&p)) {
        oom(src->name, dl);
        return ST_ENOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
    while (!done) {
        if (!yaml_parser_parse(&p, &e)) {
            /* An alias problem before the syntax error is the first error in the text. */
            rc = d->loaded ? resolve_refs(&c, 0, dl) : ST_OK;
            if (rc == ST_OK)
                rc = parser_error(d, &p, dl);
            break;
        }
        pos++;
        d->work++;
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (docs++) {
                add_at(d, dl, (uint32_t)e.start_mark.line + 1, (uint32_t)e.start_mark.column + 1,
                       "", "expected a single document, got a second one");
                rc = ST_ECONFIG;
                break;
            }
            if (!yaml_document_initialize(&d->doc, e.data.document_start.version_directive,
                                          e.data.document_start.tag_directives.start,
                                          e.data.document_start.tag_directives.end,
                                          e.data.document_start.implicit, 0)) {
                rc = ST_ENOMEM;
                break;
            }
            d->loaded = 1;
            d->doc.start_mark = e.start_mark;
            break;
        case YAML_DOCUMENT_END_EVENT:
            d->doc.end_implicit = e.data.document_end.implicit;
            d->doc.end_mark = e.end_mark;
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            rc = comp_node(&c, &e, pos, dl);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            d->doc.nodes.start[c.stack[c.depth - 1].node - 1].end_mark = e.end_mark;
            c.depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
        if (rc != ST_OK)
            done = 1;
    }
    if (rc == ST_OK && !d->loaded) { /* an empty stream: an empty document */
        if (yaml_document_initialize(&d->doc, NULL, NULL, NULL, 1, 1))
            d->loaded = 1;
        else
            rc = ST_ENOMEM;
    }
    if (rc == ST_OK)
        rc = resolve_refs(&c, 1, dl);
    if (rc == ST_ENOMEM)
        oom(src->name, dl);
    free(c.ref);
    free(c.names);
    yaml_parser_delete(&p);
    return rc;
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

/* Whether node a comes before node b: by source (the including file first), then mark. */
static int node_before(const ydoc_t *d, int a, int b)
{
    uint32_t sa = src_of(d, a), sb = src_of(d, b);
    if (sa != sb)
        return sa < sb;
    const yaml_mark_t *ma = &d->doc.nodes.start[a - 1].start_mark;
    const yaml_mark_t *mb = &d->doc.nodes.start[b - 1].start_mark;
    return ma->line < mb->line || (ma->line == mb->line && ma->column < mb->column);
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
            yaml_node_t *x = &nodes[i];
            size_t k = (size_t)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
            most = k > most ? k : most;
        }
    if (most < 2)
        return ST_OK;
    kent_t *e = st_malloc(most * sizeof *e);
    if (!e) {
        oom(d->src[0].name, dl);
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
            if (!second || node_before(d, e[j].node, second)) {
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
    const char *key = ydoc_scalar(d, second); /* a scalar: only scalar keys are compared */
    ydoc_error(d, second, dl, "", "duplicate key '%s'", key ? key : "");
    /* A note has no file of its own: give it only when both keys share a source. */
    if (src_of(d, first) == src_of(d, second))
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
 * overflow the C stack.  Refuses more than YDOC_MAX_NODES, nesting deeper than
 * YDOC_MAX_DEPTH (an alias counts as the tree it names, so the height of a shared node is
 * memoized too), and cycles (an anchored collection that contains its own alias). */
static int check_expansion(ydoc_t *d, arch_diag_list_t *dl)
{
    size_t n = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    uint64_t *cnt = st_calloc(n + 1, sizeof *cnt);
    uint32_t *height = st_calloc(n + 1, sizeof *height); /* levels of collections below */
    unsigned char *state = st_calloc(n + 1, 1);          /* 0 new, 1 on the stack, 2 done */
    struct frame {
        int node;
        size_t next;
    } *st = st_calloc(n + 1, sizeof *st);
    int rc = ST_OK;
    if (n == 0)
        goto out; /* empty document */
    if (!cnt || !height || !state || !st) {
        oom(d->src[0].name, dl);
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
            d->work++;
            if (state[c] == 2) {
                cnt[f->node] += cnt[c];
                if (top + height[c] > YDOC_MAX_DEPTH) {
                    ydoc_error(d, c, dl, "",
                               "collections nest deeper than %u levels "
                               "through aliases",
                               YDOC_MAX_DEPTH);
                    rc = ST_ECONFIG;
                    goto out;
                }
                if (height[c] + 1 > height[f->node])
                    height[f->node] = height[c] + 1;
            } else if (state[c] == 1) {
                ydoc_error(d, c, dl, "", "alias refers to a node that contains it");
                rc = ST_ECONFIG;
                goto out;
            } else {
                yaml_node_t *cx = yaml_document_get_node(&d->doc, c);
                if (cx->type != YAML_SCALAR_NODE && top + 1 > YDOC_MAX_DEPTH) {
                    ydoc_error(d, c, dl, "", "collections nest deeper than %u levels",
                               YDOC_MAX_DEPTH);
                    rc = ST_ECONFIG;
                    goto out;
                }
                state[c] = 1, cnt[c] = 1;
                st[top++] = (struct frame){c, 0};
            }
            if (cnt[f->node] > YDOC_MAX_NODES)
                cnt[f->node] = YDOC_MAX_NODES + 1; /* saturate: no overflow */
            continue;
        }
        if (cnt[f->node] > YDOC_MAX_NODES) {
            ydoc_error(d, f->node, dl, "", "document expands to more than %u nodes through aliases",
                       YDOC_MAX_NODES);
            rc = ST_ECONFIG;
            goto out;
        }
        state[f->node] = 2;
        if (x->type != YAML_SCALAR_NODE && height[f->node] == 0)
            height[f->node] = 1; /* an empty collection is a level too */
        top--;
        if (top > 0) {
            int parent = st[top - 1].node;
            uint64_t *pc = &cnt[parent];
            *pc += cnt[f->node];
            if (*pc > YDOC_MAX_NODES)
                *pc = YDOC_MAX_NODES + 1;
            if (height[f->node] + 1 > height[parent])
                height[parent] = height[f->node] + 1;
        }
    }
out:
    free(st);
    free(state);
    free(height);
    free(cnt);
    return rc;
}

/* ---- Includes ---- */

static int load_owned(char *name, char *text, size_t len, char *chain, yinc_t *inc, ydoc_t **out,
                      arch_diag_list_t *dl);

/* Reads the whole file at path into a NUL-terminated buffer (*buf, *len).  ST_OK;
 * ST_EIO with the reason in why[whyn]; ST_ENOMEM.  max: the most bytes accepted. */
static int read_all(const char *path, size_t max, char **buf, size_t *len, char *why, size_t whyn)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whyn, "%s", strerror(errno));
        return ST_EIO;
    }
    /* Read to the end rather than trusting st_size (pipes, files that change). */
    size_t cap = 4096, n = 0;
    char *b = st_malloc(cap + 1);
    int rc = ST_OK;
    if (!b) {
        rc = ST_ENOMEM;
        goto out;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                snprintf(why, whyn, "file is too large, expected at most %lu bytes",
                         (unsigned long)max);
                rc = ST_EIO;
                goto out;
            }
            char *bigger = st_malloc(2 * cap + 1);
            if (!bigger) {
                rc = ST_ENOMEM;
                goto out;
            }
            memcpy(bigger, b, n);
            free(b);
            b = bigger;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (n > max) {
        snprintf(why, whyn, "file is too large, expected at most %lu bytes", (unsigned long)max);
        rc = ST_EIO;
        goto out;
    }
    if (ferror(f)) {
        snprintf(why, whyn, "%s", strerror(errno));
        rc = ST_EIO;
        goto out;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
out:
    free(b);
    fclose(f);
    return rc;
}

/* Moves sub's nodes into d (appended: sub node k becomes node base + k, marks kept, and
 * its sources after d's), then swaps node `at` (the !include scalar) with sub's root, so
 * what referred to the scalar now refers to the included tree.  sub keeps only its
 * yaml_document_t, freed by the caller.  ST_OK or ST_ENOMEM. */
static int merge(ydoc_t *d, int at, ydoc_t *sub)
{
    yaml_document_t *dd = &d->doc, *sd = &sub->doc;
    size_t base = (size_t)(dd->nodes.top - dd->nodes.start);
    size_t m = (size_t)(sd->nodes.top - sd->nodes.start);
    uint32_t *ns = realloc(d->node_src, (base + m) * sizeof *ns);
    ysrc_t *src = realloc(d->src, (d->n_src + sub->n_src) * sizeof *src);
    if (ns) {
        if (!d->node_src)
            memset(ns, 0, base * sizeof *ns);
        d->node_src = ns;
    }
    if (src)
        d->src = src;
    if (!ns || !src)
        return ST_ENOMEM;
    for (size_t k = 1; k <= m; k++) {
        yaml_node_t *x = &sd->nodes.start[k - 1];
        int id = 0;
        if (x->type == YAML_SCALAR_NODE)
            id = yaml_document_add_scalar(dd, x->tag, x->data.scalar.value,
                                          (int)x->data.scalar.length, x->data.scalar.style);
        else if (x->type == YAML_SEQUENCE_NODE)
            id = yaml_document_add_sequence(dd, x->tag, x->data.sequence.style);
        else if (x->type == YAML_MAPPING_NODE)
            id = yaml_document_add_mapping(dd, x->tag, x->data.mapping.style);
        if (id != (int)(base + k))
            return ST_ENOMEM;
        dd->nodes.start[id - 1].start_mark = x->start_mark;
        dd->nodes.start[id - 1].end_mark = x->end_mark;
        d->node_src[id - 1] = d->n_src + src_of(sub, (int)k);
    }
    for (size_t k = 1; k <= m; k++) {
        yaml_node_t *x = &sd->nodes.start[k - 1];
        int id = (int)(base + k);
        if (x->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = x->data.sequence.items.start;
                 it < x->data.sequence.items.top; it++)
                if (!yaml_document_append_sequence_item(dd, id, (int)base + *it))
                    return ST_ENOMEM;
        } else if (x->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = x->data.mapping.pairs.start; p < x->data.mapping.pairs.top;
                 p++)
                if (!yaml_document_append_mapping_pair(dd, id, (int)base + p->key,
                                                       (int)base + p->value))
                    return ST_ENOMEM;
        }
    }
    memcpy(d->src + d->n_src, sub->src, sub->n_src * sizeof *sub->src);
    d->n_src += sub->n_src;
    sub->n_src = 0; /* the texts belong to d now */
    /* Nothing inside sub refers to its root (its expansion check refused cycles), so the
     * swap needs no other reference changed. */
    yaml_node_t tmp = dd->nodes.start[at - 1];
    dd->nodes.start[at - 1] = dd->nodes.start[base];
    dd->nodes.start[base] = tmp;
    uint32_t ts = d->node_src[at - 1];
    d->node_src[at - 1] = d->node_src[base];
    d->node_src[base] = ts;
    return ST_OK;
}

/* Whether resolved path p is dir or inside it (both absolute, without symlinks). */
static int path_under(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return p[0] == '/';
    return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

static int include_allowed(const yinc_t *inc, const char *real)
{
    if (inc->root && path_under(real, inc->root))
        return 1;
    for (uint32_t i = 0; i < n_include_paths; i++)
        if (path_under(real, include_paths[i]))
            return 1;
    return 0;
}

int ydoc_include_path_add(const char *dir, arch_diag_list_t *dl)
{
    if (n_include_paths >= YDOC_MAX_INCLUDE_PATHS) {
        arch_diag_add(dl, dir, 0, 0, "", NULL,
                      "cannot use as include path: more than %u "
                      "include paths",
                      YDOC_MAX_INCLUDE_PATHS);
        return ST_ERANGE;
    }
    char *real = dir[0] ? realpath(dir, NULL) : NULL;
    struct stat sb;
    if (!real || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        int err = !dir[0] ? ENOENT : !real ? errno : ENOTDIR;
        free(real);
        if (err == ENOMEM) {
            oom(dir, dl);
            return ST_ENOMEM;
        }
        arch_diag_add(dl, dir[0] ? dir : "\"\"", 0, 0, "", NULL, "cannot use as include path: %s",
                      strerror(err));
        return ST_EIO;
    }
    include_paths[n_include_paths++] = real;
    return ST_OK;
}

void ydoc_include_path_clear(void)
{
    for (uint32_t i = 0; i < n_include_paths; i++)
        free(include_paths[i]);
    n_include_paths = 0;
}

/* Resolves the !include at node `at` of d (a scalar of d's own text): reads and loads the
 * file, relative to the directory of d's file, and merges it.  Errors are reported at the
 * !include; errors inside the included file at their own place, with the chain. */
static int include_one(ydoc_t *d, int at, yinc_t *inc, arch_diag_list_t *dl)
{
    const char *rel = ydoc_scalar(d, at), *name = d->src[0].name;
    if (!rel) {
        ydoc_error(d, at, dl, "", "!include expects a file name, got a %s",
                   ydoc_kind(d, at) == YNODE_MAP ? "mapping" : "sequence");
        return ST_ECONFIG;
    }
    if (rel[0] == '\0') {
        ydoc_error(d, at, dl, "", "!include expects a file name, got an empty value");
        return ST_ECONFIG;
    }
    if (!inc) {
        ydoc_error(d, at, dl, "",
                   "cannot include '%s': %s is not read from a file, so there "
                   "is no directory to resolve it against",
                   rel, name);
        return ST_ECONFIG;
    }
    if (inc->depth >= YDOC_MAX_INCLUDE_DEPTH) {
        ydoc_error(d, at, dl, "", "cannot include '%s': includes nest deeper than %u files", rel,
                   YDOC_MAX_INCLUDE_DEPTH);
        return ST_ECONFIG;
    }
    if (inc->includes >= YDOC_MAX_INCLUDES) {
        ydoc_error(d, at, dl, "", "cannot include '%s': more than %u includes in one load", rel,
                   YDOC_MAX_INCLUDES);
        return ST_ECONFIG;
    }
    inc->includes++;

    /* The including file's directory, never the working directory's (no chdir). */
    const char *slash = strrchr(name, '/');
    size_t dl_len = rel[0] != '/' && slash ? (size_t)(slash - name) + 1 : 0;
    char *path = st_malloc(dl_len + strlen(rel) + 1);
    if (!path) {
        oom(name, dl);
        return ST_ENOMEM;
    }
    memcpy(path, name, dl_len);
    strcpy(path + dl_len, rel);

    /* Confined to the top file's directory tree and the include paths, judged on the path
     * with every symlink and ".." resolved; the file is then read through that path. */
    struct stat sb;
    int rc = ST_ECONFIG;
    char *real = realpath(path, NULL);
    if (!real) {
        ydoc_error(d, at, dl, "", "cannot include '%s': %s", path, strerror(errno));
        goto fail_path;
    }
    if (!include_allowed(inc, real)) {
        char where[sizeof dl->d[0].path];
        snprintf(where, sizeof where, "%s %s", YDOC_INCLUDE_TAG, rel);
        ydoc_error(d, at, dl, where,
                   "outside the directory tree of %s (%s); add "
                   "--include-path to allow it",
                   inc->top, inc->root ? inc->root : "unresolved");
        free(real);
        goto fail_path;
    }
    if (stat(real, &sb) != 0) {
        ydoc_error(d, at, dl, "", "cannot include '%s': %s", path, strerror(errno));
        free(real);
        goto fail_path;
    }
    if (!S_ISREG(sb.st_mode)) {
        ydoc_error(d, at, dl, "", "cannot include '%s': %s", path,
                   S_ISDIR(sb.st_mode) ? strerror(EISDIR) : "not a regular file");
        free(real);
        goto fail_path;
    }
    for (uint32_t i = 0; i < inc->depth; i++) {
        if (inc->open[i].dev != sb.st_dev || inc->open[i].ino != sb.st_ino)
            continue;
        /* "include cycle: a.yaml -> b.yaml -> a.yaml", from the file included again. */
        char cyc[sizeof dl->d[0].msg];
        size_t o = 0;
        for (uint32_t j = i; j < inc->depth && o < sizeof cyc; j++)
            o += (size_t)snprintf(cyc + o, sizeof cyc - o, "%s -> ", inc->open[j].name);
        if (o < sizeof cyc)
            snprintf(cyc + o, sizeof cyc - o, "%s", path);
        ydoc_error(d, at, dl, "", "include cycle: %s", cyc);
        free(real);
        goto fail_path;
    }

    char why[160], *text = NULL;
    size_t len = 0;
    rc = read_all(real, YDOC_MAX_BYTES - inc->bytes, &text, &len, why, sizeof why);
    free(real);
    if (rc == ST_ENOMEM) {
        oom(name, dl);
        goto fail_path;
    }
    if (rc != ST_OK) {
        if (strncmp(why, "file is too large", 17) == 0)
            ydoc_error(d, at, dl, "",
                       "cannot include '%s': with the files that include it, "
                       "more than %lu bytes",
                       path, (unsigned long)YDOC_MAX_BYTES);
        else
            ydoc_error(d, at, dl, "", "cannot include '%s': %s", path, why);
        rc = ST_ECONFIG;
        goto fail_path;
    }
    inc->bytes += len;
    if (read_hook)
        read_hook(read_hook_ctx, path, text, len);

    /* "b.yaml:2:7" + ", from " + the chain of d's own text. */
    uint32_t l, c;
    ydoc_mark(d, at, &l, &c);
    const char *up = d->src[0].chain ? d->src[0].chain : "";
    size_t cn = strlen(name) + strlen(up) + 40;
    char *chain = st_malloc(cn);
    if (!chain) {
        free(text);
        oom(name, dl);
        rc = ST_ENOMEM;
        goto fail_path;
    }
    snprintf(chain, cn, "%s:%u:%u%s%s", name, (unsigned)l, (unsigned)c, up[0] ? ", from " : "", up);

    ydoc_t *sub = NULL;
    inc->open[inc->depth].dev = sb.st_dev;
    inc->open[inc->depth].ino = sb.st_ino;
    inc->open[inc->depth].name = path;
    inc->depth++;
    rc = load_owned(path, text, len, chain, inc, &sub, dl); /* owns path, text, chain */
    inc->depth--;
    if (rc != ST_OK)
        return rc;
    if (ydoc_root(sub) == 0) {
        ydoc_error(d, at, dl, "", "cannot include '%s': it holds no document", sub->src[0].name);
        ydoc_destroy(sub);
        return ST_ECONFIG;
    }
    rc = merge(d, at, sub);
    ydoc_destroy(sub);
    if (rc != ST_OK)
        oom(d->src[0].name, dl);
    return rc;

fail_path:
    free(path);
    return rc;
}

/* Resolves every !include among d's own nodes (those of its text; included documents come
 * resolved).  *any: whether one was resolved. */
static int resolve_includes(ydoc_t *d, yinc_t *inc, int *any, arch_diag_list_t *dl)
{
    size_t n0 = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    for (size_t i = 1; i <= n0; i++) {
        yaml_node_t *x = &d->doc.nodes.start[i - 1];
        if (!x->tag || strcmp((const char *)x->tag, YDOC_INCLUDE_TAG) != 0)
            continue;
        int rc = include_one(d, (int)i, inc, dl);
        if (rc != ST_OK)
            return rc;
        *any = 1;
    }
    return ST_OK;
}

/* Takes ownership of name, text (NUL-terminated, len bytes) and chain (NULL for a top
 * file) and runs the load steps listed at the top of this file.  The handle keeps the
 * text so diagnostics made later (by arch/ or workloads/, through ydoc_error) can still
 * echo the offending line.  inc: NULL for text not read from a file (no includes). */
static int load_owned(char *name, char *text, size_t len, char *chain, yinc_t *inc, ydoc_t **out,
                      arch_diag_list_t *dl)
{
    int rc, any = 0;
    ydoc_t *d = st_calloc(1, sizeof *d);
    ysrc_t *src = st_calloc(1, sizeof *src);
    if (!d || !src) {
        arch_diag_add(dl, name, 0, 0, "", NULL, "out of memory");
        free(d);
        free(src);
        free(name);
        free(text);
        free(chain);
        return ST_ENOMEM;
    }
    *src = (ysrc_t){name, text, len, chain};
    d->src = src;
    d->n_src = 1;
    rc = check_text(d, dl);
    if (rc)
        goto fail_doc;
    /* An empty document loads (ydoc_root gives 0); what it should have held is the
     * caller's to say. */
    rc = compose(d, dl);
    if (rc)
        goto fail_doc;
    rc = check_dups(d, dl);
    if (rc)
        goto fail_doc;
    rc = resolve_includes(d, inc, &any, dl);
    if (rc)
        goto fail_doc;
    if (any && (rc = check_dups(d, dl)) != ST_OK) /* an included scalar used as a key */
        goto fail_doc;
    rc = check_expansion(d, dl);
    if (rc)
        goto fail_doc;
    *out = d;
    return ST_OK;

fail_doc:
    ydoc_destroy(d);
    return rc;
}

int ydoc_load_string(const char *name, const char *text, size_t len, ydoc_t **out,
                     arch_diag_list_t *dl)
{
    char *copy = st_malloc(len + 1), *nm = st_strdup(name);
    if (!copy || !nm) {
        free(copy);
        free(nm);
        oom(name, dl);
        return ST_ENOMEM;
    }
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return load_owned(nm, copy, len, NULL, NULL, out, dl);
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
    char why[160], *text = NULL, *nm;
    size_t len = 0;
    int rc = read_all(path, YDOC_MAX_BYTES, &text, &len, why, sizeof why);
    if (rc == ST_EIO) {
        if (strncmp(why, "file is too large", 17) == 0)
            arch_diag_add(dl, path, 0, 0, "", NULL, "%s", why);
        else
            arch_diag_add(dl, path, 0, 0, "", NULL, "cannot read file: %s", why);
        return ST_EIO;
    }
    if (rc != ST_OK || !(nm = st_strdup(path))) {
        free(text);
        oom(path, dl);
        return ST_ENOMEM;
    }
    if (read_hook)
        read_hook(read_hook_ctx, path, text, len);
    yinc_t inc;
    memset(&inc, 0, sizeof inc);
    inc.open[0].dev = sb.st_dev;
    inc.open[0].ino = sb.st_ino;
    inc.open[0].name = path;
    inc.depth = 1;
    inc.bytes = len;
    inc.top = path;
    /* The directory includes are confined to: the top file's, as named (its symlink, if
     * it is one, stays where it is). */
    const char *slash = strrchr(path, '/');
    size_t dn = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = st_malloc(dn + 1);
    if (!dir) {
        free(text);
        free(nm);
        oom(path, dl);
        return ST_ENOMEM;
    }
    memcpy(dir, slash ? path : ".", dn);
    dir[dn] = '\0';
    inc.root = realpath(dir, NULL);
    free(dir);
    rc = load_owned(nm, text, len, NULL, &inc, out, dl);
    free(inc.root);
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
    return d->src[0].name;
}

const char *ydoc_node_file(const ydoc_t *d, int node)
{
    return d->src[src_of(d, node)].name;
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
    case YAML_SCALAR_NODE:
        return YNODE_SCALAR;
    case YAML_SEQUENCE_NODE:
        return YNODE_SEQ;
    case YAML_MAPPING_NODE:
        return YNODE_MAP;
    default:
        return YNODE_NONE;
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

uint64_t ydoc_test_work(const ydoc_t *d)
{
    return d->work;
}

void ydoc_error(const ydoc_t *d, int node, arch_diag_list_t *dl, const char *path, const char *fmt,
                ...)
{
    char msg[sizeof dl->d[0].msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line, col;
    ydoc_mark(d, node, &line, &col);
    add_src(d, src_of(d, node), dl, line, col, path, "%s", msg);
}

/* ---- Schema tables ---- */

int ydoc_check_version(const ydoc_t *d, int root, arch_diag_list_t *dl)
{
    const int vn = ydoc_map_get(d, root, "version");
    const char *vs = ydoc_scalar(d, vn);
    if (vs && vs[0] && strspn(vs, "0123456789") == strlen(vs) && strcmp(vs, "1") != 0) {
        ydoc_error(d, vn, dl, "version", "unsupported version %s (this neuspin reads version 1)",
                   vs);
        return ST_ECONFIG;
    }
    return ST_OK;
}

void ydoc_format_number(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    /* The shortest precision that reads back.  Any decimal of at most DBL_DIG = 15
     * significant digits survives decimal -> double -> decimal, so two such decimals never
     * read as one double: when %.15g reads back, its digits are the shortest, and %g
     * already dropped the trailing zeros (a shorter precision would print the same text,
     * a non-integral value having more digits than its exponent).  Else 16 or 17.  A
     * subnormal has fewer bits than that guarantee needs: every precision is tried. */
    for (int p = fabs(v) < DBL_MIN ? 1 : 15; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* A scalar's text s (len bytes) quoted for an error: cut at 40 bytes (at a character
 * boundary, "..." marking the cut), quotes, backslashes and control characters shown as '?',
 * so the message stays one line and unambiguous. */
static void quote_got(const unsigned char *s, size_t len, char *buf, size_t n)
{
    char v[48];
    size_t o = 0, i = 0;
    while (i < len && o < 40) {
        uint32_t cp;
        size_t k = utf8_len(s + i, len - i, &cp);
        if (k == 0 || cp < 0x20 || cp == '"' || cp == '\\') {
            v[o++] = '?';
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

void ydoc_describe_node(const ydoc_t *d, int node, char *buf, size_t n)
{
    yaml_node_t *x = node_at(d, node);
    if (!x)
        snprintf(buf, n, "nothing");
    else if (x->type == YAML_MAPPING_NODE)
        snprintf(buf, n, "a mapping");
    else if (x->type == YAML_SEQUENCE_NODE)
        snprintf(buf, n, "a sequence");
    else if (x->data.scalar.length == 0 && x->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        snprintf(buf, n, "an empty value");
    else
        quote_got(x->data.scalar.value, x->data.scalar.length, buf, n);
}

void ydoc_describe_text(const char *s, char *buf, size_t n)
{
    if (!s || !s[0])
        snprintf(buf, n, "an empty value");
    else
        quote_got((const unsigned char *)s, strlen(s), buf, n);
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

int ydoc_number_read(const yfield_t *r, const char *s, void *field)
{
    if (r->type == YF_U32) {
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
        if (!s || len == 0 || i != len)
            return YDOC_NUM_MALFORMED;
        if (v < r->min || v > r->max)
            return YDOC_NUM_RANGE;
        const uint32_t u = (uint32_t)v;
        memcpy(field, &u, sizeof u); /* field may be any byte buffer (a sweep value's raw) */
        return 0;
    }
    /* YF_F64: strtod alone also takes hex, "inf", "nan" and leading blanks: allow only a
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
    if (!ok)
        return YDOC_NUM_MALFORMED;
    if (v < r->min || v > r->max)
        return YDOC_NUM_RANGE;
    memcpy(field, &v, sizeof v);
    return 0;
}

void ydoc_number_msg(const yfield_t *r, int why, const char *s, const char *got, char *msg,
                     size_t n)
{
    char lo[32], hi[32];
    ydoc_format_number(r->min, lo, sizeof lo);
    ydoc_format_number(r->max, hi, sizeof hi);
    if (why == YDOC_NUM_RANGE)
        snprintf(msg, n, "must be between %s and %s inclusive, got %s", lo, hi, s);
    else
        snprintf(msg, n, "expected %s in [%s, %s], got %s",
                 r->type == YF_U32 ? "integer" : "number", lo, hi, got);
}

/* The words of a value error about node and row r: what was given, and the row's bounds.
 * Made only for an error: formatting a number is not cheap, and a sweep checks up to a
 * million values through apply_value. */
static void explain(const ydoc_t *d, int node, const yfield_t *r, char got[64], char lo[32],
                    char hi[32])
{
    ydoc_describe_node(d, node, got, 64);
    ydoc_format_number(r->min, lo, 32);
    ydoc_format_number(r->max, hi, 32);
}

/* Reads the scalar at node into the field of row r; an error names `path`. */
static int apply_value(const ydoc_t *d, int node, const char *path, const yfield_t *r, void *base,
                       arch_diag_list_t *dl)
{
    char *field = (char *)base + r->offset;
    const char *s = ydoc_scalar(d, node);
    char got[64], lo[32], hi[32]; /* an error's words: explain() */

    switch (r->type) {
    case YF_U32:
    case YF_F64: {
        const int why = ydoc_number_read(r, s, field);
        if (why == 0)
            return ST_OK;
        char msg[256];
        explain(d, node, r, got, lo, hi);
        ydoc_number_msg(r, why, s, got, msg, sizeof msg);
        ydoc_error(d, node, dl, path, "%s", msg);
        return ST_ECONFIG;
    }
    case YF_BOOL:
        if (s && strcmp(s, "true") == 0) {
            *(int *)field = 1;
        } else if (s && strcmp(s, "false") == 0) {
            *(int *)field = 0;
        } else {
            explain(d, node, r, got, lo, hi);
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
        explain(d, node, r, got, lo, hi);
        ydoc_error(d, node, dl, path, "expected %s%s, got %s", k > 2 ? "one of " : "", choices,
                   got);
        return ST_ECONFIG;
    }
    case YF_STR: {
        if (!s) {
            explain(d, node, r, got, lo, hi);
            ydoc_error(d, node, dl, path, "expected a string, got %s", got);
            return ST_ECONFIG;
        }
        size_t len = strlen(s);
        if (len > 63) {
            explain(d, node, r, got, lo, hi);
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
        case YF_U32:
            *(uint32_t *)field = (uint32_t)r->def;
            break;
        case YF_F64:
            *(double *)field = r->def;
            break;
        case YF_BOOL:
            *(int *)field = r->def != 0;
            break;
        case YF_ENUM:
            *(uint32_t *)field = (uint32_t)r->def;
            break;
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
        ydoc_describe_node(d, node, got, sizeof got);
        ydoc_error(d, node, dl, path, "expected a mapping, got %s", got);
        return ST_ECONFIG;
    }
    for (size_t i = 0; i < ydoc_len(d, node); i++) {
        int kn = ydoc_map_key(d, node, i), vn = ydoc_map_value(d, node, i);
        const char *key = ydoc_scalar(d, kn);
        if (!key) {
            ydoc_describe_node(d, kn, got, sizeof got);
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
    case YF_U32:
        snprintf(buf, n, "%u", (unsigned)*(const uint32_t *)field);
        return;
    case YF_F64:
        ydoc_format_number(*(const double *)field, buf, n);
        return;
    case YF_BOOL:
        snprintf(buf, n, "%s", *(const int *)field ? "true" : "false");
        return;
    case YF_ENUM: {
        uint32_t k = *(const uint32_t *)field, j = 0;
        while (j < k && r->enum_names[j])
            j++;
        snprintf(buf, n, "%s", r->enum_names[j] ? r->enum_names[j] : "?");
        return;
    }
    case YF_STR: {
        /* Double-quoted so any text (": ", "#", leading blanks) reads back unchanged, and
         * every character a YAML stream may not hold raw (controls, DEL, C1, the line
         * separators, BOM, U+FFFE/FFFF) escaped, so the dump loads again.  At most 4
         * characters per byte: 63 bytes fit YDOC_FMT_MAX. */
        size_t o = 0, len = strlen(field);
        const unsigned char *t = (const unsigned char *)field;
        if (n < 3) {
            if (n)
                buf[0] = '\0';
            return;
        }
        buf[o++] = '"';
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            size_t k = utf8_len(t + i, len - i, &cp);
            char esc[8] = "";
            if (k == 0) { /* not UTF-8 (a hand-filled struct): the byte itself, escaped */
                cp = t[i];
                k = 1;
                snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
            } else if (cp == '"' || cp == '\\') {
                snprintf(esc, sizeof esc, "\\%c", (char)cp);
            } else if (cp == '\t') {
                snprintf(esc, sizeof esc, "\\t");
            } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
            } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
                       cp == 0xFFFF) {
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
            }
            size_t w = esc[0] ? strlen(esc) : k;
            if (o + w + 2 > n)
                break; /* the caller's buffer is smaller than YDOC_FMT_MAX */
            memcpy(buf + o, esc[0] ? esc : (const char *)t + i, w);
            o += w;
            i += k;
        }
        buf[o++] = '"';
        buf[o] = '\0';
        return;
    }
    }
    SIM_BUG("unknown yfield type");
}

const char *ydoc_type_name(yfield_type_t t)
{
    switch (t) {
    case YF_U32:
        return "integer";
    case YF_F64:
        return "number";
    case YF_BOOL:
        return "bool";
    case YF_ENUM:
        return "enum";
    case YF_STR:
        return "string";
    }
    return "?";
}

void ydoc_field_desc(const yfield_t *r, char *buf, size_t n)
{
    if (r->type != YF_ENUM) {
        snprintf(buf, n, "%s", r->desc);
        return;
    }
    size_t o = (size_t)snprintf(buf, n, "%s: one of", r->desc);
    for (size_t k = 0; r->enum_names[k] && o < n; k++)
        o += (size_t)snprintf(buf + o, n - o, "%s `%s`", k ? "," : "", r->enum_names[k]);
}
