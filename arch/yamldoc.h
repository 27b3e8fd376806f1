/* yamldoc.h - the raw layer: a whole YAML document loaded with libyaml, with marks, plus the
 * schema-table engine that turns mappings into validated C structs.  arch/ and workloads/
 * read YAML only through this header, so diagnostics stay uniform.
 *
 * Loading rejects, with a diagnostic: unreadable files and directories, non-UTF-8 bytes,
 * syntax errors (libyaml's problem text, at its mark), collections nested deeper than 64
 * levels (aliases followed), duplicate mapping keys (both places), documents with more
 * than one document, an alias with no anchor before it, an anchor name given twice, and
 * alias expansion beyond a bound (alias bombs).  Nodes are addressed by libyaml node index
 * (1-based, 0 = none).
 *
 * Hostile input is bounded in time: every pass over a document is linear in its size, or
 * O(n log n) (aliases are resolved by sorting anchors and aliases, not by libyaml's list
 * search, which was quadratic: 100,000 anchors and as many aliases took 93 s, now 0.1 s).
 *
 * Control characters: no scalar, key or value, may hold a C0 control character (U+0000 to
 * U+001F: NUL, tab and line feed included), DEL, a C1 control (U+0080 to U+009F) or a line
 * or paragraph separator (U+2028, U+2029), however written (raw, or as the escapes "\0",
 * "\u0000", "\n", "\t", "\x85").  Every scalar of these files is a name, key, path, enum
 * or number, and none is free text, so the rule has no exceptions: a NUL would cut the C
 * string silently, a line feed would split a CSV row.  The error gives the path inside the
 * file (a key's error the path of its mapping) and the value with YAML's escapes, never the
 * raw byte:  a.yaml:3:7: error: name: expected text without control characters, got "a\nb"
 *
 * Includes (file loads only): a scalar tagged `!include FILE` is replaced by the root of
 * FILE's document, FILE resolved against the including file's directory (never the
 * working directory).  The included file goes through every step above, its own includes
 * too; a missing or unreadable file, an empty one, a cycle ("include cycle: a.yaml ->
 * b.yaml -> a.yaml"), more than 16 files deep or more than 256 includes are errors at
 * the !include.  Diagnostics about included nodes name their own file and line, followed
 * by "(included from a.yaml:7:9)" (", from ..." for each further level).  Text loaded
 * with ydoc_load_string has no directory, so an !include there is an error.
 *
 * Includes are confined: the included file, with every symlink and ".." resolved
 * (realpath), must lie in the directory tree of the top-level file that was loaded (its
 * directory as named, resolved), or under a directory given to ydoc_include_path_add.
 * Otherwise, at the !include: "a.yaml:3:9: error: !include ../x.yaml: outside the directory
 * tree of a.yaml (/abs/dir); add --include-path to allow it".  An included file that is
 * not YAML (bad bytes, a syntax error) is reported as "not a YAML document" with its
 * position only: no line of it is echoed and no libyaml problem text given, so !include
 * cannot print a line of an arbitrary file.  Lines of the top file, and of included files
 * that parsed, are echoed as usual. */
#ifndef NS_ARCH_YAMLDOC_H
#define NS_ARCH_YAMLDOC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ydoc ydoc_t; /* opaque: yaml_document_t + name + source text */

typedef enum { YNODE_NONE = 0, YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } ynode_kind_t;

/* ---- Lifecycle ---- */
/* Loads `path`.  ST_OK; ST_EIO (cannot read) or ST_ECONFIG (syntax, duplicates, …) with
 * diagnostics in dl; ST_ENOMEM.  *out untouched on error. */
int ydoc_load_file(const char *path, ydoc_t **out, arch_diag_list_t *dl);

/* Loads text of len bytes; `name` is what diagnostics call the file. */
int ydoc_load_string(const char *name, const char *text, size_t len, ydoc_t **out,
                     arch_diag_list_t *dl);

void ydoc_destroy(ydoc_t *d); /* NULL is a no-op */

/* ---- Nodes ---- */
const char *ydoc_name(const ydoc_t *d);
/* File the node was read from: ydoc_name(d), or the file an !include brought it from.
 * Owned by d. */
const char *ydoc_node_file(const ydoc_t *d, int node);
int ydoc_root(const ydoc_t *d); /* 0 for an empty document */
ynode_kind_t ydoc_kind(const ydoc_t *d, int node);
const char *ydoc_scalar(const ydoc_t *d, int node); /* NULL unless a scalar */
size_t ydoc_len(const ydoc_t *d, int node);         /* items of a sequence or pairs of a map */
int ydoc_seq_item(const ydoc_t *d, int node, size_t i);
int ydoc_map_key(const ydoc_t *d, int node, size_t i);                    /* key node of pair i */
int ydoc_map_value(const ydoc_t *d, int node, size_t i);                  /* value node of pair i */
int ydoc_map_get(const ydoc_t *d, int node, const char *key);             /* value node or 0 */
void ydoc_mark(const ydoc_t *d, int node, uint32_t *line, uint32_t *col); /* 1-based */

/* ---- Include path ---- */
/* Lets !include reach files under `dir` (the directory and everything below it) besides
 * the top-level file's own directory tree.  dir is resolved now with realpath (symlinks
 * and ".." followed), so a later chdir does not move it.  Process-wide and not locked: call
 * it while setting up, before any load (the command line's --include-path).  Returns
 * ST_OK; ST_EIO when dir cannot be resolved or is not a directory and ST_ERANGE past 64
 * directories, each with an error naming dir in dl ("DIR: error: cannot use as include
 * path: No such file or directory"); ST_ENOMEM.  Nothing is added on error. */
int ydoc_include_path_add(const char *dir, arch_diag_list_t *dl);

/* Forgets every directory added (tests; frees them). */
void ydoc_include_path_clear(void);

/* Appends an error located at `node` (its line echoed). */
void ydoc_error(const ydoc_t *d, int node, arch_diag_list_t *dl, const char *path, const char *fmt,
                ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* ---- Schema tables ---- */
typedef enum {
    YF_U32,  /* unsigned integer, decimal, stored as uint32_t */
    YF_F64,  /* number, stored as double */
    YF_BOOL, /* true/false, stored as int */
    YF_ENUM, /* one of enum_names, stored as uint32_t index */
    YF_STR   /* string, stored as char[64] (longer is an error) */
} yfield_type_t;

/* One row: the single source of truth for parsing, defaults, range checks and docs. */
typedef struct yfield {
    const char *key;
    yfield_type_t type;
    size_t offset;                 /* offsetof(struct, field) */
    int required;                  /* 1: no default; missing is "is required but not given" */
    double def;                    /* default (YF_U32/F64/BOOL/ENUM index) */
    const char *def_str;           /* default of YF_STR */
    double min, max;               /* inclusive range (numbers) */
    const char *unit;              /* "cycle", "pJ", "MHz", "-" … */
    const char *desc;              /* one line, lower-case */
    const char *const *enum_names; /* NULL-terminated, YF_ENUM only */
} yfield_t;

/* Fills `base` from mapping `node` with the rows of table[0..n): every default first, then
 * each given key.  Errors collected into dl: node not a mapping ("expected a mapping, got
 * …"), unknown key ("unknown key 'rwos'"), wrong type / out of range ("expected integer in
 * [1, 4096], got \"abc\""), missing required key.  `path` is the mapping's key path ("" at
 * the root) and prefixes each key ("xbar.rows").  Keys listed in `skip` (NULL-terminated,
 * may be NULL) are left to the caller.  Returns ST_OK or ST_ECONFIG. */
int ydoc_apply(const ydoc_t *d, int node, const char *path, const yfield_t *table, size_t n,
               void *base, const char *const *skip, arch_diag_list_t *dl);

/* A number's text s read into `field` of the numeric row r (YF_U32: plain decimal digits;
 * YF_F64: a finite decimal number), under the row's bounds: 0, or YDOC_NUM_MALFORMED /
 * YDOC_NUM_RANGE with the field untouched.  ydoc_number_msg words the refusal as the loader
 * does ("expected integer in [1, 4096], got GOT" with the caller's description `got` of the
 * value; "must be between 1 and 4096 inclusive, got S").  The loader and callers that hold
 * a value's text outside any document (a sweep's range) share them. */
enum { YDOC_NUM_MALFORMED = 1, YDOC_NUM_RANGE = 2 };
int ydoc_number_read(const yfield_t *r, const char *s, void *field);
void ydoc_number_msg(const yfield_t *r, int why, const char *s, const char *got, char *msg,
                     size_t n);

/* Shortest text that strtod reads back as exactly v ("128", "0.0035"); integral values
 * without an exponent. */
void ydoc_format_number(double v, char *buf, size_t n);

/* A document's `version` is a known one: an unsigned integer other than 1 is an error at
 * its value ("unsupported version 2 (this neuspin reads version 1)"), so an unknown schema
 * is reported alone.  A missing or malformed version is left to the schema table.
 * Returns ST_OK or ST_ECONFIG. */
int ydoc_check_version(const ydoc_t *d, int root, arch_diag_list_t *dl);

/* Fills `base` with the defaults of table[0..n) only. */
void ydoc_defaults(const yfield_t *table, size_t n, void *base);

/* Formats the value of row r stored in base as YAML scalar text ("128", "0.0035", "true",
 * "spindrop", "\"a\\tb\"").  Numbers print with %.17g trimmed so reloading gives the same
 * value; strings are double-quoted with every character YAML may not hold raw escaped.
 * A buffer of YDOC_FMT_MAX bytes holds any value. */
#define YDOC_FMT_MAX 256
void ydoc_format_value(const yfield_t *r, const void *base, char *buf, size_t n);

/* The "got Y" of an error about node: the value quoted (cut at 40 bytes, at a character
 * boundary; quotes and control characters shown as '?', so the message stays one line), or
 * what the node is ("a mapping", "a sequence", "an empty value", "nothing"). */
void ydoc_describe_node(const ydoc_t *d, int node, char *buf, size_t n);
/* The same for a value's text held outside a document: quoted as above, or "an empty
 * value". */
void ydoc_describe_text(const char *s, char *buf, size_t n);

/* The reference tables' words for a row: its type ("integer", "number", "bool", "enum",
 * "string"), and its description with an enum's names appended ("…: one of `a`, `b`"). */
const char *ydoc_type_name(yfield_type_t t);
void ydoc_field_desc(const yfield_t *r, char *buf, size_t n);

/* ---- Read hook ---- */
/* Called with every file a load reads (the top file and each included one), once per
 * read, after it was read whole and before it is parsed: `path` is the name diagnostics
 * use (as given, or the including file's directory joined with the !include text),
 * bytes[0..n) its content.  Both are valid only during the call.  The sweep command uses
 * it to snapshot and hash its inputs.  Process-wide and not locked, like the include
 * path; fn NULL removes the hook. */
typedef void (*ydoc_read_hook_t)(void *ctx, const char *path, const char *bytes, size_t n);
void ydoc_read_hook_set(ydoc_read_hook_t fn, void *ctx);

/* ---- Test and debug hooks ---- */
/* Steps taken by the load passes whose cost grows with the document: events composed,
 * comparisons made resolving anchors and aliases, children visited counting the
 * expansion.  Tests assert these grow linearly (up to a log factor) with the input. */
uint64_t ydoc_test_work(const ydoc_t *d);

#ifdef __cplusplus
}
#endif
#endif
